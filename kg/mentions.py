"""Doc -> Mentions: gazetteer names, discovered names, metonymy, coreference.

Works on the cleaned text the Doc was made from and converts every span to raw
offsets with the article's OffsetMap, so ``raw[begin:end]`` is the anchor. The
steps, in order: gazetteer matches (kg/nlp.py), names the gazetteer does not know
(kg/discovery.py), capital cities used for their government (metonymy, unless a
locative cue says the city is meant), acronyms defined in the text, and descriptions
and surnames that refer to an entity already found (kg/coref.py).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from .coref import Coreferencer, Link, acronym_links, pronoun_links
from .discovery import Discovered, Discoverer
from .doctext import sentence_edges, words
from .entities import metadata_entities
from .errors import PatternError
from .iris import entity_id
from .lexicon import load_lexicon
from .matching import GatedMatcher
from .nlp import GAZETTEER_KEY
from .records import Article, Entity, Mention, Span
from .resources import Registry, RegistryEntry, Resources

logger = logging.getLogger(__name__)

#: Nested matches kept inside a longer name: abbreviations ("OSCE" in "OSCE Trilateral Contact
#: Group") and countries ("Georgian" in "Russo-Georgian war", "EU" and "Belarus" in a treaty's name).
_NESTED_COUNTRY_KINDS = frozenset({"Adjectival", "Name"})
_STATES = frozenset({"Country", "Territory"})
#: Actors a discovered event's name may name ("the Belarusian crisis", "the Wagner incident").
_ACTOR_TYPES = frozenset({"Country", "Territory", "Organization", "IntergovernmentalOrganization",
                          "MilitaryAlliance", "EconomicUnion", "ArmedGroup", "PoliticalParty", "GovernmentBody"})


@dataclass(frozen=True, slots=True)
class MentionResult:
    """Mentions of one article and the entities they denote."""

    mentions: tuple[Mention, ...]
    entities: tuple[Entity, ...]
    sentences: tuple[Span, ...]
    #: ``(start_token, end_token, entity_id, kind)`` of each mention, for the relation stage
    token_spans: tuple[tuple[int, int, str, str], ...] = ()


class MentionFinder:
    """Turns a parsed Doc into Mentions; built once per pipeline.

    Args:
        resources: Loaded ontology folder: the registry and the ``lexicon``, ``locative``
            and ``discovery`` pattern files.
        vocab: The pipeline's vocabulary (for the Matchers).
    """

    def __init__(self, resources: Resources, vocab: Any) -> None:
        self.registry: Registry = resources.registry
        self.lexicon = load_lexicon(resources)
        self.locative = _matcher(resources, vocab, "locative")
        self.discoverer = Discoverer(resources, vocab, self.lexicon)
        self.coref = Coreferencer(resources.registry, vocab, self.lexicon)
        #: the discovery, locative and coreference patterns in one matcher (the Doc's columns read once for all)
        self.together = GatedMatcher.joined(vocab, [self.discoverer.matcher, self.locative, self.coref.matcher])
        self._groups = [frozenset(vocab.strings.add(key) for key in m.added_keys())
                        for m in (self.discoverer.matcher, self.locative, self.coref.matcher)]
        self._entities: dict[str, tuple[RegistryEntry, Entity]] = {}
        self.labels: dict[tuple[str, str], str] = {}
        for (eid, text), kind in sorted(resources.registry.surfaces.items()):
            if kind in {"Name", "Abbreviation"}:
                entry = resources.registry.entries[eid]
                self.labels.setdefault((entry.type, text.lower()), eid)

    def __call__(self, doc: Doc, article: Article) -> MentionResult:
        """Find the mentions of one article in its Doc."""
        return self.find_all([doc], [article])[0]

    def prepare(self, docs: Iterable[Doc]) -> None:
        """Set the word classes the patterns of :attr:`together` test (see :meth:`Lexicon.annotate`)."""
        for doc in docs:
            self.lexicon.annotate(doc)

    def find_all(self, docs: Sequence[Doc], articles: Sequence[Article],
                 matches: Sequence[list[Any]] | None = None) -> list[MentionResult]:
        """Find the mentions of articles in their Docs, a step at a time over all of them (the word classes,
        then the pattern matches, then the discovered names, then the rest per article): a step's data stays in
        the processor's caches from one article to the next.

        ``matches``: per Doc, the matches of a matcher that holds the keys of :attr:`together` (and maybe
        others, which are ignored), with alignments for the discoverer's ``partial`` keys, made after
        :meth:`prepare`; when None, the Docs are prepared and matched here.
        """
        if matches is None:
            self.prepare(docs)
            matches = [self.together(doc, with_alignments=self.discoverer.partial) for doc in docs]
        ents = [doc.ents for doc in docs]  # made once: each read of ``doc.ents`` makes its Spans again
        known = [[ent for ent in each if ent.id_] for each in ents]
        matched = [self._split(each) for each in matches]
        discovered = [self.discoverer(doc, [(ent.start, ent.end) for ent in outer], found[0])
                      for doc, outer, found in zip(docs, known, matched, strict=True)]
        return [self._mentions(doc, article, doc_ents, outer, names, found[1], found[2])
                for doc, article, doc_ents, outer, names, found
                in zip(docs, articles, ents, known, discovered, matched, strict=True)]

    def _split(self, matches: list[Any]) -> list[list[Any]]:
        """The matches of :attr:`together` as those of the discoverer, the locative cues and the coreferencer
        (matches of other keys are left out)."""
        out: list[list[Any]] = [[], [], []]
        discovery, *others = self._groups
        for match in matches:
            if match[0] in discovery:
                out[0].append(match)
                continue
            for group, keys in zip(out[1:], others, strict=True):
                if match[0] in keys:
                    group.append(match[:3])
                    break
        return out

    def _mentions(self, doc: Doc, article: Article, ents: tuple[SpacySpan, ...], known: list[SpacySpan],
                  discovered: list[Discovered], located: list[Any], corefs: list[Any]) -> MentionResult:
        """The mentions of one annotated article, given its entities (``known``: those the gazetteer knows),
        discovered names, and locative cue and coreference matches."""
        sentences = _sentences(doc, article)
        found: dict[tuple[int, int], tuple[str, str]] = {}
        entities: dict[str, Entity] = {}
        in_names = {t for d in discovered for t in range(d.start, d.end)}
        # "Luhansk region": the city's name inside a region's name denotes the region, not the city
        in_regions = {t for d in discovered if d.cls == "Territory" for t in range(d.start, d.end)}
        locative = {t for _, s, e in located for t in range(s, e)} | in_names
        locative |= _coordinated_cities(doc, ents, locative)
        for span, nested in _gazetteer_spans(doc, known):
            entry = self.registry.get(span.id_)
            if entry is None:
                continue
            if entry.type == "City" and span.start in in_regions:
                continue
            kind = self.registry.mention_kind(entry.id, span.text)
            target = entry
            polity = entry.polity if entry.type == "City" and not nested else None
            if polity and not any(t in locative for t in range(span.start, span.end)):
                target = self.registry.entries[polity]
                kind = "Metonym"
            if nested and not (kind == "Abbreviation" or (target.type == "Country" and kind in _NESTED_COUNTRY_KINDS)):
                continue
            found[(span.start, span.end)] = (target.id, kind)
            entities[target.id] = self._registry_entity(target)
        tokens = _token_owners(found)
        published = _published(article)
        present = Counter(eid for eid, _ in found.values())
        groups: dict[tuple[str, ...], Entity] = {}
        for d in discovered:
            entity = self._discovered_entity(doc, d, tokens, present, published, groups)
            resolved = entity.cls == "Event" and entity.id in self.registry.entries
            found.setdefault((d.start, d.end), (entity.id, "Description" if resolved else d.kind))
            entities.setdefault(entity.id, entity)
        for start, end, entity in self._source_names(doc, article):
            if all(e <= start or end <= s for s, e in found):
                found[(start, end)] = (entity.id, "Name")
                entities.setdefault(entity.id, entity)
        self._link_acronyms(doc, found, entities)
        tokens = _token_owners(found)
        present = Counter(eid for eid, _ in found.values())
        links = self.coref(doc, tokens, present, published, corefs) + _surnames(doc, found, entities)
        classes = {eid: e.cls for eid, e in entities.items()}
        people = [(s, e, eid) for (s, e), (eid, _) in found.items() if classes.get(eid) == "Person"]
        people += [(x.start, x.end, x.entity_id) for x in links if classes.get(x.entity_id) == "Person"
                   or (self.registry.get(x.entity_id) and self.registry.entries[x.entity_id].type == "Person")]
        links += pronoun_links(doc, people)
        by_token: dict[int, list[tuple[int, int]]] = {}
        for s, e in found:
            for t in range(s, e):
                by_token.setdefault(t, []).append((s, e))
        for link in links:
            # a description may contain mentions ("the [Russian] capital") but not cut through one
            touched = (b for t in range(link.start, link.end) for b in by_token.get(t, ()))
            if all(link.start <= s and e <= link.end for s, e in touched):
                found[(link.start, link.end)] = (link.entity_id, link.kind)
                if link.entity_id not in entities and (entry := self.registry.get(link.entity_id)):
                    entities[link.entity_id] = self._registry_entity(entry)
        mentions: dict[tuple[int, int, str], Mention] = {}
        spans = []
        holder = _SentenceFinder(sentences)
        for (s, e), (eid, kind) in found.items():
            span = doc[s:e]
            if _skipped(article, span):
                continue
            mention = _mention(article, span, eid, kind, holder)
            mentions[(mention.begin, mention.end, eid)] = mention
            spans.append((s, e, eid, kind))
        used = {eid for _, _, eid, _ in spans}
        return MentionResult(
            mentions=tuple(sorted(mentions.values())),
            entities=tuple(sorted(e for e in entities.values() if e.id in used)),
            sentences=sentences,
            token_spans=tuple(sorted(spans)),
        )

    def _registry_entity(self, entry: RegistryEntry) -> Entity:
        """The Entity of a gazetteer entry (made once per entry: its alternative names are sorted each time)."""
        made = self._entities.get(entry.id)
        if made is None or made[0] is not entry:
            made = self._entities[entry.id] = (entry, _registry_entity(entry))
        return made[1]

    def _discovered_entity(self, doc: Doc, d: Discovered, tokens: dict[int, str], present: Mapping[str, int],
                           published: dt.date | None, groups: dict[tuple[str, ...], Entity]) -> Entity:
        """The entity a discovered name denotes: a known one if the name resolves, else a new one."""
        known = self.labels.get((d.cls, d.name.lower()))
        if known is not None:
            return self._registry_entity(self.registry.entries[known])
        if d.cls == "Event":
            eid = self._known_event(doc, d, tokens, present, published)
            if eid is not None:
                return self._registry_entity(self.registry.entries[eid])
        if d.group_key is not None and d.group_key in groups:
            return groups[d.group_key]
        entity = Entity(id=_entity_id(d.cls, d.name), name=d.name, cls=d.cls, discovered=True)
        if entity.id in self.registry.entries:
            entity = self._registry_entity(self.registry.entries[entity.id])
        if d.group_key is not None:
            groups[d.group_key] = entity
        return entity

    def _source_names(self, doc: Doc, article: Article) -> Iterable[tuple[int, int, Entity]]:
        """The article's authors and publishers where the text names them (a signature, a bio)."""
        for name, entity in metadata_entities(article, self.registry):
            for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", doc.text):
                span = doc.char_span(match.start(), match.end())
                if span is not None:
                    yield span.start, span.end, entity

    def _known_event(self, doc: Doc, d: Discovered, tokens: dict[int, str], present: Mapping[str, int],
                     published: dt.date | None) -> str | None:
        """The known event a discovered event name denotes ("the Belarusian crisis", "the 2020 election")."""
        actors = {tokens[t] for t in range(d.start, d.end - 1) if t in tokens}
        actors = {a for a in actors if (entry := self.registry.get(a)) and entry.type in _ACTOR_TYPES}
        years = [int(t.text) for t in doc[d.start: d.end] if t.shape_ == "dddd"]
        if not actors and not years:
            return None
        year = years[0] if years else None
        heads = [tuple(t.lower_ for t in doc[d.end - n: d.end]) for n in (2, 1) if d.end - n >= d.start]
        for nouns in heads:
            eid = self.coref.event(nouns, actors, present, published, year)
            if eid is not None:
                return eid
        return None

    def _link_acronyms(self, doc: Doc, found: dict[tuple[int, int], tuple[str, str]],
                       entities: dict[str, Entity]) -> None:
        """Acronyms defined in brackets: the long form becomes an entity if it is not one, then every use links."""
        tokens = _token_owners(found)
        links, undefined = acronym_links(doc, tokens)
        for start, end, _acr in undefined:
            span = doc[start:end]
            heads = [t._.kg_head for t in span if t._.kg_head]
            cls = heads[-1] if heads else "Organization"
            name = span.text
            entity = Entity(id=_entity_id(cls, name), name=name, cls=cls, discovered=True)
            if entity.id in self.registry.entries:
                entity = self._registry_entity(self.registry.entries[entity.id])
            found[(start, end)] = (entity.id, "Name")
            entities.setdefault(entity.id, entity)
        if undefined:  # the long forms are mentions now: the links change
            links, _ = acronym_links(doc, _token_owners(found))
        for link in links:
            found[(link.start, link.end)] = (link.entity_id, link.kind)


