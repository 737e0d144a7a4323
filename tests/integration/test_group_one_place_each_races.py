"""One person, one place on a course, when a manager's group booking and an application race:
the write decides, not the read before it. Each test lets the request's read go first, then
makes the other side's booking (through its use case) before the request writes, as two
requests at the same moment may; the request is refused in the words its read would have
used, and nobody holds two places."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from booking.services import group_booking, group_changes, one_place_each
from booking.services.applications import submit_application
from tests.support.groups import (
    COLLEAGUES,
    NAMED,
    apply_on_their_own,
    book,
    booking_body,
    manager_view,
    paid_group,
    places_left,
    substitute,
)
from tests.support.invoiced import BILLING, INVOICED
from tests.support.system import System, application_body

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort


def _then(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str, other: Callable[[], object]
) -> None:
    """``module.name`` (a read before a write) answers as it found things, and then
    ``other`` runs, once: the other request's write lands between this read and this write."""
    original = getattr(module, name)

    def read_then_the_other(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        monkeypatch.setattr(module, name, original)  # once; the other request reads plainly
        other()
        return found

    monkeypatch.setattr(module, name, read_then_the_other)


def _applies_on_their_own(system: System, email: str) -> Callable[[], object]:
    body = application_body(name="Someone", email=email, payment_method="card")
    return lambda: submit_application(system.ports, INVOICED, body)


def _applications_of(system: System, email: str) -> list[Any]:
    return system.ports.repository.applications_of_person(email)


def test_an_applicant_and_a_manager_booking_them_at_once_the_group_first(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The applicant's read finds no group; the manager's booking is saved before their
    application: refused as booked for them (409), nothing of theirs written."""
    manager = lambda: group_booking.book_places(  # noqa: E731
        system.ports, INVOICED, booking_body(**BILLING)
    )
    _then(monkeypatch, one_place_each, "group_naming", manager)
    refused = apply_on_their_own(system, NAMED["email"])
    refused.refused(409, "place_booked_for_you")
    assert refused.json()["error"]["message"] == (
        "A place on this course is being booked for you by St Elsewhere NHS Trust; you will "
        "be emailed a link to apply once it is paid"
    )
    assert _applications_of(system, NAMED["email"]) == []
    assert places_left(system) == 5 - len(COLLEAGUES)  # the group's seats, no one else's


def test_a_manager_booking_someone_who_applies_at_that_moment_is_refused_beside_them(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manager's read finds no application of the first colleague; theirs is saved before
    the group: the booking is refused beside that colleague (422), and holds nothing."""
    _then(
        monkeypatch, group_booking, "has_a_place_on", _applies_on_their_own(system, NAMED["email"])
    )
    refused = book(system, **BILLING)
    assert refused.status == 422, refused.body
    assert refused.json()["error"]["fields"] == {
        "colleagues.0.email": one_place_each.ALREADY_ON_COURSE
    }
    assert [a.status.value for a in _applications_of(system, NAMED["email"])] == [
        "awaiting_payment"
    ]
    assert system.ports.groups.groups_of_course(INVOICED) == []
    assert places_left(system) == 5 - 1  # the applicant's seat only
    # The other colleagues hold nothing: each may apply on their own.
    assert apply_on_their_own(system, COLLEAGUES[1]["email"]).status == 201


def test_a_substitute_who_applies_at_that_moment_is_refused_and_the_place_unchanged(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = paid_group(system)
    ada = {"name": "Ada Lovelace", "email": "ada@example.org"}
    _then(
        monkeypatch,
        group_changes,
        "has_a_place_on",
        _applies_on_their_own(system, ada["email"]),
    )
    refused = substitute(system, group, 1, ada)
    assert refused.status == 422, refused.body
    assert refused.json()["error"]["fields"] == {"email": one_place_each.ALREADY_ON_COURSE}
    assert manager_view(system, group)["places"][0]["email"] == NAMED["email"]
    # The place still holds its colleague's one place: they are sent to their link.
    assert apply_on_their_own(system, NAMED["email"]).status == 409
