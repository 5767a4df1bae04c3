"""Extractor for the `targets` field of spec/extraction.md (to be written: issue 3)."""
from __future__ import annotations

from dataclasses import dataclass

from extractors.records import Record

VERSION = "0"


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetMention(Record):
    pass


def extract_targets(text: str) -> list[TargetMention]:
    """Find targets in normalized text (Thai digits already folded to Arabic)."""
    return []
