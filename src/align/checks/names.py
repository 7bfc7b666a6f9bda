"""Names check: proper names, organisations, acronyms and products that one side of a bead has
and the other lacks, and names that look misspelt on one side.

Candidates come mainly from the side whose language does not capitalise nouns (English,
French, ...): capitalised words that do not start a sentence or stand in a Title Case heading,
acronyms (NATO, CEAS) and words with inner capitals (iPhone, AfD), grouped into phrases
("Julia Hartmann", "Institute for European Policy Studies"). From a German side only acronyms
and inner-capital words are taken, since German capitalises every noun. Words at a sentence
start are still compared (a slip there is reported) but never reported as missing, unless the
table knows them (Prague, Russia) or the bead also capitalises them elsewhere.

A candidate has a counterpart when the other side has

* the same word, up to case, diacritics and an inflection ending (Suwałki/Suwalki, Russlands),
* the same word after transliteration rules (sch/sh, tsch/ch, zh/sch, w/v, j/y/i, c/k, z/s ...:
  Lukashenko/Lukaschenko, Baltiysk/Baltijsk),
* a form listed for it in the exonym table (exonyms.tsv, plus country and language names from
  babel's locale data: Moscow/Moskau, Rwanda/Ruanda, CEAS/GEAS, United Kingdom/britisch), or
* a word sharing its stem, containing it (compounds: NATO-Gipfel, Mittelmeerstaaten), with the
  same consonant skeleton (Zhuravleva/Schurawljowa) or a close spelling.

Findings:

* ``name-misspelling`` (category ``misspelling``, severity error): a candidate with no exact
  counterpart while the other side has a capitalised word one typing slip away (a doubled,
  dropped, inserted, swapped or replaced letter: Ryanair/Ryannair, Hartmann/Hartman) that is
  no translation of another word of the bead and that no rule explains. Explained, so never
  reported: transliteration (the key rules above), endings (Europe/Europa, Programme/Programm,
  Studies/Studien, Model/Modell, Prague/Prager), doubled vowels (Harlem/Haarlem), ss between
  vowels (Vasily/Wassili), j/y before a vowel (Pobeda/Pobjeda), letters replaced in acronyms
  (ADHD/ADHS) and forms the table lists (Hanover/Hannover).
* ``name-mismatch`` (category ``inconsistent-entities``, severity warning): a candidate phrase
  with no counterpart at all. Always a warning, never an error: translators legitimately
  replace names by pronouns or descriptions ("the alliance" for NATO) or add them for clarity
  (NATO-Gipfel for "the Madrid summit"), so a missing name is a thing to look at, not a defect.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..model import Issue, Side, Span

__all__ = ["check_names"]

CATEGORY_MISMATCH = "inconsistent-entities"
CATEGORY_MISSPELLING = "misspelling"
CHECK_MISMATCH = "name-mismatch"
# Languages written in another script than Latin: names there are transliterated.
OTHER_SCRIPT = frozenset("zh ja ko th ar fa he ru uk bg sr el hi".split())
CHECK_MISSPELLING = "name-misspelling"

# Languages that capitalise every noun: capitalisation tells nothing about names there.
NOUN_CAPITALISING = frozenset({"de", "lb"})
TABLE_PATH = Path(__file__).with_name("exonyms.tsv")
TABLE_LANGS = ("en", "de", "fr")
_MAX_PHRASE = 6

# ---------------------------------------------------------------------------------------------
# word lists

# Capitalised words that are no names in English, French or Spanish, and honorifics (fold forms, no diacritics).
_STOP = frozenset("""
a an the and or but nor of in on at to for with by from as is are was were be been being am
it its it's this that these those there here he she we they you i me my mine our ours your
yours his her hers their theirs him them us who whom whose which what when where why how
not no yes if so do does did done can could will would shall should may might must just all
any some each every both either neither none one two three first second last next new old
after before over under about into onto up down out off again also even still only very more
most much many such than then now well oh hey hi hello okay ok wow yeah yep nope please thanks
thank dear sir madam mr mrs ms dr prof st let lets let's like since until while though although
because however therefore thus meanwhile today tomorrow yesterday tonight good great best
god gods lord man men woman women people everyone everybody someone somebody nobody nothing
something anything everything ha haha lol omg btw imo wtf yea yeah yay nah cont ps pls
lot lots really have had has get got go went make made know want need see say said
jan feb mar apr jun jul aug sep sept oct nov dec
le la les un une des du au aux et ou mais donc ni car ce cet cette ces il elle ils elles on
nous vous je tu moi toi lui leur leurs mon ma mes ton ta tes son sa ses notre nos votre vos qui
que quoi dont quand comme si ne pas plus tres tout tous toute toutes deux trois dans sur sous
avec sans pour par vers chez entre depuis pendant apres avant puis ensuite enfin aussi encore
voir cf
miss missus master mademoiselle madame monsieur mme mlle mm messieurs señor senor señora senora señorita
senorita don doña dona herr frau fraulein fräulein
el los las una unos unas del al y o pero que como cuando donde quien cual muy ya
""".split())
# Function words that only Title Case capitalises inside a sentence (How NATO Is Rethinking).
_TITLE_WORDS = frozenset("""
a an the and or but nor of in on at to for with by from as is are was were be been it its this
that me my your you we our us they their not no how what why when where who can do does did
off up out into onto over under after before about than if so all
""".split())
# Month and day names: compared (a slip is reported), never reported missing (dates are the
# numbers check's business). Their translations come from babel.
_CALENDAR = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december lundi mardi mercredi jeudi vendredi samedi
dimanche janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
""".split())

