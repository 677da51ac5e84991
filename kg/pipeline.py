"""build_graph(): the whole flow, top to bottom (ARCHITECTURE.md)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .entities import collect_entities
from .events import attach_events, event_mentions, merge_events
from .factuality import FactualityAnalyzer
from .ingest import read_articles
from .mentions import MentionFinder
from .namespaces import make_namespaces
from .nlp import build_nlp
from .rdf import GraphBuilder, build_quads, run_id
from .records import Article, DocumentResult, Entity
from .relations import RelationExtractor
from .resources import Resources, load_resources
from .timex import ArticleTimes, lexicon_of

logger = logging.getLogger(__name__)


@dataclass
class Build:
    """What one build produced: per-document records, the entity table and the quads."""

    settings: Settings
    resources: Resources
    results: list[DocumentResult]
    entities: dict[str, Entity]
    graph: GraphBuilder
    problems: list[tuple[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def _analyse(
    articles: Iterator[Article], resources: Resources, settings: Settings, timings: dict[str, float]
) -> list[DocumentResult]:
    nlp = build_nlp(resources, settings.spacy_model)
    finder = MentionFinder(resources, nlp.vocab)
    # times are resolved per article, so "the next day" counts from the previous date of the text
    relations = RelationExtractor(resources, nlp.vocab, FactualityAnalyzer(resources, nlp.vocab),
                                  ArticleTimes(lexicon_of(resources)))
    classes = {eid: entry.type for eid, entry in resources.registry.entries.items()}
    names = {eid: entry.name for eid, entry in resources.registry.entries.items()}
    results = []
    started = time.perf_counter()
    stream = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(stream, as_tuples=True, batch_size=settings.batch_size):
        found = finder(doc, article)
        local = {**classes, **{e.id: e.cls for e in found.entities}}
        claims, events = attach_events(relations(doc, article, found.token_spans, local), names)
        mentions = (*found.mentions, *event_mentions(article, claims))
        results.append(DocumentResult(article, mentions, found.entities, tuple(claims), tuple(events),
                                      sentences=found.sentences))
    timings["analyse_s"] = time.perf_counter() - started
    return results


def build_graph(inputs: Sequence[str | Path], settings: Settings | None = None) -> Build:
    """Read articles, extract mentions and claims, and build the RDF quads.

    Args:
        inputs: Files, folders or globs of articles.
        settings: Build options; defaults to ``Settings()``.

    Raises:
        InputError: an input is unreadable (unless ``settings.skip_bad``).
        OntologyError: the ontology folder is invalid.
    """
    settings = settings or Settings()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    resources = load_resources(Path(settings.ontology_dir))
    problems: list[tuple[str, str]] = []
    articles = read_articles(inputs, skip_bad=settings.skip_bad, problems=problems)
    results = _analyse(articles, resources, settings, timings)
    results = merge_events(sorted(results, key=lambda r: r.article.key))
    entities = collect_entities(results, resources.registry)
    t0 = time.perf_counter()
    ns = make_namespaces(settings.base_iri)
    graph = build_quads(results, entities, ns, resources.truthy, f"{run_id()}-{resources.version}")
    timings["rdf_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - started
    logger.info("built %d documents, %d entities, %d quads", len(results), len(entities), len(graph.quads))
    return Build(settings, resources, results, entities, graph, problems, timings)
