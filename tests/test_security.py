"""Hostile inputs: external entities, entity expansion, markup in the text shown by the report."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import files_in, run_align

HEADER = ('<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en" '
          'o-tmf="x" creationtool="x" creationtoolversion="1"/><body>')


def tmx(tmp_path: Path, name: str, doctype: str, src: str, tgt: str) -> Path:
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n{HEADER}'
                    f'<tu><tuv xml:lang="en"><seg>{src}</seg></tuv><tuv xml:lang="de"><seg>{tgt}</seg></tuv></tu>'
                    f'</body></tmx>\n', encoding="utf-8")
    return path


def test_external_entity_is_never_read(tmp_path, cache_dir):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT\n", encoding="utf-8")
    path = tmx(tmp_path, "xxe.tmx", f'<!DOCTYPE tmx [<!ENTITY s SYSTEM "file://{secret}">]>',
               "Read &s; now.", "Lies &s; jetzt.")
    out = tmp_path / "out"
    run = run_align("check", path, "-o", out, "--cache-dir", cache_dir)
    assert "Traceback" not in run.stderr
    for name in files_in(out):
        assert "TOP-SECRET-CONTENT" not in (out / name).read_text(encoding="utf-8")


def test_entity_expansion_is_refused_quickly(tmp_path, cache_dir):
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefg", "bcdefgh"))
    path = tmx(tmp_path, "laughs.tmx", f"<!DOCTYPE tmx [{entities}]>", "&h;", "Hallo.")
    out = tmp_path / "out"
    start = time.perf_counter()
    run = run_align("check", path, "-o", out, "--cache-dir", cache_dir, timeout=60)
    assert time.perf_counter() - start < 30
    assert run.returncode == 2 and len(run.stderr.splitlines()) == 1 and "laughs.tmx" in run.stderr
    assert files_in(out) == []


def test_report_escapes_markup_from_the_text(tmp_path, cache_dir):
    src = tmp_path / "x.en.txt"
    tgt = tmp_path / "x.de.txt"
    src.write_text('The board met on Monday. <script>alert("en")</script> It approved the plan.\n', encoding="utf-8")
    tgt.write_text('Der Vorstand tagte am Montag. <img src=x onerror=alert(1)> Er billigte den Plan.\n',
                   encoding="utf-8")
    out = tmp_path / "out"
    run = run_align("pair", src, tgt, "-o", out, "--formats", "report", "--cache-dir", cache_dir)
    assert run.returncode == 0, run.stderr
    html = (out / "x.report.html").read_text(encoding="utf-8")
    assert '<script>alert("en")' not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html


def test_undefined_entity_names_its_line(tmp_path, cache_dir):
    path = tmp_path / "entity.tmx"
    path.write_text('<?xml version="1.0"?>\n<tmx version="1.4">\n<header srclang="en"/>\n'
                    '<body><tu><tuv xml:lang="en"><seg>Hi &nbsp; there</seg></tuv>'
                    '<tuv xml:lang="de"><seg>Hallo</seg></tuv></tu></body></tmx>\n', encoding="utf-8")
    run = run_align("check", path, "-o", tmp_path / "out", "--cache-dir", cache_dir)
    assert run.returncode == 2
    assert "malformed XML at line 4: Entity 'nbsp' not defined" in run.stderr


def test_bad_option_paths_get_one_line_errors(tmp_path, cache_dir):
    from conftest import CORPUS_PAIRS

    src, tgt, _ = CORPUS_PAIRS["energy"]
    a_file = tmp_path / "a-file"
    a_file.write_text("x\n", encoding="utf-8")
    for option, value, message in (("--cache-dir", a_file, "cannot open the embedding cache"),
                                   ("--srx", tmp_path, "is a folder, not a file")):
        run = run_align("pair", src, tgt, "-o", tmp_path / "out", option, value)
        assert run.returncode == 2 and len(run.stderr.splitlines()) == 1, run.stderr
        assert run.stderr.startswith("align: error: ") and message in run.stderr
