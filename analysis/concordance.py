"""Evidence from the text: keyword-in-context lines and collocations.

:func:`kwic` quotes the ORIGINAL text of the units (never lemmas or tokens), so that every
number in the analysis can be read back in the words of the articles. :func:`collocations` ranks
word pairs with NLTK's bigram association measures on our tokens.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

import pandas as pd

from analysis.text import fold_apostrophes, multiword_spans, normalize, term_pattern

_SPACE_RE = re.compile(r"\s+")
_ZERO_WIDTH_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_HSPACE_RE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")

#: The parts of a unit :func:`kwic` searches by default, in this order, when present.
PARTS = ("title", "lead", "text")
SORTS = ("none", "left", "right")


def searchable_text(text: str) -> tuple[str, str]:
    """Return ``(shown, searched)``: the text KWIC quotes and the text it matches on.

    ``searched`` is exactly :func:`analysis.text.normalize` of ``text``, the text the theme
    coder matches on, so that a theme match and a KWIC line sit at the same offsets.
    ``shown`` is the same text with its own apostrophes kept (``’`` stays ``’``): apostrophe
    folding replaces one character by one, so both strings have the same length and offsets.

    Parameters
    ----------
    text : str

    Returns
    -------
    (str, str)
    """
    searched = normalize(text)
    shown = unicodedata.normalize("NFC", _ZERO_WIDTH_RE.sub("", unicodedata.normalize("NFC", text)))
    shown = _HSPACE_RE.sub(" ", shown.replace("\r\n", "\n").replace("\r", "\n"))
    shown = "\n".join(line.strip() for line in shown.split("\n"))
    if len(shown) != len(searched) or fold_apostrophes(shown) != searched:
        shown = searched  # normalize() changed in a way this copy does not follow: quote it
    return shown, searched


def _compile_pattern(pattern: str, regex: bool, ignore_case: bool) -> re.Pattern:
    """Compile ``pattern`` for matching on normalized text; ValueError naming a bad pattern."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise ValueError(f"empty search pattern {pattern!r}: give a word, a phrase or a regular expression")
    folded = normalize(pattern) if not regex else fold_apostrophes(pattern)
    if not regex:
        # a literal phrase: any run of white space in the text matches a space of the phrase
        folded = r"\s+".join(re.escape(part) for part in folded.split())
    try:
        compiled = re.compile(folded, re.IGNORECASE if ignore_case else 0)
    except re.error as error:
        raise ValueError(f"invalid regular expression {pattern!r}: {error}") from None
    return compiled


def _check_window(window) -> int:
    if isinstance(window, bool) or not isinstance(window, (int,)) or window < 0:
        raise ValueError(f"window must be a non-negative number of characters, not {window!r}")
    return int(window)


def _left_context(text: str, start: int, window: int) -> str:
    """Up to ``window`` characters before ``start``, without a word cut in half."""
    begin = max(0, start - window)
    left = text[begin:start]
    if begin > 0 and not text[begin - 1].isspace() and not left[:1].isspace():
        cut = _SPACE_RE.search(left)
        left = left[cut.end():] if cut else ""
    return _SPACE_RE.sub(" ", left).strip()


def _right_context(text: str, end: int, window: int) -> str:
    """Up to ``window`` characters after ``end``, without a word cut in half."""
    stop = min(len(text), end + window)
    right = text[end:stop]
    if stop < len(text) and not text[stop].isspace() and not right[-1:].isspace():
        cuts = list(_SPACE_RE.finditer(right))
        right = right[:cuts[-1].start()] if cuts else ""
    return _SPACE_RE.sub(" ", right).strip()


def _parts_of(units: pd.DataFrame, parts, text_col: str) -> list[str]:
    """Columns to search: ``parts`` as given, or title, lead and ``text_col`` when present."""
    if parts is None:
        parts = [c for c in ("title", "lead") if c in units.columns] + [text_col]
    elif isinstance(parts, str):
        parts = [parts]
    missing = [c for c in parts if c not in units.columns]
    if missing:
        raise KeyError(f"units have no column {missing[0]!r} to search (columns: {list(units.columns)})")
    return list(parts)


