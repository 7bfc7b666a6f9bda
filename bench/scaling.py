"""Scaling benchmark for the alignment step alone (embeddings given).

Builds synthetic documents of about N = 1,000 / 5,000 / 20,000 source sentences by
concatenating copies of the Text+Berg dev pair (German/French) and times `align_features`
on them, in two cases:

  rotated   each copy k gets its own random orthogonal matrix Q_k applied to the embeddings
            of both sides, so similarities inside a copy are unchanged but copies do not
            look alike;
  verbatim  the same document repeated as is: identical copies, which confuse any first pass
            that follows nearest neighbours.

Each (case, N) runs in a fresh subprocess. The child builds the embedding arrays first, then
measures one call of `align_features`:

  * wall time (best and median of --repeat calls) and process peak RSS of plain calls (no
    tracing): "RSS peak +" is the rise of the process high-water mark (VmHWM, reset just
    before the first call through
    /proc/self/clear_refs) above the RSS before the call; "max RSS" is the child's ru_maxrss
    for its whole life (interpreter, numpy, the arrays and the call);
  * then a second, traced call: the tracemalloc peak of Python/numpy allocations made during
    the call (numpy reports its data buffers to tracemalloc). Tracing slows the call, so its
    time is not the one reported.

Accuracy: strict F1 against the gold beads repeated with offsets, under the Vecalign
convention (precision over test beads except empty-empty ones, a hit being a bead identical
to a gold bead; recall over gold beads with a non-empty side on both ends, against test beads
likewise filtered).

Source side: whole copies plus a final partial copy, cut at the first gold bead boundary
where the source side reaches N sentences (so the source has N sentences, or a couple more
where the cut falls inside a bead); the target side is cut at the same bead boundary
(about N * 554 / 468 sentences).

Usage (from the repository root):
    PYTHONPATH=src python bench/scaling.py [--sizes 1000 5000 20000] [--cases rotated verbatim]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA = SHARED / "data" / "textberg-dev"
CACHE_DIR = Path("/tmp/align-bench-cache")
EMB_FILE = CACHE_DIR / "textberg-dev-use.npz"
RESULTS = HERE / "results" / "scaling.md"
LIMIT_S, LIMIT_MB = 4.0, 600.0


# ---- data --------------------------------------------------------------------------------
def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def read_gold(path: Path) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    beads = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        left, right = line.split(":")
        ids = lambda s: tuple(int(x) for x in re.findall(r"\d+", s))  # noqa: E731
        beads.append((ids(left), ids(right)))
    return beads


def embed_dev() -> Path:
    """Embed dev.de / dev.fr once with the project's encoder; store them for the children."""
    de, fr = read_lines(DATA / "dev.de"), read_lines(DATA / "dev.fr")
    if EMB_FILE.exists():
        z = np.load(EMB_FILE)
        if len(z["src"]) == len(de) and len(z["tgt"]) == len(fr):
            return EMB_FILE
    from align.embed import make_encoder

    enc = make_encoder("use", cache_dir=CACHE_DIR)
    t0 = time.perf_counter()
    src, tgt = enc.encode(de), enc.encode(fr)
    print(f"embedded {len(de)} + {len(fr)} sentences in {time.perf_counter() - t0:.1f} s", flush=True)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.savez(EMB_FILE, src=src, tgt=tgt,
             src_len=np.array([len(s) for s in de], np.float64),
             tgt_len=np.array([len(s) for s in fr], np.float64))
    return EMB_FILE


def random_orthogonal(rng: np.random.Generator, d: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))  # Haar-distributed


