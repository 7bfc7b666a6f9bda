"""Tests for align.report: the HTML discrepancy report.

Unit tests parse the generated page with lxml. The browser tests open it in a real headless
Chromium (Debian's `chromium`, driven by Playwright for Python) and skip only when one of those
is not installed. Screenshots go to $ALIGN_TEST_ARTIFACTS when set, else to the test's tmp folder.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from lxml import html as lxml_html

from align.model import Alignment, Bead, Finding, Sentence, Span
from align.check import ranked, sureness
from align.report import TOP_FINDINGS, render_report, write_report

from conftest import CORPORA, files_in

# ---------------------------------------------------------------- a small hand-made alignment

EN = [
    Sentence(0, "Coal & <b>gas</b>: the \"plan\"", 0, is_heading=True),
    Sentence(1, "Czechia exports 13.2 TWh to Austria & Slovakia.", 1),
    Sentence(2, "Photo: Pavel Dvořák 🙂 <script>alert('x')</script>", 1),
    Sentence(3, "A footnote with no German counterpart.", 2),
    Sentence(4, "Prices rose by 5 % < 10 % in 2023.", 3),
    Sentence(5, "The end.", 4),
]
DE = [
    Sentence(0, "Kohle & <b>Gas</b>: der „Plan“", 0, is_heading=True),
    Sentence(1, "Tschechien exportiert 13,2 TWh nach Österreich & in die Slowakei; Foto: Pavel Dvořák 🙂.", 1),
    Sentence(2, "Die Preise stiegen um 5 % < 10 %.", 3),
    Sentence(3, "Im Jahr 2023.", 3),
    Sentence(4, "Ein Zusatz nur auf Deutsch: Straße, Maß, Fuß.", 4),
    Sentence(5, "Das Ende.", 5),
]
BEADS = [
    Bead((0,), (0,), 0.95),  # 0: 1:1 heading
    Bead((1, 2), (1,), 0.72),  # 1: 2:1
    Bead((3,), (), 0.0),  # 2: 1:0
    Bead((4,), (2, 3), 0.55),  # 3: 1:2
    Bead((), (4,), 0.0),  # 4: 0:1
    Bead((5,), (5,), 0.31),  # 5: 1:1
]


def small_alignment() -> Alignment:
    return Alignment("energy-test", "en", "de", list(EN), list(DE), list(BEADS),
                     src_path=Path("energy.en.txt"), tgt_path=Path("energy.de.txt"),
                     meta={"encoder": "use"})


def span_of(alignment: Alignment, k: int, side: str, needle: str, nth: int = 0) -> Span:
    """The Span of the nth occurrence of `needle` in bead k's joined text on one side."""
    bead = alignment.beads[k]
    text = alignment.src_text(bead) if side == "src" else alignment.tgt_text(bead)
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span(side, start, start + len(needle), needle)


def finding(alignment: Alignment, k: int, category: str, severity: str, evidence=(), check="test-check",
            message: str | None = None, document: str | None = None) -> Finding:
    bead = alignment.beads[k] if 0 <= k < len(alignment.beads) else Bead((), ())
    return Finding(
        document=alignment.name if document is None else document,
        bead=k,
        src_ids=bead.src,
        tgt_ids=bead.tgt,
        src_text=alignment.src_text(bead),
        tgt_text=alignment.tgt_text(bead),
        category=category,
        check=check,
        severity=severity,
        message=message or f"{category} in bead {k} <&> \"quoted\"",
        evidence=tuple(evidence),
        score=bead.score,
    )


