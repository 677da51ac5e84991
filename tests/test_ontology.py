"""Tests for the ontology data files under ontology/ (ONTOLOGY.md §5-§7, §2.4).

Covers: strict parsing (pyoxigraph, serdi, rdflib) with agreeing triple counts; one owl:Ontology in gk.ttl;
every gk: term used anywhere is declared in gk.ttl; labels and comments on every gk: class and property;
the CAMEO SKOS scheme's notations, IRIs and hierarchy; the CAMEO root properties; http (never https)
schema.org; and the SHACL shapes, run with pySHACL on a tiny hand-written graph and on broken copies of it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph
import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

ONTOLOGY_DIR = Path(__file__).resolve().parents[1] / "ontology"
GK_TTL = ONTOLOGY_DIR / "gk.ttl"
ALIGN_TTL = ONTOLOGY_DIR / "gk-align.ttl"
SHAPES_TTL = ONTOLOGY_DIR / "shapes.ttl"
CAMEO_TTL = ONTOLOGY_DIR / "cameo.ttl"
TTL_FILES = sorted(ONTOLOGY_DIR.rglob("*.ttl"))

GK = Namespace("https://geokg.example/ont#")
GKS = Namespace("https://geokg.example/shapes#")
CAMEO = Namespace("https://geokg.example/cameo/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("http://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ASSERTION = Namespace("https://geokg.example/assertion/")
PLACE = Namespace("https://geokg.example/id/place/")
PERSON = Namespace("https://geokg.example/id/person/")

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)

#: ONTOLOGY.md §2.4: the 20 CAMEO roots, their gk: interaction property and the codebook's root label.
CAMEO_ROOTS = {
    "01": ("makesStatementAbout", "MAKE PUBLIC STATEMENT"),
    "02": ("appealsTo", "APPEAL"),
    "03": ("expressesIntentToCooperateWith", "EXPRESS INTENT TO COOPERATE"),
    "04": ("consults", "CONSULT"),
    "05": ("cooperatesDiplomaticallyWith", "ENGAGE IN DIPLOMATIC COOPERATION"),
    "06": ("cooperatesMateriallyWith", "ENGAGE IN MATERIAL COOPERATION"),
    "07": ("providesAidTo", "PROVIDE AID"),
    "08": ("yieldsTo", "YIELD"),
    "09": ("investigates", "INVESTIGATE"),
    "10": ("demandsOf", "DEMAND"),
    "11": ("disapprovesOf", "DISAPPROVE"),
    "12": ("rejects", "REJECT"),
    "13": ("threatens", "THREATEN"),
    "14": ("protestsAgainst", "PROTEST"),
    "15": ("exhibitsForcePostureToward", "EXHIBIT FORCE POSTURE"),
    "16": ("reducesRelationsWith", "REDUCE RELATIONS"),
    "17": ("coerces", "COERCE"),
    "18": ("assaults", "ASSAULT"),
    "19": ("fights", "FIGHT"),
    "20": ("usesMassViolenceAgainst", "USE UNCONVENTIONAL MASS VIOLENCE"),
}

#: Three-digit code ranges of the CAMEO 1.1b3 codebook, per root.
CAMEO_THREE_DIGIT_RANGES = {
    "01": (10, 19), "02": (20, 28), "03": (30, 39), "04": (40, 46), "05": (50, 57),
    "06": (60, 64), "07": (70, 75), "08": (80, 87), "09": (90, 94), "10": (100, 108),
    "11": (110, 116), "12": (120, 129), "13": (130, 139), "14": (140, 145), "15": (150, 155),
    "16": (160, 166), "17": (170, 176), "18": (180, 186), "19": (190, 196), "20": (200, 204),
}  # fmt: skip

#: Four-digit codes the builder and gold rely on (first, last) per group.
CAMEO_FOUR_DIGIT_RANGES = [
    (211, 214), (231, 234), (241, 244), (251, 256), (311, 314), (331, 334), (341, 344), (351, 356),
    (811, 814), (831, 834), (841, 842), (861, 863), (871, 874), (1011, 1014), (1031, 1034),
    (1041, 1044), (1051, 1056), (1121, 1125), (1211, 1212), (1221, 1224), (1231, 1234), (1241, 1246),
    (1311, 1313), (1321, 1324), (1381, 1385), (1411, 1414), (1621, 1623), (1661, 1663), (1711, 1712),
    (1721, 1724), (1821, 1823), (1951, 1952),
]  # fmt: skip

#: Codes used in the seed gold (ONTOLOGY.md §2.4) with their codebook labels.
CAMEO_GOLD_LABELS = {
    "036": "Express intent to meet or negotiate",
    "041": "Discuss by telephone",
    "042": "Make a visit",
    "043": "Host a visit",
    "045": "Mediate",
    "046": "Engage in negotiation",
    "054": "Grant diplomatic recognition",
    "057": "Sign formal agreement",
    "061": "Cooperate economically",
    "062": "Cooperate militarily",
    "071": "Provide economic aid",
    "0334": "Express intent to provide military protection or peacekeeping",
    "0841": "Return, release person(s)",
    "111": "Criticize or denounce",
    "112": "Accuse",
    "1212": "Reject military cooperation",
    "1312": "Threaten with sanctions, boycott, embargo",
    "154": "Mobilize or increase armed forces",
    "160": "Reduce relations",
    "173": "Arrest, detain, or charge with legal action",
}

#: CONTRACT.md "Entities": the leaf classes every output may use (plus the two builder additions).
LEAF_CLASSES = [
    "Country", "City", "Territory", "Facility", "Person", "Organization", "IntergovernmentalOrganization",
    "MilitaryAlliance", "EconomicUnion", "ArmedGroup", "MediaOutlet", "PoliticalParty", "GovernmentBody",
    "Initiative", "Agreement", "Event", "WeaponSystem",
]  # fmt: skip


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.fixture(scope="module")
def gk() -> Graph:
    return _parse(GK_TTL)


@pytest.fixture(scope="module")
def cameo() -> Graph:
    return _parse(CAMEO_TTL)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _parse(SHAPES_TTL)


def _declared(gk: Graph) -> set[URIRef]:
    """gk: terms declared in gk.ttl: typed as an OWL class/property, or an individual of a gk: class."""
    declared: set[URIRef] = set()
    for s, o in gk.subject_objects(RDF.type):
        if not isinstance(s, URIRef) or not str(s).startswith(str(GK)):
            continue
        if o in TERM_TYPES or o == OWL.Ontology or (isinstance(o, URIRef) and str(o).startswith(str(GK))):
            declared.add(s)
    return declared


def _is_gk(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(GK))


# ---------------------------------------------------------------------------------------------
# parsing
# ---------------------------------------------------------------------------------------------


def test_expected_files_exist() -> None:
    for path in (GK_TTL, ALIGN_TTL, SHAPES_TTL, CAMEO_TTL):
        assert path in TTL_FILES, f"missing {path}"


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_parses_strictly_with_pyoxigraph_and_rdflib(path: Path) -> None:
    triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert triples, f"{path.name} holds no triples"
    # rdflib (the builder's library) must read the same graph
    assert len(_parse(path)) == len(set(triples))


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_serdi_parses_and_agrees_with_pyoxigraph(path: Path) -> None:
    serdi = shutil.which("serdi")
    if serdi is None:
        pytest.skip("serdi (the Serd reference Turtle parser) is not on PATH; apt-get install serdi")
    proc = subprocess.run(
        [serdi, "-i", "turtle", "-o", "ntriples", str(path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, f"serdi rejected {path.name}: {proc.stderr}"
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip() and not ln.startswith("#")]
    oxigraph_count = len(list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)))
    assert len(lines) == oxigraph_count


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_no_https_schema_org(path: Path) -> None:
    assert "https://schema.org" not in path.read_text(encoding="utf-8")
    for triple in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
        for term in (triple.subject, triple.predicate, triple.object):
            assert not str(getattr(term, "value", "")).startswith("https://schema.org/"), triple


def test_alignment_uses_http_schema_org() -> None:
    align = _parse(ALIGN_TTL)
    assert (GK.Person, RDFS.subClassOf, SCHEMA.Person) in align
    assert (GK.MediaOutlet, RDFS.subClassOf, SCHEMA.NewsMediaOrganization) in align


# ---------------------------------------------------------------------------------------------
# gk.ttl: header, declarations, labels
# ---------------------------------------------------------------------------------------------


def test_gk_declares_exactly_one_ontology(gk: Graph) -> None:
    ontologies = list(gk.subjects(RDF.type, OWL.Ontology))
    assert ontologies == [URIRef(str(GK))]
    assert (URIRef(str(GK)), OWL.versionInfo, Literal("0.1.0")) in gk


def test_every_gk_class_and_property_has_english_label_and_comment(gk: Graph) -> None:
    terms = {s for t in TERM_TYPES for s in gk.subjects(RDF.type, t) if _is_gk(s)}
    assert len(terms) > 90
    for term in terms:
        labels = [o for o in gk.objects(term, RDFS.label) if isinstance(o, Literal) and o.language == "en"]
        assert len(labels) == 1, f"{term}: needs exactly one rdfs:label @en, has {labels}"
        comments = [o for o in gk.objects(term, RDFS.comment) if isinstance(o, Literal)]
        assert comments, f"{term}: no rdfs:comment"


def test_no_gk_term_has_two_kinds(gk: Graph) -> None:
    for term in {s for t in TERM_TYPES for s in gk.subjects(RDF.type, t) if _is_gk(s)}:
        kinds = {t for t in TERM_TYPES if (term, RDF.type, t) in gk}
        assert len(kinds) == 1, f"{term} is declared as {kinds}"


@pytest.mark.parametrize("path", [GK_TTL, ALIGN_TTL, SHAPES_TTL, CAMEO_TTL], ids=lambda p: p.name)
def test_every_gk_term_used_is_declared(path: Path, gk: Graph) -> None:
    declared = _declared(gk)
    used = {term for triple in _parse(path) for term in triple if _is_gk(term)}
    undeclared = used - declared
    assert not undeclared, f"{path.name} uses undeclared gk: terms {sorted(str(t) for t in undeclared)}"


def test_gk_terms_in_shape_sparql_are_declared(shapes: Graph, gk: Graph) -> None:
    declared = {str(t)[len(str(GK)) :] for t in _declared(gk)}
    queries = [str(q) for q in shapes.objects(None, SH.select)]
    assert len(queries) >= 6
    for query in queries:
        for local in re.findall(r"\bgk:([A-Za-z_][A-Za-z0-9_]*)", query):
            assert local in declared, f"gk:{local} in a sh:select query is not declared in gk.ttl"


def test_contract_classes_and_terms_exist(gk: Graph) -> None:
    for name in LEAF_CLASSES:
        cls = GK[name]
        assert (cls, RDF.type, OWL.Class) in gk, name
        assert GK.Entity in set(gk.transitive_objects(cls, RDFS.subClassOf)), f"{name} is not a gk:Entity"
    for name in ("PoliticalParty", "GovernmentBody"):
        assert (GK[name], RDFS.subClassOf, GK.Organization) in gk
    individuals = {
        GK.Polarity: {"Positive", "Negative"},
        GK.Modality: {"Asserted", "Reported", "Speculative", "Hypothetical"},
        GK.MentionKind: {"Name", "Abbreviation", "Adjectival", "Metonym", "Description", "Anaphor"},
    }
    for cls, names in individuals.items():
        assert set(gk.subjects(RDF.type, cls)) == {GK[n] for n in names}
    assert (GK.contested, RDF.type, OWL.DatatypeProperty) in gk
    assert (GK.contested, RDFS.range, XSD.boolean) in gk
    assert (GK.contested, RDFS.domain, GK.Claim) in gk
    assert (GK.Assertion, RDFS.subClassOf, RDF.Statement) in gk


def test_disjointness_axiom_kept(gk: Graph) -> None:
    axioms = list(gk.subjects(RDF.type, OWL.AllDisjointClasses))
    assert len(axioms) == 1
    head = gk.value(axioms[0], OWL.members)
    assert head is not None
    members = set(gk.items(head))
    disjoint = ["Person", "Organization", "Place", "Initiative", "Agreement", "Event", "WeaponSystem"]
    assert members == {GK[n] for n in disjoint}
    # Country is a Place and an Agent, so Agent must not be declared disjoint with Place
    assert GK.Agent not in members


def test_truthy_eligibility(gk: Graph) -> None:
    true = Literal(True)
    assert (GK.relatedTo, GK.truthyEligible, None) not in gk
    assert (GK.interactsWith, GK.truthyEligible, true) in gk
    for name in ("memberOf", "headOfState", "sharesBorderWith", "recognizes"):
        assert (GK[name], GK.truthyEligible, true) in gk, name
    for qualifier in ("polarity", "modality", "evidence", "cameoCode", "attributedTo"):
        assert (GK[qualifier], GK.truthyEligible, None) not in gk, qualifier


# ---------------------------------------------------------------------------------------------
# CAMEO
# ---------------------------------------------------------------------------------------------


def _concepts(cameo: Graph) -> dict[str, URIRef]:
    """notation -> concept IRI (asserts exactly one well-formed notation per concept)."""
    out: dict[str, URIRef] = {}
    for concept in cameo.subjects(RDF.type, SKOS.Concept):
        assert isinstance(concept, URIRef)
        notations = list(cameo.objects(concept, SKOS.notation))
        assert len(notations) == 1, f"{concept}: {notations}"
        notation = str(notations[0])
        assert re.fullmatch(r"[0-9]{2,4}", notation), f"{concept}: notation {notation!r}"
        assert str(concept).endswith(notation), f"{concept} does not end with {notation}"
        assert notation not in out, f"notation {notation} used twice"
        out[notation] = concept
    return out


def test_cameo_scheme(cameo: Graph) -> None:
    scheme = URIRef(str(CAMEO))
    assert (scheme, RDF.type, SKOS.ConceptScheme) in cameo
    assert any(o.language == "en" for o in cameo.objects(scheme, SKOS.prefLabel) if isinstance(o, Literal))
    assert set(cameo.objects(scheme, SKOS.hasTopConcept)) == {CAMEO[c] for c in CAMEO_ROOTS}


def test_cameo_concepts_well_formed(cameo: Graph) -> None:
    scheme = URIRef(str(CAMEO))
    concepts = _concepts(cameo)
    for notation, concept in concepts.items():
        assert concept == CAMEO[notation], f"{concept} is not {{BASE}}cameo/{notation}"
        assert (concept, SKOS.inScheme, scheme) in cameo, concept
        labels = [o for o in cameo.objects(concept, SKOS.prefLabel) if isinstance(o, Literal)]
        assert len(labels) == 1 and labels[0].language == "en" and str(labels[0]).strip(), concept
        broader = list(cameo.objects(concept, SKOS.broader))
        if len(notation) == 2:
            assert not broader, f"root {notation} has a broader concept"
            assert (concept, SKOS.topConceptOf, scheme) in cameo, concept
            continue
        assert len(broader) == 1, f"{notation}: broader {broader}"
        parent_notation = str(cameo.value(broader[0], SKOS.notation))
        assert concepts.get(parent_notation) == broader[0], f"{notation}: broader not in the file"
        assert notation.startswith(parent_notation), f"{notation} is not under {parent_notation}"
        assert len(parent_notation) == len(notation) - 1, f"{notation} skips a level"


def test_cameo_codebook_coverage(cameo: Graph) -> None:
    concepts = _concepts(cameo)
    assert {n for n in concepts if len(n) == 2} == set(CAMEO_ROOTS)
    for root, (first, last) in CAMEO_THREE_DIGIT_RANGES.items():
        expected = {f"{i:03d}" for i in range(first, last + 1)}
        actual = {n for n in concepts if len(n) == 3 and n.startswith(root)}
        assert actual == expected, f"root {root}: {sorted(expected ^ actual)}"
    for first, last in CAMEO_FOUR_DIGIT_RANGES:
        for i in range(first, last + 1):
            assert f"{i:04d}" in concepts, f"{i:04d} missing"
    for root, (_prop, label) in CAMEO_ROOTS.items():
        assert str(cameo.value(concepts[root], SKOS.prefLabel)) == label
    for code, label in CAMEO_GOLD_LABELS.items():
        assert str(cameo.value(concepts[code], SKOS.prefLabel)) == label, code


def test_root_properties_carry_cameo_root(gk: Graph, cameo: Graph) -> None:
    concepts = _concepts(cameo)
    roots = set(gk.subjects(RDFS.subPropertyOf, GK.interactsWith))
    assert roots == {GK[prop] for prop, _label in CAMEO_ROOTS.values()}
    for code, (prop, _label) in CAMEO_ROOTS.items():
        values = [str(v) for v in gk.objects(GK[prop], GK.cameoRoot)]
        assert values == [code], f"gk:{prop} has gk:cameoRoot {values}, expected {code}"
        assert code in concepts, f"gk:{prop}: concept {code} not in cameo.ttl"
        assert (concepts[code], SKOS.topConceptOf, URIRef(str(CAMEO))) in cameo


# ---------------------------------------------------------------------------------------------
# SHACL
# ---------------------------------------------------------------------------------------------

TEXT = "Moscow, 17 August. Vladimir Putin is the President of Russia. More follows."
SENTENCE = "Vladimir Putin is the President of Russia."
DOC = "https://geokg.example/doc/0123456789abcdef"


def _span(begin: int, end: int) -> str:
    return f"<{DOC}#char={begin},{end}>"


def _data_ttl() -> str:
    sb = TEXT.index(SENTENCE)
    se = sb + len(SENTENCE)
    mb = TEXT.index("Russia")
    me = mb + len("Russia")
    ctx = _span(0, len(TEXT))
    return f"""
