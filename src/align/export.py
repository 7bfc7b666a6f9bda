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

Every format is a renderer to a string (see :data:`EXPORTERS`)::

    renderer(alignments: Sequence[Alignment], options: ExportOptions) -> str

which the ``write_*`` functions and :func:`export` write to a path (atomically) or an open
file, and ``Alignment.to_tmx()`` etc. return. The "beads" format holds exactly one alignment
(it has no document column); the others hold any number in one combined file.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from lxml import etree

from .atomic import atomic_writer
from .errors import AlignError
from .model import Alignment, Bead
from .naming import output_path

try:
    from . import __version__
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


def write_beads(alignment: Alignment, path: str | Path | IO[Any]) -> None:
    """Write one alignment's beads, one per line."""
    emit(path, beads_string(alignment))


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


def langs_of(alignment: Alignment, options: ExportOptions) -> tuple[str, str]:
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


def tmx_header(meta: dict[str, str], srclang: str, date: str) -> etree._Element:
    """The TMX header; `meta` is what produced the alignment (`Alignment.meta`)."""
    header = etree.Element(
        "header",
        {
            "creationtool": "align",
            "creationtoolversion": str(__version__),
            "segtype": "sentence",
            "o-tmf": "align",
            "adminlang": "en",
            "srclang": srclang,
            "datatype": "plaintext",
            "creationdate": date,
        },
    )
    # What produced the alignment, so that it can be reproduced: the encoder, every aligner
    # setting and the confidence coefficients (the first document's; one run uses one
    # configuration).
    for key, kind in (("encoder", "x-encoder"), ("aligner", "x-aligner"), ("confidence", "x-confidence")):
        if meta.get(key):
            _prop(header, kind, meta[key])
    return header


def tmx_unit(alignment: Alignment, number: int, langs: tuple[str, str], date: str,
             count: int | None = None) -> etree._Element:
    """The <tu> of bead `number` (a pair); `count`: how many identical TUs it stands for
    (combined corpora)."""
    bead = alignment.beads[number]
    # DTD order: props first, then the tuvs (source first).
    tu = etree.Element("tu", tuid=f"{alignment.name}-{number}", creationdate=date)
    _prop(tu, "x-score", _score(bead.score))
    _prop(tu, "x-bead", bead.shape)
    _prop(tu, "x-document", alignment.name)
    _prop(tu, "x-src-ids", _ids(bead.src))
    _prop(tu, "x-tgt-ids", _ids(bead.tgt))
    if count is not None:
        _prop(tu, "x-count", str(count))
    _tuv(tu, langs[0], alignment.src_text(bead))
    _tuv(tu, langs[1], alignment.tgt_text(bead))
    return tu


def tmx_tree(alignments: Sequence[Alignment], options: ExportOptions = ExportOptions()) -> etree._Element:
    """Build the TMX document (root element) for the alignments."""
    date = _tmx_date()
    first = alignments[0] if alignments else None
    header_src = (options.src_lang_code or (first.src_lang if first else None)) or "en"
    root = etree.Element("tmx", version="1.4")
    root.append(tmx_header(first.meta if first is not None else {}, header_src, date))
    body = etree.SubElement(root, "body")
    for alignment in alignments:
        langs = langs_of(alignment, options)
        for number, bead in enumerate(alignment.beads):
            if bead.is_pair:
                body.append(tmx_unit(alignment, number, langs, date))
    return root


def _as_list(alignments: Alignment | Iterable[Alignment]) -> list[Alignment]:
    return [alignments] if isinstance(alignments, Alignment) else list(alignments)


def emit(target: str | Path | IO[Any], data: str) -> None:
    """Write `data` to a path (atomically, UTF-8) or to an open file (text or binary)."""
    if hasattr(target, "write"):
        target.write(data if isinstance(target, io.TextIOBase) else data.encode("utf-8"))
        return
    with atomic_writer(Path(target), "wb") as out:
        out.write(data.encode("utf-8"))


def tmx_string(alignments: Alignment | Sequence[Alignment], options: ExportOptions = ExportOptions()) -> str:
    """The TMX 1.4b document, with its XML declaration."""
    root = tmx_tree(_as_list(alignments), options)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def write_tmx(
    alignments: Alignment | Sequence[Alignment],
    path: str | Path | IO[Any],
    src_lang_code: str | None = None,
    tgt_lang_code: str | None = None,
) -> None:
    """Write a TMX 1.4b file (a path, or an open file); lang codes override each alignment's
    src_lang/tgt_lang.

    The header srclang is the source code of the first alignment (or the override), so it
    matches the source tuvs exactly when all alignments share one source language.
    """
    emit(path, tmx_string(alignments, ExportOptions(src_lang_code, tgt_lang_code)))


# ---------------------------------------------------------------- CSV


