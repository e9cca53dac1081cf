"""Smoke tests of the benchmark tools (benchmarks.synth, benchmarks.run, benchmarks.notebooks).

No timing assertions: speed is measured by ``make bench``, not tested.
"""
import csv
import hashlib
import inspect
import os
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest

from analysis.corpus import CorpusWarning, load_corpus
from analysis.paths import RAW, SEED_METADATA, SEED_RAW
from benchmarks import run, synth

N_PAGES = 100

#: A page a researcher might add to data/raw/ (written for this test, in the outlets' style).
NEW_PAGE = """Le Vietnam accélère le déploiement de la 5G dans les zones industrielles

Hanoi (VNA) – Le ministère des Sciences et des Technologies a annoncé mardi que le réseau 5G couvrira \
l’ensemble des zones industrielles du pays d’ici la fin de l’année 2026, afin de soutenir la \
transformation numérique des entreprises manufacturières et d’attirer de nouveaux investissements \
étrangers dans les semi-conducteurs et l’électronique.

Selon le vice-ministre, plus de 1.200 stations de base ont déjà été installées dans les provinces de \
Bac Ninh, Hai Phong et Binh Duong, où les opérateurs testent des applications d’usine intelligente \
et de maintenance prédictive fondées sur l’intelligence artificielle.- VNA
"""


