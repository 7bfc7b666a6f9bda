"""Whole output sets: a pair's files appear together or not at all, whatever fails or
interrupts the writing (a write error such as a full disk, SIGTERM)."""

from __future__ import annotations

import errno
import subprocess
import sys

import pytest

import align
from align import report

from conftest import CORPUS_PAIRS, ROOT, files_in

ENERGY_EN, ENERGY_DE, _ = CORPUS_PAIRS["energy"]


@pytest.fixture(scope="module")
def energy(encoder):
    return align.align_files(ENERGY_EN, ENERGY_DE, encoder=encoder)


def test_a_set_is_written_whole(energy, tmp_path):
    written = energy.write(tmp_path, ["beads", "tmx", "csv", "jsonl", "findings", "report"])
    assert files_in(tmp_path) == sorted(p.name for p in written)
    assert all(p.parent == tmp_path for p in written)


def test_disk_full_leaves_nothing(energy, tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "energy.report.html"))

    monkeypatch.setattr(report, "write_report", full)
    (tmp_path / "older.tmx").write_text("an earlier run's file\n", encoding="utf-8")
    with pytest.raises(align.AlignError, match="cannot write output \\(No space left on device\\)"):
        energy.write(tmp_path, ["tmx", "csv", "report"])
    assert files_in(tmp_path) == ["older.tmx"]


SIGTERM_SCRIPT = """
import os, signal, sys
from align import cli, report
def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGTERM)
report.write_report = killed
sys.argv = ["align", "pair", sys.argv[1], sys.argv[2], "-o", sys.argv[3], "--cache-dir", sys.argv[4]]
cli.main()
"""


def test_sigterm_while_writing_leaves_nothing(tmp_path, cache_dir):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", SIGTERM_SCRIPT, str(ENERGY_EN), str(ENERGY_DE), str(out), str(cache_dir)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 143, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "align: terminated"
    assert files_in(out) == []
