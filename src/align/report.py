"""A self-contained HTML discrepancy report: the two versions side by side, bead by bead.

`write_report(alignment, findings, path)` writes one HTML file with inline CSS and a small
vanilla script (no external assets; it works offline from file://):

- first, the most likely problems: the ten errors and warnings that `check.ranked` puts first
  (by `check.sureness`, the share of findings of their kind that were right on the planted
  benchmark), each with its sureness and a link to its row;
- a summary: document, languages, sentence counts, beads by shape, confidence distribution,
  findings by category x severity;
- findings not tied to a bead (`Finding.bead == -1`, an index outside the alignment, or another
  document's finding) in a list above the table;
- one table row per bead in document order: source and target side by side (an empty side of a
  1:0 / 0:1 bead is drawn as a gap), coloured by the bead's confidence, sentence ids shown small,
  headings styled as headings, the bead's findings as badges with their message, and the
  evidence spans highlighted in the text with <mark> (overlapping spans are flattened into
  non-overlapping pieces, so the markup always nests);
- filters per category and per severity plus "rows without findings": a row is shown when at
  least one of its findings has a ticked category and a ticked severity, or when it has no
  findings and "rows without findings" is ticked. One delegated listener; no per-row handlers.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path

from .atomic import atomic_writer
from .check import ranked, sureness
from .model import Alignment, Bead, Finding, Sentence, Span

SEVERITIES = ("error", "warning", "info")
_SEV_RANK = {sev: rank for rank, sev in enumerate(SEVERITIES)}  # lower = more severe
_SEV_ICON = {"error": "\u2716", "warning": "\u25b2", "info": "\u2139"}

# Confidence bands: (lower bound, css class, label), highest first.
CONFIDENCE_BANDS = (
    (0.9, "c-high", "\u2265 0.9"),
    (0.7, "c-good", "0.7\u20130.9"),
    (0.5, "c-mid", "0.5\u20130.7"),
    (float("-inf"), "c-low", "< 0.5"),
)


def write_report(alignment: Alignment, findings: Sequence[Finding], path: Path) -> None:
    """Write the HTML discrepancy report of one alignment and its findings to `path`."""
    page = render_report(alignment, findings)
    with atomic_writer(Path(path)) as handle:
        handle.write(page)


def render_report(alignment: Alignment, findings: Sequence[Finding]) -> str:
    """The report as one HTML string (what `write_report` writes)."""
    findings = list(findings)
    per_bead: dict[int, list[int]] = {}
    loose: list[int] = []
    for i, finding in enumerate(findings):
        if _tied_bead(alignment, finding) is None:
            loose.append(i)
        else:
            per_bead.setdefault(finding.bead, []).append(i)

    categories = sorted({f.category for f in findings})
    severities = list(SEVERITIES) + sorted({f.severity for f in findings} - set(SEVERITIES))
    title = f"Discrepancy report \u2013 {alignment.name}"

    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"),
        "<link rel=\"icon\" href=\"data:,\">\n",
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f"<header><h1>{_e(title)}</h1></header>\n",
        _top_section(alignment, findings),
        _summary(alignment, findings, categories, severities),
        _loose_section(alignment, findings, loose),
        _filters(findings, categories, severities),
        _table(alignment, findings, per_bead),
        f"<script>{_JS}</script>\n</body>\n</html>\n",
    ]
    return "".join(parts)


# ---------------------------------------------------------------- helpers


def _e(text: object) -> str:
    """Escape for both element text and quoted attribute values."""
    return html.escape(str(text), quote=True)


def _tied_bead(alignment: Alignment, finding: Finding) -> int | None:
    """The bead index a finding belongs to in this alignment, or None for a document-level one."""
    if finding.document and finding.document != alignment.name:
        return None
    if 0 <= finding.bead < len(alignment.beads):
        return finding.bead
    return None


def _sev_class(severity: str) -> str:
    return f"sev-{severity}" if severity in _SEV_RANK else "sev-other"


LOW_BANDS = frozenset({"c-mid", "c-low"})  # rows coloured as doubtful


def _why_low(bead: Bead) -> str:
    """The line a doubtful row with no finding shows."""
    if bead.is_pair:
        return "unusual pair: low similarity"
    return "uncertain: this sentence may have a counterpart nearby"


def _band(score: float) -> tuple[str, str]:
    for lower, cls, label in CONFIDENCE_BANDS:
        if score >= lower:
            return cls, label
    return CONFIDENCE_BANDS[-1][1], CONFIDENCE_BANDS[-1][2]


def _language(code: str) -> str:
    try:
        from babel import Locale

        name = Locale.parse(code.replace("-", "_")).get_display_name("en")
    except Exception:  # noqa: BLE001 - unknown code, or babel missing: show the code alone
        return code
    return f"{name} ({code})" if name else code


def _shape_key(shape: str) -> tuple[int, int, int]:
    s, t = (int(n) for n in shape.split(":"))
    return (0 if s and t else 1, s + t, s)


def _badge(finding: Finding) -> str:
    icon = _SEV_ICON.get(finding.severity, "\u2022")
    return (f"<span class=\"badge {_sev_class(finding.severity)}\" title=\"{_e(finding.severity)}\">"
            f"<span class=\"icon\" aria-hidden=\"true\">{icon}</span>{_e(finding.category)}</span>")


def _finding_item(i: int, finding: Finding, extra: str = "") -> str:
    return (f"<li class=\"finding {_sev_class(finding.severity)}\" data-i=\"{i}\" "
            f"data-cat=\"{_e(finding.category)}\" data-sev=\"{_e(finding.severity)}\">"
            f"{_badge(finding)} <span class=\"msg\">{_e(finding.message)}</span> "
            f"<span class=\"check\">{_e(finding.check)}</span>{extra}</li>")


# ---------------------------------------------------------------- summary


def _summary(alignment: Alignment, findings: list[Finding], categories: list[str],
             severities: list[str]) -> str:
    beads = alignment.beads
    shapes = Counter(b.shape for b in beads)
    shape_text = ", ".join(f"<span class=\"shape\">{_e(s)}</span>\u00a0\u00d7\u00a0{shapes[s]}"
                           for s in sorted(shapes, key=_shape_key)) or "\u2013"
    mean = sum(b.score for b in beads) / len(beads) if beads else None
    bands = Counter(_band(b.score)[0] for b in beads)
    band_text = " ".join(
        f"<span class=\"band {cls}\" data-band=\"{cls}\"><span class=\"swatch\"></span>{_e(label)}: "
        f"<b>{bands[cls]}</b></span>" for _, cls, label in CONFIDENCE_BANDS)

    rows = [("Document", _e(alignment.name))]
    files = [p.name for p in (alignment.src_path, alignment.tgt_path) if p is not None]
    if files:
        rows.append(("Files", " \u2194 ".join(_e(f) for f in files)))
    rows.append(("Languages", (f"{_e(_language(alignment.src_lang))} \u2192 "
                               f"{_e(_language(alignment.tgt_lang))}")))
    rows.append(("Sentences", (f"<span id=\"n-src\">{len(alignment.src)}</span> source, "
                               f"<span id=\"n-tgt\">{len(alignment.tgt)}</span> target")))
    rows.append(("Beads", f"<span id=\"n-beads\">{len(beads)}</span>: {shape_text}"))
    mean_text = "\u2013" if mean is None else f"{mean:.3f}"
    rows.append(("Mean confidence", f"<span id=\"mean-conf\">{mean_text}</span>"))
    rows.append(("Confidence", band_text))
    if alignment.meta.get("encoder"):
        rows.append(("Encoder", _e(alignment.meta["encoder"])))
    if alignment.meta.get("document_model"):
        rows.append(("Estimated from the document", f"<code id=\"document-model\">{_e(_compact(alignment.meta['document_model']))}</code>"))
    if alignment.meta.get("aligner"):
        rows.append(("Aligner settings", f"<code id=\"aligner-settings\">{_e(_compact(alignment.meta['aligner']))}</code>"))
    info = "".join(f"<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>" for k, v in rows)

    return (f"<section id=\"summary\"><table class=\"facts\">{info}</table>"
            f"{_counts_table(findings, categories, severities)}</section>\n")


def _compact(settings: str) -> str:
    """A JSON object of settings as `key=value` pairs, one line."""
    try:
        values = json.loads(settings)
    except ValueError:
        return settings
    return ", ".join(f"{k}={v}" for k, v in values.items()) if isinstance(values, dict) else settings


def _counts_table(findings: list[Finding], categories: list[str], severities: list[str]) -> str:
    if not findings:
        return "<p id=\"counts\" class=\"counts none\">No findings.</p>"
    counts: Counter[tuple[str, str]] = Counter((f.category, f.severity) for f in findings)
    by_cat = Counter(f.category for f in findings)
    by_sev: Counter[str] = Counter(f.severity for f in findings)
    head = "".join(f"<th scope=\"col\" class=\"{_sev_class(s)}\">{_e(s)}</th>" for s in severities)
    zero = ' class="zero"'
    body = []
    for cat in categories:
        cells = "".join(
            f"<td data-sev=\"{_e(s)}\"{'' if counts[cat, s] else zero}>{counts[cat, s]}</td>"
            for s in severities)
        body.append(f"<tr data-cat=\"{_e(cat)}\"><th scope=\"row\">{_e(cat)}</th>{cells}"
                    f"<td class=\"total\">{by_cat[cat]}</td></tr>")
    totals = "".join(f"<td data-sev=\"{_e(s)}\">{by_sev[s]}</td>" for s in severities)
    return (f"<table id=\"counts\" class=\"counts\"><caption>Findings</caption>"
            f"<thead><tr><th scope=\"col\">category</th>{head}<th scope=\"col\">total</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody><tfoot><tr><th scope=\"row\">total</th>{totals}"
            f"<td class=\"total\">{len(findings)}</td></tr></tfoot></table>")


def _loose_section(alignment: Alignment, findings: list[Finding], loose: list[int]) -> str:
    if not loose:
        return ""
    items = []
    for i in loose:
        f = findings[i]
        extra = []
        if f.document and f.document != alignment.name:
            extra.append(f"<span class=\"where\">document {_e(f.document)}</span>")
        elif f.bead >= 0:
            extra.append(f"<span class=\"where\">bead {f.bead} (not in this alignment)</span>")
        for side, ids, text in (("src", f.src_ids, f.src_text), ("tgt", f.tgt_ids, f.tgt_text)):
            if text or ids:
                lang = alignment.src_lang if side == "src" else alignment.tgt_lang
                where = f"{_e(lang)} {', '.join(map(str, ids))}" if ids else _e(lang)
                extra.append(f"<q class=\"quote\" lang=\"{_e(lang)}\"><span class=\"sid\">{where}</span>"
                             f"{_e(_clip(text))}</q>")
        tail = f"<div class=\"extra\">{''.join(extra)}</div>" if extra else ""
        items.append(_finding_item(i, f, tail))
    return (f"<section id=\"doc-findings\"><h2>Document-level findings ({len(loose)})</h2>"
            f"<ul class=\"findings\">{''.join(items)}</ul></section>\n")


TOP_FINDINGS = 10  # findings listed first, most likely right first


def _top_section(alignment: Alignment, findings: list[Finding]) -> str:
    """The first screen: the findings most likely to point at a real problem (`check.ranked`),
    errors and warnings only, each linked to its row."""
    top = [f for f in ranked(findings) if f.severity != "info"][:TOP_FINDINGS]
    if not top:
        return ""
    items = []
    for f in top:
        bead = _tied_bead(alignment, f)
        where = f"<a href=\"#b{bead}\">bead {bead}</a>" if bead is not None else "document"
        items.append(f"<li class=\"top {_sev_class(f.severity)}\" data-sureness=\"{sureness(f):.3f}\">{_badge(f)} "
                     f"<span class=\"sure\" title=\"share of findings of this kind that were right on the "
                     f"benchmark\">{round(100 * sureness(f))}\u00a0%</span> <span class=\"msg\">{_e(f.message)}</span> "
                     f"<span class=\"where\">{where}</span></li>")
    shown = sum(f.severity != "info" for f in findings)
    return (f"<section id=\"top-findings\"><h2>Most likely problems ({len(top)} of {shown}, "
            f"surest first)</h2><ol class=\"top\">{''.join(items)}</ol></section>\n")


def _clip(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# ---------------------------------------------------------------- filters


def _filters(findings: list[Finding], categories: list[str], severities: list[str]) -> str:
    by_cat = Counter(f.category for f in findings)
    by_sev: Counter[str] = Counter(f.severity for f in findings)
    cats = "".join(
        f"<span class=\"opt\"><label><input type=\"checkbox\" name=\"cat\" value=\"{_e(c)}\" checked> "
        f"{_e(c)} <span class=\"n\">{by_cat[c]}</span></label>"
        f"<button type=\"button\" class=\"only\" data-only=\"{_e(c)}\" "
        f"title=\"show only rows with {_e(c)} findings\">only</button></span>"
        for c in categories) or "<span class=\"n\">none</span>"
    sevs = "".join(
        f"<span class=\"opt\"><label class=\"{_sev_class(s)}\"><input type=\"checkbox\" name=\"sev\" "
        f"value=\"{_e(s)}\" checked> {_e(s)} <span class=\"n\">{by_sev[s]}</span></label></span>"
        for s in severities)
    return (
        "<form id=\"filters\" class=\"filters\" onsubmit=\"return false\">"
        f"<fieldset class=\"cats\"><legend>Category</legend>{cats}</fieldset>"
        f"<fieldset class=\"sevs\"><legend>Severity</legend>{sevs}</fieldset>"
        "<fieldset class=\"rows\"><legend>Rows</legend><span class=\"opt\"><label>"
        "<input type=\"checkbox\" name=\"empty\" value=\"1\" checked> rows without findings</label></span>"
        "<button type=\"button\" data-all=\"1\">show all</button></fieldset>"
        "<output id=\"shown\" aria-live=\"polite\"></output></form>\n"
    )


# ---------------------------------------------------------------- table


def _table(alignment: Alignment, findings: list[Finding], per_bead: dict[int, list[int]]) -> str:
    src_lang, tgt_lang = _e(alignment.src_lang), _e(alignment.tgt_lang)
    out = [
        ("<table id=\"beads\" class=\"beads\">"
         "<colgroup><col class=\"k\"><col class=\"score\"><col class=\"text\"><col class=\"text\">"
         "<col class=\"fs\"></colgroup>"
         f"<thead><tr><th scope=\"col\">bead</th><th scope=\"col\">conf.</th>"
         f"<th scope=\"col\">{_e(_language(alignment.src_lang))}</th>"
         f"<th scope=\"col\">{_e(_language(alignment.tgt_lang))}</th>"
         "<th scope=\"col\">findings</th></tr></thead><tbody>")
    ]
    for k, bead in enumerate(alignment.beads):
        ids = per_bead.get(k, [])
        mine = [(i, findings[i]) for i in ids]
        band, _ = _band(bead.score)
        classes = [band]
        if ids:
            classes.append("has-f")
            classes.append(_sev_class(min((f.severity for _, f in mine),
                                          key=lambda s: _SEV_RANK.get(s, len(_SEV_RANK)))))
        if not bead.is_pair:
            classes.append("gap-row")
        src_cell = _side_cell(alignment.src, bead.src, _spans(mine, "src", alignment.src_text(bead)),
                              src_lang, "source", alignment.tgt_lang)
        tgt_cell = _side_cell(alignment.tgt, bead.tgt, _spans(mine, "tgt", alignment.tgt_text(bead)),
                              tgt_lang, "target", alignment.src_lang)
        fs = "".join(_finding_item(i, f) for i, f in mine)
        fs = f"<ul class=\"findings\">{fs}</ul>" if fs else ""
        if not fs and band in LOW_BANDS:  # a row coloured as doubtful always says why
            fs = f"<p class=\"why\">{_e(_why_low(bead))}</p>"
        out.append(
            f"<tr id=\"b{k}\" class=\"{' '.join(classes)}\" data-bead=\"{k}\" data-shape=\"{bead.shape}\" "
            f"data-score=\"{bead.score:.4f}\" data-n=\"{len(ids)}\">"
            f"<td class=\"k\"><a href=\"#b{k}\">{k}</a><span class=\"shape\">{bead.shape}</span></td>"
            f"<td class=\"score\"><span class=\"conf\">{bead.score:.2f}</span></td>"
            f"{src_cell}{tgt_cell}"
            f"<td class=\"fs\">{fs}</td></tr>"
        )
    out.append("</tbody></table>\n")
    return "".join(out)


def _spans(mine: list[tuple[int, Finding]], side: str, text: str) -> list[tuple[int, int, int, Finding]]:
    """(start, end, finding index, finding) of every usable evidence span on one side.

    Offsets index the bead's joined text; spans are clipped to it. A span whose offsets are
    empty or outside the text but whose `text` occurs in it is placed at that occurrence.
    """
    spans = []
    for i, finding in mine:
        for span in finding.evidence:
            if span.side != side:
                continue
            where = _locate(span, text)
            if where is not None:
                spans.append((where[0], where[1], i, finding))
    return spans


def _locate(span: Span, text: str) -> tuple[int, int] | None:
    start, end = max(0, span.start), min(len(text), span.end)
    if start < end:
        return start, end
    if span.text:
        found = text.find(span.text)
        if found >= 0:
            return found, found + len(span.text)
    return None


def _side_cell(sentences: list[Sentence], ids: tuple[int, ...], spans: list[tuple[int, int, int, Finding]],
               lang: str, side_name: str, other_lang: str) -> str:
    side = "src" if side_name == "source" else "tgt"
    if not ids:
        return (f"<td class=\"{side} gap\"><span class=\"gapnote\">no {side_name} sentence "
                f"(only in {_e(other_lang)})</span></td>")
    pieces = []
    offset = 0
    for n, sid in enumerate(ids):
        sentence = sentences[sid]
        length = len(sentence.text)
        local = [(max(s, offset) - offset, min(e, offset + length) - offset, i, f)
                 for s, e, i, f in spans if s < offset + length and e > offset]
        cls = "s h" if sentence.is_heading else "s"
        pieces.append(f"<span class=\"{cls}\" data-sid=\"{sentence.index}\"><span class=\"sid\">"
                      f"{sentence.index}</span>{_highlight(sentence.text, local)}</span>")
        offset += length + 1  # the joining space
    heading = " heading" if all(sentences[sid].is_heading for sid in ids) else ""
    return f"<td class=\"{side}{heading}\" lang=\"{lang}\" dir=\"auto\">{' '.join(pieces)}</td>"


def _highlight(text: str, spans: Iterable[tuple[int, int, int, Finding]]) -> str:
    """`text` escaped, with <mark> around every stretch covered by spans.

    Overlapping spans are flattened: the text is cut at every span boundary and each piece is
    marked with the findings covering it (class = the most severe one, plus `multi` when there
    are several; `data-f` = finding indices); neighbouring pieces with the same findings are one
    mark. Marks never overlap or nest, so the markup is always well formed.
    """
    spans = [(s, e, i, f) for s, e, i, f in spans if 0 <= s < e <= len(text)]
    if not spans:
        return _e(text)
    cuts = sorted({0, len(text)} | {s for s, *_ in spans} | {e for _, e, *_ in spans})
    pieces: list[tuple[int, int, dict[int, Finding]]] = []
    for a, b in pairwise(cuts):
        # a finding with several spans over the same stretch counts once
        cover = {i: f for s, e, i, f in spans if s <= a and b <= e}
        if pieces and pieces[-1][2].keys() == cover.keys():
            pieces[-1] = (pieces[-1][0], b, cover)  # same findings as the piece before: one mark
        else:
            pieces.append((a, b, cover))
    out = []
    for a, b, cover in pieces:
        piece = _e(text[a:b])
        if not cover:
            out.append(piece)
            continue
        worst = min((f.severity for f in cover.values()), key=lambda s: _SEV_RANK.get(s, len(_SEV_RANK)))
        multi = " multi" if len(cover) > 1 else ""
        tip = "\n".join(f"{f.severity} \u00b7 {f.category}: {f.message}" for f in cover.values())
        out.append(f"<mark class=\"{_sev_class(worst)}{multi}\" data-f=\"{' '.join(map(str, cover))}\" "
                   f"title=\"{_e(tip)}\">{piece}</mark>")
    return "".join(out)


# ---------------------------------------------------------------- CSS and script

_CSS = """
:root{--error:#c62828;--warning:#b45309;--info:#1d4ed8;--other:#555;
--c-high:#2e7d32;--c-good:#9ccc65;--c-mid:#f59e0b;--c-low:#dc2626;
--line:#e3e3e8;--muted:#6b6b76;--bg:#fafafb}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;padding:0 20px 40px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",
"DejaVu Sans",sans-serif;color:#1f1f24;background:#fff}
h1{font-size:20px;margin:18px 0 10px}
h2{font-size:15px;margin:0 0 6px}
#summary{display:flex;flex-wrap:wrap;gap:14px 40px;align-items:flex-start;margin-bottom:14px}
table.facts{border-collapse:collapse}
.facts th{text-align:left;font-weight:600;color:var(--muted);padding:2px 14px 2px 0;vertical-align:top;
white-space:nowrap}
.facts td{padding:2px 0}
.shape{font-variant-numeric:tabular-nums;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
font-size:12px}
.band{display:inline-flex;align-items:center;gap:4px;margin-right:10px;white-space:nowrap}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;background:var(--c)}
.c-high{--c:var(--c-high)}.c-good{--c:var(--c-good)}.c-mid{--c:var(--c-mid)}.c-low{--c:var(--c-low)}
table.counts{border-collapse:collapse;font-variant-numeric:tabular-nums}
.counts caption{text-align:left;font-weight:600;padding-bottom:4px}
.counts th,.counts td{border:1px solid var(--line);padding:2px 10px;text-align:right}
.counts th[scope=row],.counts thead th:first-child{text-align:left;font-weight:500}
.counts thead th{background:var(--bg);font-weight:600}
.counts thead th.sev-error{color:var(--error)}.counts thead th.sev-warning{color:var(--warning)}
.counts thead th.sev-info{color:var(--info)}
.counts td.zero{color:#c4c4cc}
.counts .total,.counts tfoot td,.counts tfoot th{font-weight:600}
#top-findings{border:1px solid var(--line);border-radius:6px;padding:8px 14px;margin-bottom:14px}
#top-findings h2{font-size:15px;margin:0 0 6px}
ol.top{margin:0;padding-left:22px}li.top{margin:0 0 4px;line-height:1.35}
.sure{font-variant-numeric:tabular-nums;color:var(--muted);font-size:12px}
#doc-findings{border:1px solid var(--line);border-radius:6px;padding:10px 14px;margin-bottom:14px;
background:var(--bg)}
ul.findings{list-style:none;margin:0;padding:0}p.why{margin:0;color:#6b5a00;font-size:.9em}
.finding{margin:0 0 5px;line-height:1.35}
.finding:last-child{margin-bottom:0}
.finding.off{opacity:.35}
.badge{display:inline-flex;align-items:center;gap:3px;padding:0 6px;border-radius:9px;font-size:11.5px;
font-weight:600;color:#fff;background:var(--sev);white-space:nowrap;line-height:18px;vertical-align:1px}
.badge .icon{font-size:9.5px}
.sev-error{--sev:var(--error)}.sev-warning{--sev:var(--warning)}.sev-info{--sev:var(--info)}
.sev-other{--sev:var(--other)}
.check{color:var(--muted);font-size:11.5px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.extra{margin:3px 0 4px 4px;display:flex;flex-direction:column;gap:2px}
.where{color:var(--muted);font-size:12px}
q.quote{quotes:none;color:#333}
form.filters{position:sticky;top:0;z-index:2;background:rgba(255,255,255,.97);display:flex;flex-wrap:wrap;
align-items:center;gap:6px 18px;padding:8px 0;border-bottom:1px solid var(--line);margin-bottom:0}
fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;align-items:center;gap:4px 6px}
legend{float:left;font-weight:600;color:var(--muted);margin-right:4px;padding:0}
.opt{display:inline-flex;align-items:stretch;border:1px solid var(--line);border-radius:5px;background:#fff}
.opt label{padding:2px 7px;cursor:pointer;white-space:nowrap;user-select:none}
.opt label.sev-error,.opt label.sev-warning,.opt label.sev-info{color:var(--sev);font-weight:600}
.opt input{margin:0 2px 0 0;vertical-align:-2px}
.n{color:var(--muted);font-size:11.5px;font-weight:400}
button{font:inherit;font-size:12px;cursor:pointer;border:1px solid var(--line);background:var(--bg);
border-radius:5px;padding:2px 8px;color:#333}
.opt button.only{border:0;border-left:1px solid var(--line);border-radius:0 5px 5px 0;padding:0 6px;
color:var(--muted);font-size:11px}
button:hover{background:#eef0f5;color:#000}
#shown{margin-left:auto;color:var(--muted);font-size:12.5px}
table.beads{width:100%;border-collapse:collapse;table-layout:fixed}
col.k{width:4.2em}col.score{width:3.8em}col.fs{width:25%}
.beads thead th{position:sticky;top:var(--filters-h,44px);z-index:1;background:#f3f4f7;text-align:left;
font-weight:600;padding:5px 8px;border-bottom:1px solid #d5d6de;font-size:12.5px}
.beads td{padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
.beads tr.hide{display:none}
.beads td.k{border-left:5px solid var(--c);color:var(--muted);font-size:11.5px;white-space:nowrap}
.beads td.k a{color:inherit;text-decoration:none;display:block;font-weight:600}
.beads td.k .shape{display:block;font-size:11px}
.beads td.score{font-variant-numeric:tabular-nums}
.conf{display:inline-block;min-width:2.9em;text-align:center;border-radius:4px;padding:0 3px;font-size:12px;
font-weight:600;background:color-mix(in srgb,var(--c) 22%,#fff);color:#222}
.beads tr.c-low td.src,.beads tr.c-low td.tgt{background:#fff5f5}
.beads td.src{border-right:1px dashed var(--line)}
.beads td.gap{background:repeating-linear-gradient(135deg,#f6f6f8 0 6px,#ececf0 6px 12px);
vertical-align:middle;text-align:center}
.gapnote{color:var(--muted);font-size:12px;font-style:italic;background:rgba(255,255,255,.85);padding:1px 6px;
border-radius:4px}
.beads tr.has-f td.fs{background:var(--bg)}
.sid{display:inline-block;margin-right:3px;color:#9a9aa6;font-size:10px;font-family:ui-monospace,
SFMono-Regular,Menlo,Consolas,monospace;vertical-align:1px;user-select:none}
.s.h{font-weight:700;font-size:15.5px}
.beads td.heading{padding-top:12px}
mark{color:inherit;border-radius:2px;padding:0;box-decoration-break:clone;-webkit-box-decoration-break:clone}
mark.sev-error{background:#fcd4d4;box-shadow:inset 0 -2px 0 var(--error)}
mark.sev-warning{background:#fde9c2;box-shadow:inset 0 -2px 0 var(--warning)}
mark.sev-info{background:#dbe6fd;box-shadow:inset 0 -2px 0 var(--info)}
mark.sev-other{background:#e6e6e6;box-shadow:inset 0 -2px 0 var(--other)}
mark.multi{box-shadow:inset 0 -3px 0 var(--sev),inset 0 2px 0 var(--sev)}
mark+mark{border-left:1px solid #fff}
mark.off{background:none;box-shadow:inset 0 -1px 0 #bbb}
mark.focus{outline:2px solid var(--sev);outline-offset:1px}
@media print{form.filters{display:none}.beads thead th{position:static}.beads tr.hide{display:table-row}}
"""

_JS = """
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("beads");
  if (!form || !table) { return; }
  var slice = Array.prototype.slice;
  var rows = slice.call(table.tBodies[0].rows).map(function (r) {
    return {
      el: r,
      fs: slice.call(r.querySelectorAll(".finding")),
      marks: slice.call(r.querySelectorAll("mark[data-f]")).map(function (m) {
        return { el: m, ids: m.getAttribute("data-f").split(" ") };
      })
    };
  });
  var loose = slice.call(document.querySelectorAll("#doc-findings .finding"));
  var shown = document.getElementById("shown");
  var boxes = slice.call(form.querySelectorAll("input[type=checkbox]"));
  var nFindings = table.querySelectorAll(".finding").length + loose.length;

  function ticked(name) {
    var set = new Set();
    boxes.forEach(function (b) { if (b.name === name && b.checked) { set.add(b.value); } });
    return set;
  }
  function apply() {
    var t0 = performance.now();
    var cats = ticked("cat"), sevs = ticked("sev");
    var empty = form.elements.namedItem("empty").checked;
    var visible = 0, on = 0;
    function test(li) {
      var ok = cats.has(li.getAttribute("data-cat")) && sevs.has(li.getAttribute("data-sev"));
      li.classList.toggle("off", !ok);
      if (ok) { on++; }
      return ok;
    }
    loose.forEach(test);
    rows.forEach(function (row) {
      var show;
      if (row.fs.length) {
        var lit = {};
        show = false;
        row.fs.forEach(function (li) {
          if (test(li)) { show = true; lit[li.getAttribute("data-i")] = true; }
        });
        row.marks.forEach(function (m) {
          m.el.classList.toggle("off", !m.ids.some(function (id) { return lit[id]; }));
        });
      } else {
        show = empty;
      }
      if (row.el.classList.contains("hide") === show) { row.el.classList.toggle("hide", !show); }
      if (show) { visible++; }
    });
    shown.textContent = "showing " + visible + " of " + rows.length + " beads, " + on + " of " +
      nFindings + " findings";
    form.setAttribute("data-ms", (performance.now() - t0).toFixed(1));
  }
  function setAll(name, value) {
    boxes.forEach(function (b) { if (!name || b.name === name) { b.checked = value; } });
  }
  form.addEventListener("change", apply);
  form.addEventListener("click", function (e) {
    var btn = e.target.closest("button");
    if (!btn) { return; }
    if (btn.hasAttribute("data-only")) {
      setAll("cat", false);
      setAll("sev", true);
      boxes.forEach(function (b) {
        if (b.name === "cat" && b.value === btn.getAttribute("data-only")) { b.checked = true; }
      });
      form.elements.namedItem("empty").checked = false;
    } else if (btn.hasAttribute("data-all")) {
      setAll(null, true);
    }
    apply();
  });
  function focus(e, state) {
    var li = e.target.closest && e.target.closest(".finding[data-i]");
    if (!li) { return; }
    var row = li.closest("tr");
    if (!row) { return; }
    var id = li.getAttribute("data-i");
    slice.call(row.querySelectorAll("mark[data-f]")).forEach(function (m) {
      if (m.getAttribute("data-f").split(" ").indexOf(id) >= 0) { m.classList.toggle("focus", state); }
    });
  }
  table.addEventListener("mouseover", function (e) { focus(e, true); });
  table.addEventListener("mouseout", function (e) { focus(e, false); });
  function stick() {
    document.documentElement.style.setProperty("--filters-h", form.offsetHeight + "px");
  }
  window.addEventListener("resize", stick);
  stick();
  apply();
})();
"""
