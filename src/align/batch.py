"""`align batch`: every pair of a folder or a manifest, streamed through the pipeline one
small group at a time (in worker processes), resumable, with the combined files built from
compact per-pair results on disk.

Layout of the output folder::

    NAME.beads .tmx .csv .jsonl .findings.csv .findings.jsonl .report.html   each pair, a whole set
    corpus.tmx .csv .jsonl          the combined corpus (deduplicated; --min-score)
    findings.csv .jsonl, findings-summary.csv, index.html, failures.csv
    .align-batch/                   the state: state.jsonl (finished pairs, one line each),
                                    pairs/NAME.json (each pair's result), final.json

A pair is done when its line in state.jsonl carries the pair's key: a digest of both input
files' bytes, the languages and every setting that shapes the result. A rerun therefore
skips finished pairs (after Ctrl-C, a crash or kill -9 as well), redoes a pair whose input
or settings changed, and retries failed pairs. The combined files are always rebuilt from the
per-pair results, in plan order, so an interrupted and resumed batch ends with the same
files as an uninterrupted one (creation dates apart).

A pair is aligned once whatever its name: pairs whose files have the same bytes (same
languages and settings) are aligned once per batch and the others written from that result,
and every finished pair goes into the cache beside the embeddings (`embed.PairCache`), keyed
by content and by the code itself, so a rerun into a new folder only writes the files.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import os
import shutil
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from . import __version__
from .atomic import atomic_writer, staged_set
from .corpus import CorpusFilter, CorpusStats, count_units, write_corpus
from .embed import PairCache, available_cores, encode_texts, limit_threads, pair_cache
from .errors import AlignError
from .export import ExportOptions
from .model import Alignment, Bead, Finding, Sentence
from .naming import output_path, safe_name
from .read import SUPPORTED_EXTENSIONS

if TYPE_CHECKING:
    from tqdm import tqdm
    from typing_extensions import Self

    from .pipeline import Aligner

STATE_DIR = ".align-batch"
FAILURE_FIELDS = ("name", "src", "tgt", "reason")
UNIT_BYTES = 256_000  # input bytes per group of pairs encoded together (about 2,000 sentences)
UNIT_PAIRS = 32


# ---- plan ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PairJob:
    """One pair to align: its name (outputs are named after `stem`) and languages."""

    name: str
    src: Path
    tgt: Path
    src_lang: str
    tgt_lang: str
    # Set by `run_batch`: the pair's content key (`content_key`), and the stem of an earlier
    # pair of this batch with the same content, whose result this one is written from.
    content: str = ""
    copy_of: str = ""

    @property
    def stem(self) -> str:
        return safe_name(self.name)


@dataclass(frozen=True)
class Failure:
    name: str
    src: str
    tgt: str
    reason: str


@dataclass
class BatchPlan:
    jobs: list[PairJob]
    failures: list[Failure] = field(default_factory=list)  # pairs that cannot be run as given
    unpaired: list[Path] = field(default_factory=list)


def printable(text: object) -> str:
    """A file name as a person can read it, whatever its bytes (non-UTF-8 names included)."""
    raw = os.fsencode(text) if isinstance(text, (str, Path)) else str(text).encode()
    return raw.decode("utf-8", "backslashreplace")


def _decodable(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:  # lone surrogates: bytes that were not UTF-8
        return False


def plan_batch(source: str | Path, src_lang: str, tgt_lang: str) -> BatchPlan:
    """A folder (pairs found by name) or a manifest file (`.csv`/`.tsv`, `-` for stdin)."""
    if str(source) == "-":
        return plan_manifest("-", src_lang, tgt_lang)
    path = Path(source)
    if path.is_file():
        return plan_manifest(path, src_lang, tgt_lang)
    return plan_folder(path, src_lang, tgt_lang)


def plan_folder(folder: str | Path, src_lang: str, tgt_lang: str) -> BatchPlan:
    """Pairs as NAME.<src>.EXT + NAME.<tgt>.EXT, or <src>/NAME.EXT + <tgt>/NAME.EXT, sorted by
    name. A name with several files for one side (`a.en.txt`, `a.en.md`, `en/a.txt`) is a
    failure that lists them: never a silent choice."""
    folder = Path(folder)
    if not folder.is_dir():
        raise AlignError(folder, "folder not found" if not folder.exists() else "is not a folder")
    candidates: dict[str, dict[str, list[Path]]] = {}
    unpaired: list[Path] = []
    suffixes = {f".{src_lang}": src_lang, f".{tgt_lang}": tgt_lang}

    def supported(path: Path) -> bool:
        return path.suffix.lower() in SUPPORTED_EXTENSIONS and path.is_file()

    for path in sorted(folder.iterdir()):
        if not supported(path):
            continue
        stem, lang_suffix = os.path.splitext(path.name[: -len(path.suffix)])
        if stem and lang_suffix in suffixes:
            candidates.setdefault(stem, {}).setdefault(suffixes[lang_suffix], []).append(path)
        else:
            unpaired.append(path)
    for lang in dict.fromkeys((src_lang, tgt_lang)):
        sub = folder / lang
        if sub.is_dir():
            for path in sorted(sub.iterdir()):
                if supported(path):
                    name = path.name.split(".", 1)[0] or path.name
                    candidates.setdefault(name, {}).setdefault(lang, []).append(path)
    jobs, failures = [], []
    for name in sorted(candidates):
        found = candidates[name]
        if src_lang not in found or tgt_lang not in found:
            unpaired.extend(p for paths in found.values() for p in paths)
            continue
        src, tgt = found[src_lang], found[tgt_lang]
        if len(src) > 1 or len(tgt) > 1:
            many = src if len(src) > 1 else tgt
            lang = src_lang if len(src) > 1 else tgt_lang
            failures.append(Failure(printable(name), printable(src[0]), printable(tgt[0]),
                                    f"ambiguous pairing: {len(many)} files for the {lang} side of '{printable(name)}' "
                                    f"({', '.join(printable(p.relative_to(folder)) for p in many)}); "
                                    f"keep one, or list the pairs in a manifest"))
            continue
        jobs.append(PairJob(name, src[0], tgt[0], src_lang, tgt_lang))
    return _checked(BatchPlan(jobs, failures, sorted(unpaired)))


MANIFEST_COLUMNS = ("src", "tgt", "name", "src_lang", "tgt_lang")


def plan_manifest(manifest: str | Path, src_lang: str, tgt_lang: str) -> BatchPlan:
    """Pairs listed in a CSV or TSV file with a header: `src`, `tgt` and optional `name`,
    `src_lang`, `tgt_lang` (per-pair languages override the defaults). Relative paths are
    taken from the manifest's folder (from the working folder for `-`, stdin)."""
    if str(manifest) == "-":
        text, base, label = sys.stdin.read(), Path.cwd(), Path("-")
    else:
        label = Path(manifest)
        try:
            text = label.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise AlignError(label, f"cannot read manifest ({getattr(exc, 'strerror', None) or exc})") from None
        base = label.parent
    first = text.split("\n", 1)[0]
    delimiter = "\t" if label.suffix.lower() == ".tsv" or ("\t" in first and "," not in first) else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [c.strip().lower() for c in (reader.fieldnames or [])]
    if "src" not in columns or "tgt" not in columns:
        raise AlignError(label, "manifest needs a header row with the columns src and tgt "
                                "(optional: name, src_lang, tgt_lang)")
    unknown = [c for c in columns if c not in MANIFEST_COLUMNS]
    if unknown:
        raise AlignError(label, f"manifest column '{unknown[0]}' is unknown; the columns are "
                                f"{', '.join(MANIFEST_COLUMNS)}")
    reader.fieldnames = columns
    jobs: list[PairJob] = []
    failures: list[Failure] = []
    for line, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not row.get("src") and not row.get("tgt"):
            continue  # blank line
        if not row.get("src") or not row.get("tgt"):
            raise AlignError(label, f"line {line}: both src and tgt are needed")
        src, tgt = base / row["src"], base / row["tgt"]
        name = row.get("name") or (Path(row["src"]).name.split(".", 1)[0] or Path(row["src"]).name)
        jobs.append(PairJob(name, src, tgt, row.get("src_lang") or src_lang, row.get("tgt_lang") or tgt_lang))
    return _checked(BatchPlan(jobs, failures, []))


