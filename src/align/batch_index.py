"""`index.html` of a batch: every pair with its findings by severity and a link to its report,
sorted by errors (then warnings); a click on a column header sorts by that column."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .naming import safe_name

if TYPE_CHECKING:
    from .batch import Failure

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .3em .6em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { cursor: pointer; background: #f4f4f4; position: sticky; top: 0; user-select: none; }
th[aria-sort="descending"]::after { content: " \\25BE"; }
th[aria-sort="ascending"]::after { content: " \\25B4"; }
td.error { color: #b00020; font-weight: 600; }
td.warning { color: #8a5a00; }
.failed td { color: #b00020; text-align: left; }
"""

# Sort the table by a column on click (numbers numerically); the second click reverses.
_SCRIPT = """
document.querySelectorAll("table.pairs th").forEach((th, col) => th.addEventListener("click", () => {
  const body = th.closest("table").tBodies[0];
  const down = th.getAttribute("aria-sort") !== "descending";
  th.closest("tr").querySelectorAll("th").forEach(h => h.removeAttribute("aria-sort"));
  th.setAttribute("aria-sort", down ? "descending" : "ascending");
  const key = tr => { const c = tr.cells[col]; const v = c.dataset.value ?? c.textContent; return isNaN(v) ? v : +v; };
  [...body.rows].sort((a, b) => (key(a) > key(b) ? 1 : key(a) < key(b) ? -1 : 0) * (down ? -1 : 1))
    .forEach(tr => body.appendChild(tr));
}));
"""

COLUMNS = ("pair", "source sentences", "target sentences", "beads", "errors", "warnings", "info")


def render_index(rows: Sequence[dict[str, Any]], failures: Sequence[Failure], with_reports: bool) -> str:
    """The page for `rows` (`check.summary_row` of each pair) and the failed pairs."""
    ordered = sorted(rows, key=lambda r: (-r["error"], -r["warning"], -r["info"], r["document"]))
    totals = {s: sum(r[s] for r in rows) for s in ("error", "warning", "info")}
    lines = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>align batch: review</title>", f"<style>{_STYLE}</style></head><body>",
             "<h1>Batch review</h1>",
             (f"<p>{len(rows)} pairs aligned, {len(failures)} failed; findings: {totals['error']} errors, "
              f"{totals['warning']} warnings, {totals['info']} info.</p>"),
             '<table class="pairs"><thead><tr>']
    sorted_by = ' aria-sort="descending"'
    lines += [f"<th{sorted_by if c == 'errors' else ''}>{c}</th>" for c in COLUMNS]
    lines.append("</tr></thead><tbody>")
    for row in ordered:
        name = html.escape(row["document"])
        if with_reports:
            href = quote(safe_name(row["document"]) + ".report.html")
            name = f'<a href="{html.escape(href)}">{name}</a>'
        cells = [f'<td data-value="{html.escape(row["document"])}">{name}</td>']
        for key in ("src_sentences", "tgt_sentences", "beads"):
            cells.append(f"<td>{row[key]}</td>")
        for key in ("error", "warning", "info"):
            css = f' class="{key}"' if row[key] and key != "info" else ""
            cells.append(f"<td{css}>{row[key]}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table>")
    if failures:
        lines.append(f"<h2>Failed pairs ({len(failures)})</h2>")
        lines.append('<table class="failed-pairs"><thead><tr><th>pair</th><th>reason</th></tr></thead><tbody>')
        for failure in failures:
            lines.append(f'<tr class="failed"><td>{html.escape(str(failure.name))}</td>'
                         f"<td>{html.escape(failure.reason)}</td></tr>")
        lines.append("</tbody></table>")
    lines.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(lines) + "\n"
