"""How long :func:`analysis.features.keyness` takes on a large vocabulary, measure by measure.

Builds a synthetic document-term matrix (``--n-docs`` documents, a Zipf-distributed
``--n-terms``-term vocabulary, about ``--tokens-per-doc`` tokens a document, half the documents
in the target), then times ``keyness(X, vocabulary, target, measures=[m])`` for each measure,
best of ``--repeat`` runs. Prints pass/fall-short lines against the targets (under 1 s for chi2,
G2 and log ratio; under 5 s with Lafon) and writes ``benchmarks/results/keyness-<date>.json``.

Usage::

    python -m benchmarks.keyness [--n-terms 100000] [--n-docs 2000] [--repeat 3] [--no-save]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import time

import numpy as np
from scipy import sparse

from analysis.paths import BENCHMARKS

RESULTS = BENCHMARKS / "results"
#: Seconds allowed per measure on the full-size benchmark (issue 12).
TARGETS = {"chi2": 1.0, "G2": 1.0, "log_ratio": 1.0, "lafon": 5.0}


def synthetic_matrix(n_terms: int, n_docs: int, tokens_per_doc: int, random_state: int = 0):
    """A documents x terms count matrix with Zipf term frequencies, and its vocabulary.

    Parameters
    ----------
    n_terms, n_docs, tokens_per_doc : int
    random_state : int

    Returns
    -------
    X : scipy.sparse.csr_matrix
    vocabulary : numpy.ndarray of str
    target : numpy.ndarray of bool
        The first half of the documents.
    """
    rng = np.random.default_rng(random_state)
    probabilities = 1.0 / np.arange(1, n_terms + 1) ** 1.07
    probabilities /= probabilities.sum()
    lengths = rng.poisson(tokens_per_doc, size=n_docs)
    terms = rng.choice(n_terms, size=int(lengths.sum()), p=probabilities)
    rows = np.repeat(np.arange(n_docs), lengths)
    X = sparse.csr_matrix((np.ones(len(terms), dtype=np.int64), (rows, terms)),
                          shape=(n_docs, n_terms))
    X.sum_duplicates()
    vocabulary = np.array([f"terme{j:06d}" for j in range(n_terms)], dtype=object)
    target = np.arange(n_docs) < n_docs // 2
    return X, vocabulary, target


def time_measures(X, vocabulary, target, repeat: int = 3) -> dict:
    """Best-of-``repeat`` seconds of :func:`keyness` with each measure alone."""
    from analysis.features import MEASURES, keyness

    seconds = {}
    for measure in MEASURES:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            keyness(X, vocabulary, target, measures=[measure])
            best = min(best, time.perf_counter() - start)
        seconds[measure] = best
    return seconds


def check_targets(seconds: dict, n_terms: int, targets=TARGETS) -> list[dict]:
    """Pass/fall-short lines, one per measure."""
    out = []
    for measure, limit in targets.items():
        value = seconds[measure]
        passed = value <= limit
        verdict = "PASS" if passed else "FALL SHORT"
        line = (f"{verdict:10s} keyness, {measure} alone, {n_terms:,}-term vocabulary: "
                f"{value:.3f} s (target <= {limit} s)")
        out.append({"target": f"keyness {measure}", "value": value, "limit": limit,
                    "passed": passed, "line": line})
    return out


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-terms", type=int, default=100_000)
    parser.add_argument("--n-docs", type=int, default=2_000)
    parser.add_argument("--tokens-per-doc", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    X, vocabulary, target = synthetic_matrix(args.n_terms, args.n_docs, args.tokens_per_doc)
    n_present = int((np.asarray(X.sum(axis=0)).ravel() > 0).sum())
    seconds = time_measures(X, vocabulary, target, repeat=args.repeat)
    checks = check_targets(seconds, args.n_terms)
    print(f"synthetic matrix: {args.n_docs:,} documents, {int(X.sum()):,} tokens, "
          f"{args.n_terms:,}-term vocabulary ({n_present:,} terms occur)")
    for check in checks:
        print(check["line"])
    result = {
        "date": dt.date.today().isoformat(), "machine": platform.platform(),
        "processor": platform.processor(), "python": platform.python_version(),
        "n_terms": args.n_terms, "n_terms_present": n_present, "n_docs": args.n_docs,
        "n_tokens": int(X.sum()), "repeat": args.repeat, "seconds": seconds,
        "checks": [{k: v for k, v in c.items() if k != "line"} for c in checks],
    }
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"keyness-{result['date']}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        print(f"written: {path}")
    return result


if __name__ == "__main__":
    main()
