"""Monotonic sentence alignment: a dynamic programme over beads, scored from the document itself.

Beads go up to 4:1 / 1:4 / 2:2 / 2:3 / 3:2 plus 1:0 and 0:1. Every score is a log-likelihood
ratio (nats) whose scale is estimated from the document, so that no absolute cosine threshold
decides anything and an encoder whose cosines sit on another scale aligns the same way:

* **Similarity evidence.** Anchors are the mutual nearest neighbours of the two sides in the
  search window; nulls are pairs a few sentences off each anchor (near, but not partners).
  A sentence's adjusted similarity is its cosine with the other side's span (the normalised sum
  of its sentences' embeddings) minus its *hubness* (mean similarity to its next-best
  neighbours). The anchors' and nulls' adjusted similarities give a linear discriminant: the
  midpoint between their medians and the separation over their pooled variance. Each sentence
  of a bead earns `scale * (adjusted similarity - midpoint)`, summed over both sides and
  halved; by linearity that is one product per bead (sum of cos(x, span) = cos(span, span) *
  |sum of x|), so the whole score comes from prefix sums of the sentence embeddings and no
  sentence run is ever encoded.
* **Length evidence.** The log length ratio of a bead against the *local* expected ratio (a
  running median over the anchors, so a translation that is terser in one part, or set inside
  a longer text, is judged by its own pairs), as a log-likelihood ratio of true against
  unrelated pairs. Both are Student-t with `length_tail` degrees of freedom (a concise or a
  padded translation is not rare, so a large deviation costs a bounded amount); the spread of
  true pairs comes from the more similar anchors (`length_anchors`), since a sentence that is
  half of a merge can still be a mutual best match, and its length ratio is off. That spread
  falls with the bead's length, as in Gale & Church: its variance is `base + per_char / L`,
  both fitted from the shorter and the longer half of those anchors.
* **Priors.** A merge costs `merge_cost` per sentence beyond 1:1. An unmatched sentence costs
  `skip_open`, and each further one in the same run only `skip_extend` (affine gaps: a
  block of captions or an added paragraph is one event, not twenty). Crossing a paragraph
  boundary, pairing a heading with body text and pairing a translator's note cost extra.

Estimates from short documents are shrunk toward a prior (`AlignerConfig.prior_*`), so a
three-sentence document still aligns sensibly.

Cost stays linear in document length: documents up to `full_cells` DP cells are searched
whole; longer ones are first aligned at a coarse resolution (blocks of sentences summed), and
the fine search runs in a band around the projected coarse path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

BEAD_TYPES: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (2, 3), (3, 2), (1, 4), (4, 1),
)
NEG = -1e30


@dataclass
class AlignerConfig:
    """Every constant of the aligner. Scores are in nats; similarities are never compared with
    an absolute threshold (the document's own anchors set the scale). Chosen on the whole
    development suite at once (bench/devsuite.py, bench/tune.py)."""

    bead_types: tuple[tuple[int, int], ...] = BEAD_TYPES
    # Hubness: mean similarity of a sentence to its neighbours of rank margin_skip+1 ..
    # margin_skip+margin_k on the other side, subtracted with this weight.
    margin_weight: float = 1.0
    # Take each side's mean embedding out first (`centred`); shrunk as if from `centre_prior`
    # more sentences at zero.
    centre: bool = True
    centre_prior: float = 4.0
    margin_k: int = 5
    margin_skip: int = 1  # leave out the best neighbour: it is usually the true partner
    # Nulls are taken this many sentences away from each anchor.
    null_offsets: tuple[int, ...] = (3, 4, 5, 6, 7, 8)
    # Weight of the similarity evidence against the priors and the length evidence.
    evidence_scale: float = 0.42
    # Length evidence: degrees of freedom of the Student-t model of the log length ratio
    # (true and unrelated pairs); the share of the anchors, the most similar, that estimates
    # it; window (anchors) of the local ratio.
    length_evidence: bool = True
    length_tail: float = 10.0
    length_anchors: float = 0.5
    # Marks (`mark_counts`): weight of their log-likelihood ratio, and its add-alpha smoothing.
    mark_weight: float = 0.5
    mark_smoothing: float = 2.0
    ratio_window: int = 50
    # Priors (nats).
    merge_cost: float = 1.786  # per sentence beyond 1:1
    skip_open: float = 8.371  # the first unmatched sentence of a run
    skip_extend: float = 5.0  # each further one in the same run
    paragraph_penalty: float = 6.0  # a merge that spans a paragraph boundary
    heading_penalty: float = 3.0  # a heading paired with a non-heading, or merged
    standalone_penalty: float = 100.0  # a bead pairing a sentence marked standalone
    # Verdict (`DocumentModel.translation_evidence`): with at least this many anchors, an order
    # agreement (Kendall's tau) below this says the two texts are not translations of each other.
    verdict_min_anchors: int = 10
    verdict_min_tau: float = 0.6
    # Prior for documents too short to estimate from, in adjusted-similarity units (the
    # estimates are shrunk toward it with the weight of `prior_weight` anchors).
    # (medians over the development documents)
    prior_pair: float = 0.30
    prior_null: float = -0.22
    prior_spread: float = 0.115
    prior_length_sigma: float = 0.19
    prior_weight: float = 10.0
    # Search.
    full_cells: int = 300_000  # up to this many (n+1)*(m+1) cells: no first pass
    coarse_block: int = 8  # sentences per block in the first pass (at least)
    band_margin: int = 24  # sentences either side of the projected coarse path
    # Hubness and anchors look this many target sentences beyond the DP band on either side.
    margin_window: int = 256
    chunk_rows: int = 512

    def as_dict(self) -> dict[str, Any]:
        """The settings that shape the result (for recording in outputs)."""
        skip = {"bead_types", "full_cells", "chunk_rows"}
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items() if k not in skip}


@dataclass(init=False)
class SideFeatures:
    """What the aligner needs of one side: embeddings, lengths and structure (whatever is not
    given is filled in: one paragraph, no headings, no notes, no marks)."""

    emb: np.ndarray  # (n, d) float32, L2-normalised
    lengths: np.ndarray  # (n,) characters
    paragraph: np.ndarray  # (n,) block ids
    heading: np.ndarray  # (n,) bool
    standalone: np.ndarray  # (n,) bool: never paired (a translator's note)
    marks: np.ndarray  # (n, K) counts of language-neutral marks (`mark_counts`)

    def __init__(self, emb: np.ndarray, lengths: ArrayLike, paragraph: ArrayLike | None = None,
                 heading: ArrayLike | None = None, standalone: ArrayLike | None = None,
                 marks: ArrayLike | None = None) -> None:
        n = len(emb)
        self.emb = emb
        self.lengths = np.asarray(lengths, dtype=np.float64)
        self.paragraph = np.zeros(n, np.int64) if paragraph is None else np.asarray(paragraph)
        self.heading = np.zeros(n, bool) if heading is None else np.asarray(heading, bool)
        self.standalone = np.zeros(n, bool) if standalone is None else np.asarray(standalone, bool)
        self.marks = np.zeros((n, 0), np.int32) if marks is None else np.asarray(marks, np.int32)


@dataclass
class DocumentModel:
    """The scoring parameters estimated from one document pair."""

    scale: float  # nats per unit of adjusted similarity, per sentence
    midpoint: float  # adjusted similarity at which a sentence is as likely a partner as not
    pair_median: float  # anchors' median adjusted similarity
    null_median: float  # nulls' median adjusted similarity
    ratio: np.ndarray  # (n+1,) expected log length ratio at each source position
    length_sigma: float  # spread of the log length ratio of true pairs
    length_null: float  # spread of the log length ratio of unrelated pairs
    anchors: int
    # Each side's hubness (`_neighbourhood`).
    margins: tuple[np.ndarray, np.ndarray] = field(repr=False)
    # The two sides as the model saw them (centred): whatever scores beads with this model
    # (confidence, local margins) must use these, not the encoder's raw embeddings.
    sides: tuple[SideFeatures, SideFeatures] = field(repr=False)
    # Marks: LLR of (source count, target count), both capped at MARK_CAP, for the classes
    # that say something in this document (`mark_classes`, columns of SideFeatures.marks).
    mark_table: np.ndarray | None = field(repr=False, default=None)  # (K', MARK_CAP+1, MARK_CAP+1)
    mark_classes: np.ndarray | None = field(repr=False, default=None)
    # The anchors themselves (source ids, target ids), for `translation_evidence`.
    anchor_pairs: tuple[np.ndarray, np.ndarray] | None = field(repr=False, default=None)
    # Variance of true pairs' log length ratio as base + per_char / L, L the geometric mean
    # length (+10) of the bead's two sides (`_length_variance`); None: length_sigma ** 2.
    length_var: tuple[float, float] | None = field(repr=False, default=None)

    def length_variance(self, inv_length: np.ndarray) -> np.ndarray:
        """Variance of a true pair's log length ratio given 1 / its length L, kept below the
        unrelated pairs' over 1.5 ** 2, so that a length that disagrees counts against a bead."""
        if self.length_var is None:
            return np.full(np.shape(inv_length), self.length_sigma ** 2)
        base, per_char = self.length_var
        out: np.ndarray = np.minimum(base + per_char * inv_length, self.length_null ** 2 / 2.25)
        return out

    def translation_evidence(self) -> tuple[int, float]:
        """(anchors, tau): how far the anchors' order agrees (Kendall's tau between their
        source and target positions). A translation runs in the same order as its source, so
        its mutual best matches do too (tau 0.75 to 1 on every dev document with 10 anchors or
        more); the mutual best matches of two unrelated texts fall in any order (tau near 0,
        at most about 0.5 for two articles of one publisher)."""
        if self.anchor_pairs is None:
            return 0, float("nan")
        ai, aj = self.anchor_pairs
        k = len(ai)
        if k < 3:
            return k, float("nan")
        if k > 1500:  # O(k^2): an even subsample says the same
            keep = np.linspace(0, k - 1, 1500).astype(int)
            ai, aj, k = ai[keep], aj[keep], 1500
        di = np.sign(ai[:, None] - ai[None, :])
        dj = np.sign(aj[:, None] - aj[None, :])
        tau = float((di * dj).sum()) / (k * (k - 1))
        return len(self.anchor_pairs[0]), tau

    def summary(self) -> dict[str, float]:
        return {"anchors": self.anchors, "pair_median": round(self.pair_median, 4),
                "null_median": round(self.null_median, 4), "scale": round(self.scale, 3),
                "midpoint": round(self.midpoint, 4), "length_sigma": round(self.length_sigma, 4),
                "length_ratio": round(float(np.median(self.ratio)), 4),
                **({"length_var_base": round(self.length_var[0], 5),
                    "length_var_per_char": round(self.length_var[1], 3)} if self.length_var else {})}


_SLICE = 4096  # rows per slice of the dot products of neighbouring sentences


def _shifted_dots(emb: np.ndarray, k: int) -> np.ndarray:
    """e_i . e_{i+k}, a slice at a time."""
    n = len(emb)
    out = np.zeros(max(n - k, 0))
    for s in range(0, n - k, _SLICE):
        e = min(n - k, s + _SLICE)
        out[s:e] = np.einsum("ij,ij->i", emb[s:e], emb[s + k:e + k])
    return out


class _SpanStats:
    """Per-span quantities for spans of up to `max_len` consecutive sentences ending at i."""

    def __init__(self, side: SideFeatures, max_len: int) -> None:
        emb = side.emb
        n = len(emb)
        self.n = n
        # dots[k][i] = e_i . e_{i+k}, for the norms of summed spans
        dots = [_shifted_dots(emb, 0)] + [_shifted_dots(emb, k) for k in range(1, max_len)]
        clen = np.concatenate([[0.0], np.cumsum(side.lengths)])
        self.norm = {}  # norm[a][i]: |sum of e over span (i-a, i]| for DP position i (span i-a..i-1)
        self.length = {}
        self.crosses_paragraph = {}
        self.has_heading = {}
        self.has_standalone = {}
        heading = np.concatenate([[0], np.cumsum(side.heading.astype(np.int64))])
        standalone = np.concatenate([[0], np.cumsum(side.standalone.astype(np.int64))])
        par = side.paragraph
        for a in range(1, max_len + 1):
            norm2 = np.full(n + 1, np.nan)
            if n >= a:
                acc = np.zeros(n - a + 1)
                for start_off in range(a):
                    for k in range(a - start_off):
                        d = dots[k][start_off:start_off + n - a + 1]
                        acc += d if k == 0 else 2 * d
                norm2[a:] = acc
            self.norm[a] = np.sqrt(np.maximum(norm2, 1e-12))
            self.length[a] = np.full(n + 1, np.nan)
            self.length[a][a:] = clen[a:] - clen[:-a] + (a - 1) if n >= a else []
            cross = np.zeros(n + 1, bool)
            if n >= a > 1:
                cross[a:] = par[a - 1:] != par[: n - a + 1]
            self.crosses_paragraph[a] = cross
            hh = np.zeros(n + 1, np.int64)
            alone = np.zeros(n + 1, bool)
            if n >= a:
                hh[a:] = heading[a:] - heading[:-a]
                alone[a:] = standalone[a:] > standalone[:-a]
            self.has_heading[a] = hh
            self.has_standalone[a] = alone


# Marks that survive translation in most languages: each class's agreement within a bead is
# weighed by how much better the document's anchors agree on it than its nulls do.
MARK_CLASSES: tuple[str, ...] = ("?？", "!！", "(（", "\"“”«»„‹›「」『』", ":：", ";；")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def mark_counts(texts: Iterable[str]) -> np.ndarray:
    """(n, K) counts per sentence: each class of MARK_CLASSES, then numbers."""
    rows = []
    for text in texts:
        rows.append([sum(text.count(c) for c in chars) for chars in MARK_CLASSES] + [len(_NUMBER.findall(text))])
    return np.array(rows, np.int32).reshape(-1, len(MARK_CLASSES) + 1)


def _mark_bins(cs: np.ndarray, ct: np.ndarray) -> np.ndarray:
    """0: neither side has the mark; 1: same count; 2: off by one; 3: off by more."""
    d = np.abs(cs - ct)
    return np.where(d >= 2, 3, np.where(d == 1, 2, np.where(cs == 0, 0, 1)))


MARK_CAP = 7  # counts above this are taken as this many
_MARK_MIN_LLR = 0.05  # a class whose table stays below this everywhere is left out


def _mark_llr(cs: np.ndarray, ct: np.ndarray, model: DocumentModel) -> np.ndarray:
    """The marks' LLR of span counts cs (n, K) against ct (n, K)."""
    side = MARK_CAP + 1
    total = np.zeros(cs.shape[:-1])
    if model.mark_table is None or model.mark_classes is None:
        return total
    for slot, c in enumerate(model.mark_classes):
        code = np.minimum(cs[..., c], MARK_CAP) * side + np.minimum(ct[..., c], MARK_CAP)
        total = total + np.take(model.mark_table[slot].ravel(), code)
    return total


def _prefix(values: np.ndarray) -> np.ndarray:
    out = np.zeros((len(values) + 1,) + values.shape[1:], np.int32)
    np.cumsum(values, axis=0, out=out[1:])
    return out


def _band_full(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64)


def _top_values(values: np.ndarray, count: int) -> np.ndarray:
    """The `count` largest values of each row, sorted largest first (-inf pads)."""
    size = values.shape[1]
    if size > count:
        values = np.partition(values, size - count, axis=1)[:, size - count:]
    elif size < count:
        values = np.concatenate([values, np.full((len(values), count - size), -np.inf)], axis=1)
    return np.sort(values, axis=1)[:, ::-1]


def _ranked_mean(top: np.ndarray, skip: int) -> np.ndarray:
    """Mean over ranks skip.. of sorted top values (rows), ignoring -inf padding."""
    kept = top[:, skip:]
    finite = np.isfinite(kept)
    out: np.ndarray = np.where(finite, kept, 0.0).sum(axis=1) / np.maximum(finite.sum(axis=1), 1)
    return out


def _robust_spread(x: np.ndarray, centre: float) -> float:
    return 1.4826 * float(np.median(np.abs(x - centre))) if len(x) else 0.0


def _shrunk(estimate: float, count: int, prior: float, weight: float) -> float:
    """An estimate from `count` samples, shrunk toward `prior` as if it had `weight` samples."""
    return (estimate * count + prior * weight) / (count + weight) if count + weight > 0 else prior


def _running_median(values: np.ndarray, window: int) -> np.ndarray:
    """Median of each value's window (shrunk at the ends, where fewer values exist)."""
    half = max(window // 2, 1)
    if len(values) <= 2 * half + 1:
        return np.full(len(values), float(np.median(values)))
    out = np.median(np.lib.stride_tricks.sliding_window_view(values, 2 * half + 1), axis=1)
    size = len(values)
    head = [float(np.median(values[: p + half + 1])) for p in range(half)]
    tail = [float(np.median(values[p - half:])) for p in range(size - half, size)]
    return np.concatenate([head, out, tail])


def _neighbourhood(src: SideFeatures, tgt: SideFeatures, lo: np.ndarray, hi: np.ndarray,
                   config: AlignerConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One pass over the band (widened by margin_window): each sentence's hubness (mean
    similarity to its neighbours of rank margin_skip+1 ..) and its best partner."""
    n, m = len(src.emb), len(tgt.emb)
    count = config.margin_skip + config.margin_k
    mlo = np.maximum(lo - config.margin_window, 0)
    mhi = np.minimum(hi + config.margin_window, m)
    src_top = np.full((n, count), -np.inf)
    tgt_top = np.full((m, count), -np.inf)  # running best values per target column
    row_best = np.full(n, -1)
    col_value = np.full(m, -np.inf)
    col_best = np.full(m, -1)
    # Short chunks where the window is a narrow band: one dense product per chunk spans its rows' columns.
    step = config.chunk_rows if int((mhi - mlo).max()) >= m else min(config.chunk_rows, 128)
    for r0 in range(1, n + 1, step):
        rows = np.arange(r0, min(n + 1, r0 + step))
        c0 = max(int(mlo[rows[0]]), 1)
        c1 = min(int(mhi[rows[-1]]), m) + 1
        if c1 <= c0:
            continue
        dense = src.emb[rows - 1] @ tgt.emb[c0 - 1:c1 - 1].T
        j = np.arange(c0, c1)[None, :]
        inside = (j >= mlo[rows, None]) & (j <= mhi[rows, None])
        dense = np.where(inside, dense, -np.inf)
        src_top[rows - 1] = _top_values(dense, count)
        row_best[rows - 1] = c0 - 1 + dense.argmax(axis=1)
        arg = dense.argmax(axis=0)
        value = dense[arg, np.arange(dense.shape[1])]
        better = value > col_value[c0 - 1:c1 - 1]
        col_value[c0 - 1:c1 - 1] = np.where(better, value, col_value[c0 - 1:c1 - 1])
        col_best[c0 - 1:c1 - 1] = np.where(better, rows[0] - 1 + arg, col_best[c0 - 1:c1 - 1])
        merged = np.concatenate([tgt_top[c0 - 1:c1 - 1], dense.T], axis=1)
        tgt_top[c0 - 1:c1 - 1] = _top_values(merged, count)
    skip = config.margin_skip
    return _ranked_mean(src_top, skip), _ranked_mean(tgt_top, skip), row_best, col_best


def estimate_model(src: SideFeatures, tgt: SideFeatures, config: AlignerConfig,
                   band: tuple[np.ndarray, np.ndarray] | None = None) -> DocumentModel:
    """The document's own scoring parameters: similarity of anchors against nulls, and the
    local length ratio with the anchors' spread (see the module docstring)."""
    n, m = len(src.emb), len(tgt.emb)
    lo, hi = band if band is not None else _band_full(n, m)
    hub_s, hub_t, row_best, col_best = _neighbourhood(src, tgt, lo, hi, config)
    rows = np.arange(n)
    mutual = (row_best >= 0) & (col_best[np.clip(row_best, 0, max(m - 1, 0))] == rows) if m else np.zeros(n, bool)
    return fit_model(src, tgt, rows[mutual], row_best[mutual], (hub_s, hub_t), config)


def fit_model(src: SideFeatures, tgt: SideFeatures, ai: np.ndarray, aj: np.ndarray,
              margins: tuple[np.ndarray, np.ndarray], config: AlignerConfig) -> DocumentModel:
    """The model from given anchor pairs (source ids ai, target ids aj, in source order)."""
    n, m = len(src.emb), len(tgt.emb)
    hub_s, hub_t = margins
    beta = config.margin_weight
    se, te = src.emb, tgt.emb
    cos = np.einsum("ij,ij->i", se[ai], te[aj])
    pairs = np.concatenate([cos - beta * hub_s[ai], cos - beta * hub_t[aj]])
    nulls = []
    null_ij = []
    # Medians need no more than a few thousand samples: long documents use every k-th anchor.
    every = max(1, len(ai) // 2000)
    ai, aj, full_ai, full_aj = ai[::every], aj[::every], ai, aj
    for d in config.null_offsets:
        for sign in (-1, 1):
            jj = aj + sign * d
            ok = (jj >= 0) & (jj < m)
            nulls.append(np.einsum("ij,ij->i", se[ai[ok]], te[jj[ok]]) - beta * hub_s[ai[ok]])
            null_ij.append((ai[ok], jj[ok]))
            ii = ai + sign * d
            ok = (ii >= 0) & (ii < n)
            nulls.append(np.einsum("ij,ij->i", se[ii[ok]], te[aj[ok]]) - beta * hub_t[aj[ok]])
            null_ij.append((ii[ok], aj[ok]))
    null = np.concatenate(nulls) if nulls else np.zeros(0)
    ai, aj = full_ai, full_aj
    k, w = len(ai), config.prior_weight
    pair_median = float(np.median(pairs)) if len(pairs) else config.prior_pair
    null_median = float(np.median(null)) if len(null) else config.prior_null
    spread2 = (_robust_spread(pairs, pair_median) ** 2 + _robust_spread(null, null_median) ** 2) / 2
    pair_median = _shrunk(pair_median, k, config.prior_pair, w)
    null_median = _shrunk(null_median, k if len(null) else 0, config.prior_null, w)
    spread2 = _shrunk(spread2, k if len(null) else 0, config.prior_spread ** 2, w)
    separation = max(pair_median - null_median, 0.25 * abs(config.prior_pair - config.prior_null))
    scale = config.evidence_scale * separation / max(spread2, 1e-6)
    midpoint = (pair_median + null_median) / 2
    # Length: the log ratio of the more similar anchors, as a running median along the source
    # side, and their spread around it.
    ls, lt = src.lengths, tgt.lengths
    length_var = None
    if k:
        clean = _most_similar(cos - 0.5 * beta * (hub_s[ai] + hub_t[aj]), config.length_anchors)
        li, lj = ai[clean], aj[clean]
        log_ratio = np.log((lt[lj] + 10) / (ls[li] + 10))  # anchors come in source order
        local = _running_median(log_ratio, config.ratio_window)
        ratio = np.interp(np.arange(n + 1) - 0.5, li, local)
        sigma = _shrunk(max(_robust_spread(log_ratio - local, 0.0), 0.05), len(li), config.prior_length_sigma, w)
        length_var = _length_variance(log_ratio - local, np.sqrt((ls[li] + 10) * (lt[lj] + 10)), sigma, w)
    else:
        ratio = np.full(n + 1, float(np.log((lt.sum() + 10) / (ls.sum() + 10))))
        sigma = config.prior_length_sigma
    spread_null = float(np.sqrt(np.var(np.log(ls + 10)) + np.var(np.log(lt + 10)))) if n > 1 and m > 1 else 0.0
    ni = np.concatenate([x for x, _ in null_ij]) if null_ij else np.zeros(0, np.int64)
    nj = np.concatenate([y for _, y in null_ij]) if null_ij else np.zeros(0, np.int64)
    table, mark_classes = _fit_marks(src, tgt, (ai, aj), (ni, nj), config)
    return DocumentModel(scale, midpoint, pair_median, null_median, ratio, sigma,
                         max(spread_null, 1.5 * sigma), k, margins=(hub_s, hub_t), sides=(src, tgt),
                         mark_table=table, mark_classes=mark_classes,
                         anchor_pairs=(np.asarray(ai), np.asarray(aj)), length_var=length_var)


def _length_variance(residual: np.ndarray, length: np.ndarray, sigma: float, weight: float
                     ) -> tuple[float, float] | None:
    """(base, per_char): the variance of true pairs' log length ratio as base + per_char / L,
    from the robust spreads of the shorter and the longer half of the anchors (L: their
    geometric mean length + 10). The slope is shrunk toward 0 as if from `weight` more
    anchors, and the variance at the median length stays sigma ** 2; None with too few."""
    median = float(np.median(length)) if len(length) else 0.0
    short, long_ = length <= median, length > median
    if short.sum() < 10 or long_.sum() < 10:
        return None
    s_short = max(_robust_spread(residual[short], 0.0), 0.05)
    s_long = max(_robust_spread(residual[long_], 0.0), 0.05)
    inv_short, inv_long = float(np.median(1 / length[short])), float(np.median(1 / length[long_]))
    per_char = max(0.0, (s_short ** 2 - s_long ** 2) / max(inv_short - inv_long, 1e-9))
    per_char *= len(residual) / (len(residual) + weight)
    return max(sigma ** 2 - per_char / median, 0.03 ** 2), per_char


def _most_similar(similarity: np.ndarray, share: float) -> np.ndarray:
    """Mask of the `share` of the values that are highest (all of them when share >= 1)."""
    if share >= 1 or len(similarity) < 2:
        return np.ones(len(similarity), bool)
    mask: np.ndarray = similarity >= np.quantile(similarity, 1 - share)
    return mask


def _fit_marks(src: SideFeatures, tgt: SideFeatures, anchors: tuple[np.ndarray, np.ndarray],
               nulls: tuple[np.ndarray, np.ndarray], config: AlignerConfig
               ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The marks' LLR table (classes that say something, by capped source and target count)
    and those classes, from the anchors against the nulls; (None, None) when nothing to go on."""
    K = src.marks.shape[1]
    if not K or not len(anchors[0]) or not len(nulls[0]):
        return None, None
    a_bins = _mark_bins(src.marks[anchors[0]], tgt.marks[anchors[1]])
    n_bins = _mark_bins(src.marks[nulls[0]], tgt.marks[nulls[1]])
    alpha = config.mark_smoothing
    table = np.zeros((K, 4))
    for c in range(K):
        pa = np.bincount(a_bins[:, c], minlength=4) + alpha
        # nulls outnumber anchors: count them at the anchors' total, so a bin neither has stays at 0
        pn = np.bincount(n_bins[:, c], minlength=4) * (len(a_bins) / len(n_bins)) + alpha
        table[c] = np.log(pa / pa.sum()) - np.log(pn / pn.sum())
    table[:, 0] = 0.0  # a mark neither side has says nothing (and must not reward splitting)
    table *= config.mark_weight
    keep = np.flatnonzero(np.abs(table).max(axis=1) >= _MARK_MIN_LLR)
    if not len(keep):
        return None, None
    counts = np.arange(MARK_CAP + 1)
    return table[keep][:, _mark_bins(counts[:, None], counts[None, :])], keep


def _paired_codes(capped: np.ndarray, scale: int) -> np.ndarray:
    """Span codes for `_paired_tables`: classes taken two at a time, so one lookup scores two
    classes. `capped` is (classes, positions) of counts in 0..MARK_CAP; `scale` is the
    table's row size for source codes (target counts are the column) and 1 for target codes."""
    side = MARK_CAP + 1
    codes = capped.astype(np.int32) * scale
    paired = [codes[k] * side * side + (codes[k + 1] if k + 1 < len(codes) else 0)
              for k in range(0, len(codes), 2)]
    return np.asarray(paired, np.int32)


def _paired_tables(table: np.ndarray | None) -> list[np.ndarray]:
    """The mark table (classes x src count x tgt count) as flat tables for class pairs: entry
    (code of class k) * side^2 + (code of class k+1) holds the sum of both classes' LLRs."""
    if table is None:
        return []
    cells = table.reshape(len(table), -1)
    out = []
    for k in range(0, len(cells), 2):
        second = cells[k + 1] if k + 1 < len(cells) else np.zeros_like(cells[k])
        out.append((cells[k][:, None] + second[None, :]).ravel())
    return out


class _BandAligner:
    def __init__(self, src: SideFeatures, tgt: SideFeatures, lo: np.ndarray, hi: np.ndarray,
                 config: AlignerConfig) -> None:
        self.src, self.tgt, self.cfg = src, tgt, config
        self.n, self.m = len(src.emb), len(tgt.emb)
        self.lo, self.hi = lo, hi
        self.width = int((hi - lo).max()) + 1
        self.max_a = max(a for a, _ in config.bead_types)
        self.max_b = max(b for _, b in config.bead_types)
        self.S = _SpanStats(src, self.max_a)
        self.T = _SpanStats(tgt, self.max_b)
        self.model = estimate_model(src, tgt, config, (lo, hi))
        self.hub_prefix = tuple(np.concatenate([[0.0], np.cumsum(h)]) for h in self.model.margins)
        # Capped mark counts of every span ending at each position, class-major (int16);
        # source codes premultiplied by the table's row size, so a lookup is one addition.
        classes = self.model.mark_classes
        self.mark_codes: tuple[dict[int, np.ndarray], dict[int, np.ndarray]] = ({}, {})
        if classes is not None:
            for side, codes, lengths, scale in ((src, self.mark_codes[0], range(1, self.max_a + 1), MARK_CAP + 1),
                                                (tgt, self.mark_codes[1], range(1, self.max_b + 1), 1)):
                prefix = np.ascontiguousarray(_prefix(side.marks)[:, classes].T)
                positions = np.arange(prefix.shape[1])
                for size in lengths:
                    span = prefix - prefix[:, np.maximum(positions - size, 0)]
                    codes[size] = _paired_codes(np.minimum(span, MARK_CAP), scale)
            self.mark_tables = _paired_tables(self.model.mark_table)
        # Per-span terms that do not depend on the chunk: inverse norms and log lengths.
        self.inv_norm = ({a: 1 / self.S.norm[a] for a in self.S.norm}, {b: 1 / self.T.norm[b] for b in self.T.norm})
        # half the margin weight times the summed hubness of the span ending at each position
        self.hub_span = tuple({size: 0.5 * config.margin_weight * (prefix - prefix[np.maximum(np.arange(len(prefix)) - size, 0)])
                               for size in range(1, top + 1)}
                              for prefix, top in zip(self.hub_prefix, (self.max_a, self.max_b)))
        self.log_length = ({a: np.log(self.S.length[a] + 10) for a in self.S.length},
                           {b: np.log(self.T.length[b] + 10) for b in self.T.length})
        self.inv_root_length = tuple({size: np.exp(-0.5 * values) for size, values in side.items()}
                                     for side in self.log_length)
        # Paragraph, heading and translator's-note penalties only where the text has them.
        self.structure = bool(src.heading.any() or tgt.heading.any() or src.standalone.any()
                              or tgt.standalone.any() or len(np.unique(src.paragraph)) > 1
                              or len(np.unique(tgt.paragraph)) > 1)

    # ---- bead scores -----------------------------------------------------------------
    def _rows_per_chunk(self) -> int:
        # Each chunk needs one dense product over the columns its rows span; in a narrow band
        # that drifts to the right, short chunks keep that product close to the band itself.
        if self.width >= self.m:
            return self.cfg.chunk_rows
        return int(min(self.cfg.chunk_rows, max(32, self.width)))

    def _chunk_scores(self, rows: np.ndarray) -> np.ndarray:
        """Scores (pair types x rows x W) for DP cells (i, lo_i + w); NEG where impossible."""
        cfg, S, T, model = self.cfg, self.S, self.T, self.model
        W, m = self.width, self.m
        j = self.lo[rows, None] + np.arange(W)[None, :]  # absolute DP column
        jc = np.minimum(j, m)
        valid = self._valid(rows)
        ri = rows
        pairs = [(a, b) for a, b in cfg.bead_types if a and b]
        a_vals = sorted({a for a, _ in pairs})
        b_vals = sorted({b for _, b in pairs})
        # Span dot products from a 2-D running sum of the sentence similarities of this block:
        # dense[x, y] = sum of e_s . e_t over source r0..r0+x-1 and target c0..c0+y-1, which
        # covers every span G[i - a, j - b] this chunk needs.
        r0 = max(int(rows[0]) - self.max_a, 0)
        c0 = max(int(jc.min()) - self.max_b, 0)
        c1 = int(jc.max()) + 1
        sims = self.src.emb[r0:int(rows[-1])] @ self.tgt.emb[c0:c1 - 1].T
        dense = np.zeros((sims.shape[0] + 1, sims.shape[1] + 1))
        np.cumsum(np.cumsum(sims, axis=0, dtype=np.float64), axis=1, out=dense[1:, 1:])
        # one flat gather per corner: row offset (per source span start) + column
        flat, width = dense.ravel(), dense.shape[1]
        cols = {b: np.maximum(jc - b, 0) - c0 for b in [0] + b_vals}
        offsets = {a: ((np.maximum(ri - a, 0) - r0) * width)[:, None] for a in [0] + a_vals}
        corners = {(0, 0)} | {(0, b) for b in b_vals} | {(a, 0) for a in a_vals} | set(pairs)
        gram = {(a, b): np.take(flat, offsets[a] + cols[b]) for a, b in corners}
        rho = model.ratio[ri][:, None]
        if cfg.length_evidence:
            nu, null = cfg.length_tail, model.length_null ** 2
            root_t = {b: np.take(self.inv_root_length[1][b], jc) for b in b_vals}
        inv_norm_s, inv_norm_t = self.inv_norm
        log_len_s, log_len_t = self.log_length
        hub_span_t = self.hub_span[1]
        col_terms = {b: (np.take(inv_norm_t[b], jc), np.take(hub_span_t[b], jc), np.take(log_len_t[b], jc) - rho)
                     for b in b_vals}
        out = np.full((len(pairs), len(rows), W), NEG)
        if model.mark_table is not None:
            # Capped span counts, class-major: source codes premultiplied by the table's row size.
            codes_s, codes_t = self.mark_codes
            mark_s = {a: codes_s[a][:, ri] for a in a_vals}
            mark_t = {b: np.take(codes_t[b], jc, axis=1) for b in b_vals}
            tables = self.mark_tables
        scale = model.scale
        marks_sum = np.empty((len(rows), W))
        marks_part = np.empty((len(rows), W))
        mark_index = np.empty((len(rows), W), np.int32)
        for t, (a, b) in enumerate(pairs):
            inv_t, hub_tb, log_t = col_terms[b]
            # row and column terms combined before they meet the (rows x W) grid
            coef = (0.5 * scale) * (inv_t + inv_norm_s[a][ri][:, None])
            hub_sa = self.hub_span[0][a][ri]
            offset = -scale * (hub_tb + (hub_sa + model.midpoint * (a + b) / 2)[:, None]) - cfg.merge_cost * (a + b - 2)
            score = out[t]
            np.subtract(gram[0, 0], gram[0, b], out=score)
            score -= gram[a, 0]
            score += gram[a, b]
            # sum over both sides' sentences of cos(sentence, other side's span), halved
            score *= coef
            score += offset
            if cfg.length_evidence:
                # Student-t log-likelihood ratio, true against unrelated pairs
                deviation = log_t - log_len_s[a][ri][:, None]
                deviation *= deviation
                # the true pairs' variance falls with the bead's (geometric mean) length
                var = model.length_variance(self.inv_root_length[0][a][ri][:, None] * root_t[b])
                llr = np.log1p(deviation * (1 / (nu * null)))
                deviation /= nu * var
                llr -= np.log1p(deviation, out=deviation)
                llr *= 0.5 * (nu + 1)
                llr -= 0.5 * np.log(var / null)
                score += llr
            if model.mark_table is not None:
                for k, table in enumerate(tables):
                    np.add(mark_s[a][k][:, None], mark_t[b][k], out=mark_index)
                    if k == 0:
                        np.take(table, mark_index, out=marks_sum, mode="clip")
                    else:
                        marks_sum += np.take(table, mark_index, out=marks_part, mode="clip")
                score += marks_sum
            if self.structure:
                score -= _structure_penalty(cfg, a, b, S.crosses_paragraph[a][ri][:, None] | T.crosses_paragraph[b][jc],
                                            S.has_heading[a][ri][:, None], T.has_heading[b][jc],
                                            S.has_standalone[a][ri][:, None] | T.has_standalone[b][jc])
            # impossible cells: spans reaching before the first sentence of either side
            if ri[0] < a:
                score[:a - ri[0]] = NEG
            if j[:, 0].min() < b:
                score[j < b] = NEG
        out[:, ~valid] = NEG
        return out

    def _valid(self, rows: np.ndarray) -> np.ndarray:
        j = self.lo[rows, None] + np.arange(self.width)[None, :]
        return (j <= self.hi[rows, None]) & (j <= self.m)

    # ---- dynamic programme -------------------------------------------------------------
    def run(self, free_ends: bool = False) -> list[tuple[int, int, int, int]]:
        """Best path as (i0, i1, j0, j1) spans. `free_ends`: unmatched sentences before the
        first pair and after the last cost nothing (a translation inside a longer text: the
        rest of that text is context, not omissions).

        Three states per cell (Gotoh's affine gaps): M, the last bead is a pair (or the start);
        X, the last bead is 1:0; Y, the last bead is 0:1. Opening a run of unmatched sentences
        costs skip_open, extending it skip_extend. Only the pair type into M cells is stored;
        the trace recomputes which state an X or Y cell came from."""
        n, W, cfg = self.n, self.width, self.cfg
        lo = self.lo
        open_, ext = cfg.skip_open, cfg.skip_extend
        size = (n + 1) * W + 1  # plus one sentinel cell (always NEG) for out-of-band predecessors
        sentinel = size - 1
        DM, DX, DY = np.full(size, NEG), np.full(size, NEG), np.full(size, NEG)
        best = np.full(size, NEG)  # max over the three states
        back = np.zeros((n + 1, W), np.int8)  # pair type into an M cell
        ramp = ext * np.arange(W)

        def y_row(non_y: np.ndarray) -> np.ndarray:
            # Y[w] = max(non_y[w-1] - open, Y[w-1] - ext): a running maximum of
            # non_y[k] - open + ext*k, shifted back by one.
            running = np.maximum.accumulate(non_y - open_ + ramp)
            y = np.empty(W)
            y[0] = NEG
            y[1:] = running[:-1] - ramp[:-1]
            return y

        if lo[0] == 0:
            DM[0] = 0.0
            y = y_row(np.where(np.arange(W) == 0, 0.0, NEG))
            y[~self._valid(np.array([0]))[0]] = NEG
            if free_ends:
                y = np.where(np.isfinite(y) & (y > NEG / 2), 0.0, y)
            DY[:W] = y
            best[:W] = np.maximum(DM[:W], DY[:W])
        pairs = [(a, b) for a, b in cfg.bead_types if a and b]
        type_ids = np.array([cfg.bead_types.index(p) for p in pairs], np.int8)
        a_of = np.array([a for a, _ in pairs])
        b_of = np.array([b for _, b in pairs])
        cols = np.arange(W)
        step = self._rows_per_chunk()
        shift_ramp = ramp - open_
        for r0 in range(1, n + 1, step):
            rows = np.arange(r0, min(n + 1, r0 + step))
            # (rows, types, W), so that each row's scores are contiguous
            scores = np.ascontiguousarray(np.moveaxis(self._chunk_scores(rows), 1, 0))
            # A row's valid cells are a prefix of the band: w <= min(hi, m) - lo.
            ends = np.maximum(np.minimum(self.hi[rows], self.m) - lo[rows] + 1, 0)
            # Flat index of each cell's predecessor (i - a, j - b), for all types at once.
            prev_rows = np.maximum(rows[:, None] - a_of[None, :], 0)  # (R, T)
            shift = lo[rows][:, None] - lo[prev_rows] - b_of[None, :]
            prev_col = shift[:, :, None] + cols[None, None, :]  # (R, T, W)
            ok = (prev_col >= 0) & (prev_col < W) & (rows[:, None, None] >= a_of[None, :, None])
            index = np.where(ok, prev_rows[:, :, None] * W + prev_col, sentinel)
            # The cell above (i - 1, j) sits `up` columns to the right in the previous row
            # (lo never decreases), so the X state reads one slice of it.
            up = lo[rows] - lo[rows - 1]
            gathered = np.empty((len(pairs), W))
            for k, i in enumerate(rows):
                # The row's three states are written in place (every cell starts at NEG).
                cells = slice(i * W, (i + 1) * W)
                m_row, x_row, y = DM[cells], DX[cells], DY[cells]
                # candidates of every pair type, kept in `scores` for the chunk's back pointers
                cand = scores[k]
                cand += np.take(best, index[k], out=gathered, mode="clip")
                np.maximum.reduce(cand, axis=0, out=m_row)
                reach = W - int(up[k])
                if reach > 0:
                    above = slice((i - 1) * W + int(up[k]), i * W)
                    np.maximum(np.maximum(DM[above], DY[above]) - open_, DX[above] - ext, out=x_row[:reach])
                if free_ends and lo[i] == 0:
                    x_row[0] = 0.0  # source sentences before the first pair
                end = int(ends[k])
                m_row[end:] = NEG
                x_row[end:] = NEG
                non_y = np.maximum(m_row, x_row)
                # Y[w] = max(non_y[w-1] - open, Y[w-1] - ext): a running maximum of
                # non_y[k] - open + ext*k, shifted back by one.
                running = np.maximum.accumulate(non_y + shift_ramp)
                np.subtract(running[:-1], ramp[:-1], out=y[1:])
                y[end:] = NEG
                np.maximum(non_y, y, out=best[cells])
            back[rows] = type_ids[scores.argmax(axis=1)]
        return self._trace(DM, DX, DY, back, free_ends)

    def _trace(self, DM: np.ndarray, DX: np.ndarray, DY: np.ndarray, back: np.ndarray,
               free_ends: bool = False) -> list[tuple[int, int, int, int]]:
        i, j, lo, W = self.n, self.m, self.lo, self.width
        tail: list[tuple[int, int, int, int]] = []
        if free_ends:
            # End where the best pair ends; what follows on either side is unmatched, free.
            # candidates: the last column (rows whose band reaches it) and the whole last row
            rows = np.flatnonzero((lo <= self.m) & (self.hi >= self.m))
            cols = np.arange(lo[self.n], min(self.hi[self.n], self.m) + 1)
            cand_r = np.concatenate([rows, np.full(len(cols), self.n)])
            cand_c = np.concatenate([np.full(len(rows), self.m), cols])
            k = int(np.argmax(DM[cand_r * W + cand_c - lo[cand_r]]))
            i, j = int(cand_r[k]), int(cand_c[k])
            tail = [(r, r + 1, j, j) for r in range(i, self.n)] + [(self.n, self.n, c, c + 1) for c in range(j, self.m)]
        open_, ext = self.cfg.skip_open, self.cfg.skip_extend

        def cell(r: int, c: int) -> int:
            return r * W + c - int(lo[r])

        def first_best(values: tuple[float, float, float]) -> int:
            return 0 if values[0] >= max(values[1], values[2]) else (1 if values[1] >= values[2] else 2)

        def state_of(r: int, c: int) -> int:
            k = cell(r, c)
            return first_best((DM[k], DX[k], DY[k]))

        if not (lo[i] <= j <= self.hi[i]) or max(DM[cell(i, j)], DX[cell(i, j)], DY[cell(i, j)]) <= NEG / 2:
            raise RuntimeError("alignment band does not reach the end of both documents")
        types = self.cfg.bead_types
        state = state_of(i, j)
        path = []
        while i > 0 or j > 0:
            if state == 0:
                a, b = types[back[i, j - lo[i]]]
                path.append((i - a, i, j - b, j))
                i, j = i - a, j - b
                state = state_of(i, j)
            elif state == 1:  # 1:0, from (i - 1, j): which state paid the least to get here
                path.append((i - 1, i, j, j))
                k = cell(i - 1, j)
                state = first_best((DM[k] - open_, DX[k] - ext, DY[k] - open_))
                i -= 1
            else:  # 0:1, from (i, j - 1)
                path.append((i, i, j - 1, j))
                k = cell(i, j - 1)
                state = first_best((DM[k] - open_, DX[k] - open_, DY[k] - ext))
                j -= 1
        path.reverse()
        return path + tail


def _structure_penalty(config: AlignerConfig, a: int | np.ndarray, b: int | np.ndarray, crosses: np.ndarray,
                       src_headings: np.ndarray, tgt_headings: np.ndarray, standalone: np.ndarray) -> np.ndarray:
    """What a bead of a source and b target sentences pays for the text's structure: crossing a
    paragraph boundary, a heading paired with body text or merged, a translator's note paired."""
    heading_bad = (((src_headings > 0) != (tgt_headings > 0)) | (src_headings > 1) | (tgt_headings > 1)
                   | ((src_headings > 0) & ((a > 1) | (b > 1))))
    penalty: np.ndarray = (config.paragraph_penalty * crosses + config.heading_penalty * heading_bad
                           + config.standalone_penalty * standalone)
    return penalty


def _length_llr(ls: np.ndarray, lt: np.ndarray, rho: np.ndarray, model: DocumentModel,
                config: AlignerConfig) -> np.ndarray:
    """Log-likelihood ratio of a bead's length ratio: true pair against unrelated pair."""
    square = (np.log((lt + 10) / (ls + 10)) - rho) ** 2
    nu, null = config.length_tail, model.length_null ** 2
    var = model.length_variance(1 / np.sqrt((ls + 10) * (lt + 10)))
    out: np.ndarray = (0.5 * (nu + 1) * (np.log1p(square / (nu * null)) - np.log1p(square / (nu * var)))
                       - 0.5 * np.log(var / null))
    return out


def _pool(side: SideFeatures, size: int) -> SideFeatures:
    """Blocks of `size` consecutive sentences, each as its normalised summed embedding."""
    n = len(side.emb)
    starts = np.arange(0, n, size)
    whole = n // size
    emb = np.empty((len(starts), side.emb.shape[1]), np.float32)
    emb[:whole] = side.emb[:whole * size].reshape(whole, size, -1).sum(axis=1)
    if whole < len(starts):
        emb[whole] = side.emb[whole * size:].sum(axis=0)
    emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    return SideFeatures(emb.astype(np.float32, copy=False), np.add.reduceat(side.lengths, starts))


def _coarse_band(src: SideFeatures, tgt: SideFeatures, config: AlignerConfig) -> tuple[np.ndarray, np.ndarray]:
    """Band for the fine search: align block sums (recursively, if they are still too many),
    then widen the projected path by a margin. Blocks hold about as much text on both sides
    when the two are of similar size; when one is several times the other (a translation
    inside a longer text) they hold the same number of sentences, and the longer side's
    surplus is skipped at block level."""
    n, m = len(src.emb), len(tgt.emb)
    fs = config.coarse_block
    ratio = m / max(n, 1)
    ft = max(1, round(fs * ratio)) if 1 / 3 <= ratio <= 3 else fs
    coarse_cfg = replace(config, bead_types=((1, 1), (1, 0), (0, 1), (1, 2), (2, 1)), length_evidence=False,
                         paragraph_penalty=0.0, heading_penalty=0.0)
    # A side several times the other holds the translation somewhere inside: at block level the
    # text around it is free to skip, so that no block is pulled to the start or the end.
    inside = not 1 / 3 <= ratio <= 3
    path, _ = _search(_pool(src, fs), _pool(tgt, ft), coarse_cfg, free_ends=inside)
    # For each fine DP row, the fine target columns its coarse bead covers.
    lo = np.full(n + 1, m, np.int64)
    hi = np.zeros(n + 1, np.int64)
    for i0, i1, j0, j1 in path:
        r0, r1 = i0 * fs, min(n, i1 * fs)
        c0, c1 = j0 * ft, min(m, j1 * ft)
        lo[r0:r1 + 1] = np.minimum(lo[r0:r1 + 1], c0)
        hi[r0:r1 + 1] = np.maximum(hi[r0:r1 + 1], c1)
    margin = config.band_margin + max(fs, ft)
    lo = np.maximum(np.minimum.accumulate((lo - margin)[::-1])[::-1], 0)
    hi = np.minimum(np.maximum.accumulate(hi + margin), m)
    lo[0], hi[-1] = 0, m
    return lo, hi


def _search(src: SideFeatures, tgt: SideFeatures, config: AlignerConfig, free_ends: bool = False
            ) -> tuple[list[tuple[int, int, int, int]], DocumentModel]:
    """Best path and the document model it was scored with; small problems are searched
    whole, larger ones in a band."""
    n, m = len(src.emb), len(tgt.emb)
    if (n + 1) * (m + 1) <= config.full_cells:
        lo, hi = _band_full(n, m)
    else:
        lo, hi = _coarse_band(src, tgt, config)
    aligner = _BandAligner(src, tgt, lo, hi, config)
    return aligner.run(free_ends), aligner.model


def align_features(src: SideFeatures, tgt: SideFeatures,
                   config: AlignerConfig | None = None) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Align two documents; returns beads as (src ids, tgt ids, 0.0): confidences come from
    `confidence.bead_confidences`."""
    beads, _ = align_with_model(src, tgt, config)
    return [(s, t, 0.0) for s, t in beads]


@dataclass
class BeadEvidence:
    """What the document model says about each bead of an alignment (arrays, one per bead).

    Similarities are in the document's own units: 0 is the midpoint between its anchors and
    nulls, +0.5 the anchors' median, -0.5 the nulls' median."""

    pair: np.ndarray  # bool: both sides non-empty
    similarity: np.ndarray  # pairs: per-sentence adjusted similarity with the other side's span
    competitor: np.ndarray  # pairs: the best neighbouring sentence just outside the bead, same units
    length: np.ndarray  # pairs: length log-likelihood ratio (nats)
    extra: np.ndarray  # sentences beyond 1:1
    weakest: np.ndarray  # pairs: the least similar sentence of the bead to the other side's span
    margin: np.ndarray  # how much better (nats) than the best local alternative (`local_margins`)
    nearest: np.ndarray  # unpaired: best similarity to a sentence of the other side nearby
    run: np.ndarray  # unpaired: length of the run of unpaired sentences on its side
    size: np.ndarray  # unpaired: log of its length over its side's median sentence length
    # The document: share of its beads that are 1:1. Where a translation runs sentence by
    # sentence, a bead's margin over its alternatives says more than where merges abound.
    one_to_one: float = 1.0
    # pairs: the similarity evidence of the bead in nats (the DP's own term; below 0 its
    # content looks less like a translation than like an unrelated pair)
    content: np.ndarray | None = None


def bead_evidence(beads: list[tuple[tuple[int, ...], tuple[int, ...]]], model: DocumentModel,
                  config: AlignerConfig, neighbourhood: int = 3) -> BeadEvidence:
    """Evidence for given beads (an alignment of ours, or one read from a translation memory),
    on the sides the model was estimated on."""
    src, tgt = model.sides
    k = len(beads)
    unit = max(model.pair_median - model.null_median, 1e-6)
    hub_s, hub_t = model.margins
    beta = config.margin_weight
    pair = np.array([bool(s) and bool(t) for s, t in beads], bool)
    similarity, competitor, length, weakest, content = (np.zeros(k) for _ in range(5))
    extra = np.array([max(len(s) + len(t) - 2, 0) for s, t in beads], float)
    nearest, run, own_size = np.zeros(k), np.zeros(k), np.zeros(k)
    typical = (float(np.median(src.lengths)) if len(src.lengths) else 1.0,
               float(np.median(tgt.lengths)) if len(tgt.lengths) else 1.0)
    se, te = src.emb.astype(np.float64), tgt.emb.astype(np.float64)
    scorer = _BeadScorer(src, tgt, model, config)
    ps, pt, ch_s, ch_t = scorer.ps, scorer.pt, scorer.ch_s, scorer.ch_t
    idx = np.flatnonzero(pair)
    if len(idx):
        i0 = np.array([beads[b][0][0] for b in idx]); i1 = np.array([beads[b][0][-1] + 1 for b in idx])
        j0 = np.array([beads[b][1][0] for b in idx]); j1 = np.array([beads[b][1][-1] + 1 for b in idx])
        vs, vt = ps[i1] - ps[i0], pt[j1] - pt[j0]
        ns = np.maximum(np.linalg.norm(vs, axis=1), 1e-12)
        nt = np.maximum(np.linalg.norm(vt, axis=1), 1e-12)
        dot = np.einsum("ij,ij->i", vs, vt)
        size = (i1 - i0 + j1 - j0) / 2
        per = (0.5 * (dot / nt + dot / ns) - 0.5 * beta * (ch_s[i1] - ch_s[i0] + ch_t[j1] - ch_t[j0])) / size
        similarity[idx] = (per - model.midpoint) / unit
        content[idx] = model.scale * size * (per - model.midpoint)
        us, ut = vs / ns[:, None], vt / nt[:, None]
        best = np.full(len(idx), -np.inf)
        for col in (j0 - 1, j1):  # target sentences just outside the bead, against the source span
            ok = (col >= 0) & (col < len(te))
            c = np.clip(col, 0, max(len(te) - 1, 0))
            best = np.where(ok, np.maximum(best, np.einsum("ij,ij->i", us, te[c]) - beta * hub_t[c]), best)
        for row in (i0 - 1, i1):
            ok = (row >= 0) & (row < len(se))
            r = np.clip(row, 0, max(len(se) - 1, 0))
            best = np.where(ok, np.maximum(best, np.einsum("ij,ij->i", ut, se[r]) - beta * hub_s[r]), best)
        competitor[idx] = np.where(np.isfinite(best), (best - model.midpoint) / unit, -1.0)
        # the weakest sentence: each sentence against the other side's span of its bead
        weakest_pair = np.full(len(idx), np.inf)
        for mine, other_unit, hub, starts, ends in ((se, ut, hub_s, i0, i1), (te, us, hub_t, j0, j1)):
            owner = np.repeat(np.arange(len(idx)), ends - starts)
            members = np.concatenate([np.arange(a0, a1) for a0, a1 in zip(starts, ends)])
            value = np.einsum("ij,ij->i", mine[members], other_unit[owner]) - beta * hub[members]
            np.minimum.at(weakest_pair, owner, value)
        weakest[idx] = (weakest_pair - model.midpoint) / unit
        ls = scorer.cl_s[i1] - scorer.cl_s[i0] + i1 - i0 - 1
        lt = scorer.cl_t[j1] - scorer.cl_t[j0] + j1 - j0 - 1
        length[idx] = _length_llr(ls, lt, model.ratio[i1], model, config)
    # Unpaired sentences: the best partner among the other side's sentences in nearby beads.
    current = [0, 0]
    for b, (s, t) in enumerate(beads):
        if s and t:
            current = [0, 0]
            continue
        side = 0 if s else 1
        current[side] += 1
        current[1 - side] = 0
        mine, other = (se, te) if s else (te, se)
        hub_mine = hub_s if s else hub_t
        near = [x for bead in beads[max(0, b - neighbourhood):b + neighbourhood + 1] for x in bead[1 - side]]
        x = (s or t)[0]
        value = float((other[near] @ mine[x]).max()) - beta * hub_mine[x] if near else model.null_median
        nearest[b] = (value - model.midpoint) / unit
        own = (src.lengths if s else tgt.lengths)[x]
        own_size[b] = np.log((own + 10) / (typical[side] + 10))
    # run lengths: the whole run, written on each of its beads
    b = 0
    while b < k:
        s, t = beads[b]
        if s and t:
            b += 1
            continue
        side = 0 if s else 1
        e = b
        while e < k and not (beads[e][0] and beads[e][1]) and bool(beads[e][0]) == (side == 0):
            e += 1
        run[b:e] = e - b
        b = e
    margin = local_margins(beads, model, config, scorer) if k else np.zeros(0)
    one_to_one = float(np.mean([len(s) == 1 and len(t) == 1 for s, t in beads])) if k else 1.0
    return BeadEvidence(pair, similarity, competitor, length, extra, weakest, margin, nearest, run, own_size,
                        one_to_one, content)


def path_band(beads: list[tuple[tuple[int, ...], tuple[int, ...]]], n: int, m: int,
              margin: int) -> tuple[np.ndarray, np.ndarray]:
    """A band around a given alignment (for estimating a document model from it)."""
    lo = np.full(n + 1, m, np.int64)
    hi = np.zeros(n + 1, np.int64)
    i = j = 0
    lo[0] = hi[0] = 0
    for s, t in beads:
        i2, j2 = i + len(s), j + len(t)
        lo[i:i2 + 1] = np.minimum(lo[i:i2 + 1], j)
        hi[i:i2 + 1] = np.maximum(hi[i:i2 + 1], j2)
        i, j = i2, j2
    lo = np.maximum(np.minimum.accumulate((lo - margin)[::-1])[::-1], 0)
    hi = np.minimum(np.maximum.accumulate(hi + margin), m)
    lo[0], hi[-1] = 0, m
    return lo, hi


def model_for_beads(src: SideFeatures, tgt: SideFeatures, beads: list[tuple[tuple[int, ...], tuple[int, ...]]],
                    config: AlignerConfig) -> DocumentModel | None:
    """The document model of an alignment made elsewhere (a translation memory), estimated in
    a band around its beads; None when a side is empty."""
    src, tgt = centred(src, config), centred(tgt, config)
    n, m = len(src.emb), len(tgt.emb)
    if n == 0 or m == 0:
        return None
    return estimate_model(src, tgt, config, path_band(beads, n, m, config.band_margin))


def centred(side: SideFeatures, config: AlignerConfig) -> SideFeatures:
    """The side with its mean embedding taken out (rows renormalised).

    Sentence encoders put every sentence of a language near one common direction (more so for
    most transformer encoders than for USE); what is shared by every sentence of the document
    says nothing about which sentence translates which, yet it inflates the similarity of
    summed spans. Removing each side's mean makes the scores the same whatever that common
    component is. For short documents the mean is shrunk toward zero (it is poorly known)."""
    n = len(side.emb)
    if not config.centre or n == 0:
        return side
    mean = side.emb.mean(axis=0, dtype=np.float64) * (n / (n + config.centre_prior))
    emb = side.emb - mean.astype(np.float32)
    emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-6)
    return replace(side, emb=emb.astype(np.float32, copy=False))


def align_with_model(src: SideFeatures, tgt: SideFeatures, config: AlignerConfig | None = None
                     ) -> tuple[list[tuple[tuple[int, ...], tuple[int, ...]]], DocumentModel | None]:
    """The beads and the document model they were scored with (None when a side is empty)."""
    config = config or AlignerConfig()
    src, tgt = centred(src, config), centred(tgt, config)
    n, m = len(src.emb), len(tgt.emb)
    if n == 0 or m == 0:
        return [((i,), ()) for i in range(n)] + [((), (j,)) for j in range(m)], None
    path, model = _search(src, tgt, config)
    return [(tuple(range(i0, i1)), tuple(range(j0, j1))) for i0, i1, j0, j1 in path], model


class _BeadScorer:
    """The DP's score (nats) of arbitrary beads, given as source and target half-open ranges."""

    def __init__(self, src: SideFeatures, tgt: SideFeatures, model: DocumentModel, config: AlignerConfig) -> None:
        self.src, self.tgt, self.model, self.cfg = src, tgt, model, config
        self.ps = np.zeros((len(src.emb) + 1, src.emb.shape[1]))
        np.cumsum(src.emb, axis=0, dtype=np.float64, out=self.ps[1:])
        self.pt = np.zeros((len(tgt.emb) + 1, tgt.emb.shape[1]))
        np.cumsum(tgt.emb, axis=0, dtype=np.float64, out=self.pt[1:])
        hub_s, hub_t = model.margins
        self.ch_s = np.concatenate([[0.0], np.cumsum(hub_s)])
        self.ch_t = np.concatenate([[0.0], np.cumsum(hub_t)])
        self.cl_s = np.concatenate([[0.0], np.cumsum(src.lengths)])
        self.cl_t = np.concatenate([[0.0], np.cumsum(tgt.lengths)])
        self.h_s = np.concatenate([[0], np.cumsum(src.heading.astype(np.int64))])
        self.h_t = np.concatenate([[0], np.cumsum(tgt.heading.astype(np.int64))])
        self.a_s = np.concatenate([[0], np.cumsum(src.standalone.astype(np.int64))])
        self.a_t = np.concatenate([[0], np.cumsum(tgt.standalone.astype(np.int64))])
        self.allowed = {ab for ab in config.bead_types if ab[0] and ab[1]}
        self.mk_s, self.mk_t = _prefix(src.marks), _prefix(tgt.marks)

    def pairs(self, i0: ArrayLike, i1: ArrayLike, j0: ArrayLike, j1: ArrayLike) -> np.ndarray:
        """Scores of pair beads [i0, i1) x [j0, j1) (arrays); -inf for shapes not allowed."""
        cfg, model = self.cfg, self.model
        i0, i1, j0, j1 = (np.asarray(x, np.int64) for x in (i0, i1, j0, j1))
        a, b = i1 - i0, j1 - j0
        out = np.full(len(a), -np.inf)
        ok = np.array([(int(x), int(y)) in self.allowed for x, y in zip(a, b)], bool)
        for start in range(0, int(ok.sum()), 4096):
            q = np.flatnonzero(ok)[start:start + 4096]
            vs = self.ps[i1[q]] - self.ps[i0[q]]
            vt = self.pt[j1[q]] - self.pt[j0[q]]
            dot = np.einsum("ij,ij->i", vs, vt)
            ns = np.maximum(np.linalg.norm(vs, axis=1), 1e-6)
            nt = np.maximum(np.linalg.norm(vt, axis=1), 1e-6)
            hub = self.ch_s[i1[q]] - self.ch_s[i0[q]] + self.ch_t[j1[q]] - self.ch_t[j0[q]]
            size = a[q] + b[q]
            evidence = 0.5 * (dot / nt + dot / ns) - 0.5 * cfg.margin_weight * hub - model.midpoint * size / 2
            score = model.scale * evidence
            if cfg.length_evidence:
                ls = self.cl_s[i1[q]] - self.cl_s[i0[q]] + a[q] - 1
                lt = self.cl_t[j1[q]] - self.cl_t[j0[q]] + b[q] - 1
                score = score + _length_llr(ls, lt, model.ratio[i1[q]], model, cfg)
            if model.mark_table is not None:
                score = score + _mark_llr(self.mk_s[i1[q]] - self.mk_s[i0[q]], self.mk_t[j1[q]] - self.mk_t[j0[q]],
                                          model)
            score -= cfg.merge_cost * (size - 2)
            par_s, par_t = self.src.paragraph, self.tgt.paragraph
            crosses = (par_s[i0[q]] != par_s[i1[q] - 1]) | (par_t[j0[q]] != par_t[j1[q] - 1])
            alone = (self.a_s[i1[q]] > self.a_s[i0[q]]) | (self.a_t[j1[q]] > self.a_t[j0[q]])
            score -= _structure_penalty(cfg, a[q], b[q], crosses, self.h_s[i1[q]] - self.h_s[i0[q]],
                                        self.h_t[j1[q]] - self.h_t[j0[q]], alone)
            out[q] = score
        return out

    def skips(self, count: int) -> float:
        """Cost of `count` unmatched sentences in one run (affine)."""
        return -(self.cfg.skip_open + self.cfg.skip_extend * (count - 1)) if count else 0.0


Span = tuple[int, int, int, int]  # source [i0, i1) and target [j0, j1)


def _with_side(span: Span, side: int, lo: int, hi: int) -> Span:
    """`span` with its source (side 0) or target (side 1) range replaced by [lo, hi)."""
    return (lo, hi, span[2], span[3]) if side == 0 else (span[0], span[1], lo, hi)


def _alternatives(spans: list[Span], b: int) -> Iterator[tuple[list[int], list[Span]]]:
    """Local rewrites of bead b: (beads replaced, spans replacing them; one-sided = unmatched)."""
    k = len(spans)
    i0, i1, j0, j1 = spans[b]
    neighbours = [n for n in (b - 1, b + 1) if 0 <= n < k]
    for n in neighbours:  # merged with a neighbour
        p0, p1, q0, q1 = spans[n]
        yield sorted([b, n]), [(min(i0, p0), max(i1, p1), min(j0, q0), max(j1, q1))]
    if not (i1 > i0 and j1 > j0):
        return
    yield [b], [(i0, i1, j0, j0), (i1, i1, j0, j1)]  # left unmatched
    for side in (0, 1):
        x0, x1 = (i0, i1) if side == 0 else (j0, j1)
        for n, left in ((b - 1, True), (b + 1, False)):
            if x1 - x0 >= 2:  # one edge sentence given away: unmatched, or to the neighbour
                moved = (x0, x0 + 1) if left else (x1 - 1, x1)
                mine = _with_side(spans[b], side, *((x0 + 1, x1) if left else (x0, x1 - 1)))
                alone = _with_side((i0, i0, j0, j0), side, *moved)
                yield [b], [mine, alone]
                if 0 <= n < k:
                    y0, y1 = spans[n][2 * side:2 * side + 2]
                    grown = _with_side(spans[n], side, min(y0, moved[0]) if y1 > y0 else moved[0],
                                       max(y1, moved[1]) if y1 > y0 else moved[1])
                    yield sorted([b, n]), [mine, grown]
            if 0 <= n < k:  # one edge sentence taken from the neighbour
                y0, y1 = spans[n][2 * side:2 * side + 2]
                if y1 > y0:
                    taken, rest = ((y1 - 1, y1), (y0, y1 - 1)) if left else ((y0, y0 + 1), (y0 + 1, y1))
                    mine = _with_side(spans[b], side, *((taken[0], x1) if left else (x0, taken[1])))
                    yield sorted([b, n]), [mine, _with_side(spans[n], side, *rest)]
    if i1 - i0 >= 2 and j1 - j0 >= 2:  # split into two pairs
        for cut_i in range(i0 + 1, i1):
            for cut_j in range(j0 + 1, j1):
                yield [b], [(i0, cut_i, j0, cut_j), (cut_i, i1, cut_j, j1)]


def local_margins(beads: list[tuple[tuple[int, ...], tuple[int, ...]]], model: DocumentModel,
                  config: AlignerConfig, scorer: _BeadScorer | None = None) -> np.ndarray:
    """For every bead, how much better (nats) the alignment is with it than with the best
    local alternative: a boundary moved by one sentence (to or from a neighbouring bead, or
    into a run of unmatched sentences), the bead merged with a neighbour, split in two, or
    left unmatched. A small margin means another reading is nearly as likely."""
    scorer = scorer or _BeadScorer(*model.sides, model, config)
    spans: list[Span] = []
    i = j = 0
    for s, t in beads:
        spans.append((i, i + len(s), j, j + len(t)))
        i, j = i + len(s), j + len(t)

    def score(spec: list[Span]) -> np.ndarray:
        out = np.array([scorer.skips(a1 - a0 + c1 - c0) for a0, a1, c0, c1 in spec], float)
        pair = [q for q, (a0, a1, c0, c1) in enumerate(spec) if a1 > a0 and c1 > c0]
        if pair:
            arr = np.array([spec[q] for q in pair])
            out[pair] = scorer.pairs(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3])
        return out

    current = score(spans)
    for b, (i0, i1, j0, j1) in enumerate(spans):  # unmatched runs: open, then extend
        if not (i1 > i0 and j1 > j0):
            prev = spans[b - 1] if b else None
            same_run = prev is not None and not (prev[1] > prev[0] and prev[3] > prev[2]) and \
                ((prev[1] > prev[0]) == (i1 > i0))
            current[b] = -(config.skip_extend if same_run else config.skip_open)
    owners, olds, sizes, flat = [], [], [], []
    for b in range(len(spans)):
        for old, new in _alternatives(spans, b):
            owners.append(b)
            olds.append(old)
            sizes.append(len(new))
            flat.extend(new)
    margins = np.full(len(spans), 50.0)  # no alternative: as good as certain
    if flat:
        scores = score(flat)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        new_total = np.add.reduceat(scores, starts)
        old_total = np.array([current[old].sum() for old in olds])
        delta = new_total - old_total  # <= 0 near an optimum
        best = np.full(len(spans), -np.inf)
        np.maximum.at(best, np.array(owners), delta)
        margins = np.where(np.isfinite(best), -best, 50.0)
    return margins
