"""Every namespace the project uses, and the one place prefixes are bound.

The ``gk:`` namespace is closed: :data:`GK_TERMS` lists the terms of
ontology/gk.ttl (a test keeps the two in step), so a typo raises at once.
Entity, document and claim namespaces hang off the configurable base IRI.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, ClosedNamespace

SCHEMA = Namespace("http://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
WD = Namespace("http://www.wikidata.org/entity/")

#: Terms declared in ontology/gk.ttl (classes, properties, individuals).
GK_TERMS: tuple[str, ...] = (
    # classes
    "Entity", "Agent", "Person", "Organization", "IntergovernmentalOrganization", "MilitaryAlliance",
    "EconomicUnion", "ArmedGroup", "MediaOutlet", "PoliticalParty", "GovernmentBody", "Place", "Country",
    "City", "Territory", "Facility", "Initiative", "Agreement", "Event", "WeaponSystem",
    "Claim", "Assertion", "Mention", "Polarity", "Modality", "MentionKind",
    # individuals
    "Positive", "Negative", "Asserted", "Reported", "Speculative", "Hypothetical",
    "Name", "Abbreviation", "Adjectival", "Metonym", "Description", "Anaphor",
    # annotation properties
    "cameoRoot", "truthyEligible",
    # relation vocabulary
    "relatedTo", "participatesIn", "memberOf", "headOfState", "headOfGovernment", "sharesBorderWith",
    "diplomaticRelation", "country", "locatedIn", "partOf", "participant", "founder", "signatory",
    "manufacturer", "leads", "supports", "allyOf", "recognizes", "hosts", "interactsWith",
    "makesStatementAbout", "appealsTo", "expressesIntentToCooperateWith", "consults",
    "cooperatesDiplomaticallyWith", "cooperatesMateriallyWith", "providesAidTo", "yieldsTo",
    "investigates", "demandsOf", "disapprovesOf", "rejects", "threatens", "protestsAgainst",
    "exhibitsForcePostureToward", "reducesRelationsWith", "coerces", "assaults", "fights",
    "usesMassViolenceAgainst",
    # qualifiers and roles
    "polarity", "modality", "attributedTo", "attributedToText", "evidence", "cameoCode", "reportsEvent",
    "confidence", "relationText", "contested", "recipient", "relatedEntity", "coAgent", "via", "location",
    "whole", "quantity", "condition", "topicText",
    # time
    "pointInTime", "startTime", "endTime", "earliestTime", "latestTime", "timeText", "timeResolution",
    # entities, mentions, documents
    "wikidataId", "mentionKind", "originallyPublishedIn",
)


@dataclass(frozen=True, slots=True)
class Namespaces:
    """The namespaces that depend on the base IRI."""

    base: str
    gk: ClosedNamespace
    doc: Namespace
    assertion: Namespace
    cameo: Namespace
    graph: Namespace
    ids: dict[str, Namespace]

    def entity(self, entity_id: str) -> str:
        """Full IRI string of an entity id ``{kind}/{slug}``."""
        return f"{self.base}id/{entity_id}"


def make_namespaces(base: str) -> Namespaces:
    """Namespaces for a base IRI such as ``https://geokg.example/``."""
    kinds = ("place", "person", "organization", "initiative", "agreement", "event", "item")
    return Namespaces(
        base=base,
        gk=ClosedNamespace(f"{base}ont#", list(GK_TERMS)),
        doc=Namespace(f"{base}doc/"),
        assertion=Namespace(f"{base}assertion/"),
        cameo=Namespace(f"{base}cameo/"),
        graph=Namespace(f"{base}graph/"),
        ids={k: Namespace(f"{base}id/{k}/") for k in kinds},
    )


def bind_prefixes(graph: Graph, ns: Namespaces) -> None:
    """Bind every prefix of CONTRACT.md on ``graph`` (schema: is http, never https)."""
    graph.bind("schema", SCHEMA, override=True, replace=True)
    pairs: list[tuple[str, object]] = [
        ("gk", Namespace(str(ns.gk))), ("doc", ns.doc), ("assertion", ns.assertion), ("cameo", ns.cameo),
        ("rdf", RDF), ("rdfs", RDFS), ("owl", OWL), ("xsd", XSD), ("skos", SKOS), ("prov", PROV),
        ("dcterms", DCTERMS), ("nif", NIF), ("itsrdf", ITSRDF), ("sem", SEM), ("wd", WD),
    ]
    pairs += list(ns.ids.items())
    for prefix, namespace in pairs:
        graph.bind(prefix, namespace, override=True, replace=True)
