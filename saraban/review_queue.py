"""Which records a person should check, and why: the ``review`` column of every field table.

Decided once per record where the record becomes a row
(``DocumentResult.record_dict``), from the record's keys (spec/extraction.md,
never an extractor's name) and the words of the page under its span. A
record that needs no check gets None.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from saraban.ingest.layout import DIGITS_CHANGED, REREAD, PlacedWord

# tesseract's word confidence (0-100) under which its digits are doubtful: the bar
# ingest/ocr.py (_TRUSTED_DIGITS) uses to leave an all-digit token as read rather
# than re-read it.
UNSURE_DIGITS = 80.0
# A record's own confidence under which it is checked. Exact patterns give 1.0; a
# fuzzy name with one edit in fewer than 20 letters scores under 95 (rapidfuzz ratio),
# a province name that is also an everyday word 0.9, a weekday that contradicts the
# calendar 0.6 (extractors/dates.py).
REVIEW_BELOW = 0.95

_DIGIT = re.compile(r"[0-9๐-๙]")
# an office code's groups joined by a comma: OCR read the dot as one ("มท 0204,4/ว 10104")
_COMMA_IN_CODE = re.compile(r"[0-9๐-๙]\s?,\s?[0-9๐-๙]")
_SLASH = re.compile(r"[/／]")


def review_reason(record: Mapping[str, Any], words: Sequence[PlacedWord], text: str) -> str | None:
    """Why ``record`` (a record dict) should be checked by a person, or None.

    ``words`` are the page's words under the record's span, ``text`` the raw text of that span.

    >>> review_reason({"iso": "2022-10-30", "confidence": 1.0}, [PlacedWord(0, 4, 0, 0, 9, 9, 955, 2)], "๒๕๖๕")
    'year or number repaired after OCR'
    >>> review_reason({"normalized": "มท 0204.4/ว10104", "serial": "10104", "confidence": 1.0}, [], "มท ๐๒๐๔,๔/ว ๑๐๑๐๔")
    'reference repaired: a comma read as the dot of the office code'
    >>> review_reason({"name": "ลำปาง", "confidence": 1.0}, [], "ลำปาง") is None
    True
    """
    reasons = []
    digits = [w for w in words if w.confidence >= 0] if _DIGIT.search(text) else []
    if any(w.flags & REREAD for w in digits):
        reasons.append("OCR: digits re-read from the image")
    unsure = [w.confidence / 10 for w in digits if w.confidence / 10 < UNSURE_DIGITS and not w.flags & REREAD]
    if unsure:
        reasons.append(f"OCR unsure of the digits (confidence {min(unsure):.0f})")
    if any(w.flags & DIGITS_CHANGED for w in words):
        reasons.append("year or number repaired after OCR")
    confidence = record.get("confidence")
    if isinstance(confidence, (int, float)) and confidence < REVIEW_BELOW:
        reasons.append(f"fuzzy or doubtful match (confidence {confidence:.2f})")
    if "normalized" in record and "serial" in record:
        if _COMMA_IN_CODE.search(text):
            reasons.append("reference repaired: a comma read as the dot of the office code")
        if not _SLASH.search(text):
            reasons.append("reference repaired: no slash before the serial")
    return "; ".join(reasons) or None
