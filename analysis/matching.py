"""The theme engine: every match of every theme of a codebook in a list of texts.

:func:`match_records` runs every theme of a codebook (:mod:`analysis.codebook`) over normalized
texts and returns one record per kept match; :mod:`analysis.matches` caches those records per
text and builds the *matches table* from them (:func:`analysis.matches.code_themes`), from which
every count, rate, co-occurrence, validation metric and evidence table is computed.

Rules of matching (unchanged from the first engine; see ``data/codebook.toml``): texts are
matched after :func:`analysis.text.normalize`; a match never spans a blank line; for each theme,
a match overlapping one of its exclusions is dropped, overlapping matches count once (patterns in
codebook order, then position); ``require`` keeps a match only if the cue occurs in its sentence
(sentences end at ``. ! ? ;`` before a space, or at a line break); the sub-frame comes from the
pattern, else from the first context rule found in the sentence, else the theme's default.

How it is fast (and gives the same matches as scanning every pattern everywhere):

1. Paragraphs are joined, ``\\x00`` between them, into chunks of about 2 MB; the case-folded
   chunk (:func:`analysis.regex_syntax.fold`, same length) is scanned once by one Aho-Corasick
   automaton (:mod:`ahocorasick`) holding the literals of every rule of the codebook (a
   case-sensitive literal is looked for folded, then checked on the chunk's code points).
2. For a rule whose every match *starts* with one of a set of literals
   (:func:`analysis.regex_syntax.prefix_literals`), the regex is tried (``Pattern.match``) only
   where one of them occurs, in order, skipping positions inside the previous match: exactly the
   matches ``finditer`` would give, since a match can start nowhere else. When every match also
   *contains* other literals, each within a bounded offset of its start
   (:func:`analysis.regex_syntax.required_offsets`), only the places followed closely enough
   by one of those are tried.
3. A rule whose every match *contains* one of a set of literals
   (:func:`analysis.regex_syntax.required_literals`) and reads a bounded stretch of text
   (:func:`analysis.regex_syntax.reach`; ``\\s+``, ``\\w*`` are bounded by the longest run of
   such characters in the chunk) is searched only in short windows before each place of a
   literal, the text cut just past the farthest character an attempt there could read: the
   matches a search of the whole paragraph finds there. Otherwise it runs on the paragraphs
   holding one of the literals.
4. Any other rule scans the whole chunk.

A chunk of the Basic Multilingual Plane is folded by one table look-up per UTF-16 unit, and its
character classes (white space, digits, word characters, sentence ends) are read from one byte
of bits per character; the garbage collector is paused while a matches table is built (the
records hold no cycles). None of these changes a match; each has a test against the plain
computation.

Costs: a paragraph of n characters is scanned in O(n log n) whatever its number of matches
(kept matches are merged, never inserted in the middle of a list); a text without paragraph
breaks costs the same per character as one with them.
"""
from __future__ import annotations

import gc
import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from contextlib import contextmanager
from itertools import chain

import ahocorasick
import numpy as np
import pandas as pd

from analysis.charclass import ASTRAL as _ASTRAL
from analysis.charclass import BROAD as _BROAD
from analysis.charclass import NEWLINE as _NEWLINE
from analysis.charclass import NUL as _NUL
from analysis.charclass import STOP as _STOP
from analysis.charclass import by_categories as _by_categories
from analysis.charclass import categories as _categories
from analysis.charclass import class_table as _class_table
from analysis.charclass import coarse as _coarse
from analysis.charclass import fold_units as _fold_units
from analysis.charclass import is_word as _is_word
from analysis.charclass import utf16_units as _utf16_units
from analysis.charclass import word_table as _word_table
from analysis.codebook import Codebook
from analysis.regex_syntax import (Literal, fold, prefix_literals, reach, required_literals,
                                   required_offsets)
from analysis.text import normalize

#: Longest ``sentence`` kept in the matches table: a longer one (a text without sentence ends)
#: is cut to a window of this many characters around the match.
MAX_SENTENCE = 2000

