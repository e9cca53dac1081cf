"""Document-term features: the document-term matrix, TF-IDF, distinctive terms, keyness.

:func:`document_term_matrix` counts the tokens of :mod:`analysis.text` per document.
:func:`keyness` compares how often each term occurs in a *target* group of documents and in a
*reference*: the other documents, one other group of any partition (outlet, period, any metadata
column), or, for each group in turn, the rest; with Benjamini-Hochberg adjusted p-values and the
number of documents holding each term. :func:`keyness_over_time` follows terms period by
period with document-bootstrap intervals. Four statistics are reported, each available as a
plain function of the counts so that it can be checked on worked examples:

- :func:`chi2_statistic` and :func:`g2_statistic`: Pearson's chi-squared and the likelihood-ratio
  G2 on the 2x2 table, signed and corrected exactly as quanteda's ``textstat_keyness`` computes
  them (``quanteda.textstats``, ``src/keyness.cpp``: ``chisq_lambda`` and ``lr_lambda``);
- :func:`log_ratio`: Hardie's (2014) Log Ratio effect size, the binary log of the ratio of
  relative frequencies;
- :func:`lafon_specificity`: Lafon's (1980) hypergeometric specificity, as TXM computes it (R
  package ``textometry``, ``specificities.probabilities.vector``).

The 2x2 table of a term (quanteda's notation)::

                 target   reference
    term           a          b
    other words    c          d        c = target_total - a, d = reference_total - b
"""
from __future__ import annotations

import numbers
from collections.abc import Iterable
from itertools import chain

import numpy as np
import pandas as pd
from scipy import sparse, special

from analysis.errors import AnalysisError
from analysis.normalize import check_texts

#: quanteda adds this to every ratio inside the logarithm of G2 (``epsilon`` in keyness.cpp).
G2_EPSILON = 1e-9
_LN10 = np.log(10.0)
#: Keyness measures accepted by :func:`keyness` (the column its table is sorted by).
MEASURES = ("chi2", "G2", "lafon", "log_ratio")
#: Corrections accepted by :func:`chi2_statistic`, :func:`g2_statistic` and :func:`keyness`.
CORRECTIONS = ("none", "yates", "williams", "default")


# --------------------------------------------------------------------------- document-term matrix

def count_matrix(token_lists, *, min_df=1, max_df=1.0):
    """Count tokens per document, as ``CountVectorizer(analyzer=lambda x: x)`` does, faster.

    Parameters
    ----------
    token_lists : list of list of str
    min_df, max_df : int or float
        Document-frequency bounds, as in :class:`sklearn.feature_extraction.text.CountVectorizer`
        (an int is a number of documents, a float a proportion of them).

    Returns
    -------
    X : scipy.sparse.csr_matrix of int64
        Shape (n_documents, n_terms), column indices sorted.
    vocabulary : numpy.ndarray of str (dtype object)
        Sorted terms.
    """
    token_lists = list(token_lists)
    n_docs = len(token_lists)
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, token_lists), dtype=np.int64, count=n_docs), out=indptr[1:])
    terms = sorted(set(chain.from_iterable(token_lists)))
    index = dict(zip(terms, range(len(terms))))
    indices = np.fromiter(map(index.__getitem__, chain.from_iterable(token_lists)),
                          dtype=np.int64, count=int(indptr[-1]))
    X = sparse.csr_matrix((np.ones(len(indices), dtype=np.int64), indices, indptr),
                   shape=(n_docs, len(terms)))
    X.sum_duplicates()  # one entry per (document, term), column indices sorted
    max_count = max_df if isinstance(max_df, numbers.Integral) else max_df * n_docs
    min_count = min_df if isinstance(min_df, numbers.Integral) else min_df * n_docs
    if max_count < min_count:
        raise ValueError("max_df corresponds to < documents than min_df")
    vocabulary = np.array(terms, dtype=object)
    dfs = np.bincount(X.indices, minlength=len(terms))
    keep = (dfs >= min_count) & (dfs <= max_count)
    if not keep.all():
        X, vocabulary = X[:, np.flatnonzero(keep)], vocabulary[keep]
    return X, vocabulary


def document_term_matrix(texts: Iterable[str], *, weighting: str = "count", min_df=1,
                         max_df=1.0, n_jobs: int = 1, **options):
    """Build a document-term matrix from texts tokenized with :func:`analysis.text.tokenize`.

    Parameters
    ----------
    texts : iterable of str, or pandas.Series
        One row per text, in this order.
    weighting : {"count", "tfidf"}
        Raw counts, or scikit-learn's default TF-IDF (``TfidfTransformer()``: raw counts times
        ``idf = ln((1 + n) / (1 + df)) + 1``, rows L2-normalized).
    min_df, max_df : int or float
        As in :class:`sklearn.feature_extraction.text.CountVectorizer`.
    n_jobs : int
        Passed to :func:`analysis.text.tokenize_series`.
    **options
        Keyword arguments of :func:`analysis.text.tokenize`.

    Raises
    ------
    TextTypeError
        (a :class:`TypeError`) when ``texts`` is a DataFrame, a single string or holds
        something other than strings (see :func:`analysis.normalize.check_texts`).

    Returns
    -------
    X : scipy.sparse.csr_matrix
        Shape (n_texts, n_terms); int64 counts or float64 TF-IDF.
    vocabulary : numpy.ndarray of str (dtype object)
        Column labels, sorted.
    """
    if weighting not in ("count", "tfidf"):
        raise ValueError(f"weighting must be 'count' or 'tfidf', not {weighting!r}")
    from analysis.text import tokenize_series

    texts = check_texts(texts)
    tokens = tokenize_series(texts, n_jobs=n_jobs, **options)
    X, vocabulary = count_matrix(tokens, min_df=min_df, max_df=max_df)
    if weighting == "tfidf":
        from sklearn.feature_extraction.text import TfidfTransformer

        X = TfidfTransformer().fit_transform(X)
    return X.tocsr(), vocabulary


