"""Text in, alignment out, in one call: the functions a notebook or a corpus script uses.

    import align
    alignment = align.align_texts(english, german, src_lang="en", tgt_lang="de")
    for src, tgt, score, shape in alignment.pairs():
        ...
    alignment.to_polars(); alignment.to_tmx(); alignment.write("out", "tmx,csv")

Each call segments (unless the input is presegmented), encodes, aligns and scores exactly as
`align pair` does, and returns an `Alignment`. Sentence indices, paragraphs and names are
derived; nothing needs building by hand. Two texts that do not look like translations of each
other raise an AlignError (as `align pair` refuses them); `force=True` aligns them anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .aligner import AlignerConfig
from .embed import Encoder, make_encoder
from .errors import AlignError
from .export import CORPUS_FORMATS, EXPORTERS, ExportOptions, emit, render
from .model import Alignment, Sentence
from .pipeline import Aligner, default_name
from .read import document_from_text

EncoderSpec = str | Encoder

# Encoders built from a spec, kept for the session: loading a model takes longer than
# aligning an article, and a notebook aligns many.
_ENCODERS: dict[str, Encoder] = {}


def _encoder(encoder: EncoderSpec | None) -> Encoder:
    if encoder is None:
        encoder = "use"
    if isinstance(encoder, str):
        if encoder not in _ENCODERS:
            _ENCODERS[encoder] = make_encoder(encoder)
        return _ENCODERS[encoder]
    if not callable(getattr(encoder, "encode", None)):
        raise TypeError(f"encoder must be a spec such as 'use' or 'st:MODEL', or an object with "
                        f"encode(texts), got {type(encoder).__name__}")
    if not hasattr(encoder, "name"):
        raise TypeError(f"encoder {type(encoder).__name__} needs a 'name' attribute (it keys the cache "
                        f"and is recorded in the outputs)")
    return encoder


def _aligner(src_lang: str, tgt_lang: str, encoder: EncoderSpec | None, config: AlignerConfig | None,
             presegmented: bool = False, force: bool = False) -> Aligner:
    return Aligner(src_lang, tgt_lang, encoder=_encoder(encoder), config=config or AlignerConfig(),
                   presegmented=presegmented, force=force)


def align_texts(src_text: str, tgt_text: str, src_lang: str = "en", tgt_lang: str = "de", *,
                kind: str = "text", presegmented: bool = False, name: str = "document",
                encoder: EncoderSpec | None = None, config: AlignerConfig | None = None,
                force: bool = False) -> Alignment:
    """Align two texts held in memory. `kind` is "text" (blank lines end paragraphs),
    "markdown" or "html"; with `presegmented`, each line is one sentence."""
    aligner = _aligner(src_lang, tgt_lang, encoder, config, presegmented, force)
    sides = []
    for text, lang, label in ((src_text, src_lang, "<source text>"), (tgt_text, tgt_lang, "<target text>")):
        if not isinstance(text, str):
            raise TypeError(f"{label[1:-1]} must be a str, got {type(text).__name__}")
        sides.append(aligner.segmenter.segment(document_from_text(text, lang, kind, presegmented, path=label)))
    return aligner.align_sentences(sides[0], sides[1], name)


def align_sentences(src: Sequence[str] | Sequence[Sentence], tgt: Sequence[str] | Sequence[Sentence],
                    src_lang: str = "en", tgt_lang: str = "de", *, name: str = "document",
                    encoder: EncoderSpec | None = None, config: AlignerConfig | None = None,
                    force: bool = False) -> Alignment:
    """Align two lists of sentences (strings, taken as they are: no further splitting)."""
    for items, label in ((src, "source"), (tgt, "target")):
        if isinstance(items, str):
            raise TypeError(f"{label} must be a list of sentences, not one str (use align_texts for raw text)")
    return _aligner(src_lang, tgt_lang, encoder, config, force=force).align_sentences(src, tgt, name)


def align_files(src_path: str | Path, tgt_path: str | Path, src_lang: str = "en", tgt_lang: str = "de", *,
                presegmented: bool = False, name: str | None = None, encoder: EncoderSpec | None = None,
                config: AlignerConfig | None = None, force: bool = False) -> Alignment:
    """Align two files (.txt, .md, .html; any file with `presegmented`). The name defaults
    to the source file's name up to its first dot."""
    aligner = _aligner(src_lang, tgt_lang, encoder, config, presegmented, force)
    return aligner.align_files(src_path, tgt_path, name or default_name(src_path))


def write_corpus(alignments: Alignment | Sequence[Alignment], path: str | Path, fmt: str | None = None,
                 src_lang_code: str | None = None, tgt_lang_code: str | None = None) -> Path:
    """Write several alignments into one corpus file; the format comes from the suffix
    (.tmx, .csv, .jsonl) unless `fmt` names it."""
    path = Path(path)
    if fmt is None:
        by_suffix = {EXPORTERS[f][0]: f for f in CORPUS_FORMATS}
        fmt = by_suffix.get(path.suffix.lower())
        if fmt is None:
            raise AlignError(path, f"cannot tell the corpus format from the suffix '{path.suffix}'; "
                                   f"use .tmx, .csv or .jsonl, or pass fmt=")
    if fmt not in CORPUS_FORMATS:
        raise AlignError(path, f"'{fmt}' is not a corpus format; choose from {', '.join(CORPUS_FORMATS)}")
    emit(path, render(alignments, fmt, ExportOptions(src_lang_code, tgt_lang_code)))
    return path
