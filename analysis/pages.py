"""The page format: decoding a saved page and parsing it into its article and related items.

A captured page is not one document (see :mod:`analysis.corpus`, which turns parsed pages into
units). :func:`decode_page` reads the bytes (UTF-8, else a stated fallback, never binary data);
:func:`parse_page` gives every line of the page exactly one role (headline, standfirst, body,
caption, dateline, sign-off, teaser...), each rule a named, compiled regular expression below so
that it can be read and tested. The spaces a capture lost are counted and repaired by
:mod:`analysis.spacing` (its public names are importable from here too). ``data/README.md``
describes the page format.
"""
from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from analysis.normalize import folded_words, word_text
from analysis.paths import CHECKSUMS
from analysis.spacing import (  # noqa: F401  (re-exported: callers of analysis.pages)
    GLUE_AFTER, GLUE_BEFORE, GLUE_WORDS, MISSING_SPACE_RE, NOT_RUN_TOGETHER, RUN_TOGETHER_MIN_COUNT,
    RUN_TOGETHER_MIN_LETTERS, RUN_TOGETHER_MIN_PART, SPACING_ABBREVIATIONS, repair_spacing,
    run_together_split, spacing_problems)
from analysis.text import count_words, normalize

# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------

#: Fallback encoding for files that are not valid UTF-8 (Windows Western European).
FALLBACK_ENCODING = "cp1252"
#: Names in the raw folder that are expected and never reported as problems.
EXPECTED_NON_PAGES = {CHECKSUMS.name, "README.md", ".gitkeep"}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])


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
    text, note, _ = _decode(data)
    return text, note


def _decode(data: bytes) -> tuple[str, str, bytes | None]:
    """:func:`decode_page`, and ``data`` itself when it is the UTF-8 encoding of the text (a
    UTF-8 file with no BOM, no CR, already in NFC), else None: the caller hashing the text's
    UTF-8 bytes then need not encode it again."""
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
        if encoding == "utf-8":
            # each control character of the text is one byte of the same value in valid UTF-8:
            # count them on the bytes (one C pass) rather than with a regex over the text
            n_control = len(data) - len(data.translate(None, _CONTROL_BYTES))
        else:
            n_control = len(_CONTROL_RE.findall(text))
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
        n_control = len(_CONTROL_RE.findall(text))
    if text and n_control > 0.01 * len(text):
        raise _Undecodable(f"decoded as {note} but more than 1% control characters: binary data")
    unchanged = note in ("utf-8", "utf-8 with BOM")  # data (after the BOM) is then the text's UTF-8
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        unchanged = False
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        unchanged = False
    return text, note, (data if unchanged else None)


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
_DATELINE_AGENCIES = ("VNA", "CVN", "VOV", "AVI", "VNS", "TTXVN", "AFP", "Xinhua", "Reuters")
DATELINE_RE = re.compile(
    r"^(?P<place>[A-ZÀ-ÖØ-Þ][\w'’.\- ]{0,40}?)(?:,\s*(?P<day>[\w /]{1,25}?))?\s*"
    rf"\((?P<agency>{'|'.join(_DATELINE_AGENCIES)})\)\s*[-–—:]\s*"
)
#: ``(VNA)``...: the first ``(`` of a paragraph that :data:`DATELINE_RE` matches opens one of
#: these (the place, the day and the spaces before it hold no ``(``).
_DATELINE_OPENINGS = tuple(f"({agency})" for agency in _DATELINE_AGENCIES)


def _dateline_match(paragraph: str) -> re.Match | None:
    """``DATELINE_RE.match(paragraph)``, tried only when the paragraph's first ``(`` opens an
    agency (:data:`_DATELINE_OPENINGS`): the lazy place and day make a failing match costly."""
    i = paragraph.find("(")
    if i < 0 or not paragraph.startswith(_DATELINE_OPENINGS, i):
        return None
    return DATELINE_RE.match(paragraph)


#: Characters that end a sentence (or a quotation or parenthesis closing one).
_TERMINAL = frozenset('.!?…»"”)')
#: Characters that end body text rather than a headline (a headline may end with ``?``, ``!``,
#: ``»`` or ``)``; a line ending with one of these is a sentence, a list item or a lead-in).
_BODY_END = frozenset(".…;,:")


def _ends_sentence(text: str) -> bool:
    return text[-1:] in _TERMINAL


