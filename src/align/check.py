"""The check stage: findings (discrepancies) for an alignment, and their export.

Runs the pair checks (numbers, names, untranslated text, mechanics), the structural checks
(omissions, additions, partial omissions, weak pairs) and, over a batch, the corpus check
(inconsistent translations). Findings are written as CSV / JSON Lines with stable fields, plus
a per-pair summary.
"""

from __future__ import annotations

import csv
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, partial
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .atomic import atomic_writer
from .checks.names import check_names
from .checks.numbers import NO_COUNTERPART, check_numbers
from .checks.structure import (
    PairStats,
    Thresholds,
    left_out_parts,
    pair_issues,
    pair_stats,
    shifted_pairs,
    unmatched_issues,
)
from .checks.text import check_mechanics, check_untranslated
from .embed import Encoder, encode_texts
from .model import Alignment, Finding, Issue, Severity, Side, Span
from .textkinds import is_boilerplate

PairCheck = Callable[[str, str, str, str], list[Issue]]
PAIR_CHECKS: tuple[PairCheck, ...] = (check_numbers, check_names, check_untranslated, check_mechanics)
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

FINDING_FIELDS = ("document", "bead", "severity", "category", "check", "message", "src_ids", "tgt_ids",
                  "src_text", "tgt_text", "evidence", "score", "sureness", "also")

# ---- sureness: how likely a finding points at a real problem --------------------------------
# checks/sureness.tsv holds, per (check, severity), a logistic model of whether a finding of
# that kind fell on the planted change in bench/discrepancies.py's modified documents (one
# change each), over the finding's SIGNALS; written by that bench. Kinds with few findings get
# only their share, smoothed toward their severity's mean with the weight of SURENESS_PRIOR.
SURENESS_PATH = Path(__file__).parent / "checks" / "sureness.tsv"
SURENESS_PRIOR = 20.0
# Kinds the benchmark never produced: by severity.
DEFAULT_SURENESS = {"error": 0.9, "warning": 0.3, "info": 0.05}
# What a finding's sureness is estimated from: the bead's confidence, its similarity and
# length ratio as robust z-scores within the document, the words on each side, the check's own
# strength of evidence, and how often the check fires in this document (a check that fires on
# every tenth pair is reading the translator's style, not a slip: free translations give many
# partial omissions, a script without capitals many names without counterpart).
SIGNALS = ("confidence", "similarity_z", "length_z", "log_src_words", "log_tgt_words", "strength", "log_rate")
# A warning must be more likely right than wrong on the benchmark; below, it is an info note.
WARNING_SURENESS = 0.5
# An error below this is a warning. (Sureness counts as wrong every finding away from the
# planted change, the ones the unmodified reference translations get too, some of which are
# real: at 0.8, the errors kept are right >= 95 % of the time once those are set aside, the
# benchmark's error precision.)
ERROR_SURENESS = 0.8


@dataclass(frozen=True)
class SurenessModel:
    share: float  # smoothed share of the kind's findings that were right
    weights: tuple[float, ...] = ()  # intercept, then one weight per SIGNAL; () = share only
    # The range of each signal among the findings the model was fitted on: a finding's signals
    # are held inside it, so that a model is never read where it has seen nothing (a document
    # far longer than any on the benchmark, where a check's rate falls below all it saw).
    low: tuple[float, ...] = ()
    high: tuple[float, ...] = ()

    def __call__(self, signals: Sequence[float]) -> float:
        if not self.weights or len(signals) != len(SIGNALS):
            return self.share
        if len(self.low) == len(signals) == len(self.high):
            signals = [min(max(x, lo), hi) for x, lo, hi in zip(signals, self.low, self.high)]
        z = self.weights[0] + sum(w * x for w, x in zip(self.weights[1:], signals))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


SurenessModels = dict[tuple[str, str], SurenessModel]


@cache
def sureness_models() -> SurenessModels:
    """The models in checks/sureness.tsv, by (check, severity)."""
    table: SurenessModels = {}
    if SURENESS_PATH.exists():
        for line in SURENESS_PATH.read_text(encoding="utf-8").splitlines()[2:]:
            check, severity, _, _, share, *numbers = line.split("\t")
            weights, low, high = (tuple(float(v) for v in column.split(",") if v) for column in (numbers + ["", ""])[:3])
            table[check, severity] = SurenessModel(float(share), weights, low, high)
    return table


