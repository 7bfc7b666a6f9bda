"""Validate language codes (en, de, fr, en-US, ...) with babel's locale data."""

from __future__ import annotations

import math
import unicodedata
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


# Unicode script names (the first word of a letter's character name) that each CLDR script
# code is written in; a language whose likely script is not here gets no script verdict.
_SCRIPT_LETTERS = {
    "Latn": {"LATIN"}, "Cyrl": {"CYRILLIC"}, "Grek": {"GREEK"}, "Arab": {"ARABIC"}, "Hebr": {"HEBREW"},
    "Thai": {"THAI"}, "Deva": {"DEVANAGARI"}, "Hans": {"CJK"}, "Hant": {"CJK"},
    "Jpan": {"CJK", "HIRAGANA", "KATAKANA"}, "Kore": {"HANGUL", "CJK"},
}
MIN_SCRIPT_LETTERS = 20  # fewer letters than this: no script verdict
MIN_SCRIPT_SHARE = 0.9  # ... nor when no other script holds this share of them


def _likely_script(language: str) -> str | None:
    from babel.core import get_global

    subtags = str(get_global("likely_subtags").get(language, "")).split("_")
    return subtags[1] if len(subtags) > 2 else None


def script_mismatch(text: str, language: str) -> str | None:
    """The script a text is written in when it is clearly not the script of `language` (an
    Arabic text given as English): the script's name; None when they agree or it is unclear.
    Needs far less text than the statistical identifier."""
    expected = _SCRIPT_LETTERS.get(_likely_script(language) or "")
    if expected is None:
        return None
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = unicodedata.name(ch, "UNKNOWN").split()[0]
            counts[script] = counts.get(script, 0) + 1
    letters = sum(counts.values())
    if letters < MIN_SCRIPT_LETTERS:
        return None
    script, count = max(counts.items(), key=lambda item: item[1])
    if script in expected or count < MIN_SCRIPT_SHARE * letters or count < MIN_SCRIPT_LETTERS:
        return None
    return {"CJK": "Han (CJK)"}.get(script, script.title())


def check_text_language(text: str, code: str, where: str) -> None:
    """Refuse a side that is clearly another language than the one given: written in another
    script, or (with enough text) identified as another language."""
    given = base_language(code)
    option = "--src-lang" if where.startswith("source") else "--tgt-lang"
    script = script_mismatch(text, given)
    if script is not None:
        raise AlignError(None, f"the {where} is written in {script} script, not in that of {_name(given)} "
                               f"({given}); give its language with {option}, or --force")
    if given not in _identifier_languages():
        return
    found = detect_language(text)
    if found is None:
        return
    detected, probability = found
    if detected == given or any({given, detected} <= group for group in _CLOSE):
        return
    if probability >= MIN_DETECT_PROB:
        raise AlignError(None, f"the {where} looks like {_name(detected)} ({detected}), not {_name(given)} "
                               f"({given}); give its language with {option}, or --force")


def _name(code: str) -> str:
    from babel import Locale

    try:
        name: str = Locale("en").languages.get(code, code)
    except Exception:  # noqa: BLE001 - babel without the names: the code is enough
        return code
    return name
