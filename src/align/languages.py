"""Validate language codes (en, de, fr, en-US, ...) with babel's locale data."""

from __future__ import annotations

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
