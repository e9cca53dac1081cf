"""Tests of the theme codebook and coding (analysis.themes, analysis.plots.themes)."""
import doctest
import textwrap

import matplotlib
import numpy as np
import pandas as pd
import pytest

import analysis.themes as themes_module
from analysis.text import normalize
from analysis.themes import (
    CODEBOOK, add_period, codebook_table, cooccurrence, cooccurrence_stats, count_themes,
    get_codebook, load_codebook, load_validation, prevalence, theme_kwic, theme_matches,
    validate, validation_errors,
)

THEME_IDS = ["sovereignty", "ai", "resolution_57", "companion_resolutions", "cybersecurity",
             "digital_transformation", "data_infrastructure", "semiconductors", "human_capital",
             "international_cooperation", "innovation", "press_information"]


def n_matches(text, theme):
    return int(count_themes([text], themes=[theme]).iat[0, 0])


def write_codebook(tmp_path, body, name="codebook.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


TOY = """
    [codebook]
    version = "test"

    [cues.place]
    case = "insensitive"
    regex = '''\\bHanoi\\b'''

    [[themes]]
    id = "alpha"
    label = "Alpha"
    definition = "The word alpha."

      [[themes.patterns]]
      case = "insensitive"
      subframe = "long"
      regex = '''\\balpha\\s+beta\\b'''

      [[themes.patterns]]
      case = "insensitive"
      regex = '''\\balpha\\b'''

    [[themes]]
    id = "security"
    label = "Security"
    definition = "sécurité, except food security."
    default_subframe = "plain"

      [[themes.patterns]]
      case = "insensitive"
      regex = '''\\bsécurité\\b'''

      [[themes.exclusions]]
      case = "insensitive"
      regex = '''\\bsécurité\\s+alimentaire\\b'''

    [[themes]]
    id = "meeting"
    label = "Meeting"
    definition = "réunion, in Hanoi only."

      [[themes.patterns]]
      case = "sensitive"
      require = "place"
      regex = '''\\bréunion\\b'''
"""


@pytest.fixture
def toy(tmp_path):
    return load_codebook(write_codebook(tmp_path, TOY))


# ---------------------------------------------------------------------------------------------
# The codebook file
# ---------------------------------------------------------------------------------------------

def test_codebook_has_the_themes_in_order_with_definitions_and_examples():
    cb = load_codebook(CODEBOOK)
    assert cb.ids == THEME_IDS
    for theme in cb.themes:
        assert theme.definition and theme.include and theme.exclude, theme.id
        assert theme.positive_examples and theme.negative_examples, theme.id
        assert theme.patterns, theme.id
        assert all(p.case in ("sensitive", "insensitive") for p in theme.patterns)


def test_codebook_examples_behave_as_stated():
    cb = get_codebook()
    for theme in cb.themes:
        for example in theme.positive_examples:
            assert n_matches(example, theme.id) > 0, (theme.id, example)
        for example in theme.negative_examples:
            assert n_matches(example, theme.id) == 0, (theme.id, example)


def test_sovereignty_records_the_subframes_named_in_the_brief():
    cb = get_codebook()
    subframes = set(cb["sovereignty"].subframes)
    assert {"digital", "data", "technological_autonomy", "sovereign_ai", "cyberspace",
            "territorial", "general"} <= subframes


def test_codebook_table_one_row_per_theme():
    table = codebook_table()
    assert table["theme"].tolist() == THEME_IDS
    assert (table["n_patterns"] > 0).all()


# ---------------------------------------------------------------------------------------------
# Hard cases named in the issue
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["l’IA générative", "l'IA", "d’IA", "L'IA SOUVERAINE",
                                  "la stratégie nationale sur l’intelligence artificielle"])
def test_ai_matches_with_elision_and_uppercase(text):
    assert n_matches(text, "ai") == 1


