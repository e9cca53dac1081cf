"""Execute notebooks in place, side by side, with one progress line per notebook and its time.

Used by ``make figures``. Each notebook runs in its own ``jupyter nbconvert --execute
--inplace`` process on the named kernel; ``--jobs`` of them at a time (both cores by default).
Notebooks read only the ``analysis`` module and ``data/``, never another notebook's output, so
their order does not matter and the outputs are the same as one after the other.

The kernel is started with CurveZMQ keys when pyzmq supports them
(``KernelManager.transport_encryption=auto``): that is what ipykernel's "Kernel is running
over TCP without encryption" warning asks for, so the warning is not printed at all.

Usage: ``python scripts/run_notebooks.py [--jobs 2] [--kernel NAME] NOTEBOOK...``
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path


def nbconvert_command(notebook: Path, kernel: str, timeout: int) -> list[str]:
    """The ``jupyter nbconvert`` command that executes ``notebook`` in place, quietly."""
    command = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
               "--log-level=WARN",
               "--ExecutePreprocessor.record_timing=False",
               f"--ExecutePreprocessor.timeout={timeout}",
               f"--ExecutePreprocessor.kernel_name={kernel}"]
    try:
        import zmq

        if zmq.has("curve"):
            command.append("--KernelManager.transport_encryption=auto")
    except ImportError:
        pass
    return command + [str(notebook)]


def coalesce_streams(notebook: Path) -> bool:
    """Merge consecutive stream outputs of the same name in each cell; True if the file changed.

    One ``print`` is several writes, and the kernel flushes its buffer on a timer: under load a
    line can arrive as two stream outputs, which would change the stored notebook from one run to
    the next (nbval compares the merged text, so only the file differs). Merging them makes the
    stored outputs the same whatever the timing.
    """
    import nbformat

    text = notebook.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    changed = False
    for cell in nb.cells:
        merged = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (output.get("output_type") == "stream" and previous is not None
                    and previous.get("output_type") == "stream" and previous.get("name") == output.get("name")):
                previous["text"] = previous["text"] + output["text"]
                changed = True
            else:
                merged.append(output)
        if changed and "outputs" in cell:
            cell["outputs"] = merged
    if changed:
        notebook.write_text(nbformat.writes(nb) + ("\n" if text.endswith("\n") else ""), encoding="utf-8")
    return changed


def execute(notebook: Path, kernel: str, timeout: int) -> tuple[Path, float, int, str]:
    """Run one notebook; return it, its wall time, the exit status and nbconvert's messages."""
    start = time.perf_counter()
    done = subprocess.run(nbconvert_command(notebook, kernel, timeout), capture_output=True, text=True,
                          check=False)
    if done.returncode == 0:
        coalesce_streams(notebook)
    return notebook, time.perf_counter() - start, done.returncode, done.stderr.strip()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (default 2)")
    parser.add_argument("--kernel", default="vn-digital-discourse", help="kernel name")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    start, failed = time.perf_counter(), []
    print(f"executing {len(args.notebooks)} notebooks, {args.jobs} at a time, on kernel {args.kernel}",
          flush=True)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(execute, nb, args.kernel, args.timeout) for nb in args.notebooks]
        for future in as_completed(futures):
            notebook, seconds, status, messages = future.result()
            state = "ok" if status == 0 else "FAILED"
            print(f"executing {notebook.name} ... {seconds:.1f} s {state}", flush=True)
            if status != 0:
                failed.append(notebook.name)
                print(messages[-4000:], file=sys.stderr, flush=True)
            elif messages:
                print(messages, file=sys.stderr, flush=True)
    print(f"{len(args.notebooks) - len(failed)} of {len(args.notebooks)} notebooks executed in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
