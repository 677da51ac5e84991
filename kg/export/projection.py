"""Entity-level projection of the RDF graph for the HTML view and graph analytics.

Nodes are entities (and, optionally, ``gk:Event`` nodes); edges are claims grouped by
``(subject, predicate, object, polarity, modality)``, the truthy ``s gk:p o`` triples, and
event → participant links. Literals stay node or edge attributes (never nodes, unlike
``rdflib_to_networkx``), and every list is sorted so the projection is deterministic.

>>> readable("memberOf"), readable("expressesIntentToCooperateWith")
('member of', 'expresses intent to cooperate with')
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS
from rdflib.term import Node as RDFNode

from kg.namespaces import ITSRDF, NIF, SCHEMA, SEM

if TYPE_CHECKING:
    import networkx as nx

logger = logging.getLogger(__name__)

DEFAULT_GK_NS = "https://geokg.example/ont#"
#: Leaf classes of gk:Entity (CONTRACT.md); subclasses declared in a merged ontology count too.
ENTITY_CLASSES = (
    "Country", "City", "Territory", "Facility", "Person", "Organization", "IntergovernmentalOrganization",
    "MilitaryAlliance", "EconomicUnion", "ArmedGroup", "MediaOutlet", "PoliticalParty", "GovernmentBody",
    "Initiative", "Agreement", "Event", "WeaponSystem",
)  # fmt: skip
#: How many evidence sentences an edge keeps.
MAX_EVIDENCE = 3
MAX_RELATION_TEXTS = 5

_QID = re.compile(r"(Q[1-9][0-9]*)$")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# rdflib's namespaces make (or look up through a Python hook) a term on each access: these are made once
_TYPE = RDF.type
_SUBCLASS_OF = RDFS.subClassOf
_TITLE = DCTERMS.title
_LABEL = RDFS.label
_PREF_LABEL = SKOS.prefLabel
_ALT_LABEL = SKOS.altLabel
_SAME_AS = OWL.sameAs
_EVENT_TYPE = SEM.eventType
_NOTATION = SKOS.notation
_IDENT_REF = ITSRDF.taIdentRef
_SUBJECT = RDF.subject
_PREDICATE = RDF.predicate
_OBJECT = RDF.object
_DERIVED_FROM = PROV.wasDerivedFrom
#: ``(subject, predicate, object, polarity, modality)`` of a claim group.
GroupKey = tuple[str, str, str, str, str]


@dataclass(frozen=True, slots=True)
class Document:
    """A source article: IRI, headline and publication date (ISO string or empty)."""

    iri: str
    title: str
    date: str


@dataclass(frozen=True, slots=True, order=True)
class Evidence:
    """One evidence sentence and the document it comes from."""

    date: str
    title: str
    text: str
    doc: str


@dataclass(frozen=True, slots=True)
class Node:
    """An entity or event node.

    ``label`` is ``skos:prefLabel`` (else ``rdfs:label``, else the IRI's last segment); ``cls`` the gk: class's
    local name; ``kind`` "entity" or "event"; ``qid`` the Wikidata id or None; ``mentions`` the number of
    ``gk:Mention`` resources pointing at it and ``documents`` the distinct documents they are in (for events,
    the documents of the claims reporting them, listed in ``doc_iris``); ``date`` and ``event_type`` (CAMEO
    notation) are set on events only; ``community`` is the Louvain community of ``kg.analytics`` (from 1;
    0 when unknown or not computed, see ``with_communities``).
    """

    iri: str
    label: str
    cls: str
    kind: str = "entity"
    aliases: tuple[str, ...] = ()
    qid: str | None = None
    mentions: int = 0
    documents: int = 0
    doc_iris: tuple[str, ...] = ()
    date: str = ""
    event_type: str = ""
    community: int = 0


@dataclass(frozen=True, slots=True)
class Edge:
    """A grouped claim (kind "claim"), a truthy triple ("fact") or an event link ("participant").

    ``predicate`` is the gk: property's local name; ``count`` the claims in the group (for a fact, the
    positive asserted claims supporting it, whose evidence it shares); ``evidence`` up to ``MAX_EVIDENCE``
    sentences, earliest document first; ``attribution`` the labels of ``gk:attributedTo`` agents plus
    ``gk:attributedToText``; ``confidence`` the highest ``gk:confidence``; ``relation_texts`` the verb phrases;
    ``events`` what the claims report (``gk:reportsEvent``); ``truthy`` marks a direct ``s gk:p o`` triple.
    """

    source: str
    target: str
    predicate: str
    kind: str = "claim"
    polarity: str = "Positive"
    modality: str = "Asserted"
    count: int = 1
    evidence: tuple[Evidence, ...] = ()
    attribution: tuple[str, ...] = ()
    confidence: float | None = None
    relation_texts: tuple[str, ...] = ()
    doc_iris: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    truthy: bool = False

    @property
    def group_key(self) -> GroupKey:
        """``(source, predicate, target, polarity, modality)``."""
        return (self.source, self.predicate, self.target, self.polarity, self.modality)


@dataclass(frozen=True, slots=True)
class Projection:
    """Nodes (by IRI), edges and referenced documents, all sorted; ``total_*`` count before truncation.

    ``community_labels[i - 1]`` names community ``i`` (after its most central member) once
    ``with_communities`` has set them.
    """

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    documents: tuple[Document, ...]
    gk_ns: str = DEFAULT_GK_NS
    total_entities: int = 0
    total_events: int = 0
    community_labels: tuple[str, ...] = ()

    @property
    def entity_count(self) -> int:
        """Entity nodes kept (events excluded)."""
        return sum(1 for n in self.nodes if n.kind == "entity")

    @property
    def truncated(self) -> bool:
        """True if entities were dropped by ``truncate``."""
        return self.entity_count < self.total_entities

    def to_networkx(self) -> nx.MultiDiGraph:
        """The projection as a networkx MultiDiGraph keyed by IRI (networkx imported lazily)."""
        import networkx as nx

        g = nx.MultiDiGraph()
        for n in self.nodes:
            g.add_node(n.iri, **asdict(n))
        for e in self.edges:
            g.add_edge(e.source, e.target, key=f"{e.kind}|{e.predicate}|{e.polarity}|{e.modality}", **asdict(e))
        return g


_Index = dict[RDFNode, dict[RDFNode, dict[RDFNode, None]]]
#: What a look-up that finds nothing answers (never changed; one object, not a new dict per look-up).
_NONE: dict[Any, Any] = {}


class TripleIndex:
    """Triples in memory, indexed for the look-ups ``project`` makes, answered as an rdflib Graph with the
    ``SimpleMemory`` store answers them (same results; same order, but for a pattern with only the object).
    For the HTML view of a build: filling it costs a fraction of filling a Graph (no store call and no caught
    KeyError per new key), and so do the look-ups.
    """

    def __init__(self, triples: Iterable[tuple[RDFNode, RDFNode, RDFNode]] = ()) -> None:
        self._spo: _Index = {}
        self._pos: _Index = {}
        #: ``(subject, object)`` pairs of the predicates whose part of ``_pos`` is made when first asked for
        self._pairs: dict[RDFNode, list[tuple[RDFNode, RDFNode]]] = {}
        spo, pos, put = self._spo, self._pos, self._put
        for s, p, o in triples:
            put(spo, s, p, o)
            put(pos, p, o, s)

    @classmethod
    def of_groups(cls, groups: Iterable[tuple[RDFNode, Iterable[tuple[RDFNode, RDFNode]]]]) -> TripleIndex:
        """The index of the triples given grouped by predicate, as ``(predicate, (subject, object) pairs)``: the
        same as of the triples one group after the other, but made faster. The by-predicate-and-object part of
        a predicate is made when first asked for (the HTML view asks for a few only).
        """
        index = cls()
        spo, later = index._spo, index._pairs
        for p, group in groups:
            pairs = list(group)
            if p in later:  # the predicate again: as if its triples came one group after the other
                later[p] = later[p] + pairs
            else:
                later[p] = pairs
            for s, o in pairs:
                inner = spo.get(s)
                if inner is None:
                    spo[s] = {p: {o: None}}
                    continue
                leaf = inner.get(p)
                if leaf is None:
                    inner[p] = {o: None}
                else:
                    leaf[o] = None
        return index

    def _by_object(self, p: RDFNode) -> dict[RDFNode, dict[RDFNode, None]]:
        """``_pos[p]``, made now if it is not yet."""
        by_object = self._pos.get(p)
        if by_object is None:
            by_object = {}
            pairs = self._pairs.pop(p, ())
            for s, o in pairs:
                leaf = by_object.get(o)
                if leaf is None:
                    by_object[o] = {s: None}
                else:
                    leaf[s] = None
            if pairs:
                self._pos[p] = by_object
        return by_object

    @staticmethod
    def _put(index: _Index, a: RDFNode, b: RDFNode, c: RDFNode) -> None:
        inner = index.get(a)
        if inner is None:
            inner = index[a] = {}
        leaf = inner.get(b)
        if leaf is None:
            leaf = inner[b] = {}
        leaf[c] = None

    def triples(
        self, pattern: tuple[RDFNode | None, RDFNode | None, RDFNode | None]
    ) -> Iterator[tuple[RDFNode, RDFNode, RDFNode]]:
        """The triples matching ``(s, p, o)``, None matching anything."""
        s, p, o = pattern
        if s is not None:
            by_predicate = self._spo.get(s, _NONE)
            for pred, objects in by_predicate.items() if p is None else [(p, by_predicate.get(p, _NONE))]:
                if o is None:
                    yield from ((s, pred, obj) for obj in objects)
                elif o in objects:
                    yield s, pred, o
        elif p is not None:
            by_object = self._by_object(p)
            for obj, subjects in by_object.items() if o is None else [(o, by_object.get(o, _NONE))]:
                yield from ((subj, p, obj) for subj in subjects)
        else:
            for subj in self._spo:
                yield from self.triples((subj, None, o))

    def __iter__(self) -> Iterator[tuple[RDFNode, RDFNode, RDFNode]]:
        return self.triples((None, None, None))

    def __contains__(self, triple: tuple[RDFNode, RDFNode, RDFNode]) -> bool:
        s, p, o = triple
        return o in self._spo.get(s, _NONE).get(p, _NONE)

    def subjects(self, predicate: RDFNode | None = None, object: RDFNode | None = None) -> Iterator[RDFNode]:
        """Subjects of the triples ``(?, predicate, object)``."""
        if predicate is not None and object is not None:
            return iter(self._by_object(predicate).get(object, _NONE))
        return (s for s, _, _ in self.triples((None, predicate, object)))

    def objects(self, subject: RDFNode | None = None, predicate: RDFNode | None = None) -> Iterator[RDFNode]:
        """Objects of the triples ``(subject, predicate, ?)``."""
        if subject is not None and predicate is not None:
            return iter(self._spo.get(subject, _NONE).get(predicate, _NONE))
        return (o for _, _, o in self.triples((subject, predicate, None)))

    def subject_objects(self, predicate: RDFNode | None = None) -> Iterator[tuple[RDFNode, RDFNode]]:
        """``(subject, object)`` of the triples ``(?, predicate, ?)``."""
        if predicate is not None:
            return ((s, o) for o, subjects in self._by_object(predicate).items() for s in subjects)
        return ((s, o) for s, _, o in self.triples((None, predicate, None)))

    def predicate_objects(self, subject: RDFNode | None = None) -> Iterator[tuple[RDFNode, RDFNode]]:
        """``(predicate, object)`` of the triples ``(subject, ?, ?)``."""
        if subject is not None:
            return ((p, o) for p, objects in self._spo.get(subject, _NONE).items() for o in objects)
        return ((p, o) for _, p, o in self.triples((subject, None, None)))

    def value(self, subject: RDFNode, predicate: RDFNode) -> RDFNode | None:
        """An object of ``(subject, predicate, ?)`` (the first), or None."""
        return next(iter(self._spo.get(subject, _NONE).get(predicate, _NONE)), None)


#: What ``project`` reads: an rdflib Graph or Dataset, or a ``TripleIndex``.
Triples = Graph | TripleIndex


def readable(name: str) -> str:
    """``"memberOf"`` → ``"member of"``."""
    return _CAMEL.sub(" ", name).lower()


def local_name(iri: str) -> str:
    """The part after the last ``#`` or ``/``.

    >>> local_name("https://geokg.example/ont#memberOf"), local_name("https://x.org/id/place/belarus")
    ('memberOf', 'belarus')
    """
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def detect_gk_ns(graph: Triples) -> str:
    """The gk: namespace: the one whose ``#Assertion`` (else an entity class) is used as an rdf:type.

    Args:
        graph: The data graph.

    Returns:
        The namespace ending in ``#``; ``DEFAULT_GK_NS`` when nothing matches.
    """
    classes = {str(o) for o in graph.objects(None, _TYPE) if isinstance(o, URIRef)}
    for suffixes in (("#Assertion",), tuple(f"#{c}" for c in ENTITY_CLASSES)):
        found = sorted({c[: c.rindex("#") + 1] for c in classes if c.endswith(suffixes)})
        if found:
            if len(found) > 1:
                logger.warning("several gk namespaces in use %s; using %s", found, found[0])
            return DEFAULT_GK_NS if DEFAULT_GK_NS in found else found[0]
    return DEFAULT_GK_NS


def _union(graph: Triples) -> Triples:
    """A Dataset without ``default_union`` queried as a plain graph sees only its default graph."""
    if isinstance(graph, Dataset) and not graph.default_union:
        merged = Graph()
        for s, p, o, _ in graph.quads((None, None, None, None)):
            merged.add((s, p, o))
        return merged
    return graph


def _subclasses(graph: Triples, root: URIRef) -> set[URIRef]:
    seen: set[URIRef] = set()
    todo = [root]
    while todo:
        for sub in graph.subjects(_SUBCLASS_OF, todo.pop()):
            if isinstance(sub, URIRef) and sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return seen


def _best_label(graph: Triples, node: RDFNode, *props: URIRef) -> str:
    for prop in props:
        values = [o for o in graph.objects(node, prop) if isinstance(o, Literal)]
        if len(values) == 1:
            return values[0].strip()
        if values:
            # English first, then untagged, then anything; ties broken by text.
            return min(values, key=lambda v: (v.language != "en", v.language is not None, str(v))).strip()
    return ""


class _Terms:
    """The terms of a namespace by local name (``terms.x`` or ``terms["x"]``), each made once: an rdflib
    ``Namespace`` makes (and checks) a new URIRef on every access, and the projection asks thousands of times."""

    def __init__(self, namespace: str) -> None:
        self._namespace = namespace
        self._terms: dict[str, URIRef] = {}

    def __getitem__(self, name: str) -> URIRef:
        term = self._terms.get(name)
        if term is None:
            term = self._terms[name] = URIRef(self._namespace + name)
        return term

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]


_SCHEMA, _NIF = _Terms(str(SCHEMA)), _Terms(str(NIF))


def _fallback_label(iri: str) -> str:
    return local_name(iri).replace("-", " ") or iri


class _Builder:
    """Collects the projection with ``graph.triples`` look-ups (indexed, no SPARQL engine cost)."""

    def __init__(self, graph: Triples, gk_ns: str, include_events: bool) -> None:
        self.g = graph
        self.gk = _Terms(gk_ns)
        self.gk_ns = gk_ns
        self.include_events = include_events
        self.nodes: dict[str, Node] = {}
        #: The IRI term of each node that has one (``URIRef(iri)`` again would cost a check of the IRI).
        self.terms: dict[str, URIRef] = {}
        self.docs: dict[str, Document] = {}
        self._ctx_doc: dict[RDFNode, str] = {}

    # ---- documents ----
    def document(self, doc: RDFNode) -> str:
        iri = str(doc)
        if iri not in self.docs:
            title = _best_label(self.g, doc, _SCHEMA.headline, _TITLE, _LABEL) or _fallback_label(iri)
            date = min((str(o) for o in self.g.objects(doc, _SCHEMA.datePublished)), default="")
            self.docs[iri] = Document(iri, title, date)
        return iri

    def context_document(self, ctx: RDFNode) -> str:
        if ctx not in self._ctx_doc:
            src = self.g.value(ctx, _NIF.sourceUrl)
            self._ctx_doc[ctx] = self.document(src if src is not None else URIRef(str(ctx).split("#", 1)[0]))
        return self._ctx_doc[ctx]

    # ---- nodes ----
    def collect_nodes(self) -> None:
        gk = self.gk
        entity_classes = {gk[c] for c in ENTITY_CLASSES} | _subclasses(self.g, gk.Entity)
        event_classes = {gk.Event} | _subclasses(self.g, gk.Event)
        types: dict[RDFNode, set[URIRef]] = defaultdict(set)
        for cls in entity_classes:
            for s in self.g.subjects(_TYPE, cls):
                if isinstance(s, URIRef | BNode):
                    types[s].add(cls)
        for s, classes in types.items():
            is_event = bool(classes & event_classes)
            if is_event and not self.include_events:
                continue
            # Prefer a leaf class; among several, the alphabetically first for determinism.
            pool = (classes & event_classes) if is_event else classes
            pool = (pool - {gk.Entity, gk.Agent, gk.Place}) or pool
            leaf = local_name(min(str(c) for c in pool))
            self.add(s, self.describe(s, leaf, "event" if is_event else "entity"))

    def add(self, term: RDFNode, node: Node) -> None:
        """Add the node of ``term``."""
        self.nodes[node.iri] = node
        if type(term) is URIRef:
            self.terms[node.iri] = term

    def describe(self, s: RDFNode, cls: str, kind: str) -> Node:
        g, gk = self.g, self.gk
        label = _best_label(g, s, _PREF_LABEL, _LABEL) or _fallback_label(str(s))
        aliases = sorted({str(o).strip() for o in g.objects(s, _ALT_LABEL)} - {label, ""})
        qid = next((str(o) for o in g.objects(s, gk.wikidataId) if _QID.fullmatch(str(o))), None)
        if qid is None:
            qid = min((m.group(1) for o in g.objects(s, _SAME_AS) if (m := _QID.search(str(o)))), default=None)
        date = event_type = ""
        if kind == "event":
            date = min((str(o) for o in g.objects(s, gk.pointInTime)), default="")
            et = g.value(s, _EVENT_TYPE)
            if et is not None:
                event_type = str(g.value(et, _NOTATION) or local_name(str(et)))
        return Node(str(s), label, cls, kind, tuple(aliases), qid, date=date, event_type=event_type)

    def placeholder(self, term: RDFNode) -> str | None:
        """Endpoint IRIs with no gk: type (e.g. a document graph without the registry) get a plain node."""
        iri = str(term)
        if iri in self.nodes:
            return iri
        if not isinstance(term, URIRef) or (term, _TYPE, self.gk.Event) in self.g:
            return None
        self.add(term, self.describe(term, "Entity", "entity"))
        return iri

    def mention_links(self) -> Iterator[tuple[RDFNode, RDFNode | None]]:
        """``(target, context)`` of each ``gk:Mention`` (``itsrdf:taIdentRef``, ``nif:referenceContext`` or None)."""
        g = self.g
        mentions = set(g.subjects(_TYPE, self.gk.Mention))
        by_target: dict[RDFNode, list[RDFNode]] = defaultdict(list)
        for m, target in g.subject_objects(_IDENT_REF):
            by_target[target].append(m)
        reference_context, value = _NIF.referenceContext, g.value
        for target, found in by_target.items():
            for m in found:
                if m in mentions:
                    yield target, value(m, reference_context)

    def count_mentions(self, extra_docs: dict[str, set[str]],
                       links: Iterable[tuple[RDFNode, RDFNode | None]] | None = None) -> None:
        """Set each node's mentions and documents (``links``: ``mention_links()`` if known already)."""
        counts: Counter[str] = Counter()
        docs: dict[str, set[str]] = defaultdict(set)
        nodes, ctx_doc, context_document = self.nodes, self._ctx_doc, self.context_document
        by_target: dict[RDFNode, list[RDFNode | None]] = defaultdict(list)
        for target, ctx in self.mention_links() if links is None else links:
            by_target[target].append(ctx)
        for target, contexts in by_target.items():
            iri = str(target)
            if iri not in nodes:
                continue
            counts[iri] += len(contexts)
            in_docs = docs[iri]
            for ctx in set(contexts):  # a set: most mentions of an entity share their context with others
                if ctx is not None:
                    in_docs.add(ctx_doc.get(ctx) or context_document(ctx))
        for iri, node in list(self.nodes.items()):
            all_docs = docs[iri] | extra_docs.get(iri, set())
            # Events are rarely mentioned by name: their documents are those of the claims reporting them.
            n_docs = len(docs[iri]) if node.kind == "entity" else len(all_docs)
            self.nodes[iri] = replace(node, mentions=counts[iri], documents=n_docs,
                                      doc_iris=tuple(sorted(all_docs)))  # fmt: skip

    # ---- edges ----
    def claims(self) -> dict[GroupKey, Edge]:
        g, gk = self.g, self.gk
        groups: dict[GroupKey, list[dict[str, list[RDFNode]]]] = defaultdict(list)
        skipped = 0
        for a in g.subjects(_TYPE, gk.Assertion):
            props: dict[str, list[RDFNode]] = defaultdict(list)
            for p, o in g.predicate_objects(a):
                props[str(p)].append(o)
            subj, pred, obj = (
                min(props.get(str(t), []), key=str, default=None) for t in (_SUBJECT, _PREDICATE, _OBJECT)
            )
            src = self.placeholder(subj) if subj is not None else None
            dst = self.placeholder(obj) if obj is not None else None
            if src is None or dst is None or pred is None:
                skipped += 1
                continue
            pol = local_name(min((str(x) for x in props.get(str(gk.polarity), [])), default=str(gk.Positive)))
            mod = local_name(min((str(x) for x in props.get(str(gk.modality), [])), default=str(gk.Asserted)))
            groups[(src, local_name(str(pred)), dst, pol, mod)].append(props)
        if skipped:
            logger.info("%d claims skipped: subject or object is a literal or an excluded event", skipped)
        return {key: self.claim_edge(key, members) for key, members in groups.items()}

    def claim_edge(self, key: GroupKey, members: list[dict[str, list[RDFNode]]]) -> Edge:
        g, gk = self.g, self.gk
        evidence: set[Evidence] = set()
        attribution: set[str] = set()
        texts: set[str] = set()
        docs: set[str] = set()
        dates: set[str] = set()
        events: set[str] = set()
        confidence: float | None = None
        for props in members:
            derived = sorted(props.get(str(_DERIVED_FROM), []), key=str)
            doc_iris = [self.document(d) for d in derived]
            docs.update(doc_iris)
            doc = self.docs[doc_iris[0]] if doc_iris else Document("", "", "")
            for sentence in props.get(str(gk.evidence), []):
                text = _best_label(g, sentence, _NIF.anchorOf)
                if text:
                    evidence.add(Evidence(doc.date, doc.title, " ".join(text.split()), doc.iri))
            for agent in props.get(str(gk.attributedTo), []):
                node = self.nodes.get(str(agent))
                attribution.add(node.label if node else _fallback_label(str(agent)))
            attribution.update(str(t).strip() for t in props.get(str(gk.attributedToText), []))
            texts.update(str(t).strip() for t in props.get(str(gk.relationText), []))
            dates.update(str(t) for t in props.get(str(gk.pointInTime), []))
            events.update(str(e) for e in props.get(str(gk.reportsEvent), []))
            for c in props.get(str(gk.confidence), []):
                try:
                    value = float(str(c))
                except ValueError:
                    continue
                confidence = value if confidence is None else max(confidence, value)
        src, pred, dst, pol, mod = key
        return Edge(
            src, dst, pred, "claim", pol, mod, len(members), tuple(sorted(evidence)[:MAX_EVIDENCE]),
            tuple(sorted(attribution - {""})), confidence, tuple(sorted(texts - {""})[:MAX_RELATION_TEXTS]),
            tuple(sorted(docs)), tuple(sorted(dates)), tuple(sorted(events)),
        )  # fmt: skip

    def direct_edges(self, claims: dict[GroupKey, Edge]) -> list[Edge]:
        """Truthy ``s gk:p o`` triples between nodes, and event → participant links."""
        out: list[Edge] = []
        participant = str(self.gk.participant)
        for iri, node in self.nodes.items():
            term = self.terms.get(iri)
            for p, o in self.g.predicate_objects(URIRef(iri) if term is None else term):
                ps, target = str(p), str(o)
                if not ps.startswith(self.gk_ns) or target not in self.nodes:
                    continue
                pred = ps[len(self.gk_ns) :]
                if node.kind == "event" and ps == participant:
                    out.append(Edge(iri, target, pred, "participant", doc_iris=node.doc_iris, truthy=True))
                    continue
                support = claims.get((iri, pred, target, "Positive", "Asserted"))
                if support is None:
                    out.append(Edge(iri, target, pred, "fact", count=0, truthy=True))
                else:
                    out.append(replace(support, kind="fact", truthy=True))
        return out


