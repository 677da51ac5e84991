"""The analysis cache: an unchanged article is not analysed again.

Parsed articles are kept too, keyed by kg's code version, the source and the record (a
file's decoded text or a JSONL line), so an unchanged input is read but not parsed again.
An analysis is keyed by the SHA-256 of the pipeline version and of everything the NLP stage
reads from the article (its raw text, cleaned text, header fields, source and key). The
pipeline version hashes kg's own source code, the ontology folder (gazetteer, patterns,
ontology and queries, :attr:`Resources.version`), the spaCy version and the optional
statistical model's name: a changed gazetteer or pattern row makes every key new, so no
article is read from a cache made by other rules. Entries live in one SQLite file; values
are pickled :class:`~kg.analysis.Extracted` records. A cache file that cannot be read is
ignored and rebuilt (it is a cache, never the only copy of anything).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import pickle
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import spacy

from . import __version__
from .analysis import Extracted
from .errors import InputError
from .heap import kept_as_made
from .records import Article
from .resources import Resources

__all__ = ["ResultCache", "article_key", "code_version", "pipeline_version"]

logger = logging.getLogger(__name__)

#: SQLite file inside the cache folder
CACHE_FILE = "analysis.sqlite"
_SCHEMA = ("CREATE TABLE IF NOT EXISTS extracted (key TEXT PRIMARY KEY, value BLOB NOT NULL);"
           "CREATE TABLE IF NOT EXISTS articles (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
#: parsed articles kept in memory before one write
_ARTICLE_BATCH = 512


@functools.cache
def code_version() -> str:
    """SHA-256 (16 hex digits) of the source files of the ``kg`` package."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2"}:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def pipeline_version(resources: Resources, spacy_model: str | None) -> str:
    """The version every cache key includes: code, ontology folder, spaCy and model."""
    parts = (code_version(), resources.version, spacy.__version__, spacy_model or "")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def article_key(article: Article, version: str) -> str:
    """The cache key of ``article`` under pipeline ``version``.

    A string field is hashed as its length-prefixed UTF-8 bytes (no ``repr`` copy of a long text),
    any other field as its ``repr``: the tags keep the two kinds, and neighbouring fields, apart.
    """
    digest = hashlib.sha256(version.encode())
    for value in (article.doc_id, article.key, article.source, article.raw, article.text, article.skip,
                  article.title, article.authors, article.publisher, article.published, article.url,
                  article.original_publisher):
        if type(value) is str:
            data = value.encode("utf-8", "surrogatepass")
            digest.update(b"\0s%d:" % len(data))
            digest.update(data)
        else:
            digest.update(b"\0r" + repr(value).encode())
    return digest.hexdigest()


class ResultCache:
    """Extraction records by article key, in ``DIR/analysis.sqlite``.

    Args:
        folder: The cache folder (created if missing).

    Raises:
        InputError: the folder cannot be created or is not a folder.
    """

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / CACHE_FILE
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(folder, f"cannot create the cache folder ({exc.strerror or exc})") from None
        self._db = self._open()
        self._parsed: list[tuple[str, bytes]] = []

    def _open(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path)
            db.executescript(_SCHEMA)
            return db
        except sqlite3.DatabaseError as exc:  # a truncated or foreign file: start afresh
            logger.warning("%s: unusable cache (%s); starting a new one", self.path, exc)
            self.path.unlink(missing_ok=True)
            db = sqlite3.connect(self.path)
            db.executescript(_SCHEMA)
            return db

    def get_many(self, keys: Sequence[str]) -> dict[str, Extracted]:
        """The cached records among ``keys``."""
        found: dict[str, Extracted] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            try:
                rows = self._db.execute(f"SELECT key, value FROM extracted WHERE key IN ({marks})", chunk)
                with kept_as_made():
                    for key, blob in rows:
                        found[key] = Extracted(*pickle.loads(blob))
            except (sqlite3.DatabaseError, pickle.UnpicklingError, TypeError, EOFError, AttributeError) as exc:
                logger.warning("%s: unreadable cache entry (%s); analysing again", self.path, exc)
        return found

    def put_many(self, items: Iterable[tuple[str, Extracted]]) -> None:
        """Store records (one transaction)."""
        rows = [(key, pickle.dumps(rec.as_tuple(), protocol=pickle.HIGHEST_PROTOCOL)) for key, rec in items]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO extracted (key, value) VALUES (?, ?)", rows)
        except sqlite3.DatabaseError as exc:
            logger.warning("%s: cannot write the cache (%s)", self.path, exc)

    # ---- parsed articles (kg.ingest.ParseMemo) ----
    @staticmethod
    def _record_key(source: str, record: str) -> str:
        # the parser is kg code: its version is part of the key
        return hashlib.sha256(f"{code_version()}\0{source}\0{record}".encode("utf-8", "surrogatepass")).hexdigest()

    def get_article(self, source: str, record: str) -> Article | None:
        """The article parsed from ``record`` (a file's text or a JSONL line) by an earlier build."""
        try:
            row = self._db.execute("SELECT value FROM articles WHERE key = ?",
                                   (self._record_key(source, record),)).fetchone()
            article = pickle.loads(row[0]) if row else None
        except (sqlite3.DatabaseError, pickle.UnpicklingError, TypeError, EOFError, AttributeError) as exc:
            logger.warning("%s: unreadable cache entry (%s); parsing again", self.path, exc)
            return None
        return article if isinstance(article, Article) else None

    def put_article(self, source: str, record: str, article: Article) -> None:
        """Remember the article parsed from ``record`` (written in batches)."""
        self._parsed.append((self._record_key(source, record), pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)))
        if len(self._parsed) >= _ARTICLE_BATCH:
            self._flush_articles()

    def _flush_articles(self) -> None:
        rows, self._parsed = self._parsed, []
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO articles (key, value) VALUES (?, ?)", rows)
        except sqlite3.DatabaseError as exc:
            logger.warning("%s: cannot write the cache (%s)", self.path, exc)

    def close(self) -> None:
        """Write what is pending and close the database."""
        if self._parsed:
            self._flush_articles()
        self._db.close()
