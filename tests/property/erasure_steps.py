"""The lifecycle machine's steps for erasure: an open invoice corrected to another billing
contact (a person's booking and a group's), then the old contact, the current one or the person
erased; a person erased at each stage of a booking, and a group's manager or billing contact at
each stage of the group.

Invariants, as a user states them: once an email is erased no reader (the record, the person's
page, the roster, the people export, the group overview, the console's timeline, the emails
queued and not yet sent, once sent) says it or its names, nor does anything stored; a contact
an invoice was corrected away from is erased leaving the booking, its seat, its current contact
and its invoice as they were; a booking the erasure withdraws frees its seat once and the
waiting list advances once for it (the machine's money invariants hold the totals).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, multiple, rule

from booking.domain.application import ApplicationStatus as S
from booking.domain.billing import billing_contact_of
from booking.domain.former_contacts import former_contacts_named
from booking.domain.offer_ends import may_offer
from tests.property.erased_readers import NoReaderNamesTheErased
from tests.support.exploration import noted
from tests.support.invoiced import BILLING
from tests.support.system import Reply

PAY_NOW, REVIEWED, INVOICED = "pay-now", "reviewed", "invoiced"
COURSES = (PAY_NOW, REVIEWED, INVOICED, "cheaper")
# Whom an organiser's correction of an open invoice is followed by the erasure of.
AFTER_CORRECTION = ("nobody", "the old contact", "the current contact", "the person")
# The stages of a booking a person is erased at, and of a group its manager or contact is.
STAGES = ("applied", "awaiting payment", "paid", "refunded", "cancelled", "waitlisted", "offered")
GROUP_STAGES = ("awaiting payment", "paid", "filled")
# What refuses a correction of an invoice, in words, nothing changed.
CORRECTION_REFUSALS = {
    "no_open_invoice",
    "too_late_for_invoice",
    "payment_settling",
    "payment_being_recorded",
    "invoice_paid",
    "invoice_being_voided",
    "place_being_given_up",
    "lapsed",
}
# What refuses an erasure in words, nothing erased: a payment of an invoice it would void on
# its way (a bank debit), or an act naming the person still being finished.
ERASURE_REFUSALS = {"payment_settling", "payment_being_recorded", "act_on_its_way"}
_NUMBERS = itertools.count(1)


def fresh_person(kind: str) -> tuple[str, str]:
    """A name and an email nobody else in the run has, neither found inside another's (the
    name's number in letters, closed by "son"; the email's closed by "@")."""
    number = next(_NUMBERS)
    word = "".join("abcdefghij"[int(digit)] for digit in str(number))
    return f"Quilla {word.capitalize()}son", f"{kind}-{number}@example.org"


def billing_of(name: str, email: str) -> dict[str, str]:
    """Billing details naming ``name`` at ``email`` (the address and PO as the usual
    employer's), as a correction takes them."""
    usual = {k: v for k, v in BILLING.items() if k != "payment_method"}
    return usual | {"billing_name": name, "billing_email": email}


def refused_in_words(reply: Reply, codes: set[str]) -> bool:
    """Whether ``reply`` is a 409 with one of ``codes`` (noted); anything else but a 200 fails."""
    if reply.status != 409:
        assert reply.status == 200, reply.body
        return False
    code = reply.json()["error"]["code"]
    assert code in codes, reply.body
    noted(f"refused in words: {code}")
    return True


def _roles(
    email: str, owner: str, billing: Any, former: Any, colleagues: Iterable[str] = ()
) -> set[str]:
    """How a booking names ``email``: as its own person (``owner``: the applicant, a group's
    manager), its billing contact now, a contact its invoice was corrected away from, or a
    colleague named on one of a group's places."""
    address = email.lower()
    found = {
        "applicant": owner.lower() == address,
        "billing contact": billing_contact_of(billing) == address,
        "former contact": address in former_contacts_named(former),
        "colleague": address in {c.lower() for c in colleagues},
    }
    return {role for role, named in found.items() if named}


def _named(application: Any, email: str) -> set[str]:
    return _roles(email, application.answers.email, application.billing, application.former_billing)


def _group_named(group: Any, email: str) -> set[str]:
    colleagues = (p.colleague.email for p in group.places)
    return _roles(email, group.manager.email, group.billing, group.former_billing, colleagues)


def _freed(
    named: dict[str, set[str]],
    before: dict[str, Any],
    after: dict[str, Any],
    released: Counter[str],
) -> tuple[Counter[str], Counter[str]]:
    """By course, the seats an erasure freed (``released``: a group's, and the bookings naming
    the email whose seat went) and the people it took off the waiting list."""
    ended = [(before[a], after[a]) for a, roles in named.items() if roles]
    released.update(was.course_id for was, now in ended if was.seat_held > now.seat_held)
    waited = (was for was, now in ended if was.status is S.WAITLISTED)
    return released, Counter(
        was.course_id for was in waited if after[was.application_id].status is not S.WAITLISTED
    )


def _kept(booking: Any, seats: object) -> tuple[Any, ...]:
    """What a former contact's erasure leaves as it was of a booking (a person's or a
    group's): its status, ``seats``, its current contact and its invoice."""
    invoice = booking.invoice.invoice_id if booking.invoice else None
    return (booking.status, seats, booking.billing, invoice)


class ErasureSteps(NoReaderNamesTheErased):
    """The steps and invariants above, for :class:`BookingLifecycle` (which gives the system,
    the helpers named below and the bundles)."""

    applications = Bundle("applications")
    invoiced = Bundle("invoiced")
    groups = Bundle("groups")
    emails: dict[str, str]
    groups_made: dict[str, dict[str, Any]]
    erased: set[str]

    # The machine's own helpers (BookingLifecycle's).
    _stored: Any
    _groups: Any
    _course: Any
    _apply: Any
    _deliver_all: Any
    _book_group: Any
    _places_left: Any
    cancel: Any
    pay: Any
    manager_pays: Any
    colleague_applies_through_their_link: Any

    # -- the correction steps ------------------------------------------------------------

    @rule(application_id=invoiced, then=st.sampled_from(AFTER_CORRECTION))
    def organiser_corrects_the_invoice_then_someone_is_erased(
        self, application_id: str, then: str
    ) -> None:
        """An organiser corrects the booking's open invoice to a new contact (refused in words
        without one: nothing changed), then perhaps erases the contact it was corrected away
        from (only one of this step's own: the usual employer's is everyone's), the new
        contact or the person."""
        before = self.system.stored(application_id)
        name, email = fresh_person("contact")
        path = f"/applications/{application_id}/invoice/correct"
        reply = self.system.admin("POST", path, json_body=billing_of(name, email))
        if refused_in_words(reply, CORRECTION_REFUSALS):
            return
        after = self.system.stored(application_id)
        assert (after.status, after.seat_held) == (before.status, before.seat_held)
        assert billing_contact_of(after.billing) == email
        noted(f"invoice corrected, then {then} erased")
        old = before.billing
        # The usual employer's contact is everyone's: only one of this step's own is erased.
        ours = old is not None and old.billing_email != BILLING["billing_email"]
        erased = {
            "the old contact": (old.billing_email, (old.billing_name,)) if old and ours else None,
            "the current contact": (email, (name,)),
            "the person": (self.emails[application_id], ()),
        }.get(then)
        if erased is not None:
            self.erase_and_check(*erased)

    @rule(targets=(applications, invoiced), then=st.sampled_from(AFTER_CORRECTION))
    def a_booking_by_invoice_is_corrected_then_someone_is_erased(self, then: str) -> Any:
        """Someone books by invoice to a contact of their own; an organiser corrects it to
        another; then one of the three is erased (or nobody): so every run meets a former
        contact's erasure beside a live booking."""
        person, _ = fresh_person("person")
        contact, email = fresh_person("contact")
        made = self._apply(INVOICED, False, BILLING | billing_of(contact, email) | {"name": person})
        if not isinstance(made, str):
            return made
        if then == "the person":
            self.organiser_corrects_the_invoice_then_someone_is_erased(made, "nobody")
            self.erase_and_check(self.emails[made], (person,))
        else:
            self.organiser_corrects_the_invoice_then_someone_is_erased(made, then)
        return made

    @rule(target=groups, then=st.sampled_from(AFTER_CORRECTION))
    def a_groups_invoice_is_corrected_then_someone_is_erased(self, then: str) -> Any:
        """A manager books a place by invoice to a contact of their own; an organiser corrects
        the group's invoice to another; then the old contact, the new one or the manager is
        erased (or nobody)."""
        manager, manager_email = fresh_person("manager")
        contact, email = fresh_person("contact")
        named = {"manager_name": manager, "manager_email": manager_email}
        made = self._book_group(INVOICED, 1, True, named | billing_of(contact, email))
        if not isinstance(made, str):
            return made
        new_name, new_email = fresh_person("contact")
        path = f"/groups/{made}/invoice/correct"
        reply = self.system.admin("POST", path, json_body=billing_of(new_name, new_email))
        if refused_in_words(reply, CORRECTION_REFUSALS):
            return made
        noted(f"group's invoice corrected, then {then} erased")
        erased = {
            "the old contact": (email, contact),
            "the current contact": (new_email, new_name),
            "the person": (manager_email, manager),
        }.get(then)
        if erased is not None:
            self.erase_and_check(erased[0], (erased[1],))
        return self._while_managed(made)

    # -- the stages steps ----------------------------------------------------------------

    @rule(target=applications, stage=st.sampled_from(STAGES))
    def a_person_is_erased_at_a_stage_of_their_booking(self, stage: str) -> Any:
        """Someone is brought to ``stage`` (the pay-now course filled first for a waiting
        list, a seat then freed for an offer) and erased."""
        name, _ = fresh_person("person")
        made = self._brought_to(stage, {"name": name})
        if not made:
            return multiple()
        person = made[-1]
        noted(f"erased at {stage}: {self.system.stored(person).status.value}")
        self.erase_and_check(self.emails[person], (name,))
        return multiple(*made)

    def _brought_to(self, stage: str, named: dict[str, str]) -> list[str]:
        """The applications made to bring a person named ``named`` to ``stage``, theirs last
        (none when a course refused them: closed, say)."""
        if stage == "applied":
            return self._made_all(self._apply(REVIEWED, False, named))
        if stage in ("waitlisted", "offered"):
            return self._waiting(named, offered=stage == "offered")
        made = self._apply(PAY_NOW, False, named)
        if not isinstance(made, str) or stage == "awaiting payment":
            return self._made_all(made)
        self.pay(made, asynchronous=False)
        self._deliver_all()
        if stage in ("refunded", "cancelled"):
            self.cancel(made, refund=stage == "refunded")
            self._deliver_all()
        return [made]

    @staticmethod
    def _made_all(*made: Any) -> list[str]:
        return [m for m in made if isinstance(m, str)]

    def _waiting(self, named: dict[str, str], *, offered: bool) -> list[str]:
        """The pay-now course filled (its seats held by checkouts), the person named waiting,
        someone else behind them for an offer, then a seat freed (its booking cancelled): the
        applications made, theirs last."""
        fillers = self._made_all(
            *(self._apply(PAY_NOW, False, {}) for _ in range(self._places_left(PAY_NOW)))
        )
        person = self._apply(PAY_NOW, False, named)
        if not isinstance(person, str):
            return fillers
        if offered:
            fillers += self._made_all(self._apply(PAY_NOW, False, {}))
            # Seats freed (their bookings cancelled) until the offer reaches them: others may
            # have waited longer.
            for holder in self._seat_holders(PAY_NOW)[:3]:
                if self.system.stored(person).status is not S.WAITLISTED:
                    break
                self.cancel(holder, refund=False)
        return [*fillers, person]

    def _seat_holders(self, course_id: str) -> list[str]:
        """The applications holding a seat of their own on ``course_id``, the oldest first."""
        return [
            a.application_id
            for a in sorted(self._stored().values(), key=lambda a: a.created_at)
            if a.course_id == course_id and a.seat_held and a.group_place is None
            if a.status in (S.AWAITING_PAYMENT, S.CONFIRMED)
        ]

    @rule(target=groups, stage=st.sampled_from(GROUP_STAGES), who=st.sampled_from(["m", "b"]))
    def a_groups_manager_or_contact_is_erased_at_a_stage(self, stage: str, who: str) -> Any:
        """A manager books a place (by invoice to a contact of their own, or by card), perhaps
        pays and their colleague applies; then the manager, or the billing contact, is
        erased."""
        manager, manager_email = fresh_person("manager")
        contact, email = fresh_person("contact")
        by_invoice = who == "b"
        named = {"manager_name": manager, "manager_email": manager_email}
        made = self._book_group(INVOICED, 1, by_invoice, named | billing_of(contact, email))
        if not isinstance(made, str):
            return made
        if stage != "awaiting payment":
            self.manager_pays(made)
            self._deliver_all()
        if stage == "filled":
            self.colleague_applies_through_their_link(made, 1)
        noted(f"group erased at {stage} ({'contact' if by_invoice else 'manager'})")
        if by_invoice:
            self.erase_and_check(email, (contact,))
        else:
            self.erase_and_check(manager_email, (manager,))
        return self._while_managed(made)

    def _while_managed(self, group_id: str) -> Any:
        """``group_id`` for the groups bundle while its manager is not erased (their page
        answers 404 then, which the manager's steps do not expect); the invariants still read
        it (``groups_made``)."""
        return multiple() if self.system.stored_group(group_id).manager_erased else group_id

    # -- the erasure and what it must leave ----------------------------------------------

    def erase_and_check(self, email: str, names: tuple[str, ...]) -> None:
        """``email`` erased (refused in words: nothing erased), checked as a user would: the
        bookings that named it only as a former contact as they were, each seat it freed freed
        once and the waiting list advanced once for it, a second erasure finding nothing, and
        no reader saying the email or ``names``."""
        before, groups_before = self._stored(), {g.group_id: g for g in self._groups()}
        courses_before = {c: self._course(c) for c in COURSES}
        reply = self.system.admin("DELETE", f"/people/{email}")
        if refused_in_words(reply, ERASURE_REFUSALS):
            assert self._stored() == before, "a refused erasure changed a booking"
            return
        self.erased_named[email.lower()] = names
        after = self._stored()
        named = {a: _named(before[a], email) for a in before}
        self.erased |= {a for a, roles in named.items() if "applicant" in roles}
        self._note_touched(email, named, groups_before)
        self._former_contacts_kept(named, before, after, reply)
        self._former_group_contacts_kept(email, groups_before, reply)
        self._seats_freed_once(named, before, after, courses_before, groups_before)
        self._erased_once(email, after)
        self.no_reader_names_the_erased()

    def _note_touched(
        self, email: str, named: dict[str, set[str]], groups_before: dict[str, Any]
    ) -> None:
        """The bookings and groups that named ``email``: what the readers are asked about."""
        self.erasure_touched.update(a for a, roles in named.items() if roles)
        self.erasure_touched.update(
            g for g, group in groups_before.items() if _group_named(group, email)
        )

    def _erased_once(self, email: str, after: dict[str, Any]) -> None:
        """Erased again: nothing held (404), nothing changed."""
        again = self.system.admin("DELETE", f"/people/{email}")
        assert again.status == 404, again.body
        assert self._stored() == after, "a second erasure changed a booking"

    def _former_contacts_kept(
        self,
        named: dict[str, set[str]],
        before: dict[str, Any],
        after: dict[str, Any],
        reply: Reply,
    ) -> None:
        """The bookings naming the email only as a contact an invoice was corrected away from:
        as they were, and the erasure's answer says nothing voided and no seat released."""
        said = {entry["application_id"]: entry for entry in reply.json()["applications"]}
        for application_id, roles in named.items():
            if roles != {"former contact"}:
                continue
            was, now = before[application_id], after[application_id]
            assert _kept(now, now.seat_held) == _kept(was, was.seat_held), application_id
            entry = said[application_id]
            assert (entry["invoice_voided"], entry["seat_released"]) == (False, False), entry
            if now.invoice is not None and was.has_open_invoice():
                assert self.system.stripe_invoice(now.invoice.invoice_id)["status"] == "open"

    def _former_group_contacts_kept(
        self, email: str, groups_before: dict[str, Any], reply: Reply
    ) -> None:
        said = {entry["group_id"]: entry for entry in reply.json()["group_bookings"]}
        for group_id, group in groups_before.items():
            if _group_named(group, email) != {"former contact"}:
                continue
            now = self.system.stored_group(group_id)
            assert _kept(now, now.seats_held) == _kept(group, group.seats_held), group_id
            entry = said[group_id]
            assert (entry["invoice_voided"], entry["seats_released"]) == (False, 0), entry
            if now.invoice is not None and group.status.value == "awaiting_invoice_payment":
                assert self.system.stripe_invoice(now.invoice.invoice_id)["status"] == "open"

    def _seats_freed_once(
        self,
        named: dict[str, set[str]],
        before: dict[str, Any],
        after: dict[str, Any],
        courses_before: dict[str, Any],
        groups_before: dict[str, Any],
    ) -> None:
        """Each course's seats freed by the erasure (the bookings it withdrew, a group's
        places) each freed once: the course counts that many fewer taken, less one for each
        person its waiting list then advanced (one per seat freed, while offers may be made)."""
        groups_after = {g.group_id: g for g in self._groups()}
        released = Counter[str]()
        for group_id, group in groups_before.items():
            released[group.course_id] += group.seats_held - groups_after[group_id].seats_held
        released, left_waiting = _freed(named, before, after, released)
        for course_id, course in courses_before.items():
            now, freed = self._course(course_id), released[course_id]
            waiting = course.waiting - left_waiting[course_id]
            advanced = waiting - now.waiting
            assert 0 <= advanced <= freed, (course_id, freed, advanced)
            if may_offer(now, self.system.now()):
                assert advanced == min(freed, waiting), (course_id, freed, advanced)
            assert now.seats_taken == course.seats_taken - freed + advanced, course_id
