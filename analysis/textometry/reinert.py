"""Reinert's descending hierarchical classification (simple and double), after rainette.

The method (Reinert 1983, 1990; IRaMuTeQ's ``CHD``; R's rainette, whose algorithm vignette this
follows) classifies text segments by the words they share:

1. a binary segment x term matrix (presence or absence of each lemma);
2. the largest group is split in two along the first factor of a correspondence analysis of
   its matrix: segments are sorted on that factor and the cut point maximizing the chi2 of the
   grouped 2 x terms table is kept; then each segment in turn moves to the other group when
   that raises the chi2, until no move does;
3. in each half, terms seen in fewer than ``tsj`` segments are dropped, and a term whose
   contingency coefficient with the split exceeds ``cc_test`` is kept only in the half where
   it is over-represented;
4. steps 2-3 repeat on the largest remaining group until there are ``k`` classes.

The double classification crosses the classes (every node of both hierarchies) of two simple
classifications run with different ``min_segment_size`` and keeps a partition of strongly
associated crossed classes (rainette2).
"""
from __future__ import annotations

from dataclasses import dataclass, field
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import LinearOperator, svds

from analysis.errors import AnalysisError
from analysis.features import chi2_statistic, p_value
from analysis.text import tokenize_series

# --------------------------------------------------------------------------- matrix


def segment_term_matrix(segments: pd.DataFrame | None = None, *, tokens=None, text_col: str = "text",
                        min_docfreq: int = 3, **tokenize_options):
    """Segment x term count matrix of lemmas, stopwords removed, rare terms dropped.

    Parameters
    ----------
    segments : pandas.DataFrame, optional
        Segments (:func:`analysis.textometry.split_segments`) with ``text_col``.
    tokens : list of list of str, optional
        Token lists, one per segment, used instead of tokenizing ``segments[text_col]``.
    text_col : str
        Column of the texts.
    min_docfreq : int
        Keep terms present in at least this many segments.
    **tokenize_options
        Options of :func:`analysis.text.tokenize` (default: lemmas, stopwords removed).

    Returns
    -------
    (scipy.sparse.csr_matrix, numpy.ndarray)
        Counts (segments x terms, int64) and the vocabulary (sorted terms).
    """
    if tokens is None:
        if segments is None or text_col not in segments.columns:
            raise AnalysisError(f"segment_term_matrix: segments with a {text_col!r} column, or tokens, are needed")
        tokens = tokenize_series(segments[text_col], **tokenize_options)
    tokens = [list(t) for t in tokens]
    vocab = sorted({w for t in tokens for w in t})
    index = {w: i for i, w in enumerate(vocab)}
    rows = np.repeat(np.arange(len(tokens)), [len(t) for t in tokens])
    cols = np.fromiter((index[w] for t in tokens for w in t), dtype=np.int64, count=len(rows))
    X = sparse.csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, cols)),
                          shape=(len(tokens), len(vocab)))
    X.sum_duplicates()
    keep = np.flatnonzero(np.asarray((X > 0).sum(axis=0)).ravel() >= min_docfreq)
    return X[:, keep].tocsr(), np.asarray(vocab, dtype=object)[keep]


def merge_short_segments(counts, doc_ids, min_segment_size: int) -> np.ndarray:
    """Group consecutive segments of the same document until each group has enough terms.

    As rainette's ``min_segment_size``: walking each document's segments in order, a segment
    is joined with the following ones until the group holds at least ``min_segment_size`` term
    occurrences (of the matrix's vocabulary); a last group still too short joins the previous
    group of its document. Segments of different documents are never joined.

    Parameters
    ----------
    counts : scipy.sparse matrix
        Segment x term counts.
    doc_ids : array-like
        Document of each segment (segments of a document are consecutive rows).
    min_segment_size : int
        Minimum number of term occurrences per group; 0 or 1 keeps every segment apart.

    Returns
    -------
    numpy.ndarray
        Group index (0-based, in row order) of each segment.
    """
    sizes = np.asarray(counts.sum(axis=1)).ravel()
    doc_ids = np.asarray(doc_ids)
    group = np.empty(len(sizes), dtype=np.int64)
    n_groups, start = 0, 0
    while start < len(sizes):
        stop = start
        while stop < len(sizes) and doc_ids[stop] == doc_ids[start]:
            stop += 1
        first_group, acc, is_open = n_groups, 0, False
        for i in range(start, stop):
            group[i] = n_groups
            acc += sizes[i]
            is_open = True
            if acc >= min_segment_size:
                n_groups, acc, is_open = n_groups + 1, 0, False
        if is_open:  # an unfinished last group joins the previous group of its document
            if n_groups > first_group:
                block = group[start:stop]
                block[block == n_groups] = n_groups - 1
            else:
                n_groups += 1
        start = stop
    return group


# --------------------------------------------------------------------------- one split


