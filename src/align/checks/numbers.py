"""Number check: numbers, amounts, percentages, dates, years and model identifiers that one side
of a bead has and the other lacks or states differently.

Both sides are parsed into *values* with babel's locale data (decimal and group symbols, month
names, scale words from the compact number formats, currency symbols and names), so formatting
alone (1.5 / 1,5, 1,300 / 1.300 / 1 300, 9 August 2020 / 9. August 2020 / 09.08.2020,
€1 billion / 1 Mrd. Euro) never produces an issue. Also read as values: a glued k (100k /
100.000), decades (the 1990s / 1990er; a two-digit 00s / 80er is either century), centuries
(early 1900s / frühen 20. Jahrhundert / XX. Jahrhundert); a single digit with a plural s
("5 9s", five nines) is slang and compared literally. Other notations read as the same value:
ordinal dates (the 28th of October / 28. Oktober, 28 de octubre), times (13.30 Uhr / 13 h. 30,
10am / 10:00, 6 pm / 18 Uhr; a bare 23.45 or 6.30 matches that time on the other side), a
decade after a prefix (mid-1980s / Mitte der 80er-Jahre), francs and centimes (Fr. 3.60 /
3 fr. 60), an abbreviation glued to its number (Nr.212 / n° 212, S.298), an identifier
written spaced (K2 / K 2), and a number at the head of a compound (zweimonatig, Achtzehnjährige,
Achttausender: text2num reads the head).

Matching, in this order (each item is used at most once):
0. the same text on both sides (never "X became X");
1. exact: same value (after scaling: 2.5 million == 2,500,000), same date or time of day, same
   identifier (letters with digits glued on: F-35, COVID-19, G7; compared literally, as are
   digits with letters glued on: 50Hertz, 5G);
   currencies must not clearly differ (only compared when both sides state one);
2. spelled-out numbers (two / zwei, twentieth / 20., forties / Vierzigern) and Roman numerals
   (Louis XIV, Ludwig dem XIV.) satisfy a leftover digit number; they are never reported
   themselves; then the German articles ein/eine/einen/einem/einer/eines (and "einmal") satisfy a
   leftover 1 of the other side ("1 question" / "eine Frage"), but are never numbers on their own;
   English "one" likewise satisfies a German 1;
3. a date that only appears as its year (and day) on the other side -> warning; a time of day
   that the other side writes as a bare number (6:03 / "603", as speech transcripts do) -> warning;
4. rounding -> warning: the coarser value's precision (last written digit x scale) is strictly
   coarser than the other's and the two differ by at most half of it (1.64 billion / 1,6 Mrd.);
   4,200 / 4.300 (both exact to the unit) stays an error;
5. leftovers of the same kind are paired into one "X became Y" error (dates with dates, numbers
   by nearest magnitude up to x10^3.5, years preferably with years, identifiers with identifiers);
   a pair of dates that agree where both are given (August 2020 / 9 August 2020) -> warning;
   a pair of identifiers with the same digits (#section7 / #Abschnitt7: a translated name) -> info;
6. an unpaired leftover whose value is matched elsewhere is a repeat -> warning; an identifier
   alone (CO2 / "carbon") -> a warning of its own check, identifier-mismatch (terminology, not
   numbers); any other leftover -> error "no counterpart".
A number with no counterpart that the neighbouring pair's other side has is settled over the
document (`check._settle_numbers_nearby`): an info note, since the alignment is off there.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

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

from align.model import Issue, Severity, Side, Span

CATEGORY = "numbers"  # ITS 2.0 localization-quality issue type
CHECK = "number-mismatch"
ID_CATEGORY, ID_CHECK = "terminology", "identifier-mismatch"  # CO2 / carbon: a term, not a number
NO_COUNTERPART = "has no counterpart in the"  # the message of a value the other side lacks

_SPACES = " \u00a0\u202f\u2009"  # space, no-break, narrow no-break, thin: group separators in some locales
_SPACE_RE = re.compile(f"[{_SPACES}]")
_HYPHEN_NUMBER_RE = re.compile(r"[-_](\d+)$")
_SP = "[ \u00a0\u202f]?"  # optional space between a number and its symbol / scale / unit
_L = r"[^\W\d_]"  # one letter (any script)

# Digits that are not numbers of the text: URLs, e-mail addresses, footnote markers like [12].
_NOT_TEXT_RE = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\[\d{1,3}\]")

_TIME_WORDS = r"(?i:uhr|h|a\.m\.|p\.m\.|am|pm)(?![\w])"  # after a time of day; 12-hour clock
# Glued after digits, these leave the number's value alone: ordinals (3rd, 1er, 2e) and decades
# (1990s, 2030er, 70ern). Not in babel's data. An English plural "s" only makes a decade of a
# number ending in 0: "5 9s" (five nines) is slang, compared literally.
_NUMBER_SUFFIXES = frozenset({"st", "nd", "rd", "th", "s", "'s", "’s", "er", "ern", "e", "re", "ème", "eme"})
_DECADE_SUFFIXES = frozenset({"s", "'s", "’s", "er", "ern"})
# After a number or Roman numeral: a century ("20. Jahrhundert" == "1900s" == "20th century").
_CENTURY_RE = re.compile(r"\.?[ \u00a0-]*(?i:century|centuries|jahrhunderts?|jh\.)(?![^\W\d_])")

# Scale abbreviations babel's compact formats lack, by language (lower case); single letters
# count only glued to an amount (€5m, $2bn), as "5 m" is five metres, except k (100k, 5K:
# thousands wherever it is glued on).
# An abbreviation ending in "." may also be written without it; the dot is never taken from a
# word (so "1.5 billion." keeps its full stop).
_EXTRA_SCALES: dict[str, dict[str, int]] = {
    "en": {"bn": 9, "mn": 6, "tn": 12, "k": 3, "m": 6, "b": 9},
    "de": {"tsd.": 3, "mio.": 6, "mrd.": 9, "bio.": 12, "k": 3},
    "fr": {"md": 9, "mds": 9},
}
_EXTRA_PERCENT = {"en": ("per cent", "percent", "pct")}
_GLUED_SCALES = frozenset({"k"})  # single letters that scale a bare number too (100k meters)
# "a million" / "eine Million": the article is the number 1 only before a scale word.
_SCALE_ARTICLES = {"en": ("a",), "de": ("ein", "eine")}
# Weak renderings of 1: they satisfy a leftover 1 of the other side ("1 question" / "eine
# Frage"), after every other match, and are never numbers on their own.
_WEAK_ONES = {"de": ("ein", "eine", "einen", "einem", "einer", "eines", "einmal")}

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


# Decade words (forties, Vierzigern): also the years 1940 and 2040, as "the 40s" is.
_DECADE_WORDS: dict[str, int] = {}


def _spelled() -> dict[str, dict[str, int]]:
    en = {w: i for i, w in enumerate(_EN_CARD)} | {w: i for i, w in enumerate(_EN_ORD) if i}
    en |= {w: 30 + 10 * i for i, w in enumerate(_EN_TENS)}
    en |= {w[:-1] + "ieth": 30 + 10 * i for i, w in enumerate(_EN_TENS)} | {"dozen": 12, "hundred": 100}
    decades = {w[:-1] + "ies": 20 + 10 * i for i, w in enumerate(["twenty"] + _EN_TENS)}  # forties
    de = {w: i for i, w in enumerate(_DE_CARD)} | {w: 30 + 10 * i for i, w in enumerate(_DE_TENS)}
    de |= {"dutzend": 12, "hundert": 100}
    for i, w in enumerate(["zwanzig"] + _DE_TENS):  # Vierziger, Vierzigern, Vierzigerjahre
        decades |= {w + end: 20 + 10 * i for end in ("er", "ern", "erjahre", "erjahren")}
    _DECADE_WORDS.update(decades)
    en |= {w: v for w, v in decades.items() if w.endswith("ies")}
    de |= {w: v for w, v in decades.items() if not w.endswith("ies")}
    ords = {w: i for i, w in enumerate(_DE_ORD) if i} | {w + "st": 30 + 10 * i for i, w in enumerate(_DE_TENS)}
    for stem, i in ords.items():  # inflected: erste, ersten, erster, erstes, erstem
        de |= {stem + end: i for end in ("e", "en", "er", "es", "em")}
    return {"en": en, "de": de}


_SPELLED = _spelled()


# ("n", Decimal) / ("c", Decimal) century / ("d", y, m, d) / ("t", hour, minute) / ("i", literal)
_Key = tuple[Any, ...]


@dataclass(eq=False)  # compared by identity
class _Item:
    """One number-like thing found in a text."""

    kind: str  # "num", "date", "time", "id" (identifier, compared literally), "word" (spelled out)
    keys: frozenset[_Key]  # ("n", Decimal) / ("d", y, m, d) / ("i", literal): equal if any key is shared
    start: int
    end: int
    text: str
    value: Decimal | None = None  # numbers: the scaled value
    unit: Decimal | None = None  # numbers: the precision as written (0.1 billion for "1.6 billion")
    currency: frozenset[str] = frozenset()  # possible ISO codes; empty = none stated
    date: tuple[int | None, int | None, int | None] | None = None  # (year, month, day)
    yearlike: bool = False
    percent: bool = False
    weak: bool = False  # a German article: satisfies only a leftover 1, after everything else
    used: bool = False

    @property
    def label(self) -> str:
        if self.kind in ("date", "time"):
            return self.kind
        if self.kind == "id":
            return "identifier"
        if self.currency:
            return "amount"
        return "percentage" if self.percent else "number"


@dataclass(frozen=True, eq=False)  # eq=False: hashed by identity, usable as a cache key
class _LocaleData:
    locale: Locale
    lang: str
    group: str
    regex: re.Pattern[str]
    scales: dict[str, Decimal]  # lower-case word/abbreviation (no final dot) -> multiplier
    symbols: dict[str, frozenset[str]]  # currency symbol or code -> ISO codes
    cur_words: dict[str, frozenset[str]]  # lower-case currency name -> ISO codes
    months: dict[str, int]  # lower-case month name (no final dot) -> 1..12
    mdy: bool  # the locale's short numeric date puts the month first (en: M/d/yy)
    spelled: dict[str, int]
    weak: frozenset[str]  # lower-case words in `spelled` that only satisfy a 1 (German articles)


def _alt(words: Iterable[str]) -> str:
    """Regex alternation, longest first so "US dollars" wins over "dollars"."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)) if w)


