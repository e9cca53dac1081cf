"""Tables of documents: CSV/TSV, Excel, Parquet, JSON Lines, or a DataFrame, one document per row.

Columns are mapped by name (``text=``, ``title=``, ``date=``, ``id=``); every other column is kept as
a metadata column. Rows that are not documents are reported (warned with the file and the row, or
raised with ``on_error="raise"``), dropped and counted, never silently kept: a stray repeated
header row, an exact duplicate of an earlier row, an empty text, a missing or repeated id, a row
with the wrong number of fields. A date that is not strict ISO (``YYYY``, ``YYYY-MM``,
``YYYY-MM-DD``) is reported and the row kept undated.

Row numbers (``source_row``) are those a person sees: the physical line of a CSV/TSV (header on
line 1; a quoted field may span lines, the record's first line is given), the sheet row of an
Excel file, the line of a JSON Lines record, the 1-based row of a Parquet file, and the 0-based
position in a DataFrame.
"""
from __future__ import annotations

import csv
import datetime as _dt
import json
import re
from pathlib import Path

import pandas as pd

from analysis.errors import CorpusError
from analysis.metadata import ACCEPTED_DATE_FORMS, csv_records, decode_text, parse_iso_date
from analysis.readers.base import LoadLog, article_record, units_frame, with_report

__all__ = ["TABLE_FORMATS", "TABLE_SUFFIXES", "read_table", "table_format"]

#: Table formats and the suffixes that select them.
TABLE_SUFFIXES = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "excel", ".xlsm": "excel",
    ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl",
}
TABLE_FORMATS = ("csv", "tsv", "excel", "parquet", "jsonl")
_DELIMITERS = ",;\t|"
_SNIFF_CHARS = 65536
_BLANK_LINES_RE = re.compile(r"\n[ \t]*\n[ \t\n]*")


def table_format(path: Path, format: str | None = None) -> str:
    """The table format of ``path``: ``format`` if given, else from the suffix."""
    if format is not None:
        if format not in TABLE_FORMATS:
            raise CorpusError(f"{path}: unknown table format {format!r}; accepted: {', '.join(TABLE_FORMATS)}")
        return format
    suffix = Path(path).suffix.lower()
    if suffix == ".xls":
        raise CorpusError(f"{path}: old Excel .xls files are not read; save it as .xlsx (or export CSV)")
    if suffix not in TABLE_SUFFIXES:
        raise CorpusError(f"{path}: cannot tell the table format from the suffix {suffix!r}; accepted suffixes: "
                          f"{', '.join(TABLE_SUFFIXES)}; or pass format= one of {', '.join(TABLE_FORMATS)}")
    return TABLE_SUFFIXES[suffix]


