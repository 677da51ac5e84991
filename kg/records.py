"""Frozen records that cross stage boundaries: offsets and strings, never spaCy objects.

Offsets in every record that leaves the NLP stage are code-point indices into the
article's *raw* text, end exclusive (NIF 2.0 / RFC 5147), so ``raw[begin:end]`` is
always the anchor text.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar

_T = TypeVar("_T")

#: Mention kinds (gk:MentionKind individuals).
MENTION_KINDS = ("Name", "Abbreviation", "Adjectival", "Metonym", "Description", "Anaphor")
POLARITIES = ("Positive", "Negative")
MODALITIES = ("Asserted", "Reported", "Speculative", "Hypothetical")


def _pickled_by_fields(cls: type[_T]) -> type[_T]:
    """Pickle a frozen slotted dataclass as its constructor call: ``(cls, (field values...))``.

    The state functions dataclasses give slotted classes look every field up with
    ``dataclasses.fields`` per object, which dominates reading a big analysis cache.
    """
    names = [f.name for f in fields(cls) if f.init]  # type: ignore[arg-type]
    get = attrgetter(*names)

    def __reduce__(self: Any) -> tuple[type[_T], tuple[Any, ...]]:
        values = get(self)
        return cls, values if len(names) > 1 else (values,)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps offsets of a cleaned text back to the raw text it was derived from.

    ``segments`` holds ``(clean_start, clean_end, raw_start, raw_end)`` runs in
    order. A run is either a verbatim copy (equal lengths) or a replacement whose
    clean side is a single character standing for ``raw[raw_start:raw_end]``
    (a decoded ``&amp;``, a blank line folded to a space). Raw text that was
    dropped (markup, boilerplate) lies between runs.

    >>> m = OffsetMap(((0, 4, 0, 4), (4, 5, 4, 7), (5, 9, 9, 13)))
    >>> m.to_raw(0, 4), m.to_raw(5, 9), m.to_raw(2, 7)
    ((0, 4), (9, 13), (2, 11))
    >>> OffsetMap.identity(10).to_raw(3, 8)
    (3, 8)
    """

    segments: tuple[tuple[int, int, int, int], ...]
    #: clean starts of the segments, made on the first look-up (most maps, e.g. of cached articles, never
    #: map an offset)
    _starts: tuple[int, ...] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        """The map of a text that was not changed."""
        return cls(((0, length, 0, length),) if length else ())

    def _segment(self, pos: int) -> tuple[int, int, int, int]:
        starts = self._starts
        if starts is None:
            starts = tuple(s[0] for s in self.segments)
            object.__setattr__(self, "_starts", starts)
        i = bisect_right(starts, pos) - 1
        if i < 0 or pos >= self.segments[i][1]:
            raise ValueError(f"clean offset {pos} is outside the mapped text")
        return self.segments[i]

    def to_raw(self, begin: int, end: int) -> tuple[int, int]:
        """Raw ``(begin, end)`` of the clean span ``[begin, end)``.

        Args:
            begin: Clean start offset.
            end: Clean end offset (exclusive), greater than ``begin``.
        """
        if end <= begin:
            raise ValueError(f"empty span [{begin}, {end})")
        cs, ce, rs, re_ = self._segment(begin)
        raw_begin = rs + (begin - cs) if ce - cs == re_ - rs else rs
        cs, ce, rs, re_ = self._segment(end - 1)
        raw_end = rs + (end - cs) if ce - cs == re_ - rs else re_
        return raw_begin, raw_end


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    """One input article: the raw text, its cleaned analysis view and header metadata.

    Attributes:
        doc_id: ``dcterms:identifier``: the file name without extension or the JSONL ``id``.
        key: Document key of the IRI ``{BASE}doc/{key}`` (ONTOLOGY.md §4.2).
        source: Where the article came from (path, or ``path:line`` for JSONL), for messages.
        raw: The decoded input text, never normalised; all output offsets index it.
        text: Cleaned view for analysis (markup removed, broken lines rejoined).
        offsets: Map from ``text`` offsets to ``raw`` offsets.
        skip: Ranges of ``text`` (header lines, site boilerplate) not used for extraction.
        title: Headline, if known.
        authors: Author names, in order.
        publisher: Publisher name, if known.
        published: Publication date as ISO ``YYYY-MM-DD``, if known.
        url: Canonical URL, if known.
        original_publisher: Venue the article first appeared in ("originally published in X").
    """

    doc_id: str
    key: str
    source: str
    raw: str
    text: str
    offsets: OffsetMap
    skip: tuple[tuple[int, int], ...] = ()
    title: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    original_publisher: str | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A raw-text span with its exact anchor text."""

    begin: int
    end: int
    text: str


@_pickled_by_fields
@dataclass(frozen=True, slots=True, order=True)
class Mention:
    """A stretch of raw text that refers to an entity.

    Attributes:
        begin: Raw start offset.
        end: Raw end offset (exclusive).
        text: ``raw[begin:end]``.
        entity_id: ``{kind}/{slug}`` of the entity it denotes.
        kind: One of :data:`MENTION_KINDS`.
        sentence: Raw span of the sentence the mention is in.
    """

    begin: int
    end: int
    text: str
    entity_id: str
    kind: str
    sentence: tuple[int, int] = (0, 0)


@_pickled_by_fields
@dataclass(frozen=True, slots=True, order=True)
class Entity:
    """A canonical entity (registry row or discovered name).

    Attributes:
        id: ``{kind}/{slug}``; the path of the entity IRI.
        name: Canonical English name (``skos:prefLabel``).
        cls: Local name of its gk: leaf class (``Country``, ``Person``, ...).
        aliases: True alternative names (``skos:altLabel``), sorted.
        qid: Verified Wikidata QID or None.
        discovered: True when found by discovery rules rather than the gazetteer.
    """

    id: str
    name: str
    cls: str
    aliases: tuple[str, ...] = ()
    qid: str | None = None
    discovered: bool = False


@_pickled_by_fields
@dataclass(frozen=True, slots=True, order=True)
class TimeValue:
    """A resolved time expression.

    Attributes:
        value: ISO value at its precision (``2020-08-14``, ``2020-07``, ``2008``) or None.
        precision: ``day``, ``month``, ``year``, ``decade``, ``interval`` (only bounds known) or
            ``unresolved`` (no dateline or no previous date to count from).
        text: Surface text of the expression.
        resolution: How it was resolved (for relative expressions).
        earliest: Lower bound (ISO date) for vague expressions.
        latest: Upper bound (ISO date) for vague expressions.
    """

    value: str | None
    precision: str
    text: str
    resolution: str | None = None
    earliest: str | None = None
    latest: str | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True, order=True)
class Claim:
    """One extracted relation occurrence (a gk:Assertion).

    Attributes:
        subject: Entity id of the source actor.
        predicate: Local name of the gk: property.
        object: Entity id of the target.
        polarity: ``Positive`` or ``Negative``.
        modality: ``Asserted``, ``Reported``, ``Speculative`` or ``Hypothetical``.
        relation_text: The verb phrase as written.
        evidence: Raw span of the evidence sentence.
        confidence: Extractor confidence that the text says this (0..1).
        attributed_to: Entity id of the speaker of a reported claim.
        attributed_text: Surface text of the speaker when it is not an entity.
        cameo: Fine CAMEO code, for interactions.
        time: When it happened, if the text says.
        roles: ``(role, value)`` pairs: role is a gk: property local name, value an entity
            id or a literal.
        contested: Author's own claim that is contested; kept out of the truthy layer.
    """

    subject: str
    predicate: str
    object: str
    polarity: str
    modality: str
    relation_text: str
    evidence: Span
    confidence: float = 0.5
    attributed_to: str | None = None
    attributed_text: str | None = None
    cameo: str | None = None
    time: TimeValue | None = None
    roles: tuple[tuple[str, str], ...] = ()
    contested: bool = False


@_pickled_by_fields
@dataclass(frozen=True, slots=True, order=True)
class Event:
    """An event node shared by claims (and documents) that report it."""

    id: str
    label: str
    cameo: str
    participants: tuple[str, ...]
    time: TimeValue | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class DocumentResult:
    """Everything extracted from one article."""

    article: Article
    mentions: tuple[Mention, ...]
    entities: tuple[Entity, ...]
    claims: tuple[Claim, ...] = ()
    events: tuple[Event, ...] = ()
    sentences: tuple[Span, ...] = ()
    warnings: tuple[str, ...] = ()