def project(graph: Triples, *, gk_ns: str | None = None, include_events: bool = True,
            mentions: Iterable[tuple[RDFNode, RDFNode | None]] | None = None) -> Projection:
    """Project the RDF graph onto entities, grouped claims, truthy facts and events.

    Args:
        graph: What the builder wrote (an rdflib Graph or Dataset, or a ``TripleIndex``).
        gk_ns: The gk: namespace; detected from the ``gk:Assertion`` class in use when None.
        include_events: Keep ``gk:Event`` nodes (and the edges that touch them).
        mentions: ``(target, context)`` of each ``gk:Mention`` of the graph: what it links to
            (``itsrdf:taIdentRef``) and its ``nif:referenceContext`` (None if it has none); a mention linking
            to several targets is listed once per target. When given, ``graph`` need not hold the
            ``taIdentRef`` and ``referenceContext`` triples of mentions, nor their ``rdf:type gk:Mention``
            (they are read nowhere else, unless ``gk:Mention`` is made a subclass of an entity class).

    Returns:
        The projection, with every tuple sorted.
    """
    graph = _union(graph)
    ns = gk_ns or detect_gk_ns(graph)
    b = _Builder(graph, ns, include_events)
    b.collect_nodes()
    claims = b.claims()
    direct = b.direct_edges(claims)
    event_docs: dict[str, set[str]] = defaultdict(set)
    for e in claims.values():
        for ev in e.events:
            event_docs[ev].update(e.doc_iris)
    b.count_mentions(event_docs, mentions)
    # Participant links inherit the event's documents, known only after count_mentions.
    direct = [replace(e, doc_iris=b.nodes[e.source].doc_iris) if e.kind == "participant" else e for e in direct]
    edges = sorted([*claims.values(), *direct], key=_edge_sort_key)
    nodes = tuple(sorted(b.nodes.values(), key=lambda n: n.iri))
    used = {d for n in nodes for d in n.doc_iris} | {d for e in edges for d in e.doc_iris}
    documents = tuple(sorted((b.docs[d] for d in used if d in b.docs), key=lambda d: d.iri))
    n_entities = sum(1 for n in nodes if n.kind == "entity")
    logger.debug("projection: %d nodes, %d edges, %d documents", len(nodes), len(edges), len(documents))
    return Projection(nodes, tuple(edges), documents, ns, n_entities, len(nodes) - n_entities)


