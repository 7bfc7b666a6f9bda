"""Batch benchmark: throughput against the encode-once floor, memory, reruns and resume.

Builds a synthetic batch of article pairs by shuffling and recombining the paragraph pairs of
../shared/data/wmt24-en-de (paragraph-aligned) and of corpora/ (the pairs whose paragraph counts
agree), written as plain text, then measures with the real `align batch` command:

  floor           one process encoding every distinct segmented sentence once (no cache)
  cold default    `align batch` with all default outputs and an empty cache
  cold corpus     the same with --formats tmx,csv,jsonl (another empty cache)
  warm new folder the default run again with the cache warm, into a new folder
  rerun finished  the default run into its own finished folder
  memory          peak RSS of the whole process tree (main + workers), sampled every 0.1 s,
                  for the full batch and for a tenth of it (cold cache both)
  copies          issue 7's layout: a third as many distinct articles, each under three
                  names; floor, cold default and cold corpus-only runs
  ray             the cold run with --engine ray on a local Ray instance
  resume          SIGKILL after another random 10-40 % of the pairs of a run into a fresh
                  folder (the cache's embeddings, none of its pairs), three times, rerun after each, then compare the combined corpus with the
                  uninterrupted run (creation dates apart) and count the pairs each rerun redid.

Usage (from the repository root):
    python bench/batch.py [--pairs 200] [--workers N] [--no-resume]
Results: bench/results/batch.md (and the README table).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import ROOT, machine, require_shared, stamp

WORK = Path("/tmp/align-bench-batch")
ALIGN = [sys.executable, "-m", "align"]


def paragraph_pairs() -> list[tuple[str, str]]:
    wmt = require_shared("wmt24-en-de")
    pairs = []
    for en in sorted((wmt / "en_par").iterdir()):
        de = wmt / "de_par" / en.name
        src, tgt = en.read_text(encoding="utf-8").splitlines(), de.read_text(encoding="utf-8").splitlines()
        if len(src) == len(tgt):
            pairs += [(s, t) for s, t in zip(src, tgt) if s.strip() and t.strip()]
    for en in sorted((ROOT / "corpora").glob("*.en.txt")):
        de = en.with_name(en.name.replace(".en.", ".de."))
        split = [re.split(r"\n\s*\n", p.read_text(encoding="utf-8").strip()) for p in (en, de)]
        if len(split[0]) == len(split[1]):
            pairs += list(zip(*split))
    return pairs


def build(folder: Path, count: int, seed: int = 7, copies: int = 1) -> None:
    """`count` articles of 12 paragraph pairs each, drawn at random (with a fixed seed); with
    `copies` > 1, count / copies distinct articles, each written `copies` times under other
    names (the layout of the batch measured in issue 7)."""
    if (folder / ".complete").exists():
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pool = paragraph_pairs()
    rng = random.Random(seed)
    distinct = [rng.sample(pool, 12) for _ in range(max(1, count // copies))]
    for k in range(count):
        chosen = distinct[k % len(distinct)]
        (folder / f"a{k:05d}.en.txt").write_text("\n\n".join(s for s, _ in chosen) + "\n", encoding="utf-8")
        (folder / f"a{k:05d}.de.txt").write_text("\n\n".join(t for _, t in chosen) + "\n", encoding="utf-8")
    (folder / ".complete").write_text("", encoding="utf-8")


def manifest(folder: Path, count: int, path: Path) -> Path:
    names = sorted(p.name.split(".")[0] for p in folder.glob("*.en.txt"))[:count]
    path.write_text("src,tgt\n" + "".join(f"{folder / n}.en.txt,{folder / n}.de.txt\n" for n in names),
                    encoding="utf-8")
    return path


def _tree_rss_kb(pid: int) -> int:
    """RSS of a process and all its descendants (kB), from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as handle:
                    todo += [int(c) for c in handle.read().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def timed(args: list[str], kill_after: float | None = None, kill_when=None) -> dict:
    """Run `align ...`; wall time, peak RSS of the process tree, the last stdout line."""
    started = time.monotonic()
    proc = subprocess.Popen(ALIGN + args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    killed = False
    if kill_when is not None:
        while proc.poll() is None and not kill_when():
            time.sleep(0.02)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            # kill -9 the batch process only, as a crash would: its workers must notice and stop
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
    out, err = proc.communicate()
    done.set()
    sampler.join()
    wall = time.monotonic() - started
    if proc.returncode not in (0, 1) and not killed:
        raise SystemExit(f"align {' '.join(args)} failed ({proc.returncode}): {err.strip()[-500:]}")
    last = out.strip().splitlines()[-1] if out.strip() else ""
    return {"wall": wall, "peak_mb": peak[0] / 1024, "summary": last, "killed": killed}


def floor_seconds(folder: Path) -> tuple[float, int]:
    """Encode every distinct segmented sentence once, in one fresh process, no cache."""
    code = f"""
import sys, time
from pathlib import Path
from align.pipeline import Aligner
from align.embed import make_encoder
aligner = Aligner('en', 'de', encoder=make_encoder('use', use_cache=False))
texts = {{}}
folder = Path({str(folder)!r})
for path in sorted(folder.glob('*.txt')):
    lang = path.name.split('.')[1]
    for s in aligner.sentences(path, lang)[1]:
        texts[s.text] = None
texts = list(texts)
t = time.monotonic()
aligner.encoder.encode(texts)
print(time.monotonic() - t, len(texts))
"""
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    seconds, distinct = proc.stdout.split()
    return float(seconds), int(distinct)


def sentences_of(summary: str) -> int:
    match = re.search(r"; (\d+) sentences;", summary)
    return int(match.group(1)) if match else 0


def without_dates(path: Path) -> str:
    return re.sub(r'creationdate="\d{8}T\d{6}Z"', "", path.read_text(encoding="utf-8"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--no-resume", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    folder = WORK / f"in-{args.pairs}"
    build(folder, args.pairs)
    workers = ["--workers", str(args.workers)] if args.workers else []
    rows: list[tuple[str, str]] = []

    def fresh(name: str) -> Path:
        path = WORK / name
        shutil.rmtree(path, ignore_errors=True)
        return path

    floor, distinct = floor_seconds(folder)
    print(f"floor: {floor:.1f} s for {distinct} distinct sentences", flush=True)
    cold = timed(["batch", str(folder), "-o", str(fresh("out-default")), "--cache-dir", str(fresh("cache-a")),
                  "-q", *workers])
    sentences = sentences_of(cold["summary"])
    print(f"cold default: {cold['wall']:.1f} s, {cold['peak_mb']:.0f} MB", flush=True)
    corpus_only = timed(["batch", str(folder), "-o", str(fresh("out-corpus")), "--cache-dir",
                         str(fresh("cache-b")), "--formats", "tmx,csv,jsonl", "-q", *workers])
    print(f"cold corpus only: {corpus_only['wall']:.1f} s", flush=True)
    warm = timed(["batch", str(folder), "-o", str(fresh("out-warm")), "--cache-dir", str(WORK / "cache-a"),
                  "-q", *workers])
    print(f"warm new folder: {warm['wall']:.1f} s, {warm['peak_mb']:.0f} MB", flush=True)
    finished = timed(["batch", str(folder), "-o", str(WORK / "out-default"), "--cache-dir", str(WORK / "cache-a"),
                      "-q", *workers])
    print(f"rerun finished: {finished['wall']:.1f} s ({finished['summary'][:60]}...)", flush=True)
    tenth = max(1, args.pairs // 10)
    small = timed(["batch", str(manifest(folder, tenth, WORK / "tenth.csv")), "-o", str(fresh("out-small")),
                   "--cache-dir", str(fresh("cache-small")), "-q", *workers])
    print(f"memory: {tenth} pairs {small['peak_mb']:.0f} MB, {args.pairs} pairs {cold['peak_mb']:.0f} MB", flush=True)
    # The layout of issue 7's batch: a third as many distinct articles, each under three names.
    copies = WORK / f"copies-{args.pairs}"
    build(copies, args.pairs, copies=3)
    copies_floor, copies_distinct = floor_seconds(copies)
    copies_cold = timed(["batch", str(copies), "-o", str(fresh("out-copies")), "--cache-dir",
                         str(fresh("cache-copies")), "-q", *workers])
    copies_corpus = timed(["batch", str(copies), "-o", str(fresh("out-copies-corpus")), "--cache-dir",
                           str(fresh("cache-copies-corpus")), "--formats", "tmx,csv,jsonl", "-q", *workers])
    print(f"copies: floor {copies_floor:.1f} s, cold {copies_cold['wall']:.1f} s, corpus only "
          f"{copies_corpus['wall']:.1f} s", flush=True)

    rows += [
        ("encode-once floor", f"{floor:.1f} s ({distinct:,} distinct sentences of {sentences:,})"),
        ("cold, default outputs", f"{cold['wall']:.1f} s = {cold['wall'] / floor:.2f} × floor; "
                                  f"{sentences / cold['wall']:.0f} sentences/s; peak {cold['peak_mb']:.0f} MB"),
        ("cold, corpus formats only", f"{corpus_only['wall']:.1f} s = {corpus_only['wall'] / floor:.2f} × floor"),
        ("warm rerun into a new folder", f"{warm['wall']:.1f} s ({cold['wall'] / warm['wall']:.1f}× faster than cold)"),
        ("rerun into the finished folder", f"{finished['wall']:.1f} s: `{finished['summary'].split(';')[0]}`"),
        ("peak memory, process tree", f"{small['peak_mb']:.0f} MB at {tenth} pairs, {cold['peak_mb']:.0f} MB at "
                                      f"{args.pairs} pairs (cold cache)"),
        (f"issue 7's layout ({args.pairs // 3} distinct articles × 3 names): encode-once floor",
         f"{copies_floor:.1f} s ({copies_distinct:,} distinct sentences)"),
        ("issue 7's layout: cold, default outputs", f"{copies_cold['wall']:.1f} s = "
                                                   f"{copies_cold['wall'] / copies_floor:.2f} × floor"),
        ("issue 7's layout: cold, corpus formats only", f"{copies_corpus['wall']:.1f} s = "
                                                       f"{copies_corpus['wall'] / copies_floor:.2f} × floor"),
    ]
    try:
        import ray  # noqa: F401

        on_ray = timed(["batch", str(folder), "-o", str(fresh("out-ray")), "--cache-dir", str(fresh("cache-ray")),
                        "--engine", "ray", "-q", *workers])
        rows.append(("`--engine ray`, local instance, cold cache", f"{on_ray['wall']:.1f} s (local engine: "
                     f"{cold['wall']:.1f} s; Ray's start-up included); {sentences / on_ray['wall']:.0f} sentences/s"))
        print(rows[-1][1], flush=True)
    except ImportError:
        rows.append(("`--engine ray`", "not measured: ray is not installed"))
    if not args.no_resume:
        out = fresh("out-resume")
        rng = random.Random(3)
        redone = []
        state = out / ".align-batch" / "state.jsonl"
        finished = []
        # The embeddings of the runs above, but none of their finished pairs: every pair is
        # aligned, from the same vectors as the uninterrupted run (fresh encodings can differ
        # in the last bits with the batch they were encoded in).
        resume_cache = fresh("cache-resume")
        resume_cache.mkdir()
        with sqlite3.connect(WORK / "cache-a" / "embeddings.sqlite") as src_db, \
                sqlite3.connect(resume_cache / "embeddings.sqlite") as dst_db:
            src_db.backup(dst_db)
            dst_db.execute("DELETE FROM pairs")

        def lines() -> int:
            return len(state.read_text(encoding="utf-8").splitlines()) if state.exists() else 0

        for k in range(3):
            # kill -9 once another 10-40 % of the pairs are done
            target = lines() + rng.randint(args.pairs // 10, 2 * args.pairs // 5)
            run = timed(["batch", str(folder), "-o", str(out), "--cache-dir", str(resume_cache), "-q", *workers],
                        kill_when=lambda: lines() >= target)
            finished.append(lines())
            print(f"resume: kill {k + 1} at {finished[-1]} finished pairs (killed: {run['killed']})", flush=True)
        last = timed(["batch", str(folder), "-o", str(out), "--cache-dir", str(resume_cache), "-q", *workers])
        done_before = re.search(r"\((\d+) now, (\d+) already done\)", last["summary"])
        same = all(without_dates(out / f) == without_dates(WORK / "out-warm" / f)
                   for f in ("corpus.tmx", "corpus.csv", "corpus.jsonl", "findings.csv", "findings.jsonl"))
        kept = done_before is not None and int(done_before.group(2)) == finished[-1]
        redone.append(done_before.group(0) if done_before else last["summary"])
        rows.append(("resume after 3 × SIGKILL", f"final corpus identical to the uninterrupted run: **{same}**; "
                                                 f"pairs finished after each kill: {', '.join(map(str, finished))}; "
                                                 f"the last rerun {redone[0]}: no finished pair redone: **{kept}**"))
        print(rows[-1][1], flush=True)
    text = "\n".join([
        "# Batch benchmark", "",
        f"`python bench/batch.py --pairs {args.pairs}` — {stamp()}; {machine()}; "
        f"{args.pairs} synthetic article pairs (12 recombined paragraph pairs each, plain text); "
        f"workers: {args.workers or 'default (the cores)'}.", "",
        "| measure | result |", "|---|---|", *[f"| {a} | {b} |" for a, b in rows], "",
        "Targets (issue 7): ratio ≤ 1.5 with all default outputs, ≤ 1.15 with corpus formats only; "
        "peak memory < 3 GB and flat; warm rerun ≥ 10× faster than cold; a rerun into a finished "
        "folder done in seconds.", ""])
    print(text)
    if not args.no_write:
        (ROOT / "bench" / "results" / "batch.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