@lru_cache(maxsize=1)
def _current_currencies() -> frozenset[str]:
    codes: set[str] = set()
    for territory in Locale("en").territories:
        if not isinstance(territory, str):  # babel's types allow any locale-data key
            continue
        try:
            codes.update(get_territory_currencies(territory, tender=True))
        except Exception:  # noqa: BLE001, S110 - territories without currency data: none to add
            pass
    return frozenset(codes)


@cache
def _locale_data(lang: str) -> _LocaleData:
    locale = Locale.parse(lang.replace("-", "_"))
    base = locale.language
    decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)

    # Scale words and abbreviations from the compact formats: "0 Milliarden" -> 10^9 (so German
    # "Billion" is 10^12 and English "billion" 10^9, as each locale says).
    scales: dict[str, Decimal] = {}  # lower case, without a final dot
    scale_forms: set[str] = set()  # as written: "mio.", "mio", "billion"
    for forms in locale.compact_decimal_formats.values():
        for patterns in forms.values():
            for magnitude, pattern in patterns.items():
                p = pattern.pattern if hasattr(pattern, "pattern") else str(pattern)
                zeros = p.count("0")
                word = p.replace("'", "").replace("0", "").strip(_SPACES).lower()
                if zeros and word and "¤" not in word:
                    scales.setdefault(word.rstrip("."), Decimal(int(magnitude)) / Decimal(10) ** (zeros - 1))
                    scale_forms |= {word, word.rstrip(".")}
    for word, exp in _EXTRA_SCALES.get(base, {}).items():
        scales.setdefault(word.rstrip("."), Decimal(10) ** exp)
        scale_forms |= {word, word.rstrip(".")}

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
    month_names: set[str] = set()  # case-sensitive, so English "may" (the verb) is no month
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, locale).items():
                months.setdefault(name.rstrip(".").lower(), number)
                month_names |= {name.rstrip("."), name.rstrip(".").capitalize()}  # as written; sentence start
    pattern = get_date_format("short", locale).pattern
    mdy = 0 <= pattern.find("M") < pattern.find("d")

    percent_words = {get_unit_name("percent", locale=locale) or ""} | set(_EXTRA_PERCENT.get(base, ()))
    spelled = dict(_SPELLED.get(base, {}))
    weak = frozenset(_WEAK_ONES.get(base, ()))
    spelled |= {w: 1 for w in weak}
    for article in _SCALE_ARTICLES.get(base, ()):
        spelled |= {f"{article} {w}": int(scales[w]) for w in scale_forms
                    if len(w) > 4 and not w.endswith(".")}

    sep = re.escape("".join(sorted({".", ",", decimal, group, "\u00a0", "\u202f", "\u2009"})))
    # A plain space groups digits only where the locale itself groups with a space (fr: 1 234,5).
    space = r"| \d{3}(?!\d)" if group.strip(_SPACES) == "" else ""
    run = rf"\d+(?:[{sep}]\d+{space})*"
    month = rf"(?:{_alt(month_names)})\.?"
    long_scales = [w for w in scale_forms if len(w.rstrip(".")) > 1]  # k, m, b only glued (5m)
    regex = re.compile(
        # numeric dates: 2020-08-09, 09.08.2020, 8/9/2020
        rf"(?<![\w.,/-])(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})(?![\w-])"
        rf"|(?<![\w.,/])(?P<n1>\d{{1,2}})(?P<ns>[./])(?P<n2>\d{{1,2}})(?P=ns)(?P<n3>\d{{4}})(?![\d])"
        # 9 August 2020, 9. August, 1er août 2020
        rf"|(?<![\w.,])(?P<ad>\d{{1,2}})(?:\.|st|nd|rd|th|er|e)?[ \u00a0]+(?:(?:of|de)[ \u00a0]+)?(?P<am>{month})(?![\w])"
        rf"(?:[ \u00a0]?,?[ \u00a0]+(?P<ay>\d{{4}})(?![\d]))?"
        # August 9, 2020 / August 2020 (tokenised text: August 9 , 2020)
        rf"|(?<![\w])(?P<bm>{month})[ \u00a0]+(?:(?P<bd>\d{{1,2}})(?:st|nd|rd|th)?(?![\d\w])"
        rf"(?:[ \u00a0]?,?[ \u00a0]+(?P<by>\d{{4}})(?![\d]))?|(?:of[ \u00a0]+)?(?P<by2>\d{{4}})(?![\d]))"
        # times: 10:30, 10.30 Uhr, 3:30 p.m.
        rf"|(?<![\w.,:])(?P<th>\d{{1,2}})"
        rf"(?::(?P<tm>\d{{2}})(?!\d|[.,:]\d)(?:{_SP}(?P<tw>{_TIME_WORDS}))?"
        rf"|\.(?P<tm2>\d{{2}}){_SP}(?P<tw2>{_TIME_WORDS})"
        # 13 h. 30, 15h30 (French); 10am, 6 p.m. (the hour alone)
        rf"|{_SP}h\.?{_SP}(?P<tm3>\d{{2}})(?!\d)|{_SP}(?P<tw3>(?i:a\.m\.|p\.m\.|am|pm|uhr))(?![\w]))"
        # identifiers: letters with digits glued on (F-35, COVID-19, G7, A4, CO2)
        rf"|(?<![\w-])(?P<ident>{_L}+[-_]?\d+(?:{_L}+\d*)*)(?![\w])"
        # numbers and amounts: [symbol/code] number [glued suffix] [scale] [percent] [currency]
        rf"|(?<![\w.,])(?:(?P<pre>{_alt(symbols)}){_SP})?(?P<num>{run})(?!\d)(?P<glued>['’]s|{_L}+)?"
        rf"(?:(?:{_SP}|-)(?P<scale>(?i:{_alt(long_scales)}))(?!{_L}))?"  # 1.3 billion, 1.3-billion
        rf"(?:{_SP}(?P<pct>[%‰]|(?i:{_alt(percent_words)})(?!{_L})))?"
        rf"(?:{_SP}(?P<post>(?i:{_alt(cur_words)})(?!{_L})|{_alt(symbols)}(?!{_L})))?"
        # Roman numerals I-XXX (Louis XIV, Ludwig dem XIV., World War II); context checked in _roman
        rf"|(?<![\w'’-])(?P<roman>(?=[IVX])X{{0,3}}(?:IX|IV|V?I{{0,3}}))(?![\w'’-])"
        # spelled-out numbers, optionally scaled (drei Millionen)
        + (rf"|(?<![\w-])(?P<word>(?i:{_alt(spelled)}))(?![\w])"
           rf"(?:[ \u00a0]+(?P<wscale>(?i:{_alt(w for w in long_scales if len(w) > 4)}))(?!{_L}))?"
           if spelled else "")
    )
    return _LocaleData(
        locale=locale,
        lang=base,
        group=group,
        regex=regex,
        scales=scales,
        symbols={k: frozenset(v) for k, v in symbols.items()},
        cur_words={k: frozenset(v) for k, v in cur_words.items()},
        months=months,
        mdy=mdy,
        spelled=spelled,
        weak=weak,
    )