def _matcher(resources: Resources, vocab: object, name: str) -> GatedMatcher:
    matcher = GatedMatcher(vocab)
    for i, row in enumerate(resources.pattern_rows(name)):
        try:
            matcher.add(f"{name}-{i}", [row["pattern"]], greedy="LONGEST")
        except (KeyError, ValueError) as exc:
            raise PatternError(f"{resources.root}/patterns/{name}.jsonl row {i + 1}: {exc}") from exc
    return matcher


@functools.lru_cache(maxsize=100_000)
def _entity_id(cls: str, name: str) -> str:
    """:func:`entity_id`, remembered (the same names come back article after article)."""
    return entity_id(cls, name)


def _token_owners(found: Mapping[tuple[int, int], tuple[str, str]]) -> dict[int, str]:
    """Token index -> entity id of the mentions found so far (a nested mention wins over its container)."""
    return {t: eid for (s, e), (eid, _) in found.items() for t in range(s, e)}


def _coordinated_cities(doc: Doc, ents: Iterable[SpacySpan], locative: set[int]) -> set[int]:
    """City tokens coordinated with a locative city ("travelled to [Vilnius] and [Riga]") are locative too
    (``ents``: the Doc's entities)."""
    cities = [ent for ent in ents if ent.label_ == "City"]
    out: set[int] = set()
    for left, right in zip(cities, cities[1:], strict=False):
        between = doc[left.end: right.start]
        joined = len(between) <= 2 and all(t.lower_ in {",", "and", "or"} for t in between)
        if joined and (left.start in locative or left.start in out):
            out.update(range(right.start, right.end))
    return out


