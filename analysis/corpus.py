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

Awkward files (empty, undecodable, duplicate, not ``*.txt``) are reported by :func:`load_report`;
:func:`load_corpus` warns once per problem file, naming it, and loads the rest.
"""
from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.paths import CHECKSUMS, METADATA, RAW
from analysis.text import count_words, normalize

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

#: Leading ``date YYYY-MM-DD`` or ``date YYYY-MM`` header, followed by an optional section word
#: and/or the title on the same line.
DATE_HEADER_RE = re.compile(r"^date\s+(?P<y>\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?(?=\s|$)\s*(?P<rest>.*)$")
#: Leading ``dd/mm/yyyy HH:MM`` header.
DMY_HEADER_RE = re.compile(
    r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?:\s+\d{1,2}[:h]\d{2})?(?=\s|$)\s*(?P<rest>.*)$"
)
#: Site section words that may follow the date header (``date 2025-10-22 Société``).
SECTION_WORDS = frozenset(
    "Société Politique Économie Economie Culture Sport Sports Monde Environnement Tourisme Santé "
    "Éducation Education Francophonie Multimédia Vidéo Régions Entreprises".split()
)
#: ``Voir plus`` opens the block of related-article teasers.
VOIR_PLUS_RE = re.compile(r"^voir plus\s*:?$", re.IGNORECASE)
#: ``>> Title`` links to related articles.
LINK_RE = re.compile(r"^>>\s*(?P<title>.*)$")
#: An image file name alone on its line (``tt2-060625.jpg``).
IMAGE_RE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|bmp|tiff?)$", re.IGNORECASE)
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
#: ``(Photo : Portail gouvernemental)``, ``Photo d'illustration``, ``Photo d'illustration: VNA``.
CREDIT_RE = re.compile(
    r"(?:^|[\s.,;(])\(?(?:Photo|PHOTO|Ảnh|Crédit photo)(?:\s+d['’]illustration)?"
    r"(?:\s*:\s*[^():]{1,60}?)?\s*\)?\.?$"
)
#: The Vietnamese image mark fusing a headline and a caption (``... ảnh 1Le ministre ...``).
IMAGE_MARK_RE = re.compile(r"\sảnh\s*\d+")
#: A dateline opening a paragraph: ``Vientiane (VNA) - ``, ``Hanoi (VNA) – ``,
#: ``Vientiane, 2 novembre (VNA) - ``.
DATELINE_RE = re.compile(
    r"^(?P<place>[A-ZÀ-ÖØ-Þ][\w'’.\- ]{0,40}?)(?:,\s*(?P<day>[\w ]{1,25}?))?\s*"
    r"\((?P<agency>VNA|CVN|VOV|AVI|VNS|TTXVN|AFP|Xinhua|Reuters)\)\s*[-–—:]\s*"
)
#: Characters that end a sentence (or a quotation or parenthesis closing one).
_TERMINAL = frozenset('.!?…»"”)')


def _ends_sentence(text: str) -> bool:
    return text[-1:] in _TERMINAL


def _key(text: str) -> str:
    """Matching key: whitespace and apostrophes normalized, case folded."""
    return " ".join(normalize(text).split()).casefold()


#: Credits are matched on the end of a line only: no credit is longer than this, so the result
#: is the same as on the whole line, and long paragraphs are not scanned from their start.
_CREDIT_TAIL = 120


def _has_credit(text: str) -> bool:
    return CREDIT_RE.search(text[-_CREDIT_TAIL:]) is not None


def _is_caption(paragraph: str) -> bool:
    return bool(IMAGE_MARK_RE.search(paragraph)) or _has_credit(paragraph)


def _line_kind(line: str) -> str:
    """Kind of a single stripped line before paragraph assembly."""
    if VOIR_PLUS_RE.match(line):
        return "voir_plus"
    if LINK_RE.match(line):
        return "link"
    if IMAGE_RE.match(line):
        return "image_file"
    if SOURCE_RE.match(line):
        return "source"
    if SIGNOFF_LINE_RE.match(line):
        return "signoff"
    return "text"


def _continues(paragraph: list[str], line: str) -> bool:
    """Whether ``line`` continues the paragraph in progress (same block, no blank line between).

    A caption that holds the image mark but no credit yet runs on (up to three lines); prose that
    ends without terminal punctuation runs on when the next line starts in lower case or with
    ``(``. Everything else starts a new paragraph.
    """
    last = paragraph[-1]
    if _ends_sentence(last) or _has_credit(last):
        return False
    if IMAGE_MARK_RE.search(paragraph[0]) and len(paragraph) < 3:
        return True
    return bool(line) and (line[0].islower() or line[0] == "(")


def _assemble(lines: list[str]) -> list[tuple[str, str]]:
    """Group stripped lines into ``(kind, paragraph)`` pairs; blank lines end paragraphs."""
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
        if kind != "text":
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
    the page exactly once (see :func:`page_roles`).
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
    roles: list[tuple[str, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Article text: the standfirst (unless repeated as the dateline paragraph) and the body."""
        parts = ([] if self.lead_repeated or not self.lead else [self.lead]) + self.body
        return "\n\n".join(parts)


def _parse_header(line: str, page: Page) -> str:
    """Read a leading date header into ``page``; return what remains of the line."""
    match = DATE_HEADER_RE.match(line) or DMY_HEADER_RE.match(line)
    if not match:
        return line
    y, m, d = match["y"], match["m"], match["d"]
    try:
        stamp = pd.Timestamp(year=int(y), month=int(m), day=int(d or 1))
        page.date = stamp.strftime("%Y-%m-%d") if d else stamp.strftime("%Y-%m")
        page.date_precision = "day" if d else "month"
    except ValueError:
        page.date_problem = f"invalid date in header {line[: match.start('rest')].strip()!r}"
    page.roles.append(("date_header", line[: match.start("rest")].strip()))
    rest = match["rest"].strip()
    first, _, remainder = rest.partition(" ")
    if first in SECTION_WORDS and (not remainder or remainder[:1].isupper()):
        page.section = first
        page.roles.append(("section", first))
        rest = remainder.strip()
    return rest


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
        ``title``, ``lead`` (standfirst, empty where none), ``body`` paragraphs, ``dateline``
        place, ``captions``, ``teasers`` (teasers and ``>>`` links), the stated ``date`` (from a
        ``date YYYY-MM-DD`` / ``date YYYY-MM`` / ``dd/mm/yyyy HH:MM`` header) and ``roles``.

    Notes
    -----
    Rules, in page order:

    1. A leading date header sets the date and is removed from the title; a site section word
       after it (``Société``) is recorded in ``section``.
    2. The first remaining line is the headline; the same headline on the next line is a repeat.
    3. Lines are grouped into paragraphs at blank lines; within a block a line starts a new
       paragraph unless it continues a caption or an unfinished sentence (see ``_continues``).
    4. Captions (a photo credit at the end, or the image mark ``ảnh 1``), image file names,
       ``>>`` links, lone sign-offs and ``source`` lines are never body text; a caption repeated
       verbatim is a repeat.
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
    # 1-2: header and headline
    i = next((k for k, line in enumerate(lines) if line), len(lines))
    if i < len(lines):
        rest = _parse_header(lines[i], page)
        if page.roles and not rest:  # header alone on its line: the headline is the next line
            i = next((k for k in range(i + 1, len(lines)) if lines[k]), len(lines))
            rest = lines[i] if i < len(lines) else ""
        lines = lines[i + 1 :]
        if rest and _line_kind(rest) == "text" and not _is_caption(rest):
            page.title = rest
            page.roles.append(("title", rest))
        elif rest:
            lines.insert(0, rest)
    paras = _assemble(lines)
    if page.title and paras and paras[0][0] == "text" and _key(paras[0][1]) == _key(page.title):
        page.roles.append(("title_repeat", paras[0][1]))
        paras = paras[1:]
    split = next((k for k, (kind, _) in enumerate(paras) if kind == "voir_plus"), len(paras))
    _parse_article(paras[:split], page)
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
            items.append([kind, para])
        elif _is_caption(para):
            key = _key(para)
            items.append(["caption_repeat" if key in seen_captions else "caption", para])
            if key not in seen_captions:
                page.captions.append(para)
            seen_captions.add(key)
        else:
            items.append(["body", para])
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
                if _key(para) == _key(current.caption):
                    page.roles.append(("teaser_caption_repeat", para))
                    continue
            if current is not None and (current.title or current.caption):
                flush()
            current = Teaser(title="", caption=para)
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


def load_metadata(path: Path | str | None = METADATA) -> tuple[pd.DataFrame, list[str]]:
    """Read the metadata table (one row per raw file).

    Parameters
    ----------
    path : path-like or None
        CSV with columns :data:`METADATA_COLUMNS`. None gives an empty table.

    Returns
    -------
    table : pandas.DataFrame
        Indexed by ``file``; ``date`` parsed to datetime64 (NaT where empty or invalid).
    problems : list of str
        One message per unusable row (bad date, duplicate file name), naming the file and row.

    Raises
    ------
    CorpusError
        When the file is missing or lacks a required column.
    """
    if path is None:
        return pd.DataFrame(columns=METADATA_COLUMNS).set_index("file"), []
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"{path}: metadata table not found (pass metadata=None to load without it)")
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in METADATA_COLUMNS if c not in table.columns]
    if missing:
        raise CorpusError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(METADATA_COLUMNS)}")
    problems = []
    dup = table["file"].duplicated(keep="first")
    for row in table.index[dup]:
        problems.append(f"{path.name} row {row + 2}: file {table.at[row, 'file']!r} listed twice; first row used")
    table = table[~dup]
    dates = pd.to_datetime(table["date"], format="mixed", errors="coerce")
    for row in table.index[dates.isna() & (table["date"] != "")]:
        problems.append(f"{path.name} row {row + 2}: unreadable date {table.at[row, 'date']!r} for {table.at[row, 'file']}")
    table = table.assign(date=dates).set_index("file")
    return table, problems


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_checksums(raw_dir: Path | str = RAW, checksums: Path | str | None = None) -> Path:
    """Pin every ``*.txt`` page of ``raw_dir`` in a ``sha256sum``-compatible file.

    Parameters
    ----------
    raw_dir : path-like
        Folder of raw pages.
    checksums : path-like, optional
        Output file; default ``raw_dir/SHA256SUMS``.

    Returns
    -------
    pathlib.Path
        The checksum file (check it by hand with ``cd data/raw && sha256sum -c SHA256SUMS``).
    """
    raw_dir = Path(raw_dir)
    checksums = Path(checksums) if checksums else raw_dir / CHECKSUMS.name
    lines = [f"{_sha256(p)}  {p.name}\n" for p in sorted(raw_dir.glob("*.txt"))]
    checksums.write_text("".join(lines), encoding="utf-8")
    return checksums


