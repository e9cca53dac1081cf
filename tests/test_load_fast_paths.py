"""The shortcuts of the load stage give the results of the rules they stand for.

Each fast path (cheap gates before the line-kind regexes, the word scans of the lost-space check,
control characters counted on the bytes, word counts by tokens, the words of a normalized text,
the article-only loader) is compared with the plain rule on a table of tricky inputs and on
generated ones (hypothesis), so that a change to a rule that the shortcut does not follow fails
here.
"""
import collections
import hashlib
import re
import sys
import unicodedata
import warnings
from pathlib import PurePath

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import corpus, metadata, pages, spacing
from analysis.corpus import CorpusWarning
from analysis.normalize import WORD_RE, count_words, folded_words, normalize

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Pieces that the line rules look for, and characters near their edges.
FRAGMENTS = [
    "Voir plus", "voir PLUS :", "VOIR plus:", "ſource", "Sources :", "source", "SOURCE", ">>", ">> Titre",
    "photo.jpg", "x.JPEG?w=300", "a b.png", "![](x.jpg)", "![alt](u) |", "|", "| a | b |", "---", "| :--- | ---: |",
    "VNA", "VNA/CVN", "-NDEL/VNA", "–VOV/VNA", "TTXVN", ". - VNA", "CVN.", "date 2025-04-12", "date 2025-4",
    "12/04/2025", "Publié le 1/2/2025 14:32", "Thứ Sáu, 28/11/2025 14:32 (GMT+7)", "lundi 3/3/2025 à 9h05",
    "Chủ nhật 1/1/2024", "mis à jour : 2/2/2025", "UTC+07:00)", "GMT", "gmt+7", "(UTC)", "K", "İ", "ı",
    " ", "  ", "\t", "\u00a0", ".", ":", ",", "-", "–", "—", "(", ")", "1", "٣", "t", "T", "c", "C", "s", "S", "v",
    "Le ministre", "économie", "Hanoi", "a", "É", "_",
]
lines = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map("".join)

TRICKY_LINES = [
    "Voir plus", "voir plus :", "Voir plus et plus", ">> Le Vietnam et la France", ">>", "tt2-060625.jpg",
    "photo finale.jpg", "![](a.jpg)", "![a](b.png) | ![c](d.png) |", "---", "|---|---|", "| a | b", "a | b |",
    "Source", "sources :", "ſource", "VNA", "VNA/CVN.", "-NDEL/VNA", " – VOV/VNA", "Le ministre. VNA",
    "date 2025-10-22", "28/11/2025 14:32", "Thứ Sáu, 28/11/2025 14:32 (GMT+7)", "Publié le 3/4/2025 - 10:02:03",
    "12/04/2025 à 9h05 UTC", "12/04/2025 à 9h05 utc+7", "Le 12/04/2025", "Société", "Le ministre au forum.",
]


# -- line kinds ----------------------------------------------------------------------------------

@pytest.mark.parametrize("line", TRICKY_LINES)
def test_line_kind_matches_the_plain_rules_on_tricky_lines(line):
    assert pages._line_kind(line) == pages._line_kind_reference(line)


@SETTINGS
@given(line=lines)
def test_line_kind_matches_the_plain_rules(line):
    line = line.strip()
    assert pages._line_kind(line) == pages._line_kind_reference(line)


def test_the_gates_admit_every_character_the_patterns_accept():
    """First and last characters that the (case-insensitive) patterns can start or end with."""
    voir, source = re.compile("v", re.I), re.compile("s", re.I)
    date_end = re.compile(r"[tc)]|\d", re.I)
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        if voir.fullmatch(c):
            assert c in pages._VOIR_FIRST
        if source.fullmatch(c):
            assert c in pages._SOURCE_FIRST
        if date_end.fullmatch(c):
            assert c in pages._DATE_LAST or c.isdecimal()


