"""A colleague's own application for a place of a group booking takes none of the payment
fields one person's booking pays with: the group paid for the place, so a
discount code, a payment method or billing details given are refused by their names, in words
(422), as a code sent with a group booking is, never dropped unread; nothing is filled, and the
same application without them fills the place. Through the real handlers and moto."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.groups import COLLEAGUES, apply_through, paid_group
from tests.support.invoiced import BILLING
from tests.support.system import System, application_body

pytestmark = pytest.mark.usefixtures("invoiced")

PAID_BY_THE_GROUP = "this place is paid for by the group booking, so it takes no {}: leave it out"


def _refused_fields(reply: Any) -> dict[str, str]:
    assert reply.status == 422, reply.body
    return dict(reply.json()["error"]["fields"])


def _still_open_then_filled(system: System, link: str) -> None:
    """Nothing was filled: the same colleague, without the payment fields, is taken."""
    taken = apply_through(system, link, **COLLEAGUES[0])
    assert taken.status == 201, taken.body
    assert taken.json()["status"] == "confirmed"


def test_a_discount_code_on_a_colleagues_own_application_is_refused_by_name(
    system: System,
) -> None:
    link = paid_group(system)["places"][0]["apply_url"]

    fields = _refused_fields(apply_through(system, link, discount_code="HALF", **COLLEAGUES[0]))

    assert fields == {"discount_code": PAID_BY_THE_GROUP.format("discount code")}
    _still_open_then_filled(system, link)


def test_paying_by_invoice_on_a_colleagues_own_application_is_refused_field_by_field(
    system: System,
) -> None:
    link = paid_group(system)["places"][0]["apply_url"]

    fields = _refused_fields(apply_through(system, link, **BILLING, **COLLEAGUES[0]))

    assert fields == {
        "payment_method": PAID_BY_THE_GROUP.format("payment method"),
        "billing_name": PAID_BY_THE_GROUP.format("billing details"),
        "billing_email": PAID_BY_THE_GROUP.format("billing details"),
        "billing_address": PAID_BY_THE_GROUP.format("billing details"),
        "po_number": PAID_BY_THE_GROUP.format("purchase order number"),
    }
    _still_open_then_filled(system, link)


def test_a_code_posted_by_a_form_is_refused_too_and_blank_payment_fields_are_none(
    system: System,
) -> None:
    """A form's other names are ignored, but not these: a code typed into a hand-made form is
    refused as by JSON; the same fields left blank are no fields given."""
    link = paid_group(system)["places"][0]["apply_url"]
    parts = urlsplit(link)
    path = parts.path.removesuffix("/apply") + "/applications"
    body = {key: str(value) for key, value in application_body(**COLLEAGUES[0]).items()}
    body["consent"] = "on"

    coded = system.api("POST", f"{path}?{parts.query}", form={**body, "discount_code": "HALF"})
    assert _refused_fields(coded) == {"discount_code": PAID_BY_THE_GROUP.format("discount code")}

    blank = {**body, "discount_code": "", "payment_method": "", "billing_name": " "}
    taken = system.api("POST", f"{path}?{parts.query}", form=blank)
    assert taken.status in (201, 303), taken.body
    assert system.api("POST", f"{path}?{parts.query}", form=body).status == 409  # filled
