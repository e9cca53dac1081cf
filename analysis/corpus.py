"""Raw pages -> documented units (article | related) and paragraphs.

A captured page is not one document. In order it may hold a headline (often repeated), a standfirst
(chapô, sometimes repeated as the dateline paragraph), photo captions, ``>>`` links to related
articles, the body closed by a sign-off, and after ``Voir plus`` a block of teasers for other
articles published at other dates. :func:`parse_page` (in :mod:`analysis.pages`, the page format,
re-exported here) gives every line of a page exactly one *role*; :func:`load_corpus` turns the roles
into units:

- one ``article`` unit per page: its title, standfirst, body text, dateline, date;
- one ``related`` unit per distinct teaser or ``>>`` link, however many pages carry it
  (``n_pages``), undated, attached to the article of the first page that carries it
  (``parent_id``).

Captions, image file names, sign-offs, ``source`` lines and repeated headlines are never body
text. Every rule is a named, compiled regular expression in :mod:`analysis.pages`.

Awkward files (empty, undecodable, duplicate, not ``*.txt``; symbolic links, folders and special
files, which are never opened) are reported by :func:`load_report`, with per-page quality flags
(headline missing or inferred, captions or markup in the text, lost spaces, no date, no metadata
row); :func:`load_corpus` warns once per problem file, naming it relative to its folder, and loads
the rest. The page-folder reader is :func:`list_pages` (which files of a folder are pages) and
:func:`read_pages` (page files -> units and report); ``data/README.md`` describes the page format.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import stat
import sys
import warnings
from pathlib import Path

import pandas as pd

from analysis.pages import (  # noqa: F401  (the page parser, re-exported for callers of analysis.corpus)
    decode_page, EXPECTED_NON_PAGES, Page, page_roles, parse_page, SECTION_WORDS, Teaser, _key,
    _MD_IMAGE, _repeats, _Undecodable, _decode,
)
from analysis.spacing import (  # noqa: F401  (re-exported for callers of analysis.corpus)
    repair_spacing, RUN_TOGETHER_MIN_COUNT, run_together_split, spacing_problems,
)
from analysis.paths import METADATA, RAW
from analysis.text import count_words

__all__ = [
    "CorpusError",
    "CorpusWarning",
    "Page",
    "Teaser",
    "decode_page",
    "parse_page",
    "page_roles",
    "load_metadata",
    "load_report",
    "load_corpus",
    "list_pages",
    "read_pages",
    "page_quality",
    "spacing_problems",
    "repair_spacing",
    "run_together_split",
    "paragraphs",
    "page_composition",
    "write_checksums",
    "verify_checksums",
]


from analysis.errors import CorpusError, CorpusWarning  # noqa: E402  (re-exported here)


# --------------------------------------------------------------------------------------------
# Metadata and checksums
# --------------------------------------------------------------------------------------------

METADATA_COLUMNS = ["file", "outlet", "url", "date", "date_precision", "date_source", "evidence"]


def load_metadata(path: Path | str | pd.DataFrame | None = METADATA, *, on_error: str = "warn"
                  ) -> tuple[pd.DataFrame, list[str]]:
    """Read and check the metadata table (one row per raw file).

    The strict loader lives in :func:`analysis.metadata.load_metadata` (ISO dates matching the
    stated precision, fixed vocabularies, physical line numbers); this name is kept for callers
    of ``analysis.corpus``.

    Parameters
    ----------
    path : path-like, pandas.DataFrame or None
        CSV with columns :data:`METADATA_COLUMNS` (optional ``title``); None gives an empty table.
    on_error : {"warn", "raise"}
        ``"raise"``: :class:`analysis.errors.MetadataError` on the first problem.

    Returns
    -------
    table : pandas.DataFrame
        Indexed by ``file``; ``date`` as datetime64 (NaT where empty or rejected).
    problems : list of str
        One message per problem, naming the file and the physical line.
    """
    from analysis.metadata import load_metadata as _load_metadata

    return _load_metadata(path, on_error=on_error)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_checksums(raw_dir: Path | str = RAW, checksums: Path | str | None = None, accept_changed=()) -> Path:
    """Pin the new pages of ``raw_dir``; refuse a changed pinned page (see :func:`analysis.pinning.pin`).

    Returns
    -------
    pathlib.Path
        The checksum file (check it by hand with ``cd data/raw && sha256sum -c SHA256SUMS``).

    Raises
    ------
    analysis.errors.ChecksumError
        A pinned page changed (accept it with ``accept_changed=[name]``), or a file cannot be pinned.
    """
    from analysis import pinning

    result = pinning.pin(raw_dir, checksums, accept_changed)
    return result.checksums


def verify_checksums(raw_dir: Path | str = RAW, checksums: Path | str | None = None) -> list[str]:
    """Compare the raw pages with their pinned checksums (:func:`analysis.pinning.verify`).

    Returns
    -------
    list of str
        One message per problem: a page changed, a page not pinned, a pinned page missing.
        Empty when everything matches.
    """
    from analysis import pinning

    return pinning.verify(raw_dir, checksums)


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

#: Statuses of :func:`load_report`. ``ok`` and ``warning`` files are loaded; ``refused`` entries
#: (symbolic links, folders named like pages, FIFOs and other special files) are never opened.
STATUSES = ("ok", "warning", "empty", "undecodable", "duplicate", "ignored", "refused")
_BAD = {"empty", "undecodable", "duplicate", "refused"}
#: Columns of :func:`load_report`.
REPORT_COLUMNS = ["file", "status", "message", "n_units", "quality"]


# Files: only regular files inside the corpus folder ------------------------------------------

def _not_read(path: Path, st: os.stat_result) -> tuple[str, str] | None:
    """``(status, message)`` for a folder entry that is never opened, or None for a regular file."""
    if stat.S_ISLNK(st.st_mode):
        return "refused", "symbolic link: never followed (only regular files inside the corpus folder are read)"
    if stat.S_ISDIR(st.st_mode):
        if path.suffix.lower() == ".txt":
            return "refused", "a folder named like a page: folders are never read"
        return "ignored", "a folder: sub-folders are not read"
    if not stat.S_ISREG(st.st_mode):
        what = "FIFO" if stat.S_ISFIFO(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode) else "device"
        return "refused", f"not a regular file ({what}): never opened"
    return None


def _read_regular_file(path: Path) -> bytes:
    """Read a regular file without following a symbolic link or blocking on a FIFO.

    Raises
    ------
    OSError
        When the path is a link (``O_NOFOLLOW``) or cannot be read; ``IsADirectoryError`` when it
        is not a regular file once opened (it changed since it was listed).
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IsADirectoryError(0, "not a regular file")
        parts = []
        while chunk := os.read(fd, 1 << 20):  # os.read: no file object to build per page
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def list_pages(raw_dir: Path | str) -> tuple[list[Path], list[dict]]:
    """The pages of a corpus folder, and a report row for every entry that is not read.

    Parameters
    ----------
    raw_dir : path-like
        Folder of pages. Only its regular files whose suffix is ``.txt`` (any case: ``.TXT`` is a
        page too) are pages; sub-folders are not read.

    Returns
    -------
    pages : list of pathlib.Path
        In name order.
    rows : list of dict
        :data:`REPORT_COLUMNS` rows for the entries that are not pages: ``ignored`` (other files,
        ordinary sub-folders) or ``refused`` (symbolic links, even to a page inside the folder;
        folders named ``*.txt``; FIFOs, sockets and devices), each with its reason.

    Raises
    ------
    CorpusError
        When ``raw_dir`` is not a folder.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise CorpusError(f"{raw_dir}: raw folder not found")
    pages, rows = [], []
    for path in sorted(raw_dir.iterdir()):
        try:
            reason = _not_read(path, os.lstat(path))
        except OSError as exc:
            reason = ("refused", f"cannot be inspected: {exc.strerror or exc}")
        if reason is None and path.suffix.lower() != ".txt":
            reason = ("ignored", "not a page: only *.txt files are read")
        if reason is None:
            pages.append(path)
        else:
            rows.append({"file": path.name, "status": reason[0], "message": reason[1], "n_units": 0, "quality": ""})
    return pages, rows


# Reading pages ---------------------------------------------------------------------------------

def _label(path: Path) -> str:
    """How messages name a page: its folder's name and its own (``raw/005_x.txt``), never an
    absolute path, so that a warning printed in a notebook is the same on every machine."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _metadata_value(rows: dict[str, dict], name: str, column: str):
    """A metadata cell, or None when the file or the column is not in the table or the cell is empty.

    ``rows`` is the metadata table as ``table.to_dict("index")`` (a dict lookup per page instead
    of a DataFrame lookup, which costs more than parsing a short page).
    """
    value = rows.get(name, {}).get(column)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    return None if pd.isna(value) else value


