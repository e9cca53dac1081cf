"""Figures of the statistics in :mod:`analysis.features`, :mod:`analysis.topics` and
:mod:`analysis.inference`: term trajectories over time and the choice of k across seed sets.

Each helper takes ``ax=None`` and returns the figure; the interval level and the resampling
unit are written on the figure.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots import STYLE, integer_ticks, new_axes


def plot_term_trajectories(table: pd.DataFrame, terms, ax=None):
    """Log ratio of chosen terms in each period against the other periods, with intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`analysis.features.keyness_over_time` (``period``, ``term``,
        ``log_ratio``, ``low``, ``high``; ``attrs["design"]`` names the interval).
    terms : sequence of str
        Terms drawn, in this order (one line each, slightly offset so intervals do not hide one
        another).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    terms = list(terms)
    missing = [t for t in terms if t not in set(table["term"])]
    if missing:
        raise ValueError(f"terms not in the table: {missing}")
    periods = list(dict.fromkeys(table["period"]))
    position = {p: i for i, p in enumerate(periods)}
    fig, ax = new_axes(ax, figsize=(7, 4))
    with plt.rc_context(STYLE):
        offsets = np.linspace(-0.12, 0.12, len(terms)) if len(terms) > 1 else [0.0]
        for offset, term in zip(offsets, terms):
            rows = table[table["term"] == term]
            x = np.array([position[p] for p in rows["period"]]) + offset
            y = rows["log_ratio"].to_numpy(dtype=float)
            low = rows["low"].to_numpy(dtype=float)
            high = rows["high"].to_numpy(dtype=float)
            yerr = np.vstack([y - low, high - y])
            _ = ax.errorbar(x, y, yerr=np.where(np.isfinite(yerr), yerr, 0), marker="o",
                            markersize=4, capsize=3, linewidth=1.2, label=term)
        _ = ax.axhline(0, color="0.6", linewidth=0.8, zorder=0)
        ax.set_xticks(range(len(periods)), [str(p) for p in periods])
        ax.set_xlabel("period")
        ax.set_ylabel("log ratio, period vs other periods (log2)")
        design = table.attrs.get("design", "")
        ax.set_title("Term trajectories" + (f"\n{design}" if design else ""), fontsize=9)
        _ = ax.legend(frameon=False, fontsize=8)
    return fig


def plot_k_choice(table: pd.DataFrame, ax=None, chosen: int | None = None):
    """How often each k is chosen across seed sets (:func:`analysis.topics.k_choice_frequency`).

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``n_components``, ``n_chosen`` and ``n_seed_sets``; with ``seed_sets`` (the
        sets choosing each k), each bar is labelled with them.
    ax : matplotlib.axes.Axes, optional
    chosen : int, optional
        The k retained (e.g. from the pooled runs), marked by a dashed line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    fig, ax = new_axes(ax, figsize=(5, 3))
    with plt.rc_context(STYLE):
        k = table["n_components"].to_numpy()
        chosen_counts = table["n_chosen"].to_numpy()
        n_sets = int(table["n_seed_sets"].iloc[0]) if len(table) else 0
        colors = ["tab:blue" if chosen is not None and x == chosen else "0.6" for x in k]
        _ = ax.bar(k, chosen_counts, color=colors, width=0.6)
        if "seed_sets" in table.columns:
            for x, n, sets in zip(k, chosen_counts, table["seed_sets"]):
                if n > 0 and isinstance(sets, str) and sets:
                    _ = ax.text(x, n + 0.05, "seeds\n" + sets.replace("; ", "\n"), ha="center", va="bottom", fontsize=7)
        if chosen is not None:
            from matplotlib.patches import Patch

            ax.legend(handles=[Patch(color="tab:blue", label=f"k chosen on all the runs pooled ({chosen})")],
                      frameon=False, fontsize=7, loc="upper right")
        ax.set_xticks(k)
        ax.set_ylim(0, max(n_sets, 1) + 0.9)
        integer_ticks(ax.yaxis)
        ax.set_xlabel("number of topics k")
        ax.set_ylabel("seed sets choosing k")
        ax.set_title(f"Choice of k by each of {n_sets} seed sets", fontsize=9)
    return fig
