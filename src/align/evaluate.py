"""Strict and lax precision / recall / F1 of bead alignments against gold.

Convention (Vecalign, Bertalign, SentAlign; see ../shared/data/README.md): precision counts
every test bead that is not empty on both sides; a test bead is a strict hit if it equals a
gold bead, a lax hit if it shares at least one source and one target sentence with a gold
bead's links. Recall is the same with gold and test swapped, after dropping every bead with an
empty side from both. Counts are micro-averaged over documents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

BeadIds = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class Scores:
    strict_precision: float
    strict_recall: float
    strict_f1: float
    lax_precision: float
    lax_recall: float
    lax_f1: float

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


def _counts(gold: list[BeadIds], test: list[BeadIds]) -> tuple[int, int, int, int]:
    """(strict hits, strict misses, lax hits, lax misses) of `test` beads against `gold`."""
    gold_set = {(tuple(s), tuple(t)) for s, t in gold if s or t}
    links: dict[int, set[int]] = defaultdict(set)
    for s, t in gold_set:
        for i in s:
            links[i].update(t)
    strict = strict_miss = lax = lax_miss = 0
    for s, t in {(tuple(s), tuple(t)) for s, t in test if s or t}:
        if (s, t) in gold_set:
            strict += 1
            lax += 1
            continue
        strict_miss += 1
        reachable = set().union(*(links[i] for i in s)) if s else set()
        if reachable.intersection(t):
            lax += 1
        else:
            lax_miss += 1
    return strict, strict_miss, lax, lax_miss


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _both_sides(beads: list[BeadIds]) -> list[BeadIds]:
    return [(s, t) for s, t in beads if s and t]


def _share(hits: int, misses: int) -> float:
    return hits / (hits + misses) if hits + misses else 0.0


def score_alignments(pairs: list[tuple[list[BeadIds], list[BeadIds]]]) -> Scores:
    """Micro-averaged scores over (gold, test) pairs of documents."""
    p = [0, 0, 0, 0]
    r = [0, 0, 0, 0]
    for gold, test in pairs:
        for k, v in enumerate(_counts(gold, test)):
            p[k] += v
        for k, v in enumerate(_counts(_both_sides(test), _both_sides(gold))):
            r[k] += v
    sp, sr = _share(p[0], p[1]), _share(r[0], r[1])
    lp, lr = _share(p[2], p[3]), _share(r[2], r[3])
    return Scores(sp, sr, _f1(sp, sr), lp, lr, _f1(lp, lr))