def build(case: str, n_target: int, emb: dict, gold: list, seed: int = 0):
    """Synthetic document of about n_target source sentences, and its gold beads."""
    n0, m0 = len(emb["src"]), len(emb["tgt"])
    # gold bead boundaries (source end, target end) in one copy, in order
    bounds, beads_in_copy = [], []
    si = ti = 0
    for s, t in gold:
        si = max([si] + [x + 1 for x in s])
        ti = max([ti] + [y + 1 for y in t])
        bounds.append((si, ti))
        beads_in_copy.append((s, t))
    full, rest = divmod(n_target, n0)
    copies = full + (1 if rest else 0)
    # cut of the last copy: first bead boundary whose source end reaches `rest`
    if rest:
        k_cut = next(k for k, (s_end, _) in enumerate(bounds) if s_end >= rest)
        last_src, last_tgt, last_beads = bounds[k_cut][0], bounds[k_cut][1], k_cut + 1
    else:
        last_src, last_tgt, last_beads = n0, m0, len(gold)
    rng = np.random.default_rng(seed)
    srcs, tgts, sl, tl, sm, tm, gold_out = [], [], [], [], [], [], []
    for k in range(copies):
        ns, nt, nb = (last_src, last_tgt, last_beads) if k == copies - 1 else (n0, m0, len(gold))
        es, et = emb["src"][:ns], emb["tgt"][:nt]
        if case == "rotated":
            q = random_orthogonal(rng, es.shape[1])
            es = es.astype(np.float64) @ q
            et = et.astype(np.float64) @ q
            es /= np.linalg.norm(es, axis=1, keepdims=True)
            et /= np.linalg.norm(et, axis=1, keepdims=True)
        srcs.append(es.astype(np.float32)); tgts.append(et.astype(np.float32))
        sl.append(emb["src_len"][:ns]); tl.append(emb["tgt_len"][:nt])
        sm.append(emb["src_marks"][:ns]); tm.append(emb["tgt_marks"][:nt])
        for s, t in beads_in_copy[:nb]:
            gold_out.append((tuple(x + k * n0 for x in s), tuple(y + k * m0 for y in t)))
    return (np.ascontiguousarray(np.concatenate(srcs)), np.concatenate(sl),
            np.ascontiguousarray(np.concatenate(tgts)), np.concatenate(tl), gold_out,
            np.concatenate(sm), np.concatenate(tm))


# ---- scoring (Vecalign convention) -------------------------------------------------------
def _precision(gold, test) -> tuple[int, int]:
    gold = set(gold)
    tp = fp = 0
    for s, t in test:
        if not s and not t:
            continue
        if (s, t) in gold:
            tp += 1
        else:
            fp += 1
    return tp, fp


def strict_f1(gold, test) -> tuple[float, float, float]:
    tp, fp = _precision(gold, test)
    test_nd = [(s, t) for s, t in test if s and t]
    gold_nd = [(s, t) for s, t in gold if s and t]
    rtp, rfn = _precision(test_nd, gold_nd)  # recall is precision with the roles swapped
    p = tp / (tp + fp) if tp + fp else 0.0
    r = rtp / (rtp + rfn) if rtp + rfn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


# ---- child: one measurement --------------------------------------------------------------
def _rss_kb() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _hwm_kb() -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def child(case: str, size: int, emb_file: Path, repeat: int) -> dict:
    import gc
    import tracemalloc

    from align.aligner import AlignerConfig, SideFeatures, align_features, mark_counts

    z = np.load(emb_file)
    emb = {k: z[k] for k in z.files}
    # The marks of each sentence (language-neutral punctuation and numbers), as the pipeline gives them.
    emb["src_marks"] = mark_counts(read_lines(DATA / "dev.de"))
    emb["tgt_marks"] = mark_counts(read_lines(DATA / "dev.fr"))
    gold = read_gold(DATA / "dev.defr")
    es, sl, et, tl, gold_syn, sm, tm = build(case, size, emb, gold)
    del z, emb
    cfg = AlignerConfig()
    src, tgt = SideFeatures(es, sl, marks=sm), SideFeatures(et, tl, marks=tm)
    n, m = len(es), len(et)
    coarse = (n + 1) * (m + 1) > cfg.full_cells

    # 1) plain call: time and process peak RSS
    gc.collect()
    rss0 = _rss_kb()
    hwm_ok = _reset_hwm()
    walls = []
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        beads = align_features(src, tgt, cfg)
        walls.append(time.perf_counter() - t0)
    hwm = _hwm_kb() if hwm_ok else None
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    test = [(tuple(s), tuple(t)) for s, t, _ in beads]
    p, r, f = strict_f1(gold_syn, test)

    # 2) traced call: peak of Python/numpy allocations during the call
    del beads
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    t1 = time.perf_counter()
    align_features(src, tgt, cfg)
    wall_traced = time.perf_counter() - t1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "case": case, "size": size, "n": n, "m": m, "coarse": coarse, "wall_s": min(walls),
        "wall_median_s": float(np.median(walls)), "walls": walls,
        "wall_traced_s": wall_traced, "tracemalloc_peak_mb": (peak - base) / 2**20,
        "rss_peak_increase_mb": ((hwm - rss0) / 1024) if hwm is not None else None,
        "ru_maxrss_mb": maxrss / 1024, "rss_before_mb": rss0 / 1024,
        "precision": p, "recall": r, "f1": f, "beads": len(test), "gold_beads": len(gold_syn),
    }


