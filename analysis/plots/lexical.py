"""Figures of the lexical stage: Zipf curves, vocabulary per processing step, distinctive terms,
keyness bars and the agreement of two keyness measures.

Each helper returns a :class:`matplotlib.figure.Figure` and never calls ``plt.show()``; pass the
figure to :func:`analysis.plots.show_figure`.
"""
from __future__ import annotations

from collections import Counter

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.plots import STYLE, new_axes

#: Display names of the keyness measures.
MEASURE_NAMES = {"G2": "G2", "chi2": "chi2", "lafon": "Lafon specificity",
                 "log_ratio": "Log Ratio"}
#: Colours of the target and reference groups in keyness figures.
TARGET_COLOR = "tab:orange"
REFERENCE_COLOR = "tab:blue"


def rank_frequency(token_lists) -> pd.DataFrame:
    """Rank-frequency table of the tokens in ``token_lists`` (ties ranked alphabetically).

    Parameters
    ----------
    token_lists : iterable of list of str

    Returns
    -------
    pandas.DataFrame
        Columns ``rank`` (1 = most frequent), ``term``, ``frequency``.
    """
    counts = Counter(token for tokens in token_lists for token in tokens)
    items = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return pd.DataFrame({
        "rank": np.arange(1, len(items) + 1),
        "term": [term for term, _ in items],
        "frequency": np.array([count for _, count in items], dtype=np.int64),
    })


def plot_zipf(tables: dict, *, n_labels: int = 5, ax=None):
    """Rank-frequency curves on log-log axes, one per tokenization (Zipf plot).

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Curve label -> table from :func:`rank_frequency`.
    n_labels : int
        The most frequent terms of each curve are written above their points.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_axes(ax, figsize=(7, 4.4))
    with plt.rc_context(STYLE):
        for label, table in tables.items():
            lines = ax.loglog(table["rank"], table["frequency"], marker="o", markersize=2.5,
                              linewidth=1, label=f"{label} ({len(table):,} types)")
            for _, row in table.head(n_labels).iterrows():
                _ = ax.annotate(row["term"], (row["rank"], row["frequency"]),
                                textcoords="offset points", xytext=(2, 4), fontsize=7,
                                rotation=35, color=lines[0].get_color())
        ax.margins(y=0.15)
        ax.set_xlabel("rank (log scale)")
        ax.set_ylabel("frequency (log scale)")
        ax.set_title("Rank and frequency of word types in the five articles")
        ax.legend(frameon=False, fontsize=8)
    return fig


def plot_processing_steps(table: pd.DataFrame, ax=None):
    """Horizontal bars: vocabulary size (types) after each processing step, tokens annotated.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per step, in display order (top to bottom), with ``step``, ``n_types`` and
        ``n_tokens``.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_axes(ax, figsize=(7, 0.45 * len(table) + 1.2))
    with plt.rc_context(STYLE):
        y = np.arange(len(table))[::-1]
        _ = ax.barh(y, table["n_types"], color="0.55", height=0.6)
        for yi, types, tokens in zip(y, table["n_types"], table["n_tokens"]):
            _ = ax.text(types, yi, f"  {types:,} types / {tokens:,} tokens", va="center",
                        fontsize=8)
        ax.set_yticks(y, table["step"])
        ax.set_xlim(0, table["n_types"].max() * 1.6)
        ax.set_xlabel("vocabulary size (distinct tokens)")
        ax.set_title("What each processing step does to the vocabulary")
    return fig


