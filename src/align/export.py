"""Write alignments to disk: beads lists, TMX 1.4b, CSV and JSON Lines.

Formats
-------
beads  One bead per line, as Vecalign/Bertalign print them: ``[1, 2]:[1]``, ``[3]:[]``,
       ``[]:[4]`` (0-based sentence indices, Python list repr). One alignment per file.
tmx    TMX 1.4b (UTF-8). One ``<tu>`` per bead with text on both sides; the source ``<tuv>``
       comes first. Metadata as ``<prop type="x-...">``: x-score, x-bead, x-document,
       x-src-ids, x-tgt-ids (ids comma-separated, 0-based).
csv    RFC 4180 (``\\r\\n`` line ends, minimal quoting, UTF-8 without BOM), with a header row
       ``document,bead,shape,score,src_ids,tgt_ids,src_text,tgt_text``. One row per bead,
       1:0 and 0:1 beads included (the missing side is empty). ``src_ids``/``tgt_ids`` are
       0-based sentence indices joined by commas (``"1,2"``), empty for a missing side.
jsonl  One JSON object per bead with text on both sides, in the shape Hugging Face
       translation scripts read: ``{"translation": {"en": ..., "de": ...}, "id": ...,
       "document": ..., "src_ids": [...], "tgt_ids": [...], "shape": "1:2", "score": 0.93}``.

Bead numbers (``bead`` column, ``NAME-<bead>`` ids) are 0-based positions in
``Alignment.beads``, so they stay stable whether or not 1:0 / 0:1 beads are exported.

Every file is written through :func:`align.atomic.atomic_writer`, so a failure leaves no
partial output behind.

Uniform writer signature (see :data:`EXPORTERS`)::

    writer(alignments: list[Alignment], path: Path, options: ExportOptions) -> None

The "beads" writer accepts exactly one alignment (it has no document column); the others
write any number of alignments into one combined file.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from .atomic import atomic_writer
from .errors import AlignError
from .model import Alignment, Bead

try:
    from . import __version__  # type: ignore[attr-defined]
except ImportError:  # package __init__ without a version (or none at all)
    __version__ = "0.1.0"

CSV_COLUMNS = ("document", "bead", "shape", "score", "src_ids", "tgt_ids", "src_text", "tgt_text")

# Characters XML 1.0 forbids: C0 controls except tab/LF/CR, surrogates, U+FFFE/U+FFFF.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class ExportOptions:
    """Settings shared by the writers; language codes default to the alignment's own."""

    src_lang_code: str | None = None
    tgt_lang_code: str | None = None


# ---------------------------------------------------------------- beads


def _bead_line(src: Sequence[int], tgt: Sequence[int]) -> str:
    return f"{list(src)}:{list(tgt)}"


def beads_lines(beads: Iterable[Bead]) -> list[str]:
    """Render beads as Vecalign-style lines, e.g. ``[1, 2]:[1]``."""
    return [_bead_line(b.src, b.tgt) for b in beads]


def write_beads(alignment: Alignment, path: Path) -> None:
    """Write one alignment's beads, one per line."""
    with atomic_writer(Path(path), "w") as out:
        for line in beads_lines(alignment.beads):
            out.write(line + "\n")


_BEAD_RE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


def _parse_ids(text: str) -> tuple[int, ...]:
    parts = [p.strip() for p in text.split(",")]
    if parts == [""]:
        return ()
    if any(not p.isdigit() for p in parts):  # empty item, e.g. "[1,,2]"
        raise ValueError(text)
    return tuple(int(p) for p in parts)


def read_beads(path: Path) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Parse a beads file (blank lines ignored); raise AlignError naming a malformed line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AlignError(path, f"cannot read beads file ({exc})") from None
    result: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _BEAD_RE.match(line)
        try:
            if match is None:
                raise ValueError(line)
            result.append((_parse_ids(match[1]), _parse_ids(match[2])))
        except ValueError:
            raise AlignError(path, f"line {number}: malformed bead {line.strip()!r}") from None
    return result


# ---------------------------------------------------------------- shared helpers


def _ids(indices: Sequence[int]) -> str:
    return ",".join(str(i) for i in indices)


def _score(score: float) -> str:
    return f"{score:.4f}"


def _langs(alignment: Alignment, options: ExportOptions) -> tuple[str, str]:
    return (
        options.src_lang_code or alignment.src_lang,
        options.tgt_lang_code or alignment.tgt_lang,
    )


