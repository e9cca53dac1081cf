"""Figures of topic models: choice of k, top terms, stability over seeds, shares, model comparison.

Each helper returns a :class:`matplotlib.figure.Figure` and never calls ``plt.show()``; pass the
figure to :func:`analysis.plots.show_figure`.
"""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.plots import STYLE, new_axes


def _wrap(label: str, width: int = 30) -> str:
    """Break a long label over lines of at most ``width`` characters (words kept whole)."""
    return "\n".join(textwrap.wrap(str(label), width=width, break_long_words=False)) or str(label)


def _grid(n_panels: int, n_cols: int, panel_size=(3.0, 2.2)):
    """A new figure with ``n_panels`` axes on a grid of ``n_cols`` columns (extra axes hidden)."""
    n_rows = int(np.ceil(n_panels / n_cols))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(n_rows, n_cols, figsize=(panel_size[0] * n_cols, panel_size[1] * n_rows),
                                 layout="constrained", squeeze=False)
    axes = axes.ravel()
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    return fig, axes[:n_panels]


def plot_select_k(table: pd.DataFrame, chosen: int | None = None, axes=None, threshold: float | None = None):
    """Coherence, stability and fit against k, from :func:`analysis.topics.select_k`.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per k with ``n_components``, ``coherence``, ``min_coherence``, ``stability``,
        ``min_stability`` and ``reconstruction_error`` or ``perplexity``; with a
        ``least_stable`` column (the column :func:`analysis.topics.suggest_k` uses), the
        stability panel also draws it.
    chosen : int, optional
        The retained k, marked by a dashed line on every panel.
    axes : sequence of three matplotlib.axes.Axes, optional
    threshold : float, optional
        Threshold of the k rule, drawn as a dotted horizontal line on the stability panel.

    Returns
    -------
    matplotlib.figure.Figure
    """
    owners = None
    if axes is None:
        # one sub-figure per panel, its legend "outside" below it: the layout makes room for the
        # legends, so that none hides a curve or an axis label
        with plt.rc_context(STYLE):
            fig = plt.figure(figsize=(7.8, 4.0), layout="constrained")
            owners = fig.subfigures(1, 3)
            axes = [owner.subplots() for owner in owners]
    else:
        fig = axes[0].figure
    k = table["n_components"].to_numpy()
    score = "reconstruction_error" if "reconstruction_error" in table.columns else "perplexity"
    stability = [("stability", "mean over topics and runs", "-o"), ("min_stability", "least stable topic, mean", ":o")]
    if "least_stable" in table.columns:
        q = table.attrs.get("stability_quantile")
        low = f"least stable topic, {q:.0%} quantile" if q is not None else "least stable topic, low quantile"
        stability.append(("least_stable", low, "--s"))
    panels = [
        ("NPMI coherence", [("coherence", "mean over topics", "-o"), ("min_coherence", "least coherent topic", ":o")]),
        ("stability over random restarts", stability),
        (score.replace("_", " "), [(score, "reference model", "-o")]),
    ]
    colors = {"-": "0.2", ":": "0.55", "--": "tab:blue"}
    with plt.rc_context(STYLE):
        for i, (ax, (title, series)) in enumerate(zip(axes, panels)):
            for column, label, style in series:
                _ = ax.plot(k, table[column].to_numpy(), style, color=colors[style.rstrip("os")],
                            markersize=3.5, label=label)
            if threshold is not None and title.startswith("stability"):
                _ = ax.axhline(threshold, color="tab:blue", linestyle=":", linewidth=1,
                               label=f"threshold of the rule ({threshold:.2f})")
            if chosen is not None:
                _ = ax.axvline(chosen, color="tab:red", linestyle="--", linewidth=1,
                               label=f"chosen k = {chosen}")
            ax.set_title(title)
            ax.set_xlabel("number of topics k")
            ax.set_xticks(k)
            if len(series) > 1 or chosen is not None:
                if owners is not None:
                    owners[i].legend(frameon=False, fontsize=7, loc="outside lower center")
                else:  # below the panel, so that it never hides a curve
                    ax.legend(frameon=False, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.3))
        axes[1].set_ylim(0, 1.02)
        fig.suptitle("Choosing the number of topics k", fontsize=10)
    return fig


