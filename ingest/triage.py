"""Decide what kind of file this is, by its content first and its name second."""
from __future__ import annotations

import logging
import zipfile
from pathlib import Path

from saraban.core.errors import EmptyFileError, MismatchedTypeError, MissingFileError, UnsupportedFileError
from saraban.ingest.text import bom_encoding, utf16_without_bom

log = logging.getLogger(__name__)

# File kinds Saraban reads, and the name endings a folder scan picks up.
SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".pdf": "pdf",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
    ".docx": "docx",
    ".pptx": "pptx",
}

# Magic numbers: the first bytes of each binary kind.
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
]


def is_supported_name(path: Path) -> bool:
    """True when the name ends in a suffix Saraban reads.

    >>> is_supported_name(Path("memo.PDF")), is_supported_name(Path("a.xls"))
    (True, False)
    """
    return path.suffix.lower() in SUFFIXES


def triage(path: Path) -> str:
    """The kind of ``path``: text, pdf, image, docx or pptx, from its content.

    A name whose extension lies about the content is read as what the bytes
    are when they are of a kind Saraban reads (a PNG named ``.pdf``, logged);
    a name that promises a binary kind over bytes of none (an HTML error page
    saved as ``.pdf``) raises MismatchedTypeError; other bytes of no known
    kind with a binary look raise UnsupportedFileError.
    """
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(path, "no such file")
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(path, "empty file (0 bytes)")
    with path.open("rb") as fh:
        head = fh.read(4096)
    kind = next((k for magic, k in _MAGIC if head.startswith(magic)), None)
    if kind is None and head.startswith(b"PK\x03\x04"):
        kind = _office_kind(path)
    named = SUFFIXES.get(path.suffix.lower())
    if kind is not None:
        if named is not None and named != kind:
            log.warning("%s: named as %s but the content is %s; read as %s", path, named, kind, kind)
        return kind
    if named not in (None, "text"):
        raise MismatchedTypeError(path, f"named {path.suffix} but the content is not {named} "
                                        f"(it starts with {head[:16]!r})")
    if b"\x00" not in head or bom_encoding(head) or utf16_without_bom(head):
        return "text"   # UTF-16 (Windows Notepad's "Unicode") has NUL bytes: read by its mark
    raise UnsupportedFileError(path, f"unsupported file type ({path.suffix or 'no extension'}, binary content)")


# How far from the end the end-of-file mark of each format is looked for: PDF readers
# look for %%EOF in the last 1024 bytes; some writers put a few bytes after a PNG's
# IEND or a JPEG's EOI (padding, a camera's trailer).
_TAIL_BYTES = 4096


def cut_short(path: Path) -> str | None:
    """Why the file looks cut short (a copy still under way, a download cut off), or None.

    Only where the format says where it ends: a PDF without ``%%EOF`` near its
    end, a PNG without its ``IEND`` chunk, a JPEG without its end-of-image
    marker (FF D9), a TIFF whose image data (strips or tiles) or next page runs
    past the end of the file. Any other file, or one that ends as it should,
    gives None. Reads the head and the tail, and a TIFF's directories.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(16)
            fh.seek(max(size - _TAIL_BYTES, 0))
            tail = fh.read()
    except OSError:
        return None
    if head.startswith(b"%PDF-"):
        return None if b"%%EOF" in tail[-1024:] else "a PDF without %%EOF at its end"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return None if b"IEND" in tail else "a PNG without its IEND chunk"
    if head.startswith(b"\xff\xd8\xff"):
        return None if b"\xff\xd9" in tail else "a JPEG without its end-of-image marker"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return _tiff_cut_short(path, size)
    return None


def _tiff_cut_short(path: Path, size: int) -> str | None:
    """Why a TIFF's pages or image data run past its ``size`` bytes, or None (Pillow reads the directories)."""
    import warnings

    from PIL import Image, ImageSequence

    try:
        with warnings.catch_warnings(), Image.open(path) as image:
            warnings.simplefilter("ignore", UserWarning)   # "Corrupt EXIF data": the answer says it
            for number, frame in enumerate(ImageSequence.Iterator(image), 1):
                tags = frame.tag_v2
                offsets = tags.get(273) or tags.get(324) or ()      # StripOffsets, TileOffsets
                counts = tags.get(279) or tags.get(325) or ()       # StripByteCounts, TileByteCounts
                end = max((o + c for o, c in zip(offsets, counts)), default=0)
                if end > size:
                    return f"a TIFF whose page {number} image data runs past its end ({end:,} > {size:,} bytes)"
    except (OSError, SyntaxError, ValueError, EOFError, TypeError, KeyError) as err:  # Pillow on a cut directory
        return f"a TIFF whose directories run past its end ({type(err).__name__}: {err})"
    return None


def _office_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile as err:
        raise UnsupportedFileError(path, f"damaged zip container: {err}") from err
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    raise UnsupportedFileError(path, "a zip file that is neither a .docx nor a .pptx")