@prefix gk:           <https://geokg.example/ont#> .
@prefix place:        <https://geokg.example/id/place/> .
@prefix person:       <https://geokg.example/id/person/> .
@prefix organization: <https://geokg.example/id/organization/> .
@prefix doc:          <https://geokg.example/doc/> .
@prefix assertion:    <https://geokg.example/assertion/> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix schema:  <http://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix nif:     <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix itsrdf:  <http://www.w3.org/2005/11/its/rdf#> .
@prefix wd:      <http://www.wikidata.org/entity/> .

place:russia a gk:Country ; skos:prefLabel "Russia"@en ; rdfs:label "Russia"@en ;
    gk:wikidataId "Q159" ; owl:sameAs wd:Q159 .
person:vladimir-putin a gk:Person ; skos:prefLabel "Vladimir Putin"@en ; rdfs:label "Vladimir Putin"@en ;
    gk:wikidataId "Q7747" ; owl:sameAs wd:Q7747 .
person:jane-doe a gk:Person ; skos:prefLabel "Jane Doe"@en ; rdfs:label "Jane Doe"@en .
organization:example-news a gk:MediaOutlet ; skos:prefLabel "Example News"@en ; rdfs:label "Example News"@en .

doc:0123456789abcdef a schema:NewsArticle ;
    schema:headline "Who runs Russia"@en ;
    schema:datePublished "2020-08-17"^^xsd:date ;
    schema:author person:jane-doe ;
    schema:publisher organization:example-news ;
    dcterms:identifier "000_0123456789abcdef" .