def _digest(corpus):
    h = hashlib.sha256()
    for path in sorted((corpus / "raw").glob("*.txt")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    h.update((corpus / "metadata.csv").read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return synth.write_corpus(N_PAGES, tmp_path_factory.mktemp("synth") / "c", seed=3)


def test_zipf_vocabulary_is_a_distribution_over_distinct_words():
    words, cdf = synth.zipf_vocabulary()
    assert len(words) > 150_000
    assert len(set(words)) == len(words)
    assert np.all(np.diff(cdf) >= 0) and cdf[-1] == 1.0
    # Zipf: the most frequent word is far more likely than the 1,000th
    assert cdf[0] > 100 * (cdf[1000] - cdf[999])


def test_same_seed_same_bytes_other_seed_other_bytes(corpus, tmp_path):
    again = synth.write_corpus(N_PAGES, tmp_path / "again", seed=3)
    other = synth.write_corpus(N_PAGES, tmp_path / "other", seed=4)
    assert _digest(again) == _digest(corpus)
    assert _digest(other) != _digest(corpus)


def test_generator_reads_the_frozen_seed_pages_not_data_raw(tmp_path, monkeypatch):
    # the defaults point at the frozen seed copy, not at the researcher's corpus
    for function in (synth.seed_sentences, synth.write_corpus):
        assert inspect.signature(function).parameters["raw_dir"].default == SEED_RAW
    assert RAW not in [v for v in vars(synth).values() if isinstance(v, type(RAW))]
    before = synth.write_corpus(20, tmp_path / "before", seed=2)
    # a copy of data/raw with one more page, made the project's corpus folder
    raw = tmp_path / "raw"
    shutil.copytree(SEED_RAW, raw)
    (raw / "900_new_page.txt").write_text(NEW_PAGE, encoding="utf-8")
    import analysis.paths

    monkeypatch.setattr(analysis.paths, "RAW", raw)
    after = synth.write_corpus(20, tmp_path / "after", seed=2)
    assert _digest(after) == _digest(before)
    # the new page would have changed the generator, had it read that folder
    assert synth.seed_sentences(raw) != synth.seed_sentences()


def test_smaller_corpus_is_a_prefix_of_a_larger_one(corpus, tmp_path):
    small = synth.write_corpus(10, tmp_path / "small", seed=3)
    for path in (small / "raw").glob("*.txt"):
        assert path.read_bytes() == (corpus / "raw" / path.name).read_bytes()


def test_cached_corpus_is_reused_and_a_changed_request_rewrites_it(tmp_path):
    first = synth.write_corpus(5, tmp_path / "c", seed=0)
    marker = first / "raw" / "marker.txt"
    marker.write_text("left by the test")
    synth.write_corpus(5, tmp_path / "c", seed=0)
    assert marker.exists()
    synth.write_corpus(6, tmp_path / "c", seed=0)
    assert not marker.exists()
    assert len(list((tmp_path / "c" / "raw").glob("*.txt"))) == 6


def test_metadata_has_the_project_columns_and_one_row_per_page(corpus):
    with open(SEED_METADATA, newline="", encoding="utf-8") as f:
        project_columns = next(csv.reader(f))
    with open(corpus / "metadata.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == project_columns
    assert sorted(r["file"] for r in rows) == sorted(p.name for p in (corpus / "raw").glob("*.txt"))


def test_pages_have_the_seed_layout(corpus):
    pages = [p.read_text(encoding="utf-8") for p in sorted((corpus / "raw").glob("*.txt"))]
    assert len(pages) == N_PAGES
    vna = [p for p in pages if "Voir plus" in p]
    courrier = [p for p in pages if p.startswith(" date ")]
    assert len(vna) + len(courrier) == N_PAGES and vna and courrier
    assert all("(VNA) " in p for p in vna)
    assert all(p.count("Photo") >= 5 for p in vna)  # article caption + one per teaser
    assert all(">> " in p and "VNA/CVN" in p for p in courrier)
    assert any("’" in p for p in pages) and any("Résolution 57-NQ/TW" in p for p in pages)


def test_loader_parses_every_page_into_one_article_without_warnings(corpus):
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)
        units = load_corpus(corpus / "raw", corpus / "metadata.csv", on_error="raise")
    articles = units[units["kind"] == "article"]
    related = units[units["kind"] == "related"]
    assert len(articles) == N_PAGES
    assert (articles["n_words"] > 200).all()
    assert not articles["text"].str.contains("Photo|Voir plus|ảnh 1").any()
    with open(corpus / "metadata.csv", newline="", encoding="utf-8") as f:
        dates = {r["file"]: r["date"] for r in csv.DictReader(f)}
    assert (articles["date"].dt.strftime("%Y-%m-%d") == articles["source_file"].map(dates)).all()
    # teasers recur across pages, as on the real sites, and are merged into one unit each
    assert len(related) < 0.5 * 5 * N_PAGES
    assert related["n_pages"].max() > 10


def test_run_ours_codes_every_article_and_returns_every_figure(corpus):
    result = run.run_ours(corpus, n_jobs=1, chunk_size=40, max_iter=5)
    assert set(result["stages"]) == {"pipeline", "tfidf", "nmf"}
    assert set(result["worker_seconds"]) == set(result["worker_cpu_seconds"]) == set(run.WORKER_STAGES)
    assert result["n_chunks"] == 3
    assert result["n_articles"] == N_PAGES
    assert 0 < result["vocabulary_size"] < result["n_words"]
    assert result["nmf"]["n_iter"] <= 5
    assert result["n_matches"] > N_PAGES
    # every article is theme-coded: nothing is sampled or extrapolated
    assert result["themes_ms_per_article"] == pytest.approx(
        1000 * result["worker_seconds"]["themes"] / N_PAGES, abs=0.01)
    assert "extrapolated" not in str(result)
    assert result["end_to_end_seconds"] >= result["end_to_end_without_nmf_seconds"] > 0
    assert result["peak_rss_mib"] >= 10


def test_references_load_the_same_article_texts_and_run_nltk_on_all_of_them(corpus):
    texts = run.load_article_texts(corpus, n_jobs=1, chunk_size=30)
    units = load_corpus(corpus / "raw", corpus / "metadata.csv")
    assert texts == units.loc[units["kind"] == "article", "text"].tolist()
    result = run.run_references(texts[:20], run_nltk=True)
    assert set(result) == {"sklearn", "ours_one_core", "nltk"}
    assert result["sklearn"]["vocabulary_size"] > result["ours_one_core"]["vocabulary_size"] > 0
    assert "nltk" not in run.run_references(texts[:5], run_nltk=False)


def test_nltk_reference_needs_no_nltk_data():
    X, vocabulary = run.reference_nltk(["Les ministres ont signé l'accord de coopération."], {"les", "de"})
    assert X.shape[0] == 1
    assert "ministr" in set(vocabulary) and "les" not in set(vocabulary)


def _scale(n, e2e, sklearn, ours1, themes_ms, mib, dask=None):
    scale = {"n_pages": n,
             "ours": {"end_to_end_seconds": e2e, "peak_rss_mib": mib, "themes_ms_per_article": themes_ms,
                      "themes_cpu_ms_per_article": themes_ms, "stages": {"pipeline": {"seconds": e2e / 2}}},
             "references": {"sklearn": {"seconds": sklearn}, "ours_one_core": {"seconds": ours1}},
             "dask": dask}
    scale["ratios"] = run.ratios(scale)
    return scale


def test_check_targets_reads_the_largest_size_and_memory_growth():
    checks = run.check_targets([_scale(10, 500.0, 1.0, 9.0, 5.0, 100.0),
                                _scale(100, 110.0, 40.0, 90.0, 0.7, 160.0)])
    names = [c["target"] for c in checks]
    assert all("at 100 pages" in n for n in names[:5])
    # 110 s; 160 MiB; 110/40 = 2.75 x; 90/40 = 2.25 x; 0.7 ms; 160/100 = 1.6 x
    assert [c["passed"] for c in checks] == [True, True, True, False, False, False]
    assert checks[5]["value"] == 1.6
    assert checks[0]["line"].startswith("PASS") and checks[3]["line"].startswith("FALL SHORT")


def test_dask_line_gives_the_overhead_over_joblib():
    dask = {"pipeline_seconds": 30.0, "cluster_start_seconds": 3.0, "n_workers": 2}
    scale = _scale(10_000, 40.0, 10.0, 15.0, 0.4, 500.0, dask=dask)
    assert scale["ratios"]["dask_vs_joblib"] == 1.5  # 30 s against the joblib pipeline's 20 s
    assert scale["ratios"]["dask_with_start_vs_joblib"] == 1.65
    lines = run.info_lines([scale])
    assert any("Dask backend at 10,000 pages" in line and "1.50 x" in line for line in lines)


def test_memory_of_a_process_tree_includes_children():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in run.descendants(os.getpid())
        assert run.tree_rss_mib() > run.tree_rss_mib(child.pid) > 0
    finally:
        child.kill()
        child.wait()


def test_floor_notebooks_only_import_the_stack(tmp_path):
    import nbformat

    from benchmarks import notebooks

    paths = notebooks.write_floor_notebooks(3, tmp_path)
    assert [p.name for p in paths] == ["01_floor.ipynb", "02_floor.ipynb", "03_floor.ipynb"]
    nb = nbformat.read(paths[0], as_version=4)
    assert [c.source for c in nb.cells] == ["import pandas, sklearn, matplotlib, analysis"]
    command = notebooks.execute_command("python", paths[0])
    assert command[:5] == ["python", "-m", "jupyter", "nbconvert", "--to"] and "--execute" in command
    assert len(notebooks.project_notebooks()) >= 1


def test_make_figures_runs_in_a_clean_copy_without_installing(tmp_path):
    from benchmarks import notebooks

    copy = notebooks.clean_copy(run.BENCHMARKS.parent, tmp_path / "repo")
    assert (copy / "Makefile").is_file() and (copy / "analysis" / "pipeline.py").is_file()
    assert not (copy / ".venv").exists() and not (copy / ".git").exists()
    assert not (copy / "benchmarks" / "work").exists()
    stamp = tmp_path / "stamp"
    stamp.touch()
    dry = subprocess.run(notebooks.make_figures_command(sys.executable, stamp) + ["-n"], cwd=copy,
                         capture_output=True, text=True, check=True)
    # every project notebook is executed with this interpreter, and nothing is installed
    for nb in notebooks.project_notebooks(copy / "notebooks"):
        assert nb.name in dry.stdout
    assert sys.executable in dry.stdout
    assert "pip install" not in dry.stdout and "-m venv" not in dry.stdout


def test_verdict_line_compares_with_the_floor():
    from benchmarks import notebooks

    assert notebooks.verdict_line(50.0, 80.0, 8)["passed"]
    line = notebooks.verdict_line(75.0, 72.0, 8)
    assert not line["passed"] and line["line"].startswith("FALL SHORT") and line["value"] == 1.042
