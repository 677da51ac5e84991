"""Time expressions: find them in text and resolve them against the article's dateline.

Pure functions over strings (no spaCy). Every rule is one regular expression plus a
handler; :func:`find_times` runs them all and keeps the longest non-overlapping
matches, :func:`resolve` runs them on one expression (first rule that accepts wins).
The word lists below are English grammar (month, weekday and number names), not
domain cues, so they live here rather than in ontology/.

Rules (ONTOLOGY.md §2.8 and §11 item 9):

* Spans keep a leading preposition (in, on, at, over, since, by, ...).
* Month and weekday names must be capitalised; a bare month needs a preposition or a
  part word ("in May", "mid-May"), so "Belarus may join" and "March on Minsk" are not
  dates. A date without a year takes ``context_year``, else the dateline's year.
* A bare year (1900-2099) before a lowercase word ("2000 troops") is a count unless a
  time preposition (:data:`YEAR_PREPOSITIONS`) precedes it.
* Thirds rule: early/mid/late (and "the beginning/middle/end of") keep the period's value
  and precision and bound it (:data:`PARTS`): days 1-10 / 11-20 / 21-end of a month,
  Jan-Apr / May-Aug / Sep-Dec of a year, Mon-Tue / Wed-Thu / Fri-Sun, decade years 0-3 / 4-6 / 7-9.
* Weekdays: "(on) Friday" is the latest Friday strictly before the dateline, or the
  dateline itself if it is a Friday; "last Friday" is always before it, "next Friday" after.
* "The next day" and kin count from ``anchor``; a weekday appositive ("the next day,
  Saturday") wins and is resolved against the dateline like any weekday.
* "few", "several", "recent(ly)" and "coming" spans last :data:`FEW` units; weeks run
  Monday to Sunday; "N weeks ago" is the week holding the day N weeks back.
* Names are not times: "the Sunday Times", "Bloody Sunday", "Russia Today".
"""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .records import TimeValue

logger = logging.getLogger(__name__)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MONTH_ABBREVIATIONS = ("Sept", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}
#: Upper length of "a few", "several", "recent" and "the coming" spans, per unit.
FEW = {"day": 7, "week": 4, "month": 6, "year": 5, "decade": 2}
#: Prepositions that make a year out of a four-digit number even before a lowercase word.
YEAR_PREPOSITIONS = frozenset({"in", "since", "until", "till", "during", "throughout", "before", "after"})
#: Lowercase words that may follow a bare year ("2008 and 2012", "2008 was").
YEAR_FOLLOWERS = frozenset({"and", "or", "to", "through", "until", "when", "as", "was", "is", "had", "has",
                            "saw", "the", "a", "an", "in", "on", "at", "by", "for", "with", "after",
                            "before", "against", "but", "while", "onwards", "onward"})
#: Thirds rule: (first, last) day of month, month of year, weekday index, year of decade.
PARTS = {"month": {"early": (1, 10), "mid": (11, 20), "late": (21, 31)},
         "year": {"early": (1, 4), "mid": (5, 8), "late": (9, 12)},
         "week": {"early": (0, 1), "mid": (2, 3), "late": (4, 6)},
         "decade": {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}}
UNRESOLVED = "unresolved: no publication date"

_PREP = r"(?:\b(?P<prep>in|on|at|over|during|throughout|since|until|till|by|from|before|after)\s+)?"
_PART = r"(?P<part>early|mid|late|(?:the\s+)?(?:end|beginning|start|middle)\s+of)(?:-|\s+)"
_MON = (rf"(?-i:(?P<mon>(?:{'|'.join(MONTHS)})\b|(?:{'|'.join(MONTH_ABBREVIATIONS)})(?:\.|\b)))")
_DAY = r"(?<!\d)(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
_NOT_NUMBER_AFTER = r"(?![\w%]|[.,:/–-]\d)"
_Y4 = r"(?P<y>(?:19|20)\d\d)(?!\d)"
_YEAR = _Y4 + _NOT_NUMBER_AFTER


