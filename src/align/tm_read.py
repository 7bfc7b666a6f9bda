"""Read an existing translation memory (TMX or CSV) back into alignments, for `align check`.

Entry point: :func:`read_translation_memory`. The format is chosen by extension (``.tmx``/
``.xml`` -> TMX, ``.csv``/``.tsv`` -> CSV); any other extension is sniffed (first
character ``<`` -> TMX).

TMX (1.1 to 1.4b, read leniently)
    * Encoding: BOM first (UTF-8, UTF-16 LE/BE, UTF-32), then ``<\\0``/``\\0<`` (BOM-less
      UTF-16), then the XML declaration, else UTF-8. A file declared UTF-16 whose bytes are
      8-bit is read as UTF-8 (a common tool bug). C0 control characters, raw or as character
      references (``&#x1;``), which XML 1.0 forbids, are dropped instead of failing the file.
      Undefined entities behind a DOCTYPE (``&nbsp;``) become their HTML character.
    * Element names are matched by local name, so a namespaced ``<tmx xmlns=...>`` works.
    * Languages: ``xml:lang`` or ``lang`` (TMX 1.1) on ``<tuv>``. Codes are compared by
      base language, case-insensitively (``EN-US``, ``en_us``, ``en`` are all ``en``); the
      order of the ``<tuv>`` elements does not matter. Source = ``src_lang`` if given, else
      the header's ``srclang``; when that is ``*all*`` or missing, the first ``<tu>``'s
      ``srclang`` or else its first ``<tuv>``'s language. Target = ``tgt_lang`` if given,
      else the one other language in the file; several -> AlignError asking for --tgt-lang.
      Within a ``<tu>`` the first ``<tuv>`` of a language is used (one whose full code equals
      a requested ``src_lang``/``tgt_lang`` such as ``de-CH`` is preferred).
    * Segment text: the text of ``<seg>`` with the text of ``<hi>`` (and unknown inline
      elements) kept and the content of the native-code elements ``<bpt> <ept> <ph> <it>
      <ut>`` and of ``<sub>`` dropped; whitespace (no-break space included) is collapsed to
      single spaces, as the document readers do.
    * A ``<tu>`` without a ``<tuv>`` in the source or the target language is skipped, and so
      is one whose two segments are both empty; one with a single empty segment becomes a 1:0
      or 0:1 bead. The number skipped is ``meta["skipped_units"]``.
    * Documents: TUs are grouped by ``<prop type="x-document">`` (this project's export); TUs
      without it go to a document named after the file stem.

CSV (this project's layout, see :mod:`align.export`)
    * UTF-8 with or without BOM (UTF-16 with BOM also accepted), RFC 4180 via :mod:`csv`.
      The delimiter is the one of ``,`` ``;`` TAB that makes the header hold both
      ``src_text`` and ``tgt_text`` (column names are matched case-insensitively); the
      columns ``document``, ``src_ids``, ``tgt_ids``, ``score`` are optional, others ignored.
    * A row with text on one side only becomes a 1:0 / 0:1 bead; a row empty on both sides
      is skipped (counted in ``meta["skipped_units"]``); blank lines are ignored.
    * CSV carries no language codes: ``src_lang``/``tgt_lang`` default to ``en``/``de``.

Sentences and beads
    When every unit of a document carries stored sentence ids (TMX ``x-src-ids`` /
    ``x-tgt-ids``, CSV ``src_ids`` / ``tgt_ids``) and they are consistent (ids present
    exactly on the sides with text, strictly increasing through the document), the beads get
    those ids back, so findings point at the sentence numbers of the original alignment. A
    unit holding several sentences (``1,2``) has its text split back at sentence ends
    (best effort; the bead's joined text, ``Alignment.src_text(bead)``, is always exactly the
    stored text). Ids with no unit in the file (the TMX export drops 1:0 and 0:1 beads) get
    placeholder sentences with empty text that no bead references; they are listed in
    ``meta["absent_src_ids"]`` / ``meta["absent_tgt_ids"]``. Otherwise the document is
    renumbered: every unit is one bead with a fresh sentence per side that has text
    (index = running number, paragraph = index).

    Score: the stored ``x-score`` prop / ``score`` column; ``float('nan')`` where there is
    none or it does not parse ("unknown", which every threshold comparison treats as not
    low; the JSONL export writes it as null). The checks recompute similarities anyway.

Alignment fields
    ``name`` = document; ``src_lang``/``tgt_lang`` = lower-case base codes (``en``, ``de``);
    ``src_path``/``tgt_path`` = None. ``meta`` (all values strings, as the model declares):
    ``format`` (``tmx``/``csv``), ``path``, ``src_lang_code``/``tgt_lang_code`` (the codes as
    written in the file, e.g. ``en-US``), ``skipped_units`` (count for the whole file, the
    same on every alignment of the file; see :func:`skipped_units`), ``ids`` (``restored`` or
    ``renumbered``), ``unit_refs`` (JSON list, one per bead: ``tuid X`` from the TU's tuid or ``tu N``,
    N = 1-based position of the ``<tu>`` in the file; for CSV ``line N``) and, where
    applicable, ``absent_src_ids``/``absent_tgt_ids``.

Every expected failure raises :class:`align.errors.AlignError` with a one-line problem.
"""

