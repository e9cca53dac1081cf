"""Theme statistics from the matches table: prevalence, co-occurrence, validation.

Every function here reads the matches table of :func:`analysis.matching.code_themes` (pass it
as ``matches=`` or let it be computed once through the coding cache), never the raw text:

- :func:`add_period`, :func:`prevalence` (rates per 1,000 words by group with bootstrap
  intervals; refuses to pool articles with undated teasers over time);
- :func:`cooccurrence`, :func:`cooccurrence_stats` (paragraph-level co-occurrence, Jaccard,
  lift);
- :func:`load_validation`, :func:`validate` (precision/recall per theme against hand-labelled
  sentences), :func:`validation_errors` (the disagreements).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.codebook import Codebook, get_codebook
from analysis.matching import count_themes, theme_ids as _theme_ids, theme_matches
from analysis.paths import PROJ_ROOT

#: The hand-labelled validation sentences (one 0/1 column per theme id).
VALIDATION = PROJ_ROOT / "tests" / "data" / "theme_validation.csv"

#: Columns by which :func:`prevalence` compares periods: mixing articles with undated teasers
#: over them is refused unless explicitly allowed.
TIME_COLUMNS = ("period", "date", "year")


# ---------------------------------------------------------------------------------------------
# Prevalence with bootstrap intervals
# ---------------------------------------------------------------------------------------------

def add_period(df: pd.DataFrame, date_col: str = "date", *, col: str = "period") -> pd.DataFrame:
    """Return a copy of ``df`` with a period label: the year of ``date_col`` as a string.

    Parameters
    ----------
    df : pandas.DataFrame
    date_col : str
        A datetime column (NaT for undated units such as teasers).
    col : str
        Name of the new column.

    Returns
    -------
    pandas.DataFrame
        ``df`` with ``col`` holding ``"2016"``, ``"2025"``, ... and ``"undated"`` for NaT.

    Examples
    --------
    >>> add_period(pd.DataFrame({"date": pd.to_datetime(["2016-10-31", None])}))["period"].tolist()
    ['2016', 'undated']
    """
    if date_col not in df.columns:
        raise KeyError(f"no {date_col!r} column to take periods from")
    dates = pd.to_datetime(df[date_col])
    out = df.copy()
    out[col] = [("undated" if pd.isna(d) else str(d.year)) for d in dates]
    return out


def _check_kinds(paragraphs: pd.DataFrame, by: str, allow_mixed_kinds: bool) -> None:
    if by not in TIME_COLUMNS or allow_mixed_kinds or "kind" not in paragraphs.columns:
        return
    kinds = set(paragraphs["kind"].dropna().unique())
    if {"article", "related"} <= kinds:
        raise ValueError(
            f"prevalence by {by!r} over rows whose kind mixes 'article' and 'related': related "
            "units (teasers, '>>' links) are undated and were published at other times, so "
            "comparisons over time use articles only. Filter first, e.g. "
            "paragraphs[paragraphs['kind'] == 'article'], or pass allow_mixed_kinds=True to "
            "pool them on purpose.")


def _bootstrap_rates(counts: np.ndarray, words: np.ndarray, docs: np.ndarray, n_boot: int,
                     rng: np.random.Generator) -> np.ndarray:
    """Bootstrap rates per 1,000 words, ``(n_boot, n_themes)``, resampling rows within docs.

    Each replicate draws, for every document, as many of its paragraphs (with replacement) as
    it has; the replicate's rate is 1,000 x total matches / total words over the draws.
    """
    order = np.argsort(docs, kind="stable")
    counts, words, docs = counts[order], words[order], docs[order]
    n = len(docs)
    _, first, sizes = np.unique(docs, return_index=True, return_counts=True)
    slot_start = np.repeat(first, sizes)  # for each slot, the first row of its document
    slot_size = np.repeat(sizes, sizes)
    out = np.empty((n_boot, counts.shape[1]))
    block = max(1, 2_000_000 // max(n, 1))
    for b0 in range(0, n_boot, block):
        b1 = min(n_boot, b0 + block)
        u = rng.random((b1 - b0, n))
        pick = slot_start + np.minimum((u * slot_size).astype(np.int64), slot_size - 1)
        flat = (pick + n * np.arange(b1 - b0)[:, None]).ravel()
        weights = np.bincount(flat, minlength=(b1 - b0) * n).reshape(b1 - b0, n).astype(float)
        num = weights @ counts
        den = weights @ words
        with np.errstate(divide="ignore", invalid="ignore"):
            out[b0:b1] = 1000.0 * num / den[:, None]
    return out


def prevalence(paragraphs: pd.DataFrame, by: str, *,
               codebook: Codebook | Path | str | None = None, n_boot: int = 2000,
               ci: float = 0.95, random_state=0, allow_mixed_kinds: bool = False,
               themes=None, text_col: str = "text",
               matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Theme rates per 1,000 words by group, with stratified bootstrap percentile intervals.

    For each group of ``by`` and each theme: the number of matches (:func:`count_themes` on the
    paragraph texts), the number of words (sum of ``n_words``, i.e.
    :func:`analysis.text.count_words`), their ratio x 1,000, and a percentile interval from
    ``n_boot`` bootstrap replicates.

    **Why resample paragraphs within documents.** The unit of text is the paragraph, but
    paragraphs of one article are not independent of the article they belong to, and groups
    hold very few documents (2 or 3 articles per year in the seed corpus). Each replicate
    therefore resamples, with replacement, the paragraphs *of each document* in the group, as
    many as the document has (a bootstrap stratified by ``doc_id``): every document keeps its
    weight in the group, and the interval shows how much the rate depends on which paragraphs
    happened to carry the theme. Resampling whole documents instead (a cluster bootstrap) would
    be the right choice for many documents but is degenerate with two or three. The interval is
    thus conditional on the documents observed: it does not cover the variation between
    articles an outlet might publish, and should be read as a lower bound on uncertainty. A
    single-paragraph document contributes no variation, and a group with one paragraph has
    ``ci_low == ci_high``. Replicates use ``numpy.random.default_rng(random_state)`` and are
    drawn group by group in sorted group order, so the same seed gives the same numbers.

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        Output of :func:`analysis.corpus.paragraphs`: ``doc_id``, ``para_id``, ``kind``,
        ``text``, ``n_words`` (and ``date`` for articles).
    by : str
        Grouping column, e.g. ``"kind"``, ``"doc_id"``, ``"period"``. When ``by == "period"``
        and the column is missing it is added with :func:`add_period` from ``date``.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    n_boot : int
        Bootstrap replicates (0: no interval, ``ci_low``/``ci_high`` are NaN).
    ci : float
        Coverage of the percentile interval, in (0, 1).
    random_state : int, numpy.random.Generator or None
        Seed of :func:`numpy.random.default_rng`.
    allow_mixed_kinds : bool
        ``by`` in :data:`TIME_COLUMNS` over rows mixing ``kind`` "article" and "related" raises
        ValueError unless this is True: teasers are undated and are never silently pooled with
        articles in comparisons over time.
    themes : str or list of str, optional
        Restrict to these theme ids.
    text_col : str
        Column holding the texts.
    matches : pandas.DataFrame, optional
        The matches table of these rows (:func:`analysis.matching.code_themes`, same rows in the
        same order); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        One row per group x theme (groups sorted, themes in codebook order), columns ``by``,
        ``theme``, ``n_matches``, ``n_words``, ``rate_per_1000``, ``ci_low``, ``ci_high``,
        ``n_paragraphs``, ``n_docs``. Rates are NaN for a group without words.

    Raises
    ------
    ValueError
        Mixed kinds over time (see ``allow_mixed_kinds``), bad ``ci`` or ``n_boot``.
    """
    if not 0 < ci < 1:
        raise ValueError("ci must be in (0, 1)")
    if n_boot < 0:
        raise ValueError("n_boot must be >= 0")
    if by == "period" and "period" not in paragraphs.columns:
        paragraphs = add_period(paragraphs)
    for col in (by, "doc_id", "n_words", text_col):
        if col not in paragraphs.columns:
            raise KeyError(f"paragraphs has no {col!r} column")
    _check_kinds(paragraphs, by, allow_mixed_kinds)
    cb = get_codebook(codebook)
    ids = _theme_ids(cb, themes)
    counts = count_themes(paragraphs[text_col], cb, themes=ids,
                          matches=matches).to_numpy(dtype=float)
    words = paragraphs["n_words"].to_numpy(dtype=float)
    docs = paragraphs["doc_id"].astype(str).to_numpy()
    groups = paragraphs[by].to_numpy()
    rng = np.random.default_rng(random_state)
    alpha = (1 - ci) / 2
    rows = []
    for group in sorted(pd.unique(groups), key=str):
        rows_g = np.flatnonzero(groups == group)
        c, w, d = counts[rows_g], words[rows_g], docs[rows_g]
        n_matches, n_words = c.sum(axis=0), w.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = 1000.0 * n_matches / n_words if n_words else np.full(len(ids), np.nan)
        if n_boot:
            boot = _bootstrap_rates(c, w, d, n_boot, rng)
            if np.isnan(boot).all():
                low = high = np.full(len(ids), np.nan)
            else:
                low, high = np.nanquantile(boot, [alpha, 1 - alpha], axis=0)
        else:
            low = high = np.full(len(ids), np.nan)
        for j, theme in enumerate(ids):
            rows.append({by: group, "theme": theme, "n_matches": int(n_matches[j]),
                         "n_words": int(n_words), "rate_per_1000": float(rate[j]),
                         "ci_low": float(low[j]), "ci_high": float(high[j]),
                         "n_paragraphs": len(rows_g), "n_docs": len(set(d))})
    columns = [by, "theme", "n_matches", "n_words", "rate_per_1000", "ci_low", "ci_high",
               "n_paragraphs", "n_docs"]
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------------------------------------
# Co-occurrence
# ---------------------------------------------------------------------------------------------

