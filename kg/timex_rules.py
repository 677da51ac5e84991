"""Time-expression rules: regular expressions built from the word classes of ontology/patterns/timex.jsonl.

A :class:`~kg.timex_lexicon.Lexicon` holds the word classes; each rule is one or more
regular expressions built from it plus a handler that turns a match into a :class:`~kg.records.TimeValue`
(or refuses it). The code knows units and calendar arithmetic; every word it matches comes
from the data file. The rules (ONTOLOGY.md §2.8 and §11 item 9):

* Spans keep a leading preposition (``PREPOSITION``: in, on, at, since, ...) and start at a word
  start ("end of May" is no span of "legend of May").
* Month and weekday names must be capitalised; a bare month needs a preposition or a part
  word ("in May", "mid-May"), so "Belarus may join" and "March on Minsk" are not dates.
  A date without a year takes ``context_year``, else the dateline's year, moved one year
  on when the clause is in the future tense and the date already passed ("will vote in
  May" in August), one year back when it is in the past tense and the date is still to come.
* A bare year (1900-2099) before a lower-case word ("2000 troops") is a count unless a
  ``YEAR_PREPOSITION`` precedes it or a ``YEAR_FOLLOWER`` follows it.
* Thirds rule (``PART`` rows): early/mid/late (and "the beginning/middle/end of") keep the
  period's value and precision and bound it: days 1-10 / 11-20 / 21-end of a month,
  Jan-Apr / May-Aug / Sep-Dec of a year, Mon-Tue / Wed-Thu / Fri-Sun, decade years 0-3 / 4-6 / 7-9.
* Weekdays: "(on) Friday" is the latest Friday on or before the dateline, or the first on or
  after it when the clause is in the future tense; "last Friday" is always before the
  dateline, "next Friday" after it (``WEEKDAY_RELATIVE``).
* "The next day", "a week later", "the following year" count from the previous date of the
  text (``anchor``); a weekday appositive ("the next day, Saturday") wins and is resolved
  against the dateline like any weekday. Without an anchor they are unresolved.
* Vague counts ("a few", "several") and spans without a count ("in recent days") last
  ``VAGUE_COUNT`` ``max`` units; weeks run Monday to Sunday; "N weeks ago" is the week
  holding the day N weeks back.
* Names are not times: "the Sunday Times", "Bloody Sunday", "Russia Today".
* An expression that cannot be resolved (no dateline, no anchor) has precision ``unresolved``.
"""

from __future__ import annotations

import calendar
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from .records import TimeValue
from .refirst import Screen, needs, with_first_chars, word_start_searcher
from .timex_lexicon import Lexicon, alt, norm

UNRESOLVED = "unresolved: no publication date"
NO_ANCHOR = "unresolved: no anchor date"


@dataclass(frozen=True, slots=True)
class Ctx:
    """What a handler may use besides its match."""

    text: str
    published: date | None
    context_year: int | None = None
    #: the previous date of the text usable by a unit ("day", "month", "year") -> (date, its precision)
    anchor: dict[str, tuple[date, str]] | None = None
    tense: str | None = None  # "future", "past" or None (not known)


Handler = Callable[[re.Match[str], Ctx, Lexicon], TimeValue | None]
_RULES: list[tuple[Callable[[Lexicon], list[str]], Handler]] = []


def _rule(build: Callable[[Lexicon], list[str]]) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _RULES.append((build, fn))
        return fn
    return register


def compiled(lex: Lexicon) -> list[tuple[re.Pattern[str], Handler]]:
    """The rules' regular expressions built from ``lex`` (compiled once per lexicon), in rule order; a match
    starts at a word start ("end of December" is not found in "dividend of December")."""
    if lex.compiled is None:
        lex.compiled = [(re.compile(with_first_chars(_at_word_start(p), re.IGNORECASE), re.IGNORECASE), fn)
                        for build, fn in _RULES for p in build(lex)]
    return lex.compiled


def _at_word_start(pattern: str) -> str:
    return rf"\b(?:{pattern})"


_SEARCHERS: weakref.WeakKeyDictionary[Lexicon, list[re.Pattern[str] | None]] = weakref.WeakKeyDictionary()


