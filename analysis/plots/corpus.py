"""Figures that describe the corpus: when the articles were published, what a page holds."""
from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import pandas as pd

from analysis.plots import integer_ticks, new_axes

#: One colour per page part, in the order of :data:`analysis.corpus.COMPOSITION`.
PART_COLOURS = {
    "headline": "#1b4f72",
    "standfirst": "#2e86c1",
    "article body": "#85c1e9",
    "captions": "#f5b041",
    "related links": "#a569bd",
    "teasers": "#d98880",
    "repeats and boilerplate": "#bfc9ca",
}


def article_timeline(units: pd.DataFrame, ax=None, width: int = 48):
    """Plot each article on a time axis, labelled with its (wrapped) title and outlet.

    Parameters
    ----------
    units : pandas.DataFrame
        Output of :func:`analysis.corpus.load_corpus`; only ``kind == "article"`` rows with a
        date are drawn.
    ax : matplotlib.axes.Axes, optional
    width : int
        Characters per line of the wrapped titles.

    Returns
    -------
    matplotlib.figure.Figure
    """
    articles = units[(units.kind == "article") & units.date.notna()].sort_values(["date", "doc_id"])
    fig, ax = new_axes(ax, figsize=(8, 1.2 + 0.75 * len(articles)))
    ys = range(len(articles))[::-1]
    markers = {"page": "o", "metadata": "s"}
    for y, row in zip(ys, articles.itertuples()):
        ax.scatter(row.date, y, marker=markers.get(row.date_source, "x"), s=40, color="#1b4f72", zorder=3)
        label = textwrap.shorten(row.title, width=2 * width, placeholder=" …")
        ax.annotate(
            f"{row.date:%Y-%m-%d}  {row.outlet}\n" + "\n".join(textwrap.wrap(label, width)),
            (row.date, y), xytext=(8, 0), textcoords="offset points", va="center", fontsize=7,
        )
    ax.set_yticks([])
    ax.set_ylim(-0.8, len(articles) - 0.2)
    ax.spines["left"].set_visible(False)
    if len(articles):
        first, last = articles.date.min(), articles.date.max()
        span = max(last - first, pd.Timedelta(days=30))
        # start the axis on the first day of the first year (or month, for a short span), so
        # that the first tick comes at or before the first point
        start = (pd.Timestamp(year=first.year, month=1, day=1) if span > pd.Timedelta(days=730)
                 else pd.Timestamp(year=first.year, month=first.month, day=1))
        ax.set_xlim(start, last + 0.6 * span)
        # ticks from the start of the axis to the last article only (the rest holds labels)
        ticks = [t for t in mdates.AutoDateLocator(minticks=3, maxticks=7).tick_values(start, last)
                 if mdates.date2num(start) <= t <= mdates.date2num(last)]
        ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y" if span > pd.Timedelta(days=730) else "%Y-%m"))
    ax.set_xlabel("publication date")
    ax.set_title("Articles by publication date (circle: date stated in the page; square: inferred)")
    return fig


def _page_label(file: str, labels: dict | None) -> str:
    """The label of a page file: from ``labels`` (by file name or stem), else its prefix."""
    if labels:
        stem = file.rsplit(".", 1)[0]
        for key in (file, stem):
            if key in labels:
                return str(labels[key])
    return file[:3]


def page_composition(composition: pd.DataFrame, ax=None, labels: dict | None = None):
    """Stacked horizontal bars: words per part of each page.

    Parameters
    ----------
    composition : pandas.DataFrame
        Output of :func:`analysis.corpus.page_composition` (a ``file`` column and one column
        of word counts per part).
    ax : matplotlib.axes.Axes, optional
    labels : dict, optional
        File name (or its stem) -> label, e.g. ``title (date)`` from
        :func:`analysis.plots.document_label`; default the file prefix (``000``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_axes(ax, figsize=(8 + (3 if labels else 0), 1.4 + 0.5 * len(composition)))
    parts = [c for c in composition.columns if c != "file"]
    labels = [_page_label(name, labels) for name in composition.file][::-1]
    left = pd.Series(0, index=range(len(composition)))
    for part in parts:
        values = composition[part].to_numpy()[::-1]
        ax.barh(labels, values, left=left.to_numpy(), color=PART_COLOURS.get(part, "#7f8c8d"), label=part)
        left += values
    ax.set_xlabel("words")
    integer_ticks(ax.xaxis)
    ax.set_ylabel("page" if any(len(label) > 3 for label in labels) else "page (file prefix)")
    ax.legend(ncols=4, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.25), frameon=False)
    ax.set_title("What a page holds: its article is only part of it")
    return fig
