"""scripts/run_notebooks.py: stored outputs that do not depend on the kernel's flush timing."""
import importlib.util

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
