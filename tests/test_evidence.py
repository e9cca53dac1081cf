"""Tests for analysis.evidence: sentences, masks, theme paragraphs, prevalence levels, targets."""
import pandas as pd

from analysis.study import load_study
import pytest

from analysis import evidence as ev
from analysis import themes

TOY_CODEBOOK = """
[[themes]]
id = "res"
label = "Resolution 57"
definition = "Resolution 57."
  [[themes.patterns]]
  case = "insensitive"
  regex = '''\\brésolution\\s+57\\b'''
  [[themes.context]]
  case = "insensitive"
  subframe = "mandate"
  regex = '''\\bobjectifs\\b'''

[[themes]]
id = "other"
label = "Other resolutions"
definition = "Other numbered resolutions."
default_subframe = "other"
  [[themes.patterns]]
  case = "insensitive"
  subframe = "resolution_{n}"
  regex = '''\\brésolution\\s+(?!57\\b)(?P<n>\\d+)(?:[-/][\\w/-]*\\w)?'''

[[themes]]
id = "ia"
label = "AI"
definition = "AI."
  [[themes.patterns]]
  case = "sensitive"
  regex = '''\\bIA\\b'''
  [[themes.patterns]]
  case = "insensitive"
  subframe = "sovereign"
  regex = '''\\bsouveraine\\b'''
"""


@pytest.fixture()
def codebook(tmp_path):
    path = tmp_path / "codebook.toml"
    path.write_text(TOY_CODEBOOK, encoding="utf-8")
    return themes.load_codebook(path)


def _units(*texts, kind="article"):
    doc_ids = [f"d{i}" for i in range(len(texts))]
    return pd.DataFrame({"doc_id": doc_ids, "kind": kind, "text": list(texts)})


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------

def test_split_sentences_keeps_original_characters_and_breaks_lines():
    text = ("Le secrétaire général a parlé à Hô Chi Minh-Ville. L’IA est un choix.\n\n"
            "Photo : VNA")
    assert ev.split_sentences(text) == [
        "Le secrétaire général a parlé à Hô Chi Minh-Ville.",
        "L’IA est un choix.",  # typographic apostrophe kept: quotes stay faithful
        "Photo : VNA",
    ]


def test_split_sentences_does_not_split_inside_codes_or_before_lowercase():
    text = "la résolution n°57-NQ/TW fixe des objectifs. et encore 4.0 ici"
    assert ev.split_sentences(text) == [text]


def test_sentences_numbers_sentences_within_each_unit():
    table = ev.sentences(_units("Un. Deux.", "Trois."))
    assert list(table["doc_id"]) == ["d0", "d0", "d1"]
    assert list(table["sent_id"]) == [0, 1, 0]
    assert list(table["sentence"]) == ["Un.", "Deux.", "Trois."]
    assert list(table["kind"]) == ["article"] * 3


# ---------------------------------------------------------------------------------------------
# Sub-corpus mask
# ---------------------------------------------------------------------------------------------

def test_mentions_is_aligned_and_matches_on_normalized_text():
    units = _units("Le Laos souhaite coopérer.", "Rien ici : la Malaisie.", "l’IA souveraine")
    units.index = [10, 11, 12]
    laos = ev.mentions(units, r"\bLao(?:s|tien)?\b")
    assert list(laos.index) == [10, 11, 12]
    assert list(laos) == [True, False, False]
    # the pattern's ASCII apostrophe matches the typographic one in the text
    assert list(ev.mentions(units, r"l'IA\b")) == [False, False, True]
    assert list(ev.mentions(units, r"LAOS", ignore_case=True)) == [True, False, False]


# ---------------------------------------------------------------------------------------------
# Paragraphs and prevalence levels
# ---------------------------------------------------------------------------------------------

def _toy_units():
    return pd.DataFrame({
        "doc_id": ["a16", "b25", "rel_x", "rel_dup"],
        "kind": ["article", "article", "related", "related"],
        "title": ["L'IA en 2016", "Titre sans thème", "IA souveraine", "Titre sans thème"],
        "text": ["Un paragraphe sur l'IA.\n\nUn autre paragraphe sans rien.",
                 "La résolution 57 fixe des objectifs.\n\nPuis la résolution 68-NQ/TW et l'IA.",
                 "Une IA souveraine pour le Vietnam.", "Le même texte."],
        "date": pd.to_datetime(["2016-10-31", "2025-01-15", None, None]),
        "same_as": ["", "", "", "b25"],
    })


