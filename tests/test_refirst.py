"""A first-character lookahead in front of a regular expression never changes what it matches."""

from __future__ import annotations

import random
import re
from re import _compiler  # type: ignore[attr-defined]
from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found]

import pytest

from kg import timex
from kg.refirst import (
    FOLDS_TO_ASCII,
    Screen,
    first_chars,
    required,
    with_first_chars,
    word_start_matches,
    word_start_searcher,
)
from kg.textclean import _MARKUP
from kg.timex import compiled, default_lexicon
from kg.timex_rules import _RULES
from kg.timex_rules import screen as timex_screen

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


# --- literals a match needs (the screen find_times runs before each rule) ---------------------------------

#: every code point, for the brute-force checks of case folding
_ALL = "".join(map(chr, range(0x110000)))
_sre = _compiler._sre


def test_folds_to_ascii_lists_every_character_ignorecase_matches_with_an_ascii_one() -> None:
    folding = set()
    for ch in map(chr, range(128)):
        folding.update(x for x in re.compile(re.escape(ch), re.IGNORECASE).findall(_ALL) if not x.isascii())
    assert folding == set(FOLDS_TO_ASCII)
    assert {x for x in re.compile(r"[\x00-\x7f]", re.IGNORECASE).findall(_ALL) if not x.isascii()} == folding


def test_a_caseless_character_matches_only_itself_under_ignorecase() -> None:
    """What the screen assumes of the non-ASCII characters it looks for in the lower-cased text."""
    caseless = {c for c in range(128, 0x110000) if chr(c).lower() == chr(c) == chr(c).upper()}
    # re compiles a character it does not count as cased to an exact comparison ...
    assert not any(map(_sre.unicode_iscased, caseless))
    # ... and compares a text character with a class under IGNORECASE by its lower case (and the extra cases)
    lowered = {low for c in range(0x110000) if (low := _sre.unicode_tolower(c)) != c}
    assert lowered.isdisjoint(caseless)
    assert caseless.isdisjoint(set(_EXTRA_CASES).union(*_EXTRA_CASES.values()))
    for ch in "\u2019\u2013\u2014\u20ac\u00a3\u00b0\u0663":
        assert re.compile(f"[a{re.escape(ch)}]", re.IGNORECASE).findall(_ALL) == ["A", "a", ch]
        assert re.compile(re.escape(ch), re.IGNORECASE).findall(_ALL) == [ch]


def test_required_literals() -> None:
    assert required(r"(?:in\s+)?(?-i:May|June)\s+\d+\s+(?:days?|weeks?)\s+ago", re.IGNORECASE) == (
        "all", (("any", False, ("June", "May")), ("any", True, ("day", "week")), ("any", True, ("ago",))))
    assert required(r"(?:the\s+)?(?:a|bc)?\d+") is None  # nothing mandatory but a digit (of any script)
    assert required(r"x(?P<g>[12]\d)['’]s", re.IGNORECASE) == (
        "all", (("any", True, ("x1", "x2")), ("any", True, ("'s", "’s"))))
    assert required(r"\d0['’]?s", re.IGNORECASE) == ("any", True, ("0's", "0s", "0’s"))
    assert required(r"\u212a\u00e9|ok", re.IGNORECASE) is None  # cased non-ASCII letters are not looked for
    assert required(r"(?-i:\u00c9t\u00e9)|ab", re.IGNORECASE) == ("or", (("any", False, ("\u00c9t\u00e9",)),
                                                                       ("any", True, ("ab",))))


def _adversarial(words: list[str], seed: int, count: int) -> list[str]:
    """Texts of the given words with their case changed, letters swapped for ones that fold to them under
    ``re.IGNORECASE`` (Kelvin sign, long s, dotted and dotless i), digits of other scripts, and markup."""
    rng = random.Random(seed)
    odd = {"k": "\u212a", "s": "\u017f", "i": "\u0131", "I": "\u0130", "K": "\u212a", "S": "\u017f"}
    extra = ["\u0663", "\u0661\u0669\u0669\u0660", "\uff11", "\u00e9", "\u03a3", "\u00df", "\n\n", ", ", "-", "–",
             "’", "<b>", "&amp;", "*", "1", "12", "1990", "2021", "1990s", "2014-08-12", "14.08.2020", "3 days"]

    def word() -> str:
        w = rng.choice(words) if rng.random() < 0.85 else rng.choice(extra)
        w = rng.choice([w, w, w.upper(), w.lower(), w.title(), w.swapcase()])
        if rng.random() < 0.3:
            w = "".join(odd.get(ch, ch) if rng.random() < 0.5 else ch for ch in w)
        if rng.random() < 0.3:  # Arabic-Indic, Devanagari and fullwidth digits: \d matches them too
            w = "".join(chr(rng.choice((0x660, 0x966, 0xFF10)) + int(ch)) if ch.isdigit() and rng.random() < 0.5
                        else ch for ch in w)
        return w

    return ["".join(word() + rng.choice([" ", " ", "", "\n", "  "]) for _ in range(rng.randint(1, 12)))
            for _ in range(count)]


