"""Tests for align.tm_read: reading existing TMX / CSV translation memories for `align check`."""

from __future__ import annotations

import codecs
import json
import math
from pathlib import Path

import pytest

from align.errors import AlignError
from align.export import write_csv, write_tmx
from align.model import Alignment, Bead, Sentence
from align.tm_read import _split_sentences, read_translation_memory, skipped_units

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tmx" / "samples"


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"sample TMX not available: {path}")
    return path


def only(alignments: list[Alignment]) -> Alignment:
    assert len(alignments) == 1
    return alignments[0]


def src_texts(a: Alignment) -> list[str]:
    return [a.src_text(b) for b in a.beads]


def tgt_texts(a: Alignment) -> list[str]:
    return [a.tgt_text(b) for b in a.beads]


def assert_renumbered(a: Alignment) -> None:
    """Every unit one 1:1 bead with fresh sentences, index == paragraph == position."""
    assert a.meta["ids"] == "renumbered"
    assert [(b.src, b.tgt) for b in a.beads] == [((i,), (i,)) for i in range(len(a.beads))]
    for side in (a.src, a.tgt):
        assert [(s.index, s.paragraph) for s in side] == [(i, i) for i in range(len(side))]
        assert all(s.text and not s.is_heading for s in side)


def write_tmx_text(path: Path, body: str, header: str = 'srclang="en"', version: str = "1.4",
                   encoding: str = "utf-8") -> Path:
    text = (f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n<tmx version="{version}">\n'
            f'<header creationtool="t" segtype="sentence" o-tmf="t" adminlang="en" datatype="plaintext" {header}/>\n'
            f"<body>\n{body}\n</body>\n</tmx>\n")
    path.write_bytes(text.encode(encoding))
    return path


def tu(*tuvs: tuple[str, str], props: str = "", attrs: str = "", lang_attr: str = "xml:lang") -> str:
    inner = "".join(f'<tuv {lang_attr}="{lang}"><seg>{text}</seg></tuv>' for lang, text in tuvs)
    return f"<tu{attrs}>{props}{inner}</tu>"


# ---------------------------------------------------------------- the sample files


def test_sample_header_prop_note_inline_codes() -> None:
    a = only(read_translation_memory(sample("okapi_header_with_prop_and_note.tmx")))
    assert (a.src_lang, a.tgt_lang) == ("en", "fr")
    assert (a.meta["src_lang_code"], a.meta["tgt_lang_code"]) == ("en-us", "fr")
    assert a.name == "okapi_header_with_prop_and_note"
    assert a.meta["format"] == "tmx" and a.meta["tmx_version"] == "1.4"
    # <it>/<bpt>/<ph> (with its <sub>) /<ept> content dropped, <hi> text kept.
    assert src_texts(a) == ["Click to start."]
    assert tgt_texts(a) == ["Cliquez pour commencer."]
    assert skipped_units([a]) == 0
    assert math.isnan(a.beads[0].score)
    assert_renumbered(a)


def test_sample_utf8_bom_upper_case_codes_en_de_1_to_2() -> None:
    path = sample("okapi_issue277_EN_DE_alignfactory.tmx")
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    a = only(read_translation_memory(path))
    assert (a.src_lang, a.tgt_lang) == ("en", "de")
    assert (a.meta["src_lang_code"], a.meta["tgt_lang_code"]) == ("EN", "DE")
    assert len(a.beads) == 2
    assert_renumbered(a)  # one TU = one bead, even when it holds two sentences
    assert a.src[1].text == "This sentence should not be split."  # trailing space normalised away
    assert a.tgt[1].text == "Dieser Satz sollte nicht geteilt werden. Zu viele Segmente hier."
    assert a.src[0].text == "This sentence should be split. In two pieces."
    assert a.tgt[0].text == "Dieser Satz sollte aufgeteilt werden. In zwei Teile."


def test_sample_region_codes_props_and_placeholders() -> None:
    a = only(read_translation_memory(sample("okapi_sample14b_en-us_de-de.tmx")))
    assert (a.src_lang, a.tgt_lang) == ("en", "de")
    assert (a.meta["src_lang_code"], a.meta["tgt_lang_code"]) == ("en-us", "de-de")
    assert len(a.beads) == 25 and len(a.src) == len(a.tgt) == 25
    assert_renumbered(a)
    assert a.name == "okapi_sample14b_en-us_de-de"  # no x-document prop: one document per file
    assert a.src[1].text == "Touch Retry."
    assert a.tgt[1].text == "'Wiederholen' drücken."  # &apos; decoded
    assert a.tgt[0].text == "Sicherstellen, dass sich der AK-Schlauch im AK-Flüssigkeitsdetektor befindet."
    # <ph>\n</ph> at the start of the segment is a code, not text.
    assert a.src[-1].text == "Recent changes to configuration options may have been lost."
    refs = json.loads(a.meta["unit_refs"])
    assert len(refs) == 25 and refs[0] == "tuid ACDetectionCheckFailedAction0_s02"


