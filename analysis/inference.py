"""Inference on plain tables: cluster bootstrap intervals, FDR adjustment, association of themes.

Pure functions of DataFrames and arrays, so that theme statistics, keyness and textometry can all
call them:

- :func:`cluster_bootstrap`: a rate (``scale * sum(value) / sum(weight)``) per group with a
  percentile interval from resampling whole *clusters* (documents) within each group, optionally
  two-stage (documents, then the rows of each drawn document). Rows of one document are not
  independent: resampling rows within fixed documents (every document in every replicate)
  ignores the variation between documents and gives intervals that are too narrow.
- :func:`bh_adjust`: Benjamini-Hochberg adjusted p-values (equal to
  ``scipy.stats.false_discovery_control(p, method="bh")``, with NaN allowed).
- :func:`association_table`: for every pair of columns of a presence table, observed and
  expected co-occurrence, lift and Fisher's exact p-values, flagging pairs whose expected count
  is too small for an absence to mean anything.

References
----------
Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*, section 3.8
(resampling clustered data: resample the clusters, optionally then the units within them).
Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B* 57, 289-300.
"""
from __future__ import annotations

import zlib
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.errors import AnalysisError


class InferenceError(AnalysisError, ValueError):
    """Bad input to an inference function (missing column, bad level...)."""


#: Replicates drawn at once (bounds memory: at most this many cluster draws in one array).
_BLOCK_DRAWS = 4_000_000


def stable_seed(random_state: int, label) -> list[int]:
    """Seed material for one group's random stream: ``[random_state, crc32(str(label))]``.

    The CRC of the label's text does not change between Python sessions (unlike ``hash``), so a
    group's stream depends only on the seed and its own label: adding or removing another
    group leaves its draws, hence its interval, unchanged.

    Parameters
    ----------
    random_state : int
    label : object
        The group label.

    Returns
    -------
    list of int
        Pass to :func:`numpy.random.default_rng`.
    """
    return [int(random_state), zlib.crc32(str(label).encode("utf-8"))]


def group_rng(random_state: int, label) -> np.random.Generator:
    """The random generator of one group: ``default_rng(stable_seed(random_state, label))``."""
    return np.random.default_rng(stable_seed(random_state, label))


def _percentile_bounds(replicates: np.ndarray, ci: float) -> tuple[float, float]:
    replicates = replicates[np.isfinite(replicates)]
    if replicates.size == 0:
        return float("nan"), float("nan")
    alpha = (1 - ci) / 2
    low, high = np.quantile(replicates, [alpha, 1 - alpha])
    return float(low), float(high)


def _one_stage(values, weights, n_boot, rng):
    """Replicate ratios sum(v)/sum(w) over clusters drawn with replacement (vectorized)."""
    n = len(values)
    out = np.empty(n_boot)
    block = max(1, _BLOCK_DRAWS // max(n, 1))
    for start in range(0, n_boot, block):
        size = min(block, n_boot - start)
        draws = rng.integers(0, n, size=(size, n))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start:start + size] = values[draws].sum(axis=1) / weights[draws].sum(axis=1)
    return out