def kwic(units: pd.DataFrame, pattern: str, *, window: int = 60, text_col: str = "text",
         regex: bool = True, ignore_case: bool = False, parts=None, sort: str | None = None,
         positions: bool = False) -> pd.DataFrame:
    """Keyword-in-context lines for a regular expression or a phrase, in titles, leads and texts.

    Each searched text is normalized exactly as the theme coder's text is
    (:func:`analysis.text.normalize`: NFC, zero-width characters removed, apostrophes folded
    to ``'``, horizontal white space folded, lines stripped), so a theme count always has its
    concordance lines, and an apostrophe in ``pattern`` matches ``'`` and ``’`` alike. The lines
    quote that text with the page's own apostrophes (``’`` included, see
    :func:`searchable_text`); line breaks and runs of white space in the context are shown as
    one space.

    Parameters
    ----------
    units : pandas.DataFrame
        With ``doc_id`` and the searched columns (``kind``, copied when present).
    pattern : str
        A regular expression (``regex=True``), or a literal word or phrase (``regex=False``;
        any white space in the text matches its spaces). To find a token of
        :func:`analysis.text.tokenize` (a lemma or a multiword term) use :func:`kwic_term`.
    window : int
        Maximum number of characters of context on each side (>= 0); the context is cut at a
        word boundary, so it may be shorter.
    text_col : str
        Column holding the body text.
    regex : bool
        Whether ``pattern`` is a regular expression.
    ignore_case : bool
    parts : str or list of str, optional
        Columns searched, in order, for each unit. Default: ``title`` and ``lead`` when the
        table has them (a units table of :func:`analysis.corpus.load_corpus`), then
        ``text_col``. A lead found inside the text (a standfirst opens an article's text, a
        teaser's lead is its text) is searched once, and its lines are labelled ``lead``.
    sort : {None, "none", "left", "right"}
        Order of the lines: as found (units, then parts, then position), or by the words
        nearest the match on the left (read right to left) or on the right, case-folded.
    positions : bool
        Add ``start`` and ``end``, the offsets of the match in the normalized text.

    Returns
    -------
    pandas.DataFrame
        One row per match: ``doc_id``, ``kind`` (if ``units`` has it), ``part`` (the column the
        line comes from: ``title``, ``lead``, ``text``; for a paragraph table searched on its
        text, its own ``part`` value), ``left``, ``match``, ``right`` (and ``start``, ``end``).

    Raises
    ------
    ValueError
        For a negative window, an empty pattern, an invalid regular expression (the message
        names the pattern) or an unknown ``sort``.
    """
    window = _check_window(window)
    compiled = _compile_pattern(pattern, regex, ignore_case)
    lines = _kwic(units, compiled, window=window, parts=_parts_of(units, parts, text_col),
                  text_col=text_col, positions=positions)
    return sort_lines(lines, sort)


def sort_lines(lines: pd.DataFrame, sort: str | None = None) -> pd.DataFrame:
    """Sort KWIC lines by their left or right context (stable; ``None``/"none" keeps the order).

    Parameters
    ----------
    lines : pandas.DataFrame
        Output of :func:`kwic`.
    sort : {None, "none", "left", "right"}
        ``"left"`` sorts on the words just before the match, nearest first; ``"right"`` on
        the words just after it; both case-folded, then on the match.

    Returns
    -------
    pandas.DataFrame
    """
    if sort is None or sort == "none":
        return lines
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}, not {sort!r}")
    if sort == "left":
        keys = [tuple(reversed(left.casefold().split())) for left in lines["left"]]
    else:
        keys = [tuple(right.casefold().split()) for right in lines["right"]]
    matches = [m.casefold() for m in lines["match"]]
    order = sorted(range(len(lines)), key=lambda i: (keys[i], matches[i]))
    return lines.iloc[order].reset_index(drop=True)


