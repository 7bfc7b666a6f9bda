"""Shared fixtures: one embedded encoder for the whole session (cache in a tmp folder), the
bundled corpora aligned once, and helpers that check alignments and run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TEXTBERG = SHARED / "data" / "textberg-dev"

# name -> (English file, German file, gold beads) of the bundled corpus.
CORPUS_PAIRS = {
    "energy": (CORPORA / "energy.en.txt", CORPORA / "energy.de.txt", CORPORA / "energy.gold.beads"),
    "asylum": (CORPORA / "asylum.en.md", CORPORA / "asylum.de.md", CORPORA / "asylum.gold.beads"),
    "baltic": (CORPORA / "baltic.en.html", CORPORA / "baltic.de.html", CORPORA / "baltic.gold.beads"),
}


@pytest.fixture(scope="session", autouse=True)
def _no_home_cache(tmp_path_factory):
    """Anything that falls back to the default cache folder writes into a tmp folder, never ~/.cache."""
    old = os.environ.get("ALIGN_CACHE_DIR")
    os.environ["ALIGN_CACHE_DIR"] = str(tmp_path_factory.mktemp("default-cache"))
    yield
    if old is None:
        os.environ.pop("ALIGN_CACHE_DIR", None)
    else:
        os.environ["ALIGN_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """The embedding cache of this test session (never ~/.cache). CLI tests pass it as
    --cache-dir, so they find the corpus embeddings already computed."""
    return tmp_path_factory.mktemp("embedding-cache")


@pytest.fixture(scope="session")
def encoder(cache_dir):
    """The embedded 'use' encoder, loaded once and shared, caching into `cache_dir`."""
    from align.embed import make_encoder

    return make_encoder("use", cache_dir=cache_dir)


@pytest.fixture(scope="session")
def en_de_aligner(encoder):
    from align.pipeline import Aligner

    return Aligner(src_lang="en", tgt_lang="de", encoder=encoder)


@pytest.fixture(scope="session")
def corpus_alignments(en_de_aligner) -> dict:
    """Every bundled pair aligned once: name -> Alignment."""
    return {name: en_de_aligner.align_files(src, tgt) for name, (src, tgt, _) in CORPUS_PAIRS.items()}


# ---------------------------------------------------------------- checks


def bead_problems(beads, n_src: int, n_tgt: int) -> list[str]:
    """Problems with a list of (src ids, tgt ids) beads as a complete, monotonic alignment:
    every sentence of both sides in exactly one bead, in order, no bead empty on both sides."""
    problems = []
    next_src = next_tgt = 0
    for k, (src, tgt) in enumerate(beads):
        src, tgt = list(src), list(tgt)
        if not src and not tgt:
            problems.append(f"bead {k} is empty on both sides")
        if src != list(range(next_src, next_src + len(src))):
            problems.append(f"bead {k}: source {src} does not continue at {next_src}")
        if tgt != list(range(next_tgt, next_tgt + len(tgt))):
            problems.append(f"bead {k}: target {tgt} does not continue at {next_tgt}")
        next_src += len(src)
        next_tgt += len(tgt)
    if next_src != n_src:
        problems.append(f"beads cover {next_src} of {n_src} source sentences")
    if next_tgt != n_tgt:
        problems.append(f"beads cover {next_tgt} of {n_tgt} target sentences")
    return problems


def assert_valid_alignment(alignment) -> None:
    """Beads invariant of an Alignment, plus confidence scores in [0, 1]."""
    ids = [(b.src, b.tgt) for b in alignment.beads]
    assert bead_problems(ids, len(alignment.src), len(alignment.tgt)) == []
    assert [s.index for s in alignment.src] == list(range(len(alignment.src)))
    assert [t.index for t in alignment.tgt] == list(range(len(alignment.tgt)))
    for bead in alignment.beads:
        assert isinstance(bead.score, float)
        assert 0.0 <= bead.score <= 1.0, bead


def bead_ids(alignment) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.src, b.tgt) for b in alignment.beads]


def files_in(folder: Path) -> list[str]:
    """Every file under `folder` (relative names, hidden and temporary ones included)."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir())


# ---------------------------------------------------------------- CLI


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_align(*args, cwd: Path | None = None, env: dict | None = None, timeout: float = 120) -> Run:
    """Run the real `align` command in a fresh process (python -m align)."""
    full_env = dict(os.environ)  # ALIGN_CACHE_DIR points into tmp (see _no_home_cache)
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "align", *map(str, args)],
        cwd=cwd or ROOT, env=full_env, capture_output=True, text=True, timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)
