"""The alignment development suite: every dev set at once, next to Bertalign's algorithm.

Runs the default `Aligner` (presegmented sets used as they are; corpora/ through the reader and
segmenter, paragraphs and headings kept) on Text+Berg dev, the 7 TransRead books, zh-en aca /
pol / mag, the Bible (lax F1, and strict F1 after merging beads within a verse), WMT24 en-de
(lax F1) and corpora/, and prints per set: strict / lax F1, the anchor (Bertalign's algorithm
with the same encoder: ../shared/data/README.md, or bench/anchor.py's bench/results/anchor.json
for the sets the README does not list), the strict target (the anchor's strict error cut by
10 %, at most by one point) and whether it is met, and the expected calibration error (ECE) of
the pair confidences against the gold; then the macro averages.

With --lofo, also the leave-one-family-out table: for each family (de-fr, en-fr/es, zh-en,
en-de), the settings are re-chosen by bench/tune.py on the other three families, starting
from the defaults, and the held-out family is scored with them.

Writes bench/results/devsuite.md.

    python bench/devsuite.py [--sets textberg-dev,zh-en/pol] [--lofo] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from common import ROOT, machine, publish, stamp
from devsets import ANCHOR, FAMILIES, DevSet, load_sets, score_set

from align import Aligner, make_encoder
from align.aligner import AlignerConfig
from align.confidence import expected_calibration_error


class MemoEncoder:
    """Every text encoded once per run (the disk cache makes reruns cheap as well)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.memo: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if missing:
            self.memo.update(zip(missing, self.inner.encode(missing)))
        if not texts:
            return np.zeros((0, 512), np.float32)
        return np.stack([self.memo[t] for t in texts])


def anchors() -> dict[str, tuple[float | None, float | None]]:
    """Bertalign's algorithm with the same encoder: the shared README's figures, completed by
    bench/anchor.py's measurements for the other sets."""
    out: dict[str, tuple[float | None, float | None]] = dict(ANCHOR)
    path = ROOT / "bench" / "results" / "anchor.json"
    if path.exists():
        for name, row in json.loads(path.read_text(encoding="utf-8")).items():
            if not name.startswith("_") and name not in out:
                out[name] = (row["strict"], row["lax"])
    return out


def target(anchor_strict: float) -> float:
    """The anchor's strict error cut by 10 %, or by one point where that is less."""
    return anchor_strict + min(0.1 * (1 - anchor_strict), 0.01)


def run_set(devset: DevSet, encoder, config: AlignerConfig) -> tuple[float | None, float, float | None]:
    """(strict F1 or None, lax F1, ECE of pair confidences or None) of one set."""
    tests, confidence, correct = [], [], []
    for doc in devset.docs:
        aligner = Aligner(doc.src_lang, doc.tgt_lang, encoder=encoder, config=config, presegmented=True)
        alignment = aligner.align_sentences(doc.src, doc.tgt, doc.name)
        beads = [(b.src, b.tgt) for b in alignment.beads]
        tests.append(beads)
        gold = set(doc.gold)
        for bead in alignment.beads:
            if bead.is_pair:
                confidence.append(bead.score)
                correct.append((bead.src, bead.tgt) in gold)
    strict, lax = score_set(devset, tests)
    ece = expected_calibration_error(np.array(confidence), np.array(correct)) if devset.scoring == "strict" else None
    return strict, lax, ece


def fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def suite_table(sets: list[DevSet], encoder, config: AlignerConfig) -> tuple[list[str], dict]:
    anchor = anchors()
    lines = ["| set | family | strict F1 | lax F1 | anchor strict / lax | strict target | met | ECE |",
             "|---|---|---|---|---|---|---|---|"]
    results = {}
    for devset in sets:
        started = time.perf_counter()
        strict, lax, ece = run_set(devset, encoder, config)
        results[devset.name] = (strict, lax)
        a_strict, a_lax = anchor.get(devset.name, (None, None))
        goal = target(a_strict) if a_strict is not None and strict is not None else None
        met = "—"
        if goal is not None:
            met = "yes" if strict >= goal - 5e-4 and (a_lax is None or lax >= a_lax - 0.002) else "no"
        lines.append(f"| {devset.name} | {devset.family} | {fmt(strict)} | {fmt(lax)} | {fmt(a_strict)} / {fmt(a_lax)} "
                     f"| {fmt(goal)} | {met} | {fmt(ece)} |")
        print(lines[-1], f"({time.perf_counter() - started:.1f} s)", flush=True)
    stricts = [v[0] for v in results.values() if v[0] is not None]
    laxes = [v[1] for v in results.values()]
    lines.append(f"| **macro average** | | {np.mean(stricts):.3f} | {np.mean(laxes):.3f} | | | | |")
    return lines, results


def lofo_table(sets: list[DevSet], encoder, rounds: int) -> list[str]:
    from tune import tune

    anchor = anchors()
    lines = ["| held-out family | settings chosen without it (changed from the defaults) | set | strict F1 "
             "| lax F1 | anchor strict / lax | above anchor |", "|---|---|---|---|---|---|---|"]
    default = AlignerConfig().as_dict()
    for family in FAMILIES:
        rest = [s for s in sets if s.family != family]
        held = [s for s in sets if s.family == family]
        if not held or not rest:
            continue
        print(f"tuning without {family} ...", flush=True)
        chosen = tune(rest, encoder, AlignerConfig(), rounds, log=lambda *_: None)
        changed = {k: v for k, v in chosen.as_dict().items() if v != default[k]} or "none"
        for devset in held:
            strict, lax, _ = run_set(devset, encoder, chosen)
            a_strict, a_lax = anchor.get(devset.name, (None, None))
            above = "—"
            if a_strict is not None and strict is not None:
                above = "yes" if strict >= a_strict and (a_lax is None or lax >= a_lax - 0.002) else "no"
            lines.append(f"| {family} | {changed} | {devset.name} | {fmt(strict)} | {fmt(lax)} "
                         f"| {fmt(a_strict)} / {fmt(a_lax)} | {above} |")
            print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="", help="comma-separated set names (default: all)")
    parser.add_argument("--lofo", action="store_true", help="also the leave-one-family-out table")
    parser.add_argument("--rounds", type=int, default=2, help="coordinate-search rounds per held-out family")
    args = parser.parse_args()
    sets = load_sets([s for s in args.sets.split(",") if s] or None)
    encoder = MemoEncoder(make_encoder("use"))
    config = AlignerConfig()
    started = time.perf_counter()
    table, _ = suite_table(sets, encoder, config)
    elapsed = time.perf_counter() - started
    text = ["# Alignment development suite", "",
            f"`python bench/devsuite.py{' --lofo' if args.lofo else ''}` — {stamp()}; {machine()}; encoder `use`, "
            f"default `AlignerConfig`; {elapsed:.0f} s for the suite.", "",
            "Strict / lax F1 under the convention of ../shared/data/README.md. Anchor: Bertalign's algorithm "
            "with the same encoder (README figures; the others measured by `python bench/anchor.py`). "
            "Target: the anchor's strict error cut by 10 % (at most one point), lax F1 at most 0.002 below "
            "the anchor's. The Bible's strict F1 is after merging beads within a verse; WMT24's gold is "
            "paragraph-level (lax only). ECE: expected calibration error (10 bins) of the pair confidences "
            "against strict correctness, where the gold is sentence-level.", "", *table]
    if args.lofo:
        text += ["", "## Leave one family out", "",
                 f"Settings re-chosen by `bench/tune.py` ({args.rounds} round(s) of coordinate search from the "
                 "defaults) on the other families, then the held-out family scored with them.", "",
                 *lofo_table(sets, encoder, args.rounds)]
    publish(text, "devsuite", write=not args.sets)


if __name__ == "__main__":
    main()
