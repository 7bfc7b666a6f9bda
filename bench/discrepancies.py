"""Planted-discrepancy benchmark for the discrepancy report.

Takes English/German document pairs (corpora/ with their gold, and the WMT24 en-de documents
with the aligner's own confident 1:1 pairs as reference), plants one known change at a time
into the German side with a seeded random generator, runs the aligner and the checks, and
measures per change type whether a finding of the expected category points at the planted
place (recall), how many error-severity findings in the modified documents point at no planted
change (precision per category), and how many error findings the unmodified human
translations get (false findings per 100 sentence pairs).

Change types: delete a sentence, delete a clause, add a sentence, change a number, misspell a
name, swap in an unrelated sentence.

    python bench/discrepancies.py [--wmt-docs 145] [--seeds 7,8,9]
"""

from __future__ import annotations

import argparse
import math
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from common import ROOT, SHARED, machine, publish, read_lines, stamp

from align import Aligner, make_encoder
from align.check import as_reported, check_alignment
from align.export import read_beads
from align.model import Finding, Sentence

CHANGES = ("delete-sentence", "delete-clause", "add-sentence", "change-number", "misspell-name", "swap-sentence")
# A planted change counts as found by a finding of one of these categories at its place.
EXPECTED = {
    "delete-sentence": {"omission"},
    "delete-clause": {"omission"},
    "add-sentence": {"addition"},
    "change-number": {"numbers", "terminology"},  # a digit changed inside an identifier (Psych2Goers)
    "misspell-name": {"misspelling", "inconsistent-entities"},
    "swap-sentence": {"mistranslation", "omission", "addition"},
}
# The categories of the structural precision target (errors and warnings together).
STRUCTURAL = {"omission", "addition", "numbers"}
TARGETS = {"delete-sentence": 0.95, "add-sentence": 0.95, "change-number": 0.95,
           "delete-clause": 0.85, "misspell-name": 0.85}  # issue 8


@dataclass
class Pair:
    name: str
    src: list[Sentence]
    tgt: list[Sentence]
    reference: list[tuple[tuple[int, ...], tuple[int, ...]]]  # trusted beads: where to plant


@dataclass
class Planted:
    change: str
    src_ids: set[int]  # source sentences the change concerns
    tgt_ids: set[int]  # target sentences (in the modified document) it concerns


CORPUS_NAMES = {"energy", "asylum", "baltic"}
CATEGORY: dict[str, str] = {}  # check -> its category, as the findings show them


def load_pairs(aligner: Aligner, wmt_docs: int) -> list[Pair]:
    pairs = []
    for gold in sorted((ROOT / "corpora").glob("*.gold.beads")):
        name = gold.name.split(".")[0]
        _, src = aligner.sentences(next((ROOT / "corpora").glob(f"{name}.en.*")), "en")
        _, tgt = aligner.sentences(next((ROOT / "corpora").glob(f"{name}.de.*")), "de")
        pairs.append(Pair(name, src, tgt, read_beads(gold)))
    wmt = SHARED / "wmt24-en-de"
    if wmt.exists() and wmt_docs:
        docs = [line.split("\t")[0] for line in read_lines(wmt / "manifest.tsv")[1:]][:wmt_docs]
        for doc in docs:
            src = [Sentence(i, t, 0) for i, t in enumerate(read_lines(wmt / "en" / doc))]
            tgt = [Sentence(j, t, 0) for j, t in enumerate(read_lines(wmt / "de" / doc))]
            alignment = aligner.align_sentences(src, tgt, doc)
            # Confident 1:1 pairs of the unmodified documents stand in for gold.
            reference = [(b.src, b.tgt) for b in alignment.beads if b.shape == "1:1" and b.score >= 0.9]
            pairs.append(Pair(doc, src, tgt, reference))
    return pairs


def _renumber(sentences: list[Sentence]) -> list[Sentence]:
    return [replace(s, index=k) for k, s in enumerate(sentences)]


_CLAUSE = re.compile(r",\s+[^,]{12,}?(?=,|\.\s*$|;)")
_NUMBER = re.compile(r"\d+")
_LINK = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+")
_NAME = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]{3,}\b")


