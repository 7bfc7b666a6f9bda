"""The README's Python examples run as written (so they cannot rot)."""

from __future__ import annotations

import re

import pytest

from align import embed

from conftest import ROOT


def python_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_readme_has_the_examples():
    code = "\n".join(python_examples())
    for call in ("align_texts(", "align_sentences(", "align_files(", "to_polars()", "to_tmx()", ".write(",
                 "findings()", "write_corpus(", "register_encoder(", "encoders()"):
        assert call in code, call


def test_readme_python_examples_run(tmp_path, monkeypatch, capsys):
    (tmp_path / "corpora").symlink_to(ROOT / "corpora")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(embed, "_REGISTRY", dict(embed._REGISTRY))
    namespace: dict = {"__name__": "readme"}
    for number, block in enumerate(python_examples()):
        try:
            exec(compile(block, f"README.md python block {number + 1}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"README python block {number + 1} failed: {type(exc).__name__}: {exc}")
    out = capsys.readouterr().out
    assert "1:1" in out and "energy" in out
    assert (tmp_path / "out" / "energy.tmx").is_file() and (tmp_path / "out" / "energy.csv").is_file()
    assert (tmp_path / "out" / "corpus.tmx").is_file()
    assert "averaged" in namespace["align"].encoders()
