"""Theme coding with a plain-text codebook: matches, counts, KWIC, prevalence, co-occurrence.

The themes (sovereignty, AI, Resolution 57-NQ/TW, cybersecurity, ...) are defined in a TOML
file a researcher edits without touching code, ``data/codebook.toml``
(:data:`analysis.paths.CODEBOOK`). Each theme has an id, a definition, inclusion and exclusion
rules in prose, positive and negative examples, and

- **patterns**: Python regular expressions, each with an explicit case rule (``"sensitive"`` for
  acronyms such as ``IA``, ``TIC``, ``5G``; ``"insensitive"`` for words, so that uppercase
  headlines match) and optionally a sub-frame, a cue required in the same sentence, or an
  item regex for lists ("les résolutions 57, 59 et 68");
- **exclusions**: regexes whose matches veto any overlapping match of the theme
  ("sécurité alimentaire", "fonds souverain", ministerial portfolio names);
- **context rules**: regexes that give a sub-frame to a match from its sentence.

Matching is done on :func:`analysis.text.normalize` of the text (NFC, every apostrophe is ASCII
``'``, white space folded), so ``l’IA`` and ``l'IA`` are the same string and all offsets
(``start``, ``end``) refer to the normalized text. Overlapping matches of one theme count once.
A match never spans a blank line (paragraph break), so a page's count is the sum of its
paragraphs' counts.

Public API
----------
- :func:`load_codebook`, :func:`get_codebook` (cached), :func:`codebook_table` (one row per
  theme, for a methods section);
- :func:`theme_matches` (one row per match: the evidence), :func:`count_themes` (texts x themes),
  :func:`theme_kwic` (keyword in context for one theme, with sub-frames);
- :func:`add_period`, :func:`prevalence` (rates per 1,000 words by group with stratified
  bootstrap intervals; refuses to pool articles with undated teasers over time);
- :func:`cooccurrence`, :func:`cooccurrence_stats` (paragraph-level co-occurrence, Jaccard, lift);
- :func:`load_validation`, :func:`validate` (precision/recall per theme against
  ``tests/data/theme_validation.csv``), :func:`validation_errors` (the disagreements);
- figures in :mod:`analysis.plots.themes`; who speaks in :mod:`analysis.speakers`.

Rates are per 1,000 words, with :func:`analysis.text.count_words` (the ``n_words`` column of the
paragraph table) as the denominator.

Speed: a sound literal prefilter (see ``_Chunk``) runs each pattern only on the paragraphs that
contain one of its literals, about 1 s of CPU per MB of theme-dense text; results are identical
to scanning everything (tested).

Importing this module reads no file; the codebook is read on first use and cached (it is read
again when the file changes).
"""
from __future__ import annotations

import re
import re._casefix
import re._constants as sre_constants
import re._parser as sre_parse
import string
import tomllib
from bisect import bisect_left, bisect_right
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.paths import CODEBOOK, PROJ_ROOT
from analysis.text import normalize

#: The hand-labelled validation sentences (one 0/1 column per theme id).
VALIDATION = PROJ_ROOT / "tests" / "data" / "theme_validation.csv"

#: Case rules a codebook pattern may state, and the regex flags they stand for.
CASE_RULES = {"sensitive": 0, "insensitive": re.IGNORECASE}

#: Columns by which :func:`prevalence` compares periods: mixing articles with undated teasers
#: over them is refused unless explicitly allowed.
TIME_COLUMNS = ("period", "date", "year")

_SEP = "\x00"  # separates texts when they are scanned together; no pattern can cross it
_BOUNDARY_RE = re.compile(r"[.!?;](?=\s|\x00|$)|[\n\x00]")  # sentence ends for cues/context
_CHUNK_CHARS = 2_000_000
_ID_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
_SLUG_RE = re.compile(r"[\W_]+")

_KEYS = {
    "top": ({"codebook", "cues", "themes", "offices", "countries", "people"}, {"themes"}),
    "codebook": ({"version", "description", "language"}, set()),
    "cue": ({"regex", "case", "note"}, {"regex", "case"}),
    "theme": ({"id", "label", "definition", "include", "exclude", "default_subframe",
               "positive_examples", "negative_examples", "patterns", "exclusions", "context"},
              {"id", "label", "definition", "patterns"}),
    "pattern": ({"regex", "case", "subframe", "require", "items", "note"}, {"regex", "case"}),
    "exclusion": ({"regex", "case", "note"}, {"regex", "case"}),
    "context": ({"regex", "case", "subframe", "note"}, {"regex", "case", "subframe"}),
    "office": ({"role", "regex", "case", "note"}, {"role", "regex", "case"}),
    "country": ({"country", "official", "regex", "case", "note"},
                {"country", "official", "regex", "case"}),
    "person": ({"name", "spellings", "role", "country", "note"},
               {"name", "spellings", "role", "country"}),
}


# ---------------------------------------------------------------------------------------------
# The codebook
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """A compiled regex of the codebook: a cue, an exclusion, a context rule or an office.

    Attributes
    ----------
    regex : str
        The pattern as written in the codebook.
    case : str
        ``"sensitive"`` or ``"insensitive"``.
    subframe : str or None
        Sub-frame given by a context rule; role (offices) or country (countries) for the
        speaker tables; None for cues and exclusions.
    note : str
        The codebook's comment.
    compiled : re.Pattern
    """

    regex: str
    case: str
    subframe: str | None = None
    note: str = ""
    compiled: re.Pattern = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Pattern:
    """A theme pattern: what counts as a match.

    Attributes
    ----------
    regex : str
        Python regex, matched on normalized text.
    case : str
        ``"sensitive"`` or ``"insensitive"``.
    subframe : str or None
        Sub-frame recorded for its matches (may hold ``{group}`` placeholders); None: from the
        theme's context rules, else the theme's default sub-frame.
    require : str or None
        Name of a cue that must occur in the same sentence.
    items : str or None
        Regex run inside each match; each item found is a match of its own (lists).
    note : str
    compiled, compiled_items : re.Pattern
    """

    regex: str
    case: str
    subframe: str | None = None
    require: str | None = None
    items: str | None = None
    note: str = ""
    compiled: re.Pattern = field(default=None, repr=False, compare=False)
    compiled_items: re.Pattern | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Theme:
    """One theme of the codebook (see ``data/codebook.toml`` for the meaning of each field)."""

    id: str
    label: str
    definition: str
    include: str = ""
    exclude: str = ""
    default_subframe: str = "general"
    positive_examples: tuple = ()
    negative_examples: tuple = ()
    patterns: tuple = ()
    exclusions: tuple = ()
    context: tuple = ()

    @property
    def subframes(self) -> list[str]:
        """Sub-frames this theme can record (templates such as ``resolution_{n}`` as written)."""
        names = [p.subframe for p in self.patterns if p.subframe]
        names += [r.subframe for r in self.context]
        names.append(self.default_subframe)
        return list(dict.fromkeys(names))


