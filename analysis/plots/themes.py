"""Figures for theme coding: prevalence with intervals, co-occurrence matrix and network, sub-frames.

Every function takes the table produced by :mod:`analysis.themes` (or
:func:`analysis.themes.theme_matches`), ``ax=None`` (a new figure in the house style when None)
and returns the :class:`matplotlib.figure.Figure`. Nothing is shown or saved here: pass the
figure to :func:`analysis.plots.show_figure`. Only matplotlib is used (no networkx).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots import integer_ticks, new_axes

_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf"]


def _ordered_unique(values) -> list:
    return list(dict.fromkeys(values))


def plot_prevalence(prev: pd.DataFrame, *, by: str | None = None, themes=None, ax=None,
                    title: str | None = None,
                    xlabel: str = "matches per 1,000 words",
                    labels: dict | None = None):
    """Dot plot of theme rates per 1,000 words with their bootstrap intervals, by group.

    Parameters
    ----------
    prev : pandas.DataFrame
        Output of :func:`analysis.themes.prevalence`: the group column, ``theme``,
        ``rate_per_1000``, ``ci_low``, ``ci_high``.
    by : str, optional
        The group column; default the first column of ``prev``.
    themes : list of str, optional
        Themes to show, top to bottom; default all, in the order of ``prev``.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    xlabel : str
    labels : dict, optional
        Legend label of each group, e.g. ``doc_id`` -> ``title (date)`` from
        :func:`analysis.plots.document_labels`, instead of file ids.

    Returns
    -------
    matplotlib.figure.Figure
        One row per theme; one dot (rate) and horizontal bar (interval) per group, offset
        vertically, one colour per group.
    """
    by = by or prev.columns[0]
    themes = list(themes) if themes is not None else _ordered_unique(prev["theme"])
    groups = _ordered_unique(prev[by])
    fig, ax = new_axes(ax, figsize=(7.5, max(2.5, 0.42 * len(themes) + 1.2)))
    ypos = {t: len(themes) - 1 - i for i, t in enumerate(themes)}
    step = 0.7 / max(len(groups), 1)
    for k, group in enumerate(groups):
        rows = prev[(prev[by] == group) & prev["theme"].isin(themes)]
        y = np.array([ypos[t] for t in rows["theme"]]) + 0.35 - step / 2 - k * step
        rate = rows["rate_per_1000"].to_numpy(dtype=float)
        low = np.clip(np.nan_to_num(rate - rows["ci_low"].to_numpy(dtype=float)), 0, None)
        high = np.clip(np.nan_to_num(rows["ci_high"].to_numpy(dtype=float) - rate), 0, None)
        ax.errorbar(rate, y, xerr=[low, high], fmt="o", ms=4, capsize=2, lw=1,
                    color=_COLORS[k % len(_COLORS)], label=str((labels or {}).get(group, group)))
    ax.set_yticks(range(len(themes)))
    ax.set_yticklabels(list(reversed(themes)))
    ax.set_ylim(-0.6, len(themes) - 0.4)
    ax.set_xlim(left=0)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color="0.9", lw=0.6)
    ax.set_axisbelow(True)
    if len(groups) > 1:
        # outside the axes, so that it never hides an interval
        ax.legend(title=by, fontsize=8, title_fontsize=8, frameon=False,
                  loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_title(title or f"Theme prevalence by {by}")
    caption = prevalence_caption(prev)
    if caption:
        ax.annotate(caption, xy=(0, 0), xycoords="axes fraction", xytext=(0, -34), textcoords="offset points",
                    ha="left", va="top", fontsize=7, color="0.35", wrap=True)
    return fig


def prevalence_caption(prev: pd.DataFrame) -> str:
    """What the bars of a prevalence plot are: the interval's level and resampling unit, and why
    some groups have none (from the ``design`` and ``note`` columns of
    :func:`analysis.themes.prevalence`); "" when the table has no such columns."""
    if "design" not in prev.columns:
        return ""
    designs = sorted({d for d in prev["design"].dropna() if d and d != "no interval"})
    parts = [f"Bars: {d}." for d in designs]
    if "note" in prev.columns:
        noted = prev["note"].fillna("") != ""
        notes = prev.loc[noted, prev.columns[0]].astype(str).unique()
        if noted.all():
            parts.append(f"No bars in any group ({prev.loc[noted, 'note'].iat[0]}).")
        elif len(notes):
            shown = ", ".join(sorted(notes)[:6]) + (", ..." if len(notes) > 6 else "")
            parts.append(f"No bar for {shown}: {prev.loc[noted, 'note'].iat[0]}.")
    return "\n".join(parts)


def plot_cooccurrence(cooc: pd.DataFrame, *, ax=None, title: str | None = None,
                      cmap: str = "Blues", annotate: bool = True,
                      colorbar_label: str = "paragraphs"):
    """Heatmap of the theme x theme co-occurrence matrix.

    Parameters
    ----------
    cooc : pandas.DataFrame
        Output of :func:`analysis.themes.cooccurrence` (square, diagonal = paragraphs with the
        theme), or any square table such as Jaccard values.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    cmap : str
        Matplotlib colour map.
    annotate : bool
        Write the value in each cell (integers as such, other values with 2 decimals).
    colorbar_label : str
        What the colours measure (the colour bar is always drawn).

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = len(cooc)
    fig, ax = new_axes(ax, figsize=(max(4.5, 0.55 * n + 2.5), max(4.0, 0.5 * n + 1.8)))
    values = cooc.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap, vmin=0, aspect="equal")
    ax.set_xticks(range(n))
    ax.set_xticklabels(cooc.columns, rotation=45, ha="right")
    ax.set_yticks(range(n))
    ax.set_yticklabels(cooc.index)
    ax.spines[:].set_visible(False)
    if annotate:
        top = np.nanmax(values) if np.isfinite(values).any() else 0
        integer = np.allclose(values[np.isfinite(values)], np.round(values[np.isfinite(values)]))
        for i in range(n):
            for j in range(n):
                v = values[i, j]
                if not np.isfinite(v):
                    continue
                ax.text(j, i, f"{v:.0f}" if integer else f"{v:.2f}", ha="center", va="center",
                        fontsize=7, color="white" if top and v > 0.6 * top else "black")
    fig.colorbar(image, ax=ax, shrink=0.8, label=colorbar_label)
    ax.set_title(title or "Theme co-occurrence (diagonal: paragraphs with the theme)")
    return fig