_STOP_DE = frozenset("""
der die das den dem des ein eine einer eines einem einen und oder aber doch denn sondern man
wir sie ich du er es ihr ihm ihn ihnen uns euch mich dich sich mein meine dein deine sein seine
unser unsere euer eure in im am an auf aus bei mit nach von vom vor zu zum zur für über unter
um durch gegen ohne bis seit wie was wer wo wann warum wenn dass als auch nicht kein keine noch
so da dann nur schon hier dort jetzt heute ja nein nun also zwar dieser diese dieses jeder
jede jedes alle alles viel viele mehr sehr gut neue neuen erste ersten letzte letzten ob weil
obwohl während damit sodass hat haben ist sind war waren wird werden kann können soll sollen
muss müssen will wollen darf dürfen mag gibt geht herr frau
""".split())

# Title and institution words: translated as ordinary words ("Council" -> "Rat"), so a phrase
# made only of them is never reported and they are never checked for misspelling.
_GENERIC = frozenset("""
parliament council commission committee government ministry minister president chancellor
court office agency department union party bank fund programme program institute university
college school academy society association federation foundation senate house assembly
congress army navy air force forces police service services authority board centre center
group company corporation republic kingdom state states federal national international
european united democratic social socialist christian liberal conservative green greens
labour left right policy studies affairs foreign interior justice defence defense security
health education finance economy economic energy environment development research trade
transport agriculture culture migration refugees human rights law act treaty pact agreement
convention declaration charter constitution day week year prize award summit conference forum
games cup championship league world war revolution empire church north south east west
northern southern eastern western central upper lower great saint mount river lake sea ocean
island islands bay gulf street square road avenue park station airport hospital museum
gallery library hall tower bridge palace castle cathedral city county region province
district king queen prince princess pope general colonel captain secretary chief director
chairman mayor governor senator judge professor doctor father mother brother sister uncle
aunt internet web online team fellow senior junior system strategy plan report network
mount mont monte monts pic pik piz col lac tour pointe aiguille glacier peak ridge valley
societe fondation place haut haute grand grande petit petite sainte
""".split())

_STOP_ACRONYMS = frozenset("""
ok tv am pm ps pc id dm pdf faq diy asap fyi tbh lol omg wtf btw imo imho tl dr aka ad bc
ce tba tbd etc vs oh ah uh ha hm hmm yes no eh mah kwh mwh gwh twh mhz ghz khz kb mb gb tb hp
km kg cm mm mph rpm
""".split())
# Words after which a capitalised word is more likely a common noun or a title (my Grandma).
_DETERMINERS = frozenset("my your his her our their a an".split())

# Abbreviations whose full stop does not end a sentence (Dr. Smith).
_TITLES = frozenset("mr mrs ms dr prof st sr jr gen col lt capt sgt rev hon no nr vs dipl ing"
                    .split())

# Lowercase words allowed inside a name phrase: particles (Ursula von der Leyen) ...
_PARTICLES = frozenset("de von van der den du des di da del al bin la le y zu".split())
# ... and words that join a phrase after a generic word (Institute for ..., Bank of England)
_CONNECTORS = frozenset("of for".split())
# Words ignored when comparing table phrases (Bosnia and Herzegovina / Bosnia & Herzegovina).
_TABLE_SKIP = frozenset("and und et & the of der die das de la le".split())

# Inflection endings the other side may add to a name (German cases, plurals).
_INFLECTIONS = ("s", "es", "n", "en", "e", "er", "ern", "ns", "ens", "em")
_VOWELS = frozenset("aeiouy")
_ENDING_LETTERS = frozenset("aeiouysn")

# ---------------------------------------------------------------------------------------------
# normalisation

_WORD_RE = re.compile(r"[^\W\d_]+")
_MASK_RE = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+|(?<![\w@])@\w+")
_ROMAN_RE = re.compile(r"[IVXLC]{1,5}")
_ACRONYM_PLURAL_RE = re.compile(r"([A-Z]{2,})s")
_APOSTROPHES = "'’ʼ`"
_CONTRACTIONS = frozenset({"s", "t", "re", "ll", "ve", "d", "m"})
_OPENERS = "\"'“”„‘’‚«»‹›([{*•·-–—/|…#>¿¡"
_QUOTES = "\"“”„‘‚«»‹›'"
_ENDERS = ".!?:;…"

_SPECIAL = str.maketrans({"ß": "ss", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d",
                          "Đ": "d", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i",
                          "þ": "th", "ð": "d"})
_UMLAUT_AS_E = str.maketrans({"ä": "e", "ö": "o", "ü": "u"})

_KEY_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r) for p, r in (
        ("tsch", "ch"), ("sch", "sh"), ("zh", "sh"), ("cz", "ch"), ("kh", "ch"), ("ck", "k"),
        ("ph", "f"), ("qu", "kv"), ("q", "k"), ("x", "ks"), ("c(?!h)", "k"), ("t[zs]", "s"),
        ("z", "s"), ("w", "v"), ("i[yj]", "i"), ("[yj]i", "i"), ("[yj]", "i"), ("ou", "u"),
        ("oe", "o"), ("ae", "e"), ("ue", "u"),
    ))
