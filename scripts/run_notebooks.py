"""Execute notebooks in place, side by side, with one progress line per notebook and its time.

Used by ``make figures``. Every notebook runs on its own kernel (the named one), started and
driven by :mod:`nbclient` inside this one process: ``--jobs`` of them at a time (both cores by
default), the notebooks with the most code first so that the longest one does not start last.
The next notebooks' kernels are started while the slots are busy, and a finished notebook's
kernel is shut down in the background.
Each notebook is read, executed and written back exactly as ``jupyter nbconvert --to notebook
--execute --inplace`` does (same client, same settings, same JSON), without starting a
``jupyter nbconvert`` process (about 2-3 s of start-up each) for every notebook. Notebooks read
only the ``analysis`` module and ``data/``, never another notebook's output, so their order
does not matter and the outputs are the same as one after the other.

The kernel is started with CurveZMQ keys when pyzmq supports them
(``KernelManager.transport_encryption=auto``): that is what ipykernel's "Kernel is running
over TCP without encryption" warning asks for, so the warning is not printed at all.

A notebook whose cell fails (or times out, or whose kernel dies) is not written; the error is
printed with the notebook's name and the exit status is 1.

Usage: ``python scripts/run_notebooks.py [--jobs 2] [--kernel NAME] [--timeout S] NOTEBOOK...``
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

#: nbformat major version the notebooks are read and written in (nbconvert's default).
NBFORMAT_VERSION = 4


def skip_iri_format_checks() -> None:
    """Keep jsonschema (imported by nbformat) from importing ``rfc3987_syntax`` in this process.

    jsonschema imports it, when installed, only to check "iri" string formats, which the
    notebook schema does not use; the import builds a grammar and takes about 1.7 s, before any
    notebook can start. jsonschema leaves the check out when the import fails (``None`` in
    :data:`sys.modules` makes it fail). Called by :func:`main` only, before nbformat is imported.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def nbconvert_command(notebook: Path, kernel: str, timeout: int) -> list[str]:
    """The ``jupyter nbconvert`` command equivalent to what :func:`execute` does to ``notebook``.

    Not used to run the notebooks any more; kept to state (and check) the equivalence.
    """
    command = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
               "--log-level=WARN",
               "--ExecutePreprocessor.record_timing=False",
               f"--ExecutePreprocessor.timeout={timeout}",
               f"--ExecutePreprocessor.kernel_name={kernel}"]
    if curve_supported():
        command.append("--KernelManager.transport_encryption=auto")
    return command + [str(notebook)]


def curve_supported() -> bool:
    """Whether pyzmq offers CurveZMQ (then kernels are started with transport encryption)."""
    try:
        import zmq
    except ImportError:
        return False
    return bool(zmq.has("curve"))


def coalesce_outputs(nb) -> bool:
    """Merge consecutive stream outputs of the same name in each cell of ``nb``; True if any.

    One ``print`` is several writes, and the kernel flushes its buffer on a timer: under load a
    line can arrive as two stream outputs, which would change the stored notebook from one run to
    the next (nbval compares the merged text, so only the file differs). Merging them makes the
    stored outputs the same whatever the timing.
    """
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
    return changed


def coalesce_streams(notebook: Path) -> bool:
    """:func:`coalesce_outputs` on a notebook file, rewritten only if it changed; True if it did."""
    import nbformat

    text = notebook.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    changed = coalesce_outputs(nb)
    if changed:
        notebook.write_text(nbformat.writes(nb) + ("\n" if text.endswith("\n") else ""), encoding="utf-8")
    return changed


def notebook_text(nb) -> str:
    """The file text of an executed notebook, as ``nbconvert --to notebook`` writes it."""
    import nbformat

    text = nbformat.writes(nb, version=NBFORMAT_VERSION)
    return text if text.endswith("\n") else text + "\n"


def client(nb, notebook: Path, kernel: str, timeout: int):
    """The :class:`nbclient.NotebookClient` that executes ``nb`` (read from ``notebook``) like nbconvert.

    Same settings as :func:`nbconvert_command`: the named kernel, the cell timeout, no timing
    metadata, the notebook's folder as the kernel's working directory, CurveZMQ when available.
    """
    from nbclient import NotebookClient
    from traitlets.config import Config

    config = Config()
    if curve_supported():
        config.KernelManager.transport_encryption = "auto"
    return NotebookClient(nb, timeout=timeout, kernel_name=kernel, record_timing=False, config=config,
                          resources={"metadata": {"path": str(notebook.resolve().parent)}})


async def shut_down(nb_client) -> None:
    """Stop the kernel of ``nb_client`` (gracefully, as nbclient does) and close its channels."""
    if nb_client.km is None:
        return
    try:
        await nb_client._async_cleanup_kernel()
    except Exception as error:  # noqa: BLE001 - a kernel that will not stop must not hide the results
        print(f"could not shut down a kernel: {type(error).__name__}: {error}", file=sys.stderr, flush=True)