def searchers(lex: Lexicon) -> list[re.Pattern[str] | None]:
    """For each of the :func:`compiled` rules, what finds its matches faster (:func:`kg.refirst.word_start_searcher`;
    None: its own ``finditer``), made once per lexicon."""
    found = _SEARCHERS.get(lex)
    if found is None:
        found = _SEARCHERS[lex] = [word_start_searcher(p, re.IGNORECASE) for build, _ in _RULES for p in build(lex)]
    return found


_SCREENS: weakref.WeakKeyDictionary[Lexicon, Screen] = weakref.WeakKeyDictionary()


def screen(lex: Lexicon) -> Screen:
    """What each of the :func:`compiled` rules needs in a text to match it (worked out once per lexicon)."""
    found = _SCREENS.get(lex)
    if found is None:
        found = _SCREENS[lex] = Screen([needs(p, re.IGNORECASE) for build, _ in _RULES for p in build(lex)])
    return found


# --- helpers ----------------------------------------------------------------------------

def tv(ctx: Ctx, value: str | None, precision: str, why: str | None = None,
       lo: date | None = None, hi: date | None = None) -> TimeValue:
    """A TimeValue of the context's text; no value and no bounds make it ``unresolved``."""
    if value is None and lo is None and hi is None:
        precision = "unresolved"
    return TimeValue(value, precision, ctx.text, why, lo.isoformat() if lo else None,
                     hi.isoformat() if hi else None)


def dateline(p: date) -> str:
    """How the dateline is named in resolution texts."""
    return f"the dateline {calendar.day_name[p.weekday()]} {p.isoformat()}"


def iso(d: date, precision: str) -> str:
    """ISO value of ``d`` at a precision: ``2020-08-14``, ``2020-08`` or ``2020``."""
    return d.isoformat()[: {"day": 10, "month": 7}.get(precision, 4)]


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def shift(d: date, unit: str, n: int) -> date:
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
        first = shift(p.replace(day=1), "month", offset)
        return first, _month_end(first.year, first.month)
    return date(p.year + offset, 1, 1), date(p.year + offset, 12, 31)


def _part_range(lex: Lexicon, unit: str, lo: date, key: str) -> tuple[date, date]:
    a, b = lex.ranges[unit][key]
    if unit == "month":
        end = _month_end(lo.year, lo.month)
        return lo.replace(day=a), end.replace(day=min(b, end.day))
    if unit == "year":
        return date(lo.year, a, 1), _month_end(lo.year, b)
    if unit == "week":
        return lo + timedelta(days=a), lo + timedelta(days=b)
    return date(lo.year + a, 1, 1), date(lo.year + b, 12, 31)


def _implied_year(ctx: Ctx, month: int, day: int | None = None) -> tuple[int | None, str]:
    """Year of a date written without one: the context's, else the dateline's moved by the tense."""
    if ctx.context_year is not None:
        return ctx.context_year, f"year {ctx.context_year} taken from the context"
    p = ctx.published
    if p is None:
        return None, UNRESOLVED
    when, now = (month, day or 0), (p.month, p.day if day else 0)
    if ctx.tense == "future" and when < now:
        return p.year + 1, f"the next such date after {dateline(p)} (future tense)"
    if ctx.tense == "past" and when > now:
        return p.year - 1, f"the last such date before {dateline(p)} (past tense)"
    return p.year, f"year taken from {dateline(p)}"


# --- absolute dates -------------------------------------------------------------------

_DAY = r"(?<!\d)(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
_NOT_NUMBER_AFTER = r"(?![\w%]|[.,:/–-]\d)"
_Y4 = r"(?P<y>(?:19|20)\d\d)(?!\d)"
_YEAR = _Y4 + _NOT_NUMBER_AFTER


def _day_month_patterns(lex: Lexicon) -> list[str]:
    p, mon, wd = lex.prep(), lex.month(), rf"(?:{lex.weekday('wd')},?\s+(?:the\s+)?)?"
    return [p + r"(?<![\d-])(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)(?![\d-])",
            p + r"(?<![\d.])(?P<d>\d{1,2})\.(?P<mo>\d{1,2})\.(?P<y>(?:19|20)\d\d)(?!\.?\d)",
            p + wd + _DAY + r"(?:\s+of)?\s+" + mon + r",?\s+" + _YEAR,
            p + wd + mon + r"\s+" + _DAY + r",?\s+" + _YEAR,
            p + wd + _DAY + r"(?:\s+of)?\s+" + mon,
            p + wd + mon + r"\s+" + _DAY + r"(?![:.]\d)"]


