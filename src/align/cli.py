"""Command line: a thin layer over align.pipeline. Expected failures: one line, exit code 2."""

from __future__ import annotations

import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import AlignError

if TYPE_CHECKING:  # the commands import what they need when they run, to start quickly
    from .export import ExportOptions
    from .model import Finding
    from .pipeline import Aligner

_F = TypeVar("_F", bound=Callable[..., Any])  # a function that click decorates

FORMATS_HELP = "comma-separated subset of beads,tmx,csv,jsonl,findings,report (default: all)"


class Terminated(BaseException):
    """SIGTERM, raised where the process is, so that partial outputs are cleaned up."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


class AlignGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        signal.signal(signal.SIGTERM, _terminate)
        try:
            return super().invoke(ctx)
        except AlignError as exc:
            click.echo(f"align: error: {exc}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("align: interrupted", err=True)
            ctx.exit(130)
        except Terminated:
            click.echo("align: terminated", err=True)
            ctx.exit(143)


def _ensure_writable(folder: Path) -> None:
    """Fail before any work if the output folder cannot be created or written."""
    if folder.exists() and not folder.is_dir():
        raise AlignError(folder, "output folder is a file; give a folder (it is created if missing)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise AlignError(folder, f"cannot write output folder ({exc.strerror or exc})") from None


def _export_options(tmx_langs: str | None, src_lang: str, tgt_lang: str) -> ExportOptions:
    from .export import ExportOptions
    from .languages import base_language

    if not tmx_langs:
        return ExportOptions()
    parts = [p.strip() for p in tmx_langs.split(",")]
    if len(parts) != 2 or not all(parts):
        raise AlignError(None, f"--tmx-langs needs two codes like en-US,de-DE, got '{tmx_langs}'")
    for code, lang in zip(parts, (src_lang, tgt_lang)):
        if base_language(code) != base_language(lang):
            raise AlignError(None, f"--tmx-langs code '{code}' does not match the document language '{lang}'")
    return ExportOptions(src_lang_code=parts[0], tgt_lang_code=parts[1])


def _make_aligner(src_lang: str, tgt_lang: str, encoder: str, cache_dir: str | None, no_cache: bool, srx: str | None,
                  presegmented: bool, device: str | None, encoding: str | None = None,
                  max_input_mb: float | None = None, force: bool = False, batch_size: int | None = None) -> Aligner:
    from .embed import make_encoder
    from .pipeline import Aligner
    from .segment import SrxSegmenter

    return Aligner(
        src_lang=src_lang, tgt_lang=tgt_lang,
        encoder=make_encoder(encoder, Path(cache_dir) if cache_dir else None, not no_cache, device, batch_size),
        segmenter=SrxSegmenter(srx), presegmented=presegmented, encoding=encoding, max_input_mb=max_input_mb,
        force=force,
    )


def encoder_options(func: _F) -> _F:
    options = [
        click.option("--encoder", default="use", show_default=True,
                     help="'use' (embedded, offline) or 'st:MODEL' (sentence-transformers hub name or folder)"),
        click.option("--device", default=None, help="device for st: models (cpu, cuda); default: a GPU when present"),
        click.option("--batch-size", type=click.IntRange(min=1), default=None,
                     help="sentences per encoder batch for st: models (default: 64)"),
        click.option("--cache-dir", type=click.Path(), default=None,
                     help="embedding cache folder (default: ~/.cache/align or $ALIGN_CACHE_DIR)"),
        click.option("--no-cache", is_flag=True, help="do not read or write the embedding cache"),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def aligner_options(func: _F) -> _F:
    options = [
        click.option("--src-lang", default="en", show_default=True, help="source language code"),
        click.option("--tgt-lang", default="de", show_default=True, help="target language code"),
        encoder_options,
        click.option("--srx", type=click.Path(), default=None,
                     help="SRX 2.0 segmentation rules (default: LanguageTool's rules)"),
        click.option("--presegmented", is_flag=True, help="inputs are one sentence per line: no splitting"),
        click.option("--encoding", default=None,
                     help="encoding of the input files (default: UTF-8, or UTF-16/32 with a byte-order mark)"),
        click.option("--max-input-mb", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="refuse input files larger than this (default: 50)"),
        click.option("--force", is_flag=True,
                     help="align even two texts that do not look like translations of each other"),
        click.option("-o", "--out", "out_dir", required=True, type=click.Path(),
                     help="output folder"),
        click.option("--formats", default="beads,tmx,csv,jsonl,findings,report", show_default=True,
                     help=FORMATS_HELP),
        click.option("--tmx-langs", default=None, help="xml:lang codes for TMX/JSONL, e.g. en-US,de-DE"),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _print_findings(name: str, findings: Sequence[Finding]) -> None:
    from collections import Counter

    counts = Counter(f.severity for f in findings)
    if findings:
        click.echo(f"  {name}: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} info")


@click.group(cls=AlignGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="align")
def main() -> None:
    """Align translated documents sentence by sentence and export parallel corpora."""


@main.command()
@click.argument("src", type=click.Path(dir_okay=True))
@click.argument("tgt", type=click.Path(dir_okay=True))
@click.option("--name", default=None, help="name of the outputs (default: SRC's file name up to its first dot)")
@aligner_options
def pair(src: str, tgt: str, name: str | None, src_lang: str, tgt_lang: str, encoder: str, device: str | None,
         batch_size: int | None, cache_dir: str | None, no_cache: bool, srx: str | None, presegmented: bool,
         encoding: str | None, max_input_mb: float | None, force: bool, out_dir: str, formats: str,
         tmx_langs: str | None) -> None:
    """Align one document pair SRC / TGT and write NAME.beads/.tmx/.csv/.jsonl into OUT."""
    from .pipeline import REPORT_FORMATS, check_formats, find_discrepancies, write_outputs

    chosen = check_formats(formats.split(","))
    options = _export_options(tmx_langs, src_lang, tgt_lang)
    aligner = _make_aligner(src_lang, tgt_lang, encoder, cache_dir, no_cache, srx, presegmented, device,
                            encoding, max_input_mb, force, batch_size)
    _ensure_writable(Path(out_dir))
    alignment = aligner.align_files(src, tgt, name)
    findings = (find_discrepancies(alignment, aligner.encoder) if any(f in REPORT_FORMATS for f in chosen)
                else None)
    written = write_outputs(alignment, Path(out_dir), chosen, options, findings)
    shapes: dict[str, int] = {}
    for bead in alignment.beads:
        shapes[bead.shape] = shapes.get(bead.shape, 0) + 1
    summary = ", ".join(f"{k} x{v}" for k, v in sorted(shapes.items(), key=lambda kv: -kv[1]))
    click.echo(f"{alignment.name}: {len(alignment.src)} {src_lang} / {len(alignment.tgt)} {tgt_lang} sentences, "
               f"{len(alignment.beads)} beads ({summary})")
    if findings is not None:
        _print_findings("findings", findings)
    for path in written:
        click.echo(f"  wrote {path}")


@main.command()
@click.argument("source", type=click.Path(allow_dash=True))
@aligner_options
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="parallel workers: local processes (default and at most: the available cores), or Ray actors "
                   "(default: one per cluster core)")
@click.option("--restart", is_flag=True, help="ignore the state of an earlier run into OUT and redo every pair")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="leave pairs below this confidence out of the combined corpus (each pair's files keep them)")
@click.option("--keep-duplicates", is_flag=True,
              help="keep identical TUs in the combined corpus (default: once, with their count)")
@click.option("-q", "--quiet", is_flag=True, help="no progress and no per-pair lines, only the summary")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: worker processes on this machine; ray: a Ray cluster (pip install 'align-translations[ray]')")
@click.option("--address", default=None,
              help="Ray cluster to join, e.g. auto or HOST:6379 (default: start a local one)")
def batch(source: str, src_lang: str, tgt_lang: str, encoder: str, device: str | None, batch_size: int | None,
          cache_dir: str | None, no_cache: bool, srx: str | None, presegmented: bool, encoding: str | None,
          max_input_mb: float | None, force: bool, out_dir: str, formats: str, tmx_langs: str | None,
          workers: int | None, restart: bool, min_score: float | None, keep_duplicates: bool, quiet: bool,
          engine: str, address: str | None) -> None:
    """Align every pair in SOURCE: a folder (NAME.en.EXT + NAME.de.EXT, or en/NAME.EXT +
    de/NAME.EXT), or a manifest (.csv/.tsv with columns src,tgt[,name,src_lang,tgt_lang];
    - reads it from stdin). A rerun into the same OUT continues where the last one stopped."""
    from .batch import BatchSettings, plan_batch, printable, run_batch
    from .corpus import CorpusFilter
    from .pipeline import check_formats

    chosen = check_formats(formats.split(","))
    options = _export_options(tmx_langs, src_lang, tgt_lang)
    aligner = _make_aligner(src_lang, tgt_lang, encoder, cache_dir, no_cache, srx, presegmented, device,
                            encoding, max_input_mb, force, batch_size)
    plan = plan_batch(source, src_lang, tgt_lang)
    _ensure_writable(Path(out_dir))
    settings = BatchSettings(formats=tuple(chosen), export=options, workers=workers, restart=restart,
                             corpus=CorpusFilter(keep_duplicates, min_score), quiet=quiet, engine=engine,
                             address=address)
    result = run_batch(aligner, source, Path(out_dir), settings, plan)
    if not quiet:
        for failure in result.failed:
            click.echo(f"align: failed pair {failure.name}: {failure.reason}", err=True)
        for path in result.unpaired:
            click.echo(f"align: no partner for {printable(path)}", err=True)
    severities = result.severities
    corpus = result.corpus
    removed = []
    if corpus.duplicates:
        removed.append(f"{corpus.duplicates} duplicates")
    if corpus.below_min_score:
        removed.append(f"{corpus.below_min_score} below --min-score")
    click.echo(f"{len(result.pairs)} pairs aligned ({result.aligned} now, {result.skipped} already done), "
               f"{len(result.failed)} failed, {len(result.unpaired)} files unpaired; "
               f"{result.sentences} sentences; {corpus.units} TUs in the combined corpus"
               + (f" ({', '.join(removed)} left out)" if removed else "")
               + f"; findings: {severities.get('error', 0)} errors, {severities.get('warning', 0)} warnings, "
                 f"{severities.get('info', 0)} info; {result.seconds:.1f} s; output in {out_dir}")
    if result.failed:
        click.echo(f"  failures listed in {Path(out_dir) / 'failures.csv'}", err=True)
        sys.exit(1)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--src-lang", default=None, help="source language (default: the TMX header's srclang; en for CSV)")
@click.option("--tgt-lang", default=None, help="target language (default: the other language in the TMX; de for CSV)")
@encoder_options
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(), help="output folder")
@click.option("--formats", default="findings,report", show_default=True, help="findings and/or report")
def check(files: tuple[str, ...], src_lang: str | None, tgt_lang: str | None, encoder: str, device: str | None,
          batch_size: int | None, cache_dir: str | None, no_cache: bool, out_dir: str, formats: str) -> None:
    """Check existing translation memories (TMX, or CSV in align's layout) without aligning:
    write NAME.findings.csv/.jsonl and NAME.report.html for each document in them."""
    from .embed import encoder_languages, make_encoder
    from .languages import check_languages
    from .pipeline import (
        REPORT_FORMATS,
        check_formats,
        corpus_findings,
        embed_and_score,
        write_combined_findings,
        write_outputs,
    )
    from .tm_read import read_translation_memory

    chosen = check_formats(formats.split(","))
    if any(f not in REPORT_FORMATS for f in chosen):
        raise AlignError(None, "align check writes only the formats findings and report")
    enc = make_encoder(encoder, Path(cache_dir) if cache_dir else None, not no_cache, device, batch_size)
    _ensure_writable(Path(out_dir))
    alignments = []
    for file in files:
        for alignment in read_translation_memory(Path(file), src_lang, tgt_lang):
            check_languages([alignment.src_lang, alignment.tgt_lang], encoder_languages(enc), enc.name)
            alignments.append(embed_and_score(alignment, enc))
    findings = corpus_findings(alignments, enc)
    written = []
    for alignment in alignments:
        written += write_outputs(alignment, Path(out_dir), chosen, findings=findings[alignment.name])
        click.echo(f"{alignment.name}: {len(alignment.beads)} units ({alignment.src_lang} -> {alignment.tgt_lang})")
        _print_findings("findings", findings[alignment.name])
    if len(alignments) > 1 and "findings" in chosen:
        written += write_combined_findings(alignments, findings, Path(out_dir))
    for path in written:
        click.echo(f"  wrote {path}")


@main.command()
@click.argument("file", type=click.Path())
@click.option("--lang", default="en", show_default=True, help="language code of the document")
@click.option("--srx", type=click.Path(), default=None, help="SRX 2.0 segmentation rules")
@click.option("--presegmented", is_flag=True, help="one sentence per line: print as read")
def segment(file: str, lang: str, srx: str | None, presegmented: bool) -> None:
    """Print the sentences of FILE, one per line."""
    from .languages import base_language
    from .read import read_document
    from .segment import SrxSegmenter

    base_language(lang)
    for sentence in SrxSegmenter(srx).segment(read_document(file, lang, presegmented)):
        click.echo(sentence.text)


@main.command(name="eval")
@click.argument("files", nargs=-1, required=True, type=click.Path())
def evaluate(files: tuple[str, ...]) -> None:
    """Score bead files: align eval GOLD TEST [GOLD TEST ...] (strict and lax P / R / F1)."""
    from .evaluate import score_alignments
    from .export import read_beads

    if len(files) % 2:
        raise AlignError(None, "eval takes pairs of files: GOLD TEST [GOLD TEST ...]")
    pairs = [(read_beads(Path(g)), read_beads(Path(t))) for g, t in zip(files[::2], files[1::2])]
    scores = score_alignments(pairs)
    click.echo(f"{'':8}{'precision':>10}{'recall':>10}{'F1':>10}")
    for kind in ("strict", "lax"):
        p, r, f = (getattr(scores, f"{kind}_{m}") for m in ("precision", "recall", "f1"))
        click.echo(f"{kind:8}{p:10.4f}{r:10.4f}{f:10.4f}")


@main.group()
def cache() -> None:
    """The cache (embeddings, and the finished pairs of `align batch`): what it holds, and clearing it."""


def _cache_dir_option(func: _F) -> _F:
    return click.option("--cache-dir", type=click.Path(), default=None,
                        help="embedding cache folder (default: ~/.cache/align or $ALIGN_CACHE_DIR)")(func)


@cache.command("info")
@_cache_dir_option
def cache_info_command(cache_dir: str | None) -> None:
    """Where the cache is, its size, and its embeddings and finished batch pairs per encoder."""
    from .embed import cache_info

    info = cache_info(Path(cache_dir) if cache_dir else None)
    click.echo(f"{info['path']}: {info['bytes'] / 1e6:.1f} MB, {sum(info['encoders'].values())} entries")
    for name in sorted(set(info["encoders"]) | set(info["pairs"])):
        pairs = info["pairs"].get(name, 0)
        click.echo(f"  {name}: {info['encoders'].get(name, 0)} entries" + (f", {pairs} finished pairs" if pairs else ""))


@cache.command("clear")
@_cache_dir_option
@click.option("--encoder", default=None, help="clear only this encoder's entries (e.g. use, st:MODEL)")
def cache_clear_command(cache_dir: str | None, encoder: str | None) -> None:
    """Delete the cached embeddings and finished pairs (all, or one encoder's)."""
    from .embed import clear_cache

    removed = clear_cache(Path(cache_dir) if cache_dir else None, encoder)
    click.echo(f"removed {removed} cached embeddings")


if __name__ == "__main__":
    main()
