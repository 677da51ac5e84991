"""Time expressions: finding spans and resolving them against the dateline (kg.timex)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.records import TimeValue
from kg.timex import FEW, WEEKDAYS, find_times, resolve, resolve_in_text

MON = date(2020, 8, 17)  # a Monday dateline
FRI = date(2019, 2, 8)  # a Friday dateline


def _r(expr: str, published: date | None = MON, **kw: object) -> TimeValue:
    tv = resolve(expr, published, **kw)  # type: ignore[arg-type]
    assert tv is not None, expr
    assert tv.text == expr.strip()
    return tv


def _bounds(tv: TimeValue) -> tuple[str | None, str | None]:
    return tv.earliest, tv.latest


@pytest.mark.parametrize(
    ("expr", "value", "precision"),
    [
        ("14 August 2020", "2020-08-14", "day"),
        ("on 14 August 2020", "2020-08-14", "day"),
        ("14th of August 2020", "2020-08-14", "day"),
        ("August 14, 2020", "2020-08-14", "day"),
        ("Aug. 14, 2020", "2020-08-14", "day"),
        ("Sept. 3, 2019", "2019-09-03", "day"),
        ("Friday, 14 August 2020", "2020-08-14", "day"),
        ("2020-08-14", "2020-08-14", "day"),
        ("08.02.2019", "2019-02-08", "day"),
        ("in August 2020", "2020-08", "month"),
        ("March 2014", "2014-03", "month"),
        ("in 2008", "2008", "year"),
        ("2008", "2008", "year"),
        ("since 2014", "2014", "year"),
    ],
)
def test_absolute(expr: str, value: str, precision: str) -> None:
    tv = _r(expr)
    assert (tv.value, tv.precision, tv.resolution) == (value, precision, None)


@pytest.mark.parametrize(
    ("expr", "value", "precision", "earliest", "latest"),
    [
        ("in the 1990s", "1990", "decade", "1990-01-01", "1999-12-31"),
        ("the early 2000s", "2000", "decade", "2000-01-01", "2003-12-31"),
        ("in mid-2019", "2019", "year", "2019-05-01", "2019-08-31"),
        ("late 2015", "2015", "year", "2015-09-01", "2015-12-31"),
        ("the end of 2014", "2014", "year", "2014-09-01", "2014-12-31"),
        ("late July 2020", "2020-07", "month", "2020-07-21", "2020-07-31"),
        ("early February 2019", "2019-02", "month", "2019-02-01", "2019-02-10"),
        ("late February 2020", "2020-02", "month", "2020-02-21", "2020-02-29"),
        ("2014-2016", None, "interval", "2014-01-01", "2016-12-31"),
        ("1990–91", None, "interval", "1990-01-01", "1991-12-31"),
        ("from 2008 to 2012", None, "interval", "2008-01-01", "2012-12-31"),
    ],
)
def test_vague_absolute(expr: str, value: str | None, precision: str, earliest: str, latest: str) -> None:
    tv = _r(expr)
    assert (tv.value, tv.precision, tv.earliest, tv.latest) == (value, precision, earliest, latest)


@pytest.mark.parametrize(
    ("expr", "value", "precision"),
    [
        ("today", "2020-08-17", "day"),
        ("yesterday", "2020-08-16", "day"),
        ("tomorrow", "2020-08-18", "day"),
        ("on Friday", "2020-08-14", "day"),
        ("Friday", "2020-08-14", "day"),
        ("last Friday", "2020-08-14", "day"),
        ("on Saturday", "2020-08-15", "day"),
        ("on Sunday", "2020-08-16", "day"),
        ("on Monday", "2020-08-17", "day"),
        ("last Monday", "2020-08-10", "day"),
        ("next Wednesday", "2020-08-19", "day"),
        ("on Tuesday evening", "2020-08-11", "day"),
        ("the next day, Saturday", "2020-08-15", "day"),
        ("last month", "2020-07", "month"),
        ("this month", "2020-08", "month"),
        ("this year", "2020", "year"),
        ("last year", "2019", "year"),
        ("next year", "2021", "year"),
        ("three days ago", "2020-08-14", "day"),
        ("six months ago", "2020-02", "month"),
        ("a year ago", "2019", "year"),
        ("on 14 August", "2020-08-14", "day"),
        ("in May", "2020-05", "month"),
    ],
)
def test_relative_to_monday_dateline(expr: str, value: str, precision: str) -> None:
    tv = _r(expr)
    assert (tv.value, tv.precision) == (value, precision)
    assert tv.resolution and "2020-08-17" in tv.resolution


def test_weekday_resolution_text() -> None:
    assert _r("on Friday").resolution == "relative weekday resolved against the dateline Monday 2020-08-17"


@pytest.mark.parametrize(
    ("expr", "value", "precision", "earliest", "latest"),
    [
        ("last week", None, "interval", "2020-08-10", "2020-08-16"),
        ("this week", None, "interval", "2020-08-17", "2020-08-23"),
        ("earlier this month", None, "interval", "2020-08-01", "2020-08-16"),
        ("earlier this year", None, "interval", "2020-01-01", "2020-08-16"),
        ("later this year", None, "interval", "2020-08-18", "2020-12-31"),
        ("at the end of last month", "2020-07", "month", "2020-07-21", "2020-07-31"),
        ("late last month", "2020-07", "month", "2020-07-21", "2020-07-31"),
        ("early next year", "2021", "year", "2021-01-01", "2021-04-30"),
        ("two weeks ago", None, "interval", "2020-08-03", "2020-08-09"),
        ("a few days ago", None, "interval", "2020-08-10", "2020-08-15"),
        ("recently", None, "interval", "2020-08-10", "2020-08-17"),
        ("in recent days", None, "interval", "2020-08-10", "2020-08-17"),
        ("in the past few days", None, "interval", "2020-08-10", "2020-08-17"),
        ("over the past two years", None, "interval", "2018-08-17", "2020-08-17"),
        ("in the coming weeks", None, "interval", "2020-08-17", "2020-09-14"),
    ],
)
def test_relative_spans(expr: str, value: str | None, precision: str, earliest: str, latest: str) -> None:
    tv = _r(expr)
    assert (tv.value, tv.precision, tv.earliest, tv.latest) == (value, precision, earliest, latest)
    assert tv.resolution


@pytest.mark.parametrize(
    ("expr", "value", "precision", "earliest", "latest"),
    [
        ("in 2008", "2008", "year", None, None),
        ("in the 1990s", "1990", "decade", "1990-01-01", "1999-12-31"),
        ("over the next five years", None, "interval", "2019-02-08", "2024-02-08"),
        ("in the coming years", None, "interval", "2019-02-08", f"{2019 + FEW['year']}-02-08"),
        ("20 or 25 years ago", None, "interval", "1994-02-08", "1999-02-08"),
        ("on Friday", "2019-02-08", "day", None, None),
        ("yesterday", "2019-02-07", "day", None, None),
        ("earlier this month", None, "interval", "2019-02-01", "2019-02-07"),
    ],
)
def test_relative_to_friday_dateline(
    expr: str, value: str | None, precision: str, earliest: str | None, latest: str | None
) -> None:
    tv = _r(expr, FRI)
    assert (tv.value, tv.precision, tv.earliest, tv.latest) == (value, precision, earliest, latest)


def test_range_ago_explains_itself() -> None:
    assert _r("20 or 25 years ago", FRI).resolution == "20 to 25 year(s) before the dateline Friday 2019-02-08"


def test_earlier_this_month_on_the_first_is_the_first() -> None:
    assert _bounds(_r("earlier this month", date(2020, 9, 1))) == ("2020-09-01", "2020-09-01")


def test_last_month_in_january_is_december() -> None:
    assert _r("last month", date(2021, 1, 5)).value == "2020-12"
    assert _bounds(_r("late last month", date(2021, 3, 2))) == ("2021-02-21", "2021-02-28")


def test_anchored_needs_anchor() -> None:
    for expr in ("the next day", "the following day", "the day before", "a day later", "two days later"):
        tv = _r(expr)
        assert (tv.value, tv.precision, tv.resolution) == (None, "day", "unresolved: no anchor date")


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("the next day", "2020-08-12"),
        ("the following day", "2020-08-12"),
        ("the day before", "2020-08-10"),
        ("the previous day", "2020-08-10"),
        ("a day later", "2020-08-12"),
        ("two days later", "2020-08-13"),
        ("a week later", "2020-08-18"),
    ],
)
def test_anchored(expr: str, value: str) -> None:
    tv = _r(expr, anchor=date(2020, 8, 11))
    assert (tv.value, tv.precision) == (value, "day")
    assert tv.resolution == "counted from the preceding date 2020-08-11"


def test_weekday_appositive_beats_anchor() -> None:
    assert _r("the next day, Saturday", anchor=date(2020, 8, 1)).value == "2020-08-15"


@pytest.mark.parametrize("expr", ["on Friday", "yesterday", "last month", "earlier this month", "three days ago",
                                  "recently", "over the next five years", "on 14 August", "in May"])
def test_no_publication_date(expr: str) -> None:
    tv = _r(expr, None)
    assert tv.value is None
    assert tv.resolution == "unresolved: no publication date"


def test_context_year_wins_over_dateline() -> None:
    tv = _r("on 14 August", context_year=2008)
    assert (tv.value, tv.resolution) == ("2008-08-14", "year 2008 taken from the context")


def test_invalid_dates_are_not_times() -> None:
    assert resolve("31 June 2020", MON) is None
    assert resolve("2020-02-30", MON) is None
    assert find_times("They voted on 31 June, not later.") == []


def test_unparseable() -> None:
    assert resolve("the Kremlin", MON) is None
    assert resolve("", MON) is None


# --- finding ----------------------------------------------------------------------------

def _surfaces(text: str) -> list[str]:
    spans = find_times(text)
    assert all(text[b:e] == s for b, e, s in spans)
    return [s for _, _, s in spans]


@pytest.mark.parametrize(
    ("text", "surfaces"),
    [
        ("The envoys met on Friday and agreed a text the next day, Saturday.", ["on Friday", "the next day, Saturday"]),
        ("Turnout fell sharply at the end of last month, officials admitted.", ["at the end of last month"]),
        ("The pipeline deal was first floated in 2008 and revived in the 1990s debate.", ["in 2008", "in the 1990s"]),
        ("Exports may double over the next five years, a minister said on Sunday.",
         ["over the next five years", "on Sunday"]),
        ("The talks of Aug. 14, 2020 and of 2020-08-20 both failed.", ["Aug. 14, 2020", "2020-08-20"]),
        ("Prices rose by a third between 2014 and 2016.", ["between 2014 and 2016"]),
        ("Elections were held in 2010 and 2015.", ["in 2010", "2015"]),
        ("Strikes spread in mid-May and again in late July 2020.", ["in mid-May", "in late July 2020"]),
        ("Two rounds of talks took place earlier this month.", ["earlier this month"]),
        ("The treaty dates from 20 or 25 years ago, critics say.", ["20 or 25 years ago"]),
        ("In 2000 troops crossed the river.", ["In 2000"]),
        ("Today the parliament is expected to vote.", ["Today"]),
        ("A new round of sanctions came in recent days.", ["in recent days"]),
    ],
)
def test_find_times(text: str, surfaces: list[str]) -> None:
    assert _surfaces(text) == surfaces


@pytest.mark.parametrize(
    "text",
    [
        "Some commentators warned of a Crimea 2.0 scenario.",
        "Border guards detained 32 Russians at a sanatorium.",
        "Pundits kept talking about World War III.",
        "The G20 summit and the Minsk-2 accords were discussed.",
        "The convoy stopped 300 km from the capital.",
        "The ministry sent 2000 troops and 1500 km of wire.",
        "Belarus may join the new customs scheme.",
        "Opposition figures called for a march on Minsk.",
        "March on the capital, the leaflets urged.",
        "Theresa May said nothing about it.",
        "A reporter for Russia Today asked the question.",
        "Its budget was 2.5 percent of GDP, up from 1.9 percent.",
        "The Sunday Times and the Friday prayers were mentioned; Bloody Sunday too.",
        "On the last day of the summit, leaders posed for photos.",
        "Growth hit 2019.5 units in version 2019.1 of the model.",
    ],
)
def test_false_positives(text: str) -> None:
    assert find_times(text) == []


def test_modal_may_versus_month() -> None:
    assert _surfaces("Minsk may respond in May, or on 9 May 2021.") == ["in May", "on 9 May 2021"]


def test_resolve_in_text_anchors_and_years() -> None:
    text = ("Fighting began on 8 August 2008. On 12 August a ceasefire was announced, "
            "and the next day the envoys left. On Friday the minister spoke again.")
    pairs = zip(resolve_in_text(text, MON), _surfaces(text), strict=True)
    got = [(s, tv.value, tv.precision) for (_, _, tv), s in pairs]
    assert got == [
        ("on 8 August 2008", "2008-08-08", "day"),
        ("On 12 August", "2008-08-12", "day"),
        ("the next day", "2008-08-13", "day"),
        ("On Friday", "2020-08-14", "day"),
    ]


def test_resolve_in_text_without_anchor() -> None:
    [(_, _, tv)] = resolve_in_text("The next day nothing happened.", MON)
    assert (tv.value, tv.resolution) == (None, "unresolved: no anchor date")


# --- properties ---------------------------------------------------------------------------

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))


@given(d=dates, w=st.sampled_from(WEEKDAYS), prefix=st.sampled_from(["on ", "", "On "]))
def test_weekday_is_within_the_week_before(d: date, w: str, prefix: str) -> None:
    tv = resolve(f"{prefix}{w}", d)
    assert tv is not None and tv.precision == "day" and tv.value is not None
    got = date.fromisoformat(tv.value)
    assert WEEKDAYS[got.weekday()] == w
    assert d - timedelta(days=6) <= got <= d
    assert (got == d) == (WEEKDAYS[d.weekday()] == w)


@given(d=dates, w=st.sampled_from(WEEKDAYS))
def test_last_and_next_weekday(d: date, w: str) -> None:
    last, nxt = _r(f"last {w}", d), _r(f"next {w}", d)
    assert last.value and nxt.value
    assert timedelta(1) <= d - date.fromisoformat(last.value) <= timedelta(7)
    assert timedelta(1) <= date.fromisoformat(nxt.value) - d <= timedelta(7)


@given(d=dates)
def test_calendar_periods_are_ordered(d: date) -> None:
    for expr in ("last week", "earlier this month", "late last month", "earlier this year", "in recent days"):
        tv = _r(expr, d)
        assert tv.earliest and tv.latest and tv.earliest <= tv.latest
        assert tv.latest <= d.isoformat()


WORDS = ["on", "in", "the", "next", "day", "Friday", "May", "may", "2008", "1990s", "last", "month", "at",
         "end", "of", "14", "August", "2020", ",", "ago", "years", "20", "or", "troops", "mid-2019", "earlier",
         "this", "recently", "Today", "Russia", "coming", "few", "days", "past", "2.0", "G20", "-", "March"]


@given(st.lists(st.sampled_from(WORDS), max_size=14))
def test_spans_are_ordered_disjoint_and_resolvable(words: list[str]) -> None:
    text = " ".join(words)
    spans = find_times(text)
    for (_, e1, _), (b2, _, _) in pairwise(spans):
        assert e1 <= b2
    for b, e, s in spans:
        assert text[b:e] == s
        assert resolve(s, MON) is not None, s
