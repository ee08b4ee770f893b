"""Speculation, negation, conditionals, allegations and questions are not acts."""

from __future__ import annotations

import pytest

from services.parser.events.modality import default_modality, is_question


def reason(sentence: str, trigger: str, *, future_ok: bool = False) -> str | None:
    return default_modality().blocked(sentence, 0, sentence.index(trigger), future_ok=future_ok)


@pytest.mark.parametrize(
    ("sentence", "trigger", "why"),
    [
        ("Regulators could ban stablecoin yield.", "ban", "speculation"),
        ("The SEC is expected to approve the fund.", "approve", "speculation"),
        ("Lawmakers may vote on the bill next week.", "vote", "speculation"),
        ("If the law passes, markets could move.", "passes", "speculation"),
        ("Analysts think the SEC will approve it.", "approve", "speculation"),
        ("The firm plans to apply for a licence.", "apply", "speculation"),
        ("Senators urged the SEC to investigate the token.", "investigate", "speculation"),
        ("The firm has not registered with the FCA.", "registered", "negation"),
        ("The SFC said no entity in the group is licensed.", "licensed", "negation"),
        ("The SEC declined to charge the founder.", "charge", "negation"),
        ("It will not hesitate to take enforcement action.", "enforcement", "speculation"),
        ("The complaint alleges that accounts were frozen.", "frozen", "allegation"),
    ],
)
def test_not_an_act(sentence: str, trigger: str, why: str) -> None:
    assert reason(sentence, trigger) == why


@pytest.mark.parametrize(
    ("sentence", "trigger"),
    [
        ("China banned all cryptocurrency transactions in September 2021.", "banned"),
        ("The SEC today charged Daniel Chu.", "charged"),
        ("In May, the agency may have been slow, but it fined the firm.", "fined"),
        ("The bill passed the House, which could speed things up.", "passed"),
    ],
)
def test_facts_pass(sentence: str, trigger: str) -> None:
    assert reason(sentence, trigger) is None


def test_scheduled_effect_is_a_fact_for_laws() -> None:
    sentence = "The rules will take effect on January 1."
    assert reason(sentence, "take effect", future_ok=True) is None
    assert reason(sentence, "take effect") == "speculation"
    assert reason("The rules could take effect in 2026.", "take effect", future_ok=True)


def test_questions() -> None:
    assert is_question("Will the SEC approve an ETF?")
    assert is_question("Could Friday trigger a sell-off?”")
    assert not is_question("The SEC approved the ETF.")


def test_hedges() -> None:
    m = default_modality()
    s = "According to the report, the SEC fined the firm."
    assert m.hedged(s, 0, s.index("fined"))
