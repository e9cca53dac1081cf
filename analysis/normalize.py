"""Text normalization: Unicode NFC, apostrophes, zero-width characters and spaces, word counts.

The first step of every text that enters the pipeline (:mod:`analysis.corpus` normalizes each
page with :func:`normalize`, and every per-1,000-word rate divides by :func:`count_words`). The
tokenizer (:mod:`analysis.text`) accepts every apostrophe and white space itself and calls
:func:`normalize` only when the text needs it.
"""
from __future__ import annotations

import re
import unicodedata
from itertools import filterfalse

from analysis.errors import AnalysisError
#: Characters read as an apostrophe (typographic ’, modifier letter, backtick, acute, prime).
APOSTROPHES = "\u2019\u2018\u02bc\u02b9`\u00b4\u2032"
_APOSTROPHE_TABLE = str.maketrans({c: "'" for c in APOSTROPHES})
#: The same substitution as a regex: scanning in C, much faster than ``str.translate`` with a
#: dict table on long texts that hold few apostrophes.
_APOSTROPHE_RE = re.compile(f"[{re.escape(APOSTROPHES)}]")
#: The apostrophes other than ’ (U+2019), which :func:`normalize` replaces with ``str.replace``.
_OTHER_APOSTROPHES = APOSTROPHES.replace("\u2019", "")
#: The apostrophes that are word characters for ``\w`` (modifier letters ʼ and ʹ): the only
#: ones whose replacement changes the words of a text.
_WORD_APOSTROPHES = "".join(c for c in APOSTROPHES if c.isalnum() or c == "_")
#: Horizontal spaces folded to a plain space (no-break, narrow no-break, thin, ideographic, ...).
_HSPACE_RE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH_RE = re.compile(f"[{_ZERO_WIDTH}]")
#: Horizontal spaces other than the plain space (each substitution is skipped when the text has
#: none of its characters: ``c in text`` for a few characters is much faster than a regex scan).
_OTHER_HSPACE = ("\t\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
                 + "\u202f\u205f\u3000")
#: The runs of :data:`_HSPACE_RE` that are not a single plain space (the same substitution,
#: without replacing every space between two words by a space).
_HSPACE_RUN_RE = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
                            r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]*"
                            r"| [ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def _holds(text: str, chars: str) -> bool:
    """Whether ``text`` holds one of ``chars``."""
    for c in chars:  # a plain loop: any() over a generator costs more than the tests
        if c in text:
            return True
    return False


def _nfc_visible(text: str) -> str:
    """``text`` in Unicode NFC without zero-width characters (the first steps of :func:`normalize`)."""
    text = unicodedata.normalize("NFC", text)
    if _holds(text, _ZERO_WIDTH):
        # NFC again: removing a zero-width character can bring a letter and its accent together
        text = unicodedata.normalize("NFC", _ZERO_WIDTH_RE.sub("", text))
    return text