@pytest.mark.parametrize("text", ["J'ai vu le ministre.", "J’AI VU LE MINISTRE", "JE N'AI RIEN DIT",
                                  "La Malaisie et le Vietnam", "LA MALAISIE", "via le portail",
                                  "VIA HANOI", "L'intelligence des experts", "des villes intelligentes"])
def test_ai_does_not_match_jai_malaisie_via_or_human_intelligence(text):
    assert n_matches(text, "ai") == 0


def test_gloss_intelligence_artificielle_ia_counts_once():
    assert n_matches("L'Alliance pour l'intelligence artificielle (IA) a annoncé un prix.", "ai") == 1


def test_uppercase_headline_lia_souveraine_is_sovereign_ai():
    m = theme_matches(["L'IA SOUVERAINE AU CŒUR DE LA STRATÉGIE"])
    sov = m[m.theme == "sovereignty"]
    assert sov["subframe"].tolist() == ["sovereign_ai"]
    assert (m.theme == "ai").sum() == 1


@pytest.mark.parametrize("text", ["la Résolution n°57-NQ/TW du Bureau politique", "la résolution 57",
                                  "la Resolution 57 sans accent", "RÉSOLUTION 57 : LES PROVINCES",
                                  "la Résolution n° 57-NQ/TW", "la 57-NQ/TW", "le Nghị quyết 57"])
def test_resolution_57_spellings(text):
    assert n_matches(text, "resolution_57") == 1


@pytest.mark.parametrize("text", ["la Résolution 68-NQ/TW sur l'économie privée", "Il a 57 ans.",
                                  "le 57e anniversaire", "la Résolution 570", "57 % des entreprises",
                                  "la Résolution 57/2024/QH15 de l'Assemblée nationale"])
def test_resolution_57_negatives(text):
    assert n_matches(text, "resolution_57") == 0


def test_list_of_resolutions_gives_57_and_each_companion():
    m = theme_matches(["Les résolutions 57, 59 et 68 forment le socle."])
    assert m[m.theme == "resolution_57"]["match"].tolist() == ["57"]
    companions = m[m.theme == "companion_resolutions"]
    assert companions["match"].tolist() == ["59", "68"]
    assert companions["subframe"].tolist() == ["resolution_59", "resolution_68"]


def test_companion_resolution_codes_become_subframes():
    m = theme_matches(["la Résolution n°71/NQ-CP du gouvernement et la Résolution n° 81/2023/QH15"],
                      themes="companion_resolutions")
    assert m["subframe"].tolist() == ["resolution_71_nq_cp", "resolution_81_2023_qh15"]


@pytest.mark.parametrize("text", ["La sécurité alimentaire reste une priorité.",
                                  "Le ministère de la Sécurité publique a inauguré un commissariat.",
                                  "LE MINISTÈRE DE LA SÉCURITÉ PUBLIQUE", "la sûreté nucléaire",
                                  "la sécurité routière et la sécurité nationale"])
def test_securite_alone_is_not_cybersecurity(text):
    assert n_matches(text, "cybersecurity") == 0


@pytest.mark.parametrize("text", ["la cybersécurité", "LA CYBERSÉCURITÉ", "la sécurité de l'information",
                                  "la Convention de Hanoï", "les cybermenaces",
                                  "la garantie de la sécurité et de la sûreté numérique"])
def test_cybersecurity_positives(text):
    assert n_matches(text, "cybersecurity") == 1


@pytest.mark.parametrize("text", ["le fonds souverain norvégien", "la dette souveraine",
                                  "le souverain thaïlandais", "une autonomie de 500 kilomètres",
                                  "maîtriser les technologies numériques dès l'école"])
def test_sovereignty_negatives(text):
    assert n_matches(text, "sovereignty") == 0


def test_cooperation_needs_a_foreign_party_in_the_sentence():
    assert n_matches("La coopération entre les entreprises et les universités.", "international_cooperation") == 0
    assert n_matches("La coopération avec le Laos. La coopération entre les entreprises.",
                     "international_cooperation") == 1