def plant(pair: Pair, change: str, rng: random.Random, donors: list[str]) -> tuple[list[Sentence], Planted] | None:
    """A modified copy of the target side with one planted change, or None if it does not fit."""
    ones = [(s[0], t[0]) for s, t in pair.reference if len(s) == 1 and len(t) == 1]
    ones = [(i, j) for i, j in ones if not pair.tgt[j].is_heading and len(pair.tgt[j].text.split()) >= 6]
    rng.shuffle(ones)
    tgt = list(pair.tgt)
    for i, j in ones:
        text = tgt[j].text
        if change == "delete-sentence":
            del tgt[j]
            return _renumber(tgt), Planted(change, {i}, set())
        if change == "delete-clause":
            clauses = [m for m in _CLAUSE.finditer(text) if len(m.group()) >= 0.25 * len(text)]
            if not clauses:
                continue
            m = rng.choice(clauses)
            tgt[j] = replace(tgt[j], text=text[:m.start()] + text[m.end():])
            return tgt, Planted(change, {i}, {j})
        if change == "add-sentence":
            tgt.insert(j + 1, replace(tgt[j], text=rng.choice(donors)))
            return _renumber(tgt), Planted(change, set(), {j + 1})
        if change == "change-number":
            # Digits inside a link or address are not numbers of the text (a changed link is
            # the link check's business).
            links = [m.span() for m in _LINK.finditer(text)]
            numbers = [m for m in _NUMBER.finditer(text) if not any(a <= m.start() < b for a, b in links)]
            if not numbers:
                continue
            m = rng.choice(numbers)
            digits = list(m.group())
            pos = rng.randrange(len(digits))
            digits[pos] = str((int(digits[pos]) + rng.randint(1, 8)) % 10)
            if pos == 0 and digits[0] == "0" and len(digits) > 1:
                digits[0] = "1"
            tgt[j] = replace(tgt[j], text=text[:m.start()] + "".join(digits) + text[m.end():])
            return tgt, Planted(change, {i}, {j})
        if change == "misspell-name":
            # a capitalised word of the German sentence that also stands in the English one
            names = [m for m in _NAME.finditer(text) if m.group() in pair.src[i].text]
            if not names:
                continue
            m = rng.choice(names)
            word = m.group()
            k = rng.randrange(1, len(word) - 1)
            edit = rng.choice(("double", "drop", "swap"))
            if edit == "double":
                word = word[:k] + word[k] + word[k:]
            elif edit == "drop":
                word = word[:k] + word[k + 1:]
            else:
                word = word[:k] + word[k + 1] + word[k] + word[k + 2:] if k + 1 < len(word) else word[:-1]
            tgt[j] = replace(tgt[j], text=text[:m.start()] + word + text[m.end():])
            return tgt, Planted(change, {i}, {j})
        if change == "swap-sentence":
            tgt[j] = replace(tgt[j], text=rng.choice(donors))
            return tgt, Planted(change, {i}, {j})
    return None


def _key(finding: Finding) -> tuple:
    return finding.check, finding.src_text, finding.tgt_text


def reported(raw: list[Finding], models=None) -> list[Finding]:
    """The findings as the report gives them (`check.as_reported`), from the checks' own
    (`assessed=False`), noting each check's category for `categories`."""
    CATEGORY.update((f.check, f.category) for f in raw)
    return as_reported(raw, models)


def categories(finding: Finding) -> set[str]:
    """The finding's category and those of the findings folded into it."""
    return {finding.category, *(CATEGORY[c] for c in finding.also)}


