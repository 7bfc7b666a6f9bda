"""The `align` command end to end, in a real process (python -m align): pair, batch, segment,
eval, and every kind of bad input (exit code 2, one line on stderr, no partial outputs)."""

from __future__ import annotations

import re

import csv
import io
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from lxml import etree

from align.evaluate import score_alignments
from align.export import read_beads
from align.read import read_document
from align.segment import SrxSegmenter

from conftest import CORPORA, CORPUS_PAIRS, TEXTBERG, bead_ids, bead_problems, files_in, run_align

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ENERGY_EN, ENERGY_DE, ENERGY_GOLD = CORPUS_PAIRS["energy"]


@pytest.fixture(scope="module")
def warm_cache(cache_dir, corpus_alignments) -> Path:
    """The session cache, holding every corpus sentence already (so no run loads the model)."""
    return cache_dir


@pytest.fixture(scope="module")
def energy_run(tmp_path_factory, warm_cache):
    out = tmp_path_factory.mktemp("energy-out")
    run = run_align("pair", ENERGY_EN, ENERGY_DE, "-o", out, "--cache-dir", warm_cache)
    return run, out


def tmx_units(path: Path) -> list[etree._Element]:
    return etree.parse(str(path)).getroot().findall("body/tu")


# ---------------------------------------------------------------- align pair


def test_pair_writes_all_formats(energy_run, corpus_alignments):
    run, out = energy_run
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    written = ("energy.beads", "energy.tmx", "energy.csv", "energy.jsonl", "energy.findings.csv",
               "energy.findings.jsonl", "energy.report.html")
    assert files_in(out) == sorted(written)
    lines = run.stdout.splitlines()
    assert lines[0].startswith("energy: 82 en / 81 de sentences, ")
    assert re.fullmatch(r"  findings: \d+ errors, \d+ warnings, \d+ info", lines[1])
    assert lines[2:] == [f"  wrote {out / name}" for name in written]
    beads = read_beads(out / "energy.beads")
    # The command gives the same alignment as the API.
    assert beads == bead_ids(corpus_alignments["energy"])
    assert f"{len(beads)} beads" in lines[0]