def small_findings(a: Alignment) -> list[Finding]:
    return [
        # bead 1: overlapping spans of two findings, one crossing the sentence boundary (src)
        finding(a, 1, "numbers", "error", [span_of(a, 1, "src", "13.2 TWh"), span_of(a, 1, "tgt", "13,2 TWh")],
                check="number-mismatch"),
        finding(a, 1, "inconsistent-entities", "warning",
                [span_of(a, 1, "src", "TWh to Austria"), span_of(a, 1, "tgt", "Österreich")]),
        finding(a, 1, "characters", "info", [span_of(a, 1, "src", "Slovakia. Photo: Pavel Dvořák 🙂")]),
        # bead 2: omission (no target text)
        finding(a, 2, "omission", "error", [span_of(a, 2, "src", "A footnote with no German counterpart.")]),
        # bead 3: adjacent spans on the target (".. 10 %." then "Im Jahr")
        finding(a, 3, "numbers", "warning", [span_of(a, 3, "tgt", "5 % < 10 %"), span_of(a, 3, "src", "5 % < 10 %")]),
        finding(a, 3, "typographical", "info", [span_of(a, 3, "tgt", "."), span_of(a, 3, "tgt", " Im")]),
        # bead 4: addition
        finding(a, 4, "addition", "warning", [span_of(a, 4, "tgt", "Straße, Maß, Fuß")]),
        # document level
        finding(a, -1, "other", "info", message="German version has one more paragraph"),
        finding(a, 99, "untranslated", "warning", message="bead outside this alignment"),
    ]


@pytest.fixture
def small_report(tmp_path):
    a = small_alignment()
    fs = small_findings(a)
    path = tmp_path / "out" / "report.html"
    write_report(a, fs, path)
    return a, fs, path, lxml_html.fromstring(path.read_bytes())


def rows_of(doc):
    return doc.xpath('//table[@id="beads"]/tbody/tr')


def cell_text(td) -> str:
    """A text cell's text without the small sentence ids."""
    td = lxml_html.fromstring(lxml_html.tostring(td, encoding="unicode"))
    for sid in td.xpath('.//*[contains(concat(" ", @class, " "), " sid ")]'):
        sid.drop_tree()
    return td.text_content()


def marks_in(td) -> list[tuple[str, str, str]]:
    return [(m.text_content(), m.get("class"), m.get("data-f")) for m in td.iter("mark")]


# ---------------------------------------------------------------- structure


def test_one_row_per_bead_in_order(small_report):
    a, _, _, doc = small_report
    rows = rows_of(doc)
    assert len(rows) == len(a.beads)
    assert [int(r.get("data-bead")) for r in rows] == list(range(len(a.beads)))
    assert [r.get("data-shape") for r in rows] == [b.shape for b in a.beads]
    assert [float(r.get("data-score")) for r in rows] == [b.score for b in a.beads]
    assert [r.xpath('string(td[@class="score"])') for r in rows] == ["0.95", "0.72", "0.00", "0.55", "0.00", "0.31"]


def test_texts_escaped_and_complete(small_report):
    a, _, path, doc = small_report
    page = path.read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<b>gas</b>" not in page
    for row, bead in zip(rows_of(doc), a.beads):
        src, tgt = row.xpath('td[contains(@class, "src")]')[0], row.xpath('td[contains(@class, "tgt")]')[0]
        assert not src.xpath(".//b | .//script") and not tgt.xpath(".//b | .//script")
        if bead.src:
            assert cell_text(src) == a.src_text(bead)
        if bead.tgt:
            assert cell_text(tgt) == a.tgt_text(bead)
    # only the report's own script, and the messages keep their quotes and brackets as text
    assert len(doc.xpath("//script")) == 1
    msgs = doc.xpath('//table[@id="beads"]//span[@class="msg"]/text()')
    assert 'numbers in bead 1 <&> "quoted"' in msgs