def hits(finding: Finding, planted: Planted) -> bool:
    return bool(set(finding.src_ids) & planted.src_ids or set(finding.tgt_ids) & planted.tgt_ids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wmt-docs", type=int, default=145, help="how many WMT24 documents to use")
    parser.add_argument("--seeds", default="7,8,9", help="comma-separated seeds; counts are summed over them")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--dump", help="write every finding's signals and rightness to this .npz")
    args = parser.parse_args()
    started = time.perf_counter()
    aligner = Aligner("en", "de", encoder=make_encoder("use"))
    pairs = load_pairs(aligner, args.wmt_docs)
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    donors = [s.text for p in pairs for s in p.tgt if len(s.text.split()) >= 8]

    # The checks' findings as proposed, on the unmodified and on the modified documents.
    clean = []
    for pair in pairs:
        alignment = aligner.align_sentences(pair.src, pair.tgt, pair.name)
        clean.append((pair, sum(b.is_pair for b in alignment.beads),
                      check_alignment(alignment, aligner.encoder, assessed=False)))
    planted_runs = {}
    for seed in seeds:
        planted_runs[seed] = _plant_all(pairs, random.Random(seed), donors, aligner)

    # Sureness models from every finding of the modified WMT24 documents (corpora/ carry
    # deliberate differences of their own): is it at the planted change?
    rows = [(f.check, f.severity, f.signals, hits(f, planted), (pair.name, *_key(f)), math.log(beads))
            for runs in planted_runs.values()
            for pair, _, planted, findings, beads in runs if pair.name not in CORPUS_NAMES for f in findings]
    fitted = fit_sureness(rows)

    models = {key: model for key, (_, _, model) in fitted.items()}
    if args.dump:
        np.savez(args.dump, checks=np.array([r[0] for r in rows]), severities=np.array([r[1] for r in rows]),
                 signals=np.array([r[2] for r in rows]), right=np.array([r[3] for r in rows]))

    # Unmodified human translations: findings per 100 sentence pairs, as reported (assessed).
    clean_errors, clean_pairs, clean_by_check, clean_warnings = 0, 0, Counter(), Counter()
    format_findings = Counter()
    clean_keys: dict[str, set] = {}
    corpus_errors: list[str] = []
    wmt_errors, wmt_pairs = 0, 0
    for pair, n_pairs, raw in clean:
        findings = reported(raw, models)
        clean_pairs += n_pairs
        clean_keys[pair.name] = {_key(f) for f in findings}
        if pair.name in CORPUS_NAMES:
            corpus_errors += [f"{f.document}: {f.check}" for f in findings if f.severity == "error"]
        else:
            wmt_pairs += n_pairs
            wmt_errors += sum(f.severity == "error" for f in findings)
        for f in findings:
            if f.severity == "warning":
                clean_warnings[f.check] += 1
            if f.severity == "error":
                clean_errors += 1
                clean_by_check[f.check] += 1
            if f.category == "numbers":
                format_findings[f.severity] += 1

    found, planted_count = Counter(), Counter()
    error_total, error_true = Counter(), Counter()
    check_total, check_true = Counter(), Counter()
    structural: Counter = Counter()
    per_seed: dict[int, Counter] = {}
    for seed, runs in planted_runs.items():
        seed_found, seed_planted = Counter(), Counter()
        for pair, change, planted, raw, _ in runs:
            findings = reported(raw, models)
            seed_planted[change] += 1
            seed_found[change] += any(categories(f) & EXPECTED[change] and hits(f, planted) for f in findings)
            for f in findings:
                if pair.name not in CORPUS_NAMES:
                    check_total[f.check, f.severity] += 1
                    check_true[f.check, f.severity] += hits(f, planted)
                # An error the unmodified document has too is not about the planted change;
                # it is counted in the false findings on unmodified translations instead.
                if _key(f) in clean_keys[pair.name]:
                    continue
                if f.severity == "error":
                    error_total[f.category] += 1
                    error_true[f.category] += hits(f, planted)
                if f.severity != "info" and categories(f) & STRUCTURAL:
                    structural["findings"] += 1
                    structural["right"] += hits(f, planted)
        found.update(seed_found)
        planted_count.update(seed_planted)
        per_seed[seed] = Counter({c: (seed_found[c], seed_planted[c]) for c in CHANGES})

    elapsed = time.perf_counter() - started
    _report(args, seeds, pairs, elapsed, found, planted_count, error_total, error_true, per_seed, clean_errors,
            clean_pairs, clean_by_check, clean_warnings, format_findings, corpus_errors, wmt_errors, wmt_pairs,
            check_total, check_true, structural)
    if not args.no_write:
        write_sureness(fitted)


def write_sureness(models: dict) -> None:
    """src/align/checks/sureness.tsv: per (check, severity), the findings, how many fell on
    the planted change, the smoothed share, the logistic model's weights and each signal's
    range among the kind's findings (see fit_sureness)."""
    rows = ["check\tseverity\tfindings\tat_planted\tsureness\tweights\tlow\thigh"]
    for (check, severity), (n, right, model) in sorted(models.items()):
        weights, low, high = (",".join(f"{w:.4f}" for w in values) for values in (model.weights, model.low, model.high))
        rows.append(f"{check}\t{severity}\t{n}\t{right}\t{model.share:.3f}\t{weights}\t{low}\t{high}")
    path = ROOT / "src" / "align" / "checks" / "sureness.tsv"
    path.write_text("# written by python bench/discrepancies.py (see align.check.sureness_models)\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")


def _plant_all(pairs, rng, donors, aligner) -> list[tuple[Pair, str, Planted, list[Finding], int]]:
    """One planted change of each type per document: the checks' findings (as proposed, before
    `assess`) of each modified document, and its number of beads."""
    out = []
    for pair in pairs:
        for change in CHANGES:
            result = plant(pair, change, rng, [d for d in donors if d not in {s.text for s in pair.tgt}])
            if result is None:
                continue
            tgt, planted = result
            alignment = aligner.align_sentences(pair.src, tgt, pair.name)
            out.append((pair, change, planted, check_alignment(alignment, aligner.encoder, assessed=False),
                        len(alignment.beads)))
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> tuple[float, ...]:
    """Intercept and weights of a logistic regression (Newton's method, an L2 penalty on the
    standardised weights), in the units of x."""
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std < 1e-9] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (p - y) + penalty * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    slopes = w[1:] / std
    return (float(w[0] - slopes @ mean), *map(float, slopes))


