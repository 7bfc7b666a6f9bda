"""A confidence in [0, 1] for every bead, meaning the same across documents.

Pairs: a logistic function of the cosine similarity of the joined sentences and of the length
agreement. Unpaired sentences (1:0 / 0:1): a logistic function of the best similarity the
sentence reaches with any sentence of the other side near its position; the lower that is, the
surer we are that it has no counterpart. The coefficients were fitted on the Text+Berg
development document and the corpora/ pairs (bench/calibrate.py): a bead counts as right if it
is in the gold, and pairs with a deliberately wrong partner are added as negatives.
"""

from __future__ import annotations

import math

import numpy as np

# Fitted by bench/calibrate.py (logistic regression on Text+Berg dev).
PAIR_COEF = (7.713, -2.312, -0.749)  # (cosine, intercept, squared length z-score)
SKIP_COEF = (-8.467, 3.401)  # (best neighbour cosine, intercept)
LENGTH_SIGMA = 0.25
NEIGHBOURHOOD = 3


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


def _joined(emb: np.ndarray, ids: tuple[int, ...]) -> np.ndarray:
    v = emb[list(ids)].sum(axis=0)
    return v / max(float(np.linalg.norm(v)), 1e-12)


def pair_features(src_emb: np.ndarray, tgt_emb: np.ndarray, src_len: np.ndarray, tgt_len: np.ndarray,
                  src: tuple[int, ...], tgt: tuple[int, ...], log_ratio: float) -> tuple[float, float]:
    cos = float(_joined(src_emb, src) @ _joined(tgt_emb, tgt))
    ls = float(sum(src_len[i] for i in src)) + len(src) - 1
    lt = float(sum(tgt_len[j] for j in tgt)) + len(tgt) - 1
    z = (math.log((lt + 10) / (ls + 10)) - log_ratio) / LENGTH_SIGMA
    return cos, min(z * z, 25.0)


def bead_confidences(beads: list[tuple[tuple[int, ...], tuple[int, ...]]], src_emb: np.ndarray,
                     tgt_emb: np.ndarray, src_len: np.ndarray, tgt_len: np.ndarray) -> list[float]:
    src_len = np.asarray(src_len, float)
    tgt_len = np.asarray(tgt_len, float)
    log_ratio = math.log((tgt_len.sum() + 10) / (src_len.sum() + 10))
    scores = []
    for k, (src, tgt) in enumerate(beads):
        if src and tgt:
            cos, z2 = pair_features(src_emb, tgt_emb, src_len, tgt_len, src, tgt, log_ratio)
            w_cos, b, w_len = PAIR_COEF
            scores.append(_sigmoid(w_cos * cos + b + w_len * z2))
            continue
        # Unpaired: compare with the other side's sentences in the neighbouring beads.
        mine, other, ids = (src_emb, tgt_emb, src) if src else (tgt_emb, src_emb, tgt)
        side = 1 if src else 0
        near = [j for bead in beads[max(0, k - NEIGHBOURHOOD):k + NEIGHBOURHOOD + 1] for j in bead[side]]
        best = float((mine[list(ids)] @ other[near].T).max()) if near else 0.0
        w, b = SKIP_COEF
        scores.append(_sigmoid(w * best + b))
    return scores
