"""Benchmarks of the analysis pipeline on seeded synthetic corpora (1,000 to 100,000 pages).

- :mod:`benchmarks.synth` writes deterministic synthetic page files and their ``metadata.csv``.
- :mod:`benchmarks.run` times :func:`analysis.pipeline.run` stage by stage (every page), its Dask
  backend and the reference pipelines in fresh subprocesses, one set per corpus size, and writes
  ``benchmarks/results/<date>.json`` and a figure.
- :mod:`benchmarks.notebooks` times ``make figures`` against the serial floor of as many
  notebooks that only import the stack.
- :mod:`benchmarks.large_page` times loading one very large page.

Benchmarks are not part of ``make test``; run ``make bench`` (or ``make bench-smoke``).
Importing this package prints nothing and touches no file.
"""

import json  # noqa: E402
from pathlib import Path  # noqa: E402

from analysis.paths import BENCHMARKS  # noqa: E402


def write_result(result: dict, stem: str, *, results_dir: Path | None = None, indent: int = 2) -> Path:
    """Write one benchmark's result as ``results/<stem>-<date>.json`` (UTF-8, trailing newline).

    Parameters
    ----------
    result : dict
        JSON-serializable, with a ``date`` key (``YYYY-MM-DD``).
    stem : str
        The benchmark's name, e.g. ``"reinert"``.
    results_dir : pathlib.Path, optional
        Default ``benchmarks/results``.
    indent : int

    Returns
    -------
    pathlib.Path
        The file written.
    """
    out = (results_dir or BENCHMARKS / "results") / f"{stem}-{result['date']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=indent) + "\n", encoding="utf-8")
    return out
