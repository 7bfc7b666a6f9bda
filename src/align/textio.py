"""Input files to clean text, once, for every output: regular files only, within a size
limit; binary files recognised by their magic bytes; UTF-8, or UTF-16/32 where a byte-order
mark makes the encoding certain, or the encoding the user names; otherwise an error that
names the likely encoding (charset-normalizer). The text is then normalised: line ends to
\\n, terminal escape sequences and C0 control characters (other than tab and newline)
removed, so that the TMX, CSV, JSONL, findings and report all carry the same text."""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from .errors import AlignError

DEFAULT_MAX_INPUT_MB = 50.0

# (magic prefix, what it is): files that are certainly not text.
_MAGIC = (
    (b"%PDF-", "a PDF document"), (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"), (b"PK\x03\x04", "a ZIP archive (or DOCX/ODT)"),
    (b"\x1f\x8b", "a gzip archive"), (b"\x7fELF", "an executable"), (b"\xd0\xcf\x11\xe0", "an MS Office document"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"Rar!", "a RAR archive"), (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"), (b"RIFF", "a RIFF (audio/video) file"), (b"OggS", "an Ogg file"),
    (b"ID3", "an MP3 file"), (b"SQLite format 3\x00", "an SQLite database"),
)
# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def read_limited(path: Path, max_mb: float | None = None) -> bytes:
    """A regular file's bytes (symlinks followed), refusing devices, FIFOs and files over
    `max_mb` (default DEFAULT_MAX_INPUT_MB) with a one-line error."""
    limit = int((DEFAULT_MAX_INPUT_MB if max_mb is None else max_mb) * 1024 * 1024)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise AlignError(path, "file not found") from None
    except OSError as exc:
        raise AlignError(path, f"cannot read file ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise AlignError(path, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise AlignError(path, "not a regular file (a device, FIFO or socket); only files are read")
    if info.st_size > limit:
        raise AlignError(path, f"file is {info.st_size / 1048576:.1f} MB, over the input limit of "
                               f"{limit / 1048576:g} MB (raise it with --max-input-mb)")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise AlignError(path, f"cannot read file ({exc.strerror or exc})") from None
    if len(data) > limit:  # grew while we looked
        raise AlignError(path, f"file is over the input limit of {limit / 1048576:g} MB (raise it with --max-input-mb)")
    return data


def binary_kind(data: bytes) -> str | None:
    """What a binary file is, from its magic bytes; None for anything that may be text."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: mostly-ASCII text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _likely_encoding(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional at run time: the hint is a courtesy
        return None
    best = from_bytes(data[:200_000]).best()
    return best.encoding if best is not None else None


def decode(path: Path, data: bytes, encoding: str | None = None, label: str | None = None) -> str:
    """Bytes to normalised text (see the module docstring); one-line errors (`label`: the
    encoding's name as the file declares it, for the message)."""
    kind = binary_kind(data)
    if kind and encoding is None:
        raise AlignError(path, f"binary file ({kind}), not text")
    if encoding is None:
        for bom, name in _BOMS:
            if data.startswith(bom):
                data, encoding = data[len(bom):], name
                break
    if encoding is None:
        utf16 = _looks_utf16(data)
        if utf16:
            raise AlignError(path, f"looks like UTF-16 without a byte-order mark; use --encoding {utf16}")
        encoding = "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise AlignError(path, f"unknown encoding '{encoding}'") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        name = "UTF-8" if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else (label or encoding)
        hint = ""
        if name == "UTF-8":
            likely = _likely_encoding(data)
            if likely and likely.replace("_", "-").lower() not in ("utf-8", "utf8", "ascii"):
                hint = f"; it looks like {likely}: use --encoding {likely}"
        raise AlignError(path, f"not valid {name} (undecodable byte at offset {exc.start}){hint}") from None
    return normalise(text)


def normalise(text: str) -> str:
    """Line ends to \\n; terminal escapes, C0 controls (but tab and newline), DEL and lone
    surrogates removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))
