"""French tokenization: elision, acronyms, lemmas, stems, stopwords, boilerplate, multiwords."""
import itertools
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.stem.snowball import FrenchStemmer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from analysis import text
from analysis.text import (
    count_matrix,
    document_term_matrix,
    load_boilerplate,
    load_multiwords,
    load_stopwords,
    make_analyzer,
    normalize,
    raw_words,
    tokenize,
    tokenize_series,
)

ALL_OPTIONS = [
    dict(zip(text._OPTION_NAMES, values))
    for values in itertools.product([True, False], repeat=len(text._OPTION_NAMES))
]

SENTENCES = [
    "Le secrétaire général Tô Lâm a souligné l’importance de l’IA souveraine.",
    "La Résolution n°57-NQ/TW porte sur la science et la transformation numérique.",
    "Le Vietnam et le Laos coopèrent dans les TIC, la cybersécurité et les centres de données.",
    "J’ai dit qu’aujourd’hui l'e-gouvernement et l'industrie 4.0 comptent. Photo : VNA",
    "LE LAOS SOUHAITE COOPÉRER AVEC LE VIETNAM DANS LA CYBERSÉCURITÉ",
]


# --------------------------------------------------------------------------- elision, apostrophes

@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u02bc", "`"])
def test_elision_splits_with_every_apostrophe(apostrophe):
    sentence = f"l{apostrophe}IA et d{apostrophe}IA qu{apostrophe}il jusqu{apostrophe}à"
    assert tokenize(sentence) == ["IA", "IA"]
    words = raw_words(sentence)
    assert [text.fold_apostrophes(w) for w in words] == [
        "l'", "IA", "et", "d'", "IA", "qu'", "il", "jusqu'", "à"]


def test_elided_forms_become_full_words_when_lemmatizing():
    tokens = tokenize("l'IA, d'IA, qu'il, lorsqu'il, puisqu'on, s'est, c'est, n'est",
                      remove_stopwords=False)
    assert tokens[:4] == ["le", "IA", "de", "IA"]
    assert {"que", "lorsque", "puisque", "se", "ce", "ne"} <= set(tokens)
    unlemmatized = tokenize("l'IA et lorsqu'il", lemmatize=False, remove_stopwords=False)
    assert unlemmatized == ["l'", "IA", "et", "lorsqu'", "il"]


@pytest.mark.parametrize("phrase", ["j'ai", "J'ai", "J’AI", "j’ai", "J'AI DIT QUE J'AI",
                                    "Ce que j'ai vu", "Ai-je dit ?"])
def test_j_ai_is_never_read_as_ai(phrase):
    for options in ALL_OPTIONS:
        tokens = tokenize(phrase, **options)
        assert not any(t.upper() in {"AI", "IA"} for t in tokens), (phrase, options, tokens)


@pytest.mark.parametrize("form", ["aujourd'hui", "aujourd’hui", "Aujourd’hui", "AUJOURD'HUI"])
def test_aujourd_hui_stays_one_token(form):
    assert tokenize(f"{form}, le Vietnam") == ["aujourd'hui", "vietnam"]
    assert tokenize(f"d'{form}") == ["aujourd'hui"]


def test_main_d_oeuvre_and_quelqu_un_keep_their_apostrophe():
    assert tokenize("la main-d’œuvre et quelqu'un", remove_stopwords=False) == [
        "le", "main-d'œuvre", "et", "quelqu'un"]
    # "qu'un" is an elision, not part of "quelqu'un"
    assert tokenize("ce qu'un pays", lemmatize=False, remove_stopwords=False) == [
        "ce", "qu'", "un", "pays"]


# --------------------------------------------------------------------------- case and acronyms

def test_acronyms_keep_their_case_other_words_are_lowercased():
    assert tokenize("Le forum sur les TIC et l'IA à Hanoi", lemmatize=False) == [
        "forum", "TIC", "IA", "hanoi"]
    assert tokenize("Le forum sur les TIC", lowercase=False, lemmatize=False) == [
        "forum", "TIC"]


def test_all_capitals_headline_is_not_a_row_of_acronyms():
    tokens = tokenize("LE LAOS SOUHAITE COOPÉRER AVEC LE VIETNAM DANS LA CYBERSÉCURITÉ")
    assert tokens == ["laos", "souhaiter", "coopérer", "vietnam", "cybersécurité"]
    # known acronyms and codes survive inside a capitalised headline
    assert tokenize("L'IA ET LA RÉSOLUTION 68-NQ/TW") == ["IA", "résolution", "68-NQ/TW"]
    # a line holding one word is not a headline: "IA" alone stays an acronym
    assert tokenize("IA\nL'IA") == ["IA", "IA"]


def test_accents_are_kept():
    tokens = tokenize("L'État, la sûreté et l'élaboration des réseaux", lemmatize=False)
    assert tokens == ["état", "sûreté", "élaboration", "réseaux"]


# --------------------------------------------------------------------------- words and codes

def test_hyphenated_words_and_codes_survive():
    tokens = tokenize("l'e-gouvernement, l'Industrie 4.0, la 68-NQ/TW et la décision "
                      "n°1131/QD-TTg; un semi-conducteur", multiwords=False)
    assert tokens == ["e-gouvernement", "industrie", "4.0", "68-NQ/TW", "décision",
                      "1131/qd-ttg", "semi-conducteur"]
    assert "57-NQ/TW" in tokenize("la 57-NQ/TW", multiwords=False)
    # a slash between lowercase words splits them
    assert tokenize("et/ou", remove_stopwords=False, lemmatize=False) == ["et", "ou"]


def test_feminine_and_plural_forms_are_lemmatized():
    tokens = tokenize("des solutions souveraines, des entreprises vietnamiennes, "
                      "des infrastructures nationales, les premières données")
    assert tokens == ["solution", "souverain", "entreprise", "vietnamien", "infrastructure",
                      "national", "premier", "donnée"]


def test_lemma_overrides_fix_simplemma_on_this_corpus():
    import simplemma

    assert simplemma.lemmatize("données", lang="fr") == "donnée"
    assert simplemma.lemmatize("donnée", lang="fr") == "donner"  # the error we correct
    assert tokenize("une donnée, les données") == ["donnée", "donnée"]
    assert tokenize("le Laos et la partie lao") == ["laos", "partie", "lao"]
    # a capital after the first letter marks a name: lowercased, not lemmatized
    assert simplemma.lemmatize("vinai", lang="fr") != "vinai"
    assert tokenize("la division d'IA générative de VinAI") == [
        "division", "IA", "génératif", "vinai"]


def test_snowball_stemming_is_an_option():
    stemmer = FrenchStemmer()
    words = ["technologies", "numériques", "souveraineté", "coopération"]
    assert tokenize(" ".join(words), stem=True, lemmatize=False, multiwords=False) == [
        stemmer.stem(w) for w in words]
    # with lemmas, the stem of the lemma
    assert tokenize("souveraines", stem=True) == [stemmer.stem("souverain")]
    # acronyms are not stemmed
    assert tokenize("l'IA", stem=True) == ["IA"]


# --------------------------------------------------------------------------- stopwords, boilerplate

def test_stopword_list_keeps_policy_words():
    stopwords = load_stopwords()
    for word in ["état", "nouveau", "nouvelle", "premier", "national", "pays", "pouvoir",
                 "développement", "deux"]:
        assert word not in stopwords
    for word in ["le", "de", "et", "l'", "qu'", "être", "avoir", "est", "ont", "dans"]:
        assert word in stopwords
    tokens = tokenize("un nouvel État national et le premier pays")
    assert tokens == ["nouveau", "état", "national", "premier", "pays"]


def test_stopwords_are_checked_on_lemmas_too():
    # "sont", "étaient", "aurait" are forms of être/avoir
    assert tokenize("ils sont, elles étaient, il aurait") == []
    assert tokenize("sont", remove_stopwords=False) == ["être"]


def test_boilerplate_is_dropped_on_surface_forms():
    page = "Photo : VNA/CVN\nLe leader. -NDEL/VNA\nVoir plus\nune exposition de photos"
    assert tokenize(page) == ["leader", "exposition", "photo"]
    kept = tokenize(page, remove_boilerplate=False, lemmatize=False)
    assert {"photo", "VNA/CVN", "NDEL/VNA", "voir"} <= set(kept)
    assert {"photo", "vna", "cvn", "voir", "plus"} <= load_boilerplate()


# --------------------------------------------------------------------------- multiword terms

@pytest.mark.parametrize("spelling", [
    "Résolution 57-NQ/TW", "Résolution n°57-NQ/TW", "résolution n° 57-NQ/TW", "résolution 57",
    "Resolution 57", "RÉSOLUTION 57-NQ/TW", "la résolution N°57", "Résolution No 57",
    "Résolution n\u00ba57-NQ/TW", "la 57-NQ/TW",
])
def test_resolution_57_spellings_give_one_token(spelling):
    tokens = tokenize(f"La mise en œuvre de {spelling} progresse")
    assert tokens.count("résolution_57") == 1
    assert not any(t in {"57", "57-NQ/TW", "résolution", "resolution"} for t in tokens)


def test_other_resolutions_are_not_resolution_57():
    tokens = tokenize("la Résolution n°68-NQ/TW, la résolution 570, la Résolution n°71/NQ-CP")
    assert "résolution_57" not in tokens
    assert "68-NQ/TW" in tokens


def test_multiword_terms_are_joined_before_tokenization():
    sentence = ("L’intelligence artificielle, la transformation numérique, les centres de "
                "données, la souveraineté numérique, le Projet 06, la cyber-sécurité et le "
                "Premier ministre")
    assert tokenize(sentence) == [
        "intelligence_artificielle", "transformation_numérique", "centre_de_données",
        "souveraineté_numérique", "projet_06", "cybersécurité", "premier_ministre"]
    assert "intelligence" in tokenize(sentence, multiwords=False)


def test_multiword_term_does_not_match_inside_a_hyphenated_word():
    assert tokenize("le vice-Premier ministre et le Premier ministre") == [
        "vice-premier_ministre", "premier_ministre"]
    assert tokenize("la superintelligence artificielle") == ["superintelligence", "artificiel"]


def test_multiword_list_is_documented_and_valid():
    terms = load_multiwords()
    for token in ["intelligence_artificielle", "transformation_numérique",
                  "souveraineté_numérique", "centre_de_données", "premier_ministre",
                  "secrétaire_général", "résolution_57", "projet_06", "cybersécurité"]:
        assert token in terms


def test_malformed_multiword_lists_are_refused(tmp_path):
    for line in ["no separator here", "bad token! = x", "x = (group)", "x = Capital"]:
        path = tmp_path / "terms.txt"
        path.write_text(f"# comment\n{line}\n", encoding="utf-8")
        with pytest.raises(ValueError):
            load_multiwords(path)
    path.write_text("a_b = a b\na_b = a-b\n", encoding="utf-8")
    assert load_multiwords(path) == {"a_b": "a b|a-b"}
    assert text.join_multiwords("x A  B y a-b", load_multiwords(path)).split() == [
        "x", "a_b", "y", "a_b"]


# --------------------------------------------------------------------------- series, analyzer, DTM

def test_tokenize_series_parallel_gives_the_same_output_in_order():
    texts = SENTENCES * 3 + [None, float("nan"), ""]
    serial = tokenize_series(texts)
    assert serial == [tokenize(t) if isinstance(t, str) else [] for t in texts]
    assert tokenize_series(texts, n_jobs=2) == serial


def test_analyzer_is_picklable_and_works_in_sklearn():
    analyzer = make_analyzer(lemmatize=False)
    clone = pickle.loads(pickle.dumps(analyzer))
    assert clone == analyzer
    assert clone(SENTENCES[0]) == tokenize(SENTENCES[0], lemmatize=False)
    vectorizer = CountVectorizer(analyzer=analyzer).fit(SENTENCES)
    assert "IA" in vectorizer.vocabulary_
    with pytest.raises(TypeError):
        make_analyzer(lemmatise=True)


@pytest.mark.parametrize("min_df,max_df", [(1, 1.0), (2, 1.0), (1, 0.5), (0.2, 3)])
def test_document_term_matrix_matches_sklearn(min_df, max_df):
    texts = SENTENCES * 2 + ["l'IA, l'IA et encore l'IA"]
    X, vocabulary = document_term_matrix(texts, min_df=min_df, max_df=max_df)
    reference = CountVectorizer(analyzer=make_analyzer(), min_df=min_df, max_df=max_df)
    expected = reference.fit_transform(texts)
    assert list(vocabulary) == list(reference.get_feature_names_out())
    assert list(vocabulary) == sorted(vocabulary)
    assert vocabulary.dtype == object
    assert (X != expected).nnz == 0 and X.format == "csr"
    T, vocabulary_t = document_term_matrix(texts, weighting="tfidf", min_df=min_df,
                                           max_df=max_df)
    expected_t = TfidfVectorizer(analyzer=make_analyzer(), min_df=min_df,
                                 max_df=max_df).fit_transform(texts)
    np.testing.assert_allclose(T.toarray(), expected_t.toarray())
    assert list(vocabulary_t) == list(vocabulary)


def test_document_term_matrix_rows_follow_the_texts():
    X, vocabulary = document_term_matrix(["l'IA", "la cybersécurité", "l'IA et l'IA"])
    column = list(vocabulary).index("IA")
    assert X[:, column].toarray().ravel().tolist() == [1, 0, 2]
    with pytest.raises(ValueError):
        document_term_matrix(["x"], weighting="bm25")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(list("abcdefg")), max_size=8), min_size=1, max_size=6))
def test_count_matrix_equals_countvectorizer(token_lists):
    X, vocabulary = count_matrix(token_lists)
    if not any(token_lists):
        assert X.shape == (len(token_lists), 0)
        return
    reference = CountVectorizer(analyzer=lambda tokens: tokens)
    expected = reference.fit_transform(token_lists)
    assert list(vocabulary) == list(reference.get_feature_names_out())
    assert (X != expected).nnz == 0


# --------------------------------------------------------------------------- robustness

@settings(max_examples=200, deadline=None)
@given(st.text())
def test_tokenize_never_raises_and_returns_clean_tokens(s):
    for options in (ALL_OPTIONS[0], ALL_OPTIONS[-1]):
        tokens = tokenize(s, **options)
        assert all(isinstance(t, str) and t and not any(c.isspace() for c in t) for t in tokens)


_TRICKY = list("aAeEéÉiIlLdDjJqQuU57NQTW-/'’ʼ`.,«» \n\r\u00a0\u200b\u0301İ")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_TRICKY) | st.text())
def test_tokenize_does_not_depend_on_normalization(s):
    assert tokenize(s) == tokenize(normalize(s))
    assert tokenize(s, lemmatize=False, remove_stopwords=False) == tokenize(
        normalize(s), lemmatize=False, remove_stopwords=False)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_TRICKY) | st.text())