def test_gaps_headings_and_sentence_ids(small_report):
    a, _, _, doc = small_report
    rows = rows_of(doc)
    for row, bead in zip(rows, a.beads):
        src = row.xpath('td[contains(@class, "src")]')[0]
        tgt = row.xpath('td[contains(@class, "tgt")]')[0]
        assert ("gap" in src.get("class").split()) == (not bead.src)
        assert ("gap" in tgt.get("class").split()) == (not bead.tgt)
        assert [int(s) for s in src.xpath('.//span[@data-sid]/@data-sid')] == list(bead.src)
        assert [s.text for s in src.xpath('.//span[@class="sid"]')] == [str(i) for i in bead.src]
        assert [int(s) for s in tgt.xpath('.//span[@data-sid]/@data-sid')] == list(bead.tgt)
        assert ("gap-row" in row.get("class").split()) == (not bead.is_pair)
    assert "heading" in rows[0].xpath('td[contains(@class, "src")]')[0].get("class")
    assert rows[0].xpath('.//span[@class="s h"]')
    assert not rows[1].xpath('.//span[@class="s h"]')
    assert rows[2].xpath('string(td[contains(@class, "tgt")])').strip() == "no target sentence (only in en)"


def test_confidence_classes(small_report):
    _, _, _, doc = small_report
    bands = [next(c for c in r.get("class").split() if c.startswith("c-")) for r in rows_of(doc)]
    assert bands == ["c-high", "c-good", "c-low", "c-mid", "c-low", "c-low"]


# ---------------------------------------------------------------- highlights


def test_overlapping_spans_are_flattened(small_report):
    a, fs, _, doc = small_report
    row = rows_of(doc)[1]
    src = row.xpath('td[contains(@class, "src")]')[0]
    assert not doc.xpath("//mark//mark"), "marks must never nest"
    marks = marks_in(src)
    # "13.2 TWh" (error, #0) overlaps "TWh to Austria" (warning, #1); "Slovakia. Photo: ... 🙂" (info, #2)
    # crosses the sentence boundary, so it is cut in two at the joining space.
    assert marks == [
        ("13.2 ", "sev-error", "0"),
        ("TWh", "sev-error multi", "0 1"),
        (" to Austria", "sev-warning", "1"),
        ("Slovakia.", "sev-info", "2"),
        ("Photo: Pavel Dvořák 🙂", "sev-info", "2"),
    ]
    # every mark's title names all the findings that cover it
    multi = src.xpath('.//mark[@data-f="0 1"]')[0]
    assert "numbers" in multi.get("title") and "inconsistent-entities" in multi.get("title")
    tgt_marks = marks_in(row.xpath('td[contains(@class, "tgt")]')[0])
    assert [m[0] for m in tgt_marks] == ["13,2 TWh", "Österreich"]


def test_adjacent_spans_and_non_ascii(small_report):
    a, _, _, doc = small_report
    rows = rows_of(doc)
    tgt = rows[3].xpath('td[contains(@class, "tgt")]')[0]
    # "5 % < 10 %" (warning #4), "." (info #5) right after it, " Im" (info #5) at the joining space
    assert marks_in(tgt) == [
        ("5 % < 10 %", "sev-warning", "4"),
        (".", "sev-info", "5"),
        ("Im", "sev-info", "5"),
    ]
    assert cell_text(tgt) == a.tgt_text(a.beads[3])
    assert marks_in(rows[4].xpath('td[contains(@class, "tgt")]')[0]) == [("Straße, Maß, Fuß", "sev-warning", "6")]


@pytest.mark.parametrize("spans, expected", [
    ([(0, 3), (3, 6)], ["Grö", "ße"]),  # adjacent
    ([(0, 6), (2, 4)], ["Gr", "öß", "e"]),  # nested
    ([(0, 4), (2, 6), (3, 5)], ["Gr", "ö", "ß", "e"]),  # three-way overlap
    ([(2, 4), (2, 4)], ["öß"]),  # identical spans of two findings: one mark
    ([(-5, 2), (4, 50)], ["Gr", "e"]),  # clipped to the text
    ([(4, 4), (5, 9), (9, 12)], []),  # empty / outside: dropped
])
def test_highlight_pieces(tmp_path, spans, expected):
    a = Alignment("x", "en", "de", [Sentence(0, "Größe & 🙂 <i>", 0)], [Sentence(0, "Größe", 0)],
                  [Bead((0,), (0,), 0.9)])
    fs = [finding(a, 0, "numbers", "warning", [Span("tgt", s, e, "")]) for s, e in spans]
    doc = lxml_html.fromstring(render_report(a, fs))
    tgt = rows_of(doc)[0].xpath('td[contains(@class, "tgt")]')[0]
    assert [m[0] for m in marks_in(tgt)] == expected
    assert cell_text(tgt) == "Größe"
    assert not doc.xpath("//mark//mark")


