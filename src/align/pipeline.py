"""The Python API: read -> segment -> embed -> align -> export, for one pair or a folder."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .aligner import AlignerConfig, DocumentModel, SideFeatures, align_with_model, mark_counts, model_for_beads
from .atomic import staged_set
from .confidence import PAIR_COEF, SKIP_COEF, bead_confidences
from .embed import Encoder, encode_texts, encoder_languages, make_encoder
from .errors import AlignError
from .export import EXPORTERS, ExportOptions, export
from .languages import check_languages, check_text_language
from .model import Alignment, Bead, Document, Finding, Sentence
from .naming import output_path
from .read import read_document
from .segment import SrxSegmenter
from .textkinds import is_translator_note

if TYPE_CHECKING:
    from .batch import BatchPlan, BatchSummary


@dataclass
class Aligner:
    """Holds the replaceable stages; `align_files` runs them on one document pair."""

    src_lang: str = "en"
    tgt_lang: str = "de"
    encoder: Encoder = field(default_factory=make_encoder)
    segmenter: SrxSegmenter = field(default_factory=SrxSegmenter)
    config: AlignerConfig = field(default_factory=AlignerConfig)
    presegmented: bool = False
    encoding: str | None = None  # None: UTF-8, or UTF-16/32 with a byte-order mark (textio)
    max_input_mb: float | None = None  # None: textio.DEFAULT_MAX_INPUT_MB
    force: bool = False  # align even two texts that do not look like translations of each other

    def __post_init__(self) -> None:
        check_languages([self.src_lang, self.tgt_lang], encoder_languages(self.encoder), self.encoder.name)

    def sentences(self, path: str | Path, lang: str) -> tuple[Document, list[Sentence]]:
        doc = read_document(path, lang, presegmented=self.presegmented, encoding=self.encoding,
                            max_input_mb=self.max_input_mb)
        return doc, self.segmenter.segment(doc)

    def align_sentences(self, src: Sequence[Sentence] | Sequence[str], tgt: Sequence[Sentence] | Sequence[str],
                        name: str = "document") -> Alignment:
        """Align two documents given as sentences: `Sentence` objects (indices 0, 1, 2, ...)
        or plain strings (one paragraph)."""
        src, tgt = as_sentences(src, "source"), as_sentences(tgt, "target")
        self.check_languages(src, tgt, name)
        vectors = encode_texts(self.encoder, [s.text for s in src] + [t.text for t in tgt])
        return self.align_embedded(src, tgt, vectors[: len(src)], vectors[len(src):], name)

    def check_languages(self, src: Sequence[Sentence], tgt: Sequence[Sentence], name: str) -> None:
        """Refuse a side that is clearly in another language than given (`force` skips it)."""
        if not self.force:
            for side, lang, where in ((src, self.src_lang, "source"), (tgt, self.tgt_lang, "target")):
                check_text_language(" ".join(s.text for s in side[:200]), lang, f"{where} of {name}")

    def align_embedded(self, src: list[Sentence], tgt: list[Sentence], src_emb: np.ndarray, tgt_emb: np.ndarray,
                       name: str = "document") -> Alignment:
        """Align sentences whose embeddings are given (from `encode_texts` with this encoder:
        a batch encodes several documents in one call)."""
        src_side = _features(src, src_emb)
        tgt_side = _features(tgt, tgt_emb)
        ids, model = align_with_model(src_side, tgt_side, self.config)
        if not self.force and model is not None:
            check_translation(model, name, self.config)
        scores = bead_confidences(ids, model, self.config)
        beads = [Bead(s, t, round(float(c), 4)) for (s, t), c in zip(ids, scores)]
        return Alignment(name, self.src_lang, self.tgt_lang, src, tgt, beads,
                         meta=_record(self.encoder.name, self.config, model), embeddings=(src_emb, tgt_emb),
                         encoder=self.encoder)

    def align_files(self, src_path: str | Path, tgt_path: str | Path, name: str | None = None) -> Alignment:
        if _same_file(src_path, tgt_path):
            raise AlignError(Path(tgt_path), "is the source file itself; give the translation as the target")
        src_doc, src = self.sentences(src_path, self.src_lang)
        tgt_doc, tgt = self.sentences(tgt_path, self.tgt_lang)
        alignment = self.align_sentences(src, tgt, name or default_name(src_path))
        alignment.src_path, alignment.tgt_path = src_doc.path, tgt_doc.path
        return alignment


def check_translation(model: DocumentModel, name: str, config: AlignerConfig) -> None:
    """Refuse two texts that do not look like translations of each other: enough anchors to
    tell, and their order hardly shared (`force` skips it)."""
    anchors, tau = model.translation_evidence()
    if anchors >= config.verdict_min_anchors and tau < config.verdict_min_tau:
        raise AlignError(None, f"{name}: the two texts do not look like translations of each other (their "
                               f"best-matching sentences share little order: {anchors} matches, Kendall's tau "
                               f"{tau:.2f}); --force aligns them anyway")


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # a file is missing: reading it says so
        return False


def as_sentences(items: Sequence[Sentence] | Sequence[str], side: str = "source") -> list[Sentence]:
    """Sentences from strings (one paragraph: a list says nothing about paragraphs), or given
    Sentences checked to be numbered 0, 1, 2, ... in order (an alignment refers to sentences
    by that index)."""
    given: list[object] = list(items)
    texts = [x for x in given if isinstance(x, str)]
    if len(texts) == len(given):
        return [Sentence(i, " ".join(text.split()), 0) for i, text in enumerate(texts)]
    sentences = [x for x in given if isinstance(x, Sentence)]
    if len(sentences) != len(given):
        kinds = sorted({type(x).__name__ for x in given})
        raise TypeError(f"{side} sentences must be all str or all Sentence, got {', '.join(kinds)}")
    for position, sentence in enumerate(sentences):
        if sentence.index != position:
            raise ValueError(f"{side} sentence {position} has index {sentence.index}; "
                             f"indices must be 0, 1, 2, ... in order")
    return sentences


def embed_and_score(alignment: Alignment, encoder: Encoder, config: AlignerConfig | None = None) -> Alignment:
    """Give an alignment read from elsewhere (a TMX, a CSV) embeddings and fresh confidences,
    from a document model estimated around its own beads."""
    config = config or AlignerConfig()
    vectors = encode_texts(encoder, [s.text for s in alignment.src] + [t.text for t in alignment.tgt])
    src_emb, tgt_emb = vectors[: len(alignment.src)], vectors[len(alignment.src):]
    ids = [(b.src, b.tgt) for b in alignment.beads]
    model = model_for_beads(_features(alignment.src, src_emb), _features(alignment.tgt, tgt_emb), ids, config)
    scores = bead_confidences(ids, model, config)
    alignment.beads = [Bead(s, t, round(float(c), 4)) for (s, t), c in zip(ids, scores)]
    alignment.embeddings = (src_emb, tgt_emb)
    alignment.encoder = encoder
    return alignment


def _record(encoder: str, config: AlignerConfig, model: DocumentModel | None) -> dict[str, str]:
    """What the outputs record to make a result reproducible: encoder, settings, and what was
    estimated from the document."""
    meta = {"encoder": encoder, "aligner": json.dumps(config.as_dict(), sort_keys=True),
            "confidence": json.dumps({"pair": PAIR_COEF, "unpaired": SKIP_COEF}, sort_keys=True)}
    if model is not None:
        meta["document_model"] = json.dumps(model.summary(), sort_keys=True)
    return meta


def _features(sentences: list[Sentence], emb: np.ndarray) -> SideFeatures:
    return SideFeatures(
        emb,
        np.array([len(s.text) for s in sentences], dtype=np.float64),
        np.array([s.paragraph for s in sentences]),
        np.array([s.is_heading for s in sentences]),
        np.array([is_translator_note(s.text) for s in sentences]),
        mark_counts([s.text for s in sentences]),
    )


def default_name(path: str | Path) -> str:
    """'corpora/belarus.en.txt' -> 'belarus': the file name up to its first dot."""
    return Path(path).name.split(".", 1)[0] or Path(path).name


# Outputs beside the corpus formats: the discrepancy findings (CSV + JSONL) and the HTML report.
REPORT_FORMATS = ("findings", "report")
ALL_FORMATS = (*EXPORTERS, *REPORT_FORMATS)


def check_formats(formats: str | Iterable[str]) -> list[str]:
    """The chosen formats as a list; a string is one format or several joined by commas."""
    if isinstance(formats, str):
        formats = formats.split(",")
    chosen = list(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in ALL_FORMATS]
    if unknown or not chosen:
        raise AlignError(None, f"unknown output format '{','.join(unknown) or '(none)'}'; "
                               f"choose from {', '.join(ALL_FORMATS)}")
    return chosen


def find_discrepancies(alignment: Alignment, encoder: Encoder | None = None) -> list[Finding]:
    """The discrepancy findings of an alignment. The encoder (by default the one that made
    the alignment) enables the dropped-clause test, which re-encodes parts of pairs."""
    from .check import check_alignment

    return check_alignment(alignment, encoder if encoder is not None else alignment.encoder)


def corpus_findings(alignments: list[Alignment], encoder: Encoder | None) -> dict[str, list[Finding]]:
    """Each document's findings plus the batch-level ones (inconsistent translations), in
    bead order, by document name."""
    from .check import check_corpus

    findings = {a.name: find_discrepancies(a, encoder) for a in alignments}
    for finding in check_corpus(alignments):
        findings[finding.document].append(finding)
    for found in findings.values():
        found.sort(key=lambda f: f.bead)
    return findings


def write_combined_findings(alignments: list[Alignment], findings: dict[str, list[Finding]],
                            out_dir: Path) -> list[Path]:
    """`findings.csv` with every document's findings and `findings-summary.csv` with counts."""
    from .check import write_findings_csv, write_summary_csv

    everything = [f for a in alignments for f in findings[a.name]]
    paths = [output_path(out_dir, "findings", ".csv", True), output_path(out_dir, "findings-summary", ".csv", True)]
    write_findings_csv(everything, paths[0])
    write_summary_csv(alignments, everything, paths[1])
    return paths