@_rule(_day_month_patterns)
def _day_month(m: re.Match[str], ctx: Ctx, lex: Lexicon) -> TimeValue | None:
    """"2020-08-14", "14.08.2020" (day first), "Aug. 14, 2020", "on 14 August" (year from context)."""
    g = m.groupdict()
    month = int(g["mo"]) if g.get("mo") else lex.months[g["mon"].lower().rstrip(".")]
    day, y = int(g["d"]), g.get("y")
    if y:
        d = _safe_date(int(y), month, day)
        return tv(ctx, d.isoformat(), "day") if d else None
    if _safe_date(2000, month, day) is None:
        return None
    year, why = _implied_year(ctx, month, day)
    d = _safe_date(year, month, day) if year is not None else None
    return tv(ctx, d.isoformat() if d else None, "day", why)


@_rule(lambda lex: [lex.prep() + rf"(?:{lex.part()})?" + lex.month() + r"(?:(?:\s+of)?,?\s+" + _YEAR + ")?"])
def _month(m: re.Match[str], ctx: Ctx, lex: Lexicon) -> TimeValue | None:
    """"in August 2020", "late July 2020", "mid-May": a bare month needs a cue."""
    if not (m["y"] or m["prep"] or m["part"]):
        return None
    month = lex.months[m["mon"].lower().rstrip(".")]
    year, why = (int(m["y"]), None) if m["y"] else _implied_year(ctx, month)
    if year is None:
        return tv(ctx, None, "month", why)
    if not m["part"]:
        return tv(ctx, f"{year:04d}-{month:02d}", "month", why)
    key = lex.parts[norm(m["part"])]
    lo, hi = _part_range(lex, "month", date(year, month, 1), key)
    why = "; ".join(filter(None, (why, f"{key} part of the month (thirds rule)")))
    return tv(ctx, f"{year:04d}-{month:02d}", "month", why, lo, hi)


@_rule(lambda lex: [lex.prep() + rf"(?:the\s+)?(?:{lex.part()}(?:the\s+)?)?(?P<dec>(?:19|20)\d0)['’]?s\b",
                    lex.prep() + lex.part() + r"(?:of\s+)?" + _YEAR])
def _decade_or_part_year(m: re.Match[str], ctx: Ctx, lex: Lexicon) -> TimeValue | None:
    """"in the 1990s", "the early 2000s", "in mid-2019", "the end of 2014"."""
    g = m.groupdict()
    unit, start = ("decade", int(g["dec"])) if g.get("dec") else ("year", int(g["y"]))
    key = lex.parts[norm(m["part"])] if m["part"] else None
    lo, hi = (_part_range(lex, unit, date(start, 1, 1), key) if key
              else (date(start, 1, 1), date(start + 9, 12, 31)))
    return tv(ctx, str(start), unit, f"{key} part of the {unit} (thirds rule)" if key else None, lo, hi)


@_rule(lambda lex: [r"(?:\b(?P<prep>from|between|in|during|over|throughout)\s+)?(?<![\w$€£#.,/+-])" + _Y4
                    + r"(?P<sep>\s?[-–]\s?|\s+(?:to|and|until|through)\s+)(?P<y2>(?:19|20)?\d\d)"
                    + _NOT_NUMBER_AFTER])
def _year_range(m: re.Match[str], ctx: Ctx, lex: Lexicon) -> TimeValue | None:
    """"2008-2012", "1990–91", "from 2014 to 2016" (words need from/between)."""
    if m["sep"].strip() not in "-–" and (m["prep"] or "").lower() not in ("from", "between"):
        return None
    y1, y2 = int(m["y"]), int(m["y2"])
    y2 = y2 if y2 >= 100 else y1 // 100 * 100 + y2
    if not y1 < y2 <= 2099:
        return None
    return tv(ctx, None, "interval", None, date(y1, 1, 1), date(y2, 12, 31))


@_rule(lambda lex: [lex.prep() + r"(?<![\w$€£#.,/+-])" + _YEAR + r"(?=(?P<next>\s+[a-z]+)?)"])
def _year(m: re.Match[str], ctx: Ctx, lex: Lexicon) -> TimeValue | None:
    """"in 2008", "2008"; not "2000 troops" (a count) unless "in"/"since"/... precedes."""
    nxt = (m["next"] or "").strip()
    if nxt and nxt not in lex.sets["YEAR_FOLLOWER"] and norm(m["prep"] or "") not in lex.sets["YEAR_PREPOSITION"]:
        return None
    return tv(ctx, m["y"], "year")