def _inside(start: int, end: int, spans, starts) -> bool:
    """Whether [start, end) lies within one of ``spans`` without being that span.

    ``spans`` are sorted and do not overlap (``starts`` holds their starts), so only the last
    span starting at or before ``start`` can hold the match: one bisection, not a scan.
    """
    i = bisect_right(starts, start) - 1
    if i < 0:
        return False
    s, e = spans[i]
    return end <= e and (start, end) != (s, e)


def _segments(values: dict, parts: list, text_col: str):
    """Yield ``(label, shown, searched, lead_span)`` for each part of one unit to search.

    A lead (standfirst, teaser lead) that opens or sits inside the body text is not searched
    twice: matches of the body inside it are labelled ``lead`` (``lead_span``).
    """
    texts = {part: searchable_text(values[part]) for part in parts
             if isinstance(values[part], str) and values[part]}
    lead_span = None
    if "lead" in texts and text_col in texts and text_col != "lead":
        lead = texts["lead"][1]
        found = texts[text_col][1].find(lead)
        if found >= 0:
            lead_span = (found, found + len(lead))
            del texts["lead"]
    for part in parts:
        if part in texts:
            label = "text" if part == text_col else part
            yield label, *texts[part], (lead_span if part == text_col else None)


def _kwic(units, compiled, *, window, parts, text_col="text", positions=False,
          skip_inside_multiwords=False):
    has_kind = "kind" in units.columns
    own_part = "part" in units.columns and parts == [text_col]
    rows = []
    kinds = units["kind"].tolist() if has_kind else [None] * len(units)
    unit_parts = units["part"].tolist() if own_part else None
    columns = {part: units[part].tolist() for part in parts}
    for i, doc_id in enumerate(units["doc_id"].tolist()):
        values = {part: columns[part][i] for part in parts}
        for label, shown, searched, lead_span in _segments(values, parts, text_col):
            spans = multiword_spans(searched) if skip_inside_multiwords else []
            starts = [s for s, _ in spans]
            if own_part:
                label = unit_parts[i]
            for match in compiled.finditer(searched):
                start, end = match.span()
                if start == end or (spans and _inside(start, end, spans, starts)):
                    continue
                row = {"doc_id": doc_id}
                if has_kind:
                    row["kind"] = kinds[i]
                in_lead = lead_span is not None and lead_span[0] <= start < lead_span[1]
                row["part"] = "lead" if in_lead else label
                row["left"] = _left_context(shown, start, window)
                row["match"] = shown[start:end]
                row["right"] = _right_context(shown, end, window)
                if positions:
                    row["start"], row["end"] = start, end
                rows.append(row)
    columns = (["doc_id"] + (["kind"] if has_kind else []) + ["part", "left", "match", "right"]
               + (["start", "end"] if positions else []))
    return pd.DataFrame(rows, columns=columns)


def kwic_term(units: pd.DataFrame, token: str, *, window: int = 60, text_col: str = "text",
              parts=None, **options) -> pd.DataFrame:
    """Keyword-in-context lines for a token of :func:`analysis.text.tokenize`.

    A token is searched with the surface forms that produce it in these units and, for a
    multiword token (``intelligence_artificielle``, ``résolution_57``), with its pattern from
    the multiword list (:func:`analysis.text.term_pattern`). Matches inside a multiword term
    are left out when multiword terms are joined (``données`` in *centres de données* is the
    token ``centre_de_données``, not ``donnée``), so the lines are the occurrences counted.
    Each match is checked against the sorted multiword spans by bisection, so the cost grows
    as n log n with the number of matches, not as their product with the spans.

    Parameters
    ----------
    units : pandas.DataFrame
    token : str
    window : int
    text_col : str
    parts : str or list of str, optional
        Columns searched; default ``text_col`` only (the text the tokens were counted in).
    **options
        Keyword arguments of :func:`analysis.text.tokenize` (the options that produced the
        token).

    Returns
    -------
    pandas.DataFrame
        As :func:`kwic`.
    """
    window = _check_window(window)
    if not isinstance(token, str) or not token.strip():
        raise ValueError(f"empty token {token!r}")
    pattern = term_pattern(token, units[text_col], **options)
    compiled = _compile_pattern(pattern, regex=True, ignore_case=False)
    return _kwic(units, compiled, window=window, parts=_parts_of(units, parts or [text_col], text_col),
                 text_col=text_col, skip_inside_multiwords=options.get("multiwords", True))


