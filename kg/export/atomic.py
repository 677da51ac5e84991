"""Atomic file writes: a temporary file in the target folder, then ``os.replace``.

A temporary file is named ``.{name}.{pid}.{random}.tmp``, so it never looks like an output, and
one left behind by a killed process is removed by the next write of the same file. Inside
:func:`atomic_group` the renames wait until every file of the group is written, so a build killed
while writing leaves all of the previous outputs, never a mix of old and new files.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO

from ..errors import ExportError

logger = logging.getLogger(__name__)

#: Renames waiting for the end of the innermost :func:`atomic_group` (None outside one).
_PENDING: ContextVar[list[tuple[Path, Path]] | None] = ContextVar("kg_atomic_pending", default=None)


def temp_name_pattern(name: str) -> re.Pattern[str]:
    """The pattern of the temporary files written for an output file ``name``; group 1 is the writer's pid.

    >>> bool(temp_name_pattern("graph.ttl").fullmatch(".graph.ttl.4242.k3j_x9q1.tmp"))
    True
    >>> bool(temp_name_pattern("graph.ttl").fullmatch("graph.ttl"))
    False
    """
    return re.compile(rf"\.{re.escape(name)}\.(\d+)\.\w+\.tmp")


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a temporary file of a live build is never removed)."""
    if os.name != "posix":
        return True  # no cheap, harmless liveness check: keep the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but belongs to someone else
    return True


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove temporary files of ``path`` left by writers that no longer run (killed builds).

    Returns:
        The files removed.
    """
    pattern = temp_name_pattern(path.name)
    removed = []
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return []
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m and int(m.group(1)) != os.getpid() and not process_alive(int(m.group(1))):
            try:
                entry.unlink()
            except OSError:
                continue
            logger.info("removed %s, left by an interrupted write", entry)
            removed.append(entry)
    return removed


def _settle(tmp: Path) -> None:
    """Give the file the permissions a plain ``open()`` would and flush it to disk."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private (0600)
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it over ``path`` on success.

    A crash or kill before the rename leaves the previous ``path`` untouched. Inside
    :func:`atomic_group` the rename happens at the end of the group.

    Raises:
        ExportError: The folder or the file cannot be written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(path)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write ({exc.strerror})") from exc
    tmp: Path | None = Path(name)
    pending = _PENDING.get()
    try:
        yield Path(name)
        _settle(Path(name))
        if pending is None:
            os.replace(name, path)
        else:
            pending.append((Path(name), path))
        tmp = None
    except OSError as exc:
        raise ExportError(f"{path}: cannot write ({exc.strerror})") from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


@contextmanager
def atomic_group() -> Iterator[None]:
    """Write several files all-or-nothing: each atomic write in the block is renamed at its end.

    If the block raises, or the process dies in it, no file of the group is replaced. Only
    the renames themselves (microseconds) can be interrupted half-way.

    Raises:
        ExportError: A rename failed (the remaining temporary files are removed).
    """
    pending: list[tuple[Path, Path]] = []
    token = _PENDING.set(pending)
    try:
        try:
            yield
        finally:
            _PENDING.reset(token)
        for _, path in pending:  # the one rename likely to fail: found before any file is replaced
            if path.is_dir():
                raise ExportError(f"{path}: cannot write (it is a folder)")
        while pending:
            tmp, path = pending[0]
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise ExportError(f"{path}: cannot write ({exc.strerror})") from exc
            pending.pop(0)
    finally:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)


def write_atomic(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write ``path`` atomically with ``write(binary_file)``."""
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        write(fh)
