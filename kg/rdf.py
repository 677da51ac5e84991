"""Records -> RDF quads: the only module that creates triples.

Each document's triples go to the named graph whose IRI is the document IRI;
entity descriptions go to ``{BASE}graph/entities``. The claim layer uses
``gk:Assertion`` nodes (also ``rdf:Statement``); the direct ("truthy") triple is
written only for positive, asserted, uncontested claims whose predicate is
truthy-eligible in gk.ttl (ONTOLOGY.md §4.3).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from . import __version__
from .iris import claim_hash, entity_id, span_fragment
from .namespaces import ITSRDF, NIF, SCHEMA, SEM, WD, Namespaces, bind_prefixes
from .records import Claim, DocumentResult, Entity, Event, Mention, TimeValue

logger = logging.getLogger(__name__)

Quad = tuple[URIRef, URIRef, URIRef, Node]  # (graph, subject, predicate, object)
_NNI = XSD.nonNegativeInteger
_PRECISION_TYPE = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}
#: Roles whose values are entity ids; every other role is a literal.
ENTITY_ROLES = frozenset({"recipient", "relatedEntity", "coAgent", "via", "location", "whole"})
_DECIMAL_ROLES = frozenset({"quantity"})
# Terms of plain rdflib Namespaces (and URIRef(...) calls) are new objects on every access. Made once, equal terms
# in the quads are one object, so set and dict operations on them later (the exporters, the HTML view) succeed on
# identity instead of calling rdflib's Python-level ``__eq__`` (and fewer URIRef objects are built).
_SPAN, _SENTENCE, _CONTEXT = NIF.RFC5147String, NIF.Sentence, NIF.Context
_REFERENCE_CONTEXT, _ANCHOR_OF, _SOURCE_URL = NIF.referenceContext, NIF.anchorOf, NIF.sourceUrl
_BEGIN_INDEX, _END_INDEX, _IS_STRING = NIF.beginIndex, NIF.endIndex, NIF.isString
_IDENT_REF = ITSRDF.taIdentRef
_NEWS_ARTICLE, _HEADLINE, _DATE_PUBLISHED = SCHEMA.NewsArticle, SCHEMA.headline, SCHEMA.datePublished
_URL, _AUTHOR, _PUBLISHER = SCHEMA.url, SCHEMA.author, SCHEMA.publisher
_EVENT_TYPE = SEM.eventType
# rdflib's DefinedNamespaces (RDF, PROV, ...) answer each attribute through a Python-level metaclass hook
_TYPE, _STATEMENT = RDF.type, RDF.Statement
_SUBJECT, _PREDICATE, _OBJECT = RDF.subject, RDF.predicate, RDF.object
_PROV_ENTITY, _DERIVED_FROM, _GENERATED_BY = PROV.Entity, PROV.wasDerivedFrom, PROV.wasGeneratedBy
_IDENTIFIER, _TITLE, _ISSUED = DCTERMS.identifier, DCTERMS.title, DCTERMS.issued
_CREATOR, _DC_PUBLISHER = DCTERMS.creator, DCTERMS.publisher
_PREF_LABEL, _ALT_LABEL, _LABEL, _SAME_AS = SKOS.prefLabel, SKOS.altLabel, RDFS.label, OWL.sameAs
_DATE, _ANY_URI, _DECIMAL = XSD.date, XSD.anyURI, XSD.decimal


@functools.lru_cache(maxsize=1 << 16)
def _offset(n: int) -> Literal:
    """``n`` as an ``xsd:nonNegativeInteger`` literal (offsets recur across mentions and documents)."""
    return Literal(n, datatype=_NNI)


@functools.lru_cache(maxsize=1 << 16)
def _text(text: str) -> Literal:
    """A plain string literal (mention texts recur across documents)."""
    return Literal(text)


@functools.lru_cache(maxsize=1 << 16)
def _english(text: str) -> Literal:
    """An English string literal (labels recur)."""
    return Literal(text, lang="en")


def _span_node(doc: URIRef, begin: int, end: int) -> URIRef:
    """IRI of the span ``[begin, end)`` of document ``doc``: ``{doc}#char=begin,end``.

    The fragment is digits and punctuation that IRIs allow, so the IRI is as valid as ``doc``: it is made
    without the validity scan ``URIRef()`` runs on every value (the same string, the same type).
    """
    return str.__new__(URIRef, f"{doc}{span_fragment(begin, end)}")


@functools.lru_cache(maxsize=1 << 14)
def _date(iso: str) -> Literal:
    """An ``xsd:date`` literal (publication dates recur; rdflib parses the value of each new literal)."""
    return Literal(iso, datatype=_DATE)


@dataclass
class GraphBuilder:
    """Accumulates quads for a whole build.

    Args:
        ns: Namespaces of the build's base IRI.
        truthy: Local names of gk: properties eligible for the truthy layer.
        run: Version string of the extraction run (code and data versions, no timestamps).
    """

    ns: Namespaces
    truthy: frozenset[str]
    run: str
    quads: set[Quad] = field(default_factory=set)
    entities: dict[str, Entity] = field(default_factory=dict)
    _gk_terms: dict[str, URIRef] = field(default_factory=dict, repr=False)
    _iris: dict[str, URIRef] = field(default_factory=dict, repr=False)
    _uris: dict[str, URIRef] = field(default_factory=dict, repr=False)

    @property
    def entity_graph(self) -> URIRef:
        """IRI of the named graph holding the entity registry."""
        return self._uri(self.ns.graph["entities"])

    def iri(self, eid: str) -> URIRef:
        """IRI of an entity id ``{kind}/{slug}`` (one object per id: entities recur in many quads)."""
        node = self._iris.get(eid)
        if node is None:
            node = self._iris[eid] = URIRef(self.ns.entity(eid))
        return node

    def _gk(self, name: str) -> URIRef:
        """The gk: term ``name``, one object per name (the closed namespace checks every look-up)."""
        node = self._gk_terms.get(name)
        if node is None:
            node = self._gk_terms[name] = self.ns.gk[name]
        return node

    def _uri(self, iri: str) -> URIRef:
        """``URIRef(iri)``, one object per IRI."""
        node = self._uris.get(iri)
        if node is None:
            node = self._uris[iri] = URIRef(iri)
        return node

    def add_entity(self, entity: Entity) -> URIRef:
        """Describe an entity once in the registry graph (the first description of an id wins)."""
        node = self.iri(entity.id)
        if entity.id in self.entities:
            return node
        self.entities[entity.id] = entity
        g = self.entity_graph
        label = _english(entity.name)
        self.quads.update((
            (g, node, _TYPE, self._gk(entity.cls)),
            (g, node, _PREF_LABEL, label),
            (g, node, _LABEL, label),
        ))
        for alias in entity.aliases:
            if alias != entity.name:
                self.quads.add((g, node, _ALT_LABEL, _english(alias)))
        if entity.qid:
            self.quads.add((g, node, self._gk("wikidataId"), Literal(entity.qid)))
            self.quads.add((g, node, _SAME_AS, WD[entity.qid]))
        return node

    def add_document(self, result: DocumentResult) -> None:
        """All triples of one article: metadata, context, mentions, claims, events, truthy layer."""
        art = result.article
        doc = URIRef(self.ns.doc[art.key])
        quads = self.quads
        ctx = _span_node(doc, 0, len(art.raw))

        def add(s: URIRef, p: URIRef, o: Node) -> None:
            quads.add((doc, s, p, o))

        for t in (_NEWS_ARTICLE, _PROV_ENTITY):
            add(doc, _TYPE, t)
        add(doc, _IDENTIFIER, Literal(art.doc_id))
        if art.title:
            title = Literal(art.title, lang="en")
            add(doc, _HEADLINE, title)
            add(doc, _TITLE, title)
        if art.published:
            published = _date(art.published)
            add(doc, _DATE_PUBLISHED, published)
            add(doc, _ISSUED, published)
        if art.url:
            add(doc, _URL, Literal(art.url, datatype=_ANY_URI))
        for name in art.authors:
            person = self.iri(entity_id("Person", name))
            add(doc, _AUTHOR, person)
            add(doc, _CREATOR, person)
        if art.publisher:
            outlet = self.iri(entity_id("MediaOutlet", art.publisher))
            add(doc, _PUBLISHER, outlet)
            add(doc, _DC_PUBLISHER, outlet)
        if art.original_publisher:
            add(doc, self._gk("originallyPublishedIn"), self.iri(entity_id("MediaOutlet", art.original_publisher)))
        for t in (_CONTEXT, _SPAN):
            add(ctx, _TYPE, t)
        add(ctx, _BEGIN_INDEX, _offset(0))
        add(ctx, _END_INDEX, _offset(len(art.raw)))
        add(ctx, _SOURCE_URL, doc)
        add(ctx, _IS_STRING, Literal(art.raw))
        for mention in result.mentions:
            self._mention(doc, ctx, mention)
        for event in result.events:
            self._event(doc, event)
        for claim in result.claims:
            self._claim(doc, ctx, art.key, claim)

    def _span(self, doc: URIRef, ctx: URIRef, begin: int, end: int, text: str, cls: URIRef) -> URIRef:
        node = _span_node(doc, begin, end)
        self.quads.update((
            (doc, node, _TYPE, cls),
            (doc, node, _TYPE, _SPAN),
            (doc, node, _REFERENCE_CONTEXT, ctx),
            (doc, node, _BEGIN_INDEX, _offset(begin)),
            (doc, node, _END_INDEX, _offset(end)),
            (doc, node, _ANCHOR_OF, _text(text)),
        ))
        return node

    def _mention(self, doc: URIRef, ctx: URIRef, m: Mention) -> None:
        node = self._span(doc, ctx, m.begin, m.end, m.text, self._gk("Mention"))
        self.quads.add((doc, node, _IDENT_REF, self.iri(m.entity_id)))
        self.quads.add((doc, node, self._gk("mentionKind"), self._gk(m.kind)))

    def _time(self, doc: URIRef, node: URIRef, tv: TimeValue) -> None:
        if tv.value and tv.precision in _PRECISION_TYPE:
            value = Literal(tv.value, datatype=_PRECISION_TYPE[tv.precision])
            self.quads.add((doc, node, self._gk("pointInTime"), value))
        if tv.earliest:
            self.quads.add((doc, node, self._gk("earliestTime"), Literal(tv.earliest, datatype=_DATE)))
        if tv.latest:
            self.quads.add((doc, node, self._gk("latestTime"), Literal(tv.latest, datatype=_DATE)))
        self.quads.add((doc, node, self._gk("timeText"), Literal(tv.text)))
        if tv.resolution:
            self.quads.add((doc, node, self._gk("timeResolution"), Literal(tv.resolution)))

    def _event(self, doc: URIRef, event: Event) -> None:
        node = self.iri(event.id)
        label = _english(event.label)
        self.quads.update((
            (doc, node, _TYPE, self._gk("Event")),
            (doc, node, _PREF_LABEL, label),
            (doc, node, _LABEL, label),
            (doc, node, _EVENT_TYPE, self._uri(self.ns.cameo[event.cameo])),
        ))
        for participant in event.participants:
            self.quads.add((doc, node, self._gk("participant"), self.iri(participant)))
        if event.time:
            self._time(doc, node, event.time)

    def _claim(self, doc: URIRef, ctx: URIRef, key: str, c: Claim) -> None:
        s, p, o = self.iri(c.subject), self._gk(c.predicate), self.iri(c.object)
        h = claim_hash([str(s), str(p), o.n3(), c.polarity, c.modality, c.attributed_to or "",
                        str(c.evidence.begin), str(c.evidence.end)])
        node = URIRef(self.ns.assertion[f"{key}-{h}"])
        evidence = self._span(doc, ctx, c.evidence.begin, c.evidence.end, c.evidence.text, _SENTENCE)
        quads = [
            (doc, node, _TYPE, self._gk("Assertion")),
            (doc, node, _TYPE, _STATEMENT),
            (doc, node, _SUBJECT, s),
            (doc, node, _PREDICATE, p),
            (doc, node, _OBJECT, o),
            (doc, node, self._gk("polarity"), self._gk(c.polarity)),
            (doc, node, self._gk("modality"), self._gk(c.modality)),
            (doc, node, self._gk("relationText"), Literal(c.relation_text)),
            (doc, node, self._gk("evidence"), evidence),
            (doc, node, self._gk("confidence"), Literal(Decimal(str(round(c.confidence, 3))), datatype=_DECIMAL)),
            (doc, node, _DERIVED_FROM, doc),
            (doc, node, _GENERATED_BY, self._uri(f"{self.ns.base}run/{self.run}")),
        ]
        if c.attributed_to:
            quads.append((doc, node, self._gk("attributedTo"), self.iri(c.attributed_to)))
        if c.attributed_text:
            quads.append((doc, node, self._gk("attributedToText"), Literal(c.attributed_text)))
        if c.cameo:
            quads.append((doc, node, self._gk("cameoCode"), self._uri(self.ns.cameo[c.cameo])))
        if c.contested:
            quads.append((doc, node, self._gk("contested"), Literal(True)))
        for role, value in c.roles:
            if role in ENTITY_ROLES:
                quads.append((doc, node, self._gk(role), self.iri(value)))
            elif role in _DECIMAL_ROLES:
                quads.append((doc, node, self._gk(role), Literal(Decimal(value), datatype=_DECIMAL)))
            elif role == "reportsEvent":
                quads.append((doc, node, self._gk("reportsEvent"), self.iri(value)))
            else:
                quads.append((doc, node, self._gk(role), Literal(value)))
        self.quads.update(quads)
        if c.time:
            self._time(doc, node, c.time)
        if is_truthy(c, self.truthy):
            self.quads.add((doc, s, p, o))


def is_truthy(claim: Claim, eligible: frozenset[str]) -> bool:
    """The truthy-layer rule of CONTRACT.md: positive, asserted, uncontested, eligible predicate.

    >>> from kg.records import Span
    >>> c = Claim("place/a", "memberOf", "organization/b", "Positive", "Asserted", "is a member of", Span(0, 1, "x"))
    >>> is_truthy(c, frozenset({"memberOf"}))
    True
    >>> from dataclasses import replace
    >>> is_truthy(replace(c, modality="Reported"), frozenset({"memberOf"}))
    False
    >>> is_truthy(replace(c, predicate="relatedTo"), frozenset({"memberOf", "relatedTo"}))
    False
    """
    return (
        claim.polarity == "Positive"
        and claim.modality == "Asserted"
        and not claim.contested
        and claim.predicate != "relatedTo"
        and claim.predicate in eligible
        and claim.subject != claim.object
    )


def build_quads(
    results: Iterable[DocumentResult],
    entities: dict[str, Entity],
    ns: Namespaces,
    truthy: frozenset[str],
    run: str,
) -> GraphBuilder:
    """Quads for a whole build: the entity table, then each document (the result is order-free)."""
    builder = GraphBuilder(ns=ns, truthy=truthy, run=run)
    for eid in sorted(entities):
        builder.add_entity(entities[eid])
    for result in results:
        builder.add_document(result)
    return builder


def to_graph(quads: Iterable[Quad], ns: Namespaces) -> Graph:
    """An rdflib Graph of the union of the quads' triples (in rdflib's context-free memory store, which
    fills in half the time of the default one)."""
    graph = Graph(store="SimpleMemory")
    bind_prefixes(graph, ns)
    for _, s, p, o in quads:
        graph.add((s, p, o))
    return graph


def run_id() -> str:
    """Version part of the extraction-run IRI."""
    return f"kg-{__version__}"

