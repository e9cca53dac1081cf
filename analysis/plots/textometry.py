"""Textometry figures: Reinert dendrogram, CA biplot, dispersion and trends."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots import new_axes

CLASS_COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
                "#666666", "#1f78b4", "#b2df8a"]


def class_color(cl: int) -> str:
    """Colour of Reinert class ``cl`` (1-based; 0, unclassified, is grey)."""
    return "#bbbbbb" if cl == 0 else CLASS_COLORS[(cl - 1) % len(CLASS_COLORS)]


def plot_reinert(result, n_top_words: int = 8, ax=None, max_p: float = 0.05):
    """Dendrogram of a simple Reinert classification with each class's size and top terms.

    Parameters
    ----------
    result : analysis.textometry.ReinertResult
    n_top_words : int
        Over-represented terms (``p < max_p``) written beside each class.
    ax : matplotlib.axes.Axes, optional
    max_p : float

    Returns
    -------
    matplotlib.figure.Figure
    """
    nodes = result.nodes.set_index("node")
    k = int((nodes["class"] > 0).sum())
    fig, ax = new_axes(ax, figsize=(10, 0.55 * k + 1.2))
    leaves = nodes[nodes["class"] > 0].sort_values("class")
    y = {nd: -float(cl) for nd, cl in zip(leaves.index, leaves["class"])}
    x = {}
    max_depth = int(nodes["depth"].max()) if len(nodes) else 0
    for nd in leaves.index:
        x[nd] = float(max_depth)
    for row in sorted(result.splits.itertuples(), key=lambda r: -r.split):
        y[row.node] = (y[row.left] + y[row.right]) / 2
        x[row.node] = float(nodes.at[row.node, "depth"])
        for child in (row.left, row.right):
            _ = ax.plot([x[row.node], x[row.node], x[child]], [y[row.node], y[child], y[child]],
                        color="#555555", linewidth=1)
    top = result.top_terms(n_top_words=n_top_words, max_p=max_p)
    sizes = result.class_sizes().set_index("class")
    for nd, cl in zip(leaves.index, leaves["class"]):
        words = ", ".join(top.loc[top["class"] == cl, "term"].tolist())
        label = f"class {cl}  ({sizes.at[cl, 'n_segments']} seg., {sizes.at[cl, 'pct']:.0f}%)  {words}"
        _ = ax.scatter([x[nd]], [y[nd]], color=class_color(int(cl)), s=40, zorder=3)
        _ = ax.text(x[nd] + 0.15, y[nd], label, va="center", fontsize=8, color=class_color(int(cl)))
    ax.set_xlim(-0.2, max_depth + 12)
    ax.set_ylim(-k - 0.7, -0.3)
    ax.axis("off")
    share = 100 * result.share_classified
    ax.set_title(f"Reinert classification: {k} classes, {share:.0f}% of segments classified", loc="left")
    return fig


def plot_ca(result, ax=None, n_labels: int = 30, axes=(1, 2), row_label: str = "terms",
            column_label: str = "groups", column_colors=None, max_per_label: int = 4,
            label_iterations: int = 100):
    """Symmetric CA biplot: rows (terms) as points, columns (groups) as labelled triangles.

    Only the ``n_labels`` rows contributing most to the two axes are drawn and labelled;
    rows at the same point (same profile) share one label; labels are moved apart with
    ``adjustText`` for a fixed number of iterations (``label_iterations``), so the figure is
    reproducible.

    Parameters
    ----------
    result : analysis.textometry.CAResult
    ax : matplotlib.axes.Axes, optional
    n_labels : int
    axes : tuple of int
        The two axes to draw (1-based).
    row_label, column_label : str
        Legend names of rows and columns.
    column_colors : dict, optional
        Colour per column label.
    max_per_label : int
        Rows at the same point share one label listing up to this many names.
    label_iterations : int
        Iterations of ``adjustText``. On a CA biplot it never reaches a layout without any
        overlap of its expanded boxes, so it runs to this limit; and its labels keep moving
        (it swaps labels whose leader lines cross), so more iterations do not give a better
        layout. On notebook 09's 31 labels: overlapping label pairs 0 at 100 iterations, 1 at
        150, 2 at 400, 1 at 1,000, which took 3.6-6.8 s against 0.6 s at 100.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from adjustText import adjust_text

    a1, a2 = axes
    fig, ax = new_axes(ax, figsize=(8, 6.5))
    rows, cols = result.row_coordinates, result.column_coordinates
    has_two = a2 in rows.columns
    contrib = result.row_contributions[[a1] + ([a2] if has_two else [])].sum(axis=1)
    chosen = contrib.sort_values(ascending=False, kind="stable").index[:n_labels]
    ry = rows.loc[chosen, a2] if has_two else pd.Series(0.0, index=chosen)
    cy = cols[a2] if has_two else pd.Series(0.0, index=cols.index)
    _ = ax.scatter(rows.loc[chosen, a1], ry, s=12, color="#777777", label=row_label)
    # rows with the same profile sit on the same point: one label for them all
    points = pd.DataFrame({"x": rows.loc[chosen, a1].round(9), "y": ry.round(9), "label": [str(c) for c in chosen]})
    texts = []
    for (xv, yv), grp in points.groupby(["x", "y"], sort=True):
        names = grp["label"].tolist()
        label = ", ".join(names[:max_per_label]) + (f" +{len(names) - max_per_label}" if len(names) > max_per_label else "")
        texts.append(ax.text(xv, yv, label, fontsize=8, color="#333333"))
    colors = [(column_colors or {}).get(c, "#c0392b") for c in cols.index]
    _ = ax.scatter(cols[a1], cy, marker="^", s=70, color=colors, label=column_label, zorder=3)
    texts += [ax.text(xv, yv, str(lab), fontsize=9, fontweight="bold", color=col)
              for lab, xv, yv, col in zip(cols.index, cols[a1], cy, colors)]
    _ = ax.axhline(0, color="#cccccc", linewidth=0.8, zorder=0)
    _ = ax.axvline(0, color="#cccccc", linewidth=0.8, zorder=0)
    pct = 100 * result.explained_inertia
    ax.set_xlabel(f"axis {a1} ({pct[a1 - 1]:.1f}% of inertia)")
    if has_two:
        ax.set_ylabel(f"axis {a2} ({pct[a2 - 1]:.1f}% of inertia)")
    _ = ax.legend(loc="best", fontsize=8, frameon=False)
    adjust_text(texts, ax=ax, iter_lim=label_iterations, expand=(1.2, 1.4), force_text=(0.3, 0.5),
                arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.5})
    return fig