def _cell(value) -> str:
    """A cell as text: None/NaN empty, a whole float without ``.0``, a date as ISO."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (_dt.datetime, pd.Timestamp)):
        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            return ""
        return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() and stamp.tzinfo is None else str(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value):
        return ""
    return str(value)


# --------------------------------------------------------------------------------------------
# Sources -> (header, records); a record is (row number, fields or None, error)
# --------------------------------------------------------------------------------------------


def _pick_delimiter(text: str, stated: str | None, fmt: str, wanted: list[str]) -> str:
    """The field separator: stated, ``\\t`` for TSV, else sniffed and checked on the header."""
    if stated is not None:
        return stated
    if fmt == "tsv":
        return "\t"
    header_line = text.split("\n", 1)[0]
    try:
        sniffed = csv.Sniffer().sniff(text[:_SNIFF_CHARS], delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    for candidate in dict.fromkeys([sniffed, *_DELIMITERS]):
        names = [n.strip() for n in next(csv.reader([header_line], delimiter=candidate), [])]
        # a one-column header fits every candidate: take the standard comma then
        if all(w in names for w in wanted) and (len(names) > 1 or candidate == ","):
            return candidate
    return sniffed


def _read_delimited(path: Path, fmt: str, sep, encoding, wanted, log: LoadLog):
    text, note = decode_text(path.read_bytes(), str(path), encoding, error=CorpusError)
    if "fallback" in note:
        log.note(f"decoded with {note}: check accents, or state encoding=")
    delimiter = _pick_delimiter(text, sep, fmt, wanted)
    records = csv_records(text, delimiter)
    first = next(records, None)
    if first is None:
        raise CorpusError(f"{path}: empty file; expected a header line")
    if first[2] is None:
        raise CorpusError(f"{path}: line {first[0]}: the header line cannot be read: {first[3]}")
    header = [h.strip() for h in first[2]]
    return header, [(f"line {a}", a, fields, error) for a, _, fields, error in records]


def _read_excel(path: Path, sheet_name):
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a bad file
        raise CorpusError(f"{path}: cannot be read as an Excel workbook: {exc}") from None
    try:
        if isinstance(sheet_name, int):
            if not 0 <= sheet_name < len(book.worksheets):
                raise CorpusError(f"{path}: no sheet number {sheet_name}; sheets: {', '.join(book.sheetnames)}")
            sheet = book.worksheets[sheet_name]
        elif sheet_name in book.sheetnames:
            sheet = book[sheet_name]
        else:
            raise CorpusError(f"{path}: no sheet {sheet_name!r}; sheets: {', '.join(book.sheetnames)}")
        rows = [(k, [_cell(v) for v in row]) for k, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()
    rows = [(k, fields) for k, fields in rows if any(f.strip() for f in fields)]
    if not rows:
        raise CorpusError(f"{path}: sheet {sheet_name!r} is empty; expected a header row")
    (_, header), body = rows[0], rows[1:]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    records = []
    for k, fields in body:
        extra = fields[width:]
        fields = fields[:width] if not any(f.strip() for f in extra) else fields
        records.append((f"row {k}", k, fields, None))
    return [h.strip() for h in header], records


def _read_parquet(path: Path):
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types on a bad file
        raise CorpusError(f"{path}: cannot be read as Parquet: {exc}") from None
    header = [str(c) for c in frame.columns]
    records = [(f"row {k}", k, [_cell(v) for v in row], None)
               for k, row in enumerate(frame.itertuples(index=False, name=None), start=1)]
    return header, records


def _read_jsonl(path: Path, encoding, log: LoadLog):
    text, note = decode_text(path.read_bytes(), str(path), encoding, error=CorpusError)
    if "fallback" in note:
        log.note(f"decoded with {note}: check accents, or state encoding=")
    header, objects = {}, []
    for k, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            objects.append((k, None, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(obj, dict):
            objects.append((k, None, f"a JSON {type(obj).__name__}, not an object"))
            continue
        header.update(dict.fromkeys(map(str, obj)))
        objects.append((k, {str(key): value for key, value in obj.items()}, None))
    header = list(header)
    records = []
    for k, obj, error in objects:
        fields = None if obj is None else [_json_cell(obj.get(c)) for c in header]
        records.append((f"line {k}", k, fields, error))
    return header, records


def _json_cell(value) -> str:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return str(value).lower()
    return _cell(value)


def _read_frame(frame: pd.DataFrame):
    header = [str(c) for c in frame.columns]
    records = [(f"row {k}", k, [_cell(v) for v in row], None)
               for k, row in enumerate(frame.itertuples(index=False, name=None))]
    return header, records


# --------------------------------------------------------------------------------------------
# Records -> units
# --------------------------------------------------------------------------------------------


def _check_mapping(name: str, header: list[str], mapping: dict) -> None:
    dup = sorted({c for c in header if header.count(c) > 1})
    if dup:
        raise CorpusError(f"{name}: column(s) {', '.join(map(repr, dup))} appear more than once in the header")
    for role, column in mapping.items():
        if column is not None and column not in header:
            raise CorpusError(f"{name}: no column {column!r} (given as {role}=); columns present: "
                              f"{', '.join(map(repr, header)) or 'none'}")


def _units(name: str, stem: str, header, records, mapping: dict, log: LoadLog) -> pd.DataFrame:
    text_col, title_col, date_col, id_col = (mapping[k] for k in ("text", "title", "date", "id"))
    extra = [c for c in header if c not in (text_col, title_col, date_col, id_col)]
    out, seen_rows, seen_ids, n_records = [], {}, {}, 0
    for where, row_number, fields, error in records:
        n_records += 1
        if fields is None:
            log.problem("malformed", where, f"{error}; row dropped")
            continue
        if len(fields) > len(header) and any(f.strip() for f in fields[len(header):]):
            log.problem("malformed", where, f"{len(fields)} fields for {len(header)} columns "
                                            f"(an unquoted separator?); row dropped")
            continue
        fields = (fields + [""] * len(header))[: len(header)]
        if [f.strip() for f in fields] == header:
            log.problem("repeated_header", where, "a repeated header row; dropped")
            continue
        key = tuple(fields)
        if key in seen_rows:
            log.problem("duplicate", where, f"exact duplicate of {seen_rows[key]}; dropped (loaded once)")
            continue
        seen_rows[key] = where
        row = dict(zip(header, fields))
        text = row[text_col]
        if not text.strip():
            log.problem("empty_text", where, f"empty text in column {text_col!r}; row dropped")
            continue
        if id_col is not None:
            doc_id = row[id_col].strip()
            if not doc_id:
                log.problem("bad_id", where, f"empty id in column {id_col!r}; row dropped")
                continue
            if doc_id in seen_ids:
                log.problem("bad_id", where, f"id {doc_id!r} already used on {seen_ids[doc_id]}; row dropped")
                continue
            seen_ids[doc_id] = where
        else:
            doc_id = f"{stem}_{row_number}"
        date, precision = pd.NaT, ""
        if date_col is not None and row[date_col].strip():
            try:
                date, precision = parse_iso_date(row[date_col])
            except ValueError as exc:
                log.problem("bad_date", where, f"date rejected: {exc}; accepted forms: {ACCEPTED_DATE_FORMS}; "
                                               f"the row is kept undated", dropped=False)
        title = row[title_col].strip() if title_col is not None else ""
        out.append(article_record(
            doc_id=doc_id, source_file=name, text=_paragraphs(text), title=title,
            title_source="column" if title else "missing", date=date, date_precision=precision,
            date_source="metadata", source_row=row_number, metadata={c: row[c] for c in extra},
        ))
    units = units_frame(out, extra)
    return with_report(units, log.report(n_records, len(units)))


def _paragraphs(text: str) -> str:
    """Paragraphs separated by one blank line (the units table's convention); nothing else changes."""
    parts = [p.strip(" \t\n") for p in _BLANK_LINES_RE.split(text.strip(" \t\n"))]
    return "\n\n".join(p for p in parts if p)


def read_table(path, *, text: str = "text", title: str | None = None, date: str | None = None,
               id: str | None = None, format: str | None = None, sep: str | None = None,
               encoding: str | None = None, sheet_name=0, on_error: str = "warn") -> pd.DataFrame:
    """Read a table of documents (one per row) into the units table.

    Parameters
    ----------
    path : path-like or pandas.DataFrame
        A ``.csv``, ``.tsv``, ``.xlsx``, ``.parquet`` or ``.jsonl`` file (see :data:`TABLE_SUFFIXES`),
        or a DataFrame (``source_file="<DataFrame>"``).
    text : str
        Column holding the document text.
    title, date, id : str, optional
        Columns holding the title, the date (strict ISO ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; the
        precision follows the form) and a unique document id. ``title=None`` and ``date=None``
        use a column named ``title`` / ``date`` when there is one; without ``id`` the id is
        ``<file stem>_<row>``.
    format : {"csv", "tsv", "excel", "parquet", "jsonl"}, optional
        Overrides the suffix.
    sep : str, optional
        CSV field separator; default sniffed (``,``, ``;``, tab or ``|``, checked against the
        header) or tab for TSV.
    encoding : str, optional
        CSV/JSONL encoding; default detected: UTF-8 with or without BOM, UTF-16 with a BOM, else
        cp1252 with a warning.
    sheet_name : int or str
        Excel sheet (position or name).
    on_error : {"warn", "raise"}
        ``"warn"``: each problem row is warned (:class:`~analysis.errors.CorpusWarning`, naming
        the file and row), dropped and counted; ``"raise"``: :class:`CorpusError` on the first.

    Returns
    -------
    pandas.DataFrame
        The units table (:func:`analysis.readers.base.units_frame`): ``kind="article"``,
        ``title_source`` ``"column"`` or ``"missing"``, ``date_source`` ``"metadata"`` for a
        dated row, else ``"unknown"``; the other columns follow as metadata columns (a column
        with a blank header as ``unnamed_<position>``; a column named like a computed standard
        column, ``kind`` say, as ``meta_kind``; ``outlet``, ``url``, ``lead``, ``dateline``,
        ``section`` and ``captions`` fill the standard column). The counts
        are in ``units.attrs["report"]``: ``records`` = ``loaded`` + sum of ``dropped``
        (``repeated_header``, ``duplicate``, ``empty_text``, ``bad_id``, ``malformed``);
        ``flagged`` counts kept rows with a rejected date (``bad_date``).

    Raises
    ------
    CorpusError
        Naming the file: not found, unreadable, an unknown format, a mapped column missing (the
        columns present are listed); in ``"raise"`` mode, the first problem row.
    """
    if isinstance(path, pd.DataFrame):
        name, stem, log = "<DataFrame>", "row", LoadLog("<DataFrame>", on_error)
        header, records = _read_frame(path)
    else:
        path = Path(path)
        name, stem, log = path.name, path.stem, LoadLog(path.name, on_error)
        if not path.is_file():
            raise CorpusError(f"{path}: table not found")
        fmt = table_format(path, format)
        wanted = [text] + [c for c in (title, date, id) if c is not None]
        try:
            if fmt in ("csv", "tsv"):
                header, records = _read_delimited(path, fmt, sep, encoding, wanted, log)
            elif fmt == "excel":
                header, records = _read_excel(path, sheet_name)
            elif fmt == "parquet":
                header, records = _read_parquet(path)
            else:
                header, records = _read_jsonl(path, encoding, log)
        except OSError as exc:
            raise CorpusError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    header = [h if h else f"unnamed_{k}" for k, h in enumerate(header, start=1)]  # keep blank-headed columns
    title = title if title is not None else ("title" if "title" in header and text != "title" else None)
    date = date if date is not None else ("date" if "date" in header and text != "date" else None)
    mapping = {"text": text, "title": title, "date": date, "id": id}
    _check_mapping(name, header, mapping)
    return _units(name, stem, header, records, mapping, log)
