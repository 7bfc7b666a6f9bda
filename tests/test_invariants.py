"""Invariants of an alignment on any text (Hypothesis): every sentence of both sides in exactly
one bead, in order; no empty bead; confidences in [0, 1]; every exporter renders it, and the
TMX parses back with one unit per pair. Plus the segmenter on any text: no empty sentence, no
control character, nothing longer than the hard limit."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from align.errors import AlignError
from align.export import render
from align.pipeline import Aligner
from align.read import read_document
from align.segment import MAX_SEGMENT_CHARS, SrxSegmenter

from conftest import bead_problems
from test_embed import HashEncoder

TEXT = st.text(st.characters(codec="utf-8"), max_size=120)
SIDE = st.lists(TEXT, max_size=30)
ALIGNER = Aligner("en", "de", encoder=HashEncoder("invariants", dim=16), force=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(src=SIDE, tgt=SIDE)
def test_alignment_invariants_on_any_text(src, tgt):
    try:
        alignment = ALIGNER.align_sentences(src, tgt, "any")
    except AlignError:
        assert not src or not tgt  # only an empty side may be refused
        return
    assert bead_problems([(b.src, b.tgt) for b in alignment.beads], len(src), len(tgt)) == []
    assert all(0.0 <= b.score <= 1.0 for b in alignment.beads)
    pairs = sum(b.is_pair for b in alignment.beads)
    root = etree.fromstring(render(alignment, "tmx").encode("utf-8"))
    assert len(root.findall("body/tu")) == pairs
    rows = list(csv.reader(io.StringIO(render(alignment, "csv"), newline="")))
    assert len(rows) == 1 + len(alignment.beads)
    assert len(render(alignment, "jsonl").splitlines()) == pairs


@settings(max_examples=60, deadline=None)
@given(paragraphs=st.lists(st.text(st.characters(codec="utf-8"), max_size=300), min_size=1, max_size=4))
def test_reader_and_segmenter_invariants_on_any_text(paragraphs):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.en.txt"
        path.write_text("\n\n".join(paragraphs), encoding="utf-8", newline="")
        try:
            sentences = SrxSegmenter().segment(read_document(path, "en"))
        except AlignError as exc:  # empty, no sentences, not text: a one-line answer naming the file
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
            return
    assert sentences
    for sentence in sentences:
        assert sentence.text.strip() == sentence.text and sentence.text
        assert len(sentence.text) <= MAX_SEGMENT_CHARS
        assert not any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in sentence.text)
