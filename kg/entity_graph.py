"""The entity graph: entities as nodes, claims and truthy facts aggregated into weighted edges (networkx).

One code path builds the graph from RDF triples, whatever they come from: the quads of a build
(``build.graph.quads``, for report.json and the GraphML/GEXF exports), a graph file kg wrote (read by
``pyoxigraph.parse``, for ``kg stats``), or an rdflib Graph (for the HTML view). Nodes are the entities
that are the subject or object of a ``gk:Assertion`` or of a truthy ``s gk:p o`` triple, keyed by IRI,
with their label, class, Wikidata id and aliases as attributes (literals never become nodes). There is
one directed edge per ordered pair of entities; it aggregates every claim and fact between them:
``predicates``, ``weight`` (the number of supporting claims, 1 for a fact no claim supports), counts by
polarity and modality, ``truthy`` (a direct triple holds) and ``facts`` (its predicates). Every
attribute is a scalar (sets joined with ``|``) so GraphML and GEXF can carry them, and nodes and edges
are inserted in sorted order so everything downstream is deterministic.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import InputError

if TYPE_CHECKING:
    import networkx as nx

    from .pipeline import Build

logger = logging.getLogger(__name__)

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
_SCHEMA = "http://schema.org/"
_DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = _RDF + "type"
PREF_LABEL, ALT_LABEL, RDFS_LABEL = _SKOS + "prefLabel", _SKOS + "altLabel", _RDFS + "label"
DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
ANCHOR_OF = _NIF + "anchorOf"
HEADLINE, TITLE, DATE = _SCHEMA + "headline", _DCTERMS + "title", _SCHEMA + "datePublished"
NEWS_ARTICLE = _SCHEMA + "NewsArticle"
DEFAULT_GK_NS = "https://geokg.example/ont#"
#: Heavy or irrelevant predicates dropped while reading (whole texts, offsets, mention links).
_SKIP = frozenset({_NIF + "isString", _NIF + "beginIndex", _NIF + "endIndex", _NIF + "referenceContext",
                   _NIF + "sourceUrl", "http://www.w3.org/2005/11/its/rdf#taIdentRef"})
#: gk: classes that are not entities; events become nodes only as claim endpoints.
_NOT_ENTITY = frozenset({"Assertion", "Claim", "Mention", "Event"})
_SUPERCLASSES = frozenset({"Entity", "Agent", "Place"})
#: Claim-level properties: never truthy facts even between two entities.
_QUALIFIERS = frozenset({"participant", "attributedTo", "reportsEvent", "mentionKind", "evidence"})
POLARITIES = ("Positive", "Negative")
MODALITIES = ("Asserted", "Reported", "Speculative", "Hypothetical")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS", ".trig": "TRIG", ".jsonld": "JSON_LD"}


class Lit(NamedTuple):
    """A literal: its lexical value and language tag ("" when none). IRIs are plain ``str``."""

    value: str
    lang: str = ""


Term = str | Lit
Triple = tuple[str, str, Term]


@dataclass(frozen=True, slots=True, order=True)
class ClaimRef:
    """One claim between two entities, with its evidence sentence and document.

    ``predicate`` is the gk: property's local name; ``truthy`` says whether the direct ``s p o`` triple holds;
    ``text`` is the evidence sentence with its whitespace collapsed ("" when the graph has none).
    """

    subject: str
    predicate: str
    object: str
    polarity: str
    modality: str
    iri: str
    truthy: bool = False
    confidence: float | None = None
    text: str = ""
    doc: str = ""
    title: str = ""
    date: str = ""


@dataclass
class EntityGraph:
    """The entity graph and what the path search needs beside it.

    Attributes:
        graph: networkx DiGraph; node id = entity IRI, one edge per ordered pair (attributes: module docstring).
        claims: Claims per ordered pair ``(subject, object)``, best first.
        names: Every entity's names, its label first, then other prefLabels, rdfs:labels and altLabels;
            entities without claims are listed too.
        documents: Number of documents (``schema:NewsArticle``) in the graph.
        gk_ns: The gk: namespace in use.
    """

    graph: nx.DiGraph
    claims: dict[tuple[str, str], tuple[ClaimRef, ...]]
    names: dict[str, tuple[str, ...]]
    documents: int = 0
    gk_ns: str = DEFAULT_GK_NS

    @property
    def claim_count(self) -> int:
        """Claims between two distinct entities (the ones the graph holds)."""
        return sum(len(c) for c in self.claims.values())

    @property
    def fact_count(self) -> int:
        """Truthy triples between two distinct entities."""
        return sum(len(str(d["facts"]).split("|")) for *_, d in self.graph.edges(data=True) if d["facts"])


def rdflib_triples(triples: Iterable[tuple[Any, Any, Any]]) -> Iterator[Triple]:
    """Plain triples from rdflib terms (a Graph, a build's quads without their graph).

    >>> from rdflib import BNode, Literal, URIRef
    >>> next(rdflib_triples([(BNode("b1"), URIRef("http://x.org/p"), Literal("Minsk", lang="en"))]))
    ('_:b1', 'http://x.org/p', Lit(value='Minsk', lang='en'))
    """
    from rdflib import BNode, Literal

    def node(t: Any) -> str:
        return f"_:{t}" if isinstance(t, BNode) else str(t)

    for s, p, o in triples:
        yield node(s), str(p), Lit(str(o), o.language or "") if isinstance(o, Literal) else node(o)


def from_rdflib(graph: Any, *, gk_ns: str | None = None) -> EntityGraph:
    """The entity graph of an rdflib Graph or Dataset (all named graphs merged).

    Args:
        graph: The RDF graph.
        gk_ns: The gk: namespace; detected when None.
    """
    from rdflib import Dataset

    triples = (q[:3] for q in graph.quads((None, None, None, None))) if isinstance(graph, Dataset) else graph
    return entity_graph(rdflib_triples(triples), gk_ns=gk_ns)


def read_triples(path: Path) -> Iterator[Triple]:
    """The triples of a graph file kg wrote (named graphs merged), parsed by Oxigraph.

    Raises:
        InputError: the file is missing, of an unknown type, or not valid RDF.
    """
    import pyoxigraph as ox

    def node(t: Any) -> str:
        return f"_:{t.value}" if isinstance(t, ox.BlankNode) else str(t.value)

    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(path, f"unknown graph format; expected one of {', '.join(sorted(_FORMATS))}")
    try:
        for quad in ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt)):
            o = quad.object
            obj: Term = Lit(o.value, o.language or "") if isinstance(o, ox.Literal) else node(o)
            yield node(quad.subject), node(quad.predicate), obj
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(path, f"not a readable graph ({exc})") from None


def _first_key(v: Term) -> tuple[bool, str]:
    return (isinstance(v, Lit) and v.lang not in ("", "en"), str(v))


def _first(values: Iterable[Term]) -> Term | None:
    """The smallest value (deterministic pick among duplicates); English labels before others."""
    if isinstance(values, list | tuple) and len(values) == 1:
        return values[0]
    return min(values, key=_first_key, default=None)


def _text(value: Term | None) -> str:
    if value is None:
        return ""
    return " ".join((value.value if isinstance(value, Lit) else value).split())


def readable(name: str) -> str:
    """A gk: property's local name as words.

    >>> readable("memberOf"), readable("expressesIntentToCooperateWith")
    ('member of', 'expresses intent to cooperate with')
    """
    return _CAMEL.sub(" ", name).lower()


def _local(iri: str) -> str:
    """The part after the last ``#`` or ``/``.

    >>> _local("https://geokg.example/ont#memberOf"), _local("https://geokg.example/id/place/belarus")
    ('memberOf', 'belarus')
    """
    return iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1]


def entity_graph(triples: Iterable[Triple], *, gk_ns: str | None = None) -> EntityGraph:
    """Build the entity graph from RDF triples (see ``read_triples`` and ``rdflib_triples``).

    Args:
        triples: Every triple of the graph; duplicates (the same triple in two named graphs) are harmless.
        gk_ns: The gk: namespace; detected from the class of ``gk:Assertion`` nodes when None.

    Returns:
        The graph with nodes and edges inserted in sorted order.
    """
    by_pred: dict[str, set[tuple[str, Term]]] = defaultdict(set)
    for s, p, o in triples:
        if p not in _SKIP:
            by_pred[p].add((s, o))
    typed: dict[str, set[str]] = defaultdict(set)
    for s, o in by_pred.pop(RDF_TYPE, ()):
        if isinstance(o, str):
            typed[o].add(s)
    return _entity_graph(by_pred, gk_ns, typed)


def _entity_graph(by_pred: dict[str, set[tuple[str, Term]]], gk_ns: str | None,
                  typed: dict[str, set[str]]) -> EntityGraph:
    """``entity_graph`` of the triples grouped by predicate, ``(subject, object)`` pairs (none of ``_SKIP``, nor
    ``rdf:type``), and of the ``rdf:type`` triples as class IRI -> its instances (IRI classes only).

    What it reads is listed in ``_READ`` and ``_UNREAD_GK`` (``from_build`` converts nothing else): keep them
    in step with it.
    """
    import networkx as nx

    ns = gk_ns or _detect_gk_ns(set(typed))

    def values(prop: str) -> dict[str, list[Term]]:
        out: dict[str, list[Term]] = defaultdict(list)
        for s, o in by_pred.get(prop, ()):
            out[s].append(o)
        return out

    def first(prop: str) -> dict[str, Term]:
        return {s: vs[0] if len(vs) == 1 else min(vs, key=_first_key) for s, vs in values(prop).items()}

    # gk: class local name -> its instances; an entity has a gk: class and none of _NOT_ENTITY
    instances = {c[len(ns):]: members for c, members in typed.items() if c.startswith(ns)}
    entities = set().union(*instances.values()) - set().union(*(instances.get(c, ()) for c in _NOT_ENTITY))
    assertions = sorted(instances.get("Assertion", ()))
    subj, pred, obj = first(_RDF + "subject"), first(_RDF + "predicate"), first(_RDF + "object")
    pol, mod, conf = first(ns + "polarity"), first(ns + "modality"), first(ns + "confidence")
    evidence, derived, anchor = first(ns + "evidence"), first(DERIVED_FROM), first(ANCHOR_OF)
    headline, title, date = first(HEADLINE), first(TITLE), first(DATE)

    facts: set[tuple[str, str, str]] = set()
    for p, pairs in by_pred.items():
        local = p[len(ns):]
        if p.startswith(ns) and local not in _QUALIFIERS:
            facts.update((s, local, o) for s, o in pairs if isinstance(o, str) and s in entities and o in entities)

    grouped: dict[tuple[str, str], list[ClaimRef]] = defaultdict(list)
    skipped = 0
    for a in assertions:
        sv, pv, ov = subj.get(a), pred.get(a), obj.get(a)
        if not (isinstance(sv, str) and isinstance(pv, str) and isinstance(ov, str)) or sv == ov:
            skipped += 1  # a literal endpoint, a missing part or a self-loop
            continue
        s, p, o = sv, pv, ov
        doc = derived.get(a)
        doc_iri = doc if isinstance(doc, str) else ""
        sentence = evidence.get(a)
        grouped[(s, o)].append(ClaimRef(
            s, _local(p), o, _local(str(pol.get(a, ns + "Positive"))), _local(str(mod.get(a, ns + "Asserted"))), a,
            truthy=(s, _local(p), o) in facts, confidence=_float(conf.get(a)),
            text=_text(anchor.get(sentence)) if isinstance(sentence, str) else "",
            doc=doc_iri, title=_text(headline.get(doc_iri) or title.get(doc_iri)), date=_text(date.get(doc_iri)),
        ))  # fmt: skip
    if skipped:
        logger.info("%d claims left out of the entity graph (literal or missing endpoint, or subject = object)",
                    skipped)
    claims = {k: tuple(sorted(v, key=claim_rank)) for k, v in sorted(grouped.items())}
    fact_pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, p, o in facts:
        if s != o:
            fact_pairs[(s, o)].add(p)

    pref, rdfs_label, alt = values(PREF_LABEL), values(RDFS_LABEL), values(ALT_LABEL)
    qids, same_as = first(ns + "wikidataId"), values(SAME_AS)
    nodes = sorted({x for pair in (*claims, *fact_pairs) for x in pair})
    names: dict[str, tuple[str, ...]] = {}
    for iri in sorted(entities | set(nodes)):
        label = _text(_first(pref.get(iri, ())) or _first(rdfs_label.get(iri, ()))) or _local(iri).replace("-", " ")
        others = {_text(v) for prop in (pref, rdfs_label, alt) for v in prop.get(iri, ())} - {label, ""}
        names[iri] = (label, *sorted(others))
    g = nx.DiGraph()
    for iri in nodes:
        label = names[iri][0]
        gk_classes = {c for c, members in instances.items() if iri in members}
        classes = sorted((gk_classes - _SUPERCLASSES) or gk_classes) or ["Entity"]
        aliases = sorted({_text(v) for v in alt.get(iri, ())} - {label, ""})
        qid = _text(qids.get(iri)) or min((_local(str(v)) for v in same_as.get(iri, ())
                                           if "wikidata.org/entity/Q" in str(v)), default="")  # fmt: skip
        g.add_node(iri, label=label, **{"class": classes[0]}, qid=qid, aliases="|".join(aliases))
    for pair in sorted(set(claims) | set(fact_pairs)):
        g.add_edge(*pair, **_edge_attributes(claims.get(pair, ()), fact_pairs.get(pair, set())))
    documents = len(typed.get(NEWS_ARTICLE, ()))
    logger.debug("entity graph: %d nodes, %d edges", g.number_of_nodes(), g.number_of_edges())
    return EntityGraph(g, claims, names, documents, ns)


def _detect_gk_ns(classes: set[str]) -> str:
    found = sorted({c[: c.rindex("#") + 1] for c in classes if c.endswith("#Assertion")})
    if len(found) > 1:
        logger.warning("several gk namespaces in use %s; using %s", found, found[0])
    return DEFAULT_GK_NS if not found or DEFAULT_GK_NS in found else found[0]


def _float(value: Term | None) -> float | None:
    try:
        return None if value is None else round(float(_text(value)), 3)
    except ValueError:
        return None


def claim_rank(c: ClaimRef) -> tuple[Any, ...]:
    """Sort key of claims, best evidence first: truthy, positive, by modality, confident, earliest document."""
    mod = MODALITIES.index(c.modality) if c.modality in MODALITIES else len(MODALITIES)
    return (not c.truthy, c.polarity != "Positive", mod, -(c.confidence or 0.0), not c.text, c.date, c.doc, c.iri)


def _edge_attributes(claims: tuple[ClaimRef, ...], facts: set[str]) -> dict[str, Any]:
    """Scalar edge attributes (GraphML and GEXF take no lists): sets are joined with ``|``."""
    predicates = sorted({c.predicate for c in claims} | facts)
    pols, mods = Counter(c.polarity for c in claims), Counter(c.modality for c in claims)
    return {
        "label": ", ".join(readable(p) for p in predicates),
        "predicates": "|".join(predicates),
        "weight": len(claims) or 1,
        "claims": len(claims),
        **{p.lower(): pols[p] for p in POLARITIES},
        **{m.lower(): mods[m] for m in MODALITIES},
        "truthy": bool(facts),
        "facts": "|".join(sorted(facts)),
        "documents": len({c.doc for c in claims if c.doc}),
    }


def from_file(path: Path) -> EntityGraph:
    """The entity graph of a graph file kg wrote (.ttl, .nq, .nt, .trig, .jsonld).

    Raises:
        InputError: the file cannot be read.
    """
    return entity_graph(read_triples(Path(path)))


#: Predicates ``_entity_graph`` reads, besides every gk: property but those of ``_UNREAD_GK``.
_READ = frozenset({RDF_TYPE, _RDF + "subject", _RDF + "predicate", _RDF + "object", DERIVED_FROM, ANCHOR_OF, HEADLINE,
                   TITLE, DATE, PREF_LABEL, RDFS_LABEL, ALT_LABEL, SAME_AS})
_UNREAD_GK = _QUALIFIERS - {"evidence"}


def from_build(build: Build) -> EntityGraph:
    """The entity graph of a build, from the quads it will write.

    The same as ``entity_graph(rdflib_triples(...))`` of the quads' triples, but only what ``_entity_graph``
    reads is made plain triples (a small part of a build's quads): no predicate of ``_SKIP`` nor one it never reads,
    of ``rdf:type`` only gk: classes and ``schema:NewsArticle``, of ``nif:anchorOf`` only evidence sentences, of
    the headline, title and date only those of documents claims are derived from.
    """
    from rdflib import BNode, Literal, URIRef

    ns = f"{build.graph.ns.base}ont#"

    def node(t: Any) -> str:
        return str(t) if type(t) is URIRef or not isinstance(t, BNode) else f"_:{t}"

    def plain(quads: Iterable[tuple[Any, ...]]) -> Iterator[tuple[str, Term]]:
        """``rdflib_triples`` without the predicate (inlined: this is the one loop over many quads)."""
        for _, s, _, o in quads:
            subject = str(s) if type(s) is URIRef else node(s)
            if type(o) is URIRef:
                yield subject, str(o)
            elif isinstance(o, Literal):
                yield subject, Lit(str(o), o.language or "")
            else:
                yield subject, node(o)

    groups: dict[str, list[tuple[Any, ...]]] = defaultdict(list)  # by predicate IRI, as rdflib_triples has it
    for p, quads in quads_by_predicate(build.graph.quads).items():
        groups[str(p)] += quads
    by_pred: dict[str, set[tuple[str, Term]]] = defaultdict(set)
    by_pred[DERIVED_FROM].update(plain(groups.get(DERIVED_FROM, ())))
    sources = {o for _, o in by_pred[DERIVED_FROM]}
    for p, quads in groups.items():
        if p in (RDF_TYPE, ANCHOR_OF, DERIVED_FROM):
            continue  # some of them, below (or above)
        if p in (HEADLINE, TITLE, DATE):
            by_pred[p].update(plain(q for q in quads if (str(q[1]) if type(q[1]) is URIRef else node(q[1])) in sources))
        elif p in _READ or p.startswith(ns) and p[len(ns):] not in _UNREAD_GK:
            by_pred[p].update(plain(quads))
    sentences = {o for _, o in by_pred.get(ns + "evidence", ())}
    anchors = groups.get(ANCHOR_OF, [])
    evidence = {s for s in {q[1] for q in anchors} if (str(s) if type(s) is URIRef else node(s)) in sentences}
    by_pred[ANCHOR_OF].update(plain(q for q in anchors if q[1] in evidence))
    return _entity_graph(by_pred, ns, _instances(groups.get(RDF_TYPE, []), ns, node))


def _instances(types: list[tuple[Any, ...]], ns: str, node: Callable[[Any], str]) -> dict[str, set[str]]:
    """Class IRI -> its instances, of the ``rdf:type`` quads whose class is a gk: class or ``schema:NewsArticle``;
    as ``entity_graph`` has them (``node`` makes an IRI or blank node plain)."""
    from rdflib import Literal, URIRef

    by_class: dict[Any, list[Any]] = defaultdict(list)
    for q in types:
        by_class[q[3]].append(q[1])
    typed: dict[str, set[str]] = defaultdict(set)
    for c, members in by_class.items():
        if not isinstance(c, Literal) and (str(c).startswith(ns) or str(c) == NEWS_ARTICLE):
            typed[node(c)].update(str(m) if type(m) is URIRef else node(m) for m in members)
    return typed


#: The last quad set grouped by predicate: a weak reference to it, its size and the groups.
_last_groups: list[tuple[weakref.ref[Any], int, dict[Any, list[tuple[Any, ...]]]]] = []


def quads_by_predicate(quads: Collection[tuple[Any, ...]]) -> dict[Any, list[tuple[Any, ...]]]:
    """The quads grouped by predicate term (in the order met), computed once for the readers of a build's quads
    (``from_build``, the HTML view); the groups of the last quad set are kept, to share, until
    ``forget_groups``."""
    if _last_groups:
        ref, size, groups = _last_groups[0]
        if ref() is quads and size == len(quads):
            return groups
    groups = defaultdict(list)
    for q in quads:
        groups[q[2]].append(q)
    if isinstance(quads, set | frozenset):
        _last_groups[:] = [(weakref.ref(quads, _forget), len(quads), groups)]
    return groups


def remember_groups(quads: set[tuple[Any, ...]] | frozenset[tuple[Any, ...]],
                    groups: dict[Any, list[tuple[Any, ...]]]) -> None:
    """Keep ``groups`` as ``quads_by_predicate(quads)`` (made another way: they must be equal) until
    ``forget_groups``."""
    _last_groups[:] = [(weakref.ref(quads, _forget), len(quads), groups)]


def _forget(ref: weakref.ref[Any]) -> None:
    """The quad set of ``ref`` is gone: so go its groups (which hold its quads)."""
    if _last_groups and _last_groups[0][0] is ref:
        _last_groups.clear()


def forget_groups() -> None:
    """Drop the groups ``quads_by_predicate`` keeps."""
    _last_groups.clear()


def undirected(g: nx.DiGraph) -> nx.Graph:
    """The undirected view: one edge per entity pair, ``weight`` and ``claims`` summed over both directions."""
    import networkx as nx

    u = nx.Graph()
    u.add_nodes_from(g.nodes)
    for a, b, d in g.edges(data=True):
        if u.has_edge(a, b):
            u[a][b]["weight"] += d["weight"]
            u[a][b]["claims"] += d["claims"]
        else:
            u.add_edge(a, b, weight=d["weight"], claims=d["claims"])
    return u
