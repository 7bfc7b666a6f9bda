"""align_features on synthetic embeddings built with numpy: planted beads are recovered, and
long documents (coarse first pass + band) align as well as short ones."""

from __future__ import annotations

import numpy as np
import pytest

import align.aligner as aligner_module
from align.aligner import BEAD_TYPES, AlignerConfig, SideFeatures, align_features
from align.evaluate import score_alignments

from conftest import bead_problems

DIM = 64


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def random_doc(rng: np.random.Generator, n: int, dim: int = DIM) -> tuple[np.ndarray, np.ndarray]:
    """n random unit vectors (near-orthogonal in `dim` dimensions) and sentence lengths."""
    return unit(rng.standard_normal((n, dim))), rng.integers(30, 200, n).astype(float)


def translate(rng: np.random.Generator, emb: np.ndarray, cos: float = 0.8) -> np.ndarray:
    """A 'translation' of each vector: cosine about `cos` with its original."""
    noise = unit(rng.standard_normal(emb.shape))
    noise = unit(noise - (noise * emb).sum(1, keepdims=True) * emb)  # orthogonal to emb
    return unit(cos * emb + np.sqrt(1 - cos * cos) * noise)


def shapes(beads) -> list[str]:
    return [f"{len(s)}:{len(t)}" for s, t, _ in beads]


def ids(beads) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(s, t) for s, t, _ in beads]


def diagonal(n: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [((i,), (i,)) for i in range(n)]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240314)


# ---------------------------------------------------------------- small planted cases


def test_identity_gives_all_one_to_one(rng):
    emb, lengths = random_doc(rng, 40)
    beads = align_features(SideFeatures(emb, lengths), SideFeatures(emb.copy(), lengths))
    assert ids(beads) == diagonal(40)


def test_translated_identity_gives_all_one_to_one(rng):
    emb, lengths = random_doc(rng, 60)
    tgt = translate(rng, emb, 0.7)
    beads = align_features(SideFeatures(emb, lengths), SideFeatures(tgt, lengths * 1.15))
    assert ids(beads) == diagonal(60)


@pytest.mark.parametrize("k", [0, 7, 29])
def test_planted_deletion_gives_one_to_zero(rng, k):
    emb, _ = random_doc(rng, 30)
    lengths = np.full(30, 100.0)
    keep = [i for i in range(30) if i != k]
    beads = align_features(SideFeatures(emb, lengths), SideFeatures(emb[keep], lengths[keep]))
    expected = [((i,), (j,)) for j, i in enumerate(keep)]
    expected.insert(k, ((k,), ()))
    assert ids(beads) == expected


def test_planted_deletion_gives_one_to_zero_whatever_the_lengths(rng):
    emb, lengths = random_doc(rng, 30)  # lengths 30..199 characters
    absorbed = []
    for k in range(30):
        keep = [i for i in range(30) if i != k]
        beads = ids(align_features(SideFeatures(emb, lengths), SideFeatures(emb[keep], lengths[keep])))
        if ((k,), ()) not in beads:
            absorbed.append(next(b for b in beads if k in b[0]))
    assert absorbed == []


@pytest.mark.parametrize("k", [0, 12, 29])
def test_planted_insertion_gives_zero_to_one(rng, k):
    emb, lengths = random_doc(rng, 30)
    extra, extra_len = random_doc(rng, 1)
    tgt = np.insert(emb, k, extra[0], axis=0)
    tgt_len = np.insert(lengths, k, extra_len[0])
    beads = align_features(SideFeatures(emb, lengths), SideFeatures(tgt, tgt_len))
    expected = [((i,), (i if i < k else i + 1,)) for i in range(30)]
    expected.insert(k, ((), (k,)))
    assert ids(beads) == expected


@pytest.mark.parametrize("k", [0, 10, 28])
def test_planted_merge_gives_two_to_one(rng, k):
    emb, lengths = random_doc(rng, 30)
    merged = unit(emb[k] + emb[k + 1])
    tgt = np.concatenate([emb[:k], merged[None], emb[k + 2:]])
    tgt_len = np.concatenate([lengths[:k], [lengths[k] + lengths[k + 1] + 1], lengths[k + 2:]])
    beads = align_features(SideFeatures(emb, lengths), SideFeatures(tgt, tgt_len))
    expected = [((i,), (i if i < k else i - 1,)) for i in range(30) if i not in (k, k + 1)]
    expected.insert(k, ((k, k + 1), (k,)))
    assert ids(beads) == expected
    assert shapes(beads).count("2:1") == 1