def _wd(name: str) -> str:
    return rf"(?-i:(?P<{name}>{'|'.join(WEEKDAYS)}))\b"


def _num(name: str) -> str:
    words = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    return rf"\b(?P<{name}>\d{{1,3}}|a\s+few|a\s+couple\s+of|several|few|{words})\b"


@dataclass(frozen=True, slots=True)
class _Ctx:
    text: str
    published: date | None
    context_year: int | None = None
    anchor: date | None = None


Handler = Callable[[re.Match[str], _Ctx], TimeValue | None]
_RULES: list[tuple[re.Pattern[str], Handler]] = []


def _rule(*patterns: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _RULES.extend((re.compile(p, re.IGNORECASE), fn) for p in patterns)
        return fn
    return register


def _tv(ctx: _Ctx, value: str | None, precision: str, why: str | None = None,
        lo: date | None = None, hi: date | None = None) -> TimeValue:
    return TimeValue(value, precision, ctx.text, why, lo.isoformat() if lo else None,
                     hi.isoformat() if hi else None)


def _dateline(p: date) -> str:
    return f"the dateline {WEEKDAYS[p.weekday()]} {p.isoformat()}"


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _shift(d: date, unit: str, n: int) -> date:
    """``d`` moved by ``n`` units; month arithmetic clamps the day (31 Mar - 1 month = 29 Feb)."""
    if unit in ("day", "week"):
        return d + timedelta(days=n * (7 if unit == "week" else 1))
    y, m = divmod(d.year * 12 + d.month - 1 + n * {"month": 1, "year": 12, "decade": 120}[unit], 12)
    end = _month_end(y, m + 1)
    return end.replace(day=min(d.day, end.day))


def _period(unit: str, p: date, offset: int) -> tuple[date, date]:
    """First and last day of the calendar week/month/year ``offset`` periods from ``p``."""
    if unit == "week":
        monday = p - timedelta(days=p.weekday()) + timedelta(weeks=offset)
        return monday, monday + timedelta(days=6)
    if unit == "month":
        first = _shift(p.replace(day=1), "month", offset)
        return first, _month_end(first.year, first.month)
    return date(p.year + offset, 1, 1), date(p.year + offset, 12, 31)


def _part_key(part: str) -> str:
    low = part.lower()
    if low in ("earlier", "later"):
        return low
    if "mid" in low:
        return "mid"
    return "early" if low.startswith("early") or "beginning" in low or "start" in low else "late"


def _part_range(unit: str, lo: date, key: str) -> tuple[date, date]:
    a, b = PARTS[unit][key]
    if unit == "month":
        end = _month_end(lo.year, lo.month)
        return lo.replace(day=a), end.replace(day=min(b, end.day))
    if unit == "year":
        return date(lo.year, a, 1), _month_end(lo.year, b)
    if unit == "week":
        return lo + timedelta(days=a), lo + timedelta(days=b)
    return date(lo.year + a, 1, 1), date(lo.year + b, 12, 31)


def _count(word: str, unit: str) -> tuple[int, int]:
    w = " ".join(word.lower().split())
    if w.isdigit():
        return int(w), int(w)
    if w in ("few", "a few", "several"):
        return 2, FEW[unit]
    return (2, 2) if w == "a couple of" else (NUMBER_WORDS[w], NUMBER_WORDS[w])


def _implied_year(ctx: _Ctx) -> tuple[int | None, str]:
    if ctx.context_year is not None:
        return ctx.context_year, f"year {ctx.context_year} taken from the context"
    if ctx.published is not None:
        return ctx.published.year, f"year taken from {_dateline(ctx.published)}"
    return None, UNRESOLVED


# --- absolute dates -------------------------------------------------------------------

def _month_no(name: str) -> int:
    return [mo[:3].lower() for mo in MONTHS].index(name[:3].lower()) + 1


_WD_PREFIX = rf"(?:{_wd('wd')},?\s+(?:the\s+)?)?"


@_rule(_PREP + r"(?<![\d-])(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)(?![\d-])",
       _PREP + r"(?<![\d.])(?P<d>\d{1,2})\.(?P<mo>\d{1,2})\.(?P<y>(?:19|20)\d\d)(?!\.?\d)",
       _PREP + _WD_PREFIX + _DAY + r"(?:\s+of)?\s+" + _MON + r",?\s+" + _YEAR,
       _PREP + _WD_PREFIX + _MON + r"\s+" + _DAY + r",?\s+" + _YEAR,
       _PREP + _WD_PREFIX + _DAY + r"(?:\s+of)?\s+" + _MON,
       _PREP + _WD_PREFIX + _MON + r"\s+" + _DAY + r"(?![:.]\d)")
def _day_month(m: re.Match[str], ctx: _Ctx) -> TimeValue | None:
    """"2020-08-14", "14.08.2020" (day first), "Aug. 14, 2020", "on 14 August" (year from context)."""
    g = m.groupdict()
    month, day, y = int(g["mo"]) if g.get("mo") else _month_no(g["mon"]), int(g["d"]), g.get("y")
    if y:
        d = _safe_date(int(y), month, day)
        return _tv(ctx, d.isoformat(), "day") if d else None
    if _safe_date(2000, month, day) is None:
        return None
    year, why = _implied_year(ctx)
    d = _safe_date(year, month, day) if year is not None else None
    return _tv(ctx, d.isoformat() if d else None, "day", why)


@_rule(_PREP + rf"(?:{_PART})?" + _MON + r"(?:(?:\s+of)?,?\s+" + _YEAR + ")?")
def _month(m: re.Match[str], ctx: _Ctx) -> TimeValue | None:
    """"in August 2020", "late July 2020", "mid-May": a bare month needs a cue."""
    if not (m["y"] or m["prep"] or m["part"]):
        return None
    month = _month_no(m["mon"])
    year, why = (int(m["y"]), None) if m["y"] else _implied_year(ctx)
    if year is None:
        return _tv(ctx, None, "month", why)
    if not m["part"]:
        return _tv(ctx, f"{year:04d}-{month:02d}", "month", why)
    key = _part_key(m["part"])
    lo, hi = _part_range("month", date(year, month, 1), key)
    why = "; ".join(filter(None, (why, f"{key} part of the month (thirds rule)")))
    return _tv(ctx, f"{year:04d}-{month:02d}", "month", why, lo, hi)


@_rule(_PREP + rf"(?:the\s+)?(?:{_PART}(?:the\s+)?)?(?P<dec>(?:19|20)\d0)['’]?s\b",
       _PREP + _PART + r"(?:of\s+)?" + _YEAR)
def _decade_or_part_year(m: re.Match[str], ctx: _Ctx) -> TimeValue | None:
    """"in the 1990s", "the early 2000s", "in mid-2019", "the end of 2014"."""
    g = m.groupdict()
    unit, start = ("decade", int(g["dec"])) if g.get("dec") else ("year", int(g["y"]))
    key = _part_key(m["part"]) if m["part"] else None
    lo, hi = _part_range(unit, date(start, 1, 1), key) if key else (date(start, 1, 1), date(start + 9, 12, 31))
    return _tv(ctx, str(start), unit, f"{key} part of the {unit} (thirds rule)" if key else None, lo, hi)


@_rule(r"(?:\b(?P<prep>from|between|in|during|over|throughout)\s+)?(?<![\w$€£#.,/+-])" + _Y4
       + r"(?P<sep>\s?[-–]\s?|\s+(?:to|and|until|through)\s+)(?P<y2>(?:19|20)?\d\d)" + _NOT_NUMBER_AFTER)
def _year_range(m: re.Match[str], ctx: _Ctx) -> TimeValue | None:
    """"2008-2012", "1990–91", "from 2014 to 2016" (words need from/between)."""
    if m["sep"].strip() not in "-–" and (m["prep"] or "").lower() not in ("from", "between"):
        return None
    y1, y2 = int(m["y"]), int(m["y2"])
    y2 = y2 if y2 >= 100 else y1 // 100 * 100 + y2
    if not y1 < y2 <= 2099:
        return None
    return _tv(ctx, None, "interval", None, date(y1, 1, 1), date(y2, 12, 31))


@_rule(_PREP + r"(?<![\w$€£#.,/+-])" + _YEAR + r"(?=(?P<next>\s+[a-z]+)?)")
def _year(m: re.Match[str], ctx: _Ctx) -> TimeValue | None:
    """"in 2008", "2008"; not "2000 troops" (a count) unless "in"/"since"/... precedes."""
    nxt = (m["next"] or "").strip()
    if nxt and nxt not in YEAR_FOLLOWERS and (m["prep"] or "").lower() not in YEAR_PREPOSITIONS:
        return None
    return _tv(ctx, m["y"], "year")


# --- relative to the dateline ---------------------------------------------------------

@_rule(_PREP + r"(?P<w>today|yesterday|tomorrow|tonight|this\s+(?:morning|afternoon|evening))\b")
def _deictic_day(m: re.Match[str], ctx: _Ctx) -> TimeValue | None:
    """"today", "yesterday", "tomorrow" (a capitalised one after a word is a name: "Russia Today")."""
    word = m["w"].lower()
    if m["w"][0].isupper() and not m["prep"] and re.search(r"\w\s+$", m.string[: m.start()]):
        return None
    if ctx.published is None:
        return _tv(ctx, None, "day", UNRESOLVED)
    d = ctx.published + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(word, 0))
    return _tv(ctx, d.isoformat(), "day", f"{word.split()[0]} relative to {_dateline(ctx.published)}")