def _clean(text: str) -> str:
    """Strip characters XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", text)


# ---------------------------------------------------------------- TMX


def _tmx_date(moment: datetime | None = None) -> str:
    return (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _prop(parent: etree._Element, kind: str, value: str) -> None:
    etree.SubElement(parent, "prop", type=kind).text = _clean(value)


def _tuv(parent: etree._Element, lang: str, text: str) -> None:
    tuv = etree.SubElement(parent, "tuv", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    etree.SubElement(tuv, "seg").text = _clean(text)


def tmx_tree(alignments: Sequence[Alignment], options: ExportOptions = ExportOptions()) -> etree._Element:
    """Build the TMX document (root element) for the alignments."""
    date = _tmx_date()
    first = alignments[0] if alignments else None
    header_src = (options.src_lang_code or (first.src_lang if first else None)) or "en"
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(
        root,
        "header",
        {
            "creationtool": "align",
            "creationtoolversion": str(__version__),
            "segtype": "sentence",
            "o-tmf": "align",
            "adminlang": "en",
            "srclang": header_src,
            "datatype": "plaintext",
            "creationdate": date,
        },
    )
    # What produced the alignment, so that it can be reproduced: the encoder, every aligner
    # setting and the confidence coefficients (the first document's; one run uses one
    # configuration).
    for key, kind in (("encoder", "x-encoder"), ("aligner", "x-aligner"), ("confidence", "x-confidence")):
        if first is not None and first.meta.get(key):
            _prop(header, kind, first.meta[key])
    body = etree.SubElement(root, "body")
    for alignment in alignments:
        src_lang, tgt_lang = _langs(alignment, options)
        for number, bead in enumerate(alignment.beads):
            if not bead.is_pair:
                continue
            # DTD order: props first, then the tuvs (source first).
            tu = etree.SubElement(body, "tu", tuid=f"{alignment.name}-{number}", creationdate=date)
            _prop(tu, "x-score", _score(bead.score))
            _prop(tu, "x-bead", bead.shape)
            _prop(tu, "x-document", alignment.name)
            _prop(tu, "x-src-ids", _ids(bead.src))
            _prop(tu, "x-tgt-ids", _ids(bead.tgt))
            _tuv(tu, src_lang, alignment.src_text(bead))
            _tuv(tu, tgt_lang, alignment.tgt_text(bead))
    return root


def write_tmx(
    alignments: Sequence[Alignment],
    path: Path,
    src_lang_code: str | None = None,
    tgt_lang_code: str | None = None,
) -> None:
    """Write a TMX 1.4b file; lang codes override each alignment's src_lang/tgt_lang.

    The header srclang is the source code of the first alignment (or the override), so it
    matches the source tuvs exactly when all alignments share one source language.
    """
    root = tmx_tree(alignments, ExportOptions(src_lang_code, tgt_lang_code))
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    with atomic_writer(Path(path), "wb") as out:
        out.write(data)


# ---------------------------------------------------------------- CSV


def csv_rows(alignments: Iterable[Alignment]) -> Iterable[list[str]]:
    """Yield one row per bead (both sides optional), in CSV_COLUMNS order."""
    for alignment in alignments:
        for number, bead in enumerate(alignment.beads):
            yield [
                alignment.name,
                str(number),
                bead.shape,
                _score(bead.score),
                _ids(bead.src),
                _ids(bead.tgt),
                alignment.src_text(bead),
                alignment.tgt_text(bead),
            ]


def write_csv(alignments: Sequence[Alignment], path: Path) -> None:
    """Write every bead as an RFC 4180 CSV row with a header."""
    with atomic_writer(Path(path), "w") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_rows(alignments))


# ---------------------------------------------------------------- JSON Lines


def jsonl_records(alignments: Iterable[Alignment], options: ExportOptions = ExportOptions()) -> Iterable[dict]:
    """Yield one record per bead with text on both sides."""
    for alignment in alignments:
        src_lang, tgt_lang = _langs(alignment, options)
        for number, bead in enumerate(alignment.beads):
            if not bead.is_pair:
                continue
            yield {
                "translation": {src_lang: alignment.src_text(bead), tgt_lang: alignment.tgt_text(bead)},
                "id": f"{alignment.name}-{number}",
                "document": alignment.name,
                "src_ids": list(bead.src),
                "tgt_ids": list(bead.tgt),
                "shape": bead.shape,
                "score": round(bead.score, 4) if math.isfinite(bead.score) else None,
            }


def write_jsonl(
    alignments: Sequence[Alignment],
    path: Path,
    src_lang_code: str | None = None,
    tgt_lang_code: str | None = None,
) -> None:
    """Write one JSON object per line (UTF-8, non-ASCII kept as is)."""
    options = ExportOptions(src_lang_code, tgt_lang_code)
    with atomic_writer(Path(path), "w") as out:
        for record in jsonl_records(alignments, options):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- registry

Writer = Callable[[Sequence[Alignment], Path, ExportOptions], None]


def _beads_writer(alignments: Sequence[Alignment], path: Path, options: ExportOptions) -> None:
    if len(alignments) != 1:
        raise AlignError(path, f"beads format holds one alignment, got {len(alignments)}")
    write_beads(alignments[0], path)


def _tmx_writer(alignments: Sequence[Alignment], path: Path, options: ExportOptions) -> None:
    write_tmx(alignments, path, options.src_lang_code, options.tgt_lang_code)


def _csv_writer(alignments: Sequence[Alignment], path: Path, options: ExportOptions) -> None:
    write_csv(alignments, path)


def _jsonl_writer(alignments: Sequence[Alignment], path: Path, options: ExportOptions) -> None:
    write_jsonl(alignments, path, options.src_lang_code, options.tgt_lang_code)


# Format name -> (file extension with dot, writer). "beads" is per-alignment only.
EXPORTERS: dict[str, tuple[str, Writer]] = {
    "beads": (".beads", _beads_writer),
    "tmx": (".tmx", _tmx_writer),
    "csv": (".csv", _csv_writer),
    "jsonl": (".jsonl", _jsonl_writer),
}
# Formats that can hold several alignments in one combined file (batch corpus.*).
CORPUS_FORMATS = ("tmx", "csv", "jsonl")


def export(alignments: Sequence[Alignment], folder: Path, stem: str, formats: Iterable[str],
           options: ExportOptions = ExportOptions()) -> list[Path]:
    """Write `folder/stem.<ext>` for each chosen format; return the paths written."""
    written = []
    for name in formats:
        if name not in EXPORTERS:
            raise AlignError(None, f"unknown output format {name!r} (choose from {', '.join(EXPORTERS)})")
        extension, writer = EXPORTERS[name]
        target = Path(folder) / f"{stem}{extension}"
        writer(alignments, target, options)
        written.append(target)
    return written
