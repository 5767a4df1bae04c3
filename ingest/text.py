"""Plain text files: UTF-8, or the legacy Thai encodings TIS-620 / cp874."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from saraban.ingest import Page
from saraban.core.errors import EncodingError


def decode_thai_bytes(data: bytes, path: Path | str = "<bytes>") -> str:
    """Decode UTF-8 (with or without BOM), else cp874 (a superset of TIS-620).

    charset-normalizer is not used here: on short Thai texts it guesses among
    cp874, tis-620 and iso8859-11 (all the same for Thai), and sometimes a
    Cyrillic code page; a strict UTF-8 try then cp874 is exact for what Thai
    offices produce.

    >>> decode_thai_bytes("ที่ มท".encode("cp874"))
    'ที่ มท'
    >>> decode_thai_bytes("ที่ มท".encode("utf-8"))
    'ที่ มท'
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError as err:
        raise EncodingError(path, f"not UTF-8 and not TIS-620/cp874 text (byte {err.start})") from err
    if _thai_share(text) < 0.2:
        raise EncodingError(path, "not UTF-8, and as TIS-620/cp874 it is not Thai text")
    return text


def _thai_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum("\u0e00" <= c <= "\u0e7f" for c in letters) / max(len(letters), 1)


def read_text_pages(path: Path) -> Iterator[Page]:
    """Pages of a text file: split at form feeds, as `saraban extract --text` prints them."""
    text = decode_thai_bytes(Path(path).read_bytes(), path)
    for number, chunk in enumerate(text.split("\f"), 1):
        yield Page(number=number, text=chunk, method="text")
