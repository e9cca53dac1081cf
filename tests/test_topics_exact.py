"""analysis.topics: the shortcuts taken for speed give bit for bit the fits of the plain calls."""
import numpy as np
import pytest
from scipy import sparse
from sklearn.decomposition import NMF, LatentDirichletAllocation

from analysis import topics
from test_topics_memo import WORDS  # four blocks of the corpus's words, one per topic


def matrices(n_docs=60, n_tokens=20, seed=5):
    """Counts and TF-IDF-like weights (CSR) of token lists mixing two blocks of words, one empty row."""
    rng = np.random.default_rng(seed)
    vocabulary = sorted({w for block in WORDS for w in block})
    index = {w: j for j, w in enumerate(vocabulary)}
    counts = np.zeros((n_docs, len(vocabulary)))
    for d in range(1, n_docs):  # row 0 stays empty, as a unit whose terms all fell out
        main, other = WORDS[d % 4], WORDS[(d + 1 + d // 4) % 4]
        for w in list(rng.choice(main, n_tokens - 5)) + list(rng.choice(other, 5)):
            counts[d, index[w]] += 1
    idf = np.log((1 + n_docs) / (1 + (counts > 0).sum(axis=0))) + 1
    return sparse.csr_matrix(counts), sparse.csr_matrix(counts * idf), np.array(vocabulary, dtype=object)


@pytest.fixture(scope="module")
def data():
    return matrices()


def test_kept_transpose_is_scipys_transpose_made_once(data):
    _, tfidf, _ = data
    x = topics.TransposeOnceCSR(tfidf)
    assert x.T is x.T and x.T.T is x and x.transpose() is x.T
    assert np.shares_memory(x.data, tfidf.data)
    plain = tfidf.T
    assert x.T.format == plain.format == "csc" and x.T.shape == plain.shape
    for name in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(x.T, name), getattr(plain, name))
    assert (x.T != plain).nnz == 0
    copied = x.transpose(copy=True)
    assert copied is not x.T and not np.shares_memory(copied.data, x.data)
    assert (x.T @ np.ones((x.shape[0], 2)) == plain @ np.ones((x.shape[0], 2))).all()


def test_products_of_the_kept_matrices_are_scipys(data):
    _, tfidf, _ = data
    x = topics.TransposeOnceCSR(tfidf)
    rng = np.random.default_rng(0)
    for matrix, plain in ((x, tfidf), (x.T, tfidf.T)):
        n = matrix.shape[1]
        for other in (rng.random((n, 4)), rng.random((n, 1)), rng.random(n), np.asfortranarray(rng.random((n, 3)))):
            mine, theirs = matrix @ other, plain @ other
            assert type(mine) is type(theirs) and mine.shape == theirs.shape and np.array_equal(mine, theirs)
        assert ((matrix @ plain.T) != (plain @ plain.T)).nnz == 0
        with pytest.raises(ValueError):
            _ = matrix @ 2.0


@pytest.mark.parametrize("init", ["random", "nndsvda"])
def test_nmf_on_the_kept_transpose_is_bit_identical(data, init):
    _, tfidf, _ = data
    for k in (2, 3, 5):
        for seed in (0, 1, 17):
            settings = dict(n_components=k, random_state=seed, init=init, solver="cd", max_iter=2000, tol=1e-4)
            plain, kept = NMF(**settings), NMF(**settings)
            w_plain = plain.fit_transform(tfidf)
            w_kept = kept.fit_transform(topics.TransposeOnceCSR(tfidf))
            assert np.array_equal(w_plain, w_kept)
            assert np.array_equal(plain.components_, kept.components_)
            assert plain.n_iter_ == kept.n_iter_ and plain.reconstruction_err_ == kept.reconstruction_err_


def test_fit_topics_nmf_equals_the_plain_estimator(data):
    _, tfidf, vocabulary = data
    fit = topics.fit_topics(tfidf, vocabulary, 4, method="nmf", random_state=3, init="random")
    plain = NMF(n_components=4, random_state=3, **{**topics.NMF_DEFAULTS, "init": "random"})
    weights = plain.fit_transform(tfidf)
    order = np.argsort(-np.nansum(topics._row_shares(weights), axis=0), kind="stable")
    assert np.array_equal(fit.unit_weights, weights[:, order])
    assert np.array_equal(fit.components, topics._row_shares(plain.components_)[order])
    assert fit.score == plain.reconstruction_err_
    assert type(tfidf) is sparse.csr_matrix  # the caller's matrix is left as it was


def test_fit_topics_lda_score_is_the_perplexity_of_the_fitted_matrix(data):
    counts, _, vocabulary = data
    fit = topics.fit_topics(counts, vocabulary, 3, method="lda", random_state=2)
    plain = LatentDirichletAllocation(n_components=3, random_state=2, **topics.LDA_DEFAULTS)
    weights = plain.fit_transform(counts)
    assert fit.score == plain.perplexity(counts)
    order = np.argsort(-np.nansum(topics._row_shares(weights), axis=0), kind="stable")
    assert np.array_equal(fit.unit_weights, weights[:, order])


@pytest.fixture
def threaded(monkeypatch):
    """Products of any size split over threads (at least two, whatever the machine)."""
    from analysis import kept_transpose

    monkeypatch.setattr(kept_transpose, "THREADED_NNZ", 0)
    monkeypatch.setattr(kept_transpose, "threads", lambda: 3)
    return kept_transpose


def test_a_product_split_over_threads_is_the_product_at_once(data, threaded):
    _, tfidf, _ = data
    x = topics.TransposeOnceCSR(tfidf)
    rng = np.random.default_rng(4)
    for other in (rng.random((x.shape[1], 5)), np.asfortranarray(rng.random((x.shape[1], 3))),
                  rng.random((x.shape[1], 4)).astype(np.float32)):
        assert np.array_equal(x @ other, tfidf @ other)
    assert len(x._row_blocks) == 3 and sum(b.shape[0] for b in x._row_blocks) == x.shape[0]
    w = rng.random((x.shape[0], 2))
    assert np.array_equal(x.T @ w, tfidf.T @ w)  # the transpose's product: one thread, scipy's


def test_row_blocks_cover_every_row_once_with_about_as_many_values_each():
    from analysis.kept_transpose import row_blocks

    rng = np.random.default_rng(8)
    X = sparse.random(1000, 50, density=0.1, format="csr", random_state=rng)
    for n in (1, 2, 3, 7):
        blocks = row_blocks(X, n)
        assert len(blocks) == n
        assert (sparse.vstack(blocks).tocsr() != X).nnz == 0
        assert max(b.nnz for b in blocks) - min(b.nnz for b in blocks) <= 2 * X.getnnz(axis=1).max()
        assert all(np.shares_memory(b.data, X.data) for b in blocks if b.nnz)


def test_nmf_with_products_over_threads_is_bit_identical(data, threaded):
    _, tfidf, _ = data
    settings = dict(n_components=3, random_state=1, init="nndsvda", solver="cd", max_iter=2000, tol=1e-4)
    plain, kept = NMF(**settings), NMF(**settings)
    w_plain = plain.fit_transform(tfidf)
    w_kept = kept.fit_transform(topics.TransposeOnceCSR(tfidf))
    assert np.array_equal(w_plain, w_kept) and np.array_equal(plain.components_, kept.components_)


def test_row_blocks_of_a_matrix_with_unsorted_indices_say_so():
    from analysis.kept_transpose import row_blocks

    X = sparse.csr_matrix((np.array([1.0, 2.0, 3.0, 4.0]), np.array([2, 0, 1, 0]), np.array([0, 2, 4])), shape=(2, 3))
    assert not X.has_sorted_indices
    blocks = row_blocks(X, 2)
    assert [b.has_sorted_indices for b in blocks] == [False, False]
    assert (sparse.vstack(blocks).tocsr() != X).nnz == 0
