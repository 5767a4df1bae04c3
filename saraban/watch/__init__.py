"""The watched folder behind ``saraban watch``: three parts, each usable alone.

* :mod:`saraban.watch.filter` -- which names to take (documents, not lock files or NAS litter);
* :mod:`saraban.watch.tracker` -- has this file stopped changing?
* :mod:`saraban.watch.loop` -- hands settled files to ``process_file``, stores each in
  one transaction, then moves it to exactly one of ``processed/``, ``duplicates/``
  or ``failed/`` (:mod:`saraban.watch.filing` plans the names and moves).
"""
from __future__ import annotations

from saraban.watch.filing import Folders
from saraban.watch.loop import DUPLICATE, FAILED, LEFT, NEW_VERSION, RESUMED, STORED, Tally, Watcher, WatcherBusyError, WatchSettings

__all__ = ["DUPLICATE", "FAILED", "LEFT", "NEW_VERSION", "RESUMED", "STORED", "Folders", "Tally", "WatchSettings", "Watcher", "WatcherBusyError"]