@dataclass(frozen=True)
class Person:
    """A person of the speaker table: canonical name, spellings, default role and country."""

    name: str
    spellings: tuple
    role: str
    country: str


@dataclass(frozen=True)
class Codebook:
    """A loaded, validated codebook. Themes are kept in file order (the column order of counts).

    Attributes
    ----------
    path : pathlib.Path
    version, description : str
    themes : tuple of Theme
    cues : dict of str to Rule
    offices : tuple of Rule
        Speaker titles; ``subframe`` holds the normalized role.
    countries : tuple of (Rule, str)
        Country rules (``subframe`` holds the country) with the office label of its officials.
    people : tuple of Person
    """

    path: Path
    version: str
    description: str
    themes: tuple
    cues: dict
    offices: tuple = ()
    countries: tuple = ()
    people: tuple = ()

    @property
    def ids(self) -> list[str]:
        """Theme ids in codebook order."""
        return [t.id for t in self.themes]

    def __getitem__(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(f"no theme {theme_id!r} in {self.path} (themes: {', '.join(self.ids)})")


def _fail(path, where: str, message: str):
    raise ValueError(f"{path}: {where}: {message}")


def _check_keys(path, where: str, table, kind: str) -> None:
    if not isinstance(table, dict):
        _fail(path, where, f"expected a table, got {type(table).__name__}")
    allowed, required = _KEYS[kind]
    unknown = sorted(set(table) - allowed)
    if unknown:
        _fail(path, where, f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: "
              f"{', '.join(sorted(allowed))}")
    missing = sorted(required - set(table))
    if missing:
        _fail(path, where, f"missing key(s) {', '.join(map(repr, missing))}")


def _compile(path, where: str, regex, case) -> re.Pattern:
    if not isinstance(regex, str) or not regex:
        _fail(path, where, "regex must be a non-empty string")
    if case not in CASE_RULES:
        _fail(path, where, f"case must be 'sensitive' or 'insensitive', got {case!r}")
    try:
        compiled = re.compile(regex, CASE_RULES[case])
    except re.error as err:
        _fail(path, where, f"bad regex {regex!r}: {err}")
    if compiled.search("") is not None:
        _fail(path, where, f"regex {regex!r} matches the empty string")
    return compiled


def _rule(path, where, table, kind, subframe_key=None) -> Rule:
    _check_keys(path, where, table, kind)
    compiled = _compile(path, where, table["regex"], table["case"])
    subframe = table.get(subframe_key) if subframe_key else None
    return Rule(table["regex"], table["case"], subframe, table.get("note", ""), compiled)


def _pattern(path, where, table, cues) -> Pattern:
    _check_keys(path, where, table, "pattern")
    compiled = _compile(path, where, table["regex"], table["case"])
    items = table.get("items")
    compiled_items = _compile(path, where + " items", items, table["case"]) if items else None
    require = table.get("require")
    if require is not None and require not in cues:
        _fail(path, where, f"require names an undefined cue {require!r} (cues: "
              f"{', '.join(sorted(cues)) or 'none'})")
    subframe = table.get("subframe")
    if subframe is not None:
        if not isinstance(subframe, str) or not subframe:
            _fail(path, where, "subframe must be a non-empty string")
        groups = set((compiled_items or compiled).groupindex)
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(subframe) if f is not None}
        except ValueError as err:
            _fail(path, where, f"bad subframe template {subframe!r}: {err}")
        if fields - groups:
            _fail(path, where, f"subframe {subframe!r} uses {sorted(fields - groups)}, which are "
                  f"not named groups of the {'items ' if compiled_items else ''}regex")
    return Pattern(table["regex"], table["case"], subframe, require, items, table.get("note", ""),
                   compiled, compiled_items)


def _string_list(path, where, value) -> tuple:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _fail(path, where, "expected a list of strings")
    return tuple(value)


def load_codebook(path: Path | str = CODEBOOK) -> Codebook:
    """Read and validate the theme codebook (TOML, read with :mod:`tomllib`).

    Parameters
    ----------
    path : pathlib.Path or str
        The codebook file; default :data:`analysis.paths.CODEBOOK` (``data/codebook.toml``).

    Returns
    -------
    Codebook
        Themes in file order, with compiled patterns, exclusions, context rules and cues, and the
        speaker tables used by :func:`analysis.speakers.attribute_speech`.

    Raises
    ------
    ValueError
        With a message naming the file and the theme (or table) at fault: invalid TOML, unknown
        or missing keys, a malformed regex or one matching the empty string, a case rule other
        than ``"sensitive"``/``"insensitive"``, a duplicate or malformed theme id, a ``require``
        naming an undefined cue, a sub-frame template using an undefined group.

    Examples
    --------
    >>> cb = load_codebook()
    >>> cb.ids[:3]
    ['sovereignty', 'ai', 'resolution_57']
    """
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{path}: not valid TOML: {err}") from None
    _check_keys(path, "top level", data, "top")
    meta = data.get("codebook", {})
    _check_keys(path, "[codebook]", meta, "codebook")

    cues = {}
    for name, table in data.get("cues", {}).items():
        cues[name] = _rule(path, f"cue {name!r}", table, "cue")

    if not isinstance(data["themes"], list) or not data["themes"]:
        _fail(path, "[[themes]]", "at least one theme is needed")
    themes, seen = [], set()
    for number, table in enumerate(data["themes"], start=1):
        where = f"theme {table.get('id', f'#{number}')!r}" if isinstance(table, dict) else f"theme #{number}"
        _check_keys(path, where, table, "theme")
        theme_id = table["id"]
        if not isinstance(theme_id, str) or not _ID_RE.match(theme_id):
            _fail(path, where, "id must match [a-z][a-z0-9_]* (it becomes a column name)")
        if theme_id in seen:
            _fail(path, where, "duplicate theme id")
        seen.add(theme_id)
        for key in ("label", "definition", "include", "exclude", "default_subframe"):
            if key in table and not isinstance(table[key], str):
                _fail(path, where, f"{key} must be a string")
        if not isinstance(table["patterns"], list) or not table["patterns"]:
            _fail(path, where, "at least one pattern is needed")
        patterns = tuple(_pattern(path, f"{where} pattern {i}", p, cues)
                         for i, p in enumerate(table["patterns"], start=1))
        exclusions = tuple(_rule(path, f"{where} exclusion {i}", r, "exclusion")
                           for i, r in enumerate(table.get("exclusions", []), start=1))
        context = tuple(_rule(path, f"{where} context {i}", r, "context", "subframe")
                        for i, r in enumerate(table.get("context", []), start=1))
        themes.append(Theme(
            id=theme_id, label=table["label"], definition=table["definition"],
            include=table.get("include", ""), exclude=table.get("exclude", ""),
            default_subframe=table.get("default_subframe", "general"),
            positive_examples=_string_list(path, f"{where} positive_examples",
                                           table.get("positive_examples", [])),
            negative_examples=_string_list(path, f"{where} negative_examples",
                                           table.get("negative_examples", [])),
            patterns=patterns, exclusions=exclusions, context=context))

    offices = tuple(_rule(path, f"office {i}", t, "office", "role")
                    for i, t in enumerate(data.get("offices", []), start=1))
    countries = []
    for i, table in enumerate(data.get("countries", []), start=1):
        countries.append((_rule(path, f"country {i}", table, "country", "country"), table["official"]))
    people = []
    for i, table in enumerate(data.get("people", []), start=1):
        _check_keys(path, f"person {i}", table, "person")
        people.append(Person(table["name"], _string_list(path, f"person {i} spellings",
                                                         table["spellings"]),
                             table["role"], table["country"]))
    return Codebook(path=path, version=str(meta.get("version", "")),
                    description=meta.get("description", ""), themes=tuple(themes), cues=cues,
                    offices=offices, countries=tuple(countries), people=tuple(people))


