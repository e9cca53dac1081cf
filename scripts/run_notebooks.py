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

Kernels are forked from a template process (:class:`KernelTemplate`) rather than each started
from scratch: the template is started once with the kernel's own interpreter, flags, working
directory and environment, imports ipykernel and the stack (:data:`PRELOAD`: numpy, scipy.stats,
and matplotlib when ``MPLBACKEND`` is set, as ``make`` sets it; then :data:`PRELOAD_AS_KERNEL`,
pandas and scikit-learn, imported while ``get_ipython()`` answers as in a kernel, since pandas
picks a display default from it at import), reads simplemma's French dictionary
(:data:`PRELOAD_LEXICONS`, read-only data every notebook's loader reads first), and forks one
kernel per notebook. Each kernel then runs ``ipykernel_launcher``'s code in a fresh process of
its own (its own session, working directory, environment and connection file) that finds those
modules already imported, instead of spending time on interpreter start and on those imports
of its own. Nothing of the notebooks' is computed in the template, so a kernel sees what a
kernel started from scratch sees, and the notebooks' outputs are the same (strict nbval, which
starts every kernel from scratch, compares them with the stored ones).
A kernel that the template cannot serve (another kernel command, working directory or
environment, or no ``os.fork``) is started as usual; ``--no-fork`` starts every kernel as usual.

A notebook whose cell fails (or times out, or whose kernel dies) is not written; the error is
printed with the notebook's name and the exit status is 1.

Usage: ``python scripts/run_notebooks.py [--jobs 2] [--kernel NAME] [--timeout S] [--no-fork] NOTEBOOK...``
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
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


# --------------------------------------------------------------------------- kernels forked from a template

#: Modules the kernel template imports before it forks kernels (after ``ipykernel.kernelapp``); a
#: module that fails to import is skipped (the notebook that needs it will say so itself). Only
#: modules whose import does not depend on running inside a kernel.
PRELOAD = ("numpy", "scipy.stats")
#: Imported next, while ``get_ipython()`` answers as in a kernel (an object with a ``kernel``):
#: pandas chooses ``display.max_columns`` at import from it (20 in a kernel, 0 in a terminal),
#: and scikit-learn imports pandas. Nothing else of theirs looks at it on import.
PRELOAD_AS_KERNEL = ("pandas", "sklearn")
#: simplemma dictionaries the template reads (read-only data that every notebook's loader reads
#: first: the lost-space check looks words up in it, about 0.4 s of decoding per process).
PRELOAD_LEXICONS = ("fr",)
#: Imported too when ``MPLBACKEND`` is set: without it a kernel makes the inline backend the
#: default before matplotlib is imported, which a template could not do.
PRELOAD_MATPLOTLIB = ("matplotlib", "matplotlib.pyplot")
#: Environment variables a kernel receives from its launcher that the template cannot have had
#: at its start (they name the launching process); the template gives each kernel its own.
LAUNCH_VARIABLES = ("JPY_PARENT_PID", "JPY_SESSION_NAME", "PYDEVD_DISABLE_FILE_VALIDATION")

#: The template's code: import, then fork one kernel per request read on stdin, answer its pid.
TEMPLATE_CODE = r"""
import importlib, json, os, signal, sys
answers = os.fdopen(int(sys.argv[1]), "w")
preload = json.loads(sys.argv[2])
from ipykernel import kernelapp
for name in preload["modules"]:
    try:
        importlib.import_module(name)
    except Exception:
        pass
import builtins, types
builtins.get_ipython = lambda: types.SimpleNamespace(kernel=None)  # has a kernel, as in a kernel
try:
    for name in preload["as_kernel"]:
        try:
            importlib.import_module(name)
        except Exception:
            pass
finally:
    del builtins.get_ipython
for lang in preload["lexicons"]:
    try:
        import simplemma
        simplemma.is_known("a", lang=lang)
    except Exception:
        pass
def reap(signum=None, frame=None, block=False):
    # wait for the kernels that exited (their CPU time is then counted with the template's)
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
signal.signal(signal.SIGCHLD, reap)
for line in sys.stdin:
    request = json.loads(line)
    sys.stdout.flush()
    sys.stderr.flush()
    ready_read, ready_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.setsid()  # its own session, as jupyter_client starts a kernel
            os.close(ready_read)
            os.write(ready_write, b"1")  # the pid is answered once the kernel leads its own group
            os.close(ready_write)
            answers.close()
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.close(devnull)
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            # what ipykernel_launcher does: the working directory leaves sys.path while the
            # kernel loads (the shell puts it back)
            if sys.path and sys.path[0] == "":
                del sys.path[0]
            sys.argv = [request["launcher"], *request["args"]]
            # traits whose defaults ipykernel read from the environment when the template imported it
            handles = {name: int(os.environ.get(variable) or 0) for name, variable in
                       (("parent_handle", "JPY_PARENT_PID"), ("interrupt", "JPY_INTERRUPT_EVENT"))}
            kernelapp.IPKernelApp.launch_instance(**handles)
            code = 0
        except SystemExit as error:
            code = error.code if isinstance(error.code, int) else (0 if error.code is None else 1)
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            try:
                import atexit
                atexit._run_exitfuncs()
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    os.close(ready_write)
    os.read(ready_read, 1)
    os.close(ready_read)
    answers.write(f"{pid}\n")
    answers.flush()
signal.signal(signal.SIGCHLD, signal.SIG_DFL)
reap(block=True)
"""


