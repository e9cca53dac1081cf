"""Evidence from the text: keyword-in-context lines and collocations.

:func:`kwic` quotes the ORIGINAL text of the units (never lemmas or tokens), so that every
number in the analysis can be read back in the words of the articles. :func:`collocations` ranks
word pairs with NLTK's bigram association measures on our tokens.
"""
from __future__ import annotations

import re

import pandas as pd

from analysis.text import fold_apostrophes, multiword_spans, term_pattern

_SPACE_RE = re.compile(r"\s+")


def _compile_pattern(pattern: str, regex: bool, ignore_case: bool) -> re.Pattern:
    """Compile ``pattern`` for matching on apostrophe-folded text."""
    pattern = fold_apostrophes(pattern)
    if not regex:
        # a literal phrase: any run of white space in the text matches a space of the phrase
        pattern = r"\s+".join(re.escape(part) for part in pattern.split())
    return re.compile(pattern, re.IGNORECASE if ignore_case else 0)


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


def kwic(units: pd.DataFrame, pattern: str, *, window: int = 60, text_col: str = "text",
         regex: bool = True, ignore_case: bool = False) -> pd.DataFrame:
    """Keyword-in-context lines for a regular expression or a phrase, from the original text.

    The text is searched as stored in ``units[text_col]``, with one accommodation: apostrophes
    are folded for matching only (a one-character-for-one copy, so positions do not move), so
    an apostrophe in ``pattern`` matches both ``'`` and ``’`` (and the other apostrophes of
    :data:`analysis.text.APOSTROPHES`). The lines quote the original characters, ``’``
    included; line breaks and runs of white space in the context are shown as one space.

    Parameters
    ----------
    units : pandas.DataFrame
        With ``doc_id`` and ``text_col`` columns (and ``kind``, copied when present).
    pattern : str
        A regular expression (``regex=True``), or a literal word or phrase (``regex=False``;
        any white space in the text matches its spaces). To find a token of
        :func:`analysis.text.tokenize` (a lemma or a multiword term) use
        :func:`kwic_term`.
    window : int
        Maximum number of characters of context on each side; the context is cut at a word
        boundary, so it may be shorter.
    text_col : str
        Column holding the text.
    regex : bool
        Whether ``pattern`` is a regular expression.
    ignore_case : bool

    Returns
    -------
    pandas.DataFrame
        One row per match, in the order of ``units`` then of position: ``doc_id``, ``kind``
        (if ``units`` has it), ``left``, ``match``, ``right``.
    """
    compiled = _compile_pattern(pattern, regex, ignore_case)
    return _kwic(units, compiled, window=window, text_col=text_col)


def _inside(start: int, end: int, spans) -> bool:
    """Whether [start, end) lies within one of ``spans`` without being that span."""
    return any(s <= start and end <= e and (start, end) != (s, e) for s, e in spans)


def _kwic(units, compiled, *, window, text_col, skip_inside_multiwords=False):
    has_kind = "kind" in units.columns
    rows = []
    kinds = units["kind"] if has_kind else [None] * len(units)
    for doc_id, kind, text in zip(units["doc_id"], kinds, units[text_col]):
        if not isinstance(text, str):
            continue
        spans = multiword_spans(text) if skip_inside_multiwords else []
        for match in compiled.finditer(fold_apostrophes(text)):
            start, end = match.span()
            if start == end or _inside(start, end, spans):
                continue
            row = {"doc_id": doc_id}
            if has_kind:
                row["kind"] = kind
            row["left"] = _left_context(text, start, window)
            row["match"] = text[start:end]
            row["right"] = _right_context(text, end, window)
            rows.append(row)
    columns = ["doc_id"] + (["kind"] if has_kind else []) + ["left", "match", "right"]
    return pd.DataFrame(rows, columns=columns)


def kwic_term(units: pd.DataFrame, token: str, *, window: int = 60, text_col: str = "text",
              **options) -> pd.DataFrame:
    """Keyword-in-context lines for a token of :func:`analysis.text.tokenize`.

    A token is searched with the surface forms that produce it in these units and, for a
    multiword token (``intelligence_artificielle``, ``résolution_57``), with its pattern from
    the multiword list (:func:`analysis.text.term_pattern`). Matches inside a multiword term
    are left out when multiword terms are joined (``données`` in *centres de données* is the
    token ``centre_de_données``, not ``donnée``), so the lines are the occurrences counted.

    Parameters
    ----------
    units : pandas.DataFrame
    token : str
    window : int
    text_col : str
    **options
        Keyword arguments of :func:`analysis.text.tokenize` (the options that produced the
        token).

    Returns
    -------
    pandas.DataFrame
        As :func:`kwic`.
    """
    pattern = term_pattern(token, units[text_col], **options)
    compiled = _compile_pattern(pattern, regex=True, ignore_case=False)
    return _kwic(units, compiled, window=window, text_col=text_col,
                 skip_inside_multiwords=options.get("multiwords", True))


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