_SKELETON_RE = re.compile(r"[aeiou]")
_REPEAT_RE = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    """Lowercase without diacritics: 'Suwałki' -> 'suwalki', 'Kalniņš' -> 'kalnins'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def _key(text: str) -> str:
    """Transliteration key: spellings of one name across languages mostly share it
    (Lukashenko/Lukaschenko, Yevgenia/Jewgenija, Donetsk/Donezk, Commission/Kommission).
    Doubled letters stay (Hartmann != Hartman)."""
    if len(text) >= 2 and text.isupper():
        return _fold(text)  # acronyms are compared letter by letter
    key = _fold(text.casefold().translate(_UMLAUT_AS_E))
    for pattern, repl in _KEY_RULES:
        key = pattern.sub(repl, key)
    return key


@lru_cache(maxsize=65536)
def _skeleton(key: str) -> str:
    return _REPEAT_RE.sub(r"\1", _SKELETON_RE.sub("", key))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _inflected(base: str, word: str) -> bool:
    """`word` is `base` plus an inflection ending that does not double its last letter."""
    if not word.startswith(base) or len(word) == len(base):
        return word == base
    ending = word[len(base):]
    if base[-1] == "e" and ending in ("r", "m", "rn"):
        return True  # Prague/Prager-style: the e of the ending is the name's own
    return ending in _INFLECTIONS and ending[0] != base[-1]


def _has_ending(word: str, ending: str) -> bool:
    """`word` is a stem of 3+ letters plus the inflection `ending` (not a doubled letter)."""
    n = len(word) - len(ending)
    return n >= 3 and word.endswith(ending) and word[n - 1] != ending[0]


def _stem_match(name: str, word: str) -> bool:
    """Lenient: `word` (a key from the other side) shares `name`'s stem or contains it."""
    n = len(name)
    if n <= 3:
        return word == name or _inflected(name, word)
    if word.startswith(name):
        return True
    if n >= 5 and name in word:
        return True
    cp = _common_prefix(name, word)
    if n >= 5 and cp >= max(4, n - 2):
        return True
    return n >= 8 and cp >= n - 3


@lru_cache(maxsize=65536)
def _lenient(name: str, word: str) -> bool:
    """Stem, compound, consonant-skeleton or close-spelling match between two keys."""
    if _stem_match(name, word):
        return True
    if len(name) >= 5 and len(word) >= 4 and word in name and len(word) >= len(name) - 2:
        return True
    sk_name, sk_word = _skeleton(name), _skeleton(word)
    if len(sk_name) >= 4 and name[0] == word[0] and sk_word.startswith(sk_name):
        return True
    if len(name) >= 6 and abs(len(name) - len(word)) <= 4:
        matcher = difflib.SequenceMatcher(None, name, word, autojunk=False)
        if matcher.real_quick_ratio() >= 0.8 and matcher.ratio() >= 0.8:
            return True
    return False


# ---------------------------------------------------------------------------------------------
# typing slips


def _single_edit(a: str, b: str) -> tuple[str, int] | None:
    """The one edit turning `a` into `b` (kind, position in `a`), or None if not one edit."""
    la, lb = len(a), len(b)
    if a == b or abs(la - lb) > 1:
        return None
    i = _common_prefix(a, b)
    if la == lb:
        if a[i + 1:] == b[i + 1:]:
            return ("sub", i)
        if i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]:
            return ("swap", i)
        return None
    if lb == la + 1:
        return ("ins", i) if a[i:] == b[i + 1:] else None
    return ("del", i) if a[i + 1:] == b[i:] else None


NO_SLIP, DOUBTFUL_SLIP, SLIP = 0, 1, 2


def _slip(a: str, b: str, acronym: bool = False, substitution: bool = True) -> int:
    """SLIP: `b` differs from `a` by one typing slip that spelling conventions do not explain;
    DOUBTFUL_SLIP: by a doubled vowel, a slip or a spelling variant (Harlem/Haarlem)."""
    edit = _single_edit(a, b)
    if edit is None:
        return NO_SLIP
    kind, i = edit
    n = len(a)
    if i == 0 and n < 6:
        return NO_SLIP  # a different first letter in a short word: more likely another word
    if kind == "sub":
        if acronym or not substitution or i == 0:
            return NO_SLIP  # acronyms are translated letter by letter: ECB/EZB, ADHD/ADHS;
            # another first letter is more often another word (Leitung/Zeitung)
        if i == n - 1 and (a[i] in _VOWELS or b[i] in _VOWELS):
            return NO_SLIP  # ending adapted: Europe/Europa, Maria/Marie, Dmitry/Dmitri
        if i >= n - 3 and a[i] in _VOWELS and b[i] in _VOWELS:
            return NO_SLIP  # vowel of the last syllable: Stephen/Stephan
        return SLIP
    if kind == "swap":
        return NO_SLIP if i == n - 2 and a[i:] in ("re", "er", "le", "el") else SLIP  # Centre
    longer, p = (b, i) if kind == "ins" else (a, i)
    char = longer[p]
    if char in "jy" and 0 < p < len(longer) - 1 and longer[p + 1] in _VOWELS:
        return NO_SLIP  # transliterated soft vowel: Pobeda/Pobjeda, Aleksei/Alexej
    left = p > 0 and longer[p - 1] == char
    right = p + 1 < len(longer) and longer[p + 1] == char
    if (left or right) and char in _VOWELS and not acronym:
        return DOUBTFUL_SLIP  # doubled vowels vary between languages: Harlem/Haarlem, Saar
    if (left or right) and char == "s":
        q = p - 1 if left else p
        if 0 < q and q + 2 < len(longer) and longer[q - 1] in _VOWELS \
                and longer[q + 2] in _VOWELS:
            return NO_SLIP  # German ss between vowels in a transliteration: Vasily/Wassili
    if p >= len(longer) - 1 and not (left or right) and char in _ENDING_LETTERS:
        return NO_SLIP  # ending added or dropped: Programme/Programm, Marseilles/Marseille
    if kind == "ins" and p >= len(longer) - 2 and left and char in "ltpf" and p == len(b) - 1:
        return NO_SLIP  # German doubles a final consonant: Model/Modell, Metal/Metall
    return SLIP


