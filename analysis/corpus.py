"""Raw pages -> documented units (article | related) and paragraphs.

A captured page is not one document. In order it may hold a headline (often repeated), a standfirst
(chapô, sometimes repeated as the dateline paragraph), photo captions, ``>>`` links to related
articles, the body closed by a sign-off, and after ``Voir plus`` a block of teasers for other
articles published at other dates. :func:`parse_page` gives every line of a page exactly one *role*;
:func:`load_corpus` turns the roles into units:

- one ``article`` unit per page: its title, standfirst, body text, dateline, date;
- one ``related`` unit per distinct teaser or ``>>`` link, however many pages carry it
  (``n_pages``), undated, attached to the article of the first page that carries it
  (``parent_id``).

Captions, image file names, sign-offs, ``source`` lines and repeated headlines are never body
text. Every rule is a named, compiled regular expression below, so that it can be read and tested.

Awkward files (empty, undecodable, duplicate, not ``*.txt``; symbolic links, folders and special
files, which are never opened) are reported by :func:`load_report`, with per-page quality flags
(headline missing or inferred, captions or markup in the text, lost spaces, no date, no metadata
row); :func:`load_corpus` warns once per problem file, naming it relative to its folder, and loads
the rest. The page-folder reader is :func:`list_pages` (which files of a folder are pages) and
:func:`read_pages` (page files -> units and report); ``data/README.md`` describes the page format.
"""
from __future__ import annotations

import argparse
import collections
import functools
import hashlib
import itertools
import os
import re
import stat
import sys
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.paths import CHECKSUMS, METADATA, RAW
from analysis.text import count_words, load_stopwords, normalize

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
# Decoding
# --------------------------------------------------------------------------------------------

#: Fallback encoding for files that are not valid UTF-8 (Windows Western European).
FALLBACK_ENCODING = "cp1252"
#: Names in the raw folder that are expected and never reported as problems.
EXPECTED_NON_PAGES = {CHECKSUMS.name, "README.md", ".gitkeep"}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class _Undecodable(Exception):
    pass


