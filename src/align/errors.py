"""Errors a user can act on: the CLI prints them as one line and exits with code 2."""

from __future__ import annotations

from pathlib import Path


class AlignError(Exception):
    """An expected failure caused by the input or the environment, not by a bug."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = None if path is None else str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)
