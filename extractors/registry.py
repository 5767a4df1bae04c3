"""Every extractor, by the field of spec/extraction.md it fills.

The CLI, the JSON output, db/ and the spaCy component loop over EXTRACTORS and
never name an extractor.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from saraban.extractors.records import Record
from saraban.normalizers import thai_digits_to_arabic

Extractor = Callable[[str], list[Record]]


@dataclass(frozen=True, slots=True)
class ExtractorSpec:
    """One field's extractor: the function, and the version stored with its records."""

    field: str
    fn: Extractor
    version: str

    @property
    def name(self) -> str:
        """The function's dotted name inside the package (``extractors.dates.extract_dates``).

        Without the ``saraban.`` prefix: the name stored with every record
        stayed the same when the folders moved under one installed package.
        """
        return f"{self.fn.__module__.removeprefix('saraban.')}.{self.fn.__name__}"


def _registry() -> dict[str, ExtractorSpec]:
    from saraban.extractors import counts, dates, goals, letter, money, provinces, references, targets, times

    specs = [  # one line per field of spec/extraction.md, in its order; then the extra fields
        ExtractorSpec("dates", dates.extract_dates, dates.VERSION),
        ExtractorSpec("references", references.extract_references, references.VERSION),
        ExtractorSpec("counts", counts.extract_counts, counts.VERSION),
        ExtractorSpec("goals", goals.extract_goals, goals.VERSION),
        ExtractorSpec("targets", targets.extract_targets, targets.VERSION),
        ExtractorSpec("money", money.extract_money, money.VERSION),
        ExtractorSpec("provinces", provinces.extract_provinces, provinces.VERSION),
        ExtractorSpec("letter", letter.extract_letter_fields, letter.VERSION),
        ExtractorSpec("times", times.extract_times, times.VERSION),
    ]
    return {s.field: s for s in specs}


EXTRACTORS: dict[str, ExtractorSpec] = _registry()


def extractors_version() -> str:
    """One string that changes whenever any extractor's version changes."""
    return ";".join(f"{f}={s.version}" for f, s in sorted(EXTRACTORS.items()))


def extract_all(text: str, extractors: dict[str, ExtractorSpec] | None = None) -> dict[str, list[Record]]:
    """Run every extractor over normalized ``text``; Thai digits are folded once here.

    Folding is one character for one, so every record's offsets are valid in
    ``text`` itself; each record's ``text`` is taken from ``text``, not the fold.
    """
    folded = thai_digits_to_arabic(text)
    out: dict[str, list[Record]] = {}
    for field, spec in (extractors or EXTRACTORS).items():
        out[field] = [_unfold(r, text) for r in spec.fn(folded)]
    return out


def _unfold(record: Record, text: str) -> Record:
    import dataclasses

    original = text[record.start:record.end]
    return record if record.text == original else dataclasses.replace(record, text=original)