def _registry_entity(entry: RegistryEntry) -> Entity:
    return Entity(id=entry.id, name=entry.name, cls=entry.type, aliases=entry.labels, qid=entry.qid)


def _published(article: Article) -> dt.date | None:
    try:
        return dt.date.fromisoformat(article.published) if article.published else None
    except ValueError:
        return None


def _surnames(doc: Doc, found: dict[tuple[int, int], tuple[str, str]], entities: dict[str, Entity]) -> list[Link]:
    """Later uses of a discovered person's surname alone."""
    first: dict[str, tuple[int, str]] = {}
    for (s, e), (eid, _) in sorted(found.items()):
        entity = entities.get(eid)
        if entity is not None and entity.discovered and entity.cls == "Person" and e - s >= 2:
            first.setdefault(doc[e - 1].text, (e, eid))
    links = []
    for i, word in enumerate(words(doc).text if first else ()):
        hit = first.get(word)
        if hit and i >= hit[0] and doc[i]._.kg_name:
            links.append(Link(i, i + 1, hit[1], "Name"))
    return links


def _gazetteer_spans(doc: Doc, outer: list[SpacySpan]) -> Iterable[tuple[SpacySpan, bool]]:
    """Entity spans set by the gazetteer (``outer``: the Doc's entities with an id), then the matches nested
    inside them."""
    yield from ((ent, False) for ent in outer)
    owner = {t: (ent.start, ent.end) for ent in outer for t in range(ent.start, ent.end)}
    for span in doc.spans.get(GAZETTEER_KEY, []):
        bounds = owner.get(span.start)
        if bounds and span.end <= bounds[1] and bounds != (span.start, span.end):
            yield span, True


