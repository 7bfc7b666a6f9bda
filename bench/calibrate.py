"""Fit the confidence model (align/confidence.py) on development data.

Data: the Text+Berg dev document (de-fr) and the corpora/ pairs (en-de), aligned with the
default configuration. A pair bead is labelled right if the gold has it exactly (and every fifth
pair is also shown with a wrong partner three sentences on, labelled wrong); an unpaired
sentence is labelled right if the gold leaves it unpaired too. Logistic regression by Newton's
method; prints the coefficients to paste into align/confidence.py.

    python bench/calibrate.py
"""

from __future__ import annotations

import math

import numpy as np

from common import ROOT, read_lines, require_shared

from align import Aligner, make_encoder
from align.aligner import AlignerConfig, align_features
from align.confidence import NEIGHBOURHOOD, pair_features
from align.export import read_beads
from align.pipeline import _features
from align.model import Sentence


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    x = np.column_stack([x, np.ones(len(x))])
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        grad = x.T @ (p - y) + l2 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w


def samples(src: list[Sentence], tgt: list[Sentence], gold, encoder):
    emb = encoder.encode([s.text for s in src] + [t.text for t in tgt])
    se, te = emb[: len(src)], emb[len(src):]
    fs, ft = _features(src, se), _features(tgt, te)
    beads = [(s, t) for s, t, _ in align_features(fs, ft, AlignerConfig())]
    gold_set = set(gold)
    log_ratio = math.log((ft.lengths.sum() + 10) / (fs.lengths.sum() + 10))
    pairs, skips = [], []
    for k, (s, t) in enumerate(beads):
        right = float((s, t) in gold_set)
        if s and t:
            pairs.append((*pair_features(se, te, fs.lengths, ft.lengths, s, t, log_ratio), right))
            # A wrong partner from a few sentences away: what a pair that "says something
            # else" looks like, so the score separates translations from non-translations.
            if k % 5 == 0 and t[-1] + 3 < len(tgt):
                shifted = tuple(j + 3 for j in t)
                pairs.append((*pair_features(se, te, fs.lengths, ft.lengths, s, shifted, log_ratio), 0.0))
        else:
            mine, other, side = (se, te, 1) if s else (te, se, 0)
            near = [j for b in beads[max(0, k - NEIGHBOURHOOD):k + NEIGHBOURHOOD + 1] for j in b[side]]
            best = float((mine[list(s or t)] @ other[near].T).max()) if near else 0.0
            skips.append((best, right))
    return pairs, skips


def main() -> None:
    encoder = make_encoder("use")
    tb = require_shared("textberg-dev")
    pairs, skips = [], []
    def sents(lines):
        return [Sentence(i, t, 0) for i, t in enumerate(lines)]
    p, s = samples(sents(read_lines(tb / "dev.de")), sents(read_lines(tb / "dev.fr")),
                   read_beads(tb / "dev.defr"), encoder)
    pairs += p; skips += s
    aligner = Aligner(encoder=encoder)
    for gold in sorted((ROOT / "corpora").glob("*.gold.beads")):
        name = gold.name.split(".")[0]
        src_path = next((ROOT / "corpora").glob(f"{name}.en.*"))
        tgt_path = next((ROOT / "corpora").glob(f"{name}.de.*"))
        _, src = aligner.sentences(src_path, "en")
        _, tgt = aligner.sentences(tgt_path, "de")
        p, s = samples(src, tgt, read_beads(gold), encoder)
        pairs += p; skips += s
    pa = np.array(pairs)
    sk = np.array(skips)
    wp = fit(pa[:, :2], pa[:, 2])
    print(f"pairs: {len(pa)} ({pa[:, 2].mean():.3f} right)")
    print(f"PAIR_COEF = ({wp[0]:.3f}, {wp[2]:.3f}, {wp[1]:.3f})  # (cosine, intercept, squared length z)")
    if len(sk) and 0 < sk[:, 1].mean() < 1:
        ws = fit(sk[:, :1], sk[:, 1])
        print(f"skips: {len(sk)} ({sk[:, 1].mean():.3f} right)")
        print(f"SKIP_COEF = ({ws[0]:.3f}, {ws[1]:.3f})  # (best neighbour cosine, intercept)")


if __name__ == "__main__":
    main()