# --------------------------------------------------------------------------- TF-IDF

def tfidf_matrix(texts, *, min_df=1, max_df=1.0, n_jobs: int = 1, **options):
    """TF-IDF document-term matrix of ``texts`` (scikit-learn's default weighting).

    A shortcut for ``document_term_matrix(texts, weighting="tfidf", ...)``.

    Parameters
    ----------
    texts : iterable of str or pandas.Series
    min_df, max_df : int or float
        As in :class:`sklearn.feature_extraction.text.CountVectorizer`.
    n_jobs : int
    **options
        Keyword arguments of :func:`analysis.text.tokenize`.

    Returns
    -------
    X : scipy.sparse.csr_matrix
    vocabulary : numpy.ndarray of str
    """
    return document_term_matrix(texts, weighting="tfidf", min_df=min_df, max_df=max_df,
                                n_jobs=n_jobs, **options)


def group_matrix(X, groups):
    """Sum the rows of ``X`` by group: one row per group, groups in sorted order.

    Parameters
    ----------
    X : scipy.sparse matrix or numpy.ndarray
        Counts, shape (n_documents, n_terms).
    groups : array-like
        One label per row of ``X``.

    Returns
    -------
    G : scipy.sparse.csr_matrix
        Shape (n_groups, n_terms).
    labels : numpy.ndarray
        The sorted distinct labels, one per row of ``G``.
    """
    groups = np.asarray(groups)
    if len(groups) != X.shape[0]:
        raise ValueError(f"{len(groups)} group labels for {X.shape[0]} rows")
    labels, codes = np.unique(groups, return_inverse=True)
    indicator = sparse.csr_matrix(
        (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(labels), len(codes))
    )
    return sparse.csr_matrix(indicator @ X), labels


def top_terms(X, vocabulary, *, labels=None, n_top_words: int = 10) -> pd.DataFrame:
    """The highest-weighted terms of each row of ``X``, as a tidy table.

    Ties are broken alphabetically; zero weights are never listed.

    Parameters
    ----------
    X : scipy.sparse matrix or numpy.ndarray
        Weights (TF-IDF, counts...), shape (n_rows, n_terms).
    vocabulary : array-like of str
        Column labels.
    labels : array-like, optional
        One label per row (document id, group); default: the row numbers.
    n_top_words : int
        Terms kept per row.

    Returns
    -------
    pandas.DataFrame
        Columns ``label``, ``rank`` (1 = highest), ``term``, ``score``; rows in the order of
        ``X``, then by rank.
    """
    X = sparse.csr_matrix(X)
    vocabulary = np.asarray(vocabulary, dtype=object)
    labels = np.arange(X.shape[0]) if labels is None else np.asarray(labels)
    rows = []
    for i in range(X.shape[0]):
        start, end = X.indptr[i], X.indptr[i + 1]
        cols, values = X.indices[start:end], X.data[start:end]
        keep = values > 0
        cols, values = cols[keep], values[keep]
        order = np.lexsort((vocabulary[cols].astype(str), -values))[:n_top_words]
        for rank, j in enumerate(order, start=1):
            rows.append((labels[i], rank, vocabulary[cols[j]], float(values[j])))
    return pd.DataFrame(rows, columns=["label", "rank", "term", "score"])


def distinctive_terms(X, vocabulary, *, groups=None, labels=None,
                      n_top_words: int = 10) -> pd.DataFrame:
    """Top TF-IDF terms per document, or per group of documents, from a count matrix.

    Per document: scikit-learn's default TF-IDF of the rows of ``X``. Per group: the counts of
    each group's documents are summed first, and TF-IDF is computed over the groups (each group
    is one "document", so a term scores high when frequent in the group and present in few
    groups).

    Parameters
    ----------
    X : scipy.sparse matrix
        Counts, shape (n_documents, n_terms).
    vocabulary : array-like of str
    groups : array-like, optional
        One group label per row; when None, terms are ranked per document.
    labels : array-like, optional
        Row labels used when ``groups`` is None (e.g. ``doc_id``).
    n_top_words : int

    Returns
    -------
    pandas.DataFrame
        As :func:`top_terms`.
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    if groups is not None:
        X, labels = group_matrix(X, groups)
    return top_terms(TfidfTransformer().fit_transform(X), vocabulary, labels=labels,
                     n_top_words=n_top_words)


# --------------------------------------------------------------------------- keyness statistics

def _cells(a, b, target_total, reference_total):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    c = target_total - a
    d = reference_total - b
    return a, b, c, d, a + b + c + d


def _check_correction(correction):
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be one of {CORRECTIONS}, not {correction!r}")


def _yates_delta(a, b, c, d, n):
    """quanteda's conditional Yates correction: 0.5 when it applies, else 0.

    It applies when ``|ad - bc| >= N / 2`` and at least one expected cell count is below 5.
    """
    small = ((a + b) * (a + c) / n < 5) | ((a + b) * (b + d) / n < 5) \
        | ((a + c) * (c + d) / n < 5) | ((c + d) * (b + d) / n < 5)
    return np.where((np.abs(a * d - b * c) >= n / 2) & small, 0.5, 0.0)


def _williams_q(a, b, c, d, n):
    """Williams' correction factor q (1 when a cell is zero, as in quanteda)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        q = 1 + (n / (a + b) + n / (c + d) - 1) * (n / (a + c) + n / (b + d) - 1) / (6 * n)
    return np.where(a * b * c * d == 0, 1.0, q)


