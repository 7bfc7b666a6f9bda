"""Read a document from disk into blocks (paragraphs and headings).

Formats are chosen by file extension: .txt (blank lines separate paragraphs), .md, .html/.htm.
`presegmented=True` reads one sentence per line, used as-is.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import AlignError
from .model import Block, Document

SUPPORTED_EXTENSIONS = (".txt", ".md", ".html", ".htm")
_BLANK_LINE = re.compile(r"\n\s*\n")


def read_text(path: Path) -> str:
    """Read a UTF-8 file (BOM allowed) with one-line errors for the usual failures."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AlignError(path, "file not found") from None
    except IsADirectoryError:
        raise AlignError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise AlignError(path, f"cannot read file ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AlignError(path, f"not valid UTF-8 (undecodable byte at offset {exc.start})") from None
    if not text.strip():
        raise AlignError(path, "document is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _plain_text_blocks(text: str) -> list[Block]:
    return [Block(" ".join(p.split())) for p in _BLANK_LINE.split(text) if p.strip()]


def read_document(path: str | Path, lang: str, presegmented: bool = False) -> Document:
    path = Path(path)
    if presegmented:
        text = read_text(path)
        blocks = [Block(line.strip()) for line in text.split("\n") if line.strip()]
        return Document(path, lang, blocks, presegmented=True)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise AlignError(path, f"unsupported file type '{suffix or '(none)'}'; use .txt, .md, .html or --presegmented")
    text = read_text(path)
    blocks = _plain_text_blocks(text)
    if not blocks:
        raise AlignError(path, "no text found in the document")
    return Document(path, lang, blocks)
