"""``kg load``: upload a graph file into a triple store through the SPARQL 1.1 Graph Store Protocol.

Each named graph of the file (one per document, plus the entity registry in ``{BASE}graph/entities``) is
sent as N-Triples with ``PUT {endpoint}?graph={IRI}``, which replaces that graph in place: loading the
same file twice leaves the store as it was after the first load, and reloading a rebuilt corpus
replaces each document's graph without touching the others. Triples outside named graphs (a Turtle
file) go to the graph given by ``default_graph``.

Tested against the Oxigraph server (``http://HOST:PORT/store``) and Virtuoso
(``http://HOST:PORT/sparql-graph-crud-auth``, digest authentication). Passwords never appear in
messages: URLs are shown without their user information.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import KGError
from .query import read_quads

logger = logging.getLogger(__name__)

#: Seconds to wait for one HTTP request.
DEFAULT_TIMEOUT = 120.0
#: Characters of an HTTP error body quoted in messages.
ERROR_BODY_CHARS = 300


class EndpointError(KGError):
    """An HTTP endpoint cannot be reached, refuses the request, or answers with an error (exit code 2)."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """HTTP credentials (basic or digest, whichever the server asks for); the password is never shown."""

    user: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Reply:
    """An HTTP answer: status, content type (without parameters) and body."""

    url: str
    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class GraphLoad:
    """One graph sent: its IRI, triple count and whether the store created or replaced it."""

    graph: str
    triples: int
    created: bool


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What ``kg load`` sent, graph by graph."""

    endpoint: str
    graphs: tuple[GraphLoad, ...]

    @property
    def triples(self) -> int:
        """Triples sent in all."""
        return sum(g.triples for g in self.graphs)


def redact(url: str) -> str:
    """The URL without user information (``user:password@``), for messages.

    >>> redact("http://dba:s3cret@127.0.0.1:8890/sparql-graph-crud-auth?graph=x")
    'http://127.0.0.1:8890/sparql-graph-crud-auth?graph=x'
    """
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def split_credentials(url: str, credentials: Credentials | None = None) -> tuple[str, Credentials | None]:
    """The URL without user information, and the credentials (those given win over the URL's).

    >>> split_credentials("http://u:p%40ss@h:1/store")
    ('http://h:1/store', Credentials(user='u'))
    """
    parts = urllib.parse.urlsplit(url)
    clean = redact(url)
    if credentials is None and parts.username is not None:
        credentials = Credentials(urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""))
    return clean, credentials


class _DigestAuth(urllib.request.HTTPDigestAuthHandler):
    """urllib's digest handler, closing each 401 answer it retries (urllib leaves their sockets open)."""

    def http_error_401(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        try:
            return super().http_error_401(req, fp, code, msg, headers)
        finally:
            fp.close()


class _BasicAuth(urllib.request.HTTPBasicAuthHandler):
    """urllib's basic handler, closing each 401 answer it retries."""

    def http_error_401(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        try:
            return super().http_error_401(req, fp, code, msg, headers)
        finally:
            fp.close()


def _opener(url: str, credentials: Credentials | None) -> urllib.request.OpenerDirector:
    if credentials is None:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, credentials.user, credentials.password)
    return urllib.request.build_opener(_DigestAuth(passwords), _BasicAuth(passwords))


def _excerpt(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text if len(text) <= ERROR_BODY_CHARS else text[: ERROR_BODY_CHARS - 1] + "\u2026"


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Reply:
    """Send one HTTP request; a 2xx answer is returned, anything else raises.

    Raises:
        EndpointError: the URL is not http(s), the server cannot be reached or times out, or it answers
            with a status outside 2xx (the message quotes the start of the answer, never the password).
    """
    url, credentials = split_credentials(url, credentials)
    if not url.startswith(("http://", "https://")):
        raise EndpointError(f"{url}: not an http:// or https:// URL")
    req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        with _opener(url, credentials).open(req, timeout=timeout) as answer:
            kind = answer.headers.get_content_type() if answer.headers.get("Content-Type") else ""
            return Reply(url, answer.status, kind, answer.read())
    except urllib.error.HTTPError as exc:
        try:
            detail = _excerpt(exc.read() or b"")
        finally:
            exc.close()
        hint = " (check --user and --password)" if exc.code in (401, 403) else ""
        raise EndpointError(f"{method} {url}: HTTP {exc.code} {exc.reason}{hint}"
                            + (f": {detail}" if detail else "")) from None
    except urllib.error.URLError as exc:
        raise EndpointError(f"{method} {url}: cannot connect ({exc.reason})") from None
    except (TimeoutError, ConnectionError, OSError) as exc:
        raise EndpointError(f"{method} {url}: {exc.__class__.__name__} ({exc})") from None
    except ValueError as exc:  # urllib refuses an authentication scheme it does not know
        raise EndpointError(f"{method} {url}: {exc}") from None


def graphs_of(path: Path, default_graph: str | None = None) -> dict[str, list[ox.Triple]]:
    """The triples of a graph file grouped by named graph, sorted by graph IRI.

    Args:
        path: A graph file kg wrote (graph.nq keeps one graph per document).
        default_graph: The graph IRI that receives triples outside named graphs (a Turtle file).

    Raises:
        QueryError: the file cannot be read.
        EndpointError: the file has triples outside named graphs and no ``default_graph`` was given.
    """
    graphs: dict[str, list[ox.Triple]] = {}
    for q in read_quads(path):
        name = q.graph_name
        if isinstance(name, ox.NamedNode):
            key = name.value
        elif isinstance(name, ox.DefaultGraph) and default_graph:
            key = default_graph
        elif isinstance(name, ox.DefaultGraph):
            raise EndpointError(f"{path}: has triples outside named graphs; load the N-Quads file kg wrote "
                                "(graph.nq: one graph per document) or name a target with --graph IRI")
        else:
            raise EndpointError(f"{path}: a graph named by a blank node cannot be addressed over HTTP")
        graphs.setdefault(key, []).append(q.triple)
    return dict(sorted(graphs.items()))


def load(
    path: Path,
    endpoint: str,
    *,
    credentials: Credentials | None = None,
    default_graph: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> LoadReport:
    """Upload a graph file to a Graph Store Protocol endpoint, replacing each named graph in place.

    Args:
        path: A graph file kg wrote (graph.nq; graph.ttl with ``default_graph``).
        endpoint: The Graph Store endpoint, e.g. ``http://127.0.0.1:7878/store`` (Oxigraph) or
            ``http://127.0.0.1:8890/sparql-graph-crud-auth`` (Virtuoso).
        credentials: User and password for HTTP basic or digest authentication (or in the URL).
        default_graph: Graph IRI for triples outside named graphs.
        timeout: Seconds to wait for each request.

    Raises:
        QueryError: the file cannot be read.
        EndpointError: an HTTP request failed; graphs sent before the failure stay loaded.
    """
    endpoint, credentials = split_credentials(endpoint, credentials)
    sent = []
    graphs = graphs_of(path, default_graph)
    if not graphs:
        raise EndpointError(f"{path}: holds no triples; nothing to load")
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    for iri, triples in graphs.items():
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        assert data is not None
        url = f"{endpoint}{separator}{urllib.parse.urlencode({'graph': iri})}"
        reply = request("PUT", url, body=data, credentials=credentials, timeout=timeout,
                        headers={"Content-Type": "application/n-triples"})
        logger.debug("PUT %s: %d triples, HTTP %d", iri, len(triples), reply.status)
        sent.append(GraphLoad(iri, len(triples), reply.status == 201))
    return LoadReport(endpoint, tuple(sent))
