"""Validate language codes (en, de, fr, en-US, ...) with babel's locale data."""

from __future__ import annotations

import math
from functools import lru_cache

from .errors import AlignError


def base_language(code: str) -> str:
    """'en-US' -> 'en'; raises AlignError for a code babel does not know."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code.replace("-", "_")).language
    except (UnknownLocaleError, ValueError, TypeError):
        raise AlignError(None, f"unknown language code '{code}'") from None


def check_languages(codes: list[str], supported: frozenset[str] | None, encoder_name: str) -> None:
    for code in codes:
        lang = base_language(code)
        if supported is not None and lang not in supported:
            raise AlignError(None, f"encoder '{encoder_name}' does not support language '{code}' "
                                   f"(it knows: {', '.join(sorted(supported))}); try --encoder st:MODEL")


# Languages an identifier cannot tell apart reliably: any member stands for the others.
_CLOSE = ({"no", "nb", "nn", "da"}, {"sr", "hr", "bs"}, {"ms", "id"}, {"de", "lb"}, {"gl", "pt"})
MIN_DETECT_CHARS = 200  # less text than this: no verdict
MIN_DETECT_PROB = 0.99


@lru_cache(maxsize=1)
def _identifier_languages() -> frozenset[str]:
    import py3langid

    return frozenset(lang for lang, _ in py3langid.rank("x"))


def detect_language(text: str) -> tuple[str, float] | None:
    """(language, probability) of a text by py3langid (offline, ships its model); None when
    the text is too short to tell."""
    if len(text) < MIN_DETECT_CHARS:
        return None
    import py3langid

    ranked = py3langid.rank(text[:5000])
    top = ranked[0][1]
    return ranked[0][0], 1.0 / sum(math.exp(p - top) for _, p in ranked)


def check_text_language(text: str, code: str, where: str) -> None:
    """Refuse a side that is clearly another language than the one given."""
    given = base_language(code)
    if given not in _identifier_languages():
        return
    found = detect_language(text)
    if found is None:
        return
    detected, probability = found
    if detected == given or any({given, detected} <= group for group in _CLOSE):
        return
    if probability >= MIN_DETECT_PROB:
        option = "--src-lang" if where.startswith("source") else "--tgt-lang"
        raise AlignError(None, f"the {where} looks like {_name(detected)} ({detected}), not {_name(given)} "
                               f"({given}); give its language with {option}, or --force")


def _name(code: str) -> str:
    from babel import Locale

    try:
        name: str = Locale("en").languages.get(code, code)
    except Exception:  # noqa: BLE001 - babel without the names: the code is enough
        return code
    return name
