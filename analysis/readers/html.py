"""Web pages saved as HTML: main text, title and date through trafilatura, offline.

`trafilatura <https://trafilatura.readthedocs.io>`_ finds the article body of a page and drops its
boilerplate; it is run on the saved bytes (never fetching anything), favouring precision, without
comments, tables, images or links. Menus (``<nav>``), footers, asides and photo captions
(``<figcaption>``) are also pruned before extraction, so that none of their words and no markup
reach ``text``. Only dates stated in the page's markup are taken (:data:`DATE_PARAMS`). The headline repeated as the first line and a lone date line are dropped from the
text. Title and date come from the page's metadata (``title_source="page"``,
``date_source="page"``, precision ``day``); the site name fills ``outlet`` and the canonical URL
``url``.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

from analysis.errors import CorpusError
from analysis.readers.base import LoadLog, article_record, units_frame, with_report

__all__ = ["read_html", "HTML_SUFFIXES", "PRUNE_XPATH"]

#: Suffixes of saved web pages.
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
#: Parts of a page pruned before extraction: menus, headers' menus, footers, asides, captions.
PRUNE_XPATH = ["//nav", "//footer", "//aside", "//figcaption", "//script", "//style", "//noscript"]
#: htmldate options: the publication date from the page's markup and metadata only, never a date
#: guessed from the article's words (an event date in the text is not the publication date).
DATE_PARAMS = {"original_date": True, "extensive_search": False}
#: A paragraph that is only a date (and time): ``14/03/2025 08:30``, ``2025-03-14``.
_DATE_LINE_RE = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?:\s*[|,-]?\s*\d{1,2}[:h]\d{2}(?::\d{2})?)?(?:\s*\(?GMT[+-]\d+\)?)?")
_MARKUP_RE = re.compile(r"</?[A-Za-z][^<>]*>")


def _extract(data: bytes):
    """trafilatura's document for the page bytes (None when nothing is found)."""
    import trafilatura

    return trafilatura.bare_extraction(
        data, with_metadata=True, favor_precision=True, include_comments=False,
        include_tables=False, include_images=False, include_links=False,
        prune_xpath=PRUNE_XPATH, date_extraction_params=DATE_PARAMS,
    )


def _clean_text(text: str, title: str) -> str:
    """Paragraphs separated by blank lines, without the repeated headline or a lone date line."""
    paragraphs = [" ".join(line.split()) for line in (text or "").split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and title and paragraphs[0].casefold() == " ".join(title.split()).casefold():
        paragraphs = paragraphs[1:]
    paragraphs = [p for p in paragraphs if not _DATE_LINE_RE.fullmatch(p)]
    return "\n\n".join(_MARKUP_RE.sub(" ", p).strip() for p in paragraphs)


def _paths(path_or_paths) -> list[Path]:
    if isinstance(path_or_paths, (str, Path)):
        path = Path(path_or_paths)
        if path.is_dir():
            return sorted(p for p in path.iterdir() if p.suffix.lower() in HTML_SUFFIXES)
        return [path]
    return [Path(p) for p in path_or_paths]


def _page_record(path: Path, doc_id: str, log: LoadLog, seen: dict) -> dict | None:
    """The unit of one saved page, or None (reported) when nothing can be read from it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        log.problem("unreadable", "", f"{path.name}: cannot be read ({exc.strerror or exc}); skipped")
        return None
    if not data.strip():
        log.problem("empty", "", f"{path.name}: empty file; skipped")
        return None
    try:
        doc = _extract(data)
    except Exception as exc:  # trafilatura and lxml raise many types on broken pages
        log.problem("unreadable", "", f"{path.name}: extraction failed ({type(exc).__name__}: {exc}); skipped")
        return None
    title = " ".join((getattr(doc, "title", None) or "").split())
    text = _clean_text(getattr(doc, "text", None) or "", title) if doc is not None else ""
    if not text:
        log.problem("empty", "", f"{path.name}: no article text found by the extractor; skipped")
        return None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest in seen:
        log.problem("duplicate", "", f"{path.name}: same article text as {seen[digest]}; loaded once, from {seen[digest]}")
        return None
    seen[digest] = path.name
    date, precision = pd.NaT, ""
    if getattr(doc, "date", None):
        try:
            date, precision = pd.Timestamp(str(doc.date)[:10]), "day"
        except ValueError:
            log.problem("bad_date", "", f"{path.name}: unreadable page date {doc.date!r}; undated", dropped=False)
    return article_record(
        doc_id=doc_id, source_file=path.name, text=text, title=title,
        title_source="page" if title else "missing", date=date, date_precision=precision,
        date_source="page", source_row=None,
        metadata={"outlet": doc.sitename or doc.hostname or "", "url": doc.url or ""},
    )


def read_html(path_or_paths, *, on_error: str = "warn") -> pd.DataFrame:
    """Read saved web pages into the units table, one unit per page.

    Parameters
    ----------
    path_or_paths : path-like or iterable of path-like
        One page, a folder (its ``*.html``/``*.htm``/``*.xhtml`` files, in name order) or a list
        of pages.
    on_error : {"warn", "raise"}
        ``"warn"``: a page that cannot be read, yields no text or repeats an earlier page's text
        is warned by file name (:class:`~analysis.errors.CorpusWarning`) and skipped, and the rest
        is loaded; ``"raise"``: :class:`CorpusError` on the first.

    Returns
    -------
    pandas.DataFrame
        The units table: ``doc_id`` the file stem (``_2``, ``_3``... added when two pages share a
        stem), ``title`` and ``date`` from the page's metadata, ``outlet`` (site name), ``url``,
        ``source_row`` ``<NA>``. ``units.attrs["report"]`` counts pages read, loaded and dropped
        (``unreadable``, ``empty``, ``duplicate``).

    Raises
    ------
    CorpusError
        When a folder holds no HTML page; in ``"raise"`` mode, the first bad page.
    """
    paths = _paths(path_or_paths)
    source = str(path_or_paths) if isinstance(path_or_paths, (str, Path)) else "HTML pages"
    log = LoadLog(Path(source).name if isinstance(path_or_paths, (str, Path)) else source, on_error)
    if not paths:
        raise CorpusError(f"{source}: no HTML page ({', '.join('*' + s for s in HTML_SUFFIXES)}) found")
    records, seen, stems = [], {}, {}
    for path in paths:
        if not path.is_file():
            log.problem("unreadable", "", f"{path}: not found or not a file; skipped")
            continue
        stems[path.stem] = stems.get(path.stem, 0) + 1
        doc_id = path.stem if stems[path.stem] == 1 else f"{path.stem}_{stems[path.stem]}"
        record = _page_record(path, doc_id, log, seen)
        if record is not None:
            records.append(record)
    units = units_frame(records)
    return with_report(units, log.report(len(paths), len(units)))