def test_planted_split_gives_one_to_two(rng):
    """The mirror case: one source sentence is the sum of two target ones."""
    tgt, tgt_len = random_doc(rng, 20)
    src = np.concatenate([tgt[:5], unit(tgt[5] + tgt[6])[None], tgt[7:]])
    src_len = np.concatenate([tgt_len[:5], [tgt_len[5] + tgt_len[6] + 1], tgt_len[7:]])
    beads = align_features(SideFeatures(src, src_len), SideFeatures(tgt, tgt_len))
    assert ((5,), (5, 6)) in ids(beads)
    assert bead_problems(ids(beads), len(src), len(tgt)) == []
    assert shapes(beads).count("1:1") == len(src) - 1


def test_planted_three_to_one_merge(rng):
    emb, lengths = random_doc(rng, 25)
    merged = unit(emb[10] + emb[11] + emb[12])
    tgt = np.concatenate([emb[:10], merged[None], emb[13:]])
    tgt_len = np.concatenate([lengths[:10], [lengths[10:13].sum() + 2], lengths[13:]])
    beads = align_features(SideFeatures(emb, lengths), SideFeatures(tgt, tgt_len))
    assert ((10, 11, 12), (10,)) in ids(beads)
    assert shapes(beads).count("1:1") == 22


def test_mixed_planted_differences(rng):
    """Insertion, merge and split in one translated document: every planted bead is found."""
    emb, lengths = random_doc(rng, 80)
    trans = translate(rng, emb, 0.8)
    extra, extra_len = random_doc(rng, 1)
    tgt, tgt_len, gold = [], [], []
    i = 0
    while i < 80:
        j = len(tgt)
        if i == 20:  # one sentence split in two: the target halves sum to the translation
            half = unit(rng.standard_normal(DIM))
            a, b = unit(trans[i] + 0.5 * half), unit(trans[i] - 0.5 * half)
            tgt += [a, b]
            tgt_len += [lengths[i] / 2, lengths[i] / 2]
            gold.append(((i,), (j, j + 1)))
            i += 1
        elif i == 40:  # two sentences merged
            tgt.append(unit(trans[i] + trans[i + 1]))
            tgt_len.append(lengths[i] + lengths[i + 1] + 1)
            gold.append(((i, i + 1), (j,)))
            i += 2
        elif i == 60:  # translator's addition before sentence 60
            tgt += [extra[0], trans[i]]
            tgt_len += [extra_len[0], lengths[i]]
            gold += [((), (j,)), ((i,), (j + 1,))]
            i += 1
        else:
            tgt.append(trans[i])
            tgt_len.append(lengths[i])
            gold.append(((i,), (j,)))
            i += 1
    beads = align_features(SideFeatures(emb, lengths), SideFeatures(np.array(tgt), np.array(tgt_len)))
    assert ids(beads) == gold


def test_planted_deletion_in_translated_document(rng):
    found = 0
    trials = 20
    for _ in range(trials):
        emb, lengths = random_doc(rng, 30)
        trans = translate(rng, emb, 0.8)
        k = int(rng.integers(1, 29))
        keep = [i for i in range(30) if i != k]
        beads = align_features(SideFeatures(emb, lengths), SideFeatures(trans[keep], lengths[keep]))
        found += ((k,), ()) in ids(beads)
    assert found >= trials - 1, f"omission found as 1:0 in {found} of {trials} documents"


def test_scores_and_bead_types_of_result(rng):
    emb, lengths = random_doc(rng, 10)
    beads = align_features(SideFeatures(emb, lengths), SideFeatures(emb, lengths))
    for src, tgt, score in beads:
        assert isinstance(src, tuple) and isinstance(tgt, tuple)
        assert isinstance(score, float)
        assert (len(src), len(tgt)) in BEAD_TYPES


def test_empty_side_gives_only_skips(rng):
    emb, lengths = random_doc(rng, 3)
    empty = SideFeatures(np.zeros((0, DIM), np.float32), np.zeros(0))
    assert ids(align_features(SideFeatures(emb, lengths), empty)) == [((0,), ()), ((1,), ()), ((2,), ())]
    assert ids(align_features(empty, SideFeatures(emb, lengths))) == [((), (0,)), ((), (1,)), ((), (2,))]
    assert align_features(empty, empty) == []


def test_two_sentence_documents(rng):
    emb, lengths = random_doc(rng, 2)
    assert ids(align_features(SideFeatures(emb, lengths), SideFeatures(emb, lengths))) == diagonal(2)
    merged = unit(emb[0] + emb[1])[None]
    assert ids(align_features(SideFeatures(emb, lengths), SideFeatures(merged, [lengths.sum() + 1]))) == [
        ((0, 1), (0,))]


