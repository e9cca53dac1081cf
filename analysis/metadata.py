"""The metadata table, read so that it cannot be misread.

One row per raw file: its outlet, URL, date, how precise the date is and how it was established.
The table is edited by hand, so every value is checked and every problem names the file and the
**physical line** of the row (a quoted field may span several lines; line 1 is the header):

- dates only in ISO form, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, and in the form that matches the
  stated ``date_precision`` (``year``, ``month``, ``day``); ``28/11/2026``, ``05/11/2026`` (day or
  month first?), ``now``, ``today``, a time or a timezone are rejected, never guessed;
- ``date_precision`` in :data:`DATE_PRECISIONS`, ``date_source`` in :data:`DATE_SOURCES`;
- a ``file`` value is a bare file name, never a path (``/``, ``\\``, ``..``, absolute);
- an extra field, a short row, an unbalanced quote, a duplicate file name, an empty date are
  reported by line and the rest is loaded; an empty or binary file, or a missing required column,
  raises :class:`~analysis.errors.MetadataError` naming the file.

The decoding and CSV helpers here (:func:`decode_text`, :func:`csv_records`,
:func:`parse_iso_date`) are shared with the table readers of :mod:`analysis.readers`. This module
imports nothing from :mod:`analysis.corpus`, so the loader can import it.
"""
from __future__ import annotations

import csv
import datetime as _dt
import functools
import itertools
import re
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import CorpusWarning, MetadataError
from analysis.userfiles import read_bytes
from analysis.paths import METADATA

__all__ = [
    "METADATA_COLUMNS",
    "OPTIONAL_COLUMNS",
    "DATE_PRECISIONS",
    "DATE_SOURCES",
    "ACCEPTED_DATE_FORMS",
    "MetadataError",
    "decode_text",
    "csv_records",
    "parse_iso_date",
    "load_metadata",
]

#: Required columns, in order.
METADATA_COLUMNS = ["file", "outlet", "url", "date", "date_precision", "date_source", "evidence"]
#: Optional columns with a meaning (``title`` fills a page's missing headline).
OPTIONAL_COLUMNS = ["title"]
#: Accepted values of ``date_precision`` (empty only when the date is empty).
DATE_PRECISIONS = ("day", "month", "year")
#: Accepted values of ``date_source``: stated in the page or source, inferred from the text, unknown.
DATE_SOURCES = ("stated", "inferred", "unknown")
#: The accepted date forms, quoted in every date message.
ACCEPTED_DATE_FORMS = "YYYY (precision year), YYYY-MM (month) or YYYY-MM-DD (day)"
#: Fallback encoding for text that is not valid UTF-8 (Windows Western European).
FALLBACK_ENCODING = "cp1252"

_ISO_DATE_RE = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_PRECISION_OF_FORM = {1: "year", 2: "month", 3: "day"}


# --------------------------------------------------------------------------------------------
# Shared helpers: decoding, CSV records with physical line numbers, ISO dates
# --------------------------------------------------------------------------------------------


def decode_text(data: bytes, name: str, encoding: str | None = None, *,
                error: type[Exception] = MetadataError) -> tuple[str, str]:
    """Decode the bytes of a text file (a table, a metadata file, an IRaMuTeQ corpus).

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file's name, for messages.
    encoding : str, optional
        Stated encoding; None detects it: a UTF-8 BOM is dropped, a UTF-16 BOM selects UTF-16,
        otherwise UTF-8, and if that fails :data:`FALLBACK_ENCODING` (the caller warns).

    Returns
    -------
    text : str
        Decoded text in Unicode NFC, CRLF and lone CR turned into LF.
    note : str
        ``"utf-8"``, ``"utf-8 with BOM"``, ``"utf-16"``, the stated encoding, or
        ``"cp1252 fallback (not valid UTF-8 at line N)"``.

    error : exception class
        What to raise (:class:`MetadataError` by default; the table readers pass
        :class:`~analysis.errors.CorpusError`).

    Raises
    ------
    MetadataError
        (or ``error``) naming the file, when the bytes are binary or not valid in the stated or
        detected encoding.
    """
    try:
        return _decode(data, name, encoding)
    except MetadataError as exc:
        raise error(str(exc)) from None