@functools.lru_cache(maxsize=8_192)
def _key(text: str) -> str:
    """Matching key: whitespace and apostrophes normalized, case folded (cached: teasers recur).

    A teaser recurs on the pages published around the same time, a few hundred pages in file
    order; 8,192 keys (about 2 a page) cover thousands of pages and hold about 6 MB in a worker,
    where 65,536 held about 45 MB at 100,000 pages."""
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
    # the literals of _CREDIT_WORDS and _SOURCE_WORDS tested inline: this runs on every paragraph
    tail = text[-_CREDIT_TAIL:]
    if (("Photo" in tail or "PHOTO" in tail or "Ảnh" in tail or "Crédit" in tail)
            and CREDIT_RE.search(tail) is not None):
        return True
    return (("Source" in tail or "SOURCE" in tail or "Nguồn" in tail)
            and SOURCE_CREDIT_RE.search(tail) is not None and count_words(text) <= CAPTION_MAX_WORDS)


def _is_credit_only(text: str) -> bool:
    """Whether ``text`` is nothing but a credit (``Photo: VNA``, ``Source : x``, ``(Photo : x)``)."""
    if len(text) > _CREDIT_TAIL:
        return False
    match = _credit_search(text)
    return match is not None and not text[: match.start()].strip(" .,;(")


def _is_table_row(text: str) -> bool:
    return text.startswith("|") or text.endswith("|")


#: Paragraphs and lines whose kind is kept (:func:`_is_caption`, :func:`_line_kind`): a related
#: block's teasers, captions and links recur on the pages published around the same time, and a
#: paragraph is tested up to three times on its page. 2,048 texts hold about 1 MB per cache
#: (paragraphs of 425 bytes on average, as on the synthetic benchmark pages).
_KIND_CACHE_SIZE = 2_048


@functools.lru_cache(maxsize=_KIND_CACHE_SIZE)
def _is_caption(paragraph: str) -> bool:
    """Whether a paragraph is a caption: the image mark, a photo or source credit, a table row."""
    return (("ảnh" in paragraph and IMAGE_MARK_RE.search(paragraph) is not None) or _has_credit(paragraph)
            or paragraph[:1] == "|" or paragraph[-1:] == "|")


def _caption_text(paragraph: str) -> str:
    """A caption as stored in ``captions``: table pipes and image markup removed."""
    if "|" not in paragraph and "![" not in paragraph:
        return paragraph
    cleaned = MD_IMAGE_RE.sub(" ", paragraph).replace("|", " ")
    return " ".join(cleaned.split())