def plot_theme_network(cooc: pd.DataFrame, *, ax=None, min_weight: float = 1,
                       title: str | None = None):
    """A theme network drawn with matplotlib only: themes on a circle, co-occurrences as edges.

    Node area grows with the diagonal (paragraphs with the theme); edge width and opacity grow
    with the off-diagonal value (paragraphs with both themes). Themes are placed on a circle in
    the order of ``cooc`` (codebook order), so the layout is deterministic.

    Parameters
    ----------
    cooc : pandas.DataFrame
        Output of :func:`analysis.themes.cooccurrence`.
    ax : matplotlib.axes.Axes, optional
    min_weight : float
        Edges below this value are not drawn.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    names = list(cooc.index)
    values = cooc.to_numpy(dtype=float)
    n = len(names)
    diag = np.diag(values) if n else np.zeros(0)
    # room for the longest label on each side, and no more; the figure is as tall as the circle
    # needs at that width (the axes keep an equal aspect), so no band of it is left empty
    longest = max((len(f"{name} ({d:.0f})") for name, d in zip(names, diag)), default=0)
    half_width = 1.2 + 0.055 * longest
    fig, ax = new_axes(ax, figsize=(7.5, 7.2 * 2.6 / (2 * half_width) + 1.2))
    angle = np.pi / 2 - 2 * np.pi * np.arange(n) / max(n, 1)
    x, y = np.cos(angle), np.sin(angle)
    off = values.copy()
    np.fill_diagonal(off, 0)
    top_edge = off.max() if n else 0
    for i in range(n):
        for j in range(i + 1, n):
            w = off[i, j]
            if w < min_weight or w <= 0:
                continue
            share = w / top_edge
            ax.plot([x[i], x[j]], [y[i], y[j]], color="#1f77b4", lw=0.5 + 5 * share,
                    alpha=0.25 + 0.6 * share, zorder=1, solid_capstyle="round")
    diag = np.diag(values)
    top_node = diag.max() if n and diag.max() > 0 else 1
    sizes = 40 + 900 * diag / top_node
    colors = ["#ff7f0e" if d > 0 else "0.8" for d in diag]
    ax.scatter(x, y, s=sizes, c=colors, edgecolors="white", linewidths=1, zorder=2)
    for i, name in enumerate(names):
        ha = "left" if x[i] > 0.2 else "right" if x[i] < -0.2 else "center"
        va = "bottom" if y[i] > 0.2 else "top" if y[i] < -0.2 else "center"
        ax.text(1.14 * x[i], 1.14 * y[i], f"{name} ({diag[i]:.0f})", ha=ha, va=va,
                fontsize=8, zorder=3)
    ax.set_xlim(-half_width, half_width)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=9, color="#ff7f0e",
               label="theme: area and number in brackets = paragraphs with the theme"),
        Line2D([], [], color="#1f77b4", lw=3, alpha=0.7,
               label="edge: width = paragraphs with both themes"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), frameon=False,
              fontsize=7.5, ncols=1)
    ax.set_title(title or "Theme network: themes mentioned in the same paragraphs")
    return fig


def plot_subframes(matches: pd.DataFrame, *, theme: str | None = None, by: str | None = None,
                   ax=None, title: str | None = None, labels: dict | None = None):
    """Horizontal bars: number of matches per sub-frame of a theme, optionally by group.

    Parameters
    ----------
    matches : pandas.DataFrame
        Rows with a ``subframe`` column (and ``theme`` when ``theme`` is given): the output of
        :func:`analysis.themes.theme_matches` or :func:`analysis.themes.theme_kwic`, possibly
        joined with a group column.
    theme : str, optional
        Keep only this theme's rows.
    by : str, optional
        Group column: one bar per group within each sub-frame.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    labels : dict, optional
        Legend label of each group (e.g. ``title (date)`` by ``doc_id``).

    Returns
    -------
    matplotlib.figure.Figure
        Sub-frames sorted by total count (largest on top; ties alphabetical).
    """
    rows = matches if theme is None else matches[matches["theme"] == theme]
    total = rows.groupby("subframe").size()
    order = sorted(total.index, key=lambda s: (-total[s], s))
    groups = _ordered_unique(rows[by]) if by else [None]
    fig, ax = new_axes(ax, figsize=(6.5, max(2.2, 0.4 * len(order) * max(1, len(groups)) ** 0.5 + 1)))
    height = 0.8 / len(groups)
    for k, group in enumerate(groups):
        sub = rows if group is None else rows[rows[by] == group]
        counts = sub.groupby("subframe").size().reindex(order, fill_value=0)
        y = np.arange(len(order))[::-1] + 0.4 - height / 2 - k * height
        ax.barh(y, counts.to_numpy(), height=height * 0.9, color=_COLORS[k % len(_COLORS)],
                label=None if group is None else str((labels or {}).get(group, group)))
        for yy, c in zip(y, counts.to_numpy()):
            if c:
                ax.text(c, yy, f" {c}", va="center", fontsize=7)
    ax.set_yticks(np.arange(len(order))[::-1])
    ax.set_yticklabels(order)
    ax.set_xlabel("matches")
    integer_ticks(ax.xaxis)
    if by and len(groups) > 1:
        ax.legend(title=by, fontsize=8, title_fontsize=8, frameon=False, loc="lower right")
    if title:
        ax.set_title(title)
    else:
        ax.set_title(f"Sub-frames of {theme}" if theme else "Matches per sub-frame")
    return fig
