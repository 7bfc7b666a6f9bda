"""Data passed between the pipeline stages: read -> segment -> embed -> align -> export."""

from __future__ import annotations

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

    def src_text(self, bead: Bead) -> str:
        return " ".join(self.src[i].text for i in bead.src)

    def tgt_text(self, bead: Bead) -> str:
        return " ".join(self.tgt[j].text for j in bead.tgt)


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