def csv_row(alignment: Alignment, number: int) -> list[str]:
    """The CSV row of bead `number`, in CSV_COLUMNS order."""
    bead = alignment.beads[number]
    return [alignment.name, str(number), bead.shape, _score(bead.score), _ids(bead.src), _ids(bead.tgt),
            alignment.src_text(bead), alignment.tgt_text(bead)]


def csv_rows(alignments: Alignment | Iterable[Alignment]) -> Iterable[list[str]]:
    """Yield one row per bead (both sides optional), in CSV_COLUMNS order."""
    for alignment in _as_list(alignments):
        for number in range(len(alignment.beads)):
            yield csv_row(alignment, number)


def csv_string(alignments: Alignment | Sequence[Alignment], options: ExportOptions = ExportOptions()) -> str:
    """Every bead as an RFC 4180 CSV row, after a header row."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(alignments))
    return out.getvalue()


def write_csv(alignments: Alignment | Sequence[Alignment], path: str | Path | IO[Any]) -> None:
    """Write every bead as an RFC 4180 CSV row with a header (to a path or an open file)."""
    emit(path, csv_string(alignments))


# ---------------------------------------------------------------- JSON Lines


def jsonl_records(alignments: Alignment | Iterable[Alignment],
                  options: ExportOptions = ExportOptions()) -> Iterable[dict[str, Any]]:
    """Yield one record per bead with text on both sides."""
    for alignment in _as_list(alignments):
        langs = langs_of(alignment, options)
        for number, bead in enumerate(alignment.beads):
            if bead.is_pair:
                yield jsonl_record(alignment, number, langs)


def jsonl_record(alignment: Alignment, number: int, langs: tuple[str, str]) -> dict[str, Any]:
    """The JSON Lines record of bead `number` (a pair)."""
    bead = alignment.beads[number]
    return {
        "translation": {langs[0]: alignment.src_text(bead), langs[1]: alignment.tgt_text(bead)},
        "id": f"{alignment.name}-{number}",
        "document": alignment.name,
        "src_ids": list(bead.src),
        "tgt_ids": list(bead.tgt),
        "shape": bead.shape,
        "score": round(bead.score, 4) if math.isfinite(bead.score) else None,
    }


def jsonl_string(alignments: Alignment | Sequence[Alignment], options: ExportOptions = ExportOptions()) -> str:
    """One JSON object per line (non-ASCII kept as is)."""
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in jsonl_records(alignments, options))


def write_jsonl(
    alignments: Alignment | Sequence[Alignment],
    path: str | Path | IO[Any],
    src_lang_code: str | None = None,
    tgt_lang_code: str | None = None,
) -> None:
    """Write one JSON object per line (UTF-8), to a path or an open file."""
    emit(path, jsonl_string(alignments, ExportOptions(src_lang_code, tgt_lang_code)))


def beads_string(alignment: Alignment) -> str:
    return "".join(line + "\n" for line in beads_lines(alignment.beads))


# ---------------------------------------------------------------- registry

Renderer = Callable[[Sequence[Alignment], ExportOptions], str]


def _beads_renderer(alignments: Sequence[Alignment], options: ExportOptions = ExportOptions()) -> str:
    if len(alignments) != 1:
        raise AlignError(None, f"the beads format holds one alignment, got {len(alignments)}")
    return beads_string(alignments[0])


# Format name -> (file extension with dot, renderer to a string). "beads" is per-alignment only.
EXPORTERS: dict[str, tuple[str, Renderer]] = {
    "beads": (".beads", _beads_renderer),
    "tmx": (".tmx", tmx_string),
    "csv": (".csv", csv_string),
    "jsonl": (".jsonl", jsonl_string),
}
# Formats that can hold several alignments in one combined file (batch corpus.*).
CORPUS_FORMATS = ("tmx", "csv", "jsonl")


def render(alignments: Alignment | Sequence[Alignment], fmt: str, options: ExportOptions = ExportOptions()) -> str:
    """One format as a string."""
    if fmt not in EXPORTERS:
        raise AlignError(None, f"unknown output format {fmt!r} (choose from {', '.join(EXPORTERS)})")
    return EXPORTERS[fmt][1](_as_list(alignments), options)


def export(alignments: Alignment | Sequence[Alignment], folder: str | Path, stem: str, formats: Iterable[str],
           options: ExportOptions = ExportOptions(), combined: bool = False) -> list[Path]:
    """Write `folder/stem.<ext>` for each chosen format (the stem made safe: `naming`;
    `combined` for a batch's own corpus files); return the paths written."""
    written = []
    for name in formats:
        if name not in EXPORTERS:
            raise AlignError(None, f"unknown output format {name!r} (choose from {', '.join(EXPORTERS)})")
        extension, renderer = EXPORTERS[name]
        target = output_path(folder, stem, extension, combined)
        emit(target, renderer(_as_list(alignments), options))
        written.append(target)
    return written