def _decode(data: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    if encoding is not None:
        try:
            text, note = data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise MetadataError(f"{name}: cannot be decoded as {encoding}: {exc}") from None
        text = text.removeprefix("\ufeff")
    elif data.startswith(b"\xef\xbb\xbf"):
        text, note = _strict_decode(data[3:], "utf-8", name), "utf-8 with BOM"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, note = _strict_decode(data, "utf-16", name), "utf-16"
    elif b"\x00" in data:
        raise MetadataError(f"{name}: contains NUL bytes: binary data, or UTF-16 without a byte-order mark")
    else:
        try:
            text, note = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            text = data.decode(FALLBACK_ENCODING, errors="replace")
            note = f"{FALLBACK_ENCODING} fallback (not valid UTF-8 at line {line})"
    if text and len(_CONTROL_RE.findall(text)) > 0.01 * len(text):
        raise MetadataError(f"{name}: decoded as {note} but more than 1% control characters: binary data")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text), note


def _strict_decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise MetadataError(f"{name}: not valid {encoding} ({exc.reason} at byte {exc.start})") from None


def csv_records(text: str, delimiter: str = ","):
    """CSV records of ``text`` with the physical lines they occupy.

    Parameters
    ----------
    text : str
        Decoded text, lines ending in LF.
    delimiter : str
        Field separator.

    Yields
    ------
    first, last : int
        1-based physical line numbers of the record (a quoted field may span lines).
    fields : list of str or None
        The record's fields; None when the record is malformed.
    error : str or None
        Why the record is malformed (an unbalanced or stray quote). Parsing resumes on the line
        after the first line of the bad record, so one bad quote does not swallow the rest.

    Notes
    -----
    Blank lines give no record.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line + "\n" for line in lines]
    start = 0  # lines already consumed before the current reader
    while start < len(lines):
        reader = csv.reader(itertools.islice(lines, start, None), delimiter=delimiter, strict=True)
        done = 0
        try:
            for fields in reader:
                first, done = start + done + 1, reader.line_num
                if fields:
                    yield first, start + done, fields, None
            return
        except csv.Error as exc:
            first = start + done + 1
            yield first, first, None, f"malformed quoting ({exc})"
            start = first


def parse_iso_date(value) -> tuple[pd.Timestamp, str]:
    """Read a strict ISO date and its precision.

    Parameters
    ----------
    value : str, datetime.date or pandas.Timestamp
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (surrounding spaces allowed); a date object, or a
        timestamp at midnight without a timezone, counts as ``YYYY-MM-DD``.

    Returns
    -------
    date : pandas.Timestamp
        The first day of the period.
    precision : str
        ``"year"``, ``"month"`` or ``"day"``, from the form.

    Raises
    ------
    ValueError
        With the reason (the caller adds the file and line and :data:`ACCEPTED_DATE_FORMS`).

    Examples
    --------
    >>> parse_iso_date("2025-06")
    (Timestamp('2025-06-01 00:00:00'), 'month')
    """
    if isinstance(value, (_dt.datetime, pd.Timestamp)):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None or stamp != stamp.normalize():
            raise ValueError(f"{value!s} carries a time or a timezone")
        return stamp, "day"
    if isinstance(value, _dt.date):
        return pd.Timestamp(value), "day"
    return _parse_iso_text(str(value).strip())


@functools.lru_cache(maxsize=65_536)
def _parse_iso_text(text: str) -> tuple[pd.Timestamp, str]:
    """:func:`parse_iso_date` of a stripped string, remembered: a large table repeats its dates
    (a ``pandas.Timestamp`` takes microseconds to build, and is immutable)."""
    match = _ISO_DATE_RE.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not an ISO date")
    parts = [p for p in (match["y"], match["m"], match["d"]) if p is not None]
    try:
        stamp = pd.Timestamp(_dt.date(int(parts[0]), int((parts + ["1"])[1]), int((parts + ["1", "1"])[2])))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a calendar date ({exc})") from None
    return stamp, _PRECISION_OF_FORM[len(parts)]


# --------------------------------------------------------------------------------------------
# The metadata table
# --------------------------------------------------------------------------------------------


def _empty_table(extra=()) -> pd.DataFrame:
    columns = METADATA_COLUMNS + [c for c in extra if c not in METADATA_COLUMNS]
    table = pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    table["date"] = pd.Series(dtype="datetime64[us]")
    return table.set_index("file")


def _frame_records(frame: pd.DataFrame):
    """Header and records of a DataFrame, as if written to CSV (header on line 1)."""
    header = [str(c) for c in frame.columns]
    columns = [column_values(frame.iloc[:, k]) for k in range(frame.shape[1])]
    rows = zip(*columns) if columns else itertools.repeat((), len(frame))  # as itertuples gives them
    records = []
    for k, row in enumerate(rows):
        fields = [_cell(v) for v in row]
        records.append((k + 2, k + 2, fields, None))
    return header, records


def column_values(column: pd.Series | pd.Index) -> list:
    """The values of a column (or an index), as iterating over it gives them.

    A column of strings (any ``StringDtype``) or of objects is taken as a whole with
    ``Series.tolist``, which gives the same values at once where iterating boxes each string of an
    Arrow array on its own (about ten times slower); any other column is iterated over (``tolist``
    can differ there: a ``Float32`` value becomes a Python float, ``0.10000000149011612``).

    Parameters
    ----------
    column : pandas.Series or pandas.Index

    Returns
    -------
    list
    """
    if isinstance(column.dtype, pd.StringDtype) or column.dtype == object:
        return column.tolist()
    return list(column)


def rows_by_file(table: pd.DataFrame) -> dict:
    """``table.to_dict("index")``: each row as a dict of its columns, by index value (file name).

    A table whose index and column names are unique and whose columns all hold ``str`` (missing
    as NaN) or dates (every table :func:`load_metadata` returns) is built from whole columns
    (:func:`column_values`) with the values ``to_dict`` gives: it boxes each Arrow string on its
    own, which costs about as much as checking the metadata. Any other table (where ``to_dict``
    turns ``pd.NA`` into None, or warns about repeated column names) goes to ``to_dict`` itself.

    Parameters
    ----------
    table : pandas.DataFrame

    Returns
    -------
    dict
    """
    simple = table.shape[1] > 0 and table.index.is_unique and table.columns.is_unique and all(
        (isinstance(dtype, pd.StringDtype) and dtype.na_value is not pd.NA)
        or (isinstance(dtype, np.dtype) and dtype.kind == "M")
        for dtype in table.dtypes)
    if not simple:
        return table.to_dict("index")
    columns = table.columns.tolist()
    values = [column_values(table.iloc[:, k]) for k in range(table.shape[1])]
    return {name: dict(zip(columns, row)) for name, row in zip(column_values(table.index), zip(*values))}


def _cell(value) -> str:
    if type(value) is str:  # the common case, and what the rules below return for it
        return value
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, (_dt.date, pd.Timestamp)):
        try:
            stamp, _ = parse_iso_date(value)
            return stamp.strftime("%Y-%m-%d")
        except ValueError:
            return str(value)
    return str(value)


#: A Windows drive at the start of a file name (``C:``).
_DRIVE_RE = re.compile(r"[A-Za-z]:")


def _is_path(name: str) -> bool:
    """Whether a metadata ``file`` value is a path rather than a bare file name.

    Any separator, ``..`` or a drive letter makes it a path (an absolute path always has a
    separator), without building a ``Path`` (called once per row of tables of 100,000 rows).
    """
    return "/" in name or "\\" in name or ".." in name or _DRIVE_RE.match(name) is not None


def _read_source(source, encoding: str | None) -> tuple[str, list[str], list, list[str]]:
    """Name, header, records and decoding notes of a path or DataFrame."""
    if isinstance(source, pd.DataFrame):
        header, records = _frame_records(source)
        return "<DataFrame>", header, records, []
    path = Path(source)
    data = read_bytes(path, MetadataError, "metadata table", hint="pass metadata=None to load without it")
    text, note = decode_text(data, str(path), encoding)
    if not text.strip():
        raise MetadataError(f"{path}: empty file; expected a header line with {', '.join(METADATA_COLUMNS)}")
    notes = [f"{path.name} line {note.split('line ')[1].rstrip(')')}: decoded with {note}: check accents"] if "fallback" in note else []
    records = list(csv_records(text))
    if not records:
        raise MetadataError(f"{path}: no header line found")
    first, _, header, error = records[0]
    if header is None:
        raise MetadataError(f"{path}: line {first}: the header line cannot be read: {error}")
    return path.name, [h.strip() for h in header], records[1:], notes


def _check_header(name: str, header: list[str]) -> None:
    missing = [c for c in METADATA_COLUMNS if c not in header]
    if missing:
        raise MetadataError(
            f"{name}: line 1: missing column(s) {', '.join(missing)}; expected {', '.join(METADATA_COLUMNS)}"
            f" (optional: {', '.join(OPTIONAL_COLUMNS)}); found {', '.join(map(repr, header))}"
        )
    dup = sorted({c for c in header if header.count(c) > 1})
    if dup:
        raise MetadataError(f"{name}: line 1: column(s) {', '.join(dup)} appear more than once")


def _check_row(row: dict) -> tuple[pd.Timestamp, list[str]]:
    """Validate one row's file name and date fields; return its date and its problems."""
    problems = []
    if not row["file"]:
        return pd.NaT, ["empty file name; row skipped"]
    if _is_path(row["file"]):
        return pd.NaT, [f"file {row['file']!r} is a path; give the bare file name of a page in the corpus folder; row skipped"]
    precision, source, value = row["date_precision"], row["date_source"], row["date"]
    if source not in DATE_SOURCES:
        problems.append(f"date_source {source!r} for {row['file']} is not one of {', '.join(DATE_SOURCES)}")
    if not value.strip():
        if source != "unknown":
            problems.append(f"empty date for {row['file']} (with date_source {source!r}); the unit is undated "
                            f"(write date_source 'unknown' when the date is not known)")
        return pd.NaT, problems
    try:
        date, form = parse_iso_date(value)
    except ValueError as exc:
        problems.append(f"date {value!r} for {row['file']} rejected: {exc}; accepted forms: {ACCEPTED_DATE_FORMS}")
        return pd.NaT, problems
    if precision not in DATE_PRECISIONS:
        problems.append(f"date_precision {precision!r} for {row['file']} is not one of {', '.join(DATE_PRECISIONS)}; "
                        f"date {value!r} not used")
        return pd.NaT, problems
    if precision != form:
        problems.append(f"date {value!r} for {row['file']} is of precision {form} but date_precision says {precision}; "
                        f"date not used; accepted forms: {ACCEPTED_DATE_FORMS}")
        return pd.NaT, problems
    return date, problems


