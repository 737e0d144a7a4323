"""An organiser's act that ends or replaces one person's open invoice (their cancel, a bursary),
as the one money path carries it out (``services.settle``): the invoice voided at Stripe before
the act's save (``invoice_requests.voided_first``), the save recording it void and unmarked,
with no second void asked after it; and the sweep's completion of an act left half done
refused once the organiser has replaced it (``domain.read_against``).

The void (or a card checkout's expiry, ``checkout_expiry.expired_first``) is the act's point
of no return: what the organiser's page showed (``seen``) was compared on the read before the
act's mark. A try decided again after it (the application written while Stripe was asked, or
under the act's save) acts on the application as the act itself changed it, so it compares
``seen`` no more while the application carries this act's own mark (``ClosedFirst``): never "nothing
was changed" said of an act whose invoice is void, the sweep then doing it half an hour later."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from booking.domain.application import Application
from booking.domain.commands import Settlement, VoidInvoice
from booking.domain.invoice_correction import InvoiceCorrected
from booking.domain.invoice_voiding import VoidingFor
from booking.domain.organiser_money_acts import BursaryGranted, Cancellation
from booking.domain.settlement import MoneyFact
from booking.services.invoice_requests import voided_first, without_voiding
from booking.services.ports import Ports


@dataclass
class ClosedFirst:
    """What one request of an act marked to be closed at Stripe before its save: the invoice
    and the act it is voided for, or the card checkout expired."""

    invoice_id: str | None = None
    act: VoidingFor | None = None
    session_id: str | None = None

    def carries_its_mark(self, application: Application) -> bool:
        """Whether ``application`` still carries the mark this request made (not replaced by
        another act's since): decided again, it is the act's own change it shows."""
        invoice, checkout = application.invoice, application.checkout
        if invoice is not None and invoice.invoice_id == self.invoice_id and self.act is not None:
            mark = invoice.voiding
            if mark is not None and mark.model_copy(update={"since": self.act.since}) == self.act:
                return True
        return checkout is not None and checkout.session_id == self.session_id and checkout.expiring


def as_decided_again(fact: MoneyFact, closing: ClosedFirst, application: Application) -> MoneyFact:
    """``fact`` to decide on ``application``: what its page showed compared no more once this
    request's own mark is on it (the page was compared on the read before the mark)."""
    organisers = BursaryGranted | Cancellation | InvoiceCorrected
    if isinstance(fact, organisers) and closing.carries_its_mark(application):
        return dataclasses.replace(fact, seen=None)
    return fact


def voided_first_for(
    ports: Ports,
    fact: MoneyFact,
    application: Application,
    decided: Settlement,
    closing: ClosedFirst,
) -> tuple[Application, str | None]:
    """An organiser's act ending or replacing the open invoice voids it at Stripe first, the
    act refused if a payment of it got there first (``voided_first``): the application as
    then marked (noted in ``closing``), and the invoice voided (None: ``fact`` is no such
    act)."""
    acted = _act_voiding(fact, ports.clock(), application, decided)
    if acted is None or application.invoice is None:
        return application, None
    closing.invoice_id, closing.act = application.invoice.invoice_id, acted
    return voided_first(ports, application, acted), application.invoice.invoice_id


def _act_voiding(
    fact: MoneyFact, now: datetime, application: Application, decided: Settlement
) -> VoidingFor | None:
    """The organiser's act ``fact`` is (a bursary, a cancel, a correction), as the void mark of
    the invoice ``application`` holds open, when ``decided`` changes it and voids that
    invoice; None otherwise, and for Stripe's facts."""
    invoice = application.invoice
    if (
        decided.application is None
        or invoice is None
        or not application.has_open_invoice()
        or VoidInvoice(invoice.invoice_id) not in decided.after_save
    ):
        return None
    if isinstance(fact, BursaryGranted):
        return VoidingFor(since=now, bursary=fact.amount)
    if isinstance(fact, InvoiceCorrected):
        return VoidingFor(since=now, corrected=fact.billing)
    if isinstance(fact, Cancellation) and not fact.afterwards:
        return VoidingFor(since=now, refund=fact.refund)
    return None


def voided_already(decided: Settlement, invoice_id: str) -> Settlement:
    """``decided`` for an act whose invoice ``invoice_id`` Stripe has voided already
    (``voided_first``): the application it saves no longer marked as voiding it, and holding
    it void if it still holds it; no void of it asked after the save."""
    new = decided.application
    if new is not None:
        new = without_voiding(new)
        invoice = new.invoice
        if invoice is not None and invoice.invoice_id == invoice_id:
            new = new.model_copy(update={"invoice": invoice.model_copy(update={"status": "void"})})
    after = tuple(c for c in decided.after_save if c != VoidInvoice(invoice_id))
    return dataclasses.replace(decided, application=new, after_save=after)
