"""Data passed between the pipeline stages: read -> segment -> embed -> align -> export."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

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

    def src_text(self, bead: Bead) -> str:
        return " ".join(self.src[i].text for i in bead.src)

    def tgt_text(self, bead: Bead) -> str:
        return " ".join(self.tgt[j].text for j in bead.tgt)
