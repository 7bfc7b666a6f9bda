"""Fit the confidence model (align/confidence.py) on every development family at once.

Every dev set with sentence-level gold (Text+Berg dev, the TransRead books, zh-en aca / pol /
mag, corpora/) is aligned with the default configuration. A pair bead is labelled right if the
gold has exactly that bead; an unpaired sentence is labelled right if the gold leaves it
unpaired too (the unpaired model is fitted on the sets whose gold has unmatched sentences of
its own: Text+Berg, corpora/). Logistic regression (Newton's method), each family weighted
equally; the pair
coefficients are then refined (Nelder-Mead, from the logistic fit) to make the largest
per-set calibration error as small as possible, since the confidence must mean the same on
every kind of text, not only on average. Prints the
coefficients to paste into align/confidence.py, the expected calibration error (ECE, 10 bins)
of the current and the refitted coefficients per set, and the ECE of each family under
coefficients fitted without it. Writes bench/results/calibration.md.

    python bench/calibrate.py
"""

from __future__ import annotations

import numpy as np

from common import machine, publish, stamp
from devsets import load_sets
from devsuite import MemoEncoder

from align import make_encoder
from align.aligner import AlignerConfig, align_with_model, bead_evidence
from align.confidence import (PAIR_COEF, PAIR_TERMS, SKIP_COEF, SKIP_TERMS, confidences_from_evidence,
                              expected_calibration_error, pair_design, skip_design)
from align.pipeline import _features

