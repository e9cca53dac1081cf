"""Time the pipeline on synthetic corpora of growing size against two reference pipelines.

Usage::

    python -m benchmarks.run --sizes 1000 10000 100000      # make bench
    python -m benchmarks.run --sizes 100 --no-save           # make bench-smoke

For each size the corpus is written (or reused) by :func:`benchmarks.synth.write_corpus`; then two
fresh subprocesses run, so that peak memory is measured from a clean start:

1. **ours** (:func:`run_ours`): chunks of pages go to joblib workers, each of which loads and
   parses them (``analysis.corpus.load_corpus``), tokenizes and lemmatizes the articles
   (``analysis.text.tokenize_series``), counts the tokens and codes themes
   (``analysis.themes.count_themes``); the main process merges the counts, computes TF-IDF and
   fits NMF with k = 20 (``analysis.topics.fit_topics``, ``init="nndsvda"``, ``random_state=0``);
2. **the same task three ways** (:func:`run_references`), tokenize + TF-IDF of the same article
   texts: ours (``analysis.text.document_term_matrix``), (a) scikit-learn's default
   ``TfidfVectorizer`` on the raw text, (b) a naive notebook pipeline with NLTK
   (``word_tokenize(..., preserve_line=True)``, Snowball ``FrenchStemmer`` per token, our stopword
   list, ``TfidfVectorizer(analyzer=lambda x: x)``), run on an evenly spaced subsample when there
   are more than ``--nltk-max-docs`` texts (time then extrapolated linearly, and flagged).

Theme coding runs on at most ``--themes-max-docs`` evenly spaced articles, its time extrapolated
linearly to all of them (flagged). Peak memory is the largest resident set size of the subprocess
and all its descendants (joblib workers included), sampled every 20 ms from ``/proc``; the kernel's
high-water mark of the main process (``VmHWM``) is reported beside it. Results go to
``benchmarks/results/<date>.json`` with a scaling figure ``benchmarks/results/scaling.png``;
pass/fall-short lines for the targets are printed at the end.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import pickle
import platform
import shutil
import subprocess
import sys
import threading
import time
import warnings
from contextlib import contextmanager
from importlib import metadata as importlib_metadata
from pathlib import Path

from analysis.paths import BENCHMARKS

from benchmarks.synth import METADATA_COLUMNS, corpus_dir, write_corpus

RESULTS = BENCHMARKS / "results"
#: Stages run by the workers of our pipeline (their times are summed over chunks).
WORKER_STAGES = ("load", "tokenize", "count", "themes")
#: Packages whose versions are recorded with the results.
PACKAGES = ("numpy", "scipy", "pandas", "scikit-learn", "nltk", "simplemma", "joblib", "wordfreq",
            "tqdm", "matplotlib")
#: Targets on the largest corpus (issue 6).
TARGETS = {
    "ours_vs_sklearn_max": 1.5,
    "nltk_vs_ours_min": 5.0,
    "end_to_end_max_seconds": 120.0,
    "peak_memory_max_mib": 2048.0,
    "memory_growth_10x_max": 3.0,
}


# --------------------------------------------------------------------------------------------
# Measuring: memory of a process tree, time per stage, machine
# --------------------------------------------------------------------------------------------

def _status_kib(pid, field):
    """Value in KiB of ``field`` (``VmRSS``, ``VmHWM``) in ``/proc/<pid>/status``, 0 if gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid):
    """Process ids of every descendant of ``pid`` (from ``/proc/<pid>/task/*/children``)."""
    found, stack = [], [pid]
    while stack:
        parent = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as f:
                    children = [int(c) for c in f.read().split()]
            except OSError:
                continue
            found += children
            stack += children
    return found


def tree_rss_mib(pid=None):
    """Resident memory in MiB of process ``pid`` (default: this one) plus all its descendants.

    Shared pages (libraries mapped by several workers) are counted once per process, so this
    is an upper bound on the memory the tree really holds.
    """
    pid = os.getpid() if pid is None else pid
    return sum(_status_kib(p, "VmRSS") for p in [pid] + descendants(pid)) / 1024


def hwm_mib():
    """Peak resident memory in MiB of this process since it started (``VmHWM``)."""
    return _status_kib(os.getpid(), "VmHWM") / 1024


class MemorySampler:
    """Background thread sampling :func:`tree_rss_mib` every ``interval`` seconds; keeps the peak.

    Use as a context manager; :meth:`reset` starts a new peak (at the current value).
    """

    def __init__(self, interval=0.02):
        self.interval = interval
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self):
        """Take one sample now; return it."""
        value = tree_rss_mib()
        self.peak = max(self.peak, value)
        return value

    def reset(self):
        """Start a new peak from the current memory."""
        self.peak = 0.0
        self.sample()

    def __enter__(self):
        self.reset()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sample()


class StageTimer:
    """Wall time and peak memory of named stages, measured with a :class:`MemorySampler`."""

    def __init__(self, sampler):
        self.sampler = sampler
        self.stages = {}
        self.peak_rss_mib = 0.0

    @contextmanager
    def stage(self, name):
        """Time the block as stage ``name``: ``seconds``, ``peak_rss_mib`` (process tree)."""
        self.sampler.reset()
        start = time.perf_counter()
        yield
        seconds = time.perf_counter() - start
        self.sampler.sample()
        self.stages[name] = {"seconds": round(seconds, 3), "peak_rss_mib": round(self.sampler.peak, 1)}
        self.peak_rss_mib = max(self.peak_rss_mib, self.sampler.peak)


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def _git_commit():
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BENCHMARKS.parent,
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine_info():
    """CPU model, cores, memory, OS, Python and package versions, git commit of the code measured."""
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = importlib_metadata.version(package)
        except importlib_metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _mem_total_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "git_commit": _git_commit(),
    }


