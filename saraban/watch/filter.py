"""Which names in the inbox the watcher takes, and which it leaves alone.

Two questions, asked in this order: is the *name* one we take (a supported
document, not an editor's lock file, a half-finished download or a NAS's
litter)? Then is the *file* safe to read: a regular file reached from the
inbox without passing through a symlink? See paperless-ngx
``document_consumer.py`` (``ConsumerFilter``) for the same idea.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from saraban.ingest.triage import is_supported_name

# Folders that sync tools, NASes and other OSes leave behind; nothing in them is a document.
IGNORED_DIRS = frozenset({
    "@eadir",           # Synology thumbnails
    "__macosx",         # macOS resource forks inside zip files
    ".trashes",         # macOS removable-disk trash
    ".stfolder",        # Syncthing marker
    ".stversions",      # Syncthing old versions
    "#recycle",         # Synology / QNAP recycle bin
    "@recycle",
    "$recycle.bin",     # Windows recycle bin
    "system volume information",
})

# Files that are never documents, whatever their ending.
IGNORED_NAMES = frozenset({"desktop.ini", "thumbs.db", ".ds_store", "icon\r"})

# Endings of files still being written: browsers, rsync/curl and office programs write
# under a temporary name and rename when done. Our own failure notes end in .error.txt.
TEMP_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", ".temp", ".swp", "~", ".error.txt")

# Prefixes of lock files and resource forks: "~$report.docx" (Word), "._memo.pdf" (macOS).
TEMP_PREFIXES = ("~$", ".~lock", "._", ".")


def is_ignored_dir_name(name: str) -> bool:
    """True for a folder the watcher never enters: hidden ones and known litter.

    >>> is_ignored_dir_name("@eaDir"), is_ignored_dir_name(".git"), is_ignored_dir_name("กองคลัง")
    (True, True, False)
    """
    return name.startswith(".") or name.lower() in IGNORED_DIRS


def is_wanted_name(name: str) -> bool:
    """True when a file name is a document to take (not hidden, temporary or litter).

    >>> is_wanted_name("หนังสือเวียน ว 123.pdf"), is_wanted_name("~$หนังสือ.docx")
    (True, False)
    >>> is_wanted_name("memo.pdf.crdownload"), is_wanted_name("Thumbs.db")
    (False, False)
    """
    lower = name.lower()
    if lower in IGNORED_NAMES or lower.startswith(TEMP_PREFIXES) or lower.endswith(TEMP_SUFFIXES):
        return False
    return is_supported_name(Path(name))


def is_wanted_path(path: Path, inbox: Path) -> bool:
    """True when ``path`` names a wanted file inside ``inbox``, by name only (no disk access).

    Every folder between the inbox and the file is checked too, and a name that
    climbs out of the inbox (``..``) is refused.

    >>> inbox = Path("/srv/inbox")
    >>> is_wanted_path(inbox / "กองคลัง" / "memo.txt", inbox)
    True
    >>> is_wanted_path(inbox / "@eaDir" / "memo.txt", inbox), is_wanted_path(inbox / ".." / "memo.txt", inbox)
    (False, False)
    """
    rel = relative_to_inbox(path, inbox)
    if rel is None or not rel.parts:
        return False
    *folders, name = rel.parts
    return not any(is_ignored_dir_name(f) for f in folders) and is_wanted_name(name)


def relative_to_inbox(path: Path, inbox: Path) -> Path | None:
    """``path`` relative to ``inbox``, lexically (``..`` resolved, symlinks not); None if outside."""
    rel = os.path.relpath(os.path.normpath(os.path.abspath(path)), os.path.normpath(os.path.abspath(inbox)))
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None
    return Path(rel)


def is_safe_file(path: Path, inbox: Path) -> bool:
    """True when ``path`` is a regular file reached from ``inbox`` through no symlink.

    A symlink in the inbox could point anywhere on the machine (another
    office's folder, ``/etc``): the watcher neither reads nor moves it.
    """
    rel = relative_to_inbox(path, inbox)
    if rel is None:
        return False
    here = Path(os.path.abspath(inbox))
    try:
        for part in rel.parts:
            here = here / part
            mode = os.lstat(here).st_mode
            if stat.S_ISLNK(mode):
                return False
    except OSError:
        return False
    return stat.S_ISREG(mode)
