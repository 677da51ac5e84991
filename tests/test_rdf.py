"""Records -> RDF: IRIs, NIF offsets, the claim layer and the truthy-layer rule."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

import kg.entity_graph as entity_graph_module
from kg.entity_graph import entity_graph, forget_groups, from_build, quads_by_predicate, rdflib_triples
from kg.export import _view
from kg.export.projection import TripleIndex, project
from kg.export.serialize import (
    QuadOrder,
    _distinct_rows,
    _object_key,
    _TermWriter,
    nquads_bytes,
    prefixes,
    turtle_bytes,
)
from kg.namespaces import NIF, make_namespaces
from kg.rdf import build_quads, to_graph
from kg.records import Article, Claim, DocumentResult, Entity, Mention, OffsetMap, Span, TimeValue
from kg.resources import truthy_properties

from .conftest import ONTOLOGY

BASE = "https://geokg.example/"
GK = BASE + "ont#"
RAW = "Minsk said Belarus is a member of the CSTO. Belarus does not recognize Crimea as Russian."


def _article() -> Article:
    return Article(doc_id="001_00000000000000aa", key="00000000000000aa", source="t.txt", raw=RAW, text=RAW,
                   offsets=OffsetMap.identity(len(RAW)), title="A test", authors=("Jan Novak",),
                   publisher="Test Wire", published="2020-08-17")


def _span(text: str, sub: str) -> Span:
    b = text.index(sub)
    return Span(b, b + len(sub), sub)


def _result() -> tuple[DocumentResult, dict[str, Entity]]:
    art = _article()
    s1 = _span(RAW, "Minsk said Belarus is a member of the CSTO.")
    s2 = _span(RAW, "Belarus does not recognize Crimea as Russian.")
    mentions = (
        Mention(0, 5, "Minsk", "place/belarus", "Metonym", (s1.begin, s1.end)),
        Mention(11, 18, "Belarus", "place/belarus", "Name", (s1.begin, s1.end)),
    )
    ents = {
        "place/belarus": Entity("place/belarus", "Belarus", "Country", ("Republic of Belarus",), "Q184"),
        "place/crimea": Entity("place/crimea", "Crimea", "Territory"),
        "organization/collective-security-treaty-organization": Entity(
            "organization/collective-security-treaty-organization", "Collective Security Treaty Organization",
            "MilitaryAlliance", ("CSTO",)),
        "person/jan-novak": Entity("person/jan-novak", "Jan Novak", "Person"),
        "organization/test-wire": Entity("organization/test-wire", "Test Wire", "MediaOutlet"),
    }
    claims = (
        Claim("place/belarus", "memberOf", "organization/collective-security-treaty-organization",
              "Positive", "Asserted", "is a member of", s1, 0.9,
              time=TimeValue("2020-08", "month", "in August")),
        Claim("place/belarus", "recognizes", "place/crimea", "Negative", "Asserted", "does not recognize", s2,
              0.8, roles=(("whole", "place/belarus"),)),
        Claim("place/belarus", "memberOf", "place/crimea", "Positive", "Reported", "said", s1, 0.5,
              attributed_to="place/belarus"),
    )
    return DocumentResult(art, mentions, tuple(ents.values()), claims, sentences=(s1, s2)), ents


@pytest.fixture(scope="module")
def built():
    truthy = truthy_properties(ONTOLOGY / "gk.ttl", GK)
    result, ents = _result()
    ns = make_namespaces(BASE)
    return build_quads([result], ents, ns, truthy, "kg-test"), ns


def test_truthy_layer_only_for_positive_asserted_claims(built):
    builder, ns = built
    g = to_graph(builder.quads, ns)
    belarus, cst = URIRef(BASE + "id/place/belarus"), URIRef(BASE + "id/place/crimea")
    csto = URIRef(BASE + "id/organization/collective-security-treaty-organization")
    assert (belarus, URIRef(GK + "memberOf"), csto) in g
    assert (belarus, URIRef(GK + "recognizes"), cst) not in g  # negated
    assert (belarus, URIRef(GK + "memberOf"), cst) not in g  # reported
    assert len(list(g.subjects(RDF.type, URIRef(GK + "Assertion")))) == 3


def test_mentions_carry_raw_offsets_and_anchor(built):
    builder, ns = built
    g = to_graph(builder.quads, ns)
    for m in g.subjects(RDF.type, URIRef(GK + "Mention")):
        b = int(g.value(m, NIF.beginIndex))
        e = int(g.value(m, NIF.endIndex))
        assert str(g.value(m, NIF.anchorOf)) == RAW[b:e]
        assert str(m).endswith(f"#char={b},{e}")
        assert g.value(m, NIF.beginIndex).datatype == XSD.nonNegativeInteger


def test_claim_time_and_confidence_are_typed(built):
    builder, ns = built
    g = to_graph(builder.quads, ns)
    times = list(g.objects(None, URIRef(GK + "pointInTime")))
    assert times == [Literal("2020-08", datatype=XSD.gYearMonth)]
    assert {o.datatype for o in g.objects(None, URIRef(GK + "confidence"))} == {XSD.decimal}


def test_entity_registry_graph_and_document_graph(built):
    builder, _ = built
    graphs = {str(q[0]) for q in builder.quads}
    assert graphs == {BASE + "graph/entities", BASE + "doc/00000000000000aa"}
    ent_quads = [q for q in builder.quads if str(q[0]).endswith("graph/entities")]
    assert all(str(q[1]).startswith(BASE + "id/") for q in ent_quads)


def test_serialisations_parse_strictly_and_agree(built):
    builder, ns = built
    ttl = turtle_bytes(builder.quads, ns)
    nq = nquads_bytes(builder.quads)
    triples = {(t.subject, t.predicate, t.object) for t in ox.parse(ttl, format=ox.RdfFormat.TURTLE)}
    quads = list(ox.parse(nq, format=ox.RdfFormat.N_QUADS))
    assert triples == {(q.subject, q.predicate, q.object) for q in quads}
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in quads)
    assert b"https://schema.org" not in ttl
    assert ttl == turtle_bytes(set(builder.quads), ns)


def test_claim_iri_is_content_hash(built):
    builder, ns = built
    again = build_quads([_result()[0]], _result()[1], ns, truthy_properties(ONTOLOGY / "gk.ttl", GK), "kg-test")
    assert again.quads == builder.quads
    assertions = {str(q[1]) for q in builder.quads if q[2] == RDF.type and str(q[3]) == GK + "Assertion"}
    assert all(a.startswith(BASE + "assertion/00000000000000aa-") and len(a.rsplit("-", 1)[1]) == 12
               for a in assertions)


def test_quad_order_is_the_canonical_sort(built):
    builder, _ = built
    quads = list(builder.quads)
    g, s, _, o = quads[0]
    # the same triple in another graph, repeated quads, equal terms that are other objects
    quads += [(URIRef(BASE + "graph/other"), s, RDF.type, URIRef(GK + "Assertion")), quads[0], quads[1],
              (URIRef(str(g)), URIRef(str(s)), RDF.type, URIRef(GK + "Mention"))]

    def key(q):
        return (str(q[1]), q[2] != RDF.type, str(q[2]), q[3].n3())

    order = QuadOrder.of(quads)
    got = [(order.graphs[g], order.subjects[s], order.predicates[p], order.objects[o]) for g, s, p, o in order.quads()]
    assert got == sorted(set(quads), key=lambda q: (str(q[0]), *key(q)))
    got = [(order.subjects[s], order.predicates[p], order.objects[o]) for s, p, o in order.triples()]
    assert got == sorted({q[1:] for q in quads}, key=lambda t: key((None, *t)))
    assert list(QuadOrder.of([]).quads()) == list(QuadOrder.of([]).triples()) == []


def test_quad_order_columns_keep_the_first_of_equal_terms_met():
    # graph, subject and predicate columns are made distinct by hashing each term, the object column by id first:
    # either way rdflib equality decides (an IRI and a blank node of the same text differ), the first met stays
    g1, g2 = URIRef(BASE + "g"), URIRef(BASE + "g")
    s1, s2, b = URIRef(BASE + "s"), URIRef(BASE + "s"), BNode(BASE + "s")
    p1, p2 = URIRef(GK + "p"), URIRef(GK + "p")
    o1, o2, o3 = Literal("x", lang="en"), Literal("x", lang="EN"), Literal("x")
    quads = [(g1, s1, p1, o1), (g2, s2, p2, o2), (g2, b, p2, o3), (g1, b, p1, URIRef(BASE + "s"))]
    order = QuadOrder.of(quads)
    assert order.graphs == [g1] and order.graphs[0] is g1 and order.predicates[0] is p1
    assert [type(t) for t in order.subjects] == [URIRef, BNode] and order.subjects[0] is s1  # ties: as met
    assert order.objects == sorted({o1, o3, URIRef(BASE + "s")}, key=_object_key)
    assert any(t is o1 for t in order.objects) and not any(t is o2 for t in order.objects)
    assert len(list(order.quads())) == len(set(quads)) == 3 == len(list(order.triples()))


def test_turtle_texts_from_the_n_triples_texts_are_the_texts_made_anew():
    ns = make_namespaces(BASE)
    terms = [URIRef(GK + "Assertion"), URIRef(BASE + "doc/ab#char=0,5"), URIRef("https://e.org/a b#x#y"),
             URIRef(str(XSD) + "integer"), Literal("plain"), Literal('say "hi"\n\x01\ud800'), Literal("x", lang="en"),
             Literal("1", datatype=XSD.integer), Literal("s", datatype=XSD.string), Literal("t", datatype=XSD.date),
             Literal("u", datatype=URIRef("https://e.org/a type#dt")), Literal("v", datatype=URIRef(GK + "dt")),
             BNode("b1")]  # fmt: skip
    full = _TermWriter(None).texts(terms)
    writer = _TermWriter(prefixes(ns))
    assert writer.texts(terms, full) == _TermWriter(prefixes(ns)).texts(terms) == [writer.term(t) for t in terms]
    assert "xsd:integer" in writer.texts(terms, full)[7] and full[7].endswith("#integer>")
    assert [_object_key(t) for t in terms[3:]] == [t.n3() for t in terms[3:]]
    with pytest.raises(Exception, match="valid URI"):
        _object_key(terms[2])
    order = QuadOrder.of([(URIRef(BASE + "g"), URIRef(BASE + "s"), URIRef(GK + "p"), t) for t in terms[3:]])
    assert order.nt_texts("objects") is order.nt_texts("objects") == _TermWriter(None).texts(order.objects)


def test_quad_order_groups_by_predicate_as_quads_by_predicate(built):
    builder, _ = built
    quads = set(builder.quads)
    g, s, _, o = next(iter(quads))
    quads |= {(g, s, URIRef(str(RDF.type)), URIRef(GK + "Other")), (g, o, URIRef(GK + "new"), s)}  # an equal term
    forget_groups()
    expected = quads_by_predicate(list(quads))
    got = QuadOrder.of(quads).by_predicate(quads)
    assert list(got) == list(expected) and all(a is b for a, b in zip(got, expected, strict=True))
    assert all(got[p] == expected[p] and all(map(tuple.__eq__, got[p], expected[p])) for p in expected)
    assert QuadOrder.of([]).by_predicate([]) == {}
    with pytest.raises(ValueError):
        QuadOrder.of(quads).by_predicate([])


def test_distinct_rows_sort_the_same_with_or_without_one_key_per_row():
    rng = np.random.default_rng(3)
    columns = [rng.integers(0, size, 500) for size in (3, 40, 7, 90)]
    columns = [np.concatenate([c, c[:100]]) for c in columns]  # repeated rows
    small = _distinct_rows(columns, (3, 40, 7, 90))
    large = _distinct_rows(columns, (3, 2**40, 7, 2**40))  # too many rows for one integer key each
    rows = sorted(set(zip(*(c.tolist() for c in columns), strict=True)))
    assert [list(zip(*(c.tolist() for c in got), strict=True)) for got in (small, large)] == [rows, rows]


def test_html_view_projects_as_the_whole_graph(built):
    builder, ns = built
    groups, mentions = _view(SimpleNamespace(graph=builder))
    gk = f"{ns.base}ont#"
    whole = project(TripleIndex(q[1:] for q in builder.quads), gk_ns=gk)
    assert len(mentions) == 2 and sum(n.mentions for n in whole.nodes) == 2
    assert project(TripleIndex.of_groups(groups), gk_ns=gk, mentions=mentions) == whole
    assert project(to_graph(builder.quads, ns), gk_ns=gk) == whole


def test_quads_by_predicate_is_kept_for_the_last_quad_set_only():
    quads = {(URIRef("g"), URIRef("s"), URIRef(f"p{i % 3}"), Literal(i)) for i in range(9)}
    groups = quads_by_predicate(quads)
    assert quads_by_predicate(quads) is groups and sorted(map(len, groups.values())) == [3, 3, 3]
    forget_groups()
    assert quads_by_predicate(quads) is not groups
    assert quads_by_predicate(set(quads)) is not quads_by_predicate(quads)
    del quads
    assert not entity_graph_module._last_groups  # the groups went with their quads


def test_entity_graph_of_a_build_is_that_of_its_triples(built):
    builder, _ = built

    def signature(eg):
        return (list(eg.graph.nodes(data=True)), list(eg.graph.edges(data=True)), eg.claims, eg.names, eg.documents)

    expected = entity_graph(rdflib_triples(q[1:] for q in builder.quads), gk_ns=GK)
    assert expected.graph.number_of_edges() == 2 and expected.claims
    assert signature(from_build(SimpleNamespace(graph=builder))) == signature(expected)


def test_span_nodes_are_the_uris_rdflib_makes() -> None:
    from kg.rdf import _span_node

    doc = URIRef("https://example.org/kg/doc/abc-123")
    node = _span_node(doc, 5, 12)
    assert node == URIRef("https://example.org/kg/doc/abc-123#char=5,12") and type(node) is URIRef
    assert hash(node) == hash(URIRef(str(node)))
