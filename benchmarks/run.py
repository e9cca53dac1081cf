"""Time the pipeline on synthetic corpora of growing size, every stage on every page.

Usage::

    python -m benchmarks.run --sizes 1000 10000 100000      # make bench
    python -m benchmarks.run --sizes 100 --no-save           # make bench-smoke

For each size the corpus is written (or reused) by :func:`benchmarks.synth.write_corpus`; then
fresh subprocesses run, so that peak memory is measured from a clean start:

1. **ours** (:func:`run_ours`): :func:`analysis.pipeline.run` over the corpus with two joblib
   workers (load → tokenize → count → code themes in chunks of 2,000 pages, every article coded
   and timed), then in the main process scikit-learn's default TF-IDF of the merged counts (in
   float32, the precision NMF is fitted in) and NMF with k = 20 (``analysis.topics.fit_topics``,
   ``init="nndsvda"``, ``random_state=0``).
   End to end is the wall time of all of it;
2. **references** (:func:`run_references`) on the same article texts (loaded before timing):
   scikit-learn's bare ``TfidfVectorizer()`` on one core, our tokenize + TF-IDF on one core
   (``analysis.text.document_term_matrix(texts, weighting="tfidf", n_jobs=1)``), and, up to
   ``--nltk-max-pages`` pages, a naive NLTK notebook pipeline on every text (above that size it is
   not run: nothing is extrapolated);
3. **dask** (:func:`run_dask`), at the sizes of ``--dask-sizes`` (default 10,000): the same
   :func:`analysis.pipeline.run` with ``scheduler="dask"`` on a ``LocalCluster`` of two
   single-threaded worker processes; its overhead over the joblib run of the same size.

Peak memory is the largest resident set size of the subprocess and all its descendants (workers
included), sampled every 20 ms from ``/proc``; the kernel's high-water mark of the main process
(``VmHWM``) is reported beside it. Results go to ``benchmarks/results/<date>.json`` with a scaling
figure ``benchmarks/results/scaling.png``; pass/fall-short lines for the targets are printed at
the end. ``make figures`` against its floor is measured by :mod:`benchmarks.notebooks`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import threading
import time
import warnings
from contextlib import contextmanager
from importlib import metadata as importlib_metadata
from pathlib import Path

from analysis.paths import BENCHMARKS

from benchmarks.synth import corpus_dir, write_corpus

RESULTS = BENCHMARKS / "results"
#: Stages timed inside the pipeline's chunks (seconds summed over chunks).
WORKER_STAGES = ("load", "tokenize", "count", "themes")
#: Packages whose versions are recorded with the results.
PACKAGES = ("numpy", "scipy", "pandas", "scikit-learn", "nltk", "simplemma", "joblib", "wordfreq",
            "tqdm", "matplotlib", "dask", "distributed", "pyarrow")
#: Targets (issue 11), checked on the largest corpus.
TARGETS = {
    "end_to_end_max_seconds": 120.0,
    "peak_memory_max_mib": 2048.0,
    "end_to_end_vs_sklearn_max": 3.0,
    "ours_one_core_vs_sklearn_max": 2.0,
    "themes_max_ms_per_article": 0.5,
    "memory_growth_10x_max": 1.5,
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
# Our pipeline: analysis.pipeline.run, then TF-IDF and NMF
# --------------------------------------------------------------------------------------------

def warm_imports():
    """Import every module the timed stages use, so that import time is not counted in a stage."""
    import importlib

    for name in ("numpy", "scipy.sparse", "pandas", "pyarrow", "sklearn.feature_extraction.text",
                 "sklearn.decomposition", "joblib", "nltk", "nltk.stem.snowball", "analysis.corpus",
                 "analysis.text", "analysis.topics", "analysis.themes", "analysis.pipeline"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def nmf_columns(X, vocabulary, min_df=5):
    """The columns NMF is fitted on: the terms found in at least ``min_df`` documents (rarer
    terms carry no topic and only cost time), in float32.

    Returns a new matrix: the caller rebinds its name to it, so that the TF-IDF of every term is
    freed before NMF starts (about 150 MB at 100,000 pages).

    Returns
    -------
    X : scipy.sparse.csr_matrix
    terms : numpy.ndarray of str
    """
    import numpy as np

    keep = np.flatnonzero(np.bincount(X.indices, minlength=X.shape[1]) >= min_df)
    return X.astype(np.float32, copy=False)[:, keep], np.asarray(vocabulary)[keep]


def stage_nmf(X, terms, n_components=20, max_iter=50, random_state=0):
    """NMF with :func:`analysis.topics.fit_topics` (scikit-learn, ``init="nndsvda"``, cd solver)
    on the columns chosen by :func:`nmf_columns`.

    ``max_iter`` is kept modest and convergence warnings are recorded, not shown.

    Returns
    -------
    fit : analysis.topics.TopicFit
    info : dict
        ``n_iter``, ``converged``, ``n_terms`` (columns used).
    """
    from sklearn.exceptions import ConvergenceWarning

    from analysis.topics import fit_topics

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = fit_topics(X, terms, n_components=n_components, method="nmf", random_state=random_state,
                         init="nndsvda", max_iter=max_iter)
    n_iter = int(fit.estimator.n_iter_)
    return fit, {"n_iter": n_iter, "converged": n_iter < max_iter, "n_terms": int(len(terms))}


def run_ours(corpus, *, n_jobs=2, chunk_size=2000, scheduler="joblib", n_components=20, max_iter=50,
             nmf_min_df=5, random_state=0, progress=False):
    """Run and time :func:`analysis.pipeline.run` on ``corpus``, then TF-IDF and NMF.

    Parameters
    ----------
    corpus : path-like
        Folder written by :func:`benchmarks.synth.write_corpus` (``raw/``, ``metadata.csv``).
    n_jobs : int, default 2
        Worker processes (joblib workers, or the ``LocalCluster``'s for Dask).
    chunk_size : int, default 2000
        Pages per chunk.
    scheduler : {"joblib", "dask", "serial"}
    n_components, max_iter, nmf_min_df, random_state : int
        NMF settings (:func:`stage_nmf`); ``n_components=0`` skips NMF.
    progress : bool, default False
        tqdm progress bar over chunks, on stderr.

    Returns
    -------
    dict
        ``stages``: wall ``seconds`` and ``peak_rss_mib`` of ``pipeline`` (the chunked run),
        ``tfidf`` and ``nmf``; ``worker_seconds``: ``load``, ``tokenize``, ``count``, ``themes``
        summed over chunks (every page; wall time in the workers), ``worker_cpu_seconds`` (their
        CPU time); ``pipeline_timings`` (as returned by the pipeline);
        ``end_to_end_seconds`` (wall, all stages), ``end_to_end_without_nmf_seconds``;
        ``themes_ms_per_article`` (wall) and ``themes_cpu_ms_per_article``; ``peak_rss_mib`` (process tree), ``hwm_mib`` (main process);
        ``n_articles``, ``n_words``, ``vocabulary_size``, ``nnz``, ``n_matches``, ``nmf``,
        ``n_chunks``, ``n_jobs``, ``scheduler``.
    """
    import numpy as np

    from analysis.pipeline import run

    warm_imports()
    corpus = Path(corpus)
    with MemorySampler() as sampler:
        timer = StageTimer(sampler)
        start = time.perf_counter()
        with timer.stage("pipeline"):
            # run() shuts its joblib workers down when the chunks are done
            result = run(corpus / "raw", metadata=corpus / "metadata.csv", chunk_size=chunk_size,
                         n_jobs=n_jobs, scheduler=scheduler, progress=progress)
        with timer.stage("tfidf"):
            X = result.tfidf(np.float32) if n_components else result.tfidf()  # NMF is fitted in float32
        without_nmf = time.perf_counter() - start
        nmf_info = None
        if n_components:
            with timer.stage("nmf"):
                X, terms = nmf_columns(X, result.vocabulary, min_df=nmf_min_df)  # the full TF-IDF is freed
                _, nmf_info = stage_nmf(X, terms, n_components=n_components, max_iter=max_iter,
                                        random_state=random_state)
        end_to_end = time.perf_counter() - start
    n_articles = len(result.units)
    timings = result.timings
    return {
        "stages": timer.stages,
        "worker_seconds": {name: round(timings[name], 3) for name in WORKER_STAGES},
        "pipeline_timings": {name: round(value, 3) for name, value in timings.items()},
        "end_to_end_seconds": round(end_to_end, 3),
        "end_to_end_without_nmf_seconds": round(without_nmf, 3),
        "worker_cpu_seconds": {name: round(timings[name + "_cpu"], 3) for name in WORKER_STAGES},
        "themes_ms_per_article": round(1000 * timings["themes"] / max(1, n_articles), 4),
        "themes_cpu_ms_per_article": round(1000 * timings["themes_cpu"] / max(1, n_articles), 4),
        "peak_rss_mib": round(timer.peak_rss_mib, 1),
        "hwm_mib": round(hwm_mib(), 1),
        "n_articles": n_articles,
        "n_words": int(result.units["n_words"].sum()),
        "vocabulary_size": int(len(result.vocabulary)),
        "nnz": int(result.dtm.nnz),
        "n_matches": int(len(result.matches)),
        "nmf": nmf_info,
        "n_chunks": result.n_chunks,
        "n_jobs": n_jobs,
        "scheduler": scheduler,
    }


def run_dask(corpus, *, n_jobs=2, chunk_size=2000, progress=False):
    """Time :func:`analysis.pipeline.run` with ``scheduler="dask"`` on a fresh ``LocalCluster``.

    Returns
    -------
    dict
        ``cluster_start_seconds``, ``pipeline_seconds`` (the run on the started cluster),
        ``pipeline_timings``, ``peak_rss_mib`` (process tree: scheduler, nannies and workers),
        ``n_articles``, ``n_chunks``, ``n_workers``.
    """
    from distributed import Client, LocalCluster

    from analysis.pipeline import run

    warm_imports()
    corpus = Path(corpus)
    with MemorySampler() as sampler:
        start = time.perf_counter()
        with LocalCluster(n_workers=n_jobs, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            started = time.perf_counter()
            result = run(corpus / "raw", metadata=corpus / "metadata.csv", chunk_size=chunk_size,
                         n_jobs=n_jobs, scheduler="dask", client=client, progress=progress)
            seconds = time.perf_counter() - started
            n_workers = len(client.scheduler_info()["workers"])
    return {
        "cluster_start_seconds": round(started - start, 3),
        "pipeline_seconds": round(seconds, 3),
        "pipeline_timings": {name: round(value, 3) for name, value in result.timings.items()},
        "peak_rss_mib": round(sampler.peak, 1),
        "n_articles": len(result.units),
        "n_chunks": result.n_chunks,
        "n_workers": n_workers,
    }


# --------------------------------------------------------------------------------------------
# References on the same article texts: sklearn's bare TfidfVectorizer, ours on one core, NLTK
# --------------------------------------------------------------------------------------------

def _chunk_texts(files):
    from analysis.pipeline import load_files

    units, _ = load_files(files, [], {})
    return units.loc[units["kind"] == "article", "text"].tolist()


def load_article_texts(corpus, n_jobs=2, chunk_size=2000):
    """The article texts of ``corpus``, in the pipeline's order (loaded in parallel; not timed)."""
    from joblib import Parallel, delayed

    from analysis.pipeline import chunk_files, list_pages, shut_down_workers

    chunks = chunk_files(list_pages(Path(corpus) / "raw"), chunk_size, n_jobs)
    parts = Parallel(n_jobs=n_jobs)(delayed(_chunk_texts)(chunk) for chunk in chunks)
    if n_jobs != 1:
        shut_down_workers()
    return [text for part in parts for text in part]


def ours_one_core(texts):
    """Our tokenize + TF-IDF on one core: ``document_term_matrix(texts, weighting="tfidf", n_jobs=1)``."""
    from analysis.text import document_term_matrix

    return document_term_matrix(texts, weighting="tfidf", n_jobs=1)


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


def run_references(texts, *, run_nltk=True):
    """Time tokenize + TF-IDF of the same ``texts`` on one core: sklearn, ours, NLTK (optional).

    Returns
    -------
    dict
        ``sklearn`` (bare ``TfidfVectorizer()``), ``ours_one_core``
        (:func:`ours_one_core`) and, if ``run_nltk``, ``nltk`` (:func:`reference_nltk` on every
        text), each with ``seconds``, ``peak_rss_mib``, ``vocabulary_size``, ``nnz``.
    """
    warm_imports()
    stopwords = our_stopwords()
    functions = [("sklearn", lambda: reference_sklearn(texts)), ("ours_one_core", lambda: ours_one_core(texts))]
    if run_nltk:
        functions.append(("nltk", lambda: reference_nltk(texts, stopwords)))
    out = {}
    with MemorySampler() as sampler:
        timer = StageTimer(sampler)
        for name, function in functions:
            with timer.stage(name):
                X, vocabulary = function()
            out[name] = {**timer.stages[name], "vocabulary_size": int(len(vocabulary)), "nnz": int(X.nnz)}
            del X, vocabulary
    return out


# --------------------------------------------------------------------------------------------
# Orchestration: one fresh subprocess per size and measurement
# --------------------------------------------------------------------------------------------

def _child(args):
    """Entry point of a measuring subprocess; writes its result as JSON to ``args.child_out``."""
    corpus = Path(args.corpus)
    if args.child == "ours":
        result = run_ours(corpus, n_jobs=args.n_jobs, chunk_size=args.chunk_size,
                          n_components=args.n_components, max_iter=args.max_iter,
                          nmf_min_df=args.nmf_min_df, random_state=args.random_state,
                          progress=args.progress)
    elif args.child == "dask":
        result = run_dask(corpus, n_jobs=args.n_jobs, chunk_size=args.chunk_size, progress=args.progress)
    else:
        texts = load_article_texts(corpus, n_jobs=args.n_jobs, chunk_size=args.chunk_size)
        result = run_references(texts, run_nltk=args.run_nltk)
        result["n_texts"] = len(texts)
    Path(args.child_out).write_text(json.dumps(result))
    return 0


def _children_cpu_seconds():
    usage = os.times()
    return usage.children_user + usage.children_system


def run_child(kind, corpus, args, *, run_nltk=False):
    """Run one measuring subprocess (``kind``: "ours", "references" or "dask"); return its result.

    The result gets a ``contention`` entry: wall time, CPU seconds used by the subprocess tree
    and by every other process on the machine meanwhile (from ``/proc/stat``), and the load
    average before and after, so that noisy timings can be recognised.
    """
    out = corpus / f"result_{kind}.json"
    cmd = [sys.executable, "-m", "benchmarks.run", "--child", kind, "--corpus", str(corpus),
           "--child-out", str(out), "--n-jobs", str(args.n_jobs), "--chunk-size", str(args.chunk_size),
           "--n-components", str(args.n_components), "--max-iter", str(args.max_iter),
           "--nmf-min-df", str(args.nmf_min_df), "--random-state", str(args.random_state)]
    cmd += ["--progress"] if args.progress else ["--no-progress"]
    cmd += ["--run-nltk"] if run_nltk else []
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
    """Write (or reuse) the corpus of ``n_pages`` pages and measure it in fresh subprocesses."""
    start = time.perf_counter()
    corpus = write_corpus(n_pages, corpus_dir(n_pages, args.seed), seed=args.seed, n_jobs=args.n_jobs,
                          progress=args.progress and n_pages >= 10_000)
    synth_seconds = time.perf_counter() - start
    ours = run_child("ours", corpus, args)
    references = run_child("references", corpus, args, run_nltk=n_pages <= args.nltk_max_pages)
    dask = run_child("dask", corpus, args) if n_pages in args.dask_sizes else None
    manifest = json.loads((corpus / "manifest.json").read_text())
    scale = {
        "n_pages": n_pages,
        "seed": args.seed,
        "corpus_whitespace_words": manifest["n_whitespace_words"],
        "synth_seconds": round(synth_seconds, 1),
        "ours": ours,
        "references": references,
        "dask": dask,
    }
    scale["ratios"] = ratios(scale)
    return scale


def ratios(scale):
    """The comparisons of the issue at one size.

    ``end_to_end_vs_sklearn``: our end to end / bare ``TfidfVectorizer`` (target <= 3);
    ``ours_one_core_vs_sklearn``: our tokenize + TF-IDF on one core / the vectorizer (<= 2);
    ``nltk_vs_ours_one_core`` when NLTK ran; ``dask_vs_joblib``: pipeline wall time with Dask /
    with joblib, when Dask ran (also ``dask_with_start_vs_joblib``, cluster start included).
    """
    ours, refs, dask = scale["ours"], scale["references"], scale.get("dask")
    sklearn = refs["sklearn"]["seconds"]
    out = {
        "end_to_end_vs_sklearn": round(ours["end_to_end_seconds"] / sklearn, 3),
        "ours_one_core_vs_sklearn": round(refs["ours_one_core"]["seconds"] / sklearn, 3),
    }
    if "nltk" in refs:
        out["nltk_vs_ours_one_core"] = round(refs["nltk"]["seconds"] / refs["ours_one_core"]["seconds"], 3)
    if dask:
        joblib_seconds = ours["stages"]["pipeline"]["seconds"]
        out["dask_vs_joblib"] = round(dask["pipeline_seconds"] / joblib_seconds, 3)
        out["dask_with_start_vs_joblib"] = round(
            (dask["pipeline_seconds"] + dask["cluster_start_seconds"]) / joblib_seconds, 3)
    return out


def _line(name, value, op, limit, unit):
    passed = value <= limit if op == "<=" else value >= limit
    verdict = "PASS" if passed else "FALL SHORT"
    line = f"{verdict:10s} {name}: {value:,.2f} {unit} (target {op} {limit:,} {unit})"
    return {"target": name, "value": value, "op": op, "limit": limit, "passed": passed, "line": line}


def check_targets(scales, targets=TARGETS):
    """Pass/fall-short lines on the largest corpus (memory growth: against 10x fewer pages).

    Returns
    -------
    list of dict
        ``target``, ``value``, ``op``, ``limit``, ``passed``, ``line`` (the printed text).
    """
    largest = max(scales, key=lambda s: s["n_pages"])
    n = largest["n_pages"]
    at = f"at {n:,} pages"
    ours, r = largest["ours"], largest["ratios"]
    checks = [
        (f"end-to-end wall time {at}", ours["end_to_end_seconds"], "<=", targets["end_to_end_max_seconds"], "s"),
        (f"peak memory (process tree) {at}", ours["peak_rss_mib"], "<=", targets["peak_memory_max_mib"], "MiB"),
        (f"end-to-end / sklearn TfidfVectorizer on the same texts {at}", r["end_to_end_vs_sklearn"], "<=",
         targets["end_to_end_vs_sklearn_max"], "x"),
        (f"our tokenize + TF-IDF / sklearn TfidfVectorizer, one core each, {at}", r["ours_one_core_vs_sklearn"],
         "<=", targets["ours_one_core_vs_sklearn_max"], "x"),
        (f"theme coding per article (every article coded; worker wall time) {at}", ours["themes_ms_per_article"],
         "<=", targets["themes_max_ms_per_article"], "ms"),
    ]
    tenth = [s for s in scales if s["n_pages"] * 10 == n]
    if tenth:
        growth = ours["peak_rss_mib"] / tenth[0]["ours"]["peak_rss_mib"]
        checks.append((f"peak memory at {n:,} pages / at {n // 10:,} pages", round(growth, 3), "<=",
                       targets["memory_growth_10x_max"], "x"))
    return [_line(*check) for check in checks]


def info_lines(scales):
    """Measured lines without a target: the Dask backend's overhead, NLTK against ours."""
    lines = []
    for s in scales:
        dask, r = s.get("dask"), s["ratios"]
        if dask:
            lines.append(
                f"{'MEASURED':10s} Dask backend at {s['n_pages']:,} pages ({dask['n_workers']} workers, LocalCluster): "
                f"{dask['pipeline_seconds']:.1f} s against joblib {s['ours']['stages']['pipeline']['seconds']:.1f} s "
                f"= {r['dask_vs_joblib']:.2f} x ({r['dask_with_start_vs_joblib']:.2f} x with the cluster's "
                f"{dask['cluster_start_seconds']:.1f} s start)")
    largest = max(scales, key=lambda s: s["n_pages"])["ours"]
    lines.append(f"{'MEASURED':10s} theme coding per article in worker CPU time: "
                 f"{largest['themes_cpu_ms_per_article']:.2f} ms (wall {largest['themes_ms_per_article']:.2f} ms)")
    for s in scales:
        if "nltk_vs_ours_one_core" in s["ratios"]:
            lines.append(f"{'MEASURED':10s} NLTK notebook pipeline / our tokenize + TF-IDF, one core each, at "
                         f"{s['n_pages']:,} pages: {s['ratios']['nltk_vs_ours_one_core']:.2f} x")
    return lines


def summary_lines(scales):
    """The results as a plain-text table, one line per size."""
    head = (f"{'pages':>7} {'words':>10} {'vocab':>7} | {'load*':>6} {'token*':>6} {'count*':>6} {'theme*':>6}"
            f" {'ms/art':>6} {'pipe':>6} {'tfidf':>6} {'nmf':>6} {'total':>6} {'MiB':>5} | {'skl':>6}"
            f" {'ours1':>6} {'nltk':>7} {'e2e/skl':>7} {'o1/skl':>6} | {'dask':>6}")
    lines = [head]
    for s in scales:
        o, r, d = s["ours"], s["references"], s.get("dask")
        w = o["worker_seconds"]
        nltk = f"{r['nltk']['seconds']:>7.1f}" if "nltk" in r else f"{'-':>7}"
        nmf = f"{o['stages']['nmf']['seconds']:>6.1f}" if "nmf" in o["stages"] else f"{'-':>6}"
        dask = f"{d['pipeline_seconds']:>6.1f}" if d else f"{'-':>6}"
        lines.append(
            f"{s['n_pages']:>7,} {o['n_words']:>10,} {o['vocabulary_size']:>7,} |"
            f" {w['load']:>6.1f} {w['tokenize']:>6.1f} {w['count']:>6.1f} {w['themes']:>6.1f}"
            f" {o['themes_ms_per_article']:>6.2f} {o['stages']['pipeline']['seconds']:>6.1f}"
            f" {o['stages']['tfidf']['seconds']:>6.1f} {nmf} {o['end_to_end_seconds']:>6.1f}"
            f" {o['peak_rss_mib']:>5.0f} | {r['sklearn']['seconds']:>6.1f} {r['ours_one_core']['seconds']:>6.1f}"
            f" {nltk} {s['ratios']['end_to_end_vs_sklearn']:>7.2f} {s['ratios']['ours_one_core_vs_sklearn']:>6.2f} |"
            f" {dask}"
        )
    lines.append("seconds, every stage on every page; * summed over chunks (worker seconds); ms/art: theme coding "
                 "per article; pipe: analysis.pipeline.run wall (2 joblib workers); total: end to end (pipe + "
                 "TF-IDF + NMF); MiB: peak memory of the process tree")
    lines.append("skl: bare sklearn TfidfVectorizer, one core; ours1: document_term_matrix(tfidf), one core; nltk: "
                 "NLTK notebook pipeline, one core ('-': not run at this size); dask: pipeline wall with "
                 "scheduler='dask' on a 2-worker LocalCluster")
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
                           ("count", "count tokens"), ("themes", "theme coding")):
            _ = ax_time.plot(pages, [o["worker_seconds"][key] / max(1, min(o["n_jobs"], o["n_chunks"]))
                                     for o in ours], marker="o", lw=1, label=f"{label} (per worker)")
        for key, label in (("tfidf", "TF-IDF"), ("nmf", "NMF, k = 20")):
            if all(key in o["stages"] for o in ours):
                _ = ax_time.plot(pages, [o["stages"][key]["seconds"] for o in ours], marker="s", lw=1, label=label)
        _ = ax_time.plot(pages, [o["end_to_end_seconds"] for o in ours], marker="o", lw=2.5,
                         color="black", label="end to end")
        ax_time.axhline(TARGETS["end_to_end_max_seconds"], color="black", lw=0.8, ls=":")
        ax_time.annotate("target at 100,000 pages: 120 s", (pages[0], TARGETS["end_to_end_max_seconds"]),
                         textcoords="offset points", xytext=(0, 3), fontsize=7)
        ax_time.set_title("Our pipeline: wall seconds per stage (2 workers)")
        refs = [s["references"] for s in scales]
        _ = ax_cmp.plot(pages, [o["end_to_end_seconds"] for o in ours], marker="o", lw=2.5, color="black",
                        label="ours, end to end (2 workers)")
        _ = ax_cmp.plot(pages, [r["ours_one_core"]["seconds"] for r in refs], marker="o", lw=1.2,
                        color="tab:blue", label="ours: tokenize + TF-IDF, one core")
        _ = ax_cmp.plot(pages, [r["sklearn"]["seconds"] for r in refs], marker="s", ls="--", color="tab:gray",
                        label="sklearn TfidfVectorizer, raw text, one core")
        nltk = [(p, r["nltk"]["seconds"]) for p, r in zip(pages, refs) if "nltk" in r]
        if nltk:
            _ = ax_cmp.plot(*zip(*nltk), marker="^", ls=":", color="tab:red", label="NLTK notebook, one core")
        dask = [(s["n_pages"], s["dask"]["pipeline_seconds"]) for s in scales if s.get("dask")]
        if dask:
            _ = ax_cmp.plot(*zip(*dask), marker="D", ls="none", color="tab:green",
                            label="pipeline with Dask (2-worker LocalCluster)")
        ax_cmp.set_title("Against the same texts' references")
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
                        color="tab:gray", label="all texts in memory, then sklearn")
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