# ---------------------------------------------------------------------------------------------
# the table


@dataclass(frozen=True)
class _Table:
    index: dict[str, frozenset[int]]  # phrase key -> concept ids
    variants: tuple[tuple[tuple[str, ...], ...], ...]  # concept id -> variants as key tuples
    longest: int
    words: tuple[frozenset[str], ...]  # concept id -> its one-word forms, folded (moskau)


def _phrase_keys(text: str) -> tuple[str, ...]:
    return tuple(_key(w) for w in _WORD_RE.findall(text) if w.casefold() not in _TABLE_SKIP)


@lru_cache(maxsize=1)
def _table() -> _Table:
    concepts: list[list[str]] = []
    for line in TABLE_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "en\t")):
            continue
        concepts.append([v.strip() for cell in line.split("\t") for v in cell.split("|")
                         if v.strip()])
    listed = len(concepts)
    concepts.extend(_babel_concepts())
    index: dict[str, set[int]] = {}
    variants: list[tuple[tuple[str, ...], ...]] = []
    words: list[frozenset[str]] = []
    longest = 1
    for cid, names in enumerate(concepts):
        words.append(frozenset(_fold(n) for n in names if _WORD_RE.fullmatch(n)))
        # babel's very short names (Yi, Ga) would match common words; the listed ones are chosen
        keyed = tuple(dict.fromkeys(k for k in (_phrase_keys(n) for n in names)
                                    if k and (cid < listed or len(" ".join(k)) >= 3)))
        variants.append(keyed)
        for k in keyed:
            index.setdefault(" ".join(k), set()).add(cid)
            longest = max(longest, len(k))
    return _Table({k: frozenset(v) for k, v in index.items()}, tuple(variants),
                  min(longest, _MAX_PHRASE), tuple(words))


def _codes(names: Iterable[str | int | None]) -> list[str]:
    """The codes of a babel name table (language or territory): strings, though babel's
    types allow any locale-data key."""
    return [code for code in names if isinstance(code, str)]


def _babel_concepts() -> list[list[str]]:
    """Country, region and language names in the table's languages, from babel's CLDR data."""
    try:
        from babel import Locale
        from babel.core import get_global
        from babel.languages import get_official_languages
    except ImportError:  # pragma: no cover - babel is a dependency of the package
        return []
    locales = [Locale.parse(lang) for lang in TABLE_LANGS]
    home: dict[str, list[str]] = {}  # territory -> its main language, if mainly spoken there
    likely = get_global("likely_subtags")
    for code in _codes(locales[0].languages):
        if len(code) == 2 and code != "en":
            parts = str(likely.get(code, "")).split("_")
            if len(parts) >= 2 and parts[-1].isupper() \
                    and get_official_languages(parts[-1])[:1] == (code,):
                home.setdefault(parts[-1], []).append(code)
    out: list[list[str]] = []
    for code in _codes(locales[0].territories):
        if code in ("001", "ZZ") or (code.isdigit() and code not in ("150", "002", "142", "019")):
            continue
        names = [loc.territories[code] for loc in locales if code in loc.territories]
        for lang in home.get(code, ()):  # Germany ~ German/deutsch, Russia ~ Russian/russisch
            names += [loc.languages[lang] for loc in locales if lang in loc.languages]
        out.append(names)
    for code in _codes(locales[0].languages):
        if len(code) == 2:
            out.append([loc.languages[code] for loc in locales if code in loc.languages])
    for kind in ("months", "days"):
        for number in getattr(locales[0], kind)["format"]["wide"]:
            out.append([getattr(loc, kind)["format"]["wide"][number] for loc in locales])
    return out


# ---------------------------------------------------------------------------------------------
# tokens and candidates


@dataclass
class _Tok:
    start: int
    end: int
    text: str
    fold: str
    key: str
    cap: bool  # starts with a capital
    acronym: bool  # all capitals, two letters or more (NATO, EU, CO2, NGOs)
    mixed: bool  # inner capitals (iPhone, AfD, YouTube)
    initial: bool  # first word of a sentence, heading or quotation
    sep: str  # text between the previous token and this one
    weak: bool = False  # candidate too uncertain to report when unmatched
    soft: bool = False  # weak only for where it stands (sentence start, heading, ...)


