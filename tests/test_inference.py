"""Cluster bootstrap, Benjamini-Hochberg and co-occurrence association, on simulated data.

The simulation behind the coverage test: an outlet's true rate ``mu`` (matches per 1,000 words);
each document's own rate drawn from a gamma distribution of mean ``mu`` (documents differ: some
speak of the theme much more than others); each paragraph's count Poisson with mean
``rate * words / 1000``. The quantity estimated is the outlet's rate ``mu``.
"""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.inference import (
    InferenceError,
    association_table,
    bh_adjust,
    cluster_bootstrap,
    stable_seed,
)

MU = 6.0  # true outlet rate per 1,000 words


def simulate(rng, n_docs, *, mu=MU, shape=1.5, outlet="Le Courrier du Vietnam"):
    """One simulated outlet: paragraphs with words, counts, document ids."""
    doc_rates = rng.gamma(shape, mu / shape, size=n_docs)
    rows = []
    for d in range(n_docs):
        for p in range(rng.integers(3, 9)):
            words = int(rng.integers(60, 161))
            rows.append((outlet, f"{outlet[:3]}-{d:03d}", p, words,
                         rng.poisson(doc_rates[d] * words / 1000)))
    return pd.DataFrame(rows, columns=["outlet", "doc_id", "para_id", "n_words", "count"])


def within_document_interval(table, rng, n_boot=1000, ci=0.95):
    """The old design: paragraphs resampled within each document, every document kept."""
    totals = np.zeros((n_boot, 2))
    for _, doc in table.groupby("doc_id"):
        v, w = doc["count"].to_numpy(float), doc["n_words"].to_numpy(float)
        draws = rng.integers(0, len(v), size=(n_boot, len(v)))
        totals[:, 0] += v[draws].sum(axis=1)
        totals[:, 1] += w[draws].sum(axis=1)
    rates = 1000 * totals[:, 0] / totals[:, 1]
    return np.quantile(rates, [(1 - ci) / 2, 1 - (1 - ci) / 2])


def test_rate_is_the_ratio_of_sums():
    table = simulate(np.random.default_rng(1), 12)
    out = cluster_bootstrap(table, value="count", weight="n_words", cluster="doc_id",
                            group="outlet", n_boot=200)
    assert out.loc[0, "rate"] == pytest.approx(1000 * table["count"].sum() / table["n_words"].sum())
    assert out.loc[0, "n_clusters"] == 12 and out.loc[0, "n_units"] == len(table)
    assert out.loc[0, "low"] <= out.loc[0, "rate"] <= out.loc[0, "high"]
    assert out.loc[0, "design"] == ("cluster bootstrap over documents, 95% percentile interval, "
                                    "200 replicates")
    assert out.loc[0, "note"] == ""


def test_interval_widens_when_documents_are_fewer():
    # the same ten documents, once and repeated four times (40 documents that vary the same
    # way): with four times the documents the interval is about half as wide
    few = simulate(np.random.default_rng(2), 10)
    copies = [few.assign(doc_id=few["doc_id"] + f"/{i}") for i in range(4)]
    many = pd.concat(copies, ignore_index=True)
    kw = dict(value="count", weight="n_words", cluster="doc_id", n_boot=2000)
    a = cluster_bootstrap(few, **kw).iloc[0]
    b = cluster_bootstrap(many, **kw).iloc[0]
    assert a["rate"] == pytest.approx(b["rate"])
    width_few, width_many = a["high"] - a["low"], b["high"] - b["low"]
    assert width_few > 1.6 * width_many
    assert 1.6 < width_few / width_many < 2.5  # about sqrt(4) = 2


def test_coverage_is_close_to_nominal_and_better_than_the_within_document_design():
    rng = np.random.default_rng(12)
    n_sim, covered, covered_two_stage, covered_old = 200, 0, 0, 0
    for i in range(n_sim):
        table = simulate(rng, 30)
        kw = dict(value="count", weight="n_words", cluster="doc_id", n_boot=1000,
                  random_state=i)
        one = cluster_bootstrap(table, **kw).iloc[0]
        two = cluster_bootstrap(table, two_stage=True, **kw).iloc[0]
        old = within_document_interval(table, np.random.default_rng(i))
        covered += one["low"] <= MU <= one["high"]
        covered_two_stage += two["low"] <= MU <= two["high"]
        covered_old += old[0] <= MU <= old[1]
    coverage, coverage_two, coverage_old = (c / n_sim for c in
                                            (covered, covered_two_stage, covered_old))
    print(f"coverage of the 95% interval over {n_sim} simulated outlets of 30 documents: "
          f"cluster {coverage:.3f}, two-stage {coverage_two:.3f}, within-document {coverage_old:.3f}")
    assert coverage >= 0.88
    assert coverage_two >= 0.88
    assert coverage_old < coverage - 0.1