# --- relative to the dateline or to the previous date of the text ----------------------------

@_rule(lambda lex: [lex.prep() + rf"(?P<w>{alt(lex.deictic)})\b"])
def _deictic_day(m: re.Match[str], ctx: Ctx, lex: Lexicon) -> TimeValue | None:
    """"today", "yesterday", "tomorrow" (a capitalised one after a word is a name: "Russia Today")."""
    if m["w"][0].isupper() and not m["prep"] and re.search(r"\w\s+$", m.string[: m.start()]):
        return None
    if ctx.published is None:
        return tv(ctx, None, "day", UNRESOLVED)
    word = norm(m["w"])
    d = ctx.published + timedelta(days=lex.deictic[word])
    return tv(ctx, d.isoformat(), "day", f"{word.split()[0]} relative to {dateline(ctx.published)}")


def _weekday_value(ctx: Ctx, lex: Lexicon, name: str, sign: int = 0) -> TimeValue:
    p, wd = ctx.published, lex.weekdays[name.lower()]
    if p is None:
        return tv(ctx, None, "day", UNRESOLVED)
    why = f"relative weekday resolved against {dateline(p)}"
    if sign > 0 or (sign == 0 and ctx.tense == "future"):
        d = p + timedelta(days=(wd - p.weekday()) % 7 or (7 if sign else 0))
        why += "" if sign else " (future tense)"
    else:
        d = p - timedelta(days=(p.weekday() - wd) % 7 or (7 if sign else 0))
    return tv(ctx, d.isoformat(), "day", why)


def _anchored_patterns(lex: Lexicon) -> list[str]:
    units = r"(?P<unit>day|week|month|year)"
    adjective = rf"the\s+(?P<adj>{alt(lex.anchor_adjectives)})\s+(?:{units}|(?P<dpart>{alt(lex.sets['DAY_PART'])}))"
    day_adverb = rf"the\s+day\s+(?P<adv>{alt(lex.anchor_adverbs)})"
    counted = lex.num("n") + rf"\s+(?P<unit2>day|week|month|year)s?\s+(?P<adv2>{alt(lex.anchor_adverbs)})"
    return [lex.prep() + rf"(?:{adjective}|{day_adverb}|{counted})\b(?:,\s+(?:on\s+)?{lex.weekday('wd')})?"]


@_rule(_anchored_patterns)
def _anchored(m: re.Match[str], ctx: Ctx, lex: Lexicon) -> TimeValue | None:
    """"the next day", "the day before", "two days later", "the following year": counted from ``anchor``."""
    unit = (m["unit"] or m["unit2"] or "day").lower()
    if m["adj"]:
        sign, units = lex.anchor_adjectives[norm(m["adj"])]
        if unit not in units:
            return None  # "the next week" runs from the dateline (a span)
    else:
        sign = lex.anchor_adverbs[norm(m["adv"] or m["adv2"])]
    if m["wd"]:
        return _weekday_value(ctx, lex, m["wd"])
    precision = "day" if unit == "week" else unit
    anchor = (ctx.anchor or {}).get(precision)
    if anchor is None:
        return tv(ctx, None, precision, NO_ANCHOR)
    lo, hi = lex.count(m["n"], unit) if m["n"] else (1, 1)
    why = f"counted from the preceding date {iso(anchor[0], anchor[1])}"
    if lo != hi:
        ends = sorted((shift(anchor[0], unit, sign * lo), shift(anchor[0], unit, sign * hi)))
        return tv(ctx, None, "interval", why, *ends)
    return tv(ctx, iso(shift(anchor[0], unit, sign * lo), precision), precision, why)


@_rule(lambda lex: [lex.prep() + rf"(?:(?P<rel>{alt(lex.weekday_relative)})\s+)?" + lex.weekday("wd")
                    + rf"(?:\s+(?:{alt(lex.sets['DAY_PART'])}))?\b"])
def _weekday_rule(m: re.Match[str], ctx: Ctx, lex: Lexicon) -> TimeValue | None:
    """"on Friday", "last Friday", "next Tuesday"; not "the Sunday Times" or "Good Friday" (names)."""
    if not (m["prep"] or m["rel"]) and re.search(r"(?:\b(?:the|a)|[A-Z]\w*)\s+$", m.string[: m.start()]):
        return None
    return _weekday_value(ctx, lex, m["wd"], lex.weekday_relative.get(norm(m["rel"] or ""), 0))


