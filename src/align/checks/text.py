"""Checks on the wording of one aligned pair: untranslated text and mechanics.

Mechanics: URLs and e-mail addresses that differ (a localised /en/ -> /de/ path is only info),
unbalanced brackets or quotes (each language's own quotation marks count as correct),
mojibake, and a question turned into a statement.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ..model import Issue, Side, Span

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"“”„«»]+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_TRAILING_PUNCT = ".,;:!?)]}'\"’”“"
# UTF-8 read as Latin-1 / cp1252, and the replacement character.
_MOJIBAKE = re.compile(r"Ã[\u0080-\u00bf¤¶¼Ÿ©]|â€[\u0080-\u00bf™œ\u009d“”˜¢¦]|Â[\u00a0-\u00bf]|\ufffd")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_NOT_PROSE = re.compile(r"(?:https?://|www\.)\S+|[@#]\w+|\S+@\S+")
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\[\]„“”\"«»–—]")

# Frequent function words: a run of them in the target, in the source language, is text that
# was left untranslated. Short lists on purpose: only words that are not also words of the
# other languages here.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to is that for with this are were be been have has which "
                    "their they would could should from about into than these those its "
                    "there what when where who while because however been being".split()),
    "de": frozenset("der die das und ist nicht sich mit dem den des auf für von ein eine einer "
                    "auch als wird werden wurde sind noch nach bei aus wie oder aber dass über "
                    "zum zur vom durch gegen seine ihre diese dieser".split()),
    "fr": frozenset("le la les et est des du une dans pour que qui pas sur sont avec par mais "
                    "ou aux ces cette été être leur leurs comme plus".split()),
}

_BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"))
# a list label: one letter, a roman numeral or a number and ')' at the start of a sentence or
# after ';' / ':'
_LIST_LABEL_RE = re.compile(r"(?:^|(?<=[.!?;:]))\s*(?:[^\W\d_]|[ivx]{1,4}|\d{1,2})\s?\)(?=\s)")
# marks that open a quotation (to tell one that runs on into the next paragraph)
OPENING_QUOTES = "«„“\"»"


def _clean_url(url: str) -> str:
    return url.rstrip(_TRAILING_PUNCT)


def _localised(url: str, src_lang: str, tgt_lang: str) -> str:
    """The URL with language markers (/en/, ?lang=en, en.site) replaced by a placeholder."""
    lowered = url.lower()
    for lang in {src_lang.lower(), tgt_lang.lower()}:
        lowered = re.sub(rf"(?<=[/=.]){re.escape(lang)}(?:[-_][a-z]{{2}})?(?=[/&.#]|$)", "{lang}", lowered)
        lowered = re.sub(rf"^(https?://){re.escape(lang)}\.", r"\1{lang}.", lowered)
    return lowered.rstrip("/")


def _spans(pattern: re.Pattern[str], text: str, side: Side, clean: Callable[[str], str] = lambda s: s) -> list[Span]:
    out = []
    for match in pattern.finditer(text):
        value = clean(match.group())
        out.append(Span(side, match.start(), match.start() + len(value), value))
    return out


def check_links(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Issue]:
    issues: list[Issue] = []
    for pattern, what, clean in ((_URL, "URL", _clean_url), (_EMAIL, "e-mail address", lambda s: s)):
        src_spans = _spans(pattern, src, "src", clean)
        tgt_spans = _spans(pattern, tgt, "tgt", clean)
        tgt_exact = {s.text for s in tgt_spans}
        src_exact = {s.text for s in src_spans}
        unmatched_tgt = [s for s in tgt_spans if s.text not in src_exact]
        for span in (s for s in src_spans if s.text not in tgt_exact):
            key = _localised(span.text, src_lang, tgt_lang) if what == "URL" else None
            twin = next((t for t in unmatched_tgt
                         if key is not None and _localised(t.text, src_lang, tgt_lang) == key), None)
            if twin is not None:
                unmatched_tgt.remove(twin)
                issues.append(Issue("locale-specific-content", "url-localised", "info",
                                    f"URL localised: {span.text} -> {twin.text}", (span, twin)))
            elif unmatched_tgt:
                other = unmatched_tgt.pop(0)
                issues.append(Issue("inconsistent-entities", "link-mismatch", "warning",
                                    f"{what} differs: {span.text} in the source, {other.text} in the target",
                                    (span, other)))
            else:
                issues.append(Issue("omission", "link-missing", "warning",
                                    f"{what} {span.text} of the source is missing in the target", (span,)))
        for other in unmatched_tgt:
            issues.append(Issue("addition", "link-added", "warning",
                                f"{what} {other.text} in the target is not in the source", (other,)))
    return issues


def _without_list_labels(text: str) -> str:
    """`text` with its list labels blanked; a ')' that closes a bracket opened before it (the
    ratio was 3:2) and so on) is no label."""
    out, last = [], 0
    for m in _LIST_LABEL_RE.finditer(text):
        before = text[:m.start()]
        if before.count("(") > before.count(")"):
            continue
        out += [text[last:m.start()], " "]
        last = m.end()
    return "".join(out) + text[last:]


def _unbalanced(text: str) -> str | None:
    """The first bracket or quote pair that does not balance, as 'open+close', else None.

    Double quotation marks balance when there is an even number of them: English “…”, German
    „…“ and straight "…" all use two marks a quotation. Guillemets balance when « and » occur
    equally often (French «…», German »…«). Single quotes are left alone: ’ is also the
    apostrophe. A list label closes a bracket it never opened ("a) ...; b) ..."): not counted.
    """
    text = _without_list_labels(text)
    for open_, close in _BRACKETS:
        depth = 0
        for char in text:
            depth += (char == open_) - (char == close)
            if depth < 0:
                break
        if depth != 0:
            return f"{open_}{close}"
    if (text.count("„") + text.count("“") + text.count("”")) % 2:
        return "„“" if "„" in text else "“”"
    if text.count('"') % 2:
        return '""'
    if text.count("«") != text.count("»"):
        return "«»"
    return None


def check_mechanics(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Issue]:
    issues = check_links(src, tgt, src_lang, tgt_lang)
    sides: tuple[tuple[Side, str], ...] = (("src", src), ("tgt", tgt))
    for side, text in sides:
        for match in _MOJIBAKE.finditer(text):
            where = "source" if side == "src" else "target"
            issues.append(Issue("characters", "mojibake", "error",
                                f"garbled characters '{match.group()}' in the {where} (wrong text encoding)",
                                (Span(side, match.start(), match.end(), match.group()),)))
            break
    src_bad, tgt_bad = _unbalanced(src), _unbalanced(tgt)
    if bool(src_bad) != bool(tgt_bad):
        side, pair = ("tgt", tgt_bad) if tgt_bad else ("src", src_bad)
        assert pair is not None  # exactly one side is unbalanced
        where = "target" if side == "tgt" else "source"
        text = tgt if side == "tgt" else src
        marks = [k for k, char in enumerate(text) if char in set(pair)]
        evidence = tuple(Span(side, k, k + 1, text[k]) for k in marks[:6])
        issues.append(Issue("typographical", "unbalanced-marks", "warning",
                            f"unbalanced {pair} in the {where} only", evidence))
    src_end, tgt_end = _final_mark(src), _final_mark(tgt)
    src_q, tgt_q = src_end[1] in ("?", "？"), tgt_end[1] in ("?", "？")
    # both must end in a mark: a sentence broken off ("And how-") is neither question nor statement
    if src_q != tgt_q and src_end[0] >= 0 and tgt_end[0] >= 0:
        message = ("a question in the source is a statement in the target" if src_q
                   else "a statement in the source is a question in the target")
        ends: tuple[tuple[Side, tuple[int, str]], ...] = (("src", src_end), ("tgt", tgt_end))
        evidence = tuple(Span(side, k, k + 1, mark) for side, (k, mark) in ends if k >= 0)
        issues.append(Issue("mistranslation", "question-statement", "warning", message, evidence))
    return issues


def _final_mark(text: str) -> tuple[int, str]:
    """Offset and character of the sentence's last punctuation mark (quotes skipped), or (-1, '')."""
    k = len(text.rstrip()) - 1
    while k >= 0 and text[k] in "\"'”“»«’ \u00a0)]":  # closing quotes and brackets, spaced or not
        k -= 1
    return (k, text[k]) if k >= 0 and text[k] in ".!?？…;:" else (-1, "")


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def check_untranslated(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Issue]:
    """Target equal to the source, or a run of source-language words inside the target."""
    source_words = FUNCTION_WORDS.get(src_lang.split("-")[0].lower(), frozenset())
    target_words = FUNCTION_WORDS.get(tgt_lang.split("-")[0].lower(), frozenset())
    if src_lang.split("-")[0].lower() == tgt_lang.split("-")[0].lower():
        return []
    if _normal(src) == _normal(tgt):
        # Links, handles, hashtags and names are the same in every language: only running
        # text in the source language counts as untranslated.
        words = [w.lower() for w in _WORD.findall(_NOT_PROSE.sub(" ", src))]
        if len(words) >= 4 and any(w in source_words for w in words):
            return [Issue("untranslated", "untranslated", "error", "the target is the untranslated source text",
                          (Span("tgt", 0, len(tgt), tgt),))]
        return []
    if not source_words:
        return []
    # Longest run of target words, inside one clause, with >= 3 source function words and no
    # target ones: words of neither list (names, content words) may stand inside the run.
    words = list(_WORD.finditer(tgt))
    best: tuple[int, int] | None = None
    start, hits = None, 0
    for k in range(len(words) + 1):
        word = words[k].group().lower() if k < len(words) else None
        new_clause = k > 0 and k < len(words) and bool(_CLAUSE_BREAK.search(tgt[words[k - 1].end():words[k].start()]))
        if start is not None and (word is None or word in target_words or new_clause):
            if hits >= 3 and k - start >= 5 and (best is None or k - start > best[1] - best[0]):
                best = (start, k)
            start = None
        if word is not None and word not in target_words and start is None:
            start, hits = k, 0
        if word is not None and start is not None:
            hits += word in source_words
    if best is None:
        return []
    begin, end = words[best[0]].start(), words[best[1] - 1].end()
    run = tgt[begin:end]
    return [Issue("untranslated", "untranslated-run", "warning",
                  f"the target contains untranslated {src_lang} text: \"{run[:60]}\"",
                  (Span("tgt", begin, end, run),))]