from __future__ import annotations

import codecs
import csv
import html.entities
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from lxml import etree

from .errors import AlignError
from .model import Alignment, Bead, Sentence
from .read import read_bytes
from .textio import normalise

__all__ = ["CSV_EXTENSIONS", "TMX_EXTENSIONS", "read_translation_memory", "skipped_units"]

TMX_EXTENSIONS = (".tmx", ".xml")
CSV_EXTENSIONS = (".csv", ".tsv")
DEFAULT_CSV_LANGS = ("en", "de")

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Native-code elements (their content is markup of the original format) and sub-flows.
_CODE_TAGS = frozenset({"bpt", "ept", "ph", "it", "ut", "sub"})
# C0 controls XML 1.0 forbids, raw or as character references.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_REFS = re.compile(r"&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01])|[xX]0*(?:[0-8]|[bBcC]|[eEfF]|1[0-9a-fA-F]));")
_XML_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_LXML_POSITION = re.compile(r",? line \d+, column \d+$")
_SENTENCE_END = frozenset(".!?\u2026\u3002\uff01\uff1f")  # . ! ? … 。 ！ ？
_CLOSERS = "\"'\u201d\u2019\u00bb\u203a)]"  # closing quotes and brackets after a sentence end


@dataclass
class _Unit:
    """One translation unit / CSV row, texts normalised ("" = no text on that side)."""

    document: str
    src: str
    tgt: str
    score: float
    ref: str
    src_ids: tuple[int, ...] | None = None  # stored ids; None = absent or unparsable
    tgt_ids: tuple[int, ...] | None = None


# ---------------------------------------------------------------- public API


def read_translation_memory(
    path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None
) -> list[Alignment]:
    """Read a TMX or CSV translation memory into one Alignment per document (see module doc)."""
    path = Path(path)
    data = read_bytes(path)
    if not data.strip():
        raise AlignError(path, "file is empty")
    if _is_tmx(path, data):
        return _read_tmx(path, data, src_lang, tgt_lang)
    return _read_csv(path, data, src_lang, tgt_lang)


def skipped_units(alignments: Sequence[Alignment]) -> int:
    """How many units of the file were skipped (lacking a language, or empty on both sides)."""
    if not alignments:
        return 0
    return int(alignments[0].meta.get("skipped_units", "0"))


# ---------------------------------------------------------------- shared helpers


def _is_tmx(path: Path, data: bytes) -> bool:
    suffix = path.suffix.lower()
    if suffix in TMX_EXTENSIONS:
        return True
    if suffix in CSV_EXTENSIONS:
        return False
    head = data[:64]
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            head = head[len(bom):]
            break
    return head.replace(b"\x00", b"").lstrip().startswith(b"<")


def _normalise(text: str) -> str:
    """As every reader: controls and terminal escapes out (textio.normalise), then one space."""
    return " ".join(normalise(text).split())


@lru_cache(maxsize=1024)
def _base(code: str) -> str:
    """'EN-us' / 'en_US' / 'en' -> 'en'."""
    return re.split(r"[-_]", code.strip(), maxsplit=1)[0].lower()


