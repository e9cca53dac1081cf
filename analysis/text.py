"""French text processing: tokens, lemmas, stopwords, multiword terms.

Normalization lives in :mod:`analysis.normalize` and the document-term matrix in
:mod:`analysis.features`; both are re-exported here (``text.normalize``,
``text.document_term_matrix``...) so that existing code keeps working.
"""
from __future__ import annotations

import re
import unicodedata

from analysis.normalize import (  # noqa: F401  (re-exported)
    _APOSTROPHE_RE,
    _APOSTROPHE_TABLE,
    _HSPACE_RE,
    _ZERO_WIDTH_RE,
    APOSTROPHES,
    WORD_RE,
    TextTypeError,
    check_texts,
    count_words,
    fold_apostrophes,
    normalize,
)


# ---------------------------------------------------------------------------------------------
# Tokens: elision, acronyms, lemmas or stems, stopwords, page boilerplate, multiword terms.
# ---------------------------------------------------------------------------------------------
# The per-token work is kept minimal: each text goes through a few C-level passes (an NFC check,
# a lowercased copy scanned once for multiword terms, one ``findall``), then each raw word is
# mapped to its token through a dict that caches the answer for every distinct word
# (``_TokenCache``): the lemmatizer runs once per distinct word, not once per token. Apostrophes
# are not rewritten in the text: the regexes accept every apostrophe of :data:`APOSTROPHES`.

import functools  # noqa: E402
from collections.abc import Iterable  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

from analysis.paths import RESOURCES  # noqa: E402

#: Default resource files (see ``analysis/resources/README.md``).
STOPWORDS_PATH = RESOURCES / "stopwords_fr.txt"
BOILERPLATE_PATH = RESOURCES / "boilerplate_fr.txt"
MULTIWORDS_PATH = RESOURCES / "multiwords_fr.txt"

#: Elided forms split off the next word (``l'IA`` -> ``l'`` + ``IA``), with the full form they
#: become when lemmatizing.
ELISIONS = {
    "l'": "le", "d'": "de", "j'": "je", "n'": "ne", "s'": "se", "c'": "ce", "m'": "me",
    "t'": "te", "qu'": "que", "jusqu'": "jusque", "lorsqu'": "lorsque", "puisqu'": "puisque",
    "quoiqu'": "quoique",
}

#: Words whose apostrophe is part of the word, not an elision (case-insensitive). ``j'ai`` is kept
#: whole on purpose: it becomes the stopword ``avoir`` and can never be read as the acronym
#: ``AI``, even when written ``J'AI``.
KEPT_APOSTROPHE_WORDS = ("aujourd'hui", "quelqu'un", "quelqu'une", "presqu'île", "presqu'îles",
                         "prud'homme", "prud'hommes", "main-d'œuvre", "main-d'oeuvre", "j'ai")

#: Lemmas that simplemma gets wrong for this corpus (lowercased surface form -> lemma).
#: ``données`` (data) must not become ``donner`` (to give); ``mise`` (in *mise en œuvre*) is
#: not ``miser``; ``Laos`` (the country) is not the adjective ``lao``; ``visite`` is the noun
#: of "visite officielle", not ``visiter``. Checked on the seed corpus (README of resources).
LEMMA_OVERRIDES = {
    "donnée": "donnée", "données": "donnée", "mise": "mise", "mises": "mise",
    "oeuvre": "œuvre", "oeuvres": "œuvre", "laos": "laos", "visite": "visite",
    "visites": "visite", "objective": "objectif", "objectives": "objectif",
    "télécommunications": "télécommunication", "j'ai": "avoir",
}

#: Acronyms kept in capitals even inside an all-capitals ("shouting") line. ``AI`` is absent on
#: purpose: in a capitalised French line it is far more often the verb form ``ai``.
KNOWN_ACRONYMS = frozenset({
    "IA", "TIC", "ASEAN", "ONU", "UE", "PCV", "PPRL", "VNA", "CVN", "PM", "NQ/TW", "FPT",
    "VNPT", "NIC", "APD", "PDG",
})