def _weekday_value(ctx: _Ctx, name: str, rel: str = "") -> TimeValue:
    p, wd = ctx.published, WEEKDAYS.index(name.capitalize())
    if p is None:
        return _tv(ctx, None, "day", UNRESOLVED)
    if rel in ("next", "coming", "this coming"):
        d = p + timedelta(days=(wd - p.weekday()) % 7 or 7)
    else:
        d = p - timedelta(days=(p.weekday() - wd) % 7 or (7 if rel in ("last", "past", "this past") else 0))
    return _tv(ctx, d.isoformat(), "day", f"relative weekday resolved against {_dateline(p)}")


@_rule(_PREP + r"(?:the\s+(?P<dir>next|following|previous|preceding)\s+(?:day|morning|afternoon|evening|night)"
       r"|the\s+day\s+(?P<dir2>before|after)|" + _num("n")
       + r"\s+(?P<unit>day|week)s?\s+(?P<dir3>later|earlier|after|afterwards|before))\b"
       + r"(?:,\s+(?:on\s+)?" + _wd("wd") + ")?")
def _anchored(m: re.Match[str], ctx: _Ctx) -> TimeValue | None:
    """"the next day", "the day before", "two days later": counted from ``anchor``."""
    if m["wd"]:
        return _weekday_value(ctx, m["wd"])
    if ctx.anchor is None:
        return _tv(ctx, None, "day", "unresolved: no anchor date")
    word = (m["dir"] or m["dir2"] or m["dir3"]).lower()
    sign = -1 if word in ("previous", "preceding", "before", "earlier") else 1
    unit = (m["unit"] or "day").lower()
    lo, hi = _count(m["n"], unit) if m["n"] else (1, 1)
    why = f"counted from the preceding date {ctx.anchor.isoformat()}"
    if lo == hi:
        return _tv(ctx, _shift(ctx.anchor, unit, sign * lo).isoformat(), "day", why)
    ends = sorted((_shift(ctx.anchor, unit, sign * lo), _shift(ctx.anchor, unit, sign * hi)))
    return _tv(ctx, None, "interval", why, *ends)