def _checked(plan: BatchPlan) -> BatchPlan:
    """Fail (only) the pairs whose names cannot be used: not UTF-8, or two pairs that would
    write the same files."""
    by_stem: dict[str, list[PairJob]] = {}
    kept = []
    for job in plan.jobs:
        if not all(_decodable(str(x)) for x in (job.name, job.src, job.tgt)):
            plan.failures.append(Failure(printable(job.name), printable(job.src), printable(job.tgt),
                                         "file name is not valid UTF-8; rename the file (or name the pair "
                                         "in a manifest)"))
            continue
        by_stem.setdefault(job.stem.casefold(), []).append(job)
        kept.append(job)
    clashing = {id(j) for group in by_stem.values() if len(group) > 1 for j in group}
    for group in by_stem.values():
        if len(group) > 1:
            names = ", ".join(f"'{j.name}'" for j in group)
            for job in group:
                plan.failures.append(Failure(job.name, str(job.src), str(job.tgt),
                                             f"pairs {names} would write the same output files; give them "
                                             f"distinct names"))
    plan.jobs = [j for j in kept if id(j) not in clashing]
    return plan


# ---- settings and keys --------------------------------------------------------------------

@dataclass(frozen=True)
class BatchSettings:
    """How a batch runs; none of these changes an individual pair's result except `formats`
    and the export options (they are part of each pair's key)."""

    formats: tuple[str, ...] = ("beads", "tmx", "csv", "jsonl", "findings", "report")
    export: ExportOptions = ExportOptions()
    workers: int | None = None  # None: the available cores
    restart: bool = False
    corpus: CorpusFilter = CorpusFilter()
    quiet: bool = True
    progress_interval: float = 5.0  # seconds between plain progress lines (stderr not a terminal)
    engine: str = "local"  # "local": worker processes on this machine; "ray": a Ray cluster
    address: str | None = None  # Ray: the cluster to join (default: start a local one)


