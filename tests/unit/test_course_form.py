"""The console's course form filled in with a stored definition (``handlers.course_form``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from booking.domain.course import CourseDefinition
from booking.domain.errors import InvalidInput
from booking.handlers.course_form import definition_from_form, form_of, read_form
from tests.support.console import posted_fields

COURSES = sorted(Path(__file__).parents[2].joinpath("courses").glob("*.json"))


def _stored(path: Path, **overrides: object) -> CourseDefinition:
    data = json.loads(path.read_text(encoding="utf-8")) | overrides
    return CourseDefinition.model_validate(data)


@pytest.mark.parametrize("path", COURSES, ids=lambda path: path.stem)
@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {
            "approval_required": True,
            "closed": True,
            "po_required": True,
            "completion_min_sessions": 2,
            "decline_message": "Not this time.",
        },
    ],
    ids=["as-stored", "every-box-ticked"],
)
def test_a_stored_definition_reads_back_from_its_form(
    path: Path, overrides: dict[str, object]
) -> None:
    stored = _stored(path, **overrides)
    assert definition_from_form(form_of("a-course", stored)) == stored


def test_each_field_is_shown_as_it_is_typed() -> None:
    stored = _stored(COURSES[0], approval_required=True, completion_min_sessions=None)
    form = form_of("a-course", stored)
    values = form.values
    assert values["course_id"] == "a-course"
    assert values["price"] == f"{stored.price.amount / 100:.2f}"
    assert values["currency"] == stored.price.currency
    assert values["approval_required"] == "on"  # a ticked box
    assert values["closed"] == ""  # an unticked one
    assert values["completion_min_sessions"] == ""  # nothing given
    assert values["reminder_offsets_hours"] == ", ".join(
        str(hours) for hours in stored.reminder_offsets_hours
    )
    assert values["capacity"] == str(stored.capacity)
    first = form.sessions[0]
    assert (first["start_time"], first["end_time"]) == (
        f"{stored.sessions[0].start_time:%H:%M}",
        f"{stored.sessions[0].end_time:%H:%M}",
    )
    assert first["id"] == (stored.sessions[0].id or "")
    assert first["title"] == (stored.sessions[0].title or "")
    assert [row["name"] for row in form.facilitators] == [f.name or "" for f in stored.facilitators]


@pytest.mark.parametrize("ticked", ["on", "true", "True"])
def test_a_box_ticked_by_any_of_a_forms_words_reads_ticked(ticked: str) -> None:
    stored = _stored(COURSES[0], approval_required=False, closed=False)
    posted = posted_fields(form_of("a-course", stored))
    form = read_form(posted | {"approval_required": ticked, "closed": ticked})
    assert definition_from_form(form).approval_required is True
    assert definition_from_form(form).closed is True


@pytest.mark.parametrize("unclear", ["yes", "1", "ON", "false", "", "True "])
def test_a_box_neither_ticked_nor_left_out_is_refused_beside_it(unclear: str) -> None:
    stored = _stored(COURSES[0], closed=False)
    posted = posted_fields(form_of("a-course", stored))
    form = read_form(posted | {"closed": unclear})
    assert form.values["closed"] == ""  # shown unticked, the reason beside it
    with pytest.raises(InvalidInput) as refused:
        definition_from_form(form)
    assert refused.value.fields["closed"].startswith("Tick the box (on, true or True)")


@pytest.mark.parametrize("blank", ["\xa0", "\u2028", " \xa0 "])
@pytest.mark.parametrize(
    "field", ["facilitator-0-name", "facilitator-0-bio", "overview", "organisation"]
)
def test_a_field_typed_with_nothing_that_shows_is_refused_beside_it(blank: str, field: str) -> None:
    """A facilitator's name blanked with an NBSP saved them unnamed (off the
    public page), and an optional field so typed was dropped; each is refused beside it."""
    stored = _stored(COURSES[0])
    assert stored.facilitators[0].name
    posted = posted_fields(form_of("a-course", stored))
    with pytest.raises(InvalidInput) as refused:
        definition_from_form(read_form(posted | {field: blank}))
    assert refused.value.fields[field].startswith("Nothing typed here shows")


def test_a_field_left_empty_or_with_plain_spaces_reads_as_empty() -> None:
    stored = _stored(COURSES[0])
    posted = posted_fields(form_of("a-course", stored))
    for left in ("", "  ", "\r\n"):
        definition = definition_from_form(read_form(posted | {"overview": left}))
        assert definition.overview is None