def test_line_kinds_of_the_seed_pages_match_the_plain_rules(seed_raw):
    for path in sorted(seed_raw.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            line = line.strip()
            if line:
                assert pages._line_kind(line) == pages._line_kind_reference(line), (path.name, line)


@SETTINGS
@given(para=st.lists(st.sampled_from(["Le ministre a parlé", ".", " ", "-", "–", "VNA", "CVN", "NDEL/", "/VNA", "TTXVN",
                                      "\n", ")", "»", "vna", "X"]), max_size=8).map("".join))
def test_the_signoff_gate_admits_every_paragraph_the_rule_matches(para):
    if pages.SIGNOFF_TAIL_RE.search(para):
        assert pages._may_end_with_signoff(para)


@pytest.mark.parametrize("para", ["Le ministre a parlé. -NDEL/VNA", "Fin.-VNA", "Fin. - VNA.", "Fin. VNA/CVN",
                                  "Fin.\u2013VOV/VNA\n", "Fin. - TTXVN"])
def test_the_signoff_gate_admits_real_signoffs(para):
    assert pages.SIGNOFF_TAIL_RE.search(para) and pages._may_end_with_signoff(para)


# -- lost spaces ----------------------------------------------------------------------------------

WORDY = st.lists(st.sampled_from(list("abcdeéèœæàùzKÉ_1-’' \n.,(") + ["ß", "\u0301", "du", "de",
                                                                     "gouvernement", "numérique"]),
                 max_size=40).map("".join)


@SETTINGS
@given(text=WORDY)
def test_long_lower_case_words_are_found_from_the_character_before_them(text):
    assert spacing._LOWER_WORD_AFTER_RE.findall(" " + text) == spacing._LOWER_WORD_RE.findall(text)


def _run_together_reference(word):
    """run_together_split as first written: the lexicon first, then every split point."""
    if len(word) < spacing.RUN_TOGETHER_MIN_LETTERS or not word.islower() or spacing._known_word(word):
        return None
    for i in range(2, len(word) - 1):
        left, right = word[:i], word[i:]
        if left in spacing.GLUE_BEFORE and len(right) >= spacing.RUN_TOGETHER_MIN_PART and spacing._known_word(right):
            if left in ("de", "et") and spacing._known_word(left.replace("e", "é", 1) + right):
                continue
            return left, right
        if right in spacing.GLUE_AFTER and len(left) >= spacing.RUN_TOGETHER_MIN_PART and spacing._known_word(left):
            return left, right
    return None


GLUED = st.tuples(st.sampled_from(sorted(spacing.GLUE_WORDS) + ["", "", "x", "dé", "ét"]),
                  st.sampled_from(["gouvernement", "numérique", "finition", "tranger", "coopération", "xyzxyzxyz",
                                   "bout", "partout", "ensemble", "lesquels", "de", "du", "Gouvernement"]),
                  st.sampled_from(sorted(spacing.GLUE_WORDS) + ["", "", "s", "e"])).map("".join)


@SETTINGS
@given(word=GLUED)
def test_run_together_split_matches_the_rule_as_first_written(word):
    assert spacing.run_together_split(word) == _run_together_reference(word)


@pytest.mark.parametrize("word", ["dugouvernement", "numériquedu", "lacoopération", "definition", "etranger",
                                  "gouvernement", "partout", "desquels", "gouvernementsur", "xdugouvernement"])
def test_run_together_split_matches_the_rule_as_first_written_on_examples(word):
    assert spacing.run_together_split(word) == _run_together_reference(word)


def _spacing_reference(text):
    """spacing_problems as first written: every word through run_together_split, no cache."""
    counts = collections.Counter(spacing._LOWER_WORD_RE.findall(text))
    found = [w for w in counts if spacing.run_together_split(w)]
    return {"missing_space_after_period": len(spacing._missing_space_ends(text)),
            "run_together_words": sum(counts[w] for w in found), "examples": found[:3]}


RUN_TOGETHER_TEXTS = [
    "Le rôle dugouvernement et lacoopération numériquedu pays. Le gouvernement dugouvernement.",
    "dugouvernement dugouvernement lacoopération. Elle a parlé.Elles ont dit.",
    "Encontre debout partout: rien à signaler.",
    "",
    "Dugouvernement (capitalised, not checked) et definition, etranger.",
]


@pytest.mark.parametrize("text", RUN_TOGETHER_TEXTS)
def test_spacing_problems_match_the_plain_rule_whatever_the_cache_holds(text):
    expected = _spacing_reference(text)
    assert spacing.spacing_problems(text) == expected
    assert spacing.spacing_problems(text) == expected  # second time: its clean words are cached


@SETTINGS
@given(words=st.lists(st.sampled_from(["dugouvernement", "gouvernement", "lacoopération", "coopération",
                                        "numériquedu", "numérique", "le", "Le", "partout", "et", ".", ".Elle"]),
                      max_size=30))
def test_spacing_problems_match_the_plain_rule_on_generated_text(words):
    text = " ".join(words)
    assert spacing.spacing_problems(text) == _spacing_reference(text)


@SETTINGS
@given(text=WORDY)
def test_spacing_problems_match_the_plain_rule_on_lines(text):
    """The page's words are taken line by line (cached): the same words, in the same order."""
    assert spacing.spacing_problems(text) == _spacing_reference(text)


@SETTINGS
@given(text=st.lists(st.sampled_from(list(".!?…:; aAéÉŒœ1\n") + ["Elle", "loi", "cf", "www."]), max_size=30).map("".join))
def test_the_literal_gates_find_a_missing_space_when_the_rule_does(text):
    assert spacing._may_lack_space(text) == (spacing.MISSING_SPACE_RE.search(text) is not None)


# -- decoding -------------------------------------------------------------------------------------

@SETTINGS
@given(text=st.text(alphabet=st.sampled_from(list("aé\x01\x07\x0b\x0c\x1f\x7f\t\n\r’") + ["\u0301", "\U0001f600"]),
                    max_size=60))
def test_control_characters_counted_on_the_bytes_as_on_the_text(text):
    data = text.encode("utf-8")
    assert len(data) - len(data.translate(None, pages._CONTROL_BYTES)) == len(pages._CONTROL_RE.findall(text))


@SETTINGS
@given(text=st.lists(st.sampled_from(list("aé\r\n’") + ["e\u0301", "\u0301"]), max_size=40).map("".join),
       bom=st.booleans())
def test_decode_returns_the_bytes_only_when_they_are_the_texts_utf8(text, bom):
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    decoded, note, utf8 = pages._decode(data)
    assert (decoded, note) == pages.decode_page(data)
    assert utf8 is None or utf8 == decoded.encode("utf-8")
    if "\r" not in text and unicodedata.is_normalized("NFC", text):
        assert utf8 is not None


# -- word counts and the words of a normalized text ------------------------------------------------

TEXTS = st.text(alphabet=st.sampled_from(list("aZé9_-'’ʼʹ`´′ .,;:/()«»\n\r\t") + [
    "\u00a0", "\u202f", "\u200b", "\u2060", "\ufeff", "\u0301", "İ", "ß", "ﬁ", "\x1c", "\u2028", "٣"]), max_size=60)


@pytest.mark.parametrize("text", ["", "l'IA souveraine, e-gouvernement et 57-NQ/TW", "a--b a- -b a-b-c",
                                  "snake_case x_ _", "vice-Premier a-t-il", "\u00a0l’IA\u202f;", "٣-٤ ١٢"])
def test_count_words_is_the_number_of_word_matches_on_examples(text):
    assert count_words(text) == len(WORD_RE.findall(text))


@SETTINGS
@given(text=TEXTS)
def test_count_words_is_the_number_of_word_matches(text):
    assert count_words(text) == len(WORD_RE.findall(text))


@SETTINGS
@given(text=TEXTS)
def test_folded_words_are_the_words_of_the_normalized_text(text):
    assert folded_words(text) == {w.casefold() for w in re.findall(r"\w+", normalize(text))}


#: Words whose case folding, normalization or apostrophes make a substring test differ from the
#: word test: ``İ`` folds to ``i`` and a combining dot (not a word character), ``ß`` to ``ss``,
#: ``ʼ`` is a letter until folded to ``'``, a zero-width space joins two runs, ``é`` decomposed.
REPEAT_WORDS = ["Le", "ministre", "MINISTRE", "a", "reçu", "İstanbul", "istanbul", "straße", "STRASSE", "l’IA",
                "lʼia", "l'IA", "mi\u200bnistre", "e\u0301te\u0301", "été", "ΣΟΦΟΣ", "σοφος", "de", "la", "_x",
                "délégation", "x", "57-NQ/TW", "(VNA)", "-", ""]


def _repeats_reference(lead, paragraph, threshold=pages.REPEAT_THRESHOLD):
    """_repeats as first written: the words of both texts, then the share of the lead's found."""
    lead_words, para_words = folded_words(lead), folded_words(paragraph)
    return bool(lead_words) and len(lead_words & para_words) >= threshold * len(lead_words)


@SETTINGS
@given(lead=st.lists(st.sampled_from(REPEAT_WORDS), max_size=8),
       kept=st.lists(st.booleans(), min_size=8, max_size=8),
       extra=st.lists(st.sampled_from(REPEAT_WORDS), max_size=4),
       joiner=st.sampled_from([" ", "", ", ", "\u200b"]),
       threshold=st.sampled_from([pages.REPEAT_THRESHOLD, 0.5, 1.0, 0.0]))
def test_repeats_matches_the_rule_as_first_written(lead, kept, extra, joiner, threshold):
    # the paragraph restates some of the lead's words (often enough to reach the threshold)
    paragraph = joiner.join([w for w, keep in zip(lead, kept) if keep] + extra)
    lead = " ".join(lead)
    assert pages._repeats(lead, paragraph, threshold) == _repeats_reference(lead, paragraph, threshold)
    assert pages._repeats(lead, paragraph.upper(), threshold) == _repeats_reference(lead, paragraph.upper(), threshold)


@pytest.mark.parametrize("lead, paragraph", [
    ("Le ministre a reçu la délégation.", "le Ministre a reçu la délégation lundi."),
    ("İstanbul accueille", "i̇stanbul accueille"), ("İstanbul accueille", "istanbul accueille"),
    ("la straße", "LA STRASSE"), ("l’IA", "lʼia"), ("mi\u200bnistre", "ministre"), ("été", "e\u0301te\u0301"),
    ("", "rien"), ("Le ministre", ""),
])
def test_repeats_matches_the_rule_as_first_written_on_examples(lead, paragraph):
    assert pages._repeats(lead, paragraph) == _repeats_reference(lead, paragraph)


DATELINE_PIECES = ["Hanoi", "Vientiane", "Hô Chi Minh-Ville", "hanoi", ", ", ",", "2 novembre", " ", "  ", "\n",
                   "(VNA)", "(CVN)", "(TTXVN)", "(Xinhua)", "(vna)", "(AFP", "(", ")", "(x) ", " - ", "–", "—", ":",
                   "Le ministre", "(VNA) - ", "x" * 30]


@SETTINGS
@given(text=st.tuples(*[st.lists(st.sampled_from(DATELINE_PIECES), max_size=3).map("".join)] * 3).map(
    lambda parts: parts[0] + "(VNA)".join(parts[1:])))  # most texts hold an agency after a place
def test_dateline_match_is_the_rule_match(text):
    expected, found = pages.DATELINE_RE.match(text), pages._dateline_match(text)
    assert (found and found.span()) == (expected and expected.span())
    assert (found and found.groupdict()) == (expected and expected.groupdict())


@pytest.mark.parametrize("text", ["Hanoi (VNA) - Le ministre", "Vientiane, 2 novembre (VNA) – x", "Hanoi (x) (VNA) - y",
                                  "Hanoi(VNA):", "Hanoi  \n (Xinhua) — z", "Hanoi (vna) - y", "(VNA) - y", "Le (AFP"])
def test_dateline_match_is_the_rule_match_on_examples(text):
    expected, found = pages.DATELINE_RE.match(text), pages._dateline_match(text)
    assert (found and found.groupdict()) == (expected and expected.groupdict())


# -- the metadata table as Python values ----------------------------------------------------------

def _same(a, b):
    """Equal values of the same type; a missing value equals the same kind of missing value."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a is b or a == b or (pd.isna(a) and pd.isna(b))


def _columns():
    import datetime
    import numpy as np

    return {
        "str": pd.Series(["a", None, "b", "", "é"], dtype="str"),
        "string_python": pd.Series(["a", None, "b", "", "é"], dtype="string[python]"),
        "string_pyarrow": pd.Series(["a", None, "b", "", "é"], dtype="string[pyarrow]"),
        "object": pd.Series(["a", None, np.nan, pd.Timestamp("2024-01-02"), datetime.date(2024, 1, 3)], dtype=object),
        "int": pd.Series([1, 2, 3, 4, 5]), "float": pd.Series([1.5, np.nan, 3.0, 1e20, -0.0]),
        "Float32": pd.Series([0.1, None, 3.0, 1.0, 2.0], dtype="Float32"),
        "Int64": pd.Series([1, None, 3, 4, 5], dtype="Int64"),
        "datetime": pd.Series(pd.to_datetime(["2024-01-01", None, "2024-02-03", "2024-01-01", "2020-01-01"])),
        "datetime_us": pd.Series(pd.to_datetime(["2024-01-01", None, "2024-02-03", "2024-01-01", "2020-01-01"]),
                                 dtype="datetime64[us]"),
        "utc": pd.Series(pd.to_datetime(["2024-01-01", None, "2024-02-03", "2024-01-01", "2020-01-01"], utc=True)),
        "category": pd.Series(pd.Categorical(["x", None, "y", "x", "z"])),
    }


@pytest.mark.parametrize("name", list(_columns()))
def test_column_values_are_the_values_iteration_gives(name):
    column = _columns()[name]
    assert _same(metadata.column_values(column), list(column))
    index = pd.Index(column)
    assert _same(metadata.column_values(index), list(index))


def _tables():
    columns = _columns()
    names = pd.Series(["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"], dtype="str")
    meta = pd.DataFrame({"outlet": columns["str"], "date": columns["datetime_us"], "title": columns["str"]})
    yield meta.set_axis(pd.Index(names, name="file"))
    yield meta.set_axis(pd.Index(names.astype(object), name="file"))
    yield meta.iloc[:0].set_axis(pd.Index(names[:0], name="file"))
    yield meta[["outlet"]].set_axis(pd.Index(names, name="file")).set_axis(["x"], axis=1)
    yield pd.DataFrame({"a": columns["str"], "b": columns["str"]}).set_axis(["a", "a"], axis=1)
    yield pd.DataFrame({"a": columns["string_python"], "b": columns["string_pyarrow"]})
    yield pd.DataFrame(columns).set_axis(pd.Index(names))
    yield pd.DataFrame(index=pd.Index(names))  # no columns
    yield pd.DataFrame({"a": columns["str"]}, index=pd.Index(["x", "x", "y", "z", "w"]))  # not unique


@pytest.mark.parametrize("table", list(_tables()))
def test_rows_by_file_is_to_dict_by_index(table):
    with warnings.catch_warnings(record=True) as expected_warnings:
        warnings.simplefilter("always")
        try:
            expected = table.to_dict("index")
        except ValueError:
            with pytest.raises(ValueError):
                metadata.rows_by_file(table)
            return
    with warnings.catch_warnings(record=True) as found_warnings:
        warnings.simplefilter("always")
        found = metadata.rows_by_file(table)
    assert _same(found, expected)
    assert [str(w.message) for w in found_warnings] == [str(w.message) for w in expected_warnings]


# -- the loader's options -------------------------------------------------------------------------

def _load(**kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        units = corpus.load_corpus(**kwargs)
    return units, [str(w.message) for w in caught if issubclass(w.category, CorpusWarning)]


def test_article_only_loading_gives_the_article_rows_and_the_same_warnings(seed_raw, seed_metadata):
    full, full_messages = _load(raw_dir=seed_raw, metadata=seed_metadata)
    articles, messages = _load(raw_dir=seed_raw, metadata=seed_metadata, related=False)
    assert (full["kind"] == "related").any()  # the seed pages carry teasers: the option drops something
    expected = full[full["kind"] == "article"].reset_index(drop=True)
    pd.testing.assert_frame_equal(articles, expected, check_exact=True)
    assert messages == full_messages


def test_digests_are_the_sha256_of_each_loaded_pages_text(tmp_path):
    (tmp_path / "a.txt").write_bytes("Titre\n\nLe ministre a parlé.\n".encode("utf-8"))
    (tmp_path / "b.txt").write_bytes("\ufeffTitre B\r\n\r\nLe texte e\u0301crit.\r\n".encode("utf-8"))
    (tmp_path / "c.txt").write_bytes("Titre\n\nLe ministre a parlé.\n".encode("utf-8"))  # duplicate of a
    (tmp_path / "d.txt").write_bytes(b"")
    digests = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        units = corpus.load_corpus(tmp_path, None, digests=digests)
    assert set(digests) == set(units["source_file"]) == {"a.txt", "b.txt"}
    for name, digest in digests.items():
        text, _ = corpus.decode_page((tmp_path / name).read_bytes())
        assert digest == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_loader_options_are_refused_for_other_sources(tmp_path):
    table = pd.DataFrame({"text": ["Le ministre a parlé."]})
    with pytest.raises(TypeError, match="related=False"):
        corpus.load_corpus(table, related=False)
    with pytest.raises(TypeError, match="digests"):
        corpus.load_corpus(table, digests={})


@SETTINGS
@given(name=st.text(alphabet=st.sampled_from(list("ab.-_ ")), min_size=1, max_size=8))
def test_stem_is_the_stem_of_the_path(name):
    if name in (".", ".."):
        return
    assert corpus._stem(name) == PurePath(name).stem