def verify_checksums(raw_dir: Path | str = RAW, checksums: Path | str | None = None) -> list[str]:
    """Compare the raw pages with their pinned checksums.

    Returns
    -------
    list of str
        One message per problem: a page changed, a page not pinned, a pinned page missing.
        Empty when everything matches.
    """
    raw_dir = Path(raw_dir)
    checksums = Path(checksums) if checksums else raw_dir / CHECKSUMS.name
    how = "if the change is intended, pin it with `make pin` (or `python -m analysis.corpus pin`)"
    if not checksums.is_file():
        return [f"{checksums}: no checksum file; {how}"]
    pinned = {}
    for line in checksums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if name:
            pinned[name] = digest
    problems = []
    for page in sorted(raw_dir.glob("*.txt")):
        if page.name not in pinned:
            problems.append(f"{page}: not pinned in {checksums.name}; add its metadata row, then {how}")
        elif _sha256(page) != pinned[page.name]:
            problems.append(f"{page}: bytes differ from the pinned checksum (raw data must not be edited); {how}")
    for name in sorted(set(pinned) - {p.name for p in raw_dir.glob("*.txt")}):
        problems.append(f"{raw_dir / name}: pinned in {checksums.name} but missing; {how}")
    return problems


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

#: Statuses of :func:`load_report`. ``ok`` and ``warning`` files are loaded.
STATUSES = ("ok", "warning", "empty", "undecodable", "duplicate", "ignored")
_BAD = {"empty", "undecodable", "duplicate"}


