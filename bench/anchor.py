"""Reference measurement: Bertalign's alignment algorithm with this project's default encoder.

This is an independent re-implementation, for reference measurement only, of the alignment
algorithm of Bertalign (Liu & Zhu 2022, https://github.com/bfsujason/bertalign, GPL-3.0),
written from the description of the algorithm in its paper and code (no source copied), with
the project's encoder (`make_encoder("use")`, multilingual USE v3) in place of LaBSE:

* embeddings of every run of 1..max_align-1 consecutive sentences (the sentences stripped and
  joined with single spaces, cut to 10,000 characters), and their lengths in UTF-8 bytes;
  char_ratio = total source bytes / total target bytes of the single sentences;
* first pass: 0-1 / 1-0 / 1-1 dynamic programme in a band of max(250, 6 % of the longer side)
  sentences around the diagonal; a 1-1 step earns the inner product of the pair only if the
  target is among the source sentence's top-k (k=3) nearest targets, other steps earn 0;
  back-tracking keeps the 1-1 steps;
* second pass: every m-n type with m+n <= max_align=5 (plus 0-1 / 1-0 at skip=-0.1) in a
  window of win=5 around the first-pass path; an m-n step earns
  (cos(src run, tgt run) - margin) * log2(1 + min(ls, lt * char_ratio) / max(...)), where the
  margin is the mean, over both sides, of the similarity of the run on one side with the
  single sentences just before and just after the run on the other side (averaged only when
  both exist).

Ties and numeric types follow the original (float32 cost tables, first best type wins).

    python bench/anchor.py [--sets corpora,zh-en/bible]   # writes bench/results/anchor.json
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from common import require_shared

from align.export import read_beads

Bead = tuple[tuple[int, ...], tuple[int, ...]]

MAX_ALIGN = 5
TOP_K = 3
WIN = 5
SKIP = -0.1


def alignment_types(max_align: int) -> list[tuple[int, int]]:
    """0-1, 1-0, then every (x, y), x, y >= 1, x + y <= max_align, x-major (Bertalign's order)."""
    types = [(0, 1), (1, 0)]
    for x in range(1, max_align):
        for y in range(1, max_align):
            if x + y <= max_align:
                types.append((x, y))
    return types


def overlap_texts(sents: list[str], num_overlaps: int) -> list[list[str | None]]:
    """layers[k][i]: sentences i-k .. i (k+1 of them) joined with spaces; None where i < k."""
    lines = [s.strip() or "BLANK_LINE" for s in sents]
    layers = []
    for k in range(num_overlaps):
        layer: list[str | None] = [None] * min(k, len(lines))
        for start in range(len(lines) - k):
            layer.append(" ".join(lines[start:start + k + 1])[:10000])
        layers.append(layer)
    return layers


def embed_overlaps(sents: list[str], num_overlaps: int, encoder, pad: str | None = None):
    """(vecs (num_overlaps, n, dim) float32, lens (num_overlaps, n) int64 UTF-8 bytes)."""
    layers = overlap_texts(sents, num_overlaps)
    n = len(sents)
    flat = [t for layer in layers for t in layer if t is not None]
    vecs = np.asarray(encoder.encode(flat), dtype=np.float32)
    dim = vecs.shape[1]
    out = np.zeros((num_overlaps, n, dim), dtype=np.float32)
    lens = np.zeros((num_overlaps, n), dtype=np.int64)
    pos = 0
    for k, layer in enumerate(layers):
        for i, text in enumerate(layer):
            if text is None:
                lens[k, i] = len((pad or "PAD").encode("utf-8"))
                continue
            out[k, i] = vecs[pos]
            lens[k, i] = len(text.encode("utf-8"))
            pos += 1
    return out, lens


# ---------------------------------------------------------------- first pass

def top_k(src: np.ndarray, tgt: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact inner-product k-NN of every source row among the target rows (float32)."""
    sims = src @ tgt.T
    k = min(k, tgt.shape[0])
    order = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(sims, order, axis=1).astype(np.float32), order


def first_search_path(n_src: int, n_tgt: int, min_win: int = 250, percent: float = 0.06):
    win = max(min_win, int(max(n_src, n_tgt) * percent))
    ratio = n_tgt / n_src
    path = []
    for i in range(n_src + 1):
        centre = int(ratio * i)
        path.append((max(0, centre - win), min(centre + win, n_tgt)))
    return win, np.array(path, dtype=np.int64)


def first_pass(n_src: int, n_tgt: int, path: np.ndarray, dist: np.ndarray, index: np.ndarray):
    """Rows of the band as arrays; returns per-row (start, pointer array). Pointer: 0 = 0-1,
    1 = 1-0, 2 = 1-1, -1 = unreachable."""
    neg = np.float32(-np.inf)
    prev_cost = None
    prev_start = prev_end = 0
    pointers = []
    for i in range(n_src + 1):
        start, end = int(path[i][0]), int(path[i][1])
        width = end - start + 1
        js = np.arange(start, end + 1)
        up = np.full(width, neg, dtype=np.float32)     # from (i-1, j): 1-0
        diag = np.full(width, neg, dtype=np.float32)   # from (i-1, j-1): 1-1
        if i > 0:
            ok = (js >= prev_start) & (js <= prev_end)
            up[ok] = prev_cost[js[ok] - prev_start]
            pj = js - 1
            ok = (pj >= 0) & (pj >= prev_start) & (pj <= prev_end)
            gain = np.zeros(width, dtype=np.float32)
            for k in range(index.shape[1]):
                hit = index[i - 1, k] - start + 1  # column of j where j-1 == index
                if 0 <= hit < width:
                    gain[hit] += dist[i - 1, k]
            diag[ok] = prev_cost[pj[ok] - prev_start] + gain[ok]
        # Best of 1-0 and 1-1 (1-0 is tried first, so 1-1 must be strictly better); the 0-1
        # step (tried before both, earning 0) depends on the cell to the left: done in a loop.
        take_diag = diag > up
        best_above = np.where(take_diag, diag, up).tolist()
        ptr_above = np.where(take_diag, 2, 1).tolist()
        cost = np.empty(width, dtype=np.float32)
        ptr = np.empty(width, dtype=np.int64)
        left = -np.inf
        for c in range(width):
            if i + start + c == 0:
                cost[c] = 0.0
                ptr[c] = 0
                left = 0.0
                continue
            best, best_a = -np.inf, -1
            if c > 0 and left > best:
                best, best_a = left, 0
            if best_above[c] > best:
                best, best_a = best_above[c], ptr_above[c]
            cost[c] = best
            ptr[c] = best_a
            left = float(cost[c])
        pointers.append((start, ptr))
        prev_cost, prev_start, prev_end = cost, start, end
    return pointers


def first_back_track(n_src: int, n_tgt: int, pointers) -> list[tuple[int, int]]:
    steps = [(0, 1), (1, 0), (1, 1)]
    i, j = n_src, n_tgt
    out = []
    while i > 0 or j > 0:
        start, ptr = pointers[i]
        a = int(ptr[j - start])
        if a < 0:
            raise RuntimeError(f"first pass: cell ({i}, {j}) unreachable")
        if a == 2:
            out.append((i, j))
        s, t = steps[a]
        i, j = i - s, j - t
    return out[::-1]


# ---------------------------------------------------------------- second pass

def second_search_path(align: list[tuple[int, int]], w: int, n_src: int, n_tgt: int) -> np.ndarray:
    align = list(align)
    if not align:
        align = [(n_src, n_tgt)]
    last_src, last_tgt = align[-1]
    if last_src != n_src:
        if last_tgt == n_tgt:
            align.pop()
        align.append((n_src, n_tgt))
    elif last_tgt != n_tgt:
        align.pop()
        align.append((n_src, n_tgt))
    prev_src, prev_tgt = 0, 0
    path = []
    for src, tgt in align:
        lo = max(0, prev_tgt - w)
        hi = min(n_tgt, tgt + w)
        path.extend([(lo, hi)] * (src - prev_src))
        prev_src, prev_tgt = src, tgt
    path = [path[0]] + path
    return np.array(path, dtype=np.int64)


def second_pass(src_vecs, tgt_vecs, src_lens, tgt_lens, path, types, char_ratio, skip,
                margin=True, len_penalty=True):
    n_src, n_tgt = src_vecs.shape[1], tgt_vecs.shape[1]
    max_k = src_vecs.shape[0]
    neg = -np.inf
    costs: list[np.ndarray] = []
    pointers: list[list[int]] = []
    src0, tgt0 = src_vecs[0], tgt_vecs[0]
    wanted = {(a1, a2) for a1, a2 in types if a1 and a2}
    for i in range(n_src + 1):
        start, end = int(path[i][0]), int(path[i][1])
        width = end - start + 1
        cost = np.zeros(width, dtype=np.float32)
        ptr = [0] * width
        # Pre-compute the scores of every m-n type ending at (i, j) for j in this row.
        lo, hi = max(0, start - max_k - 1), min(n_tgt, end + 1)  # target columns needed
        scores: dict[tuple[int, int], np.ndarray] = {}
        if i > 0:
            tband0 = tgt0[lo:hi]
            for a1 in range(1, min(max_k, i) + 1):
                sv = src_vecs[a1 - 1, i - 1]
                s_next = src0[i] if i + 1 <= n_src else None          # sentence after the run
                s_prev = src0[i - a1 - 1] if i - a1 > 0 else None     # sentence before the run
                sim_t0 = tband0 @ sv  # float32 similarities of sv with single targets lo..hi-1
                for a2 in range(1, max_k + 1):
                    if (a1, a2) not in wanted:
                        continue
                    js = np.arange(max(start, a2), end + 1)
                    if js.size == 0:
                        continue
                    tv = tgt_vecs[a2 - 1, js - 1]
                    sim = (tv @ sv).astype(np.float64)
                    if margin:
                        # target side: the run's source vector against the single target
                        # sentences right after (0-based j) and right before (j-a2-1) the run
                        nb = sim_t0.astype(np.float64)
                        right = np.where(js + 1 <= n_tgt, nb[np.minimum(js, hi - 1) - lo], 0.0)
                        left_idx = js - a2
                        left = np.where(left_idx > 0, nb[np.clip(left_idx - 1 - lo, 0, hi - lo - 1)], 0.0)
                        t_nb = np.where((right != 0) & (left != 0), (left + right) / 2, left + right)
                        s_right = (tv @ s_next).astype(np.float64) if s_next is not None else np.zeros(js.size)
                        s_left = (tv @ s_prev).astype(np.float64) if s_prev is not None else np.zeros(js.size)
                        s_nb = np.where((s_right != 0) & (s_left != 0), (s_left + s_right) / 2, s_left + s_right)
                        sim = sim - (t_nb + s_nb) / 2
                    if len_penalty:
                        sl = float(src_lens[a1 - 1, i - 1])
                        tl = tgt_lens[a2 - 1, js - 1].astype(np.float64) * char_ratio
                        sim = sim * np.log2(1 + np.minimum(sl, tl) / np.maximum(sl, tl))
                    full = np.full(width, np.nan)
                    full[js - start] = sim
                    scores[(a1, a2)] = full
        for c in range(width):
            j = start + c
            if i + j == 0:
                continue
            best, best_a = neg, -1
            for a, (a1, a2) in enumerate(types):
                pi, pj = i - a1, j - a2
                if pi < 0 or pj < 0:
                    continue
                ps, pe = int(path[pi][0]), int(path[pi][1])
                if pj < ps or pj > pe:
                    continue
                score = float(costs[pi][pj - ps]) if pi < i else float(cost[pj - ps])
                if a1 == 0 or a2 == 0:
                    score += skip
                else:
                    score += float(scores[(a1, a2)][c])
                if score > best:
                    best, best_a = score, a
            cost[c] = best
            ptr[c] = best_a
        costs.append(cost)
        pointers.append(ptr)
    return pointers


def second_back_track(n_src: int, n_tgt: int, pointers, path, types) -> list[Bead]:
    i, j = n_src, n_tgt
    out = []
    while i > 0 or j > 0:
        a = pointers[i][j - int(path[i][0])]
        if a < 0:
            raise RuntimeError(f"second pass: cell ({i}, {j}) unreachable")
        s, t = types[a]
        out.append((tuple(range(i - s, i)), tuple(range(j - t, j))))
        i, j = i - s, j - t
    return out[::-1]


# ---------------------------------------------------------------- driver

def bertalign_align(src_sents: list[str], tgt_sents: list[str], encoder, max_align: int = MAX_ALIGN,
                    top_k_: int = TOP_K, win: int = WIN, skip: float = SKIP, margin: bool = True,
                    len_penalty: bool = True) -> list[Bead]:
    """Bertalign's two-pass alignment of presegmented sentences; beads of 0-based ids."""
    n_src, n_tgt = len(src_sents), len(tgt_sents)
    if n_src == 0 or n_tgt == 0:
        return [((i,), ()) for i in range(n_src)] + [((), (j,)) for j in range(n_tgt)]
    src_vecs, src_lens = embed_overlaps(src_sents, max_align - 1, encoder)
    tgt_vecs, tgt_lens = embed_overlaps(tgt_sents, max_align - 1, encoder)
    return align_embedded(src_vecs, tgt_vecs, src_lens, tgt_lens, max_align, top_k_, win, skip,
                          margin, len_penalty)


def align_embedded(src_vecs, tgt_vecs, src_lens, tgt_lens, max_align=MAX_ALIGN, top_k_=TOP_K,
                   win=WIN, skip=SKIP, margin=True, len_penalty=True) -> list[Bead]:
    n_src, n_tgt = src_vecs.shape[1], tgt_vecs.shape[1]
    char_ratio = float(np.sum(src_lens[0])) / float(np.sum(tgt_lens[0]))
    dist, index = top_k(src_vecs[0], tgt_vecs[0], top_k_)
    _, path1 = first_search_path(n_src, n_tgt)
    ptr1 = first_pass(n_src, n_tgt, path1, dist, index)
    first = first_back_track(n_src, n_tgt, ptr1)
    types = alignment_types(max_align)
    path2 = second_search_path(first, win, n_src, n_tgt)
    ptr2 = second_pass(src_vecs, tgt_vecs, src_lens, tgt_lens, path2, types, char_ratio, skip,
                       margin=margin, len_penalty=len_penalty)
    return second_back_track(n_src, n_tgt, ptr2, path2, types)


def main() -> None:
    """Run the anchor on every dev set (bench/devsets.py); check it against the shipped anchor
    beads where those exist; write bench/results/anchor.json (read by bench/devsuite.py)."""
    import json

    from common import ROOT, machine, stamp
    from devsets import load_sets, score_set

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default="", help="comma-separated set names (default: all)")
    args = parser.parse_args()
    from align.embed import make_encoder

    encoder = make_encoder("use")
    shipped = require_shared("anchor-beads")
    path = ROOT / "bench" / "results" / "anchor.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    for devset in load_sets([s for s in args.sets.split(",") if s] or None):
        started = time.perf_counter()
        tests, same, total = [], 0, 0
        for doc in devset.docs:
            beads = bertalign_align([x.text for x in doc.src], [x.text for x in doc.tgt], encoder)
            tests.append(beads)
            name = {"textberg-dev": "textberg-dev/dev", "transread": f"transread/{doc.name}"}.get(
                devset.name, devset.name if devset.name.startswith("zh-en/") else None)
            ref = shipped / f"{name}.beads" if name else None
            if ref is not None and ref.exists():
                anchor = {(tuple(a), tuple(b)) for a, b in read_beads(ref)}
                same += len(anchor & set(beads))
                total += len(anchor)
        strict, lax = score_set(devset, tests)
        check = f"; shipped anchor beads reproduced {same}/{total}" if total else ""
        print(f"{devset.name:14s} strict {strict if strict is None else round(strict, 4)} lax {lax:.4f}"
              f" ({time.perf_counter() - started:.0f} s{check})", flush=True)
        results[devset.name] = {"strict": strict, "lax": lax, "reproduced": [same, total] if total else None}
    results["_meta"] = {"command": "python bench/anchor.py", "when": stamp(), "machine": machine()}
    path.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