def test_sample_utf16_whitespace_normalised() -> None:
    path = sample("omegat_compkit_ImportTest1A.utf16.tmx")
    assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    a = only(read_translation_memory(path))
    assert (a.src_lang, a.tgt_lang) == ("en", "fr")
    assert src_texts(a) == ["First segment with [ ]", "Second segment with [ ]"]
    assert tgt_texts(a) == ["Premier segment avec [ ]", "Second segment avec [ ]"]
    assert_renumbered(a)


def test_sample_utf16_mixed_case_codes_and_inverted_tuvs() -> None:
    a = only(read_translation_memory(sample("omegat_compkit_ImportTest2A.utf16.tmx")))
    assert (a.src_lang, a.tgt_lang) == ("en", "fr")
    assert len(a.beads) == 7
    assert_renumbered(a)
    assert a.src[0].text == "The big black cat sleeps."
    assert a.tgt[0].text == "Le gros chat noir dors."
    assert a.src[1].text == 'Test for special characters = <=lt, >=gt, &=amp, "=quot.'
    assert a.src[2].text == "Nested formatting = Bold+Italic+Underlined, Bold+Italic, Bold."
    assert (a.src[3].text, a.src[4].text) == ("First sentence.", "Second sentence.")
    assert (a.src[5].text, a.tgt[5].text) == ("Picture:", "Image:")  # En-uS / FR-CA
    # The last TU lists the French tuv first: still French is the target.
    assert a.src[6].text == "Some text with a part highlighted."
    assert a.tgt[6].text == "Du texte avec une portion délimitée."
    assert json.loads(a.meta["unit_refs"])[:2] == ["tuid 1", "tuid 2"]
    assert json.loads(a.meta["unit_refs"])[-1] == "tu 7"


def test_sample_direction_reversed_with_src_lang() -> None:
    a = only(read_translation_memory(sample("omegat_compkit_ImportTest2A.utf16.tmx"), src_lang="FR_ca"))
    assert (a.src_lang, a.tgt_lang) == ("fr", "en")
    assert a.src[6].text == "Du texte avec une portion délimitée."
    assert a.tgt[6].text == "Some text with a part highlighted."


def test_sample_language_not_in_file() -> None:
    with pytest.raises(AlignError) as info:
        read_translation_memory(sample("okapi_sample14b_en-us_de-de.tmx"), tgt_lang="fr")
    assert "no usable translation units" in info.value.problem
    with pytest.raises(AlignError) as info:
        read_translation_memory(sample("okapi_sample14b_en-us_de-de.tmx"), src_lang="it")
    assert "--src-lang" in info.value.problem and "en, de" in info.value.problem


# ---------------------------------------------------------------- round trips

# The same sample document as the export tests, so a round trip covers what they write.
from test_export import BEADS, DE, EN  # noqa: E402

SECOND_EN = ["Hello, world.", "Second line, with a comma, and \"quotes\"."]
SECOND_DE = ["Hallo, Welt.", "Zweite Zeile,\nmit Zeilenumbruch."]


def sentences(texts: list[str]) -> list[Sentence]:
    return [Sentence(index=i, text=t, paragraph=0) for i, t in enumerate(texts)]


def alignments() -> list[Alignment]:
    first = Alignment("article01", "en", "de", sentences(EN), sentences(DE), list(BEADS))
    second = Alignment("article02", "en", "de", sentences(SECOND_EN), sentences(SECOND_DE),
                       [Bead((0,), (0,), 1.0), Bead((1,), (1,), 0.12345)])
    return [first, second]


