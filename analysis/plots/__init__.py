"""Figures: a shared style and the save/close/show routine that keeps PNGs byte-identical.

Plot helpers live in submodules by stage (:mod:`analysis.plots.corpus`,
:mod:`analysis.plots.lexical`, :mod:`analysis.plots.topics`, :mod:`analysis.plots.themes`).
Each takes ``ax=None`` and returns the :class:`matplotlib.figure.Figure`; none calls
``plt.show()``. Notebooks pass the figure to :func:`show_figure`, which saves it under
``figures/<name>.png`` and a vector ``<name>.pdf`` (neither with a software/date stamp,
both written atomically), closes it and displays the PNG bytes.
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
    "savefig.dpi": 150,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "svg.hashsalt": "vn-digital-discourse",
}


def integer_ticks(axis) -> None:
    """Put ticks only on whole numbers of ``axis`` (an x or y axis holding counts)."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def document_label(title, date=None, width: int = 60) -> str:
    """A document's label for a figure: ``title (YYYY-MM-DD)``, the title shortened to ``width``.

    Parameters
    ----------
    title : str
    date : datetime-like or None
        Left out when missing (``title (undated)``).
    width : int

    Returns
    -------
    str
    """
    import textwrap

    import pandas as pd

    short = textwrap.shorten(str(title), width=width, placeholder=" …")
    when = "undated" if date is None or pd.isna(date) else f"{pd.Timestamp(date):%Y-%m-%d}"
    return f"{short} ({when})"


def document_labels(units, width: int = 60) -> dict:
    """``doc_id`` -> ``title (date)`` for every row of a units table (``doc_id``, ``title``, ``date``).

    Parameters
    ----------
    units : pandas.DataFrame
    width : int

    Returns
    -------
    dict
    """
    return {doc: document_label(title, date, width)
            for doc, title, date in zip(units["doc_id"], units["title"], units["date"])}


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


#: Metadata that makes each format's bytes depend on the figure only (no software, no date).
_METADATA = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None},
}


def figure_bytes(fig, fmt: str = "png") -> bytes:
    """Render ``fig`` to bytes in ``fmt`` (``"png"`` or ``"pdf"``) without software or dates.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    fmt : {"png", "pdf"}

    Returns
    -------
    bytes
        The same figure gives the same bytes, run after run.
    """
    import io

    if fmt not in _METADATA:
        raise ValueError(f"fmt must be one of {sorted(_METADATA)}, not {fmt!r}")
    buffer = io.BytesIO()
    with plt.rc_context(STYLE):
        fig.savefig(buffer, format=fmt, metadata=_METADATA[fmt])
    return buffer.getvalue()


def figure_files(fig) -> tuple[bytes, bytes]:
    """Render ``fig`` to PNG, then to PDF with the same layout: the bytes :func:`save_figure` writes.

    The figure's layout engine (``layout="constrained"`` in :func:`new_axes`) runs once, for the
    PNG; the PDF is drawn with the axes where that layout put them, so both files show the same
    layout, and the layout is not computed a second time (about a third of a PDF's drawing time:
    0.09 s a figure, measured on 15 figures of notebooks 03, 05 and 09). The figure's layout
    engine is then set to ``"none"``: later draws of ``fig`` keep these positions.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    png, pdf : bytes
        Without software or dates (:func:`figure_bytes`); the same figure gives the same bytes.
    """
    png = figure_bytes(fig, "png")
    if fig.get_layout_engine() is not None:
        fig.set_layout_engine("none")  # keeps the positions the PNG's draw just computed
    return png, figure_bytes(fig, "pdf")


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A reader never sees a half-written file, and two processes writing the same path leave
    one complete file (the last rename wins).

    Parameters
    ----------
    path : pathlib.Path
    data : bytes

    Returns
    -------
    pathlib.Path
    """
    import os
    import tempfile

    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _save(fig, name: str, figures_dir: Path) -> tuple[Path, bytes]:
    figures_dir = Path(figures_dir)
    figures_dir.mkdir(parents=True, exist_ok=True)
    try:
        png, pdf = figure_files(fig)
    finally:
        plt.close(fig)
    path = write_atomic(figures_dir / f"{name}.png", png)
    write_atomic(figures_dir / f"{name}.pdf", pdf)
    return path, png


def save_figure(fig, name: str, figures_dir: Path = FIGURES) -> Path:
    """Save ``fig`` as ``figures_dir/<name>.png`` and a vector ``<name>.pdf``, and close it.

    Neither file carries software or date metadata, so the same figure gives the same bytes;
    each is written atomically (temporary file in the same folder, then :func:`os.replace`).

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
        The written PNG (the PDF sits beside it).
    """
    return _save(fig, name, figures_dir)[0]


def show_figure(fig, name: str, figures_dir: Path = FIGURES):
    """Save ``fig`` with :func:`save_figure`, close it, and return an IPython image of it.

    Put the call last in a notebook cell. The image is built from the PNG bytes in memory (the
    bytes written to ``figures/``), never read back from the shared path, so a concurrent
    writer cannot corrupt what the notebook embeds.

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

    return Image(data=_save(fig, name, figures_dir)[1], format="png")
