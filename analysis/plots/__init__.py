"""Figures: a shared style and the save/close/show routine that keeps PNGs byte-identical.

Plot helpers live in submodules by stage (:mod:`analysis.plots.corpus`,
:mod:`analysis.plots.lexical`, :mod:`analysis.plots.topics`, :mod:`analysis.plots.themes`).
Each takes ``ax=None`` and returns the :class:`matplotlib.figure.Figure`; none calls
``plt.show()``. Notebooks pass the figure to :func:`show_figure`, which saves it under
``figures/<name>.png`` (PNG without a software/date stamp), closes it and displays the file.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402

from analysis.paths import FIGURES  # noqa: E402

#: rcParams applied by every plot helper (through :func:`new_axes`).
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "svg.hashsalt": "vn-digital-discourse",
}


def new_axes(ax=None, figsize=(7, 4)):
    """Return ``(fig, ax)``: the figure of ``ax`` if given, else a new figure in the house style.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Axes to draw on. When None a new figure is created.
    figsize : tuple of float
        Size in inches of a new figure.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
    """
    if ax is not None:
        return ax.figure, ax
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


def save_figure(fig, name: str, figures_dir: Path = FIGURES) -> Path:
    """Save ``fig`` as ``figures_dir/<name>.png`` reproducibly and close it.

    The PNG carries no software or date metadata, so the same figure gives the same bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        File stem, named after the notebook: ``"01_corpus-timeline"``.
    figures_dir : pathlib.Path
        Output folder (created if missing).

    Returns
    -------
    pathlib.Path
        The written file.
    """
    figures_dir = Path(figures_dir)
    figures_dir.mkdir(parents=True, exist_ok=True)
    path = figures_dir / f"{name}.png"
    with plt.rc_context(STYLE):
        fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return path


def show_figure(fig, name: str, figures_dir: Path = FIGURES):
    """Save ``fig`` with :func:`save_figure`, close it, and return an IPython image of the file.

    Put the call last in a notebook cell: the returned image displays the saved PNG, so the
    notebook shows exactly the bytes in ``figures/``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        File stem, e.g. ``"03_keyterms-keyness"``.
    figures_dir : pathlib.Path
        Output folder.

    Returns
    -------
    IPython.display.Image
    """
    from IPython.display import Image

    return Image(filename=str(save_figure(fig, name, figures_dir)))