def normalize(text: str) -> str:
    """Normalize French text for matching, keeping accents, case and line breaks.

    Unicode NFC; every apostrophe (’ ‘ ʼ ` ´ ′) becomes ``'``; zero-width characters are removed;
    runs of horizontal white space (including no-break spaces) become one space; each line is
    stripped; CRLF and CR become LF. The function is idempotent: ``normalize(normalize(s)) ==
    normalize(s)``.

    Parameters
    ----------
    text : str
        Any string.

    Returns
    -------
    str
        The normalized string.

    Examples
    --------
    >>> normalize("l\u2019IA\u00a0souveraine ")
    "l'IA souveraine"
    """
    text = _nfc_visible(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2019" in text:  # by far the most frequent: str.replace is several times a regex's speed
        text = text.replace("\u2019", "'")
    if _holds(text, _OTHER_APOSTROPHES):
        text = _APOSTROPHE_RE.sub("'", text)
    if "  " in text or _holds(text, _OTHER_HSPACE):  # else every run is one plain space
        text = _HSPACE_RUN_RE.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


_WORD_CHARS_RE = re.compile(r"\w+")


def folded_words(text: str) -> set[str]:
    """The distinct case-folded ``\\w+`` runs of ``normalize(text)``, without building it.

    Only the steps of :func:`normalize` that can change a run of word characters are applied:
    NFC, removing zero-width characters (which can join two runs) and folding apostrophes
    (``ʼ`` and ``ʹ`` are letters). The others (line ends, horizontal spaces, stripping lines) turn
    non-word characters into non-word characters or drop them, and leave every run as it is.

    Parameters
    ----------
    text : str

    Returns
    -------
    set of str
        ``{w.casefold() for w in re.findall(r"\\w+", normalize(text))}``.

    Examples
    --------
    >>> sorted(folded_words("L\u2019IA\u00a0souveraine, l'IA"))
    ['ia', 'l', 'souveraine']
    """
    return set(map(str.casefold, set(_WORD_CHARS_RE.findall(word_text(text)))))


def word_text(text: str) -> str:
    """``text`` after the steps of :func:`normalize` that can change a run of word characters.

    NFC, zero-width characters removed, apostrophes folded (see :func:`folded_words`): the
    ``\\w+`` runs of the result are those of ``normalize(text)``. Every word of
    :func:`folded_words` is therefore a substring of ``word_text(text).casefold()``
    (``str.casefold`` folds each character on its own), a cheap necessary test.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
    """
    text = _nfc_visible(text)
    if _holds(text, _WORD_APOSTROPHES):  # the others, like ', end a word as they are
        text = _APOSTROPHE_RE.sub("'", text)
    return text


#: A word for counting purposes: a run of letters/digits, hyphenated compounds counted once.
#: Elided articles count as words of their own (``l'IA`` is two words), as in token counts.
WORD_RE = re.compile(r"\w+(?:-\w+)*")


def count_words(text: str) -> int:
    """Count words in ``text`` with :data:`WORD_RE`: the denominator of every per-1,000-word rate.

    Parameters
    ----------
    text : str

    Returns
    -------
    int

    Examples
    --------
    >>> count_words("l'IA souveraine, e-gouvernement et 57-NQ/TW")
    7

    Notes
    -----
    Computed without running :data:`WORD_RE` over the whole text, with the same result: no word
    spans white space (white space is never a word character), so the count is the sum over the
    text's white-space-separated tokens; a token of letters and digits only (``str.isalnum``,
    the definition of ``\\w`` without ``_``) is one word, and only the other tokens (``l'IA``,
    ``souveraine,``) go through the regular expression, joined by spaces. About 40 % faster.
    """
    tokens = text.split()
    rest = list(filterfalse(str.isalnum, tokens))
    return len(tokens) - len(rest) + len(_WORD_COUNT_RE.findall(" ".join(rest)))


#: :data:`WORD_RE` for counting: the same matches (possessive, since nothing follows that could
#: make it give back a character), and an empty group so that ``findall`` lists empty strings
#: rather than building a string per word.
_WORD_COUNT_RE = re.compile(r"\w++(?:-\w++)*+()")



def fold_apostrophes(text: str) -> str:
    """Replace every apostrophe of :data:`APOSTROPHES` by ``'`` (one character for one).

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        Same length as ``text``.
    """
    return text.translate(_APOSTROPHE_TABLE)


# --------------------------------------------------------------------------- types at the door

class TextTypeError(AnalysisError, TypeError):
    """A function that expects texts (one string per document) was given something else."""


def _is_missing(value) -> bool:
    """True for None, NaN and pandas' missing-value markers (a missing text reads as empty)."""
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict, set)) else False
    except (TypeError, ValueError):
        return False


def check_texts(texts, *, name: str = "texts") -> list:
    """Return ``texts`` as a list after checking that it is a collection of strings.

    The check a public function that expects texts runs first: a DataFrame iterates over its
    column names and a single string over its characters, so both would silently give a
    meaningless result (``document_term_matrix(df)`` used to build a matrix of the column
    names). Missing values (None, NaN) are allowed: they read as empty texts.

    Parameters
    ----------
    texts : iterable of str, or pandas.Series
        One text per document.
    name : str
        Name of the argument, for the message.

    Returns
    -------
    list
        The texts, in order.

    Raises
    ------
    TextTypeError
        (a :class:`TypeError`) when ``texts`` is a DataFrame, a mapping, a single string or
        bytes, not iterable, or holds an element that is neither a string nor missing (for
        example a list of tokens).

    Examples
    --------
    >>> check_texts(("l'IA", None))
    ["l'IA", None]
    """
    kind = type(texts).__name__
    if kind == "DataFrame":
        columns = ", ".join(repr(c) for c in list(texts.columns)[:6])
        raise TextTypeError(
            f"{name} must be a sequence of strings, one per document (a list or a Series such "
            f"as df[\"text\"]), not a DataFrame (columns {columns}): iterating over a DataFrame "
            "gives its column names")
    if isinstance(texts, (str, bytes)):
        raise TextTypeError(
            f"{name} must be a sequence of strings, one per document, not a single "
            f"{kind}: pass [text] for one document, or a Series such as df[\"text\"]")
    if texts is None or isinstance(texts, dict):
        raise TextTypeError(
            f"{name} must be a sequence of strings, one per document (e.g. df[\"text\"]), "
            f"not {kind}")
    try:
        texts = list(texts)
    except TypeError:
        raise TextTypeError(
            f"{name} must be a sequence of strings, one per document (e.g. df[\"text\"]), "
            f"not {kind}") from None
    for i, text in enumerate(texts):
        if not isinstance(text, str) and not _is_missing(text):
            raise TextTypeError(
                f"{name}[{i}] is a {type(text).__name__}, not a string: {name} must hold one "
                "string per document (token lists go to count_matrix, not here)")
    return texts