def test_spans_of_one_finding_merge_into_one_mark():
    a = Alignment("x", "en", "de", [Sentence(0, "a", 0)], [Sentence(0, "36 per cent of gross output", 0)],
                  [Bead((0,), (0,), 0.9)])
    one = finding(a, 0, "numbers", "warning", [Span("tgt", 0, 11, ""), Span("tgt", 3, 20, ""), Span("tgt", 20, 27, "")])
    other = finding(a, 0, "characters", "info", [Span("tgt", 15, 20, "")])
    doc = lxml_html.fromstring(render_report(a, [one, other]))
    tgt = rows_of(doc)[0].xpath('td[contains(@class, "tgt")]')[0]
    assert marks_in(tgt) == [
        ("36 per cent of ", "sev-warning", "0"),
        ("gross", "sev-warning multi", "0 1"),
        (" output", "sev-warning", "0"),
    ]


def test_span_with_bad_offsets_is_found_by_its_text(tmp_path):
    a = Alignment("x", "en", "de", [Sentence(0, "It costs 5 € & more.", 0)], [Sentence(0, "Es kostet 6 €.", 0)],
                  [Bead((0,), (0,), 0.9)])
    fs = [finding(a, 0, "numbers", "error", [Span("src", 40, 45, "5 €"), Span("tgt", 10, 13, "6 €")])]
    doc = lxml_html.fromstring(render_report(a, fs))
    row = rows_of(doc)[0]
    assert marks_in(row.xpath('td[contains(@class, "src")]')[0]) == [("5 €", "sev-error", "0")]
    assert marks_in(row.xpath('td[contains(@class, "tgt")]')[0]) == [("6 €", "sev-error", "0")]


# ---------------------------------------------------------------- findings and summary


def test_findings_as_badges_in_their_rows(small_report):
    a, fs, _, doc = small_report
    for k, row in enumerate(rows_of(doc)):
        items = row.xpath('.//li[contains(@class, "finding")]')
        mine = [f for f in fs if f.bead == k]
        assert [(li.get("data-cat"), li.get("data-sev")) for li in items] == [(f.category, f.severity) for f in mine]
        assert [li.xpath('string(.//span[contains(@class, "badge")])') for li in items] == \
            [{"error": "\u2716", "warning": "\u25b2", "info": "\u2139"}[f.severity] + f.category for f in mine]
        assert [li.xpath('string(span[@class="msg"])') for li in items] == [f.message for f in mine]
        assert int(row.get("data-n")) == len(mine)
        assert ("has-f" in row.get("class").split()) == bool(mine)
    assert "sev-error" in rows_of(doc)[1].get("class").split()  # the row takes its worst severity


def test_document_level_findings_listed_above_table(small_report):
    _, fs, _, doc = small_report
    section = doc.get_element_by_id("doc-findings")
    items = section.xpath('.//li[contains(@class, "finding")]')
    assert [li.get("data-cat") for li in items] == ["other", "untranslated"]
    assert "German version has one more paragraph" in items[0].text_content()
    assert "bead 99 (not in this alignment)" in items[1].text_content()
    # above the table, and not in it
    body = list(doc.body.iter())
    assert body.index(section) < body.index(doc.get_element_by_id("beads"))
    assert not doc.xpath('//table[@id="beads"]//li[@data-cat="other"]')