def _skipped(article: Article, span: SpacySpan) -> bool:
    """Does ``span`` lie in text the article says to skip?"""
    if not article.skip:  # most articles skip nothing
        return False
    begin, end = span.start_char, span.end_char
    return any(s <= begin and end <= e for s, e in article.skip)


def _sentences(doc: Doc, article: Article) -> tuple[Span, ...]:
    """The sentences of ``doc`` as raw-text spans, without surrounding whitespace tokens or skipped text
    (from the sentences' edges the segmenter left on the Doc: iterating ``doc.sents`` makes a Token per token)."""
    if not len(doc):
        return ()
    edges = sentence_edges(doc)
    if not edges:
        return ()
    shared = words(doc)
    texts, idx = shared.text, shared.idx
    out = []
    for first, last in edges:
        begin, end = idx[first], idx[last] + len(texts[last])
        if article.skip and any(s <= begin and end <= e for s, e in article.skip):
            continue
        raw_begin, raw_end = article.offsets.to_raw(begin, end)
        out.append(Span(raw_begin, raw_end, article.raw[raw_begin:raw_end]))
    return tuple(out)


class _SentenceFinder:
    """Finds the first of an article's sentences that holds a raw span (``(0, 0)`` if none does)."""

    def __init__(self, sentences: tuple[Span, ...]) -> None:
        self.bounds = [(s.begin, s.end) for s in sentences]
        self.begins = [b for b, _ in self.bounds]
        self.ends = [e for _, e in self.bounds]
        #: with both ends in order, the sentences holding a span are a run: the first ends at or after its end,
        #: the last begins at or before its beginning
        self.ordered = self.begins == sorted(self.begins) and self.ends == sorted(self.ends)

    def __call__(self, begin: int, end: int) -> tuple[int, int]:
        if not self.ordered:
            return next(((b, e) for b, e in self.bounds if b <= begin and end <= e), (0, 0))
        first = bisect.bisect_left(self.ends, end)
        last = bisect.bisect_right(self.begins, begin) - 1
        return self.bounds[first] if first <= last else (0, 0)


def _mention(article: Article, span: SpacySpan, eid: str, kind: str, holder: _SentenceFinder) -> Mention:
    begin, end = article.offsets.to_raw(span.start_char, span.end_char)
    sentence = holder(begin, end)
    return Mention(begin, end, article.raw[begin:end], eid, kind, sentence)
