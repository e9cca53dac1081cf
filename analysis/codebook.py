"""The theme codebook: schema, loading, validation and the speaker tables.

The themes are defined in a TOML file a researcher edits without touching code,
``data/codebook.toml`` (:data:`analysis.paths.CODEBOOK`); see its header and
:mod:`analysis.themes` for what each key means. This module reads and validates it:

- :func:`load_codebook` reads a file and returns a :class:`Codebook` (themes with compiled
  patterns, exclusions, context rules, cues, and the ``[[offices]]``, ``[[countries]]``,
  ``[[people]]`` speaker tables used by :mod:`analysis.speakers`);
- :func:`get_codebook` returns a cached codebook (read again when the file changes);
- :func:`codebook_table` gives one row per theme for a methods section;
- every regex passes :func:`analysis.regex_syntax.safety_problem`, a static check of the
  pattern source (nesting of groups and quantifiers, never running the pattern) that refuses
  patterns which can backtrack catastrophically (see its docstring for the rules).

Every mistake in the file raises :class:`analysis.errors.CodebookError` naming the file and the
key (theme id, pattern number, regex). Importing this module reads no file.
"""
from __future__ import annotations

import hashlib
import re
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import CodebookError
from analysis.userfiles import check_keys, read_bytes
from analysis.paths import CODEBOOK
from analysis.regex_syntax import MAX_PATTERN_LENGTH, safety_problem

#: Case rules a codebook pattern may state, and the regex flags they stand for.
CASE_RULES = {"sensitive": 0, "insensitive": re.IGNORECASE}

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
    fingerprint: str = ""

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
    raise CodebookError(f"{path}: {where}: {message}")


def _check_keys(path, where: str, table, kind: str) -> None:
    allowed, required = _KEYS[kind]
    check_keys(path, where, table, allowed, required, CodebookError)
    for key in ("note", "label", "definition", "include", "exclude", "default_subframe", "role",
                "country", "official", "name"):
        if key in table and not isinstance(table[key], str):
            _fail(path, where, f"{key} must be a string, got {type(table[key]).__name__}")


def _compile(path, where: str, regex, case) -> re.Pattern:
    if not isinstance(regex, str) or not regex:
        _fail(path, where, f"regex must be a non-empty string, got {regex!r}")
    if not isinstance(case, str) or case not in CASE_RULES:
        _fail(path, where, f"case must be 'sensitive' or 'insensitive', got {case!r}")
    flags = CASE_RULES[case]
    if len(regex) > MAX_PATTERN_LENGTH:
        _fail(path, where, f"regex {regex[:60]!r}... refused: it is {len(regex)} characters long "
              f"(at most {MAX_PATTERN_LENGTH})")
    try:
        compiled = re.compile(regex, flags)
    except (re.error, RecursionError, OverflowError, ValueError) as err:
        _fail(path, where, f"bad regex {regex!r}: {err}")
    problem = safety_problem(regex, bool(flags & re.IGNORECASE))
    if problem:
        _fail(path, where, f"regex {regex!r} refused: {problem}; it could make matching hang "
              "(see analysis.regex_syntax.safety_problem)")
    if compiled.search("") is not None:
        _fail(path, where, f"regex {regex!r} matches the empty string")
    return compiled


def _rule(path, where, table, kind, subframe_key=None) -> Rule:
    _check_keys(path, where, table, kind)
    compiled = _compile(path, where, table["regex"], table["case"])
    subframe = table.get(subframe_key) if subframe_key else None
    if subframe_key and (not isinstance(subframe, str) or not subframe):
        _fail(path, where, f"{subframe_key} must be a non-empty string")
    return Rule(table["regex"], table["case"], subframe, table.get("note", ""), compiled)


def _pattern(path, where, table, cues) -> Pattern:
    _check_keys(path, where, table, "pattern")
    compiled = _compile(path, where, table["regex"], table["case"])
    items = table.get("items")
    compiled_items = (_compile(path, where + " items", items, table["case"])
                      if items is not None else None)
    require = table.get("require")
    if require is not None and (not isinstance(require, str) or require not in cues):
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


def _tables(path, where, value) -> list:
    """An array of tables (``[[x]]``), checked to be a list."""
    if not isinstance(value, list):
        _fail(path, where, f"expected an array of tables ([[...]]), got {type(value).__name__}")
    return value


def _read(path: Path) -> tuple[dict, bytes]:
    """Bytes and parsed TOML of a codebook file; every failure as a CodebookError."""
    raw = read_bytes(path, CodebookError, "codebook")
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark at the start is accepted
    except UnicodeDecodeError as err:
        raise CodebookError(f"{path}: not UTF-8 text (byte {err.start}); save the codebook as "
                            "UTF-8") from None
    if "\x00" in text:
        raise CodebookError(f"{path}: holds NUL characters: a binary file, not a TOML codebook")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise CodebookError(f"{path}: not valid TOML: {err}") from None
    except RecursionError:
        raise CodebookError(f"{path}: not valid TOML: arrays or tables nested too deep") from None
    return data, raw