@_rule(_PREP + r"(?:(?P<rel>last|next|this\s+past|this\s+coming|this|past|coming)\s+)?" + _wd("wd")
       + r"(?:\s+(?:morning|afternoon|evening|night))?\b")
def _weekday_rule(m: re.Match[str], ctx: _Ctx) -> TimeValue | None:
    """"on Friday", "last Friday", "next Tuesday"; not "the Sunday Times" or "Good Friday" (names)."""
    if not (m["prep"] or m["rel"]) and re.search(r"(?:\b(?:the|a)|[A-Z]\w*)\s+$", m.string[: m.start()]):
        return None
    return _weekday_value(ctx, m["wd"], " ".join((m["rel"] or "").lower().split()))


@_rule(_num("n") + r"(?:\s*(?:or|to|-|–)\s*" + _num("n2") + r")?\s+(?P<unit>day|week|month|year|decade)s?\s+ago\b")
def _ago(m: re.Match[str], ctx: _Ctx) -> TimeValue | None:
    """"three days ago", "a year ago", "20 or 25 years ago" (an interval)."""
    unit = m["unit"].lower()
    lo, hi = _count(m["n"], unit)
    if m["n2"]:
        lo, hi = sorted((lo, _count(m["n2"], unit)[1]))
    precision = "interval" if lo != hi or unit == "week" else {"decade": "year"}.get(unit, unit)
    p = ctx.published
    if p is None:
        return _tv(ctx, None, precision, UNRESOLVED)
    span = f"{lo} to {hi}" if lo != hi else str(lo)
    why = f"{span} {unit}(s) before {_dateline(p)}"
    if lo != hi:
        return _tv(ctx, None, "interval", why, _shift(p, unit, -hi), _shift(p, unit, -lo))
    d = _shift(p, unit, -lo)
    if unit == "week":
        return _tv(ctx, None, "interval", why + ", Monday to Sunday", *_period("week", d, 0))
    value = {"day": d.isoformat(), "month": d.isoformat()[:7]}.get(unit, str(d.year))
    return _tv(ctx, value, precision, why)