def plot_top_terms(terms: pd.DataFrame, labels: dict | None = None, n_cols: int = 3, color: str = "tab:blue"):
    """Small multiples: the top terms of each topic with their weights.

    Parameters
    ----------
    terms : pandas.DataFrame
        :func:`analysis.topics.top_terms` output (``topic``, ``rank``, ``term``, ``weight``).
    labels : dict of int to str, optional
        Panel titles by topic; default ``"topic t"``.
    n_cols : int
        Panels per row.
    color : str
        Bar colour.

    Returns
    -------
    matplotlib.figure.Figure
    """
    topic_ids = sorted(terms["topic"].unique())
    n_words = int(terms["rank"].max())
    fig, axes = _grid(len(topic_ids), n_cols, panel_size=(3.3, 0.22 * n_words + 0.9))
    with plt.rc_context(STYLE):
        for ax, topic in zip(axes, topic_ids):
            group = terms[terms["topic"] == topic].sort_values("rank")
            y = np.arange(len(group))[::-1]
            _ = ax.barh(y, group["weight"].to_numpy(), color=color)
            ax.set_yticks(y)
            ax.set_yticklabels(group["term"].tolist(), fontsize=8)
            ax.set_title(_wrap(labels[topic] if labels else f"topic {topic}", 34), fontsize=9, loc="left")
            ax.tick_params(axis="x", labelsize=7)
        axes[-1].set_xlabel("weight (share of topic)")
        fig.suptitle("Top terms of each topic", fontsize=10)
    return fig


def plot_stability(runs_by_model: dict, ax=None, labels: dict | None = None):
    """Matched similarity of each reference topic in every seeded run, per model.

    Parameters
    ----------
    runs_by_model : dict of str to pandas.DataFrame
        Model name to :func:`analysis.topics.topic_stability` output (``topic``,
        ``random_state``, ``similarity``).
    ax : matplotlib.axes.Axes, optional
    labels : dict of int to str, optional
        Tick labels by topic number (of the first model).

    Returns
    -------
    matplotlib.figure.Figure
    """
    n_topics = max(int(r["topic"].max()) for r in runs_by_model.values())
    fig, ax = new_axes(ax, figsize=(7, 0.5 * n_topics + 1.4))
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:purple"]
    n_models = len(runs_by_model)
    with plt.rc_context(STYLE):
        for m, (name, runs) in enumerate(runs_by_model.items()):
            offset = (m - (n_models - 1) / 2) * 0.3
            for topic, group in runs.groupby("topic", sort=True):
                y = n_topics - topic + offset
                values = np.sort(group["similarity"].to_numpy())
                _ = ax.plot(values, np.full(len(values), y), "|", color=colors[m % len(colors)], markersize=7, alpha=0.7)
                _ = ax.plot([values.mean()], [y], "o", color=colors[m % len(colors)], markersize=5,
                            label=name if topic == 1 else None)
        ticks = [labels[t] if labels and t in labels else f"topic {t}" for t in range(1, n_topics + 1)]
        ax.set_yticks([n_topics - t for t in range(1, n_topics + 1)])
        ax.set_yticklabels(ticks, fontsize=8)
        ax.set_xlim(-0.02, 1.02)
        ax.set_xlabel("matched cosine similarity (ticks: seeded runs, dots: mean)")
        ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=n_models)
        fig.suptitle("Stability of each topic over seeded runs", fontsize=10)
    return fig


