"""Data passed between the pipeline stages: read -> segment -> embed -> align -> export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph"]


@dataclass(frozen=True)
class Block:
    """A paragraph or heading of a document, before sentence splitting."""

    text: str
    kind: BlockKind = "paragraph"


@dataclass
class Document:
    """One language version of an article, as read from disk."""

    path: Path
    lang: str
    blocks: list[Block]
    # True when every block is already one sentence (--presegmented input).
    presegmented: bool = False


@dataclass(frozen=True)
class Sentence:
    """A segment of a document; `index` is its 0-based position in the document."""

    index: int
    text: str
    paragraph: int  # index of the block it came from
    is_heading: bool = False


@dataclass(frozen=True)
class Bead:
    """An alignment unit: consecutive source sentences paired with consecutive target ones.

    Either side may be empty (1:0 omission, 0:1 addition). `score` is a confidence in [0, 1].
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0

    @property
    def shape(self) -> str:
        return f"{len(self.src)}:{len(self.tgt)}"

    @property
    def is_pair(self) -> bool:
        return bool(self.src) and bool(self.tgt)

    def ids(self, side: Side) -> tuple[int, ...]:
        """The sentence indices of one side ('src' or 'tgt')."""
        return self.src if side == "src" else self.tgt


@dataclass
class Alignment:
    """The result of aligning one document pair."""

    name: str
    src_lang: str
    tgt_lang: str
    src: list[Sentence]
    tgt: list[Sentence]
    beads: list[Bead]
    src_path: Path | None = None
    tgt_path: Path | None = None
    meta: dict[str, str] = field(default_factory=dict)
    # Sentence embeddings (source, target) when the aligner computed them; checks reuse them.
    embeddings: tuple[Any, Any] | None = field(default=None, repr=False, compare=False)
    # The encoder that aligned it: `findings()` re-encodes parts of pairs with the same one.
    encoder: Any = field(default=None, repr=False, compare=False)

    def src_text(self, bead: Bead) -> str:
        return " ".join(self.src[i].text for i in bead.src)

    def tgt_text(self, bead: Bead) -> str:
        return " ".join(self.tgt[j].text for j in bead.tgt)

    def side_text(self, bead: Bead, side: Side) -> str:
        return self.src_text(bead) if side == "src" else self.tgt_text(bead)

    # ---- the alignment as data and as files (the same writers as the CLI) --------------
    def pairs(self, include_unpaired: bool = False) -> Iterator[tuple[str, str, float, str]]:
        """(source text, target text, confidence, shape) per bead with text on both sides
        (also the 1:0 / 0:1 beads, with an empty side, when `include_unpaired`)."""
        for bead in self.beads:
            if bead.is_pair or include_unpaired:
                yield self.src_text(bead), self.tgt_text(bead), bead.score, bead.shape

    def to_polars(self) -> Any:
        """A polars DataFrame, one row per bead: document, bead, shape, score, src_ids,
        tgt_ids (lists of sentence indices), src_text, tgt_text."""
        import polars as pl

        return pl.DataFrame(
            {
                "document": [self.name] * len(self.beads),
                "bead": list(range(len(self.beads))),
                "shape": [b.shape for b in self.beads],
                "score": [float(b.score) for b in self.beads],
                "src_ids": [list(b.src) for b in self.beads],
                "tgt_ids": [list(b.tgt) for b in self.beads],
                "src_text": [self.src_text(b) for b in self.beads],
                "tgt_text": [self.tgt_text(b) for b in self.beads],
            },
            schema={"document": pl.String, "bead": pl.Int64, "shape": pl.String, "score": pl.Float64,
                    "src_ids": pl.List(pl.Int64), "tgt_ids": pl.List(pl.Int64), "src_text": pl.String,
                    "tgt_text": pl.String},
        )

    def to_tmx(self, src_lang_code: str | None = None, tgt_lang_code: str | None = None) -> str:
        """TMX 1.4b as a string (what `write(..., "tmx")` writes)."""
        from .export import ExportOptions, tmx_string

        return tmx_string(self, ExportOptions(src_lang_code, tgt_lang_code))

    def to_csv(self) -> str:
        from .export import csv_string

        return csv_string(self)

    def to_jsonl(self, src_lang_code: str | None = None, tgt_lang_code: str | None = None) -> str:
        from .export import ExportOptions, jsonl_string

        return jsonl_string(self, ExportOptions(src_lang_code, tgt_lang_code))

    def findings(self, encoder: Any = None) -> list[Finding]:
        """The discrepancy findings, from the same checks and encoder as the CLI."""
        from .pipeline import find_discrepancies

        return find_discrepancies(self, encoder)

    def write(self, out_dir: str | Path, formats: str | Iterable[str] = ("tmx", "csv", "findings", "report")
              ) -> list[Path]:
        """Write NAME.tmx, NAME.csv, ... into `out_dir`; `formats` is a list or a string
        ("tmx" or "tmx,csv"). Returns the paths written."""
        from .pipeline import write_outputs

        return write_outputs(self, Path(out_dir), formats)


Severity = Literal["error", "warning", "info"]
Side = Literal["src", "tgt"]


@dataclass(frozen=True)
class Span:
    """A stretch of a bead's text that a finding points at.

    Offsets are into the bead's joined text on that side (`Alignment.src_text(bead)` /
    `tgt_text(bead)`: sentences joined with one space).
    """

    side: Side
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Issue:
    """What a check found in one pair of texts, before it is tied to a bead."""

    category: str  # ITS 2.0 localization-quality issue type (omission, addition, untranslated, ...)
    check: str  # the specific check that fired (number-mismatch, name-mismatch, ...)
    severity: Severity
    message: str  # one line a translator understands
    evidence: tuple[Span, ...] = ()
    # how strongly the check's own evidence speaks (check-specific, larger = surer; 0 when
    # the check has no graded evidence): one input of the finding's sureness
    strength: float = 0.0


@dataclass(frozen=True)
class Finding:
    """A place where the two versions disagree, for a person to review."""

    document: str
    bead: int  # index into Alignment.beads; -1 when not tied to one bead
    src_ids: tuple[int, ...]
    tgt_ids: tuple[int, ...]
    src_text: str
    tgt_text: str
    category: str
    check: str
    severity: Severity
    message: str
    evidence: tuple[Span, ...] = ()
    score: float | None = None  # the bead's confidence
    strength: float = field(default=0.0, compare=False)  # the Issue's
    # how likely this finding points at a real problem, in [0, 1] (`check.assess`)
    sureness: float | None = None
    # the checks of the bead's other findings, folded into this one (`check.fold`): their
    # messages follow its own, their evidence spans are among its
    also: tuple[str, ...] = ()
    # what the sureness was estimated from (`check.SIGNALS`); not exported
    signals: tuple[float, ...] = field(default=(), compare=False, repr=False)
