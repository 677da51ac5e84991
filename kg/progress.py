"""A one-line progress display for long ``kg build`` runs, drawn on a terminal only.

:class:`Progress` counts articles, words and input bytes as the pipeline reports them and,
at most once per interval, redraws a single line on the stream with a carriage return::

    412 articles  12.3k words/s  37%  ETA 1m05s  elapsed 38s

Nothing is written when the stream is not a terminal (logs, pipes, CI) or when the display is
turned off (``--quiet``), so redirected output never holds carriage returns. The line is plain
ASCII padded with spaces rather than ANSI escapes, so any terminal and any locale can show it.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

logger = logging.getLogger(__name__)

#: Seconds between two redraws of the progress line.
DEFAULT_INTERVAL = 0.5
#: The drawn line is cut to this many columns, so it never wraps on an 80-column terminal
#: (a wrapped line cannot be redrawn in place with ``\r``).
MAX_WIDTH = 79


def _human(value: float) -> str:
    """A count shortened to three significant figures with a k/M/G suffix.

    >>> [_human(v) for v in (0, 999, 999.6, 12_345, 4_560_000, 7.2e9)]
    ['0', '999', '1.0k', '12.3k', '4.6M', '7.2G']
    """
    for limit, divisor, suffix in ((999.5, 1.0, ""), (999_950.0, 1e3, "k"), (999_950_000.0, 1e6, "M")):
        if value < limit:
            return f"{value / divisor:.0f}" if not suffix else f"{value / divisor:.1f}{suffix}"
    return f"{value / 1e9:.1f}G"


def _duration(seconds: float) -> str:
    """A duration as ``42s``, ``1m05s`` or ``2h03m``.

    >>> [_duration(s) for s in (0, 42.4, 65, 3599.9, 7380)]
    ['0s', '42s', '1m05s', '1h00m', '2h03m']
    """
    whole = max(round(seconds), 0)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def _is_tty(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal; a closed or odd stream counts as not one."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class Progress:
    """Counts the work of a build and shows it on one redrawn terminal line.

    Args:
        total_bytes: Input size of the whole build, for the percentage and ETA; ``None`` or 0 when
            unknown (then neither is shown).
        stream: Where the line goes; ``sys.stderr`` when ``None``.
        enabled: ``None`` draws only if the stream is a terminal; ``False`` never writes a byte
            (``--quiet``); ``True`` draws whatever the stream is.
        interval: Least number of seconds between two redraws.
        clock: Monotonic time source in seconds, injectable for tests.

    Raises:
        ValueError: ``interval`` is negative.

    Example::

        with Progress(total_bytes=sum(sizes)) as progress:
            for article in articles:
                ...
                progress.advance(words=n_words, nbytes=article_bytes)
    """

    def __init__(
        self,
        total_bytes: int | None,
        stream: TextIO | None = None,
        *,
        enabled: bool | None = None,
        interval: float = DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if interval < 0:
            raise ValueError(f"Progress interval must be 0 or more seconds, got {interval!r}")
        # sys.stderr is read now, not at import, so a redirected or captured stderr is honoured;
        # it is None under pythonw, and then there is nowhere to draw.
        self._stream: TextIO | None = stream if stream is not None else sys.stderr
        if self._stream is None:
            enabled = False
        elif enabled is None:
            enabled = _is_tty(self._stream)
        self._enabled = enabled
        self._total_bytes = total_bytes if total_bytes and total_bytes > 0 else None
        self._interval = interval
        self._clock = clock
        self._start = clock()
        self._stopped_at: float | None = None
        self._articles = 0
        self._words = 0
        self._bytes = 0
        # Throttling counts from the start, so a build shorter than one interval draws nothing.
        self._last_draw = self._start
        self._drawn = False
        self._width = 0
        self._closed = False

    @property
    def enabled(self) -> bool:
        """Whether the line is drawn at all."""
        return self._enabled

    @property
    def articles_done(self) -> int:
        """Articles recorded so far."""
        return self._articles

    @property
    def words_done(self) -> int:
        """Words recorded so far."""
        return self._words

    @property
    def bytes_done(self) -> int:
        """Input bytes recorded so far."""
        return self._bytes

    @property
    def elapsed(self) -> float:
        """Seconds since the display was created, frozen by :meth:`close`."""
        end = self._stopped_at if self._stopped_at is not None else self._clock()
        return max(end - self._start, 0.0)

    def advance(self, articles: int = 1, words: int = 0, nbytes: int = 0) -> None:
        """Records finished work and redraws the line if the interval has passed.

        Args:
            articles: Articles finished since the last call.
            words: Words in them.
            nbytes: Input bytes they took, counted against ``total_bytes``.
        """
        self._articles += articles
        self._words += words
        self._bytes += nbytes
        if not self._enabled or self._closed:
            return
        now = self._clock()
        if now - self._last_draw >= self._interval:
            self._last_draw = now
            self._draw(self._line(now - self._start))

    def close(self) -> None:
        """Draws the final line and ends it with a newline; later calls do nothing."""
        if self._closed:
            return
        self._closed = True
        self._stopped_at = self._clock()
        if self._enabled and self._drawn:
            self._draw(self._line(self.elapsed), end="\n")

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Also on an error, so a traceback starts on a fresh line rather than after the progress.
        self.close()

    def _line(self, elapsed: float) -> str:
        """The progress text after ``elapsed`` seconds, without ``\\r`` or padding."""
        parts = [f"{self._articles} article{'' if self._articles == 1 else 's'}"]
        # A zero elapsed time (first call, coarse or fake clock) has no rate yet.
        parts.append(f"{_human(self._words / elapsed)} words/s" if elapsed > 0 else "- words/s")
        if self._total_bytes is not None:
            parts.append(f"{min(100 * self._bytes // self._total_bytes, 100)}%")
            rate = self._bytes / elapsed if elapsed > 0 else 0.0
            remaining = max(self._total_bytes - self._bytes, 0)
            parts.append(f"ETA {_duration(remaining / rate)}" if rate > 0 else "ETA -")
        parts.append(f"elapsed {_duration(elapsed)}")
        return "  ".join(parts)[:MAX_WIDTH]

    def _draw(self, line: str, end: str = "") -> None:
        """Overwrites the current terminal line with ``line``, padding over a longer previous one."""
        stream = self._stream
        if stream is None:
            return
        try:
            stream.write("\r" + line.ljust(self._width) + end)
            stream.flush()
        except (OSError, ValueError) as err:
            # A vanished terminal must not fail the build; stop drawing instead.
            logger.debug("progress display turned off: %s", err)
            self._enabled = False
            return
        self._drawn = True
        self._width = 0 if end else len(line)
