"""Claims -> events: day-dated positive interactions share one node across documents (sentences written for the
tests; the seed check reads ../shared at run time)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from kg.config import Settings
from kg.events import attach_events, event_mentions, merge_events, narrowest
from kg.iris import event_slug
from kg.pipeline import build_graph
from kg.records import Article, Claim, DocumentResult, OffsetMap, Span, TimeValue

PUTIN, LUKASHENKO = "person/vladimir-putin", "person/alexander-lukashenko"
SAT = TimeValue("2020-08-15", "day", "on Saturday")
SUN = TimeValue("2020-08-16", "day", "on Sunday")
CALL_15 = "event/2020-08-15-041-alexander-lukashenko-vladimir-putin"
GK = "https://geokg.example/ont#"


def claim(**kw) -> Claim:
    base = dict(subject=PUTIN, predicate="consults", object=LUKASHENKO, polarity="Positive", modality="Asserted",
                relation_text="spoke by phone", evidence=Span(0, 5, "x"), cameo="041", time=SAT)
    base.update(kw)
    return Claim(**base)


def events_of(claims: list[Claim]) -> list[str]:
    return [e.id for e in attach_events(claims, {})[1]]


def test_event_slug_matches_the_gold_ids():
    assert event_slug("2020-08-15", "041", [PUTIN, LUKASHENKO]) == CALL_15.split("/", 1)[1]
    assert event_slug("2020-08-14", "0841", ["place/russia", "place/belarus"]) == "2020-08-14-0841-belarus-russia"


def test_same_call_from_either_side_is_one_event():
    a, ev_a = attach_events([claim()], {})
    b, ev_b = attach_events([claim(subject=LUKASHENKO, object=PUTIN)], {})
    assert [e.id for e in ev_a] == [e.id for e in ev_b] == [CALL_15]
    assert ("reportsEvent", ev_a[0].id) in a[0].roles and ("reportsEvent", ev_b[0].id) in b[0].roles


def test_no_event_without_a_day_a_code_or_for_a_denial_or_a_condition():
    for c in (claim(time=TimeValue("2020-08", "month", "in August")), claim(cameo=None),
              claim(polarity="Negative"), claim(time=None), claim(modality="Hypothetical"),
              claim(time=TimeValue(None, "unresolved", "the next day"))):
        out, events = attach_events([c], {})
        assert events == [] and out == [c]


def test_reported_and_speculative_claims_still_report_events():
    assert events_of([claim(modality="Reported", attributed_to="place/russia")]) == [CALL_15]
    assert events_of([claim(modality="Speculative")]) == [CALL_15]


def test_generic_consultation_is_narrowed_by_a_call_on_the_same_day():
    spoke = claim(cameo="040", relation_text="spoke", evidence=Span(0, 5, "x"))
    call = claim(cameo="041", relation_text="phone call", evidence=Span(10, 20, "y"), subject=LUKASHENKO,
                 object=PUTIN)
    out, events = attach_events([spoke, call], {})
    assert [e.id for e in events] == [CALL_15]
    assert all(("reportsEvent", CALL_15) in c.roles for c in out)
    assert events[0].label == "phone call (alexander-lukashenko – vladimir-putin, 2020-08-15)"


def test_generic_consultation_is_narrowed_by_an_undated_call_of_the_document():
    """"The two phone calls between the presidents" makes "they spoke again on Sunday" a call."""
    undated = claim(time=None, relation_text="phone calls")
    spoke = claim(cameo="040", relation_text="spoke again", time=SUN)
    _, events = attach_events([undated, spoke], {})
    assert [(e.id, e.cameo) for e in events] == [("event/2020-08-16-041-alexander-lukashenko-vladimir-putin", "041")]


def test_generic_consultation_is_narrowed_by_a_call_on_another_day():
    """"They spoke again on Sunday" after a call on Saturday is a second call."""
    _, events = attach_events([claim(), claim(cameo="040", relation_text="spoke again", time=SUN)], {})
    assert [e.id for e in events] == [CALL_15, CALL_15.replace("08-15", "08-16")]


def test_generic_consultation_stays_generic_when_the_document_names_two_kinds_of_act():
    claims = [claim(), claim(cameo="042", relation_text="visited", time=None),
              claim(cameo="040", relation_text="spoke", time=SUN)]
    _, events = attach_events(claims, {})
    assert "event/2020-08-16-040-alexander-lukashenko-vladimir-putin" in {e.id for e in events}


def test_two_different_acts_on_one_day_stay_two_events():
    call, visit = claim(cameo="041"), claim(cameo="042", relation_text="visited")
    assert events_of([call, visit]) == [CALL_15, CALL_15.replace("-041-", "-042-")]
    assert narrowest(["040", "041", "042"])["040"] == "040"


def test_other_days_roots_or_participants_are_other_events():
    ids = events_of([claim(), claim(time=SUN), claim(cameo="0841", relation_text="handed over"),
                     claim(object="place/belarus")])
    assert len(ids) == len(set(ids)) == 4


def test_labels_use_the_registry_names():
    _, [event] = attach_events([claim()], {PUTIN: "Vladimir Putin", LUKASHENKO: "Alexander Lukashenko"})
    assert event.label == "spoke by phone (Alexander Lukashenko – Vladimir Putin, 2020-08-15)"


# --- mentions ----------------------------------------------------------------------------------------------


def _article(raw: str) -> Article:
    return Article("t", "t", "t.txt", raw, raw, OffsetMap.identity(len(raw)), published="2020-08-17")


def test_event_mention_sits_on_the_trigger_words():
    raw = "Putin and Lukashenko <u>spoke\nby</u> phone on Saturday."
    c = claim(relation_text="spoke by phone", evidence=Span(0, len(raw), raw))
    out, _ = attach_events([c], {})
    [m] = event_mentions(_article(raw), out)
    assert (m.entity_id, m.kind, m.text) == (CALL_15, "Description", "spoke\nby</u> phone")
    assert raw[m.begin:m.end] == m.text and m.sentence == (0, len(raw))


def test_no_event_mention_without_an_event_or_a_findable_trigger():
    raw = "Putin and Lukashenko spoke on Saturday."
    assert event_mentions(_article(raw), [claim(evidence=Span(0, len(raw), raw))]) == []  # no reportsEvent role
    out, _ = attach_events([claim(relation_text="telephoned", evidence=Span(0, len(raw), raw))], {})
    assert event_mentions(_article(raw), out) == []


# --- across documents --------------------------------------------------------------------------------------


def _result(key: str, claims: list[Claim]) -> DocumentResult:
    art = replace(_article("x"), doc_id=key, key=key)
    claims, events = attach_events(claims, {})
    return DocumentResult(art, tuple(event_mentions(art, claims)), (), tuple(claims), tuple(events))


def test_merge_narrows_across_documents_and_unifies_labels():
    a = _result("a", [claim(cameo="040", relation_text="talked")])
    b = _result("b", [claim(cameo="041", relation_text="phone call", subject=LUKASHENKO, object=PUTIN)])
    assert a.events[0].id.split("-")[3] == "040"
    merged = merge_events([a, b])
    assert [e.id for r in merged for e in r.events] == [CALL_15, CALL_15]
    assert {e.label for r in merged for e in r.events} == {"phone call (alexander-lukashenko – vladimir-putin, "
                                                           "2020-08-15)"}
    assert all(("reportsEvent", CALL_15) in c.roles for r in merged for c in r.claims)


def test_merge_keeps_other_days_apart():
    merged = merge_events([_result("a", [claim()]), _result("b", [claim(time=SUN)])])
    assert [e.id for r in merged for e in r.events] == [CALL_15, CALL_15.replace("08-15", "08-16")]


@pytest.fixture
def build_of(tmp_path):
    def run(*articles: tuple[str, str]):
        for i, (text, published) in enumerate(articles):
            record = {"id": f"call{i}", "text": text, "published": published}
            (tmp_path / f"call{i}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
        return build_graph([str(tmp_path)], Settings())
    return run


def _event_graphs(build) -> dict[str, set[str]]:
    """Event IRI -> the document graphs that type it gk:Event."""
    out: dict[str, set[str]] = {}
    for g, s, p, o in build.graph.quads:
        if p == RDF.type and o == URIRef(GK + "Event") and "/event/20" in str(s):
            out.setdefault(str(s), set()).add(str(g))
    return out


def test_two_articles_on_the_same_call_share_one_event_node(build_of):
    build = build_of(("Vladimir Putin and Alexander Lukashenko spoke by phone on Saturday.", "2020-08-17"),
                     ("Lukashenko held a phone call with Putin on 15 August, Minsk said.", "2020-08-18"))
    graphs = _event_graphs(build)
    assert list(graphs) == [f"https://geokg.example/id/{CALL_15}"]
    docs = {f"https://geokg.example/doc/{r.article.key}" for r in build.results}
    assert graphs[f"https://geokg.example/id/{CALL_15}"] == docs
    labels = {o for _, s, p, o in build.graph.quads if str(s).endswith(CALL_15) and str(p).endswith("#prefLabel")}
    assert len(labels) == 1
    anchors = {m.text for r in build.results for m in r.mentions if m.entity_id == CALL_15}
    assert anchors and all(m.kind == "Description" for r in build.results for m in r.mentions
                           if m.entity_id == CALL_15)


def test_two_articles_on_calls_of_different_days_give_two_event_nodes(build_of):
    build = build_of(("There was a phone call between Putin and Lukashenko on Saturday.", "2020-08-17"),
                     ("Lukashenko held a phone call with Putin on 16 August.", "2020-08-18"))
    assert sorted(_event_graphs(build)) == [f"https://geokg.example/id/{CALL_15}",
                                            f"https://geokg.example/id/{CALL_15.replace('08-15', '08-16')}"]
