"""Keyness statistics against worked examples recomputed with scipy, and distinctive terms.

Worked examples:
- a = 6, b = 2, target 17 tokens, reference 12: chi2 = 1.222 (no correction), 0.467 (Yates),
  G2 = 1.274 (no correction), each recomputed with ``scipy.stats.chi2_contingency``;
- quanteda's own test (quanteda.textstats, tests/testthat/test-textstat_keyness.R, "keyness_textstat
  chi2 computation is correct"): d1 = "b b b b b b b a a a", d2 = "a a a a a a a b b", whose
  Yates-corrected chi2 equals R's ``chisq.test(correct = TRUE)``;
- Lafon's specificity for f = 11, F = 296, t = 1,084, T = 61,449 (the example of TXM's
  ``specificities.distribution.plot``): about +1.770; for f = 0, about -2.294, recomputed
  with ``scipy.stats.hypergeom``.
"""
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.stats import chi2 as chi2_distribution
from scipy.stats import chi2_contingency, hypergeom
from sklearn.feature_extraction.text import TfidfTransformer

from analysis.errors import AnalysisError
from analysis.features import (
    chi2_statistic,
    distinctive_terms,
    g2_statistic,
    group_matrix,
    keyness,
    lafon_specificity,
    log_ratio,
    p_value,
    top_terms,
)


def table(a, b, target_total, reference_total):
    return np.array([[a, b], [target_total - a, reference_total - b]])


# --------------------------------------------------------------------------- chi2 and G2

def test_chi2_worked_example_without_and_with_yates():
    t = table(6, 2, 17, 12)
    expected_none = chi2_contingency(t, correction=False)[0]
    expected_yates = chi2_contingency(t, correction=True)[0]
    assert round(expected_none, 3) == 1.222 and round(expected_yates, 3) == 0.467
    assert chi2_statistic(6, 2, 17, 12) == pytest.approx(expected_none, rel=1e-12)
    assert chi2_statistic(6, 2, 17, 12, correction="yates") == pytest.approx(expected_yates,
                                                                           rel=1e-12)
    assert chi2_statistic(6, 2, 17, 12, correction="default") == pytest.approx(expected_yates,
                                                                             rel=1e-12)


def test_g2_worked_example():
    # quanteda adds 1e-9 inside each logarithm: agreement to about 1e-7, not to the last digit
    t = table(6, 2, 17, 12)
    expected = chi2_contingency(t, correction=False, lambda_="log-likelihood")[0]
    assert round(expected, 3) == 1.274
    assert g2_statistic(6, 2, 17, 12) == pytest.approx(expected, rel=1e-6)


def test_g2_with_yates_moves_each_cell_half_a_unit_towards_expectation():
    # quanteda's lr_lambda: a and d lose 0.5, b and c gain 0.5 when ad > bc
    corrected = np.array([[5.5, 2.5], [11.5, 9.5]])
    expected = chi2_contingency(corrected, correction=False, lambda_="log-likelihood")[0]
    assert g2_statistic(6, 2, 17, 12, correction="yates") == pytest.approx(expected, rel=1e-6)


def test_sign_follows_the_direction_of_the_difference():
    # the same table seen from the other side: same size, opposite sign
    assert chi2_statistic(2, 6, 12, 17) == pytest.approx(-chi2_statistic(6, 2, 17, 12))
    assert g2_statistic(2, 6, 12, 17) == pytest.approx(-g2_statistic(6, 2, 17, 12))
    assert chi2_statistic(6, 2, 17, 12) > 0


def test_quanteda_test_case_matches_r_chisq_test_with_yates():
    # feature "a": 3 of the 10 tokens of d1 (target), 7 of the 9 tokens of d2
    t = table(3, 7, 10, 9)
    expected = chi2_contingency(t, correction=True)[0]
    result = chi2_statistic(3, 7, 10, 9, correction="default")
    assert result < 0  # "a" is under-represented in d1
    assert abs(result) == pytest.approx(expected, rel=1e-12)


def test_quanteda_applies_yates_only_when_an_expected_count_is_small():
    # every expected cell is at least 5: quanteda leaves chi2 uncorrected (scipy would not)
    t = table(60, 20, 170, 120)
    assert chi2_contingency(t, correction=False)[3].min() >= 5  # expected frequencies
    assert chi2_statistic(60, 20, 170, 120, correction="yates") == pytest.approx(
        chi2_contingency(t, correction=False)[0], rel=1e-12)
    assert chi2_contingency(t, correction=True)[0] != pytest.approx(
        chi2_contingency(t, correction=False)[0])


