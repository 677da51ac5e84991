"""report.json: counts, warnings, timings and versions of one build."""

from __future__ import annotations

import json
import platform
from collections import Counter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .atomic import write_atomic

if TYPE_CHECKING:
    from ..pipeline import Build


def report(build: Build) -> dict[str, Any]:
    """The report of a build as a JSON-ready dict."""
    import rdflib
    import spacy

    from .. import __version__
    from ..analytics import DEFAULT_COMMUNITY_MEMBERS, DEFAULT_TOP, analyse_build, stats_dict

    claims = [c for r in build.results for c in r.claims]
    _, stats = analyse_build(build)
    # entity graph, centrality and communities (the exporters reuse the same result)
    timings = {**{k if k.endswith("_s") else f"{k}_s": v for k, v in build.timings.items()},
               "analytics_s": stats.timings["read_s"] + stats.timings["analytics_s"]}
    by_class = Counter(e.cls for e in build.entities.values())
    return {
        "kg_version": __version__,
        "versions": {"kg": __version__, "spacy": spacy.__version__, "rdflib": rdflib.__version__,
                     "python": platform.python_version()},
        "ontology_version": build.resources.version,
        "base_iri": build.settings.base_iri,
        "counts": {
            "documents": len(build.results),
            # documents read from the analysis cache (the rest were analysed by this build)
            "documents_cached": build.counts.get("cached", 0),
            "entities": len(build.entities),
            "entities_by_class": dict(sorted(by_class.items())),
            "mentions": sum(len(r.mentions) for r in build.results),
            "assertions": len(claims),
            "assertions_by_predicate": dict(sorted(Counter(c.predicate for c in claims).items())),
            "assertions_by_polarity": dict(sorted(Counter(c.polarity for c in claims).items())),
            "assertions_by_modality": dict(sorted(Counter(c.modality for c in claims).items())),
            "events": len({e.id for r in build.results for e in r.events}),
            "quads": len(build.graph.quads),
        },
        "documents": [
            {"id": r.article.doc_id, "key": r.article.key, "source": r.article.source,
             "title": r.article.title, "published": r.article.published,
             "mentions": len(r.mentions), "assertions": len(r.claims)}
            for r in build.results
        ],
        "warnings": [{"source": s, "reason": why} for s, why in build.problems]
        + [{"source": r.article.source, "reason": w} for r in build.results for w in r.warnings],
        "analytics": stats_dict(stats, top=DEFAULT_TOP, members=DEFAULT_COMMUNITY_MEMBERS),
        "timings": {k: round(v, 4) for k, v in sorted(timings.items())},
    }


def write_report(build: Build, path: Path) -> None:
    """Write report.json atomically."""
    data = json.dumps(report(build), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    def dump(fh: IO[bytes]) -> None:
        fh.write(data)

    write_atomic(path, dump)
