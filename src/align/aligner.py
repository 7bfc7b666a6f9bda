"""Monotonic sentence alignment by dynamic programming over beads, in a band.

Beads go up to 4:1 / 1:4 / 2:2 / 2:3 / 3:2 plus 1:0 and 0:1. A bead is scored by the cosine
similarity of its joined sentences (the normalised sum of their embeddings), minus a margin
that measures how similar each sentence is to its other neighbours in the search band (so that
a document whose sentences all look alike does not fool it), minus penalties for length disagreement, for
crossing a paragraph boundary and for the rarer bead shapes.

Cost stays linear in document length: documents up to `full_cells` cells are searched whole;
longer ones are first aligned at a coarse resolution (blocks of sentences averaged), and the
fine search runs in a band around the projected coarse path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


BEAD_TYPES: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (2, 3), (3, 2), (1, 4), (4, 1),
)
NEG = -1e30


@dataclass
class AlignerConfig:
    bead_types: tuple[tuple[int, int], ...] = BEAD_TYPES
    # A bead scores weight * (similarity - skip_threshold - length penalty), with
    # weight = ((a + b) / 2) ** size_exponent; skipping a sentence (1:0 / 0:1) costs skip_cost.
    # Tuned on the Text+Berg dev document (see bench/README.md).
    skip_threshold: float = -0.4
    size_exponent: float = 0.7
    skip_cost: float = 0.0
    # Similarity = cos - margin_weight * (mean similarity of each sentence to its k best
    # neighbours other than the best one): sentences that resemble everything get less credit.
    margin_weight: float = 0.5
    margin_k: int = 4
    margin_skip: int = 1  # leave out the best neighbour: it is usually the true partner
    # Extra cost per bead shape (none needed with the size exponent above).
    shape_penalty: dict[tuple[int, int], float] = field(default_factory=dict)
    length_weight: float = 0.03  # per unit of squared z-score of the log length ratio
    length_sigma: float = 0.25  # spread of log(target/source length) for a true pair
    paragraph_penalty: float = 0.3  # a merge that spans a paragraph boundary
    heading_penalty: float = 0.25  # a heading paired with a non-heading, or merged
    standalone_penalty: float = 10.0  # a bead pairing a sentence marked standalone
    full_cells: int = 300_000  # up to this many (n+1)*(m+1) cells: no first pass
    coarse_block: int = 8  # sentences per block in the first pass (at least)
    band_margin: int = 24  # sentences either side of the projected coarse path
    # Margins (neighbourhood similarity) look this many target sentences beyond the DP band on
    # either side, so that a narrow band does not make them local (0: the band itself).
    margin_window: int = 256
    chunk_rows: int = 512
    # After scoring: a 1:1 pair below this confidence is split into 1:0 + 0:1 (pipeline.py).
    min_pair_confidence: float = 0.1


@dataclass
class SideFeatures:
    """What the aligner needs of one side: embeddings, lengths and structure."""

    emb: np.ndarray  # (n, d) float32, L2-normalised
    lengths: np.ndarray  # (n,) characters
    paragraph: np.ndarray | None = None  # (n,) block ids
    heading: np.ndarray | None = None  # (n,) bool
    standalone: np.ndarray | None = None  # (n,) bool: never paired (a translator's note)

    def __post_init__(self) -> None:
        n = len(self.emb)
        self.standalone = np.zeros(n, bool) if self.standalone is None else np.asarray(self.standalone, bool)
        self.lengths = np.asarray(self.lengths, dtype=np.float64)
        self.paragraph = np.zeros(n, np.int64) if self.paragraph is None else np.asarray(self.paragraph)
        self.heading = np.zeros(n, bool) if self.heading is None else np.asarray(self.heading, bool)


_SLICE = 4096  # rows per slice when summing embeddings in float64


def _shifted_dots(emb: np.ndarray, k: int) -> np.ndarray:
    """e_i . e_{i+k} in float64, a slice at a time."""
    n = len(emb)
    out = np.zeros(max(n - k, 0))
    for s in range(0, n - k, _SLICE):
        e = min(n - k, s + _SLICE)
        out[s:e] = np.einsum("ij,ij->i", emb[s:e].astype(np.float64), emb[s + k:e + k].astype(np.float64))
    return out


class _SpanStats:
    """Per-span quantities for spans of up to `max_len` consecutive sentences ending at i."""

    def __init__(self, side: SideFeatures, max_len: int) -> None:
        emb = side.emb  # float32; summed in float64 a slice at a time (no float64 copy of it all)
        n = len(emb)
        self.n = n
        self.prefix = np.zeros((n + 1, emb.shape[1]))
        for s in range(0, n, _SLICE):
            block = self.prefix[s + 1:s + 1 + _SLICE]
            np.cumsum(emb[s:s + _SLICE], axis=0, dtype=np.float64, out=block)
            block += self.prefix[s]
        # dots[k][i] = e_i . e_{i+k}, for the norms of summed spans
        dots = [np.ones(n)] + [_shifted_dots(emb, k) for k in range(1, max_len)]
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
                        d = dots[k][start_off:start_off + n - a + 1] if k else dots[0][start_off:start_off + n - a + 1]
                        acc += d if k == 0 else 2 * d
                norm2[a:] = acc
            self.norm[a] = np.sqrt(np.maximum(norm2, 1e-12))
            self.length[a] = np.full(n + 1, np.nan)
            self.length[a][a:] = clen[a:] - clen[:-a] + (a - 1) if n >= a else []
            cross = np.zeros(n + 1, bool)
            if n >= a and a > 1:
                cross[a:] = par[a - 1:] != par[: n - a + 1]
            self.crosses_paragraph[a] = cross
            hh = np.zeros(n + 1, np.int64)
            alone = np.zeros(n + 1, bool)
            if n >= a:
                hh[a:] = heading[a:] - heading[:-a]
                alone[a:] = standalone[a:] > standalone[:-a]
            self.has_heading[a] = hh
            self.has_standalone[a] = alone


def _band_full(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64)


def _top_values(values: np.ndarray, count: int, axis: int) -> np.ndarray:
    """The `count` largest values along `axis`, sorted largest first (-inf pads)."""
    size = values.shape[axis]
    if size > count:
        values = -np.partition(-values, count - 1, axis=axis)
        values = np.take(values, np.arange(count), axis=axis)
    pad = count - values.shape[axis]
    if pad > 0:
        shape = list(values.shape)
        shape[axis] = pad
        values = np.concatenate([values, np.full(shape, -np.inf)], axis=axis)
    return -np.sort(-values, axis=axis)


def _ranked_mean(top: np.ndarray, skip: int) -> np.ndarray:
    """Mean over ranks skip.. of sorted top values (rows), ignoring -inf padding."""
    kept = top[:, skip:]
    finite = np.isfinite(kept)
    return np.where(finite, kept, 0.0).sum(axis=1) / np.maximum(finite.sum(axis=1), 1)


class _BandAligner:
    def __init__(self, src: SideFeatures, tgt: SideFeatures, lo: np.ndarray, hi: np.ndarray,
                 config: AlignerConfig) -> None:
        self.src, self.tgt, self.cfg = src, tgt, config
        self.n, self.m = len(src.emb), len(tgt.emb)
        self.lo, self.hi = lo, hi
        self.width = int((hi - lo).max()) + 1
        max_a = max(a for a, _ in config.bead_types)
        max_b = max(b for _, b in config.bead_types)
        self.S = _SpanStats(src, max_a)
        self.T = _SpanStats(tgt, max_b)
        self.max_a, self.max_b = max_a, max_b

    # ---- similarities --------------------------------------------------------------
    def _margins(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean similarity of each sentence to its best neighbours inside the band (ranks
        margin_skip+1 .. margin_skip+margin_k): how much a sentence resembles everything."""
        n, m = self.n, self.m
        if self.cfg.margin_weight == 0:
            return np.zeros(n), np.zeros(m)
        count = self.cfg.margin_skip + self.cfg.margin_k
        mlo = np.maximum(self.lo - self.cfg.margin_window, 0)
        mhi = np.minimum(self.hi + self.cfg.margin_window, m)
        src_top = np.full((n, count), -np.inf)
        tgt_top = np.full((count, m), -np.inf)  # running best values per target column
        for r0 in range(1, n + 1, self.cfg.chunk_rows):
            rows = np.arange(r0, min(n + 1, r0 + self.cfg.chunk_rows))
            c0 = max(int(mlo[rows[0]]), 1)
            c1 = min(int(mhi[rows[-1]]), m) + 1
            if c1 <= c0:
                continue
            dense = self.src.emb[rows - 1] @ self.tgt.emb[c0 - 1:c1 - 1].T
            j = np.arange(c0, c1)[None, :]
            inside = (j >= mlo[rows, None]) & (j <= mhi[rows, None])
            dense = np.where(inside, dense, -np.inf)
            src_top[rows - 1] = _top_values(dense, count, axis=1)
            merged = np.concatenate([tgt_top[:, c0 - 1:c1 - 1], dense], axis=0)
            tgt_top[:, c0 - 1:c1 - 1] = _top_values(merged, count, axis=0)
        skip = self.cfg.margin_skip
        return _ranked_mean(src_top, skip), _ranked_mean(tgt_top.T, skip)

    def _chunk_scores(self, rows: np.ndarray, margin_s: np.ndarray, margin_t: np.ndarray,
                      log_ratio: float) -> np.ndarray:
        """Bead scores (types x rows x W) for DP cells (i, lo_i + w); NEG where impossible."""
        cfg, S, T = self.cfg, self.S, self.T
        W = self.width
        j = self.lo[rows, None] + np.arange(W)[None, :]  # absolute DP column
        in_band = j <= self.hi[rows, None]
        # prefix grams G[i - a, j - b] for all a, b in range
        gram = {}
        a_vals = sorted({a for a, _ in cfg.bead_types if a})
        b_vals = sorted({b for _, b in cfg.bead_types if b})
        cm_s = np.concatenate([[0.0], np.cumsum(margin_s)])
        cm_t = np.concatenate([[0.0], np.cumsum(margin_t)])
        # One dense product covers every G[i - a, j - b] this chunk needs.
        r0 = max(int(rows.min()) - self.max_a, 0)
        r1 = int(rows.max()) + 1
        jc_all = np.clip(j, 0, self.m)
        c0 = max(int(jc_all.min()) - self.max_b, 0)
        c1 = int(jc_all.max()) + 1
        dense = S.prefix[r0:r1] @ T.prefix[c0:c1].T
        for a in [0] + a_vals:
            ri = (np.clip(rows - a, 0, self.n) - r0)[:, None]
            for b in [0] + b_vals:
                gram[a, b] = dense[ri, np.clip(j - b, 0, self.m) - c0]
        out = np.full((len(cfg.bead_types), len(rows), W), NEG, dtype=np.float64)
        thr = cfg.skip_threshold
        for t, (a, b) in enumerate(cfg.bead_types):
            ok = in_band & (rows[:, None] >= a) & (j >= b) & (j <= self.m)
            if a == 0 or b == 0:
                out[t] = np.where(ok, -cfg.skip_cost, NEG)
                continue
            block = gram[0, 0] - gram[0, b] - gram[a, 0] + gram[a, b]
            ri = np.clip(rows, 0, self.n)
            cj = np.clip(j, 0, self.m)
            ns = S.norm[a][ri][:, None]
            nt = T.norm[b][cj]
            cos = block / (ns * nt)
            ms = (cm_s[ri] - cm_s[np.clip(ri - a, 0, None)])[:, None] / a
            mt = (cm_t[cj] - cm_t[np.clip(cj - b, 0, None)]) / b
            sim = cos - cfg.margin_weight * (ms + mt) / 2
            ls = S.length[a][ri][:, None]
            lt = T.length[b][cj]
            z = (np.log((lt + 10) / (ls + 10)) - log_ratio) / cfg.length_sigma
            weight = ((a + b) / 2) ** cfg.size_exponent
            score = weight * (sim - thr - cfg.length_weight * np.minimum(z * z, 25.0))
            score -= cfg.shape_penalty.get((a, b), 0.0)
            score -= cfg.paragraph_penalty * (S.crosses_paragraph[a][ri][:, None] | T.crosses_paragraph[b][cj])
            hs = S.has_heading[a][ri][:, None]
            ht = T.has_heading[b][cj]
            heading_bad = ((hs > 0) != (ht > 0)) | (hs > 1) | (ht > 1) | ((hs > 0) & ((a > 1) | (b > 1)))
            score -= cfg.heading_penalty * heading_bad
            score -= cfg.standalone_penalty * (S.has_standalone[a][ri][:, None] | T.has_standalone[b][cj])
            out[t] = np.where(ok, score, NEG)
        return out

    def _row_valid(self, i: int) -> np.ndarray:
        j = self.lo[i] + np.arange(self.width)
        return (j <= self.hi[i]) & (j <= self.m)

    # ---- dynamic programme -------------------------------------------------------------
    def run(self) -> list[tuple[int, int, int, int]]:
        """Best path as (i0, i1, j0, j1) spans."""
        n, W, cfg = self.n, self.width, self.cfg
        lo = self.lo
        types = cfg.bead_types
        margin_s, margin_t = self._margins()
        log_ratio = float(np.log((self.tgt.lengths.sum() + 10) / (self.src.lengths.sum() + 10)))
        # D is stored flat, one row of W cells per source position, plus one sentinel cell
        # (always NEG) that out-of-band predecessors point to.
        D = np.full((n + 1) * W + 1, NEG)
        sentinel = (n + 1) * W
        back = np.zeros((n + 1, W), np.int8)
        cols = np.arange(W)
        ins = types.index((0, 1)) if (0, 1) in types else -1
        # 0:1 beads chain along a row: best[w] = max(best[w], best[w-1] - c), i.e. a running
        # maximum of best[w] + w*c, shifted back.
        ramp = cols * cfg.skip_cost
        valid0 = self._row_valid(0)
        if lo[0] == 0:
            D[:W] = np.where(valid0, -ramp if ins >= 0 else np.where(cols == 0, 0.0, NEG), NEG)
            back[0] = ins
            back[0, 0] = -1
        pair_types = [(t, a, b) for t, (a, b) in enumerate(types) if a > 0]
        type_ids = np.array([t for t, _, _ in pair_types])
        a_of = np.array([a for _, a, _ in pair_types])
        b_of = np.array([b for _, _, b in pair_types])
        for r0 in range(1, n + 1, cfg.chunk_rows):
            rows = np.arange(r0, min(n + 1, r0 + cfg.chunk_rows))
            scores = self._chunk_scores(rows, margin_s, margin_t, log_ratio)[type_ids]
            # Flat index of each cell's predecessor (i - a, j - b), for all types at once.
            prev_rows = np.maximum(rows[:, None] - a_of[None, :], 0)  # (R, T)
            shift = lo[rows][:, None] - lo[prev_rows] - b_of[None, :]
            prev_col = shift[:, :, None] + cols[None, None, :]  # (R, T, W)
            ok = (prev_col >= 0) & (prev_col < W) & (rows[:, None, None] >= a_of[None, :, None])
            index = np.where(ok, prev_rows[:, :, None] * W + prev_col, sentinel)
            for k, i in enumerate(rows):
                cand = D[index[k]] + scores[:, k]
                arg = cand.argmax(axis=0)
                best = cand[arg, cols]
                arg = type_ids[arg].astype(np.int8)
                if ins >= 0:
                    # Compare in the shifted space: undoing the shift would add rounding error.
                    shifted = best + ramp
                    running = np.maximum.accumulate(shifted)
                    chained = running > shifted
                    arg[chained] = ins
                    best = np.where(chained, running - ramp, best)
                best[~self._row_valid(i)] = NEG
                D[i * W:(i + 1) * W] = best
                back[i] = arg
        return self._trace(D[:-1].reshape(n + 1, W), back)

    def _trace(self, D: np.ndarray, back: np.ndarray) -> list[tuple[int, int, int, int]]:
        i, j = self.n, self.m
        if not (self.lo[i] <= j <= self.hi[i]) or D[i, j - self.lo[i]] <= NEG / 2:
            raise RuntimeError("alignment band does not reach the end of both documents")
        path = []
        types = self.cfg.bead_types
        while i > 0 or j > 0:
            t = back[i, j - self.lo[i]]
            if t < 0:
                break
            a, b = types[t]
            path.append((i - a, i, j - b, j))
            i, j = i - a, j - b
        path.reverse()
        return path