def test_round_trip_csv(tmp_path: Path) -> None:
    originals = alignments()
    path = tmp_path / "corpus.csv"
    write_csv(originals, path)
    back = read_translation_memory(path)
    assert [a.name for a in back] == ["article01", "article02"]
    for original, read in zip(originals, back):
        assert (read.src_lang, read.tgt_lang) == ("en", "de")
        assert read.meta["format"] == "csv" and read.meta["ids"] == "restored"
        assert [(b.src, b.tgt) for b in read.beads] == [(b.src, b.tgt) for b in original.beads]
        assert [b.score for b in read.beads] == [round(b.score, 4) for b in original.beads]
        assert [s.text for s in read.src] == [" ".join(s.text.split()) for s in original.src]
        assert [s.text for s in read.tgt] == [" ".join(s.text.split()) for s in original.tgt]
        assert [s.index for s in read.src] == list(range(len(original.src)))
        assert "absent_src_ids" not in read.meta and "absent_tgt_ids" not in read.meta
    assert skipped_units(back) == 0
    # the embedded newline came back through RFC 4180 quoting (then normalised)
    assert back[1].tgt[1].text == "Zweite Zeile, mit Zeilenumbruch."
    refs = json.loads(back[0].meta["unit_refs"])
    assert refs[0] == "line 2" and len(refs) == len(BEADS)


def test_round_trip_tmx(tmp_path: Path) -> None:
    originals = alignments()
    path = tmp_path / "corpus.tmx"
    write_tmx(originals, path)
    back = read_translation_memory(path)
    assert [a.name for a in back] == ["article01", "article02"]
    for original, read in zip(originals, back):
        pairs = [b for b in original.beads if b.is_pair]  # the TMX export drops 1:0 / 0:1 beads
        assert (read.src_lang, read.tgt_lang) == ("en", "de")
        assert read.meta["ids"] == "restored"
        assert [(b.src, b.tgt) for b in read.beads] == [(b.src, b.tgt) for b in pairs]
        assert [b.score for b in read.beads] == [round(b.score, 4) for b in pairs]
        assert src_texts(read) == [" ".join(original.src_text(b).split()) for b in pairs]
        assert tgt_texts(read) == [" ".join(original.tgt_text(b).split()) for b in pairs]
        # sentence by sentence, 2:1 and 1:2 units split back at the sentence end
        for bead in pairs:
            for i in bead.src:
                assert read.src[i].text == original.src[i].text
            for j in bead.tgt:
                assert read.tgt[j].text == " ".join(original.tgt[j].text.split())
    first = back[0]
    # A sentence of a dropped 1:0 bead inside the id range: an empty placeholder, listed, in
    # no bead. The dropped 0:1 bead at the end (target 5) leaves no trace in the file at all.
    assert len(first.src) == len(EN) and len(first.tgt) == len(DE) - 1
    assert first.meta["absent_src_ids"] == "3" and "absent_tgt_ids" not in first.meta
    assert first.src[3].text == "" and all(3 not in b.src for b in first.beads)
    assert json.loads(first.meta["unit_refs"]) == ["tuid article01-0", "tuid article01-1",
                                                   "tuid article01-3", "tuid article01-4"]


def test_round_trip_tmx_with_language_overrides(tmp_path: Path) -> None:
    path = tmp_path / "regional.tmx"
    write_tmx(alignments(), path, src_lang_code="EN-GB", tgt_lang_code="de_CH")
    back = read_translation_memory(path)
    assert [(a.src_lang, a.tgt_lang) for a in back] == [("en", "de"), ("en", "de")]
    assert back[0].meta["src_lang_code"] == "EN-GB" and back[0].meta["tgt_lang_code"] == "de_CH"
    assert [(b.src, b.tgt) for b in back[0].beads] == [((0,), (0,)), ((1, 2), (1,)), ((4,), (2,)), ((5,), (3, 4))]


def test_inconsistent_stored_ids_are_renumbered(tmp_path: Path) -> None:
    prop = '<prop type="x-document">doc</prop><prop type="x-src-ids">{}</prop><prop type="x-tgt-ids">{}</prop>'
    body = "\n".join([
        tu(("en", "One."), ("de", "Eins."), props=prop.format("4", "4")),
        tu(("en", "Two."), ("de", "Zwei."), props=prop.format("2", "5")),  # source goes back
    ])
    a = only(read_translation_memory(write_tmx_text(tmp_path / "x.tmx", body)))
    assert a.name == "doc"
    assert_renumbered(a)
    assert src_texts(a) == ["One.", "Two."]


# ---------------------------------------------------------------- TMX leniency


