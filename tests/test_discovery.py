"""Names the gazetteer does not know, found by their cue and typed by it (sentences written for the tests)."""

from __future__ import annotations

import pytest
from rdflib import RDFS, Graph, Namespace

from kg.resources import load_resources

from .conftest import ONTOLOGY

_ORGANIZATIONS = {"Organization", "GovernmentBody", "PoliticalParty", "ArmedGroup", "MediaOutlet",
                  "IntergovernmentalOrganization", "MilitaryAlliance", "EconomicUnion"}


def entity_of(result, text):
    """The (id, class, kind) of the mention whose text is exactly ``text``."""
    classes = {e.id: e.cls for e in result.entities}
    hits = {(m.entity_id, classes.get(m.entity_id), m.kind) for m in result.mentions if m.text == text}
    assert len(hits) == 1, f"{text!r}: {hits} in {[m.text for m in result.mentions]}"
    return hits.pop()


def test_gk_organization_subclasses_are_organizations() -> None:
    """The classes the tests accept as organisations really are gk:Organization subclasses."""
    graph = Graph().parse(ONTOLOGY / "gk.ttl")
    gk = Namespace("https://geokg.example/ont#")
    for cls in _ORGANIZATIONS:
        assert gk.Organization in graph.transitive_objects(gk[cls], RDFS.subClassOf), cls


@pytest.mark.parametrize(("text", "name"), [
    ("President Tomas Vaitkus opened the session.", "Tomas Vaitkus"),
    ("Deputy Prosecutor General Ivan Petrashko filed the case.", "Ivan Petrashko"),
    ("The report angered opposition leader Olga Vasilevich.", "Olga Vasilevich"),
    ("Andrei Savinykh, the former ambassador, disagreed.", "Andrei Savinykh"),
    ("Maris Kalnins, a Latvian lawmaker, called for sanctions.", "Maris Kalnins"),
    ("The talks were chaired by Foreign Minister Janis Ozols.", "Janis Ozols"),
])
def test_unknown_person_after_a_title_is_a_person(find_mentions, text, name) -> None:
    eid, cls, kind = entity_of(find_mentions(text), name)
    assert (cls, kind) == ("Person", "Name")
    assert eid == "person/" + name.lower().replace(" ", "-")


@pytest.mark.parametrize("text", [
    "Belarus' Official Position On Balancing",  # a title-case heading, not a person
    "The General Assembly voted on Tuesday.",
    "The president Monday said nothing.",
])
def test_title_words_before_common_words_make_no_person(find_mentions, text) -> None:
    result = find_mentions(text)
    assert not [e for e in result.entities if e.cls == "Person" and e.discovered]


@pytest.mark.parametrize(("text", "name", "cls"), [
    ("The Moldovan Energy Ministry raised prices.", "Moldovan Energy Ministry", "GovernmentBody"),
    ("A spokesman for the Ministry of Emergency Situations spoke.", "Ministry of Emergency Situations",
     "GovernmentBody"),
    ("The Belarusian Railway Workers Union went on strike.", "Belarusian Railway Workers Union", "Organization"),
    ("Delegates of the Minsk Dialogue Forum met.", "Minsk Dialogue Forum", "Organization"),
    ("The Kastus Kalinouski Regiment fought near the town.", "Kastus Kalinouski Regiment", "ArmedGroup"),
    ("Members of the United Civic Party were arrested.", "United Civic Party", "PoliticalParty"),
])
def test_unknown_organisation_is_typed_by_its_head_noun(find_mentions, text, name, cls) -> None:
    _eid, found, _kind = entity_of(find_mentions(text), name)
    assert found == cls
    assert found in _ORGANIZATIONS


def test_a_country_adjective_inside_an_organisation_name_still_links_the_country(find_mentions) -> None:
    result = find_mentions("The Moldovan Energy Ministry raised prices.")
    assert entity_of(result, "Moldovan")[:2] == ("place/moldova", "Country")


@pytest.mark.parametrize(("text", "name", "cls"), [
    ("Both sides invoked the Treaty of Friendship and Cooperation.", "Treaty of Friendship and Cooperation",
     "Agreement"),
    ("The Ostrava Agreement was never ratified.", "Ostrava Agreement", "Agreement"),
    ("Work began on the Astravets nuclear power plant in 2013.", "Astravets nuclear power plant", "Facility"),
    ("Investors toured the Great Stone Industrial Park.", "Great Stone Industrial Park", "Facility"),
    ("Floods hit the city of Zhlobin.", "Zhlobin", "City"),
    ("Fires spread across the Zhytkavichy district.", "Zhytkavichy district", "Territory"),
])
def test_agreements_facilities_and_places_by_cue(find_mentions, text, name, cls) -> None:
    assert entity_of(find_mentions(text), name)[1] == cls


def test_city_name_inside_a_region_name_is_the_region(find_mentions) -> None:
    result = find_mentions("Shelling continued in the Luhansk region overnight.")
    assert [(m.text, m.entity_id) for m in result.mentions] == [("Luhansk region", "place/luhansk-region")]


def test_event_named_by_actors_and_a_head_noun(find_mentions) -> None:
    result = find_mentions("Observers worried about the Azerbaijani-Armenian standoff.")
    assert entity_of(result, "Azerbaijani-Armenian standoff")[1:] == ("Event", "Name")
    # the actors inside the name are still mentions of the countries
    assert entity_of(result, "Armenian")[0] == "place/armenia"


def test_event_head_noun_without_an_actor_or_a_name_is_not_an_event(find_mentions) -> None:
    result = find_mentions("The crisis deepened. A new Crisis Looms over the region.")
    assert not [e for e in result.entities if e.cls == "Event"]


def test_known_name_is_never_rediscovered(find_mentions) -> None:
    result = find_mentions("The Collective Security Treaty Organization met in Yerevan.")
    ids = {m.entity_id for m in result.mentions}
    assert "organization/collective-security-treaty-organization" in ids
    assert not [e for e in result.entities if e.discovered]


def test_discovery_rows_are_valid_and_named() -> None:
    rows = load_resources(ONTOLOGY).pattern_rows("discovery")
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        lo, hi = row.get("name", [0, len(row["pattern"])])
        assert 0 <= lo < hi <= len(row["pattern"]), row["id"]


def test_organisation_named_in_an_apposition(find_mentions) -> None:
    result = find_mentions("Flights by Belavia, the Belarusian state airline, were banned.")
    assert entity_of(result, "Belavia")[1:] == ("Organization", "Name")
    # "the Belarusian state" inside the apposition is not a description of the state
    assert not [m for m in result.mentions if m.kind == "Description"]


def test_bare_count_of_soldiers_is_a_quantity_not_a_group(find_mentions) -> None:
    assert not [e for e in find_mentions("Poland sent 10,000 soldiers to the border.").entities if e.discovered]
    groups = [e for e in find_mentions("Belarus hosted 300 Russian paratroopers.").entities if e.discovered]
    assert [(e.name, e.cls) for e in groups] == [("300 Russian paratroopers", "ArmedGroup")]


def test_name_after_a_hyphenated_prefix_is_not_discovered(find_mentions) -> None:
    result = find_mentions("The rally was seen as an anti-Russian provocation by many.")
    assert not [e for e in result.entities if e.cls == "Event"]
