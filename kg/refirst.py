"""Give a regular expression a lookahead for the characters its matches can start with.

Python's ``re`` tries every alternative of a pattern at every position of the text. A
pattern that opens with optional groups (``(?:\\b(?P<prep>in|on|since)\\s+)?…``) gets no
help from the engine's own first-character check, and searching a long article with it
costs a full attempt per character. :func:`with_first_chars` reads the parsed pattern,
works out which characters a match can start with and, when that set is known and small,
puts it in front as ``(?=[…])``: positions that cannot start a match fail at once, and
the matches are exactly the same (the lookahead accepts every character a match can
start with).
"""

from __future__ import annotations

import re
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser as parser  # type: ignore[attr-defined]
from typing import Any

__all__ = ["first_chars", "with_first_chars"]

#: Above this many distinct first characters a lookahead saves too little.
_MAX_CHARS = 80
_DIGITS = frozenset("0123456789")
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
                chars |= _DIGITS
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
    unknown (a construct not handled, or the pattern can match the empty string).

    >>> sorted(first_chars(r"(?:\\b(?:in|on)\\s+)?(?:May|June)\\b"))
    ['J', 'M', 'i', 'o']
    >>> first_chars(r"\\w+") is None
    True
    """
    try:
        chars, empty = _first(parser.parse(pattern, flags))
    except _Unknown:
        return None
    return None if empty else frozenset(chars)


def with_first_chars(pattern: str, flags: int = 0) -> str:
    """``pattern`` behind a lookahead for its first characters, or unchanged when they are unknown or many.

    The lookahead is compiled with the same flags, so under ``re.IGNORECASE`` it folds case as the
    pattern does; a case-sensitive part inside (``(?-i:…)``) only makes the lookahead accept more.
    """
    if flags & re.VERBOSE:
        return pattern  # whitespace and comments would change meaning in a joined pattern
    chars = first_chars(pattern, flags)
    if chars is None or len(chars) > _MAX_CHARS:
        return pattern
    lookahead = "".join(re.escape(ch) if ch not in "-]\\^" else "\\" + ch for ch in sorted(chars))
    return f"(?=[{lookahead}])(?:{pattern})"
