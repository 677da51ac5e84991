"""Give a regular expression a lookahead for the characters its matches can start with.

Python's ``re`` tries every alternative of a pattern at every position of the text. A
pattern that opens with optional groups (``(?:\\b(?P<prep>in|on|since)\\s+)?…``) gets no
help from the engine's own first-character check, and searching a long article with it
costs a full attempt per character. :func:`with_first_chars` reads the parsed pattern,
works out which characters a match can start with and, when that set is known and small,
puts it in front as ``(?=[…])``: positions that cannot start a match fail at once, and
the matches are exactly the same (the lookahead accepts every character a match can
start with).

A lookahead still costs an attempt per position that passes it. For a pattern whose matches start at a word
start, :func:`word_start_searcher` makes a search that opens with a plain class of the first characters, which
the engine skips to in C, and tries the pattern only where such a character starts a word;
:func:`word_start_matches` uses it to give ``finditer``'s matches.

A text can also lack what every match needs: :func:`needs` reads from the parsed pattern the
literal strings a match must contain (:func:`required`, "May" or "June" in ``(?-i:May|June)\\s+\\d+``)
and a cheap regular expression it must contain (:func:`tail_pattern`), and a :class:`Screen` tells
for a text which of several patterns can match at all, so the others are not run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from re import _compiler as compiler  # type: ignore[attr-defined]
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser as parser  # type: ignore[attr-defined]
from typing import Any

__all__ = ["FOLDS_TO_ASCII", "Screen", "first_chars", "needs", "required", "tail_pattern", "with_first_chars",
           "word_start_matches", "word_start_searcher"]

#: Above this many distinct first characters a lookahead saves too little.
_MAX_CHARS = 80
_DIGITS = frozenset("0123456789")
#: Stands for the class ``\\d`` among first characters: every script's digits, not only ASCII ones.
_DIGIT_CLASS = "\\d"
_ZERO_WIDTH = {c.AT, c.ASSERT, c.ASSERT_NOT}


class _Unknown(Exception):
    """The pattern uses a construct whose first characters are not worked out here."""


def _first(items: Any) -> tuple[set[str], bool]:
    """First characters of a sequence of parsed items, and whether the sequence can match nothing."""
    chars: set[str] = set()
    for op, av in items:
        found, empty = _item(op, av)
        chars |= found
        if not empty:
            return chars, False
    return chars, True


def _item(op: Any, av: Any) -> tuple[set[str], bool]:
    if op is c.LITERAL:
        return {chr(av)}, False
    if op is c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is c.LITERAL:
                chars.add(chr(value))
            elif kind is c.RANGE and value[1] - value[0] < _MAX_CHARS:
                chars.update(chr(x) for x in range(value[0], value[1] + 1))
            elif kind is c.CATEGORY and value is c.CATEGORY_DIGIT:
                chars.add(_DIGIT_CLASS)
            else:  # a negated class, \w, \s, a wide range: too many or unknown
                raise _Unknown
        return chars, False
    if op is c.BRANCH:
        chars, empty = set(), False
        for branch in av[1]:
            found, nothing = _first(branch)
            chars |= found
            empty = empty or nothing
        return chars, empty
    if op is c.SUBPATTERN:
        return _first(av[-1])
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, _, inner = av
        found, nothing = _first(inner)
        return found, nothing or low == 0
    if op in _ZERO_WIDTH:
        return set(), True
    raise _Unknown


def first_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """The characters a non-empty match of ``pattern`` can start with (before case folding), or None when
    unknown (a construct not handled, or the pattern can match the empty string). The ASCII digits stand
    for ``\\d``, which matches every script's digits.

    >>> sorted(first_chars(r"(?:\\b(?:in|on)\\s+)?(?:May|June)\\b"))
    ['J', 'M', 'i', 'o']
    >>> first_chars(r"\\w+") is None
    True
    """
    chars = _first_set(pattern, flags)
    if chars is None:
        return None
    return frozenset(chars - {_DIGIT_CLASS}) | (_DIGITS if _DIGIT_CLASS in chars else frozenset())


def _first_set(pattern: str, flags: int) -> set[str] | None:
    """The first characters of a non-empty match, ``_DIGIT_CLASS`` standing for ``\\d``, or None (unknown)."""
    try:
        chars, empty = _first(parser.parse(pattern, flags))
    except _Unknown:
        return None
    return None if empty else chars


def with_first_chars(pattern: str, flags: int = 0) -> str:
    """``pattern`` behind a lookahead for its first characters, or unchanged when they are unknown or many.

    The lookahead is compiled with the same flags, so under ``re.IGNORECASE`` it folds case as the
    pattern does; a case-sensitive part inside (``(?-i:…)``) only makes the lookahead accept more.
    A ``\\d`` that can start a match is put in as ``\\d``, so the lookahead accepts every script's digits.
    """
    if flags & re.VERBOSE:
        return pattern  # whitespace and comments would change meaning in a joined pattern
    chars = first_chars(pattern, flags)
    if chars is None or len(chars) > _MAX_CHARS:
        return pattern
    digits = _DIGIT_CLASS in (_first_set(pattern, flags) or ())
    if digits:  # "\\d" itself, not 0-9: "٣ days ago" starts with a digit as well
        chars -= _DIGITS
    lookahead = "".join(re.escape(ch) if ch not in "-]\\^" else "\\" + ch for ch in sorted(chars))
    return f"(?=[{lookahead}{_DIGIT_CLASS if digits else ''}])(?:{pattern})"


# --- searching from word starts ----------------------------------------------------------------
#
# A lookahead still makes the engine try the pattern at every position: it has no fast skip to the
# characters a match can start with when the pattern opens with a zero-width item or an optional group,
# or when a first character has case under re.IGNORECASE. A search for a pattern that starts with a word
# boundary can open with a plain character class instead, which the engine skips to in C.


def word_start_searcher(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    """A regular expression whose ``search(text, pos)`` finds where the leftmost match of ``\\b(?:pattern)``
    at or after ``pos`` starts (its own match is that match's first character), or None when it cannot be made.

    It opens with the class of the characters a match can start with, in every case ``flags`` matches them
    in (so the engine skips to those in C), then requires a word to start there and ``pattern`` to match
    from there (in lookarounds). It is made only when ``flags`` is 0 or ``re.IGNORECASE`` and the first
    characters are known, at most ``_MAX_CHARS``, ASCII word characters or ``\\d``: then every match of
    ``\\b(?:pattern)`` starts with a word character, at a word start. See :func:`word_start_matches`.

    >>> s = word_start_searcher(r"(?:in\\s+)?May", re.IGNORECASE)
    >>> s.search("Main gains in may").start()
    11
    >>> word_start_searcher(r"\\w+") is None
    True
    """
    if flags & ~re.IGNORECASE:
        return None
    chars = _first_set(pattern, flags)
    if chars is None:
        return None
    digits = _DIGIT_CLASS in chars
    letters = chars - {_DIGIT_CLASS}
    if len(chars) > _MAX_CHARS or not all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in letters):
        return None
    variants = set(letters)
    if flags & re.IGNORECASE:
        for ch in letters:
            variants |= {ch.lower(), ch.upper()}
            variants.update(f for f in FOLDS_TO_ASCII if re.fullmatch(re.escape(ch), f, re.IGNORECASE))
    if digits:
        variants -= _DIGITS
    klass = "".join(re.escape(ch) for ch in sorted(variants)) + (_DIGIT_CLASS if digits else "")
    inline = "(?i:" if flags & re.IGNORECASE else "(?:"
    # [first](?<!\w[\s\S]): a first character with no word character before it (the text's start counts)
    try:
        return re.compile(f"[{klass}](?<!\\w[\\s\\S])(?<=(?={inline}{pattern}))[\\s\\S])")
    except re.error:  # the pattern cannot stand inside a group (global inline flags)
        return None


def word_start_matches(compiled: re.Pattern[str], searcher: re.Pattern[str] | None,
                       text: str) -> Iterator[re.Match[str]]:
    """``compiled.finditer(text)`` for ``compiled``, the pattern ``\\b(?:pattern)`` (with anything added that
    leaves its matches alone, such as :func:`with_first_chars`), and ``searcher``, made from ``pattern`` by
    :func:`word_start_searcher` (None: plain ``finditer``): the same matches, found faster."""
    if searcher is None:
        yield from compiled.finditer(text)
        return
    search, match = searcher.search, compiled.match
    pos, n = 0, len(text)
    while pos <= n:
        found = search(text, pos)
        if found is None:
            return
        start = found.start()
        m = match(text, start)
        if m is None:  # cannot happen (the searcher tested the same pattern there); finditer would go on too
            pos = start + 1
            continue
        yield m
        pos = m.end()  # never empty: a match starts with a character


# --- literals a match must contain ------------------------------------------------------------
#
# A *need* is a condition every match of a pattern fulfils, in terms of literal strings it
# contains: ("any", fold, strings) (the match contains one of the strings), ("all", needs)
# or ("or", needs); None is no condition. Texts without any of the strings of a mandatory
# "any" cannot match, and the pattern need not be run over them. A "fold" need stands for
# case-insensitive literals: its strings are lower case and are looked for in the lower-cased
# text. That is exact only for texts without the characters that ``re.IGNORECASE`` folds to
# ASCII letters (below), so a fold need holds by default in a text that has one.

#: The non-ASCII characters that ``re.IGNORECASE`` matches with an ASCII character (İ, ı, ſ and the
#: Kelvin sign; tests/test_refirst.py checks this against every code point).
FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"
#: At most this many strings in one "any" need (the product of a run of literal items).
_MAX_STRINGS = 64
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None))
Need = tuple[Any, ...] | None
_Lits = tuple[frozenset[str], bool]  # strings, whether folded (lower case, looked for in the lower-cased text)


def _fold_char(ch: str) -> str | None:
    """A character as looked for in the lower-cased text, or None when case folding makes that unsound.

    An ASCII character folds to its lower case; a non-ASCII one only if it has no case at all
    (``re.IGNORECASE`` then matches it exactly, and ``str.lower`` keeps it).
    """
    if ch.isascii():
        return ch.lower()
    return ch if ch.lower() == ch == ch.upper() else None


def _to_fold(lits: _Lits) -> _Lits | None:
    """Literal strings as looked for in the lower-cased text."""
    strings, fold = lits
    if fold:
        return lits
    folded = set()
    for s in strings:
        chars = [_fold_char(ch) for ch in s]
        if any(ch is None for ch in chars):
            return None
        folded.add("".join(ch for ch in chars if ch is not None))
    return frozenset(folded), True


def _product(a: _Lits, b: _Lits) -> _Lits | None:
    """Every string of ``a`` followed by every string of ``b``, or None when too many or unsound."""
    if len(a[0]) * len(b[0]) > _MAX_STRINGS:
        return None
    if a[1] != b[1]:
        fa, fb = _to_fold(a), _to_fold(b)
        if fa is None or fb is None:
            return None
        a, b = fa, fb
    return frozenset(x + y for x in a[0] for y in b[0]), a[1]


def _union(parts: list[_Lits | None]) -> _Lits | None:
    """The strings of all parts (folded when one is), or None when a part is None or there are too many."""
    if any(p is None for p in parts):
        return None
    lits = [p for p in parts if p is not None]
    if any(fold for _, fold in lits):
        folded = [_to_fold(p) for p in lits]
        if any(f is None for f in folded):
            return None
        lits = [f for f in folded if f is not None]
    strings = frozenset().union(*(s for s, _ in lits))
    return (strings, lits[0][1]) if len(strings) <= _MAX_STRINGS else None


def _char_lits(chars: list[str], flags: int) -> _Lits | None:
    if not flags & re.IGNORECASE:
        return frozenset(chars), False
    folded = [_fold_char(ch) for ch in chars]
    return None if any(f is None for f in folded) else (frozenset(f for f in folded if f is not None), True)


def _class_lits(av: Any, flags: int) -> _Lits | None:
    chars: list[str] = []
    for kind, value in av:
        if kind is c.LITERAL:
            chars.append(chr(value))
        elif kind is c.RANGE and value[1] - value[0] < _MAX_STRINGS:
            chars.extend(chr(x) for x in range(value[0], value[1] + 1))
        else:  # a negated class, a category (\d matches every script's digits), a wide range
            return None
    return _char_lits(chars, flags)


def _seq_lits(items: Any, flags: int) -> _Lits | None:
    """Strings that hold every match of a sequence (a superset of them), or None when not finite or small."""
    lits: _Lits | None = (frozenset([""]), False)
    for op, av in items:
        part = _lits(op, av, flags)
        if part is None or lits is None:
            return None
        lits = _product(lits, part)
    return lits


def _lits(op: Any, av: Any, flags: int) -> _Lits | None:
    """Strings that hold every match of one parsed item, or None (see :func:`_seq_lits`)."""
    if flags & re.LOCALE:
        return None
    if op is c.LITERAL:
        return _char_lits([chr(av)], flags)
    if op is c.IN:
        return _class_lits(av, flags)
    if op is c.SUBPATTERN:
        return _seq_lits(av[-1], (flags | av[1]) & ~av[2])
    if op is c.ATOMIC_GROUP:
        return _seq_lits(av, flags)
    if op is c.BRANCH:
        return _union([_seq_lits(branch, flags) for branch in av[1]])
    if op in _REPEATS:
        low, high, inner = av
        one = _seq_lits(inner, flags)
        if one is None or high > 3:
            return None
        powers: list[_Lits | None] = []
        power: _Lits | None = (frozenset([""]), one[1])
        for n in range(high + 1):
            if n >= low:
                powers.append(power)
            power = _product(power, one) if power is not None else None
        return _union(powers)
    if op in _ZERO_WIDTH:  # consumes nothing
        return frozenset([""]), False
    return None


def _any(lits: _Lits) -> Need:
    """The need for one of the strings: None when one is empty; strings holding another one are dropped."""
    strings, fold = lits
    if "" in strings:
        return None
    kept = tuple(sorted(s for s in strings if not any(t != s and t in s for t in strings)))
    return ("any", fold, kept)


def _combine(kind: str, needs: list[Need]) -> Need:
    """An "all" or "or" need of parts, flattened.

    None parts make an "or" None and are dropped from an "all"; the "any" parts of an "or" that
    look in the same text become one.
    """
    if kind == "or" and any(n is None for n in needs):
        return None
    parts: list[Any] = []
    for n in needs:
        if n is not None:
            parts.extend(n[1] if n[0] == kind else [n])
    if kind == "or":
        for fold in (False, True):
            anys = [p for p in parts if p[0] == "any" and p[1] == fold]
            if len(anys) > 1:
                parts = [p for p in parts if p not in anys] + [_any((frozenset(s for a in anys for s in a[2]), fold))]
    unique = list(dict.fromkeys(parts))
    if not unique:
        return None
    return unique[0] if len(unique) == 1 else (kind, tuple(unique))


def _flatten(items: Any, flags: int) -> list[tuple[Any, Any, int]]:
    """A sequence's items with groups opened (their items are matched in line), each with its flags."""
    out: list[tuple[Any, Any, int]] = []
    for op, av in items:
        if op is c.SUBPATTERN:
            out.extend(_flatten(av[-1], (flags | av[1]) & ~av[2]))
        else:
            out.append((op, av, flags))
    return out


def _seq_need(items: Any, flags: int) -> Need:
    """What every match of a sequence contains: runs of literal items, and what its other items need."""
    needs: list[Need] = []
    run: _Lits = (frozenset([""]), False)
    for op, av, fl in _flatten(items, flags):
        lits = _lits(op, av, fl)
        joined = _product(run, lits) if lits is not None else None
        if joined is not None:
            run = joined
            continue
        needs.append(_any(run))
        run = lits if lits is not None else (frozenset([""]), False)
        if lits is None:
            needs.append(_item_need(op, av, fl))
    needs.append(_any(run))
    return _combine("all", needs)


def _item_need(op: Any, av: Any, flags: int) -> Need:
    if flags & re.LOCALE:
        return None
    if op is c.BRANCH:
        return _combine("or", [_seq_need(branch, flags) for branch in av[1]])
    if op in _REPEATS and av[0] >= 1:
        return _seq_need(av[2], flags)
    if op is c.ATOMIC_GROUP:
        return _seq_need(av, flags)
    return None  # optional, zero-width, or not understood: no condition


def required(pattern: str, flags: int = 0) -> Need:
    """A condition on the literal strings every match of ``pattern`` contains, or None (no condition).

    >>> required(r"(?:in\\s+)?(?-i:May|June)\\s+\\d+\\s+(?:days?|weeks?)\\s+ago", re.IGNORECASE)
    ('all', (('any', False, ('June', 'May')), ('any', True, ('day', 'week')), ('any', True, ('ago',))))
    >>> required(r"\\d+") is None
    True
    """
    parsed = parser.parse(pattern, flags)
    return _seq_need(parsed, parsed.state.flags)


# --- a cheap regular expression every match contains ------------------------------------------
#
# The words a time expression needs are often all in a text that holds none: "March" and "1987"
# are, "14 March 1987" is not. The tail of a pattern from a digit on ("<digit>(?:st|nd)?\s+March,?\s+19\d\d")
# is a regular expression any match of the whole contains, and the engine finds it fast: it skips
# to the next digit without leaving C. It is compiled from the parsed pattern itself, with the same
# flags, so it means what the pattern means (Unicode digits, case folding and all).

#: A tail must match at least this many characters after its first one, or it finds about what the literals found.
_MIN_TAIL = 3
_SCOPED_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE
_BACKREFS = (c.GROUPREF, c.GROUPREF_EXISTS)


def _has_backrefs(items: Any) -> bool:
    for op, av in items:
        if op in _BACKREFS:
            return True
        if op is c.SUBPATTERN and _has_backrefs(av[-1]) or op is c.ATOMIC_GROUP and _has_backrefs(av):
            return True
        if op is c.BRANCH and any(_has_backrefs(b) for b in av[1]):
            return True
        if (op in _REPEATS or op in (c.ASSERT, c.ASSERT_NOT)) and _has_backrefs(av[-1]):
            return True
    return False


def _last_chars(items: Any, flags: int) -> tuple[list[Any], set[int], bool]:
    """Class members holding the last character of a match of a sequence, the flags they were written
    under, and whether the sequence can match the empty string."""
    members: list[Any] = []
    written: set[int] = set()
    for op, av in reversed(list(items)):
        found, under, empty = _last_of(op, av, flags)
        members += found
        written |= under
        if not empty:
            return members, written, False
    return members, written, True


def _last_of(op: Any, av: Any, flags: int) -> tuple[list[Any], set[int], bool]:
    if op is c.LITERAL:
        return [(c.LITERAL, av)], {flags}, False
    if op is c.IN and not any(kind is c.NEGATE for kind, _ in av):
        return list(av), {flags}, False
    if op is c.SUBPATTERN:
        return _last_chars(av[-1], (flags | av[1]) & ~av[2])
    if op is c.BRANCH:
        members: list[Any] = []
        written: set[int] = set()
        empty = False
        for branch in av[1]:
            found, under, nothing = _last_chars(branch, flags)
            members, written, empty = members + found, written | under, empty or nothing
        return members, written, empty
    if op in _REPEATS:
        found, under, nothing = _last_chars(av[2], flags)
        return found, under, nothing or av[0] == 0
    if op in _ZERO_WIDTH:
        return [], set(), True
    raise _Unknown


def _rare(members: list[Any]) -> bool:
    """True if the class holds no letters, blanks or cased characters (digits, punctuation): the engine
    skips to its characters without leaving C, and they are few."""
    chars: list[str] = []
    for kind, value in members:
        if kind is c.CATEGORY:
            if value is not c.CATEGORY_DIGIT:
                return False
        elif kind is c.LITERAL:
            chars.append(chr(value))
        elif kind is c.RANGE and value[1] - value[0] < _MAX_CHARS:
            chars.extend(map(chr, range(value[0], value[1] + 1)))
        else:
            return False
    return all(not ch.isalpha() and not ch.isspace() and ch.lower() == ch == ch.upper() for ch in chars)


def _scoped(op: Any, av: Any, flags: int, base: int, state: Any) -> tuple[Any, Any]:
    """An item in a group that gives it its flags in a pattern compiled with ``base``."""
    diff = flags ^ base
    if not diff:
        return op, av
    if diff & ~_SCOPED_FLAGS:
        raise _Unknown
    return c.SUBPATTERN, (None, flags & diff, base & diff, parser.SubPattern(state, [(op, av)]))


def _tail_from(items: list[tuple[Any, Any, int]], k: int, base: int, state: Any, *, literal: bool) -> list[Any] | None:
    """The items of a tail starting at item ``k`` (see :func:`tail_pattern`), or None when it cannot start there.

    With ``literal`` only an item that is one caseless character starts one (the engine finds it as fast
    as ``str.find``); else any item that always matches something ending in a :func:`_rare` character.
    """
    op, av, fl = items[k]
    rest = [_scoped(o, a, f, base, state) for o, a, f in items[k + 1:]]
    if parser.SubPattern(state, rest).getwidth()[0] < _MIN_TAIL:
        return None
    if literal:
        caseless = op is c.LITERAL and chr(av).lower() == chr(av) == chr(av).upper()
        return [_scoped(op, av, fl, base, state), *rest] if caseless else None
    members, written, empty = _last_of(op, av, fl)
    if empty or len(written) != 1 or not members or not _rare(members):
        return None
    if parser.SubPattern(state, [(op, av)]).getwidth()[0] < 1:
        return None
    return [_scoped(c.IN, members, written.pop(), base, state), *rest]


def tail_pattern(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    """A regular expression found in every text ``pattern`` matches, cheap to search for, or None.

    It is the pattern from a mandatory item on: the first one that is a single caseless character
    ("-" in "\\d{4}-\\d\\d"), else the first that always ends in a digit or punctuation, replaced by the
    class of its last character (the search skips to those in C). The rest follows as written and must
    match at least ``_MIN_TAIL`` characters; None when there is no such item.

    >>> tail_pattern(r"(?:on\\s+)?(?P<d>[12]\\d|3[01]|[1-9])\\s+May", re.IGNORECASE).search("on 3 May") is not None
    True
    >>> tail_pattern(r"(?:in\\s+)?(?:19|20)\\d\\d") is None  # nothing after the year
    True
    """
    parsed = parser.parse(pattern, flags)
    base, state = parsed.state.flags, parsed.state
    if _has_backrefs(parsed):
        return None
    items = _flatten(parsed, base)
    for literal in (True, False):
        for k in range(len(items)):
            try:
                tail = _tail_from(items, k, base, state, literal=literal)
                if tail is not None:
                    return compiler.compile(parser.SubPattern(state, tail), base)
            except (_Unknown, re.error, RecursionError):
                continue
    return None


def needs(pattern: str, flags: int = 0) -> Need:
    """What every match of ``pattern`` needs in a text: its :func:`required` literals and its
    :func:`tail_pattern` (looked for only in texts that have the literals)."""
    tail = tail_pattern(pattern, flags)
    return _combine("all", [required(pattern, flags), ("re", tail) if tail is not None else None])


_Check = Callable[[str, "str | None", list["bool | None"]], bool]


# The loops below are not any()/all() of a generator: they run for every rule and text, and a
# generator costs more than the test it makes (a third of the screen's time).


def _contains(where: str | None, strings: tuple[str, ...]) -> bool:
    if where is None:  # the text was not lower-cased: lower-cased strings count as found
        return True
    for s in strings:  # noqa: SIM110
        if s in where:
            return True
    return False


def _checker(need: tuple[Any, ...], leaves: dict[tuple[Any, ...], int]) -> _Check:
    """A function of (text, lower-cased text or None, memo of the leaves) telling whether ``need`` holds."""
    kind = need[0]
    if kind == "re":
        search = need[1].search
        return lambda text, low, memo: search(text) is not None
    if kind == "any":
        index = leaves.setdefault(need, len(leaves))
        _, fold, strings = need

        def found(text: str, low: str | None, memo: list[bool | None]) -> bool:
            hit = memo[index]
            if hit is None:
                hit = memo[index] = _contains(low if fold else text, strings)
            return hit

        return found
    parts = [_checker(n, leaves) for n in need[1]]

    def every(text: str, low: str | None, memo: list[bool | None]) -> bool:
        for part in parts:  # noqa: SIM110
            if not part(text, low, memo):
                return False
        return True

    def some(text: str, low: str | None, memo: list[bool | None]) -> bool:
        for part in parts:  # noqa: SIM110
            if part(text, low, memo):
                return True
        return False

    return every if kind == "all" else some


class Screen:
    """Tells, for a text, which of several patterns can match it, from what they need (:func:`needs`).

    Args:
        needs: One condition per pattern (None: the pattern is always run).
        fold_chars: The characters that case folding turns into ASCII ones: a text holding one is not
            searched for lower-cased literals (they count as found).
    """

    def __init__(self, needs: list[Need], fold_chars: str = FOLDS_TO_ASCII) -> None:
        self.needs = needs
        self._leaves: dict[tuple[Any, ...], int] = {}
        self._checks = [None if n is None else _checker(n, self._leaves) for n in needs]
        self._fold_chars = re.compile(f"[{re.escape(fold_chars)}]") if fold_chars else None

    def possible(self, text: str) -> list[bool]:
        """For each pattern, False when it cannot match ``text`` (True when it may)."""
        folds = self._fold_chars is not None and not text.isascii() and self._fold_chars.search(text)
        low = None if folds else text.lower()
        memo: list[bool | None] = [None] * len(self._leaves)
        return [check is None or check(text, low, memo) for check in self._checks]
