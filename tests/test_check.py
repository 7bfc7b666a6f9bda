"""The discrepancy findings on real article pairs: what is planted in corpora/ is found,
formatting differences are not findings, and the findings files and `align check` work."""

from __future__ import annotations

import csv
import math
import json
from dataclasses import replace

import pytest

from align.model import Finding
from align.check import FINDING_FIELDS, check_alignment, check_corpus, write_findings_csv, write_findings_jsonl
from conftest import CORPORA, SHARED, files_in, run_align


@pytest.fixture(scope="module")
def corpus_findings(corpus_alignments, encoder):
    return {name: check_alignment(a, encoder) for name, a in corpus_alignments.items()}


def at(findings, check, src=None, tgt=None):
    """Findings of a check that cover the given source / target sentence ids."""
    return [f for f in findings if f.check == check and (src is None or src in f.src_ids)
            and (tgt is None or tgt in f.tgt_ids)]


def test_planted_differences_in_corpora_are_found(corpus_findings):
    energy, asylum, baltic = (corpus_findings[n] for n in ("energy", "asylum", "baltic"))
    # energy: EN 11 has no German counterpart; EN 6 is page furniture; DE 25 a translator's note
    assert [f.severity for f in at(energy, "omission-sentence", src=11)] == ["error"]
    assert [f.category for f in at(energy, "boilerplate", src=6)] == ["other"]
    assert at(energy, "translator-note", tgt=25)
    # asylum: the German-only paragraph DE 58-61 is one finding, not four
    [paragraph] = at(asylum, "addition-paragraph")
    assert paragraph.tgt_ids == (58, 59, 60, 61) and paragraph.severity == "error"
    assert at(asylum, "translator-note", tgt=24)
    # baltic: the English-only paragraph EN 22-24
    [paragraph] = at(baltic, "omission-paragraph")
    assert paragraph.src_ids == (22, 23, 24)


def test_locale_formatting_is_never_an_error(corpus_findings):
    # The German sides write 1,5 Mrd., 26. August 2022, 1.000 Euro, drei Prozent ...
    for name, findings in corpus_findings.items():
        assert [f.message for f in findings if f.category == "numbers" and f.severity == "error"] == [], name


def test_error_findings_on_corpora_are_real(corpus_findings):
    # Every error on the unmodified corpus is a planted difference (see corpora/README.md).
    errors = sorted((f.document, f.check, f.src_ids, f.tgt_ids)
                    for fs in corpus_findings.values() for f in fs if f.severity == "error")
    assert errors == [("asylum", "addition-paragraph", (), (58, 59, 60, 61)),
                      ("asylum", "omission-sentence", (16,), ()),
                      ("baltic", "omission-paragraph", (22, 23, 24), ()),
                      ("baltic", "omission-sentence", (8,), ()),
                      ("energy", "omission-sentence", (11,), ())]


def test_changed_number_is_an_error(corpus_alignments, encoder):
    energy = corpus_alignments["energy"]
    k, bead = next((k, b) for k, b in enumerate(energy.beads)
                   if b.shape == "1:1" and "1.000 Euro" in energy.tgt_text(b))
    j = bead.tgt[0]
    changed = replace(energy, tgt=list(energy.tgt), embeddings=None)
    changed.tgt[j] = replace(energy.tgt[j], text=energy.tgt[j].text.replace("1.000 Euro", "1.600 Euro"))
    findings = [f for f in check_alignment(changed, encoder) if f.bead == k and f.category == "numbers"]
    assert [f.severity for f in findings] == ["error"]
    assert any(s.side == "tgt" and "1.600" in s.text for s in findings[0].evidence)


