"""Sentence segmentation with SRX rules (choppa-srx, LanguageTool's rule set by default).

Segments never cross a block (paragraph or heading) boundary. No segment is longer than
MAX_SEGMENT_CHARS, whatever the punctuation: a longer one is cut at the last space before the
limit (or at the limit, in text without spaces), so that a megabyte without a full stop costs
no more than ordinary text. The rules are applied to pieces of at most SRX_CHUNK_CHARS.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import AlignError
from .model import Document, Sentence

if TYPE_CHECKING:
    from choppa import SrxDocument

_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f\u061f\u0964]")
MAX_SEGMENT_CHARS = 2000
SRX_CHUNK_CHARS = 20_000
# More forced cuts than this in one document: it is not running text (a dump, a table on one
# line, base64), and encoding megabytes of it would take many minutes: refused.
MAX_FORCED_CUTS = 50


def hard_split(text: str, limit: int = MAX_SEGMENT_CHARS) -> list[str]:
    """`text` cut into pieces of at most `limit` characters, at spaces where there are any."""
    pieces = []
    while len(text) > limit:
        cut = text.rfind(" ", limit // 2, limit + 1)
        cut = cut if cut > 0 else limit
        pieces.append(text[:cut].strip())
        text = text[cut:].strip()
    if text:
        pieces.append(text)
    return [p for p in pieces if p]


@lru_cache(maxsize=8)
def _srx_document(srx_path: str | None) -> SrxDocument:
    from choppa import DEFAULT_SRX_RULESET, SrxDocument

    path = Path(srx_path) if srx_path else DEFAULT_SRX_RULESET
    if not path.exists():  # choppa reports a missing file as a URL error
        raise AlignError(path, "SRX rules file not found")
    if path.is_dir():
        raise AlignError(path, "is a folder, not a file")
    try:
        return SrxDocument(ruleset=path)
    except FileNotFoundError:
        raise AlignError(path, "SRX rules file not found") from None
    except Exception as exc:  # noqa: BLE001 - lxml / parser errors: report them as a bad rules file
        raise AlignError(path, f"not a valid SRX rules file ({exc})") from None


def _cut(text: str) -> tuple[list[str], int]:
    """`hard_split` of one segment, and how many cuts it took."""
    pieces = hard_split(text)
    return pieces, max(len(pieces) - 1, 0)


class SrxSegmenter:
    """Splits each block of a document into sentences with an SRX rule set."""

    def __init__(self, srx: str | Path | None = None) -> None:
        self.srx = str(srx) if srx else None

    def split(self, text: str, lang: str) -> list[str]:
        """Split one paragraph's text into sentences (whitespace normalised)."""
        return self._split(text, lang)[0]

    def _split(self, text: str, lang: str) -> tuple[list[str], int]:
        """Sentences, and how many cuts at MAX_SEGMENT_CHARS they took."""
        from choppa import SrxTextIterator

        text = _SPACE.sub(" ", text).strip()
        out: list[str] = []
        cuts = 0
        if not text:
            return out, cuts
        # "_one": a line break also ends a segment; blocks have none left after normalising.
        for chunk in hard_split(text, SRX_CHUNK_CHARS):
            for part in SrxTextIterator(_srx_document(self.srx), f"{lang}_one", chunk):
                pieces, n = _cut(part.strip())
                out += pieces
                cuts += n
        return out, cuts

    def _block(self, doc: Document, text: str, kind: str) -> tuple[list[str], int]:
        if doc.presegmented:
            out: list[str] = []
            cuts = 0
            for line in text.split("\n"):
                pieces, n = _cut(_SPACE.sub(" ", line).strip())
                out += pieces
                cuts += n
            return out, cuts
        if kind == "heading":
            return _cut(_SPACE.sub(" ", text).strip())
        if len(text) > (MAX_FORCED_CUTS + 1) * MAX_SEGMENT_CHARS and not _SENTENCE_END.search(text):
            return [], len(text) // MAX_SEGMENT_CHARS  # no sentence end at all: not worth segmenting
        return self._split(text, doc.lang)

    def segment(self, doc: Document) -> list[Sentence]:
        sentences: list[Sentence] = []
        cuts = 0
        for b, block in enumerate(doc.blocks):
            pieces, n = self._block(doc, block.text, block.kind)
            cuts += n
            if cuts > MAX_FORCED_CUTS:
                raise AlignError(doc.path, f"paragraph {b + 1} is not running text: over "
                                           f"{MAX_FORCED_CUTS * MAX_SEGMENT_CHARS // 1000}k characters without a "
                                           f"sentence end; split it into lines or paragraphs first")
            for piece in pieces:
                if piece:
                    sentences.append(Sentence(len(sentences), piece, b, block.kind == "heading"))
        if not sentences:
            raise AlignError(doc.path, "no sentences found in the document")
        return sentences
