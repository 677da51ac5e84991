"""``kg serve``: a read-only SPARQL endpoint over a graph file, run by the Oxigraph server.

The file is parsed strictly, loaded with ``oxigraph load`` into a temporary store directory (removed
when the server stops), then served by ``oxigraph serve-read-only --union-default-graph``:
queries see the union of the named graphs, and updates and Graph Store writes are refused (HTTP 403).
The server binds 127.0.0.1 unless told otherwise. The ``oxigraph`` command comes from the PyPI package
``oxigraph``, a dependency of kg.
"""

from __future__ import annotations

import logging
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType, TracebackType

from .errors import KGError
from .query import read_quads

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
#: Seconds to wait for the server to answer its first query.
DEFAULT_READY_TIMEOUT = 30.0
#: Seconds between SIGTERM and SIGKILL when stopping the server.
STOP_GRACE = 10.0
_LOG_TAIL = 2000


class ServeError(KGError):
    """The SPARQL server cannot be prepared or started (exit code 2)."""


def oxigraph_executable() -> Path:
    """The ``oxigraph`` command: beside the running Python first (a virtualenv), else on PATH.

    Raises:
        ServeError: it is not installed.
    """
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file():
        return beside
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise ServeError("the Oxigraph server is not installed: pip install 'oxigraph>=0.5,<0.6' (./install.sh does)")


def _log_tail(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-_LOG_TAIL:].strip()
    except OSError:
        return ""


def prepare_store(graph: Path, location: Path) -> int:
    """Parse ``graph`` strictly, then load it into an Oxigraph store directory; the number of quads.

    Raises:
        QueryError: the graph file cannot be read.
        ServeError: ``oxigraph load`` failed (the message quotes its output).
    """
    quads = len(read_quads(graph))
    location.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([str(oxigraph_executable()), "load", "--location", str(location), "--file", str(graph)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ServeError(f"{graph}: oxigraph load failed: {(done.stderr or done.stdout).strip()[-_LOG_TAIL:]}")
    return quads


class ReadOnlyServer:
    """A running ``oxigraph serve-read-only`` over a graph file; a context manager that stops it.

    Args:
        graph: The graph file to serve.
        host: Interface to bind (loopback by default).
        port: TCP port.
        ready_timeout: Seconds to wait for the first answer.
    """

    def __init__(self, graph: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 ready_timeout: float = DEFAULT_READY_TIMEOUT) -> None:
        self.graph = graph
        self.host = host
        self.port = port
        self.ready_timeout = ready_timeout
        self.quads = 0
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Path | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.base_url}/query"

    @property
    def pid(self) -> int | None:
        """Process id of the Oxigraph server while it runs."""
        return self._proc.pid if self._proc else None

    def start(self) -> ReadOnlyServer:
        """Load the graph, start the server and wait until it answers.

        Raises:
            QueryError: the graph file cannot be read.
            ServeError: the store cannot be loaded, or the server exits or does not answer in time
                (a port already in use, for example); the message quotes the server's log.
        """
        self._tmp = tempfile.TemporaryDirectory(prefix="kg-serve-")
        location = Path(self._tmp.name) / "store"
        self._log = Path(self._tmp.name) / "server.log"
        try:
            self.quads = prepare_store(self.graph, location)
            with self._log.open("wb") as log:
                self._proc = subprocess.Popen(
                    [str(oxigraph_executable()), "serve-read-only", "--location", str(location),
                     "--bind", f"{self.host}:{self.port}", "--union-default-graph"],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        logger.info("serving %s (%d quads) at %s", self.graph, self.quads, self.query_url)
        return self

    def _wait_ready(self) -> None:
        assert self._proc is not None and self._log is not None
        probe = f"{self.query_url}?query=ASK%7B%7D"
        deadline = time.monotonic() + self.ready_timeout
        while True:
            if self._proc.poll() is not None:
                raise ServeError(f"the Oxigraph server exited with code {self._proc.returncode} "
                                 f"binding {self.host}:{self.port}: {_log_tail(self._log)}")
            try:
                with urllib.request.urlopen(probe, timeout=1) as answer:
                    if 200 <= answer.status < 300:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise ServeError(f"the Oxigraph server did not answer at {self.query_url} within "
                                 f"{self.ready_timeout:g} s: {_log_tail(self._log)}")
            time.sleep(0.05)

    def wait(self) -> int:
        """Block until the server exits (SIGINT and SIGTERM stop it); its exit code."""
        assert self._proc is not None
        stops = (signal.SIGTERM, signal.SIGINT)
        previous = {sig: signal.getsignal(sig) for sig in stops}

        def on_stop(signum: int, frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        # also SIGINT: a shell starts background jobs with it ignored
        for sig in stops:
            signal.signal(sig, on_stop)
        try:
            return self._proc.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.stop()

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after a grace period) and remove a temporary store."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> ReadOnlyServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
