"""The sanity verdicts on the development suite: no real translation may be refused, and two
texts that are not translations of each other should be.

* Every document of every dev set is aligned as it is: any refusal (wrong language, not a
  translation) is a false refusal.
* Unrelated pairs: the source of one dev document against the target of another of the same
  language pair, both with at least 30 sentences (first 400 of each), drawn with a fixed seed:
  the share refused as "not translations of each other".

    python bench/verdicts.py [--pairs 200] [--seed 0]
"""

from __future__ import annotations

import argparse
import random

from common import machine, publish, stamp
from devsets import load_sets
from devsuite import MemoEncoder

from align import Aligner, AlignError, make_encoder


def refusal(encoder, src, tgt, src_lang, tgt_lang) -> str | None:
    try:
        Aligner(src_lang, tgt_lang, encoder=encoder, presegmented=True).align_sentences(src, tgt, "x")
    except AlignError as exc:
        return str(exc)
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=200, help="unrelated pairs drawn (same language pair only)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    encoder = MemoEncoder(make_encoder("use"))
    docs = [d for s in load_sets() for d in s.docs]
    false = [(d.name, r) for d in docs if (r := refusal(encoder, d.src, d.tgt, d.src_lang, d.tgt_lang))]
    big = [d for d in docs if len(d.src) >= 30 and len(d.tgt) >= 30]
    rng = random.Random(args.seed)
    tried = refused = 0
    for _ in range(args.pairs):
        a, b = rng.sample(big, 2)
        if (a.src_lang, a.tgt_lang) != (b.src_lang, b.tgt_lang):
            continue
        tried += 1
        r = refusal(encoder, a.src[:400], b.tgt[:400], a.src_lang, b.tgt_lang)
        refused += bool(r and "do not look like translations" in r)
    lines = ["# Sanity verdicts", "", f"`python bench/verdicts.py --pairs {args.pairs} --seed {args.seed}` — "
             f"{stamp()}; {machine()}", "",
             f"- Real translations refused: **{len(false)} of {len(docs)}** dev documents"
             + (f" ({'; '.join(f'{n}: {r}' for n, r in false[:5])})" if false else ""),
             f"- Unrelated pairs (>= 30 sentences a side) refused as not translations: **{refused} of {tried}**"]
    publish(lines, "verdicts")


if __name__ == "__main__":
    main()
