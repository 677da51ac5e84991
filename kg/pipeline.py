"""build_graph(): the whole flow, top to bottom (ARCHITECTURE.md)."""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .analysis import STAGES, Analyser, Extracted, init_worker, work
from .cache import ResultCache, article_key, pipeline_version
from .config import Settings
from .entities import collect_entities
from .events import merge_events
from .heap import frozen_heap, settled
from .ingest import read_articles
from .namespaces import make_namespaces
from .rdf import GraphBuilder, build_quads, run_id
from .records import Article, DocumentResult, Entity
from .resources import Resources, load_resources

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
    #: ``articles`` read, of which ``cached`` came from the analysis cache and ``analysed`` were analysed
    counts: dict[str, int] = field(default_factory=dict)


#: called once per article analysed (or read from the cache), in input order
Progress = Callable[[Article], None]


def _batches(articles: Iterable[Article], size: int, timings: dict[str, float]) -> Iterator[list[Article]]:
    """Batches of ``size`` articles, read lazily; the reading time is added to ``timings["read"]``."""
    it = iter(articles)
    while True:
        started = time.perf_counter()
        batch = list(itertools.islice(it, size))
        timings["read"] += time.perf_counter() - started
        if not batch:
            return
        yield batch


def _in_process(batches: Iterable[list[Article]], resources: Resources, settings: Settings,
                timings: dict[str, float]) -> Iterator[list[Extracted]]:
    analyser: Analyser | None = None
    for batch in batches:
        if analyser is None:  # built on first use: a build fully served by the cache loads no spaCy
            started = time.perf_counter()
            analyser = Analyser(resources, settings.spacy_model, settings.batch_size)
            timings["setup"] += time.perf_counter() - started
        yield analyser(batch, timings)


def _in_workers(batches: Iterable[list[Article]], settings: Settings,
                timings: dict[str, float]) -> Iterator[list[Extracted]]:
    """Results of batches analysed by long-lived worker processes, in input order."""
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(settings.workers, mp_context=context, initializer=init_worker,
                             initargs=(Path(settings.ontology_dir), settings.spacy_model,
                                       settings.batch_size)) as pool:
        pending: deque[Future[tuple[list[Extracted], dict[str, float]]]] = deque()
        for batch in batches:
            pending.append(pool.submit(work, batch))
            # a bounded number of batches in flight: reading stays lazy, memory stays flat
            while len(pending) > 2 * settings.workers:
                yield _collect(pending.popleft(), timings)
        while pending:
            yield _collect(pending.popleft(), timings)


def _collect(future: Future[tuple[list[Extracted], dict[str, float]]], timings: dict[str, float]) -> list[Extracted]:
    records, spent = future.result()
    for stage, seconds in spent.items():
        timings[stage] += seconds
    return records


def analyse_articles(articles: Iterable[Article], resources: Resources, settings: Settings,
                     timings: dict[str, float] | None = None, progress: Progress | None = None,
                     counts: dict[str, int] | None = None, cache: ResultCache | None = None
                     ) -> Iterator[DocumentResult]:
    """Document results of ``articles`` in input order: from the cache where the article and the
    pipeline are unchanged, else analysed here or by ``settings.workers`` worker processes.

    Args:
        articles: Articles, read lazily.
        resources: Loaded ontology folder.
        settings: Build options (``batch_size``, ``workers``, ``cache_dir``, ``spacy_model``).
        timings: Receives seconds per stage: ``read``, ``setup``, ``cache``, ``nlp``,
            ``mentions``, ``relations`` (worker stages are summed over workers).
        progress: Called once per article done.
        counts: Receives the number of ``articles``, of them ``cached`` and ``analysed``.
        cache: An open cache to use (and leave open) instead of opening ``settings.cache_dir``.
    """
    timings = timings if timings is not None else {}
    counts = counts if counts is not None else {}
    for name in ("articles", "cached", "analysed"):
        counts.setdefault(name, 0)
    for stage in ("read", "setup", "cache", *STAGES):
        timings.setdefault(stage, 0.0)
    own = cache is None and settings.cache_dir is not None
    if own:
        assert settings.cache_dir is not None
        cache = ResultCache(settings.cache_dir)
    version = pipeline_version(resources, settings.spacy_model) if cache else ""
    # per batch: the articles, their cache keys and what the cache already had
    waiting: deque[tuple[list[Article], list[str], dict[str, Extracted]]] = deque()

    def todo() -> Iterator[list[Article]]:
        for batch in _batches(articles, settings.batch_size, timings):
            started = time.perf_counter()
            keys = [article_key(a, version) for a in batch] if cache else [""] * len(batch)
            known = cache.get_many(keys) if cache else {}
            timings["cache"] += time.perf_counter() - started
            waiting.append((batch, keys, known))
            missing = [a for a, k in zip(batch, keys, strict=True) if k not in known]
            if missing:
                yield missing

    def finish(records: list[Extracted] | None) -> Iterator[DocumentResult]:
        batch, keys, known = waiting.popleft()
        fresh = iter(records or ())
        new = []
        for article, key in zip(batch, keys, strict=True):
            record = known.get(key)
            counts["articles"] += 1
            if record is None:
                record = next(fresh)
                new.append((key, record))
                counts["analysed"] += 1
            else:
                counts["cached"] += 1
            if progress is not None:
                progress(article)
            yield record.result(article)
        if cache and new:
            started = time.perf_counter()
            cache.put_many(new)
            timings["cache"] += time.perf_counter() - started

    source = _in_workers(todo(), settings, timings) if settings.workers > 1 else _in_process(
        todo(), resources, settings, timings)
    try:
        for records in source:
            # batches fully served by the cache were never sent: they come out before this one
            while waiting and all(k in waiting[0][2] for k in waiting[0][1]):
                yield from finish(None)
            yield from finish(records)
        while waiting:
            yield from finish(None)
    finally:
        if cache and own:
            cache.close()


def build_graph(inputs: Sequence[str | Path], settings: Settings | None = None,
                progress: Progress | None = None) -> Build:
    """Read articles, extract mentions and claims, and build the RDF quads.

    Args:
        inputs: Files, folders or globs of articles.
        settings: Build options; defaults to ``Settings()``.
        progress: Called once per article done (for a progress display).

    Raises:
        InputError: an input is unreadable (unless ``settings.skip_bad``).
        OntologyError: the ontology folder is invalid.
    """
    settings = settings or Settings()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    resources = load_resources(Path(settings.ontology_dir))
    problems: list[tuple[str, str]] = []
    cache = ResultCache(settings.cache_dir) if settings.cache_dir is not None else None
    counts: dict[str, int] = {}
    try:
        articles = read_articles(inputs, skip_bad=settings.skip_bad, problems=problems, memo=cache)
        results = list(settled(analyse_articles(articles, resources, settings, timings, progress, counts, cache)))
    finally:
        if cache is not None:
            cache.close()
    with frozen_heap(collect=False, pause=True):  # records and quads live on: no collection walks them
        t0 = time.perf_counter()
        results = merge_events(sorted(results, key=lambda r: r.article.key))
        entities = collect_entities(results, resources.registry)
        timings["merge"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        ns = make_namespaces(settings.base_iri)
        graph = build_quads(results, entities, ns, resources.truthy, f"{run_id()}-{resources.version}")
        timings["rdf"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - started
    logger.info("built %d documents, %d entities, %d quads", len(results), len(entities), len(graph.quads))
    return Build(settings, resources, results, entities, graph, problems, timings, counts)
