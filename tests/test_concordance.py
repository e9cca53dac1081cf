"""KWIC lines quote the original text; collocations never cross documents."""
import math

import pandas as pd
import pytest

from analysis.concordance import collocations, kwic, kwic_term

UNITS = pd.DataFrame({
    "doc_id": ["a", "b", "rel_1"],
    "kind": ["article", "article", "related"],
    "text": [
        "Le Vietnam développe l’intelligence artificielle (IA) et l’IA souveraine.\n\n"
        "La Résolution n°57-NQ/TW guide la transformation numérique.",
        "Le Laos salue l'IA vietnamienne. Les solutions souveraines progressent.",
        "L’IA au service du développement.",
    ],
})


def test_apostrophe_in_pattern_matches_both_apostrophes_and_quotes_the_original():
    lines = kwic(UNITS, r"l'IA\b", window=30)
    assert lines["doc_id"].tolist() == ["a", "b"]
    assert lines["match"].tolist() == ["l’IA", "l'IA"]  # the text's own apostrophe
    assert lines.loc[0, "right"].startswith("souveraine.")
    assert list(lines.columns) == ["doc_id", "kind", "left", "match", "right"]
    # case-insensitive search also finds "L’IA" at the start of the related unit
    insensitive = kwic(UNITS, "l'ia", ignore_case=True, regex=False)
    assert insensitive["match"].tolist() == ["l’IA", "l'IA", "L’IA"]
    assert insensitive["kind"].tolist() == ["article", "article", "related"]


def test_window_is_cut_at_word_boundaries():
    # the 20 characters before the match are exactly "n°57-NQ/TW guide la ", after a space
    lines = kwic(UNITS, "transformation numérique", regex=False, window=20)
    assert lines[["left", "match", "right"]].values.tolist() == [
        ["n°57-NQ/TW guide la", "transformation numérique", "."]]
    # 18 characters would cut "n°57-NQ/TW" in half: the partial word is dropped
    assert kwic(UNITS, "transformation", window=18).loc[0, "left"] == "guide la"
    # on the right too: 16 characters end inside "souveraine", which is dropped
    assert kwic(UNITS, "artificielle", window=16).loc[0, "right"] == "(IA) et l’IA"


def test_context_folds_line_breaks_and_stays_within_the_window():
    lines = kwic(UNITS, r"Résolution", window=40)
    line = lines.iloc[0]
    assert "\n" not in line["left"]
    assert line["left"].endswith("souveraine. La")
    assert len(line["left"]) <= 40 and len(line["right"]) <= 40
    assert line["right"] == "n°57-NQ/TW guide la transformation"


def test_literal_phrase_matches_across_any_white_space():
    units = pd.DataFrame({"doc_id": ["x"], "text": ["une intelligence\nartificielle (IA)"]})
    lines = kwic(units, "intelligence artificielle", regex=False)
    assert lines["match"].tolist() == ["intelligence\nartificielle"]
    assert list(lines.columns) == ["doc_id", "left", "match", "right"]  # no kind column
    assert kwic(units, "IA.", regex=False).empty  # a literal dot, not any character


def test_kwic_term_finds_lemmas_and_multiword_terms_in_the_original_text():
    souverain = kwic_term(UNITS, "souverain")
    assert souverain["match"].tolist() == ["souveraine", "souveraines"]
    resolution = kwic_term(UNITS, "résolution_57")
    assert resolution["match"].tolist() == ["Résolution n°57-NQ/TW"]
    ia = kwic_term(UNITS, "IA")
    assert ia["match"].tolist() == ["IA", "IA", "IA", "IA"]
    assert kwic_term(UNITS, "absent").empty


# --------------------------------------------------------------------------- collocations

DOCS = [
    ["transformation", "numérique", "vietnam", "laos"],
    ["vietnam", "laos", "coopération", "transformation", "numérique"],
    ["laos", "vietnam"],
]


def test_collocations_counts_and_pmi():
    result = collocations(DOCS, measure="pmi", min_freq=2)
    assert list(result.columns) == ["w1", "w2", "freq", "score"]
    pairs = dict(zip(zip(result["w1"], result["w2"]), zip(result["freq"], result["score"])))
    assert set(pairs) == {("transformation", "numérique"), ("vietnam", "laos")}
    n_words = sum(len(d) for d in DOCS)  # 11
    # PMI = log2(N f(w1 w2) / (f(w1) f(w2)))
    assert pairs[("transformation", "numérique")] == (
        2, pytest.approx(math.log2(n_words * 2 / (2 * 2))))
    assert pairs[("vietnam", "laos")] == (2, pytest.approx(math.log2(n_words * 2 / (3 * 3))))
    assert result["score"].is_monotonic_decreasing


def test_collocations_never_span_two_documents():
    # "laos" ends document 1 and "vietnam" starts document 2: no ("laos", "vietnam") bigram
    # from that boundary; the only one is inside document 3
    result = collocations(DOCS, measure="pmi", min_freq=1, n=100)
    pairs = dict(zip(zip(result["w1"], result["w2"]), result["freq"]))
    assert pairs[("laos", "vietnam")] == 1
    assert ("numérique", "laos") not in pairs  # end of document 2, start of document 3
    assert pairs[("numérique", "vietnam")] == 1  # inside document 1


def test_collocations_likelihood_ratio_and_deterministic_order():
    result = collocations(DOCS, measure="likelihood_ratio", min_freq=1, n=100)
    ties = result.groupby("score")["w1"].apply(list)
    for words in ties:
        assert words == sorted(words)
    assert (result["score"].diff().dropna() <= 0).all()
    with pytest.raises(ValueError):
        collocations(DOCS, measure="dice")


def test_kwic_for_terms_keeps_the_first_lines_of_each_term():
    from analysis.concordance import kwic_for_terms

    lines = kwic_for_terms(UNITS, ["IA", "résolution_57", "absent"], n_lines=2, window=20)
    assert list(lines.columns) == ["term", "doc_id", "left", "match", "right"]
    assert lines["term"].tolist() == ["IA", "IA", "résolution_57"]
    assert lines["doc_id"].tolist() == ["a", "a", "a"]
    assert lines["match"].tolist() == ["IA", "IA", "Résolution n°57-NQ/TW"]


def test_kwic_term_skips_words_inside_multiword_terms_and_finds_acronyms():
    units = pd.DataFrame({"doc_id": ["x"], "text": [
        "Les centres de données et les données. Les technologies de l’information et de la "
        "communication (TIC) et les TIC."]})
    assert kwic_term(units, "donnée")["match"].tolist() == ["données"]
    assert kwic_term(units, "centre_de_données")["match"].tolist() == ["centres de données"]
    assert kwic_term(units, "TIC")["match"].tolist() == [
        "technologies de l’information et de la communication", "TIC", "TIC"]
    # without joined multiword terms, every "données" is the lemma "donnée"
    assert len(kwic_term(units, "donnée", multiwords=False)) == 2


def test_kwic_lines_are_the_counted_occurrences_of_every_token():
    from collections import Counter

    from analysis.corpus import load_corpus
    from analysis.text import tokenize_series

    units = load_corpus()
    units = units[units["doc_id"].isin(["000_1a05a85f63068217", "002_2c011ea8c1d02bdc"])]
    counts = Counter(t for tokens in tokenize_series(units["text"]) for t in tokens)
    lines = {token: len(kwic_term(units, token)) for token in counts}
    assert {t: (n, lines[t]) for t, n in counts.items() if lines[t] != n} == {}
    assert len(counts) > 200