def test_normalize_is_idempotent(s):
    once = normalize(s)
    assert normalize(once) == once


def _plain_normalize(s):
    """normalize's documented steps, one plain substitution each (no fast paths)."""
    import re
    import unicodedata

    s = unicodedata.normalize("NFC", s)
    s = unicodedata.normalize("NFC", re.sub("[\u200b\u200c\u200d\u2060\ufeff]", "", s))
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = re.sub("[\u2019\u2018\u02bc\u02b9`\u00b4\u2032]", "'", s)
    s = re.sub("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+", " ", s)
    return "\n".join(line.strip() for line in s.split("\n"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_TRICKY + list("\u2018\u02b9\u00b4\u2032\u2009\u3000\t")) | st.text())
def test_normalize_equals_its_plain_steps(s):
    """Every apostrophe becomes ' whichever of them the text holds (’ is replaced by
    str.replace, the others by a regex), and so on for each documented step."""
    assert normalize(s) == _plain_normalize(s)


def test_count_words_and_tokens_agree_on_elision():
    # one denominator for rates: l'IA is two words for count_words, one kept token
    assert text.count_words("l'IA") == 2
    assert tokenize("l'IA") == ["IA"]


# --------------------------------------------------------------------------- inspection helpers

def test_vocabulary_table_counts_tokens_and_types_per_step():
    texts = ["l'IA et l'IA", "la cybersécurité. Photo : VNA"]
    table = text.vocabulary_table(texts)
    assert table["step"].tolist() == list(text.PROCESSING_STEPS)
    first = table.iloc[0]
    # words, lowercased: l' IA et l' IA la cybersécurité photo VNA
    assert (first["n_tokens"], first["n_types"]) == (9, 7)
    default = table.set_index("step").loc["+ lemmatized (default)"]
    assert (default["n_tokens"], default["n_types"]) == (3, 2)


