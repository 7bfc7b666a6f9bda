"""Write output files under a temporary name and rename, so a failure never leaves half a file."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .errors import AlignError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_writer(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside `path`; on success rename it over `path`, else delete it."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; give the mode a plain open() would
    except OSError as exc:
        raise AlignError(path.parent, f"cannot write output folder ({exc.strerror or exc})") from None
    encoding, newline = (None, None) if "b" in mode else ("utf-8", "")
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@contextmanager
def staged_set(out_dir: Path) -> Iterator[Path]:
    """A staging folder inside `out_dir` for one output set (a pair's files): write into it;
    on success every file is renamed into `out_dir`, on any failure or signal the folder is
    removed, so `out_dir` holds the whole set or none of it. Write errors (disk full, ...)
    become one-line AlignErrors."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".align-staging-", dir=out_dir))
    except OSError as exc:
        raise AlignError(out_dir, f"cannot write output folder ({exc.strerror or exc})") from None
    try:
        try:
            yield stage
        except OSError as exc:
            raise AlignError(Path(exc.filename) if exc.filename else out_dir,
                             f"cannot write output ({exc.strerror or exc})") from None
        try:
            for path in sorted(stage.iterdir()):
                os.replace(path, out_dir / path.name)
        except OSError as exc:
            raise AlignError(out_dir, f"cannot write output ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
