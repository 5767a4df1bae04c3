"""Errors about one input file. Each carries the path and puts it first in its message."""
from __future__ import annotations

from pathlib import Path


class SarabanError(Exception):
    """Base for every error the pipeline reports about one input file."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = Path(path), reason

    def __reduce__(self) -> tuple[type, tuple[Path, str]]:
        # rebuilt from (path, reason), not from the message: errors cross process
        # boundaries (saraban.batch's process pool and Dask workers) by pickling
        return type(self), (self.path, self.reason)


class MissingFileError(SarabanError):
    """The path does not exist or is not a regular file."""


class UnsupportedFileError(SarabanError):
    """The file's content is of no type Saraban reads."""


class MismatchedTypeError(UnsupportedFileError):
    """The name promises a kind (``.pdf``, ``.png``) that the content is not, nor any other kind read."""


class EmptyFileError(SarabanError):
    """The file has zero bytes."""


class CorruptFileError(SarabanError):
    """The file claims a type but cannot be parsed as it (truncated, damaged)."""


class EncryptedPdfError(SarabanError):
    """The PDF needs a password; we never guess one."""


class TooLargeError(SarabanError):
    """A file too large to read safely: an image of too many pixels, an Office package whose
    parts inflate too far (a decompression bomb), a document of more pages than the run allows."""


class TooManyPagesError(TooLargeError):
    """A document of more pages than ``ReadOptions.max_pages`` (a runaway file in the watched folder)."""


class EncodingError(SarabanError):
    """A text file in no encoding Saraban can decode (UTF-8, TIS-620/cp874)."""


class OcrError(SarabanError):
    """Tesseract failed on a page or is not installed."""


class WorkerDiedError(SarabanError):
    """The worker process reading this file died, also when the file ran again alone: a crash in a
    native library, or out of memory (saraban.runner)."""


class UnexpectedError(SarabanError):
    """An error no reader expected (a library's own exception, a bug), by its type and message.

    The runners report it like any other, on one line naming the file, and the
    run goes on with the next file.
    """
