"""Kinds of text that need special handling: translator's notes and web-page furniture.

A translator's note has no counterpart by design, so the aligner keeps it out of pairs and the
report lists it as information; page furniture (donation appeals, newsletter boxes) is
reported apart from real omissions.
"""

from __future__ import annotations

import re

TRANSLATOR_NOTE = re.compile(
    r"\b(?:Anm\.\s*d\.\s*(?:Übers|Ü)\.|Anmerkung de[rs] Übersetz\w*|N\.\s*d\.\s*T\.|note du traducteur"
    r"|translator'?s note|T\.N\.)", re.IGNORECASE)

BOILERPLATE = re.compile(
    r"\b(?:newsletter|subscribe|abonnier\w*|s'abonner|donat\w*|spende\w*|unterstützen sie|support (?:us|our)"
    r"|cookie\w*|share (?:this|on)|teilen|partager|related (?:topics|articles)|verwandte themen"
    r"|mehr zum thema|read more|weiterlesen|lire aussi|(?:photo|foto|bild|image)\s*:|©|copyright"
    r"|all rights reserved|alle rechte vorbehalten|(?:english|german|deutsche|englische) (?:version|fassung)"
    r"|version (?:anglaise|allemande|française)|finden sie hier|available here|click here|hier klicken)\b",
    re.IGNORECASE)


def is_translator_note(text: str) -> bool:
    return bool(TRANSLATOR_NOTE.search(text))


def is_boilerplate(text: str) -> bool:
    return bool(BOILERPLATE.search(text))
