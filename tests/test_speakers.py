"""Tests of reported-speech attribution (analysis.speakers)."""
import doctest

import pandas as pd
import pytest

import analysis.speakers as speakers_module
from analysis.speakers import attribute_speech
from analysis.themes import count_themes


def paragraphs(*docs):
    """Paragraph table from ``(doc_id, [text, ...])`` pairs."""
    rows = [{"doc_id": doc_id, "para_id": i, "kind": "article", "text": text}
            for doc_id, texts in docs for i, text in enumerate(texts)]
    return pd.DataFrame(rows)


def test_a_t_il_ajoute_goes_to_the_last_named_speaker_of_the_same_document():
    p = paragraphs(
        ("d1", ["Le ministre vietnamien Truong Minh Tuan a souligné l'amitié entre les deux pays.",
                "Le vice-Premier ministre Bùi Thanh Son a affirmé que la coopération est essentielle.",
                "Le Vietnam est prêt à partager son expérience, a-t-il ajouté."]),
        ("d2", ["Les deux pays renforceront leur coopération, a-t-il ajouté."]))
    speech = attribute_speech(p)
    added = speech[speech.cue == "a-t-il ajouté"]
    assert added[["doc_id", "para_id", "speaker", "office"]].values.tolist() == [
        ["d1", 2, "Bùi Thanh Son", "Deputy Prime Minister"]]
    assert "d2" not in set(speech.doc_id)  # no named speaker in d2: nothing is guessed


def test_columns_and_offices():
    p = paragraphs(("d", [
        "Le secrétaire général du Parti, Tô Lâm, a déclaré que l'IA est un choix stratégique.",
        "Pour sa part, le Premier ministre laotien Thongloun Sisoulith a hautement apprécié la coopération.",
        "Le chef du gouvernement laotien a exhorté les deux ministères à dynamiser leur coopération.",
        "Selon le professeur Nguyen Van Tâm, ce choix ouvre une opportunité historique.",
        "Le Laos souhaite coopérer avec le Vietnam dans la cybersécurité.",
    ]))
    speech = attribute_speech(p)
    assert list(speech.columns) == ["doc_id", "para_id", "kind", "speaker", "office", "role", "country",
                                    "cue", "text"]
    assert speech[["para_id", "speaker", "office", "role", "country", "cue"]].values.tolist() == [
        [0, "Tô Lâm", "General Secretary", "General Secretary", "Vietnam", "a déclaré"],
        [1, "Thongloun Sisoulith", "Lao official", "Prime Minister", "Laos", "a hautement apprécié"],
        [2, "Thongloun Sisoulith", "Lao official", "Prime Minister", "Laos", "a exhorté"],
        [3, "Nguyen Van Tâm", "Expert", "Expert", "Vietnam", "selon"],
    ]


def test_inverted_incise_with_a_name_and_ce_dernier():
    p = paragraphs(("d", [
        '"Le Vietnam tient en haute estime ses relations avec le Laos", a souligné Truong Minh Tuan, '
        "avant de plaider pour une coordination plus étroite.",
        "Le vice-Premier ministre laotien, Sonesay Siphandone, a reçu le ministre vietnamien Truong Minh Tuan.",
        "Ce dernier a affirmé que le Vietnam était conscient de l'importance de l'amitié traditionnelle.",
    ]))
    speech = attribute_speech(p)
    assert speech[["para_id", "speaker", "cue"]].values.tolist() == [
        [0, "Truong Minh Tuan", "a souligné"], [2, "Truong Minh Tuan", "a affirmé"]]


def test_title_in_the_text_wins_over_the_default_role_and_unknown_names_are_read():
    p = paragraphs(("d", [
        "Le vice-Premier ministre laotien Sonesay Siphandone a remercié le Vietnam.",
        "Le ministre japonais Taro Kono a déclaré que le partenariat progresse.",
        "Selon le plan, les travaux commenceront en mai.",
    ]))
    speech = attribute_speech(p)
    assert speech[["speaker", "role", "office"]].values.tolist() == [
        ["Sonexay Siphandone", "Deputy Prime Minister", "Lao official"],
        ["Taro Kono", "Minister", "Minister"]]


def test_pronoun_subject_and_generic_noun_resolve_to_the_last_speaker():
    p = paragraphs(("d", [
        "Le secrétaire général Tô Lâm a souligné la nécessité de redoubler d'efforts.",
        "S'adressant au forum, il a souligné que la technologie numérique est un moteur essentiel.",
        "Le dirigeant a souligné les nombreuses limites du développement.",
    ]))
    speech = attribute_speech(p)
    assert speech["speaker"].tolist() == ["Tô Lâm"] * 3


def test_paragraph_order_follows_para_id_not_row_order():
    p = paragraphs(("d", ["Le ministre Truong Minh Tuan a souligné l'amitié.",
                          "Le vice-Premier ministre Bùi Thanh Son a souligné la coopération.",
                          "La coopération est fructueuse, a-t-il ajouté."]))
    p.loc[:, "para_id"] = [2, 0, 3]  # Bùi Thanh Son speaks first, then Truong Minh Tuan
    speech = attribute_speech(p.sample(frac=1, random_state=0))
    assert speech.set_index("para_id").loc[3, "speaker"] == "Truong Minh Tuan"


def test_themes_can_be_tabulated_by_office():
    p = paragraphs(("d", [
        "Le secrétaire général Tô Lâm a souligné l'importance de la transformation numérique.",
        "Le Premier ministre laotien Thongloun Sisoulith a souhaité coopérer dans la cybersécurité.",
    ]))
    speech = attribute_speech(p)
    table = count_themes(speech["text"]).groupby(speech["office"]).sum()
    assert table.loc["General Secretary", "digital_transformation"] == 1
    assert table.loc["Lao official", "cybersecurity"] == 1
    assert table.loc["Lao official", "digital_transformation"] == 0


def test_seed_corpus_incises_resolve_to_the_speaker_of_the_article(seed_raw, seed_metadata):
    from analysis import corpus
    speech = attribute_speech(corpus.paragraphs(corpus.load_corpus(seed_raw, seed_metadata)))
    articles = speech[~speech.doc_id.str.startswith("rel_")]
    by_doc = articles[articles.cue.str.contains("-t-il")].groupby("doc_id")["speaker"].agg(set)
    assert by_doc.to_dict() == {
        "000_1a05a85f63068217": {"Truong Minh Tuan"},
        "001_850b8497c3c40278": {"Bùi Thanh Son"},
        "002_2c011ea8c1d02bdc": {"Truong Minh Tuan"},
        "003_820e157e04b203e2": {"Tô Lâm"},
    }


def test_missing_columns_are_reported():
    with pytest.raises(KeyError, match="para_id"):
        attribute_speech(pd.DataFrame({"doc_id": ["d"], "text": ["x"]}))


def test_docstring_examples():
    result = doctest.testmod(speakers_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