def test_williams_correction_divides_g2_by_q():
    a, b, c, d = 6, 2, 11, 10
    n = a + b + c + d
    q = 1 + (n / (a + b) + n / (c + d) - 1) * (n / (a + c) + n / (b + d) - 1) / (6 * n)
    expected = chi2_contingency(table(6, 2, 17, 12), correction=False,
                                lambda_="log-likelihood")[0] / q
    assert g2_statistic(6, 2, 17, 12, correction="williams") == pytest.approx(expected, rel=1e-6)


def test_statistics_are_vectorized_and_zero_cells_are_finite():
    a = np.array([6, 0, 3])
    b = np.array([2, 5, 0])
    chi2 = chi2_statistic(a, b, 17, 12)
    g2 = g2_statistic(a, b, 17, 12)
    assert chi2.shape == g2.shape == (3,)
    assert np.isfinite(g2).all() and np.isfinite(chi2).all()
    expected = chi2_contingency(table(0, 5, 17, 12), correction=False,
                                lambda_="log-likelihood")[0]
    assert g2[1] == pytest.approx(-expected, rel=1e-6)


def test_p_value_is_the_chi_squared_tail_of_the_absolute_statistic():
    assert p_value(-3.841458820694124) == pytest.approx(0.05)
    assert p_value(1.2) == pytest.approx(chi2_distribution.sf(1.2, 1))


# --------------------------------------------------------------------------- log ratio, Lafon

def test_log_ratio_and_its_zero_handling():
    assert log_ratio(6, 2, 17, 12) == pytest.approx(np.log2((6 / 17) / (2 / 12)))
    assert log_ratio(0, 2, 17, 12) == pytest.approx(np.log2((0.5 / 17) / (2 / 12)))
    assert log_ratio(4, 0, 10, 10) == pytest.approx(np.log2(4 / 0.5))
    assert log_ratio(0, 0, 10, 10) == 0.0
    assert log_ratio(2, 2, 10, 20) == pytest.approx(1.0)  # twice as frequent in the target


def test_lafon_specificity_worked_examples():
    T, F, t = 61449, 296, 1084
    over = -np.log10(hypergeom.sf(10, T, F, t))  # P(X >= 11)
    under = np.log10(hypergeom.cdf(0, T, F, t))  # P(X <= 0)
    assert round(over, 3) == 1.770 and round(under, 3) == -2.294
    assert lafon_specificity(11, F, t, T) == pytest.approx(over, rel=1e-9)
    assert lafon_specificity(0, F, t, T) == pytest.approx(under, rel=1e-9)
    vector = lafon_specificity(np.array([11, 0]), np.array([F, F]), t, T)
    np.testing.assert_allclose(vector, [over, under], rtol=1e-9)


def test_lafon_uses_the_expectation_to_choose_the_tail():
    T, F, t = 1000, 100, 100  # expectation F t / T = 10
    assert lafon_specificity(10, F, t, T) == pytest.approx(-np.log10(hypergeom.sf(9, T, F, t)))
    assert lafon_specificity(9, F, t, T) == pytest.approx(np.log10(hypergeom.cdf(9, T, F, t)))
    assert lafon_specificity(9, F, t, T) < 0 < lafon_specificity(12, F, t, T)
    # extreme cases stay finite (TXM's probabilities would underflow to 0)
    assert np.isfinite(lafon_specificity(100, 100, 100, 10**6))


# --------------------------------------------------------------------------- keyness table

@pytest.fixture
def counts():
    vocabulary = np.array(["ia", "laos", "presse", "vietnam"], dtype=object)
    X = sparse.csr_matrix(np.array([
        [0, 3, 4, 2],   # 2016
        [1, 2, 2, 3],   # 2016
        [5, 0, 0, 4],   # 2025
        [6, 1, 0, 2],   # 2025
    ]))
    target = np.array([True, True, False, False])
    return X, vocabulary, target


