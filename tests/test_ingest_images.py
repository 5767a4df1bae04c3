"""Scans and bad input: images, lying extensions, and a batch that goes on past bad files."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from ingest_fixtures import FixedEngine, huge_png_header, page_image, text_pdf, LETTER

from saraban.ingest.images import read_image_pages
from saraban.ingest.triage import triage
from saraban.cli import cli
from saraban.core.errors import CorruptFileError, EmptyFileError, MismatchedTypeError, TooLargeError
from saraban.core.options import ReadOptions


def test_multipage_tiff_gives_one_ocr_page_per_frame(tmp_path):
    frames = [page_image("๒๒ ธันวาคม ๒๕๖๕"), page_image("ที่ พล ๐๐๑๗.๓/๖๕๖๕")]
    frames[0].save(tmp_path / "scan.tif", save_all=True, append_images=frames[1:], dpi=(300, 300))
    engine = FixedEngine()
    pages = list(read_image_pages(tmp_path / "scan.tif", ReadOptions(jobs=2), engine=engine))
    assert [(p.number, p.method) for p in pages] == [(1, "ocr"), (2, "ocr")]
    assert engine.calls == 2


def test_truncated_image_is_a_typed_error(tmp_path):
    page_image("๒๒ ธันวาคม ๒๕๖๕").save(tmp_path / "whole.png")
    data = (tmp_path / "whole.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError, match=r"cut\.png: "):
        list(read_image_pages(tmp_path / "cut.png", engine=FixedEngine()))


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    bomb = huge_png_header(tmp_path / "bomb.png", 20000, 20000)
    engine = FixedEngine()
    with pytest.raises(TooLargeError, match=r"bomb\.png: .*20000x20000|bomb\.png: image too large"):
        list(read_image_pages(bomb, engine=engine))
    assert engine.calls == 0


def test_png_named_pdf_is_read_as_what_it_is(tmp_path):
    page_image("๒๒ ธันวาคม ๒๕๖๕").save(tmp_path / "memo.pdf", format="PNG")
    assert triage(tmp_path / "memo.pdf") == "image"


@pytest.mark.parametrize(("name", "data", "error"), [
    pytest.param("memo.pdf", b"<html><body>404 Not Found</body></html>", MismatchedTypeError, id="html-named-pdf"),
    pytest.param("scan.png", "ที่ มท".encode(), MismatchedTypeError, id="text-named-png"),
    pytest.param("empty.pdf", b"", EmptyFileError, id="zero-bytes"),
])
def test_lying_or_empty_files_are_typed_errors(tmp_path, name, data, error):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(error, match=rf"{name.replace('.', '[.]')}: "):
        triage(tmp_path / name)


def test_batch_reports_each_bad_file_and_goes_on(tmp_path):
    good = text_pdf(tmp_path / "letter.pdf", [LETTER])
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "fake.pdf").write_bytes(b"<html>error</html>")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n%garbage")
    huge_png_header(tmp_path / "bomb.png")
    paths = [str(tmp_path / n) for n in ("empty.pdf", "fake.pdf", "broken.pdf", "bomb.png", "letter.pdf")]
    result = CliRunner().invoke(cli, ["extract", *paths, "--json"])
    assert result.exit_code == 1
    [line] = result.stdout.splitlines()
    assert json.loads(line)["doc_id"] == "letter" and good.exists()
    for name in ("empty.pdf", "fake.pdf", "broken.pdf", "bomb.png"):
        assert f"{name}: " in result.stderr
