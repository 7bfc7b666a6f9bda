"""Checks on the shape of an alignment: omissions, additions, partial omissions, weak pairs.

Each pair is judged against its own document, not against fixed thresholds: its similarity
relative to the document's other pairs and its length ratio relative to the document's own
distribution (robust z-scores, since German runs longer than English and some documents are
translated more freely than others).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..model import Alignment, Bead, Issue, Severity, Side, Span
from ..textkinds import is_boilerplate, is_translator_note

_WORD = re.compile(r"\w+")
_SIDES: tuple[Side, Side] = ("src", "tgt")

@dataclass(frozen=True)
class Thresholds:
    """Robust z-score limits (tuned on bench/discrepancies.py with corpora/ and WMT24 dev data)."""

    short_warning: float = -2.5  # target length z below which a pair may have lost a clause
    short_error: float = -4.0
    long_warning: float = 3.0  # target length z above which the target may have added text
    weak_warning: float = -3.5  # similarity z below which a pair may say something else
    weak_error: float = -4.0
    weak_error_confidence: float = 0.2  # ... and its confidence below this for an error
    member_floor: float = 0.12  # a merged sentence this unlike the other side looks unmatched
    unmatched_error: float = 0.5  # confidence that an unmatched sentence really is one
    min_words: int = 4  # unmatched text shorter than this is a warning at most
    min_passage: int = 3  # unmatched sentences in a row reported as one passage (no paragraph marks)
    # a part is left out when cutting it raises the similarity by at least this much (tried:
    # also demanding that the gain stand out from the document's others; it cost a tenth of
    # the planted omissions for a fifth fewer warnings)
    part_gain: float = 0.01
    # similarity z below which a pair is tested for being shifted (its one side rendering the
    # neighbouring pair); the same "clearly less alike than usual" as a short pair's -1.0
    shifted_below: float = -1.0


def _robust(values: np.ndarray, floor: float) -> tuple[float, float]:
    """Median and a scale (1.4826 * MAD, at least `floor`)."""
    if len(values) == 0:
        return 0.0, floor
    median = float(np.median(values))
    return median, max(1.4826 * float(np.median(np.abs(values - median))), floor)


def _joined(emb: NDArray[np.floating[Any]], ids: tuple[int, ...]) -> NDArray[np.floating[Any]]:
    v: NDArray[np.floating[Any]] = emb[list(ids)].sum(axis=0)
    return v / max(float(np.linalg.norm(v)), 1e-12)


@dataclass
class PairStats:
    cos: dict[int, float]  # bead index -> cosine of the joined sides
    log_ratio: dict[int, float]  # bead index -> log(target chars / source chars)
    cos_centre: float
    cos_scale: float
    ratio_centre: float
    ratio_scale: float

    def cos_z(self, k: int) -> float:
        return (self.cos[k] - self.cos_centre) / self.cos_scale

    def ratio_z(self, k: int) -> float:
        return (self.log_ratio[k] - self.ratio_centre) / self.ratio_scale


def pair_stats(alignment: Alignment, src_emb: np.ndarray, tgt_emb: np.ndarray) -> PairStats:
    cos, ratio = {}, {}
    for k, bead in enumerate(alignment.beads):
        if bead.is_pair:
            cos[k] = float(_joined(src_emb, bead.src) @ _joined(tgt_emb, bead.tgt))
            ratio[k] = math.log((len(alignment.tgt_text(bead)) + 5) / (len(alignment.src_text(bead)) + 5))
    one_to_one = [k for k, b in enumerate(alignment.beads) if len(b.src) == 1 and len(b.tgt) == 1]
    cos_c, cos_s = _robust(np.array([cos[k] for k in one_to_one] or list(cos.values())), 0.05)
    rat_c, rat_s = _robust(np.array([ratio[k] for k in one_to_one] or list(ratio.values())), 0.08)
    return PairStats(cos, ratio, cos_c, cos_s, rat_c, rat_s)


def unmatched_issues(alignment: Alignment, limits: Thresholds = Thresholds()) -> list[tuple[list[int], Issue]]:
    """Omissions (1:0) and additions (0:1): one issue per sentence, or per whole paragraph.

    Returns (bead indices, issue) pairs; boilerplate and translator's notes are reported as
    info so they do not bury real omissions.
    """
    out: list[tuple[list[int], Issue]] = []
    for side in _SIDES:
        sentences = alignment.src if side == "src" else alignment.tgt
        unmatched = [k for k, b in enumerate(alignment.beads) if b.src and not b.tgt] if side == "src" else \
            [k for k, b in enumerate(alignment.beads) if b.tgt and not b.src]
        ids_of = {k: (alignment.beads[k].src if side == "src" else alignment.beads[k].tgt)[0] for k in unmatched}
        lonely = {ids_of[k] for k in unmatched}
        paragraphs: dict[int, list[int]] = {}
        for s in sentences:
            paragraphs.setdefault(s.paragraph, []).append(s.index)
        # Text without paragraph marks (a translation memory: one sentence a paragraph; one
        # sentence a line): a run of unmatched sentences stands in for the paragraph.
        unstructured = len(sentences) > 1 and len(paragraphs) in (1, len(sentences))
        done: set[int] = set()
        for k in unmatched:
            if k in done:
                continue
            group = [k]
            if unstructured:
                while group[-1] + 1 in ids_of and ids_of[group[-1] + 1] == ids_of[group[-1]] + 1:
                    group.append(group[-1] + 1)
                if len(group) < limits.min_passage:
                    group = [k]
            else:
                members = paragraphs[sentences[ids_of[k]].paragraph]
                if len(members) > 1 and all(i in lonely for i in members):
                    group = [j for j in unmatched if ids_of[j] in members]
            done.update(group)
            text = " ".join(sentences[ids_of[j]].text for j in group)
            unit = "passage" if unstructured else "paragraph"
            out.append((group, _unmatched_issue(alignment, side, group, text, unit if len(group) > 1 else "", limits)))
    return out


def _unmatched_issue(alignment: Alignment, side: Side, group: list[int], text: str, unit: str,
                     limits: Thresholds) -> Issue:
    """`unit`: '' for one sentence, else 'paragraph' or 'passage' (a run without paragraph marks)."""
    where = "source" if side == "src" else "target"
    what = f"{unit} of {len(group)} sentences" if unit else "sentence"
    evidence = (Span(side, 0, len(text), text),) if not unit else ()
    if side == "tgt" and is_translator_note(text):
        return Issue("addition", "translator-note", "info", "translator's note in the target", evidence)
    if is_boilerplate(text):
        return Issue("other", "boilerplate", "info",
                     f"page furniture only in the {where} (not article content): {text[:70]}", evidence)
    confidence = min(alignment.beads[k].score for k in group)
    words = len(_WORD.findall(text))
    severity: Severity = "error" if confidence >= limits.unmatched_error and words >= limits.min_words else "warning"
    category, verb = ("omission", "missing in the target") if side == "src" else ("addition", "not in the source")
    return Issue(category, f"{category}-{unit or 'sentence'}", severity,
                 f"{what} {verb}: {text[:80]}{'…' if len(text) > 80 else ''}", evidence)


def pair_issues(alignment: Alignment, k: int, stats: PairStats, src_emb: np.ndarray, tgt_emb: np.ndarray,
                extra_missing: bool, limits: Thresholds = Thresholds()) -> list[Issue]:
    """Partial omission / addition and weak pair for the pair bead k.

    `extra_missing`: another check found a number or name of the source missing in the target,
    which makes a short target more likely to have lost a clause.
    """
    bead: Bead = alignment.beads[k]
    issues: list[Issue] = []
    severity: Severity
    cos_z, ratio_z = stats.cos_z(k), stats.ratio_z(k)
    if ratio_z <= limits.short_warning and (cos_z <= -1.0 or extra_missing or ratio_z <= limits.short_error):
        severity = "error" if ratio_z <= limits.short_error and (cos_z <= -1.0 or extra_missing) else "warning"
        issues.append(Issue("omission", "partial-omission", severity,
                            f"the target is much shorter than usual for this document "
                            f"(length z {ratio_z:.1f}): part of the source may be left out"))
    elif ratio_z >= limits.long_warning and cos_z <= -1.5:
        issues.append(Issue("addition", "partial-addition", "warning",
                            f"the target is much longer than usual for this document (length z {ratio_z:.1f}): "
                            "it may add something"))
    if cos_z <= limits.weak_warning:
        # Embeddings of very short sentences are too unsteady to call a pair wrong outright.
        long_enough = min(len(_WORD.findall(alignment.src_text(bead))),
                          len(_WORD.findall(alignment.tgt_text(bead)))) >= limits.min_words + 1
        severity = ("error" if cos_z <= limits.weak_error and bead.score < limits.weak_error_confidence
                    and long_enough else "warning")
        issues.append(Issue("mistranslation", "weak-pair", severity,
                            f"the two sides seem to say different things (similarity {stats.cos[k]:.2f}, "
                            f"typical here {stats.cos_centre:.2f})"))
    # A sentence inside a merge that resembles nothing on the other side: likely unmatched.
    sides: tuple[tuple[Side, tuple[int, ...], NDArray[Any], NDArray[Any], tuple[int, ...]], ...]
    sides = (("src", bead.src, src_emb, tgt_emb, bead.tgt), ("tgt", bead.tgt, tgt_emb, src_emb, bead.src))
    for side, ids, mine, other, other_ids in sides:
        if len(ids) < 2:
            continue
        joined = _joined(other, other_ids)
        for position, i in enumerate(ids):
            member_cos = float(mine[i] @ joined)
            if member_cos < limits.member_floor:
                sentences = alignment.src if side == "src" else alignment.tgt
                text = sentences[i].text
                start = sum(len(sentences[j].text) + 1 for j in ids[:position])
                category = "omission" if side == "src" else "addition"
                where = "source" if side == "src" else "target"
                issues.append(Issue(category, f"partial-{category}", "warning",
                                    f"a {where} sentence of this merged pair seems to have no counterpart: "
                                    f"{text[:60]}", (Span(side, start, start + len(text), text),),
                                    strength=(limits.member_floor - member_cos) / stats.cos_scale))
    return issues


_CLAUSE_SPLIT = re.compile(r"\s*[,;:–—()]\s*|\s+-\s+")
# Words that open a clause, per language: a clause may be dropped without any comma.
_CLAUSE_WORDS = {
    "en": "and but or because while which who whose where when although though if since so that as after before",
    "de": "und aber oder weil während die der das wobei wenn obwohl als nachdem bevor sodass damit denn",
    "fr": "et mais ou parce que qui dont où quand lorsque bien si puisque afin après avant",
}
_CLAUSE_OPENERS = {lang: re.compile(rf"\s+(?=(?:{'|'.join(words.split())})\b)", re.IGNORECASE)
                   for lang, words in _CLAUSE_WORDS.items()}


def clauses(text: str, lang: str = "en", min_words: int = 3) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a sentence: stretches between commas, semicolons,
    colons, dashes, brackets and clause-opening words, with at least `min_words` words."""
    out, start = [], 0
    breaks = list(_CLAUSE_SPLIT.finditer(text))
    opener = _CLAUSE_OPENERS.get(lang.split("-")[0].lower())
    if opener is not None:
        breaks = sorted(breaks + list(opener.finditer(text)), key=lambda m: m.start())
    for match in breaks + [None]:
        if match is not None and match.start() < start:
            continue
        end = match.start() if match is not None else len(text.rstrip(".!?… "))
        if len(_WORD.findall(text[start:end])) >= min_words:
            out.append((start, end))
        if match is not None:
            start = match.end()
    return out


