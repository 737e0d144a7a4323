"""Each cause a colleague's place can end by has words true to it, or says why nothing is
sent (``domain.colleague_told``)."""

from __future__ import annotations

import pytest

from booking.domain.colleague_told import COLLEAGUE_TOLD, PlaceEnd, colleague_told

NAMES = {"manager": "Florence", "organisation": "St Elsewhere", "course": "The Course"}


def test_every_cause_is_in_the_one_table() -> None:
    assert set(COLLEAGUE_TOLD) == set(PlaceEnd)


def test_only_the_managers_own_give_up_is_said_to_be_theirs() -> None:
    for end, told in COLLEAGUE_TOLD.items():
        if told is None:
            continue
        words = colleague_told(end, **NAMES)
        said = words["subject"] + words["what"]
        assert ("given it up" in said) is (end is PlaceEnd.MANAGER_GAVE_UP), end
    refunded = colleague_told(PlaceEnd.REFUNDED_AT_STRIPE, **NAMES)["what"]
    assert "payment for that booking has been refunded" in refunded
    assert "Florence" not in refunded
    # The manager erased: not named, nor asked.
    by_organisers = colleague_told(PlaceEnd.ORGANISERS_GAVE_UP, **NAMES)
    assert "Florence" not in by_organisers["what"] + by_organisers["still_want"]


def test_a_cause_nobody_is_told_of_has_no_words() -> None:
    with pytest.raises(ValueError, match="not told"):
        colleague_told(PlaceEnd.UNFILLED_AT_DEADLINE, **NAMES)