MIN_FIT = 25  # distinct findings a kind needs each way (right, wrong) for a model over its signals


def fit_sureness(rows: list[tuple[str, str, tuple[float, ...], bool, tuple, float]]) -> dict:
    """A SurenessModel per (check, severity) from (check, severity, signals, right, identity,
    log beads) rows: the smoothed share for every kind, and a logistic model over the signals
    where the kind has MIN_FIT distinct findings right and as many wrong. (A false finding of an
    unmodified document comes back in each of its modified copies: `identity` tells them
    apart, so that a handful of them cannot shape a model.)

    Each modified document has one planted change however long it is, so here a finding of a
    short document is more often right than one of a long document: an artefact of the
    benchmark, not a property of findings. The model is fitted with the document's length as
    a covariate and then read at the kind's mean length, so that the other weights (the rate
    of the check in the document above all) are not confounded with length and a finding's
    sureness does not depend on how long its document is."""
    from align.check import SURENESS_PRIOR, SurenessModel

    total, true = Counter(), Counter()
    by_severity, by_severity_true = Counter(), Counter()
    distinct: dict[tuple[tuple[str, str], bool], set] = {}
    by_kind: dict[tuple[str, str], list] = {}
    for row in rows:
        check, severity, _, right, identity, _ = row
        total[check, severity] += 1
        true[check, severity] += right
        by_severity[severity] += 1
        by_severity_true[severity] += right
        distinct.setdefault(((check, severity), bool(right)), set()).add(identity)
        by_kind.setdefault((check, severity), []).append(row)
    models = {}
    for key in sorted(total):
        mean = by_severity_true[key[1]] / by_severity[key[1]]
        share = (true[key] + SURENESS_PRIOR * mean) / (total[key] + SURENESS_PRIOR)
        if min(len(distinct.get((key, right), ())) for right in (True, False)) >= MIN_FIT:
            x = np.array([(*r[2], r[5]) for r in by_kind[key]], dtype=float)
            y = np.array([float(r[3]) for r in by_kind[key]])
            intercept, *slopes, length = fit_logistic(x, y)
            weights = (intercept + length * float(x[:, -1].mean()), *slopes)
            models[key] = (total[key], true[key], SurenessModel(share, weights, *_range(by_kind[key])))
        else:
            models[key] = (total[key], true[key], SurenessModel(share))
    return models


def _range(rows: list) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The lowest and highest value of each signal among a kind's findings."""
    x = np.array([r[2] for r in rows], dtype=float)
    return tuple(map(float, x.min(axis=0))), tuple(map(float, x.max(axis=0)))


