"""kg.heap: the collector is kept off a finished build's objects, and put back."""

from __future__ import annotations

import gc

from kg.heap import frozen_heap


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