def test_tmx_1_1_lang_attribute_and_all_srclang(tmp_path: Path) -> None:
    body = tu(("de", "Guten Tag."), ("en", "Good day."), lang_attr="lang")
    path = write_tmx_text(tmp_path / "old.tmx", body, header='srclang="*all*"', version="1.1")
    a = only(read_translation_memory(path))  # *all*: the first tuv's language is the source
    assert (a.src_lang, a.tgt_lang) == ("de", "en")
    assert (src_texts(a), tgt_texts(a)) == (["Guten Tag."], ["Good day."])
    b = only(read_translation_memory(path, src_lang="en"))
    assert (b.src_lang, b.tgt_lang) == ("en", "de")
    assert (src_texts(b), tgt_texts(b)) == (["Good day."], ["Guten Tag."])


def test_tmx_skipped_units_and_one_sided_units(tmp_path: Path) -> None:
    body = "\n".join([
        tu(("en", "Kept."), ("de", "Behalten.")),
        tu(("en", "No German tuv.")),  # skipped
        tu(("en-US", "Untranslated."), ("de-DE", "")),  # empty target: a 1:0 bead
        tu(("en", ""), ("de", "  ")),  # empty on both sides: skipped
        "<tu><prop type='x-score'>0.5</prop><tuv xml:lang='de'><seg>Nur Deutsch.</seg></tuv></tu>",  # skipped
    ])
    a = only(read_translation_memory(write_tmx_text(tmp_path / "s.tmx", body)))
    assert a.meta["skipped_units"] == "3" and skipped_units([a]) == 3
    assert [(b.src, b.tgt) for b in a.beads] == [((0,), (0,)), ((1,), ())]
    assert src_texts(a) == ["Kept.", "Untranslated."] and tgt_texts(a) == ["Behalten.", ""]
    assert json.loads(a.meta["unit_refs"]) == ["tu 1", "tu 3"]


def test_tmx_several_targets_need_tgt_lang(tmp_path: Path) -> None:
    body = tu(("en", "Yes."), ("de", "Ja."), ("fr", "Oui."))
    path = write_tmx_text(tmp_path / "multi.tmx", body)
    with pytest.raises(AlignError) as info:
        read_translation_memory(path)
    assert "--tgt-lang" in info.value.problem and "de, fr" in info.value.problem
    a = only(read_translation_memory(path, tgt_lang="FR"))
    assert (a.tgt_lang, tgt_texts(a)) == ("fr", ["Oui."])


def test_tmx_prefers_exact_regional_code(tmp_path: Path) -> None:
    body = tu(("en", "Colour."), ("de-DE", "Straße."), ("de-CH", "Strasse."))
    path = write_tmx_text(tmp_path / "variants.tmx", body)
    assert tgt_texts(only(read_translation_memory(path))) == ["Straße."]
    assert tgt_texts(only(read_translation_memory(path, tgt_lang="de_ch"))) == ["Strasse."]


def test_tmx_scores_and_mislabelled_utf16_and_control_chars(tmp_path: Path) -> None:
    body = "\n".join([
        tu(("en", "A&#x1;b\x02c."), ("de", "Abc."), props='<prop type="x-score">0.25</prop>'),
        tu(("en", "Bad score."), ("de", "Schlecht."), props='<prop type="x-score">high</prop>'),
    ])
    text = f'<?xml version="1.0" encoding="UTF-16"?>\n<tmx version="1.4"><header srclang="en"/><body>{body}</body></tmx>'
    path = tmp_path / "mislabelled.tmx"
    path.write_bytes(text.encode("utf-8"))  # declared UTF-16, written as UTF-8
    a = only(read_translation_memory(path))
    assert src_texts(a) == ["Abc.", "Bad score."]
    assert a.beads[0].score == 0.25 and math.isnan(a.beads[1].score)


def test_tmx_utf16_big_endian_and_latin1_declaration(tmp_path: Path) -> None:
    body = tu(("en", "Café."), ("de", "Kaffee für Müller."))
    be = tmp_path / "be.tmx"
    text = f'<?xml version="1.0" encoding="UTF-16"?>\n<tmx version="1.4"><header srclang="en"/><body>{body}</body></tmx>'
    be.write_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    assert tgt_texts(only(read_translation_memory(be))) == ["Kaffee für Müller."]
    latin = write_tmx_text(tmp_path / "latin.tmx", body, encoding="iso-8859-1")
    assert src_texts(only(read_translation_memory(latin))) == ["Café."]


