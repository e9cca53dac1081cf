"""Frozen copy of the theme engine of analysis.themes before the matches table (reference only).

Used only by the equivalence tests (tests/test_matching.py) and the engine benchmark
(benchmarks/theme_engine.py): the new engine in analysis.matching must give identical matches.
This is the code as it was at commit 1d3ad8e, including its prefilter built on the private
``re._parser``/``re._casefix`` modules, which the package itself no longer uses. Do not edit.
"""
from __future__ import annotations

import re
import re._casefix
import re._constants as sre_constants
import re._parser as sre_parse
import string
from bisect import bisect_left, bisect_right
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.text import normalize

_SEP = "\x00"
_BOUNDARY_RE = re.compile(r"[.!?;](?=\s|\x00|$)|[\n\x00]")
_CHUNK_CHARS = 2_000_000
_SLUG_RE = re.compile(r"[\W_]+")


def get_codebook(codebook):
    from analysis.codebook import get_codebook as _get
    return _get(codebook)


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

