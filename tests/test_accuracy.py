"""Dev-set accuracy: `saraban extract` on the shared dev corpus, scored by the shared scorer.

Each field is its own test, so a field below the bar fails alone. The five
documents are a development set: rules follow the format, never one document.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIELDS = ["dates", "references", "counts", "goals", "targets", "money", "provinces"]
MIN_F1 = 0.97


@pytest.fixture(scope="module")
def report(shared: Path, shared_tool, tmp_path_factory) -> dict:
    texts = sorted((shared / "corpus" / "texts").glob("*.txt"))
    out = subprocess.run(
        [sys.executable, "-m", "saraban", "extract", *map(str, texts), "--json"],
        capture_output=True, text=True, check=True,
    )
    predictions = tmp_path_factory.mktemp("accuracy") / "predictions.jsonl"
    predictions.write_text(out.stdout, encoding="utf-8")
    score = shared_tool("score")
    result, errors = score.score(shared / "corpus" / "gold", score.load_predictions(predictions))
    result["_errors"] = errors
    return result


@pytest.mark.parametrize("field", FIELDS)
def test_field_f1(report, field):
    errors = [e for e in report["_errors"] if e[1] == field]
    assert report[field]["f1"] >= MIN_F1, json.dumps(errors, ensure_ascii=False)
