"""A first-character lookahead in front of a regular expression never changes what it matches."""

from __future__ import annotations

import random
import re

import pytest

from kg.refirst import first_chars, with_first_chars
from kg.textclean import _MARKUP
from kg.timex import compiled, default_lexicon
from kg.timex_rules import _RULES

PATTERNS = [
    (r"(?:\b(?P<prep>in|on|since)\s+)?(?:(?P<part>early|late)[-\s]+)?(?-i:(?P<mon>May|June))\b", re.IGNORECASE),
    (r"(?:the\s+)?(?P<n>\d+|two|three)\s+(?:days?|weeks?)\s+(?:ago|later)", re.IGNORECASE),
    (r"(?<![\w.])(?:19|20)\d\d(?!\d)", 0),
    (r"[A-Z][a-z]*(?:-[A-Z][a-z]+)*", 0),
    (r"k+m", re.IGNORECASE),  # "K" (Kelvin sign) folds to "k" under IGNORECASE: the lookahead must too
]


def _texts() -> list[str]:
    rng = random.Random(7)
    alphabet = "aeikmnostMJKK\u212a 0129-.,\n"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    return texts + ["Since May 2021, and in early June; 3 days later, two weeks ago. Kinshasa-Goma 1999 \u212am."]


#: the time expression rules as written, before kg puts the lookahead in front
TIMEX = [(p, re.IGNORECASE) for build, _ in _RULES for p in build(default_lexicon())]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS + TIMEX)
def test_the_lookahead_keeps_every_match(pattern: str, flags: int) -> None:
    plain = re.compile(pattern, flags)
    fast = re.compile(with_first_chars(pattern, flags), flags)
    assert fast.pattern != pattern or first_chars(pattern, flags) is None
    for text in _texts():
        want = [(m.span(), m.groupdict(), m.groups()) for m in plain.finditer(text)]
        assert [(m.span(), m.groupdict(), m.groups()) for m in fast.finditer(text)] == want, text


def test_first_characters_are_worked_out_or_left_alone() -> None:
    assert first_chars(r"(?:\b(?:in|on)\s+)?(?:May|June)\b") == frozenset("ioMJ")
    assert first_chars(r"\d{2}|x") == frozenset("0123456789x")
    assert first_chars(r"\w+") is None  # too many
    assert first_chars(r"a?") is None  # can match the empty string
    assert with_first_chars(r"\w+b") == r"\w+b"
    assert with_first_chars(r"(?:a|b)c").startswith("(?=[ab])")
    # the timex rules all get one
    assert all(p.pattern.startswith("(?=[") for p, _ in compiled(default_lexicon()))


def test_markup_scanner_finds_what_it_found_without_its_lookahead() -> None:
    body = _MARKUP.pattern.split("(?:", 1)[1].rsplit(")", 1)[0]  # the alternatives, without the lookahead
    plain = re.compile(body, _MARKUP.flags)
    rng = random.Random(3)
    alphabet = "ab *_#<>&;![]()`\\\n\t -x1/\"'"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        assert ([(m.span(), m.lastgroup) for m in _MARKUP.finditer(text)]
                == [(m.span(), m.lastgroup) for m in plain.finditer(text)]), text
