"""The public Python API (align/__init__.py): one call from text to alignment, alignments that
export themselves, the encoder contract and registry, all on the bundled corpora."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from lxml import etree

import align
from align import embed
from align.model import Sentence

from conftest import CORPUS_PAIRS, assert_valid_alignment, bead_ids, files_in, run_align

ENERGY_EN, ENERGY_DE, _ = CORPUS_PAIRS["energy"]


@pytest.fixture(scope="module")
def energy(encoder):
    return align.align_files(ENERGY_EN, ENERGY_DE, "en", "de", encoder=encoder)


def test_public_surface_is_what_all_lists():
    assert sorted(align.__all__) == sorted(set(align.__all__))
    for name in align.__all__:
        assert hasattr(align, name), name
    assert (Path(align.__file__).parent / "py.typed").is_file()


# ---------------------------------------------------------------- text in, alignment out


def test_align_texts_is_align_files_on_the_same_text(encoder, energy):
    from_text = align.align_texts(ENERGY_EN.read_text(), ENERGY_DE.read_text(), "en", "de",
                                  encoder=encoder, name="energy")
    assert_valid_alignment(from_text)
    assert bead_ids(from_text) == bead_ids(energy)
    assert [b.score for b in from_text.beads] == [b.score for b in energy.beads]
    assert from_text.name == energy.name == "energy"


def test_align_texts_markdown_keeps_headings(encoder):
    src, tgt, _ = CORPUS_PAIRS["asylum"]
    alignment = align.align_texts(src.read_text(), tgt.read_text(), kind="markdown", encoder=encoder)
    assert alignment.src[0].is_heading and alignment.tgt[0].is_heading
    assert alignment.beads[0].src == (0,) and alignment.beads[0].tgt == (0,)


def test_align_sentences_from_plain_lists(encoder, energy):
    src = [s.text for s in energy.src]
    tgt = [t.text for t in energy.tgt]
    alignment = align.align_sentences(src, tgt, encoder=encoder)
    assert_valid_alignment(alignment)
    assert [s.index for s in alignment.src] == list(range(len(src)))
    assert [s.text for s in alignment.src] == src
    # Without paragraph marks the alignment may differ a little, never much.
    same = len(set(bead_ids(alignment)) & set(bead_ids(energy)))
    assert same >= 0.95 * len(energy.beads)


def test_align_sentences_rejects_wrong_input(encoder):
    with pytest.raises(ValueError, match="index 0; indices must be 0, 1, 2"):
        align.align_sentences([Sentence(0, "One.", 0), Sentence(0, "Two.", 0)], ["Eins.", "Zwei."], encoder=encoder)
    with pytest.raises(TypeError, match="not one str"):
        align.align_sentences("One. Two.", ["Eins."], encoder=encoder)
    with pytest.raises(TypeError, match="all str or all Sentence"):
        align.align_sentences(["One.", 2], ["Eins."], encoder=encoder)
    with pytest.raises(align.AlignError, match="document is empty"):
        align.align_texts("  \n", "Hallo.", encoder=encoder)


# ---------------------------------------------------------------- alignments export themselves


def test_pairs_and_polars_frame(energy):
    pairs = list(energy.pairs())
    paired = [b for b in energy.beads if b.is_pair]
    assert len(pairs) == len(paired)
    src, tgt, score, shape = pairs[0]
    assert (src, tgt, score, shape) == (energy.src_text(paired[0]), energy.tgt_text(paired[0]),
                                        paired[0].score, paired[0].shape)
    assert len(list(energy.pairs(include_unpaired=True))) == len(energy.beads)

    frame = energy.to_polars()
    assert frame.height == len(energy.beads)
    assert frame.schema["score"] == pl.Float64 and frame.schema["src_ids"] == pl.List(pl.Int64)
    assert frame["src_ids"].to_list() == [list(b.src) for b in energy.beads]
    low = frame.filter(pl.col("score") < 0.5)
    assert low.height == sum(b.score < 0.5 for b in energy.beads)


def test_strings_match_the_files(energy, tmp_path):
    written = energy.write(tmp_path, "tmx,csv,jsonl")
    assert [p.name for p in written] == ["energy.tmx", "energy.csv", "energy.jsonl"]
    assert (tmp_path / "energy.csv").read_bytes() == energy.to_csv().encode("utf-8")
    assert (tmp_path / "energy.jsonl").read_text(encoding="utf-8") == energy.to_jsonl()
    tmx = etree.fromstring(energy.to_tmx().encode("utf-8"))
    assert len(tmx.findall("body/tu")) == sum(b.is_pair for b in energy.beads)
    on_disk = etree.parse(str(tmp_path / "energy.tmx")).getroot()
    segs = lambda root: [s.text for s in root.iter("seg")]  # noqa: E731
    assert segs(tmx) == segs(on_disk)
    records = [json.loads(line) for line in energy.to_jsonl().splitlines()]
    assert records[0]["translation"]["en"] == energy.src_text(next(b for b in energy.beads if b.is_pair))


def test_write_takes_one_format_as_a_string(energy, tmp_path):
    energy.write(tmp_path, "tmx")
    assert files_in(tmp_path) == ["energy.tmx"]
    with pytest.raises(align.AlignError, match="unknown output format 'xlsx'"):
        energy.write(tmp_path / "x", "tmx,xlsx")


def test_writers_take_one_alignment_and_open_files(energy, tmp_path):
    binary, text = io.BytesIO(), io.StringIO()
    align.write_tmx(energy, binary)
    align.write_csv(energy, text)
    assert binary.getvalue().startswith(b"<?xml")
    assert text.getvalue() == energy.to_csv()
    align.write_jsonl(energy, tmp_path / "one.jsonl")
    assert (tmp_path / "one.jsonl").read_text(encoding="utf-8") == energy.to_jsonl()


def test_write_corpus(corpus_alignments, tmp_path):
    alignments = list(corpus_alignments.values())
    path = align.write_corpus(alignments, tmp_path / "all.tmx")
    tus = etree.parse(str(path)).getroot().findall("body/tu")
    assert len(tus) == sum(b.is_pair for a in alignments for b in a.beads)
    documents = {tu.find("prop[@type='x-document']").text for tu in tus}
    assert documents == set(corpus_alignments)
    align.write_corpus(alignments, tmp_path / "all.csv")
    frame = pl.read_csv(tmp_path / "all.csv")
    assert frame.height == sum(len(a.beads) for a in alignments)
    with pytest.raises(align.AlignError, match="suffix '.xlsx'"):
        align.write_corpus(alignments, tmp_path / "all.xlsx")


def test_findings_match_the_cli(encoder, cache_dir, tmp_path):
    """The API and `align pair` give the same findings (same checks, same encoder); the API in
    document order, the files surest first."""
    from align.check import ranked

    src, tgt, _ = CORPUS_PAIRS["baltic"]
    alignment = align.align_files(src, tgt, encoder=encoder)
    findings = alignment.findings()
    assert [f.bead for f in findings] == sorted(f.bead for f in findings)
    api = [(f.bead, f.check, f.severity) for f in ranked(findings)]
    run = run_align("pair", src, tgt, "-o", tmp_path, "--formats", "findings", "--cache-dir", cache_dir)
    assert run.returncode == 0, run.stderr
    cli = [json.loads(line) for line in (tmp_path / "baltic.findings.jsonl").read_text().splitlines()]
    assert api == [(r["bead"], r["check"], r["severity"]) for r in cli]
    assert api, "the baltic pair has deliberate differences"
    # write_outputs without findings computes them with the alignment's own encoder too
    align.write_outputs(alignment, tmp_path / "api", ["findings"])
    assert (tmp_path / "api" / "baltic.findings.jsonl").read_text() == (tmp_path / "baltic.findings.jsonl").read_text()


# ---------------------------------------------------------------- encoders


class Scaled:
    """The session encoder with every vector multiplied by `factor` (not unit length)."""

    def __init__(self, inner, factor: float = 7.0, kind: str = "array") -> None:
        self.inner, self.factor, self.kind = inner, factor, kind
        self.name = f"scaled-{factor}-{kind}"

    def encode(self, texts):
        vectors = self.inner.encode(texts) * self.factor
        if self.kind == "list":
            return vectors.tolist()
        if self.kind == "flat":
            return vectors.ravel()
        if self.kind == "short":
            return vectors[:-1]
        return vectors.astype(np.float64)


def test_unnormalised_encoder_aligns_the_same(encoder, energy):
    scaled = align.align_files(ENERGY_EN, ENERGY_DE, encoder=Scaled(encoder))
    assert bead_ids(scaled) == bead_ids(energy)
    assert np.allclose([b.score for b in scaled.beads], [b.score for b in energy.beads], atol=1e-3)


@pytest.mark.parametrize("kind, message", [("list", "returned list, expected a 2-D numpy array"),
                                           ("flat", "expected 2-D"), ("short", r"returned \d+ rows for \d+ texts")])
def test_encoder_contract_violations_are_type_errors(encoder, kind, message):
    with pytest.raises(TypeError, match=message):
        align.align_files(ENERGY_EN, ENERGY_DE, encoder=Scaled(encoder, kind=kind))


def test_encoder_objects_need_name_and_encode():
    with pytest.raises(TypeError, match="object with encode"):
        align.align_sentences(["a"], ["b"], encoder=42)


def test_register_encoder_and_spec(encoder, energy, monkeypatch):
    monkeypatch.setattr(embed, "_REGISTRY", dict(embed._REGISTRY))
    align.register_encoder("scaled", lambda argument, device=None: Scaled(encoder, float(argument or 3)))
    assert {"use", "st", "scaled"} <= set(align.encoders())
    made = align.make_encoder("scaled:5", use_cache=False)
    assert made.name == "scaled-5.0-array"
    alignment = align.align_files(ENERGY_EN, ENERGY_DE, encoder=made)
    assert bead_ids(alignment) == bead_ids(energy)
    with pytest.raises(ValueError):
        align.register_encoder("bad:name", lambda a: None)


def test_entry_point_plugin_is_found(tmp_path, monkeypatch):
    """A package that declares `[project.entry-points."align.encoders"]` is listed and built."""
    (tmp_path / "toy_encoder.py").write_text(
        "import numpy as np\n"
        "class Toy:\n"
        "    name = 'toy'\n"
        "    def encode(self, texts):\n"
        "        return np.ones((len(texts), 4))\n"
        "def factory(argument, device=None):\n"
        "    return Toy()\n")
    info = tmp_path / "toy_encoder-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-encoder\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[align.encoders]\ntoy = toy_encoder:factory\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(embed, "_REGISTRY", dict(embed._REGISTRY))
    monkeypatch.setattr(embed, "_ENTRY_POINTS_LOADED", False)
    assert "toy" in align.encoders()
    toy = align.make_encoder("toy", use_cache=False)
    vectors = embed.encode_texts(toy, ["a", "b"])
    assert vectors.dtype == np.float32 and np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    monkeypatch.delitem(sys.modules, "toy_encoder", raising=False)
