"""Time expressions: find them in text and resolve them against the article's dateline.

The rules live in :mod:`kg.timex_rules`, the word classes they are built from in
:mod:`kg.timex_lexicon` and ontology/patterns/timex.jsonl. This module is the public side:

* :func:`find_times` runs every rule over a text (skipping those whose words or digits the text lacks, see
  :class:`kg.refirst.Screen`, and searching from word starts, see :func:`kg.refirst.word_start_matches`) and
  keeps the longest non-overlapping matches;
* :func:`resolve` resolves one expression (the first rule that accepts it wins);
* :func:`clause_tense` reads the tense of the clause around an expression ("will meet on
  Friday" is the coming Friday, "met on Friday" the last one);
* :func:`resolve_in_text` resolves a whole text in order, carrying a *reference time*: the
  last resolved date is the anchor of "the next day" and kin, and within a paragraph the
  year of the last date written with a year is the year of later dates written without one;
* :class:`ArticleTimes` resolves an article once and gives each claim the time expression of
  its sentence that best fits its trigger (the relation stage's time finder).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache

from .config import DEFAULT_ONTOLOGY_DIR
from .records import Article, TimeValue
from .refirst import FOLDS_TO_ASCII, word_start_matches
from .resources import Resources, load_pattern_rows
from .timex_lexicon import UNITS, Lexicon
from .timex_rules import Ctx, compiled, screen, searchers

logger = logging.getLogger(__name__)

PATTERN_NAME = "timex"
#: Penalty (in characters of distance) of a vague span against an exact value in :class:`ArticleTimes`.
VAGUE_PENALTY = 60
#: Characters on either side of a time expression searched for the tense of its clause.
CLAUSE_WINDOW = 200
_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_PARAGRAPH = re.compile(r"\n\s*\n")
_STOP = re.compile(r"[.;:!?\"“”«»]")
_ANCHOR_UNITS = ("day", "month", "year")
#: The non-ASCII letters ``re.IGNORECASE`` matches with ASCII ones (İ, ı, ſ, the Kelvin sign), as those
#: ASCII letters of the same case: the rules' handlers look matched words up in ASCII word lists.
_TO_ASCII = str.maketrans(dict(zip(FOLDS_TO_ASCII, "IisK", strict=True)))
_FOLDS = re.compile(f"[{FOLDS_TO_ASCII}]")


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon of the default ontology folder (used when no lexicon is given)."""
    path = DEFAULT_ONTOLOGY_DIR / "patterns" / f"{PATTERN_NAME}.jsonl"
    return Lexicon(load_pattern_rows(path), str(path))


def lexicon_of(resources: Resources) -> Lexicon:
    """The lexicon of a loaded ontology folder.

    Raises:
        PatternError: a row of its timex.jsonl is invalid.
    """
    return Lexicon(resources.pattern_rows(PATTERN_NAME), f"{resources.root}/patterns/{PATTERN_NAME}.jsonl")


def ascii_folded(text: str) -> str:
    """``text`` with the letters case folding matches with ASCII ones replaced by those (same length).

    >>> ascii_folded("laſt week, thıs month")
    'last week, this month'
    """
    if text.isascii() or _FOLDS.search(text) is None:
        return text
    return text.translate(_TO_ASCII)


def find_times(text: str, lexicon: Lexicon | None = None) -> list[tuple[int, int, str]]:
    """Spans of time expressions, longest first, non-overlapping, in text order.

    Args:
        text: A sentence or paragraph.
        lexicon: Word classes; the default ontology's when None.

    Returns:
        ``(begin, end, surface)`` triples with ``text[begin:end] == surface``.

    >>> find_times("On Friday, 32 Russians were held; Belarus may join in May 2021.")
    [(0, 9, 'On Friday'), (51, 62, 'in May 2021')]
    >>> find_times("Crimea 2.0, the G20, Minsk-2 and 300 km of border")
    []
    """
    lex = lexicon or default_lexicon()
    found: list[tuple[int, int, int]] = []
    scan = ascii_folded(text)  # "laſt week" is read as "last week"; the offsets stay
    possible = screen(lex).possible(scan)
    faster = searchers(lex)
    for index, (pattern, handler) in enumerate(compiled(lex)):
        if not possible[index]:
            continue  # the text lacks the words the rule needs
        for m in word_start_matches(pattern, faster[index], scan):
            if m.end() > m.start() and handler(m, Ctx(m.group(0), None), lex) is not None:
                found.append((m.start(), m.end(), index))
    chosen: list[tuple[int, int]] = []
    for begin, end, _ in sorted(found, key=lambda f: (f[0] - f[1], f[0], f[2])):
        if all(end <= b or begin >= e for b, e in chosen):
            chosen.append((begin, end))
    return [(b, e, text[b:e]) for b, e in sorted(chosen)]