def plot_top_terms(terms: pd.DataFrame, *, titles: dict | None = None, n_cols: int = 3,
                   panel_size=(2.6, 2.2), axes=None,
                   suptitle: str | None = "Most distinctive terms (TF-IDF)"):
    """Small multiples: the top terms of each label (document or group) with their scores.

    Parameters
    ----------
    terms : pandas.DataFrame
        From :func:`analysis.features.top_terms` (``label``, ``rank``, ``term``, ``score``).
    titles : dict, optional
        Label -> panel title (default: the label).
    n_cols : int
    panel_size : (float, float)
        Inches per panel.
    axes : sequence of matplotlib.axes.Axes, optional
        One per label.
    suptitle : str or None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    labels = list(dict.fromkeys(terms["label"]))
    if axes is None:
        n_rows = int(np.ceil(len(labels) / n_cols))
        with plt.rc_context(STYLE):
            fig, grid = plt.subplots(n_rows, n_cols, squeeze=False, layout="constrained",
                                     figsize=(panel_size[0] * n_cols, panel_size[1] * n_rows))
        grid = grid.ravel()
        for ax in grid[len(labels):]:
            ax.set_visible(False)
        axes = grid[:len(labels)]
    fig = axes[0].figure
    with plt.rc_context(STYLE):
        for ax, label in zip(axes, labels):
            rows = terms[terms["label"] == label].sort_values("rank")
            y = np.arange(len(rows))[::-1]
            _ = ax.barh(y, rows["score"], color=REFERENCE_COLOR, height=0.7)
            ax.set_yticks(y, rows["term"], fontsize=8)
            ax.set_title((titles or {}).get(label, str(label)), fontsize=9)
            ax.tick_params(axis="x", labelsize=7)
        fig.supxlabel("TF-IDF weight", fontsize=8)
        if suptitle:
            fig.suptitle(suptitle, fontsize=10)
    return fig


def plot_keyness(table: pd.DataFrame, *, measure: str = "G2", n_top_words: int = 12,
                 labels=("target", "reference"), ax=None):
    """Keyness bars in the manner of quanteda's ``textplot_keyness``.

    The ``n_top_words`` highest scores (terms key in the target) and the ``n_top_words`` lowest
    (key in the reference), on one horizontal axis; the bar labels give the counts.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`analysis.features.keyness`.
    measure : str
        Score column.
    n_top_words : int
    labels : (str, str)
        Names of the target and the reference groups.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    ordered = table.sort_values([measure, "term"], ascending=[False, True], kind="mergesort")
    top = ordered[ordered[measure] > 0].head(n_top_words)
    bottom = ordered[ordered[measure] < 0].tail(n_top_words)
    shown = pd.concat([top, bottom])
    fig, ax = new_axes(ax, figsize=(7, 0.22 * len(shown) + 1.4))
    with plt.rc_context(STYLE):
        y = np.arange(len(shown))[::-1]
        colors = [TARGET_COLOR if s > 0 else REFERENCE_COLOR for s in shown[measure]]
        _ = ax.barh(y, shown[measure], color=colors, height=0.7)
        span = np.abs(shown[measure]).max() if len(shown) else 1.0
        for yi, score, term, a, b in zip(y, shown[measure], shown["term"], shown["n_target"],
                                         shown["n_reference"]):
            side = 1 if score > 0 else -1
            _ = ax.text(score + side * 0.02 * span, yi, f"{term} ({a}/{b})",
                        ha="left" if side > 0 else "right", va="center", fontsize=7)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.axvline(0, color="0.3", linewidth=0.8)
        low = min(shown[measure].min(), 0) if len(shown) else 0
        high = max(shown[measure].max(), 0) if len(shown) else 0
        ax.set_xlim(low - 0.7 * span, high + 0.7 * span)
        name = MEASURE_NAMES.get(measure, measure)
        ax.set_xlabel(f"signed {name} (term counts: {labels[0]}/{labels[1]})")
        handles = [plt.Rectangle((0, 0), 1, 1, color=TARGET_COLOR),
                   plt.Rectangle((0, 0), 1, 1, color=REFERENCE_COLOR)]
        ax.legend(handles, [f"key in {labels[0]}", f"key in {labels[1]}"], frameon=False,
                  loc="lower right", fontsize=8)
        ax.set_title(f"Keyness ({name}): {labels[0]} against {labels[1]}")
    return fig


def plot_measure_agreement(table: pd.DataFrame, *, x: str = "G2", y: str = "lafon",
                           n_labels: int = 8, ax=None):
    """Scatter of two keyness scores of the same terms, the most extreme terms labelled.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`analysis.features.keyness`.
    x, y : str
        Score columns.
    n_labels : int
        Terms labelled at each end of ``x``.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_axes(ax, figsize=(6, 4.5))
    with plt.rc_context(STYLE):
        colors = np.where(table[x] > 0, TARGET_COLOR, REFERENCE_COLOR)
        _ = ax.scatter(table[x], table[y], s=10, c=colors, alpha=0.7, linewidths=0)
        ordered = table.sort_values([x, "term"], ascending=[False, True], kind="mergesort")
        extremes = pd.concat([ordered.head(n_labels), ordered.tail(n_labels)])
        # terms with the same counts share a point: one label lists them all. The labels of
        # each side are listed in a column where the plot is empty (key in the target: bottom
        # right; key in the reference: top left), each tied to its point by a thin line.
        points = extremes.groupby([extremes[x].round(6), extremes[y].round(6)], sort=True)
        labelled = sorted(((px, py, ", ".join(sorted(g["term"]))) for (px, py), g in points),
                          key=lambda item: -abs(item[0]))
        for side, (column_x, top_y, ha) in {1: (0.98, 0.45, "right"),
                                            -1: (0.36, 0.95, "right")}.items():
            for k, (px, py, label) in enumerate(p for p in labelled if np.sign(p[0]) == side):
                _ = ax.annotate(label, (px, py), xycoords="data", textcoords="axes fraction",
                                xytext=(column_x, top_y - 0.05 * k), ha=ha, va="center",
                                fontsize=6.5,
                                arrowprops={"arrowstyle": "-", "color": "0.7", "linewidth": 0.5,
                                            "shrinkA": 1, "shrinkB": 2})
        ax.axhline(0, color="0.7", linewidth=0.6)
        ax.axvline(0, color="0.7", linewidth=0.6)
        x_name, y_name = MEASURE_NAMES.get(x, x), MEASURE_NAMES.get(y, y)
        ax.set_xlabel(f"signed {x_name}")
        ax.set_ylabel(f"signed {y_name}")
        ax.set_title(f"Two keyness measures, one ranking: {x_name} and {y_name}")
    return fig
