"""Correspondence analysis (AFC) of a contingency table, with scipy's SVD."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg

from analysis.errors import AnalysisError


@dataclass
class CAResult:
    """Outcome of :func:`correspondence_analysis`.

    Attributes
    ----------
    eigenvalues : numpy.ndarray
        Principal inertias of every non-trivial axis (squared singular values), decreasing.
    explained_inertia : numpy.ndarray
        ``eigenvalues / total_inertia``.
    total_inertia : float
        ``chi2 / N`` of the table.
    row_coordinates, column_coordinates : pandas.DataFrame
        Principal coordinates on the first ``n_components`` axes (columns ``1``, ``2``...).
    row_contributions, column_contributions : pandas.DataFrame
        Share of each axis' inertia due to each row / column (each column sums to 1).
    row_cos2, column_cos2 : pandas.DataFrame
        Quality of representation of each row / column on each axis (squared cosine).
    row_masses, column_masses : pandas.Series
    """

    eigenvalues: np.ndarray
    explained_inertia: np.ndarray
    total_inertia: float
    row_coordinates: pd.DataFrame
    column_coordinates: pd.DataFrame
    row_contributions: pd.DataFrame
    column_contributions: pd.DataFrame
    row_cos2: pd.DataFrame
    column_cos2: pd.DataFrame
    row_masses: pd.Series
    column_masses: pd.Series


def _check_table(table: pd.DataFrame) -> np.ndarray:
    if not isinstance(table, pd.DataFrame):
        raise AnalysisError("correspondence_analysis: the table must be a pandas DataFrame")
    values = table.to_numpy(dtype=float)
    if values.size == 0 or not np.isfinite(values).all() or (values < 0).any():
        raise AnalysisError("correspondence_analysis: the table must be non-empty, finite and non-negative")
    for axis, labels, what in ((1, table.index, "row"), (0, table.columns, "column")):
        empty = [str(lab) for lab, s in zip(labels, values.sum(axis=axis)) if s == 0]
        if empty:
            raise AnalysisError(f"correspondence_analysis: empty {what}(s) {sorted(empty)}: drop them first")
    if min(values.shape) < 2:
        raise AnalysisError(f"correspondence_analysis: a {values.shape[0]} x {values.shape[1]} table "
                            "has no axis; at least 2 rows and 2 columns are needed")
    return values


def correspondence_analysis(table: pd.DataFrame, n_components: int = 2) -> CAResult:
    """Correspondence analysis of a contingency table (e.g. terms x groups).

    With ``P = table / N``, row masses ``r`` and column masses ``c``, the standardized
    residuals ``S = D_r^-1/2 (P - r c') D_c^-1/2`` are decomposed by SVD
    (:func:`scipy.linalg.svd`), ``S = U diag(s) V'``. Eigenvalues are ``s**2`` (their sum is the
    total inertia ``chi2 / N``); row principal coordinates ``F = D_r^-1/2 U diag(s)``, column
    principal coordinates ``G = D_c^-1/2 V diag(s)``; contributions ``r_i F_ik^2 / s_k^2`` and
    squared cosines ``F_ik^2 / sum_k F_ik^2`` (Greenacre, *Correspondence Analysis in
    Practice*). Signs are fixed so that the largest column coordinate in absolute value on
    each axis is positive.

    Parameters
    ----------
    table : pandas.DataFrame
        Non-negative counts, no empty row or column, at least 2 x 2.
    n_components : int
        Axes kept in the coordinate, contribution and cos2 tables (at most the number of
        non-trivial axes, ``min(rows, columns) - 1``).

    Returns
    -------
    CAResult

    Raises
    ------
    AnalysisError
        For negative or missing values, an empty row or column (named), or a table smaller
        than 2 x 2.
    """
    values = _check_table(table)
    N = values.sum()
    P = values / N
    r, c = P.sum(axis=1), P.sum(axis=0)
    S = (P - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    U, s, Vt = linalg.svd(S, full_matrices=False)
    n_axes = min(values.shape) - 1
    U, s, V = U[:, :n_axes], s[:n_axes], Vt[:n_axes].T
    keep = s > 1e-12 * max(1.0, s[0] if len(s) else 1.0)
    U, s, V = U[:, keep], s[keep], V[:, keep]
    for j in range(len(s)):
        if V[np.argmax(np.abs(V[:, j])), j] < 0:
            U[:, j], V[:, j] = -U[:, j], -V[:, j]
    F = U * s / np.sqrt(r)[:, None]
    G = V * s / np.sqrt(c)[:, None]
    eig = s ** 2
    total = float((S ** 2).sum())
    n = min(n_components, len(s))
    axes = list(range(1, n + 1))

    def frame(arr, labels):
        return pd.DataFrame(arr[:, :n], index=labels, columns=axes)

    with np.errstate(divide="ignore", invalid="ignore"):
        row_cos2 = np.nan_to_num(F ** 2 / (F ** 2).sum(axis=1, keepdims=True))
        col_cos2 = np.nan_to_num(G ** 2 / (G ** 2).sum(axis=1, keepdims=True))
    return CAResult(
        eigenvalues=eig, explained_inertia=eig / total, total_inertia=total,
        row_coordinates=frame(F, table.index), column_coordinates=frame(G, table.columns),
        row_contributions=frame(r[:, None] * F ** 2 / eig, table.index),
        column_contributions=frame(c[:, None] * G ** 2 / eig, table.columns),
        row_cos2=frame(row_cos2, table.index), column_cos2=frame(col_cos2, table.columns),
        row_masses=pd.Series(r, index=table.index, name="mass"),
        column_masses=pd.Series(c, index=table.columns, name="mass"))