def grouped_chi2(X, left) -> float:
    """Pearson chi2 of the 2 x terms table of ``X``'s column sums in ``left`` and the rest.

    Columns with a zero total are ignored.

    Parameters
    ----------
    X : scipy.sparse matrix or numpy.ndarray
    left : array of bool

    Returns
    -------
    float
    """
    X = sparse.csr_matrix(X)
    left = np.asarray(left, dtype=bool)
    c = np.asarray(X.sum(axis=0)).ravel().astype(float)
    A = np.asarray(X[left].sum(axis=0)).ravel().astype(float)
    keep = c > 0
    return _chi2_from_sums(A[keep], c[keep])


def _chi2_from_sums(A, c) -> float:
    """chi2 of the table [A; c - A]: ``N (1/a + 1/b) (sum A^2/c - a^2/N)``."""
    N, a = c.sum(), A.sum()
    b = N - a
    if a <= 0 or b <= 0:
        return 0.0
    return float(N * (1 / a + 1 / b) * (np.sum(A * A / c) - a * a / N))


def first_factor(X, random_state=None) -> np.ndarray:
    """Row coordinates (standard, up to scale) on the first factor of a CA of ``X``.

    The leading singular vector of the standardized residuals
    ``D_r^-1/2 (P - r c') D_c^-1/2`` is found with ARPACK (:func:`scipy.sparse.linalg.svds`)
    from a start vector drawn with ``random_state``; small matrices (fewer than 3 rows or
    columns) use a dense SVD. The sign is fixed so that the largest coordinate in absolute
    value is positive.

    Parameters
    ----------
    X : scipy.sparse matrix
        Non-negative, no empty row or column.
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    numpy.ndarray
    """
    X = sparse.csr_matrix(X, dtype=float)
    n, p = X.shape
    N = X.sum()
    r = np.asarray(X.sum(axis=1)).ravel() / N
    c = np.asarray(X.sum(axis=0)).ravel() / N
    sr, sc = np.sqrt(r), np.sqrt(c)
    P = X / N
    if min(n, p) < 3:
        S = (P.toarray() - np.outer(r, c)) / np.outer(sr, sc)
        u = np.linalg.svd(S, full_matrices=False)[0][:, 0]
    else:
        PT = P.T.tocsr()

        def matvec(v):
            v = np.asarray(v).ravel() / sc
            return (P @ v - r * (c @ v)) / sr

        def rmatvec(w):
            w = np.asarray(w).ravel() / sr
            return (PT @ w - c * (r @ w)) / sc

        op = LinearOperator((n, p), matvec=matvec, rmatvec=rmatvec, dtype=float)
        rng = np.random.default_rng(random_state)
        v0 = rng.uniform(-1.0, 1.0, size=min(n, p))
        u = svds(op, k=1, v0=v0, solver="arpack", maxiter=5000)[0][:, 0]
    coord = u / sr
    if coord[np.argmax(np.abs(coord))] < 0:
        coord = -coord
    return coord


def _best_cut(X, order) -> tuple[np.ndarray, float]:
    """Cut of the rows sorted by ``order`` maximizing the grouped chi2; returns (left mask, chi2)."""
    n = X.shape[0]
    Xs = sparse.csr_matrix(X[order]).tocoo()
    c = np.asarray(X.sum(axis=0)).ravel().astype(float)
    N = c.sum()
    # Q_i = sum_j A_ij^2 / c_j for the prefix of the first i rows, built from the nonzeros
    rows, cols, vals = Xs.row, Xs.col, Xs.data.astype(float)
    sort = np.lexsort((rows, cols))
    rows, cols, vals = rows[sort], cols[sort], vals[sort]
    cum = np.cumsum(vals)
    col_start = np.r_[0, np.flatnonzero(np.diff(cols)) + 1].astype(np.int64)
    lengths = np.diff(np.r_[col_start, len(vals)])
    offsets = np.repeat(cum[col_start] - vals[col_start], lengths)
    prev = cum - vals - offsets  # count of the column in the rows before this one
    incr = (2 * prev * vals + vals * vals) / c[cols]
    Q = np.cumsum(np.bincount(rows, weights=incr, minlength=n))[:-1]
    a = np.cumsum(np.asarray(Xs.tocsr().sum(axis=1)).ravel().astype(float))[:-1]
    b = N - a
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = N * (1 / a + 1 / b) * (Q - a * a / N)
    chi2[(a <= 0) | (b <= 0)] = -np.inf
    i = int(np.argmax(chi2))
    left = np.zeros(n, dtype=bool)
    left[order[:i + 1]] = True
    return left, float(chi2[i])