def _pool(side: SideFeatures, size: int) -> SideFeatures:
    """Blocks of `size` consecutive sentences, each as its normalised summed embedding."""
    starts = np.arange(0, len(side.emb), size)
    emb = np.add.reduceat(side.emb, starts, axis=0, dtype=np.float64)
    emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    return SideFeatures(emb.astype(np.float32), np.add.reduceat(side.lengths, starts))


def _coarse_band(src: SideFeatures, tgt: SideFeatures, config: AlignerConfig) -> tuple[np.ndarray, np.ndarray]:
    """Band for the fine search: align block averages (recursively, if they are still too
    many), then widen the projected path by a margin."""
    n, m = len(src.emb), len(tgt.emb)
    fs = config.coarse_block
    ft = max(1, round(fs * m / max(n, 1)))
    coarse_cfg = AlignerConfig(
        bead_types=((1, 1), (1, 0), (0, 1), (1, 2), (2, 1)), skip_threshold=config.skip_threshold,
        size_exponent=config.size_exponent, margin_weight=config.margin_weight,
        margin_k=config.margin_k, margin_skip=config.margin_skip, length_weight=0.0,
        paragraph_penalty=0.0, heading_penalty=0.0, full_cells=config.full_cells,
        coarse_block=config.coarse_block, band_margin=config.band_margin, chunk_rows=config.chunk_rows,
    )
    path = _search(_pool(src, fs), _pool(tgt, ft), coarse_cfg)
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


def _search(src: SideFeatures, tgt: SideFeatures, config: AlignerConfig) -> list[tuple[int, int, int, int]]:
    """Best path; small problems are searched whole, larger ones in a band."""
    n, m = len(src.emb), len(tgt.emb)
    if (n + 1) * (m + 1) <= config.full_cells:
        lo, hi = _band_full(n, m)
    else:
        lo, hi = _coarse_band(src, tgt, config)
    return _BandAligner(src, tgt, lo, hi, config).run()


def align_features(src: SideFeatures, tgt: SideFeatures,
                   config: AlignerConfig | None = None) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Align two documents; returns beads as (src ids, tgt ids, raw bead score)."""
    config = config or AlignerConfig()
    n, m = len(src.emb), len(tgt.emb)
    if n == 0 or m == 0:
        return [((i,), (), 0.0) for i in range(n)] + [((), (j,), 0.0) for j in range(m)]
    path = _search(src, tgt, config)
    return [(tuple(range(i0, i1)), tuple(range(j0, j1)), 0.0) for i0, i1, j0, j1 in path]
