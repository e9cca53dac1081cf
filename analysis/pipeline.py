"""The corpus pipeline in chunks: load → tokenize → count → code themes, on one machine or many.

:func:`run` streams the pages of a source in chunks of files. Each chunk is loaded and parsed
(:func:`analysis.corpus.load_corpus`), its articles are tokenized and lemmatized
(:func:`analysis.text.tokenize_series`), counted into a sparse matrix over the chunk's own
vocabulary, and coded for themes (one row per match). Only these results travel back; the
texts and tokens of a chunk never accumulate, so memory follows the document-term matrix,
not the text of the corpus. The main process then merges the count blocks onto one sorted
vocabulary. The result does not depend on the chunk size or on the backend:

- ``scheduler="serial"``: every chunk in this process;
- ``scheduler="joblib"`` (default): ``n_jobs`` worker processes on this machine;
- ``scheduler="dask"``: a ``dask.bag`` over the chunks, computed by a ``distributed.Client``
  (given, or at an address, or on a ``LocalCluster`` started and closed here).

Documents are the article units of the loader (rows of the matrix, of ``units`` and the
``unit_id`` of ``matches``); related units (teasers, links) are not part of the result.

Importing this module imports neither Dask nor joblib and creates nothing.
"""
from __future__ import annotations

import csv
import ctypes
import gc
import os
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import CorpusError, CorpusWarning
from analysis.paths import METADATA

#: Stages timed inside each chunk (seconds summed over chunks: worker seconds).
CHUNK_STAGES = ("load", "tokenize", "count", "themes")
#: Columns of the matches table.
MATCH_COLUMNS = ["unit_id", "para_id", "theme", "subframe", "rule", "start", "end", "match", "sentence"]
#: Columns of the matches table held as categories (repeated labels and sentences: far less memory).
CATEGORY_COLUMNS = ("unit_id", "theme", "subframe", "rule", "sentence")
#: Integer columns of the matches table, sent from the workers as int32 (half the memory while
#: the chunks wait to be merged) and int64 in the result.
OFFSET_COLUMNS = ("para_id", "start", "end")
#: String columns of the matches table sent from the workers as categories and strings in the
#: result: a matched text recurs (``numérique``, ``IA``...), 0.07 MB a chunk instead of 0.9.
TRANSIT_CATEGORY_COLUMNS = ("match",)
#: Columns of the units table dropped from the result (the texts stay with the pages).
DROPPED_UNIT_COLUMNS = ("text", "captions")
#: Schedulers accepted by :func:`run`.
SCHEDULERS = ("joblib", "dask", "serial")
#: File names written by :func:`write_result` in ``out_dir``.
OUTPUT_FILES = {"units": "units.parquet", "matches": "matches.parquet", "dtm": "dtm.npz",
                "vocabulary": "vocabulary.txt"}


@dataclass
class PipelineResult:
    """What :func:`run` returns.

    Attributes
    ----------
    dtm : scipy.sparse.csr_matrix of int32
        Token counts, one row per article (rows of ``units``), columns of ``vocabulary``.
    vocabulary : numpy.ndarray of str (dtype object)
        Sorted terms (as :func:`analysis.text.document_term_matrix` sorts them).
    units : pandas.DataFrame
        The article units of :func:`analysis.corpus.load_corpus`, in file order, without
        :data:`DROPPED_UNIT_COLUMNS`.
    matches : pandas.DataFrame
        One row per theme match, columns :data:`MATCH_COLUMNS`; ``unit_id`` is the ``doc_id``
        of the article, ``para_id`` its paragraph (as :func:`analysis.corpus.paragraphs`),
        ``start``/``end`` offsets into the normalized paragraph; :data:`CATEGORY_COLUMNS` are
        categoricals (sorted categories).
    timings : dict of str to float
        Seconds: ``load``, ``tokenize``, ``count``, ``themes`` summed over chunks (wall time
        in the workers; ``load_cpu``... their CPU time, lower when the machine is shared),
        ``warm_up`` (joblib: the workers' :func:`warm_up`, summed, run while the main process
        read the metadata table; 0 otherwise), ``stream`` (wall time of the
        chunked part, from the start), ``merge``, ``write`` and ``total`` (wall).
    n_chunks : int
        Chunks the pages were cut into.
    """

    dtm: object
    vocabulary: np.ndarray
    units: pd.DataFrame
    matches: pd.DataFrame
    timings: dict = field(default_factory=dict)
    n_chunks: int = 0

    def tfidf(self, dtype=np.float64):
        """scikit-learn's default TF-IDF of :attr:`dtm` (smooth idf, rows L2-normalized).

        Parameters
        ----------
        dtype : numpy float type, default float64
            ``numpy.float32`` computes it in single precision: two thirds of the memory (at
            100,000 pages, 157 MB instead of 236 MB), for a topic model fitted in float32.

        Returns
        -------
        scipy.sparse.csr_matrix of ``dtype``
            In float64, equal to ``analysis.text.document_term_matrix(texts, weighting="tfidf")[0]``.
        """
        from sklearn.feature_extraction.text import TfidfTransformer

        # idf from the counts, then weighted in place on the one converted copy (no second copy)
        transformer = TfidfTransformer().fit(self.dtm)
        return transformer.transform(self.dtm.astype(dtype), copy=False).tocsr()