def test_findings_files_have_stable_fields(corpus_findings, tmp_path):
    findings = corpus_findings["energy"]
    write_findings_csv(findings, tmp_path / "f.csv")
    write_findings_jsonl(findings, tmp_path / "f.jsonl")
    with open(tmp_path / "f.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == FINDING_FIELDS
    assert len(rows) == len(findings)
    records = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [tuple(r) for r in records] == [FINDING_FIELDS] * len(findings)
    for record in records:
        assert record["severity"] in {"error", "warning", "info"}
        for span in record["evidence"]:
            text = record["src_text"] if span["side"] == "src" else record["tgt_text"]
            assert text[span["start"]:span["end"]] == span["text"]


def test_inconsistent_translations_across_a_batch(corpus_alignments):
    energy = corpus_alignments["energy"]
    k, bead = next((k, b) for k, b in enumerate(energy.beads) if b.shape == "1:1" and len(energy.src_text(b).split()) > 6)
    other = replace(energy, name="energy-copy", tgt=list(energy.tgt), embeddings=None)
    j = bead.tgt[0]
    other.tgt[j] = replace(energy.tgt[j], text="Eine ganz andere Übersetzung dieses Satzes steht hier.")
    findings = check_corpus([energy, other])
    assert {(f.document, f.bead) for f in findings} == {("energy", k), ("energy-copy", k)}
    assert {f.category for f in findings} == {"inconsistency"}
    assert check_corpus([energy]) == []


def test_align_check_on_own_tmx_and_samples(tmp_path, cache_dir):
    out = tmp_path / "aligned"
    run = run_align("pair", CORPORA / "energy.en.txt", CORPORA / "energy.de.txt", "-o", out,
                    "--formats", "tmx", "--cache-dir", cache_dir)
    assert run.returncode == 0, run.stderr
    report = tmp_path / "report"
    run = run_align("check", out / "energy.tmx", "-o", report, "--cache-dir", cache_dir)
    assert run.returncode == 0, run.stderr
    assert files_in(report) == ["energy.findings.csv", "energy.findings.jsonl", "energy.report.html"]
    assert run.stdout.startswith("energy: ")
    findings = [json.loads(line) for line in (report / "energy.findings.jsonl").read_text(encoding="utf-8").splitlines()]
    # the TMX holds pairs only: the omitted sentence is gone, but the pairs' checks still run
    assert all(f["document"] == "energy" for f in findings)
    samples = SHARED / "data" / "tmx" / "samples"
    if samples.exists():
        run = run_align("check", samples / "omegat_compkit_ImportTest2A.utf16.tmx", "-o", tmp_path / "s",
                        "--cache-dir", cache_dir)
        assert run.returncode == 0, run.stderr
        assert [p.name for p in (tmp_path / "s").iterdir() if p.name.endswith(".report.html")]


def test_align_check_bad_input(tmp_path, cache_dir):
    bad = tmp_path / "broken.tmx"
    bad.write_text("<tmx><body><tu>", encoding="utf-8")
    run = run_align("check", bad, "-o", tmp_path / "out", "--cache-dir", cache_dir)
    assert run.returncode == 2
    assert len(run.stderr.splitlines()) == 1 and str(bad) in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists() or files_in(tmp_path / "out") == []


def test_align_check_on_csv_groups_a_passage(tmp_path, cache_dir):
    # A CSV has no paragraph marks: the German-only paragraph of asylum is one passage finding.
    out = tmp_path / "aligned"
    run = run_align("pair", CORPORA / "asylum.en.md", CORPORA / "asylum.de.md", "-o", out,
                    "--formats", "csv", "--cache-dir", cache_dir)
    assert run.returncode == 0, run.stderr
    run = run_align("check", out / "asylum.csv", "-o", tmp_path / "report", "--cache-dir", cache_dir)
    assert run.returncode == 0, run.stderr
    findings = [json.loads(line) for line in
                (tmp_path / "report" / "asylum.findings.jsonl").read_text(encoding="utf-8").splitlines()]
    added = [f for f in findings if f["category"] == "addition" and f["severity"] == "error"]
    assert [(f["check"], f["tgt_ids"]) for f in added] == [("addition-passage", [58, 59, 60, 61])]


def test_sureness_ranks_what_the_benchmark_found_right_first(tmp_path):
    """Each kind of finding carries the share of its kind that was right on the planted
    benchmark (checks/sureness.tsv); the findings files list the surest first."""
    from align.check import SURENESS_PATH, ranked, sureness

    assert SURENESS_PATH.exists()
    def make(check: str, severity: str, bead: int) -> Finding:
        return Finding("doc", bead, (bead,), (bead,), "s", "t", "omission", check, severity, check)

    weak, added, unknown = make("question-statement", "warning", 0), make("addition-sentence", "error", 1), \
        make("no-such-check", "info", 2)
    assert 0.9 < sureness(added) <= 1 and 0 < sureness(weak) < 0.5 and sureness(unknown) < sureness(weak)
    assert ranked([weak, unknown, added]) == [added, weak, unknown]
    path = tmp_path / "f.csv"
    write_findings_csv([weak, unknown, added], path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [r["check"] for r in rows] == ["addition-sentence", "question-statement", "no-such-check"]
    assert [float(r["sureness"]) for r in rows] == sorted((float(r["sureness"]) for r in rows), reverse=True)
    jsonl = tmp_path / "f.jsonl"
    write_findings_jsonl([weak, unknown, added], jsonl)
    assert [json.loads(line)["check"] for line in jsonl.read_text(encoding="utf-8").splitlines()] == \
        ["addition-sentence", "question-statement", "no-such-check"]


def test_severity_follows_sureness():
    """A finding keeps the severity its check proposed only when its sureness allows it: an
    error needs ERROR_SURENESS, a warning WARNING_SURENESS, below that it is an info note; it
    never rises above what the check proposed. A kind with a model weighs the finding's own
    signals (a logistic model), so two findings of one kind can differ."""
    from align.check import ERROR_SURENESS, SIGNALS, WARNING_SURENESS, SurenessModel, assess

    def make(check: str, severity: str, signals: tuple[float, ...] = ()) -> Finding:
        return Finding("doc", 0, (0,), (0,), "s", "t", "omission", check, severity, check, signals=signals)

    models = {("sure", "error"): SurenessModel(ERROR_SURENESS + 0.05),
              ("middling", "error"): SurenessModel(ERROR_SURENESS - 0.05),
              ("middling", "warning"): SurenessModel(WARNING_SURENESS + 0.05),
              ("unsure", "warning"): SurenessModel(WARNING_SURENESS - 0.05),
              ("sure", "info"): SurenessModel(0.99),
              # sureness rises with the first signal (the bead's confidence)
              ("graded", "warning"): SurenessModel(0.3, (-5.0, 10.0) + (0.0,) * (len(SIGNALS) - 1))}
    findings = [make("sure", "error"), make("middling", "error"), make("middling", "warning"),
                make("unsure", "warning"), make("sure", "info"), make("no-model", "warning"),
                make("graded", "warning", (0.9,) + (0.0,) * (len(SIGNALS) - 1)),
                make("graded", "warning", (0.1,) + (0.0,) * (len(SIGNALS) - 1))]
    assessed = assess(findings, models)
    assert [f.severity for f in assessed] == ["error", "warning", "warning", "info", "info", "info", "warning", "info"]
    assert [f.sureness for f in assessed[:5]] == [round(models[f.check, f.severity].share, 3) for f in findings[:5]]
    assert assessed[6].sureness == pytest.approx(1 / (1 + 2.718281828 ** -4), abs=1e-3)
    # a finding read back from its record keeps its sureness
    from align.check import finding_from_record, finding_record, sureness
    assert sureness(finding_from_record(finding_record(assessed[6]))) == assessed[6].sureness


def test_a_dropped_clause_outranks_the_documents_own_false_alarms(corpus_alignments, encoder):
    """On a real document: a clause cut from a sentence is found (of any severity) and ranked
    above every finding the unmodified document already has that is not an error."""
    from align.check import ranked

    energy = corpus_alignments["energy"]
    before = {(f.check, f.src_text, f.tgt_text) for f in check_alignment(energy, encoder)}
    # the first 1:1 pair whose German sentence goes on for eight words after a comma
    k, bead = next((k, b) for k, b in enumerate(energy.beads) if b.shape == "1:1" and b.score > 0.9
                   and energy.tgt_text(b).endswith(".") and len(energy.tgt_text(b).partition(", ")[2].split()) >= 8)
    j = bead.tgt[0]
    text = energy.tgt[j].text
    cut = text[:text.index(", ")] + "."
    changed = replace(energy, tgt=list(energy.tgt), embeddings=None)
    changed.tgt[j] = replace(energy.tgt[j], text=cut)
    findings = ranked(check_alignment(changed, encoder))
    new = [f for f in findings if (f.check, f.src_text, f.tgt_text) not in before]
    assert any(f.bead == k and f.category == "omission" for f in new)
    old = [f for f in findings if (f.check, f.src_text, f.tgt_text) in before and f.severity != "error"]
    first = next(f for f in findings if f.bead == k and f.category == "omission")
    assert all(first.sureness >= f.sureness for f in old)
    # one finding per pair: the weak similarity of the shortened pair is folded into it
    beads = [f.bead for f in findings if f.bead >= 0]
    assert len(beads) == len(set(beads))
    assert first.also == ("weak-pair",) and "; also weak-pair: the two sides seem" in first.message
    raw = [f for f in check_alignment(changed, encoder, assessed=False) if f.bead == k]
    assert sorted(f.check for f in raw) == ["partial-omission", "weak-pair"]
    assert set(first.evidence) == {s for f in raw for s in f.evidence}


def test_how_often_a_check_fires_in_the_document_is_a_signal(corpus_alignments, encoder):
    """Each finding carries how often its check fires on the document's other beads (a bead
    with three names missing counts once; info notes not at all), and the shipped models read
    a check that fires all over a document as the translator's style: the same partial
    omission is less sure in a document where that check fires on every other pair."""
    from align.check import SIGNALS, SurenessModel, sureness_models

    energy = corpus_alignments["energy"]
    raw = check_alignment(energy, encoder, assessed=False)
    at = SIGNALS.index("log_rate")
    for f in raw:
        others = {g.bead for g in raw if g.check == f.check and g.severity != "info"} - {f.bead}
        assert math.exp(f.signals[at]) * (len(energy.beads) + 1) == pytest.approx(len(others) + 0.5)
    model: SurenessModel = sureness_models()["partial-omission", "warning"]
    signals = list(next(f.signals for f in raw if f.check == "partial-omission"))
    alone = model(signals)
    signals[at] = math.log(0.5)
    assert model(signals) < alone


SHIFT_SRC = ["Hello, this is Nick from the repair workshop.",
             "Today we do a final walkthrough of the cabin.",
             "We are pretty much getting to the end of the job.",
             "This is the first room you walked into, and we finished the ceiling and the walls.",
             "Next we go to the kitchen, where the new cupboards are.",
             "The cupboards are made of oak and were built by hand.",
             "Finally we look at the bathroom on the upper floor.",
             "Thanks for watching and see you next time."]
SHIFT_TGT = ["Hallo, hier ist Nick aus der Reparaturwerkstatt.",
             "Heute machen wir einen letzten Rundgang durch die Hütte.",
             "Das ist das erste Zimmer, in das du gegangen bist.",
             "Wir haben die Decke und die Wände fertiggestellt.",
             "Als Nächstes gehen wir in die Küche, wo die neuen Schränke stehen.",
             "Die Schränke sind aus Eiche und wurden von Hand gebaut.",
             "Zum Schluss sehen wir uns das Badezimmer im Obergeschoss an.",
             "Danke fürs Zuschauen und bis zum nächsten Mal."]


def test_a_pair_shifted_by_a_missing_sentence_is_an_omission(encoder):
    """The translation of source sentence 2 is missing, and the alignment closed the gap by
    pairing it with the first half of sentence 3's translation: the pair is reported as an
    omission of its source (the target renders the next source sentence), not only as a weak
    pair. With the missing sentence translated, nothing is shifted."""
    from align.model import Alignment, Bead, Sentence

    def doc(tgt: list[str]) -> Alignment:
        beads = [Bead((i,), (i,), 0.9) for i in range(len(SHIFT_SRC))]
        return Alignment("doc", "en", "de", [Sentence(i, t, 0) for i, t in enumerate(SHIFT_SRC)],
                         [Sentence(i, t, 0) for i, t in enumerate(tgt)], beads)

    shifted = [f for f in check_alignment(doc(SHIFT_TGT), encoder, assessed=False) if f.check == "shifted-pair"]
    assert [(f.bead, f.category) for f in shifted] == [(2, "omission")]
    assert [s.text for s in shifted[0].evidence] == [SHIFT_SRC[2]]
    assert "next source sentence" in shifted[0].message
    whole = SHIFT_TGT[:2] + ["Wir sind mit der Arbeit so gut wie fertig.",
                             "Das ist das erste Zimmer, in das du gegangen bist, und wir haben die Decke und die Wände "
                             "fertiggestellt."] + SHIFT_TGT[4:]
    assert [f for f in check_alignment(doc(whole), encoder, assessed=False) if f.check == "shifted-pair"] == []


def test_a_sureness_model_is_never_read_outside_what_it_was_fitted_on():
    """Each signal is held inside the range the model saw: a document far longer than any on
    the benchmark (a check's rate lower than all it saw) reads as the lowest rate it saw; the
    shipped models carry their ranges."""
    from align.check import SIGNALS, SurenessModel, sureness_models

    at = SIGNALS.index("log_rate")
    weights = [0.0] * (len(SIGNALS) + 1)
    weights[1 + at] = -1.0
    low, high = [-10.0] * len(SIGNALS), [10.0] * len(SIGNALS)
    low[at] = -3.0
    model = SurenessModel(0.5, tuple(weights), tuple(low), tuple(high))
    signals = [0.0] * len(SIGNALS)
    signals[at] = -3.0
    at_edge = model(signals)
    signals[at] = -8.0
    assert model(signals) == at_edge == pytest.approx(1 / (1 + math.exp(-3.0)))
    shipped = sureness_models()["partial-omission", "warning"]
    assert len(shipped.low) == len(shipped.high) == len(SIGNALS)
    assert all(lo <= hi for lo, hi in zip(shipped.low, shipped.high))
