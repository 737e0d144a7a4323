"""Places booked by a manager, as the group tests write them: the colleagues and others it books,
the booking by invoice (then paid), each colleague applying through their own link, and the
manager's changes place by place (a substitution, a place given up)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from booking.domain.emails import OutgoingEmail
from tests.support.held_events import Delivery, held
from tests.support.invoiced import BILLING, INVOICED, invoiced_cohort, paid_out_of_band
from tests.support.races import at_the_first
from tests.support.stripe_client import posts_fail, requests_to
from tests.support.system import COURSE_ID, Reply, System, application_body

COLLEAGUES = [
    {"name": "Mary Seacole", "email": "mary@example.org"},
    {"name": "Edith Cavell", "email": "edith@example.org"},
    {"name": "Grace Hopper", "email": "grace@example.org"},
]
# Others, for a second booking on the same course (one person holds one place on a course).
OTHERS = [
    {"name": "Ada Lovelace", "email": "ada@example.org"},
    {"name": "Mary Somerville", "email": "somerville@example.org"},
]


MANAGER = "florence@example.org"  # the manager who books, in :func:`booking_body`


def booking_body(**fields: Any) -> dict[str, Any]:
    """The manager's booking as JSON: Florence books :data:`COLLEAGUES` (``fields``: any
    other answers)."""
    return {
        "manager_name": "Florence Nightingale",
        "manager_email": MANAGER,
        "organisation": "St Elsewhere NHS Trust",
        "colleagues": COLLEAGUES,
        "consent": True,
        **fields,
    }


def book(system: System, course: str = INVOICED, **fields: Any) -> Any:
    return system.api("POST", f"/courses/{course}/group-bookings", json_body=booking_body(**fields))


def places_left(system: System, course: str = INVOICED) -> int:
    return int(system.course(course)["places_left"])


def manager_view(system: System, group: dict[str, Any]) -> dict[str, Any]:
    reply = system.api("GET", f"/groups/{group['group_id']}?token={group['token']}")
    assert reply.status == 200, reply.body
    return dict(reply.json())


def group_page(system: System, group: dict[str, Any]) -> str:
    """The group's page as its manager's browser gets it (by its token): its HTML, which must
    be found."""
    path = f"/groups/{group['group_id']}?token={group['token']}"
    reply = system.api("GET", path, headers={"accept": "text/html"})
    assert reply.status == 200, reply.body
    return reply.body


def apply_by(system: System, group: dict[str, Any]) -> datetime:
    """When the group's colleagues apply by, as its manager's view says now."""
    return datetime.fromisoformat(str(manager_view(system, group)["apply_by"]))


def pay_invoice(system: System, group: dict[str, Any]) -> None:
    invoice_id = str(group["pay_url"]).rsplit("/", 1)[-1]
    paid = system.stripe_local("POST", f"/invoices/{invoice_id}/pay")
    assert paid.status == 200, paid.body
    assert system.webhook_replies[-1].status == 200


def apply_through(system: System, link: str, **fields: Any) -> Any:
    parts = urlsplit(link)
    path = parts.path.removesuffix("/apply") + "/applications"
    return system.api("POST", f"{path}?{parts.query}", json_body=application_body(**fields))


def colleague_applies(system: System, group: dict[str, Any], place: int = 1) -> None:
    """The colleague :data:`COLLEAGUES` names for ``place`` (from 1) applies through its link,
    and is taken."""
    link = group["places"][place - 1]["apply_url"]
    applied = apply_through(system, link, **COLLEAGUES[place - 1])
    assert applied.status == 201, applied.body


def invoiced_group(system: System, **fields: Any) -> dict[str, Any]:
    """A group booked to be paid by invoice (``fields``: any other of the form's answers): the
    manager's answer."""
    reply = book(system, **BILLING, **fields)
    assert reply.status == 201, reply.body
    return dict(reply.json())


def paid_group(system: System, **fields: Any) -> dict[str, Any]:
    group = invoiced_group(system, **fields)
    pay_invoice(system, group)
    return manager_view(system, group)


def paid_outside_stripe(system: System, **fields: Any) -> dict[str, Any]:
    """:func:`invoiced_group`, its invoice marked paid at Stripe (paid out of band): the
    manager's answer."""
    group = invoiced_group(system, **fields)
    paid_out_of_band(system, pay_link_id(group))
    return group


def paid_by_card(system: System, **fields: Any) -> dict[str, Any]:
    """A group booked on the sample cohort, which takes cards (``fields``: more of the booking,
    as :func:`book` takes them), and paid at its Checkout: the booking's answer. The emails
    its payment sent are not delivered yet."""
    booked = book(system, course=COURSE_ID, **fields)
    assert booked.status == 201, booked.body
    group: dict[str, Any] = booked.json()
    assert system.pay(str(group["pay_url"])).status == 200
    return group


def paid_card_group(system: System, **fields: Any) -> dict[str, Any]:
    """:func:`paid_by_card`, the emails its payment sent delivered."""
    group = paid_by_card(system, **fields)
    system.deliver_emails()
    return group


def pay_by_debit(system: System, group: dict[str, Any]) -> None:
    """The manager completes the group's checkout by a delayed method (Bacs, SEPA): the
    payment is made and settles only when its bank says (:func:`bank_confirms`)."""
    system.pay_session(pay_link_id(group), delayed=True)


def bank_confirms(system: System, group: dict[str, Any]) -> None:
    """The bank confirms the group's delayed payment; its webhook is answered 200."""
    system.settle_session(pay_link_id(group))
    assert system.webhook_replies[-1].status == 200


def pay_link_id(group: Mapping[str, Any]) -> str:
    """The id at the end of the group's pay link: its checkout session's, or its invoice's."""
    return str(group["pay_url"]).rsplit("/", 1)[-1]


def invoices_made(system: System) -> int:
    """How many invoices the system has asked the Stripe stand-in to make so far."""
    return len(requests_to(system.stripe_http, "/v1/invoices"))


def invoice_reads(system: System, invoice_id: str) -> int:
    """How many times the system has read ``invoice_id`` at the Stripe stand-in so far."""
    return len(requests_to(system.stripe_http, f"/v1/invoices/{invoice_id}"))


def group_of_three(system: System) -> dict[str, Any]:
    """The invoiced cohort with a group of three (all of COLLEAGUES) booked by invoice, its
    emails delivered."""
    invoiced_cohort(system)
    group = invoiced_group(system, colleagues=COLLEAGUES)
    system.deliver_emails()
    return group


def three_on_an_invoice(system: System) -> tuple[dict[str, Any], str, int]:
    """:func:`group_of_three`, its invoice and the places then left on :data:`INVOICED`."""
    group = group_of_three(system)
    return group, pay_link_id(group), places_left(system, INVOICED)


def three_on_an_invoice_stopped_after_the_void(
    system: System, replace: Callable[[dict[str, Any]], Reply]
) -> tuple[dict[str, Any], str, int, Reply]:
    """:func:`three_on_an_invoice`, then ``replace`` (a place given up, the invoice corrected)
    while Stripe makes no new invoice: it voids the old one, then fails the new one. The group,
    its old invoice, the places then left, and the answer to ``replace``."""
    group, old, left = three_on_an_invoice(system)
    with pytest.MonkeyPatch.context() as stripe_down:
        posts_fail(system.stripe_http, stripe_down, "/v1/invoices")
        stopped = replace(group)
    return group, old, left, stopped


def replaced_for_two(system: System, group: dict[str, Any], old: str, left: int) -> None:
    """Place 2 of a group of three given up on a new invoice: the old invoice ``old`` void,
    the new one open for the two places kept (£400), the group no longer marked as being
    replaced, and the place back on the course (``left`` + 1)."""
    view = manager_view(system, group)
    assert (view["status"], view["places_kept"]) == ("awaiting_invoice_payment", 2)
    new = pay_link_id(view)
    assert new != old
    assert system.stripe_invoice(old)["status"] == "void"
    assert (system.stripe_invoice(new)["status"], system.stripe_invoice(new)["amount_due"]) == (
        "open",
        40000,
    )
    assert system.stored_group(group).replacing_invoice is None
    assert places_left(system, INVOICED) == left + 1


def kept_on_its_invoice(system: System, group: dict[str, Any], invoice_id: str, left: int) -> None:
    """Nothing ended for a group of three by invoice: every place held on the same open invoice
    ``invoice_id``, the course's ``left`` places as they were, nobody told anything."""
    view = manager_view(system, group)
    assert (view["status"], view["places_kept"], view["ended_because"]) == (
        "awaiting_invoice_payment",
        3,
        None,
    )
    assert pay_link_id(view) == invoice_id
    assert system.stripe_invoice(invoice_id)["status"] == "open"  # not voided under it
    assert places_left(system, INVOICED) == left
    assert system.deliver_emails() == []


def paid_for_three(system: System, group: dict[str, Any]) -> None:
    """A group of three paid whole: £600 taken at Stripe, nothing given back."""
    paid = manager_view(system, group)
    assert (paid["status"], paid["places_kept"]) == ("paid", 3)
    assert (paid["amount_paid"], paid["amount_refunded"]) == (60000, 0)
    assert system.standin.money_moved()[group["group_id"]] == (60000, 0)


def when_stripe_is_asked(
    system: System, monkeypatch: pytest.MonkeyPatch, path: str, act: Callable[[], Any]
) -> list[Any]:
    """``act`` done once at the stand-in just before the system's first POST to ``path``
    reaches it (a race made exact): what it answered."""

    def posted_to_path(method: str, url: str, *request: Any) -> bool:
        return method == "post" and url.endswith(path)

    return at_the_first(monkeypatch, system.stripe_http, "_answer", act, posted_to_path)


def at_the_void(
    system: System, monkeypatch: pytest.MonkeyPatch, invoice_id: str, act: Callable[[], Any]
) -> list[Any]:
    """``act`` done once at the stand-in just before the system's void of ``invoice_id``
    reaches it (:func:`when_stripe_is_asked`): what it answered."""
    return when_stripe_is_asked(system, monkeypatch, f"/v1/invoices/{invoice_id}/void", act)


def paid_at_the_void(
    system: System, monkeypatch: pytest.MonkeyPatch, invoice_id: str, act: Callable[[], Reply]
) -> tuple[Reply, list[Delivery]]:
    """``act`` (one that voids ``invoice_id``: a correction, a place given up) with the
    employer paying the invoice at the stand-in just before the void reaches it, after the
    act read it: the act's answer, and the events the payment caused, held (not delivered)."""
    paid = at_the_void(
        system,
        monkeypatch,
        invoice_id,
        lambda: system.stripe_local("POST", f"/invoices/{invoice_id}/pay").status,
    )
    answer, caused = held(system, act)
    monkeypatch.undo()
    assert paid == [200]
    return answer, caused


APPLY_BY_DAYS = 10


def paid_group_with_an_apply_by(system: System, **fields: Any) -> dict[str, Any]:
    """A paid group (:func:`paid_group`) whose places must be applied for by
    :data:`APPLY_BY_DAYS` days before the cohort starts."""
    system.put_course(
        INVOICED, system.course_file(INVOICED) | {"group_apply_by_days": APPLY_BY_DAYS}
    )
    return paid_group(system, **fields)


def the_apply_by_passes(system: System, group: dict[str, Any]) -> None:
    """The clock moves on to the group's apply-by date, and the scheduled sweep runs then."""
    system.clock_offset += datetime.fromisoformat(group["apply_by"]) - system.now()
    system.scheduled_run(system.now())


def two_applied_then_withdrawn(system: System) -> None:
    """A paid group of two places, each colleague applied through their place's link; then the
    manager names another colleague for place 1 and gives place 2 up."""
    group = paid_group(system, colleagues=COLLEAGUES[:2])
    for place, colleague in zip(group["places"], COLLEAGUES[:2], strict=True):
        assert apply_through(system, place["apply_url"], **colleague).status == 201
    system.deliver_emails()
    swapped = substitute(system, group, 1, OTHERS[0])
    assert swapped.status == 200, swapped.body
    given_up = give_up(system, group, 2)
    assert given_up.status == 200, given_up.body


def place_path(group: dict[str, Any], place: int, action: str) -> str:
    """The manager's link to ``action`` (``cancel`` or ``substitute``) the group's ``place``
    (from 1), with their token."""
    return f"/groups/{group['group_id']}/places/{place}/{action}?token={group['token']}"


def give_up(system: System, group: dict[str, Any], place: int) -> Reply:
    """The manager gives ``place`` (from 1) up: the API's answer."""
    return system.api("POST", place_path(group, place, "cancel"))


def given_up_over_a_payment(
    system: System, group: dict[str, Any], place: int, monkeypatch: pytest.MonkeyPatch
) -> Reply:
    """``place`` given up with Stripe answering the old checkout's expiry "expired" without
    closing it, so that a payment made on it (at Stripe, its events held) still lands on a
    checkout the group no longer uses, given back whole by the group's rule for one
    (``domain.group_stripe_events``). A give-up expires the old checkout first and is refused
    when Stripe says it was paid: only such an answer reaches that rule now."""
    with monkeypatch.context() as patched:
        patched.setattr(system.ports.payments, "expire_checkout", lambda session_id: "expired")
        return give_up(system, group, place)


def a_place_given_up(system: System) -> tuple[dict[str, Any], list[OutgoingEmail]]:
    """A paid group (:func:`paid_group`), its emails so far sent, whose manager then gives
    place 2 up: the group, and the emails the giving up sends."""
    group = paid_group(system)
    system.deliver_emails()
    assert give_up(system, group, 2).status == 200
    return group, system.deliver_emails()


def substitute(
    system: System, group: dict[str, Any], place: int, colleague: dict[str, str]
) -> Reply:
    """The manager names ``colleague`` (a name and an email) on ``place`` (from 1) instead: the
    API's answer."""
    return system.api(
        "POST", place_path(group, place, "substitute"), json_body={**colleague, "consent": True}
    )


def group_when_stripe_voids(
    system: System, monkeypatch: pytest.MonkeyPatch, group: dict[str, Any], *, after: bool
) -> list[Any]:
    """From now on, each time the payments port voids an invoice, ``group`` as stored then
    (before Stripe is asked, or ``after`` it answered) is added to the list this returns."""
    payments = system.ports.payments
    stripes_void = payments.void_invoice
    seen: list[Any] = []

    def and_look(invoice_id: str) -> str:
        if not after:
            seen.append(system.ports.groups.get_group(group["group_id"]))
        answer = stripes_void(invoice_id)
        if after:
            seen.append(system.ports.groups.get_group(group["group_id"]))
        return answer

    monkeypatch.setattr(payments, "void_invoice", and_look)
    return seen


NAMED = COLLEAGUES[0]  # the colleague place 1 is booked for


def apply_on_their_own(system: System, email: str) -> Any:
    """:data:`NAMED` applies on their own through the public form (by card), with ``email``:
    the API's answer."""
    body = application_body(name=NAMED["name"], email=email, payment_method="card")
    return system.api("POST", f"/courses/{INVOICED}/applications", json_body=body)
