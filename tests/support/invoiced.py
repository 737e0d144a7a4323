"""The sample cohort again with employer invoices allowed, and an employer's billing details as
the application form gives them: one place for the tests of invoices, groups and erasure at
Stripe, from the services' unit tests to the integration tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the billing details serve unit tests too, which run no System
    from tests.support.system import System

INVOICED = "invoiced-cohort"
BILLING: dict[str, str] = {
    "payment_method": "invoice",
    "billing_name": "St Elsewhere NHS Foundation Trust",
    "billing_email": "accounts@example.nhs.uk",
    "billing_address": "1 Hospital Road\nLeeds LS1 1AA",
    "po_number": "PO-4471",
}
ACCOUNTS = BILLING["billing_email"]  # the employer's billing contact


def invoiced_cohort(system: System, **changes: Any) -> System:
    """``system`` with :data:`INVOICED` loaded: the sample cohort with invoices allowed and
    ``changes`` (say, ``po_required`` or ``capacity``)."""
    system.put_course(INVOICED, {**system.course_file(), "invoice_allowed": True, **changes})
    return system
