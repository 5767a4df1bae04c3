"""The saraban command, through click's CliRunner and as a real process."""
from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from saraban.cli import cli

FIELDS = ["dates", "references", "counts", "goals", "targets", "money", "provinces"]


def test_extract_json_lines(samples):
    result = CliRunner().invoke(cli, ["extract", *map(str, samples), "--json"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 5
    docs = [json.loads(line) for line in lines]
    assert [d["doc_id"] for d in docs] == [p.stem for p in samples]
    for d in docs:
        assert all(isinstance(d[f], list) for f in FIELDS)


def test_extract_text_prints_normalized_text(tmp_path):
    src = tmp_path / "memo.txt"
    src.write_text("ที ่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔\fส\u0e4d\u0e32นัก", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(src), "--text"])
    assert result.exit_code == 0
    assert result.output == "==> memo <==\nที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔\fสำนัก\n"


def test_extract_reads_tis620(tmp_path):
    src = tmp_path / "legacy.txt"
    src.write_bytes("เรื่อง ขอเชิญประชุม กระทรวงมหาดไทย".encode("tis-620"))
    result = CliRunner().invoke(cli, ["extract", str(src), "--text"])
    assert result.exit_code == 0
    assert "เรื่อง ขอเชิญประชุม กระทรวงมหาดไทย" in result.output


def test_bad_files_are_named_and_the_rest_still_processed(tmp_path, samples):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    args = ["extract", str(tmp_path / "missing.txt"), str(empty), str(junk), str(samples[0]), "--json"]
    proc = subprocess.run([sys.executable, "-m", "saraban", *args], capture_output=True, text=True)
    assert proc.returncode == 1
    err = proc.stderr.splitlines()
    assert any("missing.txt" in line and "no such file" in line for line in err)
    assert any("empty.txt" in line and "empty" in line for line in err)
    assert any("junk.bin" in line and "unsupported" in line for line in err)
    assert json.loads(proc.stdout)["doc_id"] == samples[0].stem


def test_commands_have_help():
    for command in cli.commands:
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output


def test_extract_summary_names_what_was_found(samples):
    letter = next(p for p in samples if p.stem == "letter_phitsanulok")
    result = CliRunner().invoke(cli, ["extract", str(letter), "--summary"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("letter_phitsanulok  (text, 1 page(s), text)")
    assert "พล 0017.3/6565" in result.output
    assert "2022-12-22" in result.output