def test_tmx_namespaced_and_html_entity(tmp_path: Path) -> None:
    path = tmp_path / "ns.tmx"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
        '<tmx xmlns="http://www.lisa.org/tmx14" version="1.4"><header srclang="en-US"/><body>'
        '<tu><tuv xml:lang="en-US"><seg>5&nbsp;%  rise <!-- c -->now.</seg></tuv>'
        '<tuv xml:lang="de-DE"><seg>5 % Anstieg<ph x="1">&lt;br/&gt;</ph> jetzt.</seg></tuv></tu>'
        "</body></tmx>",
        encoding="utf-8",
    )
    a = only(read_translation_memory(path))
    assert src_texts(a) == ["5 % rise now."] and tgt_texts(a) == ["5 % Anstieg jetzt."]


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    tmx = write_tmx_text(tmp_path / "memory.dat", tu(("en", "Hi."), ("de", "Hallo.")))
    assert only(read_translation_memory(tmx)).meta["format"] == "tmx"
    table = tmp_path / "memory.txt"
    table.write_text("src_text,tgt_text\nHi.,Hallo.\n", encoding="utf-8")
    assert only(read_translation_memory(table)).meta["format"] == "csv"


# ---------------------------------------------------------------- CSV


def test_csv_minimal_columns_bom_semicolons_and_one_sided_rows(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    rows = "Src_Text;TGT_TEXT;note\r\nOne.;Eins.;x\r\n;Nur hier.;\r\nOnly here.;;\r\n;;empty\r\n;;\r\n\r\n\"Two; quoted.\";Zwei.;\r\n"
    path.write_bytes(codecs.BOM_UTF8 + rows.encode("utf-8"))
    a = only(read_translation_memory(path, src_lang="en-GB", tgt_lang="de"))
    assert a.name == "excel" and (a.src_lang, a.tgt_lang) == ("en", "de")
    assert a.meta["src_lang_code"] == "en-GB" and a.meta["ids"] == "renumbered"
    assert [(b.src, b.tgt) for b in a.beads] == [((0,), (0,)), ((), (1,)), ((1,), ()), ((2,), (2,))]
    assert [s.text for s in a.src] == ["One.", "Only here.", "Two; quoted."]
    assert [s.text for s in a.tgt] == ["Eins.", "Nur hier.", "Zwei."]
    assert skipped_units([a]) == 1
    assert all(math.isnan(b.score) for b in a.beads)
    assert json.loads(a.meta["unit_refs"]) == ["line 2", "line 3", "line 4", "line 8"]


def test_csv_default_languages_and_tab_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("document\tsrc_text\ttgt_text\tscore\nd1\tA.\tB.\t0.5\n\tC.\tD.\t\n", encoding="utf-8")
    back = read_translation_memory(path)
    assert [a.name for a in back] == ["d1", "t"]  # empty document -> file stem
    assert (back[0].src_lang, back[0].tgt_lang) == ("en", "de")
    assert back[0].beads[0].score == 0.5 and math.isnan(back[1].beads[0].score)


# ---------------------------------------------------------------- errors


def problem(path: Path, **kwargs) -> str:
    with pytest.raises(AlignError) as info:
        read_translation_memory(path, **kwargs)
    assert info.value.path == str(path)
    assert "\n" not in info.value.problem
    return info.value.problem


def test_error_missing_file_folder_and_empty(tmp_path: Path) -> None:
    assert problem(tmp_path / "nope.tmx") == "file not found"
    assert "folder" in problem(tmp_path)
    empty = tmp_path / "empty.tmx"
    empty.write_bytes(b"")
    assert problem(empty) == "file is empty"


def test_error_not_xml(tmp_path: Path) -> None:
    path = tmp_path / "plain.tmx"
    path.write_text("src_text,tgt_text\nA,B\n", encoding="utf-8")
    assert problem(path).startswith("not an XML file (line 1")


def test_error_malformed_xml_gives_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.tmx"
    path.write_text('<?xml version="1.0"?>\n<tmx version="1.4">\n<header srclang="en"/>\n<body>\n'
                    '<tu><tuv xml:lang="en"><seg>A</tuv></tu>\n</body></tmx>\n', encoding="utf-8")
    message = problem(path)
    assert message.startswith("malformed XML at line 5:") and "mismatch" in message


def test_error_not_tmx(tmp_path: Path) -> None:
    path = tmp_path / "page.tmx"
    path.write_text("<html><body><p>Hi</p></body></html>", encoding="utf-8")
    assert "not a TMX file" in problem(path) and "<html>" in problem(path)


def test_error_no_units(tmp_path: Path) -> None:
    assert "no translation units" in problem(write_tmx_text(tmp_path / "none.tmx", ""))
    only_en = write_tmx_text(tmp_path / "mono.tmx", tu(("en", "Alone.")))
    assert "only one language" in problem(only_en)
    assert "no usable translation units" in problem(only_en, tgt_lang="de")


def test_error_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "latin1.tmx"
    path.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<body>caf\xe9</body></tmx>')
    message = problem(path)
    assert "not valid utf-8" in message.lower() and "line 3" in message
    csv_path = tmp_path / "latin1.csv"
    csv_path.write_bytes(b"src_text,tgt_text\ncaf\xe9,Kaffee\n")
    assert "not valid UTF-8" in problem(csv_path) and "line 2" in problem(csv_path)


def test_error_unsupported_declared_encoding(tmp_path: Path) -> None:
    path = tmp_path / "enc.tmx"
    path.write_bytes(b'<?xml version="1.0" encoding="x-made-up"?>\n<tmx/>')
    assert "unsupported encoding" in problem(path)


def test_error_csv_without_columns(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("english,german\nA,B\n", encoding="utf-8")
    message = problem(path)
    assert "src_text" in message and "tgt_text" in message


def test_error_csv_without_text_and_extra_fields(tmp_path: Path) -> None:
    empty_rows = tmp_path / "blank.csv"
    empty_rows.write_text("src_text,tgt_text\n,\n", encoding="utf-8")
    assert "no usable rows" in problem(empty_rows)
    extra = tmp_path / "extra.csv"
    extra.write_text("src_text,tgt_text\nA,B\nC,D,E\n", encoding="utf-8")
    assert problem(extra).startswith("line 3:")


# ---------------------------------------------------------------- splitting multi-sentence units


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("One.", 1, ["One."]),
        ("One. Two.", 2, ["One.", "Two."]),
        ('He said "Stop." Then left. Done!', 3, ['He said "Stop."', "Then left.", "Done!"]),
        ("no sentence ends here", 2, ["no sentence", "ends here"]),
        ("word", 2, ["word", ""]),
    ],
)
def test_split_sentences(text: str, n: int, expected: list[str]) -> None:
    parts = _split_sentences(text, n)
    assert parts == expected
    if all(parts):
        assert " ".join(parts) == text


