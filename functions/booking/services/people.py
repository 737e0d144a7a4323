"""One person's data, found and erased wherever the system holds it: the applications they
made, the applications whose invoice is addressed to them (the billing contact), and the group
bookings that name them (as manager, billing contact or colleague). One use case for the
organiser API, the console and the CLI alike."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, replace
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.application import WITHDRAWN_BY_ERASURE, Application
from booking.domain.commands import ExpireCheckout, VoidInvoice
from booking.domain.erasure import (
    APPLICANT,
    ApplicationErased,
    ErasureReport,
    GroupErased,
    card_debit_refusal,
)
from booking.domain.errors import Conflict, DependencyUnavailable
from booking.domain.former_contacts import spellings_held
from booking.domain.invoice_voiding import ERASE_ONCE_SETTLED, VoidingFor
from booking.domain.page_seen import Seen, person_refusal, person_seen
from booking.domain.register import certificate_code
from booking.domain.settlement import closing
from booking.domain.wording import cohort_name
from booking.services.application_erasure import erase_one
from booking.services.checkout_expiry import paid_meanwhile
from booking.services.concurrency import retried
from booking.services.contact_erasure import erase_billing_contact
from booking.services.dearer_moves import expire_move_checkout, move_checkout_expired_first
from booking.services.facilitators_copies import addresses_asked
from booking.services.group_erasure import (
    forget_in_groups,
    groups_named,
    refuse_while_corrections_young,
    refuse_while_groups_paid_for,
)
from booking.services.invoice_requests import (
    refuse_while_being_paid,
    unmark_voiding,
    voided_first,
)
from booking.services.invoicing import organisers_voided
from booking.services.manager_erasure import ask_managers_lists, colleagues_booked
from booking.services.marked_contacts import (
    end_acts_naming,
    ended_alone,
    refuse_while_acts_young,
)
from booking.services.ports import Ports
from booking.services.provider_erasure import (
    forget_customers,
    invoices_of_person,
    nothing_held_to_erase,
    owe_customer_deletions,
    with_those_only_provider_finds,
)
from booking.services.provider_searches import searches_owed
from booking.services.send_leases import wait_for_sends
from booking.services.settle import clean_up
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)


def person_applications(ports: Ports, email: str) -> list[Application]:
    return ports.repository.applications_of_person(email)


def billed_to(ports: Ports, email: str, own: list[Application]) -> list[Application]:
    """The applications of others whose invoice is addressed to ``email`` (an applicant who
    is their own billing contact has those in their own applications)."""
    mine = {a.application_id for a in own}
    return [
        a for a in ports.repository.applications_billed_to(email) if a.application_id not in mine
    ]


@dataclass(frozen=True)
class Held:
    """What is held about one address: the applications they made, the others' applications
    billed to them, and what group bookings name them as (``groups_named``)."""

    applications: list[Application]
    billed: list[Application]
    group_bookings: list[dict[str, Any]]

    def __bool__(self) -> bool:
        return bool(self.applications or self.billed or self.group_bookings)


def held_about(ports: Ports, email: str) -> Held:
    """Everything that names ``email``: the one lookup the API, the console and the CLI use."""
    applications = person_applications(ports, email)
    return Held(applications, billed_to(ports, email, applications), groups_named(ports, email))


def erase_person(ports: Ports, email: str, seen: Seen | None = None) -> dict[str, Any]:
    """Replace the person's name, email and answers everywhere; keep the anonymised money trail
    (amounts, Stripe payment id, status) that bookkeeping must retain. What was still on its
    way is withdrawn: its checkout expired, its invoice voided (and Stripe's answer recorded),
    its seat offered to the next in line. The answer says what was erased, and what that did
    (``domain.erasure``). ``seen``: what its confirmation showed (``page_seen.person_facts``);
    more held, or other, since: refused before any of it is done (409, nothing erased)."""
    # Stripe asked briefly: answered well inside API Gateway's 29 s, the rest owed to the run.
    ports = ports.brief_at_the_provider()
    applications = person_applications(ports, email)
    if seen is not None:
        _refused_if_changed(ports, email, applications, seen)
    # A group's invoice being paid refuses it as a person's does, before anything is stopped.
    refuse_while_groups_paid_for(ports, email)
    refuse_while_corrections_young(ports, email)  # a group's correction marked to them
    marked = billed_to(ports, email, applications)  # an act's mark may name them
    refuse_while_acts_young(ports, email, marked)
    voided, paid = _stopped_at_stripe_first(ports, applications)
    if seen is not None:
        applications = _compared_again(ports, email, applications, seen, voided)
    ended = end_acts_naming(ports, email, marked)  # once nothing refuses the erasure
    billed = billed_to(ports, email, applications)
    # The customers at Stripe addressed to them are owed a deletion before anything changes,
    # and asked for once their invoices are void (``services.provider_erasure``).
    invoices, pending = _customers_to_forget(ports, email, applications, billed, held=bool(ended))
    owe_customer_deletions(ports, invoices)
    # Group bookings that name them (as manager, billing contact or colleague) forget them.
    groups = forget_in_groups(ports, email)
    # A group's invoice replaced after it was read above (a place given up meanwhile) is
    # recorded on the group the erasure saved: owed too, before it is asked for.
    later = [i for g in groups for i in g.invoices if i not in invoices]
    owe_customer_deletions(ports, later)
    invoices = [*invoices, *later]
    if not any((applications, groups, billed, ended)):
        raise nothing_held_to_erase(ports, email)
    erased = [
        _erase_applicant(ports, a, voided, paid=a.application_id in paid) for a in applications
    ]
    contacts = [erase_billing_contact(ports, a, email) for a in billed]
    contacts += ended_alone(ended, contacts)
    erased_ids = [a.application_id for a in applications]
    groups = _lists_asked_once_sent(
        ports, [*erased_ids, *(a.application_id for a in billed)], groups
    )
    ports.repository.forget_person(email, erased_ids)
    ports.repository.forget_billing_contact(email, [c.application_id for c in contacts])
    owed = _customers_forgotten_now(ports, invoices, search_owed=pending)
    for course_id in {e.course_id for e in [*erased, *contacts] if e.seat_released}:
        offer_free_places(ports, course_id)  # the withdrawn seats move on at once
    logger.info(
        "person erased",
        extra={
            "applications": erased_ids,
            "billed": [a.application_id for a in billed],
            "groups": [g.group_id for g in groups],
            "customer_deletions_owed": len(owed),
        },
    )
    return _cohorts_named(ports, [*erased, *contacts], groups, searched_later=pending).answer()


def _customers_forgotten_now(ports: Ports, invoices: list[str], *, search_owed: bool) -> list[str]:
    """The customers' deletions asked of Stripe now; those still owed. A search of the address
    still owed at Stripe (Stripe silent, or an earlier erasure's a run is making or Stripe
    failed again): none is asked, each owed already for the run."""
    return invoices if search_owed else forget_customers(ports, invoices)


def _customers_to_forget(
    ports: Ports,
    email: str,
    applications: list[Application],
    billed: list[Application],
    *,
    held: bool,
) -> tuple[list[str], bool]:
    """The invoices whose customers at Stripe hold ``email``: those the bookings record, and,
    when anything here is held about them (``held``: else the erasure answers 404 and owes
    nothing), those Stripe alone finds (``provider_erasure.with_those_only_provider_finds``);
    and whether a search of the address at Stripe is still owed (this erasure's, Stripe
    unreachable, or an earlier one's)."""
    groups = ports.groups.groups_of_person(email)
    recorded = invoices_of_person([*applications, *billed], groups, email)
    if held or applications or billed or groups or groups_named(ports, email):
        spelt = spellings_held(email, [*applications, *billed], groups)
        return with_those_only_provider_finds(ports, email, recorded, spelt)
    return recorded, False


def _stopped_at_stripe_first(
    ports: Ports, applications: list[Application]
) -> tuple[frozenset[str], set[str]]:
    """What was on its way at Stripe, stopped before anything is erased: their bookings' open
    invoices voided (every path that ends an invoice's hold voids it first: refused, nothing
    erased), their open card checkouts expired (one paid meanwhile keeps its booking; Stripe
    unanswered, nothing is erased), a move's checkout likewise (marked first).
    The invoices voided, and the applications paid meanwhile."""
    voided = _invoices_voided_first(ports, applications)
    act = VoidingFor(since=ports.clock(), erased=True)
    paid = {a.application_id for a in applications if paid_meanwhile(ports, a, act)}
    for application in applications:
        move_checkout_expired_first(ports, application, act)
    return voided, paid


def erase_left_half_done(ports: Ports, application: Application) -> None:
    """An erasure stopped between its checkout's expiry and its save (``checkout_acts``):
    this booking erased and withdrawn as the erasure does it, its seat offered on; the rest
    held about the person is erased when the organiser asks again (their press was answered
    5xx), as an erasure stopped after an invoice's void leaves it (``invoice_void_sweep``)."""
    email = application.answers.email
    erased = _erase_applicant(ports, application, frozenset(), paid=False)
    ports.repository.forget_person(email, [application.application_id])
    if erased.seat_released:
        offer_free_places(ports, erased.course_id)


def _compared_again(
    ports: Ports,
    email: str,
    applications: list[Application],
    seen: Seen,
    voided: frozenset[str],
) -> list[Application]:
    """What the confirmation showed compared again on fresh reads just before the erasure's
    first write, so a change landing while it read and asked (they applied again, paid, were
    billed) is refused in words, nothing erased: the applications as read now, which the
    erasure's saves then hold to. Not once it has asked Stripe to void or expire anything of
    theirs: that is its point of no return, as every act's (``act_voiding``)."""
    now = person_applications(ports, email)
    closed = voided or any(
        (a.checkout is not None and a.checkout.expiring)
        or (a.pending_move is not None and a.pending_move.expiring)
        for a in now
    )
    if closed:
        return applications
    _refused_if_changed(ports, email, now, seen)
    return now


def _refused_if_changed(
    ports: Ports, email: str, applications: list[Application], seen: Seen
) -> None:
    billed, groups = billed_to(ports, email, applications), groups_named(ports, email)
    now = ports.clock()
    if seen.digests and person_seen(applications, billed, groups, now) not in seen.digests:
        refused = person_refusal(len(applications), len(billed), len(groups))
        raise Conflict(refused.message, code=refused.code)


def _lists_asked_once_sent(
    ports: Ports, application_ids: list[str], groups: list[GroupErased]
) -> list[GroupErased]:
    """A send about them already past its last check (an application's, a group's that named
    them, or a copy of a colleague's booking naming them its manager) ends before the erasure
    answers (``services.send_leases``); then the lists sent a colleague's booking that named
    an erased manager are asked (all it went to: a copy composed before and sent after
    is composed again without the manager, ``mailer._send_once``), each group saying how many."""
    colleagues = colleagues_booked(ports, groups)
    booked = [c.application_id for found in colleagues.values() for c in found]
    wait_for_sends(ports, [*application_ids, *(g.group_id for g in groups), *booked])
    return [
        replace(g, lists_asked=len(ask_managers_lists(ports, colleagues.get(g.group_id, ()))))
        for g in groups
    ]


def _cohorts_named(
    ports: Ports,
    applications: list[ApplicationErased],
    groups: list[GroupErased],
    *,
    searched_later: bool,
) -> ErasureReport:
    """The report, each booking's cohort by its title and first day (as organisers read it;
    one since deleted by its id); ``searched_later``: Stripe's search by the address left
    owed (``services.provider_searches``), said with how many erasures wait for Stripe."""
    names: dict[str, str] = {}
    for course_id in {e.course_id for e in applications} | {g.course_id for g in groups}:
        course = ports.repository.get_course(course_id)
        names[course_id] = cohort_name(course) if course is not None else course_id
    return ErasureReport(
        tuple(replace(a, course_name=names[a.course_id]) for a in applications),
        tuple(replace(g, course_name=names[g.course_id]) for g in groups),
        searched_later=searched_later,
        searches_owed=searches_owed(ports, one_just_owed=searched_later),
    )


def _invoices_voided_first(ports: Ports, applications: list[Application]) -> frozenset[str]:
    """The open invoices of ``applications`` (the erasure withdraws their bookings) voided at
    Stripe first, each marked as the erasure's so that Stripe's ``invoice.voided`` ends
    nothing (``invoice_requests.voided_first``): their ids. Each read first, so that one
    being paid (a bank debit processing, or paid, its event still to come; or a bank debit
    of a card checkout settling) refuses the erasure before any is voided: 409, nothing
    erased (its money never given back whole).
    Each mark and void decided again on a fresh read when the application was written
    meanwhile (a void Stripe made is counted, never a 500 after it). A void
    Stripe refuses after another was made: that other booking ends by its void at once, and
    the refusal says so. Stripe unreachable: erased all the same, as ever (its void after the
    save, and owed to the sweep with its customer's deletion: ``provider_erasure``)."""
    withdrawn = [a for a in applications if a.status in WITHDRAWN_BY_ERASURE]
    # Voided in the order the bookings were made, whatever order the store lists them in, so
    # that what a refusal midway says was voided is the same on every run.
    withdrawn.sort(key=lambda a: (a.created_at, a.application_id))
    for application in withdrawn:
        _refuse_while_paid_for(ports, application)
    invoiced = [a for a in withdrawn if a.has_open_invoice() and a.invoice is not None]
    act = VoidingFor(since=ports.clock(), erased=True)
    voided: dict[str, Application] = {}
    for application in invoiced:
        try:
            marked = _voided_for_erasure(ports, application, act)
        except DependencyUnavailable:
            ids = {"application_id": application.application_id}
            logger.warning("invoice not voided first: voided after", extra=ids)
            continue
        except Conflict as refused:
            if not voided:
                raise
            raise _refused_after_voids(ports, voided, refused) from refused
        if marked is not None and marked.invoice is not None:
            voided[marked.invoice.invoice_id] = marked
    return frozenset(voided)


def _refuse_while_paid_for(ports: Ports, application: Application) -> None:
    """The erasure refused, nothing written, while a payment of ``application`` is on its
    way, by either path: a bank debit of its card checkout settling, or of its
    open invoice (Stripe read; unanswered, the void after decides). 409 in words naming the
    booking, so a person with two is told which."""
    refused = card_debit_refusal(application, ERASE_ONCE_SETTLED)
    if refused is not None:
        raise refused
    whose = f"the invoice of {application.reference_or_id}"
    with suppress(DependencyUnavailable):
        refuse_while_being_paid(ports, application, then=ERASE_ONCE_SETTLED, whose=whose)


def _voided_for_erasure(
    ports: Ports, application: Application, act: VoidingFor
) -> Application | None:
    """``application``'s open invoice marked for the erasure ``act`` and voided at Stripe, on
    a fresh read each time it was written meanwhile: the application as marked (None: no
    longer the erasure's to void)."""
    assert application.invoice is not None
    invoice_id = application.invoice.invoice_id

    def step(current: Application | None) -> Application | None:
        held = current.invoice if current is not None else None
        if current is None or held is None or held.invoice_id != invoice_id:
            return None
        if not current.has_open_invoice():  # Stripe's own event of this void recorded
            return current if held.voiding is not None and held.voiding.erased else None
        if current.status not in WITHDRAWN_BY_ERASURE:
            return None
        return voided_first(ports, current, act)

    def read() -> Application | None:
        return ports.repository.get_application(application.application_id)

    start: Application | None = application
    return retried(step, read, first=start)


def _refused_after_voids(
    ports: Ports, voided: dict[str, Application], refused: Conflict
) -> Conflict:
    """The erasure refused (``refused``) after Stripe voided ``voided`` (invoice id to its
    application): those bookings end by their void now, as the sweep would later (nothing can
    pay them), and the refusal says so before what it refuses."""
    for invoice_id, application in voided.items():
        organisers_voided(ports, application.application_id, invoice_id)
        unmark_voiding(ports, application.application_id, invoice_id)
    refs = ", ".join(a.reference_or_id for a in voided.values())
    said = (
        f"the invoice of {refs} was already cancelled at Stripe, so that booking has ended "
        f"unpaid; {refused.message}"
    )
    return Conflict(said, code=refused.code)


def _erase_applicant(
    ports: Ports, application: Application, voided: frozenset[str], *, paid: bool
) -> ApplicationErased:
    """``application`` erased as its applicant's; ``voided``: the invoices voided first
    (``_invoices_voided_first``); ``paid``: its checkout was paid meanwhile, so the booking
    stands (the payment's event confirms it), its answers erased."""
    said = ApplicationErased(
        application.application_id,
        application.reference_or_id,
        application.course_id,
        APPLICANT,
        paid_meanwhile=paid,
    )
    before, saved, asked = erase_one(ports, application, withdraw=not paid)
    if before is None or saved is None:
        return said  # gone meanwhile (retention)
    at = addresses_asked(ports, before, asked)
    said = replace(said, lists_asked=len(asked), addresses_asked=at)
    if (code := certificate_code(before)) is not None:
        ports.repository.forget_certificate(code)  # its verification page answers 404
    expire_move_checkout(ports, before)  # nobody can pay for the move erased with it
    if paid or before.status not in WITHDRAWN_BY_ERASURE:
        return said
    # What was voided or expired first (marked: ``_invoices_voided_first``,
    # ``checkout_expiry.paid_meanwhile``) is not voided or expired a second time after the save.
    first: set[object] = {VoidInvoice(invoice_id) for invoice_id in voided}
    if before.checkout is not None and before.checkout.expiring:
        first.add(ExpireCheckout(before.checkout.session_id))
    after = [c for c in closing(before, ports.clock()) if c not in first]
    clean_up(ports, saved, tuple(after))
    return replace(said, invoice_voided=before.has_open_invoice(), seat_released=before.seat_held)