def resolve(expr: str, published: date | None, *, context_year: int | None = None,
            anchor: date | Mapping[str, tuple[date, str]] | None = None, tense: str | None = None,
            lexicon: Lexicon | None = None) -> TimeValue | None:
    """Resolve one time expression.

    Args:
        expr: The expression, e.g. a surface from :func:`find_times`.
        published: The article's publication date (dateline) for relative expressions.
        context_year: Year for a date written without one ("on 14 August"); defaults to
            the dateline's year (moved by ``tense``).
        anchor: The previous date of the text, for "the next day" and kin: a day, or a map
            from unit ("day", "month", "year") to the latest ``(date, precision)`` usable for it.
        tense: ``"future"`` or ``"past"`` when the clause says so (see :func:`clause_tense`).
        lexicon: Word classes; the default ontology's when None.

    Returns:
        The value, or None if ``expr`` is not a time expression.

    >>> resolve("on Friday", date(2020, 8, 17)).value
    '2020-08-14'
    >>> resolve("on Friday", date(2020, 8, 17), tense="future").value
    '2020-08-21'
    >>> tv = resolve("at the end of last month", date(2020, 8, 17))
    >>> tv.value, tv.precision, tv.earliest, tv.latest
    ('2020-07', 'month', '2020-07-21', '2020-07-31')
    >>> resolve("Belarus may join", date(2020, 8, 17)) is None
    True
    """
    lex = lexicon or default_lexicon()
    if isinstance(published, datetime):
        published = published.date()
    anchors = {u: (anchor, "day") for u in _ANCHOR_UNITS} if isinstance(anchor, date) else anchor
    text = expr.strip()
    ctx = Ctx(text, published, context_year, dict(anchors) if anchors else None, tense)
    scan = ascii_folded(text)  # "laſt week" is read as "last week"
    for pattern, handler in compiled(lex):
        m = pattern.fullmatch(scan)
        if m and (value := handler(m, ctx, lex)) is not None:
            return value
    logger.debug("not a time expression: %r", expr)
    return None


def clause_tense(text: str, begin: int, end: int, lexicon: Lexicon | None = None) -> str | None:
    """Tense of the clause holding ``text[begin:end]``: the nearest ``FUTURE`` or ``PAST`` cue decides.

    The clause ends at sentence punctuation, quotes and ``CLAUSE_BOUNDARY`` words ("that",
    "which", "but", ...); a lower-case word with a ``PAST`` suffix ("announced") is a past cue.

    Returns:
        ``"future"``, ``"past"`` or None when the clause has no cue.

    >>> s = "Lukashenko said on Friday that Minsk will respond."
    >>> clause_tense(s, 16, 25)
    'past'
    >>> s = "The envoys will meet in Vilnius on Friday."
    >>> clause_tense(s, 32, 41)
    'future'
    """
    lex = lexicon or default_lexicon()
    future, past, boundary = lex.future, lex.past, lex.boundary
    left, right = max(0, begin - CLAUSE_WINDOW), min(len(text), end + CLAUSE_WINDOW)
    lo = max([m.end() for p in (_STOP, boundary) for m in p.finditer(text, left, begin)] + [left])
    hi = min([m.start() for p in (_STOP, boundary) for m in p.finditer(text, end, right)] + [right])
    best: tuple[int, str] | None = None
    for tense, pattern in (("future", future), ("past", past)):
        for m in pattern.finditer(text, lo, hi):
            if m.end() <= begin or m.start() >= end:
                distance = begin - m.end() if m.end() <= begin else m.start() - end
                best = min(best or (distance, tense), (distance, tense))
    return best[1] if best else None


