"""Tests for align.export: beads, TMX 1.4b, CSV and JSON Lines writers."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from lxml import etree

from align import export
from align.errors import AlignError
from align.export import (
    CSV_COLUMNS,
    EXPORTERS,
    ExportOptions,
    beads_lines,
    read_beads,
    write_beads,
    write_csv,
    write_jsonl,
    write_tmx,
)
from align.model import Alignment, Bead, Sentence

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TMX_DIR = SHARED / "data" / "tmx"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DATE_RE = re.compile(r"^\d{8}T\d{6}Z$")

EN = [
    "The council met on Monday & voted.",  # 0
    'It approved the "green" budget.',  # 1
    "Costs rose by 5 % < 10 %, officials said.",  # 2
    "A footnote with no German counterpart.",  # 3
    "Müller, the mayor, was pleased.",  # 4
    "The work starts in May; it ends in June.",  # 5
]
DE = [
    "Der Rat tagte am Montag & stimmte ab.",  # 0
    "Er billigte den „grünen“ Haushalt, sagten Beamte; die Kosten stiegen um 5 % < 10 %.",  # 1
    "Bürgermeister Müller war erfreut.",  # 2
    "Die Arbeiten beginnen im Mai.",  # 3
    "Sie enden im Juni.",  # 4
    "Ein Zusatz, den es nur auf Deutsch gibt: Straße, Maß, Fuß.",  # 5
]
BEADS = [
    Bead((0,), (0,), 0.91234),  # 1:1
    Bead((1, 2), (1,), 0.8),  # 2:1
    Bead((3,), (), 0.0),  # 1:0
    Bead((4,), (2,), 0.75),  # 1:1
    Bead((5,), (3, 4), 0.66666),  # 1:2
    Bead((), (5,), 0.0),  # 0:1
]
PAIRS = [0, 1, 3, 4]  # bead numbers with text on both sides


def sentences(texts: list[str]) -> list[Sentence]:
    return [Sentence(index=i, text=t, paragraph=0) for i, t in enumerate(texts)]


def make_alignment(name: str = "article01", src_lang: str = "en", tgt_lang: str = "de") -> Alignment:
    return Alignment(name, src_lang, tgt_lang, sentences(EN), sentences(DE), list(BEADS))


@pytest.fixture
def alignment() -> Alignment:
    return make_alignment()


def tmx_root(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---------------------------------------------------------------- beads


def test_beads_lines_format(alignment: Alignment) -> None:
    assert beads_lines(alignment.beads) == ["[0]:[0]", "[1, 2]:[1]", "[3]:[]", "[4]:[2]", "[5]:[3, 4]", "[]:[5]"]


def test_beads_round_trip(tmp_path: Path, alignment: Alignment) -> None:
    path = tmp_path / "a.beads"
    write_beads(alignment, path)
    assert path.read_text(encoding="utf-8").endswith("[]:[5]\n")
    assert read_beads(path) == [(b.src, b.tgt) for b in BEADS]


def test_read_beads_accepts_compact_spacing_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "b.beads"
    path.write_text("[0,1]:[0]\n\n [2] : [] \n[]:[1]\n", encoding="utf-8")
    assert read_beads(path) == [((0, 1), (0,)), ((2,), ()), ((), (1,))]


@pytest.mark.parametrize("bad", ["[0]-[0]", "[a]:[0]", "[0]:[1", "[1,,2]:[0]", "0:0", "[-1]:[0]"])
def test_read_beads_malformed_line(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "bad.beads"
    path.write_text(f"[0]:[0]\n{bad}\n", encoding="utf-8")
    with pytest.raises(AlignError) as info:
        read_beads(path)
    assert "line 2" in str(info.value)
    assert info.value.path == str(path)


def test_read_beads_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AlignError):
        read_beads(tmp_path / "nope.beads")


# ---------------------------------------------------------------- TMX


def test_tmx_header_and_units(tmp_path: Path, alignment: Alignment) -> None:
    path = tmp_path / "a.tmx"
    write_tmx([alignment], path)
    raw = path.read_bytes()
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = tmx_root(path)
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    for attribute in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"):
        assert header.get(attribute), attribute
    assert header.get("creationtool") == "align"
    assert header.get("segtype") == "sentence"
    assert header.get("datatype") == "plaintext"
    assert DATE_RE.match(header.get("creationdate"))

    units = root.findall("body/tu")
    assert [tu.get("tuid") for tu in units] == [f"article01-{n}" for n in PAIRS]
    first_tuv = units[0].find("tuv")
    assert header.get("srclang").encode() == first_tuv.get(XML_LANG).encode() == b"en"
    for tu in units:
        assert DATE_RE.match(tu.get("creationdate"))
        # props strictly before the tuvs; source tuv first.
        tags = [child.tag for child in tu]
        assert tags == ["prop"] * 5 + ["tuv", "tuv"]
        assert [tuv.get(XML_LANG) for tuv in tu.findall("tuv")] == ["en", "de"]

    two_one = units[1]
    props = {p.get("type"): p.text for p in two_one.findall("prop")}
    assert props == {
        "x-score": "0.8000",
        "x-bead": "2:1",
        "x-document": "article01",
        "x-src-ids": "1,2",
        "x-tgt-ids": "1",
    }
    segs = [seg.text for seg in two_one.iter("seg")]
    assert segs == [f"{EN[1]} {EN[2]}", DE[1]]
    one_two = units[3]
    assert {p.get("type"): p.text for p in one_two.findall("prop")}["x-bead"] == "1:2"
    assert [seg.text for seg in one_two.iter("seg")] == [EN[5], f"{DE[3]} {DE[4]}"]
    # 1:0 and 0:1 text never appears.
    assert EN[3].encode() not in raw and DE[5].encode() not in raw
    # escaping happened and non-ASCII is raw UTF-8.
    assert b"&amp;" in raw and b"&lt;" in raw and "„grünen“".encode() in raw


def test_tmx_score_has_four_decimals(tmp_path: Path, alignment: Alignment) -> None:
    path = tmp_path / "a.tmx"
    write_tmx([alignment], path)
    scores = [p.text for p in tmx_root(path).iter("prop") if p.get("type") == "x-score"]
    assert scores == ["0.9123", "0.8000", "0.7500", "0.6667"]


def test_tmx_custom_lang_codes(tmp_path: Path, alignment: Alignment) -> None:
    path = tmp_path / "a.tmx"
    write_tmx([alignment], path, "en-US", "de-DE")
    root = tmx_root(path)
    assert root.find("header").get("srclang") == "en-US"
    for tu in root.iter("tu"):
        assert [tuv.get(XML_LANG) for tuv in tu.findall("tuv")] == ["en-US", "de-DE"]


def test_tmx_multiple_alignments_unique_tuids(tmp_path: Path) -> None:
    path = tmp_path / "corpus.tmx"
    write_tmx([make_alignment("a"), make_alignment("b")], path)
    tuids = [tu.get("tuid") for tu in tmx_root(path).iter("tu")]
    assert len(tuids) == 2 * len(PAIRS) == len(set(tuids))
    docs = [p.text for p in tmx_root(path).iter("prop") if p.get("type") == "x-document"]
    assert docs == ["a"] * len(PAIRS) + ["b"] * len(PAIRS)


def test_tmx_strips_xml_invalid_characters(tmp_path: Path) -> None:
    a = Alignment(
        "ctl", "en", "de",
        sentences(["Bell\x07 and\x00 null\x1b.\ttab kept"]),
        sentences(["Glocke\x0c und\ufffe nichts."]),
        [Bead((0,), (0,), 1.0)],
    )
    path = tmp_path / "ctl.tmx"
    write_tmx([a], path)
    segs = [seg.text for seg in tmx_root(path).iter("seg")]
    assert segs == ["Bell and null.\ttab kept", "Glocke und nichts."]


def test_tmx_empty_corpus_is_valid_xml(tmp_path: Path) -> None:
    path = tmp_path / "empty.tmx"
    write_tmx([], path)
    root = tmx_root(path)
    assert root.find("body") is not None and len(root.find("body")) == 0
    assert root.find("header").get("srclang")


def _validators():
    if not TMX_DIR.is_dir():
        pytest.skip(f"shared TMX data not found at {TMX_DIR}")
    return TMX_DIR / "tmx14.dtd", TMX_DIR / "schemas" / "omegat_tmx14.xsd"


@pytest.mark.parametrize("langs", [(None, None), ("en-US", "de-DE")])
def test_tmx_validates_against_dtd(tmp_path: Path, alignment: Alignment, langs) -> None:
    dtd_path, _ = _validators()
    if not dtd_path.is_file():
        pytest.skip(f"{dtd_path} missing")
    path = tmp_path / "a.tmx"
    write_tmx([alignment, make_alignment("other")], path, *langs)
    dtd = etree.DTD(str(dtd_path))
    assert dtd.validate(etree.parse(str(path))), dtd.error_log.filter_from_errors()


@pytest.mark.parametrize("langs", [(None, None), ("en-US", "de-DE")])
def test_tmx_validates_against_xsd(tmp_path: Path, alignment: Alignment, langs) -> None:
    _, xsd_path = _validators()
    if not xsd_path.is_file():
        pytest.skip(f"{xsd_path} missing")
    path = tmp_path / "a.tmx"
    write_tmx([alignment, make_alignment("other")], path, *langs)
    schema = etree.XMLSchema(etree.parse(str(xsd_path)))
    assert schema.validate(etree.parse(str(path))), schema.error_log.filter_from_errors()


def test_tmx_reads_back_with_translate_toolkit(tmp_path: Path, alignment: Alignment) -> None:
    tt_tmx = pytest.importorskip("translate.storage.tmx")
    path = tmp_path / "a.tmx"
    write_tmx([alignment], path)
    store = tt_tmx.tmxfile(path.read_bytes())
    pairs = [(unit.source, unit.target) for unit in store.units]
    assert pairs == [(alignment.src_text(BEADS[n]), alignment.tgt_text(BEADS[n])) for n in PAIRS]
    assert store.units[1].source == f"{EN[1]} {EN[2]}"


def test_tmx_reads_back_with_translate_toolkit_custom_langs(tmp_path: Path, alignment: Alignment) -> None:
    tt_tmx = pytest.importorskip("translate.storage.tmx")
    path = tmp_path / "a.tmx"
    write_tmx([alignment], path, "en-US", "de-DE")
    with open(path, "rb") as handle:
        store = tt_tmx.tmxfile.parsefile(handle)
    assert store.sourcelanguage == "en-US"
    assert [u.target for u in store.units] == [alignment.tgt_text(BEADS[n]) for n in PAIRS]


# ---------------------------------------------------------------- CSV


def test_csv_rows_round_trip(tmp_path: Path, alignment: Alignment) -> None:
    path = tmp_path / "a.csv"
    write_csv([alignment], path)
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    assert raw.count(b"\r\n") == len(BEADS) + 1 and b"\n" not in raw.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    body = [dict(zip(CSV_COLUMNS, row)) for row in rows[1:]]
    assert len(body) == len(BEADS)  # 1:0 and 0:1 included
    assert [r["bead"] for r in body] == [str(n) for n in range(len(BEADS))]
    assert [r["shape"] for r in body] == ["1:1", "2:1", "1:0", "1:1", "1:2", "0:1"]
    assert body[1]["src_ids"] == "1,2" and body[1]["src_text"] == f"{EN[1]} {EN[2]}"
    assert body[1]["tgt_text"] == DE[1]
    assert body[2]["tgt_ids"] == "" and body[2]["tgt_text"] == "" and body[2]["src_text"] == EN[3]
    assert body[5]["src_ids"] == "" and body[5]["src_text"] == "" and body[5]["tgt_text"] == DE[5]
    assert body[0]["score"] == "0.9123" and body[0]["document"] == "article01"


def test_csv_reads_with_polars(tmp_path: Path) -> None:
    pl = pytest.importorskip("polars")
    path = tmp_path / "corpus.csv"
    write_csv([make_alignment("a"), make_alignment("b")], path)
    frame = pl.read_csv(path, infer_schema=False)
    assert frame.columns == list(CSV_COLUMNS)
    assert frame.height == 2 * len(BEADS)
    texts = frame.filter(pl.col("document") == "a")["src_text"].to_list()
    assert texts[1] == f"{EN[1]} {EN[2]}"  # quotes, comma, < preserved
    assert texts[5] is None or texts[5] == ""  # empty side of the 0:1 bead
    assert frame["tgt_text"].to_list()[1] == DE[1]


# ---------------------------------------------------------------- JSONL


def test_jsonl_records(tmp_path: Path, alignment: Alignment) -> None:
    path = tmp_path / "a.jsonl"
    write_jsonl([alignment], path)
    text = path.read_text(encoding="utf-8")
    assert "„grünen“" in text  # ensure_ascii=False
    records = [json.loads(line) for line in text.splitlines()]
    assert len(records) == len(PAIRS)
    assert [r["id"] for r in records] == [f"article01-{n}" for n in PAIRS]
    first = records[0]
    assert first == {
        "translation": {"en": EN[0], "de": DE[0]},
        "id": "article01-0",
        "document": "article01",
        "src_ids": [0],
        "tgt_ids": [0],
        "shape": "1:1",
        "score": 0.9123,
    }
    assert records[3]["translation"] == {"en": EN[5], "de": f"{DE[3]} {DE[4]}"}
    assert records[3]["shape"] == "1:2" and records[3]["tgt_ids"] == [3, 4]


def test_jsonl_custom_lang_codes(tmp_path: Path, alignment: Alignment) -> None:
    path = tmp_path / "a.jsonl"
    write_jsonl([alignment], path, "en-US", "de-DE")
    record = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert set(record["translation"]) == {"en-US", "de-DE"}


# ---------------------------------------------------------------- registry


def test_exporters_write_each_format(tmp_path: Path, alignment: Alignment) -> None:
    assert set(EXPORTERS) == {"beads", "tmx", "csv", "jsonl"}
    options = ExportOptions("en-GB", "de-AT")
    for name, (extension, renderer) in EXPORTERS.items():
        text = renderer([alignment], options)
        assert text and export.render(alignment, name, options) == text
        export.export(alignment, tmp_path, alignment.name, [name], options)
        target = tmp_path / f"{alignment.name}{extension}"
        assert target.read_bytes() == text.encode("utf-8") or name == "tmx"  # TMX dates differ by the second
    assert leftovers(tmp_path) == sorted(f"article01.{ext}" for ext in ("beads", "tmx", "csv", "jsonl"))
    assert tmx_root(tmp_path / "article01.tmx").find("header").get("srclang") == "en-GB"


def test_beads_exporter_rejects_several_alignments(tmp_path: Path) -> None:
    with pytest.raises(AlignError, match="holds one alignment"):
        export.export([make_alignment("a"), make_alignment("b")], tmp_path, "x", ["beads"])
    assert leftovers(tmp_path) == []


def test_export_helper_and_unknown_format(tmp_path: Path, alignment: Alignment) -> None:
    written = export.export([alignment], tmp_path, "corpus", ["tmx", "jsonl"], combined=True)
    assert [p.name for p in written] == ["corpus.tmx", "corpus.jsonl"]
    with pytest.raises(AlignError):
        export.export([alignment], tmp_path, "corpus", ["xlsx"])


# ---------------------------------------------------------------- atomic writes


def test_failing_csv_write_leaves_nothing(tmp_path: Path, alignment: Alignment, monkeypatch) -> None:
    def broken_rows(alignments):
        yield ["doc", "0", "1:1", "1.0", "0", "0", "a", "b"]
        raise RuntimeError("boom")

    monkeypatch.setattr(export, "csv_rows", broken_rows)
    with pytest.raises(RuntimeError):
        write_csv([alignment], tmp_path / "a.csv")
    assert leftovers(tmp_path) == []


def test_failing_jsonl_write_keeps_old_file(tmp_path: Path, alignment: Alignment, monkeypatch) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("old\n", encoding="utf-8")

    def broken_records(alignments, options=None):
        yield {"ok": 1}
        raise RuntimeError("boom")

    monkeypatch.setattr(export, "jsonl_records", broken_records)
    with pytest.raises(RuntimeError):
        write_jsonl([alignment], path)
    assert path.read_text(encoding="utf-8") == "old\n"
    assert leftovers(tmp_path) == ["a.jsonl"]


def test_failing_tmx_build_leaves_nothing(tmp_path: Path, alignment: Alignment, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(export.etree, "tostring", broken)
    with pytest.raises(RuntimeError):
        write_tmx([alignment], tmp_path / "a.tmx")
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix" or (hasattr(os, "geteuid") and os.geteuid() == 0),
                    reason="needs POSIX permissions and a non-root user")
def test_read_only_folder_raises_align_error(tmp_path: Path, alignment: Alignment) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(AlignError):
            write_beads(alignment, folder / "a.beads")
        assert leftovers(folder) == []
    finally:
        folder.chmod(0o755)


def test_unwritable_destination_raises_align_error(tmp_path: Path, alignment: Alignment) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")  # a file where the output folder should be
    with pytest.raises(AlignError):
        write_tmx([alignment], blocker / "a.tmx")
    assert leftovers(tmp_path) == ["not-a-folder"]


@pytest.mark.parametrize("langs", [(None, None), ("en-US", "de-DE")])
def test_combined_corpus_tmx_validates_and_counts(tmp_path: Path, alignment: Alignment, langs) -> None:
    """The batch's streamed corpus.tmx: valid against the DTD and OmegaT's XSD, identical TUs
    once with x-count, readable by translate-toolkit."""
    from align.corpus import write_corpus

    dtd_path, xsd_path = _validators()
    twice = [alignment, make_alignment("other"), alignment]
    stats = write_corpus(lambda: iter(twice), tmp_path, ["tmx", "csv", "jsonl"], ExportOptions(*langs))
    root = etree.parse(str(tmp_path / "corpus.tmx"))
    if dtd_path.is_file():
        dtd = etree.DTD(str(dtd_path))
        assert dtd.validate(root), dtd.error_log.filter_from_errors()
    if xsd_path.is_file():
        schema = etree.XMLSchema(etree.parse(str(xsd_path)))
        assert schema.validate(root), schema.error_log.filter_from_errors()
    units = root.getroot().findall("body/tu")
    every = [(a.src_text(b), a.tgt_text(b)) for a in twice for b in a.beads if b.is_pair]
    distinct = list(dict.fromkeys(every))
    assert stats.units == len(units) == len(distinct) < len(every)
    assert stats.duplicates == len(every) - len(distinct)
    counts = {(u.find("tuv[1]/seg").text, u.find("tuv[2]/seg").text): int(u.findtext("prop[@type='x-count']"))
              for u in units}
    assert counts == {pair: every.count(pair) for pair in distinct}
    tt_tmx = pytest.importorskip("translate.storage.tmx")
    assert len(tt_tmx.tmxfile((tmp_path / "corpus.tmx").read_bytes()).units) == len(units)
