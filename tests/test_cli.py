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


def test_exit_codes_say_whether_some_or_all_files_failed(tmp_path, samples):
    """README: Exit codes. 1 when some files failed, 3 when none could be read, 2 for usage."""
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    runner = CliRunner()
    assert runner.invoke(cli, ["extract", str(empty), str(samples[0])]).exit_code == 1
    assert runner.invoke(cli, ["extract", str(empty), str(tmp_path / "missing.txt")]).exit_code == 3
    assert runner.invoke(cli, ["ingest", str(empty), "--db", str(tmp_path / "a.db"), "--no-progress"]).exit_code == 3
    assert runner.invoke(cli, ["extract", str(samples[0]), "--ocr", "sometimes"]).exit_code == 2
    assert runner.invoke(cli, ["ingest", str(samples[0]), "--db", str(tmp_path / "a.db"), "--no-progress",
                               "--ocr", "force", "--deskew"]).exit_code == 0


def test_an_unexpected_error_is_one_line_and_the_traceback_only_with_debug(tmp_path, samples, monkeypatch):
    import saraban.pipeline

    def broken(path, kind, ctx):
        raise KeyError("word/document.xml")

    monkeypatch.setattr(saraban.pipeline, "open_pages", broken)
    plain = CliRunner().invoke(cli, ["extract", str(samples[0]), str(samples[1])])
    assert plain.exit_code == 3
    lines = [line for line in plain.output.splitlines() if line.startswith("saraban: ")]
    assert lines == [f"saraban: {p}: KeyError: 'word/document.xml'" for p in samples[:2]]
    assert "Traceback" not in plain.output
    debug = CliRunner().invoke(cli, ["--debug", "extract", str(samples[0])])
    assert "Traceback" in debug.output and debug.exit_code == 3
