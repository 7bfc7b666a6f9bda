"""The combined corpus of a batch (`corpus.tmx`, `corpus.csv`, `corpus.jsonl`), written as a
stream from the pairs' results, so that memory does not grow with the batch.

Hygiene for MT training applies here, and only here (each pair's own files keep every bead):
- identical units (same source and target text) are kept once, at their first place, with
  how many times they occur: the TMX prop `x-count`, the CSV column `count`, the JSONL key
  `count` (`keep_duplicates` writes every one, each with count 1);
- pairs whose confidence is below `min_score` are left out.

The CSV holds every bead, as a pair's CSV does (1:0 and 0:1 rows included; `min_score`
does not apply to them); TMX and JSONL hold the pairs.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree

from .export import (
    CORPUS_FORMATS,
    CSV_COLUMNS,
    ExportOptions,
    _tmx_date,
    csv_row,
    jsonl_record,
    langs_of,
    tmx_header,
    tmx_unit,
)
from .model import Alignment
from .naming import output_path

COMBINED_STEM = "corpus"


@dataclass(frozen=True)
class CorpusFilter:
    keep_duplicates: bool = False
    min_score: float | None = None  # pairs below it are left out of the combined corpus


@dataclass
class CorpusStats:
    """What went into the combined corpus: pairs (TUs) written, and removed by each filter."""

    units: int = 0
    duplicates: int = 0
    below_min_score: int = 0
    rows: int = 0  # CSV rows (every bead kind)
    files: list[Path] = field(default_factory=list)


def _key(src: str, tgt: str) -> bytes:
    return hashlib.blake2b(f"{src}\0{tgt}".encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _kept(alignment: Alignment, number: int, corpus_filter: CorpusFilter) -> bool:
    bead = alignment.beads[number]
    return not (bead.is_pair and corpus_filter.min_score is not None and bead.score < corpus_filter.min_score)


def count_units(alignments: Iterable[Alignment], corpus_filter: CorpusFilter) -> Counter[bytes]:
    """First pass: how often each (source, target) text occurs among the beads kept."""
    counts: Counter[bytes] = Counter()
    for alignment in alignments:
        for number, bead in enumerate(alignment.beads):
            if _kept(alignment, number, corpus_filter):
                counts[_key(alignment.src_text(bead), alignment.tgt_text(bead))] += 1
    return counts


def write_corpus(alignments: Callable[[], Iterable[Alignment]], folder: Path, formats: Iterable[str],
                 options: ExportOptions = ExportOptions(), corpus_filter: CorpusFilter = CorpusFilter(),
                 counts: Counter[bytes] | None = None) -> CorpusStats:
    """Write `folder/corpus.<ext>` for the chosen corpus formats. `alignments()` gives the
    alignments in corpus order; it is called once to write, and once before to count the
    duplicates unless `counts` (from `count_units`) is given."""
    chosen = [f for f in formats if f in CORPUS_FORMATS]
    stats = CorpusStats()
    if not chosen:
        return stats
    if corpus_filter.keep_duplicates:
        counts = None
    elif counts is None:
        counts = count_units(alignments(), corpus_filter)
    date = _tmx_date()
    paths = {f: output_path(folder, COMBINED_STEM, "." + f, combined=True) for f in chosen}
    with ExitStack() as stack:
        handles = {f: stack.enter_context(open(path, "w", encoding="utf-8", newline="")) for f, path in paths.items()}
        writer = csv.writer(handles["csv"], lineterminator="\r\n") if "csv" in handles else None
        if writer is not None:
            writer.writerow([*CSV_COLUMNS, "count"])
        tmx = _TmxStream(handles["tmx"], options, date) if "tmx" in handles else None
        seen: set[bytes] = set()
        for alignment in alignments():
            langs = langs_of(alignment, options)
            for number, bead in enumerate(alignment.beads):
                if not _kept(alignment, number, corpus_filter):
                    stats.below_min_score += 1
                    continue
                count = 1
                if counts is not None:
                    key = _key(alignment.src_text(bead), alignment.tgt_text(bead))
                    if key in seen:
                        stats.duplicates += bead.is_pair
                        continue
                    seen.add(key)
                    count = counts[key]
                stats.rows += 1
                if writer is not None:
                    writer.writerow([*csv_row(alignment, number), str(count)])
                if not bead.is_pair:
                    continue
                stats.units += 1
                if tmx is not None:
                    tmx.write(alignment, number, langs, count)
                if "jsonl" in handles:
                    record = {**jsonl_record(alignment, number, langs), "count": count}
                    handles["jsonl"].write(json.dumps(record, ensure_ascii=False) + "\n")
        if tmx is not None:
            tmx.close()
    stats.files = [paths[f] for f in chosen]
    return stats


class _TmxStream:
    """TMX 1.4b written one <tu> at a time; the header comes from the first alignment."""

    def __init__(self, handle: IO[str], options: ExportOptions, date: str) -> None:
        self.handle, self.options, self.date = handle, options, date
        self.started = False

    def _start(self, alignment: Alignment | None) -> None:
        srclang = (self.options.src_lang_code or (alignment.src_lang if alignment else None)) or "en"
        header = tmx_header(alignment.meta if alignment else {}, srclang, self.date)
        self.handle.write('<?xml version=\'1.0\' encoding=\'UTF-8\'?>\n<tmx version="1.4">\n  ')
        self.handle.write(etree.tostring(header, encoding="unicode", pretty_print=True).replace("\n", "\n  ")
                          .rstrip(" "))
        self.handle.write("  <body>\n")
        self.started = True

    def write(self, alignment: Alignment, number: int, langs: tuple[str, str], count: int) -> None:
        if not self.started:
            self._start(alignment)
        text = etree.tostring(tmx_unit(alignment, number, langs, self.date, count), encoding="unicode",
                              pretty_print=True)
        self.handle.write("    " + text.rstrip("\n").replace("\n", "\n    ") + "\n")

    def close(self) -> None:
        if not self.started:
            self._start(None)
        self.handle.write("  </body>\n</tmx>\n")
