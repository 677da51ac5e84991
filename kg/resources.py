"""The only reader of ontology/: the gazetteer registry, pattern files and named queries.

Everything is validated on load; errors name the file and the row.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import OntologyError, PatternError
from .iris import CLASS_KIND, is_slug, kind_of, slugify

logger = logging.getLogger(__name__)

#: The gk: namespace as written in ontology/*.ttl (the build may use another base IRI).
GK_NS_IN_FILES = "https://geokg.example/ont#"

#: Registry fields whose strings are matched, and the mention kind each gives.
SURFACE_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("official_name", "Name"),
    ("aliases", "Name"),
    ("short_names", "Name"),
    ("abbreviations", "Abbreviation"),
    ("demonyms", "Adjectival"),
    ("seats", "Metonym"),
)
_KNOWN_FIELDS = {f for f, _ in SURFACE_FIELDS} | {
    "id", "type", "slug", "qid", "capital", "capital_of", "metonym_for", "offices", "note",
    "participants", "start", "end", "nouns",
}
#: ISO 8601 calendar date of year, month or day precision (``start`` and ``end`` of events).
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True, slots=True)
class Office:
    """A post held by a person: ``title`` of ``of`` (an entity id) between two years."""

    title: str
    of: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """One canonical entity of the gazetteer."""

    id: str
    name: str
    type: str
    qid: str | None = None
    official_name: str | None = None
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    short_names: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    seats: tuple[str, ...] = ()
    capital: str | None = None
    capital_of: str | None = None
    metonym_for: str | None = None
    offices: tuple[Office, ...] = ()
    #: Events: ids of the countries and organisations the event chiefly involves or happens in.
    participants: tuple[str, ...] = ()
    #: Events: ISO date (YYYY, YYYY-MM or YYYY-MM-DD) the event began.
    start: str | None = None
    #: Events: ISO date the event ended; None when ongoing or unknown.
    end: str | None = None
    #: Events: lowercase head nouns of bare definite descriptions ("the war") for coreference.
    #: Never matched as names: they are not surface forms and give no ruler patterns.
    nouns: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """True alternative names (``skos:altLabel``): official name, aliases, abbreviations."""
        alts = {a for a in (self.official_name, *self.aliases, *self.abbreviations) if a}
        alts.discard(self.name)
        return tuple(sorted(alts))

    @property
    def polity(self) -> str | None:
        """The polity a city name can stand for (metonymy), if any."""
        return self.metonym_for or self.capital_of


@dataclass(frozen=True)
class Registry:
    """All gazetteer entries, with the surface index used to type mentions."""

    entries: dict[str, RegistryEntry]
    surfaces: dict[tuple[str, str], str] = field(default_factory=dict)

    def get(self, entity_id: str) -> RegistryEntry | None:
        """The entry for an id, or None."""
        return self.entries.get(entity_id)

    def mention_kind(self, entity_id: str, text: str) -> str:
        """Mention kind of ``text`` as a surface of ``entity_id`` (Name if unlisted)."""
        return self.surfaces.get((entity_id, text), "Name")

    def ruler_patterns(self) -> list[dict[str, str]]:
        """EntityRuler/SpanRuler phrase rows ``{"label", "pattern", "id"}``, sorted."""
        rows = {(self.entries[eid].type, text, eid) for (eid, text) in self.surfaces}
        return [{"label": lab, "pattern": pat, "id": eid} for lab, pat, eid in sorted(rows)]


def _iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            stripped = line.strip()
            if not stripped or stripped.startswith("//"):
                continue
            try:
                row = json.loads(stripped)
            except json.JSONDecodeError as exc:
                raise PatternError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise PatternError(f"{path}:{lineno}: expected a JSON object")
            yield lineno, row


def _strings(where: str, row: dict[str, Any], key: str) -> tuple[str, ...]:
    value = row.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PatternError(f"{where}: '{key}' must be a string or a list of non-empty strings")
    return tuple(value)


def _iso_date(where: str, row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise PatternError(f"{where}: '{key}' {value!r} is not an ISO date YYYY, YYYY-MM or YYYY-MM-DD")
    month = int(value[5:7]) if len(value) >= 7 else 1
    day = int(value[8:10]) if len(value) == 10 else 1
    try:
        date(int(value[:4]), month, day)
    except ValueError:
        raise PatternError(f"{where}: '{key}' {value!r} is not a calendar date") from None
    return value


def _nouns(where: str, row: dict[str, Any]) -> tuple[str, ...]:
    value = row.get("nouns")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(v, str) and v.strip() == v and v and v == v.lower() for v in value
    ):
        raise PatternError(f"{where}: 'nouns' must be a list of non-empty, trimmed lowercase strings")
    return tuple(value)


def _entry(where: str, row: dict[str, Any]) -> RegistryEntry:
    for key in ("id", "name", "type"):
        if not isinstance(row.get(key), str) or not row[key]:
            raise PatternError(f"{where}: missing '{key}'")
    unknown = set(row) - _KNOWN_FIELDS
    if unknown:
        raise PatternError(f"{where}: unknown field(s) {sorted(unknown)}; see ontology/gazetteer/README.md")
    if row["type"] not in CLASS_KIND:
        raise PatternError(f"{where}: unknown type {row['type']!r}; expected one of {sorted(CLASS_KIND)}")
    slug = row.get("slug") or slugify(row["name"])
    if not is_slug(slug):
        raise PatternError(f"{where}: slug {slug!r} is not of the form [a-z0-9]+(-[a-z0-9]+)*")
    expected = f"{kind_of(row['type'])}/{slug}"
    if row["id"] != expected:
        raise PatternError(f"{where}: id {row['id']!r} should be {expected!r} (kind from type, slug from name)")
    qid = row.get("qid")
    if qid is not None and not (isinstance(qid, str) and qid[:1] == "Q" and qid[1:].isdigit()):
        raise PatternError(f"{where}: qid {qid!r} is not a Wikidata item id like Q184")
    offices = []
    for off in row.get("offices") or []:
        if not isinstance(off, dict) or not off.get("title") or not off.get("of"):
            raise PatternError(f"{where}: each office needs 'title' and 'of'")
        offices.append(Office(off["title"], off["of"], off.get("from"), off.get("to")))
    start, end = _iso_date(where, row, "start"), _iso_date(where, row, "end")
    if start and end and end[: len(start)] < start[: len(end)]:
        raise PatternError(f"{where}: 'end' {end!r} is before 'start' {start!r}")
    return RegistryEntry(
        id=row["id"], name=row["name"], type=row["type"], qid=qid,
        official_name=row.get("official_name"),
        aliases=_strings(where, row, "aliases"), abbreviations=_strings(where, row, "abbreviations"),
        short_names=_strings(where, row, "short_names"), demonyms=_strings(where, row, "demonyms"),
        seats=_strings(where, row, "seats"), capital=row.get("capital"), capital_of=row.get("capital_of"),
        metonym_for=row.get("metonym_for"), offices=tuple(offices),
        participants=_strings(where, row, "participants"), start=start, end=end, nouns=_nouns(where, row),
    )


def _surface_variants(text: str) -> list[str]:
    """A name and its sentence-initial variant ("the West" -> "The West")."""
    out = [text]
    if text[:1].islower():
        out.append(text[:1].upper() + text[1:])
    return out


def load_registry(gazetteer_dir: Path) -> Registry:
    """Read and validate every ``*.jsonl`` registry file in ``gazetteer_dir``.

    Raises:
        OntologyError: a row is malformed, two rows share an id (a slug clash), or a
            reference (capital, capital_of, metonym_for, office, participant) points nowhere.
    """
    files = sorted(gazetteer_dir.glob("*.jsonl"))
    if not files:
        raise OntologyError(f"{gazetteer_dir}: no gazetteer files (*.jsonl)")
    entries: dict[str, RegistryEntry] = {}
    origin: dict[str, str] = {}
    for path in files:
        for lineno, row in _iter_jsonl(path):
            where = f"{path}:{lineno}"
            entry = _entry(where, row)
            if entry.id in entries:
                raise OntologyError(
                    f"{where}: id {entry.id!r} is already defined at {origin[entry.id]}; two entities "
                    "may not share an IRI: give one of them an explicit 'slug'"
                )
            entries[entry.id] = entry
            origin[entry.id] = where
    surfaces: dict[tuple[str, str], str] = {}
    for entry in entries.values():
        for ref in (entry.capital, entry.capital_of, entry.metonym_for, *(o.of for o in entry.offices)):
            if ref and ref not in entries:
                raise OntologyError(f"{origin[entry.id]}: reference {ref!r} is not a registry id")
        for ref in entry.participants:
            if ref not in entries:
                raise OntologyError(f"{origin[entry.id]}: participant {ref!r} is not a registry id")
        for fld, kind in SURFACE_FIELDS:
            value = getattr(entry, fld)
            for text in (value,) if isinstance(value, str) else value or ():
                for variant in _surface_variants(text):
                    # the first kind listed wins (a name stays a Name even if also an alias)
                    surfaces.setdefault((entry.id, variant), kind)
    return Registry(entries=entries, surfaces=surfaces)


def load_pattern_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a pattern file (spaCy Matcher/SpanRuler format plus our own keys)."""
    return [row for _, row in _iter_jsonl(path)]


