"""Number check: numbers, amounts, percentages, dates, years and model identifiers that one side
of a bead has and the other lacks or states differently.

Both sides are parsed into *values* with babel's locale data (decimal and group symbols, month
names, scale words from the compact number formats, currency symbols and names), so formatting
alone (1.5 / 1,5, 1,300 / 1.300 / 1 300, 9 August 2020 / 9. August 2020 / 09.08.2020,
€1 billion / 1 Mrd. Euro) never produces an issue.

Matching, in this order (each item is used at most once):
1. exact: same value (after scaling: 2.5 million == 2,500,000), same date, same identifier;
   currencies must not clearly differ (only compared when both sides state one);
2. spelled-out numbers (two / zwei, twentieth / 20.) satisfy a leftover digit number; they are
   never reported themselves (one/ein are articles and pronouns too often);
3. a date that only appears as its year (and day) on the other side -> warning;
4. rounding -> warning: the coarser value's precision (last written digit x scale) is strictly
   coarser than the other's and the two differ by at most half of it (1.64 billion / 1,6 Mrd.);
   4,200 / 4.300 (both exact to the unit) stays an error;
5. leftovers of the same kind are paired into one "X became Y" error (dates with dates, years with
   years, other numbers by nearest magnitude up to x10^3.5, identifiers with identifiers);
   a pair of dates that agree where both are given (August 2020 / 9 August 2020) -> warning;
6. an unpaired leftover whose value is matched elsewhere is a repeat -> warning; any other
   leftover -> error "no counterpart".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.dates import get_date_format, get_month_names
from babel.numbers import (
    NumberFormatError,
    get_currency_name,
    get_decimal_symbol,
    get_group_symbol,
    get_territory_currencies,
    parse_decimal,
)
from babel.units import get_unit_name

from align.model import Issue, Side, Span

CATEGORY = "numbers"  # ITS 2.0 localization-quality issue type
CHECK = "number-mismatch"

_SPACES = " \u00a0\u202f\u2009"  # space, no-break, narrow no-break, thin: group separators in some locales
_SPACE_RE = re.compile(f"[{_SPACES}]")
_SP = "[ \u00a0\u202f]?"  # optional space between a number and its symbol / scale / unit
_L = r"[^\W\d_]"  # one letter (any script)

# Digits that are not numbers of the text: URLs, e-mail addresses, footnote markers like [12].
_NOT_TEXT_RE = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\[\d{1,3}\]")
_TRAIL_PUNCT = ".,;:!?)]}\"'’”"

# Glued after digits, these leave the number's value alone: ordinals (3rd, 1er, 2e) and decades
# (1990s, 2030er). Not in babel's data.
_NUMBER_SUFFIXES = frozenset({"st", "nd", "rd", "th", "s", "'s", "’s", "er", "e", "re", "ème", "eme"})

# Scale abbreviations babel's compact formats lack, by language (lower case, no final dot).
_EXTRA_SCALES: dict[str, dict[str, int]] = {
    "en": {"bn": 9, "mn": 6, "tn": 12, "k": 3, "m": 6, "b": 9},
    "de": {"tsd": 3, "mio": 6, "mrd": 9, "bio": 12},
    "fr": {"md": 9, "mds": 9, "mrd": 9},
}
_EXTRA_PERCENT = {"en": ("per cent", "percent", "pct")}

# Spelled-out small numbers (0-20, round tens, dozen) and ordinals; babel has no such data.
_EN_CARD = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
            "fifteen sixteen seventeen eighteen nineteen twenty").split()
_EN_ORD = ("- first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
           "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()
_EN_TENS = "thirty forty fifty sixty seventy eighty ninety".split()
# German: "ein", "eine", "einer" ... are articles, so 1 is only "eins".
_DE_CARD = ("null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn "
            "fünfzehn sechzehn siebzehn achtzehn neunzehn zwanzig").split()
_DE_ORD = ("- erst zweit dritt viert fünft sechst siebt acht neunt zehnt elft zwölft dreizehnt "
           "vierzehnt fünfzehnt sechzehnt siebzehnt achtzehnt neunzehnt zwanzigst").split()
_DE_TENS = "dreißig vierzig fünfzig sechzig siebzig achtzig neunzig".split()


def _spelled() -> dict[str, dict[str, int]]:
    en = {w: i for i, w in enumerate(_EN_CARD)} | {w: i for i, w in enumerate(_EN_ORD) if i}
    en |= {w: 30 + 10 * i for i, w in enumerate(_EN_TENS)}
    en |= {w[:-1] + "ieth": 30 + 10 * i for i, w in enumerate(_EN_TENS)} | {"dozen": 12}
    de = {w: i for i, w in enumerate(_DE_CARD)} | {w: 30 + 10 * i for i, w in enumerate(_DE_TENS)}
    de |= {"dutzend": 12}
    ords = {w: i for i, w in enumerate(_DE_ORD) if i} | {w + "st": 30 + 10 * i for i, w in enumerate(_DE_TENS)}
    for stem, i in ords.items():  # inflected: erste, ersten, erster, erstes, erstem
        de |= {stem + end: i for end in ("e", "en", "er", "es", "em")}
    return {"en": en, "de": de}


_SPELLED = _spelled()


@dataclass
class _Item:
    """One number-like thing found in a text."""

    kind: str  # "num", "date", "id" (identifier, compared literally) or "word" (spelled-out number)
    keys: frozenset  # ("n", Decimal) / ("d", y, m, d) / ("i", literal): equal if any key is shared
    start: int
    end: int
    text: str
    value: Decimal | None = None  # numbers: the scaled value
    unit: Decimal | None = None  # numbers: the precision as written (0.1 billion for "1.6 billion")
    currency: frozenset[str] = frozenset()  # possible ISO codes; empty = none stated
    date: tuple[int | None, int | None, int | None] | None = None  # (year, month, day)
    yearlike: bool = False
    percent: bool = False
    used: bool = field(default=False, compare=False)

    @property
    def label(self) -> str:
        if self.kind == "date":
            return "date"
        if self.kind == "id":
            return "identifier"
        if self.currency:
            return "amount"
        return "percentage" if self.percent else "number"


@dataclass(frozen=True)
class _LocaleData:
    lang: str
    group: str
    regex: re.Pattern[str]
    scales: dict[str, Decimal]  # lower-case word/abbreviation (no final dot) -> multiplier
    symbols: dict[str, frozenset[str]]  # currency symbol or code -> ISO codes
    cur_words: dict[str, frozenset[str]]  # lower-case currency name -> ISO codes
    months: dict[str, int]  # lower-case month name (no final dot) -> 1..12
    mdy: bool  # the locale's short numeric date puts the month first (en: M/d/yy)
    spelled: dict[str, int]


def _alt(words) -> str:
    """Regex alternation, longest first so "US dollars" wins over "dollars"."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)) if w)