# --------------------------------------------------------------------------------------------
# Files and chunks
# --------------------------------------------------------------------------------------------

def list_pages(source) -> list[Path]:
    """The page files of ``source``, in the loader's order (file name).

    Parameters
    ----------
    source : path-like or sequence of path-like
        A folder (its ``*.txt`` files, as :func:`analysis.corpus.load_corpus` reads them) or a
        list of page files.

    Returns
    -------
    list of pathlib.Path

    Raises
    ------
    CorpusError
        When the folder or a listed file does not exist, or two files share a name.
    """
    if isinstance(source, (str, os.PathLike)):
        folder = Path(source)
        if not folder.is_dir():
            raise CorpusError(f"{folder}: raw folder not found")
        with os.scandir(folder) as entries:  # no Path and no extra stat per file: 100,000 pages take 0.1 s
            names = sorted(e.name for e in entries if _suffix(e.name) == ".txt" and e.is_file())
        return [folder / name for name in names]
    files = [Path(p) for p in source]
    for path in files:
        if not path.is_file():
            raise CorpusError(f"{path}: page not found")
    names = [p.name for p in files]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise CorpusError(f"{twice[0]}: two pages share this file name")
    return sorted(files, key=lambda p: p.name)


def _suffix(name: str) -> str:
    """``PurePath(name).suffix.lower()`` without building a path (a leading dot is no suffix)."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def chunk_files(files: list, chunk_size: int = 2000, n_jobs: int = 1) -> list[list]:
    """Cut ``files`` into chunks of ``chunk_size``, or fewer when that gives every worker one.

    A long stream (more than ``2 * n_jobs`` chunks) ends in smaller chunks: the pages of its last
    ``n_jobs`` chunks are cut into ``4 * n_jobs`` chunks of about equal size, so that the workers
    finish within a quarter of a chunk of each other instead of one worker running the last whole
    chunk alone (about 3 s of a 2-core run at 100,000 pages). The order of the pages is kept, and
    the result of :func:`run` does not depend on the chunks.

    Parameters
    ----------
    files : list
    chunk_size : int, default 2000
        Pages per chunk, at most.
    n_jobs : int, default 1
        Workers the chunks are shared among.

    Returns
    -------
    list of list
        Non-empty chunks whose concatenation is ``files``.

    Examples
    --------
    >>> [len(c) for c in chunk_files(list(range(10_000)), 2000, n_jobs=2)]
    [2000, 2000, 2000, 500, 500, 500, 500, 500, 500, 500, 500]
    >>> [len(c) for c in chunk_files(list(range(4_000)), 2000, n_jobs=2)]
    [2000, 2000]
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
    size = max(1, min(chunk_size, -(-len(files) // max(1, n_jobs))))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    if n_jobs > 1 and len(chunks) > 2 * n_jobs:
        start = (len(chunks) - n_jobs) * size
        tail, pieces = len(files) - start, 4 * n_jobs
        bounds = [start + round(k * tail / pieces) for k in range(pieces + 1)]
        chunks = chunks[:-n_jobs] + [files[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]
    return chunks


def read_metadata_rows(metadata) -> tuple[list[str], dict[str, dict]]:
    """The raw rows of a metadata table, by file (first row of a file listed twice).

    The table is first read by :func:`analysis.corpus.load_metadata`, which raises on a missing
    file or column; its problems (bad dates, duplicate rows) are emitted once here as
    :class:`CorpusWarning`.

    Parameters
    ----------
    metadata : path-like or None

    Returns
    -------
    fieldnames : list of str
        The table's header ([] for None).
    rows : dict of str to tuple
        Each row's values in ``fieldnames`` order (None for a missing field). Tuples of
        interned strings: at 100,000 rows they take a third of the memory of one dict per row.
    """
    from analysis.corpus import load_metadata

    if metadata is None:
        return [], {}
    _, problems = load_metadata(metadata)
    for problem in problems:
        warnings.warn(f"{metadata}: {problem}", CorpusWarning, stacklevel=3)
    with open(metadata, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        fieldnames = next(reader, [])
        n_fields, at = len(fieldnames), fieldnames.index("file") if "file" in fieldnames else None
        rows = {}
        for record in reader:
            if not record:  # a blank line, as csv.DictReader skips it
                continue
            name = record[at] if at is not None and at < len(record) else None
            if name not in rows:  # a short row lacks its last fields (None), as csv.DictReader reads it
                rows[name] = tuple(map(sys.intern, record[:n_fields])) + (None,) * (n_fields - len(record))
        return fieldnames, rows


# --------------------------------------------------------------------------------------------
# One chunk: the only two functions that know today's loader and theme engine
# --------------------------------------------------------------------------------------------

def load_files(files: list, fieldnames: list, rows: dict, digests: dict | None = None,
               related: bool = True) -> tuple[pd.DataFrame, list[str]]:
    """Load and parse some pages with :func:`analysis.corpus.load_corpus` (``files=``).

    Parameters
    ----------
    files : list of pathlib.Path
    fieldnames : list of str
        Header of the metadata table ([] to load without one).
    rows : dict of str to tuple
        Metadata rows by file name (only those of ``files`` are used); warnings about the
        metadata table itself are left to :func:`read_metadata_rows`, which reads it once.
    digests : dict, optional
        Filled with the SHA-256 of each loaded page's decoded text, by file name (the loader's
        duplicate key; see ``load_corpus(digests=...)``).
    related : bool, default True
        False loads the article units only (the pages are parsed and warned about as with True).

    Returns
    -------
    units : pandas.DataFrame
    messages : list of str
        The loader's warnings, each naming its page.
    """
    from analysis.corpus import load_corpus

    files = [p if isinstance(p, Path) else Path(p) for p in files]
    paths = {p.name: p for p in files}
    metadata = None
    if fieldnames:
        metadata = pd.DataFrame([rows[p.name] for p in files if p.name in rows], columns=fieldnames, dtype=str)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        units = load_corpus(files=files, metadata=metadata, on_error="warn", digests=digests, related=related)
    messages = []
    for w in caught:
        text = str(w.message)
        name = text.split(":", 1)[0]
        messages.append(str(paths[name]) + text[len(name):] if name in paths else text)
    return units, messages




def code_themes(doc_ids: list, texts: list, codebook=None) -> pd.DataFrame:
    """The matches table of some units: one row per theme match, :data:`MATCH_COLUMNS`.

    Each text is cut into paragraphs by :func:`analysis.corpus.split_paragraphs` (the rule of
    :func:`analysis.corpus.paragraphs`, so ``para_id`` is the same) and the paragraphs are coded
    by :func:`analysis.matches.code_themes` without its cache (a streamed corpus is coded
    once). The same table as coding ``paragraphs(units)``, without building that table: no
    dates, kinds or word counts, which the matches do not need.

    Parameters
    ----------
    doc_ids : list of str
        The units' ids (``unit_id`` of their matches).
    texts : list of str
        Their texts, in the same order.
    codebook : Codebook, path or None

    Returns
    -------
    pandas.DataFrame
    """
    from analysis.corpus import split_paragraphs
    from analysis.matches import code_themes as _code_themes

    unit_of, para_of, paragraph_texts = [], [], []
    for doc_id, text in zip(doc_ids, texts, strict=True):
        parts = split_paragraphs(text)
        unit_of += [doc_id] * len(parts)
        para_of += range(len(parts))
        paragraph_texts += parts
    found = _code_themes(paragraph_texts, codebook, cache=False)
    rows = found["row"].to_numpy(dtype=np.int64)
    found["unit_id"] = np.asarray(unit_of, dtype=object)[rows]
    found["para_id"] = np.asarray(para_of, dtype=np.int64)[rows]
    out = found[MATCH_COLUMNS].reset_index(drop=True).astype({"start": "int64", "end": "int64"})
    return out.astype({c: "str" for c in ("unit_id", "theme", "subframe", "rule", "match", "sentence")})


class _Clock:
    """Wall and CPU seconds of consecutive stages, into ``seconds[name]`` and ``seconds[name + "_cpu"]``."""

    def __init__(self, seconds: dict):
        self.seconds = seconds
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.seconds[name] = wall - self.wall
        self.seconds[name + "_cpu"] = cpu - self.cpu
        self.wall, self.cpu = wall, cpu


def process_chunk(files: list, fieldnames: list, rows: dict, codebook=None,
                  tokenize_options: dict | None = None, *, settle: bool = False) -> dict:
    """Load, tokenize, count and theme-code one chunk of pages (runs in a worker).

    Parameters
    ----------
    files : list of pathlib.Path
    fieldnames, rows
        From :func:`read_metadata_rows`.
    codebook : Codebook, path or None
    tokenize_options : dict or None
        Keyword arguments of :func:`analysis.text.tokenize`.
    settle : bool, default False
        First collect the garbage left by earlier chunks and freeze what survives
        (:func:`settle_heap`), timed with ``load``. For worker processes that this module owns
        (joblib's, shut down at the end of :func:`run`), not for a shared process.

    Returns
    -------
    dict
        ``units`` (articles, without texts), ``counts`` (CSR matrix, sorted vocabulary),
        ``matches``, ``seconds`` per stage (:data:`CHUNK_STAGES`: wall; with ``_cpu``: CPU
        seconds of the worker process), ``messages`` (loader
        warnings), ``digests`` (page text SHA-256 by file, for duplicates across chunks).
    """
    from analysis.text import count_matrix, tokenize_series

    seconds = {}
    clock = _Clock(seconds)
    if settle:
        settle_heap()
    digests = {}
    articles, messages = load_files(files, fieldnames, rows, digests=digests, related=False)
    articles = articles.reset_index(drop=True)
    clock.lap("load")
    texts = articles["text"].tolist()
    tokens = tokenize_series(texts, n_jobs=1, **(tokenize_options or {}))
    clock.lap("tokenize")
    X, vocabulary = count_matrix(tokens)
    del tokens
    counts = (X.astype(np.int32), vocabulary)
    clock.lap("count")
    matches = code_themes(articles["doc_id"].tolist(), texts, codebook).astype(
        {**{c: "category" for c in (*CATEGORY_COLUMNS, *TRANSIT_CATEGORY_COLUMNS)},
         **{c: "int32" for c in OFFSET_COLUMNS}})
    clock.lap("themes")
    return {
        "units": articles.drop(columns=list(DROPPED_UNIT_COLUMNS)),
        "counts": counts,
        "matches": matches,
        "seconds": seconds,
        "messages": messages,
        "digests": digests,
    }


def _process_task(task: tuple) -> dict:
    return process_chunk(*task)


def _process_task_settled(task: tuple) -> dict:
    """:func:`_process_task` in a worker process of our own: the heap settled first
    (:func:`settle_heap`), then the cyclic collector paused for the chunk (the garbage cycles a
    chunk leaves, if any, are collected when the next one settles the heap)."""
    from analysis.matching import collector_paused

    with collector_paused():
        return process_chunk(*task, settle=True)


def settle_heap() -> None:
    """Collect the garbage, then freeze what survives (:func:`gc.freeze`): later full collections
    skip it.

    A worker holds caches that grow with the pages it reads (words already checked, tokens,
    line kinds: hundreds of thousands of objects after 50,000 pages); each full collection of
    Python's cyclic collector walks them all, about 0.2 s every few chunks. Frozen, they are
    never walked again; garbage is collected first, so nothing that could be freed is kept.
    Objects frozen stay until the process ends, which is why only worker processes that
    :func:`run` starts and shuts down use it.
    """
    gc.collect()
    gc.freeze()


def warm_up(codebook=None, tokenize_options: dict | None = None) -> float:
    """Import and load, once per worker process, what every chunk needs; return the seconds.

    The loader's, the tokenizer's and the theme engine's modules, word lists, lexicon and the
    codebook's compiled plan, read by coding a sentence: what the first chunk of each worker
    would otherwise do first. :func:`run` starts it in the workers while the main process reads
    the metadata table; it changes no result (caches only).

    Parameters
    ----------
    codebook : Codebook, path or None
    tokenize_options : dict or None
    """
    start = time.perf_counter()
    from analysis.spacing import spacing_problems
    from analysis.text import tokenize

    sentence = "Le gouvernement lance la stratégie nationale sur l'intelligence artificielle souveraine."
    spacing_problems(sentence)
    tokenize(sentence, **(tokenize_options or {}))
    code_themes(["warm-up"], [sentence], codebook)
    settle_heap()
    return time.perf_counter() - start


# --------------------------------------------------------------------------------------------
# Merging
# --------------------------------------------------------------------------------------------

class CountMerger:
    """Stack count blocks as they arrive onto one vocabulary, sorted once at the end.

    Each block comes with its own vocabulary; its terms get ids in order of first sight (a dict
    lookup per term, no sort of the concatenated vocabularies), so that a chunk's vocabulary can
    be dropped as soon as it is added. A block is kept as its own column numbers (uint16 when its
    vocabulary has at most 65,536 terms, as a chunk of 2,000 pages has) with the map from them to
    the ids, and its counts in the smallest exact type (:func:`compact_counts`): about half the
    memory of int32 ids and counts while the chunks arrive. The result is the matrix over the
    sorted union, with sorted column indices: the same whatever the chunking.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> merger = CountMerger()
    >>> merger.add(sp.csr_matrix([[1, 2]]), ["b", "c"])
    >>> merger.add(sp.csr_matrix([[3, 4]]), ["a", "c"])
    >>> X, vocabulary = merger.result()
    >>> list(vocabulary), X.toarray().tolist()
    (['a', 'b', 'c'], [[0, 1, 2], [3, 0, 4]])
    """

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.data: list[np.ndarray] = []
        self.indices: list[np.ndarray] = []  # each block's own column numbers
        self.mappings: list[np.ndarray] = []  # each block's column number -> id
        self.row_nnz: list[np.ndarray] = []

    def add(self, X, terms) -> None:
        """Add a block: a count matrix (rows in order) and the terms of its columns."""
        X = X.tocsr()
        ids = self.ids
        # new terms get the next ids in order of first sight; then one look-up per term in C
        # (a Python-level setdefault per term cost about 1.5 s of the main process at 100,000 pages)
        new = dict.fromkeys(t for t in terms if t not in ids)
        ids.update(zip(new, range(len(ids), len(ids) + len(new))))
        mapping = np.fromiter(map(ids.__getitem__, terms), dtype=np.int32, count=len(terms))
        local = np.uint16 if len(terms) <= np.iinfo(np.uint16).max + 1 else np.int32
        self.data.append(compact_counts(X.data))
        self.indices.append(X.indices.astype(local))
        self.mappings.append(mapping)
        self.row_nnz.append(np.diff(X.indptr))

    def result(self) -> tuple:
        """The stacked matrix (int32 CSR, sorted indices) and its sorted vocabulary (object array)."""
        import scipy.sparse as sp

        terms = list(self.ids)
        order = sorted(range(len(terms)), key=terms.__getitem__)
        rank = np.empty(len(terms), dtype=np.int32)
        rank[order] = np.arange(len(terms), dtype=np.int32)
        vocabulary = np.empty(len(terms), dtype=object)
        vocabulary[:] = [terms[i] for i in order]
        row_nnz = np.concatenate(self.row_nnz) if self.row_nnz else np.zeros(0, dtype=np.int64)
        indptr = np.zeros(len(row_nnz) + 1, dtype=np.int64)
        np.cumsum(row_nnz, out=indptr[1:])
        data = np.concatenate(self.data, dtype=np.int32) if self.data else np.zeros(0, dtype=np.int32)
        self.data = []
        indices = np.empty(len(data), dtype=np.int32)
        start = 0
        for local, mapping in zip(self.indices, self.mappings):  # column numbers -> sorted ids
            np.take(rank[mapping], local, out=indices[start:start + len(local)])
            start += len(local)
        self.indices, self.mappings, self.row_nnz, self.ids = [], [], [], {}
        X = sp.csr_matrix((data, indices, indptr), shape=(len(row_nnz), len(terms)))
        X.sort_indices()
        return X, vocabulary


def compact_counts(data: np.ndarray) -> np.ndarray:
    """``data`` in the smallest of uint8, uint16 or int32 that holds all its values exactly.

    A block's counts wait in the main process until the last chunk has come; most counts of a
    term in one article are below 256, so they are held in a quarter of the memory (about 60 MB
    less at 100,000 pages) and widened back to int32 only when the blocks are stacked.

    Examples
    --------
    >>> compact_counts(np.array([1, 255], dtype=np.int32)).dtype
    dtype('uint8')
    >>> compact_counts(np.array([1, 256], dtype=np.int32)).dtype
    dtype('uint16')
    >>> compact_counts(np.array([-1, 70_000])).dtype
    dtype('int32')
    """
    if data.size and data.min() >= 0:
        top = int(data.max())
        for dtype in (np.uint8, np.uint16):
            if top <= np.iinfo(dtype).max:
                return data.astype(dtype)
    return data.astype(np.int32, copy=False)


def merge_counts(blocks: list) -> tuple:
    """Stack count blocks, each over its own vocabulary, onto their sorted union.

    Parameters
    ----------
    blocks : list of (scipy.sparse matrix, sequence of str)
        Count matrices in row order with the terms of their columns. The list is emptied as
        the blocks are added, so that they are not held twice.

    Returns
    -------
    X : scipy.sparse.csr_matrix of int32
        Rows in block order, columns in sorted vocabulary order, column indices sorted.
    vocabulary : numpy.ndarray of str (dtype object)
    """
    merger = CountMerger()
    while blocks:
        merger.add(*blocks.pop(0))
    return merger.result()


def _drop_rows(X, keep: np.ndarray):
    return X[np.flatnonzero(keep)] if not keep.all() else X


def merge_chunks(results, *, progress=None) -> tuple:
    """Fold chunk results (in chunk order) into the result's parts.

    A page whose text equals a page of an earlier chunk is dropped with a
    :class:`CorpusWarning`, as the loader does within a folder.

    Returns
    -------
    blocks : CountMerger
        The chunks' counts, added as they came.
    units : list of pandas.DataFrame
    matches : list of pandas.DataFrame
    seconds : dict
    """
    seen = {}
    blocks, units, matches = CountMerger(), [], []
    seconds = dict.fromkeys([*CHUNK_STAGES, *(name + "_cpu" for name in CHUNK_STAGES)], 0.0)
    for result in results:
        for message in result["messages"]:
            warnings.warn(message, CorpusWarning, stacklevel=3)
        chunk_units = result["units"]
        X, vocabulary = result["counts"]
        chunk_matches = result["matches"]
        keep = np.ones(len(chunk_units), dtype=bool)
        for k, name in enumerate(chunk_units["source_file"]):
            digest = result["digests"][name]
            if digest in seen:
                keep[k] = False
                warnings.warn(f"{name}: duplicate: same text as {seen[digest]}; loaded once, from "
                              f"{seen[digest]}", CorpusWarning, stacklevel=3)
            else:
                seen[digest] = name
        if not keep.all():
            chunk_matches = chunk_matches[chunk_matches["unit_id"].isin(set(chunk_units["doc_id"][keep]))]
            chunk_units, X = chunk_units[keep], _drop_rows(X, keep)
        blocks.add(X, vocabulary)
        units.append(chunk_units)
        matches.append(chunk_matches)
        for name in seconds:
            seconds[name] += result["seconds"][name]
        del X, vocabulary, result  # the chunk's counts live on in ``blocks`` only
        if progress is not None:
            progress.update(1)
    return blocks, units, matches, seconds


def _concat(frames: list, columns) -> pd.DataFrame:
    frames = [f for f in frames if len(f)] or frames[:1]
    if not frames:
        return pd.DataFrame(columns=list(columns))
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------------
# Backends
# --------------------------------------------------------------------------------------------

def _run_joblib(tasks: list, n_jobs: int):
    """Chunk results in order, from joblib's worker processes, which are shut down at the end.

    joblib keeps its worker processes for the next call; each holds its imports and caches (about
    half a gigabyte after 50,000 pages), which the merge, TF-IDF and topic models that follow a
    run would have to share the machine with. A later run starts new ones (about a second).
    """
    from joblib import Parallel, delayed

    try:
        yield from Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(_process_task_settled)(t) for t in tasks)
    finally:
        shut_down_workers()


def shut_down_workers() -> None:
    """Stop joblib's reusable worker processes (a later call starts new ones); their caches and
    heaps go with them. :func:`run` calls it when its joblib chunks are done."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


class _WarmUp(threading.Thread):
    """Start joblib's workers and :func:`warm_up` them, from a thread, while the caller goes on.

    ``seconds`` holds the workers' warm-up seconds once :meth:`join` returns (empty if it
    failed: a chunk then loads what it needs itself, as without a warm-up).
    """

    def __init__(self, n_jobs: int, codebook, tokenize_options):
        super().__init__(daemon=True)
        self.args = (n_jobs, codebook, tokenize_options)
        self.seconds: list = []

    def run(self) -> None:
        from joblib import Parallel, delayed

        n_jobs, codebook, tokenize_options = self.args
        try:
            self.seconds = Parallel(n_jobs=n_jobs)(
                delayed(warm_up)(codebook, tokenize_options) for _ in range(n_jobs))
        except Exception:  # noqa: BLE001 - a failed warm-up only costs the time it saves
            self.seconds = []


def _dask_client(client, n_jobs: int):
    """A ``distributed.Client``, and the objects this function opened (to close afterwards)."""
    from distributed import Client, LocalCluster

    if client is None:
        cluster = LocalCluster(n_workers=max(1, n_jobs), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        return client, [client, cluster]
    if isinstance(client, str):
        client = Client(client)
        return client, [client]
    return client, []


def _run_dask(tasks: list, client, n_jobs: int):
    """Chunk results in order, computed as a ``dask.bag`` (one partition per chunk) on a client."""
    import dask.bag as db

    bag = db.from_sequence(tasks, npartitions=max(1, len(tasks))).map(_process_task)
    client, opened = _dask_client(client, n_jobs)
    try:
        futures = client.compute(bag.to_delayed())
        for k, future in enumerate(futures):
            partition = future.result()
            futures[k] = None  # release the result on the cluster
            yield from partition
    finally:
        for thing in opened:
            thing.close()


# --------------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------------

def effective_n_jobs(n_jobs: int) -> int:
    """Worker processes for ``n_jobs`` as joblib reads it: -1 all cores, -2 all but one...

    Raises
    ------
    ValueError
        For ``n_jobs == 0``.
    """
    if n_jobs == 0:
        raise ValueError("n_jobs must not be 0 (1 runs here, -1 uses every core)")
    return n_jobs if n_jobs > 0 else max(1, (os.cpu_count() or 1) + 1 + n_jobs)


def run(source, *, metadata=METADATA, codebook=None, chunk_size: int = 2000, n_jobs: int = 2,
        scheduler: str = "joblib", client=None, out_dir=None, progress: bool = False,
        tokenize_options: dict | None = None) -> PipelineResult:
    """Run load → tokenize → count → code themes over ``source`` in chunks of pages.

    Parameters
    ----------
    source : path-like or sequence of path-like
        A folder of ``*.txt`` pages, or a list of page files (:func:`list_pages`).
    metadata : path-like or None, default :data:`analysis.paths.METADATA`
        Metadata table (one row per file), or None.
    codebook : Codebook, path or None
        Theme codebook; None reads :data:`analysis.paths.CODEBOOK`.
    chunk_size : int, default 2000
        Pages per chunk, at most: fewer when that gives each of ``n_jobs`` workers a chunk, and a
        long stream ends in chunks a quarter of that size (:func:`chunk_files`).
    n_jobs : int, default 2
        Worker processes for joblib, and for the ``LocalCluster`` started for Dask (-1: one per
        core).
    scheduler : {"joblib", "dask", "serial"}
    client : distributed.Client, str or None
        Dask only: a client, or a scheduler address; None starts a ``LocalCluster`` of
        ``n_jobs`` single-threaded worker processes and closes it at the end.
    out_dir : path-like or None
        If given, the result is written there by :func:`write_result`.
    progress : bool, default False
        A tqdm bar over chunks on stderr (for the command line; leave off in notebooks).
    tokenize_options : dict or None
        Keyword arguments of :func:`analysis.text.tokenize` (default options otherwise).

    Returns
    -------
    PipelineResult
        The same whatever ``chunk_size``, ``n_jobs`` and ``scheduler``.

    Raises
    ------
    CorpusError
        When the source or the metadata table cannot be read.
    ValueError
        For an unknown scheduler or a bad chunk size.

    Examples
    --------
    >>> from analysis.paths import SEED_RAW, SEED_METADATA
    >>> result = run(SEED_RAW, metadata=SEED_METADATA, scheduler="serial")
    >>> result.dtm.shape[0] == len(result.units) == 5
    True
    """
    if scheduler not in SCHEDULERS:
        raise ValueError(f"scheduler must be one of {', '.join(SCHEDULERS)}, not {scheduler!r}")
    n_jobs = effective_n_jobs(n_jobs)
    start = time.perf_counter()
    files = list_pages(source)
    warm = None
    if scheduler == "joblib" and n_jobs > 1 and files:
        # the workers start and load while the metadata table is read
        warm = _WarmUp(n_jobs, codebook, tokenize_options)
        warm.start()
    try:
        fieldnames, rows = read_metadata_rows(metadata)
    except BaseException:
        if warm is not None:
            warm.join()
            shut_down_workers()
        raise
    if warm is not None:
        warm.join()
    listed = set(rows) - {p.name for p in files}
    if isinstance(source, (str, os.PathLike)):
        for name in sorted(listed):
            warnings.warn(f"{metadata}: metadata lists {name}, which is not in {source}", CorpusWarning,
                          stacklevel=2)
    workers = 1 if scheduler == "serial" else n_jobs
    chunks = chunk_files(files, chunk_size, workers)
    tasks = [(chunk, fieldnames, {p.name: rows[p.name] for p in chunk if p.name in rows}, codebook,
              tokenize_options) for chunk in chunks]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(tasks), desc=f"{len(files):,} pages", unit="chunk", file=sys.stderr)
    try:
        if scheduler == "serial" or (scheduler == "joblib" and n_jobs == 1):
            results = map(_process_task, tasks)
        elif scheduler == "joblib":
            results = _run_joblib(tasks, n_jobs)
        else:
            results = _run_dask(tasks, client, n_jobs)
        blocks, units, matches, timings = merge_chunks(results, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    timings["stream"] = time.perf_counter() - start
    timings["warm_up"] = sum(warm.seconds) if warm is not None else 0.0
    merge_start = time.perf_counter()
    dtm, vocabulary = blocks.result()
    del blocks
    units = _concat(units, ())
    matches = concat_matches(matches)
    trim_heap()
    result = PipelineResult(dtm=dtm, vocabulary=vocabulary, units=units, matches=matches, timings=timings,
                            n_chunks=len(chunks))
    timings["merge"] = time.perf_counter() - merge_start
    write_start = time.perf_counter()
    if out_dir is not None:
        write_result(result, out_dir)
    timings["write"] = time.perf_counter() - write_start
    timings["total"] = time.perf_counter() - start
    return result


def trim_heap() -> bool:
    """Give the C heap's free memory back to the system (glibc's ``malloc_trim``); True if it did.

    The merge frees the chunks' many small arrays; glibc keeps such memory in the process for
    reuse, so that without this the main process would hold about 280 MB it no longer uses after
    a run of 100,000 pages (what Dask's workers do for the same reason). A no-op returning
    False where there is no glibc (macOS, Windows, musl).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False


def concat_matches(frames: list) -> pd.DataFrame:
    """Concatenate matches tables; :data:`CATEGORY_COLUMNS` become categories in sorted order.

    The categories of each chunk are united (no detour through Python strings) and sorted, so
    that the table is the same whatever the chunks; :data:`OFFSET_COLUMNS` are int64, whatever
    integer type the frames hold them in, and :data:`TRANSIT_CATEGORY_COLUMNS` strings, whether the
    frames hold them as strings or categories.
    """
    from pandas.api.types import union_categoricals

    frames = [f for f in frames if len(f)]
    if not frames:
        empty = pd.DataFrame({c: pd.Series([], dtype="str") for c in MATCH_COLUMNS})
        return empty.astype({**{c: "int64" for c in OFFSET_COLUMNS}, **{c: "category" for c in CATEGORY_COLUMNS}})
    columns = {}
    for column in MATCH_COLUMNS:  # every column is an offset, a category or a transit category
        parts = [f[column] for f in frames]
        if column in OFFSET_COLUMNS:
            columns[column] = pd.Series(np.concatenate([p.to_numpy() for p in parts], dtype=np.int64))
            continue
        # a category column's categories sorted as they are united (recoding the values once:
        # sorting afterwards recoded a million sentences again at 100,000 pages)
        united = union_categoricals([p.astype("category") for p in parts], ignore_order=True,
                                    sort_categories=column in CATEGORY_COLUMNS)
        del parts
        if column in CATEGORY_COLUMNS:
            columns[column] = united.remove_unused_categories()
        elif (united.codes >= 0).all():  # the categories taken by code: no Python string made
            columns[column] = pd.Series(united.categories.take(united.codes), copy=False)
        else:
            columns[column] = pd.Series(united).astype("str")
    return pd.DataFrame(columns, columns=MATCH_COLUMNS)


# --------------------------------------------------------------------------------------------
# Writing and reading the outputs
# --------------------------------------------------------------------------------------------

def write_result(result: PipelineResult, out_dir) -> dict[str, Path]:
    """Write ``units.parquet``, ``matches.parquet``, ``dtm.npz`` and ``vocabulary.txt``.

    Parameters
    ----------
    result : PipelineResult
    out_dir : path-like
        Created if missing; the four files are replaced.

    Returns
    -------
    dict of str to pathlib.Path
        Path of each part (keys of :data:`OUTPUT_FILES`).
    """
    import scipy.sparse as sp

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {part: out_dir / name for part, name in OUTPUT_FILES.items()}
    result.units.to_parquet(paths["units"], index=False)
    result.matches.to_parquet(paths["matches"], index=False)
    sp.save_npz(paths["dtm"], result.dtm, compressed=True)
    with open(paths["vocabulary"], "w", encoding="utf-8", newline="\n") as f:
        f.writelines(term + "\n" for term in result.vocabulary)
    return paths


def read_result(out_dir) -> PipelineResult:
    """Read back what :func:`write_result` wrote (``timings`` empty).

    Parameters
    ----------
    out_dir : path-like

    Returns
    -------
    PipelineResult

    Raises
    ------
    CorpusError
        When a file is missing or the matrix and the vocabulary or units disagree.
    """
    import scipy.sparse as sp

    out_dir = Path(out_dir)
    for name in OUTPUT_FILES.values():
        if not (out_dir / name).is_file():
            raise CorpusError(f"{out_dir / name}: pipeline output not found")
    dtm = sp.load_npz(out_dir / OUTPUT_FILES["dtm"]).tocsr()
    with open(out_dir / OUTPUT_FILES["vocabulary"], encoding="utf-8", newline="\n") as f:
        vocabulary = np.array(f.read().split("\n")[:-1], dtype=object)
    units = pd.read_parquet(out_dir / OUTPUT_FILES["units"])
    matches = pd.read_parquet(out_dir / OUTPUT_FILES["matches"])
    if dtm.shape != (len(units), len(vocabulary)):
        raise CorpusError(f"{out_dir / OUTPUT_FILES['dtm']}: shape {dtm.shape} does not match "
                          f"{len(units)} units and {len(vocabulary)} terms")
    return PipelineResult(dtm=dtm, vocabulary=vocabulary, units=units, matches=matches, timings={},
                          n_chunks=0)