def _busy_cpu_seconds():
    """CPU seconds spent busy by the whole machine since boot (``/proc/stat``)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------------
# Our pipeline: stage functions, and the chunked, parallel run that strings them together
# --------------------------------------------------------------------------------------------

def warm_imports():
    """Import every module the timed stages use, so that import time is not counted in a stage."""
    import importlib

    for name in ("numpy", "scipy.sparse", "pandas", "sklearn.feature_extraction.text",
                 "sklearn.decomposition", "joblib", "nltk", "nltk.stem.snowball", "analysis.corpus",
                 "analysis.text", "analysis.topics", "analysis.themes"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def read_metadata_rows(path):
    """Rows of a ``metadata.csv`` as dicts, keyed by ``file`` (plain ``csv``, all values str)."""
    with open(path, newline="", encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


def _link(source, target):
    """Hard-link ``source`` as ``target`` (a symbolic link across file systems).

    Hard links cost about 0.03 ms here, symbolic links about 1 ms: at 100,000 pages the
    difference is close to two minutes of worker time.
    """
    try:
        os.link(source, target)
    except OSError:
        os.symlink(source, target)


def load_pages(raw_dir, metadata, files=None, scratch=None):
    """Load and parse pages with :func:`analysis.corpus.load_corpus`; all of ``raw_dir`` or ``files``.

    ``load_corpus`` reads a whole folder; to load one chunk of a large corpus, the chunk's
    files are linked (hard links) into a scratch folder with their own metadata rows, loaded,
    and the scratch folder is removed.

    Parameters
    ----------
    raw_dir : path-like
        Folder of pages.
    metadata : path-like or dict
        ``metadata.csv``, or (with ``files``) its rows from :func:`read_metadata_rows`.
    files : list of str or None
        File names to load; None loads the whole folder.
    scratch : path-like or None
        Scratch folder for a chunk (created, then removed); required with ``files``.

    Returns
    -------
    units : pandas.DataFrame
        The units table of ``load_corpus``.
    n_warnings : int
        Loader warnings (a synthetic page should give none).
    """
    from analysis.corpus import load_corpus

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if files is None:
            units = load_corpus(Path(raw_dir), Path(metadata), on_error="warn")
        else:
            scratch = Path(scratch)
            (scratch / "raw").mkdir(parents=True)
            source = Path(raw_dir).resolve()
            try:
                for name in files:
                    _link(source / name, scratch / "raw" / name)
                with open(scratch / "metadata.csv", "w", newline="", encoding="utf-8") as f:
                    writer = csv.DictWriter(f, fieldnames=METADATA_COLUMNS, lineterminator="\n")
                    writer.writeheader()
                    writer.writerows(metadata[name] for name in files if name in metadata)
                units = load_corpus(scratch / "raw", scratch / "metadata.csv", on_error="warn")
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
    return units, len(caught)


def article_texts(units):
    """Texts of the article units: the documents every stage and reference works on."""
    return units.loc[units["kind"] == "article", "text"].tolist()


def stage_tokenize(texts, n_jobs=1):
    """Tokenize and lemmatize with :func:`analysis.text.tokenize_series` (default options)."""
    from analysis.text import tokenize_series

    return tokenize_series(texts, n_jobs=n_jobs)


def count_matrix(token_lists):
    """Count tokens into a sparse document-term matrix, columns in order of first appearance.

    Parameters
    ----------
    token_lists : list of list of str

    Returns
    -------
    X : scipy.sparse.csr_matrix of int32, shape (n_docs, n_terms)
    vocabulary : list of str
        Term of each column.
    """
    import numpy as np
    import scipy.sparse as sp

    vocabulary = {}
    setdefault = vocabulary.setdefault
    cols = np.fromiter((setdefault(t, len(vocabulary)) for doc in token_lists for t in doc), dtype=np.int64)
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    rows = np.repeat(np.arange(len(token_lists)), lengths)
    X = sp.csr_matrix((np.ones(len(cols), dtype=np.int32), (rows, cols)),
                      shape=(len(token_lists), len(vocabulary)))
    X.sum_duplicates()
    return X, list(vocabulary)


def merge_counts(blocks):
    """Stack count matrices whose columns follow their own vocabularies; sort the vocabulary.

    Parameters
    ----------
    blocks : list of (scipy.sparse.csr_matrix, list of str)
        Output of :func:`count_matrix` per chunk, in document order. The list is emptied as
        the blocks are copied into the result, so that they are not held twice.

    Returns
    -------
    X : scipy.sparse.csr_matrix of int32
        Rows in block order, columns in sorted vocabulary order (as ``CountVectorizer``).
    vocabulary : numpy.ndarray of str (dtype object)
    """
    import numpy as np
    import scipy.sparse as sp

    index = {}
    setdefault = index.setdefault
    mappings = [np.fromiter((setdefault(t, len(index)) for t in terms), dtype=np.int64, count=len(terms))
                for _, terms in blocks]
    vocabulary = np.array(list(index), dtype=object)
    order = np.argsort(vocabulary, kind="stable")
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    n_rows = sum(X.shape[0] for X, _ in blocks)
    nnz = sum(X.nnz for X, _ in blocks)
    data = np.empty(nnz, dtype=np.int32)
    indices = np.empty(nnz, dtype=np.int32)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    row = pos = 0
    for mapping in mappings:
        X, _ = blocks.pop(0)
        data[pos:pos + X.nnz] = X.data
        indices[pos:pos + X.nnz] = rank[mapping][X.indices]
        indptr[row + 1:row + X.shape[0] + 1] = X.indptr[1:] + pos
        row += X.shape[0]
        pos += X.nnz
    X = sp.csr_matrix((data, indices, indptr), shape=(n_rows, len(vocabulary)))
    X.sort_indices()
    return X, vocabulary[order]


def stage_tfidf(counts):
    """scikit-learn's default TF-IDF of a count matrix (smooth idf, l2 rows), as
    ``analysis.text.document_term_matrix(texts, weighting="tfidf")`` computes it."""
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer().fit_transform(counts).tocsr()


def stage_nmf(X, vocabulary, n_components=20, max_iter=50, min_df=5, random_state=0):
    """NMF with :func:`analysis.topics.fit_topics` (scikit-learn, ``init="nndsvda"``, cd solver).

    The model is fitted on the columns of terms found in at least ``min_df`` documents (rarer
    terms carry no topic and only cost time), in float32 (scikit-learn's NMF keeps float32:
    half the memory traffic of float64); ``max_iter`` is kept modest and convergence warnings
    are recorded, not shown.

    Returns
    -------
    fit : analysis.topics.TopicFit
    info : dict
        ``n_iter``, ``converged``, ``n_terms`` (columns used).
    """
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning

    from analysis.topics import fit_topics

    keep = np.flatnonzero(np.bincount(X.indices, minlength=X.shape[1]) >= min_df)
    X = X.astype(np.float32)[:, keep]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = fit_topics(X, np.asarray(vocabulary)[keep], n_components=n_components,
                         method="nmf", random_state=random_state, init="nndsvda", max_iter=max_iter)
    n_iter = int(fit.estimator.n_iter_)
    return fit, {"n_iter": n_iter, "converged": n_iter < max_iter, "n_terms": int(len(keep))}


def stage_themes(texts):
    """Theme counts per text with :func:`analysis.themes.count_themes`."""
    import pandas as pd

    from analysis.themes import count_themes

    return count_themes(pd.Series(texts))


def process_chunk(chunk_id, files, metadata_rows, raw_dir, scratch, texts_dir=None, theme_share=1.0):
    """Load, tokenize, count and theme-code one chunk of pages (runs in a worker process).

    Parameters
    ----------
    chunk_id : int
    files : list of str
        Page files of the chunk.
    metadata_rows : dict
        Metadata rows by file (:func:`read_metadata_rows`).
    raw_dir : path-like
    scratch : path-like
        Scratch folder for :func:`load_pages`.
    texts_dir : path-like or None
        If given, the chunk's article texts are pickled there (for the reference pipelines).
    theme_share : float, default 1.0
        Share of the articles that are theme-coded (evenly spaced); 1 codes all of them.

    Returns
    -------
    dict
        ``counts`` (matrix, vocabulary), ``seconds`` per stage (``load``, ``tokenize``,
        ``count``, ``themes``), ``n_articles``, ``related_ids``, ``n_words``, ``n_tokens``,
        ``theme_matches``, ``theme_docs`` (articles coded), ``n_warnings``.
    """
    seconds = {}
    start = time.perf_counter()
    units, n_warnings = load_pages(raw_dir, metadata_rows, files=files, scratch=scratch)
    texts = article_texts(units)
    seconds["load"] = time.perf_counter() - start
    start = time.perf_counter()
    token_lists = stage_tokenize(texts, n_jobs=1)
    seconds["tokenize"] = time.perf_counter() - start
    start = time.perf_counter()
    counts = count_matrix(token_lists)
    seconds["count"] = time.perf_counter() - start
    start = time.perf_counter()
    coded = evenly_spaced(texts, max(1, round(theme_share * len(texts)))) if theme_share < 1 else texts
    theme_counts = stage_themes(coded)
    seconds["themes"] = time.perf_counter() - start
    if texts_dir is not None:
        with open(Path(texts_dir) / f"{chunk_id:05d}.pkl", "wb") as f:
            pickle.dump(texts, f, protocol=pickle.HIGHEST_PROTOCOL)
    articles = units["kind"] == "article"
    return {
        "counts": counts,
        "seconds": seconds,
        "n_articles": int(articles.sum()),
        "related_ids": units.loc[~articles, "doc_id"].tolist(),
        "n_words": int(units.loc[articles, "n_words"].sum()),
        "n_tokens": int(sum(map(len, token_lists))),
        "theme_matches": int(theme_counts.to_numpy().sum()),
        "theme_docs": len(coded),
        "n_warnings": n_warnings,
    }


def chunk_files(raw_dir, chunk_size, n_jobs=1):
    """The ``*.txt`` files of ``raw_dir`` in name order (the loader's order), in chunks.

    Chunks hold ``chunk_size`` files, or fewer when that gives each of ``n_jobs`` workers one.
    """
    files = sorted(p.name for p in Path(raw_dir).iterdir() if p.suffix == ".txt")
    size = max(1, min(chunk_size, -(-len(files) // max(1, n_jobs))))
    return [files[i:i + size] for i in range(0, len(files), size)]


def run_ours(corpus, *, n_jobs=2, chunk_size=2000, n_components=20, max_iter=50, nmf_min_df=5,
             random_state=0, themes_max_docs=None, texts_dir=None, progress=False):
    """Run and time our pipeline on ``corpus``, chunk by chunk over ``n_jobs`` worker processes.

    Each worker loads a chunk of pages, tokenizes and lemmatizes its articles, counts their
    tokens and codes their themes, and returns only the counts (texts and tokens never
    accumulate, so memory follows the vocabulary and the document-term matrix rather than
    the corpus). The main process merges the counts, computes TF-IDF and fits NMF.

    Parameters
    ----------
    corpus : path-like
        Folder written by :func:`benchmarks.synth.write_corpus` (``raw/``, ``metadata.csv``).
    n_jobs : int, default 2
        Worker processes (joblib); 1 runs every chunk in this process.
    chunk_size : int, default 2000
        Pages per chunk.
    n_components, max_iter, nmf_min_df, random_state : int
        NMF settings (:func:`stage_nmf`).
    themes_max_docs : int or None
        Theme-code about this many articles (evenly spaced in every chunk) and extrapolate the
        time of that stage linearly to all articles; None codes every article.
    texts_dir : path-like or None
        Folder where the article texts are pickled per chunk, for the references.
    progress : bool, default False
        tqdm progress bar over chunks, on stderr.

    Returns
    -------
    dict
        ``stages``: wall ``seconds`` and ``peak_rss_mib`` of ``stream`` (the parallel part),
        ``tfidf`` (merge and TF-IDF) and ``nmf``; ``worker_seconds``: seconds of ``load``,
        ``tokenize``, ``count`` and ``themes`` summed over chunks (``themes`` extrapolated to
        all articles when sampled); ``end_to_end_seconds`` (wall; when themes were sampled, the
        measured wall plus the extrapolated remainder of theme coding shared by the workers)
        and ``end_to_end_seconds_measured``; ``themes`` (``docs_coded``, ``extrapolated``,
        ``worker_seconds_measured``); ``peak_rss_mib`` (process tree) and ``hwm_mib`` (main
        process); ``n_articles``, ``n_related``, ``n_words``, ``n_tokens``,
        ``vocabulary_size``, ``nnz``, ``nmf``, ``theme_matches`` (in the coded articles),
        ``n_chunks``, ``n_jobs``, ``loader_warnings``.
    """
    warm_imports()
    corpus = Path(corpus)
    raw_dir = corpus / "raw"
    chunks = chunk_files(raw_dir, chunk_size, n_jobs)
    metadata_rows = read_metadata_rows(corpus / "metadata.csv")
    scratch = corpus / "chunks"
    n_files = sum(map(len, chunks))
    theme_share = 1.0 if not themes_max_docs else min(1.0, themes_max_docs / max(1, n_files))
    tasks = [(k, files, {f: metadata_rows[f] for f in files if f in metadata_rows}, raw_dir,
              scratch / f"{k:05d}", texts_dir, theme_share) for k, files in enumerate(chunks)]
    totals = dict.fromkeys(WORKER_STAGES, 0.0)
    blocks, related = [], set()
    counters = dict.fromkeys(("n_articles", "n_words", "n_tokens", "theme_matches", "theme_docs", "n_warnings"), 0)
    with MemorySampler() as sampler:
        timer = StageTimer(sampler)
        start = time.perf_counter()
        with timer.stage("stream"):
            if n_jobs == 1:
                results = (process_chunk(*task) for task in tasks)
            else:
                from joblib import Parallel, delayed

                results = Parallel(n_jobs=n_jobs, return_as="generator")(
                    delayed(process_chunk)(*task) for task in tasks)
            if progress:
                from tqdm import tqdm

                results = tqdm(results, total=len(tasks), desc="pages", unit="chunk", file=sys.stderr)
            for result in results:
                blocks.append(result["counts"])
                related.update(result["related_ids"])
                for name in totals:
                    totals[name] += result["seconds"][name]
                for name in counters:
                    counters[name] += result[name]
            if n_jobs != 1:  # the workers are not needed any more: free their memory
                from joblib.externals.loky import get_reusable_executor

                get_reusable_executor().shutdown(wait=True)
        with timer.stage("tfidf"):
            counts, vocabulary = merge_counts(blocks)
            del blocks
            X = stage_tfidf(counts)
            del counts
        with timer.stage("nmf"):
            _, nmf_info = stage_nmf(X, vocabulary, n_components=n_components, max_iter=max_iter,
                                    min_df=nmf_min_df, random_state=random_state)
        end_to_end = time.perf_counter() - start
    themes_measured = totals["themes"]
    sampled = counters["theme_docs"] < counters["n_articles"]
    if sampled:
        totals["themes"] = themes_measured * counters["n_articles"] / max(1, counters["theme_docs"])
    workers = min(n_jobs, len(tasks))
    return {
        "stages": timer.stages,
        "worker_seconds": {name: round(value, 3) for name, value in totals.items()},
        "end_to_end_seconds": round(end_to_end + (totals["themes"] - themes_measured) / workers, 3),
        "end_to_end_seconds_measured": round(end_to_end, 3),
        "themes": {"docs_coded": counters["theme_docs"], "extrapolated": sampled,
                   "worker_seconds_measured": round(themes_measured, 3)},
        "peak_rss_mib": round(timer.peak_rss_mib, 1),
        "hwm_mib": round(hwm_mib(), 1),
        "n_articles": counters["n_articles"],
        "n_related": len(related),
        "n_words": counters["n_words"],
        "n_tokens": counters["n_tokens"],
        "vocabulary_size": int(len(vocabulary)),
        "nnz": int(X.nnz),
        "nmf": nmf_info,
        "theme_matches": counters["theme_matches"],
        "n_chunks": len(tasks),
        "n_jobs": n_jobs,
        "loader_warnings": counters["n_warnings"],
    }


# --------------------------------------------------------------------------------------------
# The same task three ways: ours (document_term_matrix), (a) sklearn, (b) NLTK notebook
# --------------------------------------------------------------------------------------------

def ours_document_term_matrix(texts, n_jobs=2):
    """Our tokenize + TF-IDF in one call: ``analysis.text.document_term_matrix(texts, weighting="tfidf")``."""
    from analysis.text import document_term_matrix

    return document_term_matrix(texts, weighting="tfidf", n_jobs=n_jobs)


def reference_sklearn(texts):
    """Reference (a): scikit-learn's default ``TfidfVectorizer`` on the raw text.

    Returns
    -------
    scipy.sparse.csr_matrix, numpy.ndarray
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer()
    X = vectorizer.fit_transform(texts)
    return X, vectorizer.get_feature_names_out()


def reference_nltk(texts, stopwords):
    """Reference (b): the naive notebook pipeline with NLTK, one document and one token at a time.

    ``nltk.word_tokenize(doc, language="french", preserve_line=True)`` (with ``preserve_line``
    there is no sentence splitting, hence no Punkt model: it needs no NLTK data), Snowball
    ``FrenchStemmer().stem`` on every token, removal of tokens in ``stopwords`` (compared in
    lower case), then ``TfidfVectorizer(analyzer=lambda x: x)``.

    Returns
    -------
    scipy.sparse.csr_matrix, numpy.ndarray
    """
    import nltk
    from nltk.stem.snowball import FrenchStemmer
    from sklearn.feature_extraction.text import TfidfVectorizer

    stemmer = FrenchStemmer()
    docs = []
    for doc in texts:
        tokens = nltk.word_tokenize(doc, language="french", preserve_line=True)
        stems = [stemmer.stem(token) for token in tokens]
        docs.append([s for token, s in zip(tokens, stems) if token.lower() not in stopwords])
    vectorizer = TfidfVectorizer(analyzer=lambda x: x)
    X = vectorizer.fit_transform(docs)
    return X, vectorizer.get_feature_names_out()


def our_stopwords():
    """The project's shipped stopword list (:func:`analysis.text.load_stopwords`) as a set."""
    from analysis.text import load_stopwords

    return set(load_stopwords())


def evenly_spaced(items, n):
    """``n`` items of ``items`` taken at evenly spaced positions (all of them if ``n >= len``)."""
    if n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def run_references(texts, *, n_jobs=2, nltk_max_docs=10_000):
    """Time tokenize + TF-IDF three ways on the same ``texts``, in this process.

    Returns
    -------
    dict
        ``ours`` (:func:`ours_document_term_matrix` with ``n_jobs`` workers), ``sklearn``
        (reference a) and ``nltk`` (reference b), each with ``seconds``, ``peak_rss_mib``,
        ``vocabulary_size``; ``nltk`` also ``n_docs_run``, ``extrapolated`` and
        ``seconds_measured`` (on the subsample; ``seconds`` is scaled linearly to all texts).
    """
    warm_imports()
    stopwords = our_stopwords()
    out = {}
    with MemorySampler() as sampler:
        timer = StageTimer(sampler)
        for name, function in (("ours", lambda: ours_document_term_matrix(texts, n_jobs=n_jobs)),
                               ("sklearn", lambda: reference_sklearn(texts))):
            with timer.stage(name):
                X, vocabulary = function()
            out[name] = {**timer.stages[name], "vocabulary_size": int(len(vocabulary)), "nnz": int(X.nnz)}
            del X, vocabulary
        subsample = evenly_spaced(texts, nltk_max_docs)
        with timer.stage("nltk"):
            X, vocabulary = reference_nltk(subsample, stopwords)
        measured = timer.stages["nltk"]["seconds"]
        out["nltk"] = {
            **timer.stages["nltk"],
            "seconds": round(measured * len(texts) / len(subsample), 3),
            "seconds_measured": measured,
            "n_docs_run": len(subsample),
            "extrapolated": len(subsample) < len(texts),
            "vocabulary_size": int(len(vocabulary)),
        }
    return out


# --------------------------------------------------------------------------------------------
# Orchestration: one fresh subprocess per size and measurement
# --------------------------------------------------------------------------------------------

def _child(args):
    """Entry point of a measuring subprocess; writes its result as JSON to ``args.child_out``."""
    corpus = Path(args.corpus)
    texts_dir = Path(args.texts_dir)
    if args.child == "ours":
        texts_dir.mkdir(parents=True, exist_ok=True)
        result = run_ours(corpus, n_jobs=args.n_jobs, chunk_size=args.chunk_size,
                          n_components=args.n_components, max_iter=args.max_iter,
                          nmf_min_df=args.nmf_min_df, random_state=args.random_state,
                          themes_max_docs=args.themes_max_docs, texts_dir=texts_dir,
                          progress=args.progress)
    else:
        texts = []
        for path in sorted(texts_dir.glob("*.pkl")):
            with open(path, "rb") as f:
                texts += pickle.load(f)
        shutil.rmtree(texts_dir)
        result = run_references(texts, n_jobs=args.n_jobs, nltk_max_docs=args.nltk_max_docs)
    Path(args.child_out).write_text(json.dumps(result))
    return 0


def _children_cpu_seconds():
    usage = os.times()
    return usage.children_user + usage.children_system


def run_child(kind, corpus, args):
    """Run one measuring subprocess (``kind`` "ours" or "references") and return its result.

    The result gets a ``contention`` entry: wall time, CPU seconds used by the subprocess tree
    and by every other process on the machine meanwhile (from ``/proc/stat``), and the load
    average before and after, so that noisy timings can be recognised.
    """
    out = corpus / f"result_{kind}.json"
    cmd = [sys.executable, "-m", "benchmarks.run", "--child", kind, "--corpus", str(corpus),
           "--texts-dir", str(corpus / "texts"), "--child-out", str(out),
           "--n-jobs", str(args.n_jobs), "--chunk-size", str(args.chunk_size),
           "--n-components", str(args.n_components), "--max-iter", str(args.max_iter),
           "--nmf-min-df", str(args.nmf_min_df), "--random-state", str(args.random_state),
           "--nltk-max-docs", str(args.nltk_max_docs), "--themes-max-docs", str(args.themes_max_docs)]
    cmd += ["--progress"] if args.progress else ["--no-progress"]
    busy, ours, wall = _busy_cpu_seconds(), _children_cpu_seconds(), time.perf_counter()
    load = os.getloadavg()[0]
    subprocess.run(cmd, check=True, cwd=BENCHMARKS.parent)
    wall = time.perf_counter() - wall
    ours = _children_cpu_seconds() - ours
    other = max(0.0, _busy_cpu_seconds() - busy - ours)
    result = json.loads(out.read_text())
    out.unlink()
    result["contention"] = {
        "wall_seconds": round(wall, 1),
        "cpu_seconds_this_run": round(ours, 1),
        "cpu_seconds_other_processes": round(other, 1),
        "loadavg_1min_before": round(load, 2),
        "loadavg_1min_after": round(os.getloadavg()[0], 2),
    }
    return result


def run_size(n_pages, args):
    """Write (or reuse) the corpus of ``n_pages`` pages and measure it in two fresh subprocesses."""
    start = time.perf_counter()
    corpus = write_corpus(n_pages, corpus_dir(n_pages, args.seed), seed=args.seed, n_jobs=args.n_jobs,
                          progress=args.progress and n_pages >= 10_000)
    synth_seconds = time.perf_counter() - start
    ours = run_child("ours", corpus, args)
    references = run_child("references", corpus, args)
    manifest = json.loads((corpus / "manifest.json").read_text())
    return {
        "n_pages": n_pages,
        "seed": args.seed,
        "corpus_whitespace_words": manifest["n_whitespace_words"],
        "synth_seconds": round(synth_seconds, 1),
        "ours": ours,
        "references": references,
        "ratios": ratios(references),
    }


def ratios(references):
    """The two comparisons of the issue, on tokenize + TF-IDF of the same texts.

    ``ours_vs_sklearn``: our time / reference (a) time (target: at most 1.5);
    ``nltk_vs_ours``: reference (b) time / our time (target: at least 5).
    """
    ours = references["ours"]["seconds"]
    return {
        "ours_vs_sklearn": round(ours / references["sklearn"]["seconds"], 3),
        "nltk_vs_ours": round(references["nltk"]["seconds"] / ours, 3),
    }


def check_targets(scales, targets=TARGETS):
    """Pass/fall-short lines for the targets, on the largest corpus (memory growth: against 10x fewer pages).

    Returns
    -------
    list of dict
        ``target``, ``value``, ``op``, ``limit``, ``passed``, ``line`` (the printed text).
    """
    largest = max(scales, key=lambda s: s["n_pages"])
    n = largest["n_pages"]
    at = f"at {n:,} pages"
    checks = [
        (f"our tokenize + TF-IDF / (a) sklearn TfidfVectorizer {at}", largest["ratios"]["ours_vs_sklearn"],
         "<=", targets["ours_vs_sklearn_max"], "x"),
        (f"(b) NLTK notebook pipeline / our tokenize + TF-IDF {at}", largest["ratios"]["nltk_vs_ours"],
         ">=", targets["nltk_vs_ours_min"], "x"),
        (f"end-to-end wall time {at}", largest["ours"]["end_to_end_seconds"], "<=",
         targets["end_to_end_max_seconds"], "s"),
        (f"peak memory (process tree) {at}", largest["ours"]["peak_rss_mib"], "<=",
         targets["peak_memory_max_mib"], "MiB"),
    ]
    tenth = [s for s in scales if s["n_pages"] * 10 == n]
    if tenth:
        growth = largest["ours"]["peak_rss_mib"] / tenth[0]["ours"]["peak_rss_mib"]
        checks.append((f"peak memory at {n:,} pages / at {n // 10:,} pages", round(growth, 3), "<=",
                       targets["memory_growth_10x_max"], "x"))
    out = []
    for name, value, op, limit, unit in checks:
        passed = value <= limit if op == "<=" else value >= limit
        verdict = "PASS" if passed else "FALL SHORT"
        line = f"{verdict:10s} {name}: {value:,.2f} {unit} (target {op} {limit:,} {unit})"
        out.append({"target": name, "value": value, "op": op, "limit": limit, "passed": passed, "line": line})
    return out


def summary_lines(scales):
    """The results as a plain-text table, one line per size."""
    head = (f"{'pages':>7} {'words':>10} {'vocab':>7} | {'load*':>6} {'token*':>6} {'count*':>6} {'theme*':>6}"
            f" {'stream':>6} {'tfidf':>6} {'nmf':>6} {'total':>6} {'MiB':>5} | {'ours':>6} {'(a)':>6} {'(b)':>7}"
            f" {'ours/a':>6} {'b/ours':>6}")
    lines = [head]
    for s in scales:
        o, r = s["ours"], s["references"]
        w = o["worker_seconds"]
        lines.append(
            f"{s['n_pages']:>7,} {o['n_words']:>10,} {o['vocabulary_size']:>7,} |"
            f" {w['load']:>6.1f} {w['tokenize']:>6.1f} {w['count']:>6.1f} {w['themes']:>5.1f}"
            f"{'+' if o['themes']['extrapolated'] else ' '}"
            f" {o['stages']['stream']['seconds']:>6.1f} {o['stages']['tfidf']['seconds']:>6.1f}"
            f" {o['stages']['nmf']['seconds']:>6.1f} {o['end_to_end_seconds']:>6.1f} {o['peak_rss_mib']:>5.0f} |"
            f" {r['ours']['seconds']:>6.1f} {r['sklearn']['seconds']:>6.1f}"
            f" {r['nltk']['seconds']:>6.1f}{'+' if r['nltk']['extrapolated'] else ' '}"
            f" {s['ratios']['ours_vs_sklearn']:>6.2f} {s['ratios']['nltk_vs_ours']:>6.2f}"
        )
    lines.append("seconds; * summed over worker processes (stream is their wall time); MiB: peak memory of "
                 "our pipeline (process tree)")
    lines.append("ours, (a), (b): tokenize + TF-IDF of the same article texts (ours: document_term_matrix, "
                 "2 workers)")
    if any(s["references"]["nltk"]["extrapolated"] or s["ours"]["themes"]["extrapolated"] for s in scales):
        lines.append("+ run on an evenly spaced subsample, time extrapolated linearly to all texts (total "
                     "includes the extrapolated theme coding)")
    return lines


def plot_scaling(scales):
    """Figure: wall seconds against pages (log-log) for our stages and the references; peak memory.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from analysis.plots import STYLE

    pages = [s["n_pages"] for s in scales]
    with plt.rc_context(STYLE):
        fig, (ax_time, ax_cmp, ax_mem) = plt.subplots(1, 3, figsize=(13, 4.8), layout="constrained")
        ours = [s["ours"] for s in scales]
        for key, label in (("load", "load and parse"), ("tokenize", "tokenize + lemmatize"),
                           ("count", "count tokens"), ("themes", "theme coding (+: extrapolated)")):
            _ = ax_time.plot(pages, [o["worker_seconds"][key] / max(1, _workers_used(o)) for o in ours],
                             marker="o", lw=1, label=f"{label} (per worker)")
        for key, label in (("tfidf", "merge + TF-IDF"), ("nmf", "NMF, k = 20")):
            _ = ax_time.plot(pages, [o["stages"][key]["seconds"] for o in ours], marker="s", lw=1, label=label)
        _ = ax_time.plot(pages, [o["end_to_end_seconds"] for o in ours], marker="o", lw=2.5,
                         color="black", label="end to end")
        sampled = [(p, o["worker_seconds"]["themes"] / max(1, _workers_used(o)))
                   for p, o in zip(pages, ours) if o["themes"]["extrapolated"]]
        if sampled:
            _ = ax_time.plot(*zip(*sampled), marker="P", ls="none", color="black", ms=7)
        ax_time.axhline(TARGETS["end_to_end_max_seconds"], color="black", lw=0.8, ls=":")
        ax_time.annotate("target at 100,000 pages: 120 s", (pages[0], TARGETS["end_to_end_max_seconds"]),
                         textcoords="offset points", xytext=(0, 3), fontsize=7)
        ax_time.set_title("Our pipeline: wall seconds per stage (2 workers)")
        refs = [s["references"] for s in scales]
        _ = ax_cmp.plot(pages, [r["ours"]["seconds"] for r in refs], marker="o", lw=2.5, color="black",
                        label="ours: document_term_matrix (2 workers)")
        _ = ax_cmp.plot(pages, [r["sklearn"]["seconds"] for r in refs], marker="s", ls="--", color="tab:gray",
                        label="(a) sklearn TfidfVectorizer, raw text")
        _ = ax_cmp.plot(pages, [r["nltk"]["seconds"] for r in refs], marker="^", ls=":", color="tab:red",
                        label="(b) NLTK notebook (hollow: extrapolated)")
        hollow = [(p, r["nltk"]["seconds"]) for p, r in zip(pages, refs) if r["nltk"]["extrapolated"]]
        if hollow:
            _ = ax_cmp.plot(*zip(*hollow), marker="^", ls="none", mfc="white", color="tab:red", ms=8)
        ax_cmp.set_title("Tokenize + TF-IDF of the same texts")
        for ax in (ax_time, ax_cmp):
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("pages")
            ax.set_ylabel("seconds (wall)")
        ax_time.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
        ax_cmp.legend(fontsize=7, frameon=False, loc="upper left")
        _ = ax_mem.plot(pages, [o["peak_rss_mib"] for o in ours], marker="o", color="black",
                        label="our pipeline (process tree)")
        _ = ax_mem.plot(pages, [r["sklearn"]["peak_rss_mib"] for r in refs], marker="s", ls="--",
                        color="tab:gray", label="all texts in memory, then (a) sklearn")
        ax_mem.axhline(TARGETS["peak_memory_max_mib"], color="black", lw=0.8, ls=":")
        ax_mem.annotate("target: 2 GiB", (pages[0], TARGETS["peak_memory_max_mib"]), textcoords="offset points",
                        xytext=(0, 3), fontsize=7)
        ax_mem.set_xscale("log")
        ax_mem.set_ylim(bottom=0)
        ax_mem.set_xlabel("pages")
        ax_mem.set_ylabel("peak resident memory (MiB)")
        ax_mem.set_title("Peak memory")
        ax_mem.legend(fontsize=7, frameon=False)
    return fig


def _workers_used(ours):
    """Worker processes used by a run of :func:`run_ours` (fewer when there are fewer chunks)."""
    return min(ours.get("n_jobs", 1), ours["n_chunks"])


def save_results(result, results_dir=RESULTS):
    """Write ``<date>.json`` and ``scaling.png`` in ``results_dir``; return both paths."""
    from analysis.plots import save_figure

    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    json_path = results_dir / f"{result['date']}.json"
    json_path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    figure_path = save_figure(plot_scaling(result["scales"]), "scaling", figures_dir=results_dir)
    return json_path, figure_path


def parse_args(argv=None):
    """Command-line options (see ``python -m benchmarks.run --help``)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000],
                        help="corpus sizes in pages (default: 1000 10000 100000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpora")
    parser.add_argument("--no-save", action="store_true", help="print only; write no results")
    parser.add_argument("--n-jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="worker processes (default: 2, or 1 on a one-core machine)")
    parser.add_argument("--chunk-size", type=int, default=2000, help="pages per chunk")
    parser.add_argument("--n-components", type=int, default=20, help="NMF topics")
    parser.add_argument("--max-iter", type=int, default=50, help="NMF iterations at most")
    parser.add_argument("--nmf-min-df", type=int, default=5, help="NMF on terms in at least this many documents")
    parser.add_argument("--random-state", type=int, default=0, help="NMF seed")
    parser.add_argument("--nltk-max-docs", type=int, default=10_000,
                        help="run reference (b) on at most this many documents; extrapolate beyond")
    parser.add_argument("--themes-max-docs", type=int, default=5_000,
                        help="theme-code at most this many articles (evenly spaced); extrapolate beyond; "
                             "0 codes all")
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bars")
    parser.add_argument("--results-dir", type=Path, default=RESULTS, help=argparse.SUPPRESS)
    parser.add_argument("--progress", dest="progress", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=["ours", "references"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--texts-dir", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.set_defaults(progress=None)
    args = parser.parse_args(argv)
    if args.progress is None:  # default: bars when stderr is a terminal
        args.progress = sys.stderr.isatty()
    return args


def main(argv=None):
    """Command-line entry point (see the module docstring)."""
    args = parse_args(argv)
    if args.child:
        return _child(args)
    start = time.perf_counter()
    scales = []
    for n_pages in sorted(args.sizes):
        print(f"{n_pages:,} pages ...", file=sys.stderr, flush=True)
        scales.append(run_size(n_pages, args))
    result = {
        "date": dt.date.today().isoformat(),
        "machine": machine_info(),
        "settings": {
            "seed": args.seed, "n_jobs": args.n_jobs, "chunk_size": args.chunk_size,
            "nmf": {"n_components": args.n_components, "init": "nndsvda", "solver": "cd",
                    "max_iter": args.max_iter, "min_df": args.nmf_min_df, "random_state": args.random_state},
            "nltk_max_docs": args.nltk_max_docs, "themes_max_docs": args.themes_max_docs,
            "documents": "article units of analysis.corpus.load_corpus (text: standfirst and body)",
        },
        "scales": scales,
        "targets": check_targets(scales),
        "total_seconds": round(time.perf_counter() - start, 1),
    }
    print("\n".join(summary_lines(scales)))
    print()
    if max(args.sizes) < 100_000:
        print(f"(the targets are set for 100,000 pages; the largest corpus here has {max(args.sizes):,})")
    print("\n".join(t["line"] for t in result["targets"]))
    print(f"\nbenchmark wall time: {result['total_seconds']:.0f} s")
    if not args.no_save:
        json_path, figure_path = save_results(result, args.results_dir)
        print(f"results: {json_path.relative_to(BENCHMARKS.parent)}, {figure_path.relative_to(BENCHMARKS.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