def write_outputs(alignment: Alignment, out_dir: str | Path, formats: str | Iterable[str],
                  options: ExportOptions = ExportOptions(), findings: list[Finding] | None = None) -> list[Path]:
    """Write the chosen formats for one alignment; `findings` are computed if needed and not given."""
    formats = check_formats(formats)
    out_dir = Path(out_dir)
    if any(f in REPORT_FORMATS for f in formats) and findings is None:
        findings = find_discrepancies(alignment)
    with staged_set(out_dir) as stage:
        written = export([alignment], stage, alignment.name, [f for f in formats if f in EXPORTERS], options)
        if any(f in REPORT_FORMATS for f in formats):
            from .check import write_findings_csv, write_findings_jsonl
            from .report import write_report

            assert findings is not None
            if "findings" in formats:
                for suffix, writer in ((".findings.csv", write_findings_csv), (".findings.jsonl", write_findings_jsonl)):
                    path = output_path(stage, alignment.name, suffix)
                    writer(findings, path)
                    written.append(path)
            if "report" in formats:
                path = output_path(stage, alignment.name, ".report.html")
                write_report(alignment, findings, path)
                written.append(path)
    written = [out_dir / p.name for p in written]
    return written


def find_pairs(folder: str | Path, src_lang: str, tgt_lang: str) -> BatchPlan:
    """The pairs of a folder (NAME.<src>.EXT + NAME.<tgt>.EXT, or <src>/NAME.EXT +
    <tgt>/NAME.EXT): a `batch.BatchPlan` with the jobs sorted by name, the pairs that cannot
    run (an ambiguous side, a name that is not UTF-8) and the files with no partner."""
    from .batch import plan_folder

    return plan_folder(folder, src_lang, tgt_lang)


def align_folder(aligner: Aligner, source: str | Path, out_dir: str | Path,
                 formats: Iterable[str] = ALL_FORMATS, options: ExportOptions = ExportOptions(),
                 **settings: Any) -> BatchSummary:
    """Align every pair of a folder (or a manifest file) into `out_dir`: each pair's files,
    the combined corpus and the review files; resumable (see `align.batch`). Keyword
    settings are those of `batch.BatchSettings` (workers, restart, corpus, quiet, ...).
    Returns a `batch.BatchSummary`."""
    from .batch import BatchSettings, run_batch

    return run_batch(aligner, source, out_dir,
                     BatchSettings(formats=tuple(check_formats(formats)), export=options, **settings))
