"""The codebook on text it was not written for: the holdout validation set.

``tests/data/theme_validation_holdout.csv`` holds sentences written in the outlets' style but not
taken from the seed pages, labelled from the codebook's definitions before the coder was run on
them (three labels were adjudicated afterwards, and seven sentences that repeated the tuning set
were reworded; each says so in its ``note``). The rules it exposed
were fixed; these tests keep it apart from the tuning set and hold the coder to it.
"""
from pathlib import Path

import pandas as pd

from analysis import themes
from analysis.corpus import load_corpus
from analysis.paths import SEED_METADATA, SEED_RAW
from analysis.text import normalize

HERE = Path(__file__).parent
HOLDOUT = HERE / "data" / "theme_validation_holdout.csv"
TUNING = HERE / "data" / "theme_validation.csv"


def _holdout():
    return themes.load_validation(HOLDOUT)


def test_holdout_is_large_and_covers_every_theme():
    labeled = _holdout()
    codebook = themes.get_codebook()
    assert len(labeled) >= 150
    positives = labeled[list(codebook.ids)].sum()
    assert (positives >= 4).all(), positives[positives < 4]
    # every theme is also tested on sentences where it must NOT be coded
    assert ((labeled[list(codebook.ids)] == 0).sum() >= 100).all()


def test_holdout_is_apart_from_the_tuning_set_and_the_seed_pages():
    holdout = {normalize(s) for s in _holdout()["sentence"]}
    tuning = {normalize(s) for s in themes.load_validation(TUNING)["sentence"]}
    assert not holdout & tuning
    units = load_corpus(SEED_RAW, SEED_METADATA)
    seed_text = normalize("\n".join(units["title"].tolist() + units["text"].tolist()))
    assert not [s for s in holdout if s in seed_text]


def test_adjudicated_labels_say_so():
    labeled = pd.read_csv(HOLDOUT)
    adjudicated = labeled[labeled["note"].str.contains("adjudicated", na=False)]
    assert 0 < len(adjudicated) <= 8
    assert adjudicated["note"].str.contains("label was").all()


def test_precision_and_recall_on_the_holdout_set():
    table = themes.validate(_holdout())
    assert (table["precision"] >= 0.9).all(), table
    assert (table["recall"] >= 0.9).all(), table


def test_the_wrong_senses_found_on_new_pages_are_not_coded():
    # The senses the issue reports from real pages: staff recruitment, a ranking among ASEAN
    # countries, global digital governance.
    sentences = [
        "Le groupe FPT prévoit de recruter une centaine de collaborateurs au Japon.",
        "Le Vietnam se classe 6e parmi les 10 pays de l'ASEAN pour l'indice d'innovation.",
        "La gouvernance numérique mondiale exige des règles communes, a souligné le délégué.",
    ]
    counts = themes.count_themes(sentences)
    assert counts["international_cooperation"].tolist() == [0, 0, 0]
    assert counts["digital_transformation"].tolist() == [0, 0, 0]
    # ...while the same words in their coded senses still are
    coded = themes.count_themes([
        "Le Vietnam et le Japon vont collaborer dans les semi-conducteurs.",
        "Le Vietnam renforcera sa coopération avec les pays de l'ASEAN.",
        "La province construit une gouvernance numérique au service des habitants.",
    ])
    assert (coded["international_cooperation"].iloc[:2] > 0).all()
    assert coded["digital_transformation"].iloc[2] > 0


def test_first_run_record_is_kept_and_was_worse():
    # The first run of the coder on the holdout set, before the rules it exposed were fixed,
    # is kept as a record (tests/data/theme_validation_holdout_first_run.csv): it is what the
    # codebook achieves on text it was not written for. The fixed rules must not do worse.
    first = pd.read_csv(HERE / "data" / "theme_validation_holdout_first_run.csv").set_index("theme")
    now = themes.validate(_holdout())
    assert set(first.index) == set(now.index)
    assert (first["fp"] + first["fn"]).sum() > (now["fp"] + now["fn"]).sum()
