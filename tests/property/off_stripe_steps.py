"""The lifecycle machine's steps for money that never passes through Stripe: an organiser records
a booking's invoice as paid outside Stripe (the employer's bank transfer: the organisers' API,
with or without its day and way, or Stripe's dashboard's *Mark as paid*), cancels such a booking
(a refund through Stripe refused in words), and records the money given back by hand, in part,
the rest, too much, a retry with the same key.

Its invariants: money received outside Stripe is never also kept by a card charge for the same
place; what is given back by hand is each record made once, and never more than was received
outside Stripe; a booking paid outside Stripe holds its seat while booked and none once
cancelled (the seat counts of the machine's own invariant then count it once); and the course's
money as organisers read it says received outside Stripe and given back by hand what Stripe's
invoices and the records hold, so what it leaves owed back is received less given back.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, invariant, rule

from booking.domain.application import ApplicationStatus as S
from booking.domain.given_back import given_back_total
from tests.support.exploration import noted
from tests.support.invoiced import BILLING
from tests.support.system import ADMIN_TOKEN, Reply, System

INVOICED = "invoiced"
# What recording a payment received may answer besides 200, each in words: no open invoice (none
# asked, voided, paid), one being voided or debited, Stripe's refusal, no place for it.
PAYMENT_REFUSALS = {
    "no_open_invoice",
    "invoice_being_voided",
    "payment_settling",
    "invoice_paid",
    "invoice_not_payable",
    "no_place_for_the_payment",
    "paid_without_a_place",
}
# How a payment received is recorded: the API without details, with them, or Stripe's dashboard.
RECORDED_BY = ("api", "api_with_details", "dashboard")
# How much an organiser records as given back: some of what is owed, the rest, a penny too much.
GIVEN_BACK = ("some", "the rest", "too much")
_KEYS = (f"machine-given-back-{n}" for n in itertools.count())


class PaidOffStripeSteps:
    """The steps and invariants above, for :class:`BookingLifecycle` (which gives the system,
    the helpers named below and the ``applications`` and ``invoiced`` bundles)."""

    applications = Bundle("applications")
    invoiced = Bundle("invoiced")
    system: System
    # Each application's money given back by hand, as the records this machine made say.
    given_back_by_hand: Counter[str]

    # The machine's own helpers (BookingLifecycle's).
    _stored: Any
    _apply: Any
    _deliver_all: Any
    _note_confirmations: Any

    def _received_off_stripe(self) -> dict[str, int]:
        """Each application's money received outside Stripe, as Stripe's invoices say."""
        return self.system.standin.money_paid_off_stripe()

    def _record_payment(self, application_id: str, how: str) -> Reply | None:
        """The organiser's record of the open invoice paid outside Stripe, ``how`` (None: by
        Stripe's dashboard, with no invoice to mark)."""
        if how == "dashboard":
            stored = self.system.stored(application_id)
            if stored.invoice is None:
                return None
            return self.system.mark_invoice_paid(stored.invoice.invoice_id)
        details = {"received_on": self.system.now().date().isoformat(), "method": "cheque"}
        return self.system.admin(
            "POST",
            f"/applications/{application_id}/invoice/paid-outside-stripe",
            json_body=details if how == "api_with_details" else {},
        )

    @rule(application_id=invoiced, how=st.sampled_from(RECORDED_BY), twice=st.booleans())
    def organiser_records_a_payment_received(
        self, application_id: str, how: str, twice: bool
    ) -> None:
        """An organiser records the open invoice paid outside Stripe (pressed twice: one
        record); Stripe's dashboard's *Mark as paid* sends its events late, as the others."""
        made = [self._record_payment(application_id, how) for _ in range(1 + twice)]
        replies = [reply for reply in made if reply is not None]
        for reply in replies:
            _answered_as_a_record_of_a_payment(reply, how)
        if replies and how != "dashboard":
            _recorded_once(replies)
        if replies:
            noted(f"payment received recorded ({how}): {replies[0].status}")
        self._note_confirmations()

    def _seats_taken(self) -> int:
        course = self.system.ports.repository.get_course(INVOICED)
        assert course is not None
        return int(course.seats_taken)

    def _give_back(self, application_id: str, amount: int, key: str) -> Reply:
        return self.system.api(
            "POST",
            f"/admin/applications/{application_id}/given-back",
            json_body={
                "amount": amount,
                "given_on": self.system.now().date().isoformat(),
                "method": "bank_transfer",
            },
            headers={"authorization": f"Bearer {ADMIN_TOKEN}", "idempotency-key": key},
        )

    def _owed_back(self, application_id: str) -> int:
        """What this machine's records leave owed back by hand of money received outside
        Stripe (0 while the booking is not cancelled: nothing may be given back yet)."""
        received = self._received_off_stripe().get(application_id, 0)
        if self.system.stored(application_id).status is not S.CANCELLED:
            return 0
        return received - self.given_back_by_hand[application_id]

    @rule(application_id=invoiced, part=st.sampled_from(GIVEN_BACK), twice=st.booleans())
    def organiser_records_money_given_back(
        self, application_id: str, part: str, twice: bool
    ) -> None:
        """An organiser records money given back by hand (sent again with its key: one
        record): some of what is owed back, the rest, or a penny more than is left (refused,
        nothing recorded); with nothing owed back (not cancelled, paid through Stripe, all
        given back), refused in words."""
        left = self._owed_back(application_id)
        amount = {"some": min(5000, left), "the rest": left, "too much": left + 1}[part]
        key = next(_KEYS)
        replies = [self._give_back(application_id, max(amount, 1), key) for _ in range(1 + twice)]
        noted(f"given back by hand ({part}): {replies[0].status}")
        if not left:
            assert all(r.json()["error"]["code"] == "nothing_to_give_back" for r in replies)
        elif part == "too much":
            assert all("amount" in r.refused(422, "validation_failed")["fields"] for r in replies)
        else:
            recorded = [reply.json() for reply in replies]
            assert [r["recorded"] for r in recorded] == ["now", "before"][: 1 + twice], recorded
            self.given_back_by_hand[application_id] += amount
            assert {r["left_to_give_back"] for r in recorded} == {left - amount}, recorded

    def _cancelled_without_its_refund(self, made: str) -> None:
        """A refund through Stripe refused in words (nothing changed); then cancelled without
        it, twice: its seat freed by the first, the second changing nothing."""
        stored = self.system.stored(made)
        refused = self.system.admin(
            "POST", f"/applications/{made}/cancel", json_body={"refund": True}
        )
        assert refused.json()["error"]["code"] == "no_payment_to_refund", refused.body
        assert self.system.stored(made) == stored, "a refused refund changed the booking"
        taken = self._seats_taken()
        for _ in range(2):
            cancelled = self.system.admin(
                "POST", f"/applications/{made}/cancel", json_body={"refund": False}
            )
            assert cancelled.status == 200, cancelled.body
            assert self._seats_taken() == taken - 1, "the seat was not freed once"

    @rule(
        targets=(applications, invoiced),
        how=st.sampled_from(RECORDED_BY),
        then=st.sampled_from(["kept", "cancelled", "given back in part", "given back in full"]),
    )
    def a_booking_paid_outside_stripe_is_cancelled_and_given_back(self, how: str, then: str) -> Any:
        """Someone books the invoiced course by invoice; the organiser records the employer's
        bank transfer; then perhaps cancels the booking (a refund through Stripe refused first,
        nothing changed; the seat freed once, a second cancel changing nothing) and records the
        money given back by hand, in part or all (then nothing more may be recorded)."""
        made = self._apply(INVOICED, False, BILLING)
        if not isinstance(made, str):
            return made
        self._deliver_all()
        self.organiser_records_a_payment_received(made, how, twice=False)
        self._deliver_all()
        stored = self.system.stored(made)
        noted(f"paid outside Stripe ({how}, then {then}): {stored.status.value}")
        if stored.status is not S.CONFIRMED or then == "kept":
            return made
        assert stored.seat_held
        self._cancelled_without_its_refund(made)
        parts = {"given back in part": ["some"], "given back in full": ["some", "the rest"]}
        for part in parts.get(then, []):
            self.organiser_records_money_given_back(made, part, twice=part == "some")
        if then == "given back in full":
            self.organiser_records_money_given_back(made, "some", twice=False)  # refused
        return made

    @invariant()
    def money_received_outside_stripe_is_never_also_kept_by_card(self) -> None:
        """A place paid outside Stripe keeps no charge at Stripe besides (once Stripe's events
        are heard: a card payment overtaken by the transfer goes back), holds its seat while
        booked and none once cancelled, and its money given back by hand is each record made
        once, never more than was received outside Stripe."""
        received = self._received_off_stripe()
        kept = self.system.standin.money_taken() if not self.system.pending else None
        for application_id, application in self._stored().items():
            off_stripe = received.get(application_id, 0)
            by_hand = given_back_total(application.given_back)
            assert by_hand == self.given_back_by_hand[application_id], application_id
            assert by_hand <= off_stripe, (application_id, by_hand, off_stripe)
            if off_stripe:
                _kept_apart_from_card_payments(application, kept)

    @invariant()
    def the_course_money_owes_back_what_was_received_outside_stripe_less_given_back(
        self,
    ) -> None:
        """Once Stripe's events are heard, the organisers' totals of each course paid outside
        Stripe say received there what Stripe's invoices hold and given back by hand what the
        records say (what they leave owed back is the one less the other); the roster's line of
        each such booking says paid and refunded alike."""
        received = self._received_off_stripe()
        if not received or self.system.pending:
            return
        stored = self._stored()
        for course_id in sorted({stored[a].course_id for a in set(received) & set(stored)}):
            mine = {a.application_id for a in stored.values() if a.course_id == course_id}
            off_stripe = sum(received.get(a, 0) for a in mine)
            by_hand = sum(self.given_back_by_hand[a] for a in mine)
            totals = self.system.totals(course_id)
            said = (totals["paid_off_stripe"], totals["given_back_by_hand"])
            assert said == (off_stripe, by_hand), (course_id, said, off_stripe, by_hand)
            self._roster_says_received_and_given_back(course_id, received, stored)

    def _roster_says_received_and_given_back(
        self, course_id: str, received: dict[str, int], stored: dict[str, Any]
    ) -> None:
        """The roster's line of each booking of ``course_id`` paid only outside Stripe says
        paid what was received, and refunded what was given back by hand."""
        rows = self.system.admin("GET", f"/courses/{course_id}/applications").json()
        for row in rows:
            application_id = row["application_id"]
            if not received.get(application_id) or stored[application_id].payment_intent:
                continue
            said = (row["amount_paid"], row["amount_refunded"])
            by_hand = self.given_back_by_hand[application_id]
            assert said == (received[application_id], by_hand), (application_id, said)