@_rule(_PREP + r"(?:(?P<part>early|mid|late|earlier|later|(?:the\s+)?(?:end|beginning|start|middle)\s+of)"
       r"(?:-|\s+))?(?P<rel>last|this|next)\s+(?P<unit>week|month|year)\b")
def _calendar(m: re.Match[str], ctx: _Ctx) -> TimeValue | None:
    """"last week", "last month", "this year", "earlier this month", "at the end of last month"."""
    unit, rel = m["unit"].lower(), m["rel"].lower()
    key = _part_key(m["part"]) if m["part"] else None
    if key in ("earlier", "later") and rel != "this":
        return None
    precision = "interval" if unit == "week" or key in ("earlier", "later") else unit
    p = ctx.published
    if p is None:
        return _tv(ctx, None, precision, UNRESOLVED)
    lo, hi = _period(unit, p, {"last": -1, "this": 0, "next": 1}[rel])
    why = f"{' '.join(m.group(0).lower().split())} relative to {_dateline(p)}"
    value = {"month": lo.isoformat()[:7], "year": str(lo.year)}.get(unit)
    if key == "earlier":
        return _tv(ctx, None, precision, why, lo, max(lo, p - timedelta(days=1)))
    if key == "later":
        return _tv(ctx, None, precision, why, min(hi, p + timedelta(days=1)), hi)
    if key:
        return _tv(ctx, value, precision, why + " (thirds rule)", *_part_range(unit, lo, key))
    if unit == "week":
        return _tv(ctx, None, precision, why + ", Monday to Sunday", lo, hi)
    return _tv(ctx, value, precision, why)


@_rule(_PREP + r"(?:(?P<the>the\s+)?(?P<dir>past|last|recent|coming|next|upcoming)\s+(?:" + _num("n")
       + r"\s+)?(?P<unit>day|week|month|year|decade)(?P<pl>s)?(?!\s+of\b)|(?P<recently>recently|lately))\b")
def _span(m: re.Match[str], ctx: _Ctx) -> TimeValue | None:
    """"recently", "in recent days", "the past few days", "over the next five years", "the coming years"."""
    direction, unit = (m["dir"] or "recent").lower(), (m["unit"] or "day").lower()
    if not m["the"] and direction not in ("recent", "coming", "upcoming"):
        return None
    n = _count(m["n"], unit)[1] if m["n"] else (FEW[unit] if m["pl"] or m["recently"] else 1)
    p = ctx.published
    if p is None:
        return _tv(ctx, None, "interval", UNRESOLVED)
    if direction in ("coming", "next", "upcoming"):
        return _tv(ctx, None, "interval", f"{n} {unit}(s) after {_dateline(p)}", p, _shift(p, unit, n))
    return _tv(ctx, None, "interval", f"{n} {unit}(s) before {_dateline(p)}", _shift(p, unit, -n), p)


