"""Real triple stores: kg load into an Oxigraph server and a Virtuoso, named queries compared with the embedded
engine by value, idempotent reloads, kg serve read-only; HTTP failures of kg load; rdflib round trip.

Servers are started by session fixtures on free loopback ports, each with its own data directory under
pytest's tmp_path, and stopped by PID afterwards (INTEROP.md §4, §5, §10). A server test skips, naming the
package to install, only when the server binary is absent.
"""

from __future__ import annotations

import http.server
import math
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KGError
from kg.load import Credentials, EndpointError, load
from kg.query import Result, Term, bind_parameters, query_endpoint, read_quads, run_query, to_rdflib
from kg.resources import named_queries

from .conftest import ONTOLOGY

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {XSD + t for t in ("integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger",
                               "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
                               "unsignedShort", "unsignedByte")}
#: Fixed parameter values for the second run of each named query (entities of the seed articles).
SEED_PARAMS = {
    "attributions": {"source": "person:alexander-lukashenko"},
    "interactions": {"actor": "place:belarus", "target": "place:russia"},
    "members": {"organization": "organization:collective-security-treaty-organization"},
    "most-mentioned": {"class": "gk:Country"},
    "names": {"entity": "place:belarus"},
    "negated": {"subject": "place:belarus"},
    "supporting-documents": {"subject": "place:russia", "predicate": "gk:headOfState"},
    "timeline": {"month": "2020-08"},
}
VIRTUOSO_INI = """\
[Database]
DatabaseFile    = {d}/virtuoso.db
ErrorLogFile    = {d}/virtuoso.log
LockFile        = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel   = 7
FileExtend      = 200
MaxCheckpointRemap = 2000
Striping        = 0
TempStorage     = TempDatabase
[TempDatabase]
DatabaseFile    = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping        = 0
[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
CheckpointInterval = 60
CaseMode           = 2
AllowOSCalls       = 0
DirsAllowed        = ., {d}
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
MaxQueryMem        = 256M
ThreadsPerQuery    = 2
[HTTPServer]
ServerPort         = 127.0.0.1:{http_port}
ServerRoot         = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 5
ServerThreads      = 5
Charset            = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows           = 100000
MaxQueryExecutionTime      = 60
"""


# ---------------------------------------------------------------- server fixtures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float, log: Path) -> float:
    """Seconds until ``url`` answers 2xx; fails early, with the log tail, if the process exits."""
    t0 = time.monotonic()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if 200 <= r.status < 300:
                    return time.monotonic() - t0
        except OSError:
            pass
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"{url} not ready after {timeout} s: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.05)


