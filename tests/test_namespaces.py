"""The closed gk: namespace matches ontology/gk.ttl, and schema.org is always http."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg.namespaces import GK_TERMS, make_namespaces

from .conftest import ONTOLOGY, ROOT

GK = "https://geokg.example/ont#"
DECLARING = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


def declared_terms() -> set[str]:
    g = Graph().parse(ONTOLOGY / "gk.ttl")
    out = set()
    for s, o in g.subject_objects(RDF.type):
        if str(s).startswith(GK) and (o in DECLARING or str(o).startswith(GK)):
            out.add(str(s)[len(GK):])
    return out


def test_gk_terms_are_exactly_the_declared_terms():
    assert set(GK_TERMS) == declared_terms()


def test_closed_namespace_rejects_typos():
    ns = make_namespaces("https://geokg.example/")
    assert ns.gk.memberOf == URIRef(GK + "memberOf")
    with pytest.raises(AttributeError):
        _ = ns.gk.memberof


def test_every_gk_term_used_in_code_and_data_is_declared():
    declared = declared_terms()
    used: set[str] = set()
    for path in [*ROOT.joinpath("kg").rglob("*.py"), *ONTOLOGY.rglob("*.jsonl"), *ONTOLOGY.rglob("*.rq")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bgk:([A-Za-z][A-Za-z0-9]*)", text))
        used |= set(re.findall(r"\bgk\.([A-Za-z][A-Za-z0-9]*)\b", text))
        used |= set(re.findall(r"ont#([A-Za-z][A-Za-z0-9]*)", text))
    used -= {"ttl", "p", "x"}  # file names ("gk.ttl") and placeholders in docstrings ("s gk:p o")
    assert used, "the scan found no gk: terms at all"
    assert used - declared == set()


def test_no_https_schema_org_in_the_ontology_or_the_namespaces():
    from kg import namespaces

    assert str(namespaces.SCHEMA) == "http://schema.org/"
    for path in ONTOLOGY.rglob("*.*"):
        if path.suffix in {".ttl", ".jsonl", ".rq"}:
            assert "https://schema.org" not in path.read_text(encoding="utf-8"), path