def load_metadata(path_or_frame=METADATA, *, on_error: str = "warn",
                  encoding: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Read and check the metadata table (one row per raw file).

    Parameters
    ----------
    path_or_frame : path-like, pandas.DataFrame or None
        CSV with columns :data:`METADATA_COLUMNS` (plus optional ``title`` and any other column,
        kept), or the same as a DataFrame (its rows are numbered as lines of a CSV: header on
        line 1). None gives an empty table.
    on_error : {"warn", "raise"}
        ``"warn"``: problems are returned (the caller warns) and the rest is loaded.
        ``"raise"``: :class:`MetadataError` on the first problem of any kind.
    encoding : str, optional
        Stated encoding; None detects it (UTF-8 with or without BOM, UTF-16 with a BOM, else
        cp1252 with a problem message).

    Returns
    -------
    table : pandas.DataFrame
        Indexed by ``file`` (str); ``date`` as datetime64[us], NaT where empty or rejected; the
        other columns as str.
    problems : list of str
        One message per problem, each naming the file and the physical line (``metadata.csv
        line 4: ...``); rejected dates also list :data:`ACCEPTED_DATE_FORMS`. Rows with an empty
        or path-like file name, a wrong number of fields or broken quoting are skipped; a row whose
        file is listed earlier is skipped; a row with a bad date is kept undated.

    Raises
    ------
    MetadataError
        Naming the file: not found, unreadable, empty, binary, no header, a required column
        missing or repeated; in ``"raise"`` mode, the first problem.
    """
    if on_error not in ("warn", "raise"):
        raise ValueError(f"on_error must be 'warn' or 'raise', not {on_error!r}")
    if path_or_frame is None:
        return _empty_table(), []
    name, header, records, problems = _read_source(path_or_frame, encoding)
    _check_header(name, header)
    extra = [c for c in header if c not in METADATA_COLUMNS]

    def report(line, message):
        text = f"{name} line {line}: {message}"
        if on_error == "raise":
            raise MetadataError(text)
        problems.append(text)

    if problems and on_error == "raise":
        raise MetadataError(problems[0])
    rows, dates, seen = [], [], {}
    for first, last, fields, error in records:
        lines = f"{first}" if first == last else f"{first}-{last}"
        if fields is None:
            report(lines, f"{error}; row skipped (check the quotes: a field with a comma or a quote must be "
                          f"quoted, and a quote inside it doubled)")
            continue
        if len(fields) != len(header):
            kind = ("an extra field: an unquoted comma?" if len(fields) > len(header)
                    else "a short row: a missing separator?")
            report(lines, f"{len(fields)} fields for {len(header)} columns ({kind}); row skipped")
            continue
        row = dict(zip(header, fields))
        for column in ("file", "date_precision", "date_source"):
            row[column] = row[column].strip()
        date, row_problems = _check_row(row)
        for message in row_problems:
            report(lines, message)
        if not row["file"] or _is_path(row["file"]):
            continue
        if row["file"] in seen:
            report(lines, f"file {row['file']!r} already listed on line {seen[row['file']]}; first row used")
            continue
        seen[row["file"]] = first
        rows.append(row)
        dates.append(date)
    if not rows:
        return _empty_table(extra), problems
    table = pd.DataFrame(rows, columns=header).astype("str")
    table["date"] = pd.Series(dates, dtype="datetime64[us]")
    return table.set_index("file"), problems


def warn_problems(problems: list[str]) -> None:
    """Warn once per problem message (:class:`~analysis.errors.CorpusWarning`)."""
    for problem in problems:
        warnings.warn(problem, CorpusWarning, stacklevel=3)