def _presence(paragraphs, codebook, themes, text_col, matches) -> pd.DataFrame:
    texts = paragraphs[text_col] if isinstance(paragraphs, pd.DataFrame) else paragraphs
    return (count_themes(texts, codebook, themes=themes, matches=matches) > 0).astype(np.int64)


def cooccurrence(paragraphs, *, codebook: Codebook | Path | str | None = None, themes=None,
                 text_col: str = "text", matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Theme x theme co-occurrence: number of paragraphs where both themes occur.

    Parameters
    ----------
    paragraphs : pandas.DataFrame or pandas.Series
        Paragraphs (column ``text_col``) or a Series of texts. The unit of co-occurrence is the
        row: pass paragraphs, not whole pages.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    themes : str or list of str, optional
        Restrict to these theme ids.
    text_col : str
    matches : pandas.DataFrame, optional
        The matches table of these rows (:func:`analysis.matching.code_themes`, same rows in the
        same order); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        Square int64 matrix indexed and columned by theme id (codebook order); the diagonal is
        the number of paragraphs with the theme.
    """
    presence = _presence(paragraphs, codebook, themes, text_col, matches)
    matrix = presence.T @ presence
    matrix.index.name = None
    matrix.columns.name = None
    return matrix.astype(np.int64)


def cooccurrence_stats(paragraphs, *, codebook: Codebook | Path | str | None = None,
                       themes=None, text_col: str = "text",
                       matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Association of each pair of themes over paragraphs: counts, Jaccard and lift.

    Parameters
    ----------
    paragraphs : pandas.DataFrame or pandas.Series
        As for :func:`cooccurrence`.
    codebook : Codebook, path or None
    themes : str or list of str, optional
    text_col : str
    matches : pandas.DataFrame, optional
        The matches table of these rows (:func:`analysis.matching.code_themes`, same rows in the
        same order); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair (``theme_a`` before ``theme_b`` in codebook order):
        ``n_a``, ``n_b`` (paragraphs with each theme), ``n_both``, ``n_paragraphs``,
        ``jaccard`` = n_both / (n_a + n_b - n_both) and ``lift`` = n_both x n_paragraphs /
        (n_a x n_b) (> 1: together more often than if independent). NaN when undefined.
    """
    presence = _presence(paragraphs, codebook, themes, text_col, matches)
    matrix = (presence.T @ presence).to_numpy()
    ids = list(presence.columns)
    total = len(presence)
    rows = []
    for i, a in enumerate(ids):
        for j in range(i + 1, len(ids)):
            n_a, n_b, n_both = int(matrix[i, i]), int(matrix[j, j]), int(matrix[i, j])
            union = n_a + n_b - n_both
            rows.append({"theme_a": a, "theme_b": ids[j], "n_a": n_a, "n_b": n_b,
                         "n_both": n_both, "n_paragraphs": total,
                         "jaccard": n_both / union if union else np.nan,
                         "lift": n_both * total / (n_a * n_b) if n_a and n_b else np.nan})
    return pd.DataFrame(rows, columns=["theme_a", "theme_b", "n_a", "n_b", "n_both",
                                       "n_paragraphs", "jaccard", "lift"])


# ---------------------------------------------------------------------------------------------
# Validation against hand-labelled sentences
# ---------------------------------------------------------------------------------------------

def load_validation(path: Path | str = VALIDATION) -> pd.DataFrame:
    """Read the hand-labelled validation sentences.

    Parameters
    ----------
    path : pathlib.Path or str
        Default :data:`VALIDATION` (``tests/data/theme_validation.csv``): columns ``sentence``,
        one 0/1 column per theme id, ``note``.

    Returns
    -------
    pandas.DataFrame
    """
    return pd.read_csv(path, keep_default_na=False)


def _labels(labeled: pd.DataFrame, cb: Codebook, sentence_col: str) -> list[str]:
    if sentence_col not in labeled.columns:
        raise KeyError(f"labeled has no {sentence_col!r} column")
    ids = [t for t in cb.ids if t in labeled.columns]
    if not ids:
        raise ValueError(f"labeled has no column named after a theme id of {cb.path}")
    for theme in ids:
        if not labeled[theme].isin([0, 1]).all():
            raise ValueError(f"labels of {theme!r} must be 0 or 1")
    return ids


def validate(labeled: pd.DataFrame, codebook: Codebook | Path | str | None = None, *,
             sentence_col: str = "sentence",
             matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Precision and recall of each theme against hand-labelled sentences.

    A sentence is predicted positive for a theme when :func:`count_themes` finds at least one
    match. Labels are decided from the codebook's definitions, judged on the sentence alone.

    Parameters
    ----------
    labeled : pandas.DataFrame
        ``sentence_col`` plus one 0/1 column per theme id (themes without a column are not
        evaluated); e.g. :func:`load_validation`.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    sentence_col : str
    matches : pandas.DataFrame, optional
        The matches table of the sentences (:func:`analysis.matching.code_themes` of
        ``labeled[sentence_col]``); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        Indexed by theme (codebook order): ``tp``, ``fp``, ``fn``, ``tn``, ``precision`` =
        tp / (tp + fp), ``recall`` = tp / (tp + fn), ``f1``, ``n_positive``, ``n_negative``
        (NaN where a denominator is 0).
    """
    cb = get_codebook(codebook)
    ids = _labels(labeled, cb, sentence_col)
    predicted = count_themes(labeled[sentence_col].tolist(), cb, themes=ids,
                             matches=matches).to_numpy() > 0
    rows = []
    for j, theme in enumerate(ids):
        truth = labeled[theme].to_numpy() == 1
        tp = int((truth & predicted[:, j]).sum())
        fp = int((~truth & predicted[:, j]).sum())
        fn = int((truth & ~predicted[:, j]).sum())
        tn = int((~truth & ~predicted[:, j]).sum())
        precision = tp / (tp + fp) if tp + fp else np.nan
        recall = tp / (tp + fn) if tp + fn else np.nan
        f1 = (2 * precision * recall / (precision + recall)
              if tp and not np.isnan(precision) and not np.isnan(recall) else
              (0.0 if tp + fp and tp + fn else np.nan))
        rows.append({"theme": theme, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
                     "precision": precision, "recall": recall, "f1": f1,
                     "n_positive": int(truth.sum()), "n_negative": int((~truth).sum())})
    return pd.DataFrame(rows).set_index("theme")


def validation_errors(labeled: pd.DataFrame, codebook: Codebook | Path | str | None = None, *,
                      sentence_col: str = "sentence",
                      matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """The sentences where coding and hand labels disagree, with what matched.

    Parameters
    ----------
    labeled : pandas.DataFrame
        As for :func:`validate`.
    codebook : Codebook, path or None
    sentence_col : str
    matches : pandas.DataFrame, optional
        The matches table of the sentences (:func:`analysis.matching.code_themes` of
        ``labeled[sentence_col]``); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        Columns ``sentence``, ``theme``, ``label`` (hand), ``predicted`` (0/1), ``matches``
        (matched strings joined by `` | ``) and ``note`` (when ``labeled`` has one); one row per
        disagreement, in input order.
    """
    cb = get_codebook(codebook)
    ids = _labels(labeled, cb, sentence_col)
    sentences = labeled[sentence_col].tolist()
    found = theme_matches(sentences, cb, themes=ids, matches=matches).groupby(
        ["index", "theme"])["match"].agg(" | ".join).to_dict()
    rows = []
    for i, sentence in enumerate(sentences):
        for theme in ids:
            label = int(labeled[theme].iat[i])
            hit = found.get((i, theme), "")
            if label != int(bool(hit)):
                row = {"sentence": sentence, "theme": theme, "label": label,
                       "predicted": int(bool(hit)), "matches": hit}
                if "note" in labeled.columns:
                    row["note"] = labeled["note"].iat[i]
                rows.append(row)
    columns = ["sentence", "theme", "label", "predicted", "matches"] + (
        ["note"] if "note" in labeled.columns else [])
    return pd.DataFrame(rows, columns=columns)
