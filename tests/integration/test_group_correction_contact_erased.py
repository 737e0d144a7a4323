"""A billing contact named only in the mark of a group's invoice correction left half done
(Stripe voided the old invoice, then failed to make the new one): their export and erasure find
the group (it was a 404, "no data is held", and the sweep then sent them the corrected invoice
after they asked to be erased). The erasure is refused in words while the correction may still
be running, and then ends it: the group ends by the old invoice's void (its places back to the
course, as an organiser's *Void the invoice* ends it), nothing of theirs is left on the group,
and no invoice to them is made afterwards. Through the real handlers, moto and the Stripe
stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from booking.domain.groups import REPLACEMENT_LEFT_AFTER
from tests.support.groups import three_on_an_invoice
from tests.support.invoiced import INVOICED, NEW_BILLING, NEW_CONTACT
from tests.support.stripe_client import posts_fail
from tests.support.system import Reply, System


def _erase(system: System) -> Reply:
    return system.admin("DELETE", f"/people/{NEW_CONTACT}")


def _half_corrected(
    system: System, monkeypatch: pytest.MonkeyPatch, failing: str
) -> tuple[dict[str, Any], str, int]:
    """A group of three whose invoice's correction to :data:`NEW_BILLING` Stripe failed at its
    requests to ``failing`` (a 503): the group's answer, the old invoice's id and the course's
    places left once the group was booked."""
    group, old, left = three_on_an_invoice(system)
    with monkeypatch.context() as patched:
        posts_fail(system.stripe_http, patched, failing)
        path = f"/groups/{group['group_id']}/invoice/correct"
        assert system.admin("POST", path, json_body=dict(NEW_BILLING)).status == 503
    return group, old, left


def test_a_groups_correction_whose_new_contact_is_erased_ends_by_the_old_invoices_void(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group, old, _ = _half_corrected(system, monkeypatch, "/v1/invoices")  # after the void
    assert system.stripe_invoice(old)["status"] == "void"
    left = system.course(INVOICED)["places_left"]

    exported = system.admin("GET", f"/people/{NEW_CONTACT}")
    assert exported.status == 200, exported.body
    [theirs] = exported.json()["group_bookings"]
    assert (theirs["group_id"], theirs["as"]) == (group["group_id"], "billing contact")
    assert theirs["name"] == NEW_BILLING["billing_name"]
    young = _erase(system).refused(409, "act_on_its_way")
    assert "still being finished: nothing was erased" in young["message"]
    assert NEW_CONTACT in system.stored_group(group).model_dump_json()

    system.clock_offset += REPLACEMENT_LEFT_AFTER - timedelta(minutes=1)
    system.scheduled_run(system.now())  # not yet left half done: the sweep leaves it
    assert system.stored_group(group).replacing_billing is not None
    system.clock_offset += timedelta(seconds=90)
    erased = _erase(system)

    assert erased.status == 200, erased.body
    [said] = erased.json()["group_bookings"]
    assert (said["group_id"], said["as"]) == (group["group_id"], ["billing contact"])
    assert said["invoice_voided"] is True
    ended = system.stored_group(group)
    assert ended.status.value == "lapsed"
    assert NEW_CONTACT not in ended.model_dump_json()
    assert NEW_BILLING["billing_address"].split("\n")[0] not in ended.model_dump_json()
    assert system.course(INVOICED)["places_left"] == left + 3

    system.clock_offset += timedelta(minutes=30)
    system.scheduled_run(system.now())  # the sweep completes nothing
    after = system.stored_group(group)
    assert after.invoice is not None
    assert after.invoice.invoice_id == old
    for invoice_id in after.invoices_issued:
        at_stripe = system.stripe_invoice(invoice_id)
        assert at_stripe["customer_email"] != NEW_CONTACT or at_stripe["status"] == "void"
    assert system.admin("GET", f"/people/{NEW_CONTACT}").status == 404


def test_a_groups_correction_whose_void_never_reached_stripe_is_taken_back(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe never voided the old invoice (unreachable at the void): the erasure takes the
    correction back, and the group goes on with its invoice to the contact it was sent to."""
    group, old, left = _half_corrected(system, monkeypatch, "/void")
    assert system.stripe_invoice(old)["status"] == "open"
    assert system.stored_group(group).replacing_billing is not None

    system.clock_offset += REPLACEMENT_LEFT_AFTER + timedelta(seconds=30)
    erased = _erase(system)

    assert erased.status == 200, erased.body
    [said] = erased.json()["group_bookings"]
    assert said["invoice_voided"] is False
    kept = system.stored_group(group)
    assert kept.status.value == "awaiting_invoice_payment"
    assert (kept.replacing_invoice, kept.replacing_billing) == (None, None)
    assert NEW_CONTACT not in kept.model_dump_json()
    assert system.stripe_invoice(old)["status"] == "open"  # still theirs to pay
    assert system.course(INVOICED)["places_left"] == left
    system.clock_offset += timedelta(minutes=30)
    system.scheduled_run(system.now())
    assert system.stored_group(group).invoices_issued == (old,)  # nothing made for them