def test_keyness_table_counts_and_columns(counts):
    X, vocabulary, target = counts
    result = keyness(X, vocabulary, target)
    assert list(result.columns) == ["term", "n_target", "n_reference", "chi2", "G2", "p_value",
                                    "log_ratio", "lafon", "p_value_one_sided", "p_adjusted",
                                    "docs_target", "docs_reference"]
    row = result.set_index("term").loc["presse"]
    assert (row["n_target"], row["n_reference"]) == (6, 0)
    target_total, reference_total = 17, 18
    assert row["G2"] == pytest.approx(g2_statistic(6, 0, target_total, reference_total))
    assert row["chi2"] == pytest.approx(chi2_statistic(6, 0, target_total, reference_total))
    assert row["lafon"] == pytest.approx(
        -np.log10(hypergeom.sf(5, target_total + reference_total, 6, target_total)))
    assert row["p_value"] == pytest.approx(chi2_distribution.sf(abs(row["G2"]), 1))
    ia = result.set_index("term").loc["ia"]
    assert ia["G2"] < 0 and ia["lafon"] < 0 and ia["log_ratio"] < 0


@pytest.mark.parametrize("measure", ["G2", "chi2", "lafon", "log_ratio"])
def test_keyness_is_sorted_by_the_measure(counts, measure):
    X, vocabulary, target = counts
    result = keyness(X, vocabulary, target, measure=measure)
    scores = result[measure].to_numpy()
    assert (np.diff(scores) <= 0).all()
    assert result["term"].iloc[0] == "presse"
    assert result["term"].iloc[-1] == "ia"


def test_keyness_ties_are_sorted_by_term():
    X = sparse.csr_matrix(np.array([[1, 1, 0], [0, 0, 2]]))
    result = keyness(X, np.array(["b", "a", "c"], dtype=object), [True, False])
    assert result["term"].tolist() == ["a", "b", "c"]


def test_keyness_refuses_bad_targets(counts):
    X, vocabulary, _ = counts
    with pytest.raises(ValueError):
        keyness(X, vocabulary, [True] * 4)
    with pytest.raises(ValueError):
        keyness(X, vocabulary, [True, False])
    with pytest.raises(ValueError):
        keyness(X, vocabulary, [True, True, False, False], measure="pmi")
    with pytest.raises(AnalysisError):
        keyness(X, vocabulary, [True, True, False, False], measures=["G2"], measure="lafon")


def test_keyness_drops_terms_absent_from_both_groups():
    X = sparse.csr_matrix(np.array([[1, 0, 2], [3, 0, 1], [0, 5, 0]]))
    vocabulary = np.array(["a", "b", "c"], dtype=object)
    assert set(keyness(X, vocabulary, [True, True, False])["term"]) == {"a", "b", "c"}
    result = keyness(X[:2], vocabulary, [True, False])
    assert set(result["term"]) == {"a", "c"}


# --------------------------------------------------------------------------- distinctive terms

def test_group_matrix_sums_rows_by_sorted_group():
    X = sparse.csr_matrix(np.array([[1, 0], [2, 3], [0, 4]]))
    G, labels = group_matrix(X, ["2025", "2016", "2025"])
    assert labels.tolist() == ["2016", "2025"]
    assert G.toarray().tolist() == [[2, 3], [1, 4]]


def test_top_terms_ranks_and_breaks_ties_alphabetically():
    X = np.array([[0.5, 0.2, 0.5, 0.0], [0.0, 0.0, 0.0, 0.1]])
    result = top_terms(X, ["b", "c", "a", "d"], labels=["x", "y"], n_top_words=2)
    assert result.to_dict("list") == {
        "label": ["x", "x", "y"], "rank": [1, 2, 1], "term": ["a", "b", "d"],
        "score": [0.5, 0.5, 0.1]}


def test_distinctive_terms_per_group_is_tfidf_of_summed_counts():
    X = sparse.csr_matrix(np.array([[3, 0, 1], [1, 0, 1], [0, 4, 1]]))
    vocabulary = np.array(["presse", "ia", "vietnam"], dtype=object)
    result = distinctive_terms(X, vocabulary, groups=["2016", "2016", "2025"], n_top_words=1)
    expected = TfidfTransformer().fit_transform(np.array([[4, 0, 2], [0, 4, 1]])).toarray()
    assert result["term"].tolist() == ["presse", "ia"]
    assert result["score"].tolist() == pytest.approx([expected[0, 0], expected[1, 1]])
    per_doc = distinctive_terms(X, vocabulary, labels=["d1", "d2", "d3"], n_top_words=1)
    assert isinstance(per_doc, pd.DataFrame) and per_doc["label"].tolist() == ["d1", "d2", "d3"]