def decode_page(data: bytes) -> tuple[str, str]:
    """Decode the bytes of a page file.

    Rules: a UTF-8 BOM is dropped; a UTF-16 BOM (LE or BE) selects UTF-16; bytes with NUL
    characters and no BOM are binary; otherwise UTF-8, and if that fails the stated fallback
    :data:`FALLBACK_ENCODING` (cp1252) provided the result looks like text (few control
    characters). CRLF and lone CR become LF; the result is in Unicode NFC.

    Parameters
    ----------
    data : bytes
        The file's content.

    Returns
    -------
    text : str
        The decoded text.
    note : str
        How it was decoded: ``"utf-8"``, ``"utf-8 with BOM"``, ``"utf-16"`` or
        ``"cp1252 fallback"`` (the caller warns for the last one).

    Raises
    ------
    _Undecodable
        With the reason, when the bytes are not text in any accepted encoding.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, note, data = "utf-8", "utf-8 with BOM", data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, note = "utf-16", "utf-16"
    elif b"\x00" in data:
        raise _Undecodable("contains NUL bytes: binary data, or UTF-16 without a byte-order mark")
    else:
        encoding, note = "utf-8", "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise _Undecodable(f"not valid {note} ({exc.reason} at byte {exc.start})") from None
        try:
            text = data.decode(FALLBACK_ENCODING)
        except UnicodeDecodeError:
            raise _Undecodable(
                f"neither UTF-8 nor {FALLBACK_ENCODING} (invalid byte at {exc.start})"
            ) from None
        note = f"{FALLBACK_ENCODING} fallback (not valid UTF-8 at byte {exc.start})"
    if text and len(_CONTROL_RE.findall(text)) > 0.01 * len(text):
        raise _Undecodable(f"decoded as {note} but more than 1% control characters: binary data")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text), note


# --------------------------------------------------------------------------------------------
# Line roles
# --------------------------------------------------------------------------------------------

#: Optional words before a date: ``Publié le``, ``Mis à jour le``, a weekday (French, or
#: Vietnamese ``Thứ Sáu`` / ``Chủ nhật``).
_WEEKDAY = (
    r"(?:(?:publié|mis\s+à\s+jour|mise\s+à\s+jour)\s*(?:le\s*|:\s*))?"
    r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|thứ\s+\w+|chủ\s+nhật)\s*,?\s*)?"
)
#: Optional time after a day-first date: ``14:32``, ``14h32``, ``- 14:32:05``, ``à 14h32``,
#: with an optional time zone (``GMT+7``, ``(UTC+07:00)``).
_TIME = (
    r"(?:\s*(?:[-–|,]|à)?\s*\d{1,2}[:h]\d{2}(?::\d{2})?)?"
    r"(?:\s*\(?(?:GMT|UTC)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?\)?)?"
)
#: Leading ``date YYYY-MM-DD`` or ``date YYYY-MM`` header, followed by an optional section word
#: and/or the title on the same line.
DATE_HEADER_RE = re.compile(r"^date\s+(?P<y>\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?(?=\s|$)\s*(?P<rest>.*)$")
#: Leading ``dd/mm/yyyy HH:MM`` header (day first, as Vietnamese and French sites print dates),
#: with an optional weekday before and time zone after.
DMY_HEADER_RE = re.compile(
    rf"^{_WEEKDAY}(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})/(?P<y>\d{{4}}){_TIME}(?=\s|$)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
#: A line that is only a date (either form above), anywhere in the page: never prose.
DATE_LINE_RE = re.compile(
    rf"^(?:date\s+\d{{4}}-\d{{1,2}}(?:-\d{{1,2}})?|{_WEEKDAY}\d{{1,2}}/\d{{1,2}}/\d{{4}}{_TIME})$",
    re.IGNORECASE,
)
#: Site section words that may follow the date header (``date 2025-10-22 Société``). Other
#: section or place words are recognised by their form and position (see :func:`parse_page`).
SECTION_WORDS = frozenset(
    "Société Politique Économie Economie Culture Sport Sports Monde Environnement Tourisme Santé "
    "Éducation Education Francophonie Multimédia Vidéo Régions Entreprises".split()
)
#: A section or place line: at most this many words (``Hô Chi Minh-Ville``, ``Société``).
SECTION_MAX_WORDS = 4
#: A headline has at most this many words; a longer first line is body text.
HEADLINE_MAX_WORDS = 35
#: A caption has at most this many words: a credit line joins the line above it only then, and a
#: ``Source : x`` credit makes a paragraph a caption only then.
CAPTION_MAX_WORDS = 60
#: ``Voir plus`` opens the block of related-article teasers.
VOIR_PLUS_RE = re.compile(r"^voir plus\s*:?$", re.IGNORECASE)
#: ``>> Title`` links to related articles.
LINK_RE = re.compile(r"^>>\s*(?P<title>.*)$")
#: An image file name alone on its line (``tt2-060625.jpg``).
IMAGE_RE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|bmp|tiff?)(?:\?\S*)?$", re.IGNORECASE)
#: Markdown image markup: ``![alt](url)``, also wrapped in a link ``[![alt](url)](href)``.
_MD_IMAGE = r"\[?!\[[^\]\n]*\]\([^)\n]*\)(?:\]\([^)\n]*\))?"
MD_IMAGE_RE = re.compile(_MD_IMAGE)
#: A line that is only image markup, possibly in table cells: ``![](x.jpg)``, ``![alt](url) |``.
IMAGE_MARKUP_LINE_RE = re.compile(rf"^(?:\|?\s*{_MD_IMAGE}\s*)+\|?$")
#: A table rule or horizontal rule: ``|---|``, ``| :--- | ---: |``, ``---``.
TABLE_RULE_RE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
#: A lone ``source`` line.
SOURCE_RE = re.compile(r"^sources?\s*:?$", re.IGNORECASE)
#: Agency codes that sign articles off.
_AGENCY = r"(?:[A-Z]{2,8}/)*(?:VNA|CVN|VOV|TTXVN)(?:/[A-Z]{2,8})*"
#: A sign-off alone on its line: ``VNA/CVN``, ``CVN``, ``-NDEL/VNA``, ``–VOV/VNA``.
SIGNOFF_LINE_RE = re.compile(rf"^[-–—.]*\s*{_AGENCY}\.?$")
#: A sign-off closing the last body paragraph: ``... Laosat. -NDEL/VNA``, ``. - VNA``,
#: ``.-VNA``, ``. VNA/CVN``.
SIGNOFF_TAIL_RE = re.compile(rf"(?<=[.!?…»\"”)])(?P<signoff>\s*[-–—]\s*{_AGENCY}|\s+(?:[A-Z]{{2,8}}/)+(?:VNA|CVN))\.?$")
#: A caption's photo credit at the end of a line: ``Photo: VNA.``, ``Photo : VNA/CVN``,
#: ``(Photo : Portail gouvernemental)``, ``Photo d'illustration``, ``Photo d'illustration: VNA``,
#: ``Photos : VNA``, ``(Ảnh: TTXVN)``, ``Crédit photo : X``, ``Photo : Ministère (MOIT)``.
CREDIT_RE = re.compile(
    r"(?:^|[\s.,;(])\(?(?:Photos?|PHOTOS?|Ảnh|Crédits?\s+photos?|Crédits?)(?:\s+d['’]illustration)?"
    r"(?:\s*:\s*(?:[^():\n]|\([^()\n]{1,30}\)){1,80}?)?\s*\)?\.?$"
)
#: A source credit at the end of a line: ``Source: baodautu.vn``, ``Source : VNA``,
#: ``(Sources : X)``, ``Nguồn: X``. It makes a paragraph a caption only when the paragraph is
#: caption-sized (:data:`CAPTION_MAX_WORDS`); a long paragraph keeps it (and is flagged).
SOURCE_CREDIT_RE = re.compile(
    r"(?:^|[\s.,;(])\(?(?:Sources?|SOURCES?|Nguồn)\s*:\s*(?:[^():\n]|\([^()\n]{1,30}\)){1,80}?\s*\)?\.?$"
)
#: The Vietnamese image mark fusing a headline and a caption (``... ảnh 1Le ministre ...``).
IMAGE_MARK_RE = re.compile(r"\sảnh\s*\d+")
#: A dateline opening a paragraph: ``Vientiane (VNA) - ``, ``Hanoi (VNA) – ``,
#: ``Vientiane, 2 novembre (VNA) - ``.
DATELINE_RE = re.compile(
    r"^(?P<place>[A-ZÀ-ÖØ-Þ][\w'’.\- ]{0,40}?)(?:,\s*(?P<day>[\w /]{1,25}?))?\s*"
    r"\((?P<agency>VNA|CVN|VOV|AVI|VNS|TTXVN|AFP|Xinhua|Reuters)\)\s*[-–—:]\s*"
)
#: Characters that end a sentence (or a quotation or parenthesis closing one).
_TERMINAL = frozenset('.!?…»"”)')
#: Characters that end body text rather than a headline (a headline may end with ``?``, ``!``,
#: ``»`` or ``)``; a line ending with one of these is a sentence, a list item or a lead-in).
_BODY_END = frozenset(".…;,:")


def _ends_sentence(text: str) -> bool:
    return text[-1:] in _TERMINAL


@functools.lru_cache(maxsize=65_536)
def _key(text: str) -> str:
    """Matching key: whitespace and apostrophes normalized, case folded (cached: teasers recur)."""
    return " ".join(normalize(text).split()).casefold()


#: Credits are matched on the end of a line only: no credit is longer than this, so the result
#: is the same as on the whole line, and long paragraphs are not scanned from their start.
_CREDIT_TAIL = 160


#: Literals that every match of :data:`CREDIT_RE` / :data:`SOURCE_CREDIT_RE` /
#: :data:`IMAGE_MARK_RE` contains (the patterns are case-sensitive): a line holding none of them
#: cannot match, and ``in`` tests are much cheaper than a regex search from every position.
_CREDIT_WORDS = ("Photo", "PHOTO", "Ảnh", "Crédit")
_SOURCE_WORDS = ("Source", "SOURCE", "Nguồn")


def _may_hold(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` contains one of ``words`` (a necessary condition for a credit match)."""
    for word in words:
        if word in text:
            return True
    return False


