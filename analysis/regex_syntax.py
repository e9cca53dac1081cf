"""A small reader of Python regular-expression syntax, for the codebook's checks and the engine.

:mod:`re` compiles a pattern but says nothing about its shape, and its parser is private. This
module parses the pattern *source* into a small tree (literals, character sets, groups,
alternations, repetitions, zero-width assertions) and answers three questions about it:

- :func:`safety_problem`: can the pattern backtrack catastrophically? (the codebook refuses it);
- :func:`prefix_literals`: a set of literal strings every match *starts* with (the engine then
  tries the pattern only where one of them occurs);
- :func:`required_literals`: a set of literal strings every match *contains* (the engine then
  runs the pattern only on the paragraphs holding one of them).

Literals are returned case-folded with :func:`fold` when the pattern (or that part of it) is
case-insensitive, and as written otherwise. Any construct the reader does not know makes the
literal analyses answer None ("no literal known"), which is always safe: the engine then scans
the whole text. The reader never calls private ``re`` modules.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Characters that ``re.IGNORECASE`` treats as equal although their ``str.lower()`` differ (or
#: have a two-character ``lower()``), mapped to one representative; see :func:`fold`.
_EXTRA_FOLD = {
    "İ": "i", "ı": "i", "ſ": "s", "µ": "μ", "ͅ": "ι", "ι": "ι", "ΐ": "ΐ", "ΰ": "ΰ", "ϐ": "β",
    "ϵ": "ε", "ϑ": "θ", "ϰ": "κ", "ϖ": "π", "ϱ": "ρ", "ς": "σ", "ϕ": "φ", "ᲀ": "в", "ᲁ": "д",
    "ᲂ": "о", "ᲃ": "с", "ᲄ": "т", "ᲅ": "т", "ᲆ": "ъ", "ᲇ": "ѣ", "ᲈ": "ꙋ", "ẛ": "ṡ", "ﬅ": "ﬆ",
}
_PRE_FOLD = str.maketrans({"İ": "i"})  # the one character whose lower() is two characters long
_POST_FOLD = str.maketrans({k: v for k, v in _EXTRA_FOLD.items() if k != "İ"})
_ODD = tuple(sorted(set(_EXTRA_FOLD) - {"İ"}))  # looked for one by one: faster than a regex
_ODD_SET = frozenset(_ODD)
_SHORT_FOLD = 64  # in a shorter text, one pass over its characters beats 26 searches

#: Longest pattern source accepted by :func:`safety_problem` (characters).
MAX_PATTERN_LENGTH = 5000
#: Deepest nesting of groups accepted by :func:`safety_problem`.
MAX_NESTING = 30
_WORD_MIN = 2  # shortest literal worth a prefilter


def fold(text: str) -> str:
    """Lower-case ``text`` keeping its length, so that characters equal under ``re.IGNORECASE``
    fold alike and offsets into the folded text are offsets into ``text``.

    Examples
    --------
    >>> fold("L'İA ſouveraine")
    "l'ia souveraine"
    """
    if "İ" in text:
        text = text.translate(_PRE_FOLD)
    text = text.lower()
    if len(text) < _SHORT_FOLD:  # the codebook's literals: called ~100,000 times per codebook
        odd = not _ODD_SET.isdisjoint(text)
    else:
        odd = any(c in text for c in _ODD)
    return text.translate(_POST_FOLD) if odd else text


def _caseless(char: str) -> bool:
    """Whether ``re.IGNORECASE`` matches ``char`` with itself only (digits, punctuation...)."""
    return char.lower() == char.upper() == char and char not in _EXTRA_FOLD \
        and char not in _EXTRA_FOLD.values()


class RegexSyntaxError(ValueError):
    """The pattern uses a construct this reader does not parse."""


# ---------------------------------------------------------------------------------------------
# The tree
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Node:
    """One node of the tree.

    ``kind`` is one of ``"lit"`` (``value``: one character), ``"set"`` (``value``: source of a
    one-character class: ``[...]``, ``\\w``, ``.``), ``"zw"`` (zero-width: ``\\b``, ``^``,
    look-arounds; ``value`` the assertion, ``children`` the look-around body), ``"seq"``,
    ``"alt"``, ``"group"``, ``"rep"`` (``lo``, ``hi``; ``hi`` None when unbounded), ``"ref"``
    (back-reference). ``ci`` says whether the node is matched ignoring case.
    """

    kind: str
    value: str = ""
    children: tuple = ()
    lo: int = 0
    hi: int | None = 0
    ci: bool = False


_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_CLASS_ESCAPES = set("dDwWsS")
_ZW_ESCAPES = set("bBAZ")
_QUANT_RE = re.compile(r"\{(\d*)(,?)(\d*)\}")


class _Parser:
    def __init__(self, source: str, ci: bool):
        self.s = source
        self.i = 0
        self.depth = 0
        self.max_depth = 0
        self.verbose = False
        if source.startswith("(?"):  # global inline flags at the start: (?i), (?x)...
            m = re.match(r"\(\?([aiLmsux]+)\)", source)
            if m:
                ci = ci or "i" in m.group(1)
                self.verbose = "x" in m.group(1)
        self.ci = ci

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def parse(self) -> Node:
        node = self.alternation(self.ci)
        if self.i != len(self.s):
            raise RegexSyntaxError(f"unbalanced parenthesis at {self.i}")
        return node

    def alternation(self, ci: bool) -> Node:
        branches = [self.sequence(ci)]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.sequence(ci))
        return branches[0] if len(branches) == 1 else Node("alt", children=tuple(branches), ci=ci)

    def sequence(self, ci: bool) -> Node:
        items = []
        while self.i < len(self.s) and self.peek() not in "|)":
            if self.verbose and self.peek() in " \t\n\r\f\v":
                self.i += 1
                continue
            if self.verbose and self.peek() == "#":
                while self.i < len(self.s) and self.peek() != "\n":
                    self.i += 1
                continue
            atom = self.atom(ci)
            if atom is None:
                continue
            items.append(self.quantified(atom))
        return Node("seq", children=tuple(items), ci=ci)

    def quantified(self, atom: Node) -> Node:
        while True:
            c = self.peek()
            if c in ("*", "+", "?"):
                lo, hi = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
                self.i += 1
            elif c == "{":
                m = _QUANT_RE.match(self.s, self.i)
                if not m or (not m.group(1) and not m.group(3) and m.group(2)) or \
                        (not m.group(1) and not m.group(2) and not m.group(3)):
                    return atom
                lo = int(m.group(1)) if m.group(1) else 0
                hi = lo if not m.group(2) else (int(m.group(3)) if m.group(3) else None)
                self.i = m.end()
            else:
                return atom
            if self.peek() in ("?", "+"):  # lazy or possessive
                self.i += 1
            if atom.kind == "zw":
                raise RegexSyntaxError("quantified assertion")
            atom = Node("rep", children=(atom,), lo=lo, hi=hi, ci=atom.ci)

    def atom(self, ci: bool) -> Node | None:
        c = self.peek()
        if c == "(":
            return self.group(ci)
        if c == "[":
            return self.char_class(ci)
        if c == "\\":
            return self.escape(ci)
        self.i += 1
        if c == ".":
            return Node("set", ".", ci=ci)
        if c in "^$":
            return Node("zw", c)
        if c in "*+?":
            raise RegexSyntaxError("nothing to repeat")
        return Node("lit", c, ci=ci)

    def escape(self, ci: bool) -> Node:
        if self.i + 1 >= len(self.s):
            raise RegexSyntaxError("bad escape at end")
        c = self.s[self.i + 1]
        self.i += 2
        if c in _ZW_ESCAPES:
            return Node("zw", "\\" + c)
        if c in _CLASS_ESCAPES:
            return Node("set", "\\" + c, ci=ci)
        if c in _SIMPLE_ESCAPES:
            return Node("lit", _SIMPLE_ESCAPES[c], ci=ci)
        if c.isdigit():
            if c == "0" or (self.peek().isdigit() and self.i + 1 < len(self.s)
                            and self.s[self.i + 1].isdigit() and c in "01234567"):
                m = re.match(r"[0-7]{0,2}", self.s[self.i:])
                self.i += m.end()
                return Node("lit", chr(int(c + m.group(0), 8)), ci=ci)
            while self.peek().isdigit():
                self.i += 1
            return Node("ref")
        if c in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[c]
            code = self.s[self.i:self.i + width]
            self.i += width
            return Node("lit", chr(int(code, 16)), ci=ci)
        if c == "N":
            end = self.s.index("}", self.i)
            import unicodedata
            name = self.s[self.i + 1:end]
            self.i = end + 1
            return Node("lit", unicodedata.lookup(name), ci=ci)
        if c.isalnum():
            raise RegexSyntaxError(f"unknown escape \\{c}")
        return Node("lit", c, ci=ci)

    def char_class(self, ci: bool) -> Node:
        start = self.i
        self.i += 1
        if self.peek() == "^":
            self.i += 1
        if self.peek() == "]":
            self.i += 1
        while self.i < len(self.s) and self.peek() != "]":
            self.i += 2 if self.peek() == "\\" else 1
        if self.i >= len(self.s):
            raise RegexSyntaxError("unterminated character set")
        self.i += 1
        return Node("set", self.s[start:self.i], ci=ci)

    def group(self, ci: bool) -> Node | None:
        self.i += 1
        self.depth += 1
        self.max_depth = max(self.max_depth, self.depth)
        kind, look = "group", None
        if self.s.startswith("?", self.i):
            rest = self.s[self.i + 1:]
            if rest.startswith(":"):
                self.i += 2
            elif rest.startswith(("P<", "<")) and not rest.startswith(("<=", "<!")):
                self.i = self.s.index(">", self.i) + 1
            elif rest.startswith("P="):
                self.i = self.s.index(")", self.i) + 1
                self.depth -= 1
                return Node("ref")
            elif rest.startswith(("=", "!", "<=", "<!")):
                look = "(?" + ("<" + rest[1] if rest[0] == "<" else rest[0])
                self.i += 1 + len(look) - 2
            elif rest.startswith("#"):
                self.i = self.s.index(")", self.i) + 1
                self.depth -= 1
                return None
            elif rest.startswith(">"):
                self.i += 2
            elif rest.startswith("("):
                raise RegexSyntaxError("conditional groups are not analysed")
            else:
                m = re.match(r"\?([aiLmsux]*)(?:-([imsx]+))?([:)])", self.s[self.i:])
                if not m:
                    raise RegexSyntaxError(f"unknown group at {self.i}")
                self.i += m.end()
                if m.group(3) == ")":  # global flags, already read
                    self.depth -= 1
                    return None
                if "i" in (m.group(1) or ""):
                    ci = True
                if "i" in (m.group(2) or ""):
                    ci = False
        body = self.alternation(ci)
        if self.peek() != ")":
            raise RegexSyntaxError("missing )")
        self.i += 1
        self.depth -= 1
        if look:
            return Node("zw", look, children=(body,))
        return Node(kind, children=(body,), ci=ci)


@lru_cache(maxsize=4096)
def parse(source: str, ignore_case: bool = False) -> tuple[Node, int]:
    """Parse a pattern source.

    Parameters
    ----------
    source : str
        The pattern, as written.
    ignore_case : bool
        Whether it is compiled with ``re.IGNORECASE``.

    Returns
    -------
    (Node, int)
        The tree and the deepest nesting of groups.

    Raises
    ------
    RegexSyntaxError
        A construct the reader does not parse (conditional groups, malformed source).
    """
    parser = _Parser(source, ignore_case)
    try:
        node = parser.parse()
    except (IndexError, ValueError) as err:
        if isinstance(err, RegexSyntaxError):
            raise
        raise RegexSyntaxError(str(err)) from None
    return node, parser.max_depth


# ---------------------------------------------------------------------------------------------
# Safety: catastrophic backtracking
# ---------------------------------------------------------------------------------------------

#: Characters on which character sets are compared when checking for overlaps.
_SAMPLE = "".join(chr(c) for c in (*range(0x0, 0x250), *range(0x300, 0x370), *range(0x370, 0x400),
                                   *range(0x1E00, 0x1F00), 0x2019, 0x2010, 0x2011, 0x2013,
                                   0x2014, 0x00A0, 0x202F, 0x2009))


@lru_cache(maxsize=8192)
def _members(source: str, ci: bool, extra: str) -> frozenset:
    """Characters of the sample (plus ``extra``) that a one-character class matches."""
    regex = re.compile(source, (re.IGNORECASE if ci else 0) | re.DOTALL)
    return frozenset(ch for ch in _SAMPLE + extra if regex.fullmatch(ch))


def _charset(node: Node, extra: str) -> frozenset:
    if node.kind == "lit":
        if node.ci:
            return _members(re.escape(node.value), True, extra + node.value)
        return frozenset(node.value)
    if node.kind == "ref":
        return frozenset(_SAMPLE + extra)
    if node.value == ".":
        return frozenset(_SAMPLE + extra) - {"\n"}
    return _members(node.value, node.ci, extra)


def _nullable(node: Node) -> bool:
    if node.kind in ("lit", "set"):
        return False
    if node.kind in ("zw", "ref"):
        return True
    if node.kind == "seq":
        return all(_nullable(c) for c in node.children)
    if node.kind == "alt":
        return any(_nullable(c) for c in node.children)
    if node.kind == "rep":
        return node.lo == 0 or _nullable(node.children[0])
    return _nullable(node.children[0])


def _ends(node: Node, extra: str, last: bool) -> frozenset:
    """Characters a match of ``node`` can start (``last=False``) or end (``last=True``) with."""
    if node.kind in ("lit", "set", "ref"):
        return _charset(node, extra)
    if node.kind == "zw":
        return frozenset()
    if node.kind == "seq":
        out = frozenset()
        for child in (reversed(node.children) if last else node.children):
            out |= _ends(child, extra, last)
            if not _nullable(child):
                break
        return out
    if node.kind == "alt":
        return frozenset().union(*(_ends(c, extra, last) for c in node.children))
    return _ends(node.children[0], extra, last)


def _variable(node: Node) -> bool:
    """Whether ``node`` holds a repetition of variable count (``+``, ``*``, ``{m,n}``)."""
    if node.kind == "rep" and node.hi != node.lo:
        return True
    return any(_variable(c) for c in node.children if c.kind != "zw")


def _top_branches(node: Node) -> list:
    while node.kind in ("group", "seq") and len(node.children) == 1:
        node = node.children[0]
    return list(node.children) if node.kind == "alt" else []


def _walk(node: Node):
    yield node
    for child in node.children:
        yield from _walk(child)


def safety_problem(source: str, ignore_case: bool = False) -> str | None:
    """Why a pattern could backtrack catastrophically, or None if it passes the static check.

    The check reads the pattern source (it never runs the pattern) and refuses:

    1. a pattern longer than :data:`MAX_PATTERN_LENGTH` characters or with groups nested deeper
       than :data:`MAX_NESTING`;
    2. a repeated group (``*``, ``+``, ``{m,n}`` with n > 1) whose body can match the empty string
       (``(a*)*``, ``(a?)+``);
    3. a repeated group whose body holds a repetition of variable count and can end with a
       character it can also start with (``(a+)+``, ``(\\w+\\s?)+$``, ``(x\\w+)+``): a run of text
       can then be cut into iterations in exponentially many ways;
    4. a repeated group whose body is an alternation with two branches that can start with the
       same character (``(a|a)*``, ``(a|ab)+``).

    Character sets are compared on a sample of Latin, Greek, Cyrillic and Vietnamese letters,
    digits, punctuation and spaces (plus every character written in the pattern). Repetitions of
    one character (``\\w+``, ``[ée]{1,3}``) and bodies that must end on a character they cannot
    start with (``(?:\\s*,\\s*\\d{1,3})+``) pass. Polynomial backtracking between adjacent
    repetitions (``\\s*\\s*``) is not refused: on text split into paragraphs it stays bounded by
    the length of a run of spaces or word characters.

    Parameters
    ----------
    source : str
        The pattern as written.
    ignore_case : bool
        Whether it is compiled with ``re.IGNORECASE``.

    Returns
    -------
    str or None
        A sentence naming the problem and the offending part, or None.

    Examples
    --------
    >>> safety_problem(r"(a+)+$")
    "the repeated group '(a+)+' can cut a run of text into iterations in many ways (nested quantifiers)"
    >>> safety_problem(r"\\br[ée]solutions?\\s+\\d{1,3}(?:\\s*(?:,|et)\\s*\\d{1,3})+") is None
    True
    """
    if len(source) > MAX_PATTERN_LENGTH:
        return f"the pattern is {len(source)} characters long (at most {MAX_PATTERN_LENGTH})"
    if source.count("(") > MAX_NESTING and _max_paren_depth(source) > MAX_NESTING:
        return f"groups are nested more than {MAX_NESTING} deep"
    try:
        tree, _ = parse(source, ignore_case)
    except RegexSyntaxError as err:
        return f"the pattern cannot be checked ({err})"
    extra = "".join(sorted(set(source)))
    for node in _walk(tree):
        if node.kind != "rep" or (node.hi is not None and node.hi <= 1):
            continue
        body = node.children[0]
        if body.kind in ("lit", "set"):
            continue
        text = _render(node)
        if _nullable(body):
            return f"the repeated group {text!r} can match the empty string"
        if _variable(body) and _ends(body, extra, False) & _ends(body, extra, True):
            return (f"the repeated group {text!r} can cut a run of text into iterations in many "
                    "ways (nested quantifiers)")
        branches = _top_branches(body)
        seen = frozenset()
        for branch in branches:
            first = _ends(branch, extra, False)
            if first & seen or _nullable(branch):
                return (f"the repeated group {text!r} has alternatives that can match the same "
                        "text")
            seen |= first
    return None


def _max_paren_depth(source: str) -> int:
    depth = best = 0
    escaped = False
    for ch in source:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            depth += 1
            best = max(best, depth)
        elif ch == ")":
            depth -= 1
    return best


def _render(node: Node) -> str:
    """The pattern text of a node, as written (for messages)."""
    if node.kind == "lit":
        return re.escape(node.value) if node.value in ".^$*+?{}[]\\|()" else node.value
    if node.kind == "set":
        return node.value
    if node.kind == "zw":
        return node.value + (_render(node.children[0]) + ")" if node.children else "")
    if node.kind == "ref":
        return "\\1"
    if node.kind == "seq":
        return "".join(_render(c) for c in node.children)
    if node.kind == "alt":
        return "|".join(_render(c) for c in node.children)
    if node.kind == "group":
        return "(" + _render(node.children[0]) + ")"
    inner = _render(node.children[0])
    if node.hi is None:
        mark = {0: "*", 1: "+"}.get(node.lo, f"{{{node.lo},}}")
    elif node.lo == 0 and node.hi == 1:
        mark = "?"
    else:
        mark = f"{{{node.lo},{node.hi}}}" if node.lo != node.hi else f"{{{node.lo}}}"
    return inner + mark


# ---------------------------------------------------------------------------------------------
# Literals for the engine's prefilter
# ---------------------------------------------------------------------------------------------

_LIMIT = 256  # most literals kept in one product of sets
_UNION_LIMIT = 1024  # most literals kept in one set of alternatives
_SMALL_SET = re.compile(r"\[([^\\\]\[^-]{1,4})\]")


@dataclass(frozen=True)
class Literal:
    """A literal string: ``text`` is folded when ``folded`` (compare with folded text).

    ``bounded``: in :func:`prefix_literals`, the pattern asserts a word boundary (``\\b``)
    just before the literal.
    """

    text: str
    folded: bool
    bounded: bool = False


def _atom_strings(node: Node) -> set | None:
    """Literal strings one character node can match (None: too many or unknown)."""
    if node.kind == "lit":
        exact = not node.ci or _caseless(node.value)
        return {Literal(node.value, False) if exact else Literal(fold(node.value), True)}
    if node.kind == "set":
        m = _SMALL_SET.fullmatch(node.value)
        if m:
            return {Literal(c, False) if not node.ci or _caseless(c) else Literal(fold(c), True)
                    for c in m.group(1)}
    return None


def _join(a: Literal, b: Literal) -> Literal:
    bounded = a.bounded or (not a.text and b.bounded)
    if a.folded == b.folded:
        return Literal(a.text + b.text, a.folded, bounded)
    return Literal(fold(a.text) + fold(b.text), True, bounded)


def _exact(node: Node) -> frozenset | None:
    """Every string ``node`` can match, if a small finite set (zero-width nodes match '').

    Computed once per node and kept on it: the analyses of a pattern (:func:`prefix_literals`,
    :func:`required_literals`, :func:`required_offsets`) walk the same parsed tree
    (:func:`parse` is cached) and ask again for the strings of the same nodes at every level.
    """
    found = node.__dict__.get("_exact", _UNKNOWN)
    if found is _UNKNOWN:
        found = _exact_strings(node)
        found = None if found is None else frozenset(found)
        object.__setattr__(node, "_exact", found)  # a frozen node: its fields are untouched
    return found


_UNKNOWN = object()


def _exact_strings(node: Node) -> set | None:
    """:func:`_exact` computed (children through :func:`_exact`)."""
    if node.kind in ("lit", "set"):
        return _atom_strings(node)
    if node.kind == "zw":
        return {Literal("", False)}
    if node.kind == "group":
        return _exact(node.children[0])
    if node.kind == "alt":
        out = set()
        for child in node.children:
            sub = _exact(child)
            if sub is None:
                return None
            out |= sub
        return out if len(out) <= _UNION_LIMIT else None
    if node.kind == "seq":
        out = {Literal("", False)}
        for child in node.children:
            sub = _exact(child)
            if sub is None:
                return None
            out = {_join(a, b) for a in out for b in sub}
            if len(out) > _LIMIT:
                return None
        return out
    if node.kind == "rep" and node.hi is not None and node.hi <= 1:
        sub = _exact(node.children[0])
        return None if sub is None else sub | {Literal("", False)}
    return None


def _prefixes(node: Node) -> set | None:
    """Strings of which every match of ``node`` starts with one (``''`` allowed), or None."""
    if node.kind == "alt":
        out = set()
        for child in node.children:
            sub = _prefixes(child)
            if sub is None:
                return None
            out |= sub
        return out if len(out) <= _UNION_LIMIT else None
    if node.kind == "group":
        return _prefixes(node.children[0])
    if node.kind == "seq":
        out = {Literal("", False)}
        for i, child in enumerate(node.children):
            if child.kind == "zw" and child.value == "\\b" and all(not lit.text for lit in out):
                out = {Literal("", lit.folded, True) for lit in out}
                continue
            exact = _exact(child)
            if exact is None and child.kind == "rep" and child.lo == 0 and child.hi == 1:
                # optional part: a match starts with it or with what follows it
                body = _prefixes(child.children[0])
                rest = _prefixes(Node("seq", children=node.children[i + 1:], ci=node.ci))
                if body is None or rest is None:
                    return out
                grown = {_join(a, b) for a in out for b in body | rest}
                return grown if len(grown) <= _UNION_LIMIT else out
            if exact is None and child.kind == "rep" and child.lo >= 1:
                body = _prefixes(child.children[0])
                if body is not None:
                    grown = {_join(a, b) for a in out for b in body}
                    if len(grown) <= _UNION_LIMIT:
                        out = grown
                return out
            if exact is None:
                if child.kind in ("group", "alt"):
                    sub = _prefixes(child)
                    if sub is not None:
                        grown = {_join(a, b) for a in out for b in sub}
                        if len(grown) <= _UNION_LIMIT:
                            out = grown
                return out
            grown = {_join(a, b) for a in out for b in exact}
            if len(grown) > _LIMIT:
                return out
            out = grown
        return out
    exact = _exact(node)
    return exact if exact is not None else {Literal("", False)}


def _minimal(literals: set) -> tuple | None:
    """Drop literals that have another one as a prefix; None if one is shorter than 2."""
    if not literals or any(len(lit.text) < _WORD_MIN for lit in literals):
        return None
    items = sorted(literals, key=lambda lit: (len(lit.text), lit.text, lit.folded, lit.bounded))
    kept = []
    for lit in items:
        if not any(_covers(k, lit) for k in kept):
            kept.append(lit)
    return tuple(sorted(kept, key=lambda lit: (lit.text, lit.folded, lit.bounded)))


def _covers(short: Literal, long: Literal) -> bool:
    """Whether every text where ``long`` occurs also has ``short`` at the same place."""
    if short.bounded and not long.bounded:
        return False
    if short.folded:
        return fold(long.text).startswith(short.text)
    return not long.folded and long.text.startswith(short.text)


@lru_cache(maxsize=4096)
def prefix_literals(source: str, ignore_case: bool = False) -> tuple | None:
    """Literals of which every match of the pattern starts with one, or None.

    Parameters
    ----------
    source : str
    ignore_case : bool

    Returns
    -------
    tuple of Literal or None
        Each at least two characters long; None when no such set is known.

    Examples
    --------
    >>> [lit.text for lit in prefix_literals(r"\\bsouverainet[ée]s?\\b|\\bsouverain(?:e|s)?\\b", True)]
    ['souverain']
    """
    try:
        tree, _ = parse(source, ignore_case)
    except RegexSyntaxError:
        return None
    found = _prefixes(tree)
    return None if found is None else _minimal(found)


def _required(node: Node) -> set | None:
    """Literals of which every match of ``node`` contains one, or None."""
    exact = _exact(node)
    if exact is not None:
        return exact if all(len(lit.text) >= _WORD_MIN for lit in exact) else None
    if node.kind == "group":
        return _required(node.children[0])
    if node.kind == "rep":
        return _required(node.children[0]) if node.lo >= 1 else None
    if node.kind == "alt":
        out = set()
        for child in node.children:
            sub = _required(child)
            if sub is None:
                return None
            out |= sub
        return out if len(out) <= _UNION_LIMIT else None
    if node.kind == "seq":
        candidates, run = [], {Literal("", False)}
        for child in node.children:
            exact = _exact(child)
            if exact is not None:
                grown = {_join(a, b) for a in run for b in exact}
                if len(grown) <= _LIMIT:
                    run = grown
                    continue
            if all(len(lit.text) >= _WORD_MIN for lit in run):
                candidates.append(run)
            run = {Literal("", False)}
            sub = _required(child)
            if sub:
                candidates.append(sub)
        if all(len(lit.text) >= _WORD_MIN for lit in run):
            candidates.append(run)
        if not candidates:
            return None
        return max(candidates, key=lambda c: (min(len(lit.text) for lit in c), -len(c)))
    return None


@lru_cache(maxsize=4096)
def required_literals(source: str, ignore_case: bool = False) -> tuple | None:
    """Literals of which every match of the pattern contains one, or None.

    Parameters
    ----------
    source : str
    ignore_case : bool

    Returns
    -------
    tuple of Literal or None
        Each at least two characters long; None when no such set is known.
    """
    try:
        tree, _ = parse(source, ignore_case)
    except RegexSyntaxError:
        return None
    found = _required(tree)
    return None if not found else tuple(sorted(found, key=lambda lit: (lit.text, lit.folded)))


# ---------------------------------------------------------------------------------------------
# Reach: how far past its start a match attempt can read
# ---------------------------------------------------------------------------------------------

def _atoms(node: Node) -> frozenset | None:
    """The one-character atoms ``(kind, value, ci)`` a node is made of (None: a back-reference)."""
    if node.kind in ("lit", "set"):
        return frozenset({(node.kind, node.value, node.ci)})
    if node.kind == "ref":
        return None
    out = set()
    for child in node.children:
        if node.kind == "zw":
            continue  # a look-around reads but does not consume: counted apart
        sub = _atoms(child)
        if sub is None:
            return None
        out |= sub
    return frozenset(out)


def _add(a: dict, b: dict, scale: int = 1) -> dict:
    out = dict(a)
    for key, n in b.items():
        out[key] = out.get(key, 0) + scale * n
    return out


def _width(node: Node) -> tuple[int, dict] | None:
    """Most characters ``node`` consumes: a constant plus, for each unbounded repetition, the
    longest run of its atoms in the text (``{atoms: count}``); None when unknown."""
    if node.kind in ("lit", "set"):
        return 1, {}
    if node.kind == "zw":
        return 0, {}
    if node.kind == "ref":
        return None
    if node.kind == "group":
        return _width(node.children[0])
    if node.kind in ("seq", "alt"):
        const, runs = 0, {}
        for child in node.children:
            sub = _width(child)
            if sub is None:
                return None
            if node.kind == "seq":
                const, runs = const + sub[0], _add(runs, sub[1])
            else:  # the longest branch, bounded term by term
                const = max(const, sub[0])
                runs = {k: max(runs.get(k, 0), sub[1].get(k, 0)) for k in {*runs, *sub[1]}}
        return const, runs
    if node.kind == "rep":
        if node.hi is not None:
            sub = _width(node.children[0])
            return None if sub is None else (sub[0] * node.hi, _add({}, sub[1], node.hi))
        atoms = _atoms(node.children[0])
        return None if atoms is None else (0, {atoms: 1})
    return None


@lru_cache(maxsize=4096)
def reach(source: str, ignore_case: bool = False) -> tuple[int, tuple] | None:
    """A bound on how far past its start an attempt to match the pattern reads the text.

    An attempt starting at ``s`` reads no character at or after ``s + bound``, where ``bound``
    is ``const`` plus, for each ``(atoms, count)`` of ``runs``, ``count`` times the longest run
    of characters each matched by one of ``atoms`` (one-character nodes ``(kind, value, ci)``)
    in the text: the consumed width, plus the width of every look-ahead, plus two (``\\b`` or
    ``$`` reading the next character). Used by the engine to search a pattern only near the
    literals its matches contain.

    Parameters
    ----------
    source : str
    ignore_case : bool

    Returns
    -------
    (int, tuple of (frozenset, int)) or None
        None when unknown (back-references, constructs the reader does not parse), or when the
        pattern can match the empty string.
    """
    try:
        tree, _ = parse(source, ignore_case)
    except RegexSyntaxError:
        return None
    if _nullable(tree):
        return None
    total = _width(tree)
    if total is None:
        return None
    const, runs = total[0] + 2, total[1]
    for node in _walk(tree):
        if node.kind == "zw" and node.children and node.value in ("(?=", "(?!"):
            sub = _width(node.children[0])
            if sub is None:
                return None
            const, runs = const + sub[0], _add(runs, sub[1])
    return const, tuple(sorted(runs.items(), key=repr))


def _terms_max(a: tuple | None, b: tuple | None) -> tuple | None:
    if a is None or b is None:
        return None
    return max(a[0], b[0]), {k: max(a[1].get(k, 0), b[1].get(k, 0)) for k in {*a[1], *b[1]}}


def _terms_add(a: tuple | None, b: tuple | None) -> tuple | None:
    if a is None or b is None:
        return None
    return a[0] + b[0], _add(a[1], b[1])


def _required_at(node: Node) -> dict | None:
    """:func:`_required` (the same literals), each with a bound on how far after the start of
    a match of ``node`` it starts (``(const, {atoms: count})`` as in :func:`_width`, or None)."""
    zero = (0, {})
    exact = _exact(node)
    if exact is not None:
        return {lit: zero for lit in exact} if all(len(lit.text) >= _WORD_MIN
                                                  for lit in exact) else None
    if node.kind == "group":
        return _required_at(node.children[0])
    if node.kind == "rep":
        return _required_at(node.children[0]) if node.lo >= 1 else None
    if node.kind == "alt":
        out = {}
        for child in node.children:
            sub = _required_at(child)
            if sub is None:
                return None
            for lit, before in sub.items():
                out[lit] = _terms_max(out[lit], before) if lit in out else before
        return out if len(out) <= _UNION_LIMIT else None
    if node.kind == "seq":
        candidates, run = [], {Literal("", False)}
        offset = run_offset = zero
        for child in node.children:
            exact = _exact(child)
            if exact is not None:
                grown = {_join(a, b) for a in run for b in exact}
                if len(grown) <= _LIMIT:
                    run = grown
                    offset = _terms_add(offset, _width(child))
                    continue
            if all(len(lit.text) >= _WORD_MIN for lit in run):
                candidates.append({lit: run_offset for lit in run})
            run = {Literal("", False)}
            sub = _required_at(child)
            if sub:
                candidates.append({lit: _terms_add(offset, before) for lit, before in sub.items()})
            offset = run_offset = _terms_add(offset, _width(child))
        if all(len(lit.text) >= _WORD_MIN for lit in run):
            candidates.append({lit: run_offset for lit in run})
        if not candidates:
            return None
        return max(candidates, key=lambda c: (min(len(lit.text) for lit in c), -len(c)))
    return None


@lru_cache(maxsize=4096)
def required_offsets(source: str, ignore_case: bool = False) -> dict | None:
    """:func:`required_literals`, each with a bound on how far after a match's start it starts.

    Parameters
    ----------
    source : str
    ignore_case : bool

    Returns
    -------
    dict or None
        ``{Literal: (const, runs)}`` (``runs`` as in :func:`reach`; the bound is None when
        unknown), or None as :func:`required_literals`.
    """
    try:
        tree, _ = parse(source, ignore_case)
    except RegexSyntaxError:
        return None
    found = _required_at(tree)
    if not found:
        return None
    return {lit: None if before is None else (before[0], tuple(sorted(before[1].items(), key=repr)))
            for lit, before in found.items()}