def plot_shares(table: pd.DataFrame, ax=None, title: str | None = None, labels: dict | None = None,
                cmap: str = "Blues", colorbar_label: str = "share of words", column_labels: dict | None = None):
    """Heatmap of topic shares by group, values printed: topics as rows, groups as columns.

    Parameters
    ----------
    table : pandas.DataFrame
        Groups x topics, e.g. :func:`analysis.topics.shares_by` output (it is drawn transposed,
        so that long topic labels read horizontally).
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    labels : dict of int to str, optional
        Row labels by topic number.
    cmap : str
    colorbar_label : str
        What the colours measure.
    column_labels : dict, optional
        Column labels by group, e.g. ``doc_id`` -> ``title (date)``
        (:func:`analysis.plots.document_labels`) instead of hashed file ids.

    Returns
    -------
    matplotlib.figure.Figure
    """
    values = table.to_numpy(dtype=float).T
    n_rows, n_cols = values.shape
    fig, ax = new_axes(ax, figsize=(max(1.05 * n_cols + 3.4, 6.5), 0.5 * n_rows + 1.5))
    top = max(1e-9, float(np.nanmax(values)))
    with plt.rc_context(STYLE):
        image = ax.imshow(values, cmap=cmap, vmin=0, vmax=top, aspect="auto")
        fig.colorbar(image, ax=ax, shrink=0.8, label=colorbar_label)
        for i in range(n_rows):
            for j in range(n_cols):
                v = values[i, j]
                _ = ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8,
                            color="white" if v > 0.6 * top else "black")
        ax.set_yticks(range(n_rows))
        names = [labels.get(c, f"topic {c}") if labels else f"topic {c}" for c in table.columns]
        ax.set_yticklabels([_wrap(n, 34) for n in names], fontsize=8)
        ax.set_xticks(range(n_cols))
        names = [column_labels.get(i, i) if column_labels else i for i in table.index]
        ax.set_xticklabels([_wrap(i, 12 if not column_labels else 17) for i in names], fontsize=8)
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        ax.spines[:].set_visible(False)
        ax.set_title(title or "Topic shares by group", pad=28 if n_cols else 6)
    return fig


def plot_similarity(matrix, matched=None, ax=None, row_labels=None, col_labels=None, xlabel="", ylabel="",
                    title: str | None = None):
    """Heatmap of cosine similarities between the topics of two models, matched pairs outlined.

    Parameters
    ----------
    matrix : numpy.ndarray, shape (k_a, k_b)
        :func:`analysis.topics.cosine_similarity_matrix` output.
    matched : array-like of int, optional
        ``matched[i]`` is the column (0-based) matched to row ``i``.
    ax : matplotlib.axes.Axes, optional
    row_labels, col_labels : list of str, optional
    xlabel, ylabel : str
    title : str, optional
        Default "Cosine similarity between the topics of two models".

    Returns
    -------
    matplotlib.figure.Figure
    """
    matrix = np.asarray(matrix, dtype=float)
    n_rows, n_cols = matrix.shape
    fig, ax = new_axes(ax, figsize=(1.1 * n_cols + 3.4, 0.55 * n_rows + 1.6))
    with plt.rc_context(STYLE):
        image = ax.imshow(matrix, cmap="Greys", vmin=0, vmax=1, aspect="auto")
        fig.colorbar(image, ax=ax, shrink=0.8, label="cosine similarity")
        for i in range(n_rows):
            for j in range(n_cols):
                _ = ax.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", fontsize=8,
                            color="white" if matrix[i, j] > 0.6 else "black")
        if matched is not None:
            for i, j in enumerate(matched):
                _ = ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="tab:red", linewidth=1.5,
                                               label="matched pair (one-to-one matching)" if i == 0 else None))
            ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), frameon=False, fontsize=7)
        ax.set_xticks(range(n_cols))
        ax.set_xticklabels([_wrap(c, 16) for c in (col_labels or [str(j + 1) for j in range(n_cols)])], fontsize=8)
        ax.set_yticks(range(n_rows))
        ax.set_yticklabels([_wrap(r, 34) for r in (row_labels or [str(i + 1) for i in range(n_rows)])], fontsize=8)
        ax.tick_params(length=0)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.spines[:].set_visible(False)
        ax.set_title(title or "Cosine similarity between the topics of two models",
                     pad=18 if matched is not None else 6)
    return fig
