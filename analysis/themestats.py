"""Theme statistics from the matches table: prevalence, co-occurrence, validation.

Every function here reads the matches table of :func:`analysis.matches.code_themes` (pass it
as ``matches=`` or let it be computed once through the coding cache), never the raw text:

- :func:`add_period`, :func:`prevalence` (rates per 1,000 words by group with bootstrap
  intervals; refuses to pool articles with undated teasers over time);
- :func:`cooccurrence`, :func:`cooccurrence_stats` (paragraph-level co-occurrence, Jaccard,
  lift);
- :func:`load_validation`, :func:`validate` (precision/recall per theme against hand-labelled
  sentences), :func:`validation_errors` (the disagreements).
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.inference import association_table, cluster_bootstrap, design_label
from analysis.codebook import Codebook, get_codebook
from analysis.matches import count_themes, theme_ids as _theme_ids, theme_matches
from analysis.paths import PROJ_ROOT

#: The hand-labelled validation sentences (one 0/1 column per theme id).
VALIDATION = PROJ_ROOT / "tests" / "data" / "theme_validation.csv"
#: The holdout validation set: sentences in the outlets' style, not from the seed pages, labelled
#: from the codebook's definitions before the coder was run on them and kept apart from
#: :data:`VALIDATION` (the set the patterns were tuned on). Same columns.
VALIDATION_HOLDOUT = PROJ_ROOT / "tests" / "data" / "theme_validation_holdout.csv"
#: The coder's first run on :data:`VALIDATION_HOLDOUT`, before the rules it exposed were fixed:
#: ``theme``, ``tp``, ``fp``, ``fn``, ``precision``, ``recall`` (a record, never recomputed).
VALIDATION_HOLDOUT_FIRST_RUN = PROJ_ROOT / "tests" / "data" / "theme_validation_holdout_first_run.csv"

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


#: Resampling designs of :func:`prevalence`.
DESIGNS = ("cluster", "two_stage", "within")


def prevalence(paragraphs: pd.DataFrame, by: str, *,
               codebook: Codebook | Path | str | None = None, n_boot: int = 2000,
               ci: float = 0.95, random_state=0, allow_mixed_kinds: bool = False,
               themes=None, text_col: str = "text",
               matches: pd.DataFrame | None = None, design: str = "cluster",
               min_docs: int = 5) -> pd.DataFrame:
    """Theme rates per 1,000 words by group, with document-level (cluster) bootstrap intervals.

    For each group of ``by`` and each theme: the number of matches (the matches table of the
    paragraph texts), the number of words (sum of ``n_words``, i.e.
    :func:`analysis.text.count_words`), their ratio x 1,000, and a percentile interval.

    **Why resample documents.** Paragraphs of one article are not independent of each other:
    what varies from one article an outlet publishes to the next is the article. The default
    design (``"cluster"``) therefore resamples whole documents within each group
    (:func:`analysis.inference.cluster_bootstrap`); ``"two_stage"`` also resamples paragraphs
    within each drawn document. A group with fewer than ``min_docs`` documents gets its rate but
    **no interval** (NaN bounds and a ``note``): with two or three documents an interval would
    only show how those few documents differ. The earlier design (``"within"``: paragraphs
    resampled within each document, every document in every replicate) is kept for comparison
    only: it is conditional on the documents observed and too narrow (in a simulation it covered
    the outlet-level rate 61-67% of the time at a nominal 95%). Each group's replicates come from
    a stream seeded from ``random_state`` and the group's label, so a group's interval does not
    change when another group is added or removed.

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
    random_state : int
        Seed of the replicates (combined with each group's label).
    allow_mixed_kinds : bool
        ``by`` in :data:`TIME_COLUMNS` over rows mixing ``kind`` "article" and "related" raises
        ValueError unless this is True: teasers are undated and are never silently pooled with
        articles in comparisons over time.
    themes : str or list of str, optional
        Restrict to these theme ids.
    text_col : str
        Column holding the texts.
    matches : pandas.DataFrame, optional
        The matches table of these rows (:func:`analysis.matches.code_themes`, same rows in the
        same order); by default computed once through the coding cache.
    design : {"cluster", "two_stage", "within"}
        Resampling design (see above).
    min_docs : int
        Groups with fewer documents get no interval (``"cluster"`` and ``"two_stage"``).

    Returns
    -------
    pandas.DataFrame
        One row per group x theme (groups sorted, themes in codebook order), columns ``by``,
        ``theme``, ``n_matches``, ``n_words``, ``rate_per_1000``, ``ci_low``, ``ci_high``,
        ``n_paragraphs``, ``n_docs``, ``design`` (the resampling design in words) and ``note``
        (why a group has no interval; empty otherwise). Rates are NaN for a group without words.

    Raises
    ------
    ValueError
        Mixed kinds over time (see ``allow_mixed_kinds``), bad ``ci``, ``n_boot`` or ``design``.
    """
    if not 0 < ci < 1:
        raise ValueError("ci must be in (0, 1)")
    if n_boot < 0:
        raise ValueError("n_boot must be >= 0")
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {', '.join(DESIGNS)}, not {design!r}")
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
    alpha = (1 - ci) / 2
    within_rng = np.random.default_rng(random_state)
    label = _design_words(design, n_boot, ci)
    rows = []
    for group in sorted(pd.unique(groups), key=str):
        rows_g = np.flatnonzero(groups == group)
        c, w, d = counts[rows_g], words[rows_g], docs[rows_g]
        n_matches, n_words = c.sum(axis=0), w.sum()
        n_docs = len(set(d))
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = 1000.0 * n_matches / n_words if n_words else np.full(len(ids), np.nan)
        low = high = np.full(len(ids), np.nan)
        note = ""
        if n_boot and design == "within":
            boot = _bootstrap_rates(c, w, d, n_boot, within_rng)
            if not np.isnan(boot).all():
                low, high = np.nanquantile(boot, [alpha, 1 - alpha], axis=0)
        elif n_boot:
            low, high = np.empty(len(ids)), np.empty(len(ids))
            for j, theme in enumerate(ids):
                table = pd.DataFrame({"value": c[:, j], "weight": w, "doc": d})
                out = cluster_bootstrap(table, value="value", weight="weight", cluster="doc", n_boot=n_boot,
                                        ci=ci, min_clusters=min_docs, two_stage=design == "two_stage",
                                        random_state=_seed(random_state, theme, group))
                low[j], high[j] = out.at[0, "low"], out.at[0, "high"]
                note = out.at[0, "note"]
        for j, theme in enumerate(ids):
            rows.append({by: group, "theme": theme, "n_matches": int(n_matches[j]),
                         "n_words": int(n_words), "rate_per_1000": float(rate[j]),
                         "ci_low": float(low[j]), "ci_high": float(high[j]),
                         "n_paragraphs": len(rows_g), "n_docs": n_docs, "design": label, "note": note})
    columns = [by, "theme", "n_matches", "n_words", "rate_per_1000", "ci_low", "ci_high",
               "n_paragraphs", "n_docs", "design", "note"]
    return pd.DataFrame(rows, columns=columns)


def _seed(random_state, theme: str, group) -> int:
    """One seed per (theme, group), stable across runs, machines and the other groups present."""
    return zlib.crc32(f"{random_state}\x00{theme}\x00{group}".encode("utf-8"))


def _design_words(design: str, n_boot: int, ci: float) -> str:
    """The resampling design in words, for tables and figure captions."""
    if not n_boot:
        return "no interval"
    if design == "within":
        return (f"paragraphs resampled within each document (every document in every replicate), "
                f"{ci:.0%} percentile interval, {n_boot} replicates")
    return design_label(n_boot=n_boot, ci=ci, two_stage=design == "two_stage", cluster_name="documents",
                        unit_name="paragraphs")


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
        The matches table of these rows (:func:`analysis.matches.code_themes`, same rows in the
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
                       matches: pd.DataFrame | None = None, min_expected: float = 1.0) -> pd.DataFrame:
    """Association of each pair of themes over paragraphs: counts, lift, expected count, Fisher test.

    Parameters
    ----------
    paragraphs : pandas.DataFrame or pandas.Series
        As for :func:`cooccurrence`.
    codebook : Codebook, path or None
    themes : str or list of str, optional
    text_col : str
    matches : pandas.DataFrame, optional
        The matches table of these rows (:func:`analysis.matches.code_themes`, same rows in the
        same order); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair (``theme_a`` before ``theme_b`` in codebook order):
        ``n_a``, ``n_b`` (paragraphs with each theme), ``n_both``, ``n_paragraphs``,
        ``jaccard`` = n_both / (n_a + n_b - n_both), ``lift`` = n_both x n_paragraphs /
        (n_a x n_b) (> 1: together more often than if independent; NaN when undefined),
        ``expected`` = n_a x n_b / n_paragraphs (co-occurrences expected under independence),
        ``p_fisher`` (Fisher's exact test, two-sided), ``p_adjusted`` (Benjamini-Hochberg over
        the pairs) and ``informative`` (``expected >= min_expected``): a pair that "never
        co-occurs" while fewer than one co-occurrence is expected tells nothing
        (:func:`analysis.inference.association_table`).
    min_expected : float
        Smallest expected count for which a pair is ``informative``.
    """
    presence = _presence(paragraphs, codebook, themes, text_col, matches)
    assoc = association_table(presence.astype(bool), min_expected=min_expected)
    union = assoc["n_a"] + assoc["n_b"] - assoc["n_ab"]
    out = pd.DataFrame({
        "theme_a": assoc["a"], "theme_b": assoc["b"], "n_a": assoc["n_a"], "n_b": assoc["n_b"],
        "n_both": assoc["n_ab"], "n_paragraphs": assoc["n"],
        "jaccard": np.where(union > 0, assoc["n_ab"] / union.where(union > 0, 1), np.nan),
        "lift": assoc["lift"], "expected": assoc["expected"], "p_fisher": assoc["p_fisher"],
        "p_adjusted": assoc["p_adjusted"], "informative": assoc["informative"],
    })
    return out.reset_index(drop=True)


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
        The matches table of the sentences (:func:`analysis.matches.code_themes` of
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
        The matches table of the sentences (:func:`analysis.matches.code_themes` of
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