def stop(proc: subprocess.Popen, grace: float) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@dataclass(frozen=True)
class Store:
    """A running SPARQL server: where to query, where to load, with which credentials."""

    name: str
    query_url: str
    gsp_url: str
    credentials: Credentials | None
    startup_s: float


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    from kg.serve import ServeError, oxigraph_executable

    try:
        exe = oxigraph_executable()
    except ServeError:
        pytest.skip("the Oxigraph server is not installed (pip install oxigraph; ./install.sh does)")
    d = tmp_path_factory.mktemp("oxigraph")
    port, log = free_port(), d / "server.log"
    with log.open("wb") as lf:
        proc = subprocess.Popen([str(exe), "serve", "--location", str(d / "db"), "--bind", f"127.0.0.1:{port}"],
                                stdout=lf, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        waited = wait_http(f"{base}/query?query=ASK%7B%7D", proc, 30, log)
        yield Store("oxigraph", f"{base}/query", f"{base}/store", None, waited)
    finally:
        stop(proc, 10)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    exe = shutil.which("virtuoso-t")
    if exe is None:
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource; ./install.sh does)")
    d = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    (d / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=d, sql_port=sql_port, http_port=http_port))
    log = d / "stdout.log"
    with log.open("wb") as lf:
        proc = subprocess.Popen([exe, "+foreground", "+configfile", str(d / "virtuoso.ini")], cwd=d,
                                stdout=lf, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{http_port}"
        waited = wait_http(f"{base}/sparql?query=ASK%7B%7D", proc, 60, log)
        # a fresh database always has dba/dba; the instance is loopback-only and thrown away
        yield Store("virtuoso", f"{base}/sparql", f"{base}/sparql-graph-crud-auth", Credentials("dba", "dba"), waited)
    finally:
        stop(proc, 30)


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue(f"{request.param}_server")


@pytest.fixture(scope="session")
def loaded_store(store: Store, seed_build) -> Store:
    """The store after one ``kg load`` of the seeds' graph.nq."""
    _, out = seed_build
    load(out / "graph.nq", store.gsp_url, credentials=store.credentials)
    return store


# ---------------------------------------------------------------- comparing results by value


def _norm(term: Term | None) -> tuple[str, ...] | None:
    """A term with the normalisations stores apply (INTEROP.md §9) undone: integers of every xsd type as
    xsd:integer, canonical decimals, doubles, booleans and dateTimes, lower-case language tags."""
    if term is None:
        return None
    if term.kind != "literal":
        return (term.kind, term.value)
    if term.language:
        return ("literal", term.value, "@" + term.language.lower())
    dt, lex = term.datatype or XSD + "string", term.value
    try:
        if dt in _INTEGERS:
            return ("literal", str(int(lex)), XSD + "integer")
        if dt == XSD + "decimal":
            value = Decimal(lex)
            return ("literal", format(value.normalize(), "f") if value else "0", dt)
        if dt in (XSD + "double", XSD + "float"):
            f = float(lex.replace("INF", "inf"))
            return ("literal", "NaN" if math.isnan(f) else repr(f), dt)
        if dt == XSD + "boolean":
            return ("literal", "true" if lex.strip() in ("true", "1") else "false", dt)
        if dt == XSD + "dateTime":
            return ("literal", lex.replace("+00:00", "Z").replace(".000Z", "Z"), dt)
    except (ValueError, InvalidOperation):
        pass
    return ("literal", lex, dt)


def by_value(result: Result) -> Counter:
    return Counter(tuple(_norm(t) for t in row) for row in result.rows)


def graph_iris(out: Path) -> list[str]:
    return sorted({q.graph_name.value for q in read_quads(out / "graph.nq")})


def count_per_graph(store: Store, graphs: list[str]) -> dict[str, int]:
    values = " ".join(f"<{g}>" for g in graphs)
    result = query_endpoint(store.query_url, f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                                             "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row[0]: int(row[1]) for row in result.values() if row[0] and row[1]}


# ---------------------------------------------------------------- the tests


@pytest.mark.server
def test_kg_load_twice_changes_nothing(store: Store, seed_build):
    _, out = seed_build
    graphs = graph_iris(out)
    expected = Counter(q.graph_name.value for q in read_quads(out / "graph.nq"))
    args = ["load", str(out / "graph.nq"), "--endpoint", store.gsp_url, "-q"]
    if store.credentials:
        args += ["--user", store.credentials.user, "--password", store.credentials.password]
    t0 = time.monotonic()
    for _ in range(2):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert count_per_graph(store, graphs) == dict(expected)
    print(f"{store.name}: ready after {store.startup_s:.1f} s; two loads and counts in {time.monotonic() - t0:.2f} s")


@pytest.mark.server
@pytest.mark.parametrize("name", sorted(SEED_PARAMS))
def test_named_query_gives_the_same_rows_as_the_embedded_engine(loaded_store: Store, seed_build, name):
    _, out = seed_build
    text = named_queries(ONTOLOGY)[name]
    graphs = graph_iris(out)
    for params in ({}, SEED_PARAMS[name]):
        query = bind_parameters(text, params)
        embedded = run_query(out / "graph.nq", query)
        # default-graph-uri: the merge of exactly the graphs kg loaded (Virtuoso's default is every graph)
        remote = query_endpoint(loaded_store.query_url, query, default_graphs=graphs)
        assert remote.variables == embedded.variables
        assert embedded.rows, f"{name} {params} returns nothing on the seeds"
        assert by_value(remote) == by_value(embedded), f"{name} {params} differs on {loaded_store.name}"


@pytest.mark.server
def test_kg_serve_answers_queries_and_refuses_updates(seed_build, tmp_path):
    from kg.serve import ServeError, oxigraph_executable

    try:
        oxigraph_executable()
    except ServeError:
        pytest.skip("the Oxigraph server is not installed (pip install oxigraph; ./install.sh does)")
    _, out = seed_build
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as lf:
        proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(out / "graph.nq"), "--port", str(port)],
                                stdout=lf, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        waited = wait_http(f"{base}/query?query=ASK%7B%7D", proc, 60, log)
        quads = len(read_quads(out / "graph.nq"))
        count = query_endpoint(f"{base}/query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert count.values() == [(str(quads),)]
        members = bind_parameters(named_queries(ONTOLOGY)["members"], SEED_PARAMS["members"])
        served = query_endpoint(f"{base}/query", members)  # the default graph is the union of the graphs
        assert served.rows and by_value(served) == by_value(run_query(out / "graph.nq", members))
        update = urllib.request.Request(f"{base}/update", data=b'INSERT DATA { <http://e/x> <http://e/y> "z" }',
                                        method="POST", headers={"Content-Type": "application/sparql-update"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(update, timeout=10)
        assert refused.value.code == 403
        refused.value.close()
        with pytest.raises(EndpointError, match="HTTP 403"):
            load(out / "graph.nq", f"{base}/store")
        assert query_endpoint(f"{base}/query", "ASK { <http://e/x> ?p ?o }").boolean is False
        print(f"kg serve: ready after {waited:.1f} s")
    finally:
        stop(proc, 15)
    assert proc.returncode == 0, log.read_text(errors="replace")
    with pytest.raises(OSError):  # the Oxigraph server stopped with kg serve
        urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2)


# ---------------------------------------------------------------- kg load failures (no real store needed)


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers every PUT with the status in the path: /401 asks for digest auth, /500 fails with a body."""

    def do_PUT(self) -> None:  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        code = int(self.path.split("?")[0].strip("/") or 204)
        self.send_response(code)
        if code == 401:
            self.send_header("WWW-Authenticate", 'Digest realm="kg", nonce="abc", qop="auth"')
        body = b"SP029: TURTLE RDF loader, line 1: syntax error" if code >= 500 else b""
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def fake_store() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


MINI = Path(__file__).parent / "data" / "query" / "mini.nq"


@pytest.mark.parametrize(("path", "message"), [
    ("/500", "HTTP 500 Internal Server Error: SP029: TURTLE RDF loader, line 1: syntax error"),
    ("/401", "(check --user and --password)"),
    ("/404", "HTTP 404 Not Found"),
])
def test_kg_load_http_failure_exits_2_without_the_password(fake_store, path, message):
    url = fake_store.replace("http://", "http://dba:url-s3cret@") + path
    result = CliRunner().invoke(app, ["load", str(MINI), "--endpoint", url, "--user", "dba",
                                      "--password", "opt-s3cret"])
    assert result.exit_code == 2
    assert message in result.output
    assert "s3cret" not in result.output
    assert "dba:" not in result.output


def test_kg_load_reports_each_graph(fake_store):
    result = CliRunner().invoke(app, ["load", str(MINI), "--endpoint", f"{fake_store}/201"])
    assert result.exit_code == 0, result.output
    assert "created https://geokg.example/doc/d1 (" in result.output
    assert "loaded 3 graphs, 198 triples" in result.output


def test_kg_load_refuses_bad_input_clearly(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["load", str(tmp_path / "none.nq"), "--endpoint", "http://127.0.0.1:9/store"])
    assert result.exit_code == 2 and "none.nq: no such file" in result.output
    ttl = tmp_path / "g.ttl"
    ttl.write_text("<http://e/s> <http://e/p> <http://e/o> .\n", encoding="utf-8")
    result = runner.invoke(app, ["load", str(ttl), "--endpoint", "http://127.0.0.1:9/store"])
    assert result.exit_code == 2 and "--graph IRI" in result.output
    result = runner.invoke(app, ["load", str(ttl), "--endpoint", "http://127.0.0.1:9/store", "--graph", "http://e/g"])
    assert result.exit_code == 2 and "cannot connect" in result.output
    result = runner.invoke(app, ["load", str(MINI), "--endpoint", "http://127.0.0.1:9/store", "--user", "u"])
    assert result.exit_code == 2 and "--password" in result.output
    result = runner.invoke(app, ["load", str(MINI), "--endpoint", "ftp://h/store"])
    assert result.exit_code == 2 and "not an http" in result.output


def test_kg_serve_of_an_unreadable_graph_exits_2(tmp_path):
    bad = tmp_path / "bad.nq"
    bad.write_text("not rdf\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", str(bad), "--port", str(free_port())])
    assert result.exit_code == 2 and "bad.nq" in result.output


def test_errors_are_kg_errors():
    assert issubclass(EndpointError, KGError)


# ---------------------------------------------------------------- files: rdflib round trip


def _decimals_by_value(graph):
    from rdflib import Graph, Literal
    from rdflib.namespace import XSD as RDFLIB_XSD

    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == RDFLIB_XSD.decimal:
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=RDFLIB_XSD.decimal)
        out.add((s, p, o))
    return out


@pytest.mark.slow
def test_rdflib_round_trip_of_the_seed_graph_is_isomorphic(seed_build):
    from rdflib import Dataset, Graph
    from rdflib.compare import isomorphic

    _, out = seed_build
    strict = to_rdflib(read_quads(out / "graph.ttl"))
    parsed = Graph().parse(out / "graph.ttl", format="turtle")
    assert isomorphic(parsed, strict)
    # N-Triples keeps every lexical form; rdflib's Turtle writer turns "32"^^xsd:decimal into 32.0 (same value)
    assert isomorphic(Graph().parse(data=parsed.serialize(format="nt"), format="nt"), strict)
    again = Graph().parse(data=parsed.serialize(format="turtle"), format="turtle")
    assert isomorphic(_decimals_by_value(again), _decimals_by_value(strict))
    with warnings.catch_warnings():
        # rdflib 7's Dataset.parse() calls its own deprecated default_context
        warnings.filterwarnings("ignore", message=r"Dataset\.\w+ is deprecated", category=DeprecationWarning)
        dataset = Dataset()
        dataset.parse(out / "graph.nq", format="nquads")
        reread = Dataset()
        reread.parse(data=dataset.serialize(format="nquads"), format="nquads")
        got = {(str(g), s.n3(), p.n3(), o.n3()) for s, p, o, g in reread.quads()}
    expected = set()
    for q in read_quads(out / "graph.nq"):
        ((s, p, o),) = to_rdflib([q])
        expected.add((q.graph_name.value, s.n3(), p.n3(), o.n3()))
    assert got == expected
