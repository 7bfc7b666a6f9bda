"""The bundled corpus (corpora/): every gold file is a complete, monotonic alignment of the
current segmentation, so a reader or segmenter change that shifts sentence indices is caught."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

CORPORA = Path(__file__).resolve().parent.parent / "corpora"


def _load_show_gold():
    spec = importlib.util.spec_from_file_location("corpora_show_gold", CORPORA / "show_gold.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


show_gold = _load_show_gold()
NAMES = show_gold.pair_names()

# Sentence counts (EN, DE) the gold files were written against.
EXPECTED_COUNTS = {"energy": (82, 81), "asylum": (62, 68), "baltic": (60, 57)}


def test_three_pairs_in_three_formats():
    assert NAMES == sorted(EXPECTED_COUNTS)
    suffixes = {show_gold.pair_files(name)[0].suffix for name in NAMES}
    assert suffixes == {".txt", ".md", ".html"}


@pytest.mark.parametrize("name", NAMES)
def test_gold_is_complete_monotonic_alignment(name):
    src, tgt, beads = show_gold.load(name)
    assert (len(src), len(tgt)) == EXPECTED_COUNTS[name], "segmentation changed: re-check the gold beads"
    assert show_gold.check_gold(beads, len(src), len(tgt)) == []


@pytest.mark.parametrize("name", NAMES)
def test_gold_has_planted_differences(name):
    _, _, beads = show_gold.load(name)
    shapes = {(len(s), len(t)) for s, t in beads}
    assert (1, 1) in shapes
    assert len(shapes - {(1, 1)}) >= 3  # each pair plants at least three kinds of difference


def test_check_gold_rejects_bad_alignments():
    check = show_gold.check_gold
    assert check([([0], [0]), ([1], [1])], 2, 2) == []
    assert check([([0], [0])], 2, 1)  # source sentence 1 never aligned
    assert check([([1], [0]), ([0], [1])], 2, 2)  # not monotonic
    assert check([([0, 2], [0]), ([1], [1])], 3, 2)  # not consecutive
    assert check([([], [])], 0, 0)  # empty bead
    assert check([([0], [0]), ([1], [5])], 2, 2)  # index out of range
