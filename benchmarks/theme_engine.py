"""Theme engine candidates, measured on the same synthetic articles (issue 11, part 2).

Usage::

    python -m benchmarks.theme_engine [--n 5000] [--seed 0]

Each candidate codes the same ``--n`` synthetic articles (:mod:`benchmarks.theme_synth`: codebook
example sentences and cue phrases in French filler, about 500 words each) with the project
codebook; times are CPU seconds of this process (``time.process_time``), reported per article,
normalization (:func:`analysis.text.normalize`, shared by every candidate, best of ``--repeat``)
apart. The two exact engines (legacy and chosen) are timed alternately, best of ``--repeat``
each, so that both see the same load; the rejected candidates, much slower, once:

- ``legacy``: the first engine (``tests/legacy_themes_engine.py``: literal prefilter on the
  private ``re`` parser, then ``re`` per pattern on the paragraphs holding a literal);
- ``re_scan_all``: every pattern and exclusion scanned over the whole text with ``re`` (the
  regex work the engines avoid, without cues or context);
- ``regex_module_scan_all``: the same with the third-party ``regex`` module;
- ``combined_alternation``: one ``re`` alternation per case class with a named group per
  pattern, one pass each. It cannot give the engine's matches (an alternation finds one match
  per place, so overlapping matches of other patterns are lost): a lower bound of that design;
- ``aho_corasick_placed`` (the chosen engine, :mod:`analysis.matching`): one Aho-Corasick pass
  over the case-folded text finds the literals of every rule; each regex is tried only where
  one of its prefix literals starts, or searched only in short windows before the places of
  the literals every match contains.

``identical`` says whether the candidate's matches equal the legacy engine's. The result is
written to ``benchmarks/results/theme-engine-candidates.json`` and pass/fall-short lines are
printed against the issue's targets: at least 10 x faster than legacy, at most 0.5 ms an article.
"""
from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time

from analysis.paths import BENCHMARKS, TESTS

RESULT = BENCHMARKS / "results" / "theme-engine-candidates.json"
TARGET_SPEEDUP = 10.0
TARGET_MS = 0.5


def _best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def _rules(cb):
    return [r.compiled for t in cb.themes for r in (*t.patterns, *t.exclusions)]


def _combined(cb):
    """One alternation per case class, a named group per pattern."""
    groups = {0: [], re.IGNORECASE: []}
    for i, rule in enumerate(_rules(cb)):
        groups[rule.flags & re.IGNORECASE].append(f"(?P<p{i}>{_unnamed(rule.pattern)})")
    return [re.compile("|".join(parts), flags) for flags, parts in groups.items() if parts]


def _unnamed(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


def measure(n: int, seed: int = 0, repeat: int = 1) -> dict:
    """Run every candidate on ``n`` synthetic articles; return the result table."""
    sys.path.insert(0, str(TESTS))
    import legacy_themes_engine as legacy
    import regex as regex_module

    from analysis import matching
    from analysis.codebook import get_codebook
    from benchmarks.theme_synth import synthetic_articles

    cb = get_codebook()
    articles = synthetic_articles(n, random_state=seed)
    normalize_s = _best(lambda: [matching.normalized(a) for a in articles], repeat)
    norm = [matching.normalized(a) for a in articles]
    joined = "\x00".join(norm)
    matching.match_records(norm[:2], cb)  # builds the plan (parsing, automata) once

    def legacy_run():
        return legacy._match_records(norm, cb, cb.ids)

    def new_run():
        return matching.match_records(norm, cb)

    rules = _rules(cb)
    other = [regex_module.compile(r.pattern, regex_module.V0 | (
        regex_module.IGNORECASE if r.flags & re.IGNORECASE else 0)) for r in rules]
    combined = _combined(cb)
    # the two exact engines are timed alternately, best of `repeat` each (the machine's load
    # changes over time); the rejected candidates, much slower, once
    engines = {"legacy": [], "aho_corasick_placed": []}
    for _ in range(repeat):
        for name, run in (("legacy", legacy_run), ("aho_corasick_placed", new_run)):
            engines[name].append(_best(run, 1))
    timings = {
        "legacy": min(engines["legacy"]),
        "re_scan_all": _best(lambda: [list(r.finditer(joined)) for r in rules], 1),
        "regex_module_scan_all": _best(lambda: [list(r.finditer(joined)) for r in other], 1),
        "combined_alternation": _best(lambda: [list(r.finditer(joined)) for r in combined], 1),
        "aho_corasick_placed": min(engines["aho_corasick_placed"]),
    }

    def key(records):
        return sorted((r[0], r[1], r[2], r[3], r[4], r[5]) for r in records)

    same = key(legacy_run()) == key(new_run())
    candidates = {}
    for name, seconds in timings.items():
        candidates[name] = {
            "ms_per_article": round(1000 * seconds / n, 4),
            "speedup_vs_legacy": round(timings["legacy"] / seconds, 2) if seconds else None,
            "identical": {"legacy": True, "aho_corasick_placed": same}.get(name),
            "exact_engine": name in ("legacy", "aho_corasick_placed"),
        }
    return {
        "n_articles": n, "seed": seed, "repeat": repeat,
        "chars_per_article": round(len(joined) / n, 1),
        "n_rules": len(rules), "n_matches": len(new_run()),
        "normalize_ms_per_article": round(1000 * normalize_s / n, 4),
        "clock": "process CPU time (time.process_time); legacy, chosen engine and "
                 "normalization best of repeat, other candidates once",
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.processor()},
        "candidates": candidates,
        "chosen": "aho_corasick_placed",
    }


def report(result: dict) -> list[str]:
    """Pass/fall-short lines for the issue's targets."""
    new = result["candidates"]["aho_corasick_placed"]
    speedup, ms = new["speedup_vs_legacy"], new["ms_per_article"]
    return [
        f"{'pass' if new['identical'] else 'FALL SHORT'}: identical matches to the legacy engine",
        f"{'pass' if speedup >= TARGET_SPEEDUP else 'FALL SHORT'}: speed-up {speedup}x "
        f"(target >= {TARGET_SPEEDUP:g}x)",
        f"{'pass' if ms <= TARGET_MS else 'FALL SHORT'}: {ms} ms an article "
        f"(target <= {TARGET_MS} ms; normalization {result['normalize_ms_per_article']} ms apart)",
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="synthetic articles (default 5000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--out", default=str(RESULT))
    args = parser.parse_args(argv)
    result = measure(args.n, args.seed, args.repeat)
    for name, row in result["candidates"].items():
        print(f"{name:24s} {row['ms_per_article']:8.3f} ms/article  x{row['speedup_vs_legacy']}")
    for line in report(result):
        print(line)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2)
        handle.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
