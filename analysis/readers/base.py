"""What every reader shares: the units table it returns, and how it reports problems.

A reader only turns a source into records (one per document); :func:`units_frame` decides once
what a unit is and which columns and dtypes it has, the same as :func:`analysis.corpus.load_corpus`
returns, plus :data:`READER_COLUMNS` and the source's own metadata columns after them.
"""
from __future__ import annotations

import warnings
from collections import Counter

import pandas as pd

from analysis.corpus import UNIT_COLUMNS
from analysis.errors import CorpusError, CorpusWarning
from analysis.text import count_words

__all__ = ["READER_COLUMNS", "TITLE_SOURCES", "FILLABLE_COLUMNS", "RESERVED_COLUMNS",
           "article_record", "units_frame", "metadata_name", "with_report", "LoadLog"]

#: Columns the readers add after :data:`analysis.corpus.UNIT_COLUMNS`: where the title came from
#: (:data:`TITLE_SOURCES`) and the row, line or sheet row of the document within its source
#: (``<NA>`` for one-file-per-document sources).
READER_COLUMNS = [c for c in ("title_source", "source_row") if c not in UNIT_COLUMNS]
#: ``page`` (the page or HTML states it), ``metadata`` (the metadata table), ``column`` (a title
#: column of a table), ``missing`` (none).
TITLE_SOURCES = ("page", "metadata", "missing", "column")
#: Standard columns a source's own column of the same name fills (``outlet``, ``url``, ...).
FILLABLE_COLUMNS = ("outlet", "url", "lead", "dateline", "section", "captions")
#: Standard columns the readers compute; a source column with one of these names is kept as
#: ``meta_<name>``.
RESERVED_COLUMNS = tuple(c for c in UNIT_COLUMNS + READER_COLUMNS if c not in FILLABLE_COLUMNS)
_STR_COLUMNS = [c for c in UNIT_COLUMNS + READER_COLUMNS if c not in ("date", "n_pages", "n_words", "source_row")]


def article_record(*, doc_id: str, source_file: str, text: str, title: str = "",
                   title_source: str | None = None, date=pd.NaT, date_precision: str = "",
                   date_source: str = "unknown", source_row=None, metadata: dict | None = None) -> dict:
    """One document as a unit record (``kind="article"``, one page).

    Parameters
    ----------
    doc_id, source_file, text, title : str
        Identity, provenance and content of the document.
    title_source : str, optional
        One of :data:`TITLE_SOURCES`; None gives ``"missing"`` for an empty title, else ``"page"``.
    date : pandas.Timestamp or NaT
    date_precision, date_source : str
        ``date_source`` is ``"unknown"`` when ``date`` is NaT.
    source_row : int or None
        Row or line of the document within its source.
    metadata : dict, optional
        The source's other columns; those named in :data:`FILLABLE_COLUMNS` fill the standard
        column, the rest become metadata columns (see :func:`units_frame`).

    Returns
    -------
    dict
    """
    record = {c: "" for c in _STR_COLUMNS}
    if title_source is None:
        title_source = "page" if title else "missing"
    if pd.isna(date):
        date, date_precision, date_source = pd.NaT, "", "unknown"
    record.update(
        doc_id=doc_id, kind="article", source_file=source_file, title=title, text=text, date=date,
        date_precision=date_precision, date_source=date_source, n_pages=1, n_words=count_words(text),
        source_files=source_file, title_source=title_source, source_row=source_row,
    )
    for key, value in (metadata or {}).items():
        if key in FILLABLE_COLUMNS:
            record[key] = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
        elif key in RESERVED_COLUMNS:
            record[f"meta_{key}"] = value
        else:
            record[key] = value
    return record


def metadata_name(column: str) -> str:
    """Name a source column gets in the units table (``meta_<name>`` for a reserved name)."""
    return f"meta_{column}" if column in RESERVED_COLUMNS else column