_SEP = "\x00"  # separates texts when they are scanned together; no kept match crosses it
_BOUNDARY_RE = re.compile(r"[.!?;](?=\s|\x00|$)|[\n\x00]")  # sentence ends for cues/context
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
_CHUNK_CHARS = 2_000_000
_SLUG_RE = re.compile(r"[\W_]+")
_STRONG = 3  # shortest folded literal used to place a rule (two characters for exact ones)
_DENSE = 40  # a prefix rule falls back when its literals start more often than every 40 characters
_PER_SEGMENT = 200  # ... or when they are 200 times as frequent as the literals it requires
_SAMPLE = 200_000  # characters on which short literals are counted


# ---------------------------------------------------------------------------------------------
# Texts
# ---------------------------------------------------------------------------------------------

def as_texts(texts) -> tuple[pd.Index, list]:
    """Input index and raw texts (missing values become empty strings).

    Parameters
    ----------
    texts : pandas.Series or sequence of str

    Returns
    -------
    (pandas.Index, list of str)

    Raises
    ------
    TypeError
        A single string, a DataFrame, or a value that is not a string.
    """
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
    out = []
    for value in values:
        if isinstance(value, str):
            out.append(value)
        elif value is None or pd.isna(value):
            out.append("")
        else:
            raise TypeError(f"texts must be strings, got {type(value).__name__}")
    return index, out


def normalized(text: str) -> str:
    """The text the patterns see: :func:`analysis.text.normalize`, separator removed."""
    return normalize(text).replace(_SEP, " ") if text else ""


def _segments(norm: list[str]) -> tuple[list[str], list[int], list[int]]:
    """Split texts at blank lines: segment texts, their text positions and offsets in the text."""
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


def _chunks(segments: list[str]):
    """Yield ``(first_position, segments)`` groups of about ``_CHUNK_CHARS`` characters."""
    start, size = 0, 0
    for i, text in enumerate(segments):
        size += len(text) + 1
        if size >= _CHUNK_CHARS:
            yield start, segments[start:i + 1]
            start, size = i + 1, 0
    if start < len(segments):
        yield start, segments[start:]


def _slug(value) -> str:
    return _SLUG_RE.sub("_", str(value or "").lower()).strip("_")


# ---------------------------------------------------------------------------------------------
# The plan: each rule of the codebook with the literals that place it
# ---------------------------------------------------------------------------------------------

#: Very frequent French words: a rule whose every match starts with one of a set holding them
#: (``(?:le|les|des)\s+souverains?``) is placed by the literals it requires (``souverain``).
#: A speed heuristic only: matches are the same whatever the placement.
_COMMON = frozenset(
    "le la les l' de des du d' un une et en au aux ce ces cet cette se ses son sa sur par pour "
    "dans qui que nos notre leur leurs deux trois il elle ils est mis mise plus".split())


def _common(literals) -> bool:
    return any(fold(lit.text) in _COMMON for lit in literals)


def _strong(literals) -> bool:
    return literals is not None and all(
        len(lit.text) >= (_STRONG if lit.folded else 2) for lit in literals)


class _Rule:
    """A compiled regex with the literals that place it.

    ``mode`` is ``"prefix"`` (tried where a literal of ``keys`` starts), ``"segment"`` (run on
    the segments holding a literal of ``keys``) or ``"scan"``. On a chunk where the literals of
    a prefix rule are dense (``le``, ``du``), it falls back to ``fallback`` (segment or scan).
    """

    __slots__ = ("compiled", "mode", "keys", "bounded", "fallback", "reach", "before", "cid", "follow")

    def __init__(self, compiled: re.Pattern, mode: str | None = None):
        self.compiled = compiled
        ci = bool(compiled.flags & re.IGNORECASE)
        prefix = prefix_literals(compiled.pattern, ci) if mode is None else None
        required = required_literals(compiled.pattern, ci) if mode != "scan" else None
        self.fallback = None
        self.cid = None  # set by the plan: one number per distinct (keys, bounded)
        self.follow = False  # set by the plan: filter the places with the required literals
        if prefix is not None and not (_common(prefix) and required and not _common(required)):
            self.mode, literals = "prefix", prefix
            self.fallback = _Rule(compiled, "segment" if required else "scan")
        elif required is not None:
            self.mode, literals = "segment", required
        else:
            self.mode, literals = "scan", ()
        self.keys = tuple((lit.folded, lit.text) for lit in literals)
        # a segment rule is searched only near its literals when its reach is bounded
        self.reach = (reach(compiled.pattern, ci) if self.mode == "segment"
                      and not compiled.flags & re.ASCII else None)
        # for each literal, bounds on how far after a match's start it can start
        self.before = None
        if self.reach is not None:
            offsets = required_offsets(compiled.pattern, ci)
            self.before = tuple((offsets.get(lit),) for lit in literals)
        # literals starting with a word character right after \b: the character before must not
        # be a word character
        unicode_words = not compiled.flags & re.ASCII
        self.bounded = tuple(unicode_words and lit.bounded and _is_word(lit.text[0])
                             for lit in literals)


