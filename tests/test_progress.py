"""Tests of kg.progress: drawn on a terminal only, throttled, safe at zero elapsed time."""

from __future__ import annotations

import io
import re

import pytest

from kg.progress import MAX_WIDTH, Progress


class TTY(io.StringIO):
    """An in-memory stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class FakeClock:
    """A clock that only moves when the test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


def _lines(text: str) -> list[str]:
    """The drawn lines of a progress output, without their ``\\r``, padding or newline."""
    return [part.rstrip() for part in text.split("\r") if part]


def test_not_a_tty_writes_nothing() -> None:
    stream = io.StringIO()
    clock = FakeClock()
    with Progress(1000, stream, clock=clock) as progress:
        for _ in range(5):
            clock.tick(1.0)
            progress.advance(words=100, nbytes=100)
    assert not progress.enabled
    assert stream.getvalue() == ""
    assert progress.articles_done == 5


def test_enabled_false_writes_nothing_on_a_tty() -> None:
    stream = TTY()
    clock = FakeClock()
    progress = Progress(1000, stream, enabled=False, clock=clock)
    for _ in range(5):
        clock.tick(1.0)
        progress.advance(words=100, nbytes=100)
    progress.close()
    assert stream.getvalue() == ""


def test_stream_defaults_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    clock = FakeClock()
    with Progress(None, enabled=True, clock=clock) as progress:
        clock.tick(1.0)
        progress.advance(words=10)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("\r1 article ")


def test_tty_redraws_line_with_articles_rate_and_eta() -> None:
    stream = TTY()
    clock = FakeClock()
    progress = Progress(4000, stream, clock=clock)
    clock.tick(2.0)
    progress.advance(words=24_600, nbytes=1000)
    clock.tick(2.0)
    progress.advance(articles=2, words=24_600, nbytes=1000)
    lines = _lines(stream.getvalue())
    assert stream.getvalue().count("\r") == 2
    # 1000 of 4000 bytes in 2 s: 3000 bytes left at 500 bytes/s.
    assert lines[0] == "1 article  12.3k words/s  25%  ETA 6s  elapsed 2s"
    assert lines[1].startswith("3 articles  12.3k words/s  50%  ETA 4s")
    assert "\n" not in stream.getvalue()


def test_eta_shows_minutes_and_seconds() -> None:
    stream = TTY()
    clock = FakeClock()
    progress = Progress(100_000, stream, clock=clock)
    clock.tick(5.0)
    progress.advance(words=50, nbytes=7_000)
    assert "ETA 1m06s" in stream.getvalue()


def test_interval_throttles_redraws() -> None:
    stream = TTY()
    clock = FakeClock()
    progress = Progress(None, stream, interval=0.5, clock=clock)
    clock.tick(0.5)
    for _ in range(100):
        progress.advance(words=10)
        clock.tick(0.001)
    assert stream.getvalue().count("\r") == 1
    clock.tick(0.5)
    progress.advance(words=10)
    assert stream.getvalue().count("\r") == 2
    assert _lines(stream.getvalue())[-1].startswith("101 articles ")


def test_short_run_within_one_interval_writes_nothing() -> None:
    stream = TTY()
    clock = FakeClock()
    with Progress(1000, stream, clock=clock) as progress:
        progress.advance(words=10, nbytes=10)
        clock.tick(0.1)
    assert stream.getvalue() == ""


def test_close_ends_with_a_newline_exactly_once() -> None:
    stream = TTY()
    clock = FakeClock()
    with Progress(1000, stream, clock=clock) as progress:
        clock.tick(1.0)
        progress.advance(words=10, nbytes=1000)
        progress.close()
        clock.tick(1.0)
        progress.advance(words=10, nbytes=10)
    progress.close()
    output = stream.getvalue()
    assert output.endswith("\n")
    assert output.count("\n") == 1
    assert _lines(output)[-1] == "1 article  10 words/s  100%  ETA 0s  elapsed 1s"
    assert progress.elapsed == 1.0


def test_final_line_pads_over_a_longer_one() -> None:
    stream = TTY()
    clock = FakeClock()
    progress = Progress(None, stream, clock=clock)
    clock.tick(1.0)
    progress.advance(words=5_000_000)
    clock.tick(99.0)
    progress.close()
    first, last = stream.getvalue().split("\r")[1:]
    assert len(last.rstrip("\n")) >= len(first)


def test_zero_elapsed_time_does_not_crash() -> None:
    stream = TTY()
    clock = FakeClock()
    progress = Progress(1000, stream, interval=0.0, clock=clock)
    progress.advance(articles=0)
    progress.advance(words=500, nbytes=100)
    progress.close()
    assert progress.elapsed == 0.0
    assert _lines(stream.getvalue())[-1] == "1 article  - words/s  10%  ETA -  elapsed 0s"


@pytest.mark.parametrize("total_bytes", [None, 0])
def test_no_eta_without_total_bytes(total_bytes: int | None) -> None:
    stream = TTY()
    clock = FakeClock()
    with Progress(total_bytes, stream, clock=clock) as progress:
        clock.tick(1.0)
        progress.advance(words=100, nbytes=100)
    output = stream.getvalue()
    assert "ETA" not in output
    assert "%" not in output
    assert _lines(output)[-1] == "1 article  100 words/s  elapsed 1s"


def test_line_stays_shorter_than_80_columns() -> None:
    stream = TTY()
    clock = FakeClock()
    progress = Progress(10**15, stream, clock=clock)
    clock.tick(0.001)
    progress.advance(articles=10**12, words=10**15, nbytes=1)
    progress.close()
    for line in stream.getvalue().split("\r")[1:]:
        assert len(line.rstrip("\n")) <= MAX_WIDTH < 80


def test_counters_and_elapsed() -> None:
    clock = FakeClock()
    progress = Progress(None, io.StringIO(), clock=clock)
    progress.advance(words=3, nbytes=7)
    progress.advance(articles=2, words=4)
    clock.tick(2.5)
    assert (progress.articles_done, progress.words_done, progress.bytes_done) == (3, 7, 7)
    assert progress.elapsed == 2.5


def test_broken_terminal_turns_the_display_off() -> None:
    stream = TTY()
    stream.close()
    clock = FakeClock()
    progress = Progress(None, stream, enabled=True, clock=clock)
    clock.tick(1.0)
    progress.advance()
    progress.close()
    assert not progress.enabled


def test_negative_interval_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape("-1")):
        Progress(None, TTY(), interval=-1)