@_rule(lambda lex: [lex.num("n") + r"(?:\s*(?:or|to|-|–)\s*" + lex.num("n2") + r")?\s+"
                    + rf"(?P<unit>day|week|month|year|decade)s?\s+(?:{alt(lex.sets['AGO'])})\b"])
def _ago(m: re.Match[str], ctx: Ctx, lex: Lexicon) -> TimeValue | None:
    """"three days ago", "a year ago", "20 or 25 years ago" (an interval)."""
    unit = m["unit"].lower()
    lo, hi = lex.count(m["n"], unit)
    if m["n2"]:
        lo, hi = sorted((lo, lex.count(m["n2"], unit)[1]))
    precision = "interval" if lo != hi or unit == "week" else {"decade": "year"}.get(unit, unit)
    p = ctx.published
    if p is None:
        return tv(ctx, None, precision, UNRESOLVED)
    span = f"{lo} to {hi}" if lo != hi else str(lo)
    why = f"{span} {unit}(s) before {dateline(p)}"
    if lo != hi:
        return tv(ctx, None, "interval", why, shift(p, unit, -hi), shift(p, unit, -lo))
    d = shift(p, unit, -lo)
    if unit == "week":
        return tv(ctx, None, "interval", why + ", Monday to Sunday", *_period("week", d, 0))
    return tv(ctx, iso(d, unit), precision, why)


@_rule(lambda lex: [lex.prep() + rf"(?:{lex.part(relative=True)})?(?P<rel>{alt(lex.relative)})\s+"
                    r"(?P<unit>week|month|year)\b"])
def _calendar(m: re.Match[str], ctx: Ctx, lex: Lexicon) -> TimeValue | None:
    """"last week", "last month", "this year", "earlier this month", "at the end of last month"."""
    unit, offset = m["unit"].lower(), lex.relative[norm(m["rel"])]
    part = norm(m["part"] or "")
    side = lex.dateline_parts.get(part)  # "earlier this month": the stretch before the dateline
    if side is not None and offset != 0:
        return None
    precision = "interval" if unit == "week" or side is not None else unit
    p = ctx.published
    if p is None:
        return tv(ctx, None, precision, UNRESOLVED)
    lo, hi = _period(unit, p, offset)
    why = f"{norm(m.group(0))} relative to {dateline(p)}"
    value = {"month": lo.isoformat()[:7], "year": str(lo.year)}.get(unit)
    if side is not None:
        if side < 0:
            return tv(ctx, None, precision, why, lo, max(lo, p - timedelta(days=1)))
        return tv(ctx, None, precision, why, min(hi, p + timedelta(days=1)), hi)
    if part:
        return tv(ctx, value, precision, why + " (thirds rule)", *_part_range(lex, unit, lo, lex.parts[part]))
    if unit == "week":
        return tv(ctx, None, precision, why + ", Monday to Sunday", lo, hi)
    return tv(ctx, value, precision, why)


@_rule(lambda lex: [lex.prep() + rf"(?:(?P<the>the\s+)?(?P<dir>{alt(lex.span)})\s+(?:" + lex.num("n")
                    + r"\s+)?(?P<unit>day|week|month|year|decade)(?P<pl>s)?(?!\s+of\b)"
                    + rf"|(?P<adverb>{alt(lex.span_adverbs)}))\b"])
def _span(m: re.Match[str], ctx: Ctx, lex: Lexicon) -> TimeValue | None:
    """"recently", "in recent days", "the past few days", "over the next five years", "the coming years"."""
    if m["adverb"]:
        sign, bare, unit = lex.span_adverbs[norm(m["adverb"])], True, "day"
    else:
        (sign, bare), unit = lex.span[norm(m["dir"])], m["unit"].lower()
    if not (m["the"] or bare):
        return None
    n = lex.count(m["n"], unit)[1] if m["n"] else (lex.few[unit] if m["pl"] or m["adverb"] else 1)
    p = ctx.published
    if p is None:
        return tv(ctx, None, "interval", UNRESOLVED)
    if sign > 0:
        return tv(ctx, None, "interval", f"{n} {unit}(s) after {dateline(p)}", p, shift(p, unit, n))
    return tv(ctx, None, "interval", f"{n} {unit}(s) before {dateline(p)}", shift(p, unit, -n), p)