def test_portfolio_names_are_not_coded():
    text = "Le ministre vietnamien de l'Information et de la Communication a reçu son homologue."
    assert n_matches(text, "press_information") == 0
    assert n_matches("le ministère des Sciences et des Technologies", "innovation") == 0
    assert n_matches("coopérer dans les secteurs de l'information et de la communication", "press_information") == 1


# ---------------------------------------------------------------------------------------------
# Matching machinery on a toy codebook
# ---------------------------------------------------------------------------------------------

def test_exclusion_drops_only_the_overlapping_match(toy):
    text = "La sécurité alimentaire et la sécurité."
    m = theme_matches([text], toy)
    assert m["match"].tolist() == ["sécurité"]
    assert m["start"].tolist() == [text.rindex("sécurité")]
    assert m["subframe"].tolist() == ["plain"]


def test_overlapping_matches_of_a_theme_count_once_first_pattern_wins(toy):
    m = theme_matches(["alpha beta, then alpha"], toy, themes="alpha")
    assert m["match"].tolist() == ["alpha beta", "alpha"]
    assert m["subframe"].tolist() == ["long", "general"]
    assert count_themes(["alpha beta"], toy)["alpha"].tolist() == [1]


def test_required_cue_must_be_in_the_same_sentence(toy):
    counts = count_themes(["Une réunion à Hanoi.", "Une réunion. Puis Hanoi.", "Une Réunion à Hanoi."],
                          toy)
    assert counts["meeting"].tolist() == [1, 0, 0]  # case-sensitive pattern: Réunion != réunion


def test_matches_carry_index_labels_and_offsets_into_normalized_text(toy):
    texts = pd.Series(["x alpha", None, "l’alpha\u00a0 alpha"], index=["a", "b", "c"])
    m = theme_matches(texts, toy)
    assert m["index"].tolist() == ["a", "c", "c"]
    assert list(m.columns) == ["index", "theme", "subframe", "pattern", "start", "end", "match"]
    for row in m.itertuples():
        assert normalize(texts[row.index])[row.start:row.end] == row.match


def test_count_themes_is_aligned_with_its_input(toy):
    texts = pd.Series(["alpha", "sécurité alpha alpha", ""], index=[10, 5, 7])
    counts = count_themes(texts, toy)
    assert list(counts.index) == [10, 5, 7]
    assert list(counts.columns) == ["alpha", "security", "meeting"]
    assert counts.to_numpy().tolist() == [[1, 0, 0], [2, 1, 0], [0, 0, 0]]
    assert all(dtype == np.int64 for dtype in counts.dtypes)


def test_count_themes_rejects_a_single_string():
    with pytest.raises(TypeError):
        count_themes("alpha")


def test_texts_are_scanned_in_chunks_without_crossing(toy, monkeypatch):
    from analysis import matches, matching
    monkeypatch.setattr(matching, "_CHUNK_CHARS", 8)
    matches.clear_cache()
    texts = ["alpha", "beta alpha", "alpha beta", "sécurité"]
    counts = count_themes(texts, toy)
    assert counts["alpha"].tolist() == [1, 1, 1, 0]
    assert counts["security"].tolist() == [0, 0, 0, 1]


def test_theme_kwic_gives_context_from_the_normalized_text():
    units = pd.DataFrame({"doc_id": ["d1", "d2"], "kind": ["article", "related"],
                          "text": ["Ils ont parlé de l’IA souveraine et de\nla cybersécurité.", "Rien."]})
    k = theme_kwic(units, "ai", window=10)
    assert list(k.columns) == ["doc_id", "kind", "left", "match", "right", "pattern", "subframe"]
    assert k[["doc_id", "kind", "match"]].values.tolist() == [["d1", "article", "IA"]]
    assert k["left"].iat[0] == "arlé de l'"  # 10 characters before the match
    assert len(k["right"].iat[0]) == 10
    cyber = theme_kwic(units, "cybersecurity", window=8)
    assert cyber["left"].iat[0] == "t de la "  # 8 characters; the line break shown as a space
    with pytest.raises(KeyError):
        theme_kwic(units, "no_such_theme")