def _scan(raw_dir: Path, metadata) -> tuple[list[dict], dict[str, Page], pd.DataFrame, list[str]]:
    """Decode and parse every file of ``raw_dir``; return report rows, pages, metadata, problems."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise CorpusError(f"{raw_dir}: raw folder not found")
    table, meta_problems = load_metadata(metadata)
    rows, pages, seen = [], {}, {}
    for path in sorted(p for p in raw_dir.iterdir() if p.is_file()):
        row = {"file": path.name, "status": "ok", "message": "", "n_units": 0}
        rows.append(row)
        if path.suffix.lower() != ".txt":
            row["status"] = "ignored"
            row["message"] = "not a page: only *.txt files are read"
            continue
        try:
            text, note = decode_page(path.read_bytes())
        except _Undecodable as exc:
            row.update(status="undecodable", message=str(exc))
            continue
        except OSError as exc:
            row.update(status="undecodable", message=f"cannot be read: {exc.strerror or exc}")
            continue
        if not text.strip():
            row.update(status="empty", message="empty or blank file")
            continue
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest in seen:
            row.update(status="duplicate", message=f"same text as {seen[digest]}; loaded once, from {seen[digest]}")
            continue
        seen[digest] = path.name
        page = parse_page(text)
        notes = []
        if "fallback" in note:
            notes.append(f"decoded with {note}: check accents")
        if metadata is not None and path.name not in table.index:
            notes.append("no row in the metadata table: outlet and date unknown unless the page states a date")
        elif page.date and path.name in table.index:
            meta_date = table.at[path.name, "date"]
            if pd.notna(meta_date) and not meta_date.strftime("%Y-%m-%d").startswith(page.date):
                notes.append(f"page states {page.date} but metadata says {meta_date:%Y-%m-%d}; the page's date is used")
        if page.date_problem:
            notes.append(page.date_problem)
        if not page.text.strip():
            notes.append("no article text found (only a headline, captions or related items)")
        if notes:
            row.update(status="warning", message="; ".join(notes))
        elif note != "utf-8":
            row["message"] = f"decoded as {note}"
        pages[path.name] = page
        row["n_units"] = 1 + len(page.teasers)
    listed = set(table.index) - {r["file"] for r in rows}
    for name in sorted(listed):
        meta_problems.append(f"metadata lists {name}, which is not in {raw_dir}")
    return rows, pages, table, meta_problems


def load_report(raw_dir: Path | str = RAW, metadata: Path | str | None = METADATA) -> pd.DataFrame:
    """One row per file of ``raw_dir``: what the loader does with it and why.

    Parameters
    ----------
    raw_dir : path-like
        Folder of raw pages.
    metadata : path-like or None
        Metadata table (see :func:`load_metadata`).

    Returns
    -------
    pandas.DataFrame
        ``file``, ``status`` (one of :data:`STATUSES`), ``message``, ``n_units`` (article plus
        related items found on the page, before merging recurring teasers). Rules: only
        ``*.txt`` files are pages (others ``ignored``); UTF-8 with or without BOM, UTF-16 with a
        BOM, CRLF read as LF; invalid UTF-8 falls back to cp1252 with a ``warning``, binary data
        is ``undecodable``; an empty or blank file is ``empty``; a file with the same text as an
        earlier one (in name order) is ``duplicate`` and loaded once.
    """
    rows, _, _, _ = _scan(Path(raw_dir), metadata)
    return pd.DataFrame(rows, columns=["file", "status", "message", "n_units"])


UNIT_COLUMNS = [
    "doc_id", "kind", "source_file", "parent_id", "title", "lead", "text", "date",
    "date_precision", "date_source", "dateline", "section", "outlet", "url", "n_pages",
    "n_words", "captions", "related_type", "same_as", "source_files",
]


def load_corpus(
    raw_dir: Path | str = RAW,
    metadata: Path | str | None = METADATA,
    on_error: str = "warn",
) -> pd.DataFrame:
    """Load every page of ``raw_dir`` into a table of units.

    Parameters
    ----------
    raw_dir : path-like
        Folder of raw ``*.txt`` pages (default ``data/raw``).
    metadata : path-like or None
        Metadata table with one row per file (default ``data/metadata.csv``); None to load
        without it (dates then come only from the pages).
    on_error : {"warn", "raise"}
        ``"warn"``: one :class:`CorpusWarning` per problem file, naming it, and the rest is
        loaded. ``"raise"``: :class:`CorpusError` naming the first empty, undecodable or
        duplicate file (files loaded with a caveat still only warn).

    Returns
    -------
    pandas.DataFrame
        One row per unit, columns :data:`UNIT_COLUMNS`: articles first (file order), then related
        units in order of first appearance.

        - ``doc_id``: the file stem for an article; ``rel_`` + 10 hex digits of the SHA-1 of the
          matching key for a related unit (stable across runs and machines).
        - ``kind``: ``"article"`` or ``"related"``; ``related_type``: ``"teaser"`` or ``"link"``.
        - ``parent_id``: for related units, the article of the first page that carries it.
        - ``text``: article body paragraphs separated by blank lines (the standfirst first,
          unless the dateline paragraph repeats it); a teaser's lead; empty for a link.
        - ``date``: the date stated in the page if any (``date_source="page"``), else the
          metadata table's (``"metadata"``); NaT for related units, which are undated
          (``"undated"``) and for pages with neither (``"unknown"``). ``date_precision`` is
          ``day``, ``month`` or ``year``.
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
    raw_dir = Path(raw_dir)
    rows, pages, table, meta_problems = _scan(raw_dir, metadata)
    for row in rows:
        if on_error == "raise" and row["status"] in _BAD:
            raise CorpusError(f"{raw_dir / row['file']}: {row['status']}: {row['message']}")
        warn = row["status"] in _BAD | {"warning"} or (
            row["status"] == "ignored" and row["file"] not in EXPECTED_NON_PAGES and not row["file"].startswith(".")
        )
        if warn:
            warnings.warn(f"{raw_dir / row['file']}: {row['status']}: {row['message']}", CorpusWarning, stacklevel=2)
    for problem in meta_problems:
        warnings.warn(problem, CorpusWarning, stacklevel=2)
    return _units(pages, table)


