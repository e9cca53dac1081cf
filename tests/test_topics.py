"""Tests of analysis.topics: NPMI against hand counts, matching, determinism, stability, tidy tables."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis import topics

# --------------------------------------------------------------------------- fixtures

BLOCKS = [
    ["souveraineté", "numérique", "données", "cybersécurité", "réseau", "sécurité"],
    ["intelligence_artificielle", "entreprise", "innovation", "startup", "technologie", "forum"],
    ["laos", "coopération", "ministre", "visite", "bilatéral", "amitié"],
]


def planted_corpus(n_docs=60, n_tokens=30, seed=0):
    """Token lists whose words come from one of three disjoint blocks (a planted topic each)."""
    rng = np.random.default_rng(seed)
    texts = []
    for d in range(n_docs):
        block = BLOCKS[d % 3]
        texts.append(list(rng.choice(block, n_tokens)))
    return texts


def count_matrix(texts):
    """Count DTM and sorted vocabulary from token lists (no other module needed)."""
    vocabulary = np.array(sorted({w for t in texts for w in t}), dtype=object)
    index = {w: j for j, w in enumerate(vocabulary)}
    rows, cols = [], []
    for i, text in enumerate(texts):
        for w in text:
            rows.append(i)
            cols.append(index[w])
    dtm = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(vocabulary)))
    return dtm, vocabulary


@pytest.fixture(scope="module")
def planted():
    texts = planted_corpus()
    dtm, vocabulary = count_matrix(texts)
    return texts, dtm, vocabulary


# --------------------------------------------------------------------------- NPMI


def test_window_counts_follow_gensim_rules():
    # window 3; relevant words a, b, c, d
    texts = [
        ["a", "b"],                 # shorter than the window: one window {a, b}
        ["a", "x", "b", "c"],       # two windows: {a, b}, {b, c}
        ["x", "y"],                 # no relevant word: one window {} that counts (gensim >= 4.1)
        [],                         # empty: no window
        ["d", "x", "x", "x", "a"],  # three windows: {d}, {}, {a}; the empty one still counts
    ]
    n_windows, occ, co = topics.window_counts(texts, ["a", "b", "c", "d"], window_size=3)
    assert n_windows == 1 + 2 + 1 + 0 + 3
    assert occ.tolist() == [3, 3, 1, 1]
    assert co[0, 1] == co[1, 0] == 2
    assert co[1, 2] == 1
    assert co[2, 3] == 0
    assert np.diag(co).tolist() == occ.tolist()
    # gensim before 4.1 skipped the text ["x", "y"]
    n_old, occ_old, _ = topics.window_counts(texts, ["a", "b", "c", "d"], window_size=3,
                                             relevant_only=True)
    assert n_old == 1 + 2 + 0 + 0 + 3 and occ_old.tolist() == occ.tolist()


def test_window_sets_are_rebuilt_not_updated_as_gensim_does():
    # ["a", "b", "a", "x", "y"], window 3: windows [a b a], [b a x], [a x y].
    # Here each window's set is built afresh: {a, b}, {a, b, x}, {a, x, y}
    # -> a in 3 windows, b in 2, (a, b) in 2.
    # gensim un-marks the token leaving the window: window 2 = {a, b} - {a} + {x} = {b, x}
    # (the second "a" is forgotten), window 3 = {b, x} - {b} + {y} = {x, y}
    # -> gensim would count a in 1 window, b in 2, (a, b) in 1.
    n_windows, occ, co = topics.window_counts([["a", "b", "a", "x", "y"]], ["a", "b"], window_size=3)
    assert n_windows == 5 - 3 + 1
    assert occ.tolist() == [3, 2] and co[0, 1] == 2


def test_window_counts_are_boolean():
    # "a" twice in the single window counts once; pair (a, b) once
    n_windows, occ, co = topics.window_counts([["a", "a", "b"]], ["a", "b"], window_size=10)
    assert n_windows == 1
    assert occ.tolist() == [1, 1]
    assert co[0, 1] == 1


def naive_window_counts(texts, words, window_size):
    """Reference: list every window as a set, literally as the definition reads."""
    windows = []
    for text in texts:
        if not text:
            continue
        if len(text) <= window_size:
            windows.append(set(text))
        else:
            windows.extend(set(text[s:s + window_size]) for s in range(len(text) - window_size + 1))
    occ = [sum(w in win for win in windows) for w in words]
    co = [[sum(a in win and b in win for win in windows) for b in words] for a in words]
    return len(windows), occ, co


@pytest.mark.parametrize("seed", range(5))
def test_window_counts_equal_the_literal_definition(seed):
    rng = np.random.default_rng(seed)
    vocabulary = list("abcdefgh")
    texts = [list(rng.choice(vocabulary, rng.integers(0, 25))) for _ in range(12)]
    words = ["a", "c", "e"]
    n_windows, occ, co = topics.window_counts(texts, words, window_size=4)
    expected = naive_window_counts(texts, words, 4)
    assert n_windows == expected[0]
    assert occ.tolist() == expected[1]
    assert co.tolist() == expected[2]


def test_npmi_coherence_matches_hand_computation():
    texts = [["a", "b"], ["a", "x", "b", "c"], ["x", "y"], ["d", "x", "x", "x", "a"]]
    result = topics.npmi_coherence([["a", "b"], ["c", "d"]], texts, window_size=3)
    # By hand (see test_window_counts_follow_gensim_rules): N = 1 + 2 + 1 + 3 = 7 windows,
    # P(a) = P(b) = 3/7, P(a, b) = 2/7, P(c) = P(d) = 1/7, P(c, d) = 0.
    eps = 1e-12
    npmi_ab = math.log((2 / 7 + eps) / ((3 / 7) * (3 / 7))) / -math.log(2 / 7 + eps)
    npmi_cd = math.log((0 + eps) / ((1 / 7) * (1 / 7))) / -math.log(0 + eps)
    # = log(14/9) / log(7/2) = 0.35270 and -1 + log(49) / -log(1e-12) = -0.85912
    assert npmi_ab == pytest.approx(math.log(14 / 9) / math.log(7 / 2))
    assert result["coherence"].tolist() == pytest.approx([npmi_ab, npmi_cd])
    assert result["n_pairs"].tolist() == [1, 1]
    assert result["n_absent"].tolist() == [0, 0]
    # gensim < 4.1 skipped ["x", "y"]: N = 6, P(a) = P(b) = 3/6, P(a, b) = 2/6
    old = topics.npmi_coherence([["a", "b"], ["c", "d"]], texts, window_size=3, relevant_only=True)
    assert old["coherence"].iloc[0] == pytest.approx(math.log(4 / 3) / math.log(3))


def test_npmi_coherence_averages_all_pairs_with_default_window():
    # One text of 12 tokens, window 10: 3 windows. a at 0, b at 5, c at 11.
    text = ["a", "x", "x", "x", "x", "b", "x", "x", "x", "x", "x", "c"]
    result = topics.npmi_coherence([["a", "b", "c"]], [text])
    # windows start 0, 1, 2 -> sets {a, b}, {b}, {b, c}
    n = 3
    p = {"a": 1 / n, "b": 3 / n, "c": 1 / n}
    p_ab, p_ac, p_bc = 1 / n, 0.0, 1 / n

    def by_hand(pxy, px, py):
        return math.log((pxy + 1e-12) / (px * py)) / -math.log(pxy + 1e-12)

    expected = (by_hand(p_ab, p["a"], p["b"]) + by_hand(p_ac, p["a"], p["c"]) + by_hand(p_bc, p["b"], p["c"])) / 3
    assert result["coherence"].iloc[0] == pytest.approx(expected)
    assert result["n_pairs"].iloc[0] == 3


def test_word_absent_from_reference_scores_minus_one():
    result = topics.npmi_coherence([["a", "zzz"]], [["a", "b", "a"]])
    assert result["coherence"].iloc[0] == -1.0
    assert result["n_absent"].iloc[0] == 1


def test_absent_words_dropped_as_gensim_drops_words_outside_its_dictionary():
    # topic (a, b, zzz); texts ["a", "b"] and ["c"]: two windows {a, b} and {c}, N = 2,
    # P(a) = P(b) = P(a, b) = 1/2, NPMI(a, b) = log((1/2) / (1/4)) / -log(1/2) = 1
    texts = [["a", "b"], ["c"]]
    eps = 1e-12
    npmi_ab = math.log((1 / 2 + eps) / ((1 / 2) * (1 / 2))) / -math.log(1 / 2 + eps)
    dropped = topics.npmi_coherence([["a", "b", "zzz"]], texts, absent="drop")
    assert dropped["coherence"].iloc[0] == pytest.approx(npmi_ab)
    assert dropped["n_pairs"].iloc[0] == 1 and dropped["n_absent"].iloc[0] == 1
    # penalized: pairs (a, zzz) and (b, zzz) score -1 -> (1 - 1 - 1) / 3
    penalized = topics.npmi_coherence([["a", "b", "zzz"]], texts)
    assert penalized["coherence"].iloc[0] == pytest.approx((npmi_ab - 1 - 1) / 3)


def test_perfectly_associated_words_score_near_one():
    texts = [["a", "b"]] * 3 + [["c"]] * 3
    # Every text counts (gensim >= 4.1): N = 6, P(a) = P(b) = P(a, b) = 1/2
    # -> log((1/2) / (1/4)) / -log(1/2) = log(2) / log(2) = 1, whatever other topics are scored.
    result = topics.npmi_coherence([["a", "b"]], texts)
    assert result["coherence"].iloc[0] == pytest.approx(1.0)
    result = topics.npmi_coherence([["a", "b"], ["c", "d"]], texts)
    assert result["coherence"].iloc[0] == pytest.approx(1.0)
    # Before gensim 4.1 the texts ["c"] were skipped when (a, b) was scored alone: N = 3,
    # P(a) = P(b) = P(a, b) = 1 and log(1 + eps) / -log(1 + eps) = -1, the degenerate case.
    old = topics.npmi_coherence([["a", "b"]], texts, relevant_only=True)
    assert old["coherence"].iloc[0] == pytest.approx(-1.0)


# --------------------------------------------------------------------------- fitting and determinism


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_same_seed_same_output(planted, method):
    _, dtm, vocabulary = planted
    first = topics.fit_topics(dtm, vocabulary, 3, method=method, random_state=7)
    second = topics.fit_topics(dtm, vocabulary, 3, method=method, random_state=7)
    assert np.array_equal(first.components, second.components)
    assert np.array_equal(first.doc_topic, second.doc_topic)
    assert first.score == second.score


def test_different_seeds_change_lda_and_stability_is_reported(planted):
    texts, _, _ = planted
    # a noisy corpus (every word anywhere) on which seeds matter
    rng = np.random.default_rng(1)
    words = sorted({w for t in texts for w in t})
    noisy = [list(rng.choice(words, 20)) for _ in range(40)]
    dtm, vocabulary = count_matrix(noisy)
    a = topics.fit_topics(dtm, vocabulary, 3, method="lda", random_state=1, max_iter=10)
    b = topics.fit_topics(dtm, vocabulary, 3, method="lda", random_state=2, max_iter=10)
    assert not np.allclose(a.components, b.components)
    runs = topics.topic_stability(dtm, 3, method="lda", random_state=0, random_states=range(1, 5), max_iter=10)
    assert len(runs) == 4 * 3
    assert sorted(runs["random_state"].unique()) == [1, 2, 3, 4]
    assert runs["similarity"].between(0, 1).all()
    # on pure noise the topics are not perfectly reproduced, and the table shows it
    assert runs["similarity"].min() < 0.99


def test_planted_topics_are_recovered_and_stable(planted):
    _, dtm, vocabulary = planted
    fit = topics.fit_topics(dtm, vocabulary, 3)
    terms = topics.top_terms(fit.components, fit.vocabulary, n_top_words=6)
    found = sorted(sorted(words) for words in topics.topic_words(terms))
    assert found == sorted(sorted(block) for block in BLOCKS)
    runs = topics.topic_stability(dtm, 3, reference=fit.components, random_states=range(10))
    summary = topics.summarize_stability(runs)
    assert (summary["n_runs"] == 10).all()
    assert (summary["stability"] > 0.95).all()


def test_topics_are_ordered_by_prevalence():
    # block 0 fills 30 documents, block 1 ten, block 2 five
    rng = np.random.default_rng(3)
    texts = [list(rng.choice(BLOCKS[b], 20)) for b, n in ((1, 10), (0, 30), (2, 5)) for _ in range(n)]
    dtm, vocabulary = count_matrix(texts)
    fit = topics.fit_topics(dtm, vocabulary, 3)
    totals = fit.doc_topic.sum(axis=0)
    assert list(totals) == sorted(totals, reverse=True)
    first = topics.topic_words(topics.top_terms(fit.components, vocabulary, 6))[0]
    assert sorted(first) == sorted(BLOCKS[0])


# --------------------------------------------------------------------------- matching


def test_match_topics_recovers_a_permutation():
    rng = np.random.default_rng(0)
    a = rng.random((6, 40)) ** 4
    permutation = np.array([3, 0, 5, 1, 4, 2])
    b = a[permutation] + 0.01 * rng.random((6, 40))
    matched, similarity = topics.match_topics(a, b)
    # row i of a is row j of b where permutation[j] == i
    assert matched.tolist() == np.argsort(permutation).tolist()
    assert (similarity > 0.99).all()


def test_match_topics_recovers_permuted_nmf_run(planted):
    _, dtm, vocabulary = planted
    fit = topics.fit_topics(dtm, vocabulary, 3, init="random", random_state=4)
    other = topics.fit_topics(dtm, vocabulary, 3, init="random", random_state=5)
    permutation = np.array([2, 0, 1])
    matched, similarity = topics.match_topics(fit.components, other.components[permutation])
    direct, _ = topics.match_topics(fit.components, other.components)
    assert permutation[matched].tolist() == direct.tolist()
    assert similarity.min() > 0.9


def test_match_prefers_global_optimum_over_greedy():
    # greedy would pair a0-b0 (0.9) and then a1-b1 (0.0); the best one-to-one is a0-b1, a1-b0
    a = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    b = np.array([[1.0, 0.2, 0.0], [0.0, 1.0, 0.0]])
    matched, _ = topics.match_topics(a, b)
    sim = topics.cosine_similarity_matrix(a, b)
    assert sim[0, 0] > sim[0, 1]
    assert matched.tolist() == [1, 0]


def test_compare_models_aligns_vocabularies(planted):
    _, dtm, vocabulary = planted
    fit = topics.fit_topics(dtm, vocabulary, 3)
    reversed_columns = np.arange(len(vocabulary))[::-1]
    mirror = topics.TopicFit("nmf", 3, 0, fit.components[[2, 0, 1]][:, reversed_columns], fit.doc_topic,
                             fit.unit_weights, vocabulary[reversed_columns], fit.score, None)
    table = topics.compare_models(fit, mirror)
    assert table["topic_b"].tolist() == [2, 3, 1]
    assert table["similarity"].to_numpy() == pytest.approx(1.0)


# --------------------------------------------------------------------------- tidy tables


def test_top_terms_table_keeps_multiword_terms_whole(planted):
    _, dtm, vocabulary = planted
    fit = topics.fit_topics(dtm, vocabulary, 3)
    terms = topics.top_terms(fit.components, vocabulary, n_top_words=4)
    assert list(terms.columns) == ["topic", "rank", "term", "weight"]
    assert len(terms) == 12
    for _, group in terms.groupby("topic"):
        assert group["rank"].tolist() == [1, 2, 3, 4]
        assert group["weight"].is_monotonic_decreasing
    all_terms = topics.top_terms(fit.components, vocabulary, n_top_words=len(vocabulary))
    assert "intelligence_artificielle" in set(all_terms["term"])
    assert all_terms.groupby("topic")["weight"].sum().to_numpy() == pytest.approx(1.0)


def test_topic_shares_long_table(planted):
    texts, dtm, vocabulary = planted
    fit = topics.fit_topics(dtm, vocabulary, 3)
    units = pd.DataFrame({"unit_id": [f"d{i}#0" for i in range(len(texts))], "doc_id": [f"d{i}" for i in range(len(texts))]})
    shares = topics.topic_shares(fit.doc_topic, units)
    assert len(shares) == len(texts) * 3
    assert shares.groupby("unit_id")["share"].sum().to_numpy() == pytest.approx(1.0)
    assert shares["topic"].iloc[:3].tolist() == [1, 2, 3]
    assert shares.loc[shares["unit_id"] == "d1#0", "share"].to_numpy() == pytest.approx(fit.doc_topic[1])
    weighted = topics.topic_shares(fit.doc_topic, units, unit_weights=fit.unit_weights)
    assert weighted.loc[weighted["unit_id"] == "d1#0", "weight"].to_numpy() == pytest.approx(fit.unit_weights[1])
    # shares are the raw weights normalized per unit
    assert fit.doc_topic[1] == pytest.approx(fit.unit_weights[1] / fit.unit_weights[1].sum())


def paragraph_table():
    return pd.DataFrame({
        "doc_id": ["a1", "a1", "a2", "rel_x"],
        "para_id": [0, 1, 0, 0],
        "kind": ["article", "article", "article", "related"],
        "text": ["un deux trois", "un", "quatre cinq six sept", "huit neuf"],
        "n_words": [3, 1, 4, 2],
        "date": pd.to_datetime(["2016-10-31", "2016-10-31", "2025-01-15", None]),
    })


def test_select_units_is_explicit():
    paras = paragraph_table()
    articles = topics.select_units(paras)
    assert articles["unit_id"].tolist() == ["a1#0", "a1#1", "a2#0"]
    both = topics.select_units(paras, kinds=("article", "related"), min_words=2)
    assert both["unit_id"].tolist() == ["a1#0", "a2#0", "rel_x#0"]
    with pytest.raises(ValueError):
        topics.select_units(paras, kinds=("teaser",))


def test_shares_by_weights_and_period_refuses_teasers():
    units = topics.select_units(paragraph_table(), kinds=("article", "related"))
    doc_topic = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.2, 0.8]])
    shares = topics.topic_shares(doc_topic, units)
    by_doc = topics.shares_by(shares, units, by="doc_id")
    # a1: words 3 on topic 1, 1 on topic 2 -> 0.75 / 0.25
    assert by_doc.loc["a1"].tolist() == pytest.approx([0.75, 0.25])
    with pytest.raises(ValueError, match="not dated articles"):
        topics.shares_by_period(shares, units)
    articles = shares[shares["unit_id"].str.startswith("a")]
    by_year = topics.shares_by_period(articles, units)
    assert by_year.index.tolist() == [2016, 2025]
    assert by_year.loc[2025].tolist() == pytest.approx([0.5, 0.5])


def test_unit_groups_label_articles_and_pool_teasers():
    units = topics.select_units(paragraph_table(), kinds=("article", "related"))
    units["doc_id"] = ["000_aa", "000_aa", "003_bb", "rel_x"]
    assert topics.unit_groups(units).tolist() == ["000 · 2016-10-31", "000 · 2016-10-31", "003 · 2025-01-15",
                                                  "teasers (undated)"]


def test_typical_units_pick_highest_share_among_long_units():
    units = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u4"], "text": ["a " * 30, "b " * 30, "c", "d " * 30],
                          "n_words": [30, 30, 1, 30]})
    doc_topic = np.array([[0.6, 0.4], [0.9, 0.1], [1.0, 0.0], [0.2, 0.8]])
    shares = topics.topic_shares(doc_topic, units)
    typical = topics.typical_units(shares, units, n_units=2, min_words=5, max_chars=20)
    assert typical.loc[typical["topic"] == 1, "unit_id"].tolist() == ["u2", "u1"]
    assert typical.loc[typical["topic"] == 2, "unit_id"].tolist() == ["u4", "u1"]
    assert typical["text"].iloc[0].endswith(" […]")
    assert len(typical["text"].iloc[0]) <= 20 + len(" […]")
    # equal shares: the larger raw weight wins, whatever the unit order
    tied = topics.topic_shares(np.array([[1.0, 0.0], [1.0, 0.0]]), units.iloc[:2],
                               unit_weights=np.array([[0.1, 0.0], [0.7, 0.0]]))
    assert topics.typical_units(tied, units, n_units=2, min_words=5)["unit_id"].tolist()[:2] == ["u2", "u1"]


# --------------------------------------------------------------------------- choosing k


def test_select_k_table(planted):
    texts, dtm, vocabulary = planted
    table, runs = topics.select_k(dtm, vocabulary, texts, k_values=[2, 3, 4], random_states=range(3), n_top_words=5)
    assert table["n_components"].tolist() == [2, 3, 4]
    assert list(table.columns) == ["n_components", "coherence", "min_coherence", "stability", "min_stability",
                                   "least_stable", "min_units", "reconstruction_error"]
    assert (table["least_stable"] <= table["min_stability"] + 1e-12).all()
    # 60 units in 3 equal blocks: at k = 3 each topic leads in 20 units
    assert table.set_index("n_components").loc[3, "min_units"] == 20
    assert table["coherence"].between(-1, 1).all()
    assert table["stability"].between(0, 1).all()
    assert len(runs) == 3 * (2 + 3 + 4)
    # every window of every text counts (gensim >= 4.1), so a topic's NPMI does not depend on the
    # topics scored with it: a planted block scores the same alone and beside the others
    alone = topics.npmi_coherence([BLOCKS[0][:5]], texts)["coherence"].iloc[0]
    together = topics.npmi_coherence([BLOCKS[0][:5], BLOCKS[1][:5]], texts)["coherence"].iloc[0]
    assert alone == pytest.approx(together)
    assert topics.npmi_coherence([BLOCKS[0][:5]], texts, relevant_only=True)["coherence"].iloc[0] < alone
    table_lda, _ = topics.select_k(dtm, vocabulary, texts, k_values=[3], method="lda", random_states=range(2))
    assert "perplexity" in table_lda.columns


def test_suggest_k_rule():
    table = pd.DataFrame({"n_components": [3, 4, 5, 6], "coherence": [0.1, 0.3, 0.3, 0.5],
                          "min_stability": [0.9, 0.85, 0.95, 0.5]})
    # 6 is the most coherent but not stable; 4 and 5 tie on coherence: the smaller wins
    assert topics.suggest_k(table, min_stability=0.8) == 4
    assert topics.suggest_k(table, min_stability=0.99) == 5


def test_least_stable_topic_rests_on_a_low_quantile_not_the_mean():
    # topic 2 is found in 8 runs of 10 (similarity 0.99) and missed in 2 (0.2): its mean, 0.832,
    # passes a 0.8 threshold; its 10% quantile (between the 1st and 2nd lowest of 10 values,
    # both 0.2) does not
    similarity = [0.97] * 10 + [0.99] * 8 + [0.2] * 2
    runs = pd.DataFrame({"n_components": 2, "random_state": list(range(10)) * 2,
                         "topic": [1] * 10 + [2] * 10, "matched_topic": 1, "similarity": similarity})
    summary = topics.summarize_stability(runs).set_index("topic")
    assert summary.loc[2, "stability"] == pytest.approx((8 * 0.99 + 2 * 0.2) / 10)
    assert summary.loc[2, "low_similarity"] == pytest.approx(0.2)
    assert summary.loc[1, "low_similarity"] == pytest.approx(0.97)
    table = pd.DataFrame({"n_components": [2, 3], "coherence": [0.4, 0.2], "stability": [0.9, 0.9],
                          "min_stability": [(8 * 0.99 + 2 * 0.2) / 10, 0.85], "least_stable": [0.2, 0.85],
                          "min_units": [5, 5]})
    # the mean rule would keep k = 2 (more coherent); the quantile rule keeps only k = 3
    assert topics.suggest_k(table, column="min_stability") == 2
    assert topics.suggest_k(table) == 3
    assert "in 90% of the runs (k in [3])" in topics.explain_k(table, 3)


def test_select_k_uses_twenty_seeds_by_default(planted):
    texts, dtm, vocabulary = planted
    table, runs = topics.select_k(dtm, vocabulary, texts, k_values=[3], n_top_words=5)
    assert sorted(runs["random_state"].unique()) == list(range(1, 21))
    assert table.attrs["n_runs"] == 20


def test_k_choice_frequency_repeats_the_rule_for_each_seed_set(planted):
    from analysis.plots.stats import plot_k_choice

    texts, dtm, vocabulary = planted
    seed_sets = [range(1, 4), range(4, 7)]
    table = topics.k_choice_frequency(dtm, vocabulary, texts, k_values=[2, 3, 4], seed_sets=seed_sets,
                                      n_top_words=5)
    assert table["n_components"].tolist() == [2, 3, 4]
    assert table["n_chosen"].sum() == 2 and (table["n_seed_sets"] == 2).all()
    for label, seeds in zip(["1-3", "4-6"], seed_sets):
        selection, _ = topics.select_k(dtm, vocabulary, texts, k_values=[2, 3, 4], random_states=seeds,
                                       n_top_words=5)
        assert table.attrs["choices"][label] == topics.suggest_k(selection)
    by_k = table.set_index("n_components")
    for k in (2, 3, 4):
        chosen_by = [label for label, c in table.attrs["choices"].items() if c == k]
        assert by_k.loc[k, "n_chosen"] == len(chosen_by) and by_k.loc[k, "seed_sets"] == "; ".join(chosen_by)
    # three planted blocks: at k = 4 one topic splits a block differently from run to run
    assert by_k.loc[4, "n_chosen"] == 0
    mean_rule = topics.k_choice_frequency(dtm, vocabulary, texts, k_values=[2, 3, 4], seed_sets=seed_sets[:1],
                                          n_top_words=5, column="min_stability")
    selection, _ = topics.select_k(dtm, vocabulary, texts, k_values=[2, 3, 4], random_states=seed_sets[0],
                                   n_top_words=5)
    assert mean_rule.attrs["choices"]["1-3"] == topics.suggest_k(selection, column="min_stability")
    fig = plot_k_choice(table)
    assert [int(t) for t in fig.axes[0].get_xticks()] == [2, 3, 4]


def test_suggest_k_falls_back_to_most_stable_and_explains():
    table = pd.DataFrame({"n_components": [3, 4], "coherence": [0.1, 0.3], "stability": [0.7, 0.6],
                          "min_stability": [0.6, 0.5], "min_units": [4, 2]})
    assert topics.suggest_k(table, min_stability=0.8) == 3
    assert "no k keeps every topic" in topics.explain_k(table, 3)
    table["min_stability"] = [0.9, 0.85]
    sentence = topics.explain_k(table, 4)
    assert "k in [3, 4]" in sentence and "mean NPMI 0.300" in sentence


def test_dominant_counts_and_summary(planted):
    texts, dtm, vocabulary = planted
    fit = topics.fit_topics(dtm, vocabulary, 3)
    assert topics.dominant_counts(fit.doc_topic).tolist() == [20, 20, 20]
    assert topics.dominant_counts(np.array([[0.2, 0.8], [np.nan, np.nan], [0.6, 0.4]])).tolist() == [1, 1]
    units = pd.DataFrame({"doc_id": [f"doc{i % 3}" for i in range(len(texts))]})
    terms = topics.top_terms(fit.components, vocabulary, 6)
    summary = topics.topic_summary(fit, units, terms, coherence=topics.npmi_coherence(topics.topic_words(terms), texts))
    assert summary["n_units"].tolist() == [20, 20, 20]
    # block b fills documents d with d % 3 == b: each topic lives in a single document
    assert summary["n_docs"].tolist() == [1, 1, 1]
    assert summary["share"].sum() == pytest.approx(1.0)
    assert summary["coherence"].notna().all()


def test_best_matches_allow_different_k(planted):
    _, dtm, vocabulary = planted
    three = topics.fit_topics(dtm, vocabulary, 3)
    two = topics.fit_topics(dtm, vocabulary, 2)
    table = topics.best_matches(three, two)
    assert len(table) == 3
    assert set(table["topic_b"]) <= {1, 2}
    # three topics onto two: at least two of them share a counterpart
    assert table["topic_b"].nunique() < 3


def test_plot_helpers_return_figures(planted):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from analysis.plots import topics as topic_plots

    texts, dtm, vocabulary = planted
    table, runs = topics.select_k(dtm, vocabulary, texts, k_values=[2, 3], random_states=range(2), n_top_words=4)
    fit = topics.fit_topics(dtm, vocabulary, 3)
    terms = topics.top_terms(fit.components, vocabulary, 4)
    shares = pd.DataFrame([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]], index=["a", "b"], columns=[1, 2, 3])
    figures = [
        topic_plots.plot_select_k(table, chosen=3),
        topic_plots.plot_top_terms(terms, labels=topics.topic_labels(terms)),
        topic_plots.plot_stability({"NMF": runs[runs["n_components"] == 3]}),
        topic_plots.plot_shares(shares),
        topic_plots.plot_similarity(topics.cosine_similarity_matrix(fit.components, fit.components), matched=[0, 1, 2]),
    ]
    assert all(isinstance(f, Figure) for f in figures)
    assert len([a for a in figures[0].axes if a.get_visible()]) == 3
    assert len([a for a in figures[1].axes if a.get_visible()]) == 3
    # the heatmap puts topics on rows: three tick labels on the y axis
    assert len(figures[3].axes[0].get_yticklabels()) == 3
    for f in figures:
        plt.close(f)