@pytest.mark.parametrize("m", [1, 2, 3])
def test_one_sentence_source(rng, m):
    emb, lengths = random_doc(rng, 1)
    tgt = np.concatenate([emb, random_doc(rng, m - 1)[0]]) if m > 1 else emb
    beads = align_features(SideFeatures(emb, lengths), SideFeatures(tgt, np.full(m, lengths[0])))
    assert bead_problems(ids(beads), 1, m) == []
    assert ((0,), (0,)) in ids(beads) or ids(beads)[0][0] == (0,)


def test_one_sentence_target(rng):
    emb, lengths = random_doc(rng, 3)
    beads = ids(align_features(SideFeatures(emb, lengths), SideFeatures(emb[1:2], lengths[1:2])))
    assert bead_problems(beads, 3, 1) == []
    assert 1 in next(src for src, tgt in beads if tgt == (0,))


def test_restricted_bead_types_are_respected(rng):
    """With only 1:1, 1:0 and 0:1 allowed, a planted merge becomes a pair plus a skip."""
    emb, lengths = random_doc(rng, 12)
    tgt = np.concatenate([emb[:4], unit(emb[4] + emb[5])[None], emb[6:]])
    tgt_len = np.concatenate([lengths[:4], [lengths[4] + lengths[5] + 1], lengths[6:]])
    config = AlignerConfig(bead_types=((1, 1), (1, 0), (0, 1)))
    beads = align_features(SideFeatures(emb, lengths), SideFeatures(tgt, tgt_len), config)
    assert set(shapes(beads)) <= {"1:1", "1:0", "0:1"}
    assert shapes(beads).count("1:0") == 1
    assert bead_problems(ids(beads), 12, 11) == []


# ---------------------------------------------------------------- length model


def test_length_spread_falls_with_sentence_length(rng):
    """Short sentences' length ratios vary more than long ones' (Gale & Church): the model's
    variance is base + per_char / L, fitted from the document's anchors; a document whose
    ratios vary alike at every length gets no slope."""
    length = rng.uniform(20, 400, 2000)
    noisy = rng.standard_normal(2000) * np.sqrt(0.002 + 2.0 / length)
    base, per_char = aligner_module._length_variance(noisy, length, 0.1, 10.0)
    assert 1.4 < per_char < 2.6 and base < 0.01
    flat = aligner_module._length_variance(rng.standard_normal(2000) * 0.1, length, 0.1, 10.0)
    assert flat is not None and flat[1] < 0.3 * per_char
    assert aligner_module._length_variance(noisy[:15], length[:15], 0.1, 10.0) is None


def test_length_model_comes_from_the_most_similar_anchors(rng):
    """Half of the anchors are the parts of 2:1 merges, with a length ratio far off: the
    length model is fitted from the more similar half, so its spread stays that of the true
    1:1 pairs."""
    n = 200
    emb, lengths = random_doc(rng, n)
    tgt_emb = translate(rng, emb, 0.8)
    tgt_len = lengths * 1.2 * np.exp(rng.normal(0, 0.05, n))
    weak = np.arange(n) % 2 == 1  # weaker anchors whose length is off by a factor of two
    tgt_emb[weak] = translate(rng, emb[weak], 0.45)
    tgt_len[weak] *= 2.0
    src, tgt = SideFeatures(emb, lengths), SideFeatures(tgt_emb, tgt_len)
    config = AlignerConfig()
    clean = aligner_module.estimate_model(src, tgt, config)
    every = aligner_module.estimate_model(src, tgt, AlignerConfig(length_anchors=1.0))
    assert clean.length_sigma < 0.1 < every.length_sigma
    assert abs(float(np.median(clean.ratio)) - np.log(1.2)) < 0.05


# ---------------------------------------------------------------- long documents


def _spy_coarse(monkeypatch) -> list[tuple[int, int]]:
    calls: list[tuple[int, int]] = []
    original = aligner_module._coarse_band

    def spy(src, tgt, config):
        calls.append((len(src.emb), len(tgt.emb)))
        return original(src, tgt, config)

    monkeypatch.setattr(aligner_module, "_coarse_band", spy)
    return calls