#: Cheap necessary conditions tried before the regular expressions of :func:`_line_kind` (most
#: lines are prose and fail all of them): the characters that can open a ``Voir plus`` or a
#: ``source`` line (the patterns ignore case: ``ſ`` matches ``s``), that can open a sign-off (a
#: dash or period, white space, an agency's capital) and end one (a capital, a period), and that
#: can end a date line (a digit, the ``T``/``C`` of ``GMT``/``UTC``, a closing parenthesis).
_VOIR_FIRST = frozenset("vV")
_SOURCE_FIRST = frozenset("sSſ")
_SIGNOFF_FIRST = frozenset("-–—.ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SIGNOFF_LAST = frozenset(".ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DATE_LAST = frozenset(")tTcC")


@functools.lru_cache(maxsize=_KIND_CACHE_SIZE)
def _line_kind(line: str) -> str:
    """Kind of a single stripped line (no line break in it) before paragraph assembly.

    The rules are tried in order, each regular expression only when the line passes a cheap
    test that every match passes (first or last character, a literal it must contain).
    """
    first, last = line[:1], line[-1:]
    if first in _VOIR_FIRST and VOIR_PLUS_RE.match(line):
        return "voir_plus"
    if first == ">" and LINK_RE.match(line):
        return "link"
    if " " not in line and IMAGE_RE.match(line):
        return "image_file"
    if "![" in line and IMAGE_MARKUP_LINE_RE.match(line):
        return "image_markup"
    if "---" in line and TABLE_RULE_RE.match(line):
        return "markup"
    if first == "|" or last == "|":
        return "table_row"
    if first in _SOURCE_FIRST and SOURCE_RE.match(line):
        return "source"
    if (last in _SIGNOFF_LAST and (first in _SIGNOFF_FIRST or first.isspace())
            and SIGNOFF_LINE_RE.match(line)):
        return "signoff"
    if (last in _DATE_LAST or last.isdecimal()) and DATE_LINE_RE.match(line):
        return "date_line"
    return "text"


def _line_kind_reference(line: str) -> str:
    """:func:`_line_kind` without its shortcuts: every rule's regular expression, in order (for tests)."""
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
    current: list[str] = []  # the paragraph in progress
    for line in lines:
        if not line:
            if current:
                out.append(("text", " ".join(current)))
                current = []
            continue
        kind = _line_kind(line)
        if kind == "text" and current and _continues(current, line):
            current.append(line)
            continue
        if current:
            out.append(("text", " ".join(current)))
            current = []
        if kind == "text":
            current.append(line)
        else:  # a table row stands alone as text; any other kind stands alone as itself
            out.append(("text" if kind == "table_row" else kind, line))
    if current:
        out.append(("text", " ".join(current)))
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
        and not _dateline_match(text)
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
    lines = list(map(str.strip, text.split("\n")))
    i = next((k for k, line in enumerate(lines) if line), len(lines))
    if i < len(lines):
        rest = _parse_header(lines[i], page)
        lines = lines[i + 1 :]
        if rest:
            lines.insert(0, rest)
    paras = _assemble(_split_markup(lines) if "![" in text else lines)  # no markup to split off
    split = next((k for k, (kind, _) in enumerate(paras) if kind == "voir_plus"), len(paras))
    _parse_article(_mark_head(paras[:split], page), page)
    if split < len(paras):
        page.roles.append(("voir_plus", paras[split][1]))
        _parse_related(paras[split + 1 :], page)
    return page


_ASCII_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _may_end_with_signoff(para: str) -> bool:
    """Whether :data:`SIGNOFF_TAIL_RE` can match ``para``: a match ends with an agency's capital
    letter, then an optional period, then the end (``$``: or a final line break). The regex opens
    with a look-behind, so a search tries every position of the paragraph; this test is one."""
    if para.endswith("\n"):
        para = para[:-1]
    if para.endswith("."):
        para = para[:-1]
    return para[-1:] in _ASCII_UPPER


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
            caption = _caption_text(para)
            key = _key(caption)
            items.append(["caption_repeat" if key in seen_captions else "caption", para])
            if key not in seen_captions and caption:
                page.captions.append(caption)
            seen_captions.add(key)
        else:
            items.append(["body", para])
    page.suspect_captions = _count_suspect_captions(items)
    prose = [k for k, item in enumerate(items) if item[0] == "body"]
    datelined = {k: match for k in prose[:3] if (match := _dateline_match(items[k][1]))}
    if len(prose) >= 2 and prose[0] not in datelined:
        separated = any(items[k][0] != "body" for k in range(prose[0] + 1, prose[1]))
        if separated or datelined:
            items[prose[0]][0] = "lead"
            page.lead = items[prose[0]][1]
    # Roles in page order, splitting dateline prefixes and the closing sign-off.
    # the last body paragraph: the lead, when one was taken, is prose[0] and not the last
    last_body = prose[-1] if prose else None
    for k, (role, para) in enumerate(items):
        if role != "body":
            page.roles.append((role, para))
            continue
        match = datelined.get(k)
        if match:
            if not page.dateline:
                page.dateline = match["place"].strip()
            page.roles.append(("dateline", para[: match.end()].strip()))
            para = para[match.end() :]
            if page.lead and _repeats(page.lead, para):
                page.lead_repeated = True
        signoff = None
        if k == last_body and _may_end_with_signoff(para):
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


#: Literals one of which every match of :data:`_CREDIT_IN_TEXT_RE` holds (``in`` tests before
#: the regex).
_CREDIT_HINT_WORDS = ("Photo", "PHOTO", "Ảnh", "ảnh", "Source", "SOURCE", "Nguồn")


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
        if above_credit or (_may_hold(para, _CREDIT_HINT_WORDS) and _CREDIT_IN_TEXT_RE.search(para)):
            count += 1
    return count


#: Share of the standfirst's distinct words that must recur in the dateline paragraph for the
#: standfirst to count as a repeat of it (VNA often restates the chapô with small edits:
#: "Le secrétaire général Tô Lâm" -> "Le secrétaire général du Parti Tô Lâm").
REPEAT_THRESHOLD = 0.8


def _repeats(lead: str, paragraph: str, threshold: float = REPEAT_THRESHOLD) -> bool:
    """Whether ``paragraph`` restates ``lead``: most of the lead's distinct words recur in it.

    The paragraph's words are listed only when enough of the lead's words are substrings of its
    case-folded :func:`~analysis.normalize.word_text`, which holds every one of its words: a
    paragraph that fails this test (most do) cannot reach the threshold either.
    """
    lead_words = folded_words(lead)  # the case-folded words of normalize(lead)
    if not lead_words:
        return False
    needed = threshold * len(lead_words)
    folded, missing = word_text(paragraph).casefold(), 0
    for word in lead_words:
        if word not in folded:
            missing += 1
            if len(lead_words) - missing < needed:
                return False
    return len(lead_words & folded_words(paragraph)) >= needed


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