# ---------------------------------------------------------------- cross-check with translate-toolkit

SAMPLE_NAMES = [
    "okapi_header_with_prop_and_note.tmx",
    "okapi_issue277_EN_DE_alignfactory.tmx",
    "okapi_sample14b_en-us_de-de.tmx",
    "omegat_compkit_ImportTest1A.utf16.tmx",
    "omegat_compkit_ImportTest2A.utf16.tmx",
]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_agree_with_translate_toolkit(name: str) -> None:
    """Same units as translate-toolkit's TMX reader; same text wherever it shows no inline codes
    (it renders them as markup, ours drops them)."""
    tmx = pytest.importorskip("translate.storage.tmx")
    path = sample(name)
    units = tmx.tmxfile.parsefile(str(path)).units
    a = only(read_translation_memory(path))
    assert len(units) == len(a.beads)
    compared = 0
    for unit, bead in zip(units, a.beads):
        theirs = (" ".join(unit.source.split()), " ".join((unit.target or "").split()))
        if not any(mark in text for text in theirs for mark in ("<", "\\n")):
            assert (a.src_text(bead), a.tgt_text(bead)) == theirs
            compared += 1
    assert compared >= 1 or name == "okapi_header_with_prop_and_note.tmx"


def test_csv_texts_are_normalised_like_every_input(tmp_path: Path) -> None:
    """Controls and terminal escapes in a CSV cell go, as they do from a .txt file: the
    findings, the report and a re-exported TMX carry the same clean text."""
    path = tmp_path / "dirty.csv"
    path.write_text("document,bead,shape,score,src_ids,tgt_ids,src_text,tgt_text\r\n"
                    "d,0,1:1,0.9,0,0,\"Red \x1b[31malert\x1b[0m\x00 now.\",\"Roter\x07 Alarm jetzt.\"\r\n",
                    encoding="utf-8", newline="")
    (alignment,) = read_translation_memory(path)
    assert [s.text for s in alignment.src] == ["Red alert now."]
    assert [t.text for t in alignment.tgt] == ["Roter Alarm jetzt."]