def _credit_search(text: str) -> re.Match | None:
    """:data:`CREDIT_RE` then :data:`SOURCE_CREDIT_RE` searched in ``text``, skipped when impossible."""
    match = CREDIT_RE.search(text) if _may_hold(text, _CREDIT_WORDS) else None
    if match is None and _may_hold(text, _SOURCE_WORDS):
        match = SOURCE_CREDIT_RE.search(text)
    return match


def _has_image_mark(text: str) -> bool:
    return "ảnh" in text and IMAGE_MARK_RE.search(text) is not None


def _has_credit(text: str) -> bool:
    tail = text[-_CREDIT_TAIL:]
    if _may_hold(tail, _CREDIT_WORDS) and CREDIT_RE.search(tail) is not None:
        return True
    return (_may_hold(tail, _SOURCE_WORDS) and SOURCE_CREDIT_RE.search(tail) is not None
            and count_words(text) <= CAPTION_MAX_WORDS)


def _is_credit_only(text: str) -> bool:
    """Whether ``text`` is nothing but a credit (``Photo: VNA``, ``Source : x``, ``(Photo : x)``)."""
    if len(text) > _CREDIT_TAIL:
        return False
    match = _credit_search(text)
    return match is not None and not text[: match.start()].strip(" .,;(")


def _is_table_row(text: str) -> bool:
    return text.startswith("|") or text.endswith("|")


def _is_caption(paragraph: str) -> bool:
    return _has_image_mark(paragraph) or _has_credit(paragraph) or _is_table_row(paragraph)


def _caption_text(paragraph: str) -> str:
    """A caption as stored in ``captions``: table pipes and image markup removed."""
    if "|" not in paragraph and "![" not in paragraph:
        return paragraph
    cleaned = MD_IMAGE_RE.sub(" ", paragraph).replace("|", " ")
    return " ".join(cleaned.split())


def _line_kind(line: str) -> str:
    """Kind of a single stripped line before paragraph assembly."""
    if VOIR_PLUS_RE.match(line):
        return "voir_plus"
    if LINK_RE.match(line):
        return "link"
    if IMAGE_RE.match(line):
        return "image_file"
    if "![" in line and IMAGE_MARKUP_LINE_RE.match(line):
        return "image_markup"
    if TABLE_RULE_RE.match(line):
        return "markup"
    if _is_table_row(line):
        return "table_row"
    if SOURCE_RE.match(line):
        return "source"
    if SIGNOFF_LINE_RE.match(line):
        return "signoff"
    if DATE_LINE_RE.match(line):
        return "date_line"
    return "text"


def _split_markup(lines: list[str]) -> list[str]:
    """Put image markup that opens or closes a line of text on its own line (same block)."""
    out = []
    for line in lines:
        if "![" not in line or IMAGE_MARKUP_LINE_RE.match(line) or _is_table_row(line):
            out.append(line)
            continue
        head = re.match(rf"^(?:{_MD_IMAGE}\s*)+", line)
        tail = re.search(rf"(?:\s*{_MD_IMAGE})+$", line)
        start = head.end() if head else 0
        end = tail.start() if tail and tail.start() >= start else len(line)
        pieces = [line[:start].strip(), line[start:end].strip(), line[end:].strip()]
        out.extend(p for p in pieces if p)
    return out


def _continues(paragraph: list[str], line: str) -> bool:
    """Whether ``line`` continues the paragraph in progress (same block, no blank line between).

    A caption that holds the image mark but no credit yet runs on (up to three lines); a line
    that is only a credit (``Photo: VNA``) is the credit of the caption-sized paragraph above it
    (at most :data:`CAPTION_MAX_WORDS` words); prose that ends without terminal punctuation runs on
    when the next line starts in lower case or with ``(``. Everything else starts a new paragraph.
    """
    last = paragraph[-1]
    if _has_credit(last):
        return False
    if _is_credit_only(line) and not _is_credit_only(last):
        return count_words(" ".join(paragraph)) <= CAPTION_MAX_WORDS
    if _ends_sentence(last):
        return False
    if len(paragraph) < 3 and _has_image_mark(paragraph[0]):
        return True
    return bool(line) and (line[0].islower() or line[0] == "(")


def _assemble(lines: list[str]) -> list[tuple[str, str]]:
    """Group stripped lines into ``(kind, paragraph)`` pairs; blank lines end paragraphs.

    Table rows stand alone as ``text`` paragraphs (:func:`_is_caption` makes them captions).
    """
    out: list[tuple[str, str]] = []
    current: list[str] = []

    def flush():
        if current:
            out.append(("text", " ".join(current)))
            current.clear()

    for line in lines:
        if not line:
            flush()
            continue
        kind = _line_kind(line)
        if kind == "table_row":
            flush()
            out.append(("text", line))
        elif kind != "text":
            flush()
            out.append((kind, line))
        elif current and _continues(current, line):
            current.append(line)
        else:
            flush()
            current.append(line)
    flush()
    return out


@dataclass
class Teaser:
    """A related-article teaser of the ``Voir plus`` block, or a ``>>`` link (``link=True``)."""

    title: str
    lead: str = ""
    caption: str = ""
    link: bool = False


