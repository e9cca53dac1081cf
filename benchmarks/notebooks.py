"""``make figures`` against the serial floor of executing as many notebooks that only import the stack.

Usage::

    python -m benchmarks.notebooks                     # part of make bench
    python -m benchmarks.notebooks --n 2 --floor-only --no-save    # a quick check that it runs

Two wall times, measured one after the other on this machine:

(a) **the floor** (the issue's measure): ``N`` generated notebooks (``N``: the notebooks ``make
    figures`` executes, ``notebooks/NN_*.ipynb``) whose one cell only imports the stack (``import
    pandas, sklearn, matplotlib, analysis``), executed one after the other with the standard
    command, one ``jupyter nbconvert --to notebook --execute --inplace`` process each (what
    ``make figures`` ran until it got its own runner). It is kernel start and imports, plus
    nbconvert's own start-up;
(a') **the runner's floor**, for the record: the same notebooks executed one at a time by
    ``scripts/run_notebooks.py --jobs 1`` (what ``make figures`` now uses: nbclient in one
    process, so no nbconvert start-up per notebook). Against it the target cannot be met by any
    notebooks that compute something, and the line is only ``MEASURED``;
(b) **make figures**, run as a subprocess in a temporary clean copy of the repository (no
    ``.venv``, ``.git``, benchmark corpora or caches), with this interpreter (``make figures
    PY=<python> STAMP=<stamp>``: the copy installs nothing) and the copy first on the kernel's
    path. The figures it writes are compared with the repository's (byte for byte).

Target (issue 11): (b) ≤ 0.7 × (a), which only notebooks run side by side on both cores can meet.
Prints pass/fall-short lines and writes ``benchmarks/results/notebooks-<date>.json``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.paths import BENCHMARKS, FIGURES, NOTEBOOKS, PROJ_ROOT
from benchmarks import write_result

RESULTS = BENCHMARKS / "results"
#: The floor notebook's only cell.
FLOOR_CELL = "import pandas, sklearn, matplotlib, analysis"
#: make figures / floor: at most this (issue 11).
TARGET_RATIO = 0.7
#: What a clean copy of the repository leaves out.
COPY_IGNORE = (".venv", ".git", "work", "__pycache__", ".ipynb_checkpoints", "build", "*.egg-info",
               ".pytest_cache", ".hypothesis")
#: Environment of the Makefile (exported there), so that both measurements run alike.
MAKE_ENV = {"PYTHONHASHSEED": "0", "HF_HUB_OFFLINE": "1", "MPLBACKEND": "Agg", "JUPYTER_PLATFORM_DIRS": "1"}


def project_notebooks(notebooks_dir=NOTEBOOKS) -> list[Path]:
    """The notebooks ``make figures`` executes: ``notebooks/[0-9][0-9]_*.ipynb``, in order."""
    return sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb"))


def write_floor_notebooks(n: int, folder) -> list[Path]:
    """Write ``n`` notebooks whose one code cell is :data:`FLOOR_CELL`; return their paths."""
    import nbformat

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(FLOOR_CELL)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        path = folder / f"{i + 1:02d}_floor.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def execute_command(python, notebook) -> list[str]:
    """The command ``make figures`` runs on each notebook (``nbconvert --execute --inplace``)."""
    return [str(python), "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
            "--ExecutePreprocessor.record_timing=False", "--ExecutePreprocessor.timeout=1800",
            "--ExecutePreprocessor.kernel_name=python3", str(notebook)]


def _env(pythonpath) -> dict:
    env = {**os.environ, **MAKE_ENV}
    env["PYTHONPATH"] = os.pathsep.join([str(pythonpath)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    return env


def measure_floor(n: int, *, python=sys.executable, project=PROJ_ROOT) -> dict:
    """Execute ``n`` floor notebooks one after the other; wall seconds in all and per notebook.

    Returns
    -------
    dict
        ``n``, ``seconds``, ``seconds_each``.
    """
    with tempfile.TemporaryDirectory(prefix="floor-") as tmp:
        paths = write_floor_notebooks(n, tmp)
        env = _env(project)
        each = []
        start = time.perf_counter()
        for path in paths:
            t = time.perf_counter()
            subprocess.run(execute_command(python, path), check=True, cwd=tmp, env=env,
                           capture_output=True, text=True)
            each.append(round(time.perf_counter() - t, 2))
        seconds = time.perf_counter() - start
    return {"n": n, "seconds": round(seconds, 2), "seconds_each": each}


def measure_runner_floor(n: int, *, python=sys.executable, project=PROJ_ROOT) -> dict:
    """Execute ``n`` floor notebooks one at a time with ``scripts/run_notebooks.py --jobs 1``.

    Returns
    -------
    dict
        ``n``, ``seconds`` (wall, the runner's start included).
    """
    with tempfile.TemporaryDirectory(prefix="floor-runner-") as tmp:
        paths = write_floor_notebooks(n, tmp)
        start = time.perf_counter()
        subprocess.run([str(python), str(Path(project) / "scripts" / "run_notebooks.py"), "--jobs", "1",
                        "--kernel", "python3", *map(str, paths)], check=True, cwd=tmp, env=_env(project),
                       capture_output=True, text=True)
        seconds = time.perf_counter() - start
    return {"n": n, "seconds": round(seconds, 2)}


def clean_copy(project, dest) -> Path:
    """Copy the repository to ``dest`` without :data:`COPY_IGNORE` (virtual env, git, caches)."""
    project, dest = Path(project), Path(dest)
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns(*COPY_IGNORE), symlinks=True)
    return dest


def make_figures_command(python, stamp) -> list[str]:
    """``make figures`` with this interpreter, the install step already done (``STAMP``)."""
    return ["make", "--no-print-directory", "figures", f"PY={python}", f"STAMP={stamp}"]


def _figure_bytes(folder) -> dict:
    return {p.name: p.read_bytes() for p in sorted(Path(folder).glob("*")) if p.is_file()}


def measure_make_figures(*, python=sys.executable, project=PROJ_ROOT, figures_dir=FIGURES) -> dict:
    """Run ``make figures`` in a clean temporary copy of ``project``; wall seconds and figures check.

    Returns
    -------
    dict
        ``seconds``, ``n_notebooks``, ``figures_compared``, ``figures_changed`` (names of the
        figures whose bytes differ from ``figures_dir``'s, or that are missing).
    """
    with tempfile.TemporaryDirectory(prefix="make-figures-") as tmp:
        copy = clean_copy(project, Path(tmp) / "repo")
        stamp = Path(tmp) / "installed-stamp"
        stamp.touch()  # newer than requirements.txt and pyproject.toml: nothing to install
        start = time.perf_counter()
        done = subprocess.run(make_figures_command(python, stamp), cwd=copy, env=_env(copy),
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"make figures failed in {copy}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        before, after = _figure_bytes(figures_dir), _figure_bytes(copy / "figures")
    changed = sorted(name for name in before if after.get(name) != before[name])
    return {"seconds": round(seconds, 2), "n_notebooks": len(project_notebooks(Path(project) / "notebooks")),
            "figures_compared": len(before), "figures_changed": changed}


def verdict_line(figures_seconds: float, floor_seconds: float, n: int, target=TARGET_RATIO) -> dict:
    """The pass/fall-short line of make figures against the floor."""
    ratio = round(figures_seconds / floor_seconds, 3)
    passed = ratio <= target
    line = (f"{'PASS' if passed else 'FALL SHORT':10s} make figures / serial floor of {n} import-only notebooks: "
            f"{ratio:.2f} x ({figures_seconds:.1f} s against {floor_seconds:.1f} s; target <= {target} x)")
    return {"target": "make figures / serial floor", "value": ratio, "op": "<=", "limit": target,
            "passed": passed, "line": line}


def main(argv=None) -> int:
    """Command-line entry point (see the module docstring)."""
    from benchmarks.run import machine_info

    parser = argparse.ArgumentParser(prog="python -m benchmarks.notebooks", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=None,
                        help="floor notebooks (default: as many as notebooks/NN_*.ipynb)")
    parser.add_argument("--floor-only", action="store_true", help="measure the floor only (no make figures)")
    parser.add_argument("--no-save", action="store_true", help="print only; write no JSON")
    args = parser.parse_args(argv)
    n = args.n or len(project_notebooks())
    load = os.getloadavg()[0]
    floor = measure_floor(n)
    print(f"floor: {n} import-only notebooks executed one after the other in {floor['seconds']:.1f} s "
          f"({', '.join(f'{s:.1f}' for s in floor['seconds_each'])})")
    runner_floor = measure_runner_floor(n)
    print(f"runner's floor: the same notebooks one at a time by scripts/run_notebooks.py in "
          f"{runner_floor['seconds']:.1f} s")
    result = {"benchmark": "notebooks", "date": dt.date.today().isoformat(), "machine": machine_info(),
              "floor": floor, "runner_floor": runner_floor, "loadavg_1min_before": round(load, 2)}
    if not args.floor_only:
        figures = measure_make_figures()
        result["make_figures"] = figures
        print(f"make figures: {figures['n_notebooks']} notebooks in {figures['seconds']:.1f} s; "
              f"{figures['figures_compared'] - len(figures['figures_changed'])} of {figures['figures_compared']} "
              f"figures byte-identical" + (f" (changed: {', '.join(figures['figures_changed'])})"
                                           if figures["figures_changed"] else ""))
        result["target"] = verdict_line(figures["seconds"], floor["seconds"], n)
        print(result["target"]["line"])
        ratio = figures["seconds"] / runner_floor["seconds"]
        result["against_runner_floor"] = round(ratio, 3)
        print(f"{'MEASURED':10s} make figures / the runner's serial floor: {ratio:.2f} x "
              f"({figures['seconds']:.1f} s against {runner_floor['seconds']:.1f} s)")
    result["loadavg_1min_after"] = round(os.getloadavg()[0], 2)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = write_result(result, "notebooks", results_dir=RESULTS, indent=1)
        print(f"results: {out.relative_to(PROJ_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