def _full(code: str) -> str:
    return code.strip().replace("_", "-").lower()


def _parse_ids(value: str | None) -> tuple[int, ...] | None:
    if value is None:
        return None
    parts = [p.strip() for p in value.split(",")]
    if parts == [""]:
        return ()
    if any(not p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def _parse_score(value: str | None) -> float:
    try:
        score = float(value) if value is not None else math.nan
    except ValueError:
        return math.nan
    return score if math.isfinite(score) else math.nan


def _ends_sentence(prefix: str) -> bool:
    return prefix.rstrip(_CLOSERS)[-1:] in _SENTENCE_END


def _split_sentences(text: str, n: int) -> list[str]:
    """Split `text` into `n` pieces at spaces whose " ".join is `text` again.

    Prefers spaces after a sentence end (. ! ? ...), choosing those closest to equal-length
    pieces; falls back to any space; with too few spaces the first piece takes it all.
    """
    if n <= 1:
        return [text]
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    strong = [i for i in spaces if _ends_sentence(text[:i])]
    candidates = strong if len(strong) >= n - 1 else spaces
    if len(candidates) < n - 1:
        return [text] + [""] * (n - 1)
    chosen: list[int] = []
    low = 0
    for k in range(1, n):
        target = len(text) * k / n
        high = len(candidates) - (n - 1 - k)  # leave enough candidates for the later cuts
        best = min(range(low, high), key=lambda j: abs(candidates[j] - target))
        chosen.append(candidates[best])
        low = best + 1
    bounds = [-1, *chosen, len(text)]
    return [text[a + 1 : b] for a, b in pairwise(bounds)]


def _ids_usable(units: Sequence[_Unit]) -> bool:
    """Stored ids are complete and consistent: on exactly the sides with text, increasing."""
    last_src = last_tgt = -1
    for unit in units:
        if unit.src_ids is None or unit.tgt_ids is None:
            return False
        if bool(unit.src_ids) != bool(unit.src) or bool(unit.tgt_ids) != bool(unit.tgt):
            return False
        for ids, last in ((unit.src_ids, last_src), (unit.tgt_ids, last_tgt)):
            previous = last
            for i in ids:
                if i <= previous:
                    return False
                previous = i
        if unit.src_ids:
            last_src = unit.src_ids[-1]
        if unit.tgt_ids:
            last_tgt = unit.tgt_ids[-1]
    return True


def _restored_side(units: Sequence[_Unit], side: str) -> tuple[list[Sentence], list[int]]:
    texts: dict[int, str] = {}
    for unit in units:
        ids: tuple[int, ...] = getattr(unit, f"{side}_ids")
        for i, piece in zip(ids, _split_sentences(getattr(unit, side), len(ids))):
            texts[i] = piece
    size = max(texts) + 1 if texts else 0
    absent = [i for i in range(size) if i not in texts]
    return [Sentence(i, texts.get(i, ""), i) for i in range(size)], absent


def _alignment(name: str, units: Sequence[_Unit], langs: tuple[str, str], meta: dict[str, str]) -> Alignment:
    meta = dict(meta)
    meta["unit_refs"] = json.dumps([u.ref for u in units], ensure_ascii=False)
    src: list[Sentence] = []
    tgt: list[Sentence] = []
    beads: list[Bead] = []
    if _ids_usable(units):
        meta["ids"] = "restored"
        src, absent_src = _restored_side(units, "src")
        tgt, absent_tgt = _restored_side(units, "tgt")
        beads = [Bead(u.src_ids or (), u.tgt_ids or (), u.score) for u in units]
        if absent_src:
            meta["absent_src_ids"] = ",".join(map(str, absent_src))
        if absent_tgt:
            meta["absent_tgt_ids"] = ",".join(map(str, absent_tgt))
    else:
        meta["ids"] = "renumbered"
        for unit in units:
            src_ids: tuple[int, ...] = ()
            tgt_ids: tuple[int, ...] = ()
            if unit.src:
                src_ids = (len(src),)
                src.append(Sentence(len(src), unit.src, len(src)))
            if unit.tgt:
                tgt_ids = (len(tgt),)
                tgt.append(Sentence(len(tgt), unit.tgt, len(tgt)))
            beads.append(Bead(src_ids, tgt_ids, unit.score))
    return Alignment(name=name, src_lang=langs[0], tgt_lang=langs[1], src=src, tgt=tgt, beads=beads, meta=meta)


def _alignments(units: Iterable[_Unit], langs: tuple[str, str], meta: dict[str, str]) -> list[Alignment]:
    documents: dict[str, list[_Unit]] = {}
    for unit in units:
        documents.setdefault(unit.document, []).append(unit)
    return [_alignment(name, group, langs, meta) for name, group in documents.items()]


# ---------------------------------------------------------------- TMX: decoding and parsing


def _sniff_encoding(data: bytes) -> tuple[str, int]:
    """(Python codec name, length of the BOM to skip)."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return codec, len(bom)
    if data.startswith(b"<\x00") and not data.startswith(b"<\x00\x00\x00"):
        return "utf-16-le", 0
    if data.startswith(b"\x00<"):
        return "utf-16-be", 0
    match = _XML_DECL_ENCODING.match(data[:1024])
    if match is None:
        return "utf-8", 0
    declared = match[1].decode("ascii")
    if re.match(r"(?i)(utf-?(16|32)|ucs-?[24])", declared):
        return "utf-8", 0  # declared 16/32-bit but the bytes are 8-bit: a mislabelled UTF-8 file
    return declared, 0


def _decode_xml(path: Path, data: bytes) -> str:
    codec, skip = _sniff_encoding(data)
    try:
        codecs.lookup(codec)
    except LookupError:
        raise AlignError(path, f"unsupported encoding '{codec}' in the XML declaration") from None
    try:
        text = data[skip:].decode(codec)
    except UnicodeDecodeError as exc:
        line = data[skip : skip + exc.start].decode(codec, errors="replace").count("\n") + 1
        raise AlignError(path, f"not valid {codec} (undecodable bytes at line {line}, byte offset "
                               f"{skip + exc.start})") from None
    text = text.lstrip("\ufeff")
    return _CONTROL_REFS.sub("", _CONTROL_CHARS.sub("", text))


def _local(element: etree._Element) -> str | None:
    tag = element.tag
    if not isinstance(tag, str):
        return None  # comment, processing instruction, entity
    return tag.rsplit("}", 1)[-1]


def _seg_text(seg: etree._Element) -> str:
    parts: list[str] = [seg.text or ""]

    def walk(element: etree._Element) -> None:
        name = _local(element)
        if name is None:
            if isinstance(element, etree._Entity):
                codepoint = html.entities.name2codepoint.get(element.name)
                parts.append(chr(codepoint) if codepoint else "")
        elif name not in _CODE_TAGS:
            parts.append(element.text or "")
            for child in element:
                walk(child)
        parts.append(element.tail or "")

    for child in seg:
        walk(child)
    return _normalise("".join(parts))


@dataclass
class _RawTU:
    number: int  # 1-based position among the <tu> elements
    tuid: str | None
    srclang: str | None
    props: dict[str, str]
    tuvs: list[tuple[str, str]]  # (language code as written, normalised text)


def _parse_tmx(path: Path, text: str) -> tuple[dict[str, str], dict[str, str], list[_RawTU]]:
    """(root attributes, header attributes, TUs)."""
    source = io.BytesIO(text.encode("utf-8"))
    events = etree.iterparse(
        source, events=("start", "end"), encoding="utf-8", resolve_entities=False,
        no_network=True, load_dtd=False, huge_tree=True, remove_pis=True,
    )
    root = None
    root_attrs: dict[str, str] = {}
    header: dict[str, str] = {}
    tus: list[_RawTU] = []
    try:
        for event, element in events:
            if root is None:
                root = element
                name = _local(element)
                if name is None or name.lower() != "tmx":
                    raise AlignError(path, f"not a TMX file (root element is <{name}>, expected <tmx>)")
                root_attrs = dict(element.attrib)
                continue
            if event != "end":
                continue
            name = _local(element)
            if name == "header" and not header:
                header = dict(element.attrib)
            elif name == "tu":
                tus.append(_raw_tu(element, len(tus) + 1))
                element.clear(keep_tail=True)
                parent = element.getparent()
                while element.getprevious() is not None and parent is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        message, line = exc.msg or "syntax error", exc.lineno
        # lxml's exception may carry only its last complaint ("no element found", line 0);
        # the first logged error is where the document actually went wrong.
        logged = [e for e in exc.error_log if e.line > 0]
        if logged and (not line or line <= 0 or "no element found" in message):
            message, line = logged[0].message, logged[0].line
        message = _LXML_POSITION.sub("", message)
        if root is None:
            raise AlignError(path, f"not an XML file (line {line}: {message})") from None
        raise AlignError(path, f"malformed XML at line {line}: {message}") from None
    if root is None:
        raise AlignError(path, "not an XML file (no root element)")
    return root_attrs, header, tus


def _raw_tu(tu: etree._Element, number: int) -> _RawTU:
    props: dict[str, str] = {}
    tuvs: list[tuple[str, str]] = []
    for child in tu:
        name = _local(child)
        if name == "prop":
            kind = child.get("type")
            if kind and kind not in props:
                props[kind] = (child.text or "").strip()
        elif name == "tuv":
            lang = child.get(_XML_LANG) or child.get("lang") or ""
            seg = next((c for c in child if _local(c) == "seg"), None)
            tuvs.append((lang.strip(), "" if seg is None else _seg_text(seg)))
    return _RawTU(number, tu.get("tuid"), tu.get("srclang"), props, tuvs)


def _pick(tuvs: list[tuple[str, str]], base: str, requested: str | None) -> tuple[str, str] | None:
    matches = [tuv for tuv in tuvs if tuv[0] and _base(tuv[0]) == base]
    if requested and matches:
        exact = [tuv for tuv in matches if _full(tuv[0]) == _full(requested)]
        if exact:
            return exact[0]
    return matches[0] if matches else None


# ---------------------------------------------------------------- TMX: to alignments


def _read_tmx(path: Path, data: bytes, src_lang: str | None, tgt_lang: str | None) -> list[Alignment]:
    root_attrs, header, tus = _parse_tmx(path, _decode_xml(path, data))
    if not tus:
        raise AlignError(path, "no translation units (<tu>) in the file")

    # Source language: parameter, header srclang, else the first unit's srclang / first tuv.
    source = src_lang
    if not source:
        declared = (header.get("srclang") or "").strip()
        if declared and declared != "*all*":
            source = declared
        else:
            first = tus[0]
            tu_src = (first.srclang or "").strip()
            first_lang = next((lang for lang, _ in first.tuvs if lang), "")
            source = tu_src if tu_src and tu_src != "*all*" else first_lang
    if not source:
        raise AlignError(path, "cannot tell the source language (no srclang, no xml:lang); use --src-lang")
    src_base = _base(source)

    present: dict[str, None] = {}  # base languages in file order
    for tu in tus:
        for lang, _ in tu.tuvs:
            if lang:
                present.setdefault(_base(lang), None)
    found = ", ".join(present) or "none"
    if src_base not in present:
        raise AlignError(path, f"no text in the source language '{source}' (languages in the file: {found}); "
                               "choose one with --src-lang")
    if tgt_lang:
        tgt_base = _base(tgt_lang)
    else:
        others = [lang for lang in present if lang != src_base]
        if not others:
            raise AlignError(path, f"only one language ('{src_base}') in the file; nothing to check against")
        if len(others) > 1:
            raise AlignError(path, f"several target languages ({', '.join(others)}); choose one with --tgt-lang")
        tgt_base = others[0]
    if tgt_base == src_base:
        raise AlignError(path, f"source and target language are both '{src_base}'")

    stem = path.stem
    units: list[_Unit] = []
    skipped = 0
    src_code = tgt_code = None
    for tu in tus:
        src_tuv = _pick(tu.tuvs, src_base, src_lang)
        tgt_tuv = _pick(tu.tuvs, tgt_base, tgt_lang)
        if src_tuv is None or tgt_tuv is None or not (src_tuv[1] or tgt_tuv[1]):
            skipped += 1
            continue
        src_code = src_code or src_tuv[0]
        tgt_code = tgt_code or tgt_tuv[0]
        units.append(_Unit(
            document=tu.props.get("x-document") or stem,
            src=src_tuv[1],
            tgt=tgt_tuv[1],
            score=_parse_score(tu.props.get("x-score")),
            ref=f"tuid {tu.tuid}" if tu.tuid else f"tu {tu.number}",
            src_ids=_parse_ids(tu.props.get("x-src-ids")),
            tgt_ids=_parse_ids(tu.props.get("x-tgt-ids")),
        ))
    if not units:
        raise AlignError(path, f"no usable translation units: none of the {len(tus)} has text in both "
                               f"'{src_base}' and '{tgt_base}' (languages in the file: {found})")
    meta = {
        "format": "tmx",
        "path": str(path),
        "src_lang_code": src_code or source,
        "tgt_lang_code": tgt_code or tgt_lang or tgt_base,
        "skipped_units": str(skipped),
    }
    if root_attrs.get("version"):
        meta["tmx_version"] = root_attrs["version"]
    if header.get("creationtool"):
        meta["creationtool"] = header["creationtool"]
    return _alignments(units, (src_base, tgt_base), meta)


# ---------------------------------------------------------------- CSV


def _decode_csv(path: Path, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec, name = "utf-16", "UTF-16"
    else:
        codec, name = "utf-8-sig", "UTF-8"
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(codec, errors="replace").count("\n") + 1
        raise AlignError(path, f"not valid {name} (undecodable bytes at line {line}, byte offset {exc.start})") from None


def _csv_header(path: Path, text: str) -> tuple[str, list[str]]:
    """(delimiter, lower-cased column names) from the first non-blank line."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    attempts = []
    for delimiter in (",", ";", "\t"):
        columns = [c.strip().lower() for c in next(csv.reader([first], delimiter=delimiter), [])]
        attempts.append(columns)
        if "src_text" in columns and "tgt_text" in columns:
            return delimiter, columns
    missing = [c for c in ("src_text", "tgt_text") if c not in attempts[0]]
    raise AlignError(path, f"not a translation-memory CSV: the header lacks the column(s) {', '.join(missing)} "
                           f"(header: {first[:80]!r})")


def _read_csv(path: Path, data: bytes, src_lang: str | None, tgt_lang: str | None) -> list[Alignment]:
    text = _decode_csv(path, data)
    delimiter, columns = _csv_header(path, text)
    index = {name: columns.index(name) for name in
             ("document", "score", "src_ids", "tgt_ids", "src_text", "tgt_text") if name in columns}
    has_ids = "src_ids" in index and "tgt_ids" in index
    stem = path.stem
    units: list[_Unit] = []
    skipped = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header_seen = False
    start = 1
    try:
        for row in reader:
            row_start, start = start, reader.line_num + 1
            if not any(field.strip() for field in row):
                continue
            if not header_seen:
                header_seen = True
                continue
            if len(row) > len(columns) and any(f.strip() for f in row[len(columns):]):
                raise AlignError(path, f"line {row_start}: {len(row)} fields, but the header has {len(columns)}")
            row = row + [""] * (len(columns) - len(row))
            get = {name: row[i] for name, i in index.items()}.get  # a column's text, None if absent

            src, tgt = _normalise(get("src_text") or ""), _normalise(get("tgt_text") or "")
            if not src and not tgt:
                skipped += 1
                continue
            units.append(_Unit(
                document=(get("document") or "").strip() or stem,
                src=src,
                tgt=tgt,
                score=_parse_score(get("score")),
                ref=f"line {row_start}",
                src_ids=_parse_ids(get("src_ids")) if has_ids else None,
                tgt_ids=_parse_ids(get("tgt_ids")) if has_ids else None,
            ))
    except csv.Error as exc:
        raise AlignError(path, f"line {reader.line_num}: malformed CSV ({exc})") from None
    if not units:
        raise AlignError(path, "no usable rows: no row has text in src_text or tgt_text")
    src_code = src_lang or DEFAULT_CSV_LANGS[0]
    tgt_code = tgt_lang or DEFAULT_CSV_LANGS[1]
    meta = {
        "format": "csv",
        "path": str(path),
        "src_lang_code": src_code,
        "tgt_lang_code": tgt_code,
        "skipped_units": str(skipped),
    }
    return _alignments(units, (_base(src_code), _base(tgt_code)), meta)
