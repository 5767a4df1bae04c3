"""A short human-readable account of what was found in a document (`saraban extract --summary`)."""
from __future__ import annotations

from saraban.pipeline import DocumentResult

# The key that says what each field's record is, for one line of the summary.
_SHOWN = {
    "dates": lambda r: r.iso,
    "references": lambda r: r.normalized,
    "counts": lambda r: f"{r.value:,} {r.unit}",
    "goals": lambda r: f"SDG {r.goal}",
    "targets": lambda r: r.target + ("" if r.valid else " (invalid)"),
    "money": lambda r: f"{r.baht:,} บาท",
    "provinces": lambda r: r.name,
    "letter": lambda r: f"{r.key}: {r.value[:40]}",
    "times": lambda r: r.iso,
}


def summarize(result: DocumentResult, *, most: int = 8) -> str:
    """Lines naming the document, then each field with how many it found and the first few."""
    methods = ", ".join(sorted({p.method for p in result.pages}))
    lines = [f"{result.doc_id}  ({result.kind}, {len(result.pages)} page(s), {methods})"]
    for field, records in result.fields.items():
        if not records:
            continue
        show = _SHOWN.get(field, lambda r: r.text)
        seen: list[str] = []
        for r in records:
            s = show(r)
            if s not in seen:
                seen.append(s)
        more = f" … (+{len(seen) - most})" if len(seen) > most else ""
        lines.append(f"  {field:<11}{len(records):>4}  " + "; ".join(seen[:most]) + more)
    return "\n".join(lines)
