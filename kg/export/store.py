"""An on-disk Oxigraph store (``kg build --store DIR``) for graphs too big to query from a file in memory.

The store holds exactly the quads graph.nq holds, terms written the same way (one named graph per
document plus the entity registry); ``kg query DIR`` opens it read-only and queries the union of its
graphs, as it does a graph file. Like the other outputs it is written atomically: the store is filled in a
temporary sibling folder ``.{name}.{pid}.{random}.tmp`` that is renamed into place (swapped with the old
store in one step where Linux allows), so a killed build leaves the previous store (or none), never a
half-filled one. A folder is only ever replaced if kg wrote
it: kg leaves a :data:`STORE_MARKER` file in every store it fills (RocksDB ignores files it does not name).
"""

from __future__ import annotations

import ctypes
import errno
import itertools
import json
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .. import __version__
from ..errors import ExportError, InputError
from ..namespaces import Namespaces
from ..query import is_oxigraph_store
from ..rdf import Quad
from .atomic import process_alive, temp_name_pattern
from .serialize import iri_text

logger = logging.getLogger(__name__)

#: Quads converted and handed to Oxigraph per ``bulk_extend`` call.
DEFAULT_CHUNK = 100_000
#: The file kg writes into each store folder it fills (JSON: writer, kg version, base IRI, quads).
STORE_MARKER = "kg-store.json"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# graph.nq writes an unpaired surrogate as U+FFFD (UTF-8 cannot hold it): the store must hold the same text
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Terms:
    """rdflib terms -> pyoxigraph terms, IRIs normalised as graph.nq writes them (``iri_text``).

    IRIs and blank nodes are cached: graphs, predicates, classes and entities recur on most quads.
    Literals are not: hashing an rdflib Literal costs more than building the pyoxigraph one again.
    """

    def __init__(self) -> None:
        self.nodes: dict[Node, ox.NamedNode | ox.BlankNode] = {}

    def node(self, term: Node) -> ox.NamedNode | ox.BlankNode:
        node = self.nodes.get(term)
        if node is None:
            if isinstance(term, URIRef):
                node = ox.NamedNode(iri_text(term)[1:-1])
            elif isinstance(term, BNode):
                node = ox.BlankNode(str(term))
            else:
                raise TypeError(f"cannot write {term!r} as a subject, predicate or graph")
            self.nodes[term] = node
        return node

    def iri(self, term: Node) -> ox.NamedNode:
        node = self.node(term)
        if not isinstance(node, ox.NamedNode):
            raise TypeError(f"cannot write the blank node {term!r} as a predicate or datatype")
        return node

    def literal(self, term: Literal) -> ox.Literal:
        value = str(term)
        if _SURROGATE.search(value):
            value = _SURROGATE.sub("\ufffd", value)
        if term.language:
            return ox.Literal(value, language=term.language)
        datatype = term.datatype
        if datatype is not None and str(datatype) != _XSD_STRING:
            return ox.Literal(value, datatype=self.iri(datatype))
        return ox.Literal(value)

    def quad(self, quad: Quad) -> ox.Quad:
        g, s, p, o = quad
        obj = self.literal(o) if isinstance(o, Literal) else self.node(o)
        return ox.Quad(self.node(s), self.iri(p), obj, self.node(g))


def oxigraph_quads(quads: Iterable[Quad], *, chunk: int = DEFAULT_CHUNK) -> Iterator[list[ox.Quad]]:
    """The quads as pyoxigraph quads, ``chunk`` at a time, each term as graph.nq writes it.

    >>> q = (URIRef("http://e.org/g"), URIRef("http://e.org/a b"), URIRef("http://e.org/p"), Literal("x", lang="en"))
    >>> [str(x) for x in next(oxigraph_quads([q]))]
    ['<http://e.org/a%20b> <http://e.org/p> "x"@en <http://e.org/g>']

    Raises:
        ValueError: a term Oxigraph refuses (a bad language tag or blank node label).
    """
    terms = _Terms()
    it = iter(quads)
    while batch := list(itertools.islice(it, chunk)):
        yield [terms.quad(q) for q in batch]
        if len(terms.nodes) > chunk:  # bounded memory on huge graphs; the common IRIs come back at once
            terms.nodes.clear()


# ---------------------------------------------------------------- the target folder


def _is_kg_store(path: Path) -> bool:
    return (path / STORE_MARKER).is_file()


def check_store_dir(store_dir: Path) -> None:
    """Check that ``store_dir`` may be written: missing, an empty folder, or a store kg wrote.

    Cheap: call it before a long build, so a bad ``--store`` fails at once.

    Raises:
        InputError: ``store_dir`` is not a folder, or a folder holding something kg did not write.
    """
    path = Path(store_dir)
    if path.is_symlink():
        raise InputError(path, "is a symbolic link; give the store folder itself")
    if not path.exists():
        return
    if not path.is_dir():
        raise InputError(path, "exists and is not a folder; give a new or empty folder for the Oxigraph store")
    if _is_kg_store(path):
        return
    try:
        entries = sorted(e.name for e in path.iterdir())
    except OSError as exc:
        raise InputError(path, f"cannot read the folder ({exc.strerror})") from None
    if not entries:
        return
    if is_oxigraph_store(path):
        raise InputError(path, f"is an Oxigraph store kg did not write (it has no {STORE_MARKER}); "
                               "remove it or give another folder")
    shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
    raise InputError(path, f"is a folder that is not an Oxigraph store (it holds {shown}); "
                           "give a new or empty folder, or a store kg wrote")