def units_frame(records: list[dict], extra_columns=()) -> pd.DataFrame:
    """The units table of a list of article records.

    Parameters
    ----------
    records : list of dict
        From :func:`article_record`.
    extra_columns : sequence of str
        The source's metadata columns, in source order (names as given in the source; a reserved
        name becomes ``meta_<name>``, a fillable one fills its standard column).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`analysis.corpus.UNIT_COLUMNS` with ``load_corpus``'s dtypes (str,
        ``date`` datetime64[us], ``n_pages`` and ``n_words`` int64), then :data:`READER_COLUMNS`
        (``title_source`` str, ``source_row`` Int64), then the metadata columns (missing values
        ``""`` for text columns).
    """
    extra = [metadata_name(c) for c in dict.fromkeys(extra_columns) if c not in FILLABLE_COLUMNS]
    columns = UNIT_COLUMNS + READER_COLUMNS + [c for c in extra if c not in UNIT_COLUMNS + READER_COLUMNS]
    units = pd.DataFrame(records, columns=columns)
    for column in _STR_COLUMNS:
        units[column] = units[column].fillna("").astype("str")
    units["date"] = pd.to_datetime(units["date"]).astype("datetime64[us]")
    units["source_row"] = units["source_row"].astype("Int64")
    units = units.astype({"n_pages": "int64", "n_words": "int64"})
    for column in columns[len(UNIT_COLUMNS) + len(READER_COLUMNS):]:
        if units[column].dtype == object or pd.api.types.is_string_dtype(units[column]):
            units[column] = units[column].where(units[column].notna(), "").astype("str")
    return units.reset_index(drop=True)


class LoadLog:
    """Problems met while reading one source, counted by kind.

    Each problem is warned (:class:`~analysis.errors.CorpusWarning`) or, in ``"raise"`` mode,
    raised (:class:`~analysis.errors.CorpusError`), with the source and the row or line named.

    Parameters
    ----------
    source : str
        The file name (or ``<DataFrame>``).
    on_error : {"warn", "raise"}
    """

    def __init__(self, source: str, on_error: str = "warn"):
        if on_error not in ("warn", "raise"):
            raise ValueError(f"on_error must be 'warn' or 'raise', not {on_error!r}")
        self.source, self.on_error = source, on_error
        self.dropped: Counter = Counter()
        self.kept: Counter = Counter()
        self.problems: list[str] = []

    def problem(self, kind: str, where: str, message: str, *, dropped: bool = True) -> None:
        """Report one problem: ``kind`` counts it, ``where`` is e.g. ``"line 4"``."""
        text = f"{self.source} {where}: {message}" if where else f"{self.source}: {message}"
        if self.on_error == "raise":
            raise CorpusError(text)
        (self.dropped if dropped else self.kept)[kind] += 1
        self.problems.append(text)
        warnings.warn(text, CorpusWarning, stacklevel=3)

    def note(self, message: str) -> None:
        """A caveat that never raises (a fallback encoding): warned and listed."""
        text = f"{self.source}: {message}"
        self.problems.append(text)
        warnings.warn(text, CorpusWarning, stacklevel=3)

    def report(self, n_records: int, n_loaded: int) -> dict:
        """The counts, stored by the readers in ``units.attrs["report"]``.

        ``records`` = ``loaded`` + the sum of ``dropped``: nothing lost, nothing counted twice.
        ``flagged`` counts the problems that dropped no record (a rejected date, a malformed
        variable, a stray line between records).
        """
        return {"source": self.source, "records": n_records, "loaded": n_loaded,
                "dropped": dict(sorted(self.dropped.items())), "flagged": dict(sorted(self.kept.items())),
                "problems": list(self.problems)}


def with_report(units: pd.DataFrame, report: dict) -> pd.DataFrame:
    """Attach a reader's report to its units table (``units.attrs["report"]``)."""
    units.attrs["report"] = report
    return units