# ---------------------------------------------------------------------------------------------
# Extraction


def _parse_number(run: str, own: _LocaleData, other: _LocaleData) -> Decimal | None:
    """The run's value in its own locale; in the other side's locale when it only parses there
    (a German text that writes 1.5); None when neither accepts it."""
    if run.isdigit():
        return Decimal(run)
    return _parse_cached(run, own, other)


@lru_cache(maxsize=4096)
def _parse_cached(run: str, own: _LocaleData, other: _LocaleData) -> Decimal | None:
    for data in (own, other):
        # (narrow) no-break spaces group digits everywhere: write them as the locale's group symbol
        norm = _SPACE_RE.sub(data.group, run)
        try:
            return parse_decimal(norm, locale=data.locale, strict=True)
        except (NumberFormatError, InvalidOperation, ValueError):
            continue
    return None


def _date_item(m: re.Match[str], text: str, year: str | None, month: int | None, day: str | None,
               alternatives: tuple[tuple[int | None, int | None, int | None], ...] = ()) -> _Item:
    y = int(year) if year else None
    d = int(day) if day else None  # an impossible day (32 May) still differs from 22 May
    dates = {(y, month, d)} | set(alternatives)
    keys = frozenset(("d",) + date for date in dates)
    return _Item("date", keys, m.start(), m.end(), text[m.start():m.end()], date=(y, month, d))


