"""Tests of the theme engine and the matches table (analysis.matching).

The engine must give exactly the matches of the first engine, frozen in
``tests/legacy_themes_engine.py``, on the seed corpus, the validation sentences and a synthetic
corpus; it codes each text once per codebook version; and it stays near-linear on a 6 MB paragraph.
"""
import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import legacy_themes_engine as legacy
from analysis import corpus, evidence, matches, matching, themes
from analysis.codebook import get_codebook, load_codebook
from analysis.text import normalize
from benchmarks.theme_synth import synthetic_articles

LEGACY_COLUMNS = ["index", "theme", "subframe", "pattern", "start", "end", "match"]


def new_engine(texts):
    matches.clear_cache()
    return themes.theme_matches(texts)


def old_engine(texts):
    return legacy.theme_matches(texts, get_codebook())


def assert_same(texts):
    expected = old_engine(texts)
    got = new_engine(texts)
    assert list(got.columns) == LEGACY_COLUMNS
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True),
                                  check_dtype=False)
    return expected


@pytest.fixture(scope="module")
def seed_units(seed_raw, seed_metadata):
    return corpus.load_corpus(seed_raw, seed_metadata)


# ---------------------------------------------------------------------------------------------
# Identical matches
# ---------------------------------------------------------------------------------------------

def test_same_matches_as_the_first_engine_on_the_seed_corpus(seed_units):
    paragraphs = evidence.theme_paragraphs(seed_units)
    texts = list(seed_units["title"]) + list(seed_units["text"]) + list(paragraphs["text"])
    assert len(assert_same(texts)) > 300


def test_same_matches_on_the_validation_sentences():
    labeled = themes.load_validation()
    assert len(labeled) == 321
    assert len(assert_same(list(labeled["sentence"]))) > 300


def test_same_matches_on_a_synthetic_corpus():
    texts = synthetic_articles(120, random_state=7)
    found = assert_same(texts)
    assert len(found) > 1000
    assert set(found["theme"]) == set(get_codebook().ids)  # every theme exercised


FRAGMENTS = ["l'IA", " IA ", "j'ai", "via", "Malaisie", " souveraineté ", " numérique ", "cyber",
             "sécurité", " alimentaire", " Résolution ", "57", "-NQ/TW", " 68", ", ", " et ", ". ",
             "\n\n", "\n", " données ", " Laos ", " coopération ", " formation ", " puces ",
             " de la ", "É", "İ", "ſ", " technologies clés", "'", " innovation", "R&D",
             " presse", " X", " le ", " souverain", " en ligne", " UE ", " LG Electronics"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join),
                      min_size=1, max_size=6))
def test_same_matches_on_generated_texts(texts):
    assert_same(texts)


def test_placing_rules_changes_nothing_but_speed(monkeypatch):
    """Every rule scanned everywhere (no literal placement) gives the same table."""
    texts = synthetic_articles(40, random_state=3) + list(themes.load_validation()["sentence"])
    placed = new_engine(texts)
    original = matching._Rule.__init__

    def scan_only(self, compiled, mode=None):
        original(self, compiled, "scan")

    monkeypatch.setattr(matching._Rule, "__init__", scan_only)
    matches.clear_cache()
    pd.testing.assert_frame_equal(themes.theme_matches(texts), placed)


# ---------------------------------------------------------------------------------------------
# The matches table
# ---------------------------------------------------------------------------------------------

def test_matches_table_columns_units_paragraphs_and_sentences():
    paragraphs = pd.DataFrame({
        "doc_id": ["a", "a", "b"], "para_id": [0, 1, 0],
        "text": ["Rien ici.", "Il parle de cybersécurité. Puis de l’IA souveraine !",
                 "La Résolution 57-NQ/TW; fin"]})
    table = matches.code_themes(paragraphs)
    assert list(table.columns) == matches.MATCH_COLUMNS
    assert table[["row", "unit_id", "para_id", "theme", "match"]].values.tolist() == [
        [1, "a", 1, "cybersecurity", "cybersécurité"],
        [1, "a", 1, "sovereignty", "IA souveraine"],
        [1, "a", 1, "ai", "IA"],
        [2, "b", 0, "resolution_57", "Résolution 57-NQ/TW"],
    ]
    assert table["sentence"].tolist() == [
        "Il parle de cybersécurité.", "Puis de l'IA souveraine !", "Puis de l'IA souveraine !",
        "La Résolution 57-NQ/TW;"]
    for row in table.itertuples():
        text = normalize(paragraphs["text"].iat[row.row])
        assert text[row.start:row.end] == row.match
        assert row.match in row.sentence