def _report(args, seeds, pairs, elapsed, found, planted_count, error_total, error_true, per_seed, clean_errors,
            clean_pairs, clean_by_check, clean_warnings, format_findings, corpus_errors, wmt_errors, wmt_pairs,
            check_total, check_true, structural) -> None:
    lines = [
        "# Planted-discrepancy benchmark", "",
        f"`python bench/discrepancies.py --wmt-docs {args.wmt_docs} --seeds {args.seeds}` — {stamp()}; "
        f"{machine()}; {len(pairs)} documents ({min(3, len(pairs))} from corpora/, the rest WMT24 en-de); "
        f"{elapsed:.0f} s", "",
        "## Recall per planted change (one change per modified document, summed over the seeds)", "",
        "| change | planted | found | recall | " + " | ".join(f"seed {s}" for s in seeds) + " | target |",
        "|---|---|---|---|" + "---|" * len(seeds) + "---|",
    ]
    for change in CHANGES:
        n = planted_count[change]
        by_seed = " | ".join(f"{f / p:.3f}" if p else "—" for f, p in (per_seed[s][change] for s in seeds))
        lines.append(f"| {change} | {n} | {found[change]} | {found[change] / n if n else 0:.3f} | {by_seed} | "
                     f"{('≥ %.2f' % TARGETS[change]) if change in TARGETS else '—'} |")
    lines += ["", "## Precision of error-severity findings in the modified documents", "",
              "Errors that the unmodified document gets too are left out here (they are counted "
              "below, as false findings on unmodified translations).", "",
              "| category | errors | at a planted change | precision |", "|---|---|---|---|"]
    for category in sorted(error_total):
        lines.append(f"| {category} | {error_total[category]} | {error_true[category]} | "
                     f"{error_true[category] / error_total[category]:.3f} |")
    lines += ["", f"Errors and warnings of the omission, addition and numbers categories together (the "
                  f"same rule): {structural['findings']}, {structural['right']} at a planted change, precision "
                  f"**{structural['right'] / max(structural['findings'], 1):.3f}** (target ≥ 0.70)."]
    lines += ["", "## Every finding in the modified documents, by check and severity", "",
              "WMT24 documents only (corpora/ carry deliberate differences of their own), as reported: "
              "weighed by sureness and folded one per pair. Whether each finding the checks propose is at "
              "the planted change (one per document) is what `src/align/checks/sureness.tsv` models, per "
              "kind (check and proposed severity): a logistic model over the finding's signals where the "
              "kind has 25 distinct findings each way, else its smoothed share. The severity follows the "
              "sureness, and the report and the findings files rank by it.", "", "| check | severity | findings | at a planted change | share |", "|---|---|---|---|---|"]
    for check, severity in sorted(check_total, key=lambda k: -check_true[k] / check_total[k]):
        n = check_total[check, severity]
        lines.append(f"| {check} | {severity} | {n} | {check_true[check, severity]} | {check_true[check, severity] / n:.3f} |")
    lines += ["", "## Unmodified human translations", "",
              f"{clean_errors} error findings over {clean_pairs} sentence pairs: "
              f"**{100 * clean_errors / max(clean_pairs, 1):.2f} per 100 pairs** (target ≤ 1). "
              f"By check: {dict(clean_by_check) or 'none'}.", "",
              f"WMT24 human reference translations alone: {wmt_errors} errors over {wmt_pairs} pairs, "
              f"**{100 * wmt_errors / max(wmt_pairs, 1):.2f} per 100**. The corpora/ pairs carry deliberate "
              f"differences (see corpora/README.md); their errors: {', '.join(corpus_errors) or 'none'}.", "",
              f"Warnings: {sum(clean_warnings.values())} ({100 * sum(clean_warnings.values()) / max(clean_pairs, 1):.1f} "
              f"per 100 pairs); by check: {dict(clean_warnings.most_common())}.", "",
              f"Number findings on the unmodified pairs (locale formatting differences: 1.5 billion / 1,5 Mrd., "
              f"26 August / 26. August, 1,300 / 1.300 …): {dict(format_findings) or 'none'}."]
    publish(lines, "discrepancies", write=not args.no_write)


if __name__ == "__main__":
    main()
