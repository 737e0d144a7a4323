"""A person's data as a program reads it (a subject access request's portable file, `GET
/admin/people/export`, the console's JSON export, the CLI's ``export``): every application they
made, what others' invoices addressed to them hold about them, and the group bookings naming
them; amounts in pence, status codes and ISO times. ``services.people`` finds what is held."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from booking.domain.application import Application
from booking.domain.billing import InvoiceRef
from booking.domain.erasure import BILLING_CONTACT
from booking.domain.former_contacts import billed_part
from booking.domain.given_back import records_data
from booking.domain.register import certificate_code, reissued_spelling
from booking.services.organisers import transfers_of
from booking.services.people import held_about
from booking.services.ports import Ports
from booking.services.provider_erasure import nothing_held
from booking.services.register import certificate_url


def export_person(ports: Ports, email: str) -> dict[str, Any]:
    held = held_about(ports, email)
    if not held:
        raise nothing_held(ports, email)
    applications, billed, group_bookings = held.applications, held.billed, held.group_bookings
    return {
        "email": email,
        "group_bookings": group_bookings,
        "applications": [_application_out(ports, a) for a in applications],
        # What an application whose invoice is addressed to them holds about them (never the
        # applicant's answers: those are the applicant's).
        "billing_contact_for": [
            {
                "application_id": a.application_id,
                "reference": a.reference,
                "course_id": a.course_id,
                "as": BILLING_CONTACT,
                # Theirs: the booking's own, an act's mark's still on its way, or a replaced
                # invoice's (then the current invoice is someone else's, not shown, and the one
                # that went to them is named: its customer at Stripe holds them).
                "billing": part.billing.model_dump(mode="json") if part.billing else None,
                "invoice": _invoice_out(part.invoice),
                "replaced_invoice": part.replaced_invoice,
            }
            for a in billed
            for part in (billed_part(a, email),)
        ],
    }


def _application_out(ports: Ports, a: Application) -> dict[str, Any]:
    return {
        "application_id": a.application_id,
        "reference": a.reference,
        "course_id": a.course_id,
        "status": a.status.value,
        "created_at": _iso(a.created_at),
        "answers": a.answers.model_dump(),
        # Who pays is about this person too: the billing contact they gave, the invoice sent
        # for them, their code and bursary.
        "payment_method": a.payment_method.value,
        "billing": a.billing.model_dump(mode="json") if a.billing else None,
        "invoice": _invoice_out(a.invoice),
        "discount_code": a.discount.code if a.discount else None,
        "bursary": a.bursary,
        "amount_paid": a.money_received,
        "amount_refunded": a.money_returned,
        # Money paid outside Stripe given back by hand (in amount_refunded too).
        "given_back_by_hand": records_data(a.given_back),
        # Each payer's bank's dispute of a payment (Stripe's codes, amounts and moments).
        "amount_disputed": a.money_disputed,
        "disputes": [
            {
                "dispute_id": d.dispute_id,
                "status": d.status,
                "reason": d.reason,
                "amount": d.amount,
                "currency": d.currency,
                "withdrawn": d.withdrawn,
                "fee": d.fee,
                "opened_at": _iso(d.opened_at) if d.opened_at else None,
                "evidence_due_by": _iso(d.evidence_due_by) if d.evidence_due_by else None,
            }
            for d in a.disputes
        ],
        # The register: marks by core session key, and what closing it decided.
        "attendance": {key: mark.value for key, mark in a.attendance.items()},
        # Its moves between cohorts (from, to, when, the prices, what went back).
        "transfers": transfers_of(a),
        "completed": a.completion.completed if a.completion else None,
        # The certificate it was given: the person's own document, and its proof.
        "certificate_code": certificate_code(a),
        "certificate_url": certificate_url(ports, code) if (code := certificate_code(a)) else None,
        # The spelling of their name an organiser gave the certificate to print (reissued).
        "certificate_printed_name": reissued_spelling(a),
    }


def _invoice_out(invoice: InvoiceRef | None) -> dict[str, Any] | None:
    if invoice is None:
        return None
    return {
        "invoice_id": invoice.invoice_id,
        "number": invoice.number,
        "status": invoice.status,
        "due_at": _iso(invoice.due_at),
        "amount_due": invoice.amount_due,
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
