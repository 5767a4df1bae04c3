"""Where a handled file goes, and moving it there without ever overwriting one.

Each file leaves the inbox for exactly one of three folders (beside the inbox
by default), under the day it was handled and its path inside the inbox:
``processed/2026-11-23/กองคลัง/memo.pdf``, ``duplicates/...`` (the same bytes
are stored already) or ``failed/...`` with a note ``memo.pdf.error.txt``.
A name already taken gets ``-1``, ``-2``... before its ending; a name that
would then pass NAME_MAX bytes (with its note's ``.error.txt``) is cut on a
character boundary, its ending kept (issue 15).

A file is *placed* at its destination (:func:`place_file`: a hard link, or a
copy where the disk has none) before the database names it there, and only
then unlinked from the inbox (:func:`unlink_source`): a row never names a path
that was not written.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

ERROR_SUFFIX = ".error.txt"
# Bytes in one file name: ext4, XFS, Btrfs and ZFS take 255 bytes, NTFS and SMB shares 255
# UTF-16 units (at least 255 bytes of UTF-8). A Thai character is 3 bytes in UTF-8, so
# 85 of them fill a name.
NAME_MAX = 255


@dataclass(frozen=True, slots=True, kw_only=True)
class Folders:
    """The inbox and the three folders files leave it for."""

    inbox: Path
    processed: Path
    failed: Path
    duplicates: Path

    @classmethod
    def beside(cls, inbox: Path, *, processed: Path | None = None, failed: Path | None = None,
               duplicates: Path | None = None) -> Folders:
        """The default layout: ``processed/``, ``failed/`` and ``duplicates/`` next to the inbox.

        >>> Folders.beside(Path("/srv/saraban/inbox")).failed
        PosixPath('/srv/saraban/failed')
        """
        inbox = Path(os.path.abspath(inbox))
        return cls(
            inbox=inbox,
            processed=Path(os.path.abspath(processed or inbox.parent / "processed")),
            failed=Path(os.path.abspath(failed or inbox.parent / "failed")),
            duplicates=Path(os.path.abspath(duplicates or inbox.parent / "duplicates")),
        )

    @property
    def outputs(self) -> tuple[Path, Path, Path]:
        return (self.processed, self.failed, self.duplicates)


def today() -> str:
    """The local date as the dated folders spell it: ``2026-11-23``."""
    return dt.date.today().isoformat()


def _taken(path: Path, with_note: bool) -> bool:
    return os.path.lexists(path) or (with_note and os.path.lexists(note_path(path)))


def fit_name(stem: str, tail: str, limit: int = NAME_MAX) -> str:
    """``stem + tail``, the stem cut on a character boundary so the name's UTF-8 fits in ``limit`` bytes.

    >>> fit_name("หนังสือเวียน", "-1.pdf", limit=20)
    'หนัง-1.pdf'
    >>> len(fit_name("ก" * 84, "-12.pdf").encode())   # 82 whole characters: 246 + 7 bytes
    253
    """
    room = limit - len(tail.encode())
    if len(stem.encode()) <= room:
        return stem + tail
    return stem.encode()[:max(room, 0)].decode("utf-8", errors="ignore") + tail


def destination_name(rel: Path, n: int = 0, *, with_note: bool = False) -> str:
    """The ``n``-th name :func:`plan_destination` tries for ``rel``: its own, then ``NAME-n.ext``, fitted.

    ``with_note``: room is kept for the failure note's ``.error.txt``.

    >>> destination_name(Path("memo.pdf"), 2)
    'memo-2.pdf'
    >>> name = destination_name(Path("ก" * 84 + ".pdf"), 0, with_note=True)
    >>> len((name + ERROR_SUFFIX).encode()) <= NAME_MAX, name.endswith(".pdf")
    (True, True)
    """
    limit = NAME_MAX - (len(ERROR_SUFFIX.encode()) if with_note else 0)
    return fit_name(rel.stem, (f"-{n}" if n else "") + rel.suffix, limit)


def plan_destination(root: Path, rel: Path, *, day: str | None = None, with_note: bool = False) -> Path:
    """A free name for ``rel`` under ``root/DAY/``: ``rel`` itself, else ``NAME-1.ext``, ``NAME-2.ext``...

    Every name fits in NAME_MAX bytes (:func:`destination_name`). ``with_note``:
    the failure note beside it must be free, and fit, too.
    """
    folder = root / (day or today()) / rel.parent
    n = 0
    candidate = folder / destination_name(rel, n, with_note=with_note)
    while _taken(candidate, with_note):
        n += 1
        candidate = folder / destination_name(rel, n, with_note=with_note)
    return candidate


def is_planned_for(dest: Path, root: Path, rel: Path) -> bool:
    """True when ``dest`` is a name ``plan_destination(root, rel)`` could have given on some day.

    The watcher stores a document's planned destination in the same
    transaction as the document; after a crash, the file still in the inbox is
    moved there if this holds (and the destination is still free).

    >>> is_planned_for(Path("/p/2026-11-23/a/memo-2.pdf"), Path("/p"), Path("a/memo.pdf"))
    True
    >>> is_planned_for(Path("/p/2026-11-23/a/other.pdf"), Path("/p"), Path("a/memo.pdf"))
    False
    """
    try:
        parts = dest.relative_to(root).parts
    except ValueError:
        return False
    if len(parts) < 2 or Path(*parts[1:-1]) != rel.parent:
        return False
    name = parts[-1]
    numbered = re.search(r"-(\d+)" + re.escape(rel.suffix) + "$", name)
    tries = {0, int(numbered.group(1))} if numbered else {0}
    return any(name == destination_name(rel, n, with_note=note) for n in tries for note in (False, True))


def note_path(dest: Path) -> Path:
    """The failure note beside a failed file: ``memo.pdf`` -> ``memo.pdf.error.txt``."""
    return dest.with_name(dest.name + ERROR_SUFFIX)


def write_note(dest: Path, text: str) -> Path:
    """Write the failure note for ``dest`` whole or not at all (temporary name, then rename)."""
    note = note_path(dest)
    note.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_path(note)
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, note)
    return note


def _tmp_path(dest: Path) -> Path:
    """A hidden name beside ``dest`` to write it under first (short: ``dest``'s own name may fill NAME_MAX)."""
    return dest.with_name(f".saraban-{uuid.uuid4().hex[:12]}.tmp")


# Errors from os.link on disks or shares that have no hard links.
_NO_LINKS = {errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS, errno.EACCES}


def move_file(src: Path, dest: Path) -> Path:
    """Move ``src`` to ``dest``, which must not exist; return ``dest``.

    A hard link then an unlink, not a rename: the link fails if ``dest``
    exists (never overwrite, even against another program), and a rename out
    of the inbox makes watchdog hold back every later inotify event for half a
    second, waiting for the other half of the move, which delays the next
    file. A crash between the two leaves one file under two names;
    :func:`find_linked` finds it on restart. Where the disk has no hard links
    it renames; across disks the bytes are copied to a hidden name, synced,
    renamed into place, and only then is the original removed.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as err:
        if err.errno not in _NO_LINKS:
            raise
    else:
        os.unlink(src)
        return dest
    if os.path.lexists(dest):
        raise FileExistsError(errno.EEXIST, "destination exists", str(dest))
    try:
        os.rename(src, dest)
        return dest
    except OSError as err:
        if err.errno != errno.EXDEV:
            raise
    _copy_into_place(src, dest)
    os.unlink(src)
    return dest


def _copy_into_place(src: Path, dest: Path) -> None:
    """Copy ``src`` to a hidden name beside ``dest``, sync it, and link it into place (never over a file)."""
    tmp = _tmp_path(dest)
    try:
        with open(src, "rb") as fin, open(tmp, "wb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
            fout.flush()
            os.fsync(fout.fileno())
        shutil.copystat(src, tmp)
        if os.path.lexists(dest):
            raise FileExistsError(errno.EEXIST, "destination exists", str(dest))
        os.rename(tmp, dest)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def place_file(src: Path, dest: Path) -> Path:
    """Put ``src``'s bytes at ``dest`` (which must not exist) and keep ``src``: the first half of a move.

    A hard link (the same inode: a crash leaves one file under two names,
    which :func:`find_linked` finds on restart), or a synced copy where the
    disk has no hard links. :func:`unlink_source` is the second half, taken
    once the database names ``dest``.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest, follow_symlinks=False)
        return dest
    except FileExistsError:
        raise
    except OSError as err:
        if err.errno not in _NO_LINKS:
            raise
    _copy_into_place(src, dest)
    return dest


def unlink_source(src: Path) -> None:
    """The second half of a move: the inbox's name goes (already gone is fine)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(src)


def find_linked(src: Path, roots: tuple[Path, ...], rel: Path, *, day: str | None = None) -> Path | None:
    """The name ``move_file`` gave ``src`` under one of ``roots`` before a crash kept it from unlinking.

    Only a file with more than one link is looked for, among the names
    ``plan_destination`` could have given it that day.
    """
    try:
        if os.lstat(src).st_nlink < 2:
            return None
    except OSError:
        return None
    for root in roots:
        folder = root / (day or today()) / rel.parent
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if is_planned_for(entry, root, rel) and os.path.samefile(entry, src):
                return entry
    return None