def _reassign(X, left, max_iter: int = 100) -> np.ndarray:
    """Move rows one by one to the other group while this raises the grouped chi2."""
    X = sparse.csr_matrix(X, dtype=float)
    left = left.copy()
    c = np.asarray(X.sum(axis=0)).ravel()
    N = c.sum()
    A = np.asarray(X[left].sum(axis=0)).ravel()
    a = A.sum()
    Q = np.sum(A * A / c)
    sizes = np.asarray(X.sum(axis=1)).ravel()
    indptr, indices, data = X.indptr, X.indices, X.data
    inv_c = 1.0 / c

    def score(q, a_):
        b_ = N - a_
        return N * (1 / a_ + 1 / b_) * (q - a_ * a_ / N) if a_ > 0 and b_ > 0 else -np.inf

    current = score(Q, a)
    n_left = int(left.sum())
    for _ in range(max_iter):
        moved = False
        for i in range(X.shape[0]):
            if sizes[i] == 0:
                continue
            idx, x = indices[indptr[i]:indptr[i + 1]], data[indptr[i]:indptr[i + 1]]
            if left[i]:
                if n_left <= 1:
                    continue
                dq = np.sum((x * x - 2 * A[idx] * x) * inv_c[idx])
                new_a = a - sizes[i]
            else:
                if n_left >= X.shape[0] - 1:
                    continue
                dq = np.sum((x * x + 2 * A[idx] * x) * inv_c[idx])
                new_a = a + sizes[i]
            new = score(Q + dq, new_a)
            if new > current * (1 + 1e-12) + 1e-12:
                if left[i]:
                    A[idx] -= x
                    n_left -= 1
                else:
                    A[idx] += x
                    n_left += 1
                left[i] = not left[i]
                Q, a, current, moved = Q + dq, new_a, new, True
        if not moved:
            break
    return left


def _select_terms(X, left, terms, tsj: int, cc_test: float):
    """Terms kept in each half after a split (rainette's feature selection)."""
    Xb = sparse.csr_matrix(X)
    f_left = np.asarray(Xb[left].sum(axis=0)).ravel().astype(float)
    f_right = np.asarray(Xb[~left].sum(axis=0)).ravel().astype(float)
    n_left, n_right = float(left.sum()), float((~left).sum())
    chi2 = np.abs(chi2_statistic(f_left, f_right, n_left, n_right))
    chi2 = np.nan_to_num(chi2, nan=0.0)
    n = n_left + n_right
    cc = np.sqrt(chi2 / (chi2 + n))
    over_left = f_left / n_left > f_right / n_right
    strong = cc > cc_test
    keep_left = (f_left >= tsj) & (~strong | over_left)
    keep_right = (f_right >= tsj) & (~strong | ~over_left)
    return terms[keep_left], terms[keep_right]


def split_group(X, *, random_state=None, max_iter: int = 100):
    """Split the rows of a binary matrix in two as Reinert's method does.

    Rows are sorted on the first CA factor (:func:`first_factor`), the cut maximizing the
    grouped chi2 (:func:`grouped_chi2`) is kept, then rows are moved one at a time (in row
    order, repeated passes) to the other group while that raises the chi2.

    Parameters
    ----------
    X : scipy.sparse matrix
        Binary rows x terms, no empty row or column.
    random_state : int, numpy.random.Generator or None
        Start vector of ARPACK.
    max_iter : int
        Maximum number of reassignment passes.

    Returns
    -------
    (numpy.ndarray of bool, float)
        Rows of the first group (the low side of the factor before reassignment) and the chi2
        of the final split.
    """
    coord = first_factor(X, random_state=random_state)
    order = np.argsort(coord, kind="stable")
    left, _ = _best_cut(X, order)
    left = _reassign(X, left, max_iter=max_iter)
    return left, grouped_chi2(X, left)


# --------------------------------------------------------------------------- result