def load_codebook(path: Path | str = CODEBOOK) -> Codebook:
    """Read and validate the theme codebook (TOML, read with :mod:`tomllib`).

    Parameters
    ----------
    path : pathlib.Path or str
        The codebook file; default :data:`analysis.paths.CODEBOOK` (``data/codebook.toml``).
        UTF-8, with or without a byte-order mark.

    Returns
    -------
    Codebook
        Themes in file order, with compiled patterns, exclusions, context rules and cues, and the
        speaker tables used by :func:`analysis.speakers.attribute_speech`; ``fingerprint`` is
        the SHA-256 of the file's bytes (the key of the coding cache).

    Raises
    ------
    analysis.errors.CodebookError
        (a ValueError) with a message naming the file and the theme (or table) and key at fault:
        a missing, unreadable, binary or non-UTF-8 file; invalid or too deeply nested TOML;
        unknown or missing keys, or a value of the wrong type (``cues = 3``, ``exclusions = 3``,
        a regex that is not a string); a malformed regex, one matching the empty string, or one
        refused by the backtracking check (:func:`analysis.regex_syntax.safety_problem`: nested
        quantifiers such as ``(a+)+``, overlapping alternatives under a repetition, patterns
        longer than 5,000 characters); a case rule other than ``"sensitive"``/``"insensitive"``;
        a duplicate or malformed theme id; a ``require`` naming an undefined cue; a sub-frame
        template using an undefined group.

    Examples
    --------
    >>> cb = load_codebook()
    >>> cb.ids[:3]
    ['sovereignty', 'ai', 'resolution_57']
    """
    path = Path(path)
    data, raw = _read(path)
    _check_keys(path, "top level", data, "top")
    meta = data.get("codebook", {})
    _check_keys(path, "[codebook]", meta, "codebook")

    cues = {}
    cue_tables = data.get("cues", {})
    if not isinstance(cue_tables, dict):
        _fail(path, "cues", f"expected a table of [cues.NAME] tables, got "
              f"{type(cue_tables).__name__}")
    for name, table in cue_tables.items():
        cues[name] = _rule(path, f"cue {name!r}", table, "cue")

    if not isinstance(data["themes"], list) or not data["themes"]:
        _fail(path, "[[themes]]", "at least one theme is needed")
    themes, seen = [], set()
    for number, table in enumerate(data["themes"], start=1):
        theme_id = table.get("id") if isinstance(table, dict) else None
        where = (f"theme {theme_id!r}" if isinstance(theme_id, str) else f"theme #{number}")
        _check_keys(path, where, table, "theme")
        if not isinstance(theme_id, str) or not _ID_RE.match(theme_id):
            _fail(path, where, "id must match [a-z][a-z0-9_]* (it becomes a column name)")
        if theme_id in seen:
            _fail(path, where, "duplicate theme id")
        seen.add(theme_id)
        if not isinstance(table["patterns"], list) or not table["patterns"]:
            _fail(path, where, "at least one pattern is needed (an array of [[themes.patterns]])")
        patterns = tuple(_pattern(path, f"{where} pattern {i}", p, cues)
                         for i, p in enumerate(table["patterns"], start=1))
        exclusions = tuple(
            _rule(path, f"{where} exclusion {i}", r, "exclusion")
            for i, r in enumerate(_tables(path, f"{where} exclusions",
                                          table.get("exclusions", [])), start=1))
        context = tuple(
            _rule(path, f"{where} context {i}", r, "context", "subframe")
            for i, r in enumerate(_tables(path, f"{where} context", table.get("context", [])),
                                  start=1))
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
                    for i, t in enumerate(_tables(path, "offices", data.get("offices", [])),
                                          start=1))
    countries = []
    for i, table in enumerate(_tables(path, "countries", data.get("countries", [])), start=1):
        countries.append((_rule(path, f"country {i}", table, "country", "country"),
                          table["official"]))
    people = []
    for i, table in enumerate(_tables(path, "people", data.get("people", [])), start=1):
        _check_keys(path, f"person {i}", table, "person")
        people.append(Person(table["name"], _string_list(path, f"person {i} spellings",
                                                         table["spellings"]),
                             table["role"], table["country"]))
    return Codebook(path=path, version=str(meta.get("version", "")),
                    description=str(meta.get("description", "")), themes=tuple(themes),
                    cues=cues, offices=offices, countries=tuple(countries), people=tuple(people),
                    fingerprint=hashlib.sha256(raw).hexdigest())


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

    Raises
    ------
    analysis.errors.CodebookError
        As :func:`load_codebook` (a missing file included).
    """
    if isinstance(codebook, Codebook):
        return codebook
    path = Path(CODEBOOK if codebook is None else codebook)
    try:
        path = path.resolve()
        stat = path.stat()
    except OSError:
        return load_codebook(path)  # raises a CodebookError naming the file
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
