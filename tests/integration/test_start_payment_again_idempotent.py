"""*Start payment again* pressed while its session is open (a double click, a second tab, a
script pressing 20 times) answers that same session, never a new one that expires it under
the person; a session Stripe no longer holds open, one about to expire, or one
asking for an amount the place no longer costs is replaced, as before."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from booking.domain.wording import cohort_name
from tests.support.applications import session_id_of
from tests.support.system import COURSE_ID, STRIPE_KEY, System


def _status_at_stripe(system: System, url: str) -> str:
    session = url.rsplit("/", 1)[-1]
    reply = system.stripe_local("GET", f"/v1/checkout/sessions/{session}", b"", STRIPE_KEY)
    return str(reply.json()["status"])


def _press(system: System, application: dict[str, Any]) -> Any:
    path = f"/applications/{application['application_id']}/checkout?token={application['token']}"
    return system.api("POST", path)


def test_presses_while_the_session_is_open_answer_that_session(system: System) -> None:
    application = system.apply().json()
    first_url = application["checkout_url"]

    answers = [_press(system, application) for _ in range(5)]

    assert {a.status for a in answers} == {201}
    assert {a.json()["checkout_url"] for a in answers} == {first_url}
    assert _status_at_stripe(system, first_url) == "open"
    assert system.course()["places_left"] == 19
    assert system.pay(first_url).status == 200
    assert system.status_of(application)["status"] == "confirmed"


def test_a_session_with_a_discount_code_is_answered_again_too(system: System) -> None:
    """The session's amount is Stripe's total after the code, which the rule
    compared with the price before it, so every press with a code opened a new session."""
    system.made_code(code="HALF", percent_off=50, max_uses=5)
    application = system.apply(discount_code="half").json()
    assert application["amount_due"] == 10000
    first_url = application["checkout_url"]

    answers = [_press(system, application) for _ in range(3)]

    assert {a.json()["checkout_url"] for a in answers} == {first_url}
    assert _status_at_stripe(system, first_url) == "open"


def test_a_session_no_longer_open_at_stripe_is_replaced(system: System) -> None:
    application = system.apply().json()
    with system.standin.webhooks_held():  # expired at Stripe, its event not heard yet
        system.stripe_local("POST", f"/checkout/{session_id_of(application)}/expire")
        again = _press(system, application)

    assert again.status == 201, again.body
    url = again.json()["checkout_url"]
    assert url != application["checkout_url"]
    assert _status_at_stripe(system, url) == "open"


def test_a_session_about_to_expire_is_replaced(system: System) -> None:
    application = system.apply().json()
    stored = system.stored(application)
    assert stored.checkout is not None
    near_its_end = stored.checkout.expires_at - timedelta(minutes=5)
    with time_machine.travel(near_its_end, tick=False):
        again = _press(system, application)

    assert again.status == 201, again.body
    assert again.json()["checkout_url"] != application["checkout_url"]
    assert _status_at_stripe(system, application["checkout_url"]) == "expired"


def _item_on_page(system: System, url: str) -> str:
    """The item the session's payment page names (the stand-in's hosted page)."""
    page = system.stripe_local("GET", f"/checkout/{url.rsplit('/', 1)[-1]}").body
    found = re.search(r"<dt>Item</dt><dd>([^<]*)</dd>", page)
    assert found, page[:500]
    return html.unescape(found.group(1))


def _renamed(definition: dict[str, Any]) -> None:
    definition["title"] = "Renamed Leadership"


def _brought_forward(definition: dict[str, Any]) -> None:
    for session in definition["sessions"]:
        session["date"] = (date.fromisoformat(session["date"]) - timedelta(days=1)).isoformat()


@pytest.mark.parametrize("change", [_renamed, _brought_forward])
def test_a_session_naming_the_cohort_as_it_was_is_replaced(
    system: System, change: Callable[[dict[str, Any]], None]
) -> None:
    """The session's page and Stripe's receipt name the cohort by title and first
    day as they were when it was made; a press after a rename or a new first day opens a
    session naming the cohort as it is now, never the old page again."""
    application = system.apply().json()
    first_url = application["checkout_url"]
    before = _item_on_page(system, first_url)
    definition = system.course_file()
    change(definition)
    system.put_course(COURSE_ID, definition)

    again = _press(system, application)

    assert again.status == 201, again.body
    url = again.json()["checkout_url"]
    assert url != first_url
    assert _status_at_stripe(system, first_url) == "expired"
    now_named = _item_on_page(system, url)
    assert now_named != before
    course = system.stored_course(COURSE_ID)
    assert now_named == cohort_name(course)
    # Pressed again, unchanged since: that session is answered.
    assert _press(system, application).json()["checkout_url"] == url


def test_a_session_recorded_without_its_product_name_is_replaced(system: System) -> None:
    """A session made before its product name was recorded is not known to name the cohort as
    it is now: a press opens a new one (as every press did before open sessions were reused)."""
    application = system.apply().json()
    stored = system.stored(application)
    assert stored.checkout is not None
    assert stored.checkout.product_name is not None
    unnamed = stored.checkout.model_copy(update={"product_name": None})
    system.ports.repository.save(stored.with_checkout(unnamed), stored)

    again = _press(system, application)

    assert again.status == 201, again.body
    assert again.json()["checkout_url"] != application["checkout_url"]
