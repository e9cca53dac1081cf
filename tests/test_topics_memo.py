"""analysis.topics: stability runs remembered in memory give exactly the tables of fresh fits."""
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis import topics

WORDS = [
    ["souveraineté", "numérique", "données", "cybersécurité", "réseau", "sécurité", "plateforme"],
    ["intelligence_artificielle", "entreprise", "innovation", "startup", "technologie", "forum", "talents"],
    ["laos", "coopération", "ministre", "visite", "bilatéral", "amitié", "délégation"],
    ["résolution", "bureau_politique", "transformation", "percée", "science", "institutions", "objectifs"],
]


def mixed_corpus(n_docs=48, n_tokens=25, seed=3):
    """Token lists drawing mostly on one block of words and partly on another (overlapping topics)."""
    rng = np.random.default_rng(seed)
    texts = []
    for d in range(n_docs):
        main, other = WORDS[d % 4], WORDS[(d + 1 + d // 4) % 4]
        texts.append(list(rng.choice(main, n_tokens - 6)) + list(rng.choice(other, 6)))
    return texts


def tfidf_matrix(texts):
    """A TF-IDF-like matrix (counts times log inverse document frequency) and its vocabulary."""
    vocabulary = np.array(sorted({w for t in texts for w in t}), dtype=object)
    index = {w: j for j, w in enumerate(vocabulary)}
    counts = np.zeros((len(texts), len(vocabulary)))
    for i, text in enumerate(texts):
        for w in text:
            counts[i, index[w]] += 1
    idf = np.log((1 + len(texts)) / (1 + (counts > 0).sum(axis=0))) + 1
    return sparse.csr_matrix(counts * idf), vocabulary


@pytest.fixture()
def corpus():
    texts = mixed_corpus()
    dtm, vocabulary = tfidf_matrix(texts)
    return texts, dtm, vocabulary


@pytest.fixture(autouse=True)
def empty_memo():
    topics.clear_memo()
    yield
    topics.clear_memo()


@pytest.fixture()
def fits(monkeypatch):
    """Count the model fits (by k and seed) made through :func:`analysis.topics.fit_topics`."""
    counter = Counter()
    fit = topics.fit_topics

    def counting(dtm, vocabulary, n_components=5, **kwargs):
        counter[(n_components, kwargs.get("random_state", 0))] += 1
        return fit(dtm, vocabulary, n_components, **kwargs)

    monkeypatch.setattr(topics, "fit_topics", counting)
    return counter


def fresh_runs(dtm, reference, k, seeds, method="nmf", **run_settings):
    """The stability table computed by hand: one fit per seed, matched to the reference."""
    if method == "nmf" and "init" not in run_settings:
        run_settings["init"] = "random"
    vocabulary = np.arange(dtm.shape[1]).astype(str)
    rows = []
    for seed in seeds:
        run = topics.fit_topics(dtm, vocabulary, k, method=method, random_state=seed, **run_settings)
        matched, similarity = topics.match_topics(reference, run.components)
        rows += [{"n_components": k, "random_state": seed, "topic": t + 1, "matched_topic": int(matched[t]) + 1,
                  "similarity": float(similarity[t])} for t in range(k)]
    return pd.DataFrame(rows, columns=["n_components", "random_state", "topic", "matched_topic", "similarity"])


def test_a_second_call_fits_nothing_and_equals_fresh_fits(corpus, fits):
    _, dtm, vocabulary = corpus
    reference = topics.fit_topics(dtm, vocabulary, 4, random_state=0).components
    first = topics.topic_stability(dtm, 4, reference=reference, random_states=range(1, 7))
    assert sum(fits.values()) == 1 + 6
    again = topics.topic_stability(dtm, 4, reference=reference, random_states=range(1, 7))
    assert sum(fits.values()) == 1 + 6  # every run came from memory
    expected = fresh_runs(dtm, reference, 4, range(1, 7))
    pd.testing.assert_frame_equal(again, expected, check_exact=True)
    pd.testing.assert_frame_equal(first, expected, check_exact=True)
    # the runs differ from seed to seed: a memo answering one seed's run for another would show
    assert again.groupby("random_state")["similarity"].apply(tuple).nunique() > 1


def test_k_choice_after_select_k_reuses_the_runs_and_gives_the_same_choices(corpus, fits):
    texts, dtm, vocabulary = corpus
    k_values, seed_sets = [2, 3, 4], [range(1, 4), range(4, 7)]
    selection, runs = topics.select_k(dtm, vocabulary, texts, k_values=k_values, random_states=range(1, 7),
                                      n_top_words=5)
    n_fits = sum(fits.values())
    assert n_fits == len(k_values) * (1 + 6)
    remembered = topics.k_choice_frequency(dtm, vocabulary, texts, k_values=k_values, seed_sets=seed_sets,
                                           n_top_words=5, min_stability=0.8)
    assert sum(fits.values()) == n_fits + len(k_values)  # only the reference models, not one run
    topics.clear_memo()
    fresh = topics.k_choice_frequency(dtm, vocabulary, texts, k_values=k_values, seed_sets=seed_sets,
                                      n_top_words=5, min_stability=0.8)
    pd.testing.assert_frame_equal(remembered, fresh, check_exact=True)
    assert remembered.attrs == fresh.attrs
    for k in k_values:
        reference = topics.fit_topics(dtm, vocabulary, k, random_state=0).components
        pd.testing.assert_frame_equal(runs[runs["n_components"] == k].reset_index(drop=True),
                                      fresh_runs(dtm, reference, k, range(1, 7)), check_exact=True)


def test_other_data_or_settings_are_fitted_again(corpus, fits, monkeypatch):
    texts, dtm, vocabulary = corpus
    reference = topics.fit_topics(dtm, vocabulary, 3, random_state=0).components
    seeds = range(1, 4)
    topics.topic_stability(dtm, 3, reference=reference, random_states=seeds)
    cases = {
        "same shape, other weights": (dtm.multiply(np.linspace(1, 2, dtm.shape[1])).tocsr(), reference, {}),
        "other reference": (dtm, reference[::-1].copy(), {}),
        "other run settings": (dtm, reference, {"run_params": {"init": "random", "tol": 1e-3}}),
    }
    for name, (matrix, ref, extra) in cases.items():
        before = sum(fits.values())
        got = topics.topic_stability(matrix, 3, reference=ref, random_states=seeds, **extra)
        assert sum(fits.values()) == before + len(seeds), name
        settings = extra.get("run_params", {})
        pd.testing.assert_frame_equal(got, fresh_runs(matrix, ref, 3, seeds, **settings), check_exact=True)
    # a module default changed in the meantime is part of the key too
    before = sum(fits.values())
    monkeypatch.setitem(topics.NMF_DEFAULTS, "tol", 1e-2)
    short = topics.topic_stability(dtm, 3, reference=reference, random_states=seeds)
    assert sum(fits.values()) == before + len(seeds)
    pd.testing.assert_frame_equal(short, fresh_runs(dtm, reference, 3, seeds), check_exact=True)


def test_lda_runs_and_unusual_matrices(corpus, fits):
    texts, dtm, vocabulary = corpus
    counts = dtm.copy()
    counts.data = np.ceil(counts.data)
    reference = topics.fit_topics(counts, vocabulary, 3, method="lda", random_state=0, max_iter=5).components
    lda = topics.topic_stability(counts, 3, method="lda", reference=reference, random_states=[1, 2], max_iter=5)
    again = topics.topic_stability(counts, 3, method="lda", reference=reference, random_states=[1, 2], max_iter=5)
    assert sum(fits.values()) == 1 + 2
    pd.testing.assert_frame_equal(again, lda, check_exact=True)
    pd.testing.assert_frame_equal(lda, fresh_runs(counts, reference, 3, [1, 2], method="lda", max_iter=5),
                                  check_exact=True)
    # a dense array is remembered like a sparse one; a LIL matrix is not remembered, but still right
    nmf_reference = topics.fit_topics(dtm, vocabulary, 3, random_state=0).components
    for matrix, remembered in ((dtm.toarray(), True), (dtm.tolil(), False)):
        first = topics.topic_stability(matrix, 3, reference=nmf_reference, random_states=[5])
        before = sum(fits.values())
        second = topics.topic_stability(matrix, 3, reference=nmf_reference, random_states=[5])
        assert sum(fits.values()) == before + (0 if remembered else 1)
        pd.testing.assert_frame_equal(first, second, check_exact=True)
        pd.testing.assert_frame_equal(second, fresh_runs(matrix, nmf_reference, 3, [5]), check_exact=True)


def test_the_memo_keeps_only_the_most_recent_runs(corpus, monkeypatch):
    _, dtm, vocabulary = corpus
    monkeypatch.setattr(topics._RUN_MEMO, "maxsize", 2)
    reference = topics.fit_topics(dtm, vocabulary, 3, random_state=0).components
    runs = topics.topic_stability(dtm, 3, reference=reference, random_states=range(1, 6))
    assert len(topics._RUN_MEMO) == 2
    pd.testing.assert_frame_equal(topics.topic_stability(dtm, 3, reference=reference, random_states=range(1, 6)),
                                  runs, check_exact=True)
