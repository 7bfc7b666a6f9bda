"""Sentence segmentation: SRX rules per language, block boundaries, headings, presegmented
input, custom rule files and their errors."""

from __future__ import annotations


import pytest

from align.errors import AlignError
from align.model import Block, Document
from align.read import read_document
from align.segment import SrxSegmenter

from conftest import CORPUS_PAIRS

MINI_SRX = """<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
<header segmentsubflows="yes" cascade="yes"/>
<body>
<languagerules>
<languagerule languagerulename="semicolon">
<rule break="yes"><beforebreak>;</beforebreak><afterbreak>\\s</afterbreak></rule>
</languagerule>
</languagerules>
<maprules>
<languagemap languagepattern=".*" languagerulename="semicolon"/>
</maprules>
</body>
</srx>
"""


@pytest.fixture(scope="module")
def segmenter() -> SrxSegmenter:
    return SrxSegmenter()


@pytest.mark.parametrize("lang, text, expected", [
    ("en", "The company earned $2.5 million in 2023. Its CEO, Mr. Brown, was happy! Was he? Yes.",
     ["The company earned $2.5 million in 2023.", "Its CEO, Mr. Brown, was happy!", "Was he?", "Yes."]),
    ("en", "Dr. Smith arrived at 5 p.m. on Monday. He left e.g. at noon. The U.S. economy grew by 2.5 per cent.",
     ["Dr. Smith arrived at 5 p.m. on Monday.", "He left e.g. at noon.",
      "The U.S. economy grew by 2.5 per cent."]),
    ("en", '"Is it over?" she asked. "Yes," he said.', ['"Is it over?" she asked.', '"Yes," he said.']),
    ("de", "Das ist z. B. ein Test. Am 3. Mai 2024 kam Dr. Müller an. Er blieb bis zum 14. März. Danach ging er.",
     ["Das ist z. B. ein Test.", "Am 3. Mai 2024 kam Dr. Müller an.", "Er blieb bis zum 14. März.",
      "Danach ging er."]),
    ("de", "Die Firma verdiente 2,5 Mio. Euro im Jahr 2023. Ihr Chef, Hr. Braun, war froh!",
     ["Die Firma verdiente 2,5 Mio. Euro im Jahr 2023.", "Ihr Chef, Hr. Braun, war froh!"]),
    ("fr", "Il est 5 heures. M. Dupont est parti.", ["Il est 5 heures.", "M. Dupont est parti."]),
])
def test_split_per_language(segmenter, lang, text, expected):
    assert segmenter.split(text, lang) == expected


def test_split_normalises_whitespace(segmenter):
    assert segmenter.split("  multiple   spaces\there.\n  Next one.  ", "en") == ["multiple spaces here.", "Next one."]
    assert segmenter.split(" \t\n ", "en") == []
    assert segmenter.split("No final stop", "en") == ["No final stop"]


def test_region_code_uses_language_rules(segmenter):
    text = "Das ist z. B. ein Test. Noch einer."
    assert segmenter.split(text, "de-AT") == segmenter.split(text, "de")


def test_segment_keeps_block_boundaries_and_headings(segmenter, tmp_path):
    doc = Document(tmp_path / "x.txt", "en", [
        Block("Title. With a full stop. Not split", "heading"),
        Block("First sentence. Second sentence"),
        Block("Third sentence without an end"),
        Block("Fourth. Fifth."),
    ])
    sentences = segmenter.segment(doc)
    assert [(s.index, s.text, s.paragraph, s.is_heading) for s in sentences] == [
        (0, "Title. With a full stop. Not split", 0, True),
        (1, "First sentence.", 1, False),
        (2, "Second sentence", 1, False),
        (3, "Third sentence without an end", 2, False),
        (4, "Fourth.", 3, False),
        (5, "Fifth.", 3, False),
    ]


def test_presegmented_document_is_not_split(segmenter, tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("One. Two. Three.\n\n  Four   five.  \nSix\n", encoding="utf-8")  # blank line: new paragraph
    sentences = segmenter.segment(read_document(path, "en", presegmented=True))
    assert [s.text for s in sentences] == ["One. Two. Three.", "Four five.", "Six"]
    assert [s.paragraph for s in sentences] == [0, 1, 1]


def test_document_without_sentences(segmenter, tmp_path):
    doc = Document(tmp_path / "empty.md", "en", [Block("   "), Block("\t")])
    with pytest.raises(AlignError) as info:
        segmenter.segment(doc)
    assert info.value.path == str(tmp_path / "empty.md")
    assert info.value.problem == "no sentences found in the document"


@pytest.mark.parametrize("name", sorted(CORPUS_PAIRS))
def test_corpus_sentences_are_clean(segmenter, name):
    src, tgt, _ = CORPUS_PAIRS[name]
    for path, lang in ((src, "en"), (tgt, "de")):
        sentences = segmenter.segment(read_document(path, lang))
        assert [s.index for s in sentences] == list(range(len(sentences)))
        for s in sentences:
            assert s.text == s.text.strip() and "  " not in s.text and "\n" not in s.text
        paragraphs = [s.paragraph for s in sentences]
        assert paragraphs == sorted(paragraphs)


def test_energy_segmentation_spot_checks(segmenter):
    """The bundled gold depends on these boundaries (see corpora/README.md)."""
    src, tgt, _ = CORPUS_PAIRS["energy"]
    en = [s.text for s in segmenter.segment(read_document(src, "en"))]
    de = [s.text for s in segmenter.segment(read_document(tgt, "de"))]
    assert (len(en), len(de)) == (82, 81)
    assert "13.2" in en[17] and "13,2" in de[14]
    assert "14. März 2024" in de[2]  # the ordinal date does not end a sentence


def test_custom_srx_file(tmp_path):
    rules = tmp_path / "semicolon.srx"
    rules.write_text(MINI_SRX, encoding="utf-8")
    seg = SrxSegmenter(rules)
    assert seg.split("One. Two; three. Four; five", "en") == ["One. Two;", "three. Four;", "five"]
    assert seg.split("One. Two; three.", "de") == ["One. Two;", "three."]


def test_invalid_srx_file(tmp_path):
    rules = tmp_path / "broken.srx"
    rules.write_text("<srx><unclosed", encoding="utf-8")
    with pytest.raises(AlignError) as info:
        SrxSegmenter(rules).split("A. B.", "en")
    assert info.value.path == str(rules)
    assert info.value.problem.startswith("not a valid SRX rules file")


def test_missing_srx_file(tmp_path):
    rules = tmp_path / "missing.srx"
    with pytest.raises(AlignError) as info:
        SrxSegmenter(rules).split("A. B.", "en")
    assert info.value.path == str(rules)
    assert info.value.problem == "SRX rules file not found"