def sureness(finding: Finding) -> float:
    """How sure the check is that this finding points at a real problem, in [0, 1]: the one
    `assess` gave it, else the share of its kind (check and severity) right on the benchmark."""
    if finding.sureness is not None:
        return finding.sureness
    return _model_of(finding, sureness_models()).share


def _model_of(finding: Finding, models: SurenessModels) -> SurenessModel:
    """The model of the finding's kind; a kind the benchmark never produced: by severity."""
    return models.get((finding.check, finding.severity)) or SurenessModel(DEFAULT_SURENESS.get(finding.severity, 0.05))


def assess(findings: Iterable[Finding], models: SurenessModels | None = None) -> list[Finding]:
    """Each finding with its sureness (from its kind's model and its signals) and the severity
    that sureness allows, never above the one its check proposed: an error needs
    ERROR_SURENESS, a warning WARNING_SURENESS, else it is an info note. `findings` are as the
    checks give them."""
    models = sureness_models() if models is None else models
    out = []
    for f in findings:
        value = _model_of(f, models)(f.signals)
        allowed = 0 if value >= ERROR_SURENESS else 1 if value >= WARNING_SURENESS else 2
        severity = SEVERITIES[max(SEVERITIES.index(f.severity), allowed)]
        out.append(replace(f, sureness=round(value, 3), severity=severity))
    return out