def _doc_label(row) -> str:
    date = row["date"]
    when = "undated" if pd.isna(date) else pd.Timestamp(date).strftime("%Y-%m-%d")
    title = str(row["title"] or row["doc_id"])
    title = title if len(title) <= 45 else title[:44] + "…"
    return f"{title} ({when})"


def dispersion_plot(units: pd.DataFrame, terms, ax=None, *, text_col: str = "text",
                    doc_col: str = "doc_id", date_col: str = "date"):
    """Lexical dispersion plot: each occurrence of each term across the corpus ordered by date.

    One row per term; each occurrence is a vertical tick at its token position in the
    concatenated corpus (:func:`analysis.textometry.occurrences`). Dashed lines separate the
    documents, labelled ``title (date)`` under the axis.

    Parameters
    ----------
    units : pandas.DataFrame
    terms : list of str
    ax : matplotlib.axes.Axes, optional
    text_col, doc_col, date_col : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    from analysis.textometry.dispersion import occurrences

    terms = [terms] if isinstance(terms, str) else list(terms)
    occ, docs = occurrences(units, terms, text_col=text_col, doc_col=doc_col, date_col=date_col)
    fig, ax = new_axes(ax, figsize=(9, 0.5 * len(terms) + 2.6))
    for i, term in enumerate(terms):
        pos = occ.loc[occ["term"] == term, "position"].to_numpy()
        _ = ax.vlines(pos, i - 0.35, i + 0.35, color=CLASS_COLORS[i % len(CLASS_COLORS)], linewidth=1.2)
    total = int(docs["n_tokens"].sum())
    for start in docs["start"].iloc[1:]:
        _ = ax.axvline(start, color="#aaaaaa", linestyle="--", linewidth=0.7)
    centers = (docs["start"] + docs["n_tokens"] / 2).to_numpy()
    ax.set_xticks(centers)
    ax.set_xticklabels([_doc_label(r) for r in docs.to_dict("records")], rotation=25, ha="right", fontsize=7)
    ax.set_yticks(range(len(terms)))
    counts = occ["term"].value_counts()
    ax.set_yticklabels([f"{t} ({int(counts.get(t, 0))})" for t in terms])
    ax.set_xlim(0, max(total, 1))
    ax.set_ylim(len(terms) - 0.5, -0.5)
    ax.set_xlabel("position in the corpus (tokens, documents ordered by date)")
    return fig


def plot_term_trends(trends: pd.DataFrame, by: str = "period", ax=None, title: str | None = None):
    """Relative frequency per 1,000 words of each term by group, with its interval.

    Parameters
    ----------
    trends : pandas.DataFrame
        Output of :func:`analysis.textometry.term_trends`.
    by : str
        Its group column.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
        Default ``"Terms per 1,000 words by <by>"``.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per term and group; an error bar only where the group has an interval. A
        caption under the axes names the interval's design (``design`` column) and says which
        groups have none and why (``note`` column), when the table has those columns.
    """
    fig, ax = new_axes(ax, figsize=(7, 3.8))
    groups = sorted(trends[by].astype(str).unique())
    terms = list(dict.fromkeys(trends["term"]))
    width = 0.8 / max(len(terms), 1)
    for i, term in enumerate(terms):
        t = trends[trends["term"] == term].set_index(trends[trends["term"] == term][by].astype(str)).reindex(groups)
        xs = np.arange(len(groups)) + (i - (len(terms) - 1) / 2) * width
        _ = ax.bar(xs, t["per_1000"].fillna(0), width=width, color=CLASS_COLORS[i % len(CLASS_COLORS)], label=term)
        has = (t["low"].notna() & t["high"].notna()).to_numpy()
        if has.any():
            err = np.vstack([(t["per_1000"] - t["low"]).clip(lower=0)[has], (t["high"] - t["per_1000"]).clip(lower=0)[has]])
            _ = ax.errorbar(xs[has], t["per_1000"][has], yerr=err, fmt="none", ecolor="0.2", capsize=2, lw=0.8)
    ax.set_xticks(np.arange(len(groups)))
    labels = []
    for g in groups:
        n = int(trends.loc[trends[by].astype(str) == g, "n_docs"].iloc[0])
        labels.append(f"{g}\n({n} doc{'s' if n != 1 else ''})")
    ax.set_xticklabels(labels)
    ax.set_ylabel("occurrences per 1,000 words")
    ax.set_title(title or f"Terms per 1,000 words by {by}")
    _ = ax.legend(fontsize=8, frameon=False)
    caption = _trend_caption(trends, by)
    if caption:
        ax.annotate(caption, xy=(0, 0), xycoords="axes fraction", xytext=(0, -40), textcoords="offset points",
                    ha="left", va="top", fontsize=7, color="0.35")
    return fig


def _trend_caption(trends: pd.DataFrame, by: str) -> str:
    """What the error bars of :func:`plot_term_trends` are, and which groups have none."""
    if "design" not in trends.columns:
        return ""
    parts = [f"Error bars: {d}." for d in sorted(set(trends["design"].dropna()))]
    if "note" in trends.columns:
        noted = trends["note"].fillna("") != ""
        if noted.all():
            parts.append(f"No error bars in any group ({trends.loc[noted, 'note'].iat[0]}).")
        elif noted.any():
            shown = ", ".join(sorted(trends.loc[noted, by].astype(str).unique()))
            parts.append(f"No error bar for {shown}: {trends.loc[noted, 'note'].iat[0]}.")
    return "\n".join(parts)
