"""Shared helpers for the benchmark scripts: where the shared data lives, bead-file reading."""

from __future__ import annotations

import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def require_shared(sub: str) -> Path:
    path = SHARED / sub
    if not path.exists():
        raise SystemExit(f"skipped: {path} not found (the shared data sits beside the repository)")
    return path


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def machine() -> str:
    cores = len(__import__("os").sched_getaffinity(0))
    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        model = cpu
    return f"{cores} cores ({model}), Python {platform.python_version()}"


def stamp() -> str:
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    return f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit or '?'}"


def publish(lines: list[str], name: str, write: bool = True) -> str:
    """Print a result table and (unless `write` is false) save it as bench/results/NAME.md."""
    text = "\n".join(lines) + "\n"
    print(text)
    if write:
        (ROOT / "bench" / "results" / f"{name}.md").write_text(text, encoding="utf-8")
    return text
