"""Readers: every format a researcher may hold, turned into the same units table.

One reader per format (:mod:`~analysis.readers.tables`, :mod:`~analysis.readers.html`,
:mod:`~analysis.readers.iramuteq`; the page folder is :func:`analysis.corpus.load_corpus`); each
only turns a source into records, and :func:`analysis.readers.base.units_frame` decides once what
a unit is. :func:`load_source` picks the reader from what it is given.
"""
from __future__ import annotations

import inspect
from functools import partial
from pathlib import Path

import pandas as pd

from analysis.errors import CorpusError
from analysis.readers.html import HTML_SUFFIXES, read_html
from analysis.readers.iramuteq import is_iramuteq, read_iramuteq
from analysis.readers.tables import TABLE_SUFFIXES, read_table

__all__ = ["read_table", "read_html", "read_iramuteq", "load_source", "READERS", "FORMATS"]


def _read_pages(source, *, metadata=None, on_error: str = "warn", **options) -> pd.DataFrame:
    """Page files or a page folder through :func:`analysis.corpus.load_corpus`."""
    from analysis import corpus

    kwargs = {"on_error": on_error, **options}
    if metadata is not None:
        kwargs["metadata"] = metadata
    else:
        kwargs["metadata"] = None
    source = Path(source) if isinstance(source, (str, Path)) else source
    if isinstance(source, Path) and source.is_dir():
        units = corpus.load_corpus(source, **kwargs)
    else:
        files = [source] if isinstance(source, Path) else [Path(p) for p in source]
        if "files" not in inspect.signature(corpus.load_corpus).parameters:
            raise CorpusError(f"{files[0]}: a single page file cannot be loaded by this version of "
                              f"analysis.corpus.load_corpus; put the page in a folder and load the folder")
        units = corpus.load_corpus(files=files, **kwargs)
    return _with_reader_columns(units)


def _with_reader_columns(units: pd.DataFrame) -> pd.DataFrame:
    """Add :data:`READER_COLUMNS` to a page loader's table that lacks them."""
    if "title_source" not in units.columns:
        units["title_source"] = units["title"].map(lambda t: "page" if t else "missing").astype("str")
    if "source_row" not in units.columns:
        units["source_row"] = pd.array([pd.NA] * len(units), dtype="Int64")
    return units


def _html(source, *, metadata=None, on_error: str = "warn"):
    return _merge_metadata(read_html(source, on_error=on_error), metadata)


def _no_metadata(reader):
    def read(source, *, metadata=None, **options):
        if metadata is not None:
            raise CorpusError(f"{source}: metadata= applies to page and HTML sources (one file per document); "
                              f"a table or an IRaMuTeQ corpus carries its metadata in its own columns or variables")
        return reader(source, **options)
    read.__doc__ = reader.__doc__
    return read


#: Format name -> reader ``f(source, *, metadata=None, on_error="warn", **mapping)``.
READERS = {
    "pages": _read_pages,
    "table": _no_metadata(read_table),
    "csv": _no_metadata(partial(read_table, format="csv")),
    "tsv": _no_metadata(partial(read_table, format="tsv")),
    "excel": _no_metadata(partial(read_table, format="excel")),
    "parquet": _no_metadata(partial(read_table, format="parquet")),
    "jsonl": _no_metadata(partial(read_table, format="jsonl")),
    "html": _html,
    "iramuteq": _no_metadata(read_iramuteq),
}
#: The accepted ``format=`` values of :func:`load_source`.
FORMATS = tuple(READERS)


def _merge_metadata(units: pd.DataFrame, metadata) -> pd.DataFrame:
    """Fill outlet, url, title and date of one-file-per-document units from a metadata table."""
    if metadata is None:
        return units
    from analysis.metadata import load_metadata, warn_problems

    table, problems = load_metadata(metadata)
    warn_problems(problems)
    for k in units.index:
        name = units.at[k, "source_file"]
        if name not in table.index:
            continue
        row = table.loc[name]
        for column in ("outlet", "url"):
            if row[column]:
                units.at[k, column] = row[column]
        if not units.at[k, "title"] and "title" in table.columns and row["title"]:
            units.at[k, "title"], units.at[k, "title_source"] = row["title"], "metadata"
        if pd.isna(units.at[k, "date"]) and pd.notna(row["date"]):
            units.at[k, "date"] = row["date"]
            units.at[k, "date_precision"], units.at[k, "date_source"] = row["date_precision"], "metadata"
    return units


