"""A CSR matrix whose transpose is made once, for scikit-learn's coordinate-descent NMF.

scikit-learn's NMF (``solver="cd"``) multiplies by ``X.T`` on every iteration, and scipy builds
a new transpose object each time; on the small matrices of the notebooks those checks cost more
than the products. :class:`TransposeOnceCSR` keeps one transpose (scipy's own, sharing the
arrays), so the fit runs the same scipy routines on the same arrays and is bit for bit the same
(``tests/test_topics_exact.py``). Used by :func:`analysis.topics.fit_topics`.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse


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
    than the product on these small matrices; everything else is left to scipy.
    """
    if (other.__class__ is np.ndarray and other.ndim == 2 and other.shape[0] == matrix.shape[1]
            and other.shape[1] != 1):
        return matrix._matmul_multivector(other)
    return base.__matmul__(matrix, other)