async def start(notebook: Path, kernel: str, timeout: int, shutdowns: list):
    """Read ``notebook`` and start its kernel; return ``(nb, nb_client, seconds, error)``.

    This is what :meth:`nbclient.NotebookClient.async_execute` does first (same kernel manager,
    working directory and kernel arguments); done apart, it can happen while the notebooks
    before it still hold every slot, so that a slot never waits for a kernel to start (most of a
    second, of which nearly half spent waiting). On failure ``nb_client`` is None and
    ``error`` names the notebook.
    """
    import nbformat

    began = time.perf_counter()
    nb_client = None
    try:
        nb = nbformat.read(notebook, as_version=NBFORMAT_VERSION)
        nb_client = client(nb, notebook, kernel, timeout)
        nb_client.km = nb_client.create_kernel_manager()
        await nb_client.async_start_new_kernel()
        await nb_client.async_start_new_kernel_client()
    except Exception as error:  # noqa: BLE001 - any failure is reported with the notebook's name
        if nb_client is not None:
            shutdowns.append(asyncio.ensure_future(shut_down(nb_client)))
        return None, None, time.perf_counter() - began, f"{notebook}: {type(error).__name__}: {error}"
    return nb, nb_client, time.perf_counter() - began, ""


async def execute(notebook: Path, nb, nb_client, shutdowns: list) -> tuple[float, int, str]:
    """Run the cells of ``nb`` on its started kernel and write the notebook back.

    Returns the wall time, 0 or 1, and the error if any (naming the notebook, which is then not
    written). The kernel's shutdown (most of a second, spent waiting for the process to exit)
    is not awaited here but appended to ``shutdowns`` as a task, so that the next notebook
    starts at once.
    """
    began = time.perf_counter()
    try:
        await nb_client.async_execute(cleanup_kc=False)
    except Exception as error:  # noqa: BLE001 - any failure is reported with the notebook's name
        return time.perf_counter() - began, 1, f"{notebook}: {type(error).__name__}: {error}"
    finally:
        shutdowns.append(asyncio.ensure_future(shut_down(nb_client)))
    coalesce_outputs(nb)
    notebook.write_text(notebook_text(nb), encoding="utf-8")
    return time.perf_counter() - began, 0, ""


def longest_first(notebooks) -> list[Path]:
    """Notebooks ordered by the length of their code, longest first (ties: by name).

    With two at a time, starting the heaviest notebook (the topic models) last would leave one
    core idle at the end; the length of the code is a rough, stable stand-in for its cost.
    """
    import nbformat

    def code_length(path: Path) -> int:
        try:
            nb = nbformat.read(path, as_version=NBFORMAT_VERSION)
        except Exception:  # noqa: BLE001 - unreadable: executed last, and reported then
            return -1
        return sum(len(cell.source) for cell in nb.cells if cell.cell_type == "code")

    return sorted(notebooks, key=lambda path: (-code_length(path), str(path)))


async def run_all(notebooks, jobs: int, kernel: str, timeout: int) -> list[str]:
    """Execute ``notebooks``, ``jobs`` at a time, printing one line each; return the failed names.

    At most ``jobs`` notebooks execute at once; up to ``jobs`` more have their kernel started and
    wait for a free slot. Each line gives the notebook's time from the start of its kernel to the
    file written, leaving out the wait for a slot.
    """
    slots = asyncio.Semaphore(max(1, jobs))
    ahead = asyncio.Semaphore(max(1, jobs))
    failed, shutdowns = [], []

    async def one(notebook: Path) -> None:
        async with ahead:
            nb, nb_client, seconds, messages = await start(notebook, kernel, timeout, shutdowns)
            if nb_client is not None:
                await slots.acquire()
        status = 1
        if nb_client is not None:
            try:
                run_seconds, status, messages = await execute(notebook, nb, nb_client, shutdowns)
                seconds += run_seconds
            finally:
                slots.release()
        state = "ok" if status == 0 else "FAILED"
        print(f"executing {notebook.name} ... {seconds:.1f} s {state}", flush=True)
        if status != 0:
            failed.append(notebook.name)
            print(messages[-4000:], file=sys.stderr, flush=True)

    try:
        await asyncio.gather(*(one(notebook) for notebook in longest_first(notebooks)))
    finally:
        await asyncio.gather(*shutdowns)
    return failed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (default 2)")
    parser.add_argument("--kernel", default="vn-digital-discourse", help="kernel name")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    skip_iri_format_checks()
    print(f"executing {len(args.notebooks)} notebooks, {args.jobs} at a time, on kernel {args.kernel}",
          flush=True)
    failed = asyncio.run(run_all(args.notebooks, args.jobs, args.kernel, args.timeout))
    print(f"{len(args.notebooks) - len(failed)} of {len(args.notebooks)} notebooks executed in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