def _sign(a, b, n, target_total):
    """+1 when the target count exceeds its expected value (a + b) * target_total / N, else -1."""
    return np.where(a > (a + b) * target_total / n, 1.0, -1.0)


def chi2_statistic(a, b, target_total, reference_total, *, correction: str = "none"):
    """Signed Pearson chi-squared of the 2x2 table, as quanteda's ``textstat_keyness``.

    ``chi2 = N (|ad - bc| - N delta)^2 / ((a+b)(c+d)(a+c)(b+d))``, times ``q`` for Williams'
    correction, signed ``+`` when the target count ``a`` exceeds its expected value
    ``E = (a + b)(a + c) / N`` and ``-`` otherwise (also when ``a == E``). ``delta`` is 0 without
    correction; with ``"yates"`` (quanteda's ``"default"`` for chi2) it is 0.5 only when
    ``|ad - bc| >= N/2`` and some expected cell is below 5, as in quanteda's
    ``yates_correction``; otherwise no correction is applied. (scipy's
    ``chi2_contingency(correction=True)`` always applies Yates on a 2x2 table: the two agree
    whenever quanteda's condition holds.)

    Parameters
    ----------
    a, b : int or array-like
        Frequency of the term in the target and in the reference.
    target_total, reference_total : int
        Number of tokens in the target and in the reference.
    correction : {"none", "yates", "williams", "default"}
        ``"default"`` is ``"yates"``, as in quanteda.

    Returns
    -------
    float or numpy.ndarray
    """
    _check_correction(correction)
    a, b, c, d, n = _cells(a, b, target_total, reference_total)
    delta = _yates_delta(a, b, c, d, n) if correction in ("yates", "default") else 0.0
    q = _williams_q(a, b, c, d, n) if correction == "williams" else 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = (a + b) * (c + d) * (a + c) * (b + d)
        chi2 = n * (np.abs(a * d - b * c) - n * delta) ** 2 / denominator
    result = chi2 * q * _sign(a, b, n, target_total)
    return float(result) if np.ndim(result) == 0 else result


def g2_statistic(a, b, target_total, reference_total, *, correction: str = "none"):
    """Signed likelihood-ratio G2 of the 2x2 table, as quanteda's ``textstat_keyness``.

    ``G2 = 2 sum O ln(O / E + 1e-9)`` over the four cells (quanteda's ``lr_lambda``; the
    ``1e-9`` makes empty cells contribute 0), signed like :func:`chi2_statistic`. With
    ``"yates"`` (and ``"default"``: quanteda's C++ code applies Yates to G2 under
    ``"default"`` too, although its documentation names Williams) each observed cell is moved
    0.5 towards its expected value when quanteda's condition holds (see
    :func:`chi2_statistic`); with ``"williams"`` G2 is divided by Williams' ``q``.

    Parameters
    ----------
    a, b : int or array-like
    target_total, reference_total : int
    correction : {"none", "yates", "williams", "default"}

    Returns
    -------
    float or numpy.ndarray
    """
    _check_correction(correction)
    a, b, c, d, n = _cells(a, b, target_total, reference_total)
    aa, bb, cc, dd = a, b, c, d
    if correction in ("yates", "default"):
        delta = _yates_delta(a, b, c, d, n)
        shift = np.where(a * d - b * c > 0, -delta, delta)
        aa, bb, cc, dd = a + shift, b - shift, c - shift, d + shift
    with np.errstate(divide="ignore", invalid="ignore"):
        total = (aa * np.log(aa / ((aa + bb) * (aa + cc) / n) + G2_EPSILON)
                 + bb * np.log(bb / ((aa + bb) * (bb + dd) / n) + G2_EPSILON)
                 + cc * np.log(cc / ((aa + cc) * (cc + dd) / n) + G2_EPSILON)
                 + dd * np.log(dd / ((bb + dd) * (cc + dd) / n) + G2_EPSILON))
    result = 2 * total * _sign(a, b, n, target_total)
    if correction == "williams":
        result = result / _williams_q(a, b, c, d, n)
    return float(result) if np.ndim(result) == 0 else result


