"""The public bodies as an API client sends them (JSON) refuse a field they do not take by its
name, never dropping it in silence (a typo like ``dicount_code`` would pay full price); a
browser's form may carry other names (a button's) and is read as before. A substitution names
a new colleague only with the manager's confirmation the booking form asks (one rule)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.groups import (
    OTHERS,
    book,
    booking_body,
    group_page,
    manager_view,
    paid_group,
    place_path,
)
from tests.support.invoiced import INVOICED
from tests.support.page_text import text_of
from tests.support.system import System, application_body

HTML = {"accept": "text/html"}
pytestmark = pytest.mark.usefixtures("invoiced")  # the groups here on the invoiced cohort


def test_an_application_with_a_misspelt_field_is_refused_by_its_name(system: System) -> None:
    course = system.course()["course_id"]
    reply = system.api(
        "POST",
        f"/courses/{course}/applications",
        json_body=application_body(dicount_code="HALF"),
    )
    reply.refused(422, "validation_failed")
    assert "not a field of this request" in reply.json()["error"]["fields"]["dicount_code"]
    assert system.applications() == []
    # Every field of the CONTRACT's body is taken, the honeypot included.
    taken = system.apply(website="", payment_method="card", discount_code="")
    assert taken.status == 201, taken.body


def test_an_application_form_from_a_browser_may_carry_a_buttons_name(system: System) -> None:
    course = system.course()["course_id"]
    form = {k: ("on" if v is True else str(v)) for k, v in application_body(submit="Apply").items()}
    reply = system.api("POST", f"/courses/{course}/applications", form=form, headers=HTML)
    assert reply.status == 303, reply.body
    assert len(system.applications()) == 1


def test_a_group_booking_with_a_field_it_does_not_take_is_refused_by_its_name(
    system: System,
) -> None:
    reply = book(system, dry_run=True)
    assert reply.status == 422, reply.body
    assert "not a field of this request" in reply.json()["error"]["fields"]["dry_run"]
    assert system.api("POST", f"/courses/{INVOICED}/group-bookings", json_body={}).status == 422
    assert book(system, **booking_body()).status == 201


@pytest.fixture
def group(system: System) -> dict[str, Any]:
    """A group booking by invoice, the invoice paid (:func:`paid_group`): as its manager sees it."""
    return paid_group(system)


def _substitute(system: System, group: dict[str, Any], body: dict[str, Any]) -> Any:
    return system.api("POST", place_path(group, 1, "substitute"), json_body=body)


def _colleague_named(system: System, group: dict[str, Any]) -> bool:
    """Whether the group's first place, as its manager sees it, names the colleague substituted
    (``OTHERS[0]``)."""
    return bool(manager_view(system, group)["places"][0]["email"] == OTHERS[0]["email"])


@pytest.mark.parametrize("consent", [None, False, "true", "on", 1])
def test_a_substitution_without_the_managers_confirmation_is_refused(
    system: System, group: dict[str, Any], consent: object
) -> None:
    body: dict[str, Any] = dict(OTHERS[0])
    if consent is not None:
        body["consent"] = consent
    reply = _substitute(system, group, body)
    assert reply.status == 422, reply.body
    assert "colleagues know you are giving us" in reply.json()["error"]["fields"]["consent"]
    assert not _colleague_named(system, group)
    assert [m for m in system.deliver_emails() if OTHERS[0]["email"] in m.to] == []


def test_a_substitution_confirmed_names_the_colleague(
    system: System, group: dict[str, Any]
) -> None:
    reply = _substitute(system, group, {**OTHERS[0], "consent": True})
    assert reply.status == 200, reply.body
    assert _colleague_named(system, group)


def test_a_substitution_with_a_field_it_does_not_take_is_refused_by_its_name(
    system: System, group: dict[str, Any]
) -> None:
    reply = _substitute(system, group, {**OTHERS[0], "consent": True, "dry_run": True})
    assert reply.status == 422, reply.body
    assert "not a field of this request" in reply.json()["error"]["fields"]["dry_run"]
    assert not _colleague_named(system, group)


def test_the_managers_page_asks_the_confirmation_and_refuses_a_form_without_it(
    system: System, group: dict[str, Any]
) -> None:
    assert 'name="consent"' in group_page(system, group)
    path = place_path(group, 1, "substitute")
    for unticked in ({}, {"consent": "yes"}):
        refused = system.api("POST", path, form={**OTHERS[0], **unticked}, headers=HTML)
        assert refused.status == 422, refused.body
        assert "colleagues know you are giving us" in text_of(refused.body)
    assert not _colleague_named(system, group)
    done = system.api("POST", path, form={**OTHERS[0], "consent": "on"}, headers=HTML)
    assert done.status == 303, done.body
    assert _colleague_named(system, group)


def test_giving_up_a_place_refuses_a_json_field_and_takes_a_forms_button(
    system: System, group: dict[str, Any]
) -> None:
    path = place_path(group, 2, "cancel")
    refused = system.api("POST", path, json_body={"dry_run": True})
    assert refused.status == 422, refused.body
    assert "not a field of this request" in refused.json()["error"]["fields"]["dry_run"]
    assert manager_view(system, group)["places"][1]["state"] != "released"
    given_up = system.api("POST", path, form={"give_up": "1"}, headers=HTML)
    assert given_up.status == 303, given_up.body
    assert manager_view(system, group)["places"][1]["state"] == "released"


def test_a_colleague_in_a_group_booking_with_a_field_it_does_not_take_is_refused(
    system: System,
) -> None:
    """The rule holds one level down too (a colleague's object)."""
    body = booking_body()
    body["colleagues"] = [{**body["colleagues"][0], "x": 1}, *body["colleagues"][1:]]
    reply = book(system, **body)
    assert reply.status == 422, reply.body
    reason = reply.json()["error"]["fields"]["colleagues.0.x"]
    assert reason == "not a field of this request (the fields it takes: name, email)"
    assert book(system, **booking_body()).status == 201


def test_paying_now_with_a_json_field_is_refused_and_a_forms_button_is_taken(
    system: System,
) -> None:
    """Paying now takes no fields; a JSON client's ``dry_run`` is refused by its
    name, never a new checkout in silence."""
    application = system.apply().json()
    path = f"/applications/{application['application_id']}/checkout?token={application['token']}"
    refused = system.api("POST", path, json_body={"dry_run": True})
    assert refused.status == 422, refused.body
    assert "not a field of this request" in refused.json()["error"]["fields"]["dry_run"]
    assert system.api("POST", path, form={"pay": "1"}, headers=HTML).status == 303
