"""Doc -> Mentions: gazetteer matches, metonymy, nested names, discovered groups.

Works on the cleaned text the Doc was made from and converts every span to
raw offsets with the article's OffsetMap, so ``raw[begin:end]`` is the anchor.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from .errors import PatternError
from .iris import entity_id
from .nlp import GAZETTEER_KEY
from .records import Article, Entity, Mention, Span
from .resources import Registry, Resources

logger = logging.getLogger(__name__)

#: Nested matches kept inside a longer name: abbreviations ("OSCE" in "OSCE Trilateral Contact
#: Group") and countries ("Georgian" in "Russo-Georgian war", "EU" and "Belarus" in a treaty's name).
_NESTED_COUNTRY_KINDS = frozenset({"Adjectival", "Name"})
_LEADING_DETERMINERS = re.compile(r"^(?:the|those|these|some|about|nearly|almost|around)\s+", re.I)


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
        resources: Loaded ontology folder; uses the registry and the ``locative`` and
            ``discovery`` pattern files.
        vocab: The pipeline's vocabulary (for the Matchers).
    """

    def __init__(self, resources: Resources, vocab: object) -> None:
        self.registry: Registry = resources.registry
        self.locative = self._matcher(resources, vocab, "locative")
        self.discovery = self._matcher(resources, vocab, "discovery")
        self.discovery_rows = {
            f"discovery-{i}": row for i, row in enumerate(resources.pattern_rows("discovery"))
        }

    @staticmethod
    def _matcher(resources: Resources, vocab: object, name: str) -> Matcher:
        matcher = Matcher(vocab, validate=True)  # type: ignore[arg-type]
        for i, row in enumerate(resources.pattern_rows(name)):
            try:
                matcher.add(f"{name}-{i}", [row["pattern"]], greedy="LONGEST")
            except (KeyError, ValueError) as exc:
                raise PatternError(f"{resources.root}/patterns/{name}.jsonl row {i + 1}: {exc}") from exc
        return matcher

    def __call__(self, doc: Doc, article: Article) -> MentionResult:
        """Find the mentions of one article in its Doc."""
        sentences = _sentences(doc, article)
        locative_tokens = {t for _, s, e in self.locative(doc) for t in range(s, e)}
        found: dict[tuple[int, int, str], Mention] = {}
        tokens: dict[tuple[int, int, str], str] = {}
        entities: dict[str, Entity] = {}
        for span, nested in _gazetteer_spans(doc):
            entry = self.registry.get(span.id_)
            if entry is None or _skipped(article, span):
                continue
            kind = self.registry.mention_kind(entry.id, span.text)
            target = entry
            if entry.type == "City" and entry.polity:
                locative = any(t in locative_tokens for t in range(span.start, span.end))
                if not locative and not nested:
                    target = self.registry.entries[entry.polity]
                    kind = "Metonym"
            if nested and not (
                kind == "Abbreviation" or (target.type == "Country" and kind in _NESTED_COUNTRY_KINDS)
            ):
                continue
            mention = _mention(article, span, target.id, kind, sentences)
            found[(mention.begin, mention.end, mention.entity_id)] = mention
            tokens[(span.start, span.end, target.id)] = kind
            entities[target.id] = Entity(
                id=target.id, name=target.name, cls=target.type, aliases=target.labels, qid=target.qid
            )
        for (start, end), mention, entity in self._discovered(doc, article, sentences):
            found.setdefault((mention.begin, mention.end, mention.entity_id), mention)
            tokens.setdefault((start, end, mention.entity_id), mention.kind)
            if entity.id in self.registry.entries:
                continue
            entities.setdefault(entity.id, entity)
        return MentionResult(
            mentions=tuple(sorted(found.values())),
            entities=tuple(sorted(entities.values())),
            sentences=sentences,
            token_spans=tuple(sorted((s, e, eid, kind) for (s, e, eid), kind in tokens.items())),
        )

    def _discovered(
        self, doc: Doc, article: Article, sentences: tuple[Span, ...]
    ) -> Iterable[tuple[tuple[int, int], Mention, Entity]]:
        """Names the gazetteer does not know, typed by the cue that found them."""
        by_key: dict[tuple[str, ...], Entity] = {}
        for match_id, start, end in sorted(self.discovery(doc), key=lambda m: (m[1], m[2])):
            row = self.discovery_rows[doc.vocab.strings[match_id]]
            span = doc[start:end]
            if _skipped(article, span):
                continue
            name = _LEADING_DETERMINERS.sub("", span.text).strip()
            cls = row["label"]
            # same count and head noun in one article: the same group ("32 ... mercenaries")
            key = (cls, *[t.text for t in span if t.like_num][:1], span[-1].lemma_.lower())
            entity = by_key.get(key)
            if entity is None:
                entity = Entity(id=entity_id(cls, name), name=name, cls=cls, discovered=True)
                by_key[key] = entity
            if entity.id in self.registry.entries:
                entry = self.registry.entries[entity.id]
                entity = Entity(id=entry.id, name=entry.name, cls=entry.type, aliases=entry.labels)
            mention = _mention(article, span, entity.id, row.get("kind", "Description"), sentences)
            yield (start, end), mention, entity


def _gazetteer_spans(doc: Doc) -> Iterable[tuple[SpacySpan, bool]]:
    """Entity spans set by the gazetteer, then the matches nested inside them."""
    outer = [ent for ent in doc.ents if ent.id_]
    yield from ((ent, False) for ent in outer)
    bounds = [(ent.start, ent.end) for ent in outer]
    for span in doc.spans.get(GAZETTEER_KEY, []):
        inside = any(s <= span.start and span.end <= e and (s, e) != (span.start, span.end) for s, e in bounds)
        if inside:
            yield span, True


def _skipped(article: Article, span: SpacySpan) -> bool:
    begin, end = span.start_char, span.end_char
    return any(s <= begin and end <= e for s, e in article.skip)


def _sentences(doc: Doc, article: Article) -> tuple[Span, ...]:
    out = []
    for sent in doc.sents:
        tokens = [t for t in sent if not t.is_space]
        if not tokens:
            continue
        begin, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        if any(s <= begin and end <= e for s, e in article.skip):
            continue
        raw_begin, raw_end = article.offsets.to_raw(begin, end)
        out.append(Span(raw_begin, raw_end, article.raw[raw_begin:raw_end]))
    return tuple(out)


def _mention(article: Article, span: SpacySpan, eid: str, kind: str, sentences: tuple[Span, ...]) -> Mention:
    begin, end = article.offsets.to_raw(span.start_char, span.end_char)
    sentence = next(((s.begin, s.end) for s in sentences if s.begin <= begin and end <= s.end), (0, 0))
    return Mention(begin, end, article.raw[begin:end], eid, kind, sentence)

