"""Strict and lax precision / recall / F1, on examples computed by hand under the convention
of align.evaluate: precision over every test bead that is not empty on both sides (1:0 and 0:1
included), recall over gold beads after dropping every bead with an empty side from both
lists; a strict hit is an identical bead, a lax hit shares a source-target link; micro-average."""

from __future__ import annotations

import pytest

from align.evaluate import Scores, score_alignments
from align.export import read_beads

from conftest import CORPUS_PAIRS


def close(scores: Scores, **expected: float) -> None:
    got = scores.as_dict()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), (key, got)


def test_perfect_alignment_scores_one():
    gold = [((0,), (0,)), ((1, 2), (1,)), ((3,), ()), ((), (2,)), ((4,), (3, 4))]
    close(score_alignments([(gold, list(gold))]), strict_precision=1, strict_recall=1, strict_f1=1,
          lax_precision=1, lax_recall=1, lax_f1=1)


def test_hand_computed_example():
    gold = [((0,), (0,)), ((1, 2), (1,)), ((3,), ()), ((), (2,)), ((4,), (3, 4))]
    test = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,)), ((4,), (3,)), ((), (4,))]
    # Precision over all 6 test beads. Strict: only [0]:[0] is a gold bead -> 1/6.
    # Lax (gold links 0-0, 1-1, 2-1, 4-3, 4-4): [0]:[0] and [1]:[1] and [4]:[3] hit;
    # [2]:[], []:[4] have an empty side, [3]:[2] has no gold link -> 3/6.
    # Recall: gold without empty sides [0]:[0], [1,2]:[1], [4]:[3,4] against test without
    # empty sides (links 0-0, 1-1, 3-2, 4-3). Strict: 1/3. Lax: all three share a link -> 3/3.
    scores = score_alignments([(gold, test)])
    close(scores, strict_precision=1 / 6, strict_recall=1 / 3, strict_f1=2 / 9,
          lax_precision=1 / 2, lax_recall=1.0, lax_f1=2 / 3)


def test_one_to_zero_beads_count_in_precision_only():
    gold = [((0,), (0,)), ((1,), ()), ((2,), (1,))]
    # The test bead [1]:[] equals the gold 1:0 bead: a precision hit (strict and lax).
    # Recall drops 1:0 beads: the 2 gold pairs are both found.
    close(score_alignments([(gold, list(gold))]), strict_precision=1, strict_recall=1, lax_precision=1)

    test = [((0,), (0,)), ((1,), (1,)), ((2,), ())]
    # Precision: [0]:[0] hit; [1]:[1] not gold, and gold links nothing from 1 -> lax miss too;
    # [2]:[] is a 1:0 bead the gold lacks -> miss. 1/3 strict and lax.
    # Recall: gold pairs [0]:[0], [2]:[1] against test pairs [0]:[0], [1]:[1]: [2]:[1] has no
    # test link (2 is unlinked in the test) -> 1/2 strict and lax.
    scores = score_alignments([(gold, test)])
    close(scores, strict_precision=1 / 3, strict_recall=1 / 2, strict_f1=0.4,
          lax_precision=1 / 3, lax_recall=1 / 2, lax_f1=0.4)


def test_skips_only_in_test_lower_precision_not_recall():
    gold = [((0,), (0,)), ((1,), (1,))]
    test = [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), ())]
    # Precision 2/4; recall 2/2 (the test's 0:1 and 1:0 beads are dropped for recall).
    close(score_alignments([(gold, test)]), strict_precision=0.5, strict_recall=1.0, strict_f1=2 / 3,
          lax_precision=0.5, lax_recall=1.0)


def test_gold_skips_missed_by_test_do_not_lower_recall():
    gold = [((0,), (0,)), ((1,), ()), ((), (1,)), ((2,), (2,))]
    test = [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    # Precision: [1]:[1] is neither a gold bead nor a gold link -> 2/3. Recall: 2/2.
    close(score_alignments([(gold, test)]), strict_precision=2 / 3, strict_recall=1.0,
          lax_precision=2 / 3, lax_recall=1.0)


def test_lax_hit_needs_a_shared_link_not_just_shared_sentences():
    gold = [((0,), (0,)), ((1,), (1,))]
    test = [((0,), (1,)), ((1,), (0,))]  # crossing, not monotonic: links swapped
    close(score_alignments([(gold, test)]), strict_precision=0, lax_precision=0, lax_recall=0, lax_f1=0)


def test_many_to_many_lax():
    gold = [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    test = [((0,), (0,)), ((1, 2), (1, 2))]
    # Precision: 1 strict hit of 2; [1,2]:[1,2] shares links 1-1 and 2-2 -> lax 2/2.
    # Recall: gold [1]:[1] and [2]:[2] both reach a test link -> strict 1/3, lax 3/3.
    close(score_alignments([(gold, test)]), strict_precision=0.5, strict_recall=1 / 3,
          lax_precision=1.0, lax_recall=1.0, lax_f1=1.0)


def test_micro_average_over_documents():
    doc_a = ([((0,), (0,))], [((0,), (0,))])  # 1/1 precision, 1/1 recall
    doc_b = ([((0,), (0,)), ((1,), (1,)), ((2,), (2,))], [((0,), (0,)), ((1, 2), (1, 2))])  # 1/2, 1/3
    scores = score_alignments([doc_a, doc_b])
    # Micro: precision (1 + 1) / (1 + 2), recall (1 + 1) / (1 + 3); a macro average would be 0.75.
    close(scores, strict_precision=2 / 3, strict_recall=1 / 2, strict_f1=4 / 7)


def test_duplicate_beads_are_counted_once():
    gold = [((0,), (0,)), ((1,), (1,))]
    test = [((0,), (0,)), ((0,), (0,)), ((1,), (2,))]
    close(score_alignments([(gold, test)]), strict_precision=0.5, strict_recall=0.5)


def test_empty_beads_are_ignored_and_lists_accepted():
    gold = [([0], [0]), ([], []), ([1], [1])]
    test = [([0], [0]), ([], []), ([1], [1])]
    close(score_alignments([(gold, test)]), strict_precision=1, strict_recall=1, lax_f1=1)


def test_nothing_to_score_gives_zeros_not_errors():
    zeros = dict(strict_precision=0, strict_recall=0, strict_f1=0, lax_precision=0, lax_recall=0, lax_f1=0)
    close(score_alignments([]), **zeros)
    close(score_alignments([([((0,), (0,))], [])]), **zeros)
    close(score_alignments([([], [((0,), (0,))])]), **zeros)


def test_scores_as_dict_keys():
    scores = score_alignments([([((0,), (0,))], [((0,), (0,))])])
    assert list(scores.as_dict()) == ["strict_precision", "strict_recall", "strict_f1",
                                      "lax_precision", "lax_recall", "lax_f1"]


@pytest.mark.parametrize("name", sorted(CORPUS_PAIRS))
def test_gold_against_itself_and_shifted(name):
    gold = read_beads(CORPUS_PAIRS[name][2])
    close(score_alignments([(gold, gold)]), strict_f1=1, lax_f1=1)
    # Everything one-to-one on the diagonal: lax recall stays high, strict drops below 1.
    n = sum(len(s) for s, _ in gold)
    m = sum(len(t) for _, t in gold)
    diagonal = [((i,), (i,)) for i in range(min(n, m))]
    scores = score_alignments([(gold, diagonal)])
    assert scores.strict_f1 < 1
    assert scores.strict_precision < 1