_CACHE: dict = {}


def get_codebook(codebook: Codebook | Path | str | None = None) -> Codebook:
    """Return ``codebook`` if it is a :class:`Codebook`, else load it (cached per file version).

    Parameters
    ----------
    codebook : Codebook, pathlib.Path, str or None
        None reads :data:`analysis.paths.CODEBOOK`.

    Returns
    -------
    Codebook
    """
    if isinstance(codebook, Codebook):
        return codebook
    path = Path(CODEBOOK if codebook is None else codebook).resolve()
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = load_codebook(path)
    return _CACHE[key]


def codebook_table(codebook: Codebook | Path | str | None = None) -> pd.DataFrame:
    """The codebook as a table, one row per theme, for a methods section.

    Parameters
    ----------
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.

    Returns
    -------
    pandas.DataFrame
        Columns ``theme`` (id), ``label``, ``definition``, ``n_patterns``, ``n_exclusions``,
        ``subframes`` (comma-separated, in codebook order).
    """
    cb = get_codebook(codebook)
    return pd.DataFrame({
        "theme": [t.id for t in cb.themes],
        "label": [t.label for t in cb.themes],
        "definition": [t.definition for t in cb.themes],
        "n_patterns": [len(t.patterns) for t in cb.themes],
        "n_exclusions": [len(t.exclusions) for t in cb.themes],
        "subframes": [", ".join(t.subframes) for t in cb.themes],
    })


# ---------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------

def _as_texts(texts) -> tuple[pd.Index, list[str]]:
    """Input index and normalized texts (missing values become empty strings)."""
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence or Series of strings, not a single string; "
                        "wrap it in a list")
    if isinstance(texts, pd.DataFrame):
        raise TypeError("texts must be a Series or sequence of strings; pass df['text']")
    if isinstance(texts, pd.Series):
        index, values = texts.index, texts.tolist()
    else:
        values = list(texts)
        index = pd.RangeIndex(len(values))
    norm = []
    for value in values:
        if isinstance(value, str):
            norm.append(normalize(value).replace(_SEP, " "))
        elif value is None or pd.isna(value):
            norm.append("")
        else:
            raise TypeError(f"texts must be strings, got {type(value).__name__}")
    return index, norm


_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")


def _segments(norm: list[str]) -> tuple[list[str], list[int], list[int]]:
    """Split texts at blank lines: segment texts, their text positions and offsets in the text.

    A match never spans a blank line (a paragraph break); splitting lets the prefilter skip the
    paragraphs of a long page that cannot match.
    """
    segments, owners, starts = [], [], []
    for i, text in enumerate(norm):
        pos = 0
        for m in _BLANK_LINE_RE.finditer(text):
            segments.append(text[pos:m.start()])
            owners.append(i)
            starts.append(pos)
            pos = m.end()
        segments.append(text[pos:])
        owners.append(i)
        starts.append(pos)
    return segments, owners, starts


def _chunks(norm: list[str]):
    """Yield ``(first_position, texts)`` groups of about ``_CHUNK_CHARS`` characters."""
    start, size = 0, 0
    for i, text in enumerate(norm):
        size += len(text) + 1
        if size >= _CHUNK_CHARS:
            yield start, norm[start:i + 1]
            start, size = i + 1, 0
    if start < len(norm):
        yield start, norm[start:]


def _slug(value) -> str:
    return _SLUG_RE.sub("_", str(value or "").lower()).strip("_")


# A sound prefilter. Python's re cannot use its fast literal scan for patterns that start with
# \b or are case-insensitive, and a codebook has ~150 of them, so scanning every pattern over
# every text costs ~10 s per MB. From the parse tree of each pattern we derive a set of literal
# strings (with the word boundaries \b required on their sides) of which every match must
# contain one, compared on lower-cased text. One pass of a trie-shaped regex per chunk finds
# all literals of the codebook; each pattern (or exclusion) is then run only on the texts that
# contain one of its literals. A pattern for which no such set can be derived is run on every
# text. Results are identical with and without the prefilter (a test checks it).

_FOLD_TABLE = {0x130: "i"}  # İ: the only character whose lower() is two characters long
for _low, _others in re._casefix._EXTRA_CASES.items():  # i/ı, s/ſ, k/K...: equal under re.I
    _group = (_low, *_others)
    for _code in _group:
        if _code != min(_group):
            _FOLD_TABLE[_code] = chr(min(_group))
_EXPAND_LIMIT = 64
_B = "\x01"  # marks a required word boundary inside a literal during the analysis
_C = sre_constants


_FOLD_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD_TABLE)) + "]")