_HTML_RE = re.compile(
    r"</?(?:p|br|div|span|a|img|strong|em|b|i|u|figure|figcaption|table|tr|td|th|ul|ol|li|h[1-6]|script|style|iframe)"
    r"\b[^<>]{0,200}>|&(?:nbsp|amp|quot|lt|gt|apos|#\d{1,6}|#x[0-9a-fA-F]{1,6});",
    re.IGNORECASE,
)
_MARKUP_RE = re.compile(
    rf"{_MD_IMAGE}|\[[^\]\n]{{1,200}}\]\((?:https?://|www\.|/)[^)\s]*\)|(?:^|\n)\s*(?:\||#{{1,6}}\s)"
    r"|\*\*[^*\n]{1,200}\*\*"
)


def page_quality(page: Page, spacing: dict | None = None) -> list[tuple[str, str]]:
    """Quality flags of a parsed page, each with its explanation.

    Parameters
    ----------
    page : Page
        Output of :func:`parse_page`.
    spacing : dict, optional
        Output of :func:`spacing_problems` on the page's text.

    Returns
    -------
    list of (flag, note)
        Flags in a fixed order: ``title_missing``, ``title_inferred``,
        ``suspect_caption_in_text=N``, ``html_in_text=N``, ``markup_in_text=N``,
        ``run_together_words=N``, ``missing_space_after_period=N``, ``text_missing``. Empty for a
        clean page. (:func:`load_report` adds the flags that need the file or the metadata.)
    """
    flags = []
    if not page.title:
        flags.append(("title_missing", "no headline on the page (its first paragraph is body text)"))
    elif page.title_inferred:
        flags.append(("title_inferred", f"headline {page.title[:60]!r} found after a section or place "
                                        "line, a caption or markup: check it"))
    text = page.text
    article = "\n\n".join([page.title, text])
    if page.suspect_captions:
        flags.append((f"suspect_caption_in_text={page.suspect_captions}",
                      f"{page.suspect_captions} body paragraph(s) look like photo captions or credits"))
    n_html = len(_HTML_RE.findall(article)) if ("<" in article or "&" in article) else 0
    if n_html:
        flags.append((f"html_in_text={n_html}", f"{n_html} HTML tag(s) or entities in the article text"))
    n_markup = len(_MARKUP_RE.findall(article)) if any(c in article for c in "[|#*") else 0
    if n_markup:
        flags.append((f"markup_in_text={n_markup}", f"{n_markup} piece(s) of markdown markup in the article text"))
    if spacing and spacing["run_together_words"] >= RUN_TOGETHER_MIN_COUNT:
        n = spacing["run_together_words"]
        flags.append((f"run_together_words={n}",
                      f"{n} word(s) run together (e.g. {', '.join(spacing['examples'])}): spaces lost"))
    if spacing and spacing["missing_space_after_period"]:
        n = spacing["missing_space_after_period"]
        done = " (repaired)" if spacing.get("repaired") else " (not repaired; load with repair_spacing=True)"
        flags.append((f"missing_space_after_period={n}", f"{n} sentence end(s) with no space after them{done}"))
    if not text or text.isspace():  # not text.strip(), without copying the text
        flags.append(("text_missing", "no article text found (only a headline, captions or related items)"))
    return flags


