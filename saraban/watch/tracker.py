"""Has this file stopped changing? The watcher reads a file only once it has.

A scanner copying a 100-page PDF onto a share, or a clerk dragging a folder
in, writes for seconds; reading too early would store half a document. A file
counts as complete when its size, modification time and inode have not
changed for ``settle`` seconds (Paperless-ngx waits the same way, 5 s by
default: ``document_consumer.py``, ``FileStabilityTracker``).
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SETTLE_S = 5.0


@dataclass(frozen=True, slots=True)
class Signature:
    """What must stay the same while a file settles and while it is read."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> Signature | None:
        """The file's signature now, or None if it is gone (not following a symlink)."""
        try:
            st = os.lstat(path)
        except OSError:
            return None
        return cls(st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass(slots=True)
class _Watched:
    sig: Signature
    since: float  # clock time the signature was first seen unchanged


class StabilityTracker:
    """Files being watched until each has stood still for ``settle`` seconds.

    ``touch`` notes a file (a file event, or a rescan found it); ``pop_stable``
    stats every watched file and hands back, once, those that have not
    changed for ``settle`` seconds; a file that vanished is dropped. The clock
    is injectable so tests need not sleep.
    """

    def __init__(self, settle: float = DEFAULT_SETTLE_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.settle = settle
        self._clock = clock
        self._files: dict[Path, _Watched] = {}

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, path: object) -> bool:
        return path in self._files

    def touch(self, path: Path) -> None:
        """Start watching ``path``, or restart its wait if it changed since last seen."""
        sig = Signature.of(path)
        if sig is None:
            self._files.pop(path, None)
            return
        seen = self._files.get(path)
        if seen is None or seen.sig != sig:
            self._files[path] = _Watched(sig, self._clock())

    def pop_stable(self) -> list[tuple[Path, Signature]]:
        """The files unchanged for ``settle`` seconds, oldest first; they are no longer watched.

        Only files whose wait is over are looked at (a stat each, which on a
        network share is a round trip); one that changed meanwhile starts
        its wait again.
        """
        now = self._clock()
        stable = []
        for path, seen in list(self._files.items()):
            if now - seen.since < self.settle:
                continue
            sig = Signature.of(path)
            if sig is None:
                del self._files[path]
            elif sig != seen.sig:
                self._files[path] = _Watched(sig, now)
            elif now - seen.since >= self.settle:
                stable.append((seen.since, path, sig))
                del self._files[path]
        return [(path, sig) for _, path, sig in sorted(stable, key=lambda t: t[0])]

    def next_due(self) -> float | None:
        """Seconds until the earliest watched file may be stable (0 if one is), None if none is watched."""
        if not self._files:
            return None
        earliest = min(w.since for w in self._files.values())
        return max(0.0, earliest + self.settle - self._clock())