def _fold(text: str) -> str:
    """Lower-case ``text`` keeping its length, so that characters equal under re.IGNORECASE
    fold alike and offsets into the folded text are offsets into ``text``."""
    if _FOLD_CHARS.search(text) is None:
        return text.lower()
    return text.translate(_FOLD_TABLE).lower().translate(_FOLD_TABLE)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _step(op, av):
    """A zero-width item as a literal marker ('' or a boundary mark), or None."""
    if op is _C.AT:
        return _B if av is _C.AT_BOUNDARY else ""
    if op in (_C.ASSERT, _C.ASSERT_NOT):
        return ""
    return None


def _exact(items) -> set[str] | None:
    """Every string a sequence of parsed items can match, if it is a small finite set."""
    out = {""}
    for op, av in items:
        mark = _step(op, av)
        if mark is not None:
            choices = {mark}
        elif op is _C.LITERAL:
            choices = {chr(av)}
        elif op is _C.IN and all(o is _C.LITERAL for o, _ in av) and len(av) <= 4:
            choices = {chr(c) for _, c in av}
        elif op is _C.SUBPATTERN:
            choices = _exact(av[3])
        elif op is _C.BRANCH:
            choices = set()
            for branch in av[1]:
                sub = _exact(branch)
                if sub is None:
                    return None
                choices |= sub
        else:
            return None
        if choices is None:
            return None
        out = {a + b for a in out for b in choices}
        if len(out) > _EXPAND_LIMIT:
            return None
    return out


def _core_length(literal: str) -> int:
    return len(literal.replace(_B, ""))


def _required(items) -> set[str] | None:
    """Literals (with boundary marks) of which every match of ``items`` contains one."""
    candidates, run = [], {""}

    def close():
        nonlocal run
        if any(_core_length(s) for s in run):
            candidates.append(run)
        run = {""}

    for op, av in items:
        exact = (_exact([(op, av)]) if op in (_C.LITERAL, _C.IN, _C.SUBPATTERN, _C.BRANCH, _C.AT,
                                              _C.ASSERT, _C.ASSERT_NOT) else None)
        if exact is not None:
            run = {a + b for a in run for b in exact}
            if len(run) > _EXPAND_LIMIT:
                run = {""}
            continue
        close()
        if op is _C.SUBPATTERN:
            sub = _required(av[3])
        elif op is _C.ATOMIC_GROUP:
            sub = _required(av)
        elif op is _C.BRANCH:
            parts = [_required(branch) for branch in av[1]]
            sub = None if any(p is None for p in parts) else set().union(*parts)
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT) and av[0] >= 1:
            sub = _required(av[2])
        else:
            sub = None
        if sub:
            candidates.append(sub)
    close()
    candidates = [c for c in candidates if all(_core_length(s) for s in c)]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(map(_core_length, c)), -len(c)))


@lru_cache(maxsize=2048)
def _literal_specs(regex: str, flags: int) -> tuple | None:
    """``(core, left_boundary, right_boundary)`` literals of a regex, or None (scan all)."""
    try:
        found = _required(sre_parse.parse(regex, flags))
    except Exception:  # a construct the analysis does not know: no prefilter, scan everything
        return None
    if not found:
        return None
    specs = set()
    for literal in found:
        left, right = literal.startswith(_B), literal.endswith(_B)
        core = _fold(literal.replace(_B, ""))  # boundaries inside a literal are not checked
        if len(core) < 2:
            return None
        specs.add((core, left, right))
    return tuple(sorted(specs))


def _trie_regex(words) -> str:
    trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node):
        alternatives = [re.escape(c) + emit(child) for c, child in sorted(node.items()) if c]
        if not alternatives:
            return ""
        body = "(?:" + "|".join(alternatives) + ")"
        return body + "?" if "" in node else body

    return emit(trie)


@lru_cache(maxsize=16)
def _literal_finder(cores: tuple) -> tuple[re.Pattern, dict]:
    """A regex finding, at each position, the longest of ``cores``; and each core's prefixes."""
    prefixes = {c: [p for p in cores if c.startswith(p)] for c in cores}
    return re.compile("(?=(" + _trie_regex(cores) + "))"), prefixes


class _Chunk:
    """Texts scanned together, joined by a separator; knows where each literal occurs."""

    def __init__(self, texts: list[str], rules: tuple):
        self.texts = texts
        self.joined, self.offsets = _joined(texts)
        self.folded = _fold(self.joined)
        self._bounds = None
        self._subsets = {}
        self._texts_of = {}
        cores = sorted({core for regex, flags in rules for core, _, _ in (_literal_specs(regex, flags) or ())})
        self.positions = {core: [] for core in cores}
        if cores:
            finder, prefixes = _literal_finder(tuple(cores))
            for m in finder.finditer(self.folded):
                for core in prefixes[m.group(1)]:
                    self.positions[core].append(m.start())

    @property
    def bounds(self) -> list[int]:
        if self._bounds is None:
            self._bounds = [m.start() for m in _BOUNDARY_RE.finditer(self.joined)]
        return self._bounds

    def sentence(self, s: int, e: int) -> tuple[int, int]:
        """Start and end of the sentence(s) holding ``[s, e)`` in the joined text."""
        bounds = self.bounds
        i, j = bisect_left(bounds, s), bisect_left(bounds, e)
        return (bounds[i - 1] + 1 if i else 0), (bounds[j] if j < len(bounds) else len(self.joined))

    def _boundary(self, pos: int) -> bool:
        before = _is_word(self.folded[pos - 1]) if pos > 0 else False
        after = _is_word(self.folded[pos]) if pos < len(self.folded) else False
        return before != after

    def texts_with(self, spec: tuple) -> set[int]:
        """Positions of the texts where a literal occurs with its required boundaries."""
        if spec not in self._texts_of:
            core, left, right = spec
            found = set()
            for p in self.positions[core]:
                if (not left or self._boundary(p)) and (not right or self._boundary(p + len(core))):
                    found.add(bisect_right(self.offsets, p) - 1)
            self._texts_of[spec] = found
        return self._texts_of[spec]

    def scan(self, regex: str, compiled: re.Pattern):
        """Matches of ``compiled`` as ``(match, shift)``: global span = match span + shift."""
        specs = _literal_specs(regex, compiled.flags)
        if specs is None:
            for m in compiled.finditer(self.joined):
                yield m, 0
            return
        positions = tuple(sorted(set().union(*(self.texts_with(s) for s in specs))))
        if not positions:
            return
        if len(positions) == len(self.texts):
            sub, sub_offsets = self.joined, self.offsets
        else:
            if positions not in self._subsets:
                self._subsets[positions] = _joined([self.texts[k] for k in positions])
            sub, sub_offsets = self._subsets[positions]
        for m in compiled.finditer(sub):
            j = bisect_right(sub_offsets, m.start()) - 1
            yield m, self.offsets[positions[j]] - sub_offsets[j]


