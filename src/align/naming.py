"""Output naming, in one place: every file name derived from input (a document name from a
file, `--name`, a TMX or CSV document prop, a batch pair) goes through `safe_name`, and every
output path through `output_path`, which also asserts that the path stays inside the output
folder. Nothing derived from input can write elsewhere."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from .errors import AlignError

# Stems of the combined files of a batch or a check run: a document of that name gets a suffix.
COMBINED_STEMS = frozenset({"corpus", "findings", "findings-summary", "index", "failures"})
# Device names Windows reserves whatever the extension (the outputs may be copied there).
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                               *(f"lpt{i}" for i in range(1, 10))})
MAX_NAME_BYTES = 120  # leaves room for the longest suffix (.findings.jsonl) under 255 bytes
_UNSAFE = re.compile(r'[/\\:*?"<>|]')


def _unsafe_char(ch: str) -> bool:
    if ch == " ":
        return False
    return bool(_UNSAFE.match(ch)) or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") or ch.isspace()


def safe_name(name: str, default: str = "document") -> str:
    """`name` as one portable file name: no path separators, control or format characters,
    no leading dot, not a reserved name, at most MAX_NAME_BYTES bytes in UTF-8 (a long name
    keeps a hash of the whole, so two long names stay apart)."""
    text = unicodedata.normalize("NFC", str(name))
    cleaned = "".join("_" if _unsafe_char(ch) else ch for ch in text)
    cleaned = re.sub(r"_+", "_", cleaned).strip("._- ")
    if not cleaned:
        cleaned = default
    if cleaned.lower() in _WINDOWS_RESERVED or cleaned.split(".")[0].lower() in _WINDOWS_RESERVED \
            or cleaned.lower() in COMBINED_STEMS:
        cleaned += "_"
    data = cleaned.encode("utf-8")
    if len(data) > MAX_NAME_BYTES:
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()
        head = data[: MAX_NAME_BYTES - 9].decode("utf-8", "ignore").rstrip("._- ")
        cleaned = f"{head}-{digest}"
    return cleaned


def output_path(folder: str | Path, stem: str, suffix: str, combined: bool = False) -> Path:
    """folder / (safe stem + suffix); `combined` for the batch's own files (corpus.tmx, ...),
    whose stems are ours, not the input's."""
    folder = Path(folder)
    name = (stem if combined and stem in COMBINED_STEMS else safe_name(stem)) + suffix
    path = folder / name
    # A safe name has no separator and no leading dot, so only a link already standing at the
    # path could lead outside (one lstat, not two resolves: a batch asks for thousands).
    if ("/" in name or "\\" in name or name.startswith(".")
            or path.is_symlink() and path.resolve().parent != folder.resolve()):
        raise AlignError(path, f"refusing to write outside the output folder {folder}")
    return path
