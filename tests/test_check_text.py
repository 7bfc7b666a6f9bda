"""Untranslated text and mechanics checks on single pairs."""

from __future__ import annotations

from align.checks.text import check_mechanics, check_untranslated


def checks(issues):
    return [(i.check, i.severity) for i in issues]


def test_identical_target_is_untranslated():
    src = "The ministry published the figures on Monday."
    issues = check_untranslated(src, src, "en", "de")
    assert checks(issues) == [("untranslated", "error")]
    assert issues[0].evidence[0].text == src


def test_english_run_inside_german_target_is_flagged():
    src = "The commission says that the reform of the asylum system will take years."
    tgt = "Die Kommission sagt, the reform of the asylum system will take years."
    issues = check_untranslated(src, tgt, "en", "de")
    assert checks(issues) == [("untranslated-run", "warning")]
    assert issues[0].evidence[0].text.startswith("the reform of the asylum")
    assert tgt[issues[0].evidence[0].start:issues[0].evidence[0].end] == issues[0].evidence[0].text


def test_proper_translation_and_short_names_are_not_untranslated():
    src = "NATO summit in Vilnius"
    assert check_untranslated(src, "NATO-Gipfel in Vilnius", "en", "de") == []
    assert check_untranslated("Vilnius", "Vilnius", "en", "de") == []
    src = "The government in Prague wants to close the last coal plants by 2033."
    tgt = "Die Regierung in Prag will die letzten Kohlekraftwerke bis 2033 schließen."
    assert check_untranslated(src, tgt, "en", "de") == []


def test_localised_url_is_info_and_other_url_is_warning():
    src = "Read the study at https://example.org/en/studies/coal-exit."
    tgt = "Die Studie steht unter https://example.org/de/studies/coal-exit."
    assert checks(check_mechanics(src, tgt, "en", "de")) == [("url-localised", "info")]
    tgt = "Die Studie steht unter https://example.com/studie."
    assert checks(check_mechanics(src, tgt, "en", "de")) == [("link-mismatch", "warning")]
    assert checks(check_mechanics(src, "Die Studie ist online.", "en", "de")) == [("link-missing", "warning")]


def test_email_difference():
    src = "Write to press@example.org for copies."
    assert check_mechanics(src, "Schreiben Sie an press@example.org.", "en", "de") == []
    assert checks(check_mechanics(src, "Schreiben Sie an presse@example.org.", "en", "de")) == [
        ("link-mismatch", "warning")]


def test_language_specific_quotes_are_balanced():
    src = "He called it “a turning point” and left."
    assert check_mechanics(src, "Er nannte es „einen Wendepunkt“ und ging.", "en", "de") == []
    assert check_mechanics(src, "Il l’a appelé « un tournant » et il est parti.", "en", "fr") == []
    assert check_mechanics(src, "Er nannte es »einen Wendepunkt« und ging.", "en", "de") == []
    tgt = "Er nannte es „einen Wendepunkt und ging."
    issues = check_mechanics(src, tgt, "en", "de")
    assert checks(issues) == [("unbalanced-marks", "warning")]
    assert [(s.side, s.start, s.text) for s in issues[0].evidence] == [("tgt", tgt.index("„"), "„")]


def test_brackets():
    src = "The pact (adopted in 2024) applies from 2026."
    assert check_mechanics(src, "Der Pakt (2024 angenommen) gilt ab 2026.", "en", "de") == []
    assert checks(check_mechanics(src, "Der Pakt (2024 angenommen gilt ab 2026.", "en", "de")) == [
        ("unbalanced-marks", "warning")]


def test_a_list_label_is_no_unbalanced_bracket():
    """"a) ..., b) ...": the label closes a bracket it never opened (Text+Berg's French)."""
    src = "Die Lichtbrechung, die stark wechselt, und die Schwere-Ablenkung."
    tgt = "a ) la réfraction des rayons lumineux, qui varie fortement ; b ) la déviation due à la pesanteur."
    assert check_mechanics(src, tgt, "de", "fr") == []
    assert check_mechanics(src, "1) la réfraction des rayons lumineux.", "de", "fr") == []
    assert checks(check_mechanics(src, "la réfraction (des rayons lumineux.", "de", "fr")) == [
        ("unbalanced-marks", "warning")]
    # a bracket closed after a colon is no label
    assert check_mechanics("The ratio of 3 to 2 held.", "Das Verhältnis (3:2) hielt.", "en", "de") == []


def test_mojibake_is_an_error():
    issues = check_mechanics("The reform is important.", "Die Reform ist fÃ¼r alle wichtig.", "en", "de")
    assert checks(issues) == [("mojibake", "error")]
    assert issues[0].evidence[0].text == "Ã¼"
    assert checks(check_mechanics("A test.", "Ein Test \ufffd.", "en", "de")) == [("mojibake", "error")]
    assert check_mechanics("Müller paid €5.", "Müller zahlte 5 €.", "en", "de") == []


def test_question_turned_into_statement():
    # no final punctuation on one side is not a question turned into a statement
    assert check_mechanics("so what now", "Was nun?", "en", "de") == []
    assert check_mechanics("so what now", "und jetzt", "en", "de") == []
    assert check_mechanics("Why not", "Warum nicht", "en", "de") == []
    src = "Will Minsk accept the offer?"
    assert check_mechanics(src, "Wird Minsk das Angebot annehmen?", "en", "de") == []
    issues = check_mechanics(src, "Minsk wird das Angebot annehmen.", "en", "de")
    assert checks(issues) == [("question-statement", "warning")]
    assert [(s.side, s.text) for s in issues[0].evidence] == [("src", "?"), ("tgt", ".")]


def test_question_mark_before_a_spaced_closing_quote_is_seen():
    """Tokenised text (TransRead) puts a space before the closing quote: still a question."""
    from align.checks.text import check_mechanics

    for src, tgt in (('" Why , are you not five feet high ? "', "N' avez-vous pas cinq pieds de haut ?"),
                     ('" And how- "', "Et comment ?")):
        assert "question-statement" not in [i.check for i in check_mechanics(src, tgt, "en", "fr")]
        assert "question-statement" not in [i.check for i in check_mechanics(tgt, src, "fr", "en")]
    assert [i.check for i in check_mechanics("Is he here?", "Er ist hier.", "en", "de")] == ["question-statement"]