def _screen_misses(patterns: list[re.Pattern[str]], screen: Screen, texts: list[str]) -> list[tuple[int, str]]:
    """The (rule, text) pairs the screen rules out although the rule matches the text."""
    return [(i, text) for text in texts
            for i, (pattern, possible) in enumerate(zip(patterns, screen.possible(text), strict=True))
            if not possible and pattern.search(text)]


def _rule_words() -> list[str]:
    lex = default_lexicon()
    return [*lex.month_names, *lex.month_abbreviations, *lex.weekday_names, *lex.numbers, *lex.vague, *lex.deictic,
            *lex.relative, *lex.span, *lex.span_adverbs, *lex.anchor_adjectives, *lex.anchor_adverbs, *lex.parts,
            *lex.sets["PREPOSITION"], *lex.sets["AGO"], *lex.sets["DAY_PART"], "day", "days", "week", "weeks", "month",
            "months", "year", "years", "decade", "1990s", "80's", "the", "of", "to", "and"]


def test_the_screen_never_rules_out_a_text_a_timex_rule_matches() -> None:
    lex = default_lexicon()
    patterns = [p for p, _ in compiled(lex)]
    texts = _adversarial(_rule_words(), 11, 6000)
    assert _screen_misses(patterns, timex_screen(lex), texts) == []
    # the check can fail: a screen that looked in the lower-cased text of every text would miss "laſt week"
    # (the long s folds to "s" under IGNORECASE, but not under str.lower)
    careless = Screen(timex_screen(lex).needs, fold_chars="")
    assert _screen_misses(patterns, careless, ["la\u017ft week", "thi\u017f month"])


def _times_or_error(text: str) -> object:
    """find_times of a text, or the error it raises (the handlers look up "laſt" and kin, folded by IGNORECASE,
    in word lists that do not hold them)."""
    try:
        return timex.find_times(text, default_lexicon())
    except KeyError as exc:
        return repr(exc)


def test_find_times_with_and_without_the_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    lex = default_lexicon()
    texts = _adversarial(_rule_words(), 12, 2000)
    screened = [_times_or_error(text) for text in texts]
    monkeypatch.setattr(timex, "screen", lambda lexicon: Screen([None] * len(compiled(lexicon))))
    assert [_times_or_error(text) for text in texts] == screened
    assert sum(len(t) for t in screened if isinstance(t, list)) > 500  # the texts do hold time expressions ...
    assert sum(not p for text in texts for p in timex_screen(lex).possible(text)) > 10000  # ... and rules are skipped


def test_the_lookahead_lets_every_scripts_digits_through() -> None:
    # \d matches Arabic-Indic and Devanagari digits: the lookahead must too, or "٣ days ago" is lost
    for pattern in (r"\d+\s+days", r"(?:in\s+)?\d{1,2}(?:st|nd)?\s+May"):
        fast = re.compile(with_first_chars(pattern, re.IGNORECASE), re.IGNORECASE)
        for text in ("left ٣ days ago", "left ३ days ago", "on ١٤ May", "left 3 days ago"):
            plain = re.compile(pattern, re.IGNORECASE)
            assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def _word_start_texts() -> list[str]:
    """Random texts with word characters of every kind next to where a match could start: letters that fold
    to ASCII ones, an underscore, accented letters, other scripts' digits."""
    rng = random.Random(11)
    pieces = ["in ", "on ", "May", "may", "June", "early", "mid-", "3", "12 ", "1999", "\u0663", "_", "x",
              "\u00e9", "\u017f", "\u0131", "\u0130", "\u212a", "K", "km", "days ago", " ", "\n", "-", ".", ","]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(3000)] + _texts()


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS + TIMEX)
def test_word_start_search_finds_what_finditer_finds(pattern: str, flags: int) -> None:
    anchored = rf"\b(?:{pattern})"
    plain = re.compile(anchored, flags)
    fast = re.compile(with_first_chars(anchored, flags), flags)
    searcher = word_start_searcher(pattern, flags)
    assert searcher is not None or first_chars(pattern, flags) is None
    for text in _word_start_texts():
        want = [(m.span(), m.groupdict(), m.groups()) for m in plain.finditer(text)]
        got = [(m.span(), m.groupdict(), m.groups()) for m in word_start_matches(fast, searcher, text)]
        assert got == want, text


def test_word_start_searcher_is_made_only_where_it_is_exact() -> None:
    assert all(word_start_searcher(p, f) is not None for p, f in TIMEX)  # every timex rule gets one
    assert word_start_searcher(r"\w+x") is None  # first characters unknown
    assert word_start_searcher(r"-\d+") is None  # a match may start with a character that is not a word one
    assert word_start_searcher(r"(?:é|e)t") is None  # not ASCII: its case variants are not worked out here
    assert word_start_searcher(r"ab", re.VERBOSE) is None
    assert word_start_searcher(r"(?i)ab") is None  # global inline flags cannot stand inside its group
    # under IGNORECASE the class holds every case of the first characters, the Kelvin sign for "k" too
    kelvin = word_start_searcher(r"km", re.IGNORECASE)
    assert kelvin is not None and kelvin.search("5 \u212am").start() == 2
    # a match may start right where the last one ended
    dots = re.compile(r"\b(?:\d+\.)")
    assert [m.group() for m in word_start_matches(dots, word_start_searcher(r"\d+\."), "1.2.3.")] == ["1.", "2.", "3."]
