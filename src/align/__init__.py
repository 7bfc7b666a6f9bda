"""align: sentence alignment of translated articles, with TMX / CSV / JSONL export."""

from __future__ import annotations

__version__ = "0.1.0"

from .aligner import AlignerConfig, SideFeatures, align_features
from .embed import make_encoder
from .errors import AlignError
from .model import Alignment, Bead, Block, Document, Sentence
from .pipeline import Aligner, align_folder, find_pairs, write_outputs

__all__ = [
    "Aligner", "AlignerConfig", "AlignError", "Alignment", "Bead", "Block", "Document", "Sentence",
    "SideFeatures", "align_features", "align_folder", "find_pairs", "make_encoder", "write_outputs",
    "__version__",
]