def test_term_table_counts_and_rates_per_group():
    from analysis.features import term_table

    X = sparse.csr_matrix(np.array([[2, 0], [1, 1], [0, 3]]))
    table = term_table(X, ["ia", "presse"], ["presse", "ia", "absent"],
                       groups=["2016", "2016", "2025"], n_words=[100, 100, 500])
    assert table.index.tolist() == ["presse", "ia", "absent"]
    assert table["2016 n"].tolist() == [1, 3, 0]
    assert table["2025 n"].tolist() == [3, 0, 0]
    assert table["2016 per 1,000 words"].tolist() == pytest.approx([5.0, 15.0, 0.0])
    assert table["2025 per 1,000 words"].tolist() == pytest.approx([6.0, 0.0, 0.0])


def test_measure_agreement_on_a_constructed_table():
    from analysis.features import measure_agreement

    table = pd.DataFrame({"term": list("abcdef"),
                          "G2": [5.0, 3.0, 1.0, -1.0, -3.0, -5.0],
                          "lafon": [4.0, 1.0, 2.0, -2.0, -1.0, -4.0]})
    result = measure_agreement(table, n_top=1)
    assert result["n_common"] == 2 and result["only_a"] == [] and result["only_b"] == []
    result = measure_agreement(table, n_top=2)
    # G2 top 2 + bottom 2: a, b, e, f; Lafon: a, c, d, f
    assert result["n_common"] == 2 and result["only_a"] == ["b", "e"] and result["only_b"] == ["c", "d"]
    from scipy.stats import spearmanr

    assert result["spearman"] == pytest.approx(spearmanr(table["G2"], table["lafon"]).statistic)
    assert result["n_terms"] == 6


# --------------------------------------------------------------------------- vectorized Lafon

def exact_lafon(f, F, t, T):
    """The per-term computation the vectorized one replaced (scipy's logsf / logcdf)."""
    if f >= F * t / T:
        return -hypergeom.logsf(f - 1, T, F, t) / np.log(10)
    return hypergeom.logcdf(f, T, F, t) / np.log(10)


def test_vectorized_lafon_equals_the_per_term_computation():
    # the worked examples (TXM's f = 11 and f = 0), the tail chosen at the expectation, and
    # terms of a seeded random table of 200 terms
    cases = [(11, 296, 1084, 61449), (0, 296, 1084, 61449), (10, 100, 100, 1000),
             (9, 100, 100, 1000), (100, 100, 100, 10**6), (6, 6, 17, 35), (0, 7, 17, 35)]
    for f, F, t, T in cases:
        assert lafon_specificity(f, F, t, T) == pytest.approx(exact_lafon(f, F, t, T), rel=1e-9,
                                                                abs=1e-12)
    rng = np.random.default_rng(0)
    T, t = 61449, 20000
    F = rng.zipf(1.6, 200).clip(1, 3000)
    f = np.minimum(rng.binomial(F, np.clip(t / T * rng.uniform(0.3, 1.7, 200), 0, 1)), F)
    expected = np.array([exact_lafon(a, b, t, T) for a, b in zip(f, F)])
    np.testing.assert_allclose(lafon_specificity(f, F, t, T), expected, rtol=1e-9, atol=1e-12)


# --------------------------------------------------------------------------- p-values, dispersion

def test_keyness_p_values_are_two_sided_and_adjusted(counts):
    from scipy.stats import false_discovery_control

    X, vocabulary, target = counts
    lafon = keyness(X, vocabulary, target, measure="lafon").set_index("term")
    one_sided = 10.0 ** -np.abs(lafon["lafon"])
    np.testing.assert_allclose(lafon["p_value_one_sided"], one_sided)
    np.testing.assert_allclose(lafon["p_value"], np.minimum(1, 2 * one_sided))
    g2 = keyness(X, vocabulary, target, measure="G2")
    np.testing.assert_allclose(g2["p_adjusted"],
                               false_discovery_control(g2["p_value"], method="bh"))