def test_theme_paragraphs_keeps_titles_adds_period_and_drops_duplicates():
    paras = ev.theme_paragraphs(_toy_units())
    assert "rel_dup" not in set(paras["doc_id"])  # same headline as article b25: counted once
    first = paras[paras["para_id"] == 0]
    assert list(first["part"]) == ["title"] * 3
    assert list(first["text"]) == ["L'IA en 2016", "Titre sans thème", "IA souveraine"]
    assert dict(zip(paras["doc_id"], paras["period"])) == {"a16": "2016", "b25": "2025",
                                                          "rel_x": "undated"}
    assert len(paras) == 3 + 3 + 2


def test_prevalence_levels_never_puts_teasers_in_periods(codebook):
    paras = ev.theme_paragraphs(_toy_units())
    table = ev.prevalence_levels(paras, themes=["ia"], codebook=codebook, n_boot=200,
                                 random_state=0)
    assert list(table["level"]) == ["kind", "kind", "period", "period", "article", "article"]
    assert list(table["group"]) == ["article", "related", "2016", "2025", "a16", "b25"]
    period = table[table["level"] == "period"].set_index("group")
    articles = paras[paras["kind"] == "article"]
    # 2016: "L'IA en 2016" (4 words) + 2 body paragraphs (5 + 5 words), 2 matches of IA
    n_words_2016 = int(articles.loc[articles["period"] == "2016", "n_words"].sum())
    assert period.loc["2016", "n_words"] == n_words_2016 == 14
    assert period.loc["2016", "n_matches"] == 2
    assert period.loc["2016", "rate_per_1000"] == pytest.approx(1000 * 2 / 14)
    assert period["n_paragraphs"].sum() == len(articles)  # related paragraphs left out
    # one or two documents per group: rates, no interval, and a note saying why
    assert table[["ci_low", "ci_high"]].isna().all(axis=None)
    assert table["note"].str.contains("fewer than 5 documents").all()
    within = ev.prevalence_levels(paras, themes=["ia"], codebook=codebook, n_boot=200, random_state=0,
                                  design="within")
    assert (within["ci_low"] <= within["rate_per_1000"]).all()
    assert (within["rate_per_1000"] <= within["ci_high"]).all()
    again = ev.prevalence_levels(paras, themes=["ia"], codebook=codebook, n_boot=200,
                                 random_state=0)
    pd.testing.assert_frame_equal(table, again)


# ---------------------------------------------------------------------------------------------
# Documents with a theme, co-mentions, sub-frames
# ---------------------------------------------------------------------------------------------

def _toy_paragraphs():
    return pd.DataFrame({
        "doc_id": ["a", "a", "a", "b", "c"],
        "para_id": [0, 1, 2, 0, 0],
        "kind": ["article", "article", "article", "related", "related"],
        "text": ["La résolution 57 fixe des objectifs et la résolution 68-NQ/TW aussi.",
                 "Rien.", "Selon la résolution 81/2023/QH15 et la résolution 68-NQ/TW.",
                 "La résolution 68-NQ/TW seule.", "La résolution 57 et l'IA souveraine."],
    }, index=[10, 11, 12, 13, 14])


def test_with_theme_by_document_and_by_paragraph(codebook):
    paras = _toy_paragraphs()
    docs = ev.with_theme(paras, "res", codebook=codebook)
    assert list(docs.index) == [10, 11, 12, 14]  # every paragraph of documents a and c
    only = ev.with_theme(paras, "res", level="paragraph", codebook=codebook)
    assert list(only.index) == [10, 14]
    with pytest.raises(ValueError):
        ev.with_theme(paras, "res", level="page", codebook=codebook)


