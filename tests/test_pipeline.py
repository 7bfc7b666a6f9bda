"""The Python API end to end (read -> segment -> embed -> align): accuracy on the bundled
corpora against their gold beads, the beads invariant, pair discovery and batch output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from align.errors import AlignError
from align.evaluate import score_alignments
from align.export import read_beads
from align.pipeline import Aligner, align_folder, check_formats, default_name, find_pairs, write_outputs

from conftest import CORPUS_PAIRS, assert_valid_alignment, bead_ids, files_in

# The gold files count these sentences (EN, DE) in the project's own segmentation.
SENTENCE_COUNTS = {"energy": (82, 81), "asylum": (62, 68), "baltic": (60, 57)}


# ---------------------------------------------------------------- accuracy on the corpora


@pytest.mark.parametrize("name", sorted(CORPUS_PAIRS))
def test_corpus_accuracy_against_gold(corpus_alignments, name):
    alignment = corpus_alignments[name]
    gold = read_beads(CORPUS_PAIRS[name][2])
    scores = score_alignments([(gold, bead_ids(alignment))])
    assert scores.strict_f1 >= 0.93, scores
    assert scores.lax_f1 >= 0.99, scores


def test_corpus_accuracy_micro_average(corpus_alignments):
    pairs = [(read_beads(CORPUS_PAIRS[name][2]), bead_ids(a)) for name, a in corpus_alignments.items()]
    scores = score_alignments(pairs)
    assert scores.strict_f1 >= 0.95, scores
    assert scores.lax_precision >= 0.99 and scores.lax_recall >= 0.99, scores


@pytest.mark.parametrize("name", sorted(CORPUS_PAIRS))
def test_corpus_alignment_is_complete_and_monotonic(corpus_alignments, name):
    alignment = corpus_alignments[name]
    assert (len(alignment.src), len(alignment.tgt)) == SENTENCE_COUNTS[name]
    assert_valid_alignment(alignment)


@pytest.mark.parametrize("name", sorted(CORPUS_PAIRS))
def test_corpus_alignment_metadata(corpus_alignments, name):
    alignment = corpus_alignments[name]
    src, tgt, _ = CORPUS_PAIRS[name]
    assert alignment.name == name
    assert (alignment.src_lang, alignment.tgt_lang) == ("en", "de")
    assert alignment.src_path == src and alignment.tgt_path == tgt
    assert alignment.meta["encoder"] == "use"


def test_corpus_confidence_separates_good_and_bad_beads(corpus_alignments):
    """Confidence means something: beads found in the gold score higher on average than the rest,
    and nearly every 1:1 pair that is right is confident."""
    right, wrong = [], []
    for name, alignment in corpus_alignments.items():
        gold = set(read_beads(CORPUS_PAIRS[name][2]))
        for bead in alignment.beads:
            (right if (bead.src, bead.tgt) in gold else wrong).append(bead)
    right_pairs = [b.score for b in right if b.shape == "1:1"]
    assert sum(s >= 0.5 for s in right_pairs) / len(right_pairs) >= 0.95
    if wrong:
        assert sum(b.score for b in wrong) / len(wrong) < sum(b.score for b in right) / len(right)


@pytest.mark.parametrize("name, bead", [
    ("energy", ((3, 4), (3,))),  # merged sentence
    ("energy", ((40, 41), (39, 40))),  # 2:2, sentence boundary moved
    ("asylum", ((12,), (11, 12))),  # split sentence
    ("asylum", ((35,), (35, 36, 37))),  # one sentence translated as three
    ("asylum", ((), (24,))),  # translator's note
    ("baltic", ((27, 28), (23,))),  # merged sentence
    ("baltic", ((41,), (36, 37))),  # split sentence
    ("baltic", ((22,), ())),  # paragraph only on the English side
    ("baltic", ((24,), ())),
])
def test_planted_differences_found(corpus_alignments, name, bead):
    """Some of the planted differences corpora/README.md lists, found exactly."""
    assert bead in bead_ids(corpus_alignments[name])


# ---------------------------------------------------------------- small synthetic pair

EN_TEXT = """\
City council approves new cycling lanes

The city council voted on Tuesday to build twelve kilometres of protected cycling lanes.
Construction will start in the spring and should be finished by the end of next year.
The project costs four million euros, most of it paid by the national government.

This paragraph exists only in the English version and talks about the weather in London.

Shop owners on the main street fear losing parking spaces. The mayor promised to discuss the plans with them.
"""

DE_TEXT = """\
Stadtrat beschließt neue Radwege

