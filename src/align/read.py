"""Read a document from disk into blocks (paragraphs and headings).

Formats are chosen by file extension: .txt (blank lines separate paragraphs), .md, .html/.htm.
`presegmented=True` reads one sentence per line, used as-is (blank lines mark paragraphs).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import lxml.html
from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .errors import AlignError
from .model import Block, BlockKind, Document
from .textio import decode, normalise, read_limited

SUPPORTED_EXTENSIONS = (".txt", ".md", ".html", ".htm")
_BLANK_LINE = re.compile(r"\n\s*\n")
# Soft hyphens and zero-width characters are invisible on the page but break word matching.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def _clean(text: str) -> str:
    """Drop invisible characters and collapse all whitespace (incl. no-break space) to one space."""
    return " ".join(_INVISIBLE.sub("", text).split())


def read_bytes(path: Path, max_input_mb: float | None = None) -> bytes:
    """A regular file's bytes, within the input limit, with one-line errors (textio)."""
    return read_limited(Path(path), max_input_mb)


def _decode(path: Path, data: bytes, encoding: str | None = None, label: str | None = None) -> str:
    text = decode(path, data, encoding, label)
    if not text.strip():
        raise AlignError(path, "document is empty")
    return text


def read_text(path: Path, encoding: str | None = None, max_input_mb: float | None = None) -> str:
    """Read a text file (UTF-8, or UTF-16/32 with a BOM, or `encoding`), normalised."""
    return _decode(path, read_bytes(path, max_input_mb), encoding)


# ---------------------------------------------------------------- plain text


def _plain_text_blocks(text: str) -> list[Block]:
    return [Block(_clean(p)) for p in _BLANK_LINE.split(text) if _clean(p)]


# ---------------------------------------------------------------- Markdown

# YAML front matter is metadata, not article text; commonmark would read it as hr + setext heading.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n[A-Za-z_][\w-]*[ \t]*:.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _inline_text(children: list[Token]) -> str:
    # Keep only the visible text: markup tokens, images and inline HTML vanish, line breaks become spaces.
    parts: list[str] = []
    for tok in children:
        if tok.type in ("text", "code_inline"):
            parts.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak") or (
                tok.type == "html_inline" and re.match(r"<br\b", tok.content, re.IGNORECASE)):
            parts.append(" ")
    return "".join(parts)


def _markdown_blocks(text: str) -> list[Block]:
    # Every "inline" token is one paragraph, heading, list item paragraph or table cell; code blocks,
    # HTML blocks (comments), rules and link definitions produce no inline token and so drop out.
    blocks: list[Block] = []
    kind: BlockKind = "paragraph"
    for tok in _MARKDOWN.parse(_FRONT_MATTER.sub("", text)):
        if tok.type == "heading_open":
            kind = "heading"
        elif tok.type == "heading_close":
            kind = "paragraph"
        elif tok.type == "inline" and (line := _clean(_inline_text(tok.children or []))):
            blocks.append(Block(line, kind))
    return blocks


# ---------------------------------------------------------------- HTML

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
# Browsers read these labels as windows-1252 (WHATWG); a UTF-16 label in ASCII bytes cannot be true.
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
                    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8"}
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")

# Never article text, whatever the page layout.
_ALWAYS_DROP = {"script", "style", "noscript", "template", "svg", "math", "iframe", "button", "select",
                "textarea", "input", "object", "embed", "canvas", "figcaption", "link", "meta", "head"}