def collocations(token_lists, *, measure: str = "pmi", min_freq: int = 2,
                 n: int = 20) -> pd.DataFrame:
    """Top adjacent word pairs by an NLTK association measure, never across documents.

    Uses :class:`nltk.collocations.BigramCollocationFinder` built with ``from_documents`` (each
    document is padded, so no bigram spans two documents) and
    :class:`nltk.metrics.BigramAssocMeasures`. Run it on tokens with stopwords removed to find
    content collocations (``transformation numérique`` is already one token when multiword
    terms are joined).

    Parameters
    ----------
    token_lists : iterable of list of str
        One token list per document (e.g. from :func:`analysis.text.tokenize_series`).
    measure : {"pmi", "likelihood_ratio"}
        NLTK's ``BigramAssocMeasures.pmi`` (log2 of observed over expected) or
        ``likelihood_ratio`` (Dunning's G2).
    min_freq : int
        Pairs seen fewer times are dropped (``apply_freq_filter``).
    n : int
        Number of pairs returned.

    Returns
    -------
    pandas.DataFrame
        Columns ``w1``, ``w2``, ``freq``, ``score``; sorted by score (descending), then by
        ``w1`` and ``w2``.
    """
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

    if measure not in ("pmi", "likelihood_ratio"):
        raise ValueError(f"measure must be 'pmi' or 'likelihood_ratio', not {measure!r}")
    finder = BigramCollocationFinder.from_documents([list(tokens) for tokens in token_lists])
    finder.apply_freq_filter(min_freq)
    scored = finder.score_ngrams(getattr(BigramAssocMeasures, measure))
    rows = [(w1, w2, int(finder.ngram_fd[(w1, w2)]), float(score))
            for (w1, w2), score in scored]
    rows.sort(key=lambda row: (-row[3], row[0], row[1]))
    return pd.DataFrame(rows[:n], columns=["w1", "w2", "freq", "score"])


def kwic_for_terms(units: pd.DataFrame, terms, *, n_lines: int = 2, window: int = 50,
                   text_col: str = "text", **options) -> pd.DataFrame:
    """The first KWIC lines of each of several tokens: evidence beside a keyness table.

    Parameters
    ----------
    units : pandas.DataFrame
        With ``doc_id`` and ``text_col`` (and ``kind``).
    terms : iterable of str
        Tokens of :func:`analysis.text.tokenize` (lemmas or multiword tokens), in the order
        wanted.
    n_lines : int
        Lines kept per term (the first ones, in the order of ``units`` and of position).
    window : int
    text_col : str
    **options
        Keyword arguments of :func:`analysis.text.tokenize` that produced the tokens.

    Returns
    -------
    pandas.DataFrame
        Columns ``term``, ``doc_id``, ``left``, ``match``, ``right``; a term with no line
        (e.g. found only in other units) is absent.
    """
    frames = []
    for term in terms:
        lines = kwic_term(units, term, window=window, text_col=text_col, **options)
        lines = lines.head(n_lines)[["doc_id", "left", "match", "right"]]
        frames.append(lines.assign(term=term))
    columns = ["term", "doc_id", "left", "match", "right"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