Der Stadtrat hat am Dienstag beschlossen, zwölf Kilometer geschützte Radwege zu bauen.
Die Bauarbeiten beginnen im Frühjahr und sollen bis Ende des nächsten Jahres abgeschlossen sein.
Das Projekt kostet vier Millionen Euro, den größten Teil zahlt die nationale Regierung.

Ladenbesitzer an der Hauptstraße fürchten, Parkplätze zu verlieren, doch der Bürgermeister versprach, die Pläne mit ihnen zu besprechen.
"""


@pytest.fixture(scope="module")
def small_pair(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("small")
    src, tgt = folder / "cycling.en.txt", folder / "cycling.de.txt"
    src.write_text(EN_TEXT, encoding="utf-8")
    tgt.write_text(DE_TEXT, encoding="utf-8")
    return src, tgt


def test_small_pair_alignment(en_de_aligner, small_pair):
    alignment = en_de_aligner.align_files(*small_pair)
    assert_valid_alignment(alignment)
    assert alignment.src[0].text == "City council approves new cycling lanes"
    assert [s.paragraph for s in alignment.src] == [0, 1, 1, 1, 2, 3, 3]
    assert bead_ids(alignment) == [
        ((0,), (0,)),
        ((1,), (1,)),
        ((2,), (2,)),
        ((3,), (3,)),
        ((4,), ()),  # the English-only paragraph
        ((5, 6), (4,)),  # two English sentences, one German
    ]
    scores = [b.score for b in alignment.beads]
    assert min(scores[:4]) >= 0.5 and scores[4] >= 0.5 and scores[5] >= 0.5


def test_align_sentences_directly(en_de_aligner):
    from align.model import Sentence

    src = [Sentence(0, "The bridge was closed for repairs.", 0), Sentence(1, "Traffic was diverted.", 0)]
    tgt = [Sentence(0, "Die Brücke wurde für Reparaturen gesperrt.", 0),
           Sentence(1, "Der Verkehr wurde umgeleitet.", 0)]
    alignment = en_de_aligner.align_sentences(src, tgt, "bridge")
    assert alignment.name == "bridge" and alignment.src_path is None
    assert bead_ids(alignment) == [((0,), (0,)), ((1,), (1,))]
    assert_valid_alignment(alignment)


def test_explicit_name_overrides_default(en_de_aligner, small_pair):
    assert en_de_aligner.align_files(*small_pair, name="velo").name == "velo"


def test_aligner_rejects_unknown_and_unsupported_languages(encoder):
    with pytest.raises(AlignError, match="unknown language code 'xx'"):
        Aligner(src_lang="xx", tgt_lang="de", encoder=encoder)
    with pytest.raises(AlignError, match="does not support language 'sw'"):
        Aligner(src_lang="en", tgt_lang="sw", encoder=encoder)
    # Region subtags are fine when the base language is supported.
    Aligner(src_lang="en-GB", tgt_lang="de-AT", encoder=encoder)


def test_missing_input_raises_align_error_naming_the_file(en_de_aligner, tmp_path):
    missing = tmp_path / "nothing.en.txt"
    with pytest.raises(AlignError) as info:
        en_de_aligner.align_files(missing, CORPUS_PAIRS["energy"][1])
    assert info.value.path == str(missing)
    assert info.value.problem == "file not found"


# ---------------------------------------------------------------- names and pairs


@pytest.mark.parametrize("path, name", [
    ("corpora/belarus.en.txt", "belarus"),
    ("belarus.en.txt", "belarus"),
    ("/a/b/report-2024.de.md", "report-2024"),
    ("en/article.html", "article"),
    ("noext", "noext"),
    (".hidden.en.txt", ".hidden.en.txt"),  # nothing before the first dot: keep the whole name
])
def test_default_name(path, name):
    assert default_name(path) == name


def test_find_pairs_in_corpora_folder():
    plan = find_pairs(CORPUS_PAIRS["energy"][0].parent, "en", "de")
    pairs, unpaired = plan.jobs, plan.unpaired
    assert plan.failures == []
    assert [(p.name, p.src.name, p.tgt.name) for p in pairs] == [
        ("asylum", "asylum.en.md", "asylum.de.md"),
        ("baltic", "baltic.en.html", "baltic.de.html"),
        ("energy", "energy.en.txt", "energy.de.txt"),
    ]
    # README.md is a supported file type with no partner; .beads and .py files are not inputs.
    assert [p.name for p in unpaired] == ["README.md"]


def test_find_pairs_language_subfolders(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "de").mkdir()
    for name in ("one.txt", "two.md", "only-en.txt"):
        (tmp_path / "en" / name).write_text("Text.\n", encoding="utf-8")
    for name in ("one.txt", "two.md"):
        (tmp_path / "de" / name).write_text("Text.\n", encoding="utf-8")
    (tmp_path / "de" / "notes.pdf").write_text("not an input", encoding="utf-8")
    plan = find_pairs(tmp_path, "en", "de")
    pairs, unpaired = plan.jobs, plan.unpaired
    assert [(p.name, p.src, p.tgt) for p in pairs] == [
        ("one", tmp_path / "en" / "one.txt", tmp_path / "de" / "one.txt"),
        ("two", tmp_path / "en" / "two.md", tmp_path / "de" / "two.md"),
    ]
    assert unpaired == [tmp_path / "en" / "only-en.txt"]


def test_find_pairs_other_languages(tmp_path):
    for name in ("a.de.txt", "a.fr.txt", "a.en.txt"):
        (tmp_path / name).write_text("Text.\n", encoding="utf-8")
    plan = find_pairs(tmp_path, "de", "fr")
    pairs, unpaired = plan.jobs, plan.unpaired
    assert [(p.src.name, p.tgt.name, p.src_lang, p.tgt_lang) for p in pairs] == [("a.de.txt", "a.fr.txt", "de", "fr")]
    assert [p.name for p in unpaired] == ["a.en.txt"]


def test_find_pairs_bad_folder(tmp_path):
    with pytest.raises(AlignError, match="folder not found"):
        find_pairs(tmp_path / "missing", "en", "de")
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(AlignError, match="is not a folder"):
        find_pairs(tmp_path / "file.txt", "en", "de")


def test_check_formats():
    assert check_formats(["tmx", " CSV ", "tmx", ""]) == ["tmx", "csv"]
    with pytest.raises(AlignError, match="unknown output format 'xml'"):
        check_formats(["tmx", "xml"])
    with pytest.raises(AlignError, match=r"unknown output format '\(none\)'"):
        check_formats(["", " "])


# ---------------------------------------------------------------- outputs


def test_write_outputs_round_trip(corpus_alignments, tmp_path):
    alignment = corpus_alignments["asylum"]
    written = write_outputs(alignment, tmp_path / "out", ["beads", "jsonl"])
    assert written == [tmp_path / "out" / "asylum.beads", tmp_path / "out" / "asylum.jsonl"]
    assert files_in(tmp_path / "out") == ["asylum.beads", "asylum.jsonl"]
    assert read_beads(written[0]) == bead_ids(alignment)


def test_align_folder_writes_pairs_and_corpus(en_de_aligner, small_pair, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in small_pair:
        shutil.copy(path, folder / path.name)
    shutil.copy(CORPUS_PAIRS["asylum"][0], folder / "asylum.en.md")
    shutil.copy(CORPUS_PAIRS["asylum"][1], folder / "asylum.de.md")
    (folder / "broken.en.txt").write_text("   \n", encoding="utf-8")  # fails: empty
    (folder / "broken.de.txt").write_text("Ein Satz.\n", encoding="utf-8")
    (folder / "lonely.de.md").write_text("# Allein\n", encoding="utf-8")
    result = align_folder(en_de_aligner, folder, tmp_path / "out", ["beads", "csv"], workers=1)
    assert [p.name for p in result.pairs] == ["asylum", "cycling"]
    assert [(f.name, f.reason) for f in result.failed] == [
        ("broken", f"{folder / 'broken.en.txt'}: document is empty")]
    assert result.unpaired == [folder / "lonely.de.md"]
    visible = [f for f in files_in(tmp_path / "out") if not f.startswith(".align-batch/")]
    assert visible == ["asylum.beads", "asylum.csv", "corpus.csv", "cycling.beads", "cycling.csv", "failures.csv"]
    assert sorted(result.written) == sorted(p for p in (tmp_path / "out").iterdir() if p.is_file())
    alignments = list(result.alignments())
    for alignment in alignments:
        assert_valid_alignment(alignment)
    assert bead_ids(alignments[1]) == read_beads(tmp_path / "out" / "cycling.beads")
    corpus_rows = (tmp_path / "out" / "corpus.csv").read_bytes().decode("utf-8").split("\r\n")
    distinct = {(a.src_text(b), a.tgt_text(b)) for a in alignments for b in a.beads}
    assert len([r for r in corpus_rows if r]) == 1 + len(distinct)


def test_align_folder_without_pairs(en_de_aligner, tmp_path):
    (tmp_path / "a.en.txt").write_text("Hello.\n", encoding="utf-8")
    with pytest.raises(AlignError, match="no document pairs found"):
        align_folder(en_de_aligner, tmp_path, tmp_path / "out", ["tmx"])
    assert not (tmp_path / "out").exists()