def test_other_documents_findings_are_not_tied_to_beads():
    a = small_alignment()
    fs = [finding(a, 1, "numbers", "error", [span_of(a, 1, "src", "13.2")], document="belarus")]
    doc = lxml_html.fromstring(render_report(a, fs))
    assert not doc.xpath("//table[@id='beads']//mark")
    assert "document belarus" in doc.get_element_by_id("doc-findings").text_content()


def test_summary_counts(small_report):
    a, fs, _, doc = small_report
    assert doc.get_element_by_id("n-src").text == "6"
    assert doc.get_element_by_id("n-tgt").text == "6"
    assert doc.get_element_by_id("n-beads").text == "6"
    assert doc.get_element_by_id("mean-conf").text == f"{sum(b.score for b in a.beads) / 6:.3f}"
    facts = doc.xpath('string(//table[@class="facts"])')
    for shape, n in {"1:1": 2, "2:1": 1, "1:2": 1, "1:0": 1, "0:1": 1}.items():
        assert f"{shape}\u00a0\u00d7\u00a0{n}" in facts
    assert "English (en) \u2192 German (de)" in facts
    table = doc.get_element_by_id("counts")
    severities = table.xpath("thead/tr/th/text()")[1:-1]
    assert severities == ["error", "warning", "info"]
    got = {}
    for tr in table.xpath("tbody/tr"):
        cells = [int(td.text) for td in tr.xpath("td")]
        assert cells[-1] == sum(cells[:-1])
        for sev, n in zip(severities, cells):
            got[tr.get("data-cat"), sev] = n
    want = Counter((f.category, f.severity) for f in fs)
    assert got == {(c, s): want[c, s] for c in {f.category for f in fs} for s in severities}
    totals = [int(td.text) for td in table.xpath("tfoot/tr/td")]
    assert totals == [2, 4, 3, 9]
    bands = {b.get("data-band"): int(b.xpath("string(b)")) for b in doc.xpath('//span[@data-band]')}
    assert bands == {"c-high": 1, "c-good": 1, "c-mid": 1, "c-low": 3}


def test_filters_list_every_category_and_severity(small_report):
    _, fs, _, doc = small_report
    form = doc.get_element_by_id("filters")
    assert form.xpath('.//input[@name="cat"]/@value') == sorted({f.category for f in fs})
    assert form.xpath('.//input[@name="sev"]/@value') == ["error", "warning", "info"]
    assert form.xpath('.//button[@data-only]/@data-only') == sorted({f.category for f in fs})
    assert all(i.get("checked") is not None for i in form.xpath(".//input"))
    assert not doc.xpath("//*[@onclick or @onchange or @onmouseover]"), "no per-element handlers"


def test_self_contained(small_report):
    _, _, path, doc = small_report
    page = path.read_text(encoding="utf-8")
    for el in doc.iter():
        for attr in ("src", "href", "action", "srcset", "poster", "data"):
            value = (el.get(attr) or "").strip()
            if value and attr != "data":
                assert value.startswith(("#", "data:")), (el.tag, attr, value)
    assert not doc.xpath("//script[@src] | //link[@rel='stylesheet'] | //iframe | //img | //object | //embed")
    code = " ".join(doc.xpath("//style/text() | //script/text()"))
    assert not re.search(r"https?:|//[a-z]|@import|url\(", code, re.I)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_no_findings_and_empty_alignment(tmp_path):
    a = small_alignment()
    doc = lxml_html.fromstring(render_report(a, []))
    assert doc.get_element_by_id("counts").text_content() == "No findings."
    assert len(rows_of(doc)) == len(a.beads) and not doc.xpath("//mark")
    empty = Alignment("empty", "en", "de", [], [], [])
    doc = lxml_html.fromstring(render_report(empty, []))
    assert rows_of(doc) == [] and doc.get_element_by_id("mean-conf").text == "\u2013"