def settings_digest(aligner: Aligner, settings: BatchSettings) -> str:
    """Everything that shapes one pair's outputs, as a digest."""
    srx = aligner.segmenter.srx
    srx_digest = _file_digest(Path(srx)) if srx else None
    described = {
        "version": __version__, "encoder": aligner.encoder.name, "aligner": aligner.config.as_dict(),
        "srx": srx_digest, "presegmented": aligner.presegmented, "encoding": aligner.encoding,
        "max_input_mb": aligner.max_input_mb, "force": aligner.force, "formats": list(settings.formats),
        "export": asdict(settings.export),
    }
    return hashlib.blake2b(json.dumps(described, sort_keys=True).encode(), digest_size=16).hexdigest()


def _file_digest(path: Path) -> str:
    """Digest of a regular file's bytes; a file that cannot be read gets a marker (the pair
    will fail when it is read, and is retried on the next run)."""
    try:
        if not path.is_file():
            return "not-a-file"
        digest = hashlib.blake2b(digest_size=16)
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def _input_digests(job: PairJob) -> tuple[str, str]:
    return _file_digest(job.src), _file_digest(job.tgt)


def job_key(job: PairJob, digest: str, inputs: tuple[str, str] | None = None) -> str:
    """The pair's key in the state: settings, name, languages and both files' bytes (`inputs`:
    their digests, when already taken)."""
    parts = [digest, job.name, job.src_lang, job.tgt_lang, *(inputs or _input_digests(job))]
    return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@cache
def code_digest() -> str:
    """Digest of the package's own files: a cached pair is only reused by the same code."""
    digest = hashlib.blake2b(digest_size=16)
    root = Path(__file__).parent
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".tsv", ".srx") and path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def content_key(job: PairJob, digest: str, inputs: tuple[str, str] | None = None) -> str:
    """What a pair's result depends on, its name apart: settings, code, languages, both files'
    bytes and kinds (the reader goes by the extension)."""
    parts = [digest, code_digest(), job.src_lang, job.tgt_lang, job.src.suffix.lower(), job.tgt.suffix.lower(),
             *(inputs or _input_digests(job))]
    return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# ---- per-pair results ---------------------------------------------------------------------

@dataclass
class PairResult:
    """What a finished (or failed) pair leaves: counts for the summary and the files written."""

    name: str
    key: str
    ok: bool
    reason: str = ""
    src: str = ""
    tgt: str = ""
    src_sentences: int = 0
    tgt_sentences: int = 0
    beads: int = 0
    pairs: int = 0
    severities: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    @property
    def sentences(self) -> int:
        return self.src_sentences + self.tgt_sentences


def record_path(out_dir: Path, stem: str) -> Path:
    return output_path(Path(out_dir) / STATE_DIR / "pairs", stem, ".json")


def pair_record(alignment: Alignment, key: str, findings: list[Finding]) -> dict[str, Any]:
    """A pair's result, compact (text and beads, no embeddings): what the combined files and
    the batch-level checks are built from."""
    from .check import finding_record

    return {
        "name": alignment.name, "key": key, "src_lang": alignment.src_lang, "tgt_lang": alignment.tgt_lang,
        "src_path": str(alignment.src_path or ""), "tgt_path": str(alignment.tgt_path or ""),
        "meta": alignment.meta,
        "src": [[s.text, s.paragraph, s.is_heading] for s in alignment.src],
        "tgt": [[t.text, t.paragraph, t.is_heading] for t in alignment.tgt],
        "beads": [[list(b.src), list(b.tgt), b.score] for b in alignment.beads],
        "findings": [finding_record(f) for f in findings],
    }


def alignment_from_record(record: dict[str, Any]) -> Alignment:
    sentences = [[Sentence(i, text, paragraph, bool(heading)) for i, (text, paragraph, heading)
                  in enumerate(record[side])] for side in ("src", "tgt")]
    return Alignment(record["name"], record["src_lang"], record["tgt_lang"], sentences[0], sentences[1],
                     [Bead(tuple(s), tuple(t), score) for s, t, score in record["beads"]],
                     Path(record["src_path"]) if record["src_path"] else None,
                     Path(record["tgt_path"]) if record["tgt_path"] else None, dict(record["meta"]))


def load_record(out_dir: Path, stem: str) -> dict[str, Any]:
    with open(record_path(out_dir, stem), encoding="utf-8") as handle:
        record: dict[str, Any] = json.load(handle)
    return record


def load_alignment(out_dir: str | Path, name: str) -> Alignment:
    """A finished pair of a batch, read back from its result (texts, beads, confidences)."""
    try:
        return alignment_from_record(load_record(Path(out_dir), safe_name(name)))
    except (OSError, ValueError, KeyError) as exc:
        raise AlignError(Path(out_dir), f"no finished pair '{name}' in this batch folder ({exc})") from None


# ---- the work of one group of pairs (in a worker, or in-process) ---------------------------

def run_unit(aligner: Aligner, jobs: list[tuple[PairJob, str]], out_dir: Path, settings: BatchSettings) -> list[PairResult]:
    """`iter_unit`'s results, in the order of `jobs`."""
    results = {result.name: result for result in iter_unit(aligner, jobs, out_dir, settings)}
    return [results[job.name] for job, _ in jobs]


