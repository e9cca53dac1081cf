"""The matches table: theme coding computed once per text and codebook, and its views.

:func:`code_themes` codes a table of paragraphs with the theme engine
(:func:`analysis.matching.match_records`) and returns one row per match (the *matches table*);
every count, rate, co-occurrence, validation metric and evidence table of :mod:`analysis.themes`,
:mod:`analysis.themestats`, :mod:`analysis.evidence` and :mod:`analysis.speakers` is computed from
that table, as quanteda codes once with ``dfm_lookup`` and then runs its statistics on the result.
:func:`theme_matches`, :func:`count_themes` and :func:`theme_kwic` are views of it.

Results are cached per text and codebook (an in-process LRU of at most :data:`CACHE_SIZE` texts
and :data:`CACHE_MATCHES` matches, keyed by the text, or its BLAKE2 digest when long, and the
codebook's fingerprint, the SHA-256 of its file), so a notebook that counts, then tabulates,
then validates codes each paragraph once; editing the codebook file changes its fingerprint.
``code_themes(..., cache=False)`` codes without the cache (a pipeline streaming a corpus once).
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from itertools import chain

import numpy as np
import pandas as pd

from analysis.codebook import Codebook, get_codebook
from analysis.matching import (as_texts, clear_plans, codebook_key, collector_paused, match_records,
                               normalized)

#: Columns of the matches table returned by :func:`code_themes`.
MATCH_COLUMNS = ["row", "unit_id", "para_id", "theme", "subframe", "rule", "start", "end",
                 "match", "sentence"]
#: Texts whose matches are kept in memory (least recently used dropped first)...
CACHE_SIZE = 200_000
#: ... and the most matches kept in all (about 0.5 KB each).
CACHE_MATCHES = 500_000


# ---------------------------------------------------------------------------------------------
# The cache and the matches table
# ---------------------------------------------------------------------------------------------

_TEXT_CACHE: OrderedDict = OrderedDict()
_CACHED_MATCHES = 0


def clear_cache() -> None:
    """Forget every cached match (the next call codes its texts again)."""
    global _CACHED_MATCHES
    _TEXT_CACHE.clear()
    _CACHED_MATCHES = 0
    clear_plans()


def _text_key(text: str):
    """Cache key of a text: itself when short, else its length and BLAKE2 digest (so that the
    cache does not keep long texts alive)."""
    if len(text) < 256:
        return text
    return len(text), hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                      digest_size=16).digest()


def coded(texts: list[str], cb: Codebook, *, cache: bool = True) -> list[tuple]:
    """Matches of each text (a tuple of records without position), coding only uncached texts.

    Parameters
    ----------
    texts : list of str
        Raw texts (normalized here).
    cb : Codebook
    cache : bool
        Read and fill the cache (False: code every distinct text, keep nothing, e.g. for a
        pipeline streaming a corpus once).

    Returns
    -------
    list of tuple
        One tuple per text of ``(theme, subframe, regex, start, end, match, sentence)`` records.
    """
    global _CACHED_MATCHES
    key = codebook_key(cb)
    out = [None] * len(texts)
    todo = {}
    for i, text in enumerate(texts):
        hit = None
        if cache:
            tkey = (key, _text_key(text))
            hit = _TEXT_CACHE.get(tkey)
        if hit is None:
            todo.setdefault(text, []).append(i)
        else:
            _TEXT_CACHE.move_to_end(tkey)
            out[i] = hit
    if todo:
        unique = list(todo)
        found = [[] for _ in unique]
        for record in match_records([normalized(t) for t in unique], cb):
            found[record[0]].append(record[1:])
        for text, records in zip(unique, found):
            records = tuple(records)
            if cache:
                tkey = (key, _text_key(text))
                if tkey not in _TEXT_CACHE:
                    _CACHED_MATCHES += len(records)
                _TEXT_CACHE[tkey] = records
            for i in todo[text]:
                out[i] = records
        while _TEXT_CACHE and (len(_TEXT_CACHE) > CACHE_SIZE
                               or _CACHED_MATCHES > CACHE_MATCHES):
            _CACHED_MATCHES -= len(_TEXT_CACHE.popitem(last=False)[1])
    return out


def theme_ids(cb: Codebook, themes) -> list[str]:
    """Theme ids in codebook order, checked (None: all)."""
    if themes is None:
        return cb.ids
    if isinstance(themes, str):
        themes = [themes]
    unknown = [t for t in themes if t not in cb.ids]
    if unknown:
        raise KeyError(f"unknown theme(s) {unknown}; the codebook {cb.path} has {cb.ids}")
    wanted = set(themes)
    return [t for t in cb.ids if t in wanted]


_RECORD_COLUMNS = ["theme", "subframe", "rule", "start", "end", "match", "sentence"]


def _table(texts: list[str], cb: Codebook, units, paras, cache: bool = True) -> pd.DataFrame:
    with collector_paused():
        return _build_table(texts, cb, units, paras, cache)


def _build_table(texts: list[str], cb: Codebook, units, paras, cache: bool) -> pd.DataFrame:
    per_text = coded(texts, cb, cache=cache)
    counts = np.fromiter(map(len, per_text), dtype=np.int64, count=len(per_text))
    if not counts.sum():
        out = pd.DataFrame([], columns=["row", *_RECORD_COLUMNS])
        out = out.astype({"row": "int64", "start": "int64", "end": "int64"})
        out.insert(1, "unit_id", [])
        out.insert(2, "para_id", [])
        return out
    records = list(chain.from_iterable(per_text))
    rows = np.repeat(np.arange(len(per_text), dtype=np.int64), counts)
    # sorted by row, start, codebook order of themes, end (no two records share all four: a
    # theme's kept matches never overlap)
    columns = list(zip(*records))
    order = {t: i for i, t in enumerate(cb.ids)}
    starts = np.array(columns[3], dtype=np.int64)
    ends = np.array(columns[4], dtype=np.int64)
    ranks = np.fromiter(map(order.__getitem__, columns[0]), dtype=np.int64, count=len(records))
    sort = np.lexsort((ends, ranks, starts, rows))
    positions = rows[sort]
    data = {"row": positions,
            "unit_id": np.asarray(units, dtype=object)[positions],
            "para_id": np.asarray(paras, dtype=object)[positions]}
    for name, values in zip(_RECORD_COLUMNS, columns):
        if name in ("start", "end"):
            data[name] = (starts if name == "start" else ends)[sort]
        else:
            data[name] = [values[i] for i in sort.tolist()]
    return pd.DataFrame(data, columns=MATCH_COLUMNS)


def code_themes(paragraphs, codebook: Codebook | str | None = None, *,
                text_col: str = "text", cache: bool = True) -> pd.DataFrame:
    """The matches table: every theme match in the paragraphs, one row per match.

    Coding is cached per text and codebook version, so calling it again on the same paragraphs
    (or a subset, or a table sharing paragraphs) codes nothing twice.

    Parameters
    ----------
    paragraphs : pandas.DataFrame, pandas.Series or sequence of str
        Paragraphs with ``text_col`` (and ``doc_id``, ``para_id`` when present), e.g.
        :func:`analysis.corpus.paragraphs`; or bare texts.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    text_col : str
        Column holding the texts.
    cache : bool
        Use the coding cache (default); False codes every distinct text and keeps nothing.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MATCH_COLUMNS`: ``row`` (0-based position of the paragraph in the
        input), ``unit_id`` (its ``doc_id``, else its index label), ``para_id`` (None when the
        input has none), ``theme``, ``subframe``, ``rule`` (the codebook regex that matched),
        ``start``, ``end`` (offsets into the normalized text), ``match`` (the matched normalized
        text), ``sentence`` (the normalized sentence holding the match, with its final
        punctuation, stripped; sentences end as for ``require``; cut to
        :data:`MAX_SENTENCE` characters around the match when longer). Sorted by
        row, start, codebook order of themes, end.

    Examples
    --------
    >>> t = code_themes(pd.DataFrame({"doc_id": ["d"], "para_id": [0],
    ...                               "text": ["L’IA souveraine. Rien."]}))
    >>> t[["unit_id", "theme", "subframe", "match", "sentence"]].values.tolist()
    [['d', 'sovereignty', 'sovereign_ai', 'IA souveraine', "L'IA souveraine."], ['d', 'ai', 'general', 'IA', "L'IA souveraine."]]
    """
    cb = get_codebook(codebook)
    if isinstance(paragraphs, pd.DataFrame):
        if text_col not in paragraphs.columns:
            raise KeyError(f"paragraphs has no {text_col!r} column")
        index, texts = as_texts(paragraphs[text_col])
        units = (paragraphs["doc_id"].to_numpy() if "doc_id" in paragraphs.columns
                 else index.to_numpy())
        paras = (paragraphs["para_id"].to_numpy() if "para_id" in paragraphs.columns
                 else [None] * len(texts))
    else:
        index, texts = as_texts(paragraphs)
        units, paras = index.to_numpy(), [None] * len(texts)
    return _table(texts, cb, units, paras, cache)


def counts_from(matches: pd.DataFrame, n_rows: int, ids: list[str]) -> np.ndarray:
    """Matches per row and theme, ``(n_rows, len(ids))`` int64, from a matches table."""
    counts = np.zeros((n_rows, len(ids)), dtype=np.int64)
    if len(matches):
        column = {t: j for j, t in enumerate(ids)}
        sub = matches[matches["theme"].isin(column)]
        np.add.at(counts, (sub["row"].to_numpy(dtype=np.int64),
                           sub["theme"].map(column).to_numpy(dtype=np.int64)), 1)
    return counts


# ---------------------------------------------------------------------------------------------
# Views of the matches table: matches in the first engine's layout, counts, KWIC
# ---------------------------------------------------------------------------------------------

def matches_for(texts, codebook=None, *, text_col: str = "text", matches=None) -> pd.DataFrame:
    """``matches`` if given (checked), else :func:`code_themes` of ``texts`` (cached).

    Parameters
    ----------
    texts : pandas.DataFrame, pandas.Series or sequence of str
    codebook : Codebook, path or None
    text_col : str
    matches : pandas.DataFrame, optional
        A matches table computed on the same rows, in the same order.

    Returns
    -------
    pandas.DataFrame
    """
    if matches is None:
        return code_themes(texts, codebook, text_col=text_col)
    missing = [c for c in ("row", "theme", "subframe", "rule", "start", "end", "match")
               if c not in matches.columns]
    if missing:
        raise KeyError(f"matches is not a matches table (see code_themes): no column(s) {missing}")
    return matches


def _coded_texts(texts, codebook, themes, matches) -> tuple:
    """Theme ids, index, raw texts and their matches table (``matches`` checked, else coded)."""
    cb = get_codebook(codebook)
    ids = theme_ids(cb, themes)
    index, raw = as_texts(texts)
    if matches is None:
        matches = _table(raw, cb, index.to_numpy(), [None] * len(raw))
    else:
        matches = matches_for(None, cb, matches=matches)
    return ids, index, raw, matches


def theme_matches(texts, codebook: Codebook | str | None = None, *, themes=None,
                  matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every theme match in ``texts``, one row per match: the evidence behind every count.

    A view of the matches table (:func:`code_themes`) in the layout of the first engine. Each
    text is normalized with :func:`analysis.text.normalize` before matching. For each theme,
    matches of its patterns that overlap one of its exclusions are dropped; overlapping matches
    of the same theme count once (patterns are tried in codebook order, so the more specific
    pattern, written first, gives the sub-frame); a pattern with ``require`` keeps a match only
    if the cue occurs in the same sentence (sentences end at ``. ! ? ;`` or a line break). A
    match never spans a blank line.

    Parameters
    ----------
    texts : pandas.Series or sequence of str
        Texts to code. Missing values count as empty texts.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    themes : str or list of str, optional
        Restrict to these theme ids.
    matches : pandas.DataFrame, optional
        The matches table of ``texts`` if already computed.

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
    ids, index, raw, matches = _coded_texts(texts, codebook, themes, matches)
    sub = matches[matches["theme"].isin(ids)]
    rows = sub["row"].to_numpy(dtype=np.int64)
    out = pd.DataFrame({
        "index": index.take(rows) if len(sub) else index[:0],
        "theme": sub["theme"].to_numpy(), "subframe": sub["subframe"].to_numpy(),
        "pattern": sub["rule"].to_numpy(), "start": sub["start"].to_numpy(dtype=np.int64),
        "end": sub["end"].to_numpy(dtype=np.int64), "match": sub["match"].to_numpy()})
    return out.astype({"theme": object, "subframe": object, "pattern": object, "match": object})


def count_themes(texts, codebook: Codebook | str | None = None, *, themes=None,
                 matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Number of matches of each theme in each text.

    Parameters
    ----------
    texts : pandas.Series or sequence of str
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    themes : str or list of str, optional
        Restrict to these theme ids.
    matches : pandas.DataFrame, optional
        The matches table of ``texts`` if already computed (:func:`code_themes`).

    Returns
    -------
    pandas.DataFrame
        Same index as ``texts`` (a RangeIndex for a plain sequence), one int64 column per theme
        id in codebook order. Counts are the rows of the matches table.

    Examples
    --------
    >>> count_themes(["La Résolution 57-NQ/TW et la cybersécurité.", "Il a 57 ans."],
    ...              themes=["resolution_57", "cybersecurity"]).values.tolist()
    [[1, 1], [0, 0]]
    """
    ids, index, raw, matches = _coded_texts(texts, codebook, themes, matches)
    return pd.DataFrame(counts_from(matches, len(raw), ids), index=index, columns=ids)


def theme_kwic(units: pd.DataFrame, theme: str, *, window: int = 80,
               codebook: Codebook | str | None = None, text_col: str = "text",
               matches: pd.DataFrame | None = None) -> pd.DataFrame:
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
    matches : pandas.DataFrame, optional
        The matches table of ``units`` if already computed (:func:`code_themes`).

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
    theme_ids(cb, [theme])
    matches = matches_for(units, cb, text_col=text_col, matches=matches)
    sub = matches[matches["theme"] == theme]
    has_para = "para_id" in units.columns
    texts = units[text_col].tolist()
    norm = {}
    rows = []
    for pos, subframe, rule, start, end, match in zip(
            sub["row"], sub["subframe"], sub["rule"], sub["start"], sub["end"], sub["match"]):
        if pos not in norm:
            value = texts[pos]
            norm[pos] = normalized(value) if isinstance(value, str) else ""
        text = norm[pos]
        row = {"doc_id": units["doc_id"].iat[pos]}
        if has_para:
            row["para_id"] = units["para_id"].iat[pos]
        row["kind"] = units["kind"].iat[pos] if "kind" in units.columns else ""
        row.update(left=text[max(0, start - window):start].replace("\n", " "),
                   match=match.replace("\n", " "),
                   right=text[end:end + window].replace("\n", " "),
                   pattern=rule, subframe=subframe)
        rows.append(row)
    columns = ["doc_id"] + (["para_id"] if has_para else []) + [
        "kind", "left", "match", "right", "pattern", "subframe"]
    return pd.DataFrame(rows, columns=columns)


def subset_matches(matches: pd.DataFrame, mask) -> pd.DataFrame:
    """The matches of the rows kept by a boolean ``mask``, renumbered as the subset's rows.

    Parameters
    ----------
    matches : pandas.DataFrame
        A matches table of some rows (:func:`code_themes`).
    mask : array-like of bool
        One value per row of the table's input; True keeps the row.

    Returns
    -------
    pandas.DataFrame
        The matches of the kept rows, ``row`` giving their position among the kept rows.
    """
    mask = np.asarray(mask, dtype=bool)
    new_row = np.cumsum(mask) - 1
    rows = matches["row"].to_numpy(dtype=np.int64)
    out = matches[mask[rows]].copy()
    out["row"] = new_row[out["row"].to_numpy(dtype=np.int64)]
    return out.reset_index(drop=True)