@dataclass
class ReinertResult:
    """Outcome of :func:`reinert` or :func:`reinert_double`.

    Attributes
    ----------
    classes : pandas.Series
        Class of each segment (index of the input segments), 1..k; 0 = unclassified.
    splits : pandas.DataFrame
        One row per split (simple classification): ``split`` (1-based, in order), ``node``
        (the node split), ``left``, ``right`` (child nodes), ``chi2`` of the grouped table,
        ``n_members`` (units of the node), ``n_left``, ``n_right``, ``n_terms``. Empty for a
        double classification.
    nodes : pandas.DataFrame
        One row per node of the hierarchy: ``node`` (0 = all), ``parent`` (-1 for the root),
        ``depth``, ``n_segments``, ``class`` (its class when it is a leaf, else 0).
    terms : pandas.DataFrame
        Characteristic terms: ``class``, ``term``, ``chi2`` (signed: + over-represented),
        ``p_value``, ``n_class`` (segments of the class with the term), ``n_total`` (classified
        segments with it), ``pct_class`` (share of the term's segments in the class, percent);
        sorted by class then decreasing chi2.
    segments : pandas.DataFrame
        The most characteristic segments of each class: ``class``, ``rank``, ``segment``
        (input index), ``score`` (sum of the positive significant chi2 of the class's terms in
        the segment), ``text`` when available.
    share_classified : float
        Share of segments with a class other than 0.
    params : dict
        The parameters of the run.
    members : dict
        ``node -> numpy array of segment positions`` for every node of the hierarchy.
    split_terms : dict
        ``node -> vocabulary indices`` used to split that node.
    unit_of_segment : numpy.ndarray
        Classification unit (after ``min_segment_size`` merging) of each segment.
    matrix : scipy.sparse.csr_matrix
        Binary unit x term matrix the splits were computed on.
    vocabulary : numpy.ndarray
        Terms (columns of ``matrix``).
    crossed : pandas.DataFrame
        Double classification only: the candidate crossed classes (``class1``, ``class2`` nodes,
        ``n``, ``chi2``, ``kept``).
    partitions : pandas.DataFrame
        Double classification only: best partition found for each number of classes.
    """

    classes: pd.Series
    splits: pd.DataFrame
    nodes: pd.DataFrame
    terms: pd.DataFrame
    segments: pd.DataFrame
    share_classified: float
    params: dict
    members: dict = field(default_factory=dict, repr=False)
    split_terms: dict = field(default_factory=dict, repr=False)
    unit_of_segment: np.ndarray | None = field(default=None, repr=False)
    matrix: sparse.csr_matrix | None = field(default=None, repr=False)
    vocabulary: np.ndarray | None = field(default=None, repr=False)
    crossed: pd.DataFrame | None = field(default=None, repr=False)
    partitions: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def k(self) -> int:
        """Number of classes found (0 excluded)."""
        return int((np.unique(self.classes.to_numpy()) > 0).sum())

    def class_sizes(self) -> pd.DataFrame:
        """Segments per class (0 = unclassified) with their share, percent."""
        counts = self.classes.value_counts().sort_index()
        return pd.DataFrame({"class": counts.index.astype("int64"), "n_segments": counts.to_numpy(),
                             "pct": 100 * counts.to_numpy() / counts.sum()})

    def top_terms(self, n_top_words: int = 10, max_p: float = 0.05) -> pd.DataFrame:
        """Up to ``n_top_words`` over-represented terms per class with ``p_value < max_p``."""
        t = self.terms[(self.terms.chi2 > 0) & (self.terms.p_value < max_p)]
        return t.groupby("class", sort=True).head(n_top_words).reset_index(drop=True)


def _check_params(k, min_split_members, cc_test, tsj):
    if not (isinstance(k, (int, np.integer)) and k >= 2):
        raise AnalysisError(f"reinert: k must be an integer >= 2, not {k!r}")
    if min_split_members < 2:
        raise AnalysisError(f"reinert: min_split_members must be >= 2, not {min_split_members!r}")
    if not 0 <= cc_test <= 1:
        raise AnalysisError(f"reinert: cc_test must lie in [0, 1], not {cc_test!r}")
    if tsj < 1:
        raise AnalysisError(f"reinert: tsj must be >= 1, not {tsj!r}")


def _hierarchy(Xu, k, min_split_members, cc_test, tsj, random_state, max_iter):
    """Divisive hierarchy over units; returns (unit members per node, split rows, split terms, parents)."""
    rng = np.random.default_rng(random_state)
    n_units, n_terms = Xu.shape
    nonempty = np.flatnonzero(np.asarray(Xu.sum(axis=1)).ravel() > 0)
    members = {0: nonempty}
    terms = {0: np.arange(n_terms)}
    parents = {0: -1}
    leaves = [0]
    unsplittable: set[int] = set()
    splits, split_terms = [], {}
    while len(leaves) < k:
        candidates = [nd for nd in leaves if nd not in unsplittable and len(members[nd]) >= min_split_members]
        if not candidates:
            break
        node = max(candidates, key=lambda nd: (len(members[nd]), -nd))
        rows, cols = members[node], terms[node]
        sub = Xu[rows][:, cols]
        col_ok = np.asarray(sub.sum(axis=0)).ravel() > 0
        cols, sub = cols[col_ok], sub[:, col_ok]
        row_ok = np.asarray(sub.sum(axis=1)).ravel() > 0
        if row_ok.sum() < 2 or len(cols) < 2:
            unsplittable.add(node)
            continue
        sub = sub[row_ok].tocsr()
        seed = int(rng.integers(2**31 - 1))
        left, chi2 = split_group(sub, random_state=seed, max_iter=max_iter)
        if left.all() or not left.any() or chi2 <= 0:
            unsplittable.add(node)
            continue
        kept_rows = rows[row_ok]
        t_left, t_right = _select_terms(sub, left, cols, tsj, cc_test)
        new_left, new_right = max(members) + 1, max(members) + 2
        members[new_left], members[new_right] = kept_rows[left], kept_rows[~left]
        terms[new_left], terms[new_right] = t_left, t_right
        parents[new_left] = parents[new_right] = node
        split_terms[node] = cols
        leaves.remove(node)
        leaves += [new_left, new_right]
        splits.append({"split": len(splits) + 1, "node": node, "left": new_left, "right": new_right,
                       "chi2": chi2, "n_members": len(rows), "n_left": int(left.sum()),
                       "n_right": int((~left).sum()), "n_terms": len(cols)})
    return members, parents, splits, split_terms


