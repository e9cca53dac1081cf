"""Smoke tests of the benchmark tools (benchmarks.synth, benchmarks.run): no timing assertions."""
import csv
import hashlib
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

from analysis.corpus import CorpusWarning, load_corpus
from analysis.paths import METADATA
from benchmarks import run, synth

N_PAGES = 100


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
    with open(METADATA, newline="", encoding="utf-8") as f:
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


def test_streamed_tfidf_equals_document_term_matrix(corpus):
    from analysis.text import document_term_matrix, tokenize_series

    units, _ = run.load_pages(corpus / "raw", corpus / "metadata.csv")
    texts = run.article_texts(units)
    blocks = [run.count_matrix(tokenize_series(texts[i:i + 30])) for i in range(0, len(texts), 30)]
    counts, vocabulary = run.merge_counts(blocks)
    X = run.stage_tfidf(counts)
    expected, expected_vocabulary = document_term_matrix(texts, weighting="tfidf")
    assert list(vocabulary) == list(expected_vocabulary)
    assert abs(X - expected).max() < 1e-12


def test_run_ours_on_100_pages_returns_every_figure(corpus):
    result = run.run_ours(corpus, n_jobs=1, chunk_size=40, max_iter=5, themes_max_docs=50)
    assert set(result) >= {"stages", "worker_seconds", "end_to_end_seconds", "peak_rss_mib", "hwm_mib",
                           "n_articles", "n_related", "n_words", "n_tokens", "vocabulary_size", "nnz",
                           "nmf", "theme_matches", "n_chunks", "loader_warnings"}
    assert set(result["stages"]) == {"stream", "tfidf", "nmf"}
    assert set(result["worker_seconds"]) == {"load", "tokenize", "count", "themes"}
    assert result["n_chunks"] == 3
    assert result["n_articles"] == N_PAGES
    assert result["loader_warnings"] == 0
    assert 0 < result["vocabulary_size"] < result["n_tokens"]
    assert result["nmf"]["n_iter"] <= 5
    assert result["theme_matches"] > 0
    # theme coding on an evenly spaced half of each chunk, its time scaled to all articles
    themes = result["themes"]
    assert themes["extrapolated"] and themes["docs_coded"] == 50
    assert result["worker_seconds"]["themes"] == pytest.approx(2 * themes["worker_seconds_measured"], abs=2e-3)
    assert result["peak_rss_mib"] >= 10


def test_run_references_extrapolates_the_nltk_subsample():
    texts = ["La transformation numérique de l’État avance.", "Le Laos et le Vietnam coopèrent."] * 10
    result = run.run_references(texts, n_jobs=1, nltk_max_docs=5)
    assert set(result) == {"ours", "sklearn", "nltk"}
    nltk = result["nltk"]
    assert nltk["n_docs_run"] == 5 and nltk["extrapolated"]
    assert nltk["seconds"] == pytest.approx(nltk["seconds_measured"] * 4, abs=2e-3)
    assert result["sklearn"]["vocabulary_size"] > 0


def test_nltk_reference_needs_no_nltk_data():
    X, vocabulary = run.reference_nltk(["Les ministres ont signé l'accord de coopération."], {"les", "de"})
    assert X.shape[0] == 1
    assert "ministr" in set(vocabulary) and "les" not in set(vocabulary)


def test_evenly_spaced():
    assert run.evenly_spaced(list(range(10)), 5) == [0, 2, 4, 6, 8]
    assert run.evenly_spaced([1, 2], 5) == [1, 2]


def test_check_targets_reads_the_largest_size_and_memory_growth():
    def scale(n, ratio_a, ratio_b, seconds, mib):
        return {"n_pages": n, "ratios": {"ours_vs_sklearn": ratio_a, "nltk_vs_ours": ratio_b},
                "ours": {"end_to_end_seconds": seconds, "peak_rss_mib": mib}}

    checks = run.check_targets([scale(10, 9.0, 1.0, 500.0, 100.0), scale(100, 1.2, 4.0, 130.0, 350.0)])
    assert [c["passed"] for c in checks] == [True, False, False, True, False]
    assert checks[4]["value"] == 3.5
    assert checks[0]["line"].startswith("PASS") and checks[1]["line"].startswith("FALL SHORT")


def test_memory_of_a_process_tree_includes_children():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in run.descendants(os.getpid())
        assert run.tree_rss_mib() > run.tree_rss_mib(child.pid) > 0
    finally:
        child.kill()
        child.wait()