def test_pair_outputs_are_consistent(energy_run):
    _, out = energy_run
    beads = read_beads(out / "energy.beads")
    assert bead_problems(beads, 82, 81) == []
    scores = score_alignments([(read_beads(ENERGY_GOLD), beads)])
    assert scores.strict_f1 >= 0.93 and scores.lax_f1 >= 0.99
    pairs = [(s, t) for s, t in beads if s and t]
    units = tmx_units(out / "energy.tmx")
    assert len(units) == len(pairs)
    assert [u.findtext("prop[@type='x-src-ids']") for u in units] == [",".join(map(str, s)) for s, _ in pairs]
    assert {tuv.get(XML_LANG) for u in units for tuv in u.findall("tuv")} == {"en", "de"}
    rows = list(csv.DictReader(io.StringIO((out / "energy.csv").read_bytes().decode("utf-8"), newline="")))
    assert len(rows) == len(beads)
    assert all(0.0 <= float(r["score"]) <= 1.0 for r in rows)
    records = [json.loads(line) for line in (out / "energy.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(pairs)
    assert all(set(r["translation"]) == {"en", "de"} and r["document"] == "energy" for r in records)


def test_pair_formats_subset(warm_cache, tmp_path):
    out = tmp_path / "out"
    run = run_align("pair", ENERGY_EN, ENERGY_DE, "-o", out, "--formats", "tmx,csv", "--cache-dir", warm_cache)
    assert run.returncode == 0, run.stderr
    assert files_in(out) == ["energy.csv", "energy.tmx"]


def test_pair_name_option(warm_cache, tmp_path):
    out = tmp_path / "out"
    run = run_align("pair", ENERGY_EN, ENERGY_DE, "-o", out, "--name", "kohle", "--formats", "beads,jsonl",
                    "--cache-dir", warm_cache)
    assert run.returncode == 0, run.stderr
    assert files_in(out) == ["kohle.beads", "kohle.jsonl"]
    assert run.stdout.startswith("kohle: ")
    first = json.loads((out / "kohle.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["document"] == "kohle" and first["id"].startswith("kohle-")


def test_pair_tmx_langs(warm_cache, tmp_path):
    out = tmp_path / "out"
    run = run_align("pair", ENERGY_EN, ENERGY_DE, "-o", out, "--tmx-langs", "en-US,de-DE",
                    "--formats", "tmx,jsonl", "--cache-dir", warm_cache)
    assert run.returncode == 0, run.stderr
    root = etree.parse(str(out / "energy.tmx")).getroot()
    assert root.find("header").get("srclang") == "en-US"
    for unit in root.findall("body/tu"):
        assert [tuv.get(XML_LANG) for tuv in unit.findall("tuv")] == ["en-US", "de-DE"]
    record = json.loads((out / "energy.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert set(record["translation"]) == {"en-US", "de-DE"}


def test_pair_default_name_rule(warm_cache, tmp_path):
    folder = tmp_path / "corpora"
    folder.mkdir()
    shutil.copy(ENERGY_EN, folder / "belarus.en.txt")
    shutil.copy(ENERGY_DE, folder / "belarus.de.txt")
    run = run_align("pair", "corpora/belarus.en.txt", "corpora/belarus.de.txt", "-o", "out",
                    "--formats", "beads", "--cache-dir", warm_cache, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert files_in(tmp_path / "out") == ["belarus.beads"]
    assert run.stdout.startswith("belarus: 82 en / 81 de sentences")


def test_pair_small_texts_in_other_folder(warm_cache, tmp_path):
    """Relative paths, an output folder that does not exist yet (nested)."""
    (tmp_path / "a.en.md").write_text("# Rain\n\nIt rained all day in Vienna. The streets were flooded.\n",
                                      encoding="utf-8")
    (tmp_path / "a.de.md").write_text("# Regen\n\nIn Wien regnete es den ganzen Tag. Die Straßen waren überflutet.\n",
                                      encoding="utf-8")
    run = run_align("pair", "a.en.md", "a.de.md", "-o", "deep/er/out", "--formats", "beads",
                    "--cache-dir", tmp_path / "cache", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert read_beads(tmp_path / "deep/er/out/a.beads") == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    assert files_in(tmp_path / "cache") == ["embeddings.sqlite"]


def test_pair_output_files_follow_umask(energy_run):
    _, out = energy_run
    umask = os.umask(0)
    os.umask(umask)
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path.name


def test_pair_one_sentence_documents(tmp_path):
    (tmp_path / "short.en.txt").write_text("The meeting was cancelled.\n", encoding="utf-8")
    (tmp_path / "short.de.txt").write_text("Die Sitzung wurde abgesagt.\n", encoding="utf-8")
    run = run_align("pair", tmp_path / "short.en.txt", tmp_path / "short.de.txt", "-o", tmp_path / "out",
                    "--formats", "beads", "--cache-dir", tmp_path / "cache")
    assert "Traceback" not in run.stderr
    assert run.returncode == 0
    assert read_beads(tmp_path / "out" / "short.beads") == [((0,), (0,))]


# ---------------------------------------------------------------- presegmented (Text+Berg)


@pytest.mark.skipif(not TEXTBERG.is_dir(), reason="shared Text+Berg data not available (../shared is absent)")
def test_pair_presegmented_textberg(warm_cache, tmp_path):
    out = tmp_path / "out"
    run = run_align("pair", TEXTBERG / "dev.de", TEXTBERG / "dev.fr", "--presegmented",
                    "--src-lang", "de", "--tgt-lang", "fr", "-o", out, "--formats", "beads,tmx",
                    "--cache-dir", warm_cache, timeout=300)
    assert run.returncode == 0, run.stderr
    assert files_in(out) == ["dev.beads", "dev.tmx"]
    src_lines = [line for line in (TEXTBERG / "dev.de").read_text(encoding="utf-8").splitlines() if line.strip()]
    tgt_lines = [line for line in (TEXTBERG / "dev.fr").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert run.stdout.startswith(f"dev: {len(src_lines)} de / {len(tgt_lines)} fr sentences")
    beads = read_beads(out / "dev.beads")
    assert bead_problems(beads, len(src_lines), len(tgt_lines)) == []
    scores = score_alignments([(read_beads(TEXTBERG / "dev.defr"), beads)])
    assert scores.strict_f1 >= 0.87, scores  # Bertalign's algorithm, same encoder: 0.860
    assert scores.lax_f1 >= 0.98, scores
    langs = {tuv.get(XML_LANG) for u in tmx_units(out / "dev.tmx") for tuv in u.findall("tuv")}
    assert langs == {"de", "fr"}

    evaluated = run_align("eval", TEXTBERG / "dev.defr", out / "dev.beads")
    assert evaluated.returncode == 0
    strict = evaluated.stdout.splitlines()[1].split()
    assert strict[0] == "strict" and float(strict[3]) == pytest.approx(scores.strict_f1, abs=1e-4)


# ---------------------------------------------------------------- align batch


def visible_files(folder: Path) -> list[str]:
    """A batch folder's outputs, less its state (.align-batch/)."""
    return [f for f in files_in(folder) if not f.startswith(".align-batch/")]


def test_batch_corpora_folder(warm_cache, tmp_path):
    out = tmp_path / "out"
    run = run_align("batch", CORPORA, "-o", out, "--cache-dir", warm_cache)
    assert run.returncode == 0, run.stderr
    extensions = ("beads", "csv", "jsonl", "tmx", "findings.csv", "findings.jsonl", "report.html")
    expected = [f"{name}.{ext}" for name in ("asylum", "baltic", "energy") for ext in extensions]
    expected += ["corpus.csv", "corpus.jsonl", "corpus.tmx", "findings.csv", "findings.jsonl",
                 "findings-summary.csv", "index.html"]
    assert visible_files(out) == sorted(expected)
    stderr = run.stderr.splitlines()
    assert stderr[-1] == f"align: no partner for {CORPORA / 'README.md'}"
    assert all(re.fullmatch(r"\d/3 pairs, \d+ sent/s, ETA \S+", line) for line in stderr[:-1])  # progress
    summary = run.stdout.splitlines()[-1]
    assert summary.startswith("3 pairs aligned (3 now, 0 already done), 0 failed, 1 files unpaired; "
                              "410 sentences; ")
    assert summary.endswith(f" s; output in {out}")
    # The combined corpus holds every document's pairs, and each per-pair file its own.
    total = 0
    for name in ("asylum", "baltic", "energy"):
        beads = read_beads(out / f"{name}.beads")
        gold = read_beads(CORPUS_PAIRS[name][2])
        assert score_alignments([(gold, beads)]).strict_f1 >= 0.93
        total += sum(1 for s, t in beads if s and t)
    units = tmx_units(out / "corpus.tmx")
    assert len(units) == total  # no TU occurs twice in these three articles
    assert f"; {total} TUs in the combined corpus; " in summary
    assert {u.findtext("prop[@type='x-document']") for u in units} == {"asylum", "baltic", "energy"}
    documents = [json.loads(line)["document"] for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert documents == sorted(documents)  # documents in name order, each in one run
    assert len(documents) == total


def test_batch_language_subfolders(warm_cache, tmp_path):
    src = tmp_path / "in"
    (src / "en").mkdir(parents=True)
    (src / "de").mkdir()
    shutil.copy(ENERGY_EN, src / "en" / "energy.txt")
    shutil.copy(ENERGY_DE, src / "de" / "energy.txt")
    shutil.copy(CORPUS_PAIRS["asylum"][0], src / "en" / "asylum.md")
    shutil.copy(CORPUS_PAIRS["asylum"][1], src / "de" / "asylum.md")
    shutil.copy(ENERGY_EN, src / "en" / "orphan.txt")
    out = tmp_path / "out"
    run = run_align("batch", src, "-o", out, "--formats", "beads,tmx", "--cache-dir", warm_cache)
    assert run.returncode == 0, run.stderr
    assert visible_files(out) == ["asylum.beads", "asylum.tmx", "corpus.tmx", "energy.beads", "energy.tmx"]
    assert run.stderr.splitlines()[-1] == f"align: no partner for {src / 'en' / 'orphan.txt'}"
    for name in ("asylum", "energy"):
        gold = read_beads(CORPUS_PAIRS[name][2])
        assert score_alignments([(gold, read_beads(out / f"{name}.beads"))]).strict_f1 >= 0.93


def test_batch_with_failing_pair_goes_on(warm_cache, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(ENERGY_EN, src / "energy.en.txt")
    shutil.copy(ENERGY_DE, src / "energy.de.txt")
    (src / "bad.en.txt").write_bytes(b"")
    (src / "bad.de.txt").write_text("Ein Satz.\n", encoding="utf-8")
    out = tmp_path / "out"
    run = run_align("batch", src, "-o", out, "--formats", "beads,csv", "--cache-dir", warm_cache)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.splitlines()[-2:] == [f"align: failed pair bad: {src / 'bad.en.txt'}: document is empty",
                                            f"  failures listed in {out / 'failures.csv'}"]
    assert visible_files(out) == ["corpus.csv", "energy.beads", "energy.csv", "failures.csv"]
    assert run.stdout.splitlines()[-1].startswith("1 pairs aligned (1 now, 0 already done), 1 failed, 0 files unpaired; ")


# ---------------------------------------------------------------- align segment


def test_segment_prints_one_sentence_per_line():
    run = run_align("segment", ENERGY_DE, "--lang", "de")
    assert run.returncode == 0, run.stderr
    expected = [s.text for s in SrxSegmenter().segment(read_document(ENERGY_DE, "de"))]
    assert run.stdout.splitlines() == expected
    assert len(expected) == 81


def test_segment_german_abbreviations(tmp_path):
    path = tmp_path / "text.txt"
    path.write_text("Das gilt z. B. für Dr. Müller. Er kam am 3. Mai 2024 an.\n\nNeuer Absatz ohne Punkt\n",
                    encoding="utf-8")
    run = run_align("segment", path, "--lang", "de")
    assert run.returncode == 0, run.stderr
    assert run.stdout == "Das gilt z. B. für Dr. Müller.\nEr kam am 3. Mai 2024 an.\nNeuer Absatz ohne Punkt\n"


def test_segment_presegmented(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("One. Two.\nThree.\n\nFour.\n", encoding="utf-8")
    run = run_align("segment", path, "--presegmented")
    assert run.returncode == 0, run.stderr
    assert run.stdout == "One. Two.\nThree.\nFour.\n"


# ---------------------------------------------------------------- align eval


def test_eval_gold_against_itself():
    run = run_align("eval", ENERGY_GOLD, ENERGY_GOLD)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        f"{'':8}{'precision':>10}{'recall':>10}{'F1':>10}",
        f"{'strict':8}{1:10.4f}{1:10.4f}{1:10.4f}",
        f"{'lax':8}{1:10.4f}{1:10.4f}{1:10.4f}",
    ]


def test_eval_prints_strict_and_lax(tmp_path):
    gold = tmp_path / "gold.beads"
    test = tmp_path / "test.beads"
    gold.write_text("[0]:[0]\n[1, 2]:[1]\n[3]:[]\n[]:[2]\n[4]:[3, 4]\n", encoding="utf-8")
    test.write_text("[0]:[0]\n[1]:[1]\n[2]:[]\n[3]:[2]\n[4]:[3]\n[]:[4]\n", encoding="utf-8")
    run = run_align("eval", gold, test)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 3
    assert lines[1].split() == ["strict", "0.1667", "0.3333", "0.2222"]
    assert lines[2].split() == ["lax", "0.5000", "1.0000", "0.6667"]


def test_eval_several_documents_micro_average(tmp_path):
    one, two = tmp_path / "one.beads", tmp_path / "two.beads"
    one.write_text("[0]:[0]\n", encoding="utf-8")
    two.write_text("[0]:[0]\n[1]:[1]\n[2]:[2]\n", encoding="utf-8")
    merged = tmp_path / "merged.beads"
    merged.write_text("[0]:[0]\n[1, 2]:[1, 2]\n", encoding="utf-8")
    run = run_align("eval", one, one, two, merged)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[1].split() == ["strict", "0.6667", "0.5000", "0.5714"]


# ---------------------------------------------------------------- bad input

NO_ARTICLE_HTML = b"""<!DOCTYPE html><html><head><title>Home</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<div class="cookie-banner">We use cookies. <button>OK</button></div>
<footer>Copyright 2024 Example Institute</footer>
<script>var x = "Some script text.";</script>
</body></html>
"""


def check_error(run, out: Path | None, *parts: str) -> str:
    """Exit code 2, exactly one line on stderr naming each of `parts`, nothing on stdout,
    no traceback, and no file in the output folder."""
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    assert run.stderr.endswith("\n") and len(run.stderr.splitlines()) == 1, run.stderr
    line = run.stderr.rstrip("\n")
    assert line.startswith("align: error: "), line
    for part in parts:
        assert part in line, (part, line)
    assert run.stdout == ""
    if out is not None:
        assert files_in(out) == []
    return line


@pytest.fixture
def inputs(tmp_path):
    """A good English/German pair plus one bad file per kind, and an output folder path."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ENERGY_EN, folder / "good.en.txt")
    shutil.copy(ENERGY_DE, folder / "good.de.txt")
    (folder / "empty.de.txt").write_bytes(b"")
    (folder / "blank.de.txt").write_text(" \n\t\n\u00a0 \n", encoding="utf-8")
    (folder / "latin1.de.txt").write_bytes("Caf\u00e9 und Cr\u00e8me.\n".encode("latin-1"))
    (folder / "image.de.md").write_text("![Ein Diagramm](chart.png)\n\n<!-- nur ein Kommentar -->\n", encoding="utf-8")
    (folder / "nav.de.html").write_bytes(NO_ARTICLE_HTML)
    (folder / "notes.de.pdf").write_bytes(b"%PDF-1.4\n")
    return folder, tmp_path / "out"


def pair_args(folder: Path, tgt: str, out: Path, cache: Path, *extra: str) -> list:
    return ["pair", folder / "good.en.txt", folder / tgt, "-o", out, "--cache-dir", cache, *extra]


def test_missing_source_file(inputs, warm_cache):
    folder, out = inputs
    run = run_align("pair", folder / "missing.en.txt", folder / "good.de.txt", "-o", out, "--cache-dir", warm_cache)
    line = check_error(run, out, str(folder / "missing.en.txt"), "file not found")
    assert line == f"align: error: {folder / 'missing.en.txt'}: file not found"


def test_missing_target_file(inputs, warm_cache):
    folder, out = inputs
    run = run_align(*pair_args(folder, "missing.de.txt", out, warm_cache))
    check_error(run, out, str(folder / "missing.de.txt"), "file not found")


@pytest.mark.parametrize("name, problem", [
    ("empty.de.txt", "document is empty"),
    ("blank.de.txt", "document is empty"),
    ("latin1.de.txt", "not valid UTF-8 (undecodable byte at offset 3)"),
    ("image.de.md", "no text found in the document"),
    ("nav.de.html", "no article text found in the HTML page"),
    ("notes.de.pdf", "unsupported file type '.pdf'"),
])
def test_bad_target_document(inputs, warm_cache, name, problem):
    folder, out = inputs
    run = run_align(*pair_args(folder, name, out, warm_cache))
    line = check_error(run, out, str(folder / name), problem)
    assert line.startswith(f"align: error: {folder / name}: {problem}")


def test_folder_instead_of_file(inputs, warm_cache):
    folder, out = inputs
    run = run_align("pair", folder, folder / "good.de.txt", "-o", out, "--cache-dir", warm_cache)
    check_error(run, out, str(folder), "is a folder, not a file")


def test_unknown_language_code(inputs, warm_cache):
    folder, out = inputs
    run = run_align(*pair_args(folder, "good.de.txt", out, warm_cache, "--src-lang", "xx"))
    line = check_error(run, out, "unknown language code 'xx'")
    assert line == "align: error: unknown language code 'xx'"


def test_language_not_supported_by_encoder(inputs, warm_cache):
    folder, out = inputs
    run = run_align(*pair_args(folder, "good.de.txt", out, warm_cache, "--tgt-lang", "sw"))
    check_error(run, out, "encoder 'use' does not support language 'sw'", "--encoder st:MODEL")


def test_unwritable_output_folder(inputs, warm_cache, tmp_path):
    folder, _ = inputs
    blocker = tmp_path / "blocker"
    blocker.write_text("a regular file\n", encoding="utf-8")
    out = blocker / "out"
    run = run_align(*pair_args(folder, "good.de.txt", out, warm_cache))
    check_error(run, None, str(out), "cannot write output folder")
    assert blocker.read_text(encoding="utf-8") == "a regular file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "in"]


def test_output_path_is_a_file(inputs, warm_cache, tmp_path):
    folder, _ = inputs
    out = tmp_path / "taken"
    out.write_text("keep me\n", encoding="utf-8")
    run = run_align(*pair_args(folder, "good.de.txt", out, warm_cache))
    assert out.read_text(encoding="utf-8") == "keep me\n"
    check_error(run, None, str(out), "output folder is a file; give a folder")


@pytest.mark.parametrize("formats, shown", [("tmx,xml", "'xml'"), ("beads,TMX,docx", "'docx'"), (",", "'(none)'")])
def test_unknown_format(inputs, warm_cache, formats, shown):
    folder, out = inputs
    run = run_align(*pair_args(folder, "good.de.txt", out, warm_cache, "--formats", formats))
    check_error(run, out, f"unknown output format {shown}", "beads, tmx, csv, jsonl")
    assert not out.exists()  # rejected before anything was created


@pytest.mark.parametrize("langs, problem", [
    ("en-US", "--tmx-langs needs two codes"),
    ("fr-FR,de-DE", "does not match the document language 'en'"),
    ("en-US,zz-ZZ", "unknown language code 'zz-ZZ'"),
])
def test_bad_tmx_langs(inputs, warm_cache, langs, problem):
    folder, out = inputs
    run = run_align(*pair_args(folder, "good.de.txt", out, warm_cache, "--tmx-langs", langs))
    check_error(run, out, problem)


def test_unknown_encoder(inputs, warm_cache):
    folder, out = inputs
    run = run_align(*pair_args(folder, "good.de.txt", out, warm_cache, "--encoder", "labse"))
    check_error(run, out, "unknown encoder 'labse'")


def test_bad_srx_file(inputs, warm_cache, tmp_path):
    folder, out = inputs
    rules = tmp_path / "rules.srx"
    rules.write_text("<srx><unclosed", encoding="utf-8")
    run = run_align(*pair_args(folder, "good.de.txt", out, warm_cache, "--srx", rules))
    check_error(run, out, str(rules), "not a valid SRX rules file")


def test_malformed_bead_file(tmp_path):
    bad = tmp_path / "bad.beads"
    bad.write_text("[0]:[0]\n[1]-[1]\n", encoding="utf-8")
    run = run_align("eval", ENERGY_GOLD, bad)
    line = check_error(run, None, str(bad), "line 2", "malformed bead")
    assert line == f"align: error: {bad}: line 2: malformed bead '[1]-[1]'"


def test_eval_missing_bead_file(tmp_path):
    run = run_align("eval", ENERGY_GOLD, tmp_path / "nothing.beads")
    check_error(run, None, str(tmp_path / "nothing.beads"), "cannot read beads file")


def test_eval_odd_number_of_files():
    run = run_align("eval", ENERGY_GOLD)
    check_error(run, None, "eval takes pairs of files")


def test_segment_bad_inputs(inputs):
    folder, _ = inputs
    check_error(run_align("segment", folder / "missing.txt"), None, str(folder / "missing.txt"), "file not found")
    check_error(run_align("segment", folder / "latin1.de.txt", "--lang", "de"), None, "not valid UTF-8")
    check_error(run_align("segment", folder / "good.en.txt", "--lang", "xx"), None, "unknown language code 'xx'")


def test_batch_bad_inputs(inputs, warm_cache, tmp_path):
    folder, out = inputs
    check_error(run_align("batch", tmp_path / "missing", "-o", out, "--cache-dir", warm_cache), out,
                str(tmp_path / "missing"), "folder not found")
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    (lonely / "a.en.txt").write_text("Hello.\n", encoding="utf-8")
    check_error(run_align("batch", lonely, "-o", out, "--cache-dir", warm_cache), out,
                str(lonely), "no document pairs found")
    check_error(run_align("batch", folder, "-o", out, "--formats", "pdf", "--cache-dir", warm_cache), out,
                "unknown output format 'pdf'")


def test_missing_srx_file(inputs, warm_cache, tmp_path):
    folder, out = inputs
    run = run_align(*pair_args(folder, "good.de.txt", out, warm_cache, "--srx", tmp_path / "missing.srx"))
    check_error(run, out, str(tmp_path / "missing.srx"), "SRX rules file not found")


# ---------------------------------------------------------------- misc


def test_version_and_help():
    run = run_align("--version")
    assert run.returncode == 0 and run.stdout.strip() == "align, version 0.1.0"
    run = run_align("--help")
    assert run.returncode == 0
    for command in ("pair", "batch", "segment", "eval"):
        assert command in run.stdout


def test_entry_point_on_path():
    """The installed `align` script runs the same program."""
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "align"
    if not exe.exists():
        pytest.skip("align script not installed beside the interpreter")
    proc = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "align, version 0.1.0"