def _answered_as_a_record_of_a_payment(reply: Reply, how: str) -> None:
    """A record of a payment received is taken (200) or refused in words (409); Stripe's
    dashboard refuses to mark an invoice that is not open (400)."""
    if how == "dashboard":
        assert reply.status in (200, 400), reply.body
    elif reply.status == 409:
        assert reply.json()["error"]["code"] in PAYMENT_REFUSALS, reply.body
    else:
        assert reply.status == 200, reply.body


def _recorded_once(replies: list[Reply]) -> None:
    """The organisers' API's answers to one record of a payment received, sent once or twice:
    a record made now confirms the booking, and the same press again records nothing more."""
    recorded = [reply.json()["recorded"] for reply in replies if reply.status == 200]
    if recorded[:1] == ["now"]:
        assert replies[0].json()["status"] == S.CONFIRMED.value, replies[0].body
        assert recorded[1:] in ([], ["before"]), recorded


def _kept_apart_from_card_payments(application: Any, kept: dict[str, int] | None) -> None:
    """``application`` was paid outside Stripe: it holds its seat while booked and none once
    cancelled; once Stripe's events are heard (``kept``: what Stripe keeps, by application),
    it keeps no charge at Stripe and is booked or cancelled."""
    application_id = application.application_id
    if application.status is S.CONFIRMED:
        assert application.seat_held, f"{application_id}: paid, and no seat held"
    if application.status is S.CANCELLED:
        assert not application.seat_held, f"{application_id}: cancelled, and a seat held"
    if kept is not None:
        assert kept.get(application_id, 0) == 0, f"{application_id}: also charged at Stripe"
        assert application.status in (S.CONFIRMED, S.CANCELLED), application.status