def _leaf_order(parents: dict, splits: list) -> list[int]:
    """Leaves of the hierarchy left to right."""
    children = {s["node"]: (s["left"], s["right"]) for s in splits}
    out, stack = [], [0]
    while stack:
        nd = stack.pop()
        if nd in children:
            stack += [children[nd][1], children[nd][0]]
        else:
            out.append(nd)
    return out


def class_statistics(X, classes, vocabulary, *, texts=None, n_segments: int = 10,
                     max_p: float = 0.05) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Characteristic terms and segments of each class, among classified segments.

    For each class and term, the chi2 of the 2 x 2 table (segments of the class / of the other
    classes, with / without the term), without continuity correction, signed ``+`` when the
    term is over-represented in the class (:func:`analysis.features.chi2_statistic`), with its
    p-value (1 df). A segment's score for its class is the sum of the positive chi2 with
    ``p < max_p`` of the distinct terms it contains (IRaMuTeQ's ranking of typical segments).

    Parameters
    ----------
    X : scipy.sparse matrix
        Segment x term counts (binarized here).
    classes : array-like of int
        Class per segment, 0 = unclassified (left out).
    vocabulary : array-like of str
    texts : array-like of str, optional
        Segment texts, copied into the segments table.
    n_segments : int
        Segments kept per class.
    max_p : float

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The ``terms`` and ``segments`` tables of :class:`ReinertResult`.
    """
    Xb = (sparse.csr_matrix(X) > 0).astype(np.int64).tocsr()
    classes = np.asarray(classes)
    vocabulary = np.asarray(vocabulary, dtype=object)
    classified = classes > 0
    Xc = Xb[classified]
    cc = classes[classified]
    total = np.asarray(Xc.sum(axis=0)).ravel()
    n_total = len(cc)
    term_rows, seg_rows = [], []
    positions = np.flatnonzero(classified)
    for cl in sorted(set(cc.tolist())):
        in_cl = cc == cl
        a = np.asarray(Xc[in_cl].sum(axis=0)).ravel()
        b = total - a
        present = total > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            chi2 = chi2_statistic(a.astype(float), b.astype(float), float(in_cl.sum()),
                                  float(n_total - in_cl.sum()))
        chi2 = np.atleast_1d(np.nan_to_num(chi2, nan=0.0))
        pv = np.atleast_1d(p_value(chi2))
        df = pd.DataFrame({"class": cl, "term": vocabulary, "chi2": chi2, "p_value": pv,
                           "n_class": a, "n_total": total})[present]
        df["pct_class"] = 100 * df["n_class"] / df["n_total"]
        term_rows.append(df.sort_values(["chi2", "term"], ascending=[False, True], kind="stable"))
        weight = np.where((chi2 > 0) & (pv < max_p), chi2, 0.0)
        score = Xc[in_cl] @ weight
        pos = positions[in_cl]
        order = np.lexsort((pos, -score))[:n_segments]
        for rank, j in enumerate(order):
            row = {"class": cl, "rank": rank + 1, "position": int(pos[j]), "score": float(score[j])}
            if texts is not None:
                row["text"] = texts[pos[j]]
            seg_rows.append(row)
    terms = (pd.concat(term_rows, ignore_index=True) if term_rows else
             pd.DataFrame(columns=["class", "term", "chi2", "p_value", "n_class", "n_total", "pct_class"]))
    terms = terms.astype({"class": "int64", "n_class": "int64", "n_total": "int64"})
    segs = pd.DataFrame(seg_rows, columns=["class", "rank", "position", "score"]
                        + (["text"] if texts is not None else []))
    return terms.reset_index(drop=True), segs


def reinert(segments: pd.DataFrame | None = None, k: int = 10, *, min_segment_size: int = 0,
            min_split_members: int = 5, cc_test: float = 0.3, tsj: int = 3, min_docfreq: int = 3,
            tokens=None, text_col: str = "text", doc_col: str = "doc_id", n_segments: int = 10,
            max_iter: int = 100, random_state=None, **tokenize_options) -> ReinertResult:
    """Reinert's simple descending hierarchical classification of text segments.

    Parameters
    ----------
    segments : pandas.DataFrame
        Segments in document then reading order (:func:`analysis.textometry.split_segments`),
        with ``text_col`` (unless ``tokens`` is given) and ``doc_col``.
    k : int
        Number of classes (k - 1 splits); fewer if no group can be split any more.
    min_segment_size : int
        Consecutive segments of a document are merged until they hold this many term
        occurrences (:func:`merge_short_segments`); 0 keeps them apart. Merged segments share
        their class.
    min_split_members : int
        A group with fewer units is not split.
    cc_test : float
        Contingency coefficient above which a term is kept only in the half where it is
        over-represented.
    tsj : int
        After a split, terms present in fewer than ``tsj`` units of a half leave that half.
    min_docfreq : int
        Terms present in fewer segments are dropped before anything else.
    tokens : list of list of str, optional
        Token lists per segment, instead of tokenizing ``segments[text_col]``.
    text_col, doc_col : str
    n_segments : int
        Characteristic segments kept per class.
    max_iter : int
        Maximum reassignment passes per split.
    random_state : int, numpy.random.Generator or None
        Seeds the ARPACK start vectors of the correspondence analyses, the only stochastic
        step. The first factor does not depend on it except when the two largest eigenvalues
        are (nearly) equal; pass it for exact reproducibility.
    **tokenize_options
        Options of :func:`analysis.text.tokenize`.

    Returns
    -------
    ReinertResult

    Notes
    -----
    Departures from rainette (0.3.x):

    - terms are lemmas from :func:`analysis.text.tokenize`; rare terms are dropped with
      ``min_docfreq`` here (rainette expects a trimmed dfm);
    - the contingency coefficient of a term is ``sqrt(chi2 / (chi2 + n))`` of its 2 x 2 table
      (units of each half with / without the term, no continuity correction);
    - units left without any term in a group are unclassified (class 0) rather than kept;
    - classes are numbered by the left-to-right order of the leaves of the hierarchy;
    - the characteristic-terms chi2 has no continuity correction and is computed on the
      original (unmerged) segments.
    """
    _check_params(k, min_split_members, cc_test, tsj)
    if segments is None and tokens is None:
        raise AnalysisError("reinert: segments or tokens are needed")
    if segments is not None and tokens is not None and len(tokens) != len(segments):
        raise AnalysisError(f"reinert: {len(tokens)} token lists for {len(segments)} segments")
    X, vocab = segment_term_matrix(segments, tokens=tokens, text_col=text_col,
                                   min_docfreq=min_docfreq, **tokenize_options)
    n = X.shape[0]
    if n < 2 or X.shape[1] < 2:
        raise AnalysisError(f"reinert: {n} segments and {X.shape[1]} terms with min_docfreq={min_docfreq}: "
                            "nothing to classify")
    index = segments.index if segments is not None else pd.RangeIndex(n)
    doc_ids = (segments[doc_col].to_numpy() if segments is not None and doc_col in segments.columns
               else np.arange(n))
    unit = merge_short_segments(X, doc_ids, min_segment_size) if min_segment_size > 1 else np.arange(n)
    agg = sparse.csr_matrix((np.ones(n), (unit, np.arange(n))), shape=(unit.max() + 1, n))
    Xu = ((agg @ X) > 0).astype(np.int64).tocsr()
    members_u, parents, splits, split_terms = _hierarchy(Xu, k, min_split_members, cc_test, tsj,
                                                         random_state, max_iter)
    leaves = _leaf_order(parents, splits)
    unit_class = np.zeros(Xu.shape[0], dtype=np.int64)
    for cl, leaf in enumerate(leaves, start=1):
        unit_class[members_u[leaf]] = cl
    seg_class = unit_class[unit]
    members = {nd: np.flatnonzero(np.isin(unit, mu)) for nd, mu in members_u.items()}
    texts = segments[text_col].to_numpy() if segments is not None and text_col in segments.columns else None
    terms, segs = class_statistics(X, seg_class, vocab, texts=texts, n_segments=n_segments)
    segs.insert(2, "segment", index.take(segs["position"].to_numpy()) if len(segs) else [])
    segs = segs.drop(columns="position")
    nodes = _nodes_table(parents, members, leaves)
    params = {"k": k, "min_segment_size": min_segment_size, "min_split_members": min_split_members,
              "cc_test": cc_test, "tsj": tsj, "min_docfreq": min_docfreq, "random_state": random_state}
    split_df = pd.DataFrame(splits, columns=["split", "node", "left", "right", "chi2", "n_members",
                                             "n_left", "n_right", "n_terms"])
    return ReinertResult(
        classes=pd.Series(seg_class, index=index, name="class"), splits=split_df, nodes=nodes,
        terms=terms, segments=segs, share_classified=float((seg_class > 0).mean()), params=params,
        members=members, split_terms=split_terms, unit_of_segment=unit, matrix=Xu, vocabulary=vocab)


def _nodes_table(parents, members, leaves) -> pd.DataFrame:
    leaf_class = {leaf: cl for cl, leaf in enumerate(leaves, start=1)}
    rows = []
    for nd in sorted(parents):
        depth, p = 0, parents[nd]
        while p != -1:
            depth, p = depth + 1, parents[p]
        rows.append({"node": nd, "parent": parents[nd], "depth": depth, "n_segments": len(members[nd]),
                     "class": leaf_class.get(nd, 0)})
    return pd.DataFrame(rows, columns=["node", "parent", "depth", "n_segments", "class"])


# --------------------------------------------------------------------------- double


def _association_chi2(n_both, n1, n2, n) -> float:
    """chi2 (no correction) of the 2 x 2 table of membership in two classes."""
    a, b, c = n_both, n1 - n_both, n2 - n_both
    d = n - a - b - c
    den = n1 * (n - n1) * n2 * (n - n2)
    if den == 0:
        return 0.0
    return float(n * (a * d - b * c) ** 2 / den)


def crossed_classes(result1: ReinertResult, result2: ReinertResult, *, min_members: int = 10,
                    min_chi2: float = 3.84) -> pd.DataFrame:
    """Cross every node of two hierarchies over the same segments (rainette2's crossed classes).

    Parameters
    ----------
    result1, result2 : ReinertResult
        Simple classifications of the same segments.
    min_members : int
        Crossed classes with fewer segments are not kept.
    min_chi2 : float
        Crossed classes whose two classes have a lower association chi2 are not kept.

    Returns
    -------
    pandas.DataFrame
        ``node1``, ``node2``, ``n`` (segments in both), ``chi2`` (association of the two
        classes), ``kept``; identical memberships are listed once (the first pair). The
        ``members`` column holds each crossed class's segment positions.
    """
    n = len(result1.classes)
    if len(result2.classes) != n:
        raise AnalysisError(f"crossed_classes: {n} and {len(result2.classes)} segments: not the same corpus")
    rows, seen = [], set()
    for n1, m1 in sorted(result1.members.items()):
        if n1 == 0:
            continue
        for n2, m2 in sorted(result2.members.items()):
            if n2 == 0:
                continue
            both = np.intersect1d(m1, m2)
            if len(both) == 0:
                continue
            key = both.tobytes()
            if key in seen:
                continue
            seen.add(key)
            chi2 = _association_chi2(len(both), len(m1), len(m2), n)
            # a positive association only: fewer members than expected is no stable class
            if len(both) * n <= len(m1) * len(m2):
                chi2 = 0.0
            rows.append({"node1": n1, "node2": n2, "n": len(both), "chi2": chi2,
                         "kept": len(both) >= min_members and chi2 >= min_chi2, "members": both})
    return pd.DataFrame(rows, columns=["node1", "node2", "n", "chi2", "kept", "members"])


def _best_partition(cands: list, size: int, criterion: str):
    """Set of ``size`` disjoint candidates maximizing the sum of ``criterion`` (branch and bound)."""
    weights = [c[criterion] for c in cands]
    order = sorted(range(len(cands)), key=lambda i: (-weights[i], i))
    best = [-np.inf, None]

    def search(start, chosen, used, total):
        if len(chosen) == size:
            if total > best[0]:
                best[0], best[1] = total, list(chosen)
            return
        need = size - len(chosen)
        rest = [weights[order[j]] for j in range(start, len(order))]
        if len(rest) < need or total + sum(rest[:need]) <= best[0]:
            return
        for j in range(start, len(order)):
            i = order[j]
            if used & cands[i]["set"]:
                continue
            if total + weights[i] * need < best[0]:
                break
            chosen.append(i)
            search(j + 1, chosen, used | cands[i]["set"], total + weights[i])
            chosen.pop()

    search(0, [], frozenset(), 0.0)
    return best[1], best[0]


def reinert_double(segments: pd.DataFrame | None = None, k: int = 10, *, min_segment_size1: int = 10,
                   min_segment_size2: int = 15, max_k: int | None = None, min_members: int = 10,
                   min_chi2: float = 3.84, criterion: str = "chi2", result1: ReinertResult | None = None,
                   result2: ReinertResult | None = None, tokens=None, text_col: str = "text",
                   n_segments: int = 10, random_state=None, **reinert_options) -> ReinertResult:
    """Double classification (rainette2): classes stable across two simple classifications.

    Two simple classifications with ``k`` classes are run on the same segments with
    ``min_segment_size1`` and ``min_segment_size2`` (or given as ``result1``/``result2``).
    Every node of the first hierarchy is crossed with every node of the second; a crossed
    class holds the segments in both. Crossed classes with at least ``min_members`` segments
    and a positive association chi2 of at least ``min_chi2`` are candidates
    (:func:`crossed_classes`). For each number of classes from 2 to ``max_k`` the set of
    pairwise disjoint candidates maximizing the sum of chi2 (``criterion="chi2"``) or the
    number of segments (``"n"``) is found by an exact branch-and-bound search; the result is
    the partition with the most classes found. Segments outside it are unclassified (0).

    Every class kept is the intersection of one class of each simple classification, so no
    class absent from either is ever kept.

    Departures from rainette2: one best partition per number of classes and criterion instead
    of keeping the best by chi2 *and* by size at each step (rainette's ``full=TRUE``); the
    search is exact rather than built by extending the partitions kept at the previous size;
    only positively associated crossings are candidates; no k-nearest-neighbour completion.

    Parameters
    ----------
    segments : pandas.DataFrame
    k : int
        Classes of each simple classification.
    min_segment_size1, min_segment_size2 : int
        ``min_segment_size`` of the two simple classifications.
    max_k : int, optional
        Largest number of classes of the result (default ``k``).
    min_members : int
    min_chi2 : float
    criterion : {"chi2", "n"}
    result1, result2 : ReinertResult, optional
        Simple classifications to cross instead of running them.
    tokens, text_col, n_segments, random_state, **reinert_options
        As in :func:`reinert`.

    Returns
    -------
    ReinertResult
        ``classes`` numbered in the order of the chosen crossed classes by decreasing chi2;
        ``crossed`` and ``partitions`` filled; ``nodes`` lists the crossed classes
        (``node`` = class, ``parent`` -1); ``splits`` is empty.
    """
    if criterion not in ("chi2", "n"):
        raise AnalysisError(f"reinert_double: criterion must be 'chi2' or 'n', not {criterion!r}")
    max_k = k if max_k is None else max_k
    rng = np.random.default_rng(random_state)
    seeds = rng.integers(2**31 - 1, size=2)
    common = dict(k=k, tokens=tokens, text_col=text_col, n_segments=n_segments, **reinert_options)
    if result1 is None:
        result1 = reinert(segments, min_segment_size=min_segment_size1, random_state=int(seeds[0]), **common)
    if result2 is None:
        result2 = reinert(segments, min_segment_size=min_segment_size2, random_state=int(seeds[1]), **common)
    crossed = crossed_classes(result1, result2, min_members=min_members, min_chi2=min_chi2)
    cands = [{"chi2": r.chi2, "n": float(r.n), "set": frozenset(r.members.tolist()), "row": i}
             for i, r in enumerate(crossed.itertuples()) if r.kept]
    parts, best = [], None
    for size in range(2, max_k + 1):
        chosen, value = _best_partition(cands, size, criterion)
        if chosen is None:
            break
        chosen = sorted(chosen, key=lambda i: (-cands[i]["chi2"], cands[i]["row"]))
        rows = [cands[i]["row"] for i in chosen]
        parts.append({"n_classes": size, "crossed": rows, "total_chi2": sum(cands[i]["chi2"] for i in chosen),
                      "n_segments": int(sum(cands[i]["n"] for i in chosen))})
        best = rows
    n = len(result1.classes)
    classes = np.zeros(n, dtype=np.int64)
    node_rows = []
    for cl, row in enumerate(best or [], start=1):
        classes[crossed.at[row, "members"]] = cl
        node_rows.append({"node": cl, "parent": -1, "depth": 1, "n_segments": int(crossed.at[row, "n"]),
                          "class": cl})
    Xs, vocab = segment_term_matrix(segments, tokens=tokens, text_col=text_col,
                                    min_docfreq=result1.params["min_docfreq"],
                                    **{k_: v for k_, v in reinert_options.items()
                                       if k_ not in ("min_split_members", "cc_test", "tsj", "max_iter",
                                                     "doc_col", "min_docfreq")})
    texts = segments[text_col].to_numpy() if segments is not None and text_col in segments.columns else None
    terms, segs = class_statistics(Xs, classes, vocab, texts=texts, n_segments=n_segments)
    index = result1.classes.index
    segs.insert(2, "segment", index.take(segs["position"].to_numpy()) if len(segs) else [])
    segs = segs.drop(columns="position")
    params = {"k": k, "min_segment_size1": min_segment_size1, "min_segment_size2": min_segment_size2,
              "max_k": max_k, "min_members": min_members, "min_chi2": min_chi2, "criterion": criterion,
              "random_state": random_state}
    members = {0: np.arange(n)}
    members.update({cl: np.flatnonzero(classes == cl) for cl in range(1, len(best or []) + 1)})
    return ReinertResult(
        classes=pd.Series(classes, index=index, name="class"),
        splits=pd.DataFrame(columns=["split", "node", "left", "right", "chi2", "n_members", "n_left",
                                     "n_right", "n_terms"]),
        nodes=pd.DataFrame(node_rows, columns=["node", "parent", "depth", "n_segments", "class"]),
        terms=terms, segments=segs, share_classified=float((classes > 0).mean()), params=params,
        members=members, vocabulary=vocab, crossed=crossed,
        partitions=pd.DataFrame(parts, columns=["n_classes", "crossed", "total_chi2", "n_segments"]))
