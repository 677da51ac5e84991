"""Keep the garbage collector off the objects a build has finished making.

A build holds millions of long-lived objects (records, terms, quads). Python's cyclic
collector walks all of them on every full collection, and the RDF and export stages
allocate enough to trigger many; freezing what exists (``gc.freeze``) moves it out of
the collector's view for the duration of a stage, while the stage's own garbage is
still collected as usual. :func:`settled` does the same as the analysis stage goes, for
the records it has already returned.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["YOUNG_THRESHOLD", "frozen_heap", "kept_as_made", "settled"]

T = TypeVar("T")
#: Allocations between two collections of the youngest generation while :func:`settled` runs.
YOUNG_THRESHOLD = 20_000


@contextmanager
def frozen_heap(*, collect: bool | None = True, pause: bool = False) -> Iterator[None]:
    """Freeze the objects that exist now for the duration of the block (nesting is fine).

    Args:
        collect: First collect all generations, so what is garbage already goes now, not after the block.
            When the caller knows there is next to none (right after a frozen stage: its garbage was collected
            as it went), False collects the young generations only, sparing a walk over every live object.
            None collects nothing: what the young generations hold is frozen as it is (its garbage, if any,
            goes at the first collection after the block). For a block right after a stage that made millions
            of objects with the collector paused: they are all young, and even a young collection walks them.
        pause: Also make no automatic collection in the block, for a stage whose own objects mostly live to
            its end (indexes, graphs): collections would walk them again and again to free next to nothing.
            What the block made is then moved to the oldest generation as it leaves (frozen and unfrozen with
            the rest, which walks nothing): left young, the first collection after the block would walk all of
            it (a quarter of a second for the quads of all of Reuters). Its cyclic garbage, if any, goes at the
            next full collection.
    """
    if collect is not None:
        gc.collect(2 if collect else 1)
    gc.freeze()
    paused = pause and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.enable()
        gc.unfreeze()


def settled(items: Iterable[T], every: int = 256) -> Iterator[T]:
    """Yield ``items``; after every ``every`` of them, freeze what exists (the items kept so far and the
    structures they hang on), so collections during a long stage walk only what it made since. What was
    frozen is unfrozen when the iteration ends (or is closed).

    The youngest generation is collected before each freeze, so short-lived cycles are not frozen with it
    (the middle one holds what survived a young collection: the kept items, walked again for nothing).
    While the items are made, the youngest generation is collected after :data:`YOUNG_THRESHOLD`
    allocations rather than Python's 700: a stage that works on a batch of Docs at a time keeps the batch
    alive, and each young collection would walk it again (about 4 % of the analysis stage).
    """
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], YOUNG_THRESHOLD), *threshold[1:])
    try:
        for i, item in enumerate(items, 1):
            yield item
            if i % every == 0:
                gc.collect(0)
                gc.freeze()
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


@contextmanager
def kept_as_made() -> Iterator[None]:
    """No collection while the block makes objects that live on (unpickled records, say), and what exists
    after it is frozen, so later collections do not walk them again.

    Frozen objects are still freed by reference counting; :func:`settled` unfreezes everything when its
    stage ends, so a block inside it freezes only for that stage. Outside it, the objects stay frozen.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