@dataclass(frozen=True)
class Resources:
    """Everything loaded from an ontology folder."""

    root: Path
    registry: Registry
    patterns: dict[str, list[dict[str, Any]]]
    version: str
    truthy: frozenset[str]

    def pattern_rows(self, name: str) -> list[dict[str, Any]]:
        """Rows of ``ontology/patterns/{name}.jsonl`` (empty if the file is absent)."""
        return self.patterns.get(name, [])

    @property
    def ontology_files(self) -> list[Path]:
        """The Turtle files of the ontology (gk.ttl first)."""
        return [self.root / n for n in ("gk.ttl", "gk-align.ttl", "shapes.ttl", "cameo.ttl")]


def _data_version(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".jsonl", ".ttl", ".rq"}):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def truthy_properties(gk_ttl: Path, gk_ns: str) -> frozenset[str]:
    """Local names of gk: properties that carry, or inherit, ``gk:truthyEligible true``."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS

    graph = Graph()
    try:
        graph.parse(gk_ttl, format="turtle")
    except Exception as exc:  # rdflib raises several parser exception types
        raise OntologyError(f"{gk_ttl}: cannot parse ({exc})") from exc
    flag = URIRef(gk_ns + "truthyEligible")
    eligible = {s for s, o in graph.subject_objects(flag) if o == Literal(True)}
    changed = True
    while changed:
        extra = {s for s, o in graph.subject_objects(RDFS.subPropertyOf) if o in eligible and s not in eligible}
        eligible |= extra
        changed = bool(extra)
    return frozenset(str(s)[len(gk_ns):] for s in eligible if str(s).startswith(gk_ns)) - {"relatedTo"}


def symmetric_properties(gk_ttl: Path, gk_ns: str = GK_NS_IN_FILES) -> frozenset[str]:
    """Local names of gk: properties declared ``owl:SymmetricProperty`` in gk.ttl."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL, RDF

    graph = Graph()
    try:
        graph.parse(gk_ttl, format="turtle")
    except Exception as exc:  # rdflib raises several parser exception types
        raise OntologyError(f"{gk_ttl}: cannot parse ({exc})") from exc
    found = graph.subjects(RDF.type, OWL.SymmetricProperty)
    return frozenset(str(s)[len(gk_ns):] for s in found if isinstance(s, URIRef) and str(s).startswith(gk_ns))


