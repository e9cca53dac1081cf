"""Spaces a captured page lost: words run together and sentence ends with no space after them.

:func:`spacing_problems` counts both kinds in a page's text (the loader reports them per page,
:mod:`analysis.corpus`); :func:`repair_spacing` restores the second kind, which can be repaired
without guessing (``loi.Elles`` -> ``loi. Elles``); a run-together word is flagged, never split.
"""
from __future__ import annotations

import collections
import functools
import itertools
import re

from analysis.text import load_stopwords

#: Lines whose long lower-case words are kept (:func:`_line_lower_words`; blank lines, captions,
#: teasers and links recur from page to page).
_LINE_CACHE_SIZE = 2_048


#: A sentence end with no space after it (``loi.Elles``): two lower-case letters, ``.``, ``!``,
#: ``?`` or ``…``, then an upper-case letter followed by a lower-case one. Not counted when the
#: token holds a URL (``://``, ``www.``, ``@``), when a domain suffix follows the period
#: (``VnExpress.Net``, ``.vn``, ``.com``...), or after an abbreviation in
#: :data:`SPACING_ABBREVIATIONS`. Decimals and acronyms (``3.5``, ``U.S.``) never match.
MISSING_SPACE_RE = re.compile(r"[.!?…](?=[A-ZÀ-ÖØ-ÞŒÆ][a-zà-öø-ÿœæ])")
#: :data:`MISSING_SPACE_RE` split by its first character: a pattern that opens with one literal
#: is scanned for much faster than one that opens with a set, and most pages have no match.
_MISSING_SPACE_GATES = tuple(re.compile(rf"{re.escape(c)}(?=[A-ZÀ-ÖØ-ÞŒÆ][a-zà-öø-ÿœæ])") for c in ".!?…")
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
#: A run of at least :data:`RUN_TOGETHER_MIN_LETTERS` lower-case letters with no word character
#: on either side: the words :func:`run_together_split` checks.
#: The glue words as tuples for ``str.startswith`` / ``str.endswith``: a word that neither opens
#: with a word of :data:`GLUE_BEFORE` nor ends with one of :data:`GLUE_AFTER` has no split.
_GLUE_BEFORE_TUPLE = tuple(sorted(GLUE_BEFORE))
_GLUE_AFTER_TUPLE = tuple(sorted(GLUE_AFTER))
_LOWER_WORD_RE = re.compile(rf"(?<!\w)[a-zà-öø-ÿœæ]{{{RUN_TOGETHER_MIN_LETTERS},}}(?!\w)")
#: The same words, found from the non-word character before each (group 1; search ``" " + text``
#: so that a word opening the text has one): ``findall(" " + text)`` equals
#: ``_LOWER_WORD_RE.findall(text)``. Anchoring each try on a non-word character rather than on
#: every letter makes the scan of a page about a quarter faster.
_LOWER_WORD_AFTER_RE = re.compile(rf"\W([a-zà-öø-ÿœæ]{{{RUN_TOGETHER_MIN_LETTERS},}}+)(?!\w)")


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
    if len(word) < RUN_TOGETHER_MIN_LETTERS or not word.islower():
        return None
    if not (word.startswith(_GLUE_BEFORE_TUPLE) or word.endswith(_GLUE_AFTER_TUPLE)):
        return None  # no split below can succeed: spare the lexicon look-up
    if _known_word(word):
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


def _may_lack_space(text: str) -> bool:
    """Whether :data:`MISSING_SPACE_RE` matches anywhere in ``text`` (its four literal forms)."""
    for gate in _MISSING_SPACE_GATES:
        if gate.search(text) is not None:
            return True
    return False


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


@functools.lru_cache(maxsize=_LINE_CACHE_SIZE)
def _line_lower_words(line: str) -> tuple[str, ...]:
    """``_LOWER_WORD_RE.findall(line)`` (kept: blank lines, captions, teasers and links recur)."""
    return tuple(_LOWER_WORD_AFTER_RE.findall(" " + line))


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
    # = _LOWER_WORD_RE.findall(text): no such word holds a line break (a non-word character)
    words = list(itertools.chain.from_iterable(map(_line_lower_words, text.split("\n"))))
    new = set(words).difference(_CLEAN_WORDS)  # iterates over the page's words, not the cache
    found, n_found = [], 0
    if new:
        suspects = {w for w in new if run_together_split(w)}
        if len(_CLEAN_WORDS) < _CLEAN_WORDS_MAX:
            _CLEAN_WORDS.update(new - suspects)
        if suspects:
            counts = collections.Counter(words)  # in page order (dicts keep it)
            found = [w for w in counts if w in suspects]
            n_found = sum(counts[w] for w in found)
    return {
        "missing_space_after_period": len(_missing_space_ends(text)) if _may_lack_space(text) else 0,
        "run_together_words": n_found,
        "examples": found[:3],
    }


#: Long lower-case words already found not to be run together (:func:`run_together_split` is
#: None), shared by the pages a process reads: a page's words are checked in one set
#: difference, and only new words reach the lexicon. At most :data:`_CLEAN_WORDS_MAX` words
#: (about 10 MB per process); past that, new words are checked on every page, with the same result.
_CLEAN_WORDS: set[str] = set()
_CLEAN_WORDS_MAX = 100_000


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