def test_aggregations_accept_a_precomputed_table_and_agree_with_it(seed_units):
    paragraphs = evidence.theme_paragraphs(seed_units)
    table = matches.code_themes(paragraphs)
    counts = themes.count_themes(paragraphs["text"], matches=table)
    assert counts.to_numpy().sum() == len(table)
    pd.testing.assert_frame_equal(counts, themes.count_themes(paragraphs["text"]))
    # a table edited by hand is what the aggregations read: they do not code again
    only_ai = table[table["theme"] == "ai"]
    counts_ai = themes.count_themes(paragraphs["text"], matches=only_ai)
    assert counts_ai.drop(columns="ai").to_numpy().sum() == 0
    assert counts_ai["ai"].sum() == len(only_ai)
    cooc = themes.cooccurrence(paragraphs, matches=only_ai)
    assert cooc.loc["ai", "ai"] == only_ai["row"].nunique()
    assert evidence.with_theme(paragraphs, "sovereignty", matches=only_ai).empty


def test_subset_matches_renumbers_rows():
    table = pd.DataFrame({"row": [0, 2, 2, 3], "theme": ["a", "b", "c", "d"]})
    out = matches.subset_matches(table, [True, False, True, False])
    assert out[["row", "theme"]].values.tolist() == [[0, "a"], [1, "b"], [1, "c"]]


def test_one_coding_pass_per_text_in_a_notebook_like_sequence(seed_units, monkeypatch):
    """The calls of notebook 05 code each paragraph and each validation sentence once."""
    coded = []
    engine = matching.match_records

    def counting(norm, cb):
        coded.extend(norm)
        return engine(norm, cb)

    monkeypatch.setattr(matches, "match_records", counting)
    matches.clear_cache()
    labeled = themes.load_validation()
    themes.validate(labeled)
    themes.validation_errors(labeled)
    paragraphs = evidence.theme_paragraphs(seed_units)
    themes.cooccurrence(paragraphs)
    themes.cooccurrence_stats(paragraphs)
    evidence.prevalence_levels(paragraphs, n_boot=20)
    evidence.subframe_table(paragraphs, "sovereignty", by="kind")
    for kwargs in ({}, {"subframe": "cyberspace"}, {"kind": "article"}, {"kind": "related"}):
        evidence.theme_evidence(paragraphs, "sovereignty", **kwargs)
    evidence.theme_evidence(paragraphs, "press_information", subframe="hostile_information")
    evidence.with_theme(paragraphs, "ai")
    evidence.theme_units(paragraphs, seed_units, "ai")
    evidence.resolution_companions(paragraphs)
    evidence.component_table(paragraphs[paragraphs["kind"] == "article"])
    themes.prevalence(paragraphs[paragraphs["kind"] == "article"], "period", n_boot=10)
    distinct = set(labeled["sentence"].map(normalize)) | set(paragraphs["text"].map(normalize))
    assert len(coded) == len(set(coded))  # no text coded twice
    assert set(coded) == {t.replace("\x00", " ") for t in distinct}


def test_cache_is_invalidated_when_the_codebook_changes(tmp_path):
    body = textwrap.dedent("""
        [[themes]]
        id = "alpha"
        label = "Alpha"
        definition = "alpha"
          [[themes.patterns]]
          case = "insensitive"
          regex = '''\\balpha\\b'''
    """)
    path = tmp_path / "codebook.toml"
    path.write_text(body, encoding="utf-8")
    texts = ["alpha beta", "beta"]
    assert themes.count_themes(texts, path)["alpha"].tolist() == [1, 0]
    path.write_text(body.replace("\\balpha\\b", "\\bbeta\\b"), encoding="utf-8")
    import os
    os.utime(path, ns=(1, 1))  # a new modification time, whatever the clock's resolution
    assert themes.count_themes(texts, path)["alpha"].tolist() == [1, 1]


def test_a_six_megabyte_paragraph_is_coded_in_one_piece():
    """No blank line in 6 MB: the old scanner inserted into the middle of a list (quadratic)."""
    piece = " ".join(synthetic_articles(3, random_state=11)).replace("\n", " ")
    piece = piece.rstrip(".") + "."
    one = themes.count_themes([piece])
    k = 6_000_000 // len(piece) + 1
    big = " ".join([piece] * k)
    assert len(big) > 6_000_000 and "\n" not in big
    counts = themes.count_themes([big])
    assert counts.to_numpy().sum() > 10_000
    np.testing.assert_array_equal(counts.to_numpy(), one.to_numpy() * k)
    table = matches.code_themes([big])
    assert table["sentence"].str.len().max() <= matching.MAX_SENTENCE + 10


