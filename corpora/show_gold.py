"""Print a gold alignment of the bundled corpus bead by bead, after checking it.

Usage (from the repository root):
    PYTHONPATH=src python corpora/show_gold.py NAME [NAME ...]
    PYTHONPATH=src python corpora/show_gold.py --check-all

NAME is a pair name such as `energy`; the script finds `NAME.en.*` and `NAME.de.*`
(.txt, .md or .html), segments both with the project's default SrxSegmenter and
checks that `NAME.gold.beads` is a complete, monotonic alignment of that segmentation.
Beads that are not 1:1 are marked with `*`.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent
EXTENSIONS = (".txt", ".md", ".html")


def pair_names() -> list[str]:
    return sorted(p.name[: -len(".gold.beads")] for p in CORPUS_DIR.glob("*.gold.beads"))


def pair_files(name: str) -> tuple[Path, Path]:
    found = []
    for lang in ("en", "de"):
        paths = [CORPUS_DIR / f"{name}.{lang}{ext}" for ext in EXTENSIONS]
        paths = [p for p in paths if p.exists()]
        if len(paths) != 1:
            raise SystemExit(f"{name}: expected exactly one {name}.{lang}.* file, found {len(paths)}")
        found.append(paths[0])
    return found[0], found[1]


def read_gold(path: Path) -> list[tuple[list[int], list[int]]]:
    beads = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        left, sep, right = line.partition("]:[")
        if not sep:
            raise ValueError(f"{path.name}:{lineno}: not a bead: {line!r}")
        src, tgt = ast.literal_eval(left + "]"), ast.literal_eval("[" + right)
        beads.append((list(src), list(tgt)))
    return beads


def check_gold(beads, n_src: int, n_tgt: int) -> list[str]:
    """Return a list of problems (empty when the beads are a valid complete monotonic alignment)."""
    problems = []
    next_src = next_tgt = 0
    for k, (src, tgt) in enumerate(beads):
        if not src and not tgt:
            problems.append(f"bead {k}: empty on both sides")
        for side, ids, expected in (("src", src, next_src), ("tgt", tgt, next_tgt)):
            if ids and ids != list(range(expected, expected + len(ids))):
                problems.append(f"bead {k}: {side} {ids} does not continue at {expected} consecutively")
        if src:
            next_src = src[-1] + 1
        if tgt:
            next_tgt = tgt[-1] + 1
    if next_src != n_src:
        problems.append(f"source covered up to {next_src}, but it has {n_src} sentences")
    if next_tgt != n_tgt:
        problems.append(f"target covered up to {next_tgt}, but it has {n_tgt} sentences")
    return problems


def segment(path: Path, lang: str):
    try:
        import align  # noqa: F401
    except ImportError:  # run without PYTHONPATH=src: use this checkout's package
        sys.path.insert(0, str(CORPUS_DIR.parent / "src"))
    from align.read import read_document
    from align.segment import SrxSegmenter

    return SrxSegmenter().segment(read_document(path, lang))


def load(name: str):
    en_path, de_path = pair_files(name)
    src, tgt = segment(en_path, "en"), segment(de_path, "de")
    beads = read_gold(CORPUS_DIR / f"{name}.gold.beads")
    return src, tgt, beads


def show(name: str) -> bool:
    src, tgt, beads = load(name)
    problems = check_gold(beads, len(src), len(tgt))
    shapes: dict[str, int] = {}
    for s, t in beads:
        shapes[f"{len(s)}:{len(t)}"] = shapes.get(f"{len(s)}:{len(t)}", 0) + 1
    print(f"== {name}: {len(src)} EN sentences, {len(tgt)} DE sentences, {len(beads)} beads")
    print("   shapes: " + ", ".join(f"{k} x{v}" for k, v in sorted(shapes.items())))
    for s, t in beads:
        mark = " " if (len(s), len(t)) == (1, 1) else "*"
        print(f"{mark} {s}:{t}")
        for i in s:
            if i < len(src):
                print(f"    EN {i:3d} {src[i].text}")
        for j in t:
            if j < len(tgt):
                print(f"    DE {j:3d} {tgt[j].text}")
    for p in problems:
        print(f"PROBLEM: {p}")
    return not problems


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    names = pair_names() if argv == ["--check-all"] else argv
    ok = True
    for name in names:
        if argv == ["--check-all"]:
            src, tgt, beads = load(name)
            problems = check_gold(beads, len(src), len(tgt))
            print(f"{name}: {len(src)}/{len(tgt)} sentences, {len(beads)} beads, " + ("OK" if not problems else "; ".join(problems)))
            ok &= not problems
        else:
            ok &= show(name)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
