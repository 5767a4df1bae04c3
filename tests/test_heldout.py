"""Letters written for these tests, never used to tune the extractors: other
provinces, agencies, date styles and OCR-damaged spellings than the dev corpus.

Scored with the shared scorer, as the dev corpus is, field by field.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from saraban.pipeline import process_file

HELDOUT = Path(__file__).parent / "data" / "heldout"
FIELDS = ["dates", "references", "counts", "goals", "targets", "money", "provinces"]


@pytest.fixture(scope="module")
def report(shared_tool, tmp_path_factory):
    score = shared_tool("score")
    preds = tmp_path_factory.mktemp("heldout") / "preds.jsonl"
    with preds.open("w", encoding="utf-8") as fh:
        for path in sorted((HELDOUT / "texts").glob("*.txt")):
            fh.write(json.dumps(process_file(path).to_json(), ensure_ascii=False) + "\n")
    result, errors = score.score(HELDOUT / "gold", score.load_predictions(preds))
    return result, errors


@pytest.mark.parametrize("field", FIELDS)
def test_heldout_f1(report, field):
    result, errors = report
    mine = [e for e in errors if e[1] == field]
    assert result[field]["f1"] >= 0.95, mine