def _in(spans: Sequence[tuple[int, int]], begin: int, end: int) -> bool:
    return any(b <= begin and end <= e for b, e in spans)


def resolve_in_text(text: str, published: date | None, *, skip: Sequence[tuple[int, int]] = (),
                    lexicon: Lexicon | None = None) -> list[tuple[int, int, TimeValue]]:
    """Find and resolve every time expression of ``text``, in order.

    The last resolved date is the anchor of "the next day"-type expressions (a day for
    days, a day or month for months, any for years). Within a paragraph the year of the last
    date written with a year is the year of later dates without one. Each expression is read
    with the tense of its clause.

    Args:
        text: A sentence, paragraph or whole article.
        published: The dateline.
        skip: Ranges of ``text`` (header lines, boilerplate) whose expressions are ignored.
        lexicon: Word classes; the default ontology's when None.

    >>> [(s, tv.value) for s, _, tv in resolve_in_text("On 8 August 2008 war broke out; "
    ...  "on 12 August a truce was agreed and the next day signed.", date(2019, 2, 8))]
    [(0, '2008-08-08'), (32, '2008-08-12'), (68, '2008-08-13')]
    """
    lex = lexicon or default_lexicon()
    out: list[tuple[int, int, TimeValue]] = []
    anchors: dict[str, tuple[date, str]] = {}
    year: int | None = None
    year_at = 0
    breaks = [m.start() for m in _PARAGRAPH.finditer(text)]
    for begin, end, surface in find_times(text, lex):
        if _in(skip, begin, end):
            continue
        if year is not None and any(year_at < b < begin for b in breaks):
            year = None  # a paragraph break ends the context year
        tv = resolve(surface, published, context_year=year, anchor=anchors, tense=clause_tense(text, begin, end, lex),
                     lexicon=lex)
        if tv is None:
            continue
        out.append((begin, end, tv))
        if tv.value and tv.precision in _ANCHOR_UNITS:
            d = date.fromisoformat(tv.value + {"day": "", "month": "-01"}.get(tv.precision, "-01-01"))
            anchors.update({u: (d, tv.precision) for u in _ANCHOR_UNITS if UNITS.index(u) >= UNITS.index(tv.precision)})
            if tv.precision != "year" and _HAS_YEAR.search(surface):
                year, year_at = d.year, begin
    return out


class ArticleTimes:
    """The relation stage's time finder: resolves an article once, then answers per sentence.

    Args:
        lexicon: Word classes; the default ontology's when None.
    """

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or default_lexicon()
        self._last: tuple[Article, list[tuple[int, int, TimeValue]]] | None = None

    def resolved(self, article: Article) -> list[tuple[int, int, TimeValue]]:
        """Every time expression of the article's cleaned text (cached for the last article)."""
        if self._last is None or self._last[0] is not article:
            published = date.fromisoformat(article.published) if article.published else None
            self._last = (article, resolve_in_text(article.text, published, skip=article.skip, lexicon=self.lexicon))
        return self._last[1]

    def __call__(self, sentence: str, article: Article, trigger: int, start: int | None = None) -> TimeValue | None:
        """The time expression of a sentence that best fits the trigger at offset ``trigger``.

        English time adverbials mostly follow the verb phrase, so expressions after the
        trigger are preferred, and exact values over vague spans.

        Args:
            sentence: The sentence text (a slice of ``article.text``).
            article: Its article.
            trigger: Offset of the trigger in the sentence.
            start: Offset of the sentence in ``article.text``; found by search when None.
        """
        if start is None:
            start = article.text.find(sentence)
        if start < 0:  # not a slice of the article: resolve it alone
            published = date.fromisoformat(article.published) if article.published else None
            found = resolve_in_text(sentence, published, lexicon=self.lexicon)
        else:
            found = [(b - start, e - start, v) for b, e, v in self.resolved(article)
                     if start <= b and e <= start + len(sentence)]
        scored = [(((b - trigger) if b >= trigger else 2 * (trigger - e) + 1) + (0 if v.value else VAGUE_PENALTY), v)
                  for b, e, v in found if v.value or v.earliest]
        return min(scored, key=lambda x: x[0])[1] if scored else None