def _joined(texts: list[str]) -> tuple[str, list[int]]:
    offsets, pos = [], 0
    for text in texts:
        offsets.append(pos)
        pos += len(text) + 1
    return _SEP.join(texts), offsets


def _scan_theme(theme: Theme, chunk: _Chunk, cues: dict) -> list[tuple]:
    """Matches of one theme in a chunk: ``(start, end, pattern, subframe)`` in joined offsets."""
    joined = chunk.joined
    excluded = []
    for rule in theme.exclusions:
        excluded += [(m.start() + d, m.end() + d) for m, d in chunk.scan(rule.regex, rule.compiled)]
    ex_starts, ex_ends = [], []
    for s, e in sorted(excluded):
        if ex_starts and s < ex_ends[-1]:
            ex_ends[-1] = max(ex_ends[-1], e)
        else:
            ex_starts.append(s)
            ex_ends.append(e)
    acc_starts, acc_ends, acc_info = [], [], []
    decided = {}  # (rule, sentence) -> result: matches in one sentence share their cue and context
    for pattern in theme.patterns:
        cue = cues[pattern.require].compiled if pattern.require else None
        for m, shift in chunk.scan(pattern.regex, pattern.compiled):
            if pattern.compiled_items is not None:
                found = list(pattern.compiled_items.finditer(m.string, m.start(), m.end()))
            else:
                found = [m]
            for hit in found:
                s, e = hit.start() + shift, hit.end() + shift
                if s == e or _SEP in joined[s:e]:  # empty, or across two texts
                    continue
                k = bisect_right(ex_starts, s)  # excluded if it overlaps an exclusion span
                if (k and ex_ends[k - 1] > s) or (k < len(ex_starts) and ex_starts[k] < e):
                    continue
                k = bisect_right(acc_starts, s)  # dropped if it overlaps a kept match
                if (k and acc_ends[k - 1] > s) or (k < len(acc_starts) and acc_starts[k] < e):
                    continue
                if cue is not None:
                    key = (pattern.require, *chunk.sentence(s, e))
                    if key not in decided:
                        decided[key] = cue.search(joined, key[1], key[2]) is not None
                    if not decided[key]:
                        continue
                subframe = pattern.subframe
                if subframe and "{" in subframe:
                    groups = {key: _slug(val) for key, val in hit.groupdict().items()}
                    subframe = subframe.format(**groups)
                elif not subframe:
                    key = (None, *chunk.sentence(s, e))
                    if key not in decided:
                        decided[key] = next((r.subframe for r in theme.context
                                             if r.compiled.search(joined, key[1], key[2])),
                                            theme.default_subframe)
                    subframe = decided[key]
                acc_starts.insert(k, s)
                acc_ends.insert(k, e)
                acc_info.insert(k, (pattern.regex, subframe))
    return [(s, e, p, f) for s, e, (p, f) in zip(acc_starts, acc_ends, acc_info)]


def _match_records(norm: list[str], cb: Codebook, theme_ids: list[str]) -> list[tuple]:
    """``(position, theme, subframe, pattern, start, end, match)`` for every kept match."""
    themes = [cb[t] for t in theme_ids]
    rules = tuple((r.regex, r.compiled.flags) for theme in themes
                  for r in (*theme.patterns, *theme.exclusions))
    segments, owners, starts = _segments(norm)
    records = []
    for first, texts in _chunks(segments):
        chunk = _Chunk(texts, rules)
        for theme in themes:
            for s, e, pattern, subframe in _scan_theme(theme, chunk, cb.cues):
                i = bisect_right(chunk.offsets, s) - 1
                shift = starts[first + i] - chunk.offsets[i]
                records.append((owners[first + i], theme.id, subframe, pattern, s + shift,
                                e + shift, chunk.joined[s:e]))
    return records


def _theme_ids(cb: Codebook, themes) -> list[str]:
    if themes is None:
        return cb.ids
    if isinstance(themes, str):
        themes = [themes]
    unknown = [t for t in themes if t not in cb.ids]
    if unknown:
        raise KeyError(f"unknown theme(s) {unknown}; the codebook {cb.path} has {cb.ids}")
    return [t for t in cb.ids if t in set(themes)]


_MATCH_COLUMNS = ["index", "theme", "subframe", "pattern", "start", "end", "match"]


def theme_matches(texts, codebook: Codebook | Path | str | None = None, *,
                  themes=None) -> pd.DataFrame:
    """Every theme match in ``texts``, one row per match: the evidence behind every count.

    Each text is normalized with :func:`analysis.text.normalize` before matching. For each
    theme, matches of its patterns that overlap one of its exclusions are dropped; overlapping
    matches of the same theme count once (patterns are tried in codebook order, so the more
    specific pattern, written first, gives the sub-frame); a pattern with ``require`` keeps a
    match only if the cue occurs in the same sentence (sentences end at ``. ! ? ;`` or a line
    break). A match never spans a blank line.

    Parameters
    ----------
    texts : pandas.Series or sequence of str
        Texts to code. Missing values count as empty texts.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    themes : str or list of str, optional
        Restrict to these theme ids.

    Returns
    -------
    pandas.DataFrame
        Columns ``index`` (label of the text in the input Series index, or its position),
        ``theme``, ``subframe``, ``pattern`` (the codebook regex that matched), ``start``,
        ``end`` (offsets into the normalized text) and ``match`` (the matched normalized text),
        sorted by input order, then start, then codebook order of themes.

    Examples
    --------
    >>> m = theme_matches(["L’IA souveraine, pas j'ai ni via la Malaisie."])
    >>> m[["theme", "subframe", "match"]].values.tolist()
    [['sovereignty', 'sovereign_ai', 'IA souveraine'], ['ai', 'general', 'IA']]
    """
    cb = get_codebook(codebook)
    ids = _theme_ids(cb, themes)
    index, norm = _as_texts(texts)
    records = _match_records(norm, cb, ids)
    order = {t: i for i, t in enumerate(ids)}
    records.sort(key=lambda r: (r[0], r[4], order[r[1]], r[5]))
    out = pd.DataFrame(records, columns=["_pos", *_MATCH_COLUMNS[1:]])
    labels = index.take(out["_pos"].to_numpy(dtype=np.int64)) if len(out) else index[:0]
    out.insert(0, "index", labels)
    out = out.drop(columns="_pos").astype({"start": "int64", "end": "int64"})
    return out.reset_index(drop=True)