def test_groups_below_min_clusters_get_no_interval_and_a_note():
    rng = np.random.default_rng(3)
    table = pd.concat([simulate(rng, 12, outlet="Le Courrier du Vietnam"),
                       simulate(rng, 3, outlet="Vietnam+")], ignore_index=True)
    out = cluster_bootstrap(table, value="count", weight="n_words", cluster="doc_id",
                            group="outlet", n_boot=300).set_index("outlet")
    small = out.loc["Vietnam+"]
    assert np.isnan(small["low"]) and np.isnan(small["high"]) and np.isfinite(small["rate"])
    assert small["note"] == "fewer than 5 documents: no interval"
    assert np.isfinite(out.loc["Le Courrier du Vietnam", "low"])


def test_adding_a_group_leaves_another_groups_interval_unchanged():
    rng = np.random.default_rng(4)
    a = simulate(rng, 15, outlet="Le Courrier du Vietnam")
    b = simulate(rng, 15, outlet="Vietnam+")
    c = simulate(rng, 15, outlet="VNA")
    kw = dict(value="count", weight="n_words", cluster="doc_id", group="outlet", n_boot=500)
    for two_stage in (False, True):
        alone = cluster_bootstrap(pd.concat([a, b]), two_stage=two_stage, **kw).set_index("outlet")
        more = cluster_bootstrap(pd.concat([c, a, b]), two_stage=two_stage, **kw).set_index("outlet")
        pd.testing.assert_frame_equal(alone, more.loc[alone.index])
    assert stable_seed(0, "VNA") == stable_seed(0, "VNA") != stable_seed(0, "Vietnam+")


def test_two_stage_design_is_named_and_reproducible():
    table = simulate(np.random.default_rng(5), 8)
    kw = dict(value="count", weight="n_words", cluster="doc_id", n_boot=300, two_stage=True)
    first, second = cluster_bootstrap(table, **kw), cluster_bootstrap(table, **kw)
    pd.testing.assert_frame_equal(first, second)
    assert "two-stage: documents then paragraphs" in first.loc[0, "design"]
    other = cluster_bootstrap(table, random_state=1, **kw)
    assert other.loc[0, "low"] != first.loc[0, "low"]


def test_missing_column_is_an_error():
    with pytest.raises(InferenceError, match="no column"):
        cluster_bootstrap(pd.DataFrame({"x": [1]}), value="x", weight="w", cluster="doc_id")


# --------------------------------------------------------------------------- BH

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bh_equals_scipy(seed):
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(size=200), rng.uniform(0, 0.001, size=20), [0.03, 0.03, 1.0]])
    np.testing.assert_allclose(bh_adjust(p), stats.false_discovery_control(p, method="bh"),
                               rtol=1e-12)


def test_bh_leaves_nan_out_of_the_count():
    p = np.array([0.01, np.nan, 0.04, 0.2, np.nan])
    out = bh_adjust(p)
    assert np.isnan(out[[1, 4]]).all()
    np.testing.assert_allclose(out[[0, 2, 3]], stats.false_discovery_control([0.01, 0.04, 0.2]))
    # by hand: m = 3, sorted 0.01, 0.04, 0.2 -> 0.03, 0.06, 0.2
    np.testing.assert_allclose(out[[0, 2, 3]], [0.01 * 3 / 1, 0.04 * 3 / 2, 0.2 * 3 / 3])


# --------------------------------------------------------------------------- association

def test_association_table_counts_expected_and_fisher():
    presence = pd.DataFrame({
        "souveraineté": [1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
        "cybersécurité": [1, 1, 1, 0, 0, 0, 0, 0, 0, 1],
        "coopération": [0, 0, 0, 0, 0, 0, 0, 0, 1, 0],
    }).astype(bool)
    table = association_table(presence).set_index(["a", "b"])
    row = table.loc[("souveraineté", "cybersécurité")]
    assert (row["n_a"], row["n_b"], row["n_ab"], row["n"]) == (4, 4, 3, 10)
    assert row["expected"] == pytest.approx(4 * 4 / 10)
    assert row["lift"] == pytest.approx(3 / 1.6)
    assert row["p_fisher"] == pytest.approx(stats.fisher_exact([[3, 1], [1, 5]]).pvalue)
    assert row["p_fisher_greater"] == pytest.approx(
        stats.hypergeom.sf(3 - 1, 10, 4, 4))  # P(n_ab >= 3) under independence
    rare = table.loc[("souveraineté", "coopération")]
    # never together, but independence expects 4 * 1 / 10 = 0.4 co-occurrences: no evidence
    assert rare["n_ab"] == 0 and rare["expected"] == pytest.approx(0.4)
    assert not rare["informative"] and row["informative"]
    assert rare["p_fisher"] == pytest.approx(1.0)


def test_association_table_rejects_non_boolean_columns():
    with pytest.raises(InferenceError, match="booleans"):
        association_table(pd.DataFrame({"a": [2, 0], "b": [1, 0]}))