def test_keyness_counts_documents_on_each_side():
    X = sparse.csr_matrix(np.array([[4, 1], [0, 1], [0, 1], [1, 0]]))
    result = keyness(X, np.array(["cyberespace", "numérique"], dtype=object),
                     [True, True, True, False]).set_index("term")
    # "cyberespace": 4 occurrences in the target, all in one document
    assert (result.loc["cyberespace", "n_target"], result.loc["cyberespace", "docs_target"]) == (4, 1)
    assert result.loc["numérique", "docs_target"] == 3
    assert result.loc["cyberespace", "docs_reference"] == 1


def test_keyness_computes_only_the_measures_asked(counts):
    X, vocabulary, target = counts
    result = keyness(X, vocabulary, target, measures=["chi2"])
    assert "G2" not in result and "lafon" not in result and "log_ratio" not in result
    assert list(result.columns) == ["term", "n_target", "n_reference", "chi2", "p_value",
                                    "p_adjusted", "docs_target", "docs_reference"]
    full = keyness(X, vocabulary, target, measure="chi2")
    pd.testing.assert_series_equal(result["chi2"], full["chi2"])


# --------------------------------------------------------------------------- any partition

@pytest.fixture
def outlets():
    vocabulary = np.array(["cybersécurité", "données", "laos", "presse", "souveraineté"],
                          dtype=object)
    X = sparse.csr_matrix(np.array([
        [3, 1, 0, 1, 2],   # Le Courrier
        [2, 2, 0, 0, 3],   # Le Courrier
        [0, 1, 4, 2, 0],   # Vietnam+
        [1, 0, 3, 3, 0],   # Vietnam+
        [0, 3, 1, 0, 1],   # VNA
        [0, 2, 0, 1, 0],   # no outlet recorded
    ]))
    groups = pd.Series(["Le Courrier", "Le Courrier", "Vietnam+", "Vietnam+", "VNA", None])
    return X, vocabulary, groups


def test_keyness_target_label_equals_the_boolean_mask(outlets):
    X, vocabulary, groups = outlets
    by_label = keyness(X, vocabulary, groups=groups, target="Vietnam+")
    known = groups.notna().to_numpy()
    by_mask = keyness(X[known], vocabulary, (groups[known] == "Vietnam+").to_numpy())
    assert (by_label["group"] == "Vietnam+").all() and (by_label["reference"] == "rest").all()
    pd.testing.assert_frame_equal(by_label.drop(columns=["group", "reference"]), by_mask)


def test_keyness_against_one_reference_group_leaves_the_others_out(outlets):
    X, vocabulary, groups = outlets
    result = keyness(X, vocabulary, groups=groups, target="Vietnam+", reference="Le Courrier")
    rows = groups.isin(["Vietnam+", "Le Courrier"]).to_numpy()
    expected = keyness(X[rows], vocabulary, (groups[rows] == "Vietnam+").to_numpy())
    pd.testing.assert_frame_equal(result.drop(columns=["group", "reference"]), expected)
    assert (result["reference"] == "Le Courrier").all()


def test_keyness_each_group_against_the_rest(outlets):
    X, vocabulary, groups = outlets
    result = keyness(X, vocabulary, groups=groups, measures=["G2", "log_ratio"])
    assert list(dict.fromkeys(result["group"])) == ["Le Courrier", "VNA", "Vietnam+"]
    for label, part in result.groupby("group"):
        single = keyness(X, vocabulary, groups=groups, target=label, measures=["G2", "log_ratio"])
        pd.testing.assert_frame_equal(part.reset_index(drop=True), single)


def test_keyness_says_what_target_it_expects(outlets):
    X, vocabulary, groups = outlets
    with pytest.raises(TypeError, match="boolean mask"):
        keyness(X, vocabulary, groups.fillna("?").to_numpy())  # labels, not a mask
    with pytest.raises(TypeError, match="dates"):
        keyness(X, vocabulary, pd.to_datetime(["2016-10-31"] * 3 + ["2025-05-02"] * 3))
    with pytest.raises(TypeError, match="groups="):
        keyness(X, vocabulary, "Vietnam+")
    with pytest.raises(TypeError, match="one label"):
        keyness(X, vocabulary, groups=groups, target=[True] * 6)
    with pytest.raises(ValueError, match="not among the groups"):
        keyness(X, vocabulary, groups=groups, target="Nhân Dân")
    with pytest.raises(AnalysisError):
        keyness(X, vocabulary, [1, 2, 0, 0, 1, 0])


# --------------------------------------------------------------------------- over time

