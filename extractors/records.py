"""The base of every extracted record."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """A mention found in normalized text.

    ``text`` is the span as it stands in the normalized text, ``start``/``end``
    its offsets there (``text == normalized[start:end]``, always); ``confidence``
    is 1.0 for an exact pattern and the rapidfuzz score / 100 for a fuzzy match.
    Subclasses add the keys ``spec/extraction.md`` names, spelled the same way.
    """

    text: str
    start: int
    end: int
    confidence: float = 1.0
