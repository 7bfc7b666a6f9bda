"""Every data file the package reads at run time is declared as package data, so a regular
(non-editable) install has it too."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch

from conftest import ROOT


def test_package_data_covers_every_data_file():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["align"]
    package = ROOT / "src" / "align"
    data_files = [p.relative_to(package).as_posix() for p in package.rglob("*")
                  if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts]
    assert data_files, "expected data files such as checks/exonyms.tsv"
    assert [f for f in data_files if not any(fnmatch(f, pattern) for pattern in patterns)] == []
