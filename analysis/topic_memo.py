"""The memory of :func:`analysis.topics.topic_stability`: seeded runs remembered by their exact inputs.

Each stability run is deterministic given its inputs (the document-term matrix, the reference
topics, the method, the seed and every estimator setting), so :mod:`analysis.topics` keeps its
result (the matched topics and similarities, a few numbers) under a key made of those inputs and
fits it once per process: :func:`analysis.topics.select_k` and
:func:`analysis.topics.k_choice_frequency` (and a notebook calling both) refit the same runs.
Nothing is written to disk.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict

import numpy as np
from scipy import sparse

#: Stability runs remembered in memory: at most this many seeded runs, least recently used first out.
RUN_MEMO_SIZE = 100_000


class _Memo:
    """A small least-recently-used store in memory (nothing is written to disk).

    The same seeded runs are refitted on the same matrix by several calls; each run is
    deterministic given its inputs, so its result is remembered under a key made of those exact
    inputs and fitted once per process.
    """

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        """The stored ``(matched, similarity)`` arrays (copies) or ``(None, None)``."""
        found = self._items.get(key)
        if found is None:
            return None, None
        self._items.move_to_end(key)
        return tuple(a.copy() for a in found)

    def put(self, key, value) -> None:
        """Store copies of ``value``; drop the least recently used entries beyond ``maxsize``."""
        self._items[key] = tuple(np.array(a, copy=True) for a in value)
        self._items.move_to_end(key)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget every stored run."""
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


_RUN_MEMO = _Memo(RUN_MEMO_SIZE)


def clear_memo() -> None:
    """Forget the stability runs remembered by :func:`analysis.topics.topic_stability` in this process."""
    _RUN_MEMO.clear()


def _array_digest(array: np.ndarray) -> tuple:
    """Shape, dtype and a BLAKE2 digest of an array's bytes (C order)."""
    array = np.ascontiguousarray(array)
    return array.shape, array.dtype.str, hashlib.blake2b(array.view(np.uint8).ravel(), digest_size=20).hexdigest()


def _matrix_key(dtm):
    """What identifies a document-term matrix exactly, or None when it is of an unknown kind."""
    if sparse.issparse(dtm) and dtm.format in ("csr", "csc", "coo"):
        if dtm.format == "coo":
            parts = (dtm.row, dtm.col, dtm.data)
        else:
            parts = (dtm.indptr, dtm.indices, dtm.data)
        return (type(dtm).__module__, type(dtm).__name__, dtm.format, dtm.shape,
                *(_array_digest(np.asarray(a)) for a in parts))
    if type(dtm) is np.ndarray and dtm.dtype.kind in "biuf":
        return ("ndarray", _array_digest(dtm))
    return None


def _inputs_key(dtm, reference):
    """Key of the matrix and the reference topics of a :func:`topic_stability` call (or None)."""
    matrix = _matrix_key(dtm)
    if matrix is None:
        return None
    return matrix, _array_digest(np.asarray(reference, dtype=float))