def log_ratio(a, b, target_total, reference_total):
    """Hardie's Log Ratio: ``log2((a / target_total) / (b / reference_total))``.

    An effect size (1 = twice as frequent in the target, -1 = half as frequent). Zero handling:
    a zero count is replaced by 0.5 before the relative frequencies are taken (the adjustment
    Hardie proposes), so the value is always finite; a term absent from both sides gets 0.

    Parameters
    ----------
    a, b : int or array-like
    target_total, reference_total : int

    Returns
    -------
    float or numpy.ndarray
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    both_zero = (a == 0) & (b == 0)
    a = np.where(a == 0, 0.5, a)
    b = np.where(b == 0, 0.5, b)
    result = np.where(both_zero, 0.0, np.log2((a / target_total) / (b / reference_total)))
    return float(result) if np.ndim(result) == 0 else result


#: A tail sum stops when its next term is below this fraction of the sum.
_TAIL_EPS = 1e-18


def _log_tail(f, F, t, T, upper: bool) -> np.ndarray:
    """``log P(X >= f)`` (``upper``) or ``log P(X <= f)``, X hypergeometric, vectorized.

    The tail is summed outwards from ``f``: ``pmf(f)`` from :data:`scipy.stats.hypergeom`'s
    ``logpmf`` (vectorized), then each next term from the ratio of consecutive probabilities,
    ``pmf(k + 1) / pmf(k) = (F - k)(t - k) / ((k + 1)(T - F - t + k + 1))``, all terms at once
    for every element still summing; a sum stops at the end of the support or once its terms
    fall below ``1e-18`` of it. ``scipy.stats.hypergeom.logsf`` loops over the elements in
    Python and sums up to ``t`` terms each (minutes for 10,000 terms of a large corpus); the
    hypergeometric tail decays fast, so a few standard deviations of terms suffice here.
    """
    f = np.asarray(f, dtype=float)
    F = np.asarray(F, dtype=float)
    from scipy import stats  # imported here: half a second that loading and counting do not need

    anchor = stats.hypergeom.logpmf(f, T, F, t)
    total = np.ones_like(f)
    log_term = np.zeros_like(f)  # log(pmf(k) / pmf(f))
    k = f.copy()
    limit = np.minimum(F, t) if upper else np.maximum(0.0, t - (T - F))
    active = np.flatnonzero(k != limit)
    while active.size:
        ka, Fa = k[active], F[active]
        if upper:
            ratio = np.log((Fa - ka) * (t - ka)) - np.log((ka + 1) * (T - Fa - t + ka + 1))
            k[active] = ka + 1
        else:
            ratio = np.log(ka * (T - Fa - t + ka)) - np.log((Fa - ka + 1) * (t - ka + 1))
            k[active] = ka - 1
        log_term[active] += ratio
        step = np.exp(log_term[active])
        total[active] += step
        done = (k[active] == limit[active]) | ((step < _TAIL_EPS * total[active]) & (ratio < 0))
        active = active[~done]
    return anchor + np.log(total)


def lafon_specificity(f, F, t, T):
    """Lafon's specificity score of a term in a part, as TXM computes it.

    With ``X`` hypergeometric (``T`` tokens of which ``F`` are the term, ``t`` drawn): when
    ``f >= F t / T`` (over- or normally represented) the score is ``-log10 P(X >= f)``, positive;
    when ``f < F t / T`` it is ``log10 P(X <= f)``, negative (textometry's
    ``specificities.probabilities.vector``, which compares ``f`` with the expectation
    ``F t / T``). Probabilities are summed as log-probabilities over arrays (see
    :func:`_log_tail`), so extreme scores stay finite where TXM's probabilities underflow to 0
    (it then reports +/-Inf); the values equal ``scipy.stats.hypergeom.logsf``/``logcdf`` to
    about 1e-10 (tested to 1e-9), 100,000 terms in about a second. TXM rounds scores to 4
    decimals; we do not.

    Parameters
    ----------
    f : int or array-like
        Frequency of the term in the part.
    F : int or array-like
        Frequency of the term in the whole corpus.
    t : int
        Number of tokens in the part.
    T : int
        Number of tokens in the corpus.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> round(lafon_specificity(11, 296, 1084, 61449), 3)
    1.77
    """
    f, F = np.broadcast_arrays(np.asarray(f, dtype=float), np.asarray(F, dtype=float))
    shape = f.shape
    f, F = f.ravel(), F.ravel()
    over = f >= F * t / T
    result = np.empty(f.shape)
    if over.any():
        result[over] = -_log_tail(f[over], F[over], t, T, upper=True) / _LN10
    if (~over).any():
        result[~over] = _log_tail(f[~over], F[~over], t, T, upper=False) / _LN10
    result = result.reshape(shape) + 0.0  # -0.0 -> 0.0
    return float(result) if np.ndim(result) == 0 else result


def lafon_p_value(score):
    """Lafon's one-sided tail probability ``10 ** -|score|`` (``P(X >= f)`` or ``P(X <= f)``).

    Parameters
    ----------
    score : float or array-like
        :func:`lafon_specificity` scores.

    Returns
    -------
    float or numpy.ndarray
    """
    result = 10.0 ** -np.abs(np.asarray(score, dtype=float))
    return float(result) if np.ndim(result) == 0 else result


def p_value(statistic):
    """quanteda's p-value for a signed chi2 or G2: ``1 - F(|statistic|)``, chi-squared, 1 df.

    Parameters
    ----------
    statistic : float or array-like

    Returns
    -------
    float or numpy.ndarray
    """
    # for one degree of freedom the chi-squared tail is erfc(sqrt(x / 2)): the same value as
    # scipy.stats.chi2.sf(x, 1), many times faster on long arrays
    result = special.erfc(np.sqrt(np.abs(np.asarray(statistic, dtype=float)) / 2))
    return float(result) if np.ndim(result) == 0 else result


# --------------------------------------------------------------------------- keyness table

class KeynessError(AnalysisError, ValueError):
    """Bad value given to :func:`keyness` (unknown measure or label, empty group...)."""


class KeynessTypeError(AnalysisError, TypeError):
    """A :func:`keyness` argument of the wrong kind (labels where a boolean mask is expected)."""


#: Columns of a :func:`keyness` table, in order (those of measures not computed are left out).
KEYNESS_COLUMNS = ("term", "n_target", "n_reference", "chi2", "G2", "p_value", "log_ratio",
                   "lafon", "p_value_one_sided", "p_adjusted", "docs_target", "docs_reference")


def _target_mask(target, n_rows: int) -> np.ndarray:
    """Check a boolean target mask; say what is expected when given labels or dates."""
    hint = ("target must be a boolean mask with one True/False per row of X, e.g. "
            "target=(period == \"2016\"); to name a group by its label, pass the labels as "
            "groups= and the label as target= (keyness(X, vocabulary, groups=period, "
            "target=\"2016\"))")
    if target is None:
        raise KeynessTypeError(f"keyness needs a target: {hint}")
    if np.ndim(target) == 0:
        raise KeynessTypeError(f"target={target!r} is a single value, not a mask: {hint}")
    if isinstance(target, pd.Series) and str(target.dtype) == "boolean" and target.isna().any():
        raise KeynessError("target holds missing values: fill them (True or False) first")
    array = np.asarray(target)
    if array.dtype.kind not in "biuf":
        raise KeynessTypeError(f"target holds {array.dtype.kind in 'Mm' and 'dates' or 'labels'} "
                               f"(dtype {array.dtype}), not True/False: {hint}")
    if array.dtype.kind != "b":
        if array.dtype.kind == "f" and np.isnan(array).any():
            raise KeynessError("target holds missing values: fill them (True or False) first")
        if not np.isin(array, [0, 1]).all():
            raise KeynessTypeError(f"target holds numbers other than 0 and 1: {hint}")
    array = array.astype(bool)
    if array.shape != (n_rows,):
        raise KeynessError(f"target must hold one flag per row of X ({n_rows}), not "
                           f"{array.shape[0] if array.ndim == 1 else array.shape}")
    if array.all() or not array.any():
        raise KeynessError("target must select some rows but not all of them")
    return array


def _sorted_labels(labels):
    try:
        return sorted(labels)
    except TypeError:
        return sorted(labels, key=str)


def _labels_array(groups, n_rows: int):
    """Group labels as an object array and the mask of rows that have one."""
    if isinstance(groups, pd.DataFrame):
        raise KeynessTypeError("groups must be one label per row (a column such as "
                               "units[\"outlet\"]), not a DataFrame")
    labels = np.asarray(pd.Series(groups), dtype=object)
    if labels.shape != (n_rows,):
        raise KeynessError(f"groups must hold one label per row of X ({n_rows}), not "
                           f"{labels.shape[0]}")
    return labels, ~pd.isna(labels)


def _comparisons(n_rows, target, groups, reference):
    """``(group, reference name, target mask, reference mask)`` for each comparison asked."""
    if groups is None:
        if reference is not None:
            raise KeynessTypeError("reference= names a group: pass groups= too")
        mask = _target_mask(target, n_rows)
        return [(None, None, mask, ~mask)]
    labels, known = _labels_array(groups, n_rows)
    present = _sorted_labels(set(labels[known]))
    if len(present) < 2:
        raise KeynessError(f"groups must hold at least two labels, found {present}")

    def check(label, name):
        if np.ndim(label) != 0:
            raise KeynessTypeError(f"with groups=, {name} is one label (e.g. {present[0]!r}), "
                                   f"not a {type(label).__name__}")
        if label not in present:
            raise KeynessError(f"{name}={label!r} is not among the groups {present}")

    if target is None:
        if reference is not None:
            raise KeynessTypeError("reference= needs a target= label")
        return [(label, "rest", known & (labels == label), known & (labels != label))
                for label in present]
    check(target, "target")
    if reference is None:
        return [(target, "rest", known & (labels == target), known & (labels != target))]
    check(reference, "reference")
    if reference == target:
        raise KeynessError("target and reference must be different groups")
    return [(target, reference, known & (labels == target), known & (labels == reference))]


def _doc_frequency(X, rows) -> np.ndarray:
    part = X[rows]
    return np.bincount(part.indices[part.data > 0], minlength=X.shape[1])


def _keyness_one(X, vocabulary, target, reference, measures, sort_by, correction):
    n_target = np.asarray(X[target].sum(axis=0)).ravel()
    n_reference = np.asarray(X[reference].sum(axis=0)).ravel()
    target_total, reference_total = n_target.sum(), n_reference.sum()
    if target_total == 0 or reference_total == 0:
        raise KeynessError("the target and the reference must both hold tokens")
    present = (n_target + n_reference) > 0
    a, b = n_target[present], n_reference[present]
    table = {"term": vocabulary[present], "n_target": a.astype(np.int64),
             "n_reference": b.astype(np.int64)}
    if "chi2" in measures:
        table["chi2"] = chi2_statistic(a, b, target_total, reference_total, correction=correction)
    if "G2" in measures or sort_by == "log_ratio":
        g2 = g2_statistic(a, b, target_total, reference_total, correction=correction)
        if "G2" in measures:
            table["G2"] = g2
    if "log_ratio" in measures:
        table["log_ratio"] = log_ratio(a, b, target_total, reference_total)
    if "lafon" in measures:
        table["lafon"] = lafon_specificity(a, a + b, target_total, target_total + reference_total)
        table["p_value_one_sided"] = lafon_p_value(table["lafon"])
    if sort_by in ("chi2", "G2"):
        table["p_value"] = p_value(table[sort_by])
    elif sort_by == "log_ratio":
        table["p_value"] = p_value(g2)
    else:  # Lafon: twice the one-sided tail, comparable with the chi-squared tests
        table["p_value"] = np.minimum(1.0, 2 * table["p_value_one_sided"])
    from analysis.inference import bh_adjust

    table["p_adjusted"] = bh_adjust(table["p_value"])
    table["docs_target"] = _doc_frequency(X, target)[present].astype(np.int64)
    table["docs_reference"] = _doc_frequency(X, reference)[present].astype(np.int64)
    frame = pd.DataFrame(table)
    frame = frame[[c for c in KEYNESS_COLUMNS if c in frame.columns]]
    frame = frame.sort_values([sort_by, "term"], ascending=[False, True], kind="mergesort")
    return frame.reset_index(drop=True)


def keyness(X, vocabulary, target=None, *, groups=None, reference=None,
            measure: str | None = None, measures=None,
            correction: str = "none") -> pd.DataFrame:
    """Keyness of every term in a target group of documents against a reference.

    Three ways to say what is compared:

    - ``target`` a boolean mask (one flag per row of ``X``): the flagged rows against all
      the others (``keyness(X, vocabulary, period == "2016")``);
    - ``groups`` (one label per row: a metadata column, a period) and ``target`` a label: that
      group against every other row with a label (``groups=outlet, target="VNA"``); add
      ``reference=<label>`` to compare with that one group only (other rows left out);
    - ``groups`` and ``target=None``: each group against the rest, one table stacked in long
      form with a ``group`` column.

    Rows whose group label is missing take part in no comparison.

    Parameters
    ----------
    X : scipy.sparse matrix or numpy.ndarray
        Token counts, shape (n_documents, n_terms) (e.g. :func:`document_term_matrix`).
    vocabulary : array-like of str
        Column labels of ``X``.
    target : array-like of bool, or a label (with ``groups``), or None
    groups : array-like, optional
        One label per row.
    reference : label, optional
        With ``groups`` and a ``target`` label: the one group compared with.
    measure : {"G2", "chi2", "lafon", "log_ratio"}, optional
        Column the table is sorted by (descending, then by term), as quanteda sorts by its
        statistic; its test gives ``p_value``. Default: ``"G2"``, or the first of ``measures``.
    measures : sequence of str, optional
        The measures computed (only those: Lafon is the slow one). Default: all four, as
        before this argument existed.
    correction : {"none", "yates", "williams", "default"}
        Applied to ``chi2`` and ``G2`` (see :func:`chi2_statistic`, :func:`g2_statistic`).

    Returns
    -------
    pandas.DataFrame
        One row per term occurring in the target or the reference: ``term``, ``n_target``,
        ``n_reference``, the measures asked (``chi2``, ``G2``, ``log_ratio``, ``lafon``),
        ``p_value``, ``p_value_one_sided`` (with ``lafon``), ``p_adjusted``, ``docs_target``
        and ``docs_reference`` (documents of each side in which the term occurs: a term
        "key" through one article shows ``docs_target == 1``). With ``groups``, ``group`` and
        ``reference`` columns come first.

        ``p_value`` is always **two-sided** (evidence of a difference in either direction) so
        that values compare across measures: quanteda's chi-squared p-value of ``chi2`` or
        ``G2``; for ``lafon`` twice Lafon's one-sided hypergeometric tail ``10 ** -|lafon|``
        (capped at 1), the tail itself being ``p_value_one_sided``; for ``log_ratio`` (an
        effect size, not a test) the p-value of ``G2``. ``p_adjusted`` is the
        Benjamini-Hochberg adjustment of ``p_value`` over the terms of the table (of each
        comparison): read it, not ``p_value``, when picking terms out of many.

        Lafon's score treats the target as the part and target + reference as the corpus
        (``f = n_target``, ``F = n_target + n_reference``, ``t`` = target tokens, ``T`` = all
        tokens).

    Raises
    ------
    KeynessTypeError
        (a :class:`TypeError`) When ``target`` is a label, labels or dates where a boolean
        mask is expected, or an array where a label is expected.
    KeynessError
        (a :class:`ValueError`) On an unknown measure or label, a mask selecting no row or
        every row, or a side without tokens.
    """
    if measures is None:
        measures = MEASURES
    elif isinstance(measures, str):
        measures = (measures,)
    measures = tuple(dict.fromkeys(measures))
    unknown = [m for m in measures if m not in MEASURES]
    if unknown or not measures:
        raise KeynessError(f"measures must be among {MEASURES}, not {list(measures)}")
    if measure is None:
        measure = "G2" if "G2" in measures else measures[0]
    if measure not in MEASURES:
        raise KeynessError(f"measure must be one of {MEASURES}, not {measure!r}")
    if measure not in measures:
        raise KeynessError(f"measure={measure!r} (the sorting column) must be among "
                           f"measures={list(measures)}")
    _check_correction(correction)
    X = sparse.csr_matrix(X)
    vocabulary = np.asarray(vocabulary, dtype=object)
    if len(vocabulary) != X.shape[1]:
        raise KeynessError(f"X has {X.shape[1]} columns but the vocabulary {len(vocabulary)} "
                           "terms")
    tables = []
    for group, ref, target_mask, reference_mask in _comparisons(X.shape[0], target, groups,
                                                                 reference):
        if not target_mask.any() or not reference_mask.any():
            raise KeynessError(f"group {group!r} or its reference {ref!r} has no rows")
        table = _keyness_one(X, vocabulary, target_mask, reference_mask, measures, measure,
                             correction)
        if group is not None:
            table.insert(0, "reference", ref)
            table.insert(0, "group", group)
        tables.append(table)
    return tables[0] if len(tables) == 1 else pd.concat(tables, ignore_index=True)


# --------------------------------------------------------------------------- keyness over time

def _draw_counts(rng, n_items: int, n_boot: int) -> np.ndarray:
    """How often each of ``n_items`` is drawn in each of ``n_boot`` resamples of ``n_items``."""
    draws = rng.integers(0, n_items, size=(n_boot, n_items))
    flat = draws + (np.arange(n_boot) * n_items)[:, None]
    return np.bincount(flat.ravel(), minlength=n_boot * n_items).reshape(n_boot, n_items)


def _replicate_log_ratio(a, b, target_total, reference_total):
    both_zero = (a == 0) & (b == 0)
    a = np.where(a == 0, 0.5, a)
    b = np.where(b == 0, 0.5, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.log2((a / target_total) / (b / reference_total))
    return np.where(both_zero, 0.0, value)


def keyness_over_time(X, vocabulary, periods, doc_ids, *, terms=None, n_boot: int = 1000,
                      ci: float = 0.95, min_docs: int = 5, random_state: int = 0,
                      block_size: int = 2000) -> pd.DataFrame:
    """Log ratio of terms in each period against the other periods, with document-bootstrap intervals.

    For each period, the target is its rows and the reference every row of another period
    (rows without a period are left out). The log ratio (:func:`log_ratio`) of each term is
    given with a percentile interval from resampling whole documents with replacement,
    separately among the period's documents and among the reference documents (a document's
    rows move together: several paragraphs of one article are not independent evidence). Each
    period draws from its own stream seeded from ``random_state`` and its label
    (:func:`analysis.inference.stable_seed`), the same draws for every term, so a term's interval
    does not depend on the other terms asked for, nor on other periods' draws.

    Parameters
    ----------
    X : scipy.sparse matrix
        Token counts, shape (n_rows, n_terms); rows are documents or their paragraphs.
    vocabulary : array-like of str
    periods : array-like
        One period label per row (year, "2016-2019"...).
    doc_ids : array-like
        One document id per row: the resampled unit.
    terms : sequence of str, optional
        Terms reported (default: every term of ``vocabulary`` that occurs; with a large
        vocabulary pass the terms of interest, as the bootstrap costs ``n_boot`` values per
        term and period).
    n_boot : int
    ci : float
        Interval level.
    min_docs : int
        A period (or its reference) with fewer documents gets no interval (NaN) and a note.
    random_state : int
    block_size : int
        Terms bootstrapped at once (bounds memory at ``n_boot * block_size`` values).

    Returns
    -------
    pandas.DataFrame
        One row per (period, term), periods sorted, terms in the order given: ``period``,
        ``term``, ``n_target``, ``n_reference``, ``docs_target``, ``docs_reference``,
        ``log_ratio``, ``low``, ``high``, ``n_docs_target``, ``n_docs_reference``, ``note``.
        ``table.attrs["design"]`` names the interval (level, resampling unit, replicates).

    Raises
    ------
    KeynessError
        On a term absent from ``vocabulary``, length mismatches or fewer than two periods.
    """
    from analysis.inference import group_rng

    X = sparse.csr_matrix(X)
    vocabulary = np.asarray(vocabulary, dtype=object)
    labels, known = _labels_array(periods, X.shape[0])
    doc_ids = np.asarray(pd.Series(doc_ids), dtype=object)
    if doc_ids.shape != (X.shape[0],):
        raise KeynessError(f"doc_ids must hold one id per row of X ({X.shape[0]})")
    present_periods = _sorted_labels(set(labels[known]))
    if len(present_periods) < 2:
        raise KeynessError(f"periods must hold at least two labels, found {present_periods}")
    if terms is None:
        columns = np.flatnonzero(np.asarray(X.sum(axis=0)).ravel() > 0)
    else:
        index = {t: j for j, t in enumerate(vocabulary)}
        missing = [t for t in terms if t not in index]
        if missing:
            raise KeynessError(f"terms not in the vocabulary: {missing}")
        columns = np.array([index[t] for t in terms], dtype=np.int64)
    totals = np.asarray(X.sum(axis=1)).ravel().astype(float)
    docs = np.where(known, doc_ids, None)
    codes, doc_labels = pd.factorize(pd.Series(docs), sort=False)
    keep = codes >= 0
    indicator = sparse.csr_matrix((np.ones(keep.sum()), (codes[keep], np.flatnonzero(keep))),
                                  shape=(len(doc_labels), X.shape[0]))
    D = sparse.csr_matrix(indicator @ X[:, columns])  # documents x terms asked
    doc_totals = indicator @ totals
    doc_period = pd.Series(labels[keep]).groupby(codes[keep]).first().to_numpy()
    alpha = (1 - ci) / 2
    frames = []
    for period in present_periods:
        in_period = doc_period == period
        t_docs, r_docs = np.flatnonzero(in_period), np.flatnonzero(~in_period)
        Dt, Dr = D[t_docs], D[r_docs]
        a = np.asarray(Dt.sum(axis=0)).ravel()
        b = np.asarray(Dr.sum(axis=0)).ravel()
        t_total, r_total = doc_totals[t_docs].sum(), doc_totals[r_docs].sum()
        low = np.full(len(columns), np.nan)
        high = np.full(len(columns), np.nan)
        note = ""
        if min(len(t_docs), len(r_docs)) < min_docs:
            note = f"fewer than {min_docs} documents: no interval"
        else:
            rng = group_rng(random_state, period)
            Mt = _draw_counts(rng, len(t_docs), n_boot).astype(float)
            Mr = _draw_counts(rng, len(r_docs), n_boot).astype(float)
            tt = Mt @ doc_totals[t_docs]
            rt = Mr @ doc_totals[r_docs]
            for start in range(0, len(columns), block_size):
                cols = slice(start, start + block_size)
                ra = np.asarray((Dt[:, cols].T @ Mt.T).T)
                rb = np.asarray((Dr[:, cols].T @ Mr.T).T)
                reps = _replicate_log_ratio(ra, rb, tt[:, None], rt[:, None])
                low[cols], high[cols] = np.quantile(reps, [alpha, 1 - alpha], axis=0)
        frames.append(pd.DataFrame({
            "period": period, "term": vocabulary[columns],
            "n_target": a.astype(np.int64), "n_reference": b.astype(np.int64),
            "docs_target": np.asarray((Dt > 0).sum(axis=0)).ravel().astype(np.int64),
            "docs_reference": np.asarray((Dr > 0).sum(axis=0)).ravel().astype(np.int64),
            "log_ratio": log_ratio(a, b, t_total, r_total) * np.ones(len(columns)),
            "low": low, "high": high,
            "n_docs_target": len(t_docs), "n_docs_reference": len(r_docs), "note": note,
        }))
    table = pd.concat(frames, ignore_index=True)
    table.attrs["design"] = (f"{ci:.0%} percentile interval, documents resampled within the "
                             f"period and within the other periods, {n_boot} replicates")
    return table


# --------------------------------------------------------------------------- selected terms

def term_table(X, vocabulary, terms, groups, n_words) -> pd.DataFrame:
    """Counts and rates per 1,000 words of selected terms in each group of documents.

    Parameters
    ----------
    X : scipy.sparse matrix
        Token counts, shape (n_documents, n_terms).
    vocabulary : array-like of str
    terms : iterable of str
        Terms to report, in this order (a term absent from ``vocabulary`` counts 0).
    groups : array-like
        One group label per row; groups are reported in sorted order.
    n_words : array-like of int
        Words per document (:func:`analysis.text.count_words`, the ``n_words`` column of the
        units): the denominator of the rates.

    Returns
    -------
    pandas.DataFrame
        Indexed by term, with ``<group> n`` and ``<group> per 1,000 words`` columns per group.
    """
    G, labels = group_matrix(X, groups)
    words = pd.Series(np.asarray(n_words, dtype=float)).groupby(np.asarray(groups)).sum()
    index = {term: j for j, term in enumerate(vocabulary)}
    terms = list(terms)
    G = G.toarray()
    table = pd.DataFrame(index=pd.Index(terms, name="term"))
    for i, label in enumerate(labels):
        counts = np.array([G[i, index[t]] if t in index else 0 for t in terms], dtype=np.int64)
        table[f"{label} n"] = counts
        table[f"{label} per 1,000 words"] = 1000 * counts / words[label]
    return table


def _top_set(table: pd.DataFrame, measure: str, n_top: int, ties: str):
    """Terms at both ends of the ranking by ``measure``, cut at tie boundaries.

    Returns the set and the sorted terms tied across a cut (at the ``n_top``-th score of an
    end, with some of them beyond rank ``n_top``).
    """
    scores = table[measure].to_numpy(dtype=float)
    terms = table["term"].to_numpy(dtype=object)
    chosen, tied = set(), set()
    for sign in (1.0, -1.0):  # the top end, then the bottom end
        ranked = np.sort(sign * scores)[::-1]
        if len(ranked) <= n_top:
            chosen.update(terms)
            continue
        cut = ranked[n_top - 1]
        at_cut = sign * scores == cut
        above = sign * scores > cut
        if (above | at_cut).sum() > n_top:  # the cut falls inside a tie
            tied.update(terms[at_cut])
            chosen.update(terms[above | at_cut] if ties == "include" else terms[above])
        else:
            chosen.update(terms[above | at_cut])
    return chosen, sorted(tied)


def measure_agreement(table: pd.DataFrame, measure_a: str = "G2", measure_b: str = "lafon",
                      n_top: int = 15, *, ties: str = "include") -> dict:
    """How far two keyness measures agree on one keyness table.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`keyness` holding both measures' columns.
    measure_a, measure_b : str
        Columns to compare.
    n_top : int
        Size of each end of the ranking: the ``n_top`` most over-represented and the ``n_top``
        most under-represented terms. Terms with equal scores are never separated by the
        alphabet: when the ``n_top``-th score of an end is shared by terms beyond rank
        ``n_top``, all of them are kept (``ties="include"``) or all left out
        (``ties="exclude"``), and they are listed in ``ties_a``/``ties_b``.
    ties : {"include", "exclude"}

    Returns
    -------
    dict
        ``spearman`` (rank correlation of the two scores over all terms), ``n_terms``,
        ``n_top_a`` and ``n_top_b`` (size of each top set: ``2 * n_top`` unless a cut fell in a
        tie, or the table is short), ``n_common`` (terms in both top sets), ``only_a`` and
        ``only_b`` (sorted lists of the terms in one top set only), ``ties_a`` and ``ties_b``
        (sorted terms tied across a cut).
    """
    if ties not in ("include", "exclude"):
        raise KeynessError(f"ties must be 'include' or 'exclude', not {ties!r}")
    from scipy import stats

    top_a, ties_a = _top_set(table, measure_a, n_top, ties)
    top_b, ties_b = _top_set(table, measure_b, n_top, ties)
    return {
        "spearman": float(stats.spearmanr(table[measure_a], table[measure_b]).statistic),
        "n_terms": int(len(table)),
        "n_top_a": len(top_a),
        "n_top_b": len(top_b),
        "n_common": len(top_a & top_b),
        "only_a": sorted(top_a - top_b),
        "only_b": sorted(top_b - top_a),
        "ties_a": ties_a,
        "ties_b": ties_b,
    }
