"""NPMI topic coherence, counted over sliding windows as gensim's ``c_npmi`` counts it.

:func:`npmi_coherence` scores each topic's top words by their normalized pointwise mutual
information in the reference texts (Röder et al. 2015); :func:`window_counts` gives the window
counts it rests on, and :func:`npmi` the measure for one pair. Used by :mod:`analysis.topics`
(``select_k``, ``topic_summary``), which re-exports the three.

Röder, M., Both, A. & Hinneburg, A. (2015). Exploring the space of topic coherence measures.
WSDM '15, 399-408.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy import sparse

#: Added to the joint probability before taking logs, as in Röder et al. (2015) and gensim.
EPSILON = 1e-12


def window_counts(texts, words, window_size: int = 10, *, relevant_only: bool = False):
    """Boolean sliding-window counts of ``words`` in ``texts``, as gensim's ``c_npmi`` counts them.

    Each text is a list of tokens. The procedure follows gensim >= 4.1
    (``p_boolean_sliding_window``, ``WindowedTextsAnalyzer``/``WordOccurrenceAccumulator``; the
    pull request "Fix computation of topic coherence" of gensim 4.1.0 made every text count):

    - every window of every text counts in the total (the denominator of every probability),
      whether or not it holds any of ``words``; an empty text yields no window;
    - a text of ``n >= window_size`` tokens yields ``n - window_size + 1`` windows (one per
      position, step 1); a shorter, non-empty text yields one window, the whole text
      (gensim's ``iter_windows(..., ignore_below_size=False)``);
    - a window counts a word once however often it occurs in it (boolean), and a pair once if
      both words occur in it.

    Gensim before 4.1 skipped every text holding none of the words evaluated (the words of all
    topics scored together), so the total, and every probability, depended on which topics
    were scored together; ``relevant_only=True`` reproduces that older count.

    One difference from gensim, by design: gensim updates the set of words of a window
    incrementally (it un-marks the token that leaves the window), so when a word occurs twice
    within one window and its first copy slides out, gensim stops counting it although the
    second copy is still inside. This function builds each window's set afresh, which is the
    definition of Röder et al. (2015); the two agree whenever no word repeats within a window.

    Parameters
    ----------
    texts : iterable of list of str
        Reference texts (here: the units' own tokens).
    words : sequence of str
        Distinct words to count.
    window_size : int
        Window length in tokens (10 for ``c_npmi``).
    relevant_only : bool
        Count only the texts holding at least one of ``words`` (gensim < 4.1).

    Returns
    -------
    n_windows : int
        Number of windows (virtual documents).
    occurrences : numpy.ndarray of int, shape (n_words,)
        Windows containing each word.
    co_occurrences : numpy.ndarray of int, shape (n_words, n_words)
        Windows containing both words; the diagonal equals ``occurrences``.
    """
    words = list(words)
    if len(set(words)) != len(words):
        raise ValueError("words must be distinct")
    index = {w: i for i, w in enumerate(words)}
    rows, cols = [], []
    n_windows = 0
    for text in texts:
        ids = np.array([index.get(token, -1) for token in text], dtype=np.int64)
        if len(ids) == 0:
            continue
        positions = np.flatnonzero(ids >= 0)
        n_text_windows = max(len(ids) - window_size + 1, 1)
        if positions.size == 0:
            n_windows += 0 if relevant_only else n_text_windows
            continue
        # the token at position p lies in the windows starting at p - window_size + 1 ... p
        first = np.maximum(positions - window_size + 1, 0)
        last = np.minimum(positions, n_text_windows - 1)
        lengths = last - first + 1
        steps = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        rows.append(n_windows + np.repeat(first, lengths) + steps)
        cols.append(np.repeat(ids[positions], lengths))
        n_windows += n_text_windows
    rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    cols = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    incidence = sparse.csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(n_windows, len(words)))
    incidence.data[:] = 1  # boolean: a word repeated within a window counts once
    co_occurrences = (incidence.T @ incidence).toarray()
    return n_windows, np.diag(co_occurrences).copy(), co_occurrences


def npmi(count_a, count_b, count_ab, n_windows, eps: float = EPSILON):
    """Normalized PMI of word pairs from window counts, as gensim's ``log_ratio_measure(normalize=True)``.

    ``NPMI = log((P(a, b) + eps) / (P(a) P(b))) / -log(P(a, b) + eps)`` with probabilities
    ``count / n_windows``. The epsilon keeps the logarithms finite when a pair never co-occurs:
    such a pair scores ``-1 + log(P(a) P(b)) / log(eps)``, slightly above -1 (e.g. -0.833 for
    ``P(a) P(b) = 0.01``), exactly as gensim computes it, not the -1 of Bouma's limit.

    A word that never occurs in the reference (``count_a == 0`` or ``count_b == 0``) makes the
    formula divide by zero. Here such a pair scores -1, the NPMI of words that never co-occur
    (Bouma 2009): a top word the reference never attests is treated as incoherent with the
    others. (Gensim rarely reaches this case: its ``CoherenceModel`` first drops from each
    topic the words missing from its dictionary, which is usually built from the reference
    texts, and scores the topic on its other words; see ``absent="drop"`` in
    :func:`npmi_coherence`. A word in the dictionary but in none of the texts gives a
    division by zero there.)

    Parameters
    ----------
    count_a, count_b, count_ab : array-like of int
        Windows containing a, b, and both.
    n_windows : int
        Total number of windows.
    eps : float
        Smoothing constant (1e-12 in Röder et al. and gensim).

    Returns
    -------
    numpy.ndarray of float
    """
    count_a, count_b, count_ab = (np.asarray(c, dtype=float) for c in (count_a, count_b, count_ab))
    absent = (count_a == 0) | (count_b == 0)
    p_a = count_a / n_windows
    p_b = count_b / n_windows
    p_ab = count_ab / n_windows
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log((p_ab + eps) / (p_a * p_b))
        value = pmi / -np.log(p_ab + eps)
    return np.where(absent, -1.0, value)


def npmi_coherence(topics, texts, *, window_size: int = 10, eps: float = EPSILON,
                   absent: str = "penalize", relevant_only: bool = False) -> pd.DataFrame:
    """NPMI coherence of each topic, as Röder et al. (2015) and gensim's ``c_npmi`` define it.

    For each topic, the NPMI of every pair of its top words (gensim's ``s_one_one`` segmentation:
    all ordered pairs, whose mean equals the mean over unordered pairs since NPMI is symmetric),
    estimated from boolean sliding windows over ``texts`` (:func:`window_counts`: every window
    of every text counts, as in gensim >= 4.1), then the arithmetic mean.

    Top words absent from the reference (in no text): with ``absent="penalize"`` (default)
    every pair holding one scores -1 (see :func:`npmi`), so a topic whose top words the
    reference does not attest looks incoherent; with ``absent="drop"`` they are left out of the
    topic before its pairs are formed, as gensim's ``CoherenceModel`` does with words missing
    from a dictionary built from the reference texts (a topic left with fewer than two words
    scores NaN). ``n_absent`` counts them either way.

    Parameters
    ----------
    topics : list of list of str
        Top words of each topic (e.g. :func:`topic_words`).
    texts : iterable of list of str
        Reference token lists (the units' own tokens, from the same tokenizer as the model).
    window_size : int
        Sliding window length (10 for ``c_npmi``).
    eps : float
        Smoothing constant.
    absent : {"penalize", "drop"}
    relevant_only : bool
        Count only the texts holding a top word of some topic (gensim < 4.1; see
        :func:`window_counts`).

    Returns
    -------
    pandas.DataFrame
        One row per topic: ``topic`` (1-based), ``coherence`` (mean NPMI over pairs, in
        [-1, 1]), ``n_pairs`` (unordered pairs scored) and ``n_absent`` (top words never seen
        in the reference).
    """
    if absent not in ("penalize", "drop"):
        raise ValueError(f"absent must be 'penalize' or 'drop', not {absent!r}")
    topics = [list(t) for t in topics]
    texts = [list(t) for t in texts]
    words = sorted({w for t in topics for w in t})
    n_windows, occurrences, co_occurrences = window_counts(texts, words, window_size,
                                                           relevant_only=relevant_only)
    index = {w: i for i, w in enumerate(words)}
    rows = []
    for t, top in enumerate(topics, start=1):
        ids = [index[w] for w in top]
        n_absent = int(sum(occurrences[i] == 0 for i in ids))
        if absent == "drop":
            ids = [i for i in ids if occurrences[i] > 0]
        pairs = list(combinations(ids, 2))
        if pairs and n_windows > 0:
            a, b = np.array(pairs).T
            values = npmi(occurrences[a], occurrences[b], co_occurrences[a, b], n_windows, eps)
            coherence = float(np.mean(values))
        else:
            coherence = float("nan")
        rows.append({"topic": t, "coherence": coherence, "n_pairs": len(pairs), "n_absent": n_absent})
    return pd.DataFrame(rows, columns=["topic", "coherence", "n_pairs", "n_absent"])
