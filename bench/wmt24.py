"""WMT24 English-German (paragraph-level gold): lax P/R/F1 of the default aligner.

Every document's sentence files (en/, de/) are aligned as presegmented input, without
paragraph hints; the gold joins all sentences of a paragraph, so only the lax score is
meaningful. Writes bench/results/wmt24.md.

    python bench/wmt24.py
"""

from __future__ import annotations

import time

from common import machine, publish, read_lines, require_shared, stamp

from align import Aligner, make_encoder
from align.evaluate import score_alignments
from align.export import read_beads
from align.model import Sentence


def main() -> None:
    data = require_shared("wmt24-en-de")
    docs = [line.split("\t")[0] for line in read_lines(data / "manifest.tsv")[1:]]
    aligner = Aligner("en", "de", encoder=make_encoder("use"))
    pairs, per_domain = [], {}
    start = time.perf_counter()
    for doc in docs:
        src = [Sentence(i, t, 0) for i, t in enumerate(read_lines(data / "en" / doc))]
        tgt = [Sentence(j, t, 0) for j, t in enumerate(read_lines(data / "de" / doc))]
        test = [(b.src, b.tgt) for b in aligner.align_sentences(src, tgt, doc).beads]
        gold = read_beads(data / "gold" / doc)
        pairs.append((gold, test))
        per_domain.setdefault(doc.split("_", 1)[1], []).append((gold, test))
    elapsed = time.perf_counter() - start
    rows = [("all", len(pairs), score_alignments(pairs))]
    rows += [(d, len(p), score_alignments(p)) for d, p in sorted(per_domain.items())]
    lines = [
        "# WMT24 en-de, paragraph-level gold (lax scores)", "",
        f"`python bench/wmt24.py` — {stamp()}; {machine()}; encoder `use`; {elapsed:.1f} s for "
        f"{len(pairs)} documents.", "",
        "| documents | n | lax P | lax R | lax F1 |", "|---|---|---|---|---|",
    ]
    lines += [f"| {n} | {k} | {s.lax_precision:.4f} | {s.lax_recall:.4f} | {s.lax_f1:.4f} |" for n, k, s in rows]
    publish(lines, "wmt24")


if __name__ == "__main__":
    main()
