"""The README workflow on a copy: add a 2026 article, pin it, and see which sentences go false.

The copy is made from the frozen seed pages and their metadata (``tests/fixtures/seed``), with the
repository's codebook and study file, so that the test does not change when a researcher adds a
page to ``data/raw/``. The fixture article (``tests/fixtures/new_article``, written for this test
in the style of *Le Courrier du Vietnam*) is dated 2026 and, in its body, speaks of *souveraineté
numérique*, cites *la Résolution 57-NQ/TW* and mentions *intelligence artificielle*; it names
neither Laos nor any outlet's teasers.
"""
import csv
import os
import shutil
import subprocess
import sys
import warnings

import pytest

from analysis import findings, pinning, study
from analysis.errors import ClaimError
from analysis.paths import CODEBOOK, FIXTURES, PROJ_ROOT, STUDY

NEW_PAGE = FIXTURES / "new_article" / "005_2026_feuille_de_route.txt"
NEW_ROW = {
    "file": NEW_PAGE.name, "outlet": "Le Courrier du Vietnam", "url": "", "date": "2026-03-12",
    "date_precision": "day", "date_source": "stated",
    "evidence": 'The page states it: leading " date 2026-03-12 ". Fixture article written for the tests.',
}

#: Claims the new article contradicts, by notebook, each for a reason that follows from the
#: article alone: one more article and a third period (2026) in every count of articles and
#: periods, or the content of its body.
EXPECTED = {
    "01": {"01-1", "01-2"},  # counts
    "02": set(),  # the counts of notebook 02 are rendered from the data
    "03": {"03-1"},  # counts
    "04": set(),  # counts and the comparison are rendered from the data; its claims hold for six articles
    "05": {
        "05-12",  # counts
        "05-1",  # souveraineté now occurs in an article, not only in teasers
        "05-3",  # with 8 sovereignty paragraphs, 1.1 shared paragraphs with human capital are expected: the
                 # absence of that pair becomes informative, so "uninformative" no longer holds
        "05-2",  # souverain- occurs in a third document
        "05-5",  # two more sovereignty paragraphs (title, lead) with no partner theme dilute every lift:
                 # data infrastructure 1 * 124 / (8 * 16) < 1, innovation 2 * 124 / (8 * 31) = 1
        "05-8",  # sovereignty occurs in a second article
        "05-9",  # souveraineté numérique (sub-frame digital) occurs
    },
    "06": {
        "06-8",  # counts
        "06-2",  # AI occurs in an article that is not the 2025 Vietnam-Laos one
    },
    "07": {
        "07-1",  # Resolution 57 is cited in a second article, from 2026
    },
    "08": set(),  # the new article does not name Laos: the sub-corpus is unchanged
}
#: Claims on approximate quantities of the whole vocabulary, or on a model: the new article may or
#: may not move them past their stated value; they must either hold or raise ClaimError.
SENSITIVE = {"02-3"} | findings.RECOMPUTED


@pytest.fixture(scope="module")
def project(tmp_path_factory, seed_raw, seed_metadata):
    """A copy of the data, with the fixture article added exactly as the README says."""
    root = tmp_path_factory.mktemp("project")
    data = root / "data"
    shutil.copytree(seed_raw, data / "raw")
    shutil.copy(seed_metadata, data / "metadata.csv")
    shutil.copy(CODEBOOK, data / "codebook.toml")
    shutil.copy(STUDY, data / "study.toml")
    # 1. the page, as UTF-8 text, in data/raw/
    shutil.copy(NEW_PAGE, data / "raw" / NEW_PAGE.name)
    # 2. its row in data/metadata.csv
    with open(data / "metadata.csv", "a", newline="", encoding="utf-8") as handle:
        csv.DictWriter(handle, fieldnames=list(NEW_ROW)).writerow(NEW_ROW)
    # 3. make pin
    before = pinning.read_checksums(data / "raw" / "SHA256SUMS")
    result = pinning.pin(data / "raw")
    assert result.added == [NEW_PAGE.name] and len(result.unchanged) == len(before) == 5
    assert pinning.verify(data / "raw") == []
    return root


@pytest.fixture(scope="module")
def ctx(project):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new page loads without any caveat
        return findings.Context.build(study=project / "data" / "study.toml")


def test_study_file_reads_the_copy_and_labels_the_new_period(project, ctx):
    s = ctx.study
    assert s.source == project / "data" / "raw"
    assert len(ctx.articles) == 6
    assert ctx.period_counts() == {"2016": 2, "2025": 3, "2026": 1}
    # the comparison of the study is unchanged by a 2026 article
    target, reference, labels = study.comparison_groups(ctx.articles, s, "2016_vs_2025")
    assert (int(target.sum()), int(reference.sum()), labels) == (2, 3, ("2016", "2025"))
    new = ctx.articles["source_file"] == NEW_PAGE.name
    assert not (target[new.to_numpy()] | reference[new.to_numpy()]).any()


def test_fixture_is_coded_as_designed(ctx):
    """The reasons given in EXPECTED rest on these codings of the new article's paragraphs."""
    new_id = NEW_PAGE.stem
    m = ctx.matches[ctx.matches["doc_id"] == new_id]
    themes_by_para = m.groupby("para_id")["theme"].agg(lambda t: sorted(set(t))).to_dict()
    assert themes_by_para == {0: ["sovereignty"], 1: ["sovereignty"],
                              2: ["digital_transformation", "innovation", "resolution_57"],
                              3: ["ai", "human_capital"]}
    assert set(m.loc[m["theme"] == "sovereignty", "subframe"]) == {"digital"}
    assert set(m.loc[m["theme"] == "resolution_57", "subframe"]) == {"implementation"}
    assert ctx.paragraphs["doc_id"].eq(new_id).sum() == 6  # title + five body paragraphs


