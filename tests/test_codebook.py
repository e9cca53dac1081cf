"""Tests of codebook loading and its safety checks (analysis.codebook, analysis.regex_syntax).

Every mistake a researcher can make in the codebook file raises CodebookError naming the file and
the key; patterns that could backtrack catastrophically are refused at load time.
"""
import re
import textwrap

import pytest

from analysis import regex_syntax
from analysis.codebook import get_codebook, load_codebook
from analysis.errors import AnalysisError, CodebookError
from analysis.paths import CODEBOOK

GOOD = textwrap.dedent("""
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
      regex = '''\\balpha\\b'''

      [[themes.exclusions]]
      case = "insensitive"
      regex = '''\\balpha\\s+centauri\\b'''
""")


def write(tmp_path, text, name="codebook.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path) -> str:
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    message = str(info.value)
    assert str(path) in message
    return message


def test_the_good_toy_loads(tmp_path):
    cb = load_codebook(write(tmp_path, GOOD))
    assert cb.ids == ["alpha"] and len(cb.fingerprint) == 64


def test_every_pattern_of_the_project_codebook_passes_the_safety_check():
    cb = load_codebook(CODEBOOK)
    regexes = [(r.regex, r.case) for t in cb.themes for r in (*t.patterns, *t.exclusions, *t.context)]
    regexes += [(p.items, p.case) for t in cb.themes for p in t.patterns if p.items]
    regexes += [(c.regex, c.case) for c in cb.cues.values()]
    regexes += [(o.regex, o.case) for o in cb.offices] + [(c.regex, c.case) for c, _ in cb.countries]
    assert len(regexes) > 150
    for regex, case in regexes:
        assert regex_syntax.safety_problem(regex, case == "insensitive") is None, regex


# ---------------------------------------------------------------------------------------------
# Catastrophic backtracking
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("regex", [r"(a+)+$", r"(\w+\s?)+$", r"(a|a)*", r"(?:a*)*b",
                                   r"(x\w+)+y", r"(?:\d+\s*)+%", r"(?:ab|a)+c"])
def test_catastrophic_patterns_are_refused_at_load_naming_theme_and_pattern(tmp_path, regex):
    body = GOOD.replace("regex = '''\\balpha\\b'''", f"regex = '''{regex}'''")
    message = load_error(write(tmp_path, body))
    assert "theme 'alpha' pattern 1" in message and repr(regex) in message and "refused" in message


def test_nested_quantifier_that_hangs_re_is_refused_without_running_it(tmp_path):
    """``(a+)+$`` takes minutes on 30 characters with re: load must refuse it, not run it."""
    body = GOOD.replace("regex = '''\\bHanoi\\b'''", "regex = '''(a+)+$'''")
    message = load_error(write(tmp_path, body))
    assert "cue 'place'" in message and "nested quantifiers" in message


def test_an_overlong_pattern_is_refused(tmp_path):
    regex = "|".join(f"mot{i}" for i in range(1200))
    body = GOOD.replace("regex = '''\\balpha\\s+centauri\\b'''", f"regex = '''{regex}'''")
    message = load_error(write(tmp_path, body))
    assert "exclusion 1" in message and "characters long" in message


@pytest.mark.parametrize("regex", [
    r"\br[ée]solutions\s+\d{1,3}(?:\s*(?:,|et|and)\s*(?:la\s+|n[°ºo]\.?\s*)?\d{1,3})+",
    r"\bministres?\s+(?:\w+\s+){0,2}?du\s+Numérique\b", r"\w+", r"[ée]{1,3}", r"((a+)b)+",
    r"\b(?:sécurité\s+et\s+)?sûreté\b", r"(?<![\d/])57(?!\d)", r"(?:\s*,\s*\d+)+"])
def test_safe_repetitions_pass(regex):
    assert regex_syntax.safety_problem(regex) is None


def test_deeply_nested_groups_are_refused():
    assert "nested" in regex_syntax.safety_problem("(" * 60 + "a" + ")" * 60)


# ---------------------------------------------------------------------------------------------
# Mistakes in the file: one test each, all CodebookError naming the file and key
# ---------------------------------------------------------------------------------------------

def test_cues_not_a_table(tmp_path):
    cue = "[cues.place]\ncase = \"insensitive\"\nregex = '''\\bHanoi\\b'''\n"
    assert cue in GOOD
    body = "cues = 3\n" + GOOD.replace(cue, "")
    assert "cues: expected a table" in load_error(write(tmp_path, body))


def test_exclusions_not_an_array_of_tables(tmp_path):
    body = GOOD.split("  [[themes.exclusions]]")[0].replace(
        'definition = "The word alpha."', 'definition = "The word alpha."\nexclusions = 3')
    message = load_error(write(tmp_path, body))
    assert "theme 'alpha' exclusions" in message and "array of tables" in message


def test_regex_not_a_string(tmp_path):
    body = GOOD.replace("regex = '''\\balpha\\b'''", "regex = 42")
    message = load_error(write(tmp_path, body))
    assert "theme 'alpha' pattern 1" in message and "regex must be a non-empty string" in message


@pytest.mark.parametrize("line, key", [("case = ['insensitive']", "case"), ("note = 3", "note"),
                                       ("require = ['place']", "require"),
                                       ("subframe = 7", "subframe")])
def test_values_of_the_wrong_type(tmp_path, line, key):
    pattern = "  case = \"insensitive\"\n  regex = '''\\balpha\\b'''\n"
    assert pattern in GOOD
    replacement = (f"  regex = '''\\balpha\\b'''\n  {line}\n" if key == "case"
                   else pattern + f"  {line}\n")
    message = load_error(write(tmp_path, GOOD.replace(pattern, replacement)))
    assert "theme 'alpha' pattern 1" in message and key in message


def test_deep_nesting_of_tables_and_arrays(tmp_path):
    deep = "x = " + "[" * 5000 + "]" * 5000 + "\n"
    message = load_error(write(tmp_path, deep + GOOD))
    assert "nested too deep" in message


def test_deeply_nested_dotted_tables(tmp_path):
    body = GOOD + "\n[" + ".".join(["a"] * 3000) + "]\nb = 1\n"
    message = load_error(write(tmp_path, body))
    assert "unknown key" in message or "TOML" in message


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert load_codebook(path).ids == ["alpha"]


def test_a_binary_file(tmp_path):
    path = tmp_path / "codebook.toml"
    path.write_bytes(bytes(range(256)) * 4)
    assert "UTF-8" in load_error(path) or "binary" in load_error(path)


def test_a_file_with_nul_bytes(tmp_path):
    path = tmp_path / "codebook.toml"
    path.write_bytes(GOOD.encode("utf-8") + b"\x00\x00")
    assert "binary" in load_error(path)


def test_a_cp1252_file(tmp_path):
    path = tmp_path / "codebook.toml"
    path.write_bytes(GOOD.replace("The word alpha.", "Sécurité").encode("cp1252"))
    assert "not UTF-8" in load_error(path)


def test_a_missing_file_and_a_directory(tmp_path):
    assert "codebook not found" in load_error(tmp_path / "missing.toml")
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert "is a folder" in load_error(folder)
    with pytest.raises(CodebookError, match="missing.toml"):
        get_codebook(tmp_path / "missing.toml")


def test_invalid_toml(tmp_path):
    assert "not valid TOML" in load_error(write(tmp_path, GOOD + "\n[[themes]\n"))


def test_codebook_error_is_a_package_error_and_a_value_error(tmp_path):
    with pytest.raises(AnalysisError):
        load_codebook(write(tmp_path, "themes = 3\n"))
    with pytest.raises(ValueError):
        load_codebook(write(tmp_path, "themes = 3\n"))


# ---------------------------------------------------------------------------------------------
# The reader of regex syntax behind the checks and the engine
# ---------------------------------------------------------------------------------------------

def test_fold_keeps_length_and_agrees_with_ignorecase():
    for char in "İıſKµςϐᲀẛﬅAÉéÀ":
        assert len(regex_syntax.fold(char)) == 1
    sample = "".join(chr(c) for c in range(0x3000) if not 0xD800 <= c < 0xE000)
    for letter in "abcdefghijklmnopqrstuvwxyzéèêàâîôûçœ0123456789":
        equal = {m.group(0) for m in re.finditer(re.escape(letter), sample, re.IGNORECASE)}
        assert equal == {c for c in sample if regex_syntax.fold(c) == regex_syntax.fold(letter)}


@pytest.mark.parametrize("regex, ci, expected", [
    (r"\bsouverainet[ée]s?\b|\bsouverain(?:e|s)?\b", True, {"souverain"}),
    (r"(?-i:\bIA\b)|\bintelligence\s+artificielle\b", True, {"IA", "intelligence"}),
    (r"(?<![\d/])57\s*-", False, {"57"}),
    (r"\b(?:grande\s+)?amitié\b", True, {"grande", "amitié"}),
    (r"\w+ment\b", True, None),
])
def test_prefix_literals(regex, ci, expected):
    found = regex_syntax.prefix_literals(regex, ci)
    assert (None if found is None else {lit.text for lit in found}) == expected


def test_fold_of_a_long_text_equals_the_fold_of_its_short_pieces():
    # short strings (the codebook's literals) and long ones (texts) take different paths
    pieces = ["L'İA ſouveraine ", "Ωμέγα ς ϐ ", "données ﬅ ", "ẛ ᲀ cybersécurité ", "Résolution 57 ", "µ ı K "]
    for i in range(len(pieces)):
        text = "".join(pieces[i:] + pieces[:i]) * 3
        assert len(text) >= 64 > max(len(p) for p in pieces)
        assert regex_syntax.fold(text) == "".join(regex_syntax.fold(p) for p in pieces[i:] + pieces[:i]) * 3
    plain = "la souveraineté numérique du viet nam " * 3  # long, no character needing the extra fold
    assert regex_syntax.fold(plain) == plain
