"""KWIC lines quote the original text; collocations never cross documents."""
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.concordance import collocations, kwic, kwic_term, searchable_text, sort_lines
from analysis.text import fold_apostrophes, normalize

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
    assert list(lines.columns) == ["doc_id", "kind", "part", "left", "match", "right"]
    assert set(lines["part"]) == {"text"}
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
    assert list(lines.columns) == ["doc_id", "part", "left", "match", "right"]  # no kind column
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


# --------------------------------------------------------------------------- parts, errors, normalization

def test_kwic_searches_titles_leads_and_texts_of_the_seed_corpus(seed_raw, seed_metadata):
    from analysis.corpus import load_corpus

    units = load_corpus(seed_raw, seed_metadata)
    lines = kwic(units, "souveraineté")
    # the word is in a teaser's headline and in its lead (which is also its text): one line each
    assert lines["part"].tolist() == ["title", "lead"]
    assert lines.loc[0, "right"].startswith("tout en renforçant")
    body_only = kwic(units, "souveraineté", parts="text")
    assert len(body_only) == 1  # the old behaviour: bodies only, the headline missed
    # every title that holds the word has a "title" line
    n_titles = sum("Laos" in normalize(t) for t in units["title"])
    assert (kwic(units, "Laos")["part"] == "title").sum() == n_titles > 0


def test_a_lead_inside_the_text_is_searched_once_and_labelled_lead():
    units = pd.DataFrame({
        "doc_id": ["a", "b"], "kind": ["article", "article"],
        "title": ["Le numérique au Laos", "Forum"],
        "lead": ["Le chapô parle du numérique.", "Un chapô absent du corps sur le numérique."],
        "text": ["Le chapô parle du numérique.\n\nLe corps parle aussi du numérique.",
                 "Le corps seul."],
    })
    lines = kwic(units, "numérique", window=10)
    assert lines[["doc_id", "part"]].values.tolist() == [
        ["a", "title"], ["a", "lead"], ["a", "text"], ["b", "lead"]]


def test_paragraph_tables_keep_their_own_part_labels():
    paras = pd.DataFrame({"doc_id": ["a", "a"], "part": ["title", "body"],
                          "text": ["L’IA au Vietnam", "Le pays mise sur l’IA."]})
    lines = kwic(paras, r"\bIA\b")
    assert lines["part"].tolist() == ["title", "body"]


@pytest.mark.parametrize("window", [-1, -60, 2.5, "60"])
def test_bad_window_is_a_clear_error(window):
    with pytest.raises(ValueError, match="window"):
        kwic(UNITS, "IA", window=window)
    with pytest.raises(ValueError, match="window"):
        kwic_term(UNITS, "IA", window=window)


@pytest.mark.parametrize("pattern", ["", "   "])
def test_empty_pattern_is_a_clear_error(pattern):
    with pytest.raises(ValueError, match="empty search pattern"):
        kwic(UNITS, pattern)


def test_invalid_regex_names_the_pattern():
    with pytest.raises(ValueError, match=r"invalid regular expression '\(IA'"):
        kwic(UNITS, "(IA")
    # the same characters as a literal are fine
    assert kwic(UNITS, "(IA)", regex=False)["match"].tolist() == ["(IA)"]


def test_unknown_part_and_sort_are_errors():
    with pytest.raises(KeyError, match="'lead'"):
        kwic(UNITS, "IA", parts=["lead"])
    with pytest.raises(ValueError, match="sort"):
        kwic(UNITS, "IA", sort="middle")


def test_sort_by_left_and_right_context():
    units = pd.DataFrame({"doc_id": ["a"], "text": [
        "zéro IA cadre. Une IA alpha. Cette IA bêta."]})
    assert kwic(units, r"\bIA\b", window=7)["right"].tolist() == ["cadre.", "alpha.", "bêta."]
    right = kwic(units, r"\bIA\b", sort="right", window=7)
    assert right["right"].tolist() == ["alpha.", "bêta.", "cadre."]
    left = kwic(units, r"\bIA\b", sort="left", window=7)
    # nearest word on the left: "Cette", "Une", "zéro" (case-folded)
    assert [line.split()[-1] for line in left["left"]] == ["Cette", "Une", "zéro"]
    assert sort_lines(left, None) is left


def test_zero_width_joiner_inside_ia_is_found_like_the_theme_coder_finds_it():
    from analysis.themes import count_themes

    units = pd.DataFrame({"doc_id": ["z"], "text": ["Le Vietnam développe l\u2019I\u200dA souveraine."]})
    assert count_themes(units["text"], themes=["ai"]).iloc[0, 0] == 1
    lines = kwic(units, r"\bIA\b")
    assert lines["match"].tolist() == ["IA"]
    assert lines.loc[0, "left"].endswith("l\u2019")  # the page's own apostrophe is quoted


FRAGMENTS = st.sampled_from([
    "IA", "I\u200dA", "l\u2019IA", "L'IA ", "intelligence artificielle", "intelligence\u00a0 artificielle",
    "souveraineté", "souverainete\u0301", "numérique", "cybersécurité", "Résolution 57-NQ/TW",
    "transformation numérique", "données", "Make in Vietnam", " ", "  ", "\n", "\n\n", "\r\n", " \n ",
    "\ufeff", "\u2060", ".", ", ", "; ", "le ", "la ", "Laos", "cloud souverain", "IA souveraine",
])
TEXTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=4)), max_size=25).map("".join)


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_every_theme_match_has_a_kwic_line_at_the_same_place(text):
    import re

    from analysis.themes import theme_matches

    shown, searched = searchable_text(text)
    assert searched == normalize(text)
    assert len(shown) == len(searched) and fold_apostrophes(shown) == searched
    units = pd.DataFrame({"doc_id": ["d"], "text": [text]})
    for match in theme_matches(units["text"]).itertuples():
        lines = kwic(units, re.escape(match.match), positions=True, window=10)
        spans = set(zip(lines["start"], lines["end"]))
        assert (match.start, match.end) in spans, (match.theme, match.match)


def test_kwic_term_is_not_quadratic_in_matches_and_multiword_spans():
    # 20,000 multiword spans and 40,000 matches of "données": the old all-pairs check made
    # 20,000 x 40,000 comparisons (minutes); sorted spans and bisection take a moment.
    units = pd.DataFrame({"doc_id": ["x"], "text": ["Les centres de données et les données. " * 20000]})
    lines = kwic_term(units, "donnée", window=20)
    assert len(lines) == 20000
    assert set(lines["left"]) == {"de données et les"}  # never inside "centres de données"