def _meta(rows: dict, name: str, column: str):
    """One metadata value (``rows`` from ``table.to_dict("index")``); "" or NaT when unlisted."""
    row = rows.get(name)
    return row[column] if row is not None else ("" if column != "date" else pd.NaT)


def _units(pages: dict[str, Page], table: pd.DataFrame) -> pd.DataFrame:
    """Build the units table from parsed pages (file order) and the metadata table."""
    articles, related = [], {}
    title_to_article = {}
    table = table.to_dict("index")
    for name, page in pages.items():
        doc_id = Path(name).stem
        if page.title:
            title_to_article.setdefault(_key(page.title), doc_id)
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
                "title": page.title, "lead": page.lead, "text": page.text, "date": date,
                "date_precision": precision, "date_source": source, "dateline": page.dateline,
                "section": page.section, "outlet": _meta(table, name, "outlet"),
                "url": _meta(table, name, "url"), "n_pages": 1, "n_words": count_words(page.text),
                "captions": "\n".join(page.captions), "related_type": "", "same_as": "",
                "source_files": name,
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
                    "source_files": [],
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


def paragraphs(units: pd.DataFrame, include_titles: bool = False) -> pd.DataFrame:
    """Split units into paragraphs, the unit of paragraph-level analysis.

    Parameters
    ----------
    units : pandas.DataFrame
        Output of :func:`load_corpus` (at least ``doc_id``, ``kind``, ``title``, ``text``,
        ``date``).
    include_titles : bool
        Also emit each unit's title as a paragraph with ``part="title"`` and ``para_id`` 0.

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
            rows.append((unit.doc_id, para_id, unit.kind, part_name, text, count_words(text), unit.date))
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


def _main(argv: list[str]) -> int:
    """Command line: ``python -m analysis.corpus pin|verify|report``."""
    command = argv[0] if argv else "report"
    if command == "pin":
        path = write_checksums()
        print(f"pinned {sum(1 for _ in RAW.glob('*.txt'))} pages in {path}")
        return 0
    if command == "verify":
        problems = verify_checksums()
        print("\n".join(problems) or "all raw pages match their checksums")
        return 1 if problems else 0
    if command == "report":
        with pd.option_context("display.width", 200, "display.max_colwidth", 120):
            print(load_report().to_string(index=False))
        return 0
    print("usage: python -m analysis.corpus [pin|verify|report]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