def _remove_stale_temp_dirs(path: Path) -> None:
    """Remove temporary store folders of ``path`` left by writers that no longer run (killed builds)."""
    pattern = temp_name_pattern(path.name)
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m and entry.is_dir() and int(m.group(1)) != os.getpid() and not process_alive(int(m.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            logger.info("removed %s, left by an interrupted store write", entry)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)  # glibc 2.28+
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # kernel or file system cannot: rename twice
        return False
    raise OSError(err, os.strerror(err), str(b))


def _move_into_place(tmp: Path, path: Path) -> None:
    """Rename the folder ``tmp`` to ``path``, replacing the folder there (in one step where folders can be swapped)."""
    if not path.exists():
        os.replace(tmp, path)
        return
    if _exchange(tmp, path):
        shutil.rmtree(tmp, ignore_errors=True)  # now the old store; if it stays, the next write removes it
        return
    # no atomic exchange here: two renames, with the old store put back if the second fails
    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent))
    os.replace(path, old)
    try:
        os.replace(tmp, path)
    except OSError:
        os.replace(old, path)
        raise
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- writing


def _fill(store_path: Path, quads: Iterable[Quad], chunk: int) -> int:
    """Fill a new on-disk store; the store is closed (its last reference dropped) on return."""
    store = ox.Store(str(store_path))
    for batch in oxigraph_quads(quads, chunk=chunk):
        store.bulk_extend(batch)
    store.flush()
    # each bulk call adds files to every index; a read-only reader cannot compact them, so compact now
    store.optimize()
    return len(store)


def write_store(quads: Iterable[Quad], ns: Namespaces, store_dir: Path, *, chunk: int = DEFAULT_CHUNK) -> int:
    """Write the quads into a new on-disk Oxigraph store at ``store_dir``, replacing a store kg wrote there.

    The terms are converted from rdflib to pyoxigraph as graph.nq writes them (IRIs percent-encoded where
    strict parsers need it, unpaired surrogates as U+FFFD) and added with ``Store.bulk_extend``, ``chunk``
    quads per call; the store is then compacted (``optimize``: about 2 s per million quads, a tenth of the
    write, and it halved the time of a join over 1M quads: a read-only store cannot compact itself).

    ``bulk_extend`` is the faster way in. On 1M kg-like quads (2 shared cores, best of 5, conversion and
    ``optimize`` included) it took 18 s wall, 22 s CPU, against 21 s and 25 s for ``bulk_load`` of N-Quads
    chunks from :func:`kg.export.serialize.nquads_lines` (the conversions cost the same; parsing the text
    again is the difference), and it needed 200 MB on top of the quads rather than 560 MB (nquads_lines
    sorts the whole graph first).

    The store is filled in a temporary sibling folder, closed, then renamed into place, so a killed
    build leaves the previous store. A :data:`STORE_MARKER` file in the folder marks it as kg's.

    Args:
        quads: ``(graph, subject, predicate, object)`` quads, as ``GraphBuilder.quads``.
        ns: Namespaces of the build; its base IRI is recorded in the marker file.
        store_dir: The store folder: missing, empty, or a store kg wrote.
        chunk: Quads converted and loaded per ``bulk_extend`` call (bounds the extra memory).

    Returns:
        The number of quads in the store.

    Raises:
        InputError: ``store_dir`` is not a folder, or a non-empty folder that is not a store kg wrote.
        ExportError: the store cannot be written (disk full, permissions, a term Oxigraph refuses).
    """
    if chunk < 1:
        raise ValueError(f"chunk must be positive, not {chunk}")
    path = Path(store_dir)
    check_store_dir(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temp_dirs(path)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent))
    except OSError as exc:
        raise ExportError(f"{path}: cannot write ({exc.strerror})") from None
    moved = False
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes the folder private (0700)
        count = _fill(tmp, quads, chunk)
        marker = {"writer": "kg", "kg_version": __version__, "pyoxigraph_version": ox.__version__,
                  "base_iri": ns.base, "quads": count}
        (tmp / STORE_MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        check_store_dir(path)  # again: something may have appeared there during the fill
        _move_into_place(tmp, path)
        moved = True
    except OSError as exc:
        raise ExportError(f"{path}: cannot write the store ({exc.strerror or exc})") from None
    except (ValueError, TypeError) as exc:  # a term Oxigraph refuses
        raise ExportError(f"{path}: cannot write the store: {exc}") from None
    finally:
        if not moved:
            shutil.rmtree(tmp, ignore_errors=True)
    logger.info("wrote %s quads into the Oxigraph store %s", count, path)
    return count
