"""The chunked pipeline (analysis.pipeline): same output whatever the chunks and the backend."""
import os
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import pipeline
from analysis.corpus import load_corpus, paragraphs
from analysis.errors import CorpusError, CorpusWarning
from analysis.text import document_term_matrix
from analysis.themes import theme_matches
from benchmarks import synth

N_PAGES = 200


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """200 synthetic pages (seeded) in the layout of the seed pages."""
    return synth.write_corpus(N_PAGES, tmp_path_factory.mktemp("pipeline") / "c", seed=11)


@pytest.fixture(scope="module")
def joblib_result(corpus):
    return pipeline.run(corpus / "raw", metadata=corpus / "metadata.csv", chunk_size=70, n_jobs=2,
                        scheduler="joblib")


def assert_same(a, b):
    assert a.dtm.shape == b.dtm.shape
    assert (a.dtm != b.dtm).nnz == 0
    assert a.dtm.has_sorted_indices and b.dtm.has_sorted_indices
    np.testing.assert_array_equal(a.vocabulary, b.vocabulary)
    pd.testing.assert_frame_equal(a.units, b.units)
    pd.testing.assert_frame_equal(a.matches, b.matches)


def test_dask_on_a_two_worker_local_cluster_equals_joblib(corpus, joblib_result):
    from distributed import Client, LocalCluster, get_task_stream

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        workers = set(client.scheduler_info()["workers"])
        assert len(workers) == 2
        with get_task_stream(client) as stream:
            result = pipeline.run(corpus / "raw", metadata=corpus / "metadata.csv", chunk_size=45,
                                  scheduler="dask", client=client)
        # the same through the scheduler's address: run opens its own client and closes it
        by_address = pipeline.run(corpus / "raw", metadata=corpus / "metadata.csv", chunk_size=120,
                                  scheduler="dask", client=cluster.scheduler_address)
        n_clients = client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.clients))
    # every chunk ran as a task on the cluster's worker processes
    ran = [t for t in stream.data if "process_task" in str(t["key"]) or "map" in str(t["key"])]
    assert len(ran) >= 5
    assert {t["worker"] for t in ran} <= workers
    assert result.n_chunks == len(pipeline.chunk_files(pipeline.list_pages(corpus / "raw"), 45, 2)) == 11
    assert_same(result, joblib_result)
    assert by_address.n_chunks == 2
    assert_same(by_address, joblib_result)
    assert n_clients == 2  # this test's client and the scheduler's own: the one run opened is closed


def test_result_covers_every_article_once(corpus, joblib_result):
    r = joblib_result
    assert r.n_chunks == 3
    assert len(r.units) == N_PAGES == r.dtm.shape[0]
    assert r.units["doc_id"].is_unique and (r.units["kind"] == "article").all()
    assert "text" not in r.units.columns
    assert list(r.units["source_file"]) == sorted(p.name for p in (corpus / "raw").glob("*.txt"))
    assert set(r.matches["unit_id"]) <= set(r.units["doc_id"])
    assert list(r.matches.columns) == pipeline.MATCH_COLUMNS
    assert set(r.timings) >= {"load", "tokenize", "count", "themes", "stream", "merge", "total"}


def test_counts_equal_document_term_matrix_of_all_articles_at_once(corpus, joblib_result):
    units = load_corpus(corpus / "raw", corpus / "metadata.csv")
    articles = units[units["kind"] == "article"]
    X, vocabulary = document_term_matrix(articles["text"])
    np.testing.assert_array_equal(joblib_result.vocabulary, vocabulary)
    assert (joblib_result.dtm != X).nnz == 0
    expected = document_term_matrix(articles["text"], weighting="tfidf")[0]
    assert abs(joblib_result.tfidf() - expected).max() < 1e-12


def test_matches_are_the_theme_engine_matches_of_each_paragraph(corpus, joblib_result):
    units = load_corpus(corpus / "raw", corpus / "metadata.csv")
    paras = paragraphs(units[units["kind"] == "article"]).reset_index(drop=True)
    expected = theme_matches(paras["text"])
    got = joblib_result.matches
    assert len(got) == len(expected) > 100
    assert list(got["match"]) == list(expected["match"])
    assert list(got["unit_id"]) == list(paras["doc_id"].to_numpy()[expected["index"].to_numpy()])
    # the sentence holds the match, and holds no sentence end before it
    for row in got.sample(50, random_state=0).itertuples():
        assert row.match in row.sentence
        assert "\n" not in row.sentence


