"""A cohort title another cohort's but for a slip: the threshold holds what its module
says of it."""

from __future__ import annotations

import pytest

from booking.domain.title_typos import likely_typo_of

TITLE = "Compassionate Leadership Training"


@pytest.mark.parametrize(
    "typed",
    [
        "Compasionate Leadership Training",  # a letter missing
        "Compassionate Leadrship Trainig",  # two
        "Compassionate Leadershipp Training",  # one doubled
        "compassionate Leadership Training",  # case alone
        "Compassionate Leedership Training",  # one wrong
    ],
)
def test_a_slip_of_one_or_two_letters_is_a_likely_typo(typed: str) -> None:
    assert likely_typo_of(typed, [TITLE, "Something Else"]) == TITLE


@pytest.mark.parametrize(
    "typed",
    [
        TITLE,  # the programme's own title
        f"  {TITLE} ",
        "Compassionate Leadership for Managers",  # a word changed on purpose
        "Compassionate Leadership",  # a word dropped
        "Mindful Leadership Training",
        "Compassionate Leadership Training 2",  # numbered on purpose
        "Compassionate Leadership Training 2028",
        "",
    ],
)
def test_a_title_made_different_on_purpose_is_not(typed: str) -> None:
    assert likely_typo_of(typed, [TITLE]) is None


def test_the_nearest_of_several_titles_is_named() -> None:
    others = ["Mindfulness at Work", "Mindfulness at Home"]
    assert likely_typo_of("Mindfulnes at Work", others) == "Mindfulness at Work"
    assert likely_typo_of("Anything", []) is None