def test_resolution_companions_counts_documents_paragraphs_and_issuers(codebook):
    table = ev.resolution_companions(_toy_paragraphs(), focal="res", other="other",
                                     codebook=codebook)
    assert list(table["subframe"]) == ["resolution_68", "resolution_81"]
    assert list(table["match"]) == ["résolution 68-NQ/TW", "résolution 81/2023/QH15"]
    assert list(table["issuer"]) == ["Party (Politburo / Central Committee)", "National Assembly"]
    # document b cites 68 without 57: not counted
    assert list(table["n_matches"]) == [2, 1]
    assert list(table["n_docs"]) == [1, 1]
    assert list(table["n_same_paragraph"]) == [1, 0]
    assert list(table["doc_ids"]) == ["a", "a"]


def test_co_mentions_empty_when_focal_absent(codebook):
    paras = _toy_paragraphs().iloc[[1, 3]]
    table = ev.co_mentions(paras, "res", "other", codebook=codebook)
    assert table.empty
    assert list(table.columns) == ["subframe", "match", "n_matches", "n_docs", "n_same_paragraph",
                                   "doc_ids"]


def test_subframe_table_groups_matches(codebook):
    table = ev.subframe_table(_toy_paragraphs(), "res", by="kind", codebook=codebook)
    assert list(table["kind"]) == ["article", "related"]
    assert list(table["subframe"]) == ["mandate", "general"]  # "objectifs" in the sentence
    assert list(table["n_matches"]) == [1, 1]
    ia = ev.subframe_table(_toy_paragraphs(), "ia", by="kind", codebook=codebook)
    assert list(ia["subframe"]) == ["general", "sovereign"]
    assert list(ia["matches"]) == ["IA", "souveraine"]


def test_issuer_of_reads_the_code():
    assert ev.issuer_of("Résolution n°57-NQ/TW") == "Party (Politburo / Central Committee)"
    assert ev.issuer_of("Résolution n°71/NQ-CP") == "Government"
    assert ev.issuer_of("Résolution n° 81/2023/QH15") == "National Assembly"
    assert ev.issuer_of("décision n°1131/QĐ-TTg") == "Prime Minister"
    assert ev.issuer_of("résolution 59") == "not stated"


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------

def test_target_statements_finds_deadlines_rankings_and_quantities():
    text = ("Placer le Vietnam parmi les trois premiers pays d’ici 2030 et former au moins cinq "
            "grandes entreprises. Le ministre a 57 ans. Il travaille depuis plus de 20 ans. "
            "Le programme pour 2025 et les orientations jusqu'à 2030.")
    table = ev.target_statements(_units(text))
    assert list(table["sent_id"]) == [0, 3]  # ages and durations are not targets
    assert table["target_types"].iloc[0] == "deadline, ranking, quantity"
    assert table["cues"].iloc[0] == ("deadline: d'ici 2030 | ranking: parmi les trois premiers | "
                                     "quantity: au moins cinq")
    assert table["cues"].iloc[1] == "deadline: pour 2025 | deadline: jusqu'à 2030"
    assert table["sentence"].iloc[0].startswith("Placer le Vietnam")
    assert "d’ici 2030" in table["sentence"].iloc[0]  # original apostrophe kept


def test_target_statements_without_targets_is_empty_with_columns():
    table = ev.target_statements(_units("Le ministre a reçu une délégation."))
    assert table.empty
    assert list(table.columns) == ["doc_id", "kind", "sent_id", "target_types", "cues", "sentence"]


def test_theme_evidence_filters_subframe_and_kind(codebook):
    paras = _toy_paragraphs()
    lines = ev.theme_evidence(paras, "res", subframe="mandate", codebook=codebook, window=10)
    assert list(lines["doc_id"]) == ["a"]
    assert list(lines["match"]) == ["résolution 57"]
    assert "pattern" not in lines.columns
    related = ev.theme_evidence(paras, "res", kind="related", codebook=codebook)
    assert list(related["doc_id"]) == ["c"]
    assert list(related.index) == [0]
    assert "period" not in related.columns  # the toy paragraphs have none
    paras["period"] = ["2016", "2016", "2016", "undated", "2025"]
    dated = ev.theme_evidence(paras, "other", codebook=codebook)
    assert list(zip(dated["doc_id"], dated["para_id"], dated["period"])) == [
        ("a", 0, "2016"), ("a", 2, "2016"), ("a", 2, "2016"), ("b", 0, "undated")]


