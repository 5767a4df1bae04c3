"""Plain text files: UTF-8, UTF-16 (Windows Notepad's "Unicode"), or the legacy Thai encodings TIS-620 / cp874."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from saraban.core.errors import EncodingError
from saraban.ingest import Page

# Byte-order marks, longest first (UTF-32's LE mark starts with UTF-16's): Windows
# Notepad saves "Unicode" as UTF-16 LE with its mark, "Unicode big endian" as BE.
BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# UTF-16 is taken for Thai text when this share of its characters are Thai, printable
# ASCII or white space (with a mark or without): random bytes decode to almost none of
# them (0 of 1,000 random 4 KB heads reach it), a Thai letter to over 99 %.
MIN_UTF16_SHARE = 0.95


def _plain_share(text: str) -> float:
    plain = sum(1 for c in text if "\u0e00" <= c <= "\u0e7f" or " " <= c <= "~" or c in "\t\r\n\f")
    return plain / max(len(text), 1)


def bom_encoding(data: bytes) -> str | None:
    """The UTF-16/32 encoding a byte-order mark at the start names, or None.

    >>> bom_encoding("ที่ มท".encode("utf-16")), bom_encoding(b"\\xef\\xbb\\xbfabc")
    ('utf-16', None)
    """
    return next((codec for mark, codec in BOMS if data.startswith(mark)), None)


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``data`` reads as Thai/ASCII text in it (no mark), else None.

    >>> utf16_without_bom("เรื่อง ขอเชิญประชุม".encode("utf-16-le")), utf16_without_bom(bytes(range(64)))
    ('utf-16-le', None)
    """
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data[: len(data) - len(data) % 2].decode(codec)
        except UnicodeDecodeError:
            continue
        if text and _plain_share(text) >= MIN_UTF16_SHARE:
            return codec
    return None


def decode_thai_bytes(data: bytes, path: Path | str = "<bytes>") -> str:
    """Decode by a UTF-16/32 byte-order mark, else as UTF-16 without a mark when it reads as
    such (:func:`utf16_without_bom`), else UTF-8 (with or without BOM), else cp874 (a superset of TIS-620).

    charset-normalizer is not used here: on short Thai texts it guesses among
    cp874, tis-620 and iso8859-11 (all the same for Thai), and sometimes a
    Cyrillic code page; a strict UTF-8 try then cp874 is exact for what Thai
    offices produce.

    >>> decode_thai_bytes("ที่ มท".encode("cp874"))
    'ที่ มท'
    >>> decode_thai_bytes("ที่ มท".encode("utf-8"))
    'ที่ มท'
    >>> decode_thai_bytes("ที่ มท".encode("utf-16"))
    'ที่ มท'
    """
    codec = bom_encoding(data)
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as err:
            raise EncodingError(path, f"starts with a {codec.upper()} byte-order mark but is not {codec.upper()} "
                                      f"text (byte {err.start})") from err
        if _plain_share(text) < MIN_UTF16_SHARE:
            raise EncodingError(path, f"starts with a {codec.upper()} byte-order mark, but as {codec.upper()} "
                                      "it is not Thai text")
        return text
    # before UTF-8: Thai in UTF-16 LE (0x01-0x5b, 0x0e) is valid UTF-8 control characters;
    # a NUL byte (the high half of a space or a digit) is never in Thai UTF-8 text
    codec = utf16_without_bom(data) if b"\x00" in data else None
    if codec is not None:
        return data[: len(data) - len(data) % 2].decode(codec)
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
