"""Extractor for the `references` field of spec/extraction.md (to be written: issue 3)."""
from __future__ import annotations

from dataclasses import dataclass

from extractors.records import Record

VERSION = "0"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference(Record):
    pass


def extract_references(text: str) -> list[Reference]:
    """Find references in normalized text (Thai digits already folded to Arabic)."""
    return []
