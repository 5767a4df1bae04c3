"""Progress of a long run on stderr: a tqdm bar on a terminal, plain periodic lines otherwise.

A log file or a CI console gets no carriage returns: one line every
``interval`` seconds and one at the end, each complete on its own::

    saraban ingest: 1200/10000 files (12%), 3410 pages, 35.2 files/s, ETA 0:04:10
"""
from __future__ import annotations

import sys
import time
from datetime import timedelta
from typing import TextIO

# Seconds between two plain progress lines when stderr is not a terminal.
PLAIN_INTERVAL_S = 10.0


def _clock(seconds: float) -> str:
    """``0:04:10`` for 250 seconds."""
    return str(timedelta(seconds=round(max(seconds, 0))))


class Progress:
    """Counts files (or documents) and pages done out of ``total``; shows rate and ETA.

    ``tty=None`` asks the stream whether it is a terminal. ``enabled=False``
    shows nothing (``--no-progress``); notes are still written.
    """

    def __init__(self, total: int | None, *, label: str, unit: str = "file", stream: TextIO | None = None,
                 tty: bool | None = None, interval: float = PLAIN_INTERVAL_S, enabled: bool = True) -> None:
        self.total, self.label, self.unit = total, label, unit
        self.stream = stream if stream is not None else sys.stderr
        self.interval, self.enabled = interval, enabled
        self.done = self.pages = 0
        self.started = time.monotonic()
        self._last_line = self.started
        if tty is None:
            tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar = None
        if enabled and tty:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=label, unit=unit, file=self.stream, dynamic_ncols=True,
                             smoothing=0.1)

    def update(self, items: int = 1, pages: int = 0) -> None:
        """Count ``items`` more done, which had ``pages`` pages."""
        self.done += items
        self.pages += pages
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self.pages} pages", refresh=False)
            self._bar.update(items)
        elif self.enabled and time.monotonic() - self._last_line >= self.interval:
            self._write_line()

    def note(self, message: str) -> None:
        """A line of its own (a failure), written without breaking the bar."""
        if self._bar is not None:
            self._bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream, flush=True)

    def line(self) -> str:
        """The plain progress line: done/total, percent, pages, rate, ETA."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        units = f"{self.unit}s"
        if self.total:
            head = f"{self.done}/{self.total} {units} ({100 * self.done // self.total}%)"
        else:
            head = f"{self.done} {units}"
        parts = [head, f"{self.pages} pages", f"{rate:.1f} {units}/s"]
        if self.total and rate > 0 and self.done < self.total:
            parts.append(f"ETA {_clock((self.total - self.done) / rate)}")
        elif self.total is not None and self.done >= (self.total or 0):
            parts.append(f"done in {_clock(elapsed)}")
        return f"{self.label}: " + ", ".join(parts)

    def _write_line(self) -> None:
        self._last_line = time.monotonic()
        print(self.line(), file=self.stream, flush=True)

    def close(self) -> None:
        """End the bar, or write the last plain line."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self.enabled:
            self._write_line()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
