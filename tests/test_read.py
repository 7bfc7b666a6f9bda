"""Tests for align.read: .txt, .md and .html extraction, and one-line errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from align.errors import AlignError
from align.model import Block
from align.segment import SrxSegmenter
from align.read import read_document

DATA = Path(__file__).parent / "data" / "read"


def H(text: str) -> Block:
    return Block(text, "heading")


def P(text: str) -> Block:
    return Block(text, "paragraph")


def blocks(path: Path) -> list[Block]:
    return read_document(path, "en").blocks


# ---------------------------------------------------------------- .txt


def test_txt_with_bom_crlf_and_soft_line_breaks() -> None:
    doc = read_document(DATA / "article_de.txt", "de")
    assert doc.lang == "de" and not doc.presegmented
    assert doc.blocks == [
        P("Der Rat hat am Dienstag neue Regeln beschlossen."),
        P("Sie gelten ab Mai. Kritik gab es kaum."),
        P("Ende"),
    ]


def test_presegmented_keeps_lines_and_blank_line_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("\ufeffFirst sentence.\n\n  Second sentence.  \nThird.\n", encoding="utf-8")
    doc = read_document(path, "en", presegmented=True)
    assert doc.presegmented
    assert doc.blocks == [P("First sentence."), P("Second sentence.\nThird.")]
    sentences = SrxSegmenter().segment(doc)
    assert [(s.text, s.paragraph) for s in sentences] == [
        ("First sentence.", 0), ("Second sentence.", 1), ("Third.", 1)]


# ---------------------------------------------------------------- .md


def test_markdown_strips_markup_and_keeps_headings() -> None:
    assert blocks(DATA / "article_en.md") == [
        H("New rules for night trains"),
        P("Ministers agreed on Tuesday to cut track fees for overnight services."),
        H("Fees at a glance"),
        P(
            "The discount applies to all routes, says the Commission and its transport department; "
            "see the full text and the night_fee table."
        ),
        P("Vienna to Brussels"),
        P("Berlin to Paris with a stop in Cologne Frankfurt"),
        P("Fees fall by half."),
        P("Freight is excluded."),
        P("Night trains finally get a fair deal. Said one minister."),
        H("Open questions"),
    ]


def test_markdown_entities_escapes_and_breaks(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("Tom &amp; Jerry \\*not emphasis\\*  \nnext line<br>after\n", encoding="utf-8")
    assert blocks(path) == [P("Tom & Jerry *not emphasis* next line after")]


# ---------------------------------------------------------------- .html


def test_html_article_page_drops_boilerplate() -> None:
    assert blocks(DATA / "article_en.html") == [
        P("Transport policy"),
        H("Council backs cheaper night trains"),
        P("By Maya Field · 12 March 2024"),
        P(
            "Ministers agreed on Tuesday to cut track fees for overnight services, a move rail operators "
            "say could halve ticket prices on some routes."
        ),
        P(
            "The plan, first proposed by the European Commission last year, lowers the charge that operators "
            "pay for each kilometre of track by up to 50 per cent between 10 p.m. and 6 a.m."
        ),
        H("Why fees matter"),
        P(
            "Track fees make up roughly a third of what a night train costs to run. Unlike airlines, rail "
            "companies also pay for every station stop. Several operators had warned that routes such as "
            "Vienna\u2013Brussels would close without help."
        ),
        P("\u201cThis is the first time night trains get a fair deal,\u201d said one transport minister."),
        H("What happens next"),
        P("The rules still need approval from Parliament. Three points remain open:"),
        P("how to fund the lost fee income,"),
        P("which routes qualify, and"),
        P("whether freight gets the same discount."),
    ]


def test_html_without_article_element_uses_declared_charset() -> None:
    # The page is windows-1252 bytes declared as iso-8859-1 in a http-equiv meta tag.
    assert blocks(DATA / "article_de.htm") == [
        H("Stadtrat beschließt mehr Radwege"),
        P(
            "Bis 2027 sollen in der Innenstadt zwölf Kilometer neue Radwege entstehen. "
            "Das hat der Stadtrat am Donnerstag mit großer Mehrheit beschlossen."
        ),
        H("Kosten & Finanzierung"),
        P("Die Kosten von rund 8,5 Millionen Euro trägt zur Hälfte das Land. Den Rest zahlt die Stadt aus dem Haushalt für 2025."),
        P("Kritik kam von der Opposition: Sie hält den Zeitplan für unrealistisch."),
    ]


def test_html_title_h1_above_article_is_kept_once(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text(
        "<html><head><title>Budget deal | Site</title></head><body>"
        '<div class="page-head"><h1>Budget deal reached</h1></div>'
        "<article><p>Parties agreed late on Friday.</p><p>The vote is next week.</p></article>"
        "</body></html>",
        encoding="utf-8",
    )
    assert blocks(path) == [
        H("Budget deal reached"),
        P("Parties agreed late on Friday."),
        P("The vote is next week."),
    ]


def test_html_inline_spacing_hidden_text_and_xml_declaration(tmp_path: Path) -> None:
    path = tmp_path / "a.htm"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><main>'
        "<p>Word<em>joined</em> and <a href='#'>spaced</a>,<br/>after&#160;break "
        "Bundes\u00adregierung<span class='sr-only'> (opens in new tab)</span>"
        "<span aria-hidden='true'>\u2192</span><span hidden>secret</span></p>"
        "<div>Loose text in a div <span>with a span</span></div>"
        "</main></body></html>",
        encoding="utf-8",
    )
    assert blocks(path) == [
        P("Wordjoined and spaced, after break Bundesregierung"),
        P("Loose text in a div with a span"),
    ]


# ---------------------------------------------------------------- errors


def error_of(path: Path, presegmented: bool = False) -> str:
    with pytest.raises(AlignError) as info:
        read_document(path, "en", presegmented=presegmented)
    assert info.value.path == str(path)
    assert "\n" not in str(info.value)
    return info.value.problem


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_missing_file(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope.txt") == "file not found"
    assert error_of(tmp_path / "nope.pdf") == "file not found"
    assert error_of(tmp_path / "nope.txt", presegmented=True) == "file not found"


def test_folder_instead_of_file(tmp_path: Path) -> None:
    (tmp_path / "dir.html").mkdir()
    assert error_of(tmp_path / "dir.html") == "is a folder, not a file"
    assert error_of(tmp_path) == "is a folder, not a file"


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.html"])
def test_empty_or_whitespace_document(tmp_path: Path, name: str) -> None:
    assert error_of(write(tmp_path / name, b"")) == "document is empty"
    assert error_of(write(tmp_path / name, b"\xef\xbb\xbf \n\t\r\n")) == "document is empty"


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.html"])
def test_undecodable_bytes(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, b"<p>Gr\xfc\xdfe aus Berlin</p>\n")
    message = error_of(path)
    assert message.startswith("not valid UTF-8 (undecodable byte at offset 5); it looks like ")
    assert "use --encoding" in message


def test_undecodable_bytes_in_declared_charset(tmp_path: Path) -> None:
    path = write(tmp_path / "a.html", b'<meta charset="windows-1252"><p>bad \x81 byte</p>')
    assert error_of(path) == "not valid windows-1252 (undecodable byte at offset 36)"


def test_unknown_declared_charset(tmp_path: Path) -> None:
    path = write(tmp_path / "a.html", b'<meta charset="klingon-8"><p>Hello</p>')
    assert error_of(path) == "unknown character set 'klingon-8' declared in the HTML page"


@pytest.mark.parametrize(
    "page",
    [
        b"<!-- nothing here -->",
        b"<html><head><title>Only a title</title></head><body></body></html>",
        b"<html><body><nav><a href='/'>Home</a></nav><div class='cookie-consent'><p>We use cookies.</p></div>"
        b"<script>var x = 1;</script><footer><p>Imprint</p></footer></body></html>",
    ],
)
def test_html_without_article_text(tmp_path: Path, page: bytes) -> None:
    assert error_of(write(tmp_path / "a.html", page)) == "no article text found in the HTML page"


def test_markdown_without_text(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"```\ncode only\n```\n\n<!-- a comment -->\n\n---\n\n[ref]: https://example.org\n")
    assert error_of(path) == "no text found in the document"


@pytest.mark.parametrize("name", ["a.pdf", "a.docx", "README"])
def test_unsupported_extension(tmp_path: Path, name: str) -> None:
    problem = error_of(write(tmp_path / name, b"text"))
    assert problem.startswith("unsupported file type")
    assert ("'(none)'" if name == "README" else f"'{Path(name).suffix}'") in problem


def test_undecodable_bytes_reports_declared_label(tmp_path: Path) -> None:
    # iso-8859-1 is read as windows-1252 (as browsers do), which leaves 0x81 undefined.
    path = write(tmp_path / "a.htm", b'<meta charset="ISO-8859-1"><p>bad \x81 byte</p>')
    assert error_of(path) == "not valid iso-8859-1 (undecodable byte at offset 34)"