def test_themes_by_speaker_counts_sentences_per_group(codebook):
    speech = pd.DataFrame({
        "doc_id": ["a", "a", "b", "b"],
        "speaker": ["X", "X", "Y", "X"],
        "office": ["Minister", "Minister", "Lao official", "Minister"],
        "text": ["La résolution 57 et l'IA, l'IA.", "Rien ici.", "Une IA souveraine.",
                 "La résolution 57."],
    }, index=[7, 3, 9, 1])
    table = ev.themes_by_speaker(speech, by="office", themes=["res", "ia"], codebook=codebook)
    assert list(table["office"]) == ["Lao official", "Minister"]
    assert list(table["n_sentences"]) == [1, 3]
    assert list(table["n_docs"]) == [1, 2]
    assert list(table["res"]) == [0, 2]
    assert list(table["ia"]) == [1, 1]  # sentences with the theme, not matches (two IA in one)
    both = ev.themes_by_speaker(speech, by=["speaker", "office"], themes=["ia"], codebook=codebook)
    assert list(both.columns) == ["speaker", "office", "n_sentences", "n_docs", "ia"]
    per_doc = ev.themes_by_speaker(speech, by=["doc_id", "speaker"], themes=["res"],
                                   codebook=codebook)
    assert list(zip(per_doc["doc_id"], per_doc["speaker"], per_doc["res"])) == [
        ("a", "X", 1), ("b", "X", 1), ("b", "Y", 0)]
    assert list(per_doc["n_docs"]) == [1, 1, 1]


def test_theme_units_lists_units_with_matches_in_unit_order(codebook):
    units = _toy_units()
    paras = ev.theme_paragraphs(units)
    table = ev.theme_units(paras, units, "ia", codebook=codebook,
                           columns=("kind", "title", "missing"))
    assert list(table.columns) == ["doc_id", "n_matches", "n_paragraphs", "kind", "title"]
    assert list(table["doc_id"]) == ["a16", "b25", "rel_x"]
    # a16: "L'IA en 2016" (title) and "Un paragraphe sur l'IA." -> 2 matches in 2 paragraphs;
    # rel_x: IA + souveraine in the title, IA + souveraine in the lead -> 4 matches, 2 paragraphs
    assert list(table["n_matches"]) == [2, 1, 4]
    assert list(table["n_paragraphs"]) == [2, 1, 2]


def test_select_documents_keeps_whole_documents_and_laos_pattern():
    paras = pd.DataFrame({
        "doc_id": ["a", "a", "b", "c", "d"],
        "text": ["Titre", "La partie lao a salué.", "Visite à Lao Cai.", "À Vientiane.",
                 "Le Vietnam et l'Estonie."],
    })
    laos = ev.select_documents(paras, load_study().cooperation_pattern)
    assert list(laos["doc_id"]) == ["a", "a", "c"]  # Lao Cai is a Vietnamese province
    assert list(ev.select_documents(paras, r"ESTONIE", ignore_case=True)["doc_id"]) == ["d"]


def test_component_table_counts_components_by_group(codebook):
    paras = pd.DataFrame({
        "doc_id": ["a", "a", "b", "c"],
        "period": ["2016", "2016", "2025", "2025"],
        "text": ["L'IA souveraine.", "La résolution 57.", "Une IA, une IA.",
                 "La résolution 57 et l'IA."],
    })
    components = {"sovereign": ("ia", ["sovereign"]), "all AI": ("ia", None), "res": ("res", None)}
    table = ev.component_table(paras, components, by="period", codebook=codebook)
    assert list(table["component"]) == ["sovereign", "all AI", "res"]
    assert list(table["subframes"]) == ["sovereign", "all", "all"]
    assert list(table["n_matches_2016"]) == [1, 2, 1]
    assert list(table["n_matches_2025"]) == [0, 3, 1]
    assert list(table["n_docs_2025"]) == [0, 2, 1]
    assert table["matches"].iloc[1] == "IA | souveraine"