{ctx} a nif:Context , nif:RFC5147String ;
    nif:beginIndex "0"^^xsd:nonNegativeInteger ; nif:endIndex "{len(TEXT)}"^^xsd:nonNegativeInteger ;
    nif:isString "{TEXT}" ; nif:sourceUrl doc:0123456789abcdef .

{_span(mb, me)} a gk:Mention , nif:RFC5147String ;
    nif:referenceContext {ctx} ;
    nif:beginIndex "{mb}"^^xsd:nonNegativeInteger ; nif:endIndex "{me}"^^xsd:nonNegativeInteger ;
    nif:anchorOf "Russia" ; itsrdf:taIdentRef place:russia ; gk:mentionKind gk:Name .

{_span(sb, se)} a nif:Sentence , nif:RFC5147String ;
    nif:referenceContext {ctx} ;
    nif:beginIndex "{sb}"^^xsd:nonNegativeInteger ; nif:endIndex "{se}"^^xsd:nonNegativeInteger ;
    nif:anchorOf "{SENTENCE}" .

assertion:0123456789abcdef-000000000001 a gk:Assertion , rdf:Statement ;
    rdf:subject place:russia ; rdf:predicate gk:headOfState ; rdf:object person:vladimir-putin ;
    gk:relationText "is the President of" ;
    gk:polarity gk:Positive ; gk:modality gk:Asserted ; gk:confidence 0.9 ;
    gk:pointInTime "2020-08-17"^^xsd:date ;
    gk:evidence {_span(sb, se)} ;
    prov:wasDerivedFrom doc:0123456789abcdef .

