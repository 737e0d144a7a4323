"""What people type (one line, free text) and how stored text is shown where nothing escapes it:
no line break forges a line, no bidirectional control reorders what follows."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booking.domain.text import BIDI_CONTROLS, flattened, free_text, one_line, shown_safely
from booking.services import applications, courses, organisers
from booking.services.ports import Ports
from tests.fakes import Clock, fake_ports
from tests.fakes.repository import FakeRepository
from tests.support.use_case_steps import answers, course_definition

RAW = {*(chr(n) for n in range(32)), "\x7f", *(chr(n) for n in range(0x80, 0xA0))}
RAW |= set(BIDI_CONTROLS) | {"\u2028", "\u2029"}


@pytest.mark.parametrize("breaking", ["\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\t"])
def test_one_line_takes_no_line_break_of_any_kind(breaking: str) -> None:
    with pytest.raises(ValueError, match="one line"):
        one_line(f"Ada{breaking}Lovelace")
    assert one_line("Zoë O'Brien-Łukasz 漢字") == "Zoë O'Brien-Łukasz 漢字"


@pytest.mark.parametrize("bidi", sorted(BIDI_CONTROLS))
def test_no_bidirectional_control_in_either_shape(bidi: str) -> None:
    for rule in (one_line, free_text):
        with pytest.raises(ValueError, match="right-to-left"):
            rule(f"invoice{bidi}fdp.exe")
    # Right-to-left text itself is welcome: it needs no control characters.
    assert one_line("שרה כהן") == "שרה כהן"


def test_free_text_keeps_line_breaks_and_tabs_but_no_other_control() -> None:
    assert free_text("one\r\ntwo\tthree\u2028four") == "one\r\ntwo\tthree\nfour"
    with pytest.raises(ValueError, match="control characters"):
        free_text("bell\x07")


@given(st.text())
def test_shown_safely_leaves_no_raw_control_line_break_or_bidi(text: str) -> None:
    shown = shown_safely(text)
    assert not RAW & set(shown)
    kept = shown_safely(text, keep=frozenset("\n"))
    assert not (RAW - {"\n"}) & set(kept)
    assert shown_safely("Ada Lovelace, Zoë") == "Ada Lovelace, Zoë"
    assert shown_safely("a\u202eb\nc") == "a\\u202eb\\u000ac"


def test_the_roster_csv_shows_stored_control_characters_as_escapes() -> None:
    """A value stored before today's rules (or by any other way in) cannot forge a row or
    reorder a cell: the CSV writes each such character as a visible escape; an answer keeps
    its line breaks, inside its quoted cell."""
    ports: Ports = fake_ports(Clock())
    courses.put_course(ports, "c1", course_definition())
    view = applications.submit_application(ports, "c1", answers())
    repo = ports.repository
    assert isinstance(repo, FakeRepository)
    stored = repo.applications[view.application_id]
    hostile = stored.answers.model_copy(
        update={
            "name": "Ada\r\nCL-FORGED,Mallory\u202e",
            "organisation": "Trust\x85\u2066",
            "motivation": "line one\nline two\x07",
        }
    )
    repo.applications[view.application_id] = stored.model_copy(update={"answers": hostile})

    body = organisers.roster_csv(ports, "c1").removeprefix("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(body, newline="")))
    assert row["Full name"] == "Ada\\u000aCL-FORGED,Mallory\\u202e"
    assert row["Organisation"] == "Trust\\u0085\\u2066"
    assert row["Reasons for applying"] == "line one\nline two\\u0007"
    assert not (RAW - {"\n", "\r"}) & set(body)


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x9b"])
def test_one_line_tells_another_control_character_as_one_not_as_a_line_break(
    control: str,
) -> None:
    with pytest.raises(ValueError, match="remove the control characters"):
        one_line(f"Ada{control}Lovelace")


@given(st.text())
def test_flattened_text_is_one_line_of_what_shows(value: str) -> None:
    """What a calendar's parameter or a header is given: never a line break, a control or a
    bidirectional character, never a run of spaces."""
    flat = flattened(value)
    assert flat == flat.strip()
    assert "  " not in flat
    assert not any(c in RAW or c in BIDI_CONTROLS or c in "\u2028\u2029" for c in flat)
    assert flattened("Leading\r\nBcc: x@evil.example\u2028now") == "Leading Bcc: x@evil.example now"
