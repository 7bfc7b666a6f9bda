"""Sentence segmentation with SRX rules (choppa-srx, LanguageTool's rule set by default).

Segments never cross a block (paragraph or heading) boundary.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .errors import AlignError
from .model import Document, Sentence

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=8)
def _srx_document(srx_path: str | None):
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
    except Exception as exc:  # lxml / parser errors: report them as a bad rules file
        raise AlignError(path, f"not a valid SRX rules file ({exc})") from None


class SrxSegmenter:
    """Splits each block of a document into sentences with an SRX rule set."""

    def __init__(self, srx: str | Path | None = None) -> None:
        self.srx = str(srx) if srx else None

    def split(self, text: str, lang: str) -> list[str]:
        """Split one paragraph's text into sentences (whitespace normalised)."""
        from choppa import SrxTextIterator

        text = _SPACE.sub(" ", text).strip()
        if not text:
            return []
        # "_one": a line break also ends a segment; blocks have none left after normalising.
        parts = SrxTextIterator(_srx_document(self.srx), f"{lang}_one", text)
        return [p.strip() for p in parts if p.strip()]

    def segment(self, doc: Document) -> list[Sentence]:
        sentences: list[Sentence] = []
        for b, block in enumerate(doc.blocks):
            if doc.presegmented:
                pieces = [_SPACE.sub(" ", line).strip() for line in block.text.split("\n")]
            elif block.kind == "heading":
                pieces = [_SPACE.sub(" ", block.text).strip()]
            else:
                pieces = self.split(block.text, doc.lang)
            for piece in pieces:
                if piece:
                    sentences.append(Sentence(len(sentences), piece, b, block.kind == "heading"))
        if not sentences:
            raise AlignError(doc.path, "no sentences found in the document")
        return sentences
