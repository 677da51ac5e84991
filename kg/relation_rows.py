"""The schema of ontology/patterns/relations.jsonl rows, and the match context frames work on."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from .errors import PatternError
from .namespaces import GK_TERMS
from .records import Article
from .relation_args import Arg

ORG_CLASSES = frozenset({"Organization", "IntergovernmentalOrganization", "MilitaryAlliance", "EconomicUnion",
                         "ArmedGroup", "MediaOutlet", "PoliticalParty", "GovernmentBody"})
PLACE_CLASSES = frozenset({"Country", "City", "Territory", "Facility"})
POLITY_CLASSES = ORG_CLASSES | {"Country", "City", "Territory"}
#: Class families a row's "object_types" / "subject_types" may name.
FAMILIES: dict[str, frozenset[str]] = {
    "ORG": ORG_CLASSES,
    "PLACE": PLACE_CLASSES,
    "PERSON": frozenset({"Person"}),
    "POLITY": POLITY_CLASSES,
    "ACTOR": POLITY_CLASSES | {"Person"},
    "AGENT": ORG_CLASSES | {"Country", "Person"},  # gk:Agent: the domain of the interaction properties
    "COUNTRY": frozenset({"Country"}),
    "AGREEMENT": frozenset({"Agreement"}),
    "INITIATIVE": frozenset({"Initiative"}),
    "GROUPING": ORG_CLASSES | {"Initiative"},
    "INSTITUTION": ORG_CLASSES | {"Initiative", "Agreement"},
    "WEAPON": frozenset({"WeaponSystem"}),
    "ANY": ORG_CLASSES | PLACE_CLASSES | {"Person", "Initiative", "Agreement", "Event", "WeaponSystem"},
}
FRAMES = ("SVO", "SYM", "INV", "TITLE")
#: (subject, object, extra roles) of one claim before factuality.
Pair = tuple[Arg, Arg, list[tuple[str, str]]]
#: Every field a row may have (the file header says what each does).
ROW_KEYS = {"id", "group", "predicate", "cameo", "frame", "object_types", "subject_types", "relation", "pattern",
            "in_name", "recipient", "object_prep", "theme_required", "refine", "requires", "intent", "polarity",
            "topic", "not_before", "not_after", "adjacent_object", "after_object", "sponsor", "inverse", "office",
            "otherwise"}
WORD_LISTS = ("object_prep", "requires", "topic", "not_before", "not_after", "after_object", "sponsor", "office")


def check_row(where: str, row: dict[str, Any]) -> None:
    """Validate one pattern row's fields (not the Matcher pattern itself).

    Raises:
        PatternError: an unknown field, frame, family or gk: property, or a malformed value.
    """
    unknown = set(row) - ROW_KEYS
    if unknown:
        raise PatternError(f"{where}: unknown field(s) {sorted(unknown)}; the file header lists the fields")
    if not isinstance(row.get("id"), str) or not isinstance(row.get("pattern"), list):
        raise PatternError(f"{where}: each row needs an 'id' and a Matcher 'pattern' list")
    if row.get("frame") not in FRAMES:
        raise PatternError(f"{where}: 'frame' must be one of {FRAMES}")
    for key in ("object_types", "subject_types"):
        if key in row and row[key] not in FAMILIES or key == "object_types" and key not in row:
            raise PatternError(f"{where}: '{key}' must be one of {sorted(FAMILIES)}")
    for key in ("predicate", "otherwise"):
        value = row.get(key)
        if key in row and (value not in GK_TERMS or not str(value)[:1].islower()) or key == "predicate" and not value:
            raise PatternError(f"{where}: '{key}' {row.get(key)!r} is not a gk: property of ontology/gk.ttl")
    for key in WORD_LISTS:
        if key in row and not (isinstance(row[key], list) and all(isinstance(w, str) for w in row[key])):
            raise PatternError(f"{where}: '{key}' must be a list of words")
    for rule in row.get("refine", []):
        if not (isinstance(rule, dict) and isinstance(rule.get("lemmas"), list) and isinstance(rule.get("cameo"), str)):
            raise PatternError(f"{where}: each 'refine' rule needs 'lemmas' (a list) and 'cameo' (a code)")
    if row.get("polarity") not in (None, "Negative"):
        raise PatternError(f"{where}: 'polarity' may only be \"Negative\" (the trigger itself negates)")


class Context:
    """One trigger match with what its frame needs: the sentence, the row, the mentions in the sentence."""

    __slots__ = ("doc", "sent", "trig", "row", "in_sent", "nested", "article", "classes", "later")

    def __init__(self, doc: Doc, sent: SpacySpan, trig: tuple[int, int], row: dict[str, Any], args: list[Arg],
                 nested: list[Arg], article: Article, classes: dict[str, str]) -> None:
        self.doc, self.sent, self.trig, self.row = doc, sent, trig, row
        lo, hi = sent.start, sent.end
        self.in_sent = [a for a in args if lo <= a.start and a.end <= hi]
        self.nested = [a for a in nested if lo <= a.start and a.end <= hi]
        self.article, self.classes = article, classes
        self.later: list[int] = []  # starts of the sentence's other triggers after this one