def _read_page(path: Path, table: dict[str, dict], has_metadata: bool, repair: bool, seen: dict):
    """Read, decode and parse one page; return its report row and its Page (None if not loaded)."""
    name = path.name
    row = {"file": name, "status": "ok", "message": "", "n_units": 0, "quality": ""}
    try:
        data = _read_regular_file(path)
    except IsADirectoryError:
        row.update(status="refused", message="not a regular file: never read")
        return row, None
    except OSError as exc:
        if path.is_symlink():
            row.update(status="refused", message="symbolic link: never followed")
        else:
            row.update(status="undecodable", message=f"cannot be read: {exc.strerror or exc}")
        return row, None
    try:
        text, note, utf8 = _decode(data)
    except _Undecodable as exc:
        row.update(status="undecodable", message=str(exc))
        return row, None
    if not text or text.isspace():  # not text.strip(), without copying the text
        row.update(status="empty", message="empty or blank file")
        return row, None
    digest = hashlib.sha256(text.encode("utf-8") if utf8 is None else utf8).hexdigest()
    if digest in seen:
        row.update(status="duplicate", message=f"same text as {seen[digest]}; loaded once, from {seen[digest]}")
        return row, None
    seen[digest] = name
    spacing = spacing_problems(text)
    if repair and spacing["missing_space_after_period"]:
        text, _ = repair_spacing(text)
        spacing["repaired"] = True
    page = parse_page(text)
    flags = []
    if "fallback" in note:
        flags.append(("encoding_fallback", f"decoded with {note}: check accents"))
    if has_metadata and name not in table:
        flags.append(("metadata_missing",
                      "no row in the metadata table: outlet unknown, date only if the page states one"))
    meta_date = _metadata_value(table, name, "date")
    if page.date and meta_date is not None and not meta_date.strftime("%Y-%m-%d").startswith(page.date):
        flags.append(("date_mismatch",
                      f"page states {page.date} but metadata says {meta_date:%Y-%m-%d}; the page's date is used"))
    if page.date_problem:
        flags.append(("date_invalid", page.date_problem))
    if not page.date and meta_date is None:
        flags.append(("date_missing", "no date: neither the page nor the metadata table states one"))
    quality = page_quality(page, spacing)
    meta_title = _metadata_value(table, name, "title")
    if meta_title is not None:
        quality = [(f, n) for f, n in quality if f not in ("title_missing", "title_inferred")]
        if page.title and _key(page.title) != _key(str(meta_title)):
            flags.append(("title_mismatch", f"the page's headline {page.title[:60]!r} differs from the metadata "
                                            "title; the metadata title is used"))
    flags += quality
    notes = [f"decoded as {note}"] if note != "utf-8" and "fallback" not in note else []
    if 0 < spacing["run_together_words"] < RUN_TOGETHER_MIN_COUNT:
        notes.append(f"one possible run-together word ({spacing['examples'][0]}), below the flagging "
                     f"threshold of {RUN_TOGETHER_MIN_COUNT}")
    if flags:
        row.update(status="warning", message="; ".join([n for _, n in flags] + notes),
                   quality=",".join(f for f, _ in flags))
    else:
        row["message"] = "; ".join(notes)
    row["n_units"] = 1 + len(page.teasers)
    return row, page