def fold(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per bead: of a bead's findings the most severe leads (the surest of those),
    and the others are folded into it: their messages after its own, their evidence among
    its, their checks in `also`. Findings tied to no bead stay as they are."""
    groups: dict[object, list[Finding]] = {}
    for n, f in enumerate(findings):
        groups.setdefault(f.bead if f.bead >= 0 else ("unbound", n), []).append(f)
    return [_folded(group) for group in groups.values()]


def _folded(group: list[Finding]) -> Finding:
    lead = min(group, key=lambda f: (SEVERITIES.index(f.severity), -sureness(f)))
    others = [f for f in group if f is not lead]
    if not others:
        return lead
    return replace(lead, message=lead.message + "".join(f"; also {f.check}: {f.message}" for f in others),
                   evidence=lead.evidence + tuple(s for f in others for s in f.evidence),
                   also=lead.also + tuple(f.check for f in others))


def as_reported(findings: Iterable[Finding], models: SurenessModels | None = None) -> list[Finding]:
    """The checks' findings (`check_alignment(..., assessed=False)`) as the report gives them:
    weighed (`assess`), then one per bead (`fold`)."""
    return fold(assess(findings, models))


def ranked(findings: Iterable[Finding]) -> list[Finding]:
    """Findings most likely right first (by `sureness`); ties keep their order."""
    return sorted(findings, key=lambda f: -sureness(f))


def _signals(stats: PairStats, finding: Finding, rate: float) -> tuple[float, ...]:
    k = finding.bead
    paired = k in stats.cos
    return (finding.score if finding.score is not None else 0.0,
            stats.cos_z(k) if paired else 0.0, stats.ratio_z(k) if paired else 0.0,
            math.log1p(_word_count(finding.src_text)), math.log1p(_word_count(finding.tgt_text)),
            finding.strength, math.log(rate))


# Han and kana are written without spaces between words: counted at a word per 1.5 characters
# (the mean length of a Chinese word), so that a sentence's words mean the same in any script.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _word_count(text: str) -> float:
    unspaced = len(_UNSPACED.findall(text))
    return len(_WORDS.findall(_UNSPACED.sub(" ", text))) + unspaced / 1.5


def _rates(alignment: Alignment, findings: Sequence[Finding]) -> Callable[[Finding], float]:
    """How often the finding's check fires elsewhere in the document: the share of the other
    beads it flags (info notes not counted), smoothed by half a bead."""
    flagged: dict[str, set[int]] = defaultdict(set)
    for f in findings:
        if f.severity != "info":
            flagged[f.check].add(f.bead)
    beads = len(alignment.beads)

    def rate(f: Finding) -> float:
        return (len(flagged[f.check] - {f.bead}) + 0.5) / (beads + 1)
    return rate


def _finding(alignment: Alignment, k: int, issue: Issue) -> Finding:
    bead = alignment.beads[k]
    return Finding(alignment.name, k, bead.src, bead.tgt, alignment.src_text(bead), alignment.tgt_text(bead),
                   issue.category, issue.check, issue.severity, issue.message, issue.evidence, bead.score,
                   issue.strength)


def _embeddings(alignment: Alignment, encoder: Encoder | None) -> tuple[np.ndarray, np.ndarray]:
    if alignment.embeddings is not None:
        return alignment.embeddings
    if encoder is None:
        raise ValueError("check_alignment needs an encoder when the alignment carries no embeddings")
    vectors = encode_texts(encoder, [s.text for s in alignment.src] + [t.text for t in alignment.tgt])
    return vectors[: len(alignment.src)], vectors[len(alignment.src):]


def check_alignment(alignment: Alignment, encoder: Encoder | None = None,
                    limits: Thresholds = Thresholds(), models: SurenessModels | None = None,
                    assessed: bool = True) -> list[Finding]:
    """All pair-level findings of one aligned document, in document order, each with its
    sureness (`assess`), one per bead (`fold`). `assessed=False` leaves them as the checks
    proposed them: severities unweighed, no sureness, not folded (for the benchmark that fits
    the sureness models).

    With an encoder, parts of merged or short-for-the-document pairs are also tested for being
    left out or added (a little extra encoding); without one, that test is skipped.
    """
    src_emb, tgt_emb = _embeddings(alignment, encoder)
    stats = pair_stats(alignment, src_emb, tgt_emb)
    part_issues = (left_out_parts(alignment, stats, (src_emb, tgt_emb), partial(encode_texts, encoder), limits=limits)
                   if encoder is not None else {})
    shifted = shifted_pairs(alignment, stats, src_emb, tgt_emb, limits)
    per_bead: dict[int, list[Finding]] = defaultdict(list)
    for group, issue in unmatched_issues(alignment, limits):
        per_bead[group[0]].append(_finding(alignment, group[0], issue) if len(group) == 1 else
                                  _group_finding(alignment, group, issue))
    for k, bead in enumerate(alignment.beads):
        if not bead.is_pair:
            continue
        src, tgt = alignment.src_text(bead), alignment.tgt_text(bead)
        issues = [i for check in PAIR_CHECKS for i in check(src, tgt, alignment.src_lang, alignment.tgt_lang)]
        lost = any(i.severity != "info" and any(s.side == "src" for s in i.evidence)
                   and i.check in ("number-mismatch", "name-mismatch") for i in issues)
        issues += pair_issues(alignment, k, stats, src_emb, tgt_emb, lost, limits)
        # The re-encoding test names the part that is left out; it replaces the cheaper
        # guesses of the same kind (the length z-score, the member similarity): one finding.
        for issue in part_issues.get(k, []):
            issues = [i for i in issues if i.check != issue.check] + [issue]
        issues += shifted.get(k, [])
        per_bead[k].extend(_finding(alignment, k, i) for i in issues)
    findings = [f for k in sorted(per_bead) for f in per_bead[k]]
    for settle in DOCUMENT_SETTLERS:
        findings = settle(alignment, findings)
    rate = _rates(alignment, findings)
    findings = [replace(f, signals=_signals(stats, f, rate(f))) for f in findings]
    return as_reported(findings, models) if assessed else findings


def _settle_misspellings(alignment: Alignment, findings: list[Finding]) -> list[Finding]:
    """A name spelt differently is an error when the target spells it as the source does
    elsewhere in the document (a slip); when it never does, the translator may have chosen
    that spelling (or corrected a typo of the source): a warning; and when the target spells it
    that other way in several pairs, it is likely the translator's rendering (Pangloss,
    Panglós): one warning, at its first place, for the whole document."""
    target_text = " ".join(t.text for t in alignment.tgt)

    def side_text(f: Finding, side: str) -> str:
        return next((s.text for s in f.evidence if s.side == side), "")

    def forms(f: Finding) -> tuple[str, str]:
        return side_text(f, "src"), side_text(f, "tgt")

    renderings = Counter(forms(f) for f in findings if f.check == "name-misspelling")
    reported: set[tuple[str, str]] = set()
    settled = []
    for f in findings:
        if f.check == "name-misspelling":
            source_form, target_form = forms(f)
            elsewhere = bool(source_form) and re.search(rf"(?<!\w){re.escape(source_form)}", target_text)
            times = renderings[source_form, target_form]
            if not elsewhere and times >= 2:
                if (source_form, target_form) in reported:
                    continue
                reported.add((source_form, target_form))
                f = replace(f, message=f"{f.message}; spelt so in all {times} pairs where it stands "
                                       f"(the translator's rendering?)")
            f = replace(f, severity="error" if elsewhere else "warning")
        settled.append(f)
    return settled


def _side_texts(alignment: Alignment, side: Side) -> list[str]:
    """Each bead's text on one side ('' where the bead has none)."""
    return [alignment.side_text(b, side) for b in alignment.beads]