class _Plan:
    """The rules of a codebook and the automaton of their literals (on the folded text)."""

    def __init__(self, cb: Codebook):
        self.rules = {}
        for theme in cb.themes:
            for item in (*theme.patterns, *theme.exclusions, *theme.context):
                self.rule(item.compiled)
        for cue in cb.cues.values():
            self.rule(cue.compiled)
        self._canonical_keys()
        self._cids: dict = {}
        for rule in self.rules.values():
            self._number(rule)
        keys = sorted({key for rule in self.rules.values()
                       for key in (*rule.keys, *(rule.fallback.keys if rule.fallback else ()))})
        self.keys = keys
        self.key_ids = {key: i for i, key in enumerate(keys)}
        # very frequent short words (``le``, ``de``) are found on demand, not by the automaton
        self.weak = {self.key_ids[key] for key in keys
                     if len(key[1]) < _STRONG and fold(key[1]) in _COMMON}
        # one automaton over the folded text: each word stands for the folded literal equal to
        # it (``primary``) and for the exact literals that fold to it (``exact``: checked on
        # the text itself)
        words: dict = {}
        for key_id, (folded, text) in enumerate(keys):
            if key_id not in self.weak:
                words.setdefault(fold(text), []).append((key_id, folded, text))
        self.automaton = None
        self.primary = np.full(len(words), -1, dtype=np.int64)
        self.exact = []
        if words:
            self.automaton = ahocorasick.Automaton()
            for word_id, (word, entries) in enumerate(sorted(words.items())):
                self.automaton.add_word(word, (word_id << 16) | len(word))
                for key_id, folded, text in entries:
                    if folded:
                        self.primary[word_id] = key_id
                    else:
                        self.exact.append((word_id, key_id, text))
            self.automaton.make_automaton()
        self.n_keys = len(keys)

    def _canonical_keys(self) -> None:
        """Place each literal by its shortest placeable prefix among the codebook's literals.

        ``technologies`` occurs wherever ``technologie`` and ``technolog`` do: one automaton
        key stands for the three (a rule is then tried at a few more places, never fewer). Only
        prefixes of at least 5 characters and 70 % of the literal are used (``design`` is not
        placed by ``des``).
        """
        rules = [r for rule in self.rules.values() for r in (rule, rule.fallback) if r]
        every = {key for r in rules for key in r.keys}
        placeable = {key for key in every if _strong([Literal(key[1], key[0])])}
        canon = {}
        for folded, text in every:
            shortest = (folded, text)
            for i in range(max(5, -(-7 * len(text) // 10)), len(text)):
                if (folded, text[:i]) in placeable:
                    shortest = (folded, text[:i])
                    break
            canon[(folded, text)] = shortest
        for r in rules:
            pairs = {}
            for i, (k, b) in enumerate(zip(r.keys, r.bounded)):
                pairs.setdefault((canon[k], b), []).extend(r.before[i] if r.before else ())
            r.keys = tuple(k for k, _ in pairs)
            r.bounded = tuple(b for _, b in pairs)
            if r.before is not None:
                r.before = tuple(tuple(v) for v in pairs.values())

    def _number(self, rule: _Rule) -> None:
        for r in (rule, rule.fallback):
            if r is not None:
                r.cid = self._cids.setdefault((r.keys, r.bounded), len(self._cids))
        # a prefix rule whose matches contain other literals than those they start with is
        # tried only where one of those follows (useless when they are the same literals)
        fallback = rule.fallback
        rule.follow = (rule.mode == "prefix" and fallback is not None
                       and fallback.before is not None
                       and not set(rule.keys) <= set(fallback.keys))

    def rule(self, compiled: re.Pattern) -> _Rule:
        key = (compiled.pattern, compiled.flags)
        found = self.rules.get(key)
        if found is None:
            found = _Rule(compiled)
            if hasattr(self, "key_ids"):
                if not all(k in self.key_ids
                           for r in (found, found.fallback) if r for k in r.keys):
                    found = _Rule(compiled, "scan")  # a rule the automaton was not built for
                self._number(found)
            self.rules[key] = found
        return found


_PLANS: OrderedDict = OrderedDict()


def _plan(cb: Codebook) -> _Plan:
    key = codebook_key(cb)
    if key not in _PLANS:
        _PLANS[key] = _Plan(cb)
        while len(_PLANS) > 8:
            _PLANS.popitem(last=False)
    return _PLANS[key]


def clear_plans() -> None:
    """Forget the plans built for codebooks (the next call builds its codebook's plan again)."""
    _PLANS.clear()


def codebook_key(cb: Codebook):
    """What identifies a codebook's version in the caches: its fingerprint, else its identity."""
    return cb.fingerprint or ("id", id(cb))


# ---------------------------------------------------------------------------------------------
# A chunk: paragraphs scanned together
# ---------------------------------------------------------------------------------------------

class _Chunk:
    """Segments joined by ``\x00``; where each literal occurs; sentence bounds on demand."""

    def __init__(self, texts: list[str], plan: _Plan):
        self.plan = plan
        self.offsets, pos = [], 0
        for text in texts:
            self.offsets.append(pos)
            pos += len(text) + 1
        self.joined = _SEP.join(texts)
        self._units = _utf16_units(self.joined)
        self.folded = _fold_units(self._units) if self._units is not None else None
        if self.folded is None or len(self.folded) != len(self.joined):
            self._units = None  # a character beyond the plane: the general (slower) path
            self.folded = fold(self.joined)
        self._codes = None
        hits = list(plan.automaton.iter(self.folded)) if plan.automaton is not None else []
        key_parts, start_parts = [], []
        # one array sorted by (literal, start); positions of literal i: starts[bounds[i]:bounds[i+1]]
        if hits:
            table = np.fromiter(chain.from_iterable(hits), dtype=np.int64,
                                count=2 * len(hits)).reshape(-1, 2)
            words = table[:, 1] >> 16
            starts = table[:, 0] - (table[:, 1] & 0xFFFF) + 1
            keys = plan.primary[words]
            key_parts.append(keys[keys >= 0])
            start_parts.append(starts[keys >= 0])
            for word_id, key_id, text in plan.exact:
                places = starts[words == word_id]
                if len(places):
                    codes = self._code_points()
                    same = np.ones(len(places), dtype=bool)
                    for i, char in enumerate(text):
                        same &= codes[places + i] == ord(char)
                    start_parts.append(places[same])
                    key_parts.append(np.full(int(same.sum()), key_id, dtype=np.int64))
        if key_parts:
            keys, starts = np.concatenate(key_parts), np.concatenate(start_parts)
            # the automaton reports places in text order, and each literal comes from one word
            # of one part: a stable sort by literal leaves each literal's starts sorted
            order = np.argsort(keys, kind="stable")
            self._starts = starts[order]
            self._bounds = np.searchsorted(keys[order], np.arange(plan.n_keys + 1))
        else:
            self._starts = np.zeros(0, dtype=np.int64)
            self._bounds = np.zeros(plan.n_keys + 1, dtype=np.int64)
        self._cands = {}
        self._placement = {}
        self._segs = {}
        self._sentence_ends = None
        self._category = None
        self._how = {}  # rule -> how search() places it
        self._runs = {}
        self._reach = {}

    def _count(self, key_id: int) -> int:
        """Occurrences of a literal (a short one is counted with ``str.count``, not placed)."""
        if key_id in self.plan.weak:
            folded, text = self.plan.keys[key_id]
            haystack = self.folded if folded else self.joined
            if len(haystack) <= _SAMPLE:
                return haystack.count(text)
            return haystack.count(text, 0, _SAMPLE) * len(haystack) // _SAMPLE
        return int(self._bounds[key_id + 1] - self._bounds[key_id])

    def _where(self, key_id: int):
        """Sorted start positions of a literal (overlapping occurrences included)."""
        if key_id in self.plan.weak:
            folded, text = self.plan.keys[key_id]
            finder = re.compile("(?=" + re.escape(text) + ")" if text[0] == text[-1]
                                else re.escape(text))
            return np.array([m.start() for m in finder.finditer(
                self.folded if folded else self.joined)], dtype=np.int64)
        return self._starts[self._bounds[key_id]:self._bounds[key_id + 1]]

    def candidates(self, rule: _Rule) -> list[int]:
        """Sorted start positions of the rule's literals (for a prefix rule, only those followed
        closely enough by a literal every match contains, see :meth:`_followed`)."""
        fallback, followed = rule.fallback, rule.follow
        cache_key = (rule.cid, fallback.cid) if followed else rule.cid
        found = self._cands.get(cache_key)
        if found is None:
            parts = [self._where(self.plan.key_ids[k]) for k in rule.keys]
            found = parts[0] if len(parts) == 1 else np.concatenate(parts)
            if any(rule.bounded) and len(found):  # \b before a word character: none before it
                bounded = np.repeat(np.array(rule.bounded, dtype=bool), [len(p) for p in parts])
                found = found[~(bounded & self._after_word(found))]
            if len(parts) > 1 and len(found):
                found = np.sort(found)
                found = found[np.append(True, found[1:] != found[:-1])]
            if followed and len(found):
                found = self._followed(found, fallback)
            found = self._cands[cache_key] = found.tolist()
        return found

    def _followed(self, starts: np.ndarray, required: _Rule) -> np.ndarray:
        """The ``starts`` at or after which one of the ``required`` rule's literals starts within
        its offset in a match: a match starting anywhere else would not contain one."""
        width = self.reach(required)
        # a start s is kept when a place p of a literal has s <= p <= s + back: s lies in one
        # of the intervals [p - back, p], merged here once for all literals
        lows, highs = [], []
        for key, terms in zip(required.keys, required.before):
            places = self._where(self.plan.key_ids[key])
            if not len(places):
                continue
            back = width if None in terms else min(width, max(self._bound(t) for t in terms))
            lows.append(places - back)
            highs.append(places)
        if not lows:
            return starts[:0]
        lows, highs = np.concatenate(lows), np.concatenate(highs)
        order = np.argsort(lows, kind="stable")
        lows, highs = lows[order], np.maximum.accumulate(highs[order])
        last = np.searchsorted(lows, starts, side="right") - 1  # last interval starting <= s
        keep = last >= 0
        keep[keep] = highs[last[keep]] >= starts[keep]
        return starts[keep]

    def _code_points(self) -> np.ndarray:
        if self._codes is None:
            if self._units is not None:
                self._codes = self._units.astype(np.uint32)
            else:
                self._codes = np.frombuffer(self.joined.encode("utf-32-le", "surrogatepass"),
                                            dtype=np.uint32)
        return self._codes

    def _lookup(self, table: np.ndarray) -> np.ndarray:
        """``table`` (one entry per code point of the plane, one more for every other) at
        each character of the chunk."""
        if self._units is not None:  # every character in the plane: index with 16 bits
            return table[self._units]
        return table.take(self._code_points(), mode="clip")

    def _longest_run(self, atoms: frozenset) -> int:
        """An upper bound (``2**k - 1``) on the longest run of characters matched by ``atoms``
        (counted for the smallest of a few broad classes holding them: spaces, digits, word
        characters, both)."""
        atoms = _coarse(atoms)
        found = self._runs.get(atoms)
        if found is None:
            if atoms in _BROAD:  # one pass over the text for all broad classes
                bits = (1 << _BROAD.index(atoms)) | _ASTRAL
                member = (self._categories() & bits) != 0
            elif self._units is not None and _by_categories(atoms) is not None:
                bits, extra = _by_categories(atoms)  # broad classes and a few characters
                member = (self._categories() & bits) != 0
                for code in extra:
                    member |= self._units == code
            else:
                member = self._lookup(_class_table(atoms))
            found, width = 0, 1  # member[i]: a run of `width` members starts at i
            while member.any():
                found = 2 * width - 1
                member = member[:-width] & member[width:]
                width *= 2
            self._runs[atoms] = found
        return found

    def _categories(self) -> np.ndarray:
        """The broad classes of each character (bits of :func:`_categories`)."""
        if self._category is None:
            self._category = self._lookup(_categories())
        return self._category

    def _bound(self, terms) -> int:
        """``const + sum(count * longest run of atoms)`` in this chunk."""
        const, runs = terms
        return const + sum(n * self._longest_run(atoms) for atoms, n in runs)

    def reach(self, rule: _Rule) -> int | None:
        """Characters past its start an attempt of the rule reads at most, in this chunk."""
        if rule.reach is None:
            return None
        found = self._reach.get(rule.compiled)
        if found is None:
            found = self._reach[rule.compiled] = self._bound(rule.reach)
        return found

    def windows(self, rule: _Rule, width: int) -> tuple[list, list]:
        """Merged ranges ``[start, end]`` where the rule's matches can start: before each place
        of a literal by at most its offset in a match (``width`` when unknown), never before
        its segment."""
        starts, ends = [], []
        offsets = np.asarray(self.offsets, dtype=np.int64)
        for key, terms in zip(rule.keys, rule.before):
            places = self._where(self.plan.key_ids[key])
            if not len(places):
                continue
            back = width if None in terms else min(width, max(self._bound(t) for t in terms))
            first = offsets[np.searchsorted(offsets, places, side="right") - 1]
            starts.append(np.maximum(places - back, first))
            ends.append(places)
        if not starts:
            return [], []
        starts, ends = np.concatenate(starts), np.concatenate(ends)
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], np.maximum.accumulate(ends[order])
        new = np.ones(len(starts), dtype=bool)
        new[1:] = starts[1:] > ends[:-1] + 1
        last = np.flatnonzero(np.append(new[1:], True))
        return starts[new].tolist(), ends[last].tolist()

    def _after_word(self, places: np.ndarray) -> np.ndarray:
        """For each place, whether the character before it is surely a word character."""
        before = self._code_points()[np.maximum(places - 1, 0)]
        return _word_table().take(before, mode="clip") & (places > 0)

    def segments_with(self, rule: _Rule) -> list[int]:
        """Sorted indices of the segments holding one of the rule's literals."""
        found = self._segs.get(rule.cid)
        if found is None:
            offsets = self.offsets
            found = sorted({bisect_right(offsets, p) - 1 for p in self.candidates(rule)})
            self._segs[rule.cid] = found
        return found

    def _end_of(self, k: int) -> int:
        """End of segment ``k`` plus its separator (the whole chunk for the last one)."""
        return self.offsets[k + 1] if k + 1 < len(self.offsets) else len(self.joined)

    def _placed(self, rule: _Rule) -> _Rule:
        """The rule, or its fallback when its literals are dense in this chunk."""
        if rule.mode != "prefix":
            return rule
        placed = self._placement.get(rule.cid)
        if placed is None:
            n_prefix = sum(self._count(self.plan.key_ids[k]) for k in rule.keys)
            fallback = rule.fallback
            placed = n_prefix * _DENSE > len(self.joined) or (
                fallback.mode == "segment" and n_prefix > _PER_SEGMENT * sum(
                    self._count(self.plan.key_ids[k]) for k in fallback.keys))
            self._placement[rule.cid] = placed
        return rule.fallback if placed else rule

    def finditer(self, rule: _Rule):
        """The matches ``rule.compiled.finditer`` gives on the chunk (see the module docstring)."""
        rule = self._placed(rule)
        compiled, joined = rule.compiled, self.joined
        if rule.mode == "prefix":
            # the match at each place, then finditer's rule: none starts inside the previous one
            match = compiled.match
            pos = 0
            for p in self.candidates(rule):
                if p >= pos:
                    m = match(joined, p)
                    if m is not None:
                        yield m
                        end = m.end()
                        pos = end if end > p else p + 1
        elif rule.mode == "segment":
            width = self.reach(rule)
            if width is None or width > 1000:
                for k in self.segments_with(rule):
                    yield from compiled.finditer(joined, self.offsets[k], self._end_of(k))
            else:
                yield from self._near_literals(rule, width)
        else:
            yield from compiled.finditer(joined)

    def _near_literals(self, rule: _Rule, width: int):
        """``finditer`` of a segment rule over each segment holding one of its literals, run
        only near them.

        Every match contains a literal of the rule, and an attempt starting at ``s`` reads
        nothing at or after ``s + width``: so matches start in windows ``[p - width, p]``
        around the literals' places ``p``, and searching a window with the text cut
        ``width`` characters after it finds exactly the matches a search of the whole
        segment finds there.
        """
        search, joined, offsets = rule.compiled.search, self.joined, self.offsets
        n_segments = len(offsets)
        pos = 0
        for start, end in zip(*self.windows(rule, width)):
            if end < pos:  # its literals are inside the previous match: no match left holds one
                continue
            k = bisect_right(offsets, end) - 1
            last = offsets[k + 1] if k + 1 < n_segments else len(joined)
            stop = min(last, end + width + 1)
            start = max(start, pos)
            while start <= end:
                m = search(joined, start, stop)
                if m is None or m.start() > end:
                    break
                yield m
                pos = start = m.end()

    def search(self, rule: _Rule, s: int, e: int) -> bool:
        """Whether ``rule.compiled.search(joined, s, e)`` finds a match (s, e in one segment)."""
        how = self._how.get(rule)
        if how is None:
            placed = self._placed(rule)
            cands = self.candidates(placed) if placed.mode != "scan" else None
            how = self._how[rule] = (placed.mode == "prefix", cands, placed.compiled)
        prefix, cands, compiled = how
        if cands is not None:  # a match in [s, e) starts at, or holds, a literal there
            i = bisect_left(cands, s)
            n = len(cands)
            if i == n or cands[i] >= e:
                return False
            if prefix:
                match, joined = compiled.match, self.joined
                while i < n and cands[i] < e:
                    if match(joined, cands[i], e) is not None:
                        return True
                    i += 1
                return False
        return compiled.search(self.joined, s, e) is not None

    def sentence_ends(self) -> list[int]:
        """Sorted positions of the characters ending sentences: a line break or separator, or
        ``. ! ? ;`` before white space, a separator or the end (computed once)."""
        bounds = self._sentence_ends
        if bounds is None:
            category = self._categories()
            before_space = np.ones(len(category), dtype=bool)  # \s is _BROAD[0]
            before_space[:-1] = (category[1:] & (1 | _NUL)) != 0
            stop = (category & _STOP) != 0
            bounds = self._sentence_ends = np.flatnonzero(
                (stop & before_space) | ((category & (_NUL | _NEWLINE)) != 0)).tolist()
        return bounds

    def sentence(self, s: int, e: int) -> tuple[int, int]:
        """Start and end of the sentence(s) holding ``[s, e)``."""
        bounds = self._sentence_ends
        if bounds is None:
            bounds = self.sentence_ends()
        i, j = bisect_left(bounds, s), bisect_left(bounds, e)
        return (bounds[i - 1] + 1 if i else 0), (bounds[j] if j < len(bounds) else len(self.joined))


# ---------------------------------------------------------------------------------------------
# One theme over a chunk
# ---------------------------------------------------------------------------------------------

def _merge_spans(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for s, e in sorted(spans):
        if starts and s < ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def _scan_theme(theme, chunk: _Chunk, cues: dict) -> list[tuple]:
    """Kept matches of one theme: ``(start, end, regex, subframe, sentence)`` in chunk offsets,
    sorted (``sentence``: its bounds when they were needed, else None).

    Kept matches never overlap; each pattern's new matches are checked against the kept ones by
    binary search and merged in one linear pass, so a paragraph of n characters costs
    O(n log n) whatever its number of matches.
    """
    plan, joined = chunk.plan, chunk.joined
    find, sentence, search = joined.find, chunk.sentence, chunk.search
    excluded = []
    for rule in theme.exclusions:
        excluded += [m.span() for m in chunk.finditer(plan.rule(rule.compiled))]
    ex_starts, ex_ends = _merge_spans(excluded)
    n_ex = len(ex_starts)
    kept: list[tuple] = []  # (start, end, regex, subframe, sentence), sorted, non-overlapping
    kept_starts: list[int] = []
    kept_ends: list[int] = []
    decided = {}  # (rule, sentence) -> result: matches in one sentence share cue and context
    context = [(plan.rule(r.compiled), r.subframe) for r in theme.context]
    default = theme.default_subframe
    for pattern in theme.patterns:
        require = pattern.require
        cue = plan.rule(cues[require].compiled) if require else None
        items, regex, fixed = pattern.compiled_items, pattern.regex, pattern.subframe
        formatted = bool(fixed) and "{" in fixed
        n_kept = len(kept_starts)
        new = []
        last_end = -1
        for m in chunk.finditer(plan.rule(pattern.compiled)):
            for hit in (m,) if items is None else items.finditer(joined, m.start(), m.end()):
                s, e = hit.span()
                if s == e or s < last_end:  # empty, or overlaps the match of this pattern kept
                    continue                # just before
                if find(_SEP, s, e) >= 0:  # across two texts
                    continue
                if n_ex:
                    k = bisect_right(ex_starts, s)
                    if (k and ex_ends[k - 1] > s) or (k < n_ex and ex_starts[k] < e):
                        continue
                if n_kept:
                    k = bisect_right(kept_starts, s)
                    if (k and kept_ends[k - 1] > s) or (k < n_kept and kept_starts[k] < e):
                        continue
                bounds = None
                if cue is not None:
                    bounds = sentence(s, e)
                    key = (require, bounds)
                    found = decided.get(key)
                    if found is None:
                        found = decided[key] = search(cue, *bounds)
                    if not found:
                        continue
                if formatted:
                    groups = {name: _slug(val) for name, val in hit.groupdict().items()}
                    subframe = fixed.format(**groups)
                elif fixed:
                    subframe = fixed
                else:
                    if bounds is None:
                        bounds = sentence(s, e)
                    key = (None, bounds)
                    subframe = decided.get(key)
                    if subframe is None:  # the first context rule found in the sentence
                        subframe = default
                        for rule, sub in context:
                            if search(rule, *bounds):
                                subframe = sub
                                break
                        decided[key] = subframe
                new.append((s, e, regex, subframe, bounds))
                last_end = e
        if new:  # two sorted runs of disjoint spans: one linear merge (timsort)
            kept += new
            # kept spans are disjoint and not empty: sorted by start, their ends are sorted too
            kept_starts += [k[0] for k in new]
            kept_starts.sort()
            kept_ends += [k[1] for k in new]
            kept_ends.sort()
    kept.sort()  # by start: kept matches never share one
    return kept


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector (coding allocates hundreds of thousands of
    tuples and match objects, none in a cycle; each full collection would walk the whole heap
    of the process); restored as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def match_records(norm: list[str], cb: Codebook) -> list[tuple]:
    """Every kept match of every theme in normalized texts.

    Parameters
    ----------
    norm : list of str
        Texts as returned by :func:`normalized`.
    cb : Codebook

    Returns
    -------
    list of tuple
        ``(position, theme, subframe, regex, start, end, match, sentence)``, offsets into the
        normalized text, in no particular order.

    Examples
    --------
    >>> from analysis.codebook import get_codebook
    >>> records = match_records([normalized("L’IA souveraine.")], get_codebook())
    >>> sorted((start, theme, subframe, match) for _, theme, subframe, _, start, _, match, _ in records)
    [(2, 'ai', 'general', 'IA'), (2, 'sovereignty', 'sovereign_ai', 'IA souveraine')]
    """
    with collector_paused():
        return _match_records(norm, cb)


def _match_records(norm: list[str], cb: Codebook) -> list[tuple]:
    """:func:`match_records` with the collector as it is."""
    plan = _plan(cb)
    segments, owners, starts = _segments(norm)
    records = []
    add = records.append
    for first, texts in _chunks(segments):
        chunk = _Chunk(texts, plan)
        joined, offsets = chunk.joined, chunk.offsets
        n = len(joined)
        ends = None
        for theme in cb.themes:
            theme_id = theme.id
            for s, e, regex, subframe, bounds in _scan_theme(theme, chunk, cb.cues):
                i = bisect_right(offsets, s) - 1
                shift = starts[first + i] - offsets[i]
                if bounds is None:  # chunk.sentence(s, e), inline
                    if ends is None:
                        ends = chunk.sentence_ends()
                        n_ends = len(ends)
                    j, k = bisect_left(ends, s), bisect_left(ends, e)
                    s0, s1 = (ends[j - 1] + 1 if j else 0), (ends[k] if k < n_ends else n)
                else:
                    s0, s1 = bounds
                if s1 < n and joined[s1] in ".!?;":
                    s1 += 1  # the sentence with its final punctuation
                if s1 - s0 > MAX_SENTENCE:  # a text without sentence ends: a window around it
                    half = max(0, (MAX_SENTENCE - (e - s)) // 2)
                    s0, s1 = max(s0, s - half), min(s1, e + half)
                add((owners[first + i], theme_id, subframe, regex, s + shift, e + shift,
                     joined[s:e], joined[s0:s1].strip()))
    return records
