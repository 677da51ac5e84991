"""Claims -> events: day-dated positive interactions share one node across documents."""

from __future__ import annotations

from kg.events import attach_events
from kg.records import Claim, Span, TimeValue

DAY = TimeValue("2020-08-15", "day", "on Saturday")


def claim(**kw) -> Claim:
    base = dict(subject="person/vladimir-putin", predicate="consults", object="person/alexander-lukashenko",
                polarity="Positive", modality="Asserted", relation_text="spoke by phone", evidence=Span(0, 5, "x"),
                cameo="041", time=DAY)
    base.update(kw)
    return Claim(**base)


def test_same_call_from_either_side_is_one_event():
    a, ev_a = attach_events([claim()], {})
    b, ev_b = attach_events([claim(subject="person/alexander-lukashenko", object="person/vladimir-putin")], {})
    assert [e.id for e in ev_a] == [e.id for e in ev_b] == ["event/2020-08-15-041-alexander-lukashenko-vladimir-putin"]
    assert ("reportsEvent", ev_a[0].id) in a[0].roles and ("reportsEvent", ev_b[0].id) in b[0].roles


def test_no_event_without_a_day_a_code_or_for_a_denial():
    for c in (claim(time=TimeValue("2020-08", "month", "in August")), claim(cameo=None),
              claim(polarity="Negative"), claim(time=None)):
        out, events = attach_events([c], {})
        assert events == [] and out == [c]