def test_written_atomically_and_deterministic(tmp_path):
    a = small_alignment()
    fs = small_findings(a)
    path = tmp_path / "deep" / "folder" / "r.html"
    write_report(a, fs, path)
    assert files_in(tmp_path / "deep") == ["folder/r.html"]  # no temporary file left behind
    first = path.read_bytes()
    write_report(a, fs, path)
    assert path.read_bytes() == first == render_report(a, fs).encode("utf-8")

    bad = [finding(a, 1, "numbers", "error")]
    object.__setattr__(bad[0], "evidence", (object(),))  # breaks rendering half-way
    with pytest.raises(Exception):
        write_report(a, bad, path)
    assert path.read_bytes() == first
    assert files_in(tmp_path / "deep") == ["folder/r.html"]


# ---------------------------------------------------------------- headless Chromium

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("ALIGN_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    executable = chromium_path()
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def artifacts(tmp_path) -> Path:
    folder = Path(os.environ.get("ALIGN_TEST_ARTIFACTS") or tmp_path / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Page:
    """A report opened from file:// in a fresh page, recording console errors and failed requests."""

    def __init__(self, browser, path: Path, width: int = 1400, height: int = 1000):
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}"))
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")

    def visible_beads(self) -> list[int]:
        return self.page.eval_on_selector_all(
            "#beads > tbody > tr",
            "rows => rows.filter(r => getComputedStyle(r).display !== 'none').map(r => +r.dataset.bead)")

    def click(self, selector: str) -> float:
        """Click and return how long the filter took (ms), as the page measured it."""
        self.page.click(selector)
        return float(self.page.get_attribute("#filters", "data-ms"))

    def close(self):
        self.page.close()


def beads_with(findings, pred) -> list[int]:
    return sorted({f.bead for f in findings if f.bead >= 0 and pred(f)})


def energy_findings(a: Alignment) -> list[Finding]:
    """Hand-made findings of several categories and severities, tied to real beads of energy."""
    def first_bead(pred) -> int:
        return next(k for k, b in enumerate(a.beads) if pred(b))

    src, tgt = (lambda b: a.src_text(b)), (lambda b: a.tgt_text(b))
    k_2033 = first_bead(lambda b: b.is_pair and "five years earlier" in src(b) and "2033" in tgt(b))
    k_name = first_bead(lambda b: b.is_pair and "Dvořák" in src(b) and "Dvořák" in tgt(b))
    k_pct = first_bead(lambda b: b.is_pair and "36 per cent" in src(b))
    k_head = first_bead(lambda b: b.is_pair and src(b) == "A country built on lignite")
    k_gap = first_bead(lambda b: not b.tgt)
    fs = [
        finding(a, k_2033, "numbers", "error",
                [span_of(a, k_2033, "src", "2033"), span_of(a, k_2033, "tgt", "2033"),
                 span_of(a, k_2033, "src", "five years earlier")], check="number-mismatch",
                message="'five years earlier' has no counterpart in the German sentence"),
        finding(a, k_name, "inconsistent-entities", "warning",
                [span_of(a, k_name, "src", "IEPS archive"), span_of(a, k_name, "tgt", "IEPS-Archiv")],
                check="name-mismatch", message="'IEPS archive' is written 'IEPS-Archiv' in German"),
        finding(a, k_pct, "numbers", "warning",
                [span_of(a, k_pct, "src", "36 per cent"), span_of(a, k_pct, "src", "per cent of gross")],
                check="unit-mismatch", message="'per cent' vs '%': check the unit"),
        finding(a, k_pct, "mistranslation", "info", [span_of(a, k_pct, "src", "lignite and hard coal")],
                check="term-check", message="'hard coal' should be 'Steinkohle'"),
        finding(a, k_head, "typographical", "info", [span_of(a, k_head, "tgt", ",")], check="punctuation",
                message="comma in the German heading has no counterpart"),
        finding(a, k_gap, "omission", "error", [Span("src", 0, len(a.src_text(a.beads[k_gap])), "")],
                check="unaligned-source", message="sentence missing from the German version"),
        finding(a, -1, "other", "warning", check="length-ratio",
                message="German version is 8 % shorter than the English one"),
    ]
    return fs


@pytest.fixture(scope="module")
def energy_alignment(en_de_aligner) -> Alignment:
    return en_de_aligner.align_files(CORPORA / "energy.en.txt", CORPORA / "energy.de.txt")


def test_browser_energy_report(browser, energy_alignment, tmp_path, artifacts):
    a = energy_alignment
    fs = energy_findings(a)
    path = tmp_path / "energy.report.html"
    write_report(a, fs, path)
    page = Page(browser, path)
    try:
        all_beads = list(range(len(a.beads)))
        assert page.visible_beads() == all_beads
        assert page.page.locator("#shown").inner_text() == \
            f"showing {len(a.beads)} of {len(a.beads)} beads, {len(fs)} of {len(fs)} findings"
        page.page.screenshot(path=str(artifacts / "report.png"))

        # untick one category: rows whose only findings are of it disappear, everything else stays
        page.click('input[name="cat"][value="typographical"]')
        typo_only = beads_with(fs, lambda f: f.category == "typographical")
        assert page.visible_beads() == [k for k in all_beads if k not in typo_only]

        # "only numbers": rows with a numbers finding stay, rows of other categories and clean rows go
        page.click('button[data-only="numbers"]')
        numbers = beads_with(fs, lambda f: f.category == "numbers")
        assert len(numbers) == 2 and page.visible_beads() == numbers
        others = beads_with(fs, lambda f: f.category != "numbers")
        assert set(others) - set(numbers) and not set(others) - set(numbers) & set(page.visible_beads())
        # the row's other findings are dimmed, and so are their marks
        assert page.page.locator("#beads li.finding.off[data-cat='mistranslation']").count() == 1
        assert page.page.locator("#beads li.finding:not(.off)[data-cat='numbers']").count() == 2
        assert page.page.locator("#doc-findings li.finding.off").count() == 1
        page.page.screenshot(path=str(artifacts / "report-numbers.png"), full_page=True)

        # severity filter on top: only numbers errors
        page.click('input[name="sev"][value="error"]')  # untick error
        assert page.visible_beads() == beads_with(fs, lambda f: f.category == "numbers" and f.severity != "error")

        page.click('button[data-all]')
        assert page.visible_beads() == all_beads
        page.click('input[name="empty"]')
        assert page.visible_beads() == beads_with(fs, lambda f: True)

        # hovering a finding outlines its marks
        li = page.page.locator("#beads li.finding[data-cat='mistranslation']")
        li.hover()
        assert page.page.locator("#beads mark.focus").count() == 1
        assert page.errors == []
        assert all(u.startswith(("file:", "data:")) for u in page.requests), page.requests
    finally:
        page.close()
    shot = artifacts / "report.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_browser_first_screen_holds_the_surest_findings(browser, energy_alignment, tmp_path):
    """The report opens on its most likely problems, surest first, each a link to its row."""
    a = energy_alignment
    fs = energy_findings(a)
    path = tmp_path / "energy.report.html"
    write_report(a, fs, path)
    page = Page(browser, path, width=1280, height=800)
    try:
        items = page.page.locator("#top-findings li.top")
        expected = [f for f in ranked(fs) if f.severity != "info"][:TOP_FINDINGS]
        assert [items.nth(i).locator(".msg").inner_text() for i in range(items.count())] == \
            [f.message for f in expected]
        assert sureness(expected[0]) >= sureness(expected[-1])
        first = items.nth(0).bounding_box()
        assert first is not None and 0 <= first["y"] and first["y"] + first["height"] <= 800  # the first screen
        linked = next(i for i in range(items.count()) if items.nth(i).locator("a").count())
        target = items.nth(linked).locator("a").get_attribute("href")
        items.nth(linked).locator("a").click()
        row = page.page.locator(target).bounding_box()
        assert row is not None and 0 <= row["y"] < 800  # the row scrolled into view
        assert page.errors == []
    finally:
        page.close()


def test_top_findings_are_ranked_and_leave_out_info(small_report):
    a, fs, _, doc = small_report
    items = doc.xpath('//section[@id="top-findings"]//li')
    expected = [f for f in ranked(fs) if f.severity != "info"][:TOP_FINDINGS]
    assert [li.xpath('string(.//span[@class="msg"])') for li in items] == [f.message for f in expected]
    values = [float(li.get("data-sureness")) for li in items]
    assert values == sorted(values, reverse=True) and all(0 < v <= 1 for v in values)
    assert "info" not in {f.severity for f in expected}


def synthetic_alignment(n: int = 1000) -> tuple[Alignment, list[Finding]]:
    src, tgt, beads = [], [], []
    for k in range(n):
        shape = (1, 1) if k % 23 else ((1, 0) if k % 2 else (0, 1))
        s = [Sentence(len(src) + i, f"Sentence {k}.{i} says 'x' & <y> costs {k * 7 % 101} € in Zürich.", k // 10)
             for i in range(shape[0])]
        t = [Sentence(len(tgt) + i, f"Satz {k}.{i} sagt „x“ & <y> kostet {k * 7 % 97} € in Zürich.", k // 10)
             for i in range(shape[1])]
        src += s
        tgt += t
        beads.append(Bead(tuple(x.index for x in s), tuple(x.index for x in t), round((k * 37 % 100) / 100, 2)))
    a = Alignment("synthetic", "en", "de", src, tgt, beads)
    cats = ["numbers", "omission", "addition", "untranslated", "misspelling"]
    fs = []
    for k, b in enumerate(beads):
        if k % 5:
            continue
        cat, sev = cats[k // 5 % len(cats)], ("error", "warning", "info")[k // 5 % 3]
        side = "src" if b.src else "tgt"
        text = a.src_text(b) if b.src else a.tgt_text(b)
        fs.append(Finding("synthetic", k, b.src, b.tgt, a.src_text(b), a.tgt_text(b), cat, "synthetic", sev,
                          f"{cat} here", (Span(side, 0, 8, text[:8]), Span(side, 4, 14, text[4:14])), b.score))
    return a, fs


def test_browser_thousand_beads(browser, tmp_path, artifacts):
    a, fs = synthetic_alignment(1000)
    path = tmp_path / "synthetic.html"
    write_report(a, fs, path)
    size = path.stat().st_size
    assert size < 2_000_000, size
    page = Page(browser, path)
    try:
        assert len(page.visible_beads()) == 1000
        ms = page.click('input[name="cat"][value="numbers"]')
        numbers = beads_with(fs, lambda f: f.category == "numbers")
        assert page.visible_beads() == [k for k in range(1000) if k not in numbers]
        ms_only = page.click('button[data-only="omission"]')
        assert page.visible_beads() == beads_with(fs, lambda f: f.category == "omission")
        page.page.screenshot(path=str(artifacts / "report-1000-omission.png"))
        assert page.errors == []
        print(f"1000 beads: {size / 1e6:.2f} MB, filter {ms:.1f} ms, only {ms_only:.1f} ms")
    finally:
        page.close()


def test_every_doubtful_row_says_why(small_report):
    """A row coloured mid or low shows its findings or, without any, why it is coloured so."""
    _, _, _, doc = small_report
    for row in rows_of(doc):
        band = next(c for c in row.get("class").split() if c.startswith("c-"))
        has_findings = bool(row.xpath('.//ul[@class="findings"]/li'))
        why = row.xpath('.//p[@class="why"]/text()')
        if band in ("c-mid", "c-low") and not has_findings:
            pair = row.get("data-shape") not in ("1:0", "0:1")
            assert why == ["unusual pair: low similarity" if pair
                           else "uncertain: this sentence may have a counterpart nearby"]
        else:
            assert why == []
    assert doc.xpath('//p[@class="why"]'), "the small report has a doubtful row without findings"
