"""How long Reinert's classification takes on 10,000 segments (target: under 30 s).

Builds a seeded synthetic corpus of segments with planted lexical worlds: each segment draws
most of its words from one of ``--worlds`` disjoint vocabularies and the rest from a shared
Zipf-distributed background vocabulary, with documents of consecutive segments of the same
world. Times :func:`analysis.textometry.reinert` (term matrix, ``k - 1`` splits, class
statistics; tokenization excluded: the tokens are given), and reports the adjusted Rand index
against the planted worlds. Prints a pass/fall-short line and writes
``benchmarks/results/reinert-<date>.json``.

Usage::

    python -m benchmarks.reinert [--segments 10000] [--k 10] [--seed 0] [--no-save]
"""
from __future__ import annotations

import argparse
import datetime as dt
import platform
import resource
import time

import numpy as np
import pandas as pd

from analysis.paths import BENCHMARKS
from benchmarks import write_result

TARGET_SECONDS = 30.0


def planted_segments(n_segments: int, *, n_worlds: int = 8, world_vocab: int = 300, shared_vocab: int = 3000,
                     n_world_words: int = 12, n_shared_words: int = 10, segments_per_doc: int = 8,
                     random_state=0):
    """Segments table and token lists with planted lexical worlds.

    Parameters
    ----------
    n_segments : int
    n_worlds : int
        Disjoint vocabularies ("lexical worlds").
    world_vocab, shared_vocab : int
        Size of each world's vocabulary and of the shared one.
    n_world_words, n_shared_words : int
        Word draws per segment from its world (Zipf weights) and from the shared vocabulary.
    segments_per_doc : int
        Consecutive segments of one document (same world).
    random_state : int or None

    Returns
    -------
    (pandas.DataFrame, list of list of str, numpy.ndarray)
        Segments (``doc_id``, ``text``), tokens and the planted world of each segment.
    """
    rng = np.random.default_rng(random_state)
    zipf_w = 1 / np.arange(1, world_vocab + 1)
    zipf_s = 1 / np.arange(1, shared_vocab + 1)
    zipf_w, zipf_s = zipf_w / zipf_w.sum(), zipf_s / zipf_s.sum()
    n_docs = -(-n_segments // segments_per_doc)
    doc_world = rng.integers(n_worlds, size=n_docs)
    labels = np.repeat(doc_world, segments_per_doc)[:n_segments]
    doc_ids = np.repeat(np.arange(n_docs), segments_per_doc)[:n_segments]
    w_idx = rng.choice(world_vocab, size=(n_segments, n_world_words), p=zipf_w)
    s_idx = rng.choice(shared_vocab, size=(n_segments, n_shared_words), p=zipf_s)
    tokens = [[f"monde{labels[i]}_{j}" for j in w_idx[i]] + [f"commun_{j}" for j in s_idx[i]]
              for i in range(n_segments)]
    segments = pd.DataFrame({"doc_id": [f"doc{d:05d}" for d in doc_ids],
                             "text": [" ".join(t) for t in tokens]})
    return segments, tokens, labels


def run(n_segments: int = 10_000, k: int = 10, seed: int = 0) -> dict:
    """Time one Reinert classification of ``n_segments`` planted segments."""
    from sklearn.metrics import adjusted_rand_score

    from analysis.textometry import reinert

    segments, tokens, labels = planted_segments(n_segments, random_state=seed)
    start = time.perf_counter()
    result = reinert(segments, tokens=tokens, k=k, random_state=seed)
    seconds = time.perf_counter() - start
    classes = result.classes.to_numpy()
    return {
        "benchmark": "reinert",
        "date": dt.date.today().isoformat(),
        "machine": {"processor": platform.processor() or platform.machine(), "python": platform.python_version(),
                    "system": platform.platform()},
        "segments": n_segments,
        "terms": int(result.matrix.shape[1]),
        "k": k,
        "classes_found": result.k,
        "planted_worlds": int(len(np.unique(labels))),
        "share_classified": round(result.share_classified, 4),
        "ari_vs_planted": round(float(adjusted_rand_score(labels, classes)), 4),
        "seconds": round(seconds, 3),
        "target_seconds": TARGET_SECONDS,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-save", action="store_true", help="print only; write no JSON")
    args = parser.parse_args(argv)
    result = run(args.segments, args.k, args.seed)
    print(f"segments: {result['segments']}, terms: {result['terms']}, k = {result['k']} "
          f"({result['classes_found']} classes found, {result['planted_worlds']} planted worlds)")
    print(f"reinert: {result['seconds']:.2f} s; ARI vs planted worlds {result['ari_vs_planted']:.3f}; "
          f"peak RSS {result['peak_rss_mb']:.0f} MB")
    verdict = "pass" if result["seconds"] < TARGET_SECONDS else "fall short"
    print(f"target < {TARGET_SECONDS:.0f} s for {result['segments']} segments: {verdict}")
    if not args.no_save:
        out = write_result(result, "reinert")
        print(f"written {out.relative_to(BENCHMARKS.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