# ---------------------------------------------------------------------------------------------
# Prevalence with bootstrap intervals
# ---------------------------------------------------------------------------------------------

def toy_paragraphs():
    return pd.DataFrame({
        "doc_id": ["a", "a", "b", "c", "c", "c"],
        "para_id": [0, 1, 0, 0, 1, 2],
        "kind": ["article"] * 6,
        "text": ["alpha alpha", "beta", "alpha", "alpha", "rien", "alpha alpha alpha"],
        "n_words": [100, 300, 600, 50, 50, 100],
        "date": pd.to_datetime(["2016-10-31", "2016-10-31", "2025-01-15", "2025-06-06",
                                "2025-06-06", "2025-06-06"]),
    })


def test_prevalence_rates_checked_by_hand(toy):
    prev = prevalence(toy_paragraphs(), "doc_id", codebook=toy, themes="alpha", n_boot=200)
    rates = dict(zip(prev["doc_id"], prev["rate_per_1000"]))
    assert rates["a"] == pytest.approx(1000 * 2 / 400)
    assert rates["b"] == pytest.approx(1000 * 1 / 600)
    assert rates["c"] == pytest.approx(1000 * 4 / 200)
    assert prev.set_index("doc_id").loc["c", "n_paragraphs"] == 3
    by_period = prevalence(toy_paragraphs(), "period", codebook=toy, themes="alpha", n_boot=200)
    assert by_period["period"].tolist() == ["2016", "2025"]
    assert by_period["n_matches"].tolist() == [2, 5]
    assert by_period["n_words"].tolist() == [400, 800]
    assert by_period["rate_per_1000"].tolist() == pytest.approx([5.0, 6.25])
    assert by_period["n_docs"].tolist() == [1, 2]


def test_prevalence_interval_contains_the_estimate_and_is_seeded():
    paragraphs = pd.DataFrame({
        "doc_id": [f"d{i // 4}" for i in range(24)], "para_id": [i % 4 for i in range(24)],
        "kind": "article",
        "text": ["La cybersécurité et l'IA." if i % 3 == 0 else "La transformation numérique." if i % 3 == 1
                 else "Rien à signaler ici." for i in range(24)],
        "n_words": [5 + i % 7 for i in range(24)]})
    first = prevalence(paragraphs, "kind", random_state=1, n_boot=500)
    again = prevalence(paragraphs, "kind", random_state=1, n_boot=500)
    other = prevalence(paragraphs, "kind", random_state=2, n_boot=500)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["ci_low"], other["ci_low"]) or not np.allclose(first["ci_high"], other["ci_high"])
    present = first[first.n_matches > 0]
    assert len(present) >= 3
    assert (present["ci_low"] <= present["rate_per_1000"]).all()
    assert (present["rate_per_1000"] <= present["ci_high"]).all()
    assert (present["ci_low"] < present["ci_high"]).all()


def test_bootstrap_is_stratified_by_document(toy):
    # Every paragraph of doc x has 1 match in 10 words, every paragraph of doc y none in 10 words.
    # Resampling within documents keeps 3 x-paragraphs and 2 y-paragraphs in every replicate,
    # so the rate cannot vary; pooled resampling would make it vary.
    paragraphs = pd.DataFrame({"doc_id": ["x", "x", "x", "y", "y"], "para_id": [0, 1, 2, 0, 1],
                               "kind": "article", "text": ["alpha", "alpha", "alpha", "rien", "rien"],
                               "n_words": [10] * 5})
    prev = prevalence(paragraphs, "kind", codebook=toy, themes="alpha", n_boot=300, design="within")
    assert prev["rate_per_1000"].iat[0] == pytest.approx(60.0)
    assert prev["ci_low"].iat[0] == pytest.approx(60.0)
    assert prev["ci_high"].iat[0] == pytest.approx(60.0)
    assert prev["design"].iat[0].startswith("paragraphs resampled within each document")


