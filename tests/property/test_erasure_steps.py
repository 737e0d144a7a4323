"""The lifecycle machine's erasure steps worked out by hand (random runs reach a full course's
offer, or a former contact beside a live booking, only now and then): a person erased at every
stage of a booking in one run, and the contact an invoice was corrected away from erased for a
person's booking and a group's; every invariant holds after each."""

from __future__ import annotations

import pytest

from booking.domain.application import ApplicationStatus as S
from tests.property.erasure_steps import STAGES
from tests.property.test_lifecycle_machine import _check_every_invariant, _worked_by_hand

REACHED = (
    S.PENDING_REVIEW,
    S.AWAITING_PAYMENT,
    S.CONFIRMED,
    S.REFUNDED,
    S.CANCELLED,
    S.WAITLISTED,
    S.OFFERED,
)


@pytest.mark.usefixtures("_no_real_aws")
def test_a_person_is_erased_at_every_stage_of_a_booking() -> None:
    with _worked_by_hand() as machine:
        for stage, status in zip(STAGES, REACHED, strict=True):
            made = machine._brought_to(stage, {"name": f"Quilla {stage.title()}"})
            assert machine.system.stored(made[-1]).status is status, stage
            machine.erase_and_check(machine.emails[made[-1]], ())
            _check_every_invariant(machine)


@pytest.mark.usefixtures("_no_real_aws")
def test_the_contact_an_invoice_was_corrected_away_from_is_erased_leaving_the_booking() -> None:
    with _worked_by_hand() as machine:
        made = machine.a_booking_by_invoice_is_corrected_then_someone_is_erased("the old contact")
        group = machine.a_groups_invoice_is_corrected_then_someone_is_erased("the old contact")
        assert isinstance(made, str)
        assert isinstance(group, str)
        assert machine.system.stored(made).status is S.AWAITING_INVOICE_PAYMENT
        assert machine.system.stored_group(group).status.value == "awaiting_invoice_payment"
        assert len(machine.erased_named) == 2