def test_unknown_theme_and_bad_matches_table_are_reported():
    with pytest.raises(KeyError, match="unknown theme"):
        themes.count_themes(["x"], themes=["nope"])
    with pytest.raises(KeyError, match="not a matches table"):
        themes.count_themes(["x"], matches=pd.DataFrame({"theme": []}))


def test_the_engine_uses_no_private_re_module():
    import pathlib
    for name in ("matching.py", "codebook.py", "regex_syntax.py", "themes.py", "themestats.py"):
        source = (pathlib.Path(matching.__file__).parent / name).read_text(encoding="utf-8")
        for private in ("re._parser", "re._casefix", "sre_constants", "sre_parse",
                        "re._constants"):
            assert private not in source, (name, private)


def test_cache_can_be_bypassed_and_is_bounded(monkeypatch):
    calls = []
    engine = matches.match_records
    monkeypatch.setattr(matches, "match_records", lambda norm, cb: calls.append(len(norm))
                        or engine(norm, cb))
    matches.clear_cache()
    texts = ["La cybersécurité. " * 20, "l'IA"]
    first = matches.code_themes(texts)
    matches.code_themes(texts)
    assert calls == [2]
    pd.testing.assert_frame_equal(matches.code_themes(texts, cache=False), first)
    assert calls == [2, 2]
    monkeypatch.setattr(matches, "CACHE_MATCHES", 5)
    matches.clear_cache()
    matches.code_themes(texts)  # 20 + 1 matches: more than 5 kept, the oldest text dropped
    assert matches._CACHED_MATCHES <= 5 and len(matches._TEXT_CACHE) == 1


# ---------------------------------------------------------------------------------------------
# Placement by literals: windows and follow filters give finditer's matches
# ---------------------------------------------------------------------------------------------

def _stretched(texts, seed):
    """Texts with runs of white space the normalization keeps (\\x0b, \\x1c) and long words."""
    import random
    rng = random.Random(seed)
    out = []
    for text in texts:
        words = text.split(" ")
        for i in range(1, len(words)):
            if rng.random() < 0.3:
                words[i] = rng.choice(["\x0b", "\x1c", " \x0b "]) * rng.randint(1, 40) + words[i]
            if rng.random() < 0.05:
                words[i] += "x" * rng.randint(20, 300)
        out.append(" ".join(words))
    return out


def test_every_rule_gives_the_matches_of_finditer_on_each_paragraph():
    """Each rule, placed by its literals (prefix places, follow filter, windows), finds exactly
    the matches ``finditer`` finds on each paragraph, on texts with long runs of white space
    and long words (the bounds of the windows grow with them)."""
    cb = get_codebook()
    texts = (list(themes.load_validation()["sentence"]) + synthetic_articles(20, random_state=5))
    texts = [matching.normalized(t) for t in texts + _stretched(texts, 1)]
    plan = matching._plan(cb)
    segments, _, _ = matching._segments(texts)
    chunk = matching._Chunk(segments, plan)
    modes = set()
    for rule in plan.rules.values():
        placed = chunk._placed(rule)
        modes.add((placed.mode, placed.reach is not None, placed.follow))
        got = [m.span() for m in chunk.finditer(rule)]
        expected = []
        for k, start in enumerate(chunk.offsets):
            end = chunk.offsets[k + 1] if k + 1 < len(chunk.offsets) else len(chunk.joined)
            expected += [m.span() for m in rule.compiled.finditer(chunk.joined, start, end)]
        # a prefix rule runs over separators where finditer on a paragraph stops: compare the
        # matches that stay in one paragraph
        inside = [(s, e) for s, e in got if "\x00" not in chunk.joined[s:e]]
        assert inside == [(s, e) for s, e in expected if "\x00" not in chunk.joined[s:e]], \
            rule.compiled.pattern
    assert ("segment", True, False) in modes and ("prefix", False, True) in modes


def test_reach_and_offsets_bound_what_a_match_reads():
    from analysis.regex_syntax import reach, required_offsets
    space = frozenset({("set", r"\s", False)})
    assert reach(r"ab\s+c") == (5, ((space, 1),))  # 3 characters, a run of spaces, 2 to spare
    assert reach(r"ab(?=\s*x)") == (2 + 1 + 2, ((space, 1),))  # the look-ahead reads on
    assert reach(r"(a)\1") is None and reach(r"a*") is None
    offsets = required_offsets(r"(?:le|la)\s+souverain|données", True)
    ci_space = frozenset({("set", r"\s", True)})
    assert {lit.text: bound for lit, bound in offsets.items()} == {
        "souverain": (2, ((ci_space, 1),)), "données": (0, ())}  # after "le" or "la" and spaces