def read_pages(
    paths: list[Path | str],
    metadata_table: pd.DataFrame | None = None,
    *,
    repair_spacing: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read page files into the units table, with their load report (the page-folder reader).

    Parameters
    ----------
    paths : list of path-like
        Page files, in the order their units should come. Each must be a regular file (a
        symbolic link, folder or special file is ``refused``, never opened); a second file with
        the same name as an earlier one is ``refused``.
    metadata_table : pandas.DataFrame or None
        Indexed by file name, as :func:`load_metadata` returns it (``outlet``, ``url``, ``date``,
        ``date_precision``, and optionally ``title``); None when there is none (then no file is
        flagged ``metadata_missing``).
    repair_spacing : bool
        Insert the missing space after sentence ends before parsing (:func:`repair_spacing`).

    Returns
    -------
    units : pandas.DataFrame
        As :func:`load_corpus` returns it.
    report : pandas.DataFrame
        As :func:`load_report` returns it (one row per path).
    """
    rows, pages, meta_rows = _read_pages(paths, metadata_table, repair_spacing)
    return _units(pages, meta_rows), pd.DataFrame(rows, columns=REPORT_COLUMNS)


def _read_pages(paths, metadata_table, repair: bool, digests: dict | None = None
                ) -> tuple[list[dict], dict[str, Page], dict[str, dict]]:
    """Report rows, parsed pages by file name, and the metadata rows by file name."""
    from analysis.metadata import rows_by_file

    has_metadata = metadata_table is not None
    table = metadata_table if has_metadata else load_metadata(None)[0]
    rows, pages, seen, names = [], {}, {}, set()
    meta_rows = rows_by_file(table)  # table.to_dict("index")
    for path in paths:
        if not isinstance(path, Path):
            path = Path(path)
        name = path.name
        if name in names:
            rows.append({"file": name, "status": "refused", "n_units": 0, "quality": "",
                         "message": "same file name as an earlier page: file names identify pages"})
            continue
        names.add(name)
        try:
            reason = _not_read(path, os.lstat(path))
        except OSError as exc:
            reason = ("undecodable", f"cannot be read: {exc.strerror or exc}")
        if reason is not None:
            rows.append({"file": name, "status": reason[0], "message": reason[1], "n_units": 0, "quality": ""})
            continue
        row, page = _read_page(path, meta_rows, has_metadata, repair, seen)
        rows.append(row)
        if page is not None:
            pages[name] = page
    if digests is not None:
        digests.update((name, digest) for digest, name in seen.items())
    return rows, pages, meta_rows


def _scan(raw_dir, metadata, files=None, repair=False, digests=None
          ) -> tuple[list[dict], dict[str, Page], dict[str, dict], list[str]]:
    """Read a folder (or the listed files); return report rows (name order), pages, metadata rows
    by file name, problems."""
    table, meta_problems = load_metadata(metadata)
    if files is None and raw_dir is not None and Path(raw_dir).is_file():
        files = [raw_dir]
    if files is None:
        raw_dir = Path(raw_dir)
        paths, rows = list_pages(raw_dir)
    else:
        paths, rows = list(files), []
    page_rows, pages, meta_rows = _read_pages(paths, table if metadata is not None else None, repair, digests)
    rows = sorted(rows + page_rows, key=lambda r: r["file"]) if files is None else page_rows
    if files is None:
        present = {r["file"] for r in rows}
        for name in sorted(set(table.index) - present):
            where = (" (a name with a folder part: only files directly inside the corpus folder are read)"
                     if "/" in name or "\\" in name else "")
            meta_problems.append(f"metadata lists {name}, which is not in {raw_dir.name}/{where}")
    return rows, pages, meta_rows, meta_problems


def load_report(
    raw_dir: Path | str = RAW,
    metadata: Path | str | None = METADATA,
    *,
    files: list[Path | str] | None = None,
    repair_spacing: bool = False,
) -> pd.DataFrame:
    """One row per file of ``raw_dir``: what the loader does with it and why.

    Parameters
    ----------
    raw_dir : path-like
        Folder of raw pages, or one page file.
    metadata : path-like or None
        Metadata table (see :func:`load_metadata`).
    files : list of path-like, optional
        Page files to report on instead of a folder.
    repair_spacing : bool
        As in :func:`load_corpus`.

    Returns
    -------
    pandas.DataFrame
        ``file``, ``status`` (one of :data:`STATUSES`), ``message``, ``n_units`` (article plus
        related items found on the page, before merging recurring teasers), ``quality``
        (comma-separated flags, ``""`` for a clean page; ``data/README.md`` lists them). Rules:
        only regular ``*.txt`` files are pages (other files and ordinary sub-folders are
        ``ignored``; symbolic links, folders named ``*.txt`` and special files are ``refused``
        and never opened); UTF-8 with or without BOM, UTF-16 with a BOM, CRLF read as LF;
        invalid UTF-8 falls back to cp1252 (flag ``encoding_fallback``), binary data is
        ``undecodable``; an empty or blank file is ``empty``; a file with the same text as an
        earlier one (in name order) is ``duplicate`` and loaded once. ``status`` is ``ok`` only
        when ``quality`` is empty; a loaded page with any flag is ``warning``.
    """
    rows, _, _, _ = _scan(raw_dir, metadata, files, repair_spacing)
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


UNIT_COLUMNS = [
    "doc_id", "kind", "source_file", "parent_id", "title", "lead", "text", "date",
    "date_precision", "date_source", "dateline", "section", "outlet", "url", "n_pages",
    "n_words", "captions", "related_type", "same_as", "source_files", "title_source",
]


def _warn(message: str) -> None:
    """Emit a :class:`CorpusWarning` whose printed form holds no path of the caller.

    ``warnings.warn`` prints the file and line of the calling frame: in a notebook that is the
    kernel's temporary file, different on every run. The warning is attributed to the module
    name with line 0, so it prints as ``analysis.corpus:0: CorpusWarning: raw/x.txt: ...``
    with no source line, the same on every machine.
    """
    warnings.warn_explicit(message, CorpusWarning, filename="analysis.corpus", lineno=0, module="analysis.corpus")


def load_corpus(
    raw_dir: Path | str = RAW,
    metadata: Path | str | None = METADATA,
    on_error: str = "warn",
    *,
    files: list[Path | str] | None = None,
    repair_spacing: bool = False,
    format: str | None = None,
    related: bool = True,
    digests: dict | None = None,
    **mapping,
) -> pd.DataFrame:
    """Load every page of ``raw_dir`` (or any other source) into a table of units.

    A folder of ``.txt`` pages, a page file or ``files=`` are parsed here. Any other source (a
    DataFrame, a CSV/TSV/Excel/Parquet/JSON Lines table, saved HTML pages, an IRaMuTeQ corpus, or
    an explicit ``format=``) goes to :func:`analysis.readers.load_source`, which returns the same
    columns; ``**mapping`` (``text=``, ``title=``, ``date=``, ``id=``, ``sep=``, ``encoding=``...)
    is passed to it.

    Parameters
    ----------
    raw_dir : path-like
        Folder of raw ``*.txt`` pages (default ``data/raw``), or one page file.
    metadata : path-like or None
        Metadata table with one row per file (default ``data/metadata.csv``); None to load
        without it (dates then come only from the pages). An optional ``title`` column gives
        the title of pages that print none (and wins over the page's headline).
    on_error : {"warn", "raise"}
        ``"warn"``: one :class:`CorpusWarning` per problem file, naming it relative to its folder
        (``raw/x.txt``), and the rest is loaded. ``"raise"``: :class:`CorpusError` naming the
        first empty, undecodable, duplicate or refused file (files loaded with quality flags
        still only warn).
    files : list of path-like, optional
        Page files to load instead of a folder (no scratch folder needed); each must be a
        regular file; their names are the keys of the metadata table.
    repair_spacing : bool
        Insert the missing space after a sentence end (``loi.Elles`` -> ``loi. Elles``) before
        parsing (:func:`repair_spacing`). Off by default; either way the count is in the load
        report (``missing_space_after_period=N``).
    related : bool
        False: return the article units only (pages are parsed and checked, and warned about,
        exactly as with True, but no ``related`` unit is built or word-counted), for callers that
        keep the articles only (the streamed pipeline). Pages only.
    digests : dict, optional
        When given, filled with the SHA-256 (hex) of the decoded text of every loaded page, by
        file name: the loader's duplicate key, for callers that look for duplicates across
        several calls. Pages only.

    Returns
    -------
    pandas.DataFrame
        One row per unit, columns :data:`UNIT_COLUMNS`: articles first (file order), then related
        units in order of first appearance.

        - ``doc_id``: the file stem for an article; ``rel_`` + 10 hex digits of the SHA-1 of the
          matching key for a related unit (stable across runs and machines).
        - ``kind``: ``"article"`` or ``"related"``; ``related_type``: ``"teaser"`` or ``"link"``.
        - ``parent_id``: for related units, the article of the first page that carries it.
        - ``title``: the headline; ``""`` for a page that prints none.
          ``title_source``: ``"page"``, ``"metadata"`` (the table's ``title`` column) or
          ``"missing"``.
        - ``text``: article body paragraphs separated by blank lines (the standfirst first,
          unless the dateline paragraph repeats it); a teaser's lead; empty for a link.
        - ``date``: the date stated in the page if any (``date_source="page"``), else the
          metadata table's (``"metadata"``); NaT for related units, which are undated
          (``"undated"``) and for pages with neither (``"unknown"``, flagged ``date_missing``;
          a page with no metadata row keeps ``outlet=""`` and is flagged ``metadata_missing``).
          ``date_precision`` is ``day``, ``month`` or ``year``.
        - ``n_pages``: pages that carry the unit. A teaser is matched across pages by its
          headline after normalizing whitespace, apostrophes and case; the first page's lead
          and caption are kept (a later page fills them in when the first had none).
        - ``same_as``: for a related unit whose headline is the headline of an article in the
          corpus, that article's ``doc_id`` (count it once: drop such rows when pooling).
        - ``n_words``: words of ``text`` (:func:`analysis.text.count_words`).
        - ``captions``: the unit's photo captions, one per line (never part of ``text``).

    Raises
    ------
    CorpusError
        In ``"raise"`` mode for the first bad file; in any mode when ``raw_dir`` or the metadata
        table is missing or malformed.
    """
    if on_error not in ("warn", "raise"):
        raise ValueError(f"on_error must be 'warn' or 'raise', not {on_error!r}")
    if files is None and _other_source(raw_dir, format):
        from analysis.readers import load_source

        if metadata is METADATA:
            metadata = None  # the project's metadata table describes data/raw's pages only
        if not related or digests is not None:
            raise TypeError("load_corpus: related=False and digests= apply to page folders and files, not to "
                            "other sources")
        return load_source(raw_dir, format=format, metadata=metadata, on_error=on_error, **mapping)
    if mapping:
        raise TypeError(f"load_corpus: {', '.join(sorted(mapping))} apply to tables, not to page folders")
    rows, pages, meta_rows, meta_problems = _scan(raw_dir, metadata, files, repair_spacing, digests)
    if on_error == "raise" and meta_problems:
        from analysis.errors import MetadataError

        raise MetadataError(meta_problems[0])
    folder = Path(raw_dir).name if files is None and not Path(raw_dir).is_file() else ""
    for row in rows:
        label = f"{folder}/{row['file']}" if folder else row["file"]
        if on_error == "raise" and row["status"] in _BAD:
            raise CorpusError(f"{label}: {row['status']}: {row['message']}")
        warn = row["status"] in _BAD | {"warning"} or (
            row["status"] == "ignored" and row["file"] not in EXPECTED_NON_PAGES and not row["file"].startswith(".")
        )
        if warn:
            _warn(f"{label}: {row['status']}: {row['message']}")
    for problem in meta_problems:
        _warn(problem)
    return _units(pages, meta_rows, related=related)


def _other_source(source, format: str | None) -> bool:
    """Whether ``source`` is for :func:`analysis.readers.load_source` rather than the page parser."""
    if format is not None:
        return format != "pages"
    if isinstance(source, pd.DataFrame):
        return True
    if isinstance(source, (list, tuple)):
        return True
    path = Path(source)
    if path.is_file():
        if path.suffix.lower() != ".txt":
            return True
        from analysis.readers import is_iramuteq
        from analysis.metadata import decode_text

        try:
            return is_iramuteq(decode_text(path.read_bytes(), str(path), error=CorpusError)[0])
        except CorpusError:
            return False
    if path.is_dir():
        return any(p.suffix.lower() in (".html", ".htm") for p in path.iterdir() if not p.name.startswith("."))
    return False


def _meta(rows: dict, name: str, column: str):
    """One metadata value (``rows`` from ``table.to_dict("index")``); "" or NaT when unlisted."""
    row = rows.get(name)
    if row is None or column not in row:
        return "" if column != "date" else pd.NaT
    return row[column]


def _stem(name: str) -> str:
    """``pathlib.PurePath(name).stem`` for a file name (no folder part), without building a path."""
    i = name.rfind(".")
    return name[:i] if 0 < i < len(name) - 1 else name


def _units(pages: dict[str, Page], table: dict[str, dict], *, related: bool = True) -> pd.DataFrame:
    """Build the units table from parsed pages (file order) and the metadata rows by file name
    (``table.to_dict("index")`` of the metadata table).

    ``related=False`` builds the article units only (the rows are the same as the article rows
    of the full table)."""
    articles, teasers = [], {}
    title_to_article = {}
    meta_titles = {name: _metadata_value(table, name, "title") for name in pages}
    for name, page in pages.items():
        doc_id, text = _stem(name), page.text
        title, title_source = page.title, "page" if page.title else "missing"
        if meta_titles[name] is not None:
            title, title_source = str(meta_titles[name]), "metadata"
        if title and related:
            title_to_article.setdefault(_key(title), doc_id)
        if page.date:
            date, source, precision = pd.Timestamp(page.date), "page", page.date_precision
        elif pd.notna(_meta(table, name, "date")):
            date, source = _meta(table, name, "date"), "metadata"
            precision = _meta(table, name, "date_precision") or "day"
        else:
            date, source, precision = pd.NaT, "unknown", ""
        articles.append(
            {
                "doc_id": doc_id, "kind": "article", "source_file": name, "parent_id": "",
                "title": title, "lead": page.lead, "text": text, "date": date,
                "date_precision": precision, "date_source": source, "dateline": page.dateline,
                "section": page.section, "outlet": _meta(table, name, "outlet"),
                "url": _meta(table, name, "url"), "n_pages": 1, "n_words": count_words(text),
                "captions": "\n".join(page.captions), "related_type": "", "same_as": "",
                "source_files": name, "title_source": title_source,
            }
        )
        for teaser in page.teasers if related else ():
            key = _key(teaser.title)
            unit = teasers.get(key)
            if unit is None:
                unit = teasers[key] = {
                    "doc_id": "rel_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10],
                    "kind": "related", "source_file": name, "parent_id": doc_id,
                    "title": teaser.title, "lead": teaser.lead, "text": teaser.lead,
                    "date": pd.NaT, "date_precision": "", "date_source": "undated",
                    "dateline": "", "section": "", "outlet": _meta(table, name, "outlet"), "url": "",
                    "n_pages": 0, "n_words": 0, "captions": teaser.caption,
                    "related_type": "link" if teaser.link else "teaser", "same_as": "",
                    "source_files": [], "title_source": "page",
                }
            if not unit["lead"] and teaser.lead:
                unit["lead"] = unit["text"] = teaser.lead
            if not unit["captions"] and teaser.caption:
                unit["captions"] = teaser.caption
            if not teaser.link:
                unit["related_type"] = "teaser"
            if name not in unit["source_files"]:
                unit["source_files"].append(name)
    for unit in teasers.values():
        unit["n_pages"] = len(unit["source_files"])
        unit["source_files"] = ";".join(unit["source_files"])
        unit["n_words"] = count_words(unit["text"])
        unit["same_as"] = title_to_article.get(_key(unit["title"]), "")
    units = pd.DataFrame(articles + list(teasers.values()), columns=UNIT_COLUMNS)
    units["date"] = pd.to_datetime(units["date"])
    return units.astype({"n_pages": "int64", "n_words": "int64"})


def split_paragraphs(text: str) -> list[str]:
    """The paragraphs of a unit's text: its blocks between blank lines, blank blocks left out.

    The rule of :func:`paragraphs` (a paragraph's ``para_id`` is its position in this list).

    Examples
    --------
    >>> split_paragraphs("Un.\\n\\n \\n\\nDeux,\\ntrois.")
    ['Un.', 'Deux,\\ntrois.']
    """
    return [p for p in text.split("\n\n") if p.strip()]


def paragraphs(units: pd.DataFrame, include_titles: bool = False, *, word_counts: bool = True) -> pd.DataFrame:
    """Split units into paragraphs, the unit of paragraph-level analysis.

    Parameters
    ----------
    units : pandas.DataFrame
        Output of :func:`load_corpus` (at least ``doc_id``, ``kind``, ``title``, ``text``,
        ``date``).
    include_titles : bool
        Also emit each unit's title as a paragraph with ``part="title"`` and ``para_id`` 0.
    word_counts : bool
        Count each paragraph's words (``n_words``); False leaves ``n_words`` at 0, for callers
        that only code the text (the streamed pipeline), since counting is a pass over the text.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``para_id`` (0-based within the unit), ``kind``, ``part`` (``"title"``,
        ``"body"`` for articles, ``"lead"`` for teasers), ``text``, ``n_words``, ``date``.
        Units without text (``>>`` links) give no row unless titles are included.
    """
    rows = []
    for unit in units.itertuples(index=False):
        parts = [("title", unit.title)] if include_titles and unit.title else []
        part = "body" if unit.kind == "article" else "lead"
        parts += [(part, p) for p in split_paragraphs(unit.text)]
        for para_id, (part_name, text) in enumerate(parts):
            rows.append((unit.doc_id, para_id, unit.kind, part_name, text,
                         count_words(text) if word_counts else 0, unit.date))
    out = pd.DataFrame(rows, columns=["doc_id", "para_id", "kind", "part", "text", "n_words", "date"])
    out["date"] = pd.to_datetime(out["date"])
    return out.astype({"para_id": "int64", "n_words": "int64"})


#: How :func:`page_composition` groups parser roles into parts of a page.
COMPOSITION = {
    "title": "headline", "lead": "standfirst", "body": "article body",
    "caption": "captions", "teaser_caption": "captions",
    "link": "related links", "teaser_title": "teasers", "teaser_lead": "teasers",
}


def page_composition(raw_dir: Path | str = RAW) -> pd.DataFrame:
    """Words per part of each page: how much of a page is its article.

    Parameters
    ----------
    raw_dir : path-like
        Folder of raw pages (loadable files only; see :func:`load_report`).

    Returns
    -------
    pandas.DataFrame
        One row per loadable page (``file``), one column per part (:data:`COMPOSITION`
        values plus ``"repeats and boilerplate"``: repeated headlines and captions, datelines,
        sign-offs, image names, ``source`` and ``Voir plus``), in words.
    """
    rows, pages, _, _ = _scan(Path(raw_dir), None)
    parts = list(dict.fromkeys(COMPOSITION.values())) + ["repeats and boilerplate"]
    out = []
    for name, page in pages.items():
        counts = dict.fromkeys(parts, 0)
        for role, text in page.roles:
            counts[COMPOSITION.get(role, "repeats and boilerplate")] += count_words(text)
        if page.lead_repeated:  # the repeated standfirst is a repeat, not extra article text
            counts["standfirst"] -= count_words(page.lead)
            counts["repeats and boilerplate"] += count_words(page.lead)
        out.append({"file": name, **counts})
    return pd.DataFrame(out, columns=["file"] + parts)


def _parser() -> argparse.ArgumentParser:
    """The ``python -m analysis.corpus`` command line."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.corpus",
        description="Check and pin the raw pages of the corpus, and report what the loader does with them.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser(
        "pin", help="write raw/SHA256SUMS, pinning every page of data/raw",
        description="Write data/raw/SHA256SUMS with the SHA-256 of every *.txt page of data/raw.",
    )
    sub.add_parser(
        "verify", help="compare data/raw with its pinned checksums (exit 1 on any difference)",
        description="Compare every page of data/raw with data/raw/SHA256SUMS; list changed, unpinned and missing "
                    "pages and exit with status 1 when there is any.",
    )
    report = sub.add_parser(
        "report", help="one line per file of a folder (or one page): status, quality flags and why",
        description="Report, file by file, what the loader does with a folder of pages or a single page: "
                    "status (ok, warning, empty, undecodable, duplicate, ignored, refused), the quality flags "
                    "(title_missing, title_inferred, suspect_caption_in_text=N, html_in_text=N, markup_in_text=N, "
                    "run_together_words=N, missing_space_after_period=N, date_missing, metadata_missing, ...) "
                    "and the reason. Exit status 0 when every file is ok or ignored, 1 otherwise.",
    )
    report.add_argument("path", nargs="?", default=None,
                        help="folder of pages or one page file (default: data/raw, with data/metadata.csv)")
    report.add_argument("--metadata", default=None, metavar="CSV",
                        help="metadata table (default: data/metadata.csv for data/raw, none for another PATH)")
    report.add_argument("--repair-spacing", action="store_true",
                        help="report as loaded with repair_spacing=True (missing spaces after sentence ends)")
    return parser


def _main(argv: list[str]) -> int:
    """Command line: ``python -m analysis.corpus pin|verify|report [PATH]`` (``--help`` for each)."""
    args = _parser().parse_args(argv or ["report"])
    if args.command in ("pin", "verify"):
        from analysis import pinning

        return pinning._main([args.command])
    path = Path(args.path) if args.path else RAW
    metadata = Path(args.metadata) if args.metadata else (METADATA if args.path is None else None)
    if not path.exists():
        print(f"{path}: no such folder or file", file=sys.stderr)
        return 2
    try:
        table = load_report(path, metadata, repair_spacing=args.repair_spacing)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with pd.option_context("display.width", 200, "display.max_colwidth", 120):
        print(table.to_string(index=False))
    return 0 if table.status.isin(["ok", "ignored"]).all() else 1


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