class ForkedKernel:
    """The part of :class:`subprocess.Popen` that jupyter_client uses, for a kernel forked by the template.

    The kernel is the template's child, not this process's: whether it runs is asked with
    signal 0, and the template waits for it as soon as it exits (its exit status is not known
    here, 0 is reported).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum):
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self):
        self.send_signal(signal.SIGTERM)

    def kill(self):
        self.send_signal(signal.SIGKILL)


class KernelTemplate:
    """A process that has imported the kernel and :data:`PRELOAD` and forks kernels on request.

    ``argv`` is the kernel spec's command; only a command ``<python> [flags] -m ipykernel_launcher
    -f {connection_file}`` is served, and only for kernels started in ``cwd`` with the
    environment this process has (apart from :data:`LAUNCH_VARIABLES`): then a kernel forked
    from the template starts as that command would, with its modules already imported.
    """

    def __init__(self, argv, cwd, preload=None):
        self.prefix = self._prefix(argv)
        self.cwd = str(Path(cwd).resolve())
        self.env = {k: v for k, v in os.environ.items() if k not in LAUNCH_VARIABLES}
        self.process = None
        if self.prefix is None or not hasattr(os, "fork"):
            return
        if preload is None:
            preload = {"modules": PRELOAD + (PRELOAD_MATPLOTLIB if self.env.get("MPLBACKEND") else ()),
                       "as_kernel": PRELOAD_AS_KERNEL, "lexicons": PRELOAD_LEXICONS}
        read, write = os.pipe()
        try:
            self.process = subprocess.Popen(
                [*self.prefix, "-c", TEMPLATE_CODE, str(write), json.dumps(preload)],
                stdin=subprocess.PIPE, cwd=self.cwd, env=dict(self.env), pass_fds=(write,),
                start_new_session=True, text=True)
        except OSError:
            os.close(read)
            self.process = None
            return
        finally:
            os.close(write)
        self.answers = os.fdopen(read, "r")

    @staticmethod
    def _prefix(argv):
        """The interpreter and its flags, if ``argv`` runs ``-m ipykernel_launcher -f {connection_file}``."""
        argv = list(argv)
        if len(argv) >= 4 and argv[-4:-2] == ["-m", "ipykernel_launcher"] and argv[-2] == "-f":
            return argv[:-4]
        return None

    def serves(self, cmd, cwd, env) -> bool:
        """Whether a kernel launched with ``cmd`` in ``cwd`` with ``env`` can be forked from the template."""
        if self.process is None or self.process.poll() is not None:
            return False
        if self._prefix(cmd) != self.prefix or cwd is None or str(Path(cwd).resolve()) != self.cwd:
            return False
        given = {k: v for k, v in (env or os.environ).items() if k not in LAUNCH_VARIABLES}
        return given == self.env

    def fork(self, cmd, env) -> ForkedKernel:
        """Fork a kernel that runs ``cmd``'s ``ipykernel_launcher`` with ``env``."""
        import ipykernel_launcher

        request = {"cwd": self.cwd, "env": dict(env or os.environ), "launcher": ipykernel_launcher.__file__,
                   "args": list(cmd[-2:])}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self.answers.readline()
        if not answer:
            raise OSError("the kernel template stopped")
        return ForkedKernel(int(answer))

    def close(self) -> None:
        """Stop the template (kernels already forked run on)."""
        if self.process is not None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
            self.answers.close()
            self.process = None


def install_template(template: KernelTemplate) -> None:
    """Make jupyter_client's local kernel launcher fork from ``template`` the kernels it serves."""
    from jupyter_client.provisioning import local_provisioner

    launch = local_provisioner.launch_kernel

    def launch_kernel(cmd, stdin=None, stdout=None, stderr=None, env=None, independent=False, cwd=None, **kw):
        if stdin is None and stdout is None and stderr is None and not kw and template.serves(cmd, cwd, env):
            if not independent:
                env = dict(env or os.environ)
                env["JPY_PARENT_PID"] = str(os.getpid())
            try:
                return template.fork(cmd, env)
            except OSError:
                pass
        return launch(cmd, stdin=stdin, stdout=stdout, stderr=stderr, env=env, independent=independent,
                      cwd=cwd, **kw)

    local_provisioner.launch_kernel = launch_kernel


def kernel_argv(kernel: str):
    """The command of the kernel spec named ``kernel`` (None if it cannot be found)."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        return KernelSpecManager().get_kernel_spec(kernel).argv
    except Exception:  # noqa: BLE001 - no template then: kernels start as usual
        return None


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
    parser.add_argument("--no-fork", action="store_true",
                        help="start every kernel from scratch instead of forking it from a template")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    skip_iri_format_checks()
    print(f"executing {len(args.notebooks)} notebooks, {args.jobs} at a time, on kernel {args.kernel}",
          flush=True)
    template = None
    folders = {str(Path(n).resolve().parent) for n in args.notebooks}
    argv_ = None if args.no_fork or len(folders) != 1 else kernel_argv(args.kernel)
    if argv_ is not None:
        template = KernelTemplate(argv_, folders.pop())
        install_template(template)
    try:
        failed = asyncio.run(run_all(args.notebooks, args.jobs, args.kernel, args.timeout))
    finally:
        if template is not None:
            template.close()
    print(f"{len(args.notebooks) - len(failed)} of {len(args.notebooks)} notebooks executed in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