def _settle_quotations(alignment: Alignment, findings: list[Finding], reach: int = 4) -> list[Finding]:
    """A quotation that runs over several sentences leaves each of them unbalanced (dialogue in
    a novel, a long quoted statement). An unbalanced mark that balances together with the
    neighbouring beads of its side (up to `reach` either way) is such a quotation, not a slip;
    so is one opened at the start of a sentence when one of the next `reach` beads of that
    side opens with that mark again (a quotation over several paragraphs reopens each one and
    closes only at its end)."""
    from .checks.text import OPENING_QUOTES, _unbalanced

    texts = {side: _side_texts(alignment, side) for side in ("src", "tgt")}
    kept = []
    for f in findings:
        if f.check == "unbalanced-marks" and 0 <= f.bead < len(alignment.beads) and f.evidence:
            side = texts[f.evidence[0].side]
            k = f.bead
            windows = ((a, b) for a in range(max(0, k - reach), k + 1)
                       for b in range(k + 1, min(len(side), k + reach + 1) + 1) if b - a > 1)
            if any(_unbalanced(" ".join(side[a:b])) is None for a, b in windows):
                continue
            opening = side[k].lstrip()[:1]
            if (opening and opening in OPENING_QUOTES and _unbalanced(side[k].lstrip()[1:]) is None
                    and any(t.lstrip().startswith(opening) for t in side[k + 1:k + reach + 1])):
                continue
        kept.append(f)
    return kept


def _settle_rendered_names(alignment: Alignment, findings: list[Finding]) -> list[Finding]:
    """A name the other side lacks in (nearly) every pair where it stands, and in at least two,
    is rendered another way throughout (translated, as names in fiction often are: White
    Rabbit, Lapin Blanc), not dropped here and there: those findings are left out. A name
    missing in only some of its pairs keeps its findings."""
    missing: dict[tuple[Side, str], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.check == "name-mismatch" and f.evidence:
            missing[f.evidence[0].side, f.evidence[0].text].append(f)
    rendered = set()
    for side, name in missing:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        # pairs where the name is missing, alone or inside a longer name (White Rabbit)
        flagged = {f.bead for (s, other), fs in missing.items() if s == side and pattern.search(other) for f in fs}
        if len(flagged) < 2:
            continue
        standing = sum(1 for b in alignment.beads if b.is_pair and pattern.search(alignment.side_text(b, side)))
        if len(flagged) >= 0.8 * standing:
            rendered.add((side, name))
    return [f for f in findings
            if not (f.check == "name-mismatch" and f.evidence and (f.evidence[0].side, f.evidence[0].text) in rendered)]


def _group_finding(alignment: Alignment, group: list[int], issue: Issue) -> Finding:
    beads = [alignment.beads[k] for k in group]
    src_ids = tuple(i for b in beads for i in b.src)
    tgt_ids = tuple(j for b in beads for j in b.tgt)
    return Finding(alignment.name, group[0], src_ids, tgt_ids,
                   " ".join(alignment.src[i].text for i in src_ids), " ".join(alignment.tgt[j].text for j in tgt_ids),
                   issue.category, issue.check, issue.severity, issue.message, issue.evidence,
                   min(b.score for b in beads), issue.strength)


def _settle_known_names(alignment: Alignment, findings: list[Finding], prefix: int = 5) -> list[Finding]:
    """A name missing in one pair that the other side does name elsewhere in the document
    (the same name or a rendering of it: Cunegund / Cunegunda) is referred to another way there
    (she, the old man, il): an info note, not a warning. A name the other side never names
    stays a warning."""
    from .checks.names import _fold

    words = {side: {_fold(w)[:prefix] for text in _side_texts(alignment, side) for w in _NAME_WORDS.findall(text)}
             for side in ("src", "tgt")}
    settled = []
    for f in findings:
        if f.check == "name-mismatch" and f.severity == "warning" and f.evidence:
            span = f.evidence[0]
            other = "tgt" if span.side == "src" else "src"
            last = _NAME_WORDS.findall(span.text)
            if last and len(last[-1]) >= 3 and _fold(last[-1])[:prefix] in words[other]:
                there = "target" if other == "tgt" else "source"
                f = replace(f, severity="info", message=f"{f.message} (the {there} names it elsewhere: "
                                                        f"referred to another way here?)")
        settled.append(f)
    return settled


_NAME_WORDS = re.compile(r"[^\W\d_]{3,}")


def _settle_numbers_nearby(alignment: Alignment, findings: list[Finding]) -> list[Finding]:
    """A number with no counterpart in its pair that the neighbouring pair's other side does
    have stands on the wrong side of a bead boundary (the alignment is off there, or the
    translator moved it to the next sentence): an info note, not a changed number."""
    texts = {side: _side_texts(alignment, side) for side in ("src", "tgt")}
    settled = []
    for f in findings:
        if (f.check == "number-mismatch" and f.severity != "info" and len(f.evidence) == 1
                and 0 <= f.bead < len(alignment.beads) and NO_COUNTERPART in f.message):
            span, k = f.evidence[0], f.bead
            other = "tgt" if span.side == "src" else "src"
            for n in (k - 1, k + 1):
                if not 0 <= n < len(alignment.beads) or not texts[other][n]:
                    continue
                widened = {span.side: texts[span.side][k], other: f"{texts[other][k]} {texts[other][n]}".strip()}
                issues = check_numbers(widened["src"], widened["tgt"], alignment.src_lang, alignment.tgt_lang)
                if not any(s.side == span.side and s.start == span.start for i in issues for s in i.evidence):
                    f = replace(f, severity="info", message=f"{f.message}; the neighbouring pair has it "
                                                            "(the alignment may be off here)")
                    break
        settled.append(f)
    return settled


# Document-level settlements, in order: each takes the document's pair findings and returns
# them revised with what only the whole document shows.
DOCUMENT_SETTLERS: list[Callable[[Alignment, list[Finding]], list[Finding]]] = [
    _settle_misspellings, _settle_quotations, _settle_rendered_names, _settle_known_names, _settle_numbers_nearby]


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).strip(" .!?;:")