SETS = ["textberg-dev", "transread", "zh-en/aca", "zh-en/pol", "zh-en/mag", "corpora"]


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float = 1e-2) -> np.ndarray:
    x = np.column_stack([x, np.ones(len(x))])
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -50, 50)))
        grad = x.T @ (weight * (p - y)) + l2 * w
        hess = (x * (weight * p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def minimax(rows, start: np.ndarray) -> np.ndarray:
    """Pair coefficients that minimise the largest per-set ECE, starting from `start`."""
    from scipy.optimize import minimize

    per_set: dict[str, list] = {}
    for name, _, ev, right, _ in rows:
        per_set.setdefault(name, []).append((pair_design(ev)[ev.pair], right[ev.pair]))
    data = [(np.concatenate([x for x, _ in v]), np.concatenate([y for _, y in v])) for v in per_set.values()]

    def worst(w: np.ndarray) -> float:
        return max(expected_calibration_error(1 / (1 + np.exp(-np.clip(x @ w[:-1] + w[-1], -50, 50))), y)
                   for x, y in data)

    return minimize(worst, start, method="Nelder-Mead", options={"maxiter": 3000, "xatol": 1e-4, "fatol": 1e-5}).x


def collect():
    """Per document: (set name, family, evidence, labels)."""
    encoder = MemoEncoder(make_encoder("use"))
    config = AlignerConfig()
    out = []
    for devset in load_sets(SETS):
        for doc in devset.docs:
            emb = encoder.encode([s.text for s in doc.src] + [t.text for t in doc.tgt])
            src, tgt = _features(doc.src, emb[: len(doc.src)]), _features(doc.tgt, emb[len(doc.src):])
            beads, model = align_with_model(src, tgt, config)
            ev = bead_evidence(beads, model, config)
            gold = set(doc.gold)
            unpaired_src = {i for s, t in doc.gold if not t for i in s}
            unpaired_tgt = {j for s, t in doc.gold if not s for j in t}
            right = np.array([(s, t) in gold if s and t else
                              (s[0] in unpaired_src if s else t[0] in unpaired_tgt) for s, t in beads], float)
            share = sum(1 for s, t in doc.gold if not (s and t)) / max(len(doc.gold), 1)
            out.append((devset.name, devset.family, ev, right, share))
    return out


def coefficients(rows) -> tuple[dict, dict]:
    fams = {r[1] for r in rows}
    px, py, pw, sx, sy, sw = [], [], [], [], [], []
    for family in fams:
        part = [r for r in rows if r[1] == family]
        n_pairs = sum(int(ev.pair.sum()) for _, _, ev, _, _ in part)
        # Unpaired confidence is learnt where the gold has unmatched sentences of its own (at
        # least 2 % of its beads: Text+Berg, corpora/); where it has almost none (TransRead,
        # zh-en), every unmatched sentence of ours would be a negative whatever it looks like.
        with_skips = [r for r in part if r[4] >= 0.02]
        n_skips = sum(int((~ev.pair).sum()) for _, _, ev, _, _ in with_skips)
        for _, _, ev, right, _ in part:
            px.append(pair_design(ev)[ev.pair]); py.append(right[ev.pair])
            pw.append(np.full(int(ev.pair.sum()), 1000.0 / max(n_pairs, 1)))
        for _, _, ev, right, _ in with_skips:
            sx.append(skip_design(ev)[~ev.pair]); sy.append(right[~ev.pair])
            sw.append(np.full(int((~ev.pair).sum()), 100.0 / max(n_skips, 1)))
    wp = fit(np.concatenate(px), np.concatenate(py), np.concatenate(pw))
    wp = minimax(rows, wp)
    pair = dict(zip((*PAIR_TERMS, "intercept"), map(float, wp)))
    sxa, sya, swa = np.concatenate(sx), np.concatenate(sy), np.concatenate(sw)
    if len(sya) and 0 < sya.mean() < 1:
        ws = fit(sxa, sya, swa, l2=0.1)  # few samples (about 60 unmatched sentences): keep it smooth
        skip = dict(zip((*SKIP_TERMS, "intercept"), map(float, ws)))
    else:
        skip = dict(SKIP_COEF)
    return pair, skip


def ece_table(rows, pair, skip) -> dict[str, tuple[float, float, int, float, float]]:
    """Per set: (pair ECE, unpaired ECE, pairs, mean confidence, accuracy)."""
    out = {}
    for name in dict.fromkeys(r[0] for r in rows):
        conf, right, uconf, uright = [], [], [], []
        for set_name, _, ev, r, _ in rows:
            if set_name != name:
                continue
            c = confidences_from_evidence(ev, pair, skip)
            conf.append(c[ev.pair]); right.append(r[ev.pair])
            uconf.append(c[~ev.pair]); uright.append(r[~ev.pair])
        conf, right = np.concatenate(conf), np.concatenate(right)
        uconf, uright = np.concatenate(uconf), np.concatenate(uright)
        out[name] = (expected_calibration_error(conf, right), expected_calibration_error(uconf, uright) if len(uconf) else float("nan"),
                     len(conf), float(conf.mean()), float(right.mean()))
    return out


def main() -> None:
    rows = collect()
    pair, skip = coefficients(rows)
    print("PAIR_COEF =", {k: round(v, 3) for k, v in pair.items()})
    print("SKIP_COEF =", {k: round(v, 3) for k, v in skip.items()})
    current = ece_table(rows, PAIR_COEF, SKIP_COEF)
    refit = ece_table(rows, pair, skip)
    lofo = {}
    for family in dict.fromkeys(r[1] for r in rows):
        p, s = coefficients([r for r in rows if r[1] != family])
        for name, value in ece_table([r for r in rows if r[1] == family], p, s).items():
            lofo[name] = value
    lines = ["# Confidence calibration", "", f"`python bench/calibrate.py` — {stamp()}; {machine()}", "",
             "Expected calibration error (10 bins) of pair confidences against strict correctness "
             "(the bead is in the gold), and of unpaired-sentence confidences (the gold leaves it unpaired).", "",
             "| set | pairs | accuracy | mean confidence | ECE pairs (shipped) | ECE unpaired (shipped) | ECE pairs (refit) "
             "| ECE unpaired (refit) | ECE pairs, family held out |", "|---|---|---|---|---|---|---|---|---|"]
    for name, (e, u, n, mc, acc) in current.items():
        lines.append(f"| {name} | {n} | {acc:.3f} | {mc:.3f} | {e:.3f} | {u:.3f} | {refit[name][0]:.3f} "
                     f"| {refit[name][1]:.3f} | {lofo[name][0]:.3f} |")
    lines += ["", f"Refitted: PAIR_COEF = {json_round(pair)}; SKIP_COEF = {json_round(skip)}"]
    publish(lines, "calibration")


def json_round(d: dict) -> dict:
    return {k: round(v, 3) for k, v in d.items()}


if __name__ == "__main__":
    main()