@lru_cache(maxsize=1)
def _current_currencies() -> frozenset[str]:
    codes: set[str] = set()
    for territory in Locale("en").territories:
        try:
            codes.update(get_territory_currencies(territory, tender=True))
        except Exception:  # territories without currency data
            pass
    return frozenset(codes)


@lru_cache(maxsize=None)
def _locale_data(lang: str) -> _LocaleData:
    locale = Locale.parse(lang.replace("-", "_"))
    base = locale.language
    decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)

    # Scale words and abbreviations from the compact formats: "0 Milliarden" -> 10^9 (so German
    # "Billion" is 10^12 and English "billion" 10^9, as each locale says).
    scales: dict[str, Decimal] = {}
    for forms in locale.compact_decimal_formats.values():
        for patterns in forms.values():
            for magnitude, pattern in patterns.items():
                p = pattern.pattern if hasattr(pattern, "pattern") else str(pattern)
                zeros = p.count("0")
                word = p.replace("'", "").replace("0", "").strip(_SPACES).rstrip(".").lower()
                if zeros and word and "¤" not in word:
                    scales.setdefault(word, Decimal(int(magnitude)) / Decimal(10) ** (zeros - 1))
    for word, exp in _EXTRA_SCALES.get(base, {}).items():
        scales.setdefault(word, Decimal(10) ** exp)

    # Currencies: symbols and codes (case-sensitive) and names (singular/plural and their head
    # noun: "US-Dollar" -> "dollar" stands for every dollar currency).
    codes = _current_currencies()
    symbols: dict[str, set[str]] = {code: {code} for code in codes}
    for code in codes:
        sym = locale.currency_symbols.get(code)
        if sym and sym != code and not sym.isalpha():
            symbols.setdefault(sym, set()).add(code)
    cur_words: dict[str, set[str]] = {}
    for code in codes:
        for count in (1, 2, 5):
            name = get_currency_name(code, count, locale).lower()
            if name == code.lower():
                continue
            cur_words.setdefault(name, set()).add(code)
            head = re.split(r"[\s\-]+", name)[-1]
            if len(head) >= 3 and head.isalpha():
                cur_words.setdefault(head, set()).add(code)

    months: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, locale).items():
                months.setdefault(name.rstrip(".").lower(), number)
    month_names = set()
    for name in months:  # case-sensitive: as babel writes them, and capitalised (sentence start)
        month_names |= {name, name.capitalize()}
    pattern = get_date_format("short", locale).pattern
    mdy = 0 <= pattern.find("M") < pattern.find("d")

    percent_words = {get_unit_name("percent", locale=locale) or ""} | set(_EXTRA_PERCENT.get(base, ()))
    spelled = _SPELLED.get(base, {})

    sep = re.escape("".join(sorted({".", ",", decimal, group, "\u00a0", "\u202f", "\u2009"})))
    # A plain space groups digits only where the locale groups with a space (fr: 1 234,5).
    # A plain space groups digits only where the locale itself groups with a space (fr: 1 234,5).
    space = r"| \d{3}(?!\d)" if group.strip(_SPACES) == "" else ""
    run = rf"\d+(?:[{sep}]\d+{space})*"
    month = rf"(?:{_alt(month_names)})\.?"
    long_scales = [w for w in scales if len(w) > 1]
    regex = re.compile(
        # numeric dates: 2020-08-09, 09.08.2020, 8/9/2020
        rf"(?<![\w.,/-])(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})(?![\w-])"
        rf"|(?<![\w.,/])(?P<n1>\d{{1,2}})(?P<ns>[./])(?P<n2>\d{{1,2}})(?P=ns)(?P<n3>\d{{4}})(?![\d])"
        # 9 August 2020, 9. August, 1er août 2020
        rf"|(?<![\w.,])(?P<ad>\d{{1,2}})(?:\.|st|nd|rd|th|er|e)?[ \u00a0]+(?P<am>{month})(?![\w])"
        rf"(?:,?[ \u00a0]+(?P<ay>\d{{4}})(?![\d]))?"
        # August 9, 2020 / August 2020
        rf"|(?<![\w])(?P<bm>{month})[ \u00a0]+(?:(?P<bd>\d{{1,2}})(?:st|nd|rd|th)?(?![\d\w])"
        rf"(?:,?[ \u00a0]+(?P<by>\d{{4}})(?![\d]))?|(?P<by2>\d{{4}})(?![\d]))"
        # identifiers: letters with digits glued on (F-35, COVID-19, G7, A4, CO2)
        rf"|(?<![\w-])(?P<ident>{_L}+-?\d+(?:{_L}+\d*)*)(?![\w])"
        # numbers and amounts: [symbol/code] number [glued suffix] [scale] [percent] [currency]
        rf"|(?<![\w.,])(?:(?P<pre>{_alt(symbols)}){_SP})?(?P<num>{run})(?!\d)(?P<glued>['’]s|{_L}+)?"
        rf"(?:{_SP}(?P<scale>(?i:{_alt(long_scales)}))\.?(?!{_L}))?"
        rf"(?:{_SP}(?P<pct>[%‰]|(?i:{_alt(percent_words)})(?!{_L})))?"
        rf"(?:{_SP}(?P<post>(?i:{_alt(cur_words)})(?!{_L})|{_alt(symbols)}(?!{_L})))?"
        # spelled-out numbers, optionally scaled (drei Millionen)
        + (rf"|(?<![\w-])(?P<word>(?i:{_alt(spelled)}))(?![\w])"
           rf"(?:[ \u00a0]+(?P<wscale>(?i:{_alt(w for w in long_scales if len(w) > 3)}))(?!{_L}))?"
           if spelled else "")
    )
    return _LocaleData(
        lang=base,
        group=group,
        regex=regex,
        scales=scales,
        symbols={k: frozenset(v) for k, v in symbols.items()},
        cur_words={k: frozenset(v) for k, v in cur_words.items()},
        months=months,
        mdy=mdy,
        spelled=spelled,
    )