_WORDS = re.compile(r"\w+")


class CorpusCheck(Protocol):
    """A check over a whole batch. It sees the alignments one at a time (`observe`, so a batch
    never has to hold them all) and gives its findings at the end."""

    def observe(self, alignment: Alignment) -> None: ...

    def findings(self) -> list[Finding]: ...


class InconsistentTranslations:
    """One source sentence translated differently, or one translation used for different
    source sentences (1:1 pairs of at least `min_words`). Where one rendering is the most
    frequent, only the others are flagged (the odd ones out); where all are equally frequent,
    every place is."""

    def __init__(self, min_words: int = 3) -> None:
        self.min_words = min_words
        # normalised text -> normalised other side -> places (document, bead, finding stub)
        self.by_src: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
        self.by_tgt: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))

    def observe(self, alignment: Alignment) -> None:
        for k, bead in enumerate(alignment.beads):
            if len(bead.src) != 1 or len(bead.tgt) != 1:
                continue
            src, tgt = alignment.src_text(bead), alignment.tgt_text(bead)
            if len(_WORDS.findall(src)) < self.min_words or is_boilerplate(src):
                continue
            stub = _finding(alignment, k, Issue("inconsistency", "inconsistent-translation", "warning", ""))
            self.by_src[_normal(src)][_normal(tgt)].append(stub)
            self.by_tgt[_normal(tgt)][_normal(src)].append(stub)

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        for table, what in ((self.by_src, "source sentence translated"), (self.by_tgt, "translation used for")):
            for variants in table.values():
                if len(variants) < 2:
                    continue
                places = [place for uses in variants.values() for place in uses]
                where = ", ".join(f"{f.document}#{f.bead}" for f in places[:6])
                message = (f"the same {what} in {len(variants)} different ways ({where})" if table is self.by_src
                           else f"the same {what} {len(variants)} different source sentences ({where})")
                most = max(len(uses) for uses in variants.values())
                tied = sum(len(uses) == most for uses in variants.values()) > 1
                for uses in variants.values():
                    if tied or len(uses) < most:
                        found.extend(replace(f, message=message) for f in uses)
        return found


# Batch-level checks by name; each entry makes a fresh check for one batch.
CORPUS_CHECKS: dict[str, Callable[[], CorpusCheck]] = {"inconsistent-translation": InconsistentTranslations}