def count_themes(texts, codebook: Codebook | Path | str | None = None, *,
                 themes=None) -> pd.DataFrame:
    """Number of matches of each theme in each text.

    Parameters
    ----------
    texts : pandas.Series or sequence of str
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    themes : str or list of str, optional
        Restrict to these theme ids.

    Returns
    -------
    pandas.DataFrame
        Same index as ``texts`` (a RangeIndex for a plain sequence), one int64 column per theme
        id in codebook order. Counts are the rows of :func:`theme_matches`.

    Examples
    --------
    >>> count_themes(["La Résolution 57-NQ/TW et la cybersécurité.", "Il a 57 ans."],
    ...              themes=["resolution_57", "cybersecurity"]).values.tolist()
    [[1, 1], [0, 0]]
    """
    cb = get_codebook(codebook)
    ids = _theme_ids(cb, themes)
    index, norm = _as_texts(texts)
    counts = np.zeros((len(norm), len(ids)), dtype=np.int64)
    column = {t: j for j, t in enumerate(ids)}
    for pos, theme, *_ in _match_records(norm, cb, ids):
        counts[pos, column[theme]] += 1
    return pd.DataFrame(counts, index=index, columns=ids)


def theme_kwic(units: pd.DataFrame, theme: str, *, window: int = 80,
               codebook: Codebook | Path | str | None = None,
               text_col: str = "text") -> pd.DataFrame:
    """Keyword-in-context lines for one theme: the passages that make its counts.

    The context is cut from the *normalized* text (:func:`analysis.text.normalize`: apostrophes
    are ASCII, white space folded; line breaks are shown as spaces), which is the text the
    patterns were matched on. For a view of the original page text use
    :func:`analysis.concordance.kwic`.

    Parameters
    ----------
    units : pandas.DataFrame
        Units or paragraphs with ``doc_id``, ``text_col`` and optionally ``kind``, ``para_id``.
    theme : str
        A theme id of the codebook.
    window : int
        Characters of context on each side.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    text_col : str
        Column holding the texts.

    Returns
    -------
    pandas.DataFrame
        One row per match, in input order: ``doc_id``, ``para_id`` (only when ``units`` has
        it), ``kind`` (empty when ``units`` has none), ``left``, ``match``, ``right``,
        ``pattern``, ``subframe``.
    """
    if window < 0:
        raise ValueError("window must be >= 0")
    for col in ("doc_id", text_col):
        if col not in units.columns:
            raise KeyError(f"units has no {col!r} column")
    cb = get_codebook(codebook)
    _theme_ids(cb, [theme])
    _, norm = _as_texts(units[text_col])
    records = _match_records(norm, cb, [theme])
    records.sort(key=lambda r: (r[0], r[4]))
    has_para = "para_id" in units.columns
    rows = []
    for pos, _, subframe, pattern, start, end, match in records:
        text = norm[pos]
        row = {"doc_id": units["doc_id"].iat[pos]}
        if has_para:
            row["para_id"] = units["para_id"].iat[pos]
        row["kind"] = units["kind"].iat[pos] if "kind" in units.columns else ""
        row.update(left=text[max(0, start - window):start].replace("\n", " "),
                   match=match.replace("\n", " "),
                   right=text[end:end + window].replace("\n", " "),
                   pattern=pattern, subframe=subframe)
        rows.append(row)
    columns = ["doc_id"] + (["para_id"] if has_para else []) + [
        "kind", "left", "match", "right", "pattern", "subframe"]
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------------------------------------
# Prevalence with bootstrap intervals
# ---------------------------------------------------------------------------------------------

def add_period(df: pd.DataFrame, date_col: str = "date", *, col: str = "period") -> pd.DataFrame:
    """Return a copy of ``df`` with a period label: the year of ``date_col`` as a string.

    Parameters
    ----------
    df : pandas.DataFrame
    date_col : str
        A datetime column (NaT for undated units such as teasers).
    col : str
        Name of the new column.

    Returns
    -------
    pandas.DataFrame
        ``df`` with ``col`` holding ``"2016"``, ``"2025"``, ... and ``"undated"`` for NaT.

    Examples
    --------
    >>> add_period(pd.DataFrame({"date": pd.to_datetime(["2016-10-31", None])}))["period"].tolist()
    ['2016', 'undated']
    """
    if date_col not in df.columns:
        raise KeyError(f"no {date_col!r} column to take periods from")
    dates = pd.to_datetime(df[date_col])
    out = df.copy()
    out[col] = [("undated" if pd.isna(d) else str(d.year)) for d in dates]
    return out


def _check_kinds(paragraphs: pd.DataFrame, by: str, allow_mixed_kinds: bool) -> None:
    if by not in TIME_COLUMNS or allow_mixed_kinds or "kind" not in paragraphs.columns:
        return
    kinds = set(paragraphs["kind"].dropna().unique())
    if {"article", "related"} <= kinds:
        raise ValueError(
            f"prevalence by {by!r} over rows whose kind mixes 'article' and 'related': related "
            "units (teasers, '>>' links) are undated and were published at other times, so "
            "comparisons over time use articles only. Filter first, e.g. "
            "paragraphs[paragraphs['kind'] == 'article'], or pass allow_mixed_kinds=True to "
            "pool them on purpose.")


