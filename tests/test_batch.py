"""`align batch` as a corpus builder runs it: failures recorded and the rest going on,
ambiguous pairings refused, a manifest (from a file or stdin) with per-pair languages, the
combined corpus deduplicated and filtered, the review index, resuming after kill -9 with the
same corpus, a rerun that redoes nothing, worker processes giving the same result as one,
progress lines, and the cache commands. Real pairs from corpora/, real processes."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from align.batch import BatchSettings, Progress, PairResult, plan_folder, plan_manifest, run_batch
from align.corpus import CorpusFilter
from align.export import read_beads

from conftest import CORPUS_PAIRS, ROOT, run_align

ENERGY_EN, ENERGY_DE, ENERGY_GOLD = CORPUS_PAIRS["energy"]
ASYLUM_EN, ASYLUM_DE, _ = CORPUS_PAIRS["asylum"]


def outputs(folder: Path) -> list[str]:
    """The files a user sees (the state folder left out)."""
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def without_dates(path: Path) -> str:
    return re.sub(r'creationdate="\d{8}T\d{6}Z"', 'creationdate=""', path.read_text(encoding="utf-8"))


def tmx_units(path: Path) -> list:
    return etree.parse(str(path)).getroot().findall("body/tu")


@pytest.fixture()
def mixed_folder(tmp_path) -> Path:
    """Three copies of one article, a pair named `corpus`, an empty document, an ambiguous
    pair and a pair with a file name that is not UTF-8."""
    folder = tmp_path / "in"
    (folder / "en").mkdir(parents=True)
    for name in ("a", "b", "c"):
        shutil.copy(ENERGY_EN, folder / f"{name}.en.txt")
        shutil.copy(ENERGY_DE, folder / f"{name}.de.txt")
    shutil.copy(ASYLUM_EN, folder / "corpus.en.md")
    shutil.copy(ASYLUM_DE, folder / "corpus.de.md")
    (folder / "empty.en.txt").write_text("  \n", encoding="utf-8")
    (folder / "empty.de.txt").write_text("Ein Satz.\n", encoding="utf-8")
    for path in ("other.en.txt", "other.en.md", "en/other.txt"):
        shutil.copy(ENERGY_EN, folder / path)
    shutil.copy(ENERGY_DE, folder / "other.de.txt")
    odd = os.fsdecode(b"odd\xff")
    shutil.copy(ENERGY_EN, folder / f"{odd}.en.txt")
    shutil.copy(ENERGY_DE, folder / f"{odd}.de.txt")
    return folder


def test_plan_refuses_ambiguity_and_odd_names(mixed_folder):
    plan = plan_folder(mixed_folder, "en", "de")
    assert [job.name for job in plan.jobs] == ["a", "b", "c", "corpus", "empty"]
    reasons = {f.name: f.reason for f in plan.failures}
    assert reasons["other"].startswith("ambiguous pairing: 3 files for the en side of 'other' "
                                       "(other.en.md, other.en.txt, en/other.txt)")
    assert reasons["odd\\xff"].startswith("file name is not valid UTF-8")
    assert plan.unpaired == []


def test_batch_records_failures_and_goes_on(mixed_folder, tmp_path, cache_dir):
    out = tmp_path / "out"
    run = run_align("batch", mixed_folder, "-o", out, "--cache-dir", cache_dir)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    with open(out / "failures.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["name"] for r in rows] == ["other", "odd\\xff", "empty"]
    assert rows[2] == {"name": "empty", "src": str(mixed_folder / "empty.en.txt"),
                       "tgt": str(mixed_folder / "empty.de.txt"),
                       "reason": f"{mixed_folder / 'empty.en.txt'}: document is empty"}
    # the pair named `corpus` has its own files; the combined ones are the batch's
    assert "corpus_.tmx" in outputs(out) and "corpus.tmx" in outputs(out)
    assert {u.findtext("prop[@type='x-document']") for u in tmx_units(out / "corpus.tmx")} == {"a", "corpus"}
    summary = run.stdout.splitlines()[-1]
    assert summary.startswith("4 pairs aligned (4 now, 0 already done), 3 failed, 0 files unpaired; ")
    # three identical articles: their TUs once each, with the count
    energy_pairs = sum(1 for s, t in read_beads(out / "a.beads") if s and t)
    units = [u for u in tmx_units(out / "corpus.tmx") if u.findtext("prop[@type='x-document']") == "a"]
    assert len(units) <= energy_pairs
    counts = [int(u.findtext("prop[@type='x-count']")) for u in units]
    assert sum(counts) == 3 * energy_pairs and max(counts) >= 3
    corpus_pairs = sum(1 for s, t in read_beads(out / "corpus_.beads") if s and t)
    duplicates = 3 * energy_pairs + corpus_pairs - len(tmx_units(out / "corpus.tmx"))
    assert duplicates >= 2 * energy_pairs
    assert f"TUs in the combined corpus ({duplicates} duplicates left out)" in summary
    records = [json.loads(line) for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(tmx_units(out / "corpus.tmx")) and all(r["count"] >= 1 for r in records)
    with open(out / "corpus.csv", encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[-1] == "count"
    # review: the index links every pair's report, and lists the failures
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in ("a", "b", "c", "corpus_"):
        assert f'href="{name}.report.html"' in index
    assert "ambiguous pairing" in index and "document is empty" in index
    findings = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    with open(out / "findings.csv", encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == len(findings)
    assert {f["document"] for f in findings} <= {"a", "b", "c", "corpus"}


def test_keep_duplicates_and_min_score(tmp_path, encoder):
    from align.pipeline import Aligner

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b"):
        shutil.copy(ENERGY_EN, folder / f"{name}.en.txt")
        shutil.copy(ENERGY_DE, folder / f"{name}.de.txt")
    aligner = Aligner("en", "de", encoder=encoder)
    kept = run_batch(aligner, folder, tmp_path / "kept", BatchSettings(
        formats=("beads", "tmx"), workers=1, corpus=CorpusFilter(keep_duplicates=True)))
    pairs = sum(1 for s, t in read_beads(tmp_path / "kept" / "a.beads") if s and t)
    assert kept.corpus.units == 2 * pairs and kept.corpus.duplicates == 0
    assert len(tmx_units(tmp_path / "kept" / "corpus.tmx")) == 2 * pairs
    scores = sorted(float(u.findtext("prop[@type='x-score']")) for u in tmx_units(tmp_path / "kept" / "a.tmx"))
    threshold = scores[len(scores) // 4]
    filtered = run_batch(aligner, folder, tmp_path / "filtered", BatchSettings(
        formats=("beads", "tmx"), workers=1, corpus=CorpusFilter(min_score=threshold)))
    below = sum(score < threshold for score in scores)
    assert below > 0
    assert filtered.corpus.below_min_score == 2 * below
    assert filtered.corpus.duplicates == pairs - below
    assert filtered.corpus.units == pairs - below
    kept_scores = [float(u.findtext("prop[@type='x-score']")) for u in tmx_units(tmp_path / "filtered" / "corpus.tmx")]
    assert min(kept_scores) >= threshold
    assert len(tmx_units(tmp_path / "filtered" / "a.tmx")) == pairs  # each pair's own file keeps them all


def test_manifest_with_languages_from_stdin(tmp_path, cache_dir):
    manifest = "src,tgt,name,src_lang,tgt_lang\n" \
               f"{ENERGY_EN},{ENERGY_DE},energy-en-de,,\n" \
               f"{ENERGY_DE},{ENERGY_EN},energy-de-en,de,en\n"
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "align", "batch", "-", "-o", str(out), "--formats", "beads,tmx",
                           "--cache-dir", str(cache_dir)], input=manifest, capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert outputs(out) == ["corpus.tmx", "energy-de-en.beads", "energy-de-en.tmx", "energy-en-de.beads",
                            "energy-en-de.tmx"]
    forward = read_beads(out / "energy-en-de.beads")
    backward = read_beads(out / "energy-de-en.beads")
    assert backward == [(t, s) for s, t in forward]
    tu = tmx_units(out / "energy-de-en.tmx")[0]
    langs = [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tu.findall("tuv")]
    assert langs == ["de", "en"]


def test_manifest_file_relative_paths_and_errors(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    shutil.copy(ENERGY_EN, folder / "x.txt")
    shutil.copy(ENERGY_DE, folder / "y.txt")
    (folder / "pairs.tsv").write_text("src\ttgt\nx.txt\ty.txt\n", encoding="utf-8")
    plan = plan_manifest(folder / "pairs.tsv", "en", "de")
    assert [(j.name, j.src, j.tgt, j.src_lang) for j in plan.jobs] == [("x", folder / "x.txt", folder / "y.txt", "en")]
    (folder / "bad.csv").write_text("source,target\nx.txt,y.txt\n", encoding="utf-8")
    run = run_align("batch", folder / "bad.csv", "-o", tmp_path / "out")
    assert run.returncode == 2
    assert run.stderr.strip() == (f"align: error: {folder / 'bad.csv'}: manifest needs a header row with the "
                                  f"columns src and tgt (optional: name, src_lang, tgt_lang)")


def _copies(folder: Path, count: int) -> None:
    folder.mkdir()
    sources = [CORPUS_PAIRS[n][:2] for n in ("energy", "asylum", "baltic")]
    for k in range(count):
        src, tgt = sources[k % len(sources)]
        ext = src.suffix
        shutil.copy(src, folder / f"p{k:02d}.en{ext}")
        shutil.copy(tgt, folder / f"p{k:02d}.de{ext}")


def test_resume_after_kill_gives_the_same_corpus(tmp_path, cache_dir):
    folder = tmp_path / "in"
    _copies(folder, 9)
    whole = tmp_path / "whole"
    run = run_align("batch", folder, "-o", whole, "--workers", "1", "--cache-dir", cache_dir, timeout=600)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "out"
    # a cache of its own: with the session's, the pairs come finished from the cache and the
    # whole batch can end before it is killed
    cache_dir = tmp_path / "cache"
    command = [sys.executable, "-m", "align", "batch", str(folder), "-o", str(out), "--workers", "1",
               "--cache-dir", str(cache_dir)]
    state = out / ".align-batch" / "state.jsonl"
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if state.exists() and len(state.read_text(encoding="utf-8").splitlines()) >= 2:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = len(state.read_text(encoding="utf-8").splitlines())
    assert 2 <= finished < 9
    assert not (out / "corpus.tmx").exists()
    resumed = run_align("batch", folder, "-o", out, "--workers", "1", "--cache-dir", cache_dir, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"({9 - finished} now, {finished} already done)" in resumed.stdout
    assert outputs(out) == outputs(whole)
    assert not list(out.glob(".align-staging-*"))
    for name in ("corpus.tmx", "corpus.csv", "corpus.jsonl", "findings.csv", "findings.jsonl", "p03.tmx"):
        assert without_dates(out / name) == without_dates(whole / name), name
    again = run_align("batch", folder, "-o", out, "--workers", "1", "--cache-dir", cache_dir)
    assert "(0 now, 9 already done)" in again.stdout
    restarted = run_align("batch", folder, "-o", out, "--restart", "--formats", "beads", "--quiet",
                          "--cache-dir", cache_dir, timeout=600)
    assert "(9 now, 0 already done)" in restarted.stdout
    assert restarted.stderr == ""


def test_workers_give_the_same_corpus_as_one(tmp_path, encoder):
    from align.pipeline import Aligner

    folder = tmp_path / "in"
    _copies(folder, 4)
    aligner = Aligner("en", "de", encoder=encoder)
    one = run_batch(aligner, folder, tmp_path / "one", BatchSettings(formats=("tmx", "findings"), workers=1))
    # the bare encoder (no cache): the workers align every pair rather than reuse the first run's
    uncached = Aligner("en", "de", encoder=encoder.inner)
    two = run_batch(uncached, folder, tmp_path / "two", BatchSettings(formats=("tmx", "findings"), workers=2))
    assert [p.name for p in two.pairs] == [p.name for p in one.pairs] == ["p00", "p01", "p02", "p03"]
    for name in ("corpus.tmx", "findings.csv"):
        assert without_dates(tmp_path / "two" / name) == without_dates(tmp_path / "one" / name)
    assert [a.name for a in two.alignments()] == ["p00", "p01", "p02", "p03"]


def test_a_pair_is_aligned_once_whatever_its_name(tmp_path, encoder, monkeypatch):
    """Pairs with the same content are aligned once per batch, and a rerun into a new folder
    aligns nothing (the finished pairs are in the cache); the files are the same as when every
    pair is aligned afresh."""
    from align.pipeline import Aligner

    folder = tmp_path / "in"
    _copies(folder, 6)  # three contents, each under two names
    cache = tmp_path / "cache"
    from align.embed import CachedEncoder, cache_info

    aligner = Aligner("en", "de", encoder=CachedEncoder(encoder.inner, cache))
    aligned: list[str] = []
    real = Aligner.align_embedded

    def counting(self, src, tgt, src_emb, tgt_emb, name):
        aligned.append(name)
        return real(self, src, tgt, src_emb, tgt_emb, name)

    monkeypatch.setattr(Aligner, "align_embedded", counting)
    first = run_batch(aligner, folder, tmp_path / "first", BatchSettings(workers=1))
    assert aligned == ["p00", "p01", "p02"] and len(first.pairs) == 6 and not first.failed
    assert cache_info(cache)["pairs"] == {"use": 3}

    def refuse(*args, **kwargs):
        raise AssertionError("aligned again")

    monkeypatch.setattr(Aligner, "align_embedded", refuse)
    warm = run_batch(aligner, folder, tmp_path / "warm", BatchSettings(workers=1))
    assert len(warm.pairs) == 6 and not warm.failed
    monkeypatch.setattr(Aligner, "align_embedded", real)
    fresh = run_batch(Aligner("en", "de", encoder=encoder.inner), folder, tmp_path / "fresh", BatchSettings(workers=1))
    assert outputs(tmp_path / "first") == outputs(tmp_path / "warm") == outputs(tmp_path / "fresh")
    for name in outputs(tmp_path / "fresh"):
        expected = without_dates(tmp_path / "fresh" / name)
        for other in ("first", "warm"):
            assert without_dates(tmp_path / other / name) == expected, (other, name)
    assert fresh.corpus.units == first.corpus.units


def test_progress_lines_when_not_a_terminal():
    import io

    stream = io.StringIO()
    progress = Progress(total=4, done=1, quiet=False, interval=0.0, stream=stream)
    progress.update(PairResult("a", "k", True, src_sentences=50, tgt_sentences=60))
    progress.update(PairResult("b", "k", False, reason="bad"))
    progress.close()
    lines = stream.getvalue().splitlines()
    assert re.fullmatch(r"2/4 pairs, \d+ sent/s, ETA \S+", lines[0])
    assert re.fullmatch(r"3/4 pairs, \d+ sent/s, ETA \S+, 1 failed", lines[1])
    quiet = io.StringIO()
    silent = Progress(total=4, done=0, quiet=True, interval=0.0, stream=quiet)
    silent.update(PairResult("a", "k", True))
    silent.close()
    assert quiet.getvalue() == ""


def test_cache_info_and_clear(tmp_path):
    cache = tmp_path / "cache"
    run = run_align("pair", ENERGY_EN, ENERGY_DE, "-o", tmp_path / "out", "--formats", "beads", "--cache-dir", cache)
    assert run.returncode == 0, run.stderr
    info = run_align("cache", "info", "--cache-dir", cache)
    assert info.returncode == 0
    lines = info.stdout.splitlines()
    assert lines[0].startswith(f"{cache / 'embeddings.sqlite'}: ")
    count = int(re.search(r"(\d+) entries", lines[0]).group(1))
    assert count >= 160 and lines[1] == f"  use: {count} entries"
    cleared = run_align("cache", "clear", "--cache-dir", cache, "--encoder", "st:other")
    assert cleared.stdout.strip() == "removed 0 cached embeddings"
    cleared = run_align("cache", "clear", "--cache-dir", cache)
    assert cleared.stdout.strip() == f"removed {count} cached embeddings"
    assert run_align("cache", "info", "--cache-dir", cache).stdout.splitlines()[0].endswith(", 0 entries")


def test_ray_engine_gives_the_same_corpus(tmp_path, cache_dir):
    pytest.importorskip("ray")
    folder = tmp_path / "in"
    _copies(folder, 4)
    local = run_align("batch", folder, "-o", tmp_path / "local", "--formats", "tmx,findings", "--workers", "1",
                      "--cache-dir", cache_dir, timeout=600)
    assert local.returncode == 0, local.stderr
    # a cache of its own, so that the actors align rather than reuse the local run's pairs
    ray_run = run_align("batch", folder, "-o", tmp_path / "ray", "--formats", "tmx,findings", "--engine", "ray",
                        "--workers", "2", "--cache-dir", tmp_path / "ray-cache", timeout=600)
    assert ray_run.returncode == 0, ray_run.stderr
    assert "(4 now, 0 already done)" in ray_run.stdout
    for name in ("corpus.tmx", "findings.csv", "p02.tmx"):
        assert without_dates(tmp_path / "ray" / name) == without_dates(tmp_path / "local" / name), name
    again = run_align("batch", folder, "-o", tmp_path / "ray", "--formats", "tmx,findings", "--engine", "ray",
                      "--cache-dir", tmp_path / "ray-cache")
    assert "(0 now, 4 already done)" in again.stdout  # resume works the same way


def _descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *_descendants(int(child))]
    return found


def _alive(pid: int) -> bool:
    try:
        state = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("State:"))
    except (OSError, StopIteration):
        return False
    return "Z" not in state.split()[1]


def test_a_worker_whose_batch_is_gone_before_it_starts_stops():
    """A worker still starting up when the batch was killed already has another parent: it
    watches the pid the batch gave it, not its parent at the time, and stops."""
    code = ("import os, time; from align.batch import _watch_parent; "
            "_watch_parent(os.getppid() + 1_000_000); time.sleep(60)")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=30)
    assert proc.returncode in (-signal.SIGTERM, 143) and time.monotonic() - started < 20


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_workers_stop_when_the_batch_is_killed(tmp_path, cache_dir):
    folder = tmp_path / "in"
    _copies(folder, 8)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "align", "batch", str(folder), "-o", str(out), "--workers", "2",
                             "--cache-dir", str(cache_dir)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    state = out / ".align-batch" / "state.jsonl"
    deadline = time.monotonic() + 300
    workers: list[int] = []
    while time.monotonic() < deadline and proc.poll() is None and not state.exists():
        workers = [p for p in _descendants(proc.pid) if "spawn_main" in Path(f"/proc/{p}/cmdline").read_text()]
        time.sleep(0.05)
    assert proc.poll() is None and len(workers) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.2)
    assert not any(_alive(p) for p in workers)
    assert not list(out.glob(".align-staging-*"))  # each worker removed its staging folder
