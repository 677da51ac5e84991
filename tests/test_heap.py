"""kg.heap: the collector is kept off a finished build's objects, and put back."""

from __future__ import annotations

import gc

from kg.heap import YOUNG_THRESHOLD, frozen_heap, settled


def test_frozen_heap_freezes_and_pauses_for_the_block_only() -> None:
    assert gc.isenabled()
    with frozen_heap(collect=False, pause=True):
        assert gc.get_freeze_count() > 0 and not gc.isenabled()
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    with frozen_heap():
        assert gc.get_freeze_count() > 0 and gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_frozen_heap_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with frozen_heap(pause=True):
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_settled_freezes_as_it_goes_and_unfreezes_at_the_end() -> None:
    seen = []
    for i, item in enumerate(settled(range(10), every=4)):
        seen.append(item)
        assert (gc.get_freeze_count() > 0) == (i >= 4)  # frozen after the fourth item was taken
    assert seen == list(range(10))
    assert gc.get_freeze_count() == 0


def test_settled_unfreezes_when_the_consumer_stops_early() -> None:
    before = gc.get_threshold()
    items = settled(iter(range(10)), every=2)
    assert [next(items) for _ in range(5)] == [0, 1, 2, 3, 4]
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] >= YOUNG_THRESHOLD  # young collections are rarer while it runs
    items.close()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before


def test_frozen_heap_without_collection_freezes_the_young_objects_as_they_are(monkeypatch) -> None:
    young = [[i] for i in range(1000)]
    collections: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: collections.append(generation) or 0)
    with frozen_heap(collect=None, pause=True):
        assert collections == [] and not gc.isenabled()
        assert gc.get_freeze_count() >= len(young)  # the young lists, frozen uncollected
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    with frozen_heap(collect=False):
        assert collections == [1]


def _young_ids() -> set[int]:
    return {id(o) for generation in (0, 1) for o in gc.get_objects(generation=generation)}


def test_what_a_paused_block_made_leaves_it_in_the_oldest_generation() -> None:
    with frozen_heap(collect=False, pause=True):
        made = [[i] for i in range(1000)]
    young = _young_ids()
    assert not any(id(x) in young for x in made)  # the next young collection does not walk them
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with frozen_heap(collect=False):  # not paused: collected as usual, so what it made starts young
        kept = [[i] for i in range(1000)]
    young = _young_ids()
    assert all(id(x) in young for x in kept[-10:])