def test_default_design_resamples_documents_and_needs_enough_of_them(toy):
    # Ten documents alternating 'alpha' and 'rien': resampling documents makes the rate vary,
    # resampling paragraphs within documents cannot.
    paragraphs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(10) for _ in range(2)],
                               "para_id": [0, 1] * 10, "kind": "article",
                               "text": ["alpha" if i % 2 == 0 else "rien" for i in range(10) for _ in range(2)],
                               "n_words": [10] * 20})
    cluster = prevalence(paragraphs, "kind", codebook=toy, themes="alpha", n_boot=500)
    within = prevalence(paragraphs, "kind", codebook=toy, themes="alpha", n_boot=500, design="within")
    assert within["ci_low"].iat[0] == within["ci_high"].iat[0] == pytest.approx(50.0)
    assert cluster["ci_low"].iat[0] < 50.0 < cluster["ci_high"].iat[0]
    assert cluster["design"].iat[0].startswith("cluster bootstrap over documents")
    assert cluster["note"].iat[0] == ""
    # four documents are fewer than the default minimum of five: a rate, no interval, a note
    few = prevalence(paragraphs[paragraphs["doc_id"].isin(["d0", "d1", "d2", "d3"])], "kind", codebook=toy,
                     themes="alpha", n_boot=500)
    assert few["rate_per_1000"].iat[0] == pytest.approx(50.0)
    assert few[["ci_low", "ci_high"]].isna().all(axis=None)
    assert "fewer than 5 documents" in few["note"].iat[0]
    # a group's interval does not move when another group is added
    two = pd.concat([paragraphs, paragraphs.assign(kind="related", doc_id=lambda d: "r" + d["doc_id"])])
    both = prevalence(two, "kind", codebook=toy, themes="alpha", n_boot=500)
    pd.testing.assert_frame_equal(both[both["kind"] == "article"].reset_index(drop=True), cluster)


def test_prevalence_refuses_to_mix_articles_and_teasers_over_time(toy):
    paragraphs = toy_paragraphs()
    teaser = pd.DataFrame({"doc_id": ["rel_1"], "para_id": [0], "kind": ["related"], "text": ["alpha"],
                           "n_words": [10], "date": [pd.NaT]})
    mixed = pd.concat([paragraphs, teaser], ignore_index=True)
    with pytest.raises(ValueError, match="related"):
        prevalence(mixed, "period", codebook=toy, n_boot=10)
    with pytest.raises(ValueError, match="allow_mixed_kinds"):
        prevalence(add_period(mixed), "period", codebook=toy, n_boot=10)
    pooled = prevalence(mixed, "period", codebook=toy, themes="alpha", n_boot=10, allow_mixed_kinds=True)
    assert pooled["period"].tolist() == ["2016", "2025", "undated"]
    by_kind = prevalence(mixed, "kind", codebook=toy, themes="alpha", n_boot=10)
    assert by_kind["kind"].tolist() == ["article", "related"]


def test_prevalence_without_bootstrap_has_no_interval(toy):
    prev = prevalence(toy_paragraphs(), "kind", codebook=toy, n_boot=0)
    assert prev["ci_low"].isna().all() and prev["ci_high"].isna().all()
    with pytest.raises(ValueError):
        prevalence(toy_paragraphs(), "kind", codebook=toy, ci=1.5)


def test_add_period_labels_years_and_undated():
    df = pd.DataFrame({"date": pd.to_datetime(["2016-10-31", None, "2025-11-25"])})
    assert add_period(df)["period"].tolist() == ["2016", "undated", "2025"]
    assert "period" not in df.columns