def iter_unit(aligner: Aligner, jobs: list[tuple[PairJob, str]], out_dir: Path, settings: BatchSettings
              ) -> Iterator[PairResult]:
    """Align a small group of pairs: read and segment them all, encode every sentence in one
    call (the encoder sees a large batch), then align, check and write each pair's files and
    result, yielding each pair's result as soon as its files are in place. A failing pair
    is a failed result; the others go on."""
    from .pipeline import REPORT_FORMATS, _same_file, find_discrepancies, write_outputs

    results = pair_cache(aligner.encoder)
    prepared = []
    for job, key in jobs:
        base = PairResult(job.name, key, False, src=str(job.src), tgt=str(job.tgt))
        reused = _reuse(job, base, out_dir, settings, results)
        if reused is not None:
            yield reused
            continue
        try:
            pair_aligner = aligner if (job.src_lang, job.tgt_lang) == (aligner.src_lang, aligner.tgt_lang) \
                else replace(aligner, src_lang=job.src_lang, tgt_lang=job.tgt_lang)
            if _same_file(job.src, job.tgt):
                raise AlignError(job.tgt, "is the source file itself; give the translation as the target")
            src_doc, src = pair_aligner.sentences(job.src, job.src_lang)
            tgt_doc, tgt = pair_aligner.sentences(job.tgt, job.tgt_lang)
            pair_aligner.check_languages(src, tgt, job.name)
            prepared.append((job, base, pair_aligner, src_doc, src, tgt_doc, tgt))
        except Exception as exc:  # noqa: BLE001 - one bad pair must not stop the batch
            yield replace(base, reason=_reason(exc))
    vectors = None
    if prepared:
        texts = [s.text for *_, src, _, tgt in prepared for s in (*src, *tgt)]
        try:
            vectors = encode_texts(aligner.encoder, texts)
        except Exception as exc:  # noqa: BLE001
            for job, base, *_ in prepared:
                yield replace(base, reason=_reason(exc))
            prepared = []
    offset = 0
    report = [f for f in settings.formats if f in REPORT_FORMATS]
    for job, base, pair_aligner, src_doc, src, tgt_doc, tgt in prepared:
        assert vectors is not None  # encoded, or nothing is left prepared
        src_emb = vectors[offset:offset + len(src)]
        tgt_emb = vectors[offset + len(src):offset + len(src) + len(tgt)]
        offset += len(src) + len(tgt)
        try:
            alignment = pair_aligner.align_embedded(src, tgt, src_emb, tgt_emb, job.name)
            alignment.src_path, alignment.tgt_path = src_doc.path, tgt_doc.path
            findings = find_discrepancies(alignment) if report else []
            written = write_outputs(alignment, out_dir, settings.formats, settings.export, findings)
            record = {**pair_record(alignment, base.key, findings), "content": job.content}
            with atomic_writer(record_path(out_dir, job.stem)) as handle:
                handle.write(json.dumps(record, ensure_ascii=False))  # the C encoder: json.dump streams in Python
            if results is not None and job.content:
                results.put(job.content, record)
            result = _finished(base, alignment, findings, written)
        except Exception as exc:  # noqa: BLE001
            result = replace(base, reason=_reason(exc))
        yield result


def _finished(base: PairResult, alignment: Alignment, findings: list[Finding], written: list[Path]) -> PairResult:
    return replace(base, ok=True, src_sentences=len(alignment.src), tgt_sentences=len(alignment.tgt),
                   beads=len(alignment.beads), pairs=sum(b.is_pair for b in alignment.beads),
                   severities=dict(Counter(f.severity for f in findings)), files=[p.name for p in written])


def _reuse(job: PairJob, base: PairResult, out_dir: Path, settings: BatchSettings,
           results: PairCache | None) -> PairResult | None:
    """The pair written from the result of its content aligned before (by the pair of this
    batch it copies, or found in the cache); None when there is none, or it cannot be used."""
    if not job.content:
        return None
    record = None
    if job.copy_of:
        try:
            record = load_record(out_dir, job.copy_of)
        except (OSError, ValueError):
            pass
        if record is not None and record.get("content") != job.content:
            record = None  # left by an earlier run, from other input
    if record is None and results is not None:
        record = results.get(job.content)
    if record is None:
        return None
    try:
        return _write_from(record, job, base, out_dir, settings)
    except Exception:  # noqa: BLE001 - whatever is wrong with the stored result: align afresh
        return None


def _write_from(record: dict[str, Any], job: PairJob, base: PairResult, out_dir: Path,
                settings: BatchSettings) -> PairResult:
    """Write a pair's files and result from another pair's result with the same content."""
    from .check import finding_from_record, finding_record
    from .pipeline import REPORT_FORMATS, write_outputs

    record = {**record, "name": job.name, "key": base.key, "src_path": str(job.src), "tgt_path": str(job.tgt)}
    alignment = alignment_from_record(record)
    findings = [replace(finding_from_record(r), document=job.name) for r in record["findings"]]
    if not any(f in REPORT_FORMATS for f in settings.formats):
        findings = []
    record["findings"] = [finding_record(f) for f in findings]
    written = write_outputs(alignment, out_dir, settings.formats, settings.export, findings)
    with atomic_writer(record_path(out_dir, job.stem)) as handle:
        handle.write(json.dumps(record, ensure_ascii=False))  # the C encoder: json.dump streams in Python
    return _finished(base, alignment, findings, written)


