"""Containment: no name taken from input (file names, --name, TMX/CSV document props) writes
outside the output folder or clobbers the batch's own files."""

from __future__ import annotations

from pathlib import Path

import pytest

from align.errors import AlignError
from align.naming import MAX_NAME_BYTES, output_path, safe_name

from conftest import CORPUS_PAIRS, files_in, run_align


@pytest.mark.parametrize("name, expected", [
    ("energy", "energy"), ("../x", "x"), ("../../etc/passwd", "etc_passwd"), ("/tmp/abs", "tmp_abs"),
    ("a\x00b", "a_b"), ("line\nbreak", "line_break"), ("C:\\Windows\\x", "C_Windows_x"),
    ("CON", "CON_"), ("nul.txt", "nul.txt_"), ("corpus", "corpus_"), ("findings", "findings_"),
    (".hidden", "hidden"), ("", "document"), ("...", "document"), ("Annual Report 2024", "Annual Report 2024"),
    ("zero\u200bwidth", "zero_width"), ("Ölpreis-Bericht", "Ölpreis-Bericht"),
])
def test_safe_name(name, expected):
    assert safe_name(name) == expected


def test_long_names_are_cut_and_stay_distinct():
    a, b = safe_name("x" * 300 + "a"), safe_name("x" * 300 + "b")
    assert len(a.encode()) <= MAX_NAME_BYTES and len(b.encode()) <= MAX_NAME_BYTES and a != b
    assert len(safe_name("ü" * 300).encode()) <= MAX_NAME_BYTES


def test_output_path_stays_inside(tmp_path):
    assert output_path(tmp_path, "../evil", ".tmx") == tmp_path / "evil.tmx"
    assert output_path(tmp_path, "corpus", ".tmx", combined=True) == tmp_path / "corpus.tmx"
    assert output_path(tmp_path, "corpus", ".tmx") == tmp_path / "corpus_.tmx"
    (tmp_path / "link").symlink_to("/tmp")
    with pytest.raises(AlignError, match="outside the output folder"):
        output_path(tmp_path, "link", "")


def test_pair_name_cannot_escape(tmp_path, cache_dir):
    src, tgt, _ = CORPUS_PAIRS["energy"]
    out = tmp_path / "out"
    run = run_align("pair", src, tgt, "--name", "../escaped", "-o", out, "--formats", "tmx,findings",
                    "--cache-dir", cache_dir)
    assert run.returncode == 0, run.stderr
    assert files_in(out) == ["escaped.findings.csv", "escaped.findings.jsonl", "escaped.tmx"]
    assert files_in(tmp_path) == [f"out/{name}" for name in files_in(out)]


def test_check_document_prop_cannot_escape(tmp_path, cache_dir):
    tmx = tmp_path / "crafted.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en" datatype="plaintext" '
        'segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/><body>'
        '<tu><prop type="x-document">../../pwned</prop><tuv xml:lang="en"><seg>The plan was approved.</seg></tuv>'
        '<tuv xml:lang="de"><seg>Der Plan wurde genehmigt.</seg></tuv></tu>'
        '<tu><prop type="x-document">/tmp/absolute</prop><tuv xml:lang="en"><seg>Work starts in May.</seg></tuv>'
        '<tuv xml:lang="de"><seg>Die Arbeiten beginnen im Mai.</seg></tuv></tu></body></tmx>', encoding="utf-8")
    out = tmp_path / "out"
    run = run_align("check", tmx, "-o", out, "--cache-dir", cache_dir)
    assert run.returncode == 0, run.stderr
    written = files_in(out)
    assert "pwned.report.html" in written and "tmp_absolute.report.html" in written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crafted.tmx", "out"]
    assert not Path("/tmp/absolute.report.html").exists()
