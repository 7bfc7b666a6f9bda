"""The check stage: findings (discrepancies) for an alignment, and their export.

Runs the pair checks (numbers, names, untranslated text, mechanics), the structural checks
(omissions, additions, partial omissions, weak pairs) and, over a batch, the corpus check
(inconsistent translations). Findings are written as CSV / JSON Lines with stable fields, plus
a per-pair summary.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from .atomic import atomic_writer
from .checks.names import check_names
from .checks.numbers import check_numbers
from .checks.structure import Thresholds, left_out_parts, pair_issues, pair_stats, unmatched_issues
from .checks.text import check_mechanics, check_untranslated
from .embed import Encoder, encode_texts
from .model import Alignment, Finding, Issue
from .textkinds import is_boilerplate

PairCheck = Callable[[str, str, str, str], list[Issue]]
PAIR_CHECKS: tuple[PairCheck, ...] = (check_numbers, check_names, check_untranslated, check_mechanics)
SEVERITIES = ("error", "warning", "info")

FINDING_FIELDS = ("document", "bead", "severity", "category", "check", "message", "src_ids", "tgt_ids",
                  "src_text", "tgt_text", "evidence", "score")


def _finding(alignment: Alignment, k: int, issue: Issue) -> Finding:
    bead = alignment.beads[k]
    return Finding(alignment.name, k, bead.src, bead.tgt, alignment.src_text(bead), alignment.tgt_text(bead),
                   issue.category, issue.check, issue.severity, issue.message, issue.evidence, bead.score)


def _embeddings(alignment: Alignment, encoder: Encoder | None) -> tuple[np.ndarray, np.ndarray]:
    if alignment.embeddings is not None:
        return alignment.embeddings
    if encoder is None:
        raise ValueError("check_alignment needs an encoder when the alignment carries no embeddings")
    vectors = encode_texts(encoder, [s.text for s in alignment.src] + [t.text for t in alignment.tgt])
    return vectors[: len(alignment.src)], vectors[len(alignment.src):]


def check_alignment(alignment: Alignment, encoder: Encoder | None = None,
                    limits: Thresholds = Thresholds()) -> list[Finding]:
    """All pair-level findings of one aligned document, in document order.

    With an encoder, parts of merged or short-for-the-document pairs are also tested for being
    left out or added (a little extra encoding); without one, that test is skipped.
    """
    src_emb, tgt_emb = _embeddings(alignment, encoder)
    stats = pair_stats(alignment, src_emb, tgt_emb)
    part_issues = (left_out_parts(alignment, stats, (src_emb, tgt_emb), partial(encode_texts, encoder))
                   if encoder is not None else {})
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
        per_bead[k].extend(_finding(alignment, k, i) for i in issues)
    return _settle_misspellings(alignment, [f for k in sorted(per_bead) for f in per_bead[k]])


def _settle_misspellings(alignment: Alignment, findings: list[Finding]) -> list[Finding]:
    """A name spelt differently is an error when the target spells it as the source does
    elsewhere in the document (a slip); when it never does, the translator may have chosen
    that spelling (or corrected a typo of the source): a warning."""
    target_text = " ".join(t.text for t in alignment.tgt)
    settled = []
    for f in findings:
        if f.check == "name-misspelling":
            source_form = next((s.text for s in f.evidence if s.side == "src"), "")
            elsewhere = bool(source_form) and re.search(rf"(?<!\w){re.escape(source_form)}", target_text)
            f = replace(f, severity="error" if elsewhere else "warning")
        settled.append(f)
    return settled


def _group_finding(alignment: Alignment, group: list[int], issue: Issue) -> Finding:
    beads = [alignment.beads[k] for k in group]
    src_ids = tuple(i for b in beads for i in b.src)
    tgt_ids = tuple(j for b in beads for j in b.tgt)
    return Finding(alignment.name, group[0], src_ids, tgt_ids,
                   " ".join(alignment.src[i].text for i in src_ids), " ".join(alignment.tgt[j].text for j in tgt_ids),
                   issue.category, issue.check, issue.severity, issue.message, issue.evidence,
                   min(b.score for b in beads))


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).strip(" .!?;:")


_WORDS = re.compile(r"\w+")


def check_corpus(alignments: Sequence[Alignment], min_words: int = 3) -> list[Finding]:
    """Inconsistency across a batch: one source sentence translated differently, or one
    translation used for different source sentences (1:1 pairs of at least `min_words`)."""
    by_src: dict[str, dict[str, list[tuple[Alignment, int]]]] = defaultdict(lambda: defaultdict(list))
    by_tgt: dict[str, dict[str, list[tuple[Alignment, int]]]] = defaultdict(lambda: defaultdict(list))
    for alignment in alignments:
        for k, bead in enumerate(alignment.beads):
            if len(bead.src) != 1 or len(bead.tgt) != 1:
                continue
            src, tgt = alignment.src_text(bead), alignment.tgt_text(bead)
            if len(_WORDS.findall(src)) < min_words or is_boilerplate(src):
                continue
            by_src[_normal(src)][_normal(tgt)].append((alignment, k))
            by_tgt[_normal(tgt)][_normal(src)].append((alignment, k))
    findings = []
    for table, what in ((by_src, "source sentence translated"), (by_tgt, "translation used for")):
        for variants in table.values():
            if len(variants) < 2:
                continue
            places = [place for uses in variants.values() for place in uses]
            where = ", ".join(f"{a.name}#{k}" for a, k in places[:6])
            message = (f"the same {what} in {len(variants)} different ways ({where})" if table is by_src
                       else f"the same {what} {len(variants)} different source sentences ({where})")
            for alignment, k in places:
                findings.append(_finding(alignment, k, Issue("inconsistency", "inconsistent-translation",
                                                             "warning", message)))
    return findings


# ---- export -------------------------------------------------------------------------------

def _evidence(finding: Finding) -> list[dict]:
    return [{"side": s.side, "start": s.start, "end": s.end, "text": s.text} for s in finding.evidence]


def finding_record(finding: Finding) -> dict:
    return {
        "document": finding.document, "bead": finding.bead, "severity": finding.severity,
        "category": finding.category, "check": finding.check, "message": finding.message,
        "src_ids": list(finding.src_ids), "tgt_ids": list(finding.tgt_ids),
        "src_text": finding.src_text, "tgt_text": finding.tgt_text, "evidence": _evidence(finding),
        "score": None if finding.score is None else round(float(finding.score), 4),
    }


def write_findings_jsonl(findings: Iterable[Finding], path: Path) -> None:
    with atomic_writer(Path(path)) as handle:
        for finding in findings:
            handle.write(json.dumps(finding_record(finding), ensure_ascii=False) + "\n")


def write_findings_csv(findings: Iterable[Finding], path: Path) -> None:
    with atomic_writer(Path(path)) as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(FINDING_FIELDS)
        for finding in findings:
            record = finding_record(finding)
            record["src_ids"] = ",".join(map(str, finding.src_ids))
            record["tgt_ids"] = ",".join(map(str, finding.tgt_ids))
            record["evidence"] = json.dumps(record["evidence"], ensure_ascii=False) if finding.evidence else ""
            record["score"] = "" if record["score"] is None else f"{record['score']:.4f}"
            writer.writerow([record[f] for f in FINDING_FIELDS])


def summary_rows(alignments: Sequence[Alignment], findings: Sequence[Finding]) -> list[dict]:
    """Per pair: sentence and bead counts, findings by severity and by category."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for f in findings:
        counts[f.document][f.severity] += 1
        counts[f.document][f"category:{f.category}"] += 1
    categories = sorted({f.category for f in findings})
    rows = []
    for a in alignments:
        c = counts[a.name]
        row = {"document": a.name, "src_sentences": len(a.src), "tgt_sentences": len(a.tgt),
               "beads": len(a.beads)}
        row.update({s: c[s] for s in SEVERITIES})
        row.update({cat: c[f"category:{cat}"] for cat in categories})
        rows.append(row)
    return rows


def write_summary_csv(alignments: Sequence[Alignment], findings: Sequence[Finding], path: Path) -> None:
    rows = summary_rows(alignments, findings)
    with atomic_writer(Path(path)) as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        fields = list(rows[0]) if rows else ["document"]
        writer.writerow(fields)
        for row in rows:
            writer.writerow([row[f] for f in fields])