def _member_spans(alignment: Alignment, bead: Bead, side: Side) -> list[tuple[int, int]]:
    """(start, end) of each sentence inside a side's joined text."""
    sentences = alignment.src if side == "src" else alignment.tgt
    spans, start = [], 0
    for i in bead.ids(side):
        spans.append((start, start + len(sentences[i].text)))
        start += len(sentences[i].text) + 1
    return spans


def part_candidates(alignment: Alignment, stats: PairStats, embeddings: tuple[np.ndarray, np.ndarray],
                    max_ratio_z: float, member_below: float = 0.5) -> list[tuple[int, Side, int, int]]:
    """(bead, side, start, end): parts of a pair worth testing for having no counterpart.

    Sentences of a merged side that are not clearly like the other side (cosine with it below
    `member_below`: a merge can hide an omitted or added sentence), and the source clauses of
    pairs whose target is short for the document (a dropped clause).
    """
    out: list[tuple[int, Side, int, int]] = []
    for k, bead in enumerate(alignment.beads):
        if k not in stats.cos:
            continue
        sides: tuple[tuple[Side, tuple[int, ...], tuple[int, ...], NDArray[Any], NDArray[Any]], ...]
        sides = (("src", bead.src, bead.tgt, *embeddings), ("tgt", bead.tgt, bead.src, *embeddings[::-1]))
        for side, ids, other_ids, mine, other in sides:
            if len(ids) >= 2:
                joined = _joined(other, other_ids)
                spans = _member_spans(alignment, bead, side)
                out += [(k, side, start, end) for i, (start, end) in zip(ids, spans)
                        if float(mine[i] @ joined) < member_below]
        if stats.ratio_z(k) <= max_ratio_z:
            src = alignment.src_text(bead)
            found = clauses(src, alignment.src_lang, min_words=2)
            members = set(_member_spans(alignment, bead, "src")) if len(bead.src) >= 2 else set()
            if len(found) < 2:
                found = _halves(src)
            out += [(k, "src", start, end) for start, end in found if (start, end) not in members]
    return out