def _tokens(text: str) -> list[_Tok]:
    masked = _MASK_RE.sub(lambda m: " " * len(m.group()), text)
    toks: list[_Tok] = []
    prev_end = 0
    for m in _WORD_RE.finditer(masked):
        word, start = m.group(), m.start()
        sep = masked[prev_end:start]
        if sep and sep[-1] in _APOSTROPHES and word.lower() in _CONTRACTIONS and toks \
                and sep == sep[-1]:
            prev_end = m.end()
            continue  # NATO's, it's, don't
        plural = _ACRONYM_PLURAL_RE.fullmatch(word)
        base = plural.group(1) if plural else word
        letters = sum(c.isalpha() for c in base)
        acronym = letters >= 2 and base.isupper()
        mixed = not acronym and any(c.isupper() for c in word[1:])
        # hashtags are often translated; CO2, A380, 12V are formulas and model numbers
        hashtag = sep.endswith("#")
        weak = hashtag or (acronym and masked[m.end():m.end() + 1].isdigit())
        toks.append(_Tok(start, start + len(base), base, _fold(base), _key(base),
                         word[0].isupper(), acronym, mixed, _starts_sentence(masked, start),
                         sep, weak, hashtag))
        prev_end = m.end()
    return toks


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start]
    if "\n" in before[-3:]:
        return True
    before = before.rstrip()
    stripped = before.rstrip(_OPENERS + " ")
    if not stripped:
        return True
    if stripped[-1] not in _ENDERS:
        return False
    if stripped[-1] == ".":
        prev = _WORD_RE.findall(stripped[-12:])
        if prev and (prev[-1].lower() in _TITLES or (len(prev[-1]) == 1 and prev[-1].isupper())):
            return False  # Dr. Smith, J. R. Tolkien
    return True


def _lang(code: str) -> str:
    return re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]


@dataclass
class _Phrase:
    toks: list[_Tok]  # the candidate words (connectors left out)
    start: int
    end: int


def _headline(toks: Sequence[_Tok], text: str) -> bool:
    """Title Case text (headings): capitalisation does not mark names there. A sentence of
    names only ("Hello, it's Bayano with Bayano Reno.") ends with a full stop."""
    words = [t for t in toks if t.text.isalpha() and len(t.text) >= 4 and not t.acronym
             and t.fold not in _STOP]
    if len(words) < 3:
        return False
    caps = sum(t.cap for t in words)
    cap_function = any(t.cap and not t.initial and t.fold in _TITLE_WORDS for t in toks)
    return (caps == len(words) and (cap_function or not text.rstrip().endswith("."))) \
        or (cap_function and caps >= 0.75 * len(words))


def _mark_shouting(toks: list[_Tok]) -> None:
    """All-capital stretches are emphasis, not acronyms."""
    caps = [t.acronym and len(t.text) >= 2 for t in toks]
    words = [t for t in toks if any(c.isalpha() for c in t.text)]
    if len(words) >= 4 and sum(t.acronym for t in words) / len(words) >= 0.5:
        for t in toks:
            if t.acronym:
                t.weak = True
        return
    i = 0
    while i < len(toks):
        j = i
        while j < len(toks) and caps[j]:
            j += 1
        if j - i >= 3:
            for t in toks[i:j]:
                t.weak = True
        i = max(j, i + 1)


def _weak_acronym(t: _Tok) -> bool:
    return (t.fold in _STOP_ACRONYMS or t.fold in _STOP or t.fold in _STOP_DE
            or _ROMAN_RE.fullmatch(t.text) is not None)


def _is_stop(fold: str) -> bool:
    return fold in _STOP or (fold.endswith("s") and fold[:-1] in _STOP)


def _candidates(toks: list[_Tok], full: bool, table: _Table, text: str) -> list[_Phrase]:
    """Name phrases of one side. `full`: the language does not capitalise nouns, so any
    capitalised word may be a name; otherwise only acronyms and inner-capital words."""
    _mark_shouting(toks)
    phrases: list[_Phrase] = []
    if not full:
        for t in toks:
            if t.acronym or t.mixed:
                t.weak = t.weak or _weak_acronym(t)
                phrases.append(_Phrase([t], t.start, t.end))
        return phrases

    headline = _headline(toks, text)
    known = _table_known(toks, table)
    # a word capitalised inside a sentence somewhere is a name at the start of one too
    mid_caps = Counter(t.fold for t in toks if t.cap and not t.initial)
    is_cand = [False] * len(toks)
    for i, t in enumerate(toks):
        if not (t.cap or t.acronym or t.mixed) or len(t.text) < 2:
            continue
        if t.acronym or t.mixed:
            is_cand[i] = True
            t.weak = t.weak or _weak_acronym(t)
            continue
        if _is_stop(t.fold):
            continue
        is_cand[i] = True
        if t.fold in _CALENDAR:
            t.weak = t.soft = True
            continue
        if i in known:
            continue
        after_det = i > 0 and toks[i - 1].fold in _DETERMINERS and t.sep.isspace()
        quoted = bool(t.sep.strip()) and t.sep.strip()[-1] in _QUOTES + "(" and (
            i == 0 or t.sep[0].isspace())
        if headline or after_det or quoted or (t.initial and not mid_caps[t.fold]):
            t.weak = t.soft = True
    # Title Case stretches inside a sentence ("it Makes Me Cry"): capitalised function words
    for i, t in enumerate(toks):
        if t.cap and not t.initial and t.fold in _TITLE_WORDS:
            run = []
            j = i
            while j + 1 < len(toks) and toks[j + 1].cap and toks[j + 1].sep.isspace():
                j += 1
                run.append(toks[j])
            j = i
            while j > 0 and toks[j - 1].cap and toks[j].sep.isspace():
                j -= 1
                run.append(toks[j])
            for u in run:
                if not (u.acronym or u.mixed):  # How NATO Is ...: NATO stays a name
                    u.weak = u.soft = True

    i = 0
    while i < len(toks):
        if not is_cand[i]:
            i += 1
            continue
        members = [toks[i]]
        j = i + 1
        while j < len(toks):
            sep = toks[j].sep.strip()
            if sep not in ("", "-", "&"):
                break
            if is_cand[j]:
                if (toks[j].acronym or toks[j].mixed) and not (members[-1].acronym
                                                               or members[-1].mixed):
                    break  # Eemshaven | LNG terminal (but: VFR Chart, EU Emissions ...)
                members.append(toks[j])
                j += 1
                continue
            word = toks[j].fold
            joins = word in _PARTICLES or (word in _CONNECTORS or word == "and") and any(
                m.fold in _GENERIC for m in members)  # not: Moscow for Riga
            if sep == "" and joins and j + 1 < len(toks) \
                    and is_cand[j + 1] and toks[j + 1].sep.strip() == "":
                if word == "and" and not (j + 2 < len(toks) and is_cand[j + 2]
                                          and toks[j + 2].sep.strip() == ""):
                    break
                j += 1
                continue
            break
        phrases.append(_Phrase(members, members[0].start, members[-1].end))
        i = j
    return phrases