def _literal(s: str) -> str:
    return re.sub(r"[\s\-\u2010\u2011_]", "", s).casefold()  # F-35 == F35, COVID-19 == Covid-19


def _number_item(m: re.Match[str], text: str, own: _LocaleData, other: _LocaleData) -> list[_Item]:
    run, glued = m.group("num"), m.group("glued")
    value = _parse_number(run, own, other)
    currency: frozenset[str] = frozenset()
    if pre := m.group("pre"):
        currency = own.symbols.get(pre, frozenset())
    if post := m.group("post"):
        currency = own.symbols.get(post) or own.cur_words.get(post.lower(), frozenset())
    scale = Decimal(1)
    g = (glued or "").lower()
    # "5 9s" (five nines) is slang, compared literally; a plural s on a longer number keeps its
    # value (1990s, 40s, 747s), as does a possessive (2021's)
    digit_plural = g == "s" and len(run) == 1
    if glued and (g not in _NUMBER_SUFFIXES or digit_plural):
        # a glued single letter (5m) is a scale only on an amount (€5m); 5G, 10km, 50Hertz are
        # names; k is thousands anywhere (100k meters, 5K/weekday)
        if g in own.scales and (len(g) > 1 or currency or g in _GLUED_SCALES):
            scale = own.scales[g]
        else:
            start, end = m.start("num"), m.end("glued")
            keys = {("i", _literal(run + glued))} | ({("n", value)} if value is not None else set())
            return [_Item("id", frozenset(keys), start, end, text[start:end])]
    if m.group("scale"):
        scale *= own.scales[m.group("scale").lower().rstrip(".")]
    if value is None:
        if _SPACE_RE.search(run):  # "2020 300" in a space-grouping locale: two numbers
            items, pos = [], m.start("num")
            for part in _SPACE_RE.split(run):
                v = _parse_number(part, own, other)
                if v is None:
                    items.append(_Item("id", frozenset({("i", part)}), pos, pos + len(part), part))
                else:
                    exp = v.as_tuple().exponent
                    items.append(_Item("num", frozenset({("n", v)}), pos, pos + len(part), part, value=v,
                                       unit=Decimal(1).scaleb(exp if isinstance(exp, int) else 0)))
                pos += len(part) + 1  # one separator character between the parts
            return items
        start, end = m.start("num"), m.end("num")  # 1.2.3: a version, compared literally
        return [_Item("id", frozenset({("i", run)}), start, end, run)]
    exponent = value.as_tuple().exponent
    unit = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0) * scale
    total = value * scale
    start, end = m.start(), m.end()
    yearlike = (run.isdigit() and len(run) == 4 and 1000 <= total <= 2100 and scale == 1
                and not currency and not m.group("pct"))
    keys = {("n", total)}
    if g in _DECADE_SUFFIXES and run.isdigit() and run.endswith("0") and scale == 1:
        if len(run) == 2:  # the 00s / 40er: the century is not given, so either reading matches
            keys |= {("n", 1900 + total), ("n", 2000 + total)}
        elif len(run) == 4 and run.endswith("00"):  # the 1900s: the 20th century
            keys.add(("c", total // 100 + 1))
    if _CENTURY_RE.match(text, m.end()):
        keys.add(("c", total))
    return [_Item("num", frozenset(keys), start, end, text[start:end], value=total, unit=unit,
                  currency=currency, yearlike=yearlike, percent=bool(m.group("pct")))]


_ROMAN = {"I": 1, "V": 5, "X": 10}
# A capitalised word (not all capitals) right before a Roman numeral: Louis XIV, World War II.
_NAME_BEFORE_RE = re.compile(r"(?:^|(?<=[^\w]))([A-ZÄÖÜ][a-zäöüß][^\W\d_]*)[ \u00a0]+$")
_HEADING_WORD_BEFORE_RE = re.compile(r"(?:^|(?<=[^\w]))([^\W\d_]{3,})[ \u00a0]+$")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:\"“”])\s*$")
_AFTER_EN_I_RE = re.compile(r"(?:[.,;:!?)]|\s*$|\s+(?:and|or)\b)")


def _roman(m: re.Match[str], text: str, own: _LocaleData) -> _Item | None:
    """A Roman numeral I-XXX that follows a name (Louis XIV) or takes an ordinal dot (Ludwig dem
    XIV.), as a spelled-out number; English "I" only after a name mid-sentence and before a
    punctuation mark (Elizabeth I, World War I), as it is mostly the pronoun."""
    roman = m.group("roman")
    value = 0
    for ch, nxt in zip(roman, roman[1:] + " "):
        v = _ROMAN[ch]
        value += -v if _ROMAN.get(nxt, 0) > v else v
    if not 1 <= value <= 30:
        return None
    before, after = text[:m.start()], text[m.end():]
    name = _NAME_BEFORE_RE.search(before)
    if name is None and (heading := _HEADING_WORD_BEFORE_RE.search(before)) and heading.group(1).isupper():
        name = heading  # CAPITULO II, CHAPITRE XII: a heading word in capitals
    if roman == "I" and own.lang == "en":
        if not name or _SENTENCE_START_RE.search(before[:name.start(1)]) or not _AFTER_EN_I_RE.match(after):
            return None
    elif not name and not after.startswith(".") and text.strip(" .") != roman and not _chapter_heading(before, after):
        return None
    keys = {("n", Decimal(value))}
    if _CENTURY_RE.match(text, m.end()):
        keys.add(("c", Decimal(value)))
    return _Item("word", frozenset(keys), m.start(), m.end(), roman, value=Decimal(value))


def _chapter_heading(before: str, after: str) -> bool:
    """A numeral opening a heading in capitals: "V À L'AVENTURE !", "XII LE CAPITAINE NEMO"."""
    letters = [c for c in after if c.isalpha()]
    return not before.strip() and after[:1].isspace() and len(letters) >= 2 and all(c.isupper() for c in letters)


# the dot of an abbreviation written against its number (Nr.212, S.298-303, No.5)
_GLUED_ABBREVIATION_RE = re.compile(r"(?<![\w.])([^\W\d_]{1,3})\.(?=\d)")
# Swiss and French prices written with the unit between francs and centimes: 3 fr. 60, 3 Fr. 60
_FRANCS_RE = re.compile(r"(?<![\w.,])(?P<fr>\d+)[ \u00a0]?(?i:fr|frs)\.?[ \u00a0]?(?P<ct>\d{2})(?![\w.,]?\d)")
# a decade after a prefix: mid-1980s, early-90s, pre-2000s
_PREFIXED_DECADE_RE = re.compile(r"^[^\W\d_]+-(\d{2}|\d{4})(?:s|'s|’s)$")


def _extract(text: str, own: _LocaleData, other: _LocaleData) -> list[_Item]:
    masked = _NOT_TEXT_RE.sub(lambda m: "\0" * len(m.group()), text)
    masked = _GLUED_ABBREVIATION_RE.sub(lambda m: m.group(1) + " ", masked)  # Nr.212 as Nr 212 (same length)
    items: list[_Item] = []
    for m in _FRANCS_RE.finditer(masked):
        value = Decimal(m.group("fr")) + Decimal(m.group("ct")) / 100
        items.append(_Item("num", frozenset({("n", value)}), m.start(), m.end(), m.group(), value=value,
                           unit=Decimal("0.01"), currency=frozenset({"CHF", "FRF", "XOF", "XAF"})))
    masked = _FRANCS_RE.sub(lambda m: "\0" * len(m.group()), masked)
    for m in own.regex.finditer(masked):
        if m.group("iy"):
            month = int(m.group("im"))
            items.append(_date_item(m, text, m.group("iy"), month if 1 <= month <= 12 else None, m.group("id")))
        elif m.group("n1"):
            a, b = int(m.group("n1")), int(m.group("n2"))
            day, month = (b, a) if own.mdy else (a, b)
            if month > 12:
                day, month = month, day
            if month > 12 or day > 31 or not day:
                items.append(_Item("id", frozenset({("i", m.group())}), m.start(), m.end(), m.group()))
                continue
            # M/D vs D/M is ambiguous where both are <= 12 and the locale is month-first (en is
            # also written in Britain): accept both readings.
            year = int(m.group("n3"))
            alt = ((year, day, month),) if own.mdy and day <= 12 else ()
            items.append(_date_item(m, text, m.group("n3"), month, str(day), alt))
        elif m.group("am"):
            month = own.months[m.group("am").rstrip(".").lower()]
            items.append(_date_item(m, text, m.group("ay"), month, m.group("ad")))
        elif m.group("bm"):
            month = own.months[m.group("bm").rstrip(".").lower()]
            items.append(_date_item(m, text, m.group("by") or m.group("by2"), month, m.group("bd")))
        elif m.group("th"):
            hour, minute = int(m.group("th")), int(m.group("tm") or m.group("tm2") or m.group("tm3") or 0)
            period = (m.group("tw") or m.group("tw2") or m.group("tw3") or "").lower()
            if period.startswith("p") and hour < 12:
                hour += 12
            elif period.startswith("a") and hour == 12:
                hour = 0
            span = text[m.start():m.end()]
            items.append(_Item("time", frozenset({("t", hour, minute)}), m.start(), m.end(), span))
        elif (ident := m.group("ident")) and (decade := _PREFIXED_DECADE_RE.match(ident)):
            digits_ = decade.group(1)
            value = Decimal(digits_)
            decade_keys = {("n", value)} | ({("n", 1900 + value), ("n", 2000 + value)} if len(digits_) == 2 else set())
            start = m.start() + ident.index(digits_, ident.index("-"))
            items.append(_Item("num", frozenset(decade_keys), start, m.end(), text[start:m.end()], value=value,
                               unit=Decimal(1)))
        elif ident := m.group("ident"):
            keys: set[_Key] = {("i", _literal(ident))}
            if tail := _HYPHEN_NUMBER_RE.search(ident):  # Top-10 / top 10, but F-35 vs F-16 differ
                keys.add(("n", Decimal(tail.group(1))))
            items.append(_Item("id", frozenset(keys), m.start(), m.end(), text[m.start():m.end()]))
        elif m.group("num"):
            items.extend(_number_item(m, text, own, other))
        elif m.group("roman"):
            if (item := _roman(m, text, own)) is not None:
                items.append(item)
        elif m.group("word"):
            word = m.group("word").lower()
            value = Decimal(own.spelled[word])
            keys = {("n", value)}
            if ws := m.group("wscale"):
                value *= own.scales[ws.lower().rstrip(".")]
                keys = {("n", value)}
            elif word in _DECADE_WORDS:  # the forties: also the 1940s and 2040s
                keys |= {("n", 1900 + value), ("n", 2000 + value)}
            elif _CENTURY_RE.match(text, m.end()):  # twentieth century
                keys.add(("c", value))
            items.append(_Item("word", frozenset(keys), m.start(), m.end(), text[m.start():m.end()],
                               value=value, weak=word in own.weak and not ws))
    return items


# ---------------------------------------------------------------------------------------------
# Matching


def _compatible(a: _Item, b: _Item) -> bool:
    """Same value, and no clearly different currency (both stated and no code in common)."""
    return bool(a.keys & b.keys) and (not a.currency or not b.currency or bool(a.currency & b.currency))


def _use(*items: _Item) -> None:
    for item in items:
        item.used = True


def _span(side: Side, item: _Item) -> Span:
    return Span(side, item.start, item.end, item.text)


def _issue(severity: Severity, message: str, *spans: Span) -> Issue:
    return Issue(CATEGORY, CHECK, severity, message, tuple(spans))


def _rounded(a: _Item, b: _Item) -> bool:
    """One side is clearly a rounding of the other: strictly coarser precision, and the values
    differ by at most half of that precision (1.64 billion / 1.6 billion, 13.2 / 13)."""
    if a.kind != "num" or b.kind != "num" or None in (a.value, b.value, a.unit, b.unit):
        return False
    assert a.value is not None and b.value is not None and a.unit is not None and b.unit is not None
    if a.unit == b.unit or a.value == b.value or a.yearlike or b.yearlike:
        return False
    if a.currency and b.currency and not a.currency & b.currency:
        return False
    return abs(a.value - b.value) <= max(a.unit, b.unit) / 2


_YEAR_RE = re.compile(r"(?<!\d)(1\d{3}|20\d{2}|2100)(?!\d)")


def _years(items: list[_Item], text: str, data: _LocaleData) -> set[Decimal]:
    """The years one side gives: its year-like numbers, or in Chinese and Japanese text (read
    whole, digits glued to characters) every four-digit number from 1000 to 2100."""
    if data.lang in _CJK_LANGS:
        return {Decimal(y) for y in _YEAR_RE.findall(unicodedata.normalize("NFKC", text))}
    return {a.value for a in items if a.yearlike and a.value is not None}


def _rounded_value(a: _Item, values: Counter[Decimal]) -> Decimal | None:
    """A value of the other side that number `a` is a rounding of (strictly finer, within half
    of a's precision as written: 16 million / 15,760,000), if any."""
    if a.value is None or a.unit is None or a.yearlike:
        return None
    unit = a.unit
    return next((v for v, n in values.items() if n > 0 and v != a.value and v % unit != 0
                 and abs(v - a.value) <= unit / 2), None)


def _date_parts_match(date: _Item, nums: list[_Item]) -> list[_Item]:
    """Numbers on the other side that give this date's year (and day): a date written in a form
    the parser did not recognise, or one stated less precisely."""
    y, _, d = date.date or (None, None, None)
    if y is None:
        return []
    found: list[_Item] = []
    for want in (y, d):
        if want is None:
            continue
        for n in nums:
            if not n.used and n not in found and n.kind == "num" and n.value == want and not n.currency:
                found.append(n)
                break
    return found if found and found[0].value == y else []


def _distance(a: _Item, b: _Item) -> float:
    x, y = abs(a.value or Decimal(0)), abs(b.value or Decimal(0))
    if x == y:
        return 0.0
    if not x or not y:
        return 1.0
    return abs(math.log10(x) - math.log10(y))


def _pairs(src: list[_Item], tgt: list[_Item]) -> list[tuple[_Item, _Item]]:
    """Pair leftovers of the same kind: a number that changed rather than one dropped and one added."""
    pairs: list[tuple[_Item, _Item]] = []
    for kind in ("date", "time", "id"):
        s = [a for a in src if a.kind == kind and not a.used]
        t = [b for b in tgt if b.kind == kind and not b.used]
        pairs.extend(zip(s, t))
    candidates = []
    for i, a in enumerate(src):
        for j, b in enumerate(tgt):
            if a.kind == b.kind == "num" and not a.used and not b.used:
                dist = _distance(a, b) + (0.5 if a.yearlike != b.yearlike else 0.0)  # years pair with years first
                if dist <= 3.5:  # up to a wrong scale word (billion vs Million = x1000)
                    candidates.append((dist, abs(i / len(src) - j / len(tgt)), i, j))
    taken_s: set[int] = set()
    taken_t: set[int] = set()
    for _, _, i, j in sorted(candidates):
        if i not in taken_s and j not in taken_t:
            taken_s.add(i)
            taken_t.add(j)
            pairs.append((src[i], tgt[j]))
    return pairs


def _less_precise_date(a: _Item, b: _Item) -> bool:
    """Two dates that agree wherever both give a part (August 2020 / 9 August 2020)."""
    return all(x is None or y is None or x == y for x, y in zip(a.date or (), b.date or ()))


def _same_digits(a: _Item, b: _Item) -> bool:
    """Identifiers whose digits agree (#section7 / #Abschnitt7): the name part was translated."""
    da, db = re.sub(r"\D", "", a.text), re.sub(r"\D", "", b.text)
    return bool(da) and da == db


_NAME = {"src": "source", "tgt": "target"}
_SPACED_ID_RE = re.compile(r"([^\W\d_]{1,3})(\d+)")  # K2, A4: may be written K 2
_CLOCK_RE = re.compile(r"(?:[01]?\d|2[0-3])[.,][0-5]\d")  # 23.45, 6.30: maybe a time of day
_OTHER: dict[Side, Side] = {"src": "tgt", "tgt": "src"}


_DIGITS_RE = re.compile(r"\d+")


_CJK_LANGS = frozenset({"zh", "ja"})
_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
               "九": 9}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_BIG = {"万": 10_000, "亿": 100_000_000}