# ---------------------------------------------------------------------------------------------
# Co-occurrence
# ---------------------------------------------------------------------------------------------

def test_cooccurrence_on_a_toy_table(toy):
    paragraphs = pd.DataFrame({"text": ["alpha et sécurité", "alpha", "sécurité", "rien", "alpha sécurité alpha"]})
    matrix = cooccurrence(paragraphs, codebook=toy)
    assert list(matrix.index) == list(matrix.columns) == ["alpha", "security", "meeting"]
    assert matrix.loc["alpha", "alpha"] == 3
    assert matrix.loc["security", "security"] == 3
    assert matrix.loc["alpha", "security"] == matrix.loc["security", "alpha"] == 2
    assert matrix.loc["meeting"].sum() == 0
    stats = cooccurrence_stats(paragraphs, codebook=toy).set_index(["theme_a", "theme_b"])
    pair = stats.loc[("alpha", "security")]
    assert pair["n_both"] == 2
    assert pair["jaccard"] == pytest.approx(2 / (3 + 3 - 2))
    assert pair["lift"] == pytest.approx(2 * 5 / (3 * 3))
    assert np.isnan(stats.loc[("alpha", "meeting"), "lift"])


# ---------------------------------------------------------------------------------------------
# Codebook validation errors
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("change, message", [
    (("definition = \"The word alpha.\"", "definition = \"The word alpha.\"\ncolour = \"red\""),
     "theme 'alpha'.*unknown key.*'colour'"),
    (("regex = '''\\balpha\\b'''", "regex = '''\\balpha(\\b'''"), "theme 'alpha' pattern 2.*bad regex"),
    (("id = \"security\"", "id = \"alpha\""), "theme 'alpha'.*duplicate theme id"),
    (("case = \"sensitive\"", "case = \"exact\""), "theme 'meeting'.*case must be"),
    (("require = \"place\"", "require = \"city\""), "theme 'meeting'.*undefined cue 'city'"),
    (("id = \"meeting\"", "id = \"Meeting!\""), "id must match"),
    (("subframe = \"long\"", "subframe = \"long_{n}\""), "not named groups"),
])
def test_codebook_errors_name_the_file_and_the_theme(tmp_path, change, message):
    old, new = change
    body = textwrap.dedent(TOY)
    old, new = textwrap.dedent(old), textwrap.dedent(new)
    assert old in body
    path = write_codebook(tmp_path, body.replace(old, new, 1), name="broken.toml")
    with pytest.raises(ValueError, match=message) as info:
        load_codebook(path)
    assert "broken.toml" in str(info.value)


def test_codebook_rejects_a_theme_without_patterns(tmp_path):
    body = '[[themes]]\nid = "empty"\nlabel = "E"\ndefinition = "D"\npatterns = []\n'
    with pytest.raises(ValueError, match="nopattern.toml: theme 'empty': at least one pattern"):
        load_codebook(write_codebook(tmp_path, body, name="nopattern.toml"))


def test_codebook_rejects_invalid_toml_and_a_regex_matching_nothing_but_empty(tmp_path):
    with pytest.raises(ValueError, match="bad.toml: not valid TOML"):
        load_codebook(write_codebook(tmp_path, "[[themes]\n", name="bad.toml"))
    body = textwrap.dedent(TOY).replace("regex = '''\\balpha\\b'''", "regex = '''a*'''", 1)
    with pytest.raises(ValueError, match="matches the empty string"):
        load_codebook(write_codebook(tmp_path, body, name="empty.toml"))


# ---------------------------------------------------------------------------------------------
# Validation against hand-labelled sentences
# ---------------------------------------------------------------------------------------------

