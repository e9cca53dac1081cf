"""French text processing: normalization, tokens, lemmas, stopwords, multiword terms."""
from __future__ import annotations

import re
import unicodedata

#: Characters read as an apostrophe (typographic ’, modifier letter, backtick, acute, prime).
APOSTROPHES = "\u2019\u2018\u02bc\u02b9`\u00b4\u2032"
_APOSTROPHE_TABLE = str.maketrans({c: "'" for c in APOSTROPHES})
#: Horizontal spaces folded to a plain space (no-break, narrow no-break, thin, ideographic, ...).
_HSPACE_RE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


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
    # NFC twice: removing a zero-width character can bring a letter and its accent together.
    text = unicodedata.normalize("NFC", _ZERO_WIDTH_RE.sub("", unicodedata.normalize("NFC", text)))
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_APOSTROPHE_TABLE)
    text = _HSPACE_RE.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


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
    """
    return len(WORD_RE.findall(text))