def test_claims_the_article_contradicts_raise_and_the_others_pass(ctx):
    failed = {}
    for claim_id in findings.FINDINGS:
        try:
            assert findings.check_finding(claim_id, ctx) is None
        except ClaimError as exc:
            failed[claim_id] = str(exc)
    assert set(failed) - SENSITIVE == set().union(*EXPECTED.values())
    for claim_id, message in failed.items():
        notebook = claim_id[:2]
        assert message.startswith(f"notebook {notebook}, claim {claim_id} no longer holds: ")
        assert f'"{findings.FINDINGS[claim_id].statement}"' in message
        assert "(values: " in message


def test_messages_say_which_sentence_to_revise_and_why(ctx):
    with pytest.raises(ClaimError) as info:
        findings.check_finding("05-1", ctx)
    assert '"souveraineté occurs only in teasers"' in str(info.value)
    assert "'article': 2" in str(info.value)  # the two new hits, in the new article's title and lead
    with pytest.raises(ClaimError, match=r"notebook 01, claim 01-1 .*\"the seed corpus holds five articles\" "
                                         r"\(values: n_articles=6\)"):
        findings.check_finding("01-1", ctx)
    with pytest.raises(ClaimError, match=r"claim 07-1 .*articles=\['003_820e157e04b203e2', '005_2026"):
        findings.check_finding("07-1", ctx)


def test_fingerprint_changes_with_the_new_article(project, seed_raw, seed_metadata):
    data = project / "data"
    now = study.corpus_fingerprint(data / "raw", data / "metadata.csv", data / "codebook.toml", data / "study.toml")
    seed = study.corpus_fingerprint(seed_raw, seed_metadata, data / "codebook.toml", data / "study.toml")
    assert now != seed


# ---------------------------------------------------------------------------------------------
# make test on stale outputs: one line, "run make figures"
# ---------------------------------------------------------------------------------------------

NOTEBOOK = """{"cells": [{"cell_type": "code", "execution_count": 1, "id": "a1", "metadata": {},
 "outputs": [{"name": "stdout", "output_type": "stream", "text": ["2\\n"]}], "source": ["print(1 + 1)"]}],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4, "nbformat_minor": 5}"""


@pytest.fixture(scope="module")
def repo_copy(project):
    """The package, the root conftest.py, the data with the new article, and one notebook."""
    root = project.parent / "repo"
    shutil.copytree(PROJ_ROOT / "analysis", root / "analysis", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJ_ROOT / "conftest.py", root / "conftest.py")
    shutil.copytree(project / "data", root / "data")
    (root / "notebooks").mkdir()
    (root / "notebooks" / "01_check.ipynb").write_text(NOTEBOOK, encoding="utf-8")
    return root


def run(root, *args):
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_stale_outputs_stop_make_test_with_one_line(repo_copy):
    """End to end, in a fresh interpreter: pytest --nbval on outputs with no record of the corpus."""
    done = run(repo_copy, "-m", "pytest", "notebooks", "--nbval", "-p", "no:cacheprovider")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert output.count("run make figures") == 1
    assert "notebook outputs are older than the corpus (no record .corpus-fingerprint)" in output
    assert "passed" not in output and "failed" not in output and "Traceback" not in output


class FakeConfig:
    def __init__(self, **options):
        self.options = options

    def getoption(self, name, default=None):
        return self.options.get(name, default)


class FakeItem:
    def __init__(self, path):
        self.path = self.fspath = path


@pytest.fixture
def hook(repo_copy, monkeypatch):
    """The root conftest's hook, with the study module's paths pointing at the copy."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("root_conftest", PROJ_ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = repo_copy / "data"
    for name, value in {"RAW": data / "raw", "METADATA": data / "metadata.csv", "CODEBOOK": data / "codebook.toml",
                        "STUDY": data / "study.toml",
                        "FINGERPRINT": repo_copy / "notebooks" / ".corpus-fingerprint"}.items():
        monkeypatch.setattr(study, name, value)
    study.FINGERPRINT.unlink(missing_ok=True)
    return module.pytest_collection_modifyitems


def test_hook_exits_only_for_notebooks_under_nbval(hook, repo_copy):
    notebook = [FakeItem(repo_copy / "notebooks" / "01_check.ipynb")]
    unit = [FakeItem(repo_copy / "tests" / "test_one.py")]
    with pytest.raises(pytest.exit.Exception) as info:
        hook(None, FakeConfig(nbval=True), notebook + unit)
    assert info.value.returncode == 1 and str(info.value.msg).endswith("run make figures")
    with pytest.raises(pytest.exit.Exception):
        hook(None, FakeConfig(nbval_lax=True), notebook)
    assert hook(None, FakeConfig(), notebook + unit) is None  # unit tests only, no --nbval
    assert hook(None, FakeConfig(nbval=True), unit) is None  # --nbval but no notebook collected


def test_hook_passes_once_make_figures_stamped_the_corpus(hook, repo_copy):
    notebook = [FakeItem(repo_copy / "notebooks" / "01_check.ipynb")]
    study.write_stamp()  # what `python -m analysis.study stamp` does at the end of make figures
    assert hook(None, FakeConfig(nbval=True), notebook) is None
    with open(repo_copy / "data" / "codebook.toml", "a", encoding="utf-8") as handle:
        handle.write("\n")  # a later edit of the codebook makes the outputs stale again
    with pytest.raises(pytest.exit.Exception, match="older than the corpus"):
        hook(None, FakeConfig(nbval=True), notebook)