def _bootstrap_rates(counts: np.ndarray, words: np.ndarray, docs: np.ndarray, n_boot: int,
                     rng: np.random.Generator) -> np.ndarray:
    """Bootstrap rates per 1,000 words, ``(n_boot, n_themes)``, resampling rows within docs.

    Each replicate draws, for every document, as many of its paragraphs (with replacement) as
    it has; the replicate's rate is 1,000 x total matches / total words over the draws.
    """
    order = np.argsort(docs, kind="stable")
    counts, words, docs = counts[order], words[order], docs[order]
    n = len(docs)
    _, first, sizes = np.unique(docs, return_index=True, return_counts=True)
    slot_start = np.repeat(first, sizes)  # for each slot, the first row of its document
    slot_size = np.repeat(sizes, sizes)
    out = np.empty((n_boot, counts.shape[1]))
    block = max(1, 2_000_000 // max(n, 1))
    for b0 in range(0, n_boot, block):
        b1 = min(n_boot, b0 + block)
        u = rng.random((b1 - b0, n))
        pick = slot_start + np.minimum((u * slot_size).astype(np.int64), slot_size - 1)
        flat = (pick + n * np.arange(b1 - b0)[:, None]).ravel()
        weights = np.bincount(flat, minlength=(b1 - b0) * n).reshape(b1 - b0, n).astype(float)
        num = weights @ counts
        den = weights @ words
        with np.errstate(divide="ignore", invalid="ignore"):
            out[b0:b1] = 1000.0 * num / den[:, None]
    return out


def prevalence(paragraphs: pd.DataFrame, by: str, *,
               codebook: Codebook | Path | str | None = None, n_boot: int = 2000,
               ci: float = 0.95, random_state=0, allow_mixed_kinds: bool = False,
               themes=None, text_col: str = "text") -> pd.DataFrame:
    """Theme rates per 1,000 words by group, with stratified bootstrap percentile intervals.

    For each group of ``by`` and each theme: the number of matches (:func:`count_themes` on the
    paragraph texts), the number of words (sum of ``n_words``, i.e.
    :func:`analysis.text.count_words`), their ratio x 1,000, and a percentile interval from
    ``n_boot`` bootstrap replicates.

    **Why resample paragraphs within documents.** The unit of text is the paragraph, but
    paragraphs of one article are not independent of the article they belong to, and groups
    hold very few documents (2 or 3 articles per year in the seed corpus). Each replicate
    therefore resamples, with replacement, the paragraphs *of each document* in the group, as
    many as the document has (a bootstrap stratified by ``doc_id``): every document keeps its
    weight in the group, and the interval shows how much the rate depends on which paragraphs
    happened to carry the theme. Resampling whole documents instead (a cluster bootstrap) would
    be the right choice for many documents but is degenerate with two or three. The interval is
    thus conditional on the documents observed: it does not cover the variation between
    articles an outlet might publish, and should be read as a lower bound on uncertainty. A
    single-paragraph document contributes no variation, and a group with one paragraph has
    ``ci_low == ci_high``. Replicates use ``numpy.random.default_rng(random_state)`` and are
    drawn group by group in sorted group order, so the same seed gives the same numbers.

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        Output of :func:`analysis.corpus.paragraphs`: ``doc_id``, ``para_id``, ``kind``,
        ``text``, ``n_words`` (and ``date`` for articles).
    by : str
        Grouping column, e.g. ``"kind"``, ``"doc_id"``, ``"period"``. When ``by == "period"``
        and the column is missing it is added with :func:`add_period` from ``date``.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    n_boot : int
        Bootstrap replicates (0: no interval, ``ci_low``/``ci_high`` are NaN).
    ci : float
        Coverage of the percentile interval, in (0, 1).
    random_state : int, numpy.random.Generator or None
        Seed of :func:`numpy.random.default_rng`.
    allow_mixed_kinds : bool
        ``by`` in :data:`TIME_COLUMNS` over rows mixing ``kind`` "article" and "related" raises
        ValueError unless this is True: teasers are undated and are never silently pooled with
        articles in comparisons over time.
    themes : str or list of str, optional
        Restrict to these theme ids.
    text_col : str
        Column holding the texts.

    Returns
    -------
    pandas.DataFrame
        One row per group x theme (groups sorted, themes in codebook order), columns ``by``,
        ``theme``, ``n_matches``, ``n_words``, ``rate_per_1000``, ``ci_low``, ``ci_high``,
        ``n_paragraphs``, ``n_docs``. Rates are NaN for a group without words.

    Raises
    ------
    ValueError
        Mixed kinds over time (see ``allow_mixed_kinds``), bad ``ci`` or ``n_boot``.
    """
    if not 0 < ci < 1:
        raise ValueError("ci must be in (0, 1)")
    if n_boot < 0:
        raise ValueError("n_boot must be >= 0")
    if by == "period" and "period" not in paragraphs.columns:
        paragraphs = add_period(paragraphs)
    for col in (by, "doc_id", "n_words", text_col):
        if col not in paragraphs.columns:
            raise KeyError(f"paragraphs has no {col!r} column")
    _check_kinds(paragraphs, by, allow_mixed_kinds)
    cb = get_codebook(codebook)
    ids = _theme_ids(cb, themes)
    counts = count_themes(paragraphs[text_col], cb, themes=ids).to_numpy(dtype=float)
    words = paragraphs["n_words"].to_numpy(dtype=float)
    docs = paragraphs["doc_id"].astype(str).to_numpy()
    groups = paragraphs[by].to_numpy()
    rng = np.random.default_rng(random_state)
    alpha = (1 - ci) / 2
    rows = []
    for group in sorted(pd.unique(groups), key=str):
        rows_g = np.flatnonzero(groups == group)
        c, w, d = counts[rows_g], words[rows_g], docs[rows_g]
        n_matches, n_words = c.sum(axis=0), w.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = 1000.0 * n_matches / n_words if n_words else np.full(len(ids), np.nan)
        if n_boot:
            boot = _bootstrap_rates(c, w, d, n_boot, rng)
            if np.isnan(boot).all():
                low = high = np.full(len(ids), np.nan)
            else:
                low, high = np.nanquantile(boot, [alpha, 1 - alpha], axis=0)
        else:
            low = high = np.full(len(ids), np.nan)
        for j, theme in enumerate(ids):
            rows.append({by: group, "theme": theme, "n_matches": int(n_matches[j]),
                         "n_words": int(n_words), "rate_per_1000": float(rate[j]),
                         "ci_low": float(low[j]), "ci_high": float(high[j]),
                         "n_paragraphs": len(rows_g), "n_docs": len(set(d))})
    columns = [by, "theme", "n_matches", "n_words", "rate_per_1000", "ci_low", "ci_high",
               "n_paragraphs", "n_docs"]
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------------------------------------
# Co-occurrence
# ---------------------------------------------------------------------------------------------

def _presence(paragraphs, codebook, themes, text_col) -> pd.DataFrame:
    texts = paragraphs[text_col] if isinstance(paragraphs, pd.DataFrame) else paragraphs
    return (count_themes(texts, codebook, themes=themes) > 0).astype(np.int64)


def cooccurrence(paragraphs, *, codebook: Codebook | Path | str | None = None, themes=None,
                 text_col: str = "text") -> pd.DataFrame:
    """Theme x theme co-occurrence: number of paragraphs where both themes occur.

    Parameters
    ----------
    paragraphs : pandas.DataFrame or pandas.Series
        Paragraphs (column ``text_col``) or a Series of texts. The unit of co-occurrence is the
        row: pass paragraphs, not whole pages.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    themes : str or list of str, optional
        Restrict to these theme ids.
    text_col : str

    Returns
    -------
    pandas.DataFrame
        Square int64 matrix indexed and columned by theme id (codebook order); the diagonal is
        the number of paragraphs with the theme.
    """
    presence = _presence(paragraphs, codebook, themes, text_col)
    matrix = presence.T @ presence
    matrix.index.name = None
    matrix.columns.name = None
    return matrix.astype(np.int64)


def cooccurrence_stats(paragraphs, *, codebook: Codebook | Path | str | None = None,
                       themes=None, text_col: str = "text") -> pd.DataFrame:
    """Association of each pair of themes over paragraphs: counts, Jaccard and lift.

    Parameters
    ----------
    paragraphs : pandas.DataFrame or pandas.Series
        As for :func:`cooccurrence`.
    codebook : Codebook, path or None
    themes : str or list of str, optional
    text_col : str

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair (``theme_a`` before ``theme_b`` in codebook order):
        ``n_a``, ``n_b`` (paragraphs with each theme), ``n_both``, ``n_paragraphs``,
        ``jaccard`` = n_both / (n_a + n_b - n_both) and ``lift`` = n_both x n_paragraphs /
        (n_a x n_b) (> 1: together more often than if independent). NaN when undefined.
    """
    presence = _presence(paragraphs, codebook, themes, text_col)
    matrix = (presence.T @ presence).to_numpy()
    ids = list(presence.columns)
    total = len(presence)
    rows = []
    for i, a in enumerate(ids):
        for j in range(i + 1, len(ids)):
            n_a, n_b, n_both = int(matrix[i, i]), int(matrix[j, j]), int(matrix[i, j])
            union = n_a + n_b - n_both
            rows.append({"theme_a": a, "theme_b": ids[j], "n_a": n_a, "n_b": n_b,
                         "n_both": n_both, "n_paragraphs": total,
                         "jaccard": n_both / union if union else np.nan,
                         "lift": n_both * total / (n_a * n_b) if n_a and n_b else np.nan})
    return pd.DataFrame(rows, columns=["theme_a", "theme_b", "n_a", "n_b", "n_both",
                                       "n_paragraphs", "jaccard", "lift"])


# ---------------------------------------------------------------------------------------------
# Validation against hand-labelled sentences
# ---------------------------------------------------------------------------------------------

def load_validation(path: Path | str = VALIDATION) -> pd.DataFrame:
    """Read the hand-labelled validation sentences.

    Parameters
    ----------
    path : pathlib.Path or str
        Default :data:`VALIDATION` (``tests/data/theme_validation.csv``): columns ``sentence``,
        one 0/1 column per theme id, ``note``.

    Returns
    -------
    pandas.DataFrame
    """
    return pd.read_csv(path, keep_default_na=False)


def _labels(labeled: pd.DataFrame, cb: Codebook, sentence_col: str) -> list[str]:
    if sentence_col not in labeled.columns:
        raise KeyError(f"labeled has no {sentence_col!r} column")
    ids = [t for t in cb.ids if t in labeled.columns]
    if not ids:
        raise ValueError(f"labeled has no column named after a theme id of {cb.path}")
    for theme in ids:
        if not labeled[theme].isin([0, 1]).all():
            raise ValueError(f"labels of {theme!r} must be 0 or 1")
    return ids


def validate(labeled: pd.DataFrame, codebook: Codebook | Path | str | None = None, *,
             sentence_col: str = "sentence") -> pd.DataFrame:
    """Precision and recall of each theme against hand-labelled sentences.

    A sentence is predicted positive for a theme when :func:`count_themes` finds at least one
    match. Labels are decided from the codebook's definitions, judged on the sentence alone.

    Parameters
    ----------
    labeled : pandas.DataFrame
        ``sentence_col`` plus one 0/1 column per theme id (themes without a column are not
        evaluated); e.g. :func:`load_validation`.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    sentence_col : str

    Returns
    -------
    pandas.DataFrame
        Indexed by theme (codebook order): ``tp``, ``fp``, ``fn``, ``tn``, ``precision`` =
        tp / (tp + fp), ``recall`` = tp / (tp + fn), ``f1``, ``n_positive``, ``n_negative``
        (NaN where a denominator is 0).
    """
    cb = get_codebook(codebook)
    ids = _labels(labeled, cb, sentence_col)
    predicted = count_themes(labeled[sentence_col].tolist(), cb, themes=ids).to_numpy() > 0
    rows = []
    for j, theme in enumerate(ids):
        truth = labeled[theme].to_numpy() == 1
        tp = int((truth & predicted[:, j]).sum())
        fp = int((~truth & predicted[:, j]).sum())
        fn = int((truth & ~predicted[:, j]).sum())
        tn = int((~truth & ~predicted[:, j]).sum())
        precision = tp / (tp + fp) if tp + fp else np.nan
        recall = tp / (tp + fn) if tp + fn else np.nan
        f1 = (2 * precision * recall / (precision + recall)
              if tp and not np.isnan(precision) and not np.isnan(recall) else
              (0.0 if tp + fp and tp + fn else np.nan))
        rows.append({"theme": theme, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
                     "precision": precision, "recall": recall, "f1": f1,
                     "n_positive": int(truth.sum()), "n_negative": int((~truth).sum())})
    return pd.DataFrame(rows).set_index("theme")


def validation_errors(labeled: pd.DataFrame, codebook: Codebook | Path | str | None = None, *,
                      sentence_col: str = "sentence") -> pd.DataFrame:
    """The sentences where coding and hand labels disagree, with what matched.

    Parameters
    ----------
    labeled : pandas.DataFrame
        As for :func:`validate`.
    codebook : Codebook, path or None
    sentence_col : str

    Returns
    -------
    pandas.DataFrame
        Columns ``sentence``, ``theme``, ``label`` (hand), ``predicted`` (0/1), ``matches``
        (matched strings joined by `` | ``) and ``note`` (when ``labeled`` has one); one row per
        disagreement, in input order.
    """
    cb = get_codebook(codebook)
    ids = _labels(labeled, cb, sentence_col)
    sentences = labeled[sentence_col].tolist()
    matches = theme_matches(sentences, cb, themes=ids)
    found = matches.groupby(["index", "theme"])["match"].agg(" | ".join).to_dict()
    rows = []
    for i, sentence in enumerate(sentences):
        for theme in ids:
            label = int(labeled[theme].iat[i])
            hit = found.get((i, theme), "")
            if label != int(bool(hit)):
                row = {"sentence": sentence, "theme": theme, "label": label,
                       "predicted": int(bool(hit)), "matches": hit}
                if "note" in labeled.columns:
                    row["note"] = labeled["note"].iat[i]
                rows.append(row)
    columns = ["sentence", "theme", "label", "predicted", "matches"] + (
        ["note"] if "note" in labeled.columns else [])
    return pd.DataFrame(rows, columns=columns)
