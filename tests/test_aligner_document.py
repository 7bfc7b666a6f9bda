"""The aligner calibrates itself to the document, on real text (the bundled corpora, and the
shared dev sets where present):

* an encoder whose cosines all sit higher (a shared component added to every embedding, as
  most transformer encoders have) gives the same beads;
* a translation set inside a much longer text is found, and nothing outside it is paired;
* the settings and what was estimated from the document are recorded in the outputs;
* pair confidences are calibrated against the gold.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from lxml import etree

from align import Aligner
from align.aligner import AlignerConfig
from align.confidence import expected_calibration_error
from align.export import read_beads, write_tmx
from align.model import Sentence

from conftest import CORPUS_PAIRS, SHARED, TEXTBERG, bead_ids


class SharedComponent:
    """The session encoder with one fixed direction added to every embedding, renormalised:
    unrelated sentences then have cosines around 0.35 instead of about 0.05."""

    def __init__(self, inner, weight: float = 0.65) -> None:
        self.inner, self.name, self.weight = inner, inner.name + "+shared", weight
        direction = np.random.default_rng(7).standard_normal(512)
        self.direction = (direction / np.linalg.norm(direction)).astype(np.float32)

    def encode(self, texts):
        vectors = self.inner.encode(texts) + self.weight * self.direction
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _identical_share(encoder, pairs) -> tuple[float, float]:
    shifted = SharedComponent(encoder)
    same = total = 0
    unrelated = []
    for lang_pair, src, tgt in pairs:
        plain = Aligner(*lang_pair, encoder=encoder).align_sentences(src, tgt, "x")
        moved = Aligner(*lang_pair, encoder=shifted).align_sentences(src, tgt, "x")
        a, b = set(bead_ids(plain)), set(bead_ids(moved))
        same += len(a & b)
        total += len(a)
        e = shifted.encode([s.text for s in src[:40]])
        f = shifted.encode([t.text for t in tgt[:40]])
        unrelated.append(float(np.median(e @ f.T)))
    return same / total, float(np.median(unrelated))


def test_shared_component_in_the_encoder_changes_no_bead(en_de_aligner, encoder):
    pairs = []
    for src_path, tgt_path, _ in CORPUS_PAIRS.values():
        pairs.append((("en", "de"), en_de_aligner.sentences(src_path, "en")[1],
                      en_de_aligner.sentences(tgt_path, "de")[1]))
    share, unrelated = _identical_share(encoder, pairs)
    assert unrelated > 0.25  # the wrapper really moved the cosines up
    assert share >= 0.99


@pytest.mark.skipif(not TEXTBERG.exists(), reason="needs ../shared/data (Text+Berg dev)")
def test_shared_component_changes_no_bead_on_textberg(encoder):
    def lines(path):
        return [Sentence(i, t, 0) for i, t in enumerate(path.read_text(encoding="utf-8").splitlines())]

    share, _ = _identical_share(encoder, [(("de", "fr"), lines(TEXTBERG / "dev.de"), lines(TEXTBERG / "dev.fr"))])
    assert share >= 0.99


@pytest.mark.parametrize("factor", [30, 60])
def test_translation_inside_a_much_longer_text(en_de_aligner, factor):
    """The 82 sentences of the energy article against a German text `factor` times longer,
    the German article in its middle: the true pairs are found and nothing else is paired
    (60x takes the coarse first pass, 30x the whole search)."""
    src_path, tgt_path, gold_path = CORPUS_PAIRS["energy"]
    src = en_de_aligner.sentences(src_path, "en")[1]
    tgt = en_de_aligner.sentences(tgt_path, "de")[1]
    filler = [s.text for name in ("asylum", "baltic") for s in en_de_aligner.sentences(CORPUS_PAIRS[name][1], "de")[1]]
    need = factor * len(src) - len(tgt)
    padding = (filler * (need // len(filler) + 1))[:need]
    before, after = padding[: need // 2], padding[need // 2:]
    texts = before + [t.text for t in tgt] + after
    long_tgt = [Sentence(j, text, j) for j, text in enumerate(texts)]
    alignment = en_de_aligner.align_sentences(src, long_tgt, "inside")
    offset = len(before)
    gold_pairs = [(tuple(s), tuple(j + offset for j in t)) for s, t in read_beads(gold_path) if s and t]
    found = set(bead_ids(alignment))
    assert sum(b in found for b in gold_pairs) >= 0.9 * len(gold_pairs)
    outside = [b for b in alignment.beads if b.is_pair and (b.tgt[0] < offset or b.tgt[-1] >= offset + len(tgt))]
    assert outside == []


def test_settings_and_document_model_are_recorded(corpus_alignments, tmp_path):
    alignment = corpus_alignments["energy"]
    assert json.loads(alignment.meta["aligner"]) == AlignerConfig().as_dict()
    model = json.loads(alignment.meta["document_model"])
    assert model["anchors"] > 40 and model["pair_median"] > model["null_median"]
    write_tmx([alignment], tmp_path / "energy.tmx")
    header = etree.parse(str(tmp_path / "energy.tmx")).getroot().find("header")
    props = {p.get("type"): p.text for p in header.findall("prop")}
    assert json.loads(props["x-aligner"]) == AlignerConfig().as_dict()
    assert props["x-encoder"] == "use"


def test_pair_confidence_is_calibrated_on_the_corpora(corpus_alignments):
    confidence, correct = [], []
    for name, alignment in corpus_alignments.items():
        gold = {(tuple(s), tuple(t)) for s, t in read_beads(CORPUS_PAIRS[name][2])}
        for bead in alignment.beads:
            if bead.is_pair:
                confidence.append(bead.score)
                correct.append((bead.src, bead.tgt) in gold)
    assert expected_calibration_error(np.array(confidence), np.array(correct)) <= 0.05


@pytest.mark.skipif(not (SHARED / "data" / "transread").exists(), reason="needs ../shared/data (TransRead)")
def test_pair_confidence_is_calibrated_on_transread(encoder):
    """Literary text, another language pair: confidence against the gold, ECE <= 0.05."""
    confidence, correct = [], []
    for book in sorted(p for p in (SHARED / "data" / "transread").iterdir() if p.is_dir()):
        lang = book.name.rsplit("-", 1)[1]
        src = [Sentence(i, t, 0) for i, t in enumerate((book / "en").read_text(encoding="utf-8").splitlines())]
        tgt = [Sentence(j, t, 0) for j, t in enumerate((book / lang).read_text(encoding="utf-8").splitlines())]
        gold = {(tuple(s), tuple(t)) for s, t in read_beads(book / "gold")}
        alignment = Aligner("en", lang, encoder=encoder, presegmented=True).align_sentences(src, tgt, book.name)
        for bead in alignment.beads:
            if bead.is_pair:
                confidence.append(bead.score)
                correct.append((bead.src, bead.tgt) in gold)
    assert expected_calibration_error(np.array(confidence), np.array(correct)) <= 0.05
