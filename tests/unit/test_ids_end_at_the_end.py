"""An id is the whole of what was typed: Python's ``$`` also matches before a final line break,
so a pattern checked with ``match`` took "leadership\\n"."""

from __future__ import annotations

import pytest

from booking.domain.billing import is_discount_code
from booking.domain.course import PROGRAMME_ID_RULE, is_valid_course_id, programme_id_fault
from booking.domain.references import normalised_reference


@pytest.mark.parametrize("ending", ["\n", "\r\n", " "])
def test_a_course_id_ending_in_a_line_break_is_no_course_id(ending: str) -> None:
    assert is_valid_course_id("leadership")
    assert not is_valid_course_id("leadership" + ending)


def test_a_programme_ending_in_a_line_break_is_refused() -> None:
    assert programme_id_fault("leadership", held=()) is None
    assert programme_id_fault("leadership\n", held=()) == PROGRAMME_ID_RULE


def test_a_discount_code_ending_in_a_line_break_is_no_code() -> None:
    assert is_discount_code("SPRING10")
    assert not is_discount_code("SPRING10\n")


def test_a_reference_is_still_read_whatever_the_spaces() -> None:
    assert normalised_reference("cl 7k3q9\n") == normalised_reference("CL-7K3Q9")
