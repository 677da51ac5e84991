"""The NLP stage of one process: batches of Articles in, extraction records out (never Docs).

An :class:`Analyser` holds the spaCy pipeline and the extractors, built once per process
(the main one, or each long-lived worker of ``--workers``). What it returns depends on
the article alone, so the order articles are analysed in, and the process that analyses
them, never change the output.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from .events import attach_events, event_mentions
from .factuality import FactualityAnalyzer
from .matching import GatedMatcher
from .mentions import MentionFinder
from .nlp import build_nlp, parse
from .records import Article, Claim, DocumentResult, Entity, Event, Mention, Span
from .relations import RelationExtractor
from .resources import Resources, load_resources
from .timex import ArticleTimes, lexicon_of

__all__ = ["Analyser", "Extracted", "STAGES"]

#: Stage names of the timings :meth:`Analyser.__call__` adds to (seconds spent in each).
STAGES = ("nlp", "mentions", "relations")


@dataclass(frozen=True, slots=True)
class Extracted:
    """What the NLP stage found in one article: a :class:`DocumentResult` without its Article
    (the article stays with the caller; this is what crosses process boundaries and the cache)."""

    mentions: tuple[Mention, ...]
    entities: tuple[Entity, ...]
    claims: tuple[Claim, ...]
    events: tuple[Event, ...]
    sentences: tuple[Span, ...]

    def result(self, article: Article) -> DocumentResult:
        """The document result of ``article``."""
        return DocumentResult(article, self.mentions, self.entities, self.claims, self.events, self.sentences)

    def as_tuple(self) -> tuple[object, ...]:
        """The fields in order (compact to pickle)."""
        return tuple(getattr(self, f.name) for f in fields(self))


class Analyser:
    """spaCy pipeline plus extractors of one process.

    Args:
        resources: Loaded ontology folder.
        spacy_model: Optional installed spaCy pipeline (see :func:`kg.nlp.build_nlp`).
        batch_size: Articles parsed together (see :func:`kg.nlp.parse`).

    Raises:
        InputError: the spaCy model is not installed.
        PatternError: a pattern file is malformed.
    """

    def __init__(self, resources: Resources, spacy_model: str | None = None, batch_size: int = 64) -> None:
        self.nlp = build_nlp(resources, spacy_model)
        self.batch_size = batch_size
        self.finder = MentionFinder(resources, self.nlp.vocab)
        # times are resolved per article, so "the next day" counts from the previous date of the text
        self.relations = RelationExtractor(resources, self.nlp.vocab, FactualityAnalyzer(resources, self.nlp.vocab),
                                           ArticleTimes(lexicon_of(resources)))
        #: the mention stage's patterns and the relation triggers in one matcher: a Doc's columns read once
        self.matcher = GatedMatcher.joined(self.nlp.vocab, [self.finder.together, self.relations.matcher])
        self.classes = {eid: entry.type for eid, entry in resources.registry.entries.items()}
        self.names = {eid: entry.name for eid, entry in resources.registry.entries.items()}

    def __call__(self, articles: Sequence[Article], timings: dict[str, float] | None = None) -> list[Extracted]:
        """The extraction records of ``articles``, in their order; the seconds of each of :data:`STAGES`
        are added to ``timings``."""
        spent = timings if timings is not None else {}
        for stage in STAGES:
            spent.setdefault(stage, 0.0)
        clock = time.perf_counter
        started = clock()
        docs = parse(self.nlp, [a.text for a in articles], self.batch_size)
        spent["nlp"] += clock() - started
        started = clock()
        self.finder.prepare(docs)
        matches = [self.matcher(doc, with_alignments=self.finder.discoverer.partial) for doc in docs]
        found = self.finder.find_all(docs, articles, matches)
        spent["mentions"] += clock() - started
        started = clock()
        triggers = [self.relations.triggers(doc, each) for doc, each in zip(docs, matches, strict=True)]
        out = []
        for doc, article, mentioned, fired in zip(docs, articles, found, triggers, strict=True):
            local = {**self.classes, **{e.id: e.cls for e in mentioned.entities}}
            claims, events = attach_events(self.relations(doc, article, mentioned.token_spans, local, fired),
                                           self.names)
            mentions = (*mentioned.mentions, *event_mentions(article, claims))
            out.append(Extracted(mentions, mentioned.entities, tuple(claims), tuple(events), mentioned.sentences))
        spent["relations"] += clock() - started
        return out


# ---- worker processes --------------------------------------------------------------------------
_WORKER: Analyser | None = None


def init_worker(ontology_dir: Path, spacy_model: str | None, batch_size: int) -> None:
    """Build this worker process's Analyser (the initializer of the process pool)."""
    global _WORKER
    _WORKER = Analyser(load_resources(ontology_dir), spacy_model, batch_size)


def work(articles: Sequence[Article]) -> tuple[list[Extracted], dict[str, float]]:
    """Analyse one batch in a worker; returns the records and the stage times of this batch."""
    if _WORKER is None:
        raise RuntimeError("worker used before init_worker()")
    spent: dict[str, float] = {}
    return _WORKER(articles, spent), spent
