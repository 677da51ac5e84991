"""The HTML view and its networkx projection (fast: no browser)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, SKOS

from kg.errors import ExportError
from kg.export.html import PHYSICS_MAX_NODES, render_html, write_html
from kg.export.projection import Projection, TripleIndex, detect_gk_ns, project, truncate

DATA = Path(__file__).parent / "data" / "html"
GK = Namespace("https://geokg.example/ont#")
PLACE = Namespace("https://geokg.example/id/place/")
PERSON = Namespace("https://geokg.example/id/person/")
ORG = Namespace("https://geokg.example/id/organization/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
SCHEMA = Namespace("http://schema.org/")
DOC1 = URIRef("https://geokg.example/doc/aaaa000000000001")
CSTO = ORG["collective-security-treaty-organization"]
LUKASHENKO = PERSON["alexander-lukashenko"]
EVENT = "https://geokg.example/id/event/2020-08-15-041-alexander-lukashenko-russia"
HOSTILE_SCRIPT = "</script><script>window.__pwned=1</script>"
HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">'


def small_graph() -> Graph:
    return Graph().parse(DATA / "small.ttl")


def make_hostile(g: Graph) -> Graph:
    """Put script and markup injections into every kind of article string the page shows."""
    g.set((LUKASHENKO, SKOS.prefLabel, Literal("Lukashenko " + HOSTILE_SCRIPT, lang="en")))
    g.add((LUKASHENKO, SKOS.altLabel, Literal(HOSTILE_IMG, lang="en")))
    g.set((DOC1, SCHEMA.headline, Literal("News <!-- " + HOSTILE_SCRIPT, lang="en")))
    sentence = URIRef("https://geokg.example/doc/aaaa000000000001#char=300,420")
    g.set((sentence, NIF.anchorOf, Literal("He said " + HOSTILE_IMG + " \u2028 " + HOSTILE_SCRIPT)))
    claim = URIRef("https://geokg.example/assertion/aaaa000000000001-000000000003")
    g.add((claim, GK.attributedToText, Literal(HOSTILE_IMG)))
    return g


def page_json(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert m, "no kg-data block"
    return json.loads(m.group(1))


def hub_graph(n: int, seed: int = 3) -> Graph:
    """``n`` countries; entity i has about ``n // (i + 1)`` claims, so degree falls with i."""
    rnd = random.Random(seed)
    g = Graph()
    ents = [PLACE[f"c{i:04d}"] for i in range(n)]
    for i, e in enumerate(ents):
        g.add((e, RDF.type, GK.Country))
        g.add((e, SKOS.prefLabel, Literal(f"Country {i}", lang="en")))
    j = 0
    for i in range(n):
        for _ in range(max(1, n // (4 * (i + 1)))):
            t = rnd.randrange(n)
            if t == i:
                continue
            a = URIRef(f"https://geokg.example/assertion/x-{j:06d}")
            j += 1
            for p, o in ((RDF.type, GK.Assertion), (RDF.subject, ents[i]), (RDF.predicate, GK.consults),
                         (RDF.object, ents[t]), (GK.polarity, GK.Positive), (GK.modality, GK.Asserted),
                         (PROV.wasDerivedFrom, DOC1)):  # fmt: skip
                g.add((a, p, o))
    return g


def edges_of(p: Projection, kind: str) -> list:
    return [e for e in p.edges if e.kind == kind]


# ---- projection ----


def test_projection_nodes_carry_registry_and_mention_attributes() -> None:
    p = project(small_graph())
    assert len(p.nodes) == 5 and p.total_entities == 4 and p.total_events == 1
    by = {n.iri: n for n in p.nodes}
    belarus = by[str(PLACE.belarus)]
    assert (belarus.label, belarus.cls, belarus.qid) == ("Belarus", "Country", "Q184")
    assert belarus.aliases == ("Republic of Belarus",)
    assert (belarus.mentions, belarus.documents) == (3, 2)
    assert by[str(CSTO)].cls == "MilitaryAlliance" and by[str(CSTO)].aliases == ("CSTO",)
    assert by[str(LUKASHENKO)].qid is None and by[str(LUKASHENKO)].mentions == 1
    event = by[EVENT]
    assert (event.kind, event.cls, event.date, event.event_type) == ("event", "Event", "2020-08-15", "041")
    assert [n.iri for n in p.nodes] == sorted(n.iri for n in p.nodes)


def test_projection_edges_group_claims_and_mark_truthy_facts() -> None:
    p = project(small_graph())
    claims, facts, parts = edges_of(p, "claim"), edges_of(p, "fact"), edges_of(p, "participant")
    assert (len(claims), len(facts), len(parts)) == (3, 1, 2)
    member = next(e for e in claims if e.predicate == "memberOf")
    assert (member.polarity, member.modality, member.count, member.confidence) == ("Positive", "Asserted", 1, 0.9)
    assert member.evidence[0].text.startswith("Belarus is a member of the CSTO")
    assert (member.evidence[0].title, member.evidence[0].date) == ("Minsk and the alliance", "2020-09-01")
    assert not member.truthy
    fact = facts[0]
    assert fact.truthy and (fact.source, fact.predicate, fact.target) == (str(PLACE.belarus), "memberOf", str(CSTO))
    negative = next(e for e in claims if e.predicate == "threatens")
    assert negative.polarity == "Negative" and negative.relation_texts == ("did not threaten",)
    reported = next(e for e in claims if e.modality == "Reported")
    assert reported.attribution == ("Alexander Lukashenko",) and reported.events == (EVENT,)
    assert {e.target for e in parts} == {str(LUKASHENKO), str(PLACE.russia)}


def test_projection_without_events_drops_event_nodes_and_links() -> None:
    p = project(small_graph(), include_events=False)
    assert len(p.nodes) == 4 and all(n.kind == "entity" for n in p.nodes)
    assert len(p.edges) == 4 and not edges_of(p, "participant")


def test_claims_with_the_same_key_merge_and_keep_three_sentences() -> None:
    g = small_graph()
    for i in range(4):
        a = URIRef(f"https://geokg.example/assertion/extra-{i}")
        s = URIRef(f"https://geokg.example/doc/aaaa000000000001#char={i},{i + 1}")
        g.add((s, NIF.anchorOf, Literal(f"Sentence {i} on membership.")))
        for p_, o in ((RDF.type, GK.Assertion), (RDF.subject, PLACE.belarus), (RDF.predicate, GK.memberOf),
                      (RDF.object, CSTO), (GK.polarity, GK.Positive), (GK.modality, GK.Asserted),
                      (GK.evidence, s), (PROV.wasDerivedFrom, DOC1), (GK.confidence, Literal(0.95))):  # fmt: skip
            g.add((a, p_, o))
    member = next(e for e in edges_of(project(g), "claim") if e.predicate == "memberOf")
    assert member.count == 5 and member.confidence == 0.95
    assert len(member.evidence) == 3 and member.evidence[0].date == "2020-08-17"
    assert len(edges_of(project(g), "claim")) == 3


def test_gk_namespace_is_detected_from_the_assertion_class() -> None:
    other = "https://kg.example.org/ont#"
    g = Graph()
    for t in small_graph():
        g.add(tuple(URIRef(str(x).replace(str(GK), other)) if isinstance(x, URIRef) else x for x in t))
    assert detect_gk_ns(g) == other
    p = project(g)
    assert p.gk_ns == other and len(p.nodes) == 5 and len(p.edges) == 6
    assert len(project(g, gk_ns=str(GK)).nodes) == 0


def test_claim_endpoint_without_a_type_becomes_a_plain_node() -> None:
    g = small_graph()
    a = URIRef("https://geokg.example/assertion/untyped")
    west = PLACE["the-west"]
    for p_, o in ((RDF.type, GK.Assertion), (RDF.subject, PLACE.belarus), (RDF.predicate, GK.relatedTo),
                  (RDF.object, west), (GK.polarity, GK.Positive), (GK.modality, GK.Speculative)):  # fmt: skip
        g.add((a, p_, o))
    node = next(n for n in project(g).nodes if n.iri == str(PLACE["the-west"]))
    assert (node.cls, node.label) == ("Entity", "the west")


def test_dataset_with_named_graphs_projects_like_the_merged_graph() -> None:
    ds = Dataset()
    for i, t in enumerate(sorted(small_graph())):
        ds.graph(URIRef(f"https://geokg.example/graph/{i % 3}")).add(t)
    assert project(ds) == project(small_graph())


def test_triple_index_answers_as_a_graph_does() -> None:
    triples = sorted(small_graph())
    random.Random(7).shuffle(triples)
    g, index = Graph(store="SimpleMemory"), TripleIndex(triples)
    for t in triples:
        g.add(t)
    assert project(index) == project(g) and detect_gk_ns(index) == detect_gk_ns(g) == str(GK)
    assert render_html(index) == render_html(g)
    assert list(index) == list(g)
    for s, p, o in triples[::7]:
        for pattern in ((s, None, None), (None, p, None), (None, None, o), (s, p, None), (None, p, o), (s, None, o),
                        (s, p, o)):  # fmt: skip
            assert sorted(index.triples(pattern)) == sorted(g.triples(pattern))
        assert list(index.objects(s, p)) == list(g.objects(s, p)) and index.value(s, p) == g.value(s, p)
        assert list(index.subjects(p, o)) == list(g.subjects(p, o)) and (s, p, o) in index
        assert list(index.predicate_objects(s)) == list(g.predicate_objects(s))
        assert list(index.subject_objects(p)) == list(g.subject_objects(p))
    assert (LUKASHENKO, RDF.type, GK.Country) not in index and index.value(DOC1, RDF.subject) is None


def test_triple_index_of_groups_answers_as_the_index_of_the_groups_in_turn() -> None:
    triples = sorted(small_graph())
    random.Random(3).shuffle(triples)
    groups: dict[URIRef, list[tuple[URIRef, URIRef]]] = {}
    for s, p, o in triples:
        groups.setdefault(p, []).append((s, o))
    split = [(p, pairs[i::2]) for p, pairs in groups.items() for i in (0, 1)]  # a predicate twice: still in turn
    index = TripleIndex.of_groups(split)
    flat = TripleIndex([(s, p, o) for p, pairs in split for s, o in pairs])
    assert project(index) == project(flat) and list(index) == list(flat)
    for s, p, o in triples:
        assert list(index.predicate_objects(s)) == list(flat.predicate_objects(s))
        assert list(index.subject_objects(p)) == list(flat.subject_objects(p))
        assert list(index.subjects(p, o)) == list(flat.subjects(p, o)) and (s, p, o) in index
        assert list(index.triples((None, p, None))) == list(flat.triples((None, p, None)))
        assert index.value(s, p) == flat.value(s, p)
    assert list(index.subjects(URIRef("https://example.org/none"), None)) == []


def test_networkx_projection_keeps_literals_as_attributes() -> None:
    nxg = project(small_graph()).to_networkx()
    assert nxg.number_of_nodes() == 5 and nxg.number_of_edges() == 6
    assert nxg.nodes[str(PLACE.belarus)]["qid"] == "Q184"


# ---- HTML ----


def test_page_is_self_contained() -> None:
    html = render_html(small_graph())
    for tag in re.findall(r"<(?:script|link)\b[^>]*>", html, re.I):
        assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", tag, re.I), tag
    assert "<link" not in html.lower() and not re.search(r"<script\b[^>]*\bsrc\s*=", html, re.I)
    assert "cdn" not in html and not re.search(r"jsdelivr|cdnjs|unpkg|googleapis|bootstrap", html, re.I)
    assert "default-src 'none'" in html and "vis.Network" in html


def test_same_graph_gives_the_same_bytes() -> None:
    triples = list(small_graph())
    random.Random(5).shuffle(triples)
    shuffled = Graph()
    for t in triples:
        shuffled.add(t)
    assert render_html(small_graph()) == render_html(small_graph()) == render_html(shuffled)


def test_article_strings_cannot_break_out_of_the_page() -> None:
    html = render_html(make_hostile(small_graph()), title="Title " + HOSTILE_SCRIPT)
    assert "</script><script>window.__pwned" not in html
    assert "<img src=x" not in html and "<!-- " + HOSTILE_SCRIPT[:9] not in html
    assert "\u2028" not in html
    assert "<title>Title &lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;</title>" in html
    data = page_json(html)  # the escaped JSON still decodes to the original strings
    lukashenko = next(n for n in data["nodes"] if n["iri"] == str(LUKASHENKO))
    assert lukashenko["label"] == "Lukashenko " + HOSTILE_SCRIPT and HOSTILE_IMG in lukashenko["aliases"]
    assert "innerHTML" not in html.split("<script>")[-1] and "insertAdjacentHTML" not in html


def test_page_data_matches_the_projection() -> None:
    g = small_graph()
    p = project(g)
    data = page_json(render_html(g))
    assert len(data["nodes"]) == len(p.nodes) and len(data["edges"]) == len(p.edges)
    assert data["meta"]["physics"] is True and "x" not in data["nodes"][0]
    labels = {x["label"] for x in data["predicates"]}
    assert {"member of", "expresses intent to cooperate with", "threatens", "participant"} == labels
    assert [e["dup"] for e in data["edges"] if e["kind"] == "fact"] == [True]
    assert '"NOT "' in render_html(g)
    assert len(page_json(render_html(g, include_events=False))["nodes"]) == 4


def test_max_nodes_keeps_the_most_connected_entities_and_says_so() -> None:
    g = hub_graph(40)
    full = project(g)
    kept = truncate(full, 5)
    deg: dict[str, int] = {}
    for e in full.edges:
        deg[e.source] = deg.get(e.source, 0) + 1
        deg[e.target] = deg.get(e.target, 0) + 1
    cutoff = sorted(deg.values(), reverse=True)[4]
    assert kept.entity_count == 5 and kept.total_entities == 40 and kept.truncated
    assert all(deg.get(n.iri, 0) >= cutoff for n in kept.nodes)
    assert PLACE["c0000"] in {URIRef(n.iri) for n in kept.nodes}
    kept_iris = {n.iri for n in kept.nodes}
    assert all(e.source in kept_iris and e.target in kept_iris for e in kept.edges)
    html = render_html(g, max_nodes=5)
    assert "showing 5 of 40 entities" in html
    assert len(page_json(html)["nodes"]) == 5
    assert "showing" not in render_html(g).split("<body", 1)[1].split("<script", 1)[0]
    with pytest.raises(ValueError, match="max_nodes"):
        truncate(full, 0)


def test_truncation_keeps_events_linked_to_kept_entities() -> None:
    kept = truncate(project(small_graph()), 2)
    assert {n.kind for n in kept.nodes} == {"entity", "event"} and kept.entity_count == 2


def test_large_views_get_precomputed_positions_and_no_physics() -> None:
    g = hub_graph(PHYSICS_MAX_NODES + 40)
    data = page_json(render_html(g))
    assert data["meta"]["physics"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == len(data["nodes"])


def test_nodes_carry_their_community_and_the_page_can_colour_by_it() -> None:
    from kg.analytics import analyse
    from kg.entity_graph import from_rdflib

    g = hub_graph(30)
    stats = analyse(from_rdflib(g))
    html = render_html(g)
    assert 'id="kg-colour"' in html and '<option value="community">' in html
    data = page_json(html)
    comms = data["communities"]
    assert [c["id"] for c in comms] == sorted(c.id for c in stats.communities)
    assert [c["label"] for c in comms] == [c.label for c in stats.communities]
    assert len({c["color"] for c in comms}) == len(comms) and sum(c["count"] for c in comms) == 30
    expected = stats.community_of()
    assert all(comms[n["comm"]]["id"] == expected[n["iri"]] for n in data["nodes"])
    assert render_html(g, stats=stats) == html  # precomputed statistics give the same page


def test_nodes_outside_the_entity_graph_have_no_community() -> None:
    data = page_json(render_html(small_graph()))
    by_iri = {n["iri"]: n for n in data["nodes"]}
    assert by_iri[EVENT]["comm"] == -1 and by_iri[str(LUKASHENKO)]["comm"] == -1  # no claim of his own
    assert by_iri[str(PLACE.belarus)]["comm"] >= 0 and data["noCommunityColor"].startswith("#")
    p = project(small_graph())
    assert all(n.community == 0 for n in p.nodes)  # the projection alone computes no communities


def test_write_html_replaces_the_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out" / "graph.html"
    write_html(small_graph(), target, title="x")
    write_html(small_graph(), target, title="y")
    assert target.read_text(encoding="utf-8") == render_html(small_graph(), title="y")
    assert [p.name for p in target.parent.iterdir()] == ["graph.html"]
    with pytest.raises(ExportError, match="cannot write"):
        write_html(small_graph(), tmp_path / "out")
