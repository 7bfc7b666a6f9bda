"""A confidence in [0, 1] for every bead, meaning the same across documents and encoders.

The inputs are the aligner's evidence in the document's own units (`aligner.bead_evidence`):
similarities are measured against the document's anchors and nulls, never as raw cosines, so
an encoder whose cosines sit on another scale, or a language pair whose translations are looser,
gives the same confidence for the same relative evidence.

* A pair: the probability that the bead is exactly right (the same sentences on both sides as
  a careful human alignment), from its margin over the best local alternative (a boundary
  moved by one sentence, a merge, a split: in nats of the aligner's own score), its
  per-sentence similarity, its size and, for a merge, its weakest sentence; the margin is
  weighed by the share of 1:1 beads in the document (where merges abound, the exact
  boundaries a careful human draws are harder to hit).
* An unpaired sentence (1:0 / 0:1): the probability that it really has no counterpart, from
  its best similarity to the other side's sentences nearby, its margin over pairing it, its
  length (a long sentence with no partner is a real omission more often than an interjection)
  and the length of its run.

Logistic coefficients are fitted on every development family at once (bench/calibrate.py,
which also reports the calibration error per set and with each family held out).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .aligner import AlignerConfig, BeadEvidence, DocumentModel, bead_evidence

# Fitted by bench/calibrate.py.
PAIR_COEF = {"margin": 11.272, "similarity": 1.524, "extra": 0.052, "merge_weakest": 0.309, "merge_margin": -0.342,
             "one_to_one": -1.046, "intercept": 0.76}
SKIP_COEF = {"nearest": -8.318, "margin": 3.336, "size": 3.463, "log_run": 1.358, "intercept": 1.6}
PAIR_TERMS = ("margin", "similarity", "extra", "merge_weakest", "merge_margin", "one_to_one")
SKIP_TERMS = ("nearest", "margin", "size", "log_run")


def _sigmoid(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50.0, 50.0)))


def pair_design(ev: BeadEvidence) -> NDArray[np.float64]:
    """Columns in PAIR_TERMS order. Margins are capped: beyond 30 nats nothing changes. The
    margin counts in proportion to how sentence-by-sentence the document runs: fully where
    every bead is 1:1, not at all where only half are."""
    margin = np.minimum(ev.margin, 30.0) / 10
    merge = (ev.extra > 0).astype(float)
    one = np.full(len(margin), ev.one_to_one)
    steady = np.clip(2 * one - 1, 0.0, 1.0)
    return np.column_stack([margin * steady, ev.similarity, ev.extra, merge * np.minimum(ev.weakest, 1.5),
                            merge * margin, one])


def skip_design(ev: BeadEvidence) -> NDArray[np.float64]:
    """Columns in SKIP_TERMS order."""
    return np.column_stack([ev.nearest, np.minimum(ev.margin, 30.0) / 10, ev.size, np.log(np.maximum(ev.run, 1))])


def confidences_from_evidence(ev: BeadEvidence, pair_coef: dict[str, float] = PAIR_COEF,
                              skip_coef: dict[str, float] = SKIP_COEF,
                              content_prior: float = AlignerConfig.skip_open) -> NDArray[np.float64]:
    """`content_prior`: the aligner's prior cost (nats) of an unmatched sentence."""
    pair_w = np.array([pair_coef[k] for k in PAIR_TERMS])
    skip_w = np.array([skip_coef[k] for k in SKIP_TERMS])
    pair = _sigmoid(pair_design(ev) @ pair_w + pair_coef["intercept"])
    if ev.content is not None:
        # However clear its margin, a pair whose content reads as unrelated is not right: the
        # document's own evidence that it is a translation at all (in nats, against the DP's
        # prior cost of leaving a sentence unmatched) caps the confidence.
        pair = pair * _sigmoid(ev.content + content_prior)
    skip = _sigmoid(skip_design(ev) @ skip_w + skip_coef["intercept"])
    return np.where(ev.pair, pair, skip)


def bead_confidences(beads: list[tuple[tuple[int, ...], tuple[int, ...]]], model: DocumentModel | None,
                     config: AlignerConfig) -> list[float]:
    """One confidence per bead. Without a model (a side is empty) every bead is unpaired and
    certain to be so."""
    if model is None or not beads:
        return [1.0] * len(beads)
    ev = bead_evidence(beads, model, config)
    return [float(c) for c in confidences_from_evidence(ev, content_prior=config.skip_open)]


def expected_calibration_error(confidence: ArrayLike, correct: ArrayLike, bins: int = 10) -> float:
    """Weighted mean |accuracy - confidence| over equal-width confidence bins."""
    confidence, correct = np.asarray(confidence, float), np.asarray(correct, float)
    if not len(confidence):
        return math.nan
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        sel = which == b
        if sel.any():
            total += sel.sum() * abs(correct[sel].mean() - confidence[sel].mean())
    return total / len(confidence)