# ---------------------------------------------------------------------------------------------
# Fast paths: each gives what the plain computation gives
# ---------------------------------------------------------------------------------------------

def test_folding_by_table_equals_fold_character_by_character():
    """The 16-bit table folds every character of the plane as ``fold`` folds it alone, and a
    text as ``fold`` folds the text (final sigma, dotted I, long s, in context)."""
    from analysis.regex_syntax import fold
    matching._fold_units(matching._utf16_units("a"))  # builds the table
    from analysis import charclass
    table = charclass._FOLD_TABLE[0]
    by_char = [fold(chr(c)) for c in range(0x10000)]
    assert all(len(f) == 1 for f in by_char)
    differ = [hex(c) for c in range(0x10000) if table[c] != ord(by_char[c])]
    assert not differ, differ[:10]
    for text in ["ΟΔΟΣ ΣΑΣ ΑΣ. Σ", "L'İA ſouveraine", "KELVIN \u212a", "Straße ǅ ǈ", "µ ϐ ς"]:
        assert matching._fold_units(matching._utf16_units(text)) == fold(text)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.text(max_size=40), min_size=1, max_size=4))
def test_a_chunk_is_folded_as_fold_folds_it(texts):
    """Beyond the plane (emoji) or with lone surrogates side by side, the chunk falls back to
    ``fold``; otherwise the table gives the same text."""
    texts = [t.replace("\x00", " ") for t in texts]
    chunk = matching._Chunk(texts, matching._plan(get_codebook()))
    from analysis.regex_syntax import fold
    assert chunk.folded == fold(chunk.joined)


def test_a_chunk_beyond_the_plane_or_with_paired_lone_surrogates_uses_the_general_path():
    plan = matching._plan(get_codebook())
    for text in ["l'IA 😀 souveraine", "x\ud83d\ude00 IA", "IA \udfff\ud800"]:
        chunk = matching._Chunk([text, "Le Laos."], plan)
        from analysis.regex_syntax import fold
        assert chunk.folded == fold(chunk.joined)
    emoji = matching._Chunk(["l'IA 😀 souveraine"], plan)
    assert emoji._units is None  # more UTF-16 units than characters
    assert matching._utf16_units("l'IA souveraine") is not None


def test_sentence_ends_are_those_of_the_boundary_regex():
    """The ends read from the category bits are ``. ! ? ;`` before white space, a separator or
    the end, and every line break or separator."""
    plan = matching._plan(get_codebook())
    texts = ["Il a dit. Puis ; rien ?\tOui!Non.", "a.b. c\u00a0.\u2003d!\ne", "fin.", "",
             "x. 😀 y?", "z;\x0bw!"]
    for parts in (texts, texts[:4]):  # with and without a character beyond the plane
        chunk = matching._Chunk(parts, plan)
        chunk.sentence(0, 0)
        expected = [m.start() for m in matching._BOUNDARY_RE.finditer(chunk.joined)]
        assert chunk._sentence_ends == expected


def test_follow_filter_keeps_the_places_a_required_literal_follows_closely():
    """The merged intervals keep a place exactly when one of the required literals starts at
    most its offset after it (the per-literal rule, checked by brute force)."""
    cb = get_codebook()
    plan = matching._plan(cb)
    texts = [matching.normalized(t) for t in synthetic_articles(30, random_state=11)]
    chunk = matching._Chunk(matching._segments(texts)[0], plan)
    checked = 0
    for rule in plan.rules.values():
        if not rule.follow or chunk._placed(rule) is not rule:
            continue
        required = rule.fallback
        parts = [chunk._where(plan.key_ids[k]) for k in rule.keys]
        starts = np.unique(np.concatenate(parts))
        width = chunk.reach(required)
        spans = []
        for key, terms in zip(required.keys, required.before):
            back = width if None in terms else min(width, max(chunk._bound(t) for t in terms))
            spans += [(p, back) for p in chunk._where(plan.key_ids[key]).tolist()]
        expected = [s for s in starts.tolist() if any(s <= p <= s + back for p, back in spans)]
        assert chunk._followed(starts, required).tolist() == expected, rule.compiled.pattern
        checked += 1
    assert checked > 20


