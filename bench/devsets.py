"""The alignment development sets in ../shared/data (and corpora/), loaded one way for every
benchmark: documents as lists of `Sentence`s, gold beads, language pair and family.

Families (for leave-one-family-out tuning): de-fr (Text+Berg), en-fr/es (TransRead), zh-en
(academic, political, magazine, Bible) and en-de (WMT24, corpora/).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from common import ROOT, SHARED, read_lines

from align.evaluate import BeadIds, Scores, score_alignments
from align.export import read_beads
from align.model import Sentence

# What Bertalign's algorithm with this project's encoder scores (../shared/data/README.md).
ANCHOR = {
    "textberg-dev": (0.860, 0.982),
    "transread": (0.937, 0.995),
    "zh-en/aca": (0.990, 0.999),
    "zh-en/pol": (0.968, 0.996),
    "zh-en/mag": (0.973, 0.998),
}


@dataclass
class Doc:
    name: str
    src_lang: str
    tgt_lang: str
    src: list[Sentence]
    tgt: list[Sentence]
    gold: list[BeadIds]
    # Bible: the verse of every sentence, per side; beads within one verse are merged to score.
    verses: tuple[list[str], list[str]] | None = None


@dataclass
class DevSet:
    name: str
    family: str
    docs: list[Doc]
    # "strict": strict and lax F1; "lax": paragraph-level gold, only lax is meaningful;
    # "verse": strict after merging beads within a verse, and lax.
    scoring: str = "strict"
    anchor: tuple[float, float] | None = None
    meta: dict = field(default_factory=dict)

    @property
    def sentences(self) -> int:
        return sum(len(d.src) + len(d.tgt) for d in self.docs)


def _lines(path: Path) -> list[Sentence]:
    return [Sentence(i, text, 0) for i, text in enumerate(read_lines(path))]


def _beads(path: Path) -> list[BeadIds]:
    return [(tuple(s), tuple(t)) for s, t in read_beads(path)]


def textberg() -> DevSet:
    d = SHARED / "textberg-dev"
    doc = Doc("dev", "de", "fr", _lines(d / "dev.de"), _lines(d / "dev.fr"), _beads(d / "dev.defr"))
    return DevSet("textberg-dev", "de-fr", [doc], anchor=ANCHOR["textberg-dev"])


def transread() -> DevSet:
    docs = []
    for book in sorted(p for p in (SHARED / "transread").iterdir() if p.is_dir()):
        tgt_lang = book.name.rsplit("-", 1)[1]
        docs.append(Doc(book.name, "en", tgt_lang, _lines(book / "en"), _lines(book / tgt_lang),
                        _beads(book / "gold")))
    return DevSet("transread", "en-fr/es", docs, anchor=ANCHOR["transread"])


def zh_en(name: str) -> DevSet:
    d = SHARED / "zh-en" / name
    src, tgt = ("zh", "en") if name == "pol" else ("en", "zh")
    doc = Doc(name, src, tgt, _lines(d / src), _lines(d / tgt), _beads(d / "gold"))
    return DevSet(f"zh-en/{name}", "zh-en", [doc], anchor=ANCHOR.get(f"zh-en/{name}"))


def bible() -> DevSet:
    d = SHARED / "zh-en" / "bible"
    doc = Doc("bible", "en", "zh", _lines(d / "en"), _lines(d / "zh"), _beads(d / "gold"),
              verses=(read_lines(d / "en.verse"), read_lines(d / "zh.verse")))
    return DevSet("zh-en/bible", "zh-en", [doc], scoring="verse")


def wmt24() -> DevSet:
    d = SHARED / "wmt24-en-de"
    names = [line.split("\t")[0] for line in read_lines(d / "manifest.tsv")[1:]]
    docs = [Doc(n, "en", "de", _lines(d / "en" / n), _lines(d / "de" / n), _beads(d / "gold" / n))
            for n in names]
    return DevSet("wmt24-en-de", "en-de", docs, scoring="lax")


def corpora() -> DevSet:
    """Our own article pairs, segmented by the pipeline (paragraphs and headings kept)."""
    from align.read import read_document
    from align.segment import SrxSegmenter

    segmenter = SrxSegmenter()
    docs = []
    for gold in sorted((ROOT / "corpora").glob("*.gold.beads")):
        name = gold.name.split(".")[0]
        src_path = next((ROOT / "corpora").glob(f"{name}.en.*"))
        tgt_path = next((ROOT / "corpora").glob(f"{name}.de.*"))
        src = segmenter.segment(read_document(src_path, "en"))
        tgt = segmenter.segment(read_document(tgt_path, "de"))
        docs.append(Doc(name, "en", "de", src, tgt, _beads(gold)))
    return DevSet("corpora", "en-de", docs)


LOADERS = {
    "textberg-dev": textberg,
    "transread": transread,
    "zh-en/aca": lambda: zh_en("aca"),
    "zh-en/pol": lambda: zh_en("pol"),
    "zh-en/mag": lambda: zh_en("mag"),
    "zh-en/bible": bible,
    "wmt24-en-de": wmt24,
    "corpora": corpora,
}
FAMILIES = ("de-fr", "en-fr/es", "zh-en", "en-de")


def load_sets(names: list[str] | None = None) -> list[DevSet]:
    if not SHARED.exists():
        raise SystemExit(f"skipped: {SHARED} not found (the shared data sits beside the repository)")
    return [LOADERS[n]() for n in (names or LOADERS)]


def merge_within_verses(beads: list[BeadIds], verses: tuple[list[str], list[str]]) -> list[BeadIds]:
    """Join consecutive beads that share a verse on either side (beads empty on one side
    join their neighbour when they share its verse), so that a verse-level gold can be
    compared strictly."""
    src_v, tgt_v = verses
    out: list[tuple[list[int], list[int], set[str], set[str]]] = []
    for s, t in beads:
        sv = {src_v[i] for i in s}
        tv = {tgt_v[j] for j in t}
        if out and (sv & out[-1][2] or tv & out[-1][3]):
            last = out[-1]
            last[0].extend(s)
            last[1].extend(t)
            last[2].update(sv)
            last[3].update(tv)
        else:
            out.append((list(s), list(t), sv, tv))
    return [(tuple(s), tuple(t)) for s, t, _, _ in out]


def score_set(devset: DevSet, tests: list[list[BeadIds]]) -> tuple[float | None, float]:
    """(strict F1 or None where the gold does not support it, lax F1) of one set."""
    pairs = [(d.gold, t) for d, t in zip(devset.docs, tests)]
    lax: Scores = score_alignments(pairs)
    if devset.scoring == "lax":
        return None, lax.lax_f1
    if devset.scoring == "verse":
        merged = [(merge_within_verses(g, d.verses), merge_within_verses(t, d.verses))
                  for d, (g, t) in zip(devset.docs, pairs)]
        return score_alignments(merged).strict_f1, lax.lax_f1
    return lax.strict_f1, lax.lax_f1