@lru_cache(maxsize=4)
def load_resources(root: Path) -> Resources:
    """Load and validate the ontology folder (cached per path).

    Args:
        root: The ontology folder (``ontology/`` of the repository by default).
    """
    if not (root / "gk.ttl").is_file():
        raise OntologyError(f"{root}: not an ontology folder (gk.ttl is missing)")
    registry = load_registry(root / "gazetteer")
    patterns = {p.stem: load_pattern_rows(p) for p in sorted((root / "patterns").glob("*.jsonl"))}
    logger.debug("loaded %d registry entries from %s", len(registry.entries), root)
    truthy = truthy_properties(root / "gk.ttl", GK_NS_IN_FILES)
    return Resources(root=root, registry=registry, patterns=patterns, version=_data_version(root), truthy=truthy)


#: Names of the analyst queries ``ontology/queries/{name}.rq`` (never a path: integrity checks stay apart).
_QUERY_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def named_queries(root: Path) -> dict[str, str]:
    """Name -> text of the analyst queries ``ontology/queries/*.rq`` (not the integrity checks), sorted."""
    files = sorted(p for p in (root / "queries").glob("*.rq") if _QUERY_NAME.match(p.stem))
    return {p.stem: p.read_text(encoding="utf-8") for p in files}


def load_query(root: Path, name: str) -> str:
    """Text of the named query ``ontology/queries/{name}.rq``.

    Raises:
        OntologyError: no analyst query has that name (the message lists them).
    """
    path = root / "queries" / f"{name}.rq"
    if not _QUERY_NAME.match(name) or not path.is_file():
        known = sorted(named_queries(root))
        raise OntologyError(f"no query named {name!r}; known: {', '.join(known) or 'none'}")
    return path.read_text(encoding="utf-8")


def integrity_queries(root: Path) -> dict[str, str]:
    """Name -> text of every integrity check ``ontology/queries/integrity/*.rq``, sorted by name.

    Raises:
        OntologyError: the folder holds no checks.
    """
    files = sorted((root / "queries" / "integrity").glob("*.rq"))
    if not files:
        raise OntologyError(f"{root / 'queries' / 'integrity'}: no integrity checks (*.rq)")
    return {path.stem: path.read_text(encoding="utf-8") for path in files}


def read_ontology_text(root: Path, name: str) -> str:
    """Text of a Turtle file of the ontology folder (``gk.ttl``, ``shapes.ttl``, ...).

    Raises:
        OntologyError: the file is missing or unreadable.
    """
    path = root / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise OntologyError(f"{path}: cannot read ({exc.strerror})") from None
