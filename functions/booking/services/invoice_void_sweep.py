"""The sweep's part in an organiser's act left half done after its invoice's void
(``domain.invoice_voiding``): one person's cancel, a bursary or a correction replacing their
invoice, voids the open invoice at Stripe before the act is saved
(``invoice_requests.voided_first``). When
the function was stopped between the void and the save, or Stripe's answer never came, the
booking is left marked (``InvoiceRef.voiding``), holding its place on an invoice that may be
void, and nobody may try again.

A mark older than ``LEFT_HALF_DONE_AFTER`` is looked at here, as a group's replacement is
(``group_replacement_sweep``). Stripe decides, read once: the invoice void (or unknown to it),
the act is completed, the same use case the organiser ran (the bursary granted, a new invoice
for the rest sent; or the booking cancelled, the people told as the organiser's press would
have told them); still open or paid (the void never reached Stripe, or was refused), the mark
is taken back and the booking goes on on its invoice (``half_done``, one step with a group's).
The booking is read again first: the index's copy may be stale, and an act the organiser's
retry completed is not done twice; the completion is made only while the booking still carries
the mark read. A completion refused for good (``domain.lasting_refusals``, one
rule with a group's: the course began, too late for a new invoice) ends the booking by the
organiser's void, as their *Void the invoice* would, when that invoice still holds it
: never left on a void invoice to lapse later as unpaid. Any other refusal (a
race lost, the booking written under the save) and Stripe unreachable: the mark stays, the next
run looks again; a refusal still met two hours after the mark ends it by the
void as a lasting one does.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.errors import BookingError
from booking.domain.invoice_voiding import VoidingFor, voiding_of
from booking.domain.page_seen import Seen
from booking.domain.read_against import ReadAgainst
from booking.services.half_done import HalfDone, finished_as_stripe_holds
from booking.services.invoice_requests import unmark_voiding
from booking.services.ports import Ports

logger = Logger(child=True)


def act_completed(ports: Ports, application: Application) -> bool:
    """``application``'s act left half done, completed or its mark taken back as Stripe holds
    the invoice (``half_done``): True when it was completed. DependencyUnavailable: Stripe
    unreachable."""
    invoice = application.invoice
    assert invoice is not None
    assert invoice.voiding is not None
    app_id, act, invoice_id = application.application_id, invoice.voiding, invoice.invoice_id
    fresh = ports.repository.get_application(app_id)
    held = fresh.invoice if fresh is not None else None
    if fresh is None or held is None or held.invoice_id != invoice_id:
        return False  # completed or changed meanwhile: the next run reads it as it is
    if voiding_of(fresh) != act:
        return False  # the invoice no longer open, or marked for another act since

    def taken_back() -> None:
        unmark_voiding(ports, app_id, invoice_id)
        logger.info("a half-done act's mark taken back", extra={"application_id": app_id})

    def completed() -> None:
        complete_marked(ports, fresh, act, invoice_id)

    def ended_by_the_void(error: BookingError) -> None:
        # The organiser's void stands at Stripe: the booking ends by it now, in its words,
        # if that invoice still holds it; any mark left is taken back.
        now = ports.repository.get_application(app_id)
        if now is None or voiding_of(now) != act:
            return  # another act marked since (the organiser's, on its way): theirs to finish
        from booking.services.invoicing import organisers_voided

        organisers_voided(ports, app_id, invoice_id, first=now)
        unmark_voiding(ports, app_id, invoice_id)
        extra = {"application_id": app_id, "code": error.code}  # codes name no one
        logger.warning("a half-done act refused: ended by its void", extra=extra)

    done = HalfDone(invoice_id, act.since, taken_back, completed, ended_by_the_void)
    if not finished_as_stripe_holds(ports, done):
        return False
    logger.info("a half-done act completed", extra={"application_id": app_id})
    return True


def complete_marked(ports: Ports, fresh: Application, act: VoidingFor, invoice_id: str) -> None:
    """The act ``act`` marked on ``fresh``'s invoice, completed by the use case that began it."""
    app_id = fresh.application_id
    # Only here, for an act left half done: the organisers' own use cases.
    from booking.services.bursaries import grant_bursary
    from booking.services.invoice_correction import correct_invoice
    from booking.services.invoicing import organisers_voided
    from booking.services.lifecycle import cancel
    from booking.services.offer_declines import end_declined_invoice
    from booking.services.waitlist import offer_free_places

    if act.declined:
        # The person's turning down of the invoiced offer (``services.offer_declines``).
        if end_declined_invoice(ports, app_id, act) is not None:
            offer_free_places(ports, fresh.course_id)
    elif act.erased:
        # An erasure stopped after the void: the booking ends by the void (the organiser's
        # erasure, answered 5xx, is asked again).
        organisers_voided(ports, app_id, invoice_id, first=fresh)
        unmark_voiding(ports, app_id, invoice_id)
    elif act.corrected is not None:
        # The organiser's correction: the new invoice sent to the details marked.
        correct_invoice(ports, app_id, act.corrected, read_against=ReadAgainst(marked=act))
    elif act.bursary is not None:
        # Only the grant marked, over the bursary as read.
        seen = Seen(given=(("bursary", str(fresh.bursary)),))
        grant_bursary(ports, app_id, act.bursary, read_against=ReadAgainst(seen, marked=act))
    else:
        cancel(ports, app_id, refund=act.refund, read_against=ReadAgainst(marked=act))