def _table_known(toks: Sequence[_Tok], table: _Table) -> dict[int, list[int]]:
    """Token index -> indices of the longest table phrase starting there."""
    hits: dict[int, list[int]] = {}
    for i in range(len(toks)):
        for idx_list in _table_spans(toks, i, table):
            for k in idx_list:
                hits.setdefault(k, idx_list)
            break
    return hits


def _table_spans(toks: Sequence[_Tok], i: int, table: _Table) -> Iterable[list[int]]:
    """Spans of token indices from `i` that spell a table phrase, longest first."""
    found: list[list[int]] = []
    keys: list[str] = []
    idx: list[int] = []
    for j in range(i, min(len(toks), i + _MAX_PHRASE * 2)):
        if j > i and toks[j].sep.strip() not in ("", "-", "&", "."):
            break
        if toks[j].fold in _TABLE_SKIP:
            if j == i:
                break
            continue
        keys.append(toks[j].key)
        idx.append(j)
        if len(keys) > table.longest:
            break
        joined = " ".join(keys)
        if joined in table.index or (len(joined) >= 4 and joined.endswith("s")
                                     and joined[:-1] in table.index):
            found.append(list(idx))
    return reversed(found)


def _concepts(toks: Sequence[_Tok], idx: list[int], table: _Table) -> frozenset[int]:
    joined = " ".join(toks[k].key for k in idx)
    return table.index.get(joined) or (table.index.get(joined[:-1], frozenset())
                                       if len(joined) >= 4 else frozenset())


def _variant_present(variant: tuple[str, ...], other_keys: Sequence[str],
                     strict: bool = False) -> bool:
    if strict:
        return all(any(k == v or _inflected(v, k) for k in other_keys) for v in variant)
    return all(any(_stem_match(v, k) for k in other_keys) for v in variant)


# ---------------------------------------------------------------------------------------------
# matching


@dataclass
class _Found:
    missing: list[_Phrase]  # reportable phrases with no counterpart
    slips: list[tuple[_Tok, _Tok, int]]  # (name on this side, slip on the other, level)
    loose_acronym: bool = False  # some acronym, reportable or not, has no counterpart