def _failed(unit: list[tuple[PairJob, str]], reason: str) -> list[PairResult]:
    """Every pair of a group that could not run, failed with one reason."""
    return [PairResult(job.name, key, False, reason, str(job.src), str(job.tgt)) for job, key in unit]


def _reason(exc: BaseException) -> str:
    if isinstance(exc, AlignError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "out of memory"
    return f"internal error: {type(exc).__name__}: {exc}"


_WORKER: dict[str, Aligner] = {}


def _worker_init(aligner: Aligner, threads: int, parent: int | None = None) -> None:
    from threadpoolctl import threadpool_limits

    # SIGTERM (the batch stopping) unwinds like Ctrl-C, so a pair's staging folder is removed.
    try:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    except ValueError:  # not the main thread (a Ray actor): Ray stops its workers itself
        pass
    threadpool_limits(threads)
    limit_threads(aligner.encoder, threads)
    _WORKER["aligner"] = aligner
    _watch_parent(parent)


def _watch_parent(parent: int | None = None) -> None:
    """Stop this worker when the batch process `parent` is gone (killed with -9, crashed): an
    orphan would otherwise wait for work forever. The batch passes its own pid: a worker still
    starting up when the batch was killed already has another parent, and would take that one
    for the batch. (None: the parent now, for a Ray actor, whose parent is Ray's.)"""
    import threading

    parent = os.getppid() if parent is None else parent

    main = threading.main_thread().ident
    assert main is not None  # set once a thread has started, as the main thread has

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        # to the main thread itself (a signal sent to the process may land on this thread):
        # the pair in hand unwinds and removes its staging folder ...
        signal.pthread_kill(main, signal.SIGTERM)
        # ... and then the process ends, although the pool catches even SystemExit in a task
        time.sleep(3)
        os._exit(143)

    threading.Thread(target=watch, daemon=True, name="align-parent-watch").start()


def _worker_run(jobs: list[tuple[PairJob, str]], out_dir: Path, settings: BatchSettings) -> list[PairResult]:
    return run_unit(_WORKER["aligner"], jobs, out_dir, settings)


def group_jobs(jobs: list[tuple[PairJob, str]], workers: int) -> list[list[tuple[PairJob, str]]]:
    """Groups of pairs encoded together: about UNIT_BYTES of input each, and enough groups
    to keep every worker busy (at least four per worker when there are pairs enough)."""
    most = max(1, min(UNIT_PAIRS, -(-len(jobs) // max(1, 4 * workers)))) if workers > 1 else UNIT_PAIRS
    units: list[list[tuple[PairJob, str]]] = []
    size = 0
    for job in jobs:
        try:
            bytes_ = job[0].src.stat().st_size + job[0].tgt.stat().st_size
        except OSError:
            bytes_ = 0
        if not units or len(units[-1]) >= most or size + bytes_ > UNIT_BYTES:
            units.append([])
            size = 0
        units[-1].append(job)
        size += bytes_
    return units


# ---- progress -----------------------------------------------------------------------------

def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class Progress:
    """A live bar on a terminal (tqdm); elsewhere one plain line every `interval` seconds and
    one at the end; nothing when quiet."""

    def __init__(self, total: int, done: int, quiet: bool, interval: float = 5.0, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total, self.done, self.failed, self.sentences = total, done, 0, 0
        self.first = done
        self.interval = interval
        self.start = self.last = time.monotonic()
        self.quiet = quiet
        self.bar: tqdm[Any] | None = None
        if not quiet and getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=done, unit="pair", file=self.stream, dynamic_ncols=True,
                            smoothing=0.1)

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.start, 1e-9)
        rate = self.sentences / elapsed
        now = self.done - self.first
        eta = (self.total - self.done) * elapsed / now if now else None
        text = f"{self.done}/{self.total} pairs, {rate:.0f} sent/s, ETA {_duration(eta) if eta is not None else '?'}"
        return text + (f", {self.failed} failed" if self.failed else "")

    def update(self, result: PairResult) -> None:
        self.done += 1
        self.failed += not result.ok
        self.sentences += result.sentences
        if self.quiet:
            return
        if self.bar is not None:
            elapsed = max(time.monotonic() - self.start, 1e-9)
            self.bar.set_postfix_str(f"{self.sentences / elapsed:.0f} sent/s, {self.failed} failed", refresh=False)
            self.bar.update(1)
        elif time.monotonic() - self.last >= self.interval:
            self.last = time.monotonic()
            print(self.line(), file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif not self.quiet and self.done > self.first:
            print(self.line(), file=self.stream, flush=True)


# ---- state --------------------------------------------------------------------------------

class BatchState:
    """The output folder's state: which pairs are finished (under which key). Appending one
    line per pair survives kill -9: a torn last line is ignored on reading."""

    def __init__(self, out_dir: Path) -> None:
        self.folder = Path(out_dir) / STATE_DIR
        self.path = self.folder / "state.jsonl"
        self.final_path = self.folder / "final.json"
        self._lock: IO[str] | None = None

    def lock(self) -> None:
        """One batch at a time per output folder."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.folder / "lock", "w")  # noqa: SIM115 - kept open: the lock lasts while it is
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise AlignError(self.folder.parent, "another align batch is writing to this output folder") from None

    def reset(self) -> None:
        for path in (self.path, self.final_path):
            path.unlink(missing_ok=True)
        shutil.rmtree(self.folder / "pairs", ignore_errors=True)

    def finished(self) -> dict[str, PairResult]:
        done: dict[str, PairResult] = {}
        if not self.path.exists():
            return done
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    data = json.loads(line)
                    done[data["name"]] = PairResult(**data)
                except (ValueError, TypeError, KeyError):
                    continue  # a line torn by a kill
        return done

    def add(self, result: PairResult) -> None:
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")

    def final(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self.final_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data

    def set_final(self, data: dict[str, Any]) -> None:
        with atomic_writer(self.final_path) as handle:
            json.dump(data, handle, ensure_ascii=False)


def _remove_stale_staging(out_dir: Path) -> None:
    """Staging folders a killed run left behind (kill -9 runs no cleanup)."""
    for path in out_dir.glob(".align-staging-*"):
        shutil.rmtree(path, ignore_errors=True)


# ---- the batch ----------------------------------------------------------------------------

@dataclass
class BatchSummary:
    pairs: list[PairResult]  # finished pairs, in plan order (this run's and earlier runs')
    failed: list[Failure]
    unpaired: list[Path]
    written: list[Path]
    aligned: int = 0  # pairs aligned by this run
    skipped: int = 0  # pairs already finished by an earlier run
    corpus: CorpusStats = field(default_factory=CorpusStats)
    severities: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    out_dir: Path | None = None

    @property
    def sentences(self) -> int:
        return sum(p.sentences for p in self.pairs)

    def alignments(self) -> Iterator[Alignment]:
        """The finished pairs read back from the batch folder, one at a time."""
        for pair in self.pairs:
            if self.out_dir is None:
                raise TypeError("this BatchSummary has no out_dir to read the pairs from")
            yield load_alignment(self.out_dir, pair.name)


def run_batch(aligner: Aligner, source: str | Path, out_dir: str | Path, settings: BatchSettings = BatchSettings(),
              plan: BatchPlan | None = None) -> BatchSummary:
    """Align every pair of `source` (a folder or a manifest) into `out_dir`; see the module
    docstring for the layout and how a rerun resumes."""
    from .pipeline import check_formats

    started = time.monotonic()
    settings = replace(settings, formats=tuple(check_formats(list(settings.formats))))
    plan = plan or plan_batch(source, aligner.src_lang, aligner.tgt_lang)
    if not plan.jobs and not plan.failures:
        raise AlignError(Path(source), f"no document pairs found (expected NAME.{aligner.src_lang}.EXT + "
                                       f"NAME.{aligner.tgt_lang}.EXT or {aligner.src_lang}/ + "
                                       f"{aligner.tgt_lang}/, or a manifest)")
    out_dir = Path(out_dir)
    state = BatchState(out_dir)
    state.lock()
    _remove_stale_staging(out_dir)
    if settings.restart:
        state.reset()
    digest = settings_digest(aligner, settings)
    inputs = {job.name: _input_digests(job) for job in plan.jobs}  # each file read once
    keyed = [(job, job_key(job, digest, inputs[job.name])) for job in plan.jobs]
    earlier = state.finished()
    done: dict[str, PairResult] = {}
    for job, key in keyed:
        previous = earlier.get(job.name)
        if previous is not None and previous.key == key and previous.ok and record_path(out_dir, job.stem).exists():
            done[job.name] = previous
    pending = [(job, key) for job, key in keyed if job.name not in done]
    # Pairs with the same content: the first is aligned, the others are written from it after.
    first: dict[str, str] = {}
    primaries, copies = [], []
    for job, key in pending:
        content = content_key(job, digest, inputs[job.name])
        if content in first:
            copies.append((replace(job, content=content, copy_of=first[content]), key))
        else:
            first[content] = job.stem
            primaries.append((replace(job, content=content), key))
    skipped = len(done)
    failures = list(plan.failures)
    if settings.engine not in ENGINES:
        raise AlignError(None, f"unknown engine '{settings.engine}'; choose from {', '.join(ENGINES)}")
    workers = max(1, min(settings.workers or available_cores(), available_cores(), len(pending) or 1))
    progress = Progress(len(keyed), skipped, settings.quiet, settings.progress_interval)
    try:
        if settings.engine == "ray":
            workers = settings.workers or 0  # 0: as many as the cluster has cores
        for phase in (primaries, copies):
            units = group_jobs(phase, max(workers, 4) if settings.engine == "ray" else workers)
            for result in ENGINES[settings.engine](aligner, units, out_dir, settings, workers):
                if result.ok:
                    state.add(result)
                    done[result.name] = result
                else:
                    failures.append(Failure(result.name, result.src, result.tgt, result.reason))
                progress.update(result)
    finally:
        progress.close()
    finished = [done[job.name] for job, _ in keyed if job.name in done]
    summary = BatchSummary(finished, failures, plan.unpaired, [], len(finished) - skipped, skipped,
                           out_dir=out_dir)
    summary.written, summary.corpus, summary.severities = finish_batch(
        out_dir, [(job, done[job.name]) for job, _ in keyed if job.name in done], failures, settings, state)
    summary.seconds = time.monotonic() - started
    return summary


def _execute(aligner: Aligner, units: list[list[tuple[PairJob, str]]], out_dir: Path, settings: BatchSettings,
             workers: int) -> Iterator[PairResult]:
    """Run the groups of pairs, in-process for one worker, else in a pool of processes; yield
    each pair's result as its group finishes."""
    if not units:
        return
    if workers <= 1 or len(units) == 1:
        for unit in units:
            yield from iter_unit(aligner, unit, out_dir, settings)
        return
    import multiprocessing

    threads = max(1, available_cores() // workers)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init, initargs=(aligner, threads, os.getpid()))
    try:
        futures: dict[Future[list[PairResult]], list[tuple[PairJob, str]]] = {
            pool.submit(_worker_run, unit, out_dir, settings): unit for unit in units}
        remaining = set(futures)
        while remaining:
            finished, remaining = wait(remaining, return_when=FIRST_COMPLETED)
            for future in finished:
                try:
                    results = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker that died (killed, out of memory)
                    results = _failed(futures[future], f"worker process failed ({type(exc).__name__}: {exc})")
                yield from results
        pool.shutdown()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()  # SIGTERM: each removes its staging folder
        raise


def _execute_ray(aligner: Aligner, units: list[list[tuple[PairJob, str]]], out_dir: Path, settings: BatchSettings,
                 workers: int) -> Iterator[PairResult]:
    """Run the groups of pairs on a Ray cluster (`settings.address`, or a local one started
    here): each is a task for one of `workers` actors, which keep the encoder loaded. The
    actors write into `out_dir`, so on a cluster it must be a folder every node sees."""
    if not units:
        return
    try:
        import ray
    except ImportError:
        raise AlignError(None, "--engine ray needs Ray: pip install 'align-translations[ray]'") from None
    import logging

    started_here = not ray.is_initialized()
    if started_here:
        try:
            ray.init(address=settings.address, include_dashboard=False, log_to_driver=False,
                     logging_level=logging.WARNING, num_cpus=None if settings.address else available_cores())
        except Exception as exc:  # noqa: BLE001 - no cluster at that address, ...
            raise AlignError(None, f"cannot start or join the Ray cluster ({exc})") from None
    try:
        cores = int(ray.cluster_resources().get("CPU", 1))
        count = max(1, min(workers or cores, cores, len(units)))
        threads = max(1, cores // count) if not settings.address else 1
        actor = ray.remote(num_cpus=threads)(_RayWorker)
        # Ray's handles are dynamic proxies (`handle.run.remote(...)`), and so are its object refs
        actors: list[Any] = [actor.remote(aligner, threads) for _ in range(count)]
        queue = list(reversed(units))
        running: dict[Any, tuple[Any, list[tuple[PairJob, str]]]] = {}
        for worker in actors:
            if queue:
                unit = queue.pop()
                running[worker.run.remote(unit, out_dir, settings)] = (worker, unit)
        while running:
            ready, _ = ray.wait(list(running), num_returns=1)
            worker, unit = running.pop(ready[0])
            try:
                results = ray.get(ready[0])
            except Exception as exc:  # noqa: BLE001 - an actor that died
                results = _failed(unit, f"Ray worker failed ({type(exc).__name__}: {exc})")
            if queue:
                next_unit = queue.pop()
                running[worker.run.remote(next_unit, out_dir, settings)] = (worker, next_unit)
            yield from results
    finally:
        if started_here:
            ray.shutdown()


class _RayWorker:
    """A Ray actor: one loaded aligner (encoder included), many groups of pairs."""

    def __init__(self, aligner: Aligner, threads: int) -> None:
        _worker_init(aligner, threads)

    def run(self, jobs: list[tuple[PairJob, str]], out_dir: Path, settings: BatchSettings) -> list[PairResult]:
        return _worker_run(jobs, out_dir, settings)


ENGINES = {"local": _execute, "ray": _execute_ray}


# ---- the combined files -------------------------------------------------------------------

def finish_batch(out_dir: Path, done: list[tuple[PairJob, PairResult]], failures: list[Failure],
                 settings: BatchSettings, state: BatchState) -> tuple[list[Path], CorpusStats, dict[str, int]]:
    """Build the combined files from the per-pair results (in plan order): corpus.*, the
    batch-level checks (which may add findings to a pair's own files), findings.*,
    findings-summary.csv, index.html and failures.csv. Skipped when nothing changed since
    the last time they were built."""
    from .batch_index import render_index
    from .check import corpus_checks, finding_from_record, summary_row, write_summary_rows
    from .pipeline import REPORT_FORMATS, write_outputs

    final_key = hashlib.blake2b(json.dumps({
        "pairs": [[job.name, result.key] for job, result in done],
        "failures": [asdict(f) for f in failures], "formats": list(settings.formats),
        "export": asdict(settings.export), "corpus": asdict(settings.corpus)}, sort_keys=True).encode(),
        digest_size=16).hexdigest()
    previous = state.final()
    per_pair_files = [out_dir / name for _, result in done for name in result.files]
    if previous.get("key") == final_key and all((out_dir / n).exists() for n in previous.get("files", [])):
        return (per_pair_files + [out_dir / n for n in previous["files"]], CorpusStats(**previous["corpus"]),
                previous["severities"])

    def records() -> Iterator[tuple[PairJob, dict[str, Any]]]:
        for job, _ in done:
            yield job, load_record(out_dir, job.stem)

    report = [f for f in settings.formats if f in REPORT_FORMATS]
    checks = corpus_checks() if report else []
    counts: Counter[bytes] | None = None
    if checks or not settings.corpus.keep_duplicates:
        counts = Counter()
        for _, record in records():
            alignment = alignment_from_record(record)
            for check in checks:
                check.observe(alignment)
            if not settings.corpus.keep_duplicates:
                counts.update(count_units([alignment], settings.corpus))
    batch_findings: dict[str, list[Finding]] = {}
    for check in checks:
        for finding in check.findings():
            batch_findings.setdefault(finding.document, []).append(finding)

    held = previous.get("held", {})  # name -> [record key, digest of the findings its files hold]
    new_held: dict[str, list[str]] = {}
    severities: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    written: list[Path] = []
    with staged_set(out_dir) as stage, _FindingsFiles(stage if "findings" in report else None) as combined:

        def alignments() -> Iterator[Alignment]:
            for job, record in records():
                alignment = alignment_from_record(record)
                if report:
                    own = [finding_from_record(r) for r in record["findings"]]
                    merged = sorted(own + batch_findings.get(alignment.name, []), key=lambda f: f.bead)
                    digest = _findings_digest(merged)
                    holds = held.get(job.name)
                    current = holds[1] if holds and holds[0] == record["key"] else _findings_digest(own)
                    if digest != current:  # the batch-level checks changed what this pair's files say
                        write_outputs(alignment, out_dir, report, settings.export, merged)
                    new_held[job.name] = [record["key"], digest]
                    severities.update(f.severity for f in merged)
                    rows.append(summary_row(alignment, merged))
                    combined.add(merged)
                yield alignment

        stats = write_corpus(alignments, stage, settings.formats, settings.export, settings.corpus, counts)
        if not stats.files:  # no corpus format: the findings still need their pass
            for _ in alignments():
                pass
        written += [out_dir / p.name for p in stats.files]
        written += [out_dir / p.name for p in combined.paths]
        if "findings" in report:
            write_summary_rows(rows, output_path(stage, "findings-summary", ".csv", combined=True))
            written.append(out_dir / "findings-summary.csv")
        if report:
            index = output_path(stage, "index", ".html", combined=True)
            index.write_text(render_index(rows, failures, "report" in settings.formats), encoding="utf-8")
            written.append(out_dir / index.name)
        if failures:
            with open(output_path(stage, "failures", ".csv", combined=True), "w", encoding="utf-8",
                      newline="") as handle:
                writer = csv.writer(handle, lineterminator="\r\n")
                writer.writerow(FAILURE_FIELDS)
                writer.writerows([printable(f.name), printable(f.src), printable(f.tgt), f.reason]
                                 for f in failures)
            written.append(out_dir / "failures.csv")
    if not failures:
        (out_dir / "failures.csv").unlink(missing_ok=True)  # from an earlier run: those pairs now pass
    stats.files = []
    state.set_final({"key": final_key, "files": [p.name for p in written], "corpus": asdict(stats),
                     "severities": dict(severities), "held": new_held})
    return per_pair_files + written, stats, dict(severities)


class _FindingsFiles:
    """findings.csv and findings.jsonl of the whole batch, written as the pairs go by."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.paths: list[Path] = []
        self.handles: list[IO[str]] = []

    def __enter__(self) -> Self:
        from .check import FINDING_FIELDS

        if self.folder is not None:
            self.paths = [output_path(self.folder, "findings", suffix, combined=True) for suffix in (".csv", ".jsonl")]
            self.handles = [open(path, "w", encoding="utf-8", newline="") for path in self.paths]  # noqa: SIM115 - closed in __exit__
            self.csv = csv.writer(self.handles[0], lineterminator="\r\n")
            self.csv.writerow(FINDING_FIELDS)
        return self

    def add(self, findings: list[Finding]) -> None:
        from .check import finding_csv_row, finding_record, ranked

        if self.handles:
            findings = ranked(findings)  # within each pair, most likely right first
            self.csv.writerows(finding_csv_row(f) for f in findings)
            self.handles[1].write("".join(json.dumps(finding_record(f), ensure_ascii=False) + "\n" for f in findings))

    def __exit__(self, *exc: object) -> None:
        for handle in self.handles:
            handle.close()


def _findings_digest(findings: Iterable[Finding]) -> str:
    from .check import finding_record

    text = json.dumps([finding_record(f) for f in findings], sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
