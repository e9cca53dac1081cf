"""Character tables of the Basic Multilingual Plane, for the theme engine's scans.

The engine (:mod:`analysis.matching`) bounds where a rule can match by counting, over a whole
chunk of text at once, the runs of characters that a pattern's classes accept, and folds a chunk
to lower case in one pass. Both are look-ups in tables of the 65,536 code points of the plane
(one more entry stands for every character beyond it), each built once per process:

- :func:`class_table`: whether a set of one-character atoms matches each code point;
- :func:`categories`: one bit per broad class of :data:`BROAD` (``\\s``, ``\\d``, ``\\w``,
  ``[\\w\\s]``) and the bits of the sentence ends (:data:`STOP`, :data:`NUL`, :data:`NEWLINE`);
- :func:`word_table`: the word characters of ``\\b``;
- :func:`fold_units`: :func:`analysis.regex_syntax.fold` of each code unit.

Every table is checked against the plain rule over the whole plane in ``tests/test_matching.py``.
"""
from __future__ import annotations

import re

import numpy as np

from analysis.regex_syntax import fold


def is_word(char: str) -> bool:
    """A word character for ``\\b`` (``str`` patterns: alphanumeric or underscore)."""
    return char.isalnum() or char == "_"


_WORD_TABLE = []


_ALL_BMP = []
_CLASS_TABLES: dict = {}


def class_table(atoms: frozenset) -> np.ndarray:
    """For each code point of the Basic Multilingual Plane (and one more standing for every
    other), whether one of the one-character ``atoms`` matches it (built once per atoms)."""
    table = _CLASS_TABLES.get(atoms)
    if table is None:
        if not _ALL_BMP:
            _ALL_BMP.append("".join(map(chr, range(0x10000))))
        table = np.zeros(0x10001, dtype=bool)
        table[0x10000] = True  # beyond the plane: counted as a member (a longer bound)
        for kind, value, ci in atoms:
            source = re.escape(value) if kind == "lit" else value
            flags = re.DOTALL | (re.IGNORECASE if ci else 0)
            hits = [m.start() for m in re.finditer(source, _ALL_BMP[0], flags)]
            table[hits] = True
        _CLASS_TABLES[atoms] = table
    return table


#: Broad classes for which the longest runs are counted (a class holding the atoms stands for
#: them: a longer bound, fewer counts).
BROAD = tuple(frozenset(atoms) for atoms in (
    [("set", r"\s", False)], [("set", r"\d", False)], [("set", r"\w", False)],
    [("set", r"\w", False), ("set", r"\s", False)]))
_COARSE: dict = {}
ASTRAL = 1 << len(BROAD)  # the bit of the entry standing for characters beyond the plane
# the bits of the characters ending sentences: ". ! ? ;", the separator, a line break
STOP, NUL, NEWLINE = ASTRAL << 1, ASTRAL << 2, ASTRAL << 3
_CATEGORIES = []


def categories() -> np.ndarray:
    """For each code point of the plane (and one more for every other), a bit per broad class
    (``1 << i`` for ``BROAD[i]``) holding it, and the bits of the sentence ends: ``STOP``
    (``. ! ? ;``), ``NUL`` (the separator), ``NEWLINE`` (built once)."""
    if not _CATEGORIES:
        table = np.zeros(0x10001, dtype=np.uint8)
        for i, broad in enumerate(BROAD):
            table[:0x10000] |= class_table(broad)[:0x10000].astype(np.uint8) << i
        table[[ord(c) for c in ".!?;"]] |= STOP
        table[0] |= NUL
        table[10] |= NEWLINE
        table[0x10000] = ASTRAL
        _CATEGORIES.append(table)
    return _CATEGORIES[0]


_BY_CATEGORIES: dict = {}


def by_categories(atoms: frozenset) -> tuple[int, tuple[int, ...]] | None:
    """The atoms' class of the plane as the broad classes it holds (bits of
    :func:`categories`) and at most four other code points (digits, spaces and a full stop:
    the two broad classes and ``.``), or None when more characters are left: a text's members
    are then found with a few comparisons instead of a look-up per character."""
    if atoms not in _BY_CATEGORIES:
        table = class_table(atoms)[:0x10000]
        covered = np.zeros(0x10000, dtype=bool)
        bits = 0
        for i, broad in enumerate(BROAD):
            inside = class_table(broad)[:0x10000]
            if not (inside & ~table).any():
                bits |= 1 << i
                covered |= inside
        extra = np.flatnonzero(table & ~covered)
        _BY_CATEGORIES[atoms] = (bits, tuple(extra.tolist())) if len(extra) <= 4 else None
    return _BY_CATEGORIES[atoms]


def coarse(atoms: frozenset) -> frozenset:
    """The first broad class holding every character the atoms match, else the atoms."""
    found = _COARSE.get(atoms)
    if found is None:
        table = class_table(atoms)
        found = next((broad for broad in BROAD
                      if not (table & ~class_table(broad)).any()), atoms)
        _COARSE[atoms] = found
    return found


def word_table() -> np.ndarray:
    """Whether each character of the Basic Multilingual Plane is a word character (built once)."""
    if not _WORD_TABLE:
        # one more entry, False, for every character beyond the plane (not surely a word one)
        _WORD_TABLE.append(np.array([is_word(chr(c)) for c in range(0x10000)] + [False],
                                    dtype=bool))
    return _WORD_TABLE[0]



_FOLD_TABLE = []


def utf16_units(text: str) -> np.ndarray | None:
    """The UTF-16 code units of ``text``, or None when one of its characters is beyond the
    Basic Multilingual Plane (then there are more units than characters)."""
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) != 2 * len(text):
        return None
    return np.frombuffer(units, dtype=np.uint16)


def fold_units(units: np.ndarray) -> str:
    """:func:`analysis.regex_syntax.fold` of a text of the plane given by its UTF-16 units, one
    table look-up per character (``str.lower`` on a long text costs much more).

    ``fold`` maps each character of the plane to one character whatever its neighbours (the
    one context rule of ``str.lower``, a final sigma, folds like any sigma), so the table of
    ``fold`` of each character is ``fold`` of the text (checked character by character in the
    tests). Lone surrogates side by side would be decoded as one character: the caller checks
    the length.
    """
    if not _FOLD_TABLE:
        plane = "".join(map(chr, range(0x10000)))
        folded = fold(plane)
        if len(folded) != len(plane):  # pragma: no cover - a character folding to two
            raise AssertionError("fold changes the length of a character of the plane")
        _FOLD_TABLE.append(np.frombuffer(folded.encode("utf-16-le", "surrogatepass"),
                                         dtype=np.uint16))
    return _FOLD_TABLE[0][units].tobytes().decode("utf-16-le", "surrogatepass")