def _compare(a_toks: list[_Tok], phrases: list[_Phrase], b_toks: list[_Tok], b_lang: str,
             table: _Table) -> _Found:
    b_keys = [t.key for t in b_toks]
    a_pos = {id(t): i for i, t in enumerate(a_toks)}
    # table phrases: Middle East / Nahen Osten, European Commission / Kommission. `exact`:
    # a listed form is there as spelt; `loose`: only something like it (maybe misspelt)
    exact: dict[int, set[str]] = {}  # token -> the listed words found, e.g. {"koenigsberg"}
    loose: set[int] = set()
    forms: dict[int, set[str]] = {}  # token -> its listed one-word forms (prague: prag, prager)
    for i in range(len(a_toks)):
        for idx in _table_spans(a_toks, i, table):
            concepts = _concepts(a_toks, idx, table)
            if len(idx) == 1:
                forms.setdefault(idx[0], set()).update(w for c in concepts for w in table.words[c])
            variants = [v for c in concepts for v in table.variants[c]]
            present = [v for v in variants if _variant_present(v, b_keys, strict=True)]
            if present:
                for k in idx:
                    exact.setdefault(k, set()).update(w for v in present for w in v)
                break
            if any(_variant_present(v, b_keys) for v in variants):
                loose.update(idx)
                break
    stop_b = _STOP_DE if b_lang in NOUN_CAPITALISING else _STOP
    found = _Found([], [])
    for phrase in phrases:
        unmatched: list[_Tok] = []
        anchors: dict[int, int] = {}  # phrase word -> the same word's index on the other side
        for n, t in enumerate(phrase.toks):
            pos = a_pos[id(t)]
            at = _strict_at(t, b_toks)
            # A slip is looked for even where the name is also spelt right (Affleck ...
            # Aflfeck) or the table finds it (Kalininggrad next to Königsberg), but never in
            # a form the table lists (Hanover/Hannover).
            slip = None
            if t.fold not in stop_b and (not t.weak or (t.soft and len(t.fold) >= 4)) and (
                    at < 0 or sum(x.fold == t.fold for x in a_toks)
                    > sum(_same(t, u) for u in b_toks)):  # Affleck twice, Affleck + Aflfeck
                listed = exact.get(pos, set())
                slip = _find_slip(t, a_toks, [u for u in b_toks if u.key not in listed
                                              and not any(_inflected(k, u.key) for k in listed)],
                                  stop_b, forms.get(pos, set()))
                if slip is not None:
                    found.slips.append((t, *slip))
            if at >= 0:
                anchors[n] = at
                continue
            if slip is not None:
                continue
            near = next((j for j, k in enumerate(b_keys) if len(k) >= 2 and _lenient(t.key, k)),
                        -1)
            if near >= 0:
                anchors[n] = near
            elif pos not in exact and pos not in loose:
                unmatched.append(t)
        if not unmatched:
            continue
        specific = [t for t in phrase.toks if t.fold not in _GENERIC]
        if specific and all(t in unmatched for t in specific):
            unmatched = phrase.toks  # Amnesty International: "International" is not enough
        if len(unmatched) < len(phrase.toks):
            # part of a person's name missing (Miriam Lindqvist / Miriam); other phrases
            # count as found when any word is (Central European Energy Programme)
            if _personal(phrase, exact, loose, a_pos):
                found.missing.extend(_Phrase([t], t.start, t.end) for t in unmatched
                                     if not t.weak and not _translated_part(
                                         phrase.toks.index(t), anchors, b_toks, stop_b))
            continue
        if _acronymic(phrase):
            found.loose_acronym = True
        if any(not t.weak and t.fold not in _GENERIC for t in phrase.toks):
            found.missing.append(phrase)
    return found


def _translated_part(n: int, anchors: dict[int, int], b_toks: Sequence[_Tok],
                     stop_b: frozenset[str]) -> bool:
    """Word `n` of a phrase is missing, but next to where the phrase's found words stand the
    other side has a capitalised word, likely its translation (Suwałki Gap/Suwalki-Lücke,
    Islamic Movement/Islamische Bewegung); a dropped surname leaves no such word."""
    for m, j in anchors.items():
        k = j + 1 if n > m else j - 1
        if not 0 <= k < len(b_toks):
            continue
        gap = b_toks[max(j, k)].sep.strip()
        if gap.strip(_QUOTES + "-‐–") == "" and b_toks[k].cap and b_toks[k].fold not in stop_b:
            return True
    return False


def _personal(phrase: _Phrase, exact: dict[int, set[str]], loose: set[int],
              a_pos: dict[int, int]) -> bool:
    """Looks like a person's name: two or three plain capitalised words, none generic or
    listed in the table."""
    toks = phrase.toks
    return 2 <= len(toks) <= 3 and all(
        t.cap and not t.acronym and not t.mixed and t.fold not in _GENERIC
        and a_pos[id(t)] not in exact and a_pos[id(t)] not in loose for t in toks) \
        and all(u.sep.isspace() for u in toks[1:])


def _strict(t: _Tok, b_toks: Sequence[_Tok]) -> bool:
    return _strict_at(t, b_toks) >= 0


def _strict_at(t: _Tok, b_toks: Sequence[_Tok]) -> int:
    """Index of a word in `b_toks` that is the same name up to case, diacritics,
    transliteration and inflection endings; -1 if none."""
    for j, u in enumerate(b_toks):
        if _same(t, u) or (t.mixed and j + 1 < len(b_toks)
                           and t.fold == u.fold + b_toks[j + 1].fold):
            return j  # (or words run together: AlbertEggler, BroadPeak)
    return -1


def _same(t: _Tok, u: _Tok) -> bool:
    """`u` is name `t` up to case, diacritics, transliteration and inflection endings."""
    if u.fold == t.fold or u.key == t.key or _inflected(t.key, u.key) \
            or _inflected(t.fold, u.fold):
        return True
    # the name may carry an ending itself: DIYers/DIYern (English plural, then any ending),
    # DIYern/DIYers (German ending, then the bare stem or an English plural)
    for e in ("s",) if t.fold.endswith("s") else _INFLECTIONS:
        if _has_ending(t.fold, e) and _has_ending(t.key, e):
            stem = t.key[:-len(e)]
            if u.key == stem or (_inflected(stem, u.key) if e == "s" else u.key == stem + "s"):
                return True
    return False