def test_validate_counts_by_hand(toy):
    labeled = pd.DataFrame({"sentence": ["alpha", "beta", "alpha sécurité", "sécurité alimentaire"],
                            "alpha": [1, 1, 0, 0], "security": [0, 0, 1, 1]})
    scores = validate(labeled, toy)
    assert list(scores.index) == ["alpha", "security"]
    assert scores.loc["alpha", ["tp", "fp", "fn", "tn"]].tolist() == [1, 1, 1, 1]
    assert scores.loc["alpha", "precision"] == pytest.approx(0.5)
    assert scores.loc["alpha", "recall"] == pytest.approx(0.5)
    assert scores.loc["security", ["tp", "fp", "fn"]].tolist() == [1, 0, 1]
    assert scores.loc["security", "f1"] == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    errors = validation_errors(labeled, toy)
    assert set(zip(errors["sentence"], errors["theme"])) == {
        ("beta", "alpha"), ("alpha sécurité", "alpha"), ("sécurité alimentaire", "security")}


@pytest.fixture(scope="module")
def labeled():
    return load_validation()


def test_validation_set_is_large_with_positives_and_negatives_for_every_theme(labeled):
    assert len(labeled) >= 150
    assert list(labeled.columns) == ["sentence", *THEME_IDS, "note"]
    assert labeled["sentence"].is_unique
    for theme in THEME_IDS:
        assert labeled[theme].isin([0, 1]).all()
        assert labeled[theme].sum() >= 8, theme
        assert (labeled[theme] == 0).sum() >= 8, theme


@pytest.mark.parametrize("needle", ["J'ai", "Malaisie", " via ", "57 ans", "sécurité alimentaire",
                                    "Sécurité publique", "Resolution 57", "Résolution 68-NQ/TW",
                                    "L'IA SOUVERAINE", "fonds souverain"])
def test_validation_set_contains_the_hard_cases(labeled, needle):
    assert labeled["sentence"].str.contains(needle, regex=False).any()


def test_precision_and_recall_at_least_0_9_for_every_theme(labeled):
    scores = validate(labeled)
    assert list(scores.index) == THEME_IDS
    low = scores[(scores["precision"] < 0.9) | (scores["recall"] < 0.9)]
    assert low.empty, low[["tp", "fp", "fn", "precision", "recall"]]


# ---------------------------------------------------------------------------------------------
# Figures and docstring examples
# ---------------------------------------------------------------------------------------------

def test_plot_helpers_return_figures(toy):
    from analysis.plots.themes import plot_cooccurrence, plot_prevalence, plot_subframes, plot_theme_network
    paragraphs = toy_paragraphs()
    prev = prevalence(paragraphs, "doc_id", codebook=toy, n_boot=20)
    matrix = cooccurrence(paragraphs, codebook=toy)
    matches = theme_matches(paragraphs["text"], toy)
    figures = [plot_prevalence(prev), plot_cooccurrence(matrix), plot_theme_network(matrix),
               plot_subframes(matches, theme="alpha")]
    for fig in figures:
        assert isinstance(fig, matplotlib.figure.Figure)
        matplotlib.pyplot.close(fig)
    # three groups (doc a, b, c) -> three error-bar series on one axis
    fig = plot_prevalence(prev)
    assert len(fig.axes[0].get_legend().get_texts()) == 3
    matplotlib.pyplot.close(fig)


@pytest.mark.parametrize("module", ["analysis.codebook", "analysis.matching", "analysis.matches",
                                    "analysis.themestats", "analysis.regex_syntax"])
def test_docstring_examples(module):
    import importlib
    result = doctest.testmod(importlib.import_module(module),
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_blank_lines_split_texts_and_offsets_stay_in_the_text():
    text = "Titre sur l’IA\n\nLa cybersécurité\net l'intelligence\nartificielle.\n\n57 ans."
    m = theme_matches([text])
    norm = normalize(text)
    assert {"ai": 2, "cybersecurity": 1} == m["theme"].value_counts().to_dict()
    for row in m.itertuples():
        assert norm[row.start:row.end] == row.match
    # a term never spans a blank line
    assert n_matches("intelligence\n\nartificielle", "ai") == 0