def planted_trend(seed=0, n_docs=15):
    """Four periods; "souveraineté" at 1, 2, 4 and 8 per 1,000 tokens, other terms flat."""
    rng = np.random.default_rng(seed)
    vocabulary = np.array(["coopération", "numérique", "presse", "souveraineté"], dtype=object)
    rows, periods, docs = [], [], []
    for p, rate in enumerate([1, 2, 4, 8]):
        for d in range(n_docs):
            doc_rate = rng.gamma(4.0, rate / 4.0)  # documents vary around the period's rate
            for _ in range(3):  # three paragraphs of 400 tokens
                trend = rng.poisson(doc_rate * 0.4)
                flat = rng.poisson([30, 40, 50])
                rows.append([flat[0], flat[1], flat[2], trend])
                periods.append(f"P{p + 1}")
                docs.append(f"P{p + 1}-{d:02d}")
    X = sparse.csr_matrix(np.array(rows))
    return X, vocabulary, np.array(periods), np.array(docs)


def test_keyness_over_time_recovers_a_planted_trend():
    from analysis.features import keyness_over_time

    X, vocabulary, periods, docs = planted_trend()
    table = keyness_over_time(X, vocabulary, periods, docs, terms=["souveraineté", "presse"],
                              n_boot=500)
    trend = table[table["term"] == "souveraineté"].set_index("period")
    assert list(trend.index) == ["P1", "P2", "P3", "P4"]
    assert (np.diff(trend["log_ratio"]) > 0).all()
    assert trend.loc["P1", "high"] < 0 < trend.loc["P4", "low"]
    assert (trend["low"] <= trend["log_ratio"]).all() and (trend["log_ratio"] <= trend["high"]).all()
    flat = table[table["term"] == "presse"]
    assert ((flat["low"] < 0) & (flat["high"] > 0)).sum() >= 3  # no trend: intervals hold 0
    assert "documents resampled" in table.attrs["design"]


def test_keyness_over_time_intervals_do_not_depend_on_the_terms_asked():
    from analysis.features import keyness_over_time

    X, vocabulary, periods, docs = planted_trend(seed=1)
    one = keyness_over_time(X, vocabulary, periods, docs, terms=["souveraineté"], n_boot=200)
    two = keyness_over_time(X, vocabulary, periods, docs, terms=["presse", "souveraineté"],
                            n_boot=200)
    pd.testing.assert_frame_equal(one, two[two["term"] == "souveraineté"].reset_index(drop=True))


def test_keyness_over_time_gives_no_interval_for_few_documents():
    from analysis.features import keyness_over_time

    X, vocabulary, periods, docs = planted_trend(seed=2, n_docs=3)
    table = keyness_over_time(X, vocabulary, periods, docs, terms=["souveraineté"], n_boot=50)
    assert table["low"].isna().all() and (table["note"] == "fewer than 5 documents: no interval").all()


def test_plot_term_trajectories_draws_one_line_per_term():
    from analysis.features import keyness_over_time
    from analysis.plots.stats import plot_term_trajectories

    X, vocabulary, periods, docs = planted_trend()
    table = keyness_over_time(X, vocabulary, periods, docs, terms=["souveraineté", "presse"],
                              n_boot=100)
    fig = plot_term_trajectories(table, ["souveraineté", "presse"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["souveraineté", "presse"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["P1", "P2", "P3", "P4"]


# --------------------------------------------------------------------------- agreement with ties

def test_measure_agreement_cuts_at_tie_boundaries():
    from analysis.features import measure_agreement

    # G2 ranks b, c, d equal second; with n_top = 2, none of them is preferred by its name
    table = pd.DataFrame({"term": list("abcdefg"),
                          "G2": [5.0, 3.0, 3.0, 3.0, -1.0, -2.0, -4.0],
                          "lafon": [4.0, 3.0, 1.0, 0.5, -1.0, -2.0, -4.0]})
    included = measure_agreement(table, n_top=2)
    assert included["ties_a"] == ["b", "c", "d"] and included["ties_b"] == []
    assert included["n_top_a"] == 6  # a, b, c, d + f, g
    assert included["only_a"] == ["c", "d"] and included["only_b"] == []
    excluded = measure_agreement(table, n_top=2, ties="exclude")
    assert excluded["n_top_a"] == 3  # a + f, g
    assert excluded["only_b"] == ["b"] and excluded["n_common"] == 3