def _find_slip(t: _Tok, a_toks: Sequence[_Tok], b_toks: Sequence[_Tok],
               stop_b: frozenset[str], listed: Iterable[str] = ()) -> tuple[_Tok, int] | None:
    """A word on the other side one typing slip away from name `t` (or from a form the table
    lists for it, Moskau for Moscow; or from `t` without a final e, Programm for
    Programme): one edit of the spelling without diacritics that leaves the transliteration
    keys different. Returns the word and the slip level (SLIP beats DOUBTFUL_SLIP)."""
    if len(t.fold) < (3 if t.acronym else 4):
        return None
    names = {t.fold} | {f for f in listed if len(f) >= 4}
    if t.fold.endswith("e") and len(t.fold) >= 6:
        names.add(t.fold[:-1])  # Programme/Programm, Institute/Institut
    a_folds = {x.fold for x in a_toks}
    best: tuple[_Tok, int] | None = None
    for u in b_toks:
        if not u.cap or u.fold in stop_b or u.fold in a_folds or u.acronym != t.acronym \
                or _same(t, u):
            continue
        lower = u.text.casefold()
        forms = [u.text] + [u.text[:-len(e)] for e in _INFLECTIONS
                            if lower.endswith(e) and len(u.text) - len(e) >= len(t.text) - 1]
        # a common word starting a sentence may be a cognate: Number/Nummer
        level = max((_slip(name, _fold(f), t.acronym, not t.soft) for f in forms
                     for name in names if _key(f) != t.key and _key(f) != _key(name)),
                    default=NO_SLIP)
        if level == NO_SLIP or (best is not None and level <= best[1]):
            continue
        # the word must not be the translation of something else on this side
        if any(x.key != t.key and len(x.key) >= 3 and (_lenient(u.key, x.key)
                                                       or _lenient(x.key, u.key))
               for x in a_toks):
            continue
        best = (u, level)
    return best


# ---------------------------------------------------------------------------------------------
# the check


def check_names(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Issue]:
    """Names (people, places, organisations, acronyms, products) on one side of a bead with
    no counterpart on the other (warning), and names spelt differently by a typing slip
    (error). `src`/`tgt` are the bead's joined texts; evidence offsets index into them."""
    if not src.strip() or not tgt.strip():
        return []
    table = _table()
    sl, tl = _lang(src_lang), _lang(tgt_lang)
    s_toks, t_toks = _tokens(src), _tokens(tgt)
    s_phr = _candidates(s_toks, sl not in NOUN_CAPITALISING, table, src)
    t_phr = _candidates(t_toks, tl not in NOUN_CAPITALISING, table, tgt)
    found = {"src": _compare(s_toks, s_phr, t_toks, tl, table),
             "tgt": _compare(t_toks, t_phr, s_toks, sl, table)}
    # A side in another script writes names in its own letters (Coffeyville / 科菲维尔,
    # Lukashenko / Лукашенко): there only an acronym can stand as it is.
    # One name left unmatched on each side, spelt alike at the start, is one name in two
    # renderings (Candide / Candido, Cunegund / Cunegunda), not two missing names.
    rendered = [(a, b) for a in found["src"].missing for b in found["tgt"].missing if _renderings(a, b)]
    if rendered:
        pairs_src = {id(a) for a, _ in rendered}
        pairs_tgt = {id(b) for _, b in rendered}
        found["src"].missing = [p for p in found["src"].missing if id(p) not in pairs_src]
        found["tgt"].missing = [p for p in found["tgt"].missing if id(p) not in pairs_tgt]
    if (sl in OTHER_SCRIPT) != (tl in OTHER_SCRIPT):
        for side in ("src", "tgt"):
            found[side].missing = [p for p in found[side].missing if _acronymic(p)]
    # An unmatched acronym on each side is usually one acronym translated (GDPR/DSGVO,
    # ADHD/ADHS) or emphasis in capitals (VERY/SEHR): report neither.
    if all(f.loose_acronym for f in found.values()):
        for f in found.values():
            f.missing = [p for p in f.missing if not _acronymic(p)]

    issues: list[Issue] = []
    seen: set[tuple[str, str]] = set()
    sides: tuple[tuple[Side, str], ...] = (("src", src), ("tgt", tgt))
    for side, a_text in sides:
        for a_tok, b_tok, level in found[side].slips:
            s_tok, g_tok = (a_tok, b_tok) if side == "src" else (b_tok, a_tok)
            mark = (s_tok.fold, g_tok.fold)
            if mark in seen:
                continue
            seen.add(mark)
            issues.append(Issue(
                CATEGORY_MISSPELLING, CHECK_MISSPELLING, "error" if level == SLIP else "warning",
                f'name "{g_tok.text}" in the target differs from "{s_tok.text}" in the source '
                f"(misspelling?)",
                (Span("src", s_tok.start, s_tok.end, s_tok.text),
                 Span("tgt", g_tok.start, g_tok.end, g_tok.text))))
    for side, a_text in sides:
        here, there = ("source", "target") if side == "src" else ("target", "source")
        names_seen: set[str] = set()
        for phrase in found[side].missing:
            text = a_text[phrase.start:phrase.end]
            name_key = " ".join(t.fold for t in phrase.toks)
            if name_key in names_seen:
                continue
            names_seen.add(name_key)
            issues.append(Issue(
                CATEGORY_MISMATCH, CHECK_MISMATCH, "warning",
                f'name "{text}" in the {here} has no counterpart in the {there}',
                (Span(side, phrase.start, phrase.end, text),)))
    return issues


def _renderings(a: _Phrase, b: _Phrase, prefix: int = 5) -> bool:
    """Two one-word names that agree in their first `prefix` letters (folded) and differ only
    in an ending of at most three letters."""
    if len(a.toks) != 1 or len(b.toks) != 1 or _acronymic(a) or _acronymic(b):
        return False
    x, y = a.toks[0].fold, b.toks[0].fold
    common = len(next((x[:k] for k in range(min(len(x), len(y)), 0, -1) if x[:k] == y[:k]), ""))
    return common >= prefix and max(len(x), len(y)) - common <= 3


def _acronymic(phrase: _Phrase) -> bool:
    return all(t.acronym or t.mixed for t in phrase.toks)