# ---- parent ------------------------------------------------------------------------------
def run_child(case: str, size: int, emb_file: Path, repeat: int, src_dir: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(src_dir)] + [p for p in [env.get("PYTHONPATH")] if p])
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", case, str(size),
                           str(emb_file), str(repeat)], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        return {"case": case, "size": size, "error": proc.stderr.strip().splitlines()[-1:] or ["?"]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def describe_source(src_dir: Path) -> str:
    """Commit of the benchmarked package, and whether its aligner differs from that commit."""
    try:
        head = subprocess.run(["git", "-C", str(src_dir), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(src_dir), "status", "--porcelain", "--", "align/aligner.py"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return f"`{src_dir}` at commit {head}" + (" (aligner.py modified)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return f"`{src_dir}` (not a git checkout)"


def table(rows: list[dict]) -> str:
    head = ("| case | N target | src × tgt sentences | pass | align time best (s) | median (s) | RSS peak + (MB) "
            "| tracemalloc peak (MB) | child max RSS (MB) | strict P | strict R | strict F1 |")
    out = [head, "|" + "|".join(["---"] * 12) + "|"]
    for r in rows:
        if r.get("size") == 468 and "error" not in r:
            r = dict(r, case="dev pair (1 copy)")
        if "error" in r:
            out.append(f"| {r['case']} | {r['size']:,} | error: {r['error'][0]} |" + " |" * 9)
            continue
        rss = f"{r['rss_peak_increase_mb']:.0f}" if r["rss_peak_increase_mb"] is not None else "n/a"
        out.append(
            f"| {r['case']} | {r['size']:,} | {r['n']:,} × {r['m']:,} | {'coarse+band' if r['coarse'] else 'full'} "
            f"| {r['wall_s']:.2f} | {r['wall_median_s']:.2f} | {rss} | {r['tracemalloc_peak_mb']:.0f} | {r['ru_maxrss_mb']:.0f} "
            f"| {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} |"
        )
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--cases", nargs="+", default=["rotated", "verbatim"], choices=["rotated", "verbatim"])
    ap.add_argument("--src", type=Path, default=ROOT / "src",
                    help="folder holding the `align` package to benchmark (default: this checkout's src)")
    ap.add_argument("--no-reference", action="store_true",
                    help="skip the reference row (the dev pair itself, one copy, N=468)")
    ap.add_argument("--no-write", action="store_true", help="do not write bench/results/scaling.md")
    ap.add_argument("--repeat", type=int, default=3, help="untimed-by-tracing calls per row; time = best")
    ap.add_argument("--child", nargs=4, metavar=("CASE", "SIZE", "EMB", "REPEAT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        case, size, emb_file, repeat = args.child
        print(json.dumps(child(case, int(size), Path(emb_file), int(repeat))))
        return 0
    if not DATA.is_dir():
        print(f"skipping: {DATA} not found (the shared data folder is absent)")
        return 0
    src_dir = args.src.resolve()
    sys.path.insert(0, str(src_dir))
    emb_file = embed_dev()
    load0 = os.getloadavg()[0]
    if load0 > 0.5:
        print(f"note: load average {load0:.2f} before starting; timings may be disturbed", flush=True)
    rows = []
    plan = [] if args.no_reference else [("verbatim", 468)]
    plan += [(case, size) for case in args.cases for size in args.sizes]
    for case, size in plan:
        r = run_child(case, size, emb_file, args.repeat, src_dir)
        rows.append(r)
        if "error" in r:
            print(f"{case:9s} N={size:>6,}: ERROR {r['error'][0]}", flush=True)
        else:
            print(f"{case:9s} N={size:>6,}: {r['wall_s']:.2f} s, RSS +{r['rss_peak_increase_mb'] or 0:.0f} MB, "
                  f"tracemalloc {r['tracemalloc_peak_mb']:.0f} MB, F1 {r['f1']:.3f}", flush=True)
    load1 = os.getloadavg()[0]
    md = table(rows)
    print()
    print(md)
    ok = [r for r in rows if "error" not in r and r["size"] >= 20000]
    verdict = []
    good = [r for r in rows if "error" not in r]
    ref = next((r for r in good if r["size"] == 468), None)
    synth = [r for r in good if r["size"] != 468]
    if synth:
        line = (f"- accuracy: strict F1 {min(r['f1'] for r in synth):.3f}–{max(r['f1'] for r in synth):.3f} "
                f"over the synthetic rows")
        if ref:
            line += (f"; the dev pair alone (one copy, {'searched whole' if not ref['coarse'] else 'banded'}) "
                     f"scores {ref['f1']:.3f}")
        verdict.append(line)
    for r in ok:
        mem = max(r["tracemalloc_peak_mb"], r["rss_peak_increase_mb"] or 0)
        verdict.append(f"- {r['case']} {r['size']:,}: time {r['wall_s']:.2f} s "
                       f"({'under' if r['wall_s'] < LIMIT_S else 'OVER'} {LIMIT_S:g} s), "
                       f"memory {mem:.0f} MB ({'under' if mem < LIMIT_MB else 'OVER'} {LIMIT_MB:g} MB)")
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        doc = [
            "# Alignment scaling benchmark",
            "",
            f"Command: `cd {ROOT} && PYTHONPATH=src python bench/scaling.py"
            f"{''.join(' ' + x for x in sys.argv[1:])}`  ",
            f"Date: {_dt.datetime.now().strftime('%Y-%m-%d %H:%M')}  ",
            f"Code: {describe_source(src_dir)}  ",
            f"Machine: {cores} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
            f"{platform.processor() or platform.machine()}, load average {load0:.2f} at start and "
            f"{load1:.2f} at end, Python {platform.python_version()}, numpy {np.__version__}",
            "",
            "Alignment step alone (`align_features`, default `AlignerConfig`, embeddings given), on",
            "copies of the Text+Berg dev pair (468 de / 554 fr sentences, USE embeddings) concatenated",
            "until the source side has N sentences (cut at a gold bead boundary; the target side has",
            "the matching ~N·554/468). *rotated*: each copy's embeddings turned by its own random",
            "orthogonal matrix (both sides); *verbatim*: identical copies. One fresh process per row.",
            "The first row is the dev pair itself (one copy), for reference.",
            "",
            f"- align time: wall time of an untraced call, best and median of {args.repeat} calls in the",
            "  same process (the machine is shared; the best is the least disturbed by other load).",
            "- RSS peak +: rise of the process high-water mark (VmHWM reset before the call) over the",
            "  RSS just before the call.",
            "- tracemalloc peak: peak of Python/numpy allocations during a second, traced call.",
            "- child max RSS: ru_maxrss of the whole child process (interpreter, numpy, inputs, call).",
            "- strict P/R/F1: against the gold repeated with offsets, Vecalign convention.",
            "",
            md,
            "",
            f"Requirement at 20k: under {LIMIT_S:g} s and under {LIMIT_MB:g} MB.",
            "",
            *verdict,
            "",
        ]
        RESULTS.write_text("\n".join(doc), encoding="utf-8")
        print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    if verdict:
        print("\n".join(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
