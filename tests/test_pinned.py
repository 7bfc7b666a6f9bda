"""Behaviour pinned with expected values on real text: structural checks on a corpora/ pair
(a dropped clause found, a correct pair left alone, an unrelated sentence called weak), the
misspelling settlement in both directions, and the calibration claim on a dev set."""

from __future__ import annotations

import numpy as np
import pytest

import align
from align.confidence import expected_calibration_error
from align.evaluate import score_alignments
from align.export import read_beads

from conftest import CORPUS_PAIRS, TEXTBERG

ENERGY_EN, ENERGY_DE, _ = CORPUS_PAIRS["energy"]
# energy, source sentence 32 / target 31: "By the end of 2023, emission allowances in the EU
# Emissions Trading System (EU ETS) cost about €80 per tonne of CO2, and many older units were
# again running at a loss." / "Ende 2023 kosteten Emissionszertifikate ... und viele ältere Blöcke
# arbeiteten wieder mit Verlust."
SRC_ID, TGT_ID = 32, 31


@pytest.fixture(scope="module")
def sides(encoder):
    energy = align.align_files(ENERGY_EN, ENERGY_DE, encoder=encoder)
    return [s.text for s in energy.src], [t.text for t in energy.tgt]


def findings_at(alignment, src_id):
    return [f for f in alignment.findings() if src_id in f.src_ids]


def test_correct_pair_is_left_alone(encoder, sides):
    src, tgt = sides
    alignment = align.align_sentences(src, tgt, encoder=encoder)
    assert any(b.src == (SRC_ID,) and b.tgt == (TGT_ID,) for b in alignment.beads)
    assert findings_at(alignment, SRC_ID) == []


def test_dropped_clause_gives_one_partial_omission(encoder, sides):
    src, tgt = sides
    cut = tgt[TGT_ID][: tgt[TGT_ID].index(", und viele")] + "."
    alignment = align.align_sentences(src, tgt[:TGT_ID] + [cut] + tgt[TGT_ID + 1:], encoder=encoder)
    found = findings_at(alignment, SRC_ID)
    assert [(f.check, f.severity) for f in found] == [("partial-omission", "warning")]
    (span,) = found[0].evidence
    assert span.side == "src" and span.text.startswith("and many older units were again running at a loss")


def test_unrelated_sentence_is_a_weak_pair(encoder, sides):
    src, tgt = sides
    unrelated = ("Militärplaner fürchten seit Jahren, dass russische und belarussische Streitkräfte "
                 "den Korridor innerhalb weniger Tage schließen könnten.")
    alignment = align.align_sentences(src, tgt[:TGT_ID] + [unrelated] + tgt[TGT_ID + 1:], encoder=encoder)
    # one finding for the pair, the others folded into it
    [finding] = findings_at(alignment, SRC_ID)
    assert {finding.check, *finding.also} >= {"weak-pair", "number-mismatch"}
    bead = next(b for b in alignment.beads if SRC_ID in b.src)
    assert bead.score < 0.9


def test_a_half_dropped_from_a_sentence_without_commas_is_found(encoder, sides):
    """The source sentence has no clause boundary to cut at ("The state-controlled utility ČEZ
    holds the largest share of these contracts."); its halves are tested instead, and the one
    the target dropped is named."""
    src, tgt = sides
    i = next(k for k, s in enumerate(src) if s.startswith("The state-controlled utility ČEZ holds"))
    j = next(k for k, t in enumerate(tgt) if t.startswith("Der staatlich kontrollierte Versorger ČEZ hält"))
    cut = "Der staatlich kontrollierte Versorger ČEZ hält."
    alignment = align.align_sentences(src, tgt[:j] + [cut] + tgt[j + 1:], encoder=encoder)
    [found] = findings_at(alignment, i)
    assert (found.check, found.severity) == ("partial-omission", "warning")
    assert [s.text for s in found.evidence] == ["the largest share of these contracts"]


@pytest.mark.parametrize("everywhere, severity", [(False, "error"), (True, "warning")])
def test_misspelling_settlement(encoder, sides, everywhere, severity):
    """"Dukovanny" for "Dukovany": a slip (error) when the target spells it right elsewhere,
    a choice of spelling when it never does: one warning for the document, at the first place."""
    src, tgt = sides
    first = next(j for j, t in enumerate(tgt) if "Dukovany" in t)
    changed = [t.replace("Dukovany", "Dukovanny") if (everywhere or j == first) else t for j, t in enumerate(tgt)]
    alignment = align.align_sentences(src, changed, encoder=encoder)
    found = [f for f in alignment.findings() if f.check == "name-misspelling"]
    assert [f.severity for f in found] == [severity]
    assert all('"Dukovanny"' in f.message and '"Dukovany"' in f.message for f in found)
    assert ("spelt so in all 2 pairs" in found[0].message) == everywhere


@pytest.mark.skipif(not TEXTBERG.is_dir(), reason="needs ../shared/data (Text+Berg dev)")
def test_confidence_is_calibrated_on_textberg(encoder):
    """The share of exactly right pairs per confidence bin follows the confidence."""
    src = [x for x in (TEXTBERG / "dev.de").read_text(encoding="utf-8").splitlines() if x.strip()]
    tgt = [x for x in (TEXTBERG / "dev.fr").read_text(encoding="utf-8").splitlines() if x.strip()]
    alignment = align.align_sentences(src, tgt, "de", "fr", encoder=encoder)
    gold = set(read_beads(TEXTBERG / "dev.defr"))
    pairs = [b for b in alignment.beads if b.is_pair]
    confidence = np.array([b.score for b in pairs])
    right = np.array([(b.src, b.tgt) in gold for b in pairs], float)
    assert expected_calibration_error(confidence, right) <= 0.08
    high, low = confidence >= 0.9, confidence < 0.6
    assert high.sum() >= 200 and right[high].mean() >= 0.9
    assert low.sum() >= 10 and right[low].mean() <= 0.7
    assert score_alignments([(sorted(gold), [(b.src, b.tgt) for b in alignment.beads])]).strict_f1 >= 0.870