@dataclass
class Page:
    """A parsed page: its article, its related items, and the role of every piece of text.

    ``roles`` lists ``(role, text)`` in page order; the texts, taken together, hold every word of
    the page exactly once (see :func:`page_roles`). ``title_inferred`` says the headline was found
    after a section or place line, a caption or markup rather than as the page's first line;
    ``suspect_captions`` counts body paragraphs that look like captions (a short paragraph right
    above a lone credit, or one holding ``Photo :``/``Source :``).
    """

    title: str = ""
    lead: str = ""
    lead_repeated: bool = False
    body: list[str] = field(default_factory=list)
    dateline: str = ""
    captions: list[str] = field(default_factory=list)
    teasers: list[Teaser] = field(default_factory=list)
    date: str = ""
    date_precision: str = ""
    date_problem: str = ""
    section: str = ""
    signoff: str = ""
    title_inferred: bool = False
    suspect_captions: int = 0
    roles: list[tuple[str, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Article text: the standfirst (unless repeated as the dateline paragraph) and the body."""
        parts = ([] if self.lead_repeated or not self.lead else [self.lead]) + self.body
        return "\n\n".join(parts)


def _set_date(match: re.Match, page: Page, stated: str) -> None:
    """Set ``page.date`` from a date match (groups ``y``, ``m``, optional ``d``)."""
    y, m, d = match["y"], match["m"], match["d"]
    try:
        stamp = pd.Timestamp(year=int(y), month=int(m), day=int(d or 1))
        page.date = stamp.strftime("%Y-%m-%d") if d else stamp.strftime("%Y-%m")
        page.date_precision = "day" if d else "month"
    except ValueError:
        page.date_problem = f"invalid date in header {stated!r}"


def _parse_header(line: str, page: Page) -> str:
    """Read a leading date header into ``page``; return what remains of the line."""
    match = DATE_HEADER_RE.match(line) or DMY_HEADER_RE.match(line)
    if not match:
        return line
    stated = line[: match.start("rest")].strip()
    _set_date(match, page, stated)
    page.roles.append(("date_header", stated))
    rest = match["rest"].strip()
    first, _, remainder = rest.partition(" ")
    if first in SECTION_WORDS and (not remainder or remainder[:1].isupper()):
        page.section = first
        page.roles.append(("section", first))
        rest = remainder.strip()
    return rest


def _date_line(line: str, page: Page) -> None:
    """A date alone on a line: it sets the page's date when no header did."""
    if page.date or page.date_problem:
        return
    match = DATE_HEADER_RE.match(line) or DMY_HEADER_RE.match(line)
    if match and not match["rest"].strip():
        _set_date(match, page, line)


def _headline_like(text: str) -> bool:
    """A headline by its form: at most :data:`HEADLINE_MAX_WORDS` words, no final ``.``/``…``
    (nor ``;``, ``,``, ``:``), not a caption and not a dateline paragraph."""
    n = count_words(text)
    return (
        1 <= n <= HEADLINE_MAX_WORDS
        and text[-1:] not in _BODY_END
        and not _is_caption(text)
        and not DATELINE_RE.match(text)
    )


def _section_like(text: str) -> bool:
    """A section or place line by its form: a short capitalised line (``Hô Chi Minh-Ville``,
    ``Économie``) with no digits and no sentence or clause punctuation."""
    return (
        count_words(text) <= SECTION_MAX_WORDS
        and len(text) <= 40
        and text[:1].isupper()
        and not re.search(r"[.!?…:;,\d\"«»()]", text)
    )


def _mark_head(paras: list[tuple[str, str]], page: Page) -> list[tuple[str, str]]:
    """Find the section line and the headline among the paragraphs before ``Voir plus``.

    Captions, image markup and dates before the headline are skipped (they keep their roles).
    The first prose paragraph is a section or place when it has a section's form and the next
    prose paragraph has a headline's form (or when it is one of :data:`SECTION_WORDS`); then the
    headline is the first remaining prose paragraph if it has a headline's form, or if the next
    paragraph repeats it. Otherwise the page has no headline (``title`` stays empty) and the
    paragraph stays body text. Returns the paragraphs with these relabelled ``section``,
    ``title`` and ``title_repeat``.
    """
    paras = list(paras)
    prose = list(itertools.islice(
        (k for k, (kind, text) in enumerate(paras) if kind == "text" and not _is_caption(text)), 3))
    if not prose:
        return paras
    skipped = any(kind not in ("date_line",) for kind, _ in paras[: prose[0]])
    first = paras[prose[0]][1]
    if not page.section and _section_like(first) and (
        first in SECTION_WORDS
        or (len(prose) > 1 and _headline_like(paras[prose[1]][1]) and _key(paras[prose[1]][1]) != _key(first))
    ):
        paras[prose[0]] = ("section", first)
        page.section = first
        skipped = skipped or first not in SECTION_WORDS
        prose = prose[1:]
    if not prose:
        return paras
    k = prose[0]
    candidate = paras[k][1]
    repeated = k + 1 < len(paras) and paras[k + 1][0] == "text" and _key(paras[k + 1][1]) == _key(candidate)
    if _headline_like(candidate) or (repeated and not _is_caption(candidate)):
        page.title = candidate
        page.title_inferred = skipped
        paras[k] = ("title", candidate)
        if repeated:
            paras[k + 1] = ("title_repeat", paras[k + 1][1])
    return paras


def parse_page(text: str) -> Page:
    """Parse the text of one captured page into its article and related items.

    Parameters
    ----------
    text : str
        Decoded page text (see :func:`decode_page`). Any string is accepted; the function never
        raises on odd input.

    Returns
    -------
    Page
        ``title`` (empty when the page prints no headline), ``lead`` (standfirst, empty where
        none), ``body`` paragraphs, ``dateline`` place, ``section``, ``captions``, ``teasers``
        (teasers and ``>>`` links), the stated ``date`` (from a ``date YYYY-MM-DD`` /
        ``date YYYY-MM`` / ``dd/mm/yyyy HH:MM`` header or date line) and ``roles``.

    Notes
    -----
    Rules, in page order (``data/README.md`` describes the page format):

    1. A leading date header (`` date 2025-04-12``, `` date 2025-04``, ``28/11/2025 14:32``, day
       first, optional weekday and time zone) sets the date and is cut from the line; a listed
       section word after it (``Société``, :data:`SECTION_WORDS`) is the ``section``. A line
       that is only a date, elsewhere, is a ``date_line`` (it sets the date if no header did).
    2. Lines are grouped into paragraphs at blank lines; within a block a line starts a new
       paragraph unless it continues a caption, is the credit of the caption above it, or
       continues an unfinished sentence (see ``_continues``). Image markup (``![alt](url)``) at
       the start or end of a line goes on its own line.
    3. Headline (see ``_mark_head``): leading captions, image markup and dates are skipped; a
       short capitalised line with no punctuation followed by a headline-shaped line is a section
       or place (``Hô Chi Minh-Ville``); the next prose paragraph is the headline when it has a
       headline's form (at most :data:`HEADLINE_MAX_WORDS` words, no final ``.``, ``…``, ``;``,
       ``,`` or ``:``) or is repeated right below; otherwise the page has no headline and the
       paragraph stays in the body. The same headline on the next paragraph is a repeat.
    4. Captions (a photo or source credit at the end, the image mark ``ảnh 1``, or a table row
       ``| ... |``), lone credits, image file names, image markup, table rules, ``>>`` links,
       lone sign-offs and ``source`` lines are never body text; a caption repeated verbatim is a
       repeat.
    5. The first prose paragraph is the standfirst when a caption, link or image separates it from
       the next prose paragraph, or when a later paragraph carries a dateline. A dateline
       (``Vientiane, 2 novembre (VNA) -``) gives its place to ``dateline`` and is cut from its
       paragraph, which stays in the body. When that paragraph restates the standfirst (at least
       :data:`REPEAT_THRESHOLD` of the standfirst's distinct words recur in it), the standfirst
       is kept once (``lead_repeated``; :attr:`Page.text` then omits the lead).
    6. A sign-off closing the last body paragraph (``-NDEL/VNA``, ``- VNA``, ``.-VNA``) is cut.
    7. ``Voir plus`` opens the related block: each teaser is an optional caption, a headline
       (a verbatim repeat is skipped) and a lead; a new caption or a second lead starts the
       next teaser; a short unpunctuated paragraph after a headline is taken as the next
       headline rather than a lead.
    """
    page = Page()
    lines = [line.strip() for line in text.split("\n")]
    i = next((k for k, line in enumerate(lines) if line), len(lines))
    if i < len(lines):
        rest = _parse_header(lines[i], page)
        lines = lines[i + 1 :]
        if rest:
            lines.insert(0, rest)
    paras = _assemble(_split_markup(lines))
    split = next((k for k, (kind, _) in enumerate(paras) if kind == "voir_plus"), len(paras))
    _parse_article(_mark_head(paras[:split], page), page)
    if split < len(paras):
        page.roles.append(("voir_plus", paras[split][1]))
        _parse_related(paras[split + 1 :], page)
    return page


def _parse_article(paras: list[tuple[str, str]], page: Page) -> None:
    """Fill the article fields of ``page`` from the paragraphs before ``Voir plus``."""
    # First pass: classify; prose paragraphs are kept with their position for the lead rule.
    items: list[list[str]] = []  # [role, text]
    seen_captions: set[str] = set()
    for kind, para in paras:
        if kind == "link":
            title = LINK_RE.match(para)["title"].strip()
            if title:
                page.teasers.append(Teaser(title=title, link=True))
            items.append(["link", para])
        elif kind != "text":
            if kind == "date_line":
                _date_line(para, page)
            items.append([kind, para])
        elif _is_caption(para):
            key = _key(_caption_text(para))
            items.append(["caption_repeat" if key in seen_captions else "caption", para])
            if key not in seen_captions and _caption_text(para):
                page.captions.append(_caption_text(para))
            seen_captions.add(key)
        else:
            items.append(["body", para])
    page.suspect_captions = _count_suspect_captions(items)
    prose = [k for k, item in enumerate(items) if item[0] == "body"]
    datelined = [k for k in prose[:3] if DATELINE_RE.match(items[k][1])]
    if len(prose) >= 2 and prose[0] not in datelined:
        separated = any(items[k][0] != "body" for k in range(prose[0] + 1, prose[1]))
        if separated or datelined:
            items[prose[0]][0] = "lead"
            page.lead = items[prose[0]][1]
    # Roles in page order, splitting dateline prefixes and the closing sign-off.
    last_body = max((k for k, item in enumerate(items) if item[0] == "body"), default=None)
    for k, (role, para) in enumerate(items):
        if role != "body":
            page.roles.append((role, para))
            continue
        match = DATELINE_RE.match(para) if k in datelined else None
        if match:
            if not page.dateline:
                page.dateline = match["place"].strip()
            page.roles.append(("dateline", para[: match.end()].strip()))
            para = para[match.end() :]
            if page.lead and _repeats(page.lead, para):
                page.lead_repeated = True
        signoff = None
        if k == last_body:
            signoff = SIGNOFF_TAIL_RE.search(para)
        if signoff:
            page.signoff = signoff["signoff"].strip()
            para = para[: signoff.start()].rstrip()
        if para:
            page.body.append(para)
            page.roles.append(("body", para))
        if signoff:
            page.roles.append(("signoff", signoff["signoff"].strip()))
    if page.signoff == "":
        page.signoff = next((t for r, t in page.roles if r == "signoff"), "")


#: A photo or source credit inside prose: ``Photo :``, ``(Photo``, ``Photo d'illustration``,
#: ``Source :``, ``Ảnh:``, the image mark ``ảnh 1``.
_CREDIT_IN_TEXT_RE = re.compile(
    r"\b(?:Photos?|PHOTOS?|Ảnh)\s*(?::|d['’]illustration)|\(Photo|\b(?:Sources?|Nguồn)\s*:|\sảnh\s*\d"
)


_CREDIT_HINTS = re.compile(r"Photo|PHOTO|Ảnh|ảnh|Source|SOURCE|Nguồn")


def _count_suspect_captions(items: list[list[str]]) -> int:
    """Body paragraphs that look like captions: a caption-sized paragraph right above a lone
    credit (``Le ministre au forum.`` then, after a blank line, ``Photo: VNA``), or a paragraph
    holding a credit (``Photo :``, ``Source :``) that the caption rules did not take."""
    count = 0
    for k, (role, para) in enumerate(items):
        if role != "body":
            continue
        above_credit = (
            k + 1 < len(items) and items[k + 1][0] == "caption" and _is_credit_only(items[k + 1][1])
            and count_words(para) <= CAPTION_MAX_WORDS
        )
        if above_credit or (_CREDIT_HINTS.search(para) and _CREDIT_IN_TEXT_RE.search(para)):
            count += 1
    return count


#: Share of the standfirst's distinct words that must recur in the dateline paragraph for the
#: standfirst to count as a repeat of it (VNA often restates the chapô with small edits:
#: "Le secrétaire général Tô Lâm" -> "Le secrétaire général du Parti Tô Lâm").
REPEAT_THRESHOLD = 0.8


def _repeats(lead: str, paragraph: str, threshold: float = REPEAT_THRESHOLD) -> bool:
    """Whether ``paragraph`` restates ``lead``: most of the lead's distinct words recur in it."""
    lead_words = {w.casefold() for w in re.findall(r"\w+", normalize(lead))}
    para_words = {w.casefold() for w in re.findall(r"\w+", normalize(paragraph))}
    return bool(lead_words) and len(lead_words & para_words) >= threshold * len(lead_words)


def _looks_like_lead(para: str) -> bool:
    return _ends_sentence(para) or count_words(para) > 30


def _parse_related(paras: list[tuple[str, str]], page: Page) -> None:
    """Split the ``Voir plus`` block into teasers (caption, headline, lead)."""
    current: Teaser | None = None

    def flush():
        nonlocal current
        if current is not None and current.title:
            page.teasers.append(current)
        elif current is not None and current.caption:
            # a caption with no headline after it: keep its words, as a caption
            page.captions.append(current.caption)
        current = None

    for kind, para in paras:
        if kind == "link":
            flush()
            title = LINK_RE.match(para)["title"].strip()
            if title:
                page.teasers.append(Teaser(title=title, link=True))
            page.roles.append(("link", para))
        elif kind != "text":
            page.roles.append((kind, para))
        elif _is_caption(para):
            if current is not None and not current.title and current.caption:
                if _key(_caption_text(para)) == _key(current.caption):
                    page.roles.append(("teaser_caption_repeat", para))
                    continue
            if current is not None and (current.title or current.caption):
                flush()
            current = Teaser(title="", caption=_caption_text(para))
            page.roles.append(("teaser_caption", para))
        elif current is None or not current.title:
            current = current or Teaser(title="")
            current.title = para
            page.roles.append(("teaser_title", para))
        elif not current.lead and _key(para) == _key(current.title):
            page.roles.append(("teaser_title_repeat", para))
        elif not current.lead and _looks_like_lead(para):
            current.lead = para
            page.roles.append(("teaser_lead", para))
        else:
            flush()
            current = Teaser(title=para)
            page.roles.append(("teaser_title", para))
    flush()


def page_roles(text: str) -> pd.DataFrame:
    """Every piece of a page with the role the parser gave it, for auditing a page by eye.

    Parameters
    ----------
    text : str
        Decoded page text.

    Returns
    -------
    pandas.DataFrame
        Columns ``role``, ``text``, ``n_words``, in page order. Taken together, the texts hold
        every word of the page once; the roles are those listed in :func:`parse_page`.
    """
    roles = parse_page(text).roles
    return pd.DataFrame(
        {
            "role": [r for r, _ in roles],
            "text": [t for _, t in roles],
            "n_words": [count_words(t) for _, t in roles],
        }
    )


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


# Spacing: words run together and sentence ends with no space after them ---------------------

#: A sentence end with no space after it (``loi.Elles``): two lower-case letters, ``.``, ``!``,
#: ``?`` or ``…``, then an upper-case letter followed by a lower-case one. Not counted when the
#: token holds a URL (``://``, ``www.``, ``@``), when a domain suffix follows the period
#: (``VnExpress.Net``, ``.vn``, ``.com``...), or after an abbreviation in
#: :data:`SPACING_ABBREVIATIONS`. Decimals and acronyms (``3.5``, ``U.S.``) never match.
MISSING_SPACE_RE = re.compile(r"[.!?…](?=[A-ZÀ-ÖØ-ÞŒÆ][a-zà-öø-ÿœæ])")
_LOWER_LETTER_RE = re.compile(r"[a-zà-öø-ÿœæ]{2}")
_URL_HINT_RE = re.compile(r"://|www\.|@", re.IGNORECASE)
_DOMAIN_AFTER_RE = re.compile(r"\.(?:vn|com|net|org|fr|gov|edu|info|io|int|eu|asia)\b", re.IGNORECASE)
#: Abbreviations after which a capital may follow a period with no space.
SPACING_ABBREVIATIONS = frozenset({"cf", "ex", "vs", "env", "resp"})
#: Function words that get glued to the next word when a space is lost (``dugouvernement``,
#: ``lacoopération``). Productive prefixes (``en``, ``sur``, ``par``, ``entre``: ``encodage``,
#: ``surpopulation``) are left out.
GLUE_BEFORE = frozenset("de du des la le les et au aux un une dans pour avec sans".split())
#: Function words that get glued to the previous word (``numériquedu``). Common word endings
#: (``le``, ``la``, ``se``, ``en``, ``que``: ``logicielle``, ``robustesse``, ``combien``) are left out.
GLUE_AFTER = frozenset("du des de les aux dans pour avec sans sur par et".split())
GLUE_WORDS = GLUE_BEFORE | GLUE_AFTER
#: Run-together rule: an all-lower-case word of at least this many letters that is unknown to
#: the French lexicon (simplemma's dictionary, the project's stopword list and
#: :data:`NOT_RUN_TOGETHER`) and splits into a word of :data:`GLUE_BEFORE` and a known word, or
#: a known word and a word of :data:`GLUE_AFTER`, the known word having at least
#: :data:`RUN_TOGETHER_MIN_PART` letters (``du|gouvernement``, ``numérique|du``). A split whose
#: ``de``/``et`` becomes ``dé``/``ét`` in a known word is a lost accent, not a lost space
#: (``definition``, ``etranger``). Shorter parts are not tried (``par|tout``, ``de|bout`` are words
#: that simplemma's dictionary lacks; ``loi|des`` is missed rather than risk them).
#: Capitalised words are not checked (names: ``Leclerc``, ``Deschamps``).
RUN_TOGETHER_MIN_LETTERS = 7
RUN_TOGETHER_MIN_PART = 6
#: A page is flagged ``run_together_words=N`` from this many such words; a single one is only
#: noted in the report's message. Measured on wordfreq's 200,000 most frequent French words: the
#: rule fires on 0.6 % of the lower-case words simplemma does not know (mostly surnames and places
#: written in lower case, which news text capitalises), i.e. 0.1 words per 1,000 in text drawn
#: at random from that list; it finds 74 % of the pairs made by gluing a function word to one of
#: the 800 most frequent content words.
RUN_TOGETHER_MIN_COUNT = 2
#: Invariable words built like a glue word and a word, absent from simplemma's dictionary.
NOT_RUN_TOGETHER = frozenset(
    "encontre debout dehors dessus dessous dedans partout parfois pourquoi pourtant surplus desdits "
    "desdites lesdits lesdites ladite audit auxdits ensemble autour autant enfin envers lesquels "
    "lesquelles desquels desquelles auxquels auxquelles duquel entretemps".split()
)
_LOWER_WORD_RE = re.compile(rf"(?<!\w)[a-zà-öø-ÿœæ]{{{RUN_TOGETHER_MIN_LETTERS},}}(?!\w)")


@functools.lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """The stopword list, read once per process (it was re-read for every new word)."""
    return load_stopwords()


@functools.lru_cache(maxsize=65_536)
def _known_word(word: str) -> bool:
    """Whether a lower-case word is in simplemma's French dictionary or the stopword list."""
    import simplemma

    return (word in GLUE_WORDS or word in NOT_RUN_TOGETHER or word in _stopwords()
            or simplemma.is_known(word, lang="fr"))


@functools.lru_cache(maxsize=65_536)
def run_together_split(word: str) -> tuple[str, str] | None:
    """The two words a run-together word is made of, or None (see :data:`RUN_TOGETHER_MIN_LETTERS`).

    Examples
    --------
    >>> run_together_split("dugouvernement")
    ('du', 'gouvernement')
    >>> run_together_split("gouvernement") is None
    True
    """
    if len(word) < RUN_TOGETHER_MIN_LETTERS or not word.islower() or _known_word(word):
        return None
    for i in range(2, len(word) - 1):
        left, right = word[:i], word[i:]
        if left in GLUE_BEFORE and len(right) >= RUN_TOGETHER_MIN_PART and _known_word(right):
            if left in ("de", "et") and _known_word(left.replace("e", "é", 1) + right):
                continue
            return left, right
        if right in GLUE_AFTER and len(left) >= RUN_TOGETHER_MIN_PART and _known_word(left):
            return left, right
    return None


def _missing_space_ends(text: str) -> list[int]:
    """Positions right after each sentence end that lacks its space (see :data:`MISSING_SPACE_RE`)."""
    out = []
    for match in MISSING_SPACE_RE.finditer(text):
        start = match.start()
        if start < 2 or not _LOWER_LETTER_RE.fullmatch(text, start - 2, start):
            continue
        token_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
        token_end = match.end()
        while token_end < len(text) and not text[token_end].isspace():
            token_end += 1
        if _URL_HINT_RE.search(text, token_start, token_end) or _DOMAIN_AFTER_RE.match(text, start):
            continue
        word = re.search(r"\w+$", text[token_start:start])
        if word and word.group().casefold() in SPACING_ABBREVIATIONS:
            continue
        out.append(match.end())
    return out


def spacing_problems(text: str) -> dict:
    """Count lost spaces in a page.

    Parameters
    ----------
    text : str
        Decoded page text.

    Returns
    -------
    dict
        ``missing_space_after_period`` (count, see :data:`MISSING_SPACE_RE`),
        ``run_together_words`` (count of tokens, see :func:`run_together_split`) and
        ``examples`` (up to three run-together words, in page order).
    """
    counts = collections.Counter(_LOWER_WORD_RE.findall(text))  # in page order (dicts keep it)
    found = [w for w in counts if run_together_split(w)]
    return {
        "missing_space_after_period": len(_missing_space_ends(text)),
        "run_together_words": sum(counts[w] for w in found),
        "examples": found[:3],
    }


def repair_spacing(text: str) -> tuple[str, int]:
    """Insert the missing space after a sentence end (``loi.Elles`` -> ``loi. Elles``).

    Only the sentence-end case is repaired (the rule of :data:`MISSING_SPACE_RE`); run-together
    words are counted and flagged, never split, because a split can be wrong.

    Returns
    -------
    text : str
        The repaired text.
    n_repaired : int
        Spaces inserted.
    """
    ends = _missing_space_ends(text)
    for pos in reversed(ends):
        text = text[:pos] + " " + text[pos:]
    return text, len(ends)


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
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
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
    article = "\n\n".join([page.title, page.text])
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
    if not page.text.strip():
        flags.append(("text_missing", "no article text found (only a headline, captions or related items)"))
    return flags


def _read_page(path: Path, table: dict[str, dict], has_metadata: bool, repair: bool, seen: dict):
    """Read, decode and parse one page; return its report row and its Page (None if not loaded)."""
    row = {"file": path.name, "status": "ok", "message": "", "n_units": 0, "quality": ""}
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
        text, note = decode_page(data)
    except _Undecodable as exc:
        row.update(status="undecodable", message=str(exc))
        return row, None
    if not text.strip():
        row.update(status="empty", message="empty or blank file")
        return row, None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest in seen:
        row.update(status="duplicate", message=f"same text as {seen[digest]}; loaded once, from {seen[digest]}")
        return row, None
    seen[digest] = path.name
    spacing = spacing_problems(text)
    if repair and spacing["missing_space_after_period"]:
        text, _ = repair_spacing(text)
        spacing["repaired"] = True
    page = parse_page(text)
    flags = []
    if "fallback" in note:
        flags.append(("encoding_fallback", f"decoded with {note}: check accents"))
    listed = path.name in table
    if has_metadata and not listed:
        flags.append(("metadata_missing",
                      "no row in the metadata table: outlet unknown, date only if the page states one"))
    meta_date = _metadata_value(table, path.name, "date")
    if page.date and meta_date is not None and not meta_date.strftime("%Y-%m-%d").startswith(page.date):
        flags.append(("date_mismatch",
                      f"page states {page.date} but metadata says {meta_date:%Y-%m-%d}; the page's date is used"))
    if page.date_problem:
        flags.append(("date_invalid", page.date_problem))
    if not page.date and meta_date is None:
        flags.append(("date_missing", "no date: neither the page nor the metadata table states one"))
    quality = page_quality(page, spacing)
    meta_title = _metadata_value(table, path.name, "title")
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
    rows, pages, table = _read_pages(paths, metadata_table, repair_spacing)
    return _units(pages, table), pd.DataFrame(rows, columns=REPORT_COLUMNS)


def _read_pages(paths, metadata_table, repair: bool) -> tuple[list[dict], dict[str, Page], pd.DataFrame]:
    has_metadata = metadata_table is not None
    table = metadata_table if has_metadata else load_metadata(None)[0]
    rows, pages, seen, names = [], {}, {}, set()
    meta_rows = table.to_dict("index")
    for path in map(Path, paths):
        if path.name in names:
            rows.append({"file": path.name, "status": "refused", "n_units": 0, "quality": "",
                         "message": "same file name as an earlier page: file names identify pages"})
            continue
        names.add(path.name)
        try:
            reason = _not_read(path, os.lstat(path))
        except OSError as exc:
            reason = ("undecodable", f"cannot be read: {exc.strerror or exc}")
        if reason is not None:
            rows.append({"file": path.name, "status": reason[0], "message": reason[1], "n_units": 0, "quality": ""})
            continue
        row, page = _read_page(path, meta_rows, has_metadata, repair, seen)
        rows.append(row)
        if page is not None:
            pages[path.name] = page
    return rows, pages, table


def _scan(raw_dir, metadata, files=None, repair=False) -> tuple[list[dict], dict[str, Page], pd.DataFrame, list[str]]:
    """Read a folder (or the listed files); return report rows (name order), pages, metadata, problems."""
    table, meta_problems = load_metadata(metadata)
    if files is None and raw_dir is not None and Path(raw_dir).is_file():
        files = [raw_dir]
    if files is None:
        raw_dir = Path(raw_dir)
        paths, rows = list_pages(raw_dir)
    else:
        paths, rows = list(files), []
    page_rows, pages, table = _read_pages(paths, table if metadata is not None else None, repair)
    rows = sorted(rows + page_rows, key=lambda r: r["file"]) if files is None else page_rows
    if files is None:
        present = {r["file"] for r in rows}
        for name in sorted(set(table.index) - present):
            where = (" (a name with a folder part: only files directly inside the corpus folder are read)"
                     if "/" in name or "\\" in name else "")
            meta_problems.append(f"metadata lists {name}, which is not in {raw_dir.name}/{where}")
    return rows, pages, table, meta_problems


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
        return load_source(raw_dir, format=format, metadata=metadata, on_error=on_error, **mapping)
    if mapping:
        raise TypeError(f"load_corpus: {', '.join(sorted(mapping))} apply to tables, not to page folders")
    rows, pages, table, meta_problems = _scan(raw_dir, metadata, files, repair_spacing)
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
    return _units(pages, table)


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


def _units(pages: dict[str, Page], table: pd.DataFrame) -> pd.DataFrame:
    """Build the units table from parsed pages (file order) and the metadata table."""
    articles, related = [], {}
    title_to_article = {}
    table = table.to_dict("index")
    meta_titles = {name: _metadata_value(table, name, "title") for name in pages}
    for name, page in pages.items():
        doc_id = Path(name).stem
        title, title_source = page.title, "page" if page.title else "missing"
        if meta_titles[name] is not None:
            title, title_source = str(meta_titles[name]), "metadata"
        if title:
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
                "title": title, "lead": page.lead, "text": page.text, "date": date,
                "date_precision": precision, "date_source": source, "dateline": page.dateline,
                "section": page.section, "outlet": _meta(table, name, "outlet"),
                "url": _meta(table, name, "url"), "n_pages": 1, "n_words": count_words(page.text),
                "captions": "\n".join(page.captions), "related_type": "", "same_as": "",
                "source_files": name, "title_source": title_source,
            }
        )
        for teaser in page.teasers:
            key = _key(teaser.title)
            unit = related.get(key)
            if unit is None:
                unit = related[key] = {
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
    for unit in related.values():
        unit["n_pages"] = len(unit["source_files"])
        unit["source_files"] = ";".join(unit["source_files"])
        unit["n_words"] = count_words(unit["text"])
        unit["same_as"] = title_to_article.get(_key(unit["title"]), "")
    units = pd.DataFrame(articles + list(related.values()), columns=UNIT_COLUMNS)
    units["date"] = pd.to_datetime(units["date"])
    return units.astype({"n_pages": "int64", "n_words": "int64"})


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
        parts += [(part, p) for p in unit.text.split("\n\n") if p.strip()]
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