_CJK_CHAR_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_NUMERAL_RE = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_CJK_DIGITS_RE = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*([万亿]*)")
_CJK_DECADE_RE = re.compile(r"(?<!\d)(\d0)年代")


def _cjk_numeral(run: str) -> int:
    """十八 = 18, 五千 = 5000, 三万五千 = 35000, 一千九百二十一 = 1921 (digit by digit when no
    unit: 二〇一二 = 2012)."""
    if not any(c in _CJK_UNITS or c in _CJK_BIG for c in run):
        return int("".join(str(_CJK_DIGITS[c]) for c in run if c in _CJK_DIGITS) or 0)
    total = section = number = 0
    for char in run:
        if char in _CJK_DIGITS:
            number = _CJK_DIGITS[char]
        elif char in _CJK_UNITS:
            section += (number or 1) * _CJK_UNITS[char]
            number = 0
        else:
            total = (total + section + number) * _CJK_BIG[char]
            section = number = 0
    return total + section + number


def _cjk_values(text: str) -> Counter[Decimal]:
    """The numbers of a Chinese or Japanese text, as a multiset: digits wherever they stand
    (1860年, 10%), scaled by 万 and 亿 (85万 = 850,000, 3.5亿 = 350,000,000, 10万亿 = 10^13), and numerals in
    characters (十八大 = 18, 五千多年 = 5000)."""
    found: Counter[Decimal] = Counter()
    text = unicodedata.normalize("NFKC", text)  # full-width digits and marks: ２，５００ = 2,500, 7：30
    for m in _CJK_DECADE_RE.finditer(text):  # 60年代: the sixties
        found.update(Decimal(century + int(m.group(1))) for century in (1900, 2000))
    for m in _CJK_DIGITS_RE.finditer(text):
        value = Decimal(m.group(1).replace(",", "")) * math.prod(_CJK_BIG[c] for c in m.group(2))  # 10万亿 = 10^13
        found[value.normalize() if value != value.to_integral() else value.to_integral()] += 1
    for m in _CJK_NUMERAL_RE.finditer(text):
        found[Decimal(_cjk_numeral(m.group()))] += 1
    return found


