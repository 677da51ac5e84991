"""kg eval: entity and relation scores against a tiny gold file written for these tests.

The article below is built with the real pipeline (ingest, mentions, entities); the claims are then replaced
by hand-made ones, so the expected counts do not move when the extractor changes. One CLI test runs the
whole command on the same files and checks the report's shape.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kg.cli import app
from kg.config import DEFAULT_ONTOLOGY_DIR
from kg.evaluate import claim_aligner, evaluate, format_table, load_gold
from kg.evaluate_relations import GoldRelation, score_relations
from kg.rdf import is_truthy
from kg.records import Article, Claim, DocumentResult, Entity, Mention, OffsetMap, Span
from kg.resources import load_resources, symmetric_properties

HEADER = "Neighbours and Promises\n\nBy Test Author\n\nTest Gazette, May 5, 2021\n\n"
SENTENCES = {
    "member": "Belarus is a member of the Collective Security Treaty Organization.",
    "phone": "Russia phoned Belarus about gas prices on Monday.",
    "recognize": "Belarus has not recognized Abkhazia.",
    "border": "Poland shares a border with Belarus.",
    "praise": "China praised Poland for its harvest.",
    "handover": "Russia handed the detainees back to Poland.",
}
TEXT = HEADER + "\n\n".join(SENTENCES.values()) + "\n"
BELARUS, RUSSIA, POLAND = "place/belarus", "place/russia", "place/poland"
CSTO, ABKHAZIA, CHINA = "organization/collective-security-treaty-organization", "place/abkhazia", "place/china"


def span(key: str) -> list[int]:
    begin = TEXT.index(SENTENCES[key])
    return [begin, begin + len(SENTENCES[key])]


def evidence(key: str) -> Span:
    b, e = span(key)
    return Span(b, e, TEXT[b:e])


def relation(rid: str, tier: int, subject: str, obj: str | None, key: str, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {"id": rid, "tier": tier, "subject": subject, "predicate": rid, "object": obj,
                              "polarity": "positive", "modality": "asserted", "attributed_to": None,
                              "evidence": SENTENCES[key], "evidence_span": span(key)}
    row.update(extra)
    return row


GOLD_RELATIONS = [
    relation("t-r1", 1, BELARUS, CSTO, "member"),
    relation("t-r2", 1, RUSSIA, BELARUS, "phone"),
    relation("t-r3", 1, BELARUS, ABKHAZIA, "recognize", polarity="negative",
             kg={"predicate": "gk:recognizes", "object": ABKHAZIA, "inverse": False, "emit_truthy": False}),
    relation("t-r4", 2, POLAND, BELARUS, "border",
             kg={"predicate": "gk:sharesBorderWith", "object": BELARUS, "inverse": False, "emit_truthy": True}),
    relation("t-r5", 3, CHINA, POLAND, "praise"),
    relation("t-r6", 1, RUSSIA, None, "handover", roles={"recipient": POLAND, "quantity": 3}),
    relation("t-r7", 1, BELARUS, None, "member", object_literal="a reliable ally"),
]


def claim(s: str, p: str, o: str, key: str, polarity: str = "Positive", modality: str = "Asserted") -> Claim:
    return Claim(s, p, o, polarity, modality, p, evidence(key))


CLAIMS = (
    claim(BELARUS, "memberOf", CSTO, "member"),          # t-r1
    claim(BELARUS, "consults", RUSSIA, "phone"),         # t-r2 the wrong way round
    claim(BELARUS, "recognizes", ABKHAZIA, "recognize"),  # t-r3 pair, but positive: a negation failure
    claim(BELARUS, "sharesBorderWith", POLAND, "border"),  # t-r4 reversed, fine: symmetric (tier 2)
    claim(RUSSIA, "yieldsTo", POLAND, "handover"),       # t-r6 through its recipient
    claim(CHINA, "consults", RUSSIA, "praise"),          # not in the gold
    claim(BELARUS, "memberOf", CSTO, "border"),          # t-r1 pair, from another sentence
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(article, gold) written to a temporary folder."""
    folder = tmp_path_factory.mktemp("eval")
    article = folder / "neighbours.txt"
    article.write_text(TEXT, encoding="utf-8")
    entities = [{"id": eid, "canonical_name": name, "type": cls, "surface_forms": [
        {"text": name, "kind": "name", "spans": [[i, i + len(name)] for i in _find_all(name)]}]}
        for eid, name, cls in [(BELARUS, "Belarus", "Country"), (RUSSIA, "Russia", "Country"),
                               (POLAND, "Poland", "Country"), (CHINA, "China", "Country"),
                               (ABKHAZIA, "Abkhazia", "Territory"),
                               (CSTO, "Collective Security Treaty Organization", "MilitaryAlliance")]]
    gold = {"schema_version": "1.0", "documents": [
        {"doc_id": "neighbours", "entities": entities, "relations": GOLD_RELATIONS}]}
    path = folder / "gold.yaml"
    path.write_text(yaml.safe_dump(gold, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return article, path


def _find_all(name: str) -> list[int]:
    out, i = [], TEXT.find(name)
    while i >= 0:
        out.append(i)
        i = TEXT.find(name, i + 1)
    return out


@pytest.fixture(scope="module")
def build(files):
    from kg.pipeline import build_graph

    return build_graph([str(files[0])])


@pytest.fixture(scope="module")
def scores(build, files):
    result = replace(build.results[0], claims=CLAIMS)
    truthy = load_resources(DEFAULT_ONTOLOGY_DIR).truthy
    return evaluate([result], build.entities, load_gold(files[1]),
                    symmetric=symmetric_properties(DEFAULT_ONTOLOGY_DIR / "gk.ttl"),
                    truthy=lambda c: is_truthy(c, truthy))


def _counts(s: dict[str, object]) -> tuple[object, ...]:
    return s["matched_predicted"], s["predicted"], s["matched_gold"], s["gold"]


def test_relation_counts_per_tier(scores):
    rel = scores["documents"]["neighbours"]["relations"]
    # (claims matching a relation of the set, claims counted, gold relations found, gold relations)
    assert _counts(rel["tier1"]) == (4, 6, 3, 4)  # the border claim matches only tier 2: left out
    assert _counts(rel["tier1-2"]) == (5, 7, 4, 5)
    assert _counts(rel["all"]) == (5, 7, 4, 6)
    assert _counts(rel["tier1+sentence"]) == (3, 6, 3, 4)  # the membership claim from another sentence fails
    assert _counts(rel["all+sentence"]) == (4, 7, 4, 6)
    assert rel["tier1"]["precision"] == round(4 / 6, 4) and rel["tier1"]["recall"] == 0.75
    assert scores["overall"]["relations"] == rel


def test_missed_relations_and_false_positives_are_listed(scores):
    doc = scores["documents"]["neighbours"]
    details = doc["details"]
    assert [r["id"] for r in details["missed_tier1"]] == ["t-r2"]
    fps = {(c["subject"], c["predicate"], c["object"]): c["wrong_direction_of"] for c in details["false_positives"]}
    assert fps == {(BELARUS, "consults", RUSSIA): ["t-r2"], (CHINA, "consults", RUSSIA): []}
    assert doc["wrong_direction"] == 1
    assert details["unscored"] == ["t-r7"] and doc["unscored_gold"] == 1


def test_a_negative_gold_relation_extracted_as_positive_is_a_failure_and_a_truthy_leak(scores):
    doc = scores["documents"]["neighbours"]
    assert doc["negatives"] == {"gold": 1, "handled": 0, "share_handled": 0.0, "extracted_negative": 0,
                                "not_extracted": 0, "failures": ["t-r3"], "pair_level_failures": ["t-r3"]}
    assert [f["gold"] for f in doc["details"]["negative_failures"]] == ["t-r3"]
    assert doc["truthy"] == {"truthy_claims": 7, "leaks": 1}
    assert doc["details"]["truthy_leaks"][0]["claim"]["predicate"] == "recognizes"


@pytest.mark.parametrize(("claims", "negative", "absent"), [
    ((claim(BELARUS, "recognizes", ABKHAZIA, "recognize", polarity="Negative"),), 1, 0),
    ((), 0, 1),
    ((claim(BELARUS, "recognizes", ABKHAZIA, "recognize", modality="Speculative"),), 0, 0),
])
def test_a_negative_gold_relation_that_is_negative_or_absent_is_handled(build, files, claims, negative, absent):
    result = replace(build.results[0], claims=claims)
    doc = evaluate([result], build.entities, load_gold(files[1]))["documents"]["neighbours"]
    assert doc["negatives"]["handled"] == 1 and doc["negatives"]["failures"] == []
    assert (doc["negatives"]["extracted_negative"], doc["negatives"]["not_extracted"]) == (negative, absent)
    assert doc["truthy"] == {"truthy_claims": 0, "leaks": 0}  # no truthy rule given


def test_a_positive_claim_beside_a_positive_gold_relation_of_the_same_sentence_is_no_failure(build, files):
    gold = load_gold(files[1])
    gold["neighbours"]["relations"].append(relation("t-r8", 2, BELARUS, ABKHAZIA, "recognize"))
    result = replace(build.results[0], claims=(claim(BELARUS, "relatedTo", ABKHAZIA, "recognize"),))
    doc = evaluate([result], build.entities, gold)["documents"]["neighbours"]
    assert doc["negatives"]["failures"] == [] and doc["negatives"]["pair_level_failures"] == ["t-r3"]


def test_a_reversed_claim_matches_only_for_symmetric_or_inverse_relations(build, files):
    result = replace(build.results[0], claims=(CLAIMS[3],))  # Belarus sharesBorderWith Poland; gold Poland -> Belarus
    gold = load_gold(files[1])
    doc = evaluate([result], build.entities, gold)["documents"]["neighbours"]
    assert _counts(doc["relations"]["all"]) == (0, 1, 0, 6)  # nothing known to be symmetric
    assert doc["details"]["false_positives"][0]["wrong_direction_of"] == ["t-r4"]
    del gold["neighbours"]["relations"][3]["kg"]
    doc = evaluate([result], build.entities, gold, symmetric=frozenset({"sharesBorderWith"}))
    assert _counts(doc["documents"]["neighbours"]["relations"]["all"]) == (1, 1, 1, 6)  # the claim's property
    gold["neighbours"]["relations"][3]["kg"] = {"predicate": "gk:sharesBorderWith", "inverse": False}
    doc = evaluate([result], build.entities, gold, symmetric=frozenset({"sharesBorderWith"}))
    assert _counts(doc["documents"]["neighbours"]["relations"]["all"]) == (1, 1, 1, 6)  # the gold's property
    gold["neighbours"]["relations"][3]["kg"] = {"predicate": "gk:partOf", "inverse": True}
    doc = evaluate([result], build.entities, gold)
    assert _counts(doc["documents"]["neighbours"]["relations"]["all"]) == (1, 1, 1, 6)  # kg.inverse: true


def test_the_table_shows_relations_and_details(scores):
    table = format_table(scores)
    assert "relations tier1 " in table and "negatives handled 0/1" in table and "truthy leaks 1 of 7" in table
    assert "missed tier-1" not in table
    detailed = format_table(scores, details=True)
    assert "missed tier-1 relations (1)" in detailed and "t-r2" in detailed
    assert "(wrong direction of t-r2)" in detailed and "negation failure t-r3" in detailed


def test_span_overlap_only_counts_mentions_in_the_claims_sentence():
    raw = "Minsk said no. Minsk is old."
    article = Article("d", "d", "d", raw, raw, OffsetMap.identity(len(raw)))
    mentions = (Mention(0, 5, "Minsk", "place/minsk", "Name"), Mention(15, 20, "Minsk", "place/minsk", "Name"))
    table = {"place/minsk": Entity("place/minsk", "Minsk", "City")}
    gold_doc = {"entities": [{"id": "place/belarus", "canonical_name": "Belarus", "type": "Country",
                              "surface_forms": [{"text": "Minsk", "kind": "metonym", "spans": [[0, 5]]}]}]}
    align = claim_aligner(DocumentResult(article, mentions, ()), table, gold_doc)
    first = Claim("place/minsk", "rejects", "place/x", "Positive", "Asserted", "said no", Span(0, 14, raw[:14]))
    second = replace(first, evidence=Span(15, 28, raw[15:]))
    assert align(first, "subject") == {"place/belarus"}
    assert align(second, "subject") == frozenset()


def test_gold_relation_objects_include_the_kg_object_and_the_recipient():
    row = relation("t-r9", 1, BELARUS, "organization/detainees", "handover", roles={"recipient": RUSSIA},
                   kg={"predicate": "gk:yieldsTo", "object": RUSSIA, "inverse": True})
    rel = GoldRelation.from_gold(row, frozenset())
    assert rel.objects == {"organization/detainees", RUSSIA} and rel.either_way
    scored = score_relations([claim(RUSSIA, "yieldsTo", BELARUS, "handover")], lambda c, role: frozenset(
        {getattr(c, role)}), [row])
    assert scored.counts["all"] == (1, 1, 1, 1)


def test_eval_cli_prints_relation_scores(files):
    article, gold = files
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "--gold", str(gold), str(article), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    doc = data["documents"]["neighbours"]
    assert set(doc["relations"]) == {"tier1", "tier1-2", "all", "tier1+sentence", "all+sentence"}
    assert doc["relations"]["tier1"]["gold"] == 4 and doc["relations"]["all"]["gold"] == 6
    assert doc["negatives"]["gold"] == 1
    assert {"missed_tier1", "false_positives", "negative_failures", "truthy_leaks"} <= set(doc["details"])
    assert data["overall"]["relations"]["all"]["gold"] == 6
    table = runner.invoke(app, ["eval", "--gold", str(gold), str(article), "--details"])
    assert table.exit_code == 0, table.output
    assert "relations tier1-2" in table.output and "neighbours: missed tier-1 relations" in table.output


def test_eval_cli_with_a_missing_gold_file_exits_2(tmp_path, files):
    result = CliRunner().invoke(app, ["eval", "--gold", str(tmp_path / "none.yaml"), str(files[0])])
    assert result.exit_code == 2
    assert "none.yaml" in result.output
