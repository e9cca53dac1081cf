"""Document-term features: TF-IDF, distinctive terms, and keyness between two groups of units.

Keyness compares how often each term occurs in a *target* group of documents and in the
*reference* (all other documents). Four statistics are reported side by side, each available as a
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
from itertools import chain

import numpy as np
import pandas as pd
from scipy import sparse, stats

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


def lafon_specificity(f, F, t, T):
    """Lafon's specificity score of a term in a part, as TXM computes it.

    With ``X`` hypergeometric (``T`` tokens of which ``F`` are the term, ``t`` drawn): when
    ``f >= F t / T`` (over- or normally represented) the score is ``-log10 P(X >= f)``, positive;
    when ``f < F t / T`` it is ``log10 P(X <= f)``, negative (textometry's
    ``specificities.probabilities.vector``, which compares ``f`` with the expectation
    ``F t / T``). Probabilities come from :data:`scipy.stats.hypergeom` as log-probabilities,
    so extreme scores stay finite where TXM's probabilities underflow to 0 (it then reports
    +/-Inf). TXM rounds scores to 4 decimals; we do not.

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
    over = f >= F * t / T
    upper = -stats.hypergeom.logsf(f - 1, T, F, t) / _LN10
    lower = stats.hypergeom.logcdf(f, T, F, t) / _LN10
    result = np.where(over, upper, lower)
    result = result + 0.0  # -0.0 -> 0.0
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
    result = stats.chi2.sf(np.abs(statistic), 1)
    return float(result) if np.ndim(result) == 0 else result


# --------------------------------------------------------------------------- keyness table

def keyness(X, vocabulary, target, *, measure: str = "G2",
            correction: str = "none") -> pd.DataFrame:
    """Keyness of every term in a target group of documents against the other documents.

    Parameters
    ----------
    X : scipy.sparse matrix or numpy.ndarray
        Token counts, shape (n_documents, n_terms) (e.g.
        ``document_term_matrix(texts, weighting="count")``).
    vocabulary : array-like of str
        Column labels of ``X``.
    target : array-like of bool
        One flag per row: True for the target group; the reference is every other row.
    measure : {"G2", "chi2", "lafon", "log_ratio"}
        Column the table is sorted by (descending, then by term), as quanteda sorts by its
        statistic.
    correction : {"none", "yates", "williams", "default"}
        Applied to ``chi2`` and ``G2`` (see :func:`chi2_statistic`, :func:`g2_statistic`).

    Returns
    -------
    pandas.DataFrame
        One row per term occurring in either group: ``term``, ``n_target``, ``n_reference``,
        ``chi2``, ``G2``, ``p_value``, ``log_ratio``, ``lafon``. ``p_value`` belongs to the
        sorting measure: quanteda's chi-squared p-value of ``chi2`` or ``G2``; for ``lafon``,
        the hypergeometric tail probability ``10 ** -|lafon|``; for ``log_ratio`` (an effect
        size, not a test), the p-value of ``G2``. Lafon's score treats the target as the part
        and target + reference as the corpus (``f = n_target``, ``F = n_target +
        n_reference``, ``t`` = target tokens, ``T`` = all tokens).

    Raises
    ------
    ValueError
        If ``target`` selects no row or every row, or a group has no tokens.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    _check_correction(correction)
    target = np.asarray(target, dtype=bool)
    if target.shape != (X.shape[0],):
        raise ValueError(f"target must hold one flag per row of X ({X.shape[0]})")
    if target.all() or not target.any():
        raise ValueError("target must select some rows but not all of them")
    X = sparse.csr_matrix(X)
    n_target = np.asarray(X[target].sum(axis=0)).ravel()
    n_reference = np.asarray(X[~target].sum(axis=0)).ravel()
    target_total, reference_total = n_target.sum(), n_reference.sum()
    if target_total == 0 or reference_total == 0:
        raise ValueError("the target and the reference must both hold tokens")
    present = (n_target + n_reference) > 0
    n_target, n_reference = n_target[present], n_reference[present]
    table = pd.DataFrame({
        "term": np.asarray(vocabulary, dtype=object)[present],
        "n_target": n_target.astype(np.int64),
        "n_reference": n_reference.astype(np.int64),
        "chi2": chi2_statistic(n_target, n_reference, target_total, reference_total,
                               correction=correction),
        "G2": g2_statistic(n_target, n_reference, target_total, reference_total,
                           correction=correction),
    })
    table["log_ratio"] = log_ratio(n_target, n_reference, target_total, reference_total)
    table["lafon"] = lafon_specificity(n_target, n_target + n_reference, target_total,
                                       target_total + reference_total)
    if measure in ("chi2", "G2"):
        table["p_value"] = p_value(table[measure].to_numpy())
    elif measure == "lafon":
        table["p_value"] = 10.0 ** -np.abs(table["lafon"].to_numpy())
    else:
        table["p_value"] = p_value(table["G2"].to_numpy())
    table = table[["term", "n_target", "n_reference", "chi2", "G2", "p_value", "log_ratio",
                   "lafon"]]
    table = table.sort_values([measure, "term"], ascending=[False, True], kind="mergesort")
    return table.reset_index(drop=True)


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


def measure_agreement(table: pd.DataFrame, measure_a: str = "G2", measure_b: str = "lafon",
                      n_top: int = 15) -> dict:
    """How far two keyness measures agree on one keyness table.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`keyness` (it holds every measure's column, whatever it was sorted by).
    measure_a, measure_b : str
        Columns to compare.
    n_top : int
        Size of each end of the ranking: the ``n_top`` most over-represented and the ``n_top``
        most under-represented terms, each ranked as :func:`keyness` sorts (score, then term).

    Returns
    -------
    dict
        ``spearman`` (rank correlation of the two scores over all terms), ``n_terms``,
        ``n_common`` (terms in both top sets of ``2 * n_top``), ``only_a`` and ``only_b``
        (sorted lists of the terms in one top set only).
    """
    def top(measure):
        ranked = table.sort_values([measure, "term"], ascending=[False, True], kind="mergesort")
        return set(ranked.head(n_top)["term"]) | set(ranked.tail(n_top)["term"])

    top_a, top_b = top(measure_a), top(measure_b)
    return {
        "spearman": float(stats.spearmanr(table[measure_a], table[measure_b]).statistic),
        "n_terms": int(len(table)),
        "n_common": len(top_a & top_b),
        "only_a": sorted(top_a - top_b),
        "only_b": sorted(top_b - top_a),
    }