#: Any apostrophe (ASCII ``'`` or one of :data:`APOSTROPHES`), as a regex character class.
APOSTROPHE_CLASS = "['" + re.escape(APOSTROPHES) + "]"
_A = APOSTROPHE_CLASS
_APOSTROPHE_JOIN = (
    rf"{_A}(?i:(?<=aujourd{_A})(?=hui\b)|(?<=quelqu{_A})(?=une?\b)|(?<=presqu{_A})(?=îles?\b)"
    rf"|(?<=prud{_A})(?=hommes?\b)|(?<=-d{_A})(?=(?:œ|oe)uvres?\b)|(?<=\bj{_A})(?=ai\b))"
)
#: One token: a run of letters, digits or ``_`` whose parts may be joined by ``-``, by ``/``
#: before a capital or a digit (``57-NQ/TW``, ``1131/QD-TTg``; ``et/ou`` splits), by ``.`` or
#: ``,`` between digits (``4.0``) and by the apostrophe of :data:`KEPT_APOSTROPHE_WORDS`; a
#: trailing apostrophe is kept, so elided forms come out as ``l'``, ``qu'``, ``jusqu'``. (The
#: lookahead on the joining characters only makes the common case, a word followed by a space,
#: fail faster.)
TOKEN_PATTERN = (
    rf"\w+(?:(?=[-/.,'{re.escape(APOSTROPHES)}])"
    rf"(?:-|/(?=[A-Z0-9])|(?<=\d)[.,](?=\d)|{_APOSTROPHE_JOIN})\w+)*{_A}?"
)
_TOKEN_RE = re.compile(TOKEN_PATTERN)
#: A word of two or more characters (an all-capitals line needs two of them to be a headline).
_LONG_WORD_RE = re.compile(r"\w\w+")
_DIGIT_RE = re.compile(r"\d")
#: What :func:`prepare` hands to :func:`normalize`: zero-width characters, carriage returns and
#: the apostrophes that are letters for ``\w`` (modifier letters U+02BC and U+02B9).
_NEEDS_NORMALIZE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\r\u02bc\u02b9]")
_ALNUM_RE = re.compile(r"[^\W_]")
#: The characters after which a multiword term may start: white space and punctuation, listed
#: one by one (a class of explicit characters is scanned about three times faster than
#: ``[^\w-]``). A term after any other character (a letter, a digit, a hyphen) is not matched.
BEFORE_TERM = (
    "[ \n\t\r\f\v\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    "(\\[{«‹“”„\"'’‘ʼ`´/,;:.!?…—–*>|]"
)
#: Backslash escapes allowed in lowercase multiword patterns (\S, \W, \D, \B, \A, \Z).
_UPPER_ESCAPE_RE = re.compile(r"\\[A-Z]")


# --------------------------------------------------------------------------- resource lists

def _read_list(path: Path) -> list[str]:
    """Return the lines of ``path`` without comments (``#`` to the end of line), normalized."""
    lines = (normalize(raw.split("#", 1)[0]) for raw in Path(path).read_text("utf-8").splitlines())
    return [line for line in lines if line]


def load_stopwords(path: Path = STOPWORDS_PATH) -> frozenset[str]:
    """Load a stopword list: one word a line, ``#`` starts a comment.

    Parameters
    ----------
    path : pathlib.Path
        The list (default: ``analysis/resources/stopwords_fr.txt``).

    Returns
    -------
    frozenset of str
        The words, normalized with :func:`normalize` and lowercased.
    """
    return frozenset(w.lower() for w in _read_list(path))


def load_boilerplate(path: Path = BOILERPLATE_PATH) -> frozenset[str]:
    """Load the page-boilerplate list (same format as :func:`load_stopwords`).

    Parameters
    ----------
    path : pathlib.Path
        The list (default: ``analysis/resources/boilerplate_fr.txt``).

    Returns
    -------
    frozenset of str
    """
    return load_stopwords(path)


def load_multiwords(path: Path = MULTIWORDS_PATH) -> dict[str, str]:
    r"""Load the multiword-term list: ``token = pattern`` lines; ``#`` starts a comment line.

    ``token`` is what the term becomes (letters, digits, ``_`` and ``-``, e.g.
    ``intelligence_artificielle``). ``pattern`` is a Python regular expression written in
    lowercase and matched on a lowercased copy of the text, so matching ignores case; a plain
    space matches any run of white space (write an optional space as ``\s*``) and ``'`` matches
    any apostrophe (see :func:`expand_pattern`). A plain phrase is a valid pattern. Several
    lines may share a token: their patterns are joined with ``|``. When two terms can start at
    the same place, the earlier line wins, so longer terms come first.

    Parameters
    ----------
    path : pathlib.Path
        The list (default: ``analysis/resources/multiwords_fr.txt``).

    Returns
    -------
    dict of str to str
        Token -> pattern, in file order.

    Raises
    ------
    ValueError
        On a malformed line, an invalid token, an invalid regex, a capturing group or a
        capital letter in a pattern.
    """
    terms: dict[str, str] = {}
    for raw in Path(path).read_text("utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        token, sep, pattern = normalize(raw).partition(" = ")
        token, pattern = token.strip(), pattern.strip()
        if not sep or not pattern or not re.fullmatch(r"\w+(?:[-_]\w+)*", token):
            raise ValueError(f"malformed multiword line in {path}: {raw!r}")
        if re.compile(pattern).groups:
            raise ValueError(f"use (?:...) rather than capturing groups in {path}: {raw!r}")
        if _UPPER_ESCAPE_RE.sub("", pattern) != _UPPER_ESCAPE_RE.sub("", pattern).lower():
            raise ValueError(f"write multiword patterns in lowercase in {path}: {raw!r}")
        terms[token] = f"{terms[token]}|{pattern}" if token in terms else pattern
    return terms


def expand_pattern(pattern: str) -> str:
    r"""Rewrite a multiword pattern for matching: a space -> ``\s+``, ``'`` -> any apostrophe.

    Inside a character class, a space becomes ``\s`` and ``'`` every apostrophe.

    Parameters
    ----------
    pattern : str

    Returns
    -------
    str

    Examples
    --------
    >>> expand_pattern("cyber[- ]?sécurité de l'état") == (
    ...     r"cyber[-\s]?sécurité\s+de\s+l" + APOSTROPHE_CLASS + r"état")
    True
    """
    out, in_class, escaped = [], False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == " ":
            ch = r"\s" if in_class else r"\s+"
        elif ch == "'":
            ch = "'" + re.escape(APOSTROPHES) if in_class else APOSTROPHE_CLASS
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        out.append(ch)
    return "".join(out)


def _top_level_alternatives(pattern: str) -> list[str]:
    """Split ``pattern`` at the ``|`` that are outside parentheses and character classes."""
    parts, start, depth, in_class, escaped = [], 0, 0, False, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def multiword_regex(terms: dict[str, str]) -> re.Pattern:
    """Compile multiword terms into one regex that finds any of them.

    The regex is meant for lowercased text preceded by one space (see
    :func:`join_multiwords`): it starts with the character before the term, which must be
    white space or punctuation (:data:`BEFORE_TERM`; not a hyphen, so ``premier ministre`` is
    not found inside ``vice-premier ministre``); the term must not be followed by a letter or
    digit. For speed the regex starts with a class of explicit characters (the engine skips
    quickly to candidate positions), has no capturing group, and groups the alternatives by
    their first letter (alternatives that do not start with a plain letter or digit are tried
    after the others).

    Parameters
    ----------
    terms : dict of str to str
        Token -> pattern, as returned by :func:`load_multiwords`.

    Returns
    -------
    re.Pattern
    """
    by_first: dict[str, list[str]] = {}
    others: list[str] = []
    for pattern in terms.values():
        for alternative in _top_level_alternatives(pattern):
            alternative = expand_pattern(alternative)
            first = alternative[:1]
            if first.isalnum() and alternative[1:2] not in ("?", "*", "+", "{"):
                by_first.setdefault(first, []).append(alternative[1:])
            else:
                others.append(alternative)
    branches = [f"{re.escape(c)}(?:{'|'.join(rests)})" for c, rests in by_first.items()]
    return re.compile(rf"{BEFORE_TERM}(?:{'|'.join(branches + others)})(?!\w)")


class _Multiwords:
    """The compiled multiword list: one regex to find terms, then which term it was (cached)."""

    def __init__(self, terms: dict[str, str]):
        self.terms = dict(terms)
        self.tokens = frozenset(terms)
        self.regex = multiword_regex(terms)
        self._term_regexes = [(token, re.compile(expand_pattern(p))) for token, p in terms.items()]
        self._token_of: dict[str, str] = {}

    def token_of(self, matched: str) -> str:
        """Return the token of the first term whose pattern matches all of ``matched``."""
        token = self._token_of.get(matched)
        if token is None:
            token = next(t for t, regex in self._term_regexes if regex.fullmatch(matched))
            self._token_of[matched] = token
        return token


@functools.lru_cache(maxsize=None)
def _resources():
    """Load the default lists once (lazily, so that importing the module touches no file)."""
    return {
        "stopwords": load_stopwords(),
        "boilerplate": load_boilerplate(),
        "multiwords": _Multiwords(load_multiwords()),
    }


# --------------------------------------------------------------------------- text-level steps

def prepare(text: str) -> str:
    r"""Return ``text`` itself, or :func:`normalize` of it when that changes its tokens.

    Text that is not in NFC, or holds a zero-width character, a carriage return (a line break
    for :func:`unshout`) or an apostrophe that ``\w`` takes for a letter (U+02BC, U+02B9), goes
    through :func:`normalize`. Other text is returned unchanged: apostrophes and white space do
    not need rewriting, as the token regex and the multiword patterns accept every apostrophe
    and white space. So ``tokenize(text) == tokenize(normalize(text))``, one pass cheaper.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
    """
    if _NEEDS_NORMALIZE_RE.search(text) or not unicodedata.is_normalized("NFC", text):
        return normalize(text)
    return text


def _lower_word(match: re.Match) -> str:
    word = match.group()
    if fold_apostrophes(word) in KNOWN_ACRONYMS or _DIGIT_RE.search(word):
        return word
    return word.lower()


def _unshout_line(line: str) -> str:
    if line.isupper() and len(_LONG_WORD_RE.findall(line)) >= 2:
        return _TOKEN_RE.sub(_lower_word, line)
    return line


def unshout(text: str) -> str:
    r"""Lowercase all-capitals lines so that their words are not taken for acronyms.

    The acronym rule of :func:`tokenize`: a token of two or more characters written entirely in
    capitals (digits and punctuation aside) is an acronym and keeps its case (``IA``, ``TIC``,
    ``57-NQ/TW``). But a line with no lowercase letter and at least two words of two or more
    characters is a capitalised headline, not a row of acronyms: each of its words is lowercased,
    except those in :data:`KNOWN_ACRONYMS` and words containing a digit (codes). A line holding
    a single such word (``IA``, ``VNA/CVN``, ``L'IA``) is left alone.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> unshout("L'IA SOUVERAINE ET LA RÉSOLUTION 57-NQ/TW\nL'IA")
    "l'IA souveraine et la résolution 57-NQ/TW\nL'IA"
    """
    lines = text.split("\n")
    if not any(map(str.isupper, lines)):
        return text
    return "\n".join(map(_unshout_line, lines))


def _lowercase_same_length(text: str) -> str:
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    # a few characters lowercase to two (U+0130 "İ" -> "i̇"): keep those as they are
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def join_multiwords(text: str, terms: dict[str, str] | None = None) -> str:
    """Replace each multiword term in ``text`` by its token, padded with spaces.

    Matching ignores case (it runs on a lowercased copy of the text); the rest of the text
    keeps its case.

    Parameters
    ----------
    text : str
    terms : dict of str to str, optional
        Token -> pattern; default: the shipped list (:func:`load_multiwords`).

    Returns
    -------
    str

    Examples
    --------
    >>> join_multiwords("la Résolution n°57-NQ/TW sur l’Intelligence artificielle").split()
    ['la', 'résolution_57', 'sur', 'l’', 'intelligence_artificielle']
    """
    multiwords = _resources()["multiwords"] if terms is None else _Multiwords(terms)
    pieces = []
    last = 0
    lower = " " + _lowercase_same_length(text)
    for match in multiwords.regex.finditer(lower):
        start, end = match.span()  # the match includes the character before the term
        pieces += (text[last:start], " ", multiwords.token_of(lower[start + 1:end]), " ")
        last = end - 1
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def multiword_spans(text: str, terms: dict[str, str] | None = None) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the multiword terms found in ``text`` as it is.

    The same matching as :func:`join_multiwords`, without normalizing ``text`` first, so that
    the spans index the original string (used to tell whether a concordance match is part of
    a multiword term).

    Parameters
    ----------
    text : str
    terms : dict of str to str, optional
        Token -> pattern; default: the shipped list.

    Returns
    -------
    list of (int, int)
    """
    multiwords = _resources()["multiwords"] if terms is None else _Multiwords(terms)
    lower = " " + _lowercase_same_length(text)
    return [(match.start(), match.end() - 1) for match in multiwords.regex.finditer(lower)]


# --------------------------------------------------------------------------- word-level step

@functools.lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.snowball import FrenchStemmer

    return FrenchStemmer()


def _lemma(word: str) -> str:
    override = LEMMA_OVERRIDES.get(word.lower())
    if override is not None:
        return override
    import simplemma

    return simplemma.lemmatize(word, lang="fr")


def _process_word(word, lemmatize, stem, lowercase, remove_stopwords, remove_boilerplate,
                  multiwords, resources):
    """Map one raw word (as found by ``TOKEN_PATTERN``) to its token, or None to drop it."""
    if multiwords and word in resources["multiwords"].tokens:
        return word
    stopwords = resources["stopwords"]
    letters_only = word.isalpha()  # the common case: no apostrophe, hyphen or digit to handle
    if not letters_only:
        word = fold_apostrophes(word)
    lower = word.lower()
    if not letters_only:
        if lower in ELISIONS:
            if remove_stopwords and lower in stopwords:
                return None
            form = ELISIONS[lower] if lemmatize else lower
            if remove_stopwords and form in stopwords:
                return None
            return _stemmer().stem(form) if stem else form
        if word.endswith("'"):  # a closing quotation mark, not an elision
            word, lower = word[:-1], lower[:-1]
        if not _ALNUM_RE.search(word):
            return None
    if remove_boilerplate and lower in resources["boilerplate"]:
        return None
    if not letters_only and "'" in word:  # aujourd'hui, j'ai: never an acronym, lowercased
        word = lower
    elif len(word) > 1 and word.isupper():  # acronym or capitalised code: keeps its case
        return word
    if remove_stopwords and (len(word) == 1 or lower in stopwords):
        return None
    if not letters_only and _DIGIT_RE.search(word):  # numbers and codes: no lemma, no stem
        return lower if lowercase else word
    form = lower if lowercase else word
    if lemmatize and word[1:] == word[1:].lower():  # VinAI, VnExpress: names, not lemmatized
        form = _lemma(form)
        if remove_stopwords and form.lower() in stopwords:
            return None
    if stem:
        form = _stemmer().stem(form)
    return form


#: Distinct raw words a token cache holds; it starts afresh when full. A corpus's vocabulary
#: grows without end (about 250,000 raw forms in 50,000 pages): without a bound, each worker of a
#: long run would keep them all. The frequent words, most tokens, are back after a few pages.
TOKEN_CACHE_SIZE = 100_000


class _TokenCache(dict):
    """Raw word -> token (or None), computed on first sight of each distinct word (at most
    :data:`TOKEN_CACHE_SIZE` words, then emptied)."""

    def __init__(self, options: tuple):
        super().__init__()
        self.options = options
        self.resources = _resources()

    def __missing__(self, word):
        value = _process_word(word, *self.options, self.resources)
        if len(self) >= TOKEN_CACHE_SIZE:
            self.clear()
        self[word] = value
        return value


_CACHES: dict[tuple, _TokenCache] = {}
_OPTION_NAMES = ("lemmatize", "stem", "lowercase", "remove_stopwords", "remove_boilerplate",
                 "multiwords")


def _cache(lemmatize=True, stem=False, lowercase=True, remove_stopwords=True,
           remove_boilerplate=True, multiwords=True) -> _TokenCache:
    key = (bool(lemmatize), bool(stem), bool(lowercase), bool(remove_stopwords),
           bool(remove_boilerplate), bool(multiwords))
    cache = _CACHES.get(key)
    if cache is None:
        cache = _CACHES[key] = _TokenCache(key)
    return cache


def clear_cache() -> None:
    """Forget the cached word -> token maps and the loaded lists (after editing a list)."""
    _CACHES.clear()
    _resources.cache_clear()


# --------------------------------------------------------------------------- public API

def raw_words(text: str, *, multiwords: bool = True) -> list[str]:
    """Return the words of ``text`` before stopwords, lemmas and case are dealt with.

    :func:`prepare`, :func:`unshout`, :func:`join_multiwords` (if ``multiwords``), then the
    token regex :data:`TOKEN_PATTERN`. Apostrophes are returned as they are in the text.

    Parameters
    ----------
    text : str
    multiwords : bool

    Returns
    -------
    list of str

    Examples
    --------
    >>> raw_words("D'aujourd'hui, l'IA et l'e-gouvernement")
    ["D'", "aujourd'hui", "l'", 'IA', 'et', "l'", 'e-gouvernement']
    """
    text = unshout(prepare(text))
    if multiwords:
        text = join_multiwords(text)
    return _TOKEN_RE.findall(text)


def tokenize(text: str, *, lemmatize: bool = True, stem: bool = False, lowercase: bool = True,
             remove_stopwords: bool = True, remove_boilerplate: bool = True,
             multiwords: bool = True) -> list[str]:
    """Split French text into tokens: elision, acronyms, lemmas, stopwords, multiword terms.

    Steps, in order:

    1. :func:`prepare`: text not in NFC, or with zero-width characters, is normalized with
       :func:`normalize`; every apostrophe (``'``, ``’``...) is accepted from here on;
    2. :func:`unshout`: all-capitals headlines are lowercased, so that their words are not
       taken for acronyms (see there for the acronym rule);
    3. :func:`join_multiwords`: the terms of ``analysis/resources/multiwords_fr.txt`` become one
       token joined with ``_`` (``intelligence_artificielle``, ``résolution_57``);
    4. :data:`TOKEN_PATTERN` finds the words: ``l'IA`` -> ``l'``, ``IA``; ``qu'il`` ->
       ``qu'``, ``il``; ``aujourd'hui``, ``e-gouvernement``, ``57-NQ/TW`` and ``4.0`` stay
       whole;
    5. each distinct word is mapped once (cached) to its token, apostrophes written ``'``.
       Multiword tokens pass as they are. Page boilerplate (``photo``, ``vna``...) is dropped.
       Acronyms (two or more characters, all capitals) keep their case and are neither
       lemmatized nor stemmed, so ``IA`` stays ``IA`` while ``j'ai`` gives ``avoir``, a
       stopword. Tokens containing a digit are kept, lowercased, never lemmatized. Other words
       are lowercased, dropped if they or their lemma are stopwords or if they are a single
       character, lemmatized with simplemma (with :data:`LEMMA_OVERRIDES`; words with a
       capital after their first letter, such as ``VinAI``, are names and keep their form),
       and optionally stemmed with NLTK's Snowball stemmer (the stem of the lemma when both
       are asked for; Snowball lowercases).

    Text whose accents or spaces were lost upstream is not repaired: ``Resolution`` stays
    unaccented (the multiword list spells such variants out) and run-together words stay one
    token.

    Parameters
    ----------
    text : str
        Raw or normalized text.
    lemmatize : bool
        Replace words by their simplemma lemma (``souveraines`` -> ``souverain``); elided
        forms become full words (``l'`` -> ``le``).
    stem : bool
        Apply the Snowball French stemmer (``nltk.stem.snowball.FrenchStemmer``).
    lowercase : bool
        Lowercase words that are not acronyms. With False, words keep their case unless
        lemmatized (simplemma returns lowercase lemmas for common words).
    remove_stopwords : bool
        Drop single characters and the words of ``analysis/resources/stopwords_fr.txt``
        (checked on the lowercased word and on its lemma).
    remove_boilerplate : bool
        Drop the words of ``analysis/resources/boilerplate_fr.txt`` (lowercased surface form).
    multiwords : bool
        Join multiword terms.

    Returns
    -------
    list of str

    Examples
    --------
    >>> tokenize("L’IA souveraine et la Résolution n°57-NQ/TW aujourd’hui")
    ['IA', 'souverain', 'résolution_57', "aujourd'hui"]
    """
    if not isinstance(text, str):
        raise TextTypeError(f"tokenize expects one string, not a {type(text).__name__}; "
                            "use tokenize_series for many texts (e.g. df[\"text\"])")
    cache = _cache(lemmatize, stem, lowercase, remove_stopwords, remove_boilerplate, multiwords)
    return list(filter(None, map(cache.__getitem__, raw_words(text, multiwords=multiwords))))


def _tokenize_many(texts: list, options: dict) -> list[list[str]]:
    return [tokenize(t, **options) if isinstance(t, str) else [] for t in texts]


def tokenize_series(texts: Iterable[str], *, n_jobs: int = 1, **options) -> list[list[str]]:
    """Tokenize many texts with :func:`tokenize`; the output follows the input order.

    Parameters
    ----------
    texts : iterable of str, or pandas.Series
        Missing values (None, NaN) give an empty token list.
    n_jobs : int
        Worker processes (joblib, ``loky`` backend); 1 runs here. The output does not depend
        on ``n_jobs``: texts are cut into contiguous chunks whose results are concatenated.
    **options
        Keyword arguments of :func:`tokenize`.

    Returns
    -------
    list of list of str
    """
    texts = check_texts(texts)
    if n_jobs == 1 or len(texts) < 2:
        return _tokenize_many(texts, options)
    from joblib import Parallel, delayed, effective_n_jobs

    n_chunks = min(len(texts), 4 * effective_n_jobs(n_jobs))
    bounds = [round(i * len(texts) / n_chunks) for i in range(n_chunks + 1)]
    chunks = [texts[bounds[i]:bounds[i + 1]] for i in range(n_chunks)]
    results = Parallel(n_jobs=n_jobs)(delayed(_tokenize_many)(c, options) for c in chunks)
    return [tokens for chunk in results for tokens in chunk]


class Analyzer:
    """A picklable ``str -> list[str]`` callable: :func:`tokenize` with fixed options.

    Use it as ``CountVectorizer(analyzer=make_analyzer())``.

    Parameters
    ----------
    **options
        Keyword arguments of :func:`tokenize`.
    """

    def __init__(self, **options):
        unknown = sorted(set(options) - set(_OPTION_NAMES))
        if unknown:
            raise TypeError(f"unknown tokenize options: {unknown}")
        self.options = dict(options)

    def __call__(self, text: str) -> list[str]:
        return tokenize(text, **self.options)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in sorted(self.options.items()))
        return f"Analyzer({args})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Analyzer) and other.options == self.options

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.options.items())))


def make_analyzer(**options) -> Analyzer:
    """Return a picklable analyzer for scikit-learn vectorizers.

    Parameters
    ----------
    **options
        Keyword arguments of :func:`tokenize`.

    Returns
    -------
    Analyzer

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> CountVectorizer(analyzer=make_analyzer()).fit(["l'IA souveraine"]).get_feature_names_out()
    array(['IA', 'souverain'], dtype=object)
    """
    return Analyzer(**options)


def surface_forms(texts: Iterable[str], token: str, **options) -> list[str]:
    """List the distinct raw words in ``texts`` that :func:`tokenize` turns into ``token``.

    Used to find a lemma's passages in the original text (``souverain`` <- ``souveraine``,
    ``souverains``...).

    Parameters
    ----------
    texts : iterable of str
    token : str
    **options
        Keyword arguments of :func:`tokenize`.

    Returns
    -------
    list of str
        Sorted, apostrophes written ``'``.
    """
    texts = check_texts(texts)
    cache = _cache(**options)
    multiwords = options.get("multiwords", True)
    forms = set()
    for text in texts:
        if isinstance(text, str):
            words = raw_words(text, multiwords=multiwords)
            forms.update(fold_apostrophes(w) for w in words if cache[w] == token)
    return sorted(forms)


def term_pattern(token: str, texts: Iterable[str] = (), **options) -> str:
    """Return a regular expression that finds the passages of ``token`` in original text.

    The alternation of the token's :func:`surface_forms` in ``texts`` (case-sensitive, not
    inside a longer word or hyphenated compound) and, for a multiword token, of its pattern
    from the multiword list (case-insensitive; ``TIC`` is both an acronym and the token of
    *technologies de l'information et de la communication*). Apostrophes are written ``'``:
    :func:`analysis.concordance.kwic` matches them against every apostrophe. A surface form can
    also occur inside a multiword term, where it was not counted as this token
    (``données`` in *centres de données*): :func:`analysis.concordance.kwic_term` leaves those
    matches out.

    Parameters
    ----------
    token : str
    texts : iterable of str
        Where to collect surface forms.
    **options
        Keyword arguments of :func:`tokenize`.

    Returns
    -------
    str
        ``(?!)``, which matches nothing, when no form is found.
    """
    parts = []
    terms = _resources()["multiwords"].terms
    if options.get("multiwords", True) and token in terms:
        parts.append(rf"(?<![\w-])(?i:{expand_pattern(terms[token])})(?!\w)")
    forms = surface_forms(texts, token, **options)
    if forms:
        alternation = "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))
        parts.append(rf"(?<![\w-])(?:{alternation})(?![\w-])")
    return "|".join(parts) or "(?!)"


# --------------------------------------------------------------------------- inspection helpers

#: Processing steps compared in ``notebooks/02_text.ipynb``, each a set of :func:`tokenize`
#: options, from the least to the most processed (and, last, stems instead of lemmas).
PROCESSING_STEPS = {
    "words, lowercased": dict(lemmatize=False, remove_stopwords=False,
                              remove_boilerplate=False, multiwords=False),
    "+ boilerplate removed": dict(lemmatize=False, remove_stopwords=False, multiwords=False),
    "+ stopwords removed": dict(lemmatize=False, multiwords=False),
    "+ multiword terms joined": dict(lemmatize=False),
    "+ lemmatized (default)": dict(),
    "stemmed instead of lemmatized": dict(lemmatize=False, stem=True),
}


def vocabulary_table(texts, steps: dict | None = None) -> pd.DataFrame:
    """Number of tokens and of distinct tokens (types) of ``texts`` after each processing step.

    Parameters
    ----------
    texts : iterable of str
    steps : dict of str to dict, optional
        Step name -> :func:`tokenize` options; default :data:`PROCESSING_STEPS`.

    Returns
    -------
    pandas.DataFrame
        Columns ``step``, ``n_tokens``, ``n_types``, in the order of ``steps``.
    """
    texts = check_texts(texts)
    rows = []
    for step, options in (PROCESSING_STEPS if steps is None else steps).items():
        token_lists = tokenize_series(texts, **options)
        tokens = [t for tokens in token_lists for t in tokens]
        rows.append((step, len(tokens), len(set(tokens))))
    return pd.DataFrame(rows, columns=["step", "n_tokens", "n_types"])


def token_table(sentence: str, steps: dict | None = None) -> pd.DataFrame:
    """The tokens of one sentence after each processing step, joined by `` · ``.

    Parameters
    ----------
    sentence : str
    steps : dict of str to dict, optional
        Step name -> :func:`tokenize` options; default :data:`PROCESSING_STEPS`.

    Returns
    -------
    pandas.DataFrame
        Columns ``step``, ``tokens``.
    """
    steps = PROCESSING_STEPS if steps is None else steps
    return pd.DataFrame({
        "step": list(steps),
        "tokens": [" · ".join(tokenize(sentence, **options)) for options in steps.values()],
    })


def word_forms(words) -> pd.DataFrame:
    """Lemma (simplemma with :data:`LEMMA_OVERRIDES`) and Snowball stem of each word.

    Parameters
    ----------
    words : iterable of str

    Returns
    -------
    pandas.DataFrame
        Columns ``word``, ``lemma``, ``stem``.
    """
    words = list(words)
    return pd.DataFrame({
        "word": words,
        "lemma": [_lemma(w.lower()) for w in words],
        "stem": [_stemmer().stem(w) for w in words],
    })


def dropped_words(texts, *, multiwords: bool = True) -> pd.DataFrame:
    """Which words :func:`tokenize` (default options) drops from ``texts``, why, how often.

    Parameters
    ----------
    texts : iterable of str
    multiwords : bool

    Returns
    -------
    pandas.DataFrame
        Columns ``word`` (lowercased, apostrophes ``'``), ``reason`` (``"boilerplate"``,
        ``"stopword"``, ``"stopword (lemma)"``, ``"single character"`` or ``"no letter or
        digit"``) and ``count``; sorted by count (descending), then word.
    """
    texts = check_texts(texts)
    res = _resources()
    cache = _cache(multiwords=multiwords)
    counts: dict[str, int] = {}
    for text in texts:
        if isinstance(text, str):
            for word in raw_words(text, multiwords=multiwords):
                if cache[word] is None:
                    key = fold_apostrophes(word).lower()
                    counts[key] = counts.get(key, 0) + 1
    rows = []
    for word, count in counts.items():
        bare = word[:-1] if word.endswith("'") and word not in ELISIONS else word
        if bare in res["boilerplate"]:
            reason = "boilerplate"
        elif word in res["stopwords"]:
            reason = "stopword"
        elif not _ALNUM_RE.search(bare):
            reason = "no letter or digit"
        elif len(bare) == 1:
            reason = "single character"
        else:
            reason = "stopword (lemma)"
        rows.append((word, reason, count))
    table = pd.DataFrame(rows, columns=["word", "reason", "count"])
    return table.sort_values(["count", "word"], ascending=[False, True],
                             ignore_index=True)


def multiword_counts(texts) -> pd.DataFrame:
    """How often each term of the multiword list occurs in ``texts``.

    Parameters
    ----------
    texts : iterable of str

    Returns
    -------
    pandas.DataFrame
        Columns ``token``, ``count``, ``n_texts`` (texts holding it at least once), for every
        term of the list (zeros included), in list order.
    """
    texts = check_texts(texts)
    tokens = _resources()["multiwords"].terms
    counts = dict.fromkeys(tokens, 0)
    n_texts = dict.fromkeys(tokens, 0)
    for text in texts:
        if not isinstance(text, str):
            continue
        found = [w for w in raw_words(text) if w in tokens]
        for token in found:
            counts[token] += 1
        for token in set(found):
            n_texts[token] += 1
    return pd.DataFrame({"token": list(counts), "count": list(counts.values()),
                         "n_texts": [n_texts[t] for t in counts]})


#: A sentence ends at ``.``, ``!``, ``?`` or ``…`` (possibly closed by a quote ``»``, ``"``,
#: ``”``) followed by white space and an upper-case letter, a digit or an opening quote.
SENTENCE_END_RE = re.compile(r"(?<=[.!?…»\"”])\s+(?=[«\"“A-ZÀ-ÖØ-ÞĐ0-9])")


def split_sentences(text: str) -> list[str]:
    """Split French text into sentences, keeping the original characters of each sentence.

    Lines are split first (a paragraph break or a caption line always ends a sentence), then
    each line at :data:`SENTENCE_END_RE`. A full stop followed by a lower-case word does not end
    a sentence, nor does one inside a code (``n°57-NQ/TW``); an abbreviation followed by a capital
    (``M. Hung``, rare in this press) does. Empty pieces are dropped and each sentence is
    stripped. Used by :mod:`analysis.speakers` and :mod:`analysis.evidence`.

    Parameters
    ----------
    text : str
        Original (or normalized) text.

    Returns
    -------
    list of str
        The sentences in reading order.

    Examples
    --------
    >>> split_sentences("Le Vietnam a signé. Le Laos aussi.\\n\\nPhoto : VNA")
    ['Le Vietnam a signé.', 'Le Laos aussi.', 'Photo : VNA']
    """
    return [part.strip() for line in text.split("\n") for part in SENTENCE_END_RE.split(line) if part.strip()]


# The document-term matrix moved to analysis.features (issue 11); re-exported for old callers.
from analysis.features import count_matrix, document_term_matrix  # noqa: E402,F401