def test_token_table_word_forms_dropped_words_and_multiword_counts():
    table = text.token_table("L'intelligence artificielle souveraine")
    assert table.set_index("step").loc["+ lemmatized (default)", "tokens"] == (
        "intelligence_artificielle · souverain")
    forms = text.word_forms(["souveraines", "données"])
    assert forms["lemma"].tolist() == ["souverain", "donnée"]
    assert forms["stem"].tolist() == [FrenchStemmer().stem("souveraines"),
                                      FrenchStemmer().stem("données")]
    dropped = text.dropped_words(["Le Vietnam et le Laos. Photo : VNA", "le x"])
    assert dropped.set_index("word").loc["le"].tolist() == ["stopword", 3]
    assert dropped.set_index("word").loc["vna", "reason"] == "boilerplate"
    assert dropped.set_index("word").loc["x", "reason"] == "single character"
    counts = text.multiword_counts(["l'IA et l'intelligence artificielle", "la Résolution 57",
                                    "l'intelligence artificielle"]).set_index("token")
    assert counts.loc["intelligence_artificielle"].tolist() == [2, 2]
    assert counts.loc["résolution_57"].tolist() == [1, 1]
    assert counts.loc["projet_06"].tolist() == [0, 0]


def test_kept_apostrophe_words_are_single_words():
    for word in text.KEPT_APOSTROPHE_WORDS:
        for apostrophe in ("'", "’"):
            form = word.replace("'", apostrophe)
            assert [text.fold_apostrophes(w) for w in raw_words(form)] == [word]
            # in capitals too (a line in capitals is lowercased first, see unshout)
            assert [text.fold_apostrophes(w).lower() for w in raw_words(form.upper())] == [word]


