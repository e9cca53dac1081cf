"""How long one very large page takes to load (issue: a 10 MB page loads in a few seconds).

Builds a page of about ``--megabytes`` MB from the seed corpus' own paragraphs (a headline,
captions, a long body and a long "Voir plus" block of distinct teasers), writes it to a scratch
folder, and times :func:`analysis.corpus.load_corpus` on it, best of ``--repeat`` runs. Prints the
figures and writes ``benchmarks/results/large-page-<date>.json``.

Usage::

    python -m benchmarks.large_page [--megabytes 10] [--repeat 3] [--no-save]
"""
from __future__ import annotations

import argparse
import datetime as dt
import platform
import resource
import tempfile
import time
from pathlib import Path

from analysis import corpus
from analysis.paths import BENCHMARKS, SEED_RAW
from benchmarks import write_result


def build_page(megabytes: float, raw_dir: Path = SEED_RAW) -> str:
    """Return a synthetic page of about ``megabytes`` MB built from real seed paragraphs.

    Half of the bytes go to the article body, half to teasers (each made distinct by a number in
    its headline, so that none is merged with another).

    Parameters
    ----------
    megabytes : float
        Target size in MB (10**6 bytes of UTF-8).
    raw_dir : pathlib.Path, default :data:`analysis.paths.SEED_RAW`
        Folder of seed pages to draw paragraphs from (the frozen seed copy, not ``data/raw/``).

    Returns
    -------
    str
    """
    units = corpus.load_corpus(raw_dir, metadata=None)
    paras = corpus.paragraphs(units)
    body = [p for p in paras[paras.kind == "article"].text]
    leads = [p for p in paras[paras.kind == "related"].text]
    target = int(megabytes * 10**6)
    parts = ["Une très longue page de test\n", "Une très longue page de test\n",
             "Hanoi (VNA) – " + body[0] + "\n", "Le ministre au forum. Photo : VNA\n"]
    size, i = sum(len(p.encode()) for p in parts), 0
    while size < target // 2:
        parts.append(body[i % len(body)] + "\n")
        size += len(parts[-1].encode())
        i += 1
    parts.append("- VNA\n\nVoir plus\n")
    j = 0
    while size < target:
        teaser = f"Légende {j}. Photo : VNA\n\nTitre du teaser numéro {j}\n\n{leads[j % len(leads)]}\n"
        parts.append(teaser)
        size += len(teaser.encode())
        j += 1
    return "\n".join(parts)


def run(megabytes: float = 10.0, repeat: int = 3) -> dict:
    """Time loading one page of ``megabytes`` MB; return the figures as a dict."""
    text = build_page(megabytes)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.txt"
        path.write_text(text, encoding="utf-8")
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            units = corpus.load_corpus(tmp, metadata=None)
            times.append(time.perf_counter() - start)
        size = path.stat().st_size
    return {
        "benchmark": "large_page",
        "date": dt.date.today().isoformat(),
        "machine": {"processor": platform.processor() or platform.machine(), "python": platform.python_version(),
                    "system": platform.platform()},
        "page_bytes": size,
        "units": int(len(units)),
        "article_words": int(units.loc[units.kind == "article", "n_words"].sum()),
        "seconds_best": round(min(times), 3),
        "seconds_all": [round(t, 3) for t in times],
        "mb_per_second": round(size / 10**6 / min(times), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-save", action="store_true", help="print only; write no JSON")
    args = parser.parse_args(argv)
    result = run(args.megabytes, args.repeat)
    print(f"page: {result['page_bytes'] / 10**6:.1f} MB, {result['units']} units, "
          f"{result['article_words']} article words")
    print(f"load_corpus: best {result['seconds_best']:.2f} s of {args.repeat} "
          f"({result['mb_per_second']:.1f} MB/s); peak RSS {result['peak_rss_mb']:.0f} MB")
    verdict = "pass" if result["seconds_best"] <= 5 else "fall short"
    print(f"target <= 5 s for a 10 MB page: {verdict}")
    if not args.no_save:
        out = write_result(result, "large-page")
        print(f"written {out.relative_to(BENCHMARKS.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
