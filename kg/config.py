"""Settings and the ``DEFAULT_*`` constants: the one place defaults live."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BASE_IRI = "https://geokg.example/"
BASE_IRI_ENV = "KG_BASE_IRI"
DEFAULT_ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
DEFAULT_SPACY_MODEL: str | None = None
DEFAULT_MAX_NODES = 1500
DEFAULT_BATCH_SIZE = 64
DEFAULT_WORKERS = 1
#: Environment variable naming the analysis cache folder of ``kg build``.
CACHE_DIR_ENV = "KG_CACHE_DIR"
DEFAULT_LANGUAGE = "en"
#: Input suffixes the ingest stage accepts.
SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
#: The output file names of ``kg build`` (CONTRACT.md).
OUTPUT_FILES = ("graph.ttl", "graph.nq", "graph.html", "report.json")
#: Largest article accepted, in bytes of its file (or of its line in a JSONL corpus). Long reads are
#: under 200 kB and heavy HTML pages under 2 MB; a bigger input is a dump, not an article, and would
#: take hours to analyse. ``KG_MAX_BYTES`` changes it; 0 turns the limit off.
DEFAULT_MAX_BYTES = 2_000_000
MAX_BYTES_ENV = "KG_MAX_BYTES"


def default_base_iri() -> str:
    """The base IRI from ``KG_BASE_IRI`` or the built-in default, ending in ``/``."""
    base = os.environ.get(BASE_IRI_ENV) or DEFAULT_BASE_IRI
    return base if base.endswith(("/", "#")) else base + "/"


def default_cache_dir() -> Path:
    """The analysis cache folder: ``KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg``."""
    if folder := os.environ.get(CACHE_DIR_ENV):
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kg"


def default_max_bytes() -> int:
    """The article size limit from ``KG_MAX_BYTES`` or :data:`DEFAULT_MAX_BYTES` (0 = no limit).

    Raises:
        InputError: ``KG_MAX_BYTES`` is not a whole number of bytes.
    """
    from .errors import InputError

    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = -1
    if value < 0:
        raise InputError(MAX_BYTES_ENV, f"must be a whole number of bytes (0 = no limit), got {raw!r}")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    """Options of one build.

    Attributes:
        base_iri: Base of every minted IRI (CONTRACT.md "IRIs and namespaces").
        ontology_dir: Folder holding gk.ttl, the gazetteer, patterns and queries.
        spacy_model: Name of an installed spaCy pipeline to use instead of ``spacy.blank("en")``.
        skip_bad: Skip unreadable inputs (listed in report.json) instead of failing.
        max_nodes: Node limit of the HTML view.
        batch_size: Articles per ``nlp.pipe`` batch (and per task sent to a worker).
        workers: Worker processes analysing articles; 1 analyses in this process. The output
            does not depend on it.
        cache_dir: Folder of the analysis cache; None for no cache.
    """

    base_iri: str = field(default_factory=default_base_iri)
    ontology_dir: Path = DEFAULT_ONTOLOGY_DIR
    spacy_model: str | None = DEFAULT_SPACY_MODEL
    skip_bad: bool = False
    max_nodes: int = DEFAULT_MAX_NODES
    batch_size: int = DEFAULT_BATCH_SIZE
    workers: int = DEFAULT_WORKERS
    cache_dir: Path | None = None