def _spelled_values(text: str, lang: str) -> Counter[Decimal]:
    """The values of the numbers written in words in `text` (text2num's languages: en, de,
    fr, es, it, nl, pt; Chinese and Japanese numerals), as a multiset; empty for other
    languages."""
    if lang in _CJK_LANGS:
        return _cjk_values(text)
    try:
        from text_to_num import alpha2digit

        # French "mille" (thousand) never takes an s: "milles" are miles (sept cent milles)
        words = _FRENCH_MILES_RE.sub(" ~ ", text) if lang == "fr" else text
        converted = alpha2digit(words, lang, threshold=0)
    except (ValueError, KeyError, NotImplementedError, ImportError):
        return Counter()
    found = Counter(Decimal(d) for d in _DIGITS_RE.findall(converted))
    found.subtract(Counter(Decimal(d) for d in _DIGITS_RE.findall(words)))
    # numbers at the head of a compound: zweimonatig, Achtzehnjährige, Achttausender, twofold
    # (in the converted text: words text2num read whole, seventeenth, are digits there)
    found.update(v for w in _LETTERS_RE.findall(converted) if (v := _compound_number(w.lower(), lang)) is not None)
    return Counter({value: n for value, n in found.items() if n > 0})


_LETTERS_RE = re.compile(r"[^\W\d_]{6,}")
_FRENCH_MILES_RE = re.compile(r"(?<!\w)milles(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=65536)
def _compound_number(word: str, lang: str) -> Decimal | None:
    """The number a compound word opens with (its longest head of at least three letters that
    text2num reads, before at least two more letters), if it is 2 or more; None otherwise."""
    from text_to_num import text2num

    for end in range(len(word) - 2, 2, -1):
        try:
            value = text2num(word[:end], lang)
        except (ValueError, KeyError, NotImplementedError):
            continue
        return Decimal(value) if value >= 2 else None
    return None


def check_numbers(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Issue]:
    """Numbers, amounts, percentages, dates, years and identifiers of one bead that have no
    counterpart on the other side. See the module docstring for the rules."""
    s_data, t_data = _locale_data(src_lang), _locale_data(tgt_lang)
    found: dict[Side, list[_Item]] = {"src": _extract(src, s_data, t_data), "tgt": _extract(tgt, t_data, s_data)}
    side_data: tuple[tuple[Side, _LocaleData], ...] = (("src", s_data), ("tgt", t_data))
    for side, data in side_data:
        if data.lang in _CJK_LANGS:
            # digits there stand glued to characters and full-width marks (1860年, 10：00): that
            # side is read by _cjk_values, to account for the other side's numbers
            found[side] = [a for a in found[side] if a.kind == "word"]
    digits: dict[Side, list[_Item]] = {side: [a for a in items if a.kind != "word"] for side, items in found.items()}
    if not digits["src"] and not digits["tgt"]:
        return []
    words = {side: [a for a in items if a.kind == "word"] for side, items in found.items()}
    sides: tuple[Side, Side] = ("src", "tgt")

    # 0. the same thing written the same way is never a difference (a text given as both sides
    # in two locales: €1,000 reads 1000 in one and 1 in the other)
    for a in digits["src"]:
        b = next((b for b in digits["tgt"] if not b.used and b.text == a.text), None)
        if b is not None:
            _use(a, b)
    # 1. exact matches
    for a in digits["src"]:
        b = None if a.used else next((b for b in digits["tgt"] if not b.used and _compatible(a, b)), None)
        if b is not None:
            _use(a, b)
    # 1b. an identifier that the other side writes spaced (K2 / K 2, A4 / A 4)
    texts = {"src": src, "tgt": tgt}
    for side in sides:
        other = _OTHER[side]
        for a in digits[side]:
            if a.used or a.kind != "id" or not (glued := _SPACED_ID_RE.fullmatch(a.text)):
                continue
            spaced = re.compile(rf"(?<!\w){re.escape(glued.group(1))}[ \u00a0]+{glued.group(2)}(?!\d)", re.IGNORECASE)
            if place := spaced.search(texts[other]):
                n = next((n for n in digits[other] if not n.used and n.start <= place.end() <= n.end + 1), None)
                _use(a, *([n] if n is not None else []))
    # 1c. a time of day the other side writes as a plain number (23.45 / 23.45 Uhr, 6.30 / 6:30)
    for side in sides:
        other = _OTHER[side]
        for a in digits[side]:
            if a.used or a.kind != "num" or a.currency or a.percent or not _CLOCK_RE.fullmatch(a.text):
                continue
            hour, minute = map(int, re.split(r"[.,]", a.text))
            t = next((t for t in digits[other] if not t.used and t.kind == "time"
                      and next(iter(t.keys))[1:] in ((hour, minute), (hour + 12, minute))), None)
            if t is not None:
                _use(a, t)
    # 2. spelled-out numbers and Roman numerals satisfy digits of the other side; then German
    # articles satisfy a leftover 1 ("1 question" / "eine Frage")
    for weak in (False, True):
        for side in sides:
            for a in digits[side]:
                if a.used or (weak and (a.kind != "num" or a.value != 1)):
                    continue
                w = next((w for w in words[_OTHER[side]] if not w.used and w.weak == weak and a.keys & w.keys), None)
                if w is not None:
                    _use(a, w)

    # 2b. numbers spelled out in running text, of any size and as ordinals (dos mil, quatre
    # mille deux cents, thirty-nine, PRIMERO), read by text2num; a Chinese or Japanese value
    # the number rounds (1576万 / almost 16 million) is kept for step 4's warning
    rounded_cjk: list[tuple[Side, _Item, Decimal]] = []
    for side in sides:
        other = _OTHER[side]
        other_lang = (t_data if other == "tgt" else s_data).lang
        cjk = other_lang in _CJK_LANGS  # there, digits stand glued to characters: read them all
        leftover = [a for a in digits[side] if not a.used and (a.kind == "num" and (cjk or not a.percent)
                                                               or (cjk and a.kind in ("date", "time")))]
        if leftover:
            spelled = _spelled_values(tgt if other == "tgt" else src, other_lang)
            for a in leftover:
                if a.kind == "date":
                    assert a.date is not None  # every date item has its date
                    wanted = [Decimal(v) for v in a.date if v is not None]
                elif a.kind == "time":
                    ((_, hour, minute),) = a.keys
                    hour = hour if spelled[Decimal(hour)] > 0 else (hour % 12 or 12)  # 22:00 / 晚上10：00
                    wanted = [Decimal(hour), Decimal(minute)] if minute else [Decimal(hour)]
                else:
                    assert a.value is not None  # every "num" item has its value
                    wanted = [a.value]
                if all(spelled[v] > 0 for v in wanted):
                    for v in wanted:
                        spelled[v] -= 1
                    _use(a)
                elif cjk and a.kind == "num" and (near := _rounded_value(a, spelled)) is not None:
                    spelled[near] -= 1
                    _use(a)
                    rounded_cjk.append((side, a, near))

    issues: list[Issue] = []
    # 3. a date given only as its year (and day) on the other side
    for side in sides:
        other = _OTHER[side]
        for a in digits[side]:
            if a.kind == "date" and not a.used and (parts := _date_parts_match(a, digits[other])):
                _use(a, *parts)
                shown = ", ".join(p.text for p in parts)
                issues.append(_issue("warning", f"date {a.text} in the {_NAME[side]} appears in the {_NAME[other]} "
                                     f"only as {shown}", _span(side, a), *(_span(other, p) for p in parts)))

    # 3b. a time of day written as a bare number on the other side (6:03 Uhr / "603"): a speech
    # transcript's way of writing the clock, or a reading of it; the digits agree
    for side in sides:
        other = _OTHER[side]
        for a in digits[side]:
            if a.kind != "time" or a.used:
                continue
            ((_, hour, minute),) = a.keys
            as_number = {Decimal(f"{h}{minute:02d}") for h in {hour, hour % 12 or 12}}
            n = next((n for n in digits[other] if not n.used and n.kind == "num" and n.value in as_number
                      and not n.currency and not n.percent), None)
            if n is not None:
                _use(a, n)
                issues.append(_issue("warning", f"time {a.text} in the {_NAME[side]} is written {n.text} in the "
                                     f"{_NAME[other]}", _span(side, a), _span(other, n)))

    # 4. rounding
    for a in digits["src"]:
        b = None if a.used else next((b for b in digits["tgt"] if not b.used and _rounded(a, b)), None)
        if b is not None:
            _use(a, b)
            issues.append(_issue("warning", f"{a.label} {a.text} in the source is {b.text} in the target "
                                 "(probably rounded)", _span("src", a), _span("tgt", b)))

    # 4b. a Chinese or Japanese figure the other side rounds (kept in step 2b)
    for side, a, v in rounded_cjk:
        issues.append(_issue("warning", f"{a.label} {a.text} in the {_NAME[side]} is {v:,f} in the "
                             f"{_NAME[_OTHER[side]]} (probably rounded)", _span(side, a)))

    # 5. changed values: one issue for both sides
    for a, b in _pairs(digits["src"], digits["tgt"]):
        _use(a, b)
        evidence = (_span("src", a), _span("tgt", b))
        if a.kind == "date" and _less_precise_date(a, b):
            issues.append(_issue("warning", f"date {a.text} in the source is {b.text} in the target "
                                 "(one gives less detail)", *evidence))
        elif a.kind == "id" and _same_digits(a, b):
            issues.append(_issue("info", f"identifier {a.text} in the source is {b.text} in the target "
                                 "(same digits; a translated name?)", *evidence))
        elif a.kind == "num" and a.keys & b.keys:
            issues.append(_issue("error", f"{a.label} {a.text} in the source is {b.text} in the target: "
                                 "the currency differs", *evidence))
        else:
            issues.append(_issue("error", f"{a.label} {a.text} in the source became {b.text} in the target",
                                 *evidence))

    # 6. repeats, and values with no counterpart at all; a year the translation adds for its
    # reader (founded in 1921, since reform and opening up in 1978) while every year of the
    # source is there is no change
    years_kept = not _years(digits["src"], src, s_data) - _years(digits["tgt"], tgt, t_data)
    for side in sides:
        here, there = digits[side], digits[_OTHER[side]]
        for a in here:
            if a.used:
                continue
            if any(_compatible(a, o) for o in there):
                n_here = sum(1 for x in here if _compatible(a, x))
                n_there = sum(1 for o in there if _compatible(a, o))
                issues.append(_issue("warning", f"{a.label} {a.text} appears {n_here} times in the {_NAME[side]} "
                                     f"but {n_there} in the {_NAME[_OTHER[side]]}", _span(side, a)))
            else:
                message = f"{a.label} {a.text} in the {_NAME[side]} {NO_COUNTERPART} {_NAME[_OTHER[side]]}"
                if a.kind == "id":
                    # an identifier alone is a term, often paraphrased (CO2 / carbon): its own
                    # check, not a number error
                    issues.append(Issue(ID_CATEGORY, ID_CHECK, "warning", message, (_span(side, a),)))
                elif side == "tgt" and a.yearlike and years_kept:
                    issues.append(_issue("warning", f"year {a.text} in the target is not in the source "
                                         "(added for the reader?)", _span(side, a)))
                else:
                    issues.append(_issue("error", message, _span(side, a)))
    issues.sort(key=lambda i: tuple(min((sp.start for sp in i.evidence if sp.side == side), default=math.inf)
                                    for side in sides))
    return issues
