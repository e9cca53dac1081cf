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
                                    "log_ratio", "lafon"]
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
