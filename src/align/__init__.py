"""align: sentence alignment of translated articles, with TMX / CSV / JSONL export.

The public surface is what `__all__` lists (documented in the README's Python section);
every other module attribute is an implementation detail.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .aligner import AlignerConfig
from .api import align_files, align_sentences, align_texts, write_corpus
from .embed import Encoder, make_encoder, register_encoder
from .embed import available_encoders as encoders
from .errors import AlignError
from .export import write_csv, write_jsonl, write_tmx
from .model import Alignment, Bead, Finding, Sentence
from .pipeline import Aligner, align_folder, find_pairs, write_outputs

__all__ = [
    "AlignError", "Aligner", "AlignerConfig", "Alignment", "Bead", "Encoder", "Finding", "Sentence",
    "__version__", "align_files", "align_folder", "align_sentences", "align_texts", "encoders",
    "find_pairs", "make_encoder", "register_encoder", "write_corpus", "write_csv", "write_jsonl",
    "write_outputs", "write_tmx",
]
