"""A CSR matrix whose transpose is made once, for scikit-learn's coordinate-descent NMF.

scikit-learn's NMF (``solver="cd"``) multiplies by ``X.T`` on every iteration, and scipy builds
a new transpose object each time; on the small matrices of the notebooks those checks cost more
than the products. :class:`TransposeOnceCSR` keeps one transpose (scipy's own, sharing the
arrays), so the fit runs the same scipy routines on the same arrays and is bit for bit the same
(``tests/test_topics_exact.py``). Used by :func:`analysis.topics.fit_topics`.

On a large matrix (at least :data:`THREADED_NNZ` stored values) the product ``X @ H.T`` with a
dense array is split over threads by blocks of rows (scipy's sparse products release the GIL):
each row of the result is computed by the same scipy routine from the same values in the same
order, so the result is bit for bit the product computed at once, whatever the number of
threads. The product with the transpose (a CSC matrix) stays in one thread: splitting it by
rows needs a CSR copy of the transpose, as large as the matrix (measured at 100,000 articles,
2 cores: NMF 8 % faster with both products threaded, against memory the targets need more).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse

#: Products of a matrix with at least this many stored values by a dense array are split over
#: threads; below it (every notebook's matrix) threads cost more than they save.
THREADED_NNZ = 2_000_000
#: Threads the products are split over, at most (one per core).
MAX_THREADS = 8

_POOL: dict = {}


class TransposeOnceCSR(sparse.csr_matrix):
    """A CSR matrix whose transpose is made once and kept: ``X.T`` is the same object every time.

    scikit-learn's coordinate-descent NMF updates H with ``X.T`` on every iteration, and scipy
    builds a new CSC matrix for each (a few tens of microseconds of checks, several thousand
    times per fit). The transpose made here is exactly the one scipy makes (a CSC matrix sharing
    ``data``, ``indices`` and ``indptr``, see :meth:`scipy.sparse.csr_matrix.transpose`), of class
    :class:`_KeptTransposeCSC` whose own transpose is this matrix, so every product is computed
    by the same scipy code on the same arrays and the fit is bit for bit the same.

    Build it from a CSR matrix (``TransposeOnceCSR(X)`` shares X's arrays). Do not change its
    sparsity structure in place afterwards (the kept transpose would not follow); values changed
    in place are shared, as with scipy's own transpose. ``transpose(copy=True)`` is scipy's.
    A product with a dense 2-D array calls the routine scipy's ``@`` would reach (:func:`_matmul`).
    """

    def transpose(self, axes=None, copy=False):
        if axes is None and not copy:
            kept = self.__dict__.get("_kept_transpose")
            if kept is None:
                kept = sparse.csr_matrix.transpose(self)
                kept.__class__ = _KeptTransposeCSC
                kept._kept_transpose = self
                self._kept_transpose = kept
            return kept
        return sparse.csr_matrix.transpose(self, axes=axes, copy=copy)

    transpose.__doc__ = sparse.csr_matrix.transpose.__doc__

    def __matmul__(self, other):
        return _matmul(self, other, sparse.csr_matrix)


class _KeptTransposeCSC(sparse.csc_matrix):
    """The transpose kept by :class:`TransposeOnceCSR`; its own transpose is that matrix."""

    def transpose(self, axes=None, copy=False):
        original = self.__dict__.get("_kept_transpose")
        if axes is None and not copy and original is not None:
            return original
        return sparse.csc_matrix.transpose(self, axes=axes, copy=copy)

    transpose.__doc__ = sparse.csc_matrix.transpose.__doc__

    def __matmul__(self, other):
        return _matmul(self, other, sparse.csc_matrix)


def _matmul(matrix, other, base):
    """``matrix @ other``: a dense 2-D ``other`` goes straight to scipy's multivector product.

    That is the branch scipy's own ``__matmul__`` takes for a dense array of shape
    ``(n_columns, m)`` with ``m > 1`` (NMF's ``X @ H.T`` and ``X.T @ W`` on every iteration),
    reached without the generic checks of scalars, vectors and sparse operands that cost more
    than the product on these small matrices; everything else is left to scipy. On a large CSR
    matrix that product is split over threads (:func:`threads`, :func:`row_blocks`).
    """
    if (other.__class__ is np.ndarray and other.ndim == 2 and other.shape[0] == matrix.shape[1]
            and other.shape[1] != 1):
        n_threads = threads()
        if (base is sparse.csr_matrix and matrix.nnz >= THREADED_NNZ and n_threads > 1
                and matrix.indptr.dtype == matrix.indices.dtype):
            blocks = matrix.__dict__.get("_row_blocks")
            if blocks is None or len(blocks) != n_threads:
                blocks = matrix._row_blocks = row_blocks(matrix, n_threads)
            return np.vstack(list(_pool(n_threads).map(
                lambda block: block._matmul_multivector(other), blocks)))
        return matrix._matmul_multivector(other)
    return base.__matmul__(matrix, other)


def threads() -> int:
    """Threads a large product is split over: one per core, at most :data:`MAX_THREADS`."""
    return max(1, min(os.cpu_count() or 1, MAX_THREADS))


def _pool(n_threads: int) -> ThreadPoolExecutor:
    pool = _POOL.get(n_threads)
    if pool is None:
        pool = _POOL[n_threads] = ThreadPoolExecutor(n_threads, thread_name_prefix="sparse-product")
    return pool


def row_blocks(matrix: sparse.csr_matrix, n: int) -> list:
    """Cut a CSR matrix into ``n`` blocks of consecutive rows holding about as many values each.

    Each block shares the matrix's ``data`` and ``indices`` (slices); stacked, the blocks' products
    with a dense array are the matrix's product, row for row.

    Examples
    --------
    >>> X = sparse.csr_matrix(np.arange(12.0).reshape(4, 3))
    >>> [b.shape for b in row_blocks(X, 2)]
    [(2, 3), (2, 3)]
    >>> bool((sparse.vstack(row_blocks(X, 3)) != X).nnz == 0)
    True
    """
    indptr = matrix.indptr
    targets = np.linspace(0, indptr[-1], n + 1)[1:-1]
    cuts = np.searchsorted(indptr, targets, side="left")  # first row boundary at or past each target
    closer = (cuts > 0) & (targets - indptr[np.maximum(cuts - 1, 0)] <= indptr[np.minimum(cuts, len(indptr) - 1)] - targets)
    cuts = np.where(closer, cuts - 1, cuts)  # ... or the one before it, when nearer
    bounds = [0, *sorted(set(int(c) for c in cuts) - {0, matrix.shape[0]}), matrix.shape[0]]
    blocks = []
    for a, b in zip(bounds, bounds[1:]):
        lo, hi = indptr[a], indptr[b]
        # the arrays are set on an empty matrix: scipy's constructor copies a slice smaller than
        # half of its array ("pruning"), which would copy the matrix block by block
        block = sparse.csr_matrix((b - a, matrix.shape[1]), dtype=matrix.dtype)
        block.data, block.indices = matrix.data[lo:hi], matrix.indices[lo:hi]
        block.indptr = (indptr[a:b + 1] - lo).astype(indptr.dtype, copy=False)
        for flag in ("_has_sorted_indices", "_has_canonical_format"):  # facts of the empty matrix
            block.__dict__.pop(flag, None)
        blocks.append(block)
    return blocks