def _halves(text: str, min_words: int = 6) -> list[tuple[int, int]]:
    """A sentence with no clause boundary the splitter knows ("You can die from touching
    grass"), of at least `min_words` words: its two halves, cut at the middle word."""
    words = list(_WORD.finditer(text))
    if len(words) < min_words:
        return []
    middle = words[len(words) // 2].start()
    return [(0, middle), (middle, len(text.rstrip(".!?… ")))]


def shifted_pairs(alignment: Alignment, stats: PairStats, src_emb: np.ndarray,
                  tgt_emb: np.ndarray, limits: Thresholds = Thresholds()) -> dict[int, list[Issue]]:
    """Pairs whose one side renders the neighbouring pair instead: the other side then has no
    counterpart, and the alignment closed the gap by pairing it with its neighbour's text (a
    deleted sentence before a sentence the aligner could not merge further).

    Bead k's target is shifted when it is more like the neighbouring pair's source than its
    own, by at least the document's similarity scale (formulaic text, "And the sons of Gomer
    ...; And the sons of Javan ...", makes neighbours a little alike), joining it to that pair
    makes the pair more alike, and bead k is clearly less alike
    than the document's typical pair (similarity z below `limits.shifted_below`): k's source
    then seems to have no translation (an omission). The same the other way round gives an
    addition. All three are comparisons within the document (the joined sides are sums of
    sentence embeddings: no encoding)."""
    embeddings: dict[Side, np.ndarray] = {"src": src_emb, "tgt": tgt_emb}
    issues: dict[int, list[Issue]] = {}
    for k in stats.cos:
        if stats.cos_z(k) <= limits.shifted_below and (issue := _shift(alignment, stats, embeddings, k)):
            issues[k] = [issue]
    return issues


def _shift(alignment: Alignment, stats: PairStats, embeddings: dict[Side, np.ndarray], k: int) -> Issue | None:
    """The shifted-pair issue of pair bead k, if one of its sides renders a neighbour (the
    target first, then the source; the previous neighbour first)."""
    bead = alignment.beads[k]
    orders: tuple[tuple[Side, Side], ...] = (("tgt", "src"), ("src", "tgt"))
    for side, other in orders:
        mine = _joined(embeddings[side], bead.ids(side))
        own = _joined(embeddings[other], bead.ids(other))
        for n in (k - 1, k + 1):
            if n not in stats.cos:
                continue
            neighbour = alignment.beads[n]
            theirs = _joined(embeddings[other], neighbour.ids(other))
            ids = neighbour.ids(side) + bead.ids(side) if n < k else bead.ids(side) + neighbour.ids(side)
            if (float(mine @ theirs) - float(mine @ own) < stats.cos_scale
                    or float(_joined(embeddings[side], ids) @ theirs) <= stats.cos[n]):
                continue
            text = alignment.side_text(bead, other)  # the side left without counterpart
            where = "next" if n > k else "previous"
            message = (f"the source sentence seems to have no translation: the target paired with it "
                       f"renders the {where} source sentence (the alignment is shifted here)" if other == "src" else
                       f"the target sentence seems to have no source: the source paired with it is "
                       f"rendered by the {where} target sentence (the alignment is shifted here)")
            return Issue("omission" if other == "src" else "addition", "shifted-pair", "warning", message,
                         (Span(other, 0, len(text), text),), strength=-stats.cos_z(k))
    return None


def left_out_parts(alignment: Alignment, stats: PairStats, embeddings: tuple[np.ndarray, np.ndarray],
                   encode: Callable[[list[str]], NDArray[np.float32]], max_ratio_z: float = 0.0,
                   limits: Thresholds = Thresholds()) -> dict[int, list[Issue]]:
    """Parts of a pair that the other side does not render: omitted or added clauses and
    sentences hidden inside a pair.

    Each candidate part is cut out and the rest re-encoded; a part without counterpart makes
    the shortened side *more* similar to the other side (gain >= min_gain). Only merged sides
    and short-for-the-document pairs are tested, which keeps the extra encoding small.
    """
    candidates = part_candidates(alignment, stats, embeddings, max_ratio_z)
    if not candidates:
        return {}
    text = {(k, side): alignment.side_text(alignment.beads[k], side) for k, side, _, _ in candidates}
    reduced = [(text[k, side][:start] + text[k, side][end:]).strip(" ,;:") for k, side, start, end in candidates]
    # Each side of a candidate bead as a whole: a single sentence has its embedding already;
    # only a merged side is encoded joined.
    beads = {k for k, _, _, _ in candidates}
    wanted = sorted((k, side) for k in beads for side in _SIDES if len(alignment.beads[k].ids(side)) > 1)
    vectors = encode(reduced + [alignment.side_text(alignment.beads[k], side) for k, side in wanted])
    joined = {key: vectors[len(reduced) + n] for n, key in enumerate(wanted)}

    def side_vector(k: int, side: Side) -> NDArray[Any]:
        ids = alignment.beads[k].ids(side)
        vector: NDArray[Any] = joined[k, side] if len(ids) > 1 else embeddings[0 if side == "src" else 1][ids[0]]
        return vector

    whole = {k: (side_vector(k, "src"), side_vector(k, "tgt")) for k in beads}
    gains = []
    for (k, side, start, end), vec in zip(candidates, vectors[: len(reduced)]):
        src_vec, tgt_vec = whole[k]
        mine, other = (src_vec, tgt_vec) if side == "src" else (tgt_vec, src_vec)
        gains.append(float(vec @ other) - float(mine @ other))
    min_gain = limits.part_gain
    best: dict[tuple[int, Side], tuple[float, int, int]] = {}
    for (k, side, start, end), gain in zip(candidates, gains):
        if gain >= min_gain and ((k, side) not in best or gain > best[k, side][0]):
            best[k, side] = (gain, start, end)
    issues: dict[int, list[Issue]] = {}
    for (k, side), (gain, start, end) in sorted(best.items()):
        part = text[k, side][start:end]
        category, message = (("omission", "this part of the source seems to be missing in the target")
                             if side == "src" else ("addition", "this part of the target is not in the source"))
        issues.setdefault(k, []).append(Issue(category, f"partial-{category}", "warning",
                                              f"{message}: \"{part[:70]}\"",
                                              (Span(side, start, end, part),), strength=gain / stats.cos_scale))
    return issues