def _format_of_file(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return "table"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix == ".txt":
        from analysis.metadata import decode_text

        text, _ = decode_text(path.read_bytes(), str(path), error=CorpusError)
        return "iramuteq" if is_iramuteq(text) else "pages"
    raise CorpusError(f"{path}: cannot tell the format from the suffix {suffix!r}; accepted suffixes: "
                      f"{', '.join([*TABLE_SUFFIXES, *HTML_SUFFIXES, '.txt'])}; or pass format= one of "
                      f"{', '.join(FORMATS)}")


def _format_of_folder(folder: Path) -> str:
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    html = [p for p in files if p.suffix.lower() in HTML_SUFFIXES]
    pages = [p for p in files if p.suffix.lower() == ".txt"]
    if html and pages:
        raise CorpusError(f"{folder}: holds both HTML pages ({len(html)}) and .txt pages ({len(pages)}); "
                          f"load them separately, or pass format='html' or format='pages'")
    if html:
        return "html"
    if pages:
        return "pages"
    raise CorpusError(f"{folder}: no .txt page and no HTML page found")


def load_source(source, *, format: str | None = None, metadata=None, on_error: str = "warn",
                **mapping) -> pd.DataFrame:
    """Load any corpus source into the units table, choosing the reader from what is given.

    Parameters
    ----------
    source : pandas.DataFrame, path-like, or list of path-like
        - a DataFrame: a table of documents (:func:`read_table`, ``source_file="<DataFrame>"``);
        - a file, by suffix: ``.csv``, ``.tsv``, ``.xlsx``, ``.parquet``, ``.jsonl`` (a table),
          ``.html``/``.htm`` (a saved web page), ``.txt`` (an IRaMuTeQ corpus when its first
          non-blank line starts with ``****``, otherwise a captured page, read by the page
          loader);
        - a folder: of HTML pages (:func:`read_html`) or of ``.txt`` pages
          (:func:`analysis.corpus.load_corpus`);
        - a list of files: pages of one format (``.html`` or ``.txt`` pages).
    format : str, optional
        One of :data:`FORMATS` (``pages``, ``table``, ``csv``, ``tsv``, ``excel``, ``parquet``,
        ``jsonl``, ``html``, ``iramuteq``), overriding the guess.
    metadata : path-like, pandas.DataFrame or None
        For pages and HTML pages: the metadata table (:func:`analysis.metadata.load_metadata`),
        by file name. Not accepted for tables and IRaMuTeQ corpora.
    on_error : {"warn", "raise"}
        Passed to the reader.
    **mapping
        Passed to the reader: ``text=``, ``title=``, ``date=``, ``id=``, ``sep=``, ``encoding=``,
        ``sheet_name=`` for tables; ``encoding=``, ``date=`` for IRaMuTeQ.

    Returns
    -------
    pandas.DataFrame
        The units table (:func:`analysis.readers.base.units_frame`).

    Raises
    ------
    CorpusError
        An unknown format (the accepted ones listed), a source not found, or the reader's errors.
    """
    if format is not None and format not in READERS:
        raise CorpusError(f"{source if not isinstance(source, pd.DataFrame) else '<DataFrame>'}: unknown format "
                          f"{format!r}; accepted: {', '.join(FORMATS)}")
    if isinstance(source, pd.DataFrame):
        if format not in (None, "table"):
            raise CorpusError(f"<DataFrame>: a DataFrame is read as a table, not as format {format!r}")
        return READERS["table"](source, metadata=metadata, on_error=on_error, **mapping)
    if isinstance(source, (list, tuple)):
        paths = [Path(p) for p in source]
        if not paths:
            raise CorpusError("load_source: empty list of files")
        kinds = {("html" if p.suffix.lower() in HTML_SUFFIXES else "pages") for p in paths}
        fmt = format or (kinds.pop() if len(kinds) == 1 else None)
        if fmt not in ("html", "pages"):
            raise CorpusError(f"{paths[0]}: a list of files must be all HTML pages or all .txt pages "
                              f"(format='html' or 'pages')")
        return READERS[fmt](paths, metadata=metadata, on_error=on_error, **mapping)
    path = Path(source)
    if not path.exists():
        raise CorpusError(f"{path}: not found")
    fmt = format or (_format_of_folder(path) if path.is_dir() else _format_of_file(path))
    return READERS[fmt](path, metadata=metadata, on_error=on_error, **mapping)
