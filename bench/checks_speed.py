"""Speed of the pair checks alone (no encoder): time per bead of the number, name and text
checks over every gold pair of corpora/, repeated. Moved here from the unit tests, where a
timing can only be flaky; the budget is 5 ms per bead for all checks together (they run on
every pair of every document).

    python bench/checks_speed.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import time

from common import ROOT, machine, publish, stamp

from align.check import PAIR_CHECKS
from align.export import read_beads
from align.read import read_document
from align.segment import SrxSegmenter

CORPORA = ROOT / "corpora"
BUDGET_MS = 5.0


def gold_pairs() -> list[tuple[str, str]]:
    segmenter, out = SrxSegmenter(), []
    for gold in sorted(CORPORA.glob("*.gold.beads")):
        name = gold.name[: -len(".gold.beads")]
        (en,) = CORPORA.glob(f"{name}.en.*")
        (de,) = CORPORA.glob(f"{name}.de.*")
        src = segmenter.segment(read_document(en, "en"))
        tgt = segmenter.segment(read_document(de, "de"))
        for s_ids, t_ids in read_beads(gold):
            if s_ids and t_ids:
                out.append((" ".join(src[i].text for i in s_ids), " ".join(tgt[j].text for j in t_ids)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    pairs = gold_pairs()
    rows = []
    for check in PAIR_CHECKS:
        check(*pairs[0], "en", "de")  # warm up (word lists, compiled patterns)
        start = time.perf_counter()
        for _ in range(args.repeat):
            for src, tgt in pairs:
                check(src, tgt, "en", "de")
        rows.append((check.__name__, 1000 * (time.perf_counter() - start) / (args.repeat * len(pairs))))
    total = sum(ms for _, ms in rows)
    lines = ["# Pair checks: time per bead", "", f"`python bench/checks_speed.py` — {stamp()}; {machine()}", "",
             f"{len(pairs)} gold pairs of corpora/, {args.repeat} passes.", "",
             "| check | ms per bead |", "|---|---|"]
    lines += [f"| {name} | {ms:.3f} |" for name, ms in rows]
    lines += [f"| **all** | **{total:.3f}** (budget {BUDGET_MS:.0f} ms: {'met' if total <= BUDGET_MS else 'MISSED'}) |"]
    publish(lines, "checks_speed")


if __name__ == "__main__":
    main()