def _two_stage(row_values, row_weights, starts, sizes, n_boot, rng):
    """Replicate ratios: clusters drawn with replacement, then rows within each drawn cluster."""
    n = len(starts)
    out = np.empty(n_boot)
    mean_rows = max(1.0, sizes.mean())
    block = max(1, int(_BLOCK_DRAWS // (n * mean_rows)))
    for start in range(0, n_boot, block):
        size = min(block, n_boot - start)
        clusters = rng.integers(0, n, size=(size, n)).ravel()
        counts = sizes[clusters]
        replicate = np.repeat(np.repeat(np.arange(size), n), counts)
        offsets = np.repeat(starts[clusters], counts)
        cluster_size = np.repeat(counts, counts)
        rows = offsets + (rng.random(cluster_size.size) * cluster_size).astype(np.int64)
        value = np.bincount(replicate, weights=row_values[rows], minlength=size)
        weight = np.bincount(replicate, weights=row_weights[rows], minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start:start + size] = value / weight
    return out


def design_label(*, n_boot: int, ci: float, two_stage: bool, cluster_name: str = "documents",
                 unit_name: str = "paragraphs") -> str:
    """The sentence naming a bootstrap design, for tables and figure captions.

    Examples
    --------
    >>> design_label(n_boot=2000, ci=0.95, two_stage=False)
    'cluster bootstrap over documents, 95% percentile interval, 2000 replicates'
    """
    stage = f" (two-stage: {cluster_name} then {unit_name})" if two_stage else ""
    return (f"cluster bootstrap over {cluster_name}{stage}, {ci:.0%} percentile interval, "
            f"{n_boot} replicates")


def cluster_bootstrap(table: pd.DataFrame, *, value: str, weight: str, cluster: str,
                      group: str | None = None, n_boot: int = 2000, ci: float = 0.95,
                      min_clusters: int = 5, two_stage: bool = False, scale: float = 1000.0,
                      random_state: int = 0, cluster_name: str = "documents",
                      unit_name: str = "paragraphs") -> pd.DataFrame:
    """A rate per group with a cluster-bootstrap percentile interval.

    The rate of a group is ``scale * sum(value) / sum(weight)`` over its rows (e.g. theme
    matches per 1,000 words: ``value`` = matches of a paragraph, ``weight`` = its words). Each
    replicate draws the group's clusters (documents) with replacement, as many as it has, and
    recomputes the rate from the drawn clusters' rows; with ``two_stage=True`` the rows of each
    drawn cluster are drawn with replacement too (Davison & Hinkley 1997, section 3.8). The
    interval is the percentile interval of the replicates. A group with fewer than
    ``min_clusters`` clusters gets its rate, no interval (NaN) and a note: with two or three
    documents a bootstrap interval would only show how those few documents differ.

    Each group draws from its own stream, seeded from ``random_state`` and the group's label
    (:func:`stable_seed`), so a group's interval does not change when another group is added
    or removed.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per unit (e.g. paragraph).
    value, weight : str
        Columns summed into the rate's numerator and denominator.
    cluster : str
        Column naming each row's cluster (the document); resampled whole.
    group : str, optional
        Column of the groups compared (e.g. outlet, period); None for one overall rate.
        Rows whose group is missing are left out.
    n_boot : int
        Replicates.
    ci : float
        Interval level, in (0, 1).
    min_clusters : int
        Groups with fewer clusters get no interval.
    two_stage : bool
        Also resample rows within each drawn cluster.
    scale : float
        Multiplier of the rate (1000: per 1,000 words).
    random_state : int
    cluster_name, unit_name : str
        How clusters and rows are named in ``design`` and ``note``.

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted; the group column first, when ``group`` is given): ``rate``,
        ``low``, ``high``, ``n_clusters``, ``n_units``, ``design`` and ``note`` (empty when the
        interval was computed).

    Raises
    ------
    InferenceError
        On a missing column, ``ci`` outside (0, 1) or ``n_boot`` < 1.
    """
    columns = [value, weight, cluster] + ([group] if group is not None else [])
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InferenceError(f"cluster_bootstrap: table has no column {missing}")
    if not 0 < ci < 1:
        raise InferenceError(f"cluster_bootstrap: ci must be in (0, 1), not {ci}")
    if n_boot < 1:
        raise InferenceError(f"cluster_bootstrap: n_boot must be positive, not {n_boot}")
    data = table[columns].copy()
    if group is not None:
        data = data[data[group].notna()]
        keys = data[group]
    else:
        keys = pd.Series("all", index=data.index)
    design = design_label(n_boot=n_boot, ci=ci, two_stage=two_stage, cluster_name=cluster_name,
                          unit_name=unit_name)
    rows = []
    for label, part in data.groupby(keys, sort=True):
        part = part.sort_values(cluster, kind="stable")
        v = part[value].to_numpy(dtype=float)
        w = part[weight].to_numpy(dtype=float)
        codes, _ = pd.factorize(part[cluster], sort=True)
        sizes = np.bincount(codes)
        n_clusters = len(sizes)
        total_w = w.sum()
        rate = scale * v.sum() / total_w if total_w > 0 else float("nan")
        low = high = float("nan")
        note = ""
        if n_clusters < min_clusters:
            note = f"fewer than {min_clusters} {cluster_name}: no interval"
        else:
            rng = group_rng(random_state, label)
            if two_stage:
                starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
                replicates = _two_stage(v, w, starts, sizes, n_boot, rng)
            else:
                replicates = _one_stage(np.bincount(codes, weights=v), np.bincount(codes, weights=w),
                                        n_boot, rng)
            low, high = _percentile_bounds(scale * replicates, ci)
        row = {"rate": rate, "low": low, "high": high, "n_clusters": int(n_clusters),
               "n_units": int(len(part)), "design": design, "note": note}
        rows.append(({group: label} if group is not None else {}) | row)
    out_columns = ([group] if group is not None else []) + ["rate", "low", "high", "n_clusters",
                                                            "n_units", "design", "note"]
    return pd.DataFrame(rows, columns=out_columns)


def bh_adjust(p) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate), NaN allowed.

    ``p_adj(i) = min(1, min_{j >= i} p(j) m / j)`` over the ``m`` non-missing p-values sorted
    increasingly: equal to ``scipy.stats.false_discovery_control(p, method="bh")`` on them. A
    NaN p-value (a term or pair not tested) stays NaN and does not count in ``m``.

    Parameters
    ----------
    p : array-like of float
        p-values in [0, 1].

    Returns
    -------
    numpy.ndarray of float
        Same shape as ``p``.

    Raises
    ------
    InferenceError
        If a p-value lies outside [0, 1].
    """
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    flat = p.ravel()
    ok = ~np.isnan(flat)
    values = flat[ok]
    if values.size == 0:
        return out
    if (values < 0).any() or (values > 1).any():
        raise InferenceError("bh_adjust: p-values must lie in [0, 1]")
    m = values.size
    order = np.argsort(values, kind="stable")
    scaled = values[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    result = np.empty(m)
    result[order] = np.minimum(adjusted, 1.0)
    out_flat = out.ravel()
    out_flat[ok] = result
    return out_flat.reshape(p.shape)


def association_table(presence: pd.DataFrame, *, min_expected: float = 1.0) -> pd.DataFrame:
    """Observed and expected co-occurrence of every pair of columns, with Fisher's exact test.

    For columns ``a`` and ``b`` of a units x items presence table (e.g. paragraphs x themes):
    ``n_a``, ``n_b`` units holding each, ``n_ab`` holding both, ``n`` units, the count
    expected under independence ``expected = n_a n_b / n``, ``lift = n_ab / expected``, and
    Fisher's exact test on the 2x2 table (``p_fisher`` two-sided, ``p_fisher_greater`` for
    more co-occurrence than chance; ``p_adjusted``: Benjamini-Hochberg over the pairs of the
    two-sided p-values). ``informative`` is True when ``expected >= min_expected``: below one
    expected co-occurrence, seeing none is what independence predicts, so "never co-occurs"
    says nothing about the two items.

    Parameters
    ----------
    presence : pandas.DataFrame
        Boolean columns (0/1 accepted), one row per unit.
    min_expected : float
        Smallest expected count for which a pair is ``informative``.

    Returns
    -------
    pandas.DataFrame
        One row per pair of columns (in column order): ``a``, ``b``, ``n_a``, ``n_b``, ``n_ab``,
        ``n``, ``expected``, ``lift`` (NaN when ``expected`` is 0), ``p_fisher``,
        ``p_fisher_greater``, ``p_adjusted``, ``informative``.

    Raises
    ------
    InferenceError
        If a column holds values other than booleans or 0/1.
    """
    values = presence.to_numpy()
    if values.size and not np.isin(values, [0, 1, True, False]).all():
        raise InferenceError("association_table: presence must hold booleans (or 0/1), one "
                             "column per item")
    values = values.astype(bool)
    n = values.shape[0]
    counts = values.sum(axis=0)
    joint = values.T.astype(np.int64) @ values.astype(np.int64)
    rows = []
    for i, j in combinations(range(values.shape[1]), 2):
        n_a, n_b, n_ab = int(counts[i]), int(counts[j]), int(joint[i, j])
        expected = n_a * n_b / n if n else float("nan")
        table = [[n_ab, n_a - n_ab], [n_b - n_ab, n - n_a - n_b + n_ab]]
        p_two = stats.fisher_exact(table).pvalue if n else float("nan")
        p_greater = stats.fisher_exact(table, alternative="greater").pvalue if n else float("nan")
        rows.append({"a": presence.columns[i], "b": presence.columns[j], "n_a": n_a, "n_b": n_b,
                     "n_ab": n_ab, "n": n, "expected": expected,
                     "lift": n_ab / expected if expected > 0 else float("nan"),
                     "p_fisher": float(p_two), "p_fisher_greater": float(p_greater)})
    out = pd.DataFrame(rows, columns=["a", "b", "n_a", "n_b", "n_ab", "n", "expected", "lift",
                                      "p_fisher", "p_fisher_greater"])
    out["p_adjusted"] = bh_adjust(out["p_fisher"].to_numpy(dtype=float))
    out["informative"] = out["expected"] >= min_expected
    return out
