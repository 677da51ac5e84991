"""Time expressions: finding spans and resolving them against the dateline (kg.timex), on sentences written for
the tests; the seed checks read ../shared at run time."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import PatternError
from kg.records import Article, OffsetMap, TimeValue
from kg.resources import load_resources
from kg.timex import ArticleTimes, clause_tense, default_lexicon, find_times, lexicon_of, resolve, resolve_in_text
from kg.timex_lexicon import Lexicon

from .conftest import ONTOLOGY, ROOT

FEW = default_lexicon().few
WEEKDAYS = default_lexicon().weekday_names

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
        assert (tv.value, tv.precision, tv.resolution) == (None, "unresolved", "unresolved: no anchor date")


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
    assert tv.precision == ("unresolved" if tv.earliest is None else "interval")


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
        # an expression starts at a word start: no "end of May" inside "legend of May", no "mid-June" in "humid-June"
        ("The legend of May 1968 and the dividend of December 1986 live on.", ["May 1968", "December 1986"]),
        ("Crowds braved the humid-June heat.", []),
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


# --- every relative form, in a sentence written for the test (dateline Monday 2020-08-17) ---------------

SENTENCES = [
    # weekdays: the last such day on or before the dateline, unless the clause is in the future tense
    ("Belarusian border guards detained the convoy on Friday.", "on Friday", "2020-08-14", "day", None, None),
    ("The two presidents discussed the crisis by phone on Saturday.", "on Saturday", "2020-08-15", "day", None, None),
    ("Lithuania closed two checkpoints on Monday.", "on Monday", "2020-08-17", "day", None, None),
    ("NATO defence ministers will meet in Brussels on Friday.", "on Friday", "2020-08-21", "day", None, None),
    ("On Thursday, the foreign ministers are expected to sign the protocol.", "On Thursday", "2020-08-20", "day",
     None, None),
    ("Warsaw will host the Ukrainian delegation this Friday.", "this Friday", "2020-08-21", "day", None, None),
    ("Kyiv expects the envoys next Friday.", "next Friday", "2020-08-21", "day", None, None),
    ("Minsk recalled its ambassador last Friday.", "last Friday", "2020-08-14", "day", None, None),
    ("The Kremlin said on Sunday that Moscow will honour the treaty.", "on Sunday", "2020-08-16", "day", None, None),
    # the dateline itself and its neighbours
    ("Poland reopens the Terespol crossing today.", "today", "2020-08-17", "day", None, None),
    ("The Kremlin confirmed the call yesterday.", "yesterday", "2020-08-16", "day", None, None),
    ("The Lithuanian parliament votes on the sanctions tomorrow.", "tomorrow", "2020-08-18", "day", None, None),
    # calendar periods relative to the dateline
    ("Ukraine summoned the Belarusian charge d'affaires last week.", "last week", None, "interval",
     "2020-08-10", "2020-08-16"),
    ("The opposition candidate left for Moscow last month.", "last month", "2020-07", "month", None, None),
    ("Belarus signed the loan agreement with China last year.", "last year", "2019", "year", None, None),
    ("The parliament in Warsaw will debate the bill next month.", "next month", "2020-09", "month", None, None),
    ("Protests spread to Grodno earlier this month.", "earlier this month", None, "interval",
     "2020-08-01", "2020-08-16"),
    ("The detentions near Minsk happened at the end of last month.", "at the end of last month", "2020-07", "month",
     "2020-07-21", "2020-07-31"),
    ("The Russian gas price was renegotiated two years ago.", "two years ago", "2018", "year", None, None),
    ("The first convoy crossed the border three days ago.", "three days ago", "2020-08-14", "day", None, None),
    # vague absolute dates (thirds rule, decades)
    ("The activist fled to Moscow in late July.", "in late July", "2020-07", "month", "2020-07-21", "2020-07-31"),
    ("Beijing opened the industrial park near Minsk in mid-2019.", "in mid-2019", "2019", "year",
     "2019-05-01", "2019-08-31"),
    ("Minsk and Moscow drafted the union treaty in the 1990s.", "in the 1990s", "1990", "decade",
     "1990-01-01", "1999-12-31"),
    # a date without a year follows the tense of its clause
    ("Belarus will hold local elections in May.", "in May", "2021-05", "month", None, None),
    ("Belarus held local elections in May.", "in May", "2020-05", "month", None, None),
    ("The Polish president visited Kyiv in November.", "in November", "2019-11", "month", None, None),
    ("Lukashenko will travel to Sochi on 3 August.", "on 3 August", "2021-08-03", "day", None, None),
]


@pytest.mark.parametrize(("sentence", "surface", "value", "precision", "earliest", "latest"), SENTENCES,
                         ids=[f"{i:02d}-{s[1].replace(' ', '_')}" for i, s in enumerate(SENTENCES)])
def test_relative_form_in_a_sentence(sentence: str, surface: str, value: str | None, precision: str,
                                     earliest: str | None, latest: str | None) -> None:
    found = {sentence[b:e]: tv for b, e, tv in resolve_in_text(sentence, MON)}
    assert surface in found, found
    tv = found[surface]
    assert (tv.value, tv.precision, tv.earliest, tv.latest) == (value, precision, earliest, latest)
    assert "unresolved" not in (tv.resolution or "")


ANCHORED = [
    ("Minsk returned the detainees on Friday, and the two leaders spoke the next day.",
     "the next day", "2020-08-15", "day"),
    ("OSCE monitors reached Minsk on 3 August. They left the following day.", "the following day",
     "2020-08-04", "day"),
    ("Poland closed a crossing on 10 August 2020; Lithuania did the same a day later.", "a day later",
     "2020-08-11", "day"),
    ("The ministers met in Vilnius on 12 August. The day before, Warsaw had hosted the envoys.", "The day before",
     "2020-08-11", "day"),
    ("The envoys met in Minsk on Tuesday and again two days later.", "two days later", "2020-08-13", "day"),
    ("Kyiv protested on 5 August 2020; a week later it recalled its ambassador.", "a week later", "2020-08-12", "day"),
    ("Belarus joined the customs union in 2010 and ratified the treaty the following year.", "the following year",
     "2011", "year"),
    ("The pipeline talks failed in March 2019. A month later, Minsk asked Beijing for a loan.", "A month later",
     "2019-04", "month"),
]


@pytest.mark.parametrize(("text", "surface", "value", "precision"), ANCHORED,
                         ids=[f"{i}-{a[1].replace(' ', '_')}" for i, a in enumerate(ANCHORED)])
def test_anchored_in_a_text(text: str, surface: str, value: str, precision: str) -> None:
    found = {text[b:e]: tv for b, e, tv in resolve_in_text(text, MON)}
    tv = found[surface]
    assert (tv.value, tv.precision) == (value, precision)
    assert tv.resolution is not None and tv.resolution.startswith("counted from the preceding date")


def test_the_next_day_without_a_previous_date_is_unresolved() -> None:
    [(_, _, tv)] = resolve_in_text("The presidents spoke again the next day.", MON)
    assert (tv.value, tv.precision, tv.resolution) == (None, "unresolved", "unresolved: no anchor date")


def test_the_following_year_needs_no_day() -> None:
    assert _r("the following year", anchor={"year": (date(2010, 1, 1), "year")}).value == "2011"
    assert _r("the next day", anchor={"year": (date(2010, 1, 1), "year")}).precision == "unresolved"


def test_the_next_week_runs_from_the_dateline() -> None:
    tv = _r("the next week", anchor=date(2020, 1, 1))
    assert (tv.precision, tv.earliest, tv.latest) == ("interval", "2020-08-17", "2020-08-24")


def test_reference_time_is_carried_across_paragraphs() -> None:
    text = ("Belarus handed the detainees over to Russia on Friday.\n\n"
            "The move surprised observers in Warsaw and Vilnius.\n\n"
            "The presidents spoke by phone the next day.")
    got = [(text[b:e], tv.value) for b, e, tv in resolve_in_text(text, MON)]
    assert got == [("on Friday", "2020-08-14"), ("the next day", "2020-08-15")]


def test_context_year_ends_with_the_paragraph() -> None:
    text = "War broke out on 8 August 2008; a truce came on 12 August.\n\nThe detainees were freed on 14 August."
    got = [tv.value for _, _, tv in resolve_in_text(text, MON)]
    assert got == ["2008-08-08", "2008-08-12", "2020-08-14"]


def test_skipped_ranges_give_no_times_and_no_anchor() -> None:
    text = "Published on 2 January 2015. The talks collapsed the next day."
    assert [tv.value for _, _, tv in resolve_in_text(text, MON)] == ["2015-01-02", "2015-01-03"]
    got = resolve_in_text(text, MON, skip=[(0, 28)])
    assert [(tv.value, tv.precision) for _, _, tv in got] == [(None, "unresolved")]


@pytest.mark.parametrize(("sentence", "expr", "tense"), [
    ("Putin and Lukashenko will meet in Sochi on Friday.", "on Friday", "future"),
    ("Putin and Lukashenko met in Sochi on Friday.", "on Friday", "past"),
    ("On Friday, the Lithuanian government approved the sanctions.", "On Friday", "past"),
    ("On Friday, Warsaw is set to announce new sanctions.", "On Friday", "future"),
    ("Lukashenko said on Friday that Russia will send help.", "on Friday", "past"),
    ("Lukashenko says Russia is going to send help on Friday.", "on Friday", "future"),
    ("Russia and Belarus on Friday.", "on Friday", None),
    ("The United Nations envoy will visit Kyiv on Friday.", "on Friday", "future"),
    ("Putin may call Lukashenko on Friday.", "on Friday", "future"),
    ("Putin might have called Lukashenko on Friday.", "on Friday", "past"),
    ("Lukashenko said Putin would visit Minsk on Friday.", "on Friday", "future"),
    ("Talks held in May resumed on Friday.", "on Friday", "past"),
])
def test_clause_tense(sentence: str, expr: str, tense: str | None) -> None:
    begin = sentence.index(expr)
    assert clause_tense(sentence, begin, begin + len(expr)) == tense


def test_resolution_says_when_the_tense_moved_the_date() -> None:
    [(_, _, tv)] = resolve_in_text("Belarus will hold local elections in May.", MON)
    assert tv.resolution == "the next such date after the dateline Monday 2020-08-17 (future tense)"
    [(_, _, tv)] = resolve_in_text("NATO ministers will meet on Friday.", MON)
    assert tv.resolution == "relative weekday resolved against the dateline Monday 2020-08-17 (future tense)"


# --- the reference time of an article (the relation stage's time finder) -----------------------------


def _article(text: str, published: str | None = "2020-08-17") -> Article:
    return Article("t", "t", "t.txt", text, text, OffsetMap.identity(len(text)), published=published)


def test_article_times_carry_the_reference_time_into_later_sentences() -> None:
    text = ("Minsk handed 32 Russians over to Moscow on Friday. Observers in Kyiv were surprised. "
            "The two presidents spoke by phone the next day.")
    times = ArticleTimes()
    last = text.rsplit(". ", 1)[1]
    tv = times(last, _article(text), last.index("spoke"))
    assert tv is not None and (tv.value, tv.text) == ("2020-08-15", "the next day")
    # with the sentence's offset given, a repeated sentence is told apart
    assert times(last, _article(text), 0, start=text.index(last)) == tv


def test_article_times_prefer_what_follows_the_trigger() -> None:
    text = "On 2 August the envoys arrived, and they spoke with Lukashenko on 4 August."
    times = ArticleTimes()
    assert times(text, _article(text), text.index("spoke")).value == "2020-08-04"
    # an expression right before the trigger beats one far after it
    assert times(text, _article(text), text.index("arrived")).value == "2020-08-02"


def test_article_times_without_a_dateline() -> None:
    text = "The presidents spoke on Friday."
    assert ArticleTimes()(text, _article(text, None), 15) is None


def test_article_times_of_a_sentence_not_in_the_article() -> None:
    tv = ArticleTimes()("They met on Friday.", _article("Something else."), 5)
    assert tv is not None and tv.value == "2020-08-14"


# --- the lexicon is data -----------------------------------------------------------------------------


def test_lexicon_is_read_from_the_ontology_folder() -> None:
    res = load_resources(ONTOLOGY)
    lex = lexicon_of(res)
    assert lex.weekday_names[0] == "Monday" and lex.months["sept"] == 9
    assert resolve("on Friday", MON, lexicon=lex) == resolve("on Friday", MON)


@pytest.mark.parametrize(("bad", "message"), [
    ({"label": "WEEKDAY_NAME", "id": "x", "names": ["Funday"]}, "unknown label"),
    ({"label": "NUMBER", "id": "x", "words": ["dozen"]}, "missing ['value']"),
    ({"label": "NUMBER", "id": "number/two", "value": 2, "words": ["couple"]}, "duplicate id"),
    ({"label": "AGO", "id": "x", "words": "ago"}, "must be a list"),
    ({"label": "PART", "id": "x", "key": "dawn", "words": ["dawn of"]}, "ranges"),
])
def test_bad_lexicon_row_names_file_and_row(bad: dict[str, object], message: str) -> None:
    rows = load_resources(ONTOLOGY).pattern_rows("timex")
    with pytest.raises(PatternError) as err:
        Lexicon([*rows, bad], "ontology/patterns/timex.jsonl")
    text = str(err.value)
    assert f"timex.jsonl row {len(rows) + 1}" in text and message in text


def test_every_word_class_needs_a_row() -> None:
    rows = [r for r in load_resources(ONTOLOGY).pattern_rows("timex") if r["label"] != "AGO"]
    with pytest.raises(PatternError, match=r"no rows for \['AGO'\]"):
        Lexicon(rows)


def test_no_calendar_or_cue_words_in_python() -> None:
    """Month, weekday, number and cue words live in timex.jsonl only."""
    words: set[str] = set()
    for row in load_resources(ONTOLOGY).pattern_rows("timex"):
        for key in ("words", "names", "abbreviations"):
            words.update(w.lower() for w in row.get(key, []) if len(w) > 3)
    words -= {"next", "last", "this", "past", "from", "that", "when", "with", "year", "month", "week"}
    for name in ("timex.py", "timex_rules.py", "timex_lexicon.py"):
        tree = ast.parse((ROOT / "kg" / name).read_text(encoding="utf-8"))
        constants = {n.value.lower() for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                     and len(n.value) < 20}
        assert not constants & words, name


# --- the seeds (read at run time, never copied) ------------------------------------------------------


def test_seed_return_and_both_phone_calls_are_dated(seed_build) -> None:
    """Acceptance of issue 4: the return of the detainees on Friday 14 August, the calls on the 15th and 16th."""
    build, _ = seed_build
    [doc] = [r for r in build.results if r.article.key == "58982020c0ac5eee"]
    published = date.fromisoformat(doc.article.published or "")
    times = {doc.article.text[b:e]: tv.value for b, e, tv in
             resolve_in_text(doc.article.text, published, skip=doc.article.skip)}
    assert times["the next day, Saturday"] == "2020-08-15"
    assert times["The next day, Sunday"] == "2020-08-16"
    dated = {(c.predicate, c.time.value) for c in doc.claims if c.time is not None}
    assert ("yieldsTo", "2020-08-14") in dated
    assert ("consults", "2020-08-16") in dated
    events = {e.id for e in doc.events}
    assert "event/2020-08-16-041-alexander-lukashenko-vladimir-putin" in events
    assert "event/2020-08-14-0841-belarus-russia" in events


def test_seed_first_phone_call_is_dated_the_15th(seed_build) -> None:
    """The first call is a claim dated Saturday 15 August and an event node of its own."""
    build, _ = seed_build
    [doc] = [r for r in build.results if r.article.key == "58982020c0ac5eee"]
    assert ("consults", "2020-08-15") in {(c.predicate, c.time.value) for c in doc.claims if c.time is not None}
    assert "event/2020-08-15-041-alexander-lukashenko-vladimir-putin" in {e.id for e in doc.events}


def test_seed_first_call_sentence_gets_the_15th_when_its_claim_is_extracted(seed_build) -> None:
    """The gold sentence of the first call ("their leaders ... spoke ... the next day, Saturday") has no named
    participants yet; its time is ready for the relation stage."""
    build, _ = seed_build
    [doc] = [r for r in build.results if r.article.key == "58982020c0ac5eee"]
    text = doc.article.text
    at = text.index("spoke with one another")
    start = text.rindex(".", 0, at) + 2
    sentence = text[start:text.index(".", at) + 1]
    tv = ArticleTimes()(sentence, doc.article, at - start)
    assert tv is not None and (tv.value, tv.precision) == ("2020-08-15", "day")


@pytest.mark.parametrize(("odd", "plain"), [("laſt week", "last week"), ("thıs month", "this month"),
                                            ("ſeveral days ago", "several days ago"), ("İn May 2020", "In May 2020")])
def test_letters_that_fold_to_ascii_read_as_the_ascii_spelling(odd: str, plain: str) -> None:
    # re.IGNORECASE matches "ſ" (long s) with "s" and "ı" (dotless i) with "i": the word look-ups must not fail
    text = f"The envoys met {odd} in a hotel."
    assert [(b, e) for b, e, _ in find_times(text)] == [(b, e) for b, e, _ in find_times(text.replace(odd, plain))]
    got, want = _r(odd), _r(plain)
    assert (got.text, got.value, got.earliest, got.latest) == (odd, want.value, want.earliest, want.latest)


def test_digits_of_other_scripts_count_like_ascii_ones() -> None:
    # "٣" is an Arabic-Indic three: the rule matches it and int() reads it
    assert find_times("They left ٣ days ago.") == [(10, 20, "٣ days ago")]
    assert _r("٣ days ago").value == _r("3 days ago").value