def test_matches_table_is_sorted_as_documented_with_repeated_and_empty_texts():
    """The table built column by column equals the records sorted by row, start, codebook order
    of themes and end, repeated texts coded once and given to each of their rows."""
    cb = get_codebook()
    texts = synthetic_articles(6, random_state=2)
    texts = [texts[0], "", texts[1], texts[0], None, "La cybersécurité de l'IA.", texts[2]]
    table = matches.code_themes(texts, cache=False)
    order = {t: i for i, t in enumerate(cb.ids)}
    rows = []
    for pos, text in enumerate(texts):
        for record in matching.match_records([matching.normalized(text or "")], cb):
            rows.append((pos, *record[1:]))
    rows.sort(key=lambda r: (r[0], r[4], order[r[1]], r[5]))
    got = table[["row", "theme", "subframe", "rule", "start", "end", "match", "sentence"]]
    assert [tuple(r) for r in got.itertuples(index=False)] == rows
    assert table["row"].dtype == np.int64 and table["start"].dtype == np.int64
    assert (table["unit_id"] == table["row"]).all() and table["para_id"].isna().all()
    empty = matches.code_themes(["rien", ""], cache=False)
    assert list(empty.columns) == matches.MATCH_COLUMNS and len(empty) == 0


def test_classes_read_from_the_category_bits_are_the_classes():
    """A class written as broad classes plus a few characters (``[\\d.\\s]``) is, over the whole
    plane, exactly what its table says; the longest runs of a chunk agree both ways."""
    atoms_sets = [frozenset({("set", r"[\d.\s]", True)}), frozenset({("set", r"[\w-]", False)}),
                  frozenset({("set", r"[\s,;]", False)}), frozenset({("set", r"[a-z]", False)})]
    categories = matching._categories()[:0x10000]
    for atoms in atoms_sets:
        table = matching._class_table(atoms)[:0x10000]
        decomposed = matching._by_categories(atoms)
        if decomposed is None:
            continue
        bits, extra = decomposed
        member = (categories & bits) != 0
        member[list(extra)] = True
        assert (member == table).all(), atoms
    assert matching._by_categories(atoms_sets[0]) == (3, (ord("."),))
    assert matching._by_categories(atoms_sets[3]) is None
    plan = matching._plan(get_codebook())
    text = "Les 1.200.000 ingénieurs . 3 4\t5 ; " * 40 + "x" * 70
    fast = matching._Chunk([text, "2 . 2"], plan)
    slow = matching._Chunk([text, "2 . 2"], plan)
    slow._units = None  # the look-up path
    for atoms in atoms_sets:
        assert fast._longest_run(atoms) == slow._longest_run(atoms), atoms


def test_places_of_each_literal_are_sorted_and_complete():
    """Each literal's places (folded ones from the automaton, exact ones checked on the text)
    are every start of the literal in the chunk, sorted."""
    plan = matching._plan(get_codebook())
    texts = [matching.normalized(t) for t in synthetic_articles(15, random_state=4)]
    texts += ["L'IA, l'ia, AI et IA ; la ia. UE ue Ue 5G 5g", "ıİſ TIC tic Tic"]
    chunk = matching._Chunk(matching._segments(texts)[0], plan)
    from analysis.regex_syntax import fold
    for key_id, (folded, text) in enumerate(plan.keys):
        if key_id in plan.weak:
            continue
        haystack, needle = (chunk.folded, fold(text)) if folded else (chunk.joined, text)
        expected = [i for i in range(len(haystack)) if haystack.startswith(needle, i)]
        assert chunk._where(key_id).tolist() == expected, text


def test_the_garbage_collector_is_paused_while_coding_and_restored(monkeypatch):
    """Paused while the engine runs, enabled again afterwards (and after an error), left
    disabled when it was disabled before."""
    import gc
    seen = []
    engine = matching._scan_theme

    def spying(*args):
        seen.append(gc.isenabled())
        return engine(*args)

    monkeypatch.setattr(matching, "_scan_theme", spying)
    assert gc.isenabled()
    table = matches.code_themes(["La cybersécurité de l'IA."], cache=False)
    assert len(table) == 2 and seen and not any(seen) and gc.isenabled()
    monkeypatch.setattr(matching, "_scan_theme", lambda *args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        matching.match_records(["l'IA"], get_codebook())
    assert gc.isenabled()
    gc.disable()
    try:
        monkeypatch.setattr(matching, "_scan_theme", engine)
        matching.match_records(["l'IA"], get_codebook())
        assert not gc.isenabled()
    finally:
        gc.enable()