place:russia gk:headOfState person:vladimir-putin .
"""


CLAIM = ASSERTION["0123456789abcdef-000000000001"]
NEGATED = ASSERTION["0123456789abcdef-000000000002"]
MENTION = URIRef(f"{DOC}#char={TEXT.index('Russia')},{TEXT.index('Russia') + len('Russia')}")


@pytest.fixture(scope="module")
def data() -> Graph:
    return Graph().parse(data=_data_ttl(), format="turtle")


def _validate(data: Graph, gk: Graph, shapes: Graph) -> tuple[bool, list[dict[str, Any]]]:
    merged = Graph()
    merged += data
    merged += gk
    conforms, report, _text = pyshacl.validate(
        data_graph=merged, shacl_graph=shapes, inference="none", advanced=True
    )
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        results.append(
            {
                "focus": report.value(r, SH.focusNode),
                "shape": report.value(r, SH.sourceShape),
                "path": report.value(r, SH.resultPath),
                "component": report.value(r, SH.sourceConstraintComponent),
                "message": " ".join(str(m) for m in report.objects(r, SH.resultMessage)),
            }
        )
    return bool(conforms), results


def _copy(g: Graph) -> Graph:
    out = Graph()
    out += g
    return out


def test_tiny_graph_conforms(data: Graph, gk: Graph, shapes: Graph) -> None:
    conforms, results = _validate(data, gk, shapes)
    assert results == [] and conforms, results


def test_shapes_have_teeth_on_broken_graph(data: Graph, gk: Graph, shapes: Graph) -> None:
    broken = _copy(data)
    # 1. a negated claim whose s p o also appears as a direct (truthy) triple
    sentence = data.value(CLAIM, GK.evidence)
    assert sentence is not None
    for p, o in [
        (RDF.type, GK.Assertion),
        (RDF.subject, PLACE.russia),
        (RDF.predicate, GK.headOfGovernment),
        (RDF.object, PERSON["vladimir-putin"]),
        (GK.relationText, Literal("is not the head of government of")),
        (GK.polarity, GK.Negative),
        (GK.modality, GK.Asserted),
        (GK.evidence, sentence),
        (PROV.wasDerivedFrom, URIRef(DOC)),
    ]:
        broken.add((NEGATED, p, o))
    broken.add((PLACE.russia, GK.headOfGovernment, PERSON["vladimir-putin"]))
    # 2. a mention whose anchorOf differs from the context substring at its offsets
    broken.set((MENTION, NIF.anchorOf, Literal("Rossiya")))
    # 3. a malformed QID
    broken.set((PLACE.russia, GK.wikidataId, Literal("X12")))

    conforms, results = _validate(broken, gk, shapes)
    assert not conforms

    leak = [r for r in results if r["focus"] == NEGATED and "truthy layer" in str(r["message"])]
    assert leak and all(r["shape"] == GKS.AssertionShape for r in leak), results
    anchor = [r for r in results if r["focus"] == MENTION and "anchorOf differs" in str(r["message"])]
    assert anchor and all(r["shape"] == GKS.MentionShape for r in anchor), results
    qid = [
        r
        for r in results
        if r["focus"] == PLACE.russia
        and r["path"] == GK.wikidataId
        and r["component"] == SH.PatternConstraintComponent
    ]
    assert qid and all((GKS.EntityShape, SH.property, r["shape"]) in shapes for r in qid), results
    # nothing else is wrong with the broken copy
    assert {r["focus"] for r in results} == {NEGATED, MENTION, PLACE.russia}, results
    assert len(results) == 3, results


def _mark_contested(g: Graph) -> None:
    g.add((CLAIM, GK.contested, Literal(True)))


def _make_reported_unattributed(g: Graph) -> None:
    g.set((CLAIM, GK.modality, GK.Reported))
    g.remove((PLACE.russia, GK.headOfState, PERSON["vladimir-putin"]))  # keep the truthy check quiet


def _break_range(g: Graph) -> None:
    g.set((CLAIM, RDF.object, PLACE.russia))
    g.remove((PLACE.russia, GK.headOfState, PERSON["vladimir-putin"]))


def _break_domain(g: Graph) -> None:
    g.set((CLAIM, RDF.subject, PERSON["vladimir-putin"]))
    g.remove((PLACE.russia, GK.headOfState, PERSON["vladimir-putin"]))


def _bad_entity_iri(g: Graph) -> None:
    bad = URIRef("https://geokg.example/id/country/Russia")
    for p, o in list(g.predicate_objects(PLACE.russia)):
        g.add((bad, p, o))
    g.remove((PLACE.russia, None, None))
    for s, p in list(g.subject_predicates(PLACE.russia)):
        g.remove((s, p, PLACE.russia))
        g.add((s, p, bad))


@pytest.mark.parametrize(
    ("mutate", "focus", "message"),
    [
        (_mark_contested, CLAIM, "contested claim leaked into the truthy layer"),
        (_make_reported_unattributed, CLAIM, "reported claim without gk:attributedTo"),
        (_break_range, CLAIM, "rdf:object is not an instance of the rdfs:range"),
        (_break_domain, CLAIM, "rdf:subject is not an instance of the rdfs:domain"),
        (_bad_entity_iri, URIRef("https://geokg.example/id/country/Russia"), "entity IRI must be"),
    ],
    ids=["contested", "reported-unattributed", "range", "domain", "entity-iri"],
)
def test_single_defects_are_reported(
    mutate: Callable[[Graph], None],
    focus: URIRef | BNode,
    message: str,
    data: Graph,
    gk: Graph,
    shapes: Graph,
) -> None:
    broken = _copy(data)
    mutate(broken)
    conforms, results = _validate(broken, gk, shapes)
    assert not conforms
    assert [r for r in results if r["focus"] == focus and message in str(r["message"])], results