def test_split_sentences_after_closing_quote_and_before_digits():
    from analysis.text import split_sentences

    text = "« Le Vietnam est prêt », a-t-il dit. Le Laos aussi. 2026 sera l'année de l'IA.\nPhoto : VNA"
    assert split_sentences(text) == ["« Le Vietnam est prêt », a-t-il dit.", "Le Laos aussi.",
                                     "2026 sera l'année de l'IA.", "Photo : VNA"]
    assert split_sentences('Il a dit « Oui. » Puis il est parti.') == ["Il a dit « Oui. »", "Puis il est parti."]
    assert split_sentences("la Résolution n°57-NQ/TW. elle continue") == ["la Résolution n°57-NQ/TW. elle continue"]


# --------------------------------------------------------------------------- types at the door

def test_document_term_matrix_refuses_a_dataframe_and_names_the_column_to_pass():
    import pandas as pd

    from analysis.errors import AnalysisError

    frame = pd.DataFrame({"doc_id": ["a"], "text": ["La souveraineté numérique du Vietnam"]})
    with pytest.raises(TypeError, match=r'df\["text"\]') as error:
        document_term_matrix(frame)
    assert isinstance(error.value, AnalysisError)
    assert "DataFrame" in str(error.value) and "'doc_id'" in str(error.value)
    # the column itself works, and gives the text's words, not the column names
    X, vocabulary = document_term_matrix(frame["text"])
    assert "vietnam" in set(vocabulary) and "doc_id" not in set(vocabulary)


