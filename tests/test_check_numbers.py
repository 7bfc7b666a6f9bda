"""align.checks.numbers: numbers, amounts, dates and identifiers compared as values across locales."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from align.checks.numbers import check_numbers
from align.model import Issue
from align.read import read_document
from align.segment import SrxSegmenter

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
NBSP, NNBSP = "\u00a0", "\u202f"


def _errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "error"]


def _assert_spans_valid(issues: list[Issue], src: str, tgt: str) -> None:
    for issue in issues:
        assert (issue.category, issue.check) in {("numbers", "number-mismatch"), ("terminology", "identifier-mismatch")}
        assert issue.evidence
        for span in issue.evidence:
            text = src if span.side == "src" else tgt
            assert text[span.start:span.end] == span.text


def _one_error(src: str, tgt: str, src_lang: str = "en", tgt_lang: str = "de") -> Issue:
    issues = check_numbers(src, tgt, src_lang, tgt_lang)
    _assert_spans_valid(issues, src, tgt)
    assert len(issues) == 1, issues
    assert issues[0].severity == "error"
    return issues[0]


def _spans(issue: Issue) -> set[tuple[str, str]]:
    return {(s.side, s.text) for s in issue.evidence}


# --- equal values written differently: no issue at all -------------------------------------------

EQUAL = [
    # decimal and group symbols
    ("The rate was 1.5 points.", "Die Rate lag bei 1,5 Punkten."),
    ("It has 1,300 members.", "Er hat 1.300 Mitglieder."),
    ("It has 1,300 members.", f"Er hat 1{NBSP}300 Mitglieder."),
    ("It has 1,300 members.", f"Er hat 1{NNBSP}300 Mitglieder."),
    ("It had 1,234,567.89 units.", "Es hatte 1.234.567,89 Einheiten."),
    ("In 2022 it exported 13.2 terawatt-hours.", "2022 exportierte es 13,2 Terawattstunden."),
    # currencies: symbol, code, word, before or after
    ("It costs $130.", "Es kostet 130 $."),
    ("It costs $130.", "Es kostet 130 Dollar."),
    ("It costs $130.", "Es kostet 130 US-Dollar."),
    ("It costs USD 130.", "Es kostet 130 US-Dollar."),
    ("It costs 130 dollars.", "Es kostet 130 $."),
    ("It exceeded €1,000 per megawatt-hour.", "Er stieg auf über 1.000 Euro pro Megawattstunde."),
    ("It was capped at CZK 6 per kilowatt-hour.", "Er durfte höchstens 6 Kronen pro Kilowattstunde kosten."),
    ("They pay €20,000 each.", "Sie zahlen je 20.000 €."),
    # scale words (EN billion = DE Milliarde, EN trillion = DE Billion)
    ("It cost 1.5 billion.", "Es kostete 1,5 Mrd."),
    ("It cost 1.5 billion.", "Es kostete 1,5 Milliarden."),
    ("It cost €1.5bn.", "Es kostete 1,5 Mrd. Euro."),
    ("It cost €6m.", "Es kostete 6 Mio. Euro."),
    ("It cost 1 billion euros.", "Es kostete 1 Milliarde Euro."),
    ("Debt reached 2 trillion.", "Die Schulden erreichten 2 Billionen."),
    ("Some 5 thousand came.", "Rund 5 Tsd. kamen."),
    ("Some 5 thousand came.", "Rund 5 Tausend kamen."),
    ("Some 5,000 came.", "Rund 5 Tausend kamen."),
    ("About 1.5 million households.", "Rund 1,5 Millionen Haushalte."),
    ("More than 2.5 million people.", "Mehr als 2.500.000 Menschen."),
    ("More than 2,500,000 people.", "Mehr als 2,5 Mio. Menschen."),
    ("It cost CZK 160 billion, or roughly €6.4 billion.",
     "Er kostet 160 Mrd. Kronen, umgerechnet rund 6,4 Mrd. Euro."),
    # dates
    ("Held on 9 August 2020.", "Abgehalten am 9. August 2020."),
    ("Held on 9 August 2020.", "Abgehalten am 09.08.2020."),
    ("Held on August 9, 2020.", "Abgehalten am 9. August 2020."),
    ("Held on 9 Aug 2020.", "Abgehalten am 9. Aug. 2020."),
    ("Held on 2020-08-09.", "Abgehalten am 9. August 2020."),
    ("By 14 March 2024.", "Bis 14. März 2024."),
    ("In September 2020 and May 2024.", "Im September 2020 und im Mai 2024."),
    # percentages
    ("It rose 3 per cent.", "Es stieg um drei Prozent."),
    ("It rose 3 percent.", "Es stieg um 3 Prozent."),
    ("It rose 3%.", "Es stieg um 3 %."),
    ("It rose 3 %.", f"Es stieg um 3{NBSP}%."),
    # spelled-out numbers satisfy digits, and alone are never an issue
    ("It has two reactors.", "Es hat 2 Reaktoren."),
    ("It has 2 reactors.", "Es hat zwei Reaktoren."),
    ("Up to twelve weeks.", "Bis zu 12 Wochen."),
    ("One of the largest.", "Einer der größten."),
    ("For most of the twentieth century.", "Während des größten Teils des 20. Jahrhunderts."),
    ("Three million people.", "3 Millionen Menschen."),
    ("A million people.", "1 Million Menschen."),
    ("1 million people.", "Eine Million Menschen."),
    # times of day
    ("They met at 10:30.", "Sie trafen sich um 10.30 Uhr."),
    ("They met at 3:30 p.m.", "Sie trafen sich um 15:30 Uhr."),
    # ordinals, years, decades, ranges
    ("The 3rd round.", "Die 3. Runde."),
    ("Between 1990 and 2024.", "Zwischen 1990 und 2024."),
    ("Why 2033?", "Warum 2033?"),
    ("Before the late 2030s.", "Vor Ende der 2030er-Jahre."),
    ("Roughly 1,000 to 1,500 soldiers.", "Rund 1.000 bis 1.500 Soldaten."),
    ("A 65-kilometre strip.", "Ein 65 Kilometer breiter Streifen."),
    ("It would trigger Article 5.", "Es würde Artikel 5 auslösen."),
    # not numbers / identifiers compared literally
    ("See https://example.org/2020/report-7 or mail info2@example.org.", "Siehe https://example.org/de/bericht."),
    ("The pandemic (COVID-19) hit.[3]", "Die Pandemie (Covid-19) traf."),
    ("It buys F-35 jets for the G7 and A4 paper.", "Es kauft F-35-Jets für die G7 und A4-Papier."),
    ("Emissions of CO2 and 50Hertz.", "Emissionen von CO2 und 50Hertz."),
    ("A top 10 list.", "Eine Top-10-Liste."),
]


@pytest.mark.parametrize("src,tgt", EQUAL)
def test_equal_values_give_no_issue(src, tgt):
    assert check_numbers(src, tgt, "en", "de") == []


def test_spelled_number_without_digits_is_not_an_issue():
    # "one" and "drei" exist only on one side each: spelled-out numbers never raise issues
    assert check_numbers("One of the three plants.", "Eines der Werke.", "en", "de") == []
    assert check_numbers("The plants.", "Die drei Werke.", "en", "de") == []


def test_german_article_is_not_a_number():
    # ein/eine are never numbers on their own: they only satisfy a 1 of the other side
    assert check_numbers("It had a plant.", "Es hatte ein Werk.", "en", "de") == []
    assert check_numbers("The plant.", "Eines der Werke.", "en", "de") == []
    issue = _one_error("It had 2 plants.", "Es hatte ein Werk.")
    assert _spans(issue) == {("src", "2")}
    issue = _one_error("Es hatte ein Werk.", "It had 2 plants.", "de", "en")
    assert _spans(issue) == {("tgt", "2")}


# --- regressions from real human translations (WMT24 en-de paragraphs) -------------------------------

REAL_EQUAL = [
    # German article (or "einmal") for a source digit 1; English "one" for a German 1
    ("This one only had 1 question", "Hier gab es nur eine Frage"),
    ("pattern work, 3 landings with a little help, and 1 go around.",
     "Flugwege, 3 Landungen mit etwas Hilfe und einmal Durchstarten."),
    ("He asked one question.", "Er stellte 1 Frage."),
    # k/K glued on: thousands
    ("I was pushing for 100k meters this month", "Ich wollte diesen Monat 100.000 Meter erreichen"),
    ("I average out to a little over 5K/weekday so far.",
     "Ich schaffe bisher pro Wochentag durchschnittlich etwas über 5.000 Meter."),
    ("It cost $5k.", "Es kostete 5.000 $."),
    # Roman numerals: regnal numbers and centuries
    ("Fuck you King Louis the 14th, one of your descendents is an anarchist!",
     "Scheiß auf dich, König Ludwig dem XIV., einer deiner Nachfahren ist ein Anarchist!"),
    ("Louis XIV built it in 1682.", "Ludwig der 14. baute es 1682."),
    ("World War II ended in 1945.", "Der 2. Weltkrieg endete 1945."),
    ("In the 20th century.", "Im XX. Jahrhundert."),
    # decades and centuries
    ("like back in the 00s you had bionicles", "In den 2000er Jahren gab es Bionicles"),
    ("in the 80s", "in den 1980ern"),
    ("in my academic understanding in the 1970s", "in meinem akademischen Verständnis in den 70ern"),
    ("Being 40-ish, there was the nagging concern.", "In meinen Vierzigern hatte ich die Sorge."),
    ("She is in her forties.", "Sie ist in ihren 40ern."),
    ("The site has been home to food production since the early 1900s.",
     "Am Standort wurden seit dem frühen 20. Jahrhundert Lebensmittel hergestellt."),
    ("Since the 1800s.", "Seit dem 19. Jh."),
    # a date with "of"; an identifier with an underscore; a possessive year
    ("took over the tomb in April of 1948", "übernahmen im April 1948 das Grab"),
    ("Welcome, Rob Dog 747.", "Willkommen, RobDog_747."),
    ("2021's results.", "Die Ergebnisse von 2021."),
    ("Boeing 747s.", "Boeing 747."),
]


@pytest.mark.parametrize("src,tgt", REAL_EQUAL)
def test_real_translation_liberties_give_no_issue(src, tgt):
    assert check_numbers(src, tgt, "en", "de") == []


REAL_CHANGED = [
    # (src, tgt, spans of the one error)
    ("It had 1 plant and 3 sites.", "Es hatte ein Werk und 4 Standorte.", {("src", "3"), ("tgt", "4")}),
    ("I was pushing for 100k meters", "Ich wollte 100 Meter erreichen", {("src", "100k"), ("tgt", "100")}),
    ("I was pushing for 100k meters", "Ich wollte 10.000 Meter erreichen", {("src", "100k"), ("tgt", "10.000")}),
    ("King Louis the 14th", "König Ludwig XV.", {("src", "14th")}),
    ("back in the 00s", "in den 1990er Jahren", {("src", "00s"), ("tgt", "1990er")}),
    ("in the 1990s", "in den 2000er Jahren", {("src", "1990s"), ("tgt", "2000er")}),
    ("She is in her forties.", "Sie ist in ihren 50ern.", {("tgt", "50ern")}),
    ("Since the early 1900s.", "Seit dem frühen 19. Jahrhundert.", {("src", "1900s"), ("tgt", "19")}),
    ("(#section7)", "(#Abschnitt8)", {("src", "section7"), ("tgt", "Abschnitt8")}),
    ("in April of 1948", "im April 1949", {("src", "April of 1948"), ("tgt", "April 1949")}),
    ("about 85 million years ago", "vor etwa 85 Milliarden Jahren", {("src", "85 million"), ("tgt", "85 Milliarden")}),
    ("2021's results.", "Die Ergebnisse.", {("src", "2021's")}),
    # the pronoun I is no Roman 1: the added 1 stays an error
    ("Then I said 2 things.", "Dann sagte ich 1 Sache und 2 Dinge.", {("tgt", "1")}),
]


@pytest.mark.parametrize("src,tgt,spans", REAL_CHANGED)
def test_real_changes_stay_errors(src, tgt, spans):
    issue = _one_error(src, tgt)
    assert _spans(issue) == spans


def test_slang_digit_plural_is_an_identifier():
    # "5 9s" (five nines of availability) is no decade: 9s is compared literally, alone a warning
    issues = check_numbers("They provide 5 9s or something.", "Sie bieten fünf Neunen oder so.", "en", "de")
    assert [(i.severity, _spans(i)) for i in issues] == [("warning", {("src", "9s")})]
    # the translation's "Verfügbarkeitsklasse 4" for "5 9s" changes the 5: an error
    issues = check_numbers("provide 5 9s or something", "Verfügbarkeitsklasse 4 oder sowas", "en", "de")
    assert [i.severity for i in issues] == ["error", "warning"]
    assert _spans(issues[0]) == {("src", "5"), ("tgt", "4")}


def test_translated_identifier_with_same_digits_is_info():
    src = "have the linked section (#section7) render as fast as possible"
    tgt = "dass der Abschnitt mit den Links (#Abschnitt7) so schnell wie möglich angezeigt wird"
    issues = check_numbers(src, tgt, "en", "de")
    assert [(i.severity, _spans(i)) for i in issues] == [("info", {("src", "section7"), ("tgt", "Abschnitt7")})]


def test_time_written_as_bare_number_is_a_warning():
    # a speech transcript's "603" for 6:03
    issues = check_numbers("603 right now on this Wednesday morning", "Es ist jetzt 6:03 Uhr an diesem Mittwochmorgen",
                           "en", "de")
    assert [(i.severity, _spans(i)) for i in issues] == [("warning", {("src", "603"), ("tgt", "6:03 Uhr")})]
    assert _errors(check_numbers("603 right now", "Es ist jetzt 6:04 Uhr", "en", "de"))


# --- planted differences: exactly one error with both offending spans ----------------------------


def test_changed_digit():
    src = "Lithuania recorded more than 4,200 crossings in 2021."
    tgt = "Litauen registrierte 2021 mehr als 4.300 Übertritte."
    issue = _one_error(src, tgt)
    assert _spans(issue) == {("src", "4,200"), ("tgt", "4.300")}
    assert "4,200" in issue.message and "4.300" in issue.message
    assert "\n" not in issue.message


def test_dropped_number():
    issue = _one_error("It cost €11 billion over ten years in 2024.", "Es kostete 2024 viel über zehn Jahre.")
    assert _spans(issue) == {("src", "€11 billion")}
    assert "source" in issue.message and "no counterpart" in issue.message


def test_added_number():
    issue = _one_error("The plan was approved.", "Der Plan wurde mit 23 Stimmen gebilligt.")
    assert _spans(issue) == {("tgt", "23")}
    assert "target" in issue.message


def test_different_year():
    issue = _one_error("The commission was set up in 2019.", "Die Kommission wurde 2018 eingesetzt.")
    assert _spans(issue) == {("src", "2019"), ("tgt", "2018")}


def test_different_month():
    issue = _one_error("The election of 9 August 2020.", "Die Wahl vom 9. September 2020.")
    assert _spans(issue) == {("src", "9 August 2020"), ("tgt", "9. September 2020")}


def test_different_scale_billion_vs_million():
    issue = _one_error("It cost 1.5 billion.", "Es kostete 1,5 Millionen.")
    assert _spans(issue) == {("src", "1.5 billion"), ("tgt", "1,5 Millionen")}


def test_english_billion_is_not_german_billion():
    issue = _one_error("It cost 2 billion.", "Es kostete 2 Billionen.")
    assert _spans(issue) == {("src", "2 billion"), ("tgt", "2 Billionen")}


def test_different_currency():
    issue = _one_error("It costs €130.", "Es kostet 130 $.")
    assert _spans(issue) == {("src", "€130"), ("tgt", "130 $")}
    assert "currency" in issue.message


def test_changed_identifier():
    issue = _one_error("It buys F-35 jets.", "Es kauft F-16-Jets.")
    assert _spans(issue) == {("src", "F-35"), ("tgt", "F-16")}


def test_changed_article_number():
    issue = _one_error("It would trigger Article 5.", "Es würde Artikel 6 auslösen.")
    assert _spans(issue) == {("src", "5"), ("tgt", "6")}


def test_changed_number_next_to_article_eine():
    issue = _one_error("One of the 4 largest.", "Eine der 3 größten.")
    assert _spans(issue) == {("src", "4"), ("tgt", "3")}


def test_spans_are_offsets_into_the_texts():
    src = "On 26 August 2022 it cost €1,000; in 2023 it was 5 per cent."
    tgt = "Am 26. August 2022 kostete es 1.000 Euro; 2023 waren es 6 Prozent."
    issue = _one_error(src, tgt)
    (s,) = [sp for sp in issue.evidence if sp.side == "src"]
    (t,) = [sp for sp in issue.evidence if sp.side == "tgt"]
    assert src[s.start:s.end] == "5 per cent" and tgt[t.start:t.end] == "6 Prozent"


def test_german_source():
    assert check_numbers("Am 9. August 2020 kostete es 1,5 Mrd. Euro.", "On 9 August 2020 it cost €1.5 billion.",
                         "de", "en") == []
    issue = _one_error("Es kostete 1,5 Mrd. Euro.", "It cost €1.5 million.", "de", "en")
    assert _spans(issue) == {("src", "1,5 Mrd. Euro"), ("tgt", "€1.5 million")}


def test_changed_time():
    issue = _one_error("They met at 3:30 p.m.", "Sie trafen sich um 16:30 Uhr.")
    assert _spans(issue) == {("src", "3:30 p.m."), ("tgt", "16:30 Uhr")}


# --- warnings, not errors -------------------------------------------------------------------------


def test_rounding_is_a_warning():
    issues = check_numbers("It earmarked €1.64 billion.", "Er sah 1,6 Mrd. Euro vor.", "en", "de")
    assert [i.severity for i in issues] == ["warning"]
    assert _spans(issues[0]) == {("src", "€1.64 billion"), ("tgt", "1,6 Mrd. Euro")}


def test_same_precision_difference_is_not_rounding():
    # both exact to the unit: 4,200 vs 4.250 is a change, not a rounding
    assert _errors(check_numbers("It had 4,200 troops.", "Es hatte 4.250 Soldaten.", "en", "de"))


def test_less_precise_date_is_a_warning():
    issues = check_numbers("In September 2020 it was proposed.", "Im Herbst 2020 kam es.", "en", "de")
    assert [i.severity for i in issues] == ["warning"]


def test_repeated_number_once_on_the_other_side_is_a_warning():
    issues = check_numbers("In 2015 and 2016.", "In den Jahren 2015 und 2016, vor allem 2016.", "en", "de")
    assert [(i.severity, _spans(i)) for i in issues] == [("warning", {("tgt", "2016")})]


def test_identifier_only_on_one_side_is_a_warning():  # (the check: see test_an_identifier_alone_is_a_term_not_a_number)
    # energy corpus: "carbon prices" / "CO2-Preisen" is a paraphrase, not a number error
    issues = check_numbers("At current carbon prices.", "Bei den aktuellen CO2-Preisen.", "en", "de")
    assert [i.severity for i in issues] == ["warning"]


# --- other locales ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fr", [f"1{NNBSP}234,5", f"1{NBSP}234,5", "1 234,5", "1234,5"])
def test_german_to_french(fr):
    assert check_numbers("Es waren 1.234,5 Tonnen.", f"Il y avait {fr} tonnes.", "de", "fr") == []


def test_german_to_french_change_and_date():
    issue = _one_error("Es waren 1.234,5 Tonnen.", "Il y avait 1 243,5 tonnes.", "de", "fr")
    assert _spans(issue) == {("src", "1.234,5"), ("tgt", "1 243,5")}
    de, fr = "Am 9. August 2020 kostete es 1,5 Mrd. Euro.", "Le 9 août 2020, il a coûté 1,5 milliard d'euros."
    assert check_numbers(de, fr, "de", "fr") == []


def test_french_space_grouping_does_not_join_a_year():
    assert check_numbers("In 2020, 300 people came.", "En 2020 300 personnes sont venues.", "en", "fr") == []


# --- the bundled corpus: gold beads are faithful translations, so no errors ------------------------


def _gold_pairs() -> list[tuple[str, list[int], list[int], str, str]]:
    segmenter = SrxSegmenter()
    out = []
    for gold in sorted(CORPORA.glob("*.gold.beads")):
        name = gold.name[: -len(".gold.beads")]
        (en_path,) = [p for p in CORPORA.glob(f"{name}.en.*")]
        (de_path,) = [p for p in CORPORA.glob(f"{name}.de.*")]
        src = segmenter.segment(read_document(en_path, "en"))
        tgt = segmenter.segment(read_document(de_path, "de"))
        for line in gold.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            left, _, right = line.partition("]:[")
            s_ids, t_ids = ast.literal_eval(left + "]"), ast.literal_eval("[" + right)
            if s_ids and t_ids:
                out.append((name, s_ids, t_ids, " ".join(src[i].text for i in s_ids),
                            " ".join(tgt[j].text for j in t_ids)))
    return out


GOLD = _gold_pairs()


def test_gold_covers_three_pairs():
    assert {name for name, *_ in GOLD} == {"energy", "asylum", "baltic"}
    assert len(GOLD) > 150


@pytest.mark.parametrize("name,s_ids,t_ids,src,tgt", GOLD, ids=[f"{g[0]}-{g[1]}:{g[2]}" for g in GOLD])
def test_gold_beads_have_no_number_error(name, s_ids, t_ids, src, tgt):
    issues = check_numbers(src, tgt, "en", "de")
    _assert_spans_valid(issues, src, tgt)
    assert _errors(issues) == []


def test_any_changed_digit_in_the_gold_gives_one_error():
    # Plant a change into every digit of every gold bead, on either side: each must give exactly
    # one error. Exception: an identifier the other side paraphrases (CO2 / "carbon") only warns.
    checked = 0
    for *_, src, tgt in GOLD:
        for side, text in (("src", src), ("tgt", tgt)):
            for i, ch in enumerate(text):
                if not ch.isdigit():
                    continue
                changed = text[:i] + str((int(ch) + 1) % 10) + text[i + 1:]
                pair = (changed, tgt) if side == "src" else (src, changed)
                issues = check_numbers(*pair, "en", "de")
                checked += 1
                if len(_errors(issues)) != 1:
                    kinds = [(issue.severity, issue.message.split()[0]) for issue in issues]
                    assert kinds == [("warning", "identifier")], changed
    assert checked > 300


# Formatting-only differences of every class the held-out translations showed: no issue, in
# either direction.
NOTATION_CLASSES = [
    # times of day in other notations
    ("The office is open from 6.30-10am.", "Das Büro ist von 6:30 – 10:00 Uhr geöffnet.", "en", "de"),
    ("The train leaves at 23.45.", "Der Zug fährt um 23.45 Uhr ab.", "en", "de"),
    ("Wir trafen uns um 13.30 Uhr.", "Nous nous sommes retrouvés à 13 h. 30.", "de", "fr"),
    ("The shop closes at 6 pm.", "Der Laden schließt um 18 Uhr.", "en", "de"),
    # ordinal dates
    ("The vote is on the 28th of October.", "Die Abstimmung ist am 28. Oktober.", "en", "de"),
    ("The law applies from the 1st of January.", "Das Gesetz gilt ab dem 1. Januar.", "en", "de"),
    ("La votación es el 28 de octubre.", "The vote is on the 28th of October.", "es", "en"),
    # spelled-out numbers and numbers inside compounds
    ("Thirty-nine people were hurt.", "39 Menschen wurden verletzt.", "en", "de"),
    ("She took a 2 month course.", "Sie besuchte einen zweimonatigen Kurs.", "en", "de"),
    ("The 18 year old won.", "Der Achtzehnjährige gewann.", "en", "de"),
    ("Die vier Achttausender Pakistans.", "Les quatre « 8000 » du Pakistan.", "de", "fr"),
    ("The island lay 300 miles to the west.", "L'île se trouvait à trois cents milles à l'ouest.", "en", "fr"),
    # a chapter number in Roman numerals opening a heading in capitals
    ("CHAPTER 12 The Captain of the Ship", "XII LE CAPITAINE DU NAVIRE", "en", "fr"),
    # text tokenised for a corpus, a space before each comma
    ("The ship sailed on May 3 , 1868 , from Brest .", "Le navire partit de Brest le 3 mai 1868 .", "en", "fr"),
    # decades
    ("It began in the mid-1980s.", "Es begann Mitte der 80er-Jahre.", "en", "de"),
    # prices, numbers and names written the Swiss or French way
    ("Der Eintritt kostet Fr. 3.60.", "L'entrée coûte 3 fr. 60.", "de", "fr"),
    ("Sein Sherpa war Da Temba (Sherpa-Liste Nr.212).", "Il était accompagné du sherpa Da Temba (n° 212 de la liste).", "de", "fr"),
    ("Sie bestiegen den K2.", "Ils ont gravi le K 2.", "de", "fr"),
    ("Die Alpen 1956, S.298-303.", "Les Alpes 1956, p. 298-303.", "de", "fr"),
    # the same text as both sides, read in two locales
    ("The fee rose to €1,000 in 2024.", "The fee rose to €1,000 in 2024.", "en", "de"),
    # Chinese units of ten thousand and a hundred million, stacked; an English scale after a hyphen
    ("中国需要进口10万亿美元左右的商品。", "China will import some US$ 10 trillion worth of goods.", "zh", "en"),
    ("把我国56个民族、13亿多人紧紧凝聚在一起。", "It binds the 56 ethnic groups of China's 1.3-billion-plus people.", "zh", "en"),
]


@pytest.mark.parametrize("src,tgt,src_lang,tgt_lang", NOTATION_CLASSES)
def test_formatting_only_differences_give_no_issue(src, tgt, src_lang, tgt_lang):
    assert check_numbers(src, tgt, src_lang, tgt_lang) == []
    assert check_numbers(tgt, src, tgt_lang, src_lang) == []


def test_a_changed_value_in_those_notations_is_still_found():
    assert check_numbers("The train leaves at 23.45.", "Der Zug fährt um 23.15 Uhr ab.", "en", "de")
    assert check_numbers("The vote is on the 28th of October.", "Die Abstimmung ist am 29. Oktober.", "en", "de")
    assert check_numbers("Der Eintritt kostet Fr. 3.60.", "L'entrée coûte 3 fr. 80.", "de", "fr")
    assert check_numbers("She took a 2 month course.", "Sie besuchte einen dreimonatigen Kurs.", "en", "de")
    assert check_numbers("It began in the mid-1980s.", "Es begann Mitte der 70er-Jahre.", "en", "de")
    assert check_numbers("The island lay 300 miles to the west.", "L'île se trouvait à quatre cents milles à l'ouest.",
                         "en", "fr")
    assert check_numbers("The ship sailed on May 3 , 1868 .", "Le navire partit le 3 mai 1869 .", "en", "fr")
    assert check_numbers("CHAPTER 12 The Captain of the Ship", "XIII LE CAPITAINE DU NAVIRE", "en", "fr")
    assert check_numbers("中国需要进口10万亿美元左右的商品。", "China will import some US$ 10 billion worth of goods.",
                         "zh", "en")
    assert check_numbers("把我国56个民族、13亿多人紧紧凝聚在一起。", "It binds the 56 ethnic groups of 1.4-billion people.",
                         "zh", "en")


def test_a_rounded_chinese_figure_is_a_warning_not_an_error():
    """1576万 is 15.76 million: "almost 16 million" rounds it (a warning, as 1.64 / 1.6 billion
    is); 2576万 is another figure (an error)."""
    source = "2012年，中国前往东亚和南亚国家的游客达1576万人次。"
    (issue,) = check_numbers(source, "In 2012 almost 16 million Chinese people traveled to Asia.", "zh", "en")
    assert issue.severity == "warning" and "rounded" in issue.message
    (issue,) = check_numbers(source.replace("1576", "2576"), "In 2012 almost 16 million Chinese people traveled to Asia.",
                             "zh", "en")
    assert issue.severity == "error"


def test_an_identifier_alone_is_a_term_not_a_number():
    # "carbon" / "CO2": a paraphrase of a term, its own check
    [issue] = check_numbers("At current carbon prices.", "Bei den aktuellen CO2-Preisen.", "en", "de")
    assert (issue.category, issue.check, issue.severity) == ("terminology", "identifier-mismatch", "warning")


def test_a_year_the_translation_adds_is_a_warning():
    """Translators add years for their readers (after it was founded in 1921): while every
    year of the source is in the target, an added one is a warning; a year the target gives in
    place of another, or one it leaves out, stays an error."""
    (issue,) = check_numbers("中国共产党成立后，团结带领人民前仆后继。", "After it was founded in 1921 the CPC rallied the people.",
                             "zh", "en")
    assert issue.severity == "warning" and "added" in issue.message
    (issue,) = check_numbers("After the party was founded, it led the people.",
                             "Nach ihrer Gründung 1921 führte die Partei das Volk.", "en", "de")
    assert issue.severity == "warning"
    (issue,) = check_numbers("中国共产党1920年成立后，团结带领人民。", "After it was founded in 1921 the CPC rallied the people.",
                             "zh", "en")
    assert issue.severity == "error"
    (issue,) = check_numbers("Nach ihrer Gründung 1921 führte die Partei das Volk.",
                             "After the party was founded, it led the people.", "de", "en")
    assert issue.severity == "error"