def with_communities(projection: Projection, membership: Mapping[str, int], labels: Sequence[str]) -> Projection:
    """The projection with each node's community (``kg.analytics``); nodes outside the entity graph get 0.

    Args:
        projection: A projection from ``project``.
        membership: Entity IRI → community id (from 1).
        labels: Label of community ``i`` at index ``i - 1``.
    """
    nodes = tuple(n if (c := membership.get(n.iri, 0)) == n.community else replace(n, community=c)
                  for n in projection.nodes)
    return replace(projection, nodes=nodes, community_labels=tuple(labels))


_KIND_ORDER = {"claim": 0, "fact": 1, "participant": 2}


def _edge_sort_key(e: Edge) -> tuple[str, str, str, int, str, str]:
    return (e.source, e.predicate, e.target, _KIND_ORDER.get(e.kind, 9), e.polarity, e.modality)


def degrees(edges: Iterable[Edge]) -> Counter[str]:
    """Undirected degree: incident edges per node (self-loops count once)."""
    deg: Counter[str] = Counter()
    for e in edges:
        deg[e.source] += 1
        if e.target != e.source:
            deg[e.target] += 1
    return deg


def truncate(projection: Projection, max_nodes: int) -> Projection:
    """Keep the ``max_nodes`` entities of highest degree, the events linked to them and the edges between.

    Ties are broken by mentions, then IRI, so the choice is deterministic.

    Args:
        projection: A projection from ``project``.
        max_nodes: Entity limit (events are kept when linked to a kept entity).

    Returns:
        The same projection when it is small enough, else the reduced one (``total_*`` unchanged).
    """
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    entities = [n for n in projection.nodes if n.kind == "entity"]
    if len(entities) <= max_nodes:
        return projection
    deg = degrees(projection.edges)
    ranked = sorted(entities, key=lambda n: (-deg[n.iri], -n.mentions, n.iri))
    keep = {n.iri for n in ranked[:max_nodes]}
    entity_iris = {n.iri for n in entities}
    linked_events = {
        a for e in projection.edges for a, b in ((e.source, e.target), (e.target, e.source))
        if b in keep and a not in entity_iris
    }  # fmt: skip
    keep |= linked_events
    nodes = tuple(n for n in projection.nodes if n.iri in keep)
    edges = tuple(e for e in projection.edges if e.source in keep and e.target in keep)
    used = {d for n in nodes for d in n.doc_iris} | {d for e in edges for d in e.doc_iris}
    docs = tuple(d for d in projection.documents if d.iri in used)
    logger.info("HTML view truncated to %d of %d entities", max_nodes, len(entities))
    return replace(projection, nodes=nodes, edges=edges, documents=docs)