def test_long_document_uses_coarse_band_and_aligns(rng, monkeypatch):
    n = 3000
    assert (n + 1) * (n + 1) > AlignerConfig().full_cells
    emb, lengths = random_doc(rng, n)
    trans = translate(rng, emb, 0.8)
    # Plant omissions and merges every few hundred sentences.
    dropped = set(range(137, n, 411))
    merged = set(range(290, n - 1, 577)) - dropped - {d - 1 for d in dropped}
    tgt, tgt_len, gold = [], [], []
    i = 0
    while i < n:
        if i in dropped:
            gold.append(((i,), ()))
            i += 1
        elif i in merged:
            gold.append(((i, i + 1), (len(tgt),)))
            tgt.append(unit(trans[i] + trans[i + 1]))
            tgt_len.append(lengths[i] + lengths[i + 1] + 1)
            i += 2
        else:
            gold.append(((i,), (len(tgt),)))
            tgt.append(trans[i])
            tgt_len.append(lengths[i])
            i += 1
    calls = _spy_coarse(monkeypatch)
    beads = align_features(SideFeatures(emb, lengths), SideFeatures(np.array(tgt), np.array(tgt_len)))
    assert calls == [(n, len(tgt))]
    assert bead_problems(ids(beads), n, len(tgt)) == []
    scores = score_alignments([(gold, ids(beads))])
    assert scores.strict_f1 >= 0.995, scores
    found = set(ids(beads))
    assert all(bead in found for bead in gold if len(bead[0]) == 2)  # every merge


def test_verbatim_repeated_document_aligns_diagonally(rng, monkeypatch):
    """The same 200-sentence block ten times over: every block looks alike, yet the path
    must stay on the diagonal rather than jump between copies."""
    block, block_len = random_doc(rng, 200)
    block_tgt = translate(rng, block, 0.75)
    src = np.tile(block, (10, 1))
    tgt = np.tile(block_tgt, (10, 1))
    lengths = np.tile(block_len, 10)
    calls = _spy_coarse(monkeypatch)
    beads = align_features(SideFeatures(src, lengths), SideFeatures(tgt, lengths * 1.1))
    assert calls, "a 2000 x 2000 problem should take the coarse-band path"
    assert ids(beads) == diagonal(2000)


def test_verbatim_repeated_with_one_omission(rng):
    """Repeated blocks, and the target lacks one sentence in copy 6: the path leaves the
    diagonal in that copy, not in an earlier look-alike, and only there."""
    block, block_len = random_doc(rng, 200)
    block_tgt = translate(rng, block, 0.8)
    src = np.tile(block, (10, 1))
    lengths = np.tile(block_len, 10)
    drop = 6 * 200 + 50
    keep = [i for i in range(2000) if i != drop]
    tgt = np.tile(block_tgt, (10, 1))[keep]
    beads = ids(align_features(SideFeatures(src, lengths), SideFeatures(tgt, lengths[keep])))
    assert bead_problems(beads, 2000, 1999) == []
    expected = [((i,), (j,)) for j, i in enumerate(keep)]
    expected.insert(drop, ((drop,), ()))
    # Everything away from the omission is exactly on the (shifted) diagonal.
    off = [b for b in beads if b not in expected]
    assert all(drop - 1 <= i <= drop + 1 for src_ids, _ in off for i in src_ids), off
    assert len(off) <= 1


def test_coarse_band_agrees_with_full_search(rng, monkeypatch):
    """Forcing the coarse first pass on a mid-sized document gives the same beads as the
    full search."""
    n = 500
    emb, lengths = random_doc(rng, n)
    trans = translate(rng, emb, 0.75)
    keep = [i for i in range(n) if i % 97 != 5]
    src, tgt = SideFeatures(emb, lengths), SideFeatures(trans[keep], lengths[keep] * 1.1)
    full = align_features(src, tgt, AlignerConfig())
    calls = _spy_coarse(monkeypatch)
    banded = align_features(src, tgt, AlignerConfig(full_cells=20_000))
    assert calls == [(n, len(keep))]
    assert ids(banded) == ids(full)
    assert score_alignments([([((i,), ()) if i % 97 == 5 else ((i,), (keep.index(i),)) for i in range(n)],
                              ids(full))]).strict_f1 >= 0.98


def test_coarse_band_contains_true_path_with_drift(rng):
    """The target drifts: a block of 60 source sentences has no translation. The band built
    by the first pass must still contain the true path."""
    n = 1500
    emb, lengths = random_doc(rng, n)
    trans = translate(rng, emb, 0.8)
    gap = set(range(700, 760))
    keep = [i for i in range(n) if i not in gap]
    src, tgt = SideFeatures(emb, lengths), SideFeatures(trans[keep], lengths[keep])
    config = AlignerConfig(full_cells=100_000)
    lo, hi = aligner_module._coarse_band(src, tgt, config)
    # True DP path: row i (source sentences done) -> target sentences done.
    done = np.array([sum(1 for k in keep if k < i) for i in range(n + 1)])
    assert np.all((lo <= done) & (done <= hi))
    beads = ids(align_features(src, tgt, config))
    expected = [((i,), ()) if i in gap else ((i,), (keep.index(i),)) for i in range(n)]
    assert score_alignments([(expected, beads)]).strict_f1 >= 0.995
    assert all(((i,), ()) in beads for i in range(702, 758))  # the inside of the gap
