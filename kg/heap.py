"""Keep the garbage collector off the objects a build has finished making.

A build holds millions of long-lived objects (records, terms, quads). Python's cyclic
collector walks all of them on every full collection, and the RDF and export stages
allocate enough to trigger many; freezing what exists (``gc.freeze``) moves it out of
the collector's view for the duration of a stage, while the stage's own garbage is
still collected as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["frozen_heap"]


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Freeze the objects that exist now for the duration of the block (nesting is fine)."""
    gc.collect()  # what is garbage already goes now, not after the block
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