# Page furniture; dropped unless it wraps the article (see _wraps_article).
_FURNITURE = {"nav", "header", "footer", "aside", "form", "dialog"}
# Matched against the start of each word of class/id/role/aria-label (camelCase split into words).
_BOILERPLATE = re.compile(
    r"(?<![a-z0-9])(?:cookie|consent|gdpr|newsletter|subscri|paywall|donat|spende|share|sharing|teilen|"
    r"social|related|recommend|empfehl|breadcrumb|menu|nav|sidebar|footer|header|masthead|banner|"
    r"contentinfo|complementary|search|dialog|promo|advert|ads?(?![a-z])|sponsor|werbung|anzeige|"
    r"comments?(?![a-z])|kommentar|disqus|popup|modal|teaser-?(?:list|box|grid)|tags(?![a-z])|"
    r"tag-?(?:list|cloud)|outbrain|taboola|skip-?(?:link|to)|sr-only|visually-?hidden|screen-?reader)"
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Elements that start a new block; anything else (a, em, span, unknown tags) is inline.
_BLOCK_TAGS = _HEADINGS | {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "section", "article", "main", "figure",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "pre", "address", "details",
    "summary", "hr", "body", "center", "fieldset", "legend",
}


def _decode_html(path: Path, data: bytes, encoding: str | None = None) -> str:
    # The user's choice, then a byte order mark, then the meta tag, as in browsers.
    label = None
    if encoding is None and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        match = _META_CHARSET.search(data[:4096])
        if match:
            label = match.group(1).decode("ascii").lower()
            encoding = _CHARSET_ALIASES.get(label, label)
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise AlignError(path, f"unknown character set '{label}' declared in the HTML page") from None
    return _decode(path, data, encoding, label)


def _is_boilerplate(el: lxml.html.HtmlElement) -> bool:
    if el.tag in _FURNITURE or el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if _HIDDEN_STYLE.search(el.get("style", "")):
        return True
    words = " ".join(el.get(a, "") for a in ("class", "id", "role", "aria-label"))
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", "-", words).lower()  # newsletterBox -> newsletter-box
    return bool(_BOILERPLATE.search(words))


def _wraps_article(el: lxml.html.HtmlElement) -> bool:
    # An <article><header> holds the title, and some sites wrap the whole page in a <form> or a
    # "with-sidebar" div: keep anything holding the h1 or the main element.
    if el.tag in ("body", "main") or el.get("role") == "main":
        return True
    return bool(el.xpath(".//h1 | .//main | .//*[@role='main']"))


def _prune(el: lxml.html.HtmlElement) -> None:
    for child in list(el):
        if not isinstance(child.tag, str):  # comment or processing instruction: keep its tail text
            continue
        if child.tag in _ALWAYS_DROP or (_is_boilerplate(child) and not _wraps_article(child)):
            child.drop_tree()  # keeps the tail text, which belongs to the parent
        else:
            _prune(child)


def _container(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element holding the article: a single <article>, else <main>, else the largest <article>."""
    articles = [a for a in root.iter("article") if not a.xpath("ancestor::article")]
    if len(articles) == 1:
        return articles[0]
    main: list[lxml.html.HtmlElement] = root.xpath("//main | //*[@role='main']")  # a node-set: elements
    if main:
        return main[0]
    if articles:
        return max(articles, key=lambda a: len(_clean(a.text_content())))
    body = root.find("body")
    return root if body is None else body


class _Blocks:
    """Collects inline text until the next block boundary."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.kind: BlockKind = "paragraph"

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def flush(self) -> None:
        if line := _clean("".join(self.parts)):
            self.blocks.append(Block(line, self.kind))
        self.parts = []

    def walk(self, el: lxml.html.HtmlElement) -> None:
        if not isinstance(el.tag, str):
            pass
        elif el.tag == "br":
            self.add(" ")
        elif el.tag in _BLOCK_TAGS:
            self.flush()
            if el.tag in _HEADINGS:
                self.kind = "heading"
            self.add(el.text)
            for child in el:
                self.walk(child)
            self.flush()
            self.kind = "paragraph"
        else:
            self.add(el.text)
            for child in el:
                self.walk(child)
        self.add(el.tail)


def _blocks_of(el: lxml.html.HtmlElement) -> list[Block]:
    out = _Blocks()
    tail, el.tail = el.tail, None  # the container's tail lies outside it
    out.walk(el)
    out.flush()
    el.tail = tail
    return out.blocks


def _html_blocks(path: Path, text: str) -> list[Block]:
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text))
    except etree.ParserError:  # lxml's only parser error: nothing but comments or whitespace
        return []
    except ValueError as exc:
        raise AlignError(path, f"cannot parse the HTML page ({exc})") from None
    _prune(root)
    container = _container(root)
    blocks = _blocks_of(container)
    body = root.find("body")
    if not blocks and body is not None and container is not body:
        container, blocks = body, _blocks_of(body)  # the article element was empty: use the page
    if blocks and not container.xpath(".//h1"):
        # The title h1 often sits above the <article>: take the last h1 before the container.
        title = ""
        for el in root.iter():
            if el is container:
                break
            if el.tag == "h1":
                title = _clean(el.text_content())
        if title:
            blocks.insert(0, Block(title, "heading"))
    return blocks


# ---------------------------------------------------------------- entry point


TEXT_KINDS = ("text", "markdown", "html")
_KIND_OF_SUFFIX = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html"}


def document_from_text(text: str, lang: str, kind: str = "text", presegmented: bool = False,
                       path: str | Path | None = None) -> Document:
    """A Document from text in memory: plain text (blank lines end paragraphs), Markdown or an
    HTML page; with `presegmented`, one sentence per line. `path` only names it in errors."""
    where = Path(path) if path is not None else Path("<text>")
    if kind not in TEXT_KINDS:
        raise AlignError(None, f"unknown text kind {kind!r}; choose from {', '.join(TEXT_KINDS)}")
    if not text.strip():
        raise AlignError(where, "document is empty")
    text = normalise(text)
    if presegmented:
        # One sentence per line; a blank line, if any, ends a paragraph (a block keeps its
        # sentences as lines, which the segmenter then takes as they are).
        paragraphs = ["\n".join(line.strip() for line in par.split("\n") if line.strip())
                      for par in _BLANK_LINE.split(text)]
        return Document(where, lang, [Block(par) for par in paragraphs if par], presegmented=True)
    if kind == "html":
        blocks = _html_blocks(where, text)
        if not blocks:
            raise AlignError(where, "no article text found in the HTML page")
        return Document(where, lang, blocks)
    blocks = _markdown_blocks(text) if kind == "markdown" else _plain_text_blocks(text)
    if not blocks:
        raise AlignError(where, "no text found in the document")
    return Document(where, lang, blocks)


def read_document(path: str | Path, lang: str, presegmented: bool = False, encoding: str | None = None,
                  max_input_mb: float | None = None) -> Document:
    """Read a document file (see the module docstring); `encoding` overrides detection and
    `max_input_mb` the input size limit."""
    path = Path(path)
    # Existence first, so a missing or folder path is not reported as an unsupported type.
    if not path.exists():
        raise AlignError(path, "file not found")
    if path.is_dir():
        raise AlignError(path, "is a folder, not a file")
    if presegmented:
        return document_from_text(read_text(path, encoding, max_input_mb), lang, presegmented=True, path=path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise AlignError(path, f"unsupported file type '{suffix or '(none)'}'; use .txt, .md, .html or --presegmented")
    kind = _KIND_OF_SUFFIX[suffix]
    data = read_bytes(path, max_input_mb)
    text = _decode_html(path, data, encoding) if kind == "html" else _decode(path, data, encoding)
    return document_from_text(text, lang, kind, path=path)