def corpus_checks() -> list[CorpusCheck]:
    return [make() for make in CORPUS_CHECKS.values()]


def check_corpus(alignments: Iterable[Alignment]) -> list[Finding]:
    """The findings of every batch-level check over these alignments."""
    checks = corpus_checks()
    for alignment in alignments:
        for check in checks:
            check.observe(alignment)
    return [f for check in checks for f in check.findings()]


# ---- export -------------------------------------------------------------------------------

def _evidence(finding: Finding) -> list[dict[str, Any]]:
    return [{"side": s.side, "start": s.start, "end": s.end, "text": s.text} for s in finding.evidence]


def finding_record(finding: Finding) -> dict[str, Any]:
    return {
        "document": finding.document, "bead": finding.bead, "severity": finding.severity,
        "category": finding.category, "check": finding.check, "message": finding.message,
        "src_ids": list(finding.src_ids), "tgt_ids": list(finding.tgt_ids),
        "src_text": finding.src_text, "tgt_text": finding.tgt_text, "evidence": _evidence(finding),
        "score": None if finding.score is None else round(float(finding.score), 4),
        "sureness": round(sureness(finding), 3), "also": list(finding.also),
    }


def finding_from_record(record: dict[str, Any]) -> Finding:
    """The Finding a `finding_record` was made from."""
    return Finding(record["document"], record["bead"], tuple(record["src_ids"]), tuple(record["tgt_ids"]),
                   record["src_text"], record["tgt_text"], record["category"], record["check"],
                   record["severity"], record["message"],
                   tuple(Span(e["side"], e["start"], e["end"], e["text"]) for e in record["evidence"]),
                   record["score"], sureness=record.get("sureness"), also=tuple(record.get("also", ())))


def write_findings_jsonl(findings: Iterable[Finding], path: Path) -> None:
    """One JSON object per finding, most likely right first (`ranked`)."""
    with atomic_writer(Path(path)) as handle:
        for finding in ranked(findings):
            handle.write(json.dumps(finding_record(finding), ensure_ascii=False) + "\n")


def finding_csv_row(finding: Finding) -> list[Any]:
    """The CSV row of a finding, in FINDING_FIELDS order."""
    record = finding_record(finding)
    record["src_ids"] = ",".join(map(str, finding.src_ids))
    record["tgt_ids"] = ",".join(map(str, finding.tgt_ids))
    record["evidence"] = json.dumps(record["evidence"], ensure_ascii=False) if finding.evidence else ""
    record["score"] = "" if record["score"] is None else f"{record['score']:.4f}"
    record["sureness"] = f"{record['sureness']:.3f}"
    record["also"] = ",".join(finding.also)
    return [record[f] for f in FINDING_FIELDS]


def write_findings_csv(findings: Iterable[Finding], path: Path) -> None:
    """The findings as CSV, most likely right first (`ranked`)."""
    with atomic_writer(Path(path)) as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(FINDING_FIELDS)
        writer.writerows(finding_csv_row(f) for f in ranked(findings))


def summary_row(alignment: Alignment, findings: Iterable[Finding]) -> dict[str, Any]:
    """One pair: sentence and bead counts, findings by severity, and `categories` (a Counter)."""
    findings = list(findings)
    row: dict[str, Any] = {"document": alignment.name, "src_sentences": len(alignment.src),
                 "tgt_sentences": len(alignment.tgt), "beads": len(alignment.beads)}
    severities: Counter[str] = Counter(f.severity for f in findings)
    row.update({s: severities[s] for s in SEVERITIES})
    row["categories"] = Counter(f.category for f in findings)
    return row


def summary_rows(alignments: Sequence[Alignment], findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Per pair: sentence and bead counts, findings by severity and by category."""
    by_document: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_document[f.document].append(f)
    return [summary_row(a, by_document[a.name]) for a in alignments]


def write_summary_rows(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """`findings-summary.csv`: one row per pair, a column per severity and per category."""
    categories = sorted({cat for row in rows for cat in row["categories"]})
    fields = ["document", "src_sentences", "tgt_sentences", "beads", *SEVERITIES]
    with atomic_writer(Path(path)) as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(fields + categories)
        for row in rows:
            writer.writerow([row[f] for f in fields] + [row["categories"][c] for c in categories])


def write_summary_csv(alignments: Sequence[Alignment], findings: Sequence[Finding], path: Path) -> None:
    write_summary_rows(summary_rows(alignments, findings), path)