# --- public API -----------------------------------------------------------------------

def find_times(text: str) -> list[tuple[int, int, str]]:
    """Spans of time expressions, longest first, non-overlapping, in text order.

    Args:
        text: A sentence or paragraph.

    Returns:
        ``(begin, end, surface)`` triples with ``text[begin:end] == surface``.

    >>> find_times("On Friday, 32 Russians were held; Belarus may join in May 2021.")
    [(0, 9, 'On Friday'), (51, 62, 'in May 2021')]
    >>> find_times("Crimea 2.0, the G20, Minsk-2 and 300 km of border")
    []
    """
    found: list[tuple[int, int, int]] = []
    for index, (pattern, handler) in enumerate(_RULES):
        for m in pattern.finditer(text):
            if m.end() > m.start() and handler(m, _Ctx(m.group(0), None)) is not None:
                found.append((m.start(), m.end(), index))
    chosen: list[tuple[int, int]] = []
    for begin, end, _ in sorted(found, key=lambda f: (f[0] - f[1], f[0], f[2])):
        if all(end <= b or begin >= e for b, e in chosen):
            chosen.append((begin, end))
    return [(b, e, text[b:e]) for b, e in sorted(chosen)]


def resolve(expr: str, published: date | None, *, context_year: int | None = None,
            anchor: date | None = None) -> TimeValue | None:
    """Resolve one time expression.

    Args:
        expr: The expression, e.g. a surface from :func:`find_times`.
        published: The article's publication date (dateline) for relative expressions.
        context_year: Year for a date written without one ("on 14 August"); defaults to
            the dateline's year.
        anchor: The previously resolved day in the text, for "the next day" and kin.

    Returns:
        The value, or None if ``expr`` is not a time expression.

    >>> resolve("on Friday", date(2020, 8, 17)).value
    '2020-08-14'
    >>> tv = resolve("at the end of last month", date(2020, 8, 17))
    >>> tv.value, tv.precision, tv.earliest, tv.latest
    ('2020-07', 'month', '2020-07-21', '2020-07-31')
    >>> resolve("Belarus may join", date(2020, 8, 17)) is None
    True
    """
    if isinstance(published, datetime):
        published = published.date()
    text = expr.strip()
    ctx = _Ctx(text, published, context_year, anchor)
    for pattern, handler in _RULES:
        m = pattern.fullmatch(text)
        if m and (value := handler(m, ctx)) is not None:
            return value
    logger.debug("not a time expression: %r", expr)
    return None


_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def resolve_in_text(text: str, published: date | None) -> list[tuple[int, int, TimeValue]]:
    """Find and resolve every time expression of ``text``, in order.

    The last day-precision result is the anchor of "the next day"-type expressions, and
    the year of the last date written with a year is the year of later dates without one.

    >>> [(s, tv.value) for s, _, tv in resolve_in_text("On 8 August 2008 war broke out; "
    ...  "on 12 August a truce was agreed and the next day signed.", date(2019, 2, 8))]
    [(0, '2008-08-08'), (32, '2008-08-12'), (68, '2008-08-13')]
    """
    out: list[tuple[int, int, TimeValue]] = []
    anchor: date | None = None
    year: int | None = None
    for begin, end, surface in find_times(text):
        tv = resolve(surface, published, context_year=year, anchor=anchor)
        if tv is None:
            continue
        out.append((begin, end, tv))
        if tv.precision == "day" and tv.value:
            anchor = date.fromisoformat(tv.value)
        if tv.precision in ("day", "month") and tv.value and _HAS_YEAR.search(surface):
            year = int(tv.value[:4])
    return out
