"""scripts/run_notebooks.py: stored outputs that do not depend on the kernel's flush timing."""
import importlib.util
import sys

import nbformat

from analysis.paths import PROJ_ROOT

spec = importlib.util.spec_from_file_location("run_notebooks", PROJ_ROOT / "scripts" / "run_notebooks.py")
run_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_notebooks)


def _notebook(outputs):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("print('a:', True)", outputs=outputs, id="cell-1"))
    return nb


def test_a_print_split_by_the_flush_timer_is_stored_as_one_output(tmp_path):
    split = [nbformat.v4.new_output("stream", name="stdout", text="a:"),
             nbformat.v4.new_output("stream", name="stdout", text=" True\n"),
             nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
             nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1)]
    whole = [nbformat.v4.new_output("stream", name="stdout", text="a: True\n"), *split[2:]]
    path, reference = tmp_path / "split.ipynb", tmp_path / "whole.ipynb"
    path.write_text(nbformat.writes(_notebook(split)), encoding="utf-8")
    reference.write_text(nbformat.writes(_notebook(whole)), encoding="utf-8")
    assert run_notebooks.coalesce_streams(path) is True
    assert path.read_bytes() == reference.read_bytes()
    assert run_notebooks.coalesce_streams(path) is False  # nothing left to merge: file untouched
    assert path.read_bytes() == reference.read_bytes()


def test_outputs_are_coalesced_in_memory_as_in_the_file():
    nb = _notebook([nbformat.v4.new_output("stream", name="stdout", text="a:"),
                    nbformat.v4.new_output("stream", name="stdout", text=" True\n")])
    assert run_notebooks.coalesce_outputs(nb) is True
    assert [o["text"] for o in nb.cells[0]["outputs"]] == ["a: True\n"]
    assert run_notebooks.coalesce_outputs(nb) is False


def test_notebooks_with_most_code_start_first(tmp_path):
    paths = []
    for name, n_lines in (("01_short.ipynb", 1), ("02_long.ipynb", 30), ("03_medium.ipynb", 5)):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell("# a long title that does not count " * 20),
                    nbformat.v4.new_code_cell("\n".join(f"x{i} = {i}" for i in range(n_lines)))]
        paths.append(tmp_path / name)
        nbformat.write(nb, paths[-1])
    assert [p.name for p in run_notebooks.longest_first(paths)] == ["02_long.ipynb", "03_medium.ipynb",
                                                                      "01_short.ipynb"]


def test_runner_writes_what_nbconvert_writes_and_names_a_failing_notebook(tmp_path, capsys):
    import subprocess

    good = nbformat.v4.new_notebook()
    good.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    good.cells = [nbformat.v4.new_markdown_cell("Une cellule de texte."),
                  nbformat.v4.new_code_cell("import os\nprint('dossier :', os.path.basename(os.getcwd()))"),
                  nbformat.v4.new_code_cell("from IPython.display import Markdown\nMarkdown('**souveraineté**')"),
                  nbformat.v4.new_code_cell("{'articles': 5, 'paragraphes': 83}")]
    bad = nbformat.v4.new_notebook()
    bad.cells = [nbformat.v4.new_code_cell("raise ValueError('page illisible')")]
    folder = tmp_path / "carnets"
    folder.mkdir()
    ours, theirs, failing = folder / "ours.ipynb", folder / "theirs.ipynb", folder / "failing.ipynb"
    for path, nb in ((ours, good), (theirs, good), (failing, bad)):
        nbformat.write(nb, path)
    unexecuted = failing.read_bytes()
    done = subprocess.run(run_notebooks.nbconvert_command(theirs, "python3", 60), capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert run_notebooks.main([str(ours), str(failing), "--kernel", "python3", "--timeout", "60"]) == 1
    out, err = capsys.readouterr()
    assert ours.read_bytes() == theirs.read_bytes()
    assert "dossier : carnets" in ours.read_text(encoding="utf-8")  # run in the notebook's folder
    assert failing.read_bytes() == unexecuted  # a failed notebook is not written
    assert "executing failing.ipynb ... " in out and " FAILED" in out and "executing ours.ipynb ... " in out
    assert "failing.ipynb" in err and "page illisible" in err and "failed: failing.ipynb" in err


def test_a_kernel_forked_from_the_template_shows_what_a_fresh_kernel_shows(tmp_path):
    import os
    import subprocess

    kernel = "vn-digital-discourse"  # the project's kernel: its command is the one the template serves
    assert run_notebooks.kernel_argv(kernel) is not None, f"kernel {kernel} is not registered: run make kernel"

    cell = ("import sys, os, pandas\n"
            "print(pandas.get_option('display.max_columns'), sys.argv[1:2], os.path.basename(os.getcwd()),\n"
            "      sys.path[0], 'IPKernelApp' in get_ipython().config)")
    outputs = {}
    for mode in ("fork", "no-fork"):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell("import sys\nprint('numpy' in sys.modules)"), nbformat.v4.new_code_cell(cell)]
        path = tmp_path / mode / "notebooks" / "probe.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
        command = [sys.executable, str(PROJ_ROOT / "scripts" / "run_notebooks.py"), "--kernel", kernel, str(path)]
        env = {**os.environ, "MPLBACKEND": "Agg"}
        subprocess.run(command + (["--no-fork"] if mode == "no-fork" else []), check=True, env=env,
                       capture_output=True)
        outputs[mode] = [o["text"] for c in nbformat.read(path, 4).cells for o in c.outputs]
    assert outputs["fork"][0] == "True\n" and outputs["no-fork"][0] == "False\n"  # numpy came with the template
    assert outputs["fork"][1] == outputs["no-fork"][1]
    assert outputs["fork"][1].startswith("20 ['-f'] ")  # pandas imported in a kernel, as a kernel sees it