@pytest.mark.parametrize("chunk_size", [7, 10_000])
def test_chunk_size_does_not_change_the_result(corpus, joblib_result, chunk_size):
    result = pipeline.run(corpus / "raw", metadata=corpus / "metadata.csv", chunk_size=chunk_size,
                          scheduler="serial")
    assert result.n_chunks == -(-N_PAGES // chunk_size)
    assert_same(result, joblib_result)


def test_out_dir_files_round_trip(corpus, joblib_result, tmp_path):
    out = tmp_path / "out"
    paths = pipeline.write_result(joblib_result, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(pipeline.OUTPUT_FILES.values())
    assert set(paths) == set(pipeline.OUTPUT_FILES)
    back = pipeline.read_result(out)
    assert_same(back, joblib_result)
    assert back.dtm.dtype == joblib_result.dtm.dtype


def test_run_writes_out_dir_when_asked(seed_raw, seed_metadata, tmp_path):
    result = pipeline.run(seed_raw, metadata=seed_metadata, scheduler="serial", out_dir=tmp_path / "o")
    assert_same(pipeline.read_result(tmp_path / "o"), result)
    assert len(result.units) == 5


def test_read_result_names_a_missing_file(seed_raw, seed_metadata, tmp_path):
    pipeline.run(seed_raw, metadata=seed_metadata, scheduler="serial", out_dir=tmp_path)
    (tmp_path / "vocabulary.txt").unlink()
    with pytest.raises(CorpusError, match="vocabulary.txt"):
        pipeline.read_result(tmp_path)


def test_a_list_of_files_equals_their_folder(seed_raw, seed_metadata):
    files = sorted(seed_raw.glob("*.txt"), reverse=True)
    a = pipeline.run(files, metadata=seed_metadata, scheduler="serial")
    b = pipeline.run(seed_raw, metadata=seed_metadata, scheduler="serial", chunk_size=2)
    assert_same(a, b)


def test_a_page_duplicated_in_another_chunk_is_loaded_once(seed_raw, seed_metadata, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(seed_raw, raw)
    first = sorted(raw.glob("*.txt"))[0]
    shutil.copy(first, raw / "zzz_copy.txt")
    with pytest.warns(CorpusWarning, match=r"zzz_copy\.txt: duplicate: same text as " + first.name):
        chunked = pipeline.run(raw, metadata=None, scheduler="serial", chunk_size=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        whole = pipeline.run(raw, metadata=None, scheduler="serial", chunk_size=100)
    assert len(chunked.units) == 5
    assert_same(chunked, whole)


def test_loader_warnings_name_the_page_in_its_own_folder(seed_raw, seed_metadata, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(seed_raw, raw)
    (raw / "empty.txt").write_text("  \n", encoding="utf-8")
    with pytest.warns(CorpusWarning) as caught:
        pipeline.run(raw, metadata=seed_metadata, scheduler="serial", chunk_size=2)
    messages = [str(w.message) for w in caught]
    assert any(m.startswith(str(raw / "empty.txt") + ": empty") for m in messages)
    assert not any("vn-pipeline-" in m for m in messages)


def test_bad_input_is_refused_with_the_path(tmp_path, seed_metadata):
    with pytest.raises(CorpusError, match="nowhere"):
        pipeline.run(tmp_path / "nowhere", metadata=seed_metadata)
    with pytest.raises(CorpusError, match="missing.txt"):
        pipeline.run([tmp_path / "missing.txt"], metadata=seed_metadata)
    with pytest.raises(ValueError, match="scheduler"):
        pipeline.run(tmp_path, scheduler="spark")
    with pytest.raises(ValueError, match="chunk_size"):
        pipeline.chunk_files([1, 2], 0)
    with pytest.raises(ValueError, match="n_jobs"):
        pipeline.run(tmp_path, n_jobs=0)
    assert pipeline.effective_n_jobs(-1) == (os.cpu_count() or 1)
    assert pipeline.effective_n_jobs(3) == 3


def test_merge_counts_maps_each_block_onto_the_sorted_union():
    import scipy.sparse as sp

    a = (sp.csr_matrix(np.array([[1, 0], [0, 2]])), np.array(["b", "d"], dtype=object))
    b = (sp.csr_matrix(np.array([[3, 1, 0]])), np.array(["a", "b", "c"], dtype=object))
    X, vocabulary = pipeline.merge_counts([a, b])
    assert list(vocabulary) == ["a", "b", "c", "d"]
    assert X.toarray().tolist() == [[0, 1, 0, 0], [0, 0, 0, 2], [3, 1, 0, 0]]


def test_count_merger_equals_dense_stacking_whatever_the_block_order_of_terms():
    import scipy.sparse as sp

    rng = np.random.default_rng(3)
    terms = np.array([f"t{i:02d}" for i in range(30)], dtype=object)
    dense_rows, merger, listed = [], pipeline.CountMerger(), np.zeros(30, dtype=bool)
    for _ in range(6):  # blocks over random, unsorted subsets of the terms
        cols = rng.choice(30, size=rng.integers(1, 12), replace=False)
        block = rng.integers(0, 3, size=(rng.integers(1, 5), len(cols)))
        merger.add(sp.csr_matrix(block), terms[cols])
        listed[cols] = True  # a block's term is in the vocabulary even with zero counts
        full = np.zeros((block.shape[0], 30), dtype=int)
        full[:, cols] = block
        dense_rows.append(full)
    X, vocabulary = merger.result()
    expected = np.vstack(dense_rows)
    assert list(vocabulary) == list(terms[listed])  # terms sort as t00 < t01 < ...
    assert X.dtype == np.int32 and X.has_sorted_indices
    assert X.toarray().tolist() == expected[:, listed].tolist()


def test_counts_wait_in_the_smallest_exact_type_and_merge_back_to_int32():
    import scipy.sparse as sp

    small = sp.csr_matrix(np.array([[1, 255]], dtype=np.int32))
    medium = sp.csr_matrix(np.array([[256, 3]], dtype=np.int32))
    large = sp.csr_matrix(np.array([[70_000, 1]], dtype=np.int32))
    assert pipeline.compact_counts(small.data).dtype == np.uint8
    assert pipeline.compact_counts(medium.data).dtype == np.uint16
    assert pipeline.compact_counts(large.data).dtype == np.int32
    assert pipeline.compact_counts(np.array([-2, 1])).dtype == np.int32  # not a count: kept signed
    merger = pipeline.CountMerger()
    for block in (small, medium, large):
        merger.add(block, np.array(["a", "b"], dtype=object))
    assert [d.dtype for d in merger.data] == [np.uint8, np.uint16, np.int32]
    assert all(i.dtype == np.uint16 for i in merger.indices)  # the blocks' own column numbers
    X, _ = merger.result()
    assert X.dtype == np.int32
    assert X.toarray().tolist() == [[1, 255], [256, 3], [70_000, 1]]


def test_a_block_of_more_than_65536_terms_keeps_int32_column_numbers():
    import scipy.sparse as sp

    wide = np.array([f"w{i:05d}" for i in range(70_000)], dtype=object)
    block = sp.csr_matrix((np.array([2, 5, 7]), np.array([3, 65_536, 69_999]), np.array([0, 3])),
                          shape=(1, 70_000))
    merger = pipeline.CountMerger()
    merger.add(sp.csr_matrix(np.array([[1, 1]])), np.array(["w69999", "zz"], dtype=object))
    merger.add(block, wide[::-1])  # columns in reverse order of the sorted vocabulary
    assert merger.indices[1].dtype == np.int32
    X, vocabulary = merger.result()
    assert len(vocabulary) == 70_001 and vocabulary[-1] == "zz"
    dense = X.toarray()
    assert dense[0, 0] == 0 and dense[0, 69_999] == 1 and dense[0, 70_000] == 1
    # column 3 of the block is the term wide[::-1][3] = "w69996"; 65,536 -> "w04463"; 69,999 -> "w00000"
    assert dense[1, 69_996] == 2 and dense[1, 4_463] == 5 and dense[1, 0] == 7 and X[1].nnz == 3


def test_match_offsets_travel_as_int32_and_come_back_as_int64(seed_raw, seed_metadata, joblib_result):
    files = pipeline.list_pages(seed_raw)
    fieldnames, rows = pipeline.read_metadata_rows(seed_metadata)
    chunk = pipeline.process_chunk(files, fieldnames, rows)
    assert all(chunk["matches"][c].dtype == np.int32 for c in pipeline.OFFSET_COLUMNS)
    assert isinstance(chunk["matches"]["match"].dtype, pd.CategoricalDtype)  # strings in the result
    merged = pipeline.concat_matches([chunk["matches"]])
    assert merged["match"].dtype == "str"
    assert merged["match"].tolist() == chunk["matches"]["match"].astype(str).tolist()
    assert all(merged[c].dtype == np.int64 for c in pipeline.OFFSET_COLUMNS)
    assert merged[list(pipeline.OFFSET_COLUMNS)].equals(
        chunk["matches"][list(pipeline.OFFSET_COLUMNS)].astype("int64").reset_index(drop=True))
    assert all(joblib_result.matches[c].dtype == np.int64 for c in pipeline.OFFSET_COLUMNS)


@pytest.mark.parametrize("missing", [False, True])
def test_concat_matches_turns_match_categories_back_into_the_same_strings(missing):
    def frame(values, unit):
        n = len(values)
        return pd.DataFrame({"unit_id": [unit] * n, "para_id": np.arange(n, dtype=np.int32), "theme": ["ai"] * n,
                             "subframe": ["general"] * n, "rule": ["r"] * n,
                             "start": np.zeros(n, dtype=np.int32), "end": np.ones(n, dtype=np.int32),
                             "match": pd.Series(values, dtype="str").astype("category"),
                             "sentence": ["s"] * n})
    second = ["IA", None, "numérique"] if missing else ["IA", "cloud", "numérique"]
    merged = pipeline.concat_matches([frame(["numérique", "IA"], "a"), frame(second, "b")])
    expected = pd.Series(["numérique", "IA", *second], dtype="str", name="match")
    pd.testing.assert_series_equal(merged["match"], expected)


def test_concat_matches_sorts_united_categories_whatever_the_chunks_and_drops_unused_ones():
    """Category columns come out with sorted categories, used ones only, the same codes for the
    same values whichever chunk held them first."""
    def frame(sentences, unit, unused=()):
        n = len(sentences)
        sentence = pd.Categorical(sentences, categories=sorted(set(sentences) | set(unused), reverse=True))
        return pd.DataFrame({"unit_id": [unit] * n, "para_id": np.arange(n, dtype=np.int32), "theme": ["ai"] * n,
                             "subframe": ["general"] * n, "rule": ["r"] * n,
                             "start": np.zeros(n, dtype=np.int32), "end": np.ones(n, dtype=np.int32),
                             "match": pd.Series(["IA"] * n, dtype="str").astype("category"),
                             "sentence": sentence})
    a = frame(["Zèbre.", "L'IA souveraine.", "Ébauche."], "a", unused=["jamais vue"])
    b = frame(["Données.", "Zèbre."], "b")
    ab, ba = pipeline.concat_matches([a, b]), pipeline.concat_matches([b, a])
    for merged in (ab, ba):
        categories = merged["sentence"].cat.categories.tolist()
        assert categories == sorted(["Zèbre.", "L'IA souveraine.", "Ébauche.", "Données."])
        assert merged["unit_id"].cat.categories.tolist() == ["a", "b"]
    assert ab["sentence"].tolist() == ["Zèbre.", "L'IA souveraine.", "Ébauche.", "Données.", "Zèbre."]
    code = dict(zip(ab["sentence"], ab["sentence"].cat.codes))
    assert code == dict(zip(ba["sentence"], ba["sentence"].cat.codes))


def test_tfidf_in_float32_is_the_float64_tfidf_rounded(joblib_result):
    X64, X32 = joblib_result.tfidf(), joblib_result.tfidf(np.float32)
    assert X64.dtype == np.float64 and X32.dtype == np.float32
    assert (X64 != 0).nnz == (X32 != 0).nnz == joblib_result.dtm.nnz
    np.testing.assert_allclose(X32.toarray(), X64.toarray(), rtol=1e-6, atol=1e-7)


def test_trim_heap_returns_memory_only_where_glibc_is(monkeypatch):
    import platform

    glibc = platform.libc_ver()[0] == "glibc" and os.uname().sysname == "Linux"
    assert pipeline.trim_heap() is glibc
    monkeypatch.setattr(pipeline.sys, "platform", "darwin")
    assert pipeline.trim_heap() is False


def test_code_themes_equals_coding_the_paragraphs_table(corpus):
    from analysis.matches import code_themes as engine_code_themes

    units = load_corpus(corpus / "raw", corpus / "metadata.csv")
    articles = units[units["kind"] == "article"].reset_index(drop=True)
    # a unit whose blank blocks must not count as paragraphs (para_id as paragraphs() numbers them)
    extra = articles.iloc[:1].assign(doc_id="blank-blocks",
                                     text="\n\n   \n\nLa souveraineté numérique.\n\n\n\nL'IA souveraine.")
    articles = pd.concat([articles, extra], ignore_index=True)
    paras = paragraphs(articles, word_counts=False).reset_index(drop=True)
    expected = engine_code_themes(paras, cache=False)
    got = pipeline.code_themes(articles["doc_id"].tolist(), articles["text"].tolist())
    assert len(got) == len(expected) > 100
    assert list(got.columns) == pipeline.MATCH_COLUMNS
    for column in pipeline.MATCH_COLUMNS:
        assert got[column].astype(str).tolist() == expected[column].astype(str).tolist(), column
    blank = got[got["unit_id"] == "blank-blocks"]
    sovereignty = blank[blank["theme"] == "sovereignty"]
    assert sovereignty["para_id"].tolist() == [0, 1]  # the blank blocks before and between are skipped


def test_a_worker_imports_no_statistics_plotting_or_model_library():
    """A worker's start-up (every joblib or Dask worker imports these) stays light: scipy.stats
    alone was half a second of it."""
    import subprocess
    import sys

    code = ("import sys, analysis.pipeline, analysis.corpus, analysis.text, analysis.matches; "
            "print(sorted(m for m in ('scipy.stats', 'sklearn', 'matplotlib', 'nltk') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_pipeline_docstring_examples_run():
    import doctest

    failures, tried = doctest.testmod(pipeline, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 8 and failures == 0


def test_progress_bar_only_when_asked(seed_raw, seed_metadata, capsys):
    pipeline.run(seed_raw, metadata=seed_metadata, scheduler="serial", chunk_size=2)
    assert capsys.readouterr().err == ""
    pipeline.run(seed_raw, metadata=seed_metadata, scheduler="serial", chunk_size=2, progress=True)
    err = capsys.readouterr().err
    assert "5 pages" in err and "3/3" in err


def _workers():
    """Child processes of this one, but multiprocessing's resource tracker (a lasting singleton)."""
    from benchmarks.run import descendants

    out = set()
    for pid in descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"resource_tracker" not in f.read():
                    out.add(pid)
        except OSError:
            pass
    return out


def test_joblib_workers_are_shut_down_after_a_run(seed_raw, seed_metadata):
    before = _workers()
    result = pipeline.run(seed_raw, metadata=seed_metadata, scheduler="joblib", n_jobs=2, chunk_size=2)
    assert result.n_chunks == 3
    assert _workers() <= before  # the workers and their caches do not outlive the run


def test_dask_without_a_client_starts_a_local_cluster_and_closes_it(seed_raw, seed_metadata):
    before = _workers()
    result = pipeline.run(seed_raw, metadata=seed_metadata, scheduler="dask", n_jobs=1, chunk_size=2)
    assert _workers() <= before  # no scheduler or worker process left behind
    assert_same(result, pipeline.run(seed_raw, metadata=seed_metadata, scheduler="serial"))


def test_list_pages_keeps_txt_files_in_name_order(tmp_path):
    for name in ("b.txt", "A.TXT", "a.txt", ".txt", "notes.md", "c.txt.bak", "d."):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "folder.txt").mkdir()  # a folder is not a page, whatever its name
    assert [p.name for p in pipeline.list_pages(tmp_path)] == ["A.TXT", "a.txt", "b.txt"]
    assert all(p.parent == tmp_path for p in pipeline.list_pages(tmp_path))


def test_read_metadata_rows_reads_rows_as_csv_dictreader_does(tmp_path, seed_metadata):
    import csv

    table = tmp_path / "metadata.csv"
    table.write_text(
        "file,date,date_precision,date_source,outlet,url,evidence\n"
        "a.txt,2025-06-01,day,page,VNA,https://x/a,e\n"
        "\n"                                               # blank line: no row
        "b.txt,2025-06,month,page,VNA,https://x/b\n"       # short row: the evidence is missing
        "a.txt,2016-01-01,day,page,CVN,https://x/a2,e\n"   # listed again: the first row counts
        "c.txt,2025-01-01,day,page,\"Le Courrier, CVN\",u,e,extra\n",  # a quoted comma; a field too many
        encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        fieldnames, rows = pipeline.read_metadata_rows(table)
    expected = {}
    with open(table, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for row in reader:
            expected.setdefault(row["file"], tuple(row.get(c) for c in reader.fieldnames))
    assert fieldnames == ["file", "date", "date_precision", "date_source", "outlet", "url", "evidence"]
    assert rows == expected
    assert rows["b.txt"][-1] is None and rows["a.txt"][1] == "2025-06-01"
    assert rows["c.txt"][4] == "Le Courrier, CVN"
    # the seed table: one row per page, values as written
    fieldnames, rows = pipeline.read_metadata_rows(seed_metadata)
    assert len(rows) == 5 and all(len(v) == len(fieldnames) for v in rows.values())


@pytest.mark.parametrize("n_files, chunk_size, n_jobs", [
    (100_000, 2000, 2), (10_000, 2000, 2), (10_001, 2000, 3), (4_000, 2000, 2), (200, 45, 2), (9, 2, 2),
    (5, 2, 2), (7, 10, 1), (3, 1, 4), (0, 10, 2)])
def test_chunk_files_cuts_in_order_and_ends_a_long_stream_in_small_chunks(n_files, chunk_size, n_jobs):
    files = list(range(n_files))
    chunks = pipeline.chunk_files(files, chunk_size, n_jobs)
    assert [f for chunk in chunks for f in chunk] == files
    assert all(0 < len(chunk) <= chunk_size for chunk in chunks)
    full = -(-n_files // max(1, min(chunk_size, -(-n_files // n_jobs)))) if n_files else 0
    if n_jobs > 1 and full > 2 * n_jobs:
        # the pages of the last n_jobs chunks, in 4 * n_jobs chunks of about equal size
        head, tail = chunks[:full - n_jobs], chunks[full - n_jobs:]
        assert len(tail) == min(4 * n_jobs, sum(map(len, tail)))
        assert max(map(len, tail)) - min(map(len, tail)) <= 1
        assert all(len(c) == len(head[0]) for c in head)
        assert max(map(len, tail)) < len(head[0]) or len(head[0]) == 1
    else:
        assert len(chunks) == full
        assert all(len(c) == len(chunks[0]) for c in chunks[:-1])


def test_joblib_workers_warm_up_while_the_metadata_is_read(joblib_result, seed_raw, seed_metadata):
    assert joblib_result.timings["warm_up"] > 0  # both workers ran warm_up
    serial = pipeline.run(seed_raw, metadata=seed_metadata, scheduler="serial")
    assert serial.timings["warm_up"] == 0
    assert_same(serial, pipeline.run(seed_raw, metadata=seed_metadata, scheduler="joblib", n_jobs=2))


def test_a_bad_metadata_table_stops_the_warm_workers_too(seed_raw, tmp_path):
    before = _workers()
    with pytest.raises(CorpusError, match="nope.csv"):
        pipeline.run(seed_raw, metadata=tmp_path / "nope.csv", scheduler="joblib", n_jobs=2)
    assert _workers() <= before


def test_settle_heap_collects_garbage_before_freezing_the_rest():
    import gc
    import weakref

    class Node:
        pass

    kept, dropped = Node(), Node()
    dropped.self = dropped  # a cycle: only the cyclic collector frees it
    gone = weakref.ref(dropped)
    del dropped
    frozen = gc.get_freeze_count()
    try:
        pipeline.settle_heap()
        assert gone() is None  # collected, not frozen
        assert gc.get_freeze_count() > frozen  # what survives (``kept``...) is frozen
    finally:
        gc.unfreeze()
    assert kept is not None


def test_a_settled_chunk_equals_an_unsettled_one(seed_raw, seed_metadata):
    import gc

    files = pipeline.list_pages(seed_raw)
    fieldnames, rows = pipeline.read_metadata_rows(seed_metadata)
    plain = pipeline.process_chunk(files, fieldnames, rows)
    try:
        settled = pipeline.process_chunk(files, fieldnames, rows, settle=True)
    finally:
        gc.unfreeze()
    pd.testing.assert_frame_equal(plain["units"], settled["units"])
    pd.testing.assert_frame_equal(plain["matches"], settled["matches"])
    assert (plain["counts"][0] != settled["counts"][0]).nnz == 0


def test_a_settled_task_pauses_the_collector_and_restores_it(seed_raw, seed_metadata, monkeypatch):
    import gc

    seen = []
    real = pipeline.process_chunk

    def spy(*args, **kwargs):
        seen.append((gc.isenabled(), kwargs.get("settle")))
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "process_chunk", spy)
    files = pipeline.list_pages(seed_raw)[:1]
    fieldnames, rows = pipeline.read_metadata_rows(seed_metadata)
    enabled = gc.isenabled()
    try:
        pipeline._process_task_settled((files, fieldnames, rows, None, None))
    finally:
        gc.unfreeze()
    assert seen == [(False, True)] and gc.isenabled() == enabled
