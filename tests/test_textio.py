"""Reading whatever a folder holds: encodings, binary files, devices and FIFOs, size limits,
control characters, over-long segments."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from align.errors import AlignError
from align.read import read_document
from align.segment import MAX_SEGMENT_CHARS, SrxSegmenter, hard_split
from align.textio import normalise

from conftest import files_in, run_align

GERMAN = "Grüße aus Zürich. Die Straße ist lang.\n\nÄrger über die Fähre.\n"


def error_of(path: Path, **kwargs) -> str:
    with pytest.raises(AlignError) as info:
        read_document(path, "de", **kwargs)
    return str(info.value).split(": ", 1)[1]


def sentences(path: Path, **kwargs) -> list[str]:
    return [s.text for s in SrxSegmenter().segment(read_document(path, "de", **kwargs))]


@pytest.mark.parametrize("codec, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                        ("utf-32-le", b"\xff\xfe\x00\x00"), ("utf-8", b"\xef\xbb\xbf")])
def test_byte_order_mark_makes_the_encoding_certain(tmp_path, codec, bom):
    path = tmp_path / "a.txt"
    path.write_bytes(bom + GERMAN.encode(codec))
    assert sentences(path) == ["Grüße aus Zürich.", "Die Straße ist lang.", "Ärger über die Fähre."]


def test_utf16_without_bom_is_named(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("Plain ASCII text. Another sentence.\n".encode("utf-16-le"))
    assert error_of(path) == "looks like UTF-16 without a byte-order mark; use --encoding utf-16-le"
    assert sentences(path, encoding="utf-16-le") == ["Plain ASCII text.", "Another sentence."]


def test_latin1_gets_a_hint_and_reads_with_encoding(tmp_path):
    path = tmp_path / "a.txt"
    text = ("Die Bürgerinnen und Bürger der Gemeinde äußerten sich über die Größe der neuen Brücke. " * 5) + "\n"
    path.write_bytes(text.encode("cp1252"))
    message = error_of(path)
    assert message.startswith("not valid UTF-8 (undecodable byte at offset ") and "use --encoding" in message
    assert sentences(path, encoding="cp1252")[0].startswith("Die Bürgerinnen und Bürger")


@pytest.mark.parametrize("data, kind", [(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
                                        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
                                        (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive (or DOCX/ODT)")])
def test_binary_files_are_named(tmp_path, data, kind):
    path = tmp_path / "a.txt"
    path.write_bytes(data + bytes(range(256)))
    assert error_of(path) == f"binary file ({kind}), not text"


def test_devices_and_fifos_are_refused(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    assert error_of(link) == "not a regular file (a device, FIFO or socket); only files are read"
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert error_of(fifo) == "not a regular file (a device, FIFO or socket); only files are read"


def test_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("Ein Satz. " * 60_000, encoding="utf-8")  # 0.6 MB
    assert error_of(path, max_input_mb=0.5).startswith("file is 0.6 MB, over the input limit of 0.5 MB")
    assert len(read_document(path, "de", max_input_mb=1).blocks) == 1


def test_control_characters_and_escapes_are_removed():
    assert normalise("Rot\x1b[31m Text\x1b[0m.\x00\r\nZeile\x07 zwei\tTab.\r") == "Rot Text.\nZeile zwei\tTab.\n"


def test_over_long_segments_are_cut():
    text = "wort " * 5000
    pieces = SrxSegmenter().split(text, "de")
    assert all(len(p) <= MAX_SEGMENT_CHARS for p in pieces)
    assert " ".join(pieces).split() == text.split()
    assert hard_split("x" * 4500) == ["x" * 2000, "x" * 2000, "x" * 500]


def test_cli_encoding_option(tmp_path, cache_dir):
    src, tgt = tmp_path / "a.en.txt", tmp_path / "a.de.txt"
    src.write_text("Greetings from Zurich. The street is long.\n", encoding="utf-8")
    tgt.write_bytes("Grüße aus Zürich. Die Straße ist lang.\n".encode("cp1252"))
    out = tmp_path / "out"
    run = run_align("pair", src, tgt, "-o", out, "--formats", "csv", "--cache-dir", cache_dir)
    assert run.returncode == 2 and "use --encoding" in run.stderr and files_in(out) == []
    run = run_align("pair", src, tgt, "-o", out, "--formats", "csv", "--encoding", "cp1252", "--cache-dir", cache_dir)
    assert run.returncode == 0, run.stderr
    assert "Grüße aus Zürich." in (out / "a.csv").read_text(encoding="utf-8")


def test_megabytes_without_a_sentence_end_are_refused_quickly(tmp_path, cache_dir):
    """A 5 MB line without punctuation: a one-line refusal in seconds, nothing written."""
    big = tmp_path / "big.en.txt"
    big.write_text(("energy market policy coal reactor " * 150_000)[:5_000_000] + "\n", encoding="utf-8")
    tgt = tmp_path / "big.de.txt"
    tgt.write_text("Ein kurzer Satz.\n", encoding="utf-8")
    out = tmp_path / "out"
    run = run_align("pair", big, tgt, "-o", out, "--cache-dir", cache_dir, timeout=60)
    assert run.returncode == 2 and "is not running text" in run.stderr and len(run.stderr.splitlines()) == 1
    assert files_in(out) == []


def test_some_over_long_segments_still_align(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Kurzer Satz. " + "lang " * 1000 + "\n\nNoch ein Satz.\n", encoding="utf-8")
    texts = sentences(path)
    assert texts[0] == "Kurzer Satz." and texts[-1] == "Noch ein Satz." and len(texts) == 5


def test_same_file_as_source_and_target_is_an_error(tmp_path, cache_dir):
    src = tmp_path / "a.en.txt"
    src.write_text("The same text.\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(src)
    for tgt in (src, tmp_path / "link.txt"):
        run = run_align("pair", src, tgt, "-o", tmp_path / "out", "--cache-dir", cache_dir)
        assert run.returncode == 2 and "is the source file itself" in run.stderr, run.stderr


def test_texts_that_are_not_translations_are_refused(tmp_path, cache_dir):
    """energy (English) against baltic (German): nothing written, exit 2; --force aligns."""
    from conftest import CORPUS_PAIRS

    src, tgt = CORPUS_PAIRS["energy"][0], CORPUS_PAIRS["baltic"][1]
    out = tmp_path / "out"
    run = run_align("pair", src, tgt, "-o", out, "--cache-dir", cache_dir)
    assert run.returncode == 2, run.stderr
    assert "do not look like translations of each other" in run.stderr and len(run.stderr.splitlines()) == 1
    assert files_in(out) == []
    run = run_align("pair", src, tgt, "-o", out, "--formats", "tmx", "--force", "--cache-dir", cache_dir)
    assert run.returncode == 0, run.stderr
    assert files_in(out) == ["energy.tmx"]


def test_batch_records_a_pair_that_is_no_translation(tmp_path, cache_dir):
    from conftest import CORPUS_PAIRS

    folder = tmp_path / "in"
    folder.mkdir()
    energy_en, energy_de, _ = CORPUS_PAIRS["energy"]
    (folder / "good.en.txt").write_bytes(energy_en.read_bytes())
    (folder / "good.de.txt").write_bytes(energy_de.read_bytes())
    (folder / "junk.en.txt").write_bytes(energy_en.read_bytes())
    (folder / "junk.de.html").write_bytes(CORPUS_PAIRS["baltic"][1].read_bytes())
    out = tmp_path / "out"
    run = run_align("batch", folder, "-o", out, "--formats", "tmx", "--cache-dir", cache_dir)
    assert run.returncode == 1
    assert "failed pair junk" in run.stderr and "do not look like translations" in run.stderr
    assert [f for f in files_in(out) if not f.startswith(".align-batch/")] == ["corpus.tmx", "failures.csv", "good.tmx"]


def test_a_side_in_another_language_is_refused(tmp_path, cache_dir):
    """German given as --src-lang en: refused, naming the language it looks like."""
    from conftest import CORPUS_PAIRS

    en, de, _ = CORPUS_PAIRS["energy"]
    out = tmp_path / "out"
    run = run_align("pair", de, en, "-o", out, "--cache-dir", cache_dir)
    assert run.returncode == 2 and len(run.stderr.splitlines()) == 1
    assert "the source of energy looks like German (de), not English (en)" in run.stderr
    assert files_in(out) == []
    run = run_align("pair", de, en, "-o", out, "--src-lang", "de", "--tgt-lang", "en", "--formats", "tmx",
                    "--cache-dir", cache_dir)
    assert run.returncode == 0, run.stderr


def test_a_short_side_in_another_script_is_refused(tmp_path, cache_dir):
    """Too little text for the identifier, but Arabic script given as English is clear: refused;
    a short text in the expected script, or with a few foreign letters, is not."""
    from align.languages import script_mismatch

    from conftest import CORPUS_PAIRS

    arabic = "هذه جملة عربية عن الطقس اليوم. الجو مشمس وحار في المدينة. نحن نذهب إلى البحر غدا."
    src = tmp_path / "weather.en.txt"
    src.write_text(arabic + "\n", encoding="utf-8")
    out = tmp_path / "out"
    run = run_align("pair", src, CORPUS_PAIRS["energy"][1], "-o", out, "--cache-dir", cache_dir)
    assert run.returncode == 2 and len(run.stderr.splitlines()) == 1, run.stderr
    assert "the source of weather is written in Arabic script, not in that of English (en)" in run.stderr
    assert files_in(out) == []
    assert script_mismatch(arabic, "ar") is None and script_mismatch(arabic, "en") == "Arabic"
    assert script_mismatch("Москва — столица России, крупнейший город страны.", "de") == "Cyrillic"
    assert script_mismatch("Der Kreml (Кремль) liegt in Moskau, am Ufer der Moskwa.", "de") is None
    assert script_mismatch("北京是中国的首都，也是一座历史悠久的城市，有很多名胜古迹。", "ja") is None
    assert script_mismatch("北京是中国的首都，也是一座历史悠久的城市，有很多名胜古迹。", "en") == "Han (CJK)"
    assert script_mismatch("Kurz.", "en") is None