def save_results(result, results_dir=RESULTS):
    """Write ``<date>.json`` and ``scaling.png`` in ``results_dir``; return both paths."""
    from analysis.plots import save_figure

    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    json_path = results_dir / f"{result['date']}.json"
    json_path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    figure_path = save_figure(plot_scaling(result["scales"]), "scaling", figures_dir=results_dir)
    return json_path, figure_path


def _shown(path):
    """``path`` relative to the project when it is inside it."""
    path = Path(path).resolve()
    root = BENCHMARKS.parent.resolve()
    return path.relative_to(root) if path.is_relative_to(root) else path


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
    parser.add_argument("--n-components", type=int, default=20, help="NMF topics (0: no NMF)")
    parser.add_argument("--max-iter", type=int, default=50, help="NMF iterations at most")
    parser.add_argument("--nmf-min-df", type=int, default=5, help="NMF on terms in at least this many documents")
    parser.add_argument("--random-state", type=int, default=0, help="NMF seed")
    parser.add_argument("--nltk-max-pages", type=int, default=10_000,
                        help="run the NLTK reference (on every text) at sizes up to this many pages; "
                             "above it, it is not run (never extrapolated)")
    parser.add_argument("--dask-sizes", type=int, nargs="*", default=[10_000],
                        help="sizes at which the Dask backend is also timed (default: 10000)")
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bars")
    parser.add_argument("--results-dir", type=Path, default=RESULTS, help=argparse.SUPPRESS)
    parser.add_argument("--progress", dest="progress", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=["ours", "references", "dask"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--run-nltk", action="store_true", help=argparse.SUPPRESS)
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
            "nltk_max_pages": args.nltk_max_pages, "dask_sizes": args.dask_sizes,
            "documents": "article units of analysis.corpus.load_corpus (text: standfirst and body)",
            "extrapolated": "nothing: every stage runs on every page",
        },
        "scales": scales,
        "targets": check_targets(scales),
        "measured": info_lines(scales),
        "total_seconds": round(time.perf_counter() - start, 1),
    }
    print("\n".join(summary_lines(scales)))
    print()
    if max(args.sizes) < 100_000:
        print(f"(the targets are set for 100,000 pages; the largest corpus here has {max(args.sizes):,})")
    print("\n".join(t["line"] for t in result["targets"]))
    print("\n".join(result["measured"]))
    print(f"\nbenchmark wall time: {result['total_seconds']:.0f} s")
    if not args.no_save:
        json_path, figure_path = save_results(result, args.results_dir)
        print(f"results: {_shown(json_path)}, {_shown(figure_path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
