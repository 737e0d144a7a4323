"""The sample cohort again with employer invoices allowed, and an employer's billing details as
the application form gives them: one place for the integration tests of invoices, groups and
erasure at Stripe."""

from __future__ import annotations

from typing import Any

from tests.support.system import COURSE_ID, System

INVOICED = "invoiced-cohort"
BILLING: dict[str, str] = {
    "payment_method": "invoice",
    "billing_name": "St Elsewhere NHS Foundation Trust",
    "billing_email": "accounts@example.nhs.uk",
    "billing_address": "1 Hospital Road\nLeeds LS1 1AA",
    "po_number": "PO-4471",
}


def sample_definition(system: System) -> dict[str, Any]:
    """The sample cohort's course file, as JSON."""
    course = system.ports.repository.get_course(COURSE_ID)
    assert course is not None
    return course.definition.model_dump(mode="json")


def invoiced_cohort(system: System, **changes: Any) -> System:
    """``system`` with :data:`INVOICED` loaded: the sample cohort with invoices allowed and
    ``changes`` (say, ``po_required`` or ``capacity``)."""
    system.put_course(INVOICED, {**sample_definition(system), "invoice_allowed": True, **changes})
    return system