@pytest.mark.parametrize("function", ["document_term_matrix", "tokenize_series", "tfidf_matrix",
                                      "vocabulary_table"])
def test_text_functions_refuse_a_single_string(function):
    from analysis import features

    module = features if function == "tfidf_matrix" else text
    with pytest.raises(TypeError, match="single str"):
        getattr(module, function)("L'IA souveraine au service du développement")


def test_text_functions_refuse_token_lists_but_accept_missing_texts():
    with pytest.raises(TypeError, match=r"texts\[1\] is a list"):
        tokenize_series(["l'IA", ["IA", "souverain"]])
    assert tokenize_series(["l'IA", None, float("nan")]) == [["IA"], [], []]
    with pytest.raises(TypeError, match="one string"):
        text.tokenize(["l'IA"])


def test_moved_names_still_work_from_analysis_text():
    from analysis import features, normalize

    assert text.normalize is normalize.normalize and text.count_words is normalize.count_words
    assert text.document_term_matrix is features.document_term_matrix
    assert text.count_matrix is features.count_matrix


def test_token_cache_is_bounded_and_tokens_do_not_depend_on_it(monkeypatch):
    from analysis import text as text_module

    sentence = ("Les ministres numériques ont présenté des stratégies souveraines, des centres "
                "de données et des programmes de formation aux talents de l'intelligence artificielle.")
    text_module.clear_cache()
    expected = tokenize(sentence)
    text_module.clear_cache()
    monkeypatch.setattr(text_module, "TOKEN_CACHE_SIZE", 4)
    assert tokenize(sentence) == expected  # emptied several times along the way
    assert all(len(cache) <= 4 for cache in text_module._CACHES.values())
    text_module.clear_cache()
