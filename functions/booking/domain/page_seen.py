"""A confirmation acts only on what its page showed: the one rule for every confirm form of the
console (the cancel, the move, the
wait for a full cohort) and for the /admin acts that take what their caller last read.

The page carries ``seen``: a digest of every fact its words draw on, the application's
(``application_facts``: the cohort it is on and how often it moved, its status, the money it
keeps, a bank payment going through, its price, bursary and billing contact, an open invoice, a
move waiting, a place held) and, for a move, the chosen cohort's (``move_facts``: its name,
price and what the move would ask or give back). The act works it out again inside its own
decision, from the application read for the save that holds only while it is still that version
(so a change between the check and the write cannot slip through): different, it is refused in
words (409 ``application_changed``), nothing written, nobody emailed.

A digest of the facts rather than the application's version: the version moves with writes the
page's words do not draw on (a reminder sent, an email queued), which would refuse for nothing;
and the moves are counted, so a booking moved away and back (A to B to A) is not the page's.

The older fields (``status_seen``, ``paid_seen``, ``course_seen``) name single facts of the same
set, each compared alone: callers that send them keep working."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from booking.domain.application import Application, ApplicationStatus
from booking.domain.commands import Refusal
from booking.domain.course import Course
from booking.domain.errors import InvalidInput
from booking.domain.money import money_words
from booking.domain.offer_ends import as_read
from booking.domain.refund_failed import failed_and_held
from booking.domain.transfers import difference_to_pay
from booking.domain.wording import cohort_name, status_named

if TYPE_CHECKING:  # a group's card only: the webhook's and api's inits load no group rules
    from booking.domain.groups import GroupBooking

CHANGED = "application_changed"
SEEN_FIELD = "seen"
_TOKEN = re.compile(r"[0-9a-f]{16}")
_TOKENS_MAX = 100  # a move's page carries one per cohort it offers: never more than this
APPLICATION = "application"
# A ``seen`` digested before the application was named in it (a page opened before that
# deploy): what it showed cannot be told from another application's with the same facts, so
# it is refused in these words, with the same code (look again, press again), never taken.
SHOWN_BEFORE_AN_UPDATE = (
    "the page was shown before an update of the booking system, so what it showed can no "
    "longer be checked: nothing was changed; "
)
Facts = Mapping[str, str]
# Whose page a ``seen`` was read from, as its refusals say it: a group's routes speak of the
# group booking, never of an application the organiser did not act on.
OF_THE_APPLICATION = "the application"
OF_THE_GROUP = "the group booking"


def application_facts(application: Application, now: datetime) -> dict[str, str]:
    """What any confirmation's words about ``application`` draw on, as every page shows it at
    ``now`` (``offer_ends.as_read``: an offer past its end lapsed, though the sweep has not
    ended it yet): the one view a page's ``seen`` and its act's decision both digest, so a
    lapsed offer's press is not refused for a change nobody made."""
    application = as_read(application, None, now)
    pending, waiting = application.pending_move, application.waiting_move
    price = application.price
    return {
        # Which application: two with the same facts (the same cohort, status and money) are
        # two pages, never one ``seen``.
        APPLICATION: application.application_id,
        "course": application.course_id,
        "moves": str(len(application.transfers)),
        "status": application.status.value,
        "kept": str(application.amount_kept),
        "payment_pending": "yes" if application.payment_pending else "",
        "price": f"{price.amount} {price.currency}" if price else "",
        "bursary": str(application.bursary),
        "billing": application.billing.billing_email if application.billing else "",
        "invoice": application.invoice.invoice_id
        if application.invoice and application.has_open_invoice()
        else "",
        "move_pending": f"{pending.to_course_id} {pending.difference}" if pending else "",
        "move_waiting": waiting.to_course_id if waiting else "",
        "seat": "held" if application.seat_held else "",
    }


def move_facts(application: Application, target: Course, now: datetime) -> dict[str, str]:
    """What a move's choice of ``target`` draws on: the application's facts and the cohort's."""
    price = target.definition.price
    return {
        **application_facts(application, now),
        "to": target.course_id,
        "to_name": cohort_name(target),
        "to_price": f"{price.amount} {price.currency}",
        "difference": str(difference_to_pay(application, target)),
    }


def invoice_due_facts(application: Application, due: datetime | None, now: datetime) -> Facts:
    """What a confirmation that sends a new invoice names besides the application's facts: the
    moment that invoice falls due (None: none could), so a page whose day no longer holds (the
    course's dates changed, or a day passed) is not the page's."""
    return {**application_facts(application, now), "invoice_due": due.isoformat() if due else ""}


def digest(facts: Facts) -> str:
    """The ``seen`` of a page showing ``facts``: short, opaque, the same for the same facts."""
    text = "\n".join(f"{name}={facts[name]}" for name in sorted(facts))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def application_seen(application: Application, now: datetime) -> str:
    """The ``seen`` a page showing ``application`` at ``now`` carries (what its acts then
    compare, by the same :func:`application_facts`)."""
    return digest(application_facts(application, now))


@dataclass(frozen=True)
class Seen:
    """What the page (or the caller) saw: the digests it carried (a move's page one for each
    cohort it offers; any may match) and the older single facts (name, value)."""

    digests: tuple[str, ...] = ()
    given: tuple[tuple[str, str], ...] = ()

    def holds(self, facts: Facts) -> bool:
        """Whether ``facts`` (now) are still what was seen."""
        if self.digests and digest(facts) not in self.digests:
            return False
        return all(facts.get(name) == value for name, value in self.given)

    def from_before_an_update(self, facts: Facts) -> bool:
        """Whether a digest it carries is of ``facts`` as pages digested them before they named
        the application (``SHOWN_BEFORE_AN_UPDATE``)."""
        unnamed = {name: value for name, value in facts.items() if name != APPLICATION}
        return bool(self.digests) and APPLICATION in facts and digest(unnamed) in self.digests

    def with_digests(self, digests: tuple[str, ...]) -> Seen:
        return Seen(digests, self.given)

    def or_fact(self, name: str, value: str) -> Seen:
        """This, with the fact ``name`` as ``value`` unless it names that fact already."""
        if any(given == name for given, _ in self.given):
            return self
        return Seen(self.digests, (*self.given, (name, value)))


def seen_digests(value: object, of: str = OF_THE_APPLICATION) -> tuple[str, ...]:
    """The ``seen`` a form or a request carries: one or more digests, space-separated (a move's
    page carries one per cohort it offers). None or "": none. Anything else is refused in
    words, naming the field and what it was read of (``of``)."""
    if value is None or value == "":
        return ()
    digests = value.split() if isinstance(value, str) else []
    if not digests or len(digests) > _TOKENS_MAX or not all(map(_TOKEN.fullmatch, digests)):
        raise InvalidInput(
            f"what was last seen of {of} is unclear: look at it again",
            {SEEN_FIELD: f"the seen value as {of}'s page or the API gave it"},
        )
    return tuple(digests)


def cancel_seen(status: object, paid: object) -> Seen:
    """The older ``status_seen`` and ``paid_seen`` (a status, and pence as a JSON whole number:
    a form's digits are read as a number by the console's handler); neither: nothing seen.
    Half a pair, or anything else, is refused in words."""
    if status is None and paid is None:
        return Seen()
    known = {s.value for s in ApplicationStatus}
    if status not in known or isinstance(paid, bool) or not isinstance(paid, int) or paid < 0:
        raise InvalidInput(
            "the cancellation's status_seen and paid_seen are unclear",
            {
                "status_seen": "a status, as the application shows it, given with paid_seen",
                "paid_seen": "the pence it kept, a whole number, given with status_seen",
            },
        )
    return Seen(given=(("status", str(status)), ("kept", str(paid))))


def changed_refusal(
    application: Application, currency: str, then: str, changed: str = "the application"
) -> Refusal:
    """The words of a confirmation whose application (or what else it showed: ``changed``)
    moved on since it was seen: how the application is now, and ``then`` (what to do)."""
    kept = application.amount_kept
    paid = f", {money_words(kept, currency)} paid" if kept else ", nothing paid"
    going = ", a bank payment going through" if application.payment_pending else ""
    funded = application.bursary
    fund = f", {money_words(funded, currency)} funded by a bursary" if funded else ""
    return Refusal(
        CHANGED,
        f"{changed} changed since you last looked at it (it is now "
        f"{status_named(application.status)}{paid}{going}{fund}): nothing was changed; {then}",
    )


CANCEL_AGAIN = "look at it again before cancelling"
GRANT_AGAIN = "look at it again before granting a bursary"
WITHDRAW_AGAIN = "look at it again before withdrawing its move"
REFUND_AGAIN = "look at it again before refunding it"
VOID_AGAIN = "look at it again before voiding its invoice"


def seen_refusal(
    seen: Seen | None,
    application: Application,
    currency: str,
    then: str = CANCEL_AGAIN,
    *,
    now: datetime,
) -> Refusal | None:
    """None while ``application`` is as ``seen`` showed it at ``now`` (None: nothing seen is
    known); else what changed, in words, and ``then``."""
    facts = application_facts(application, now)
    if seen is None or seen.holds(facts):
        return None
    if seen.from_before_an_update(facts):
        return Refusal(CHANGED, f"{SHOWN_BEFORE_AN_UPDATE}{then}")
    return changed_refusal(as_read(application, None, now), currency, then)


def bursary_refusal(
    seen: Seen | None, application: Application, currency: str, *, now: datetime
) -> Refusal | None:
    """A grant's: another amount granted since it was seen (two grants at once) keeps its own
    words and code (``bursary_changed``); anything else changed, as every act's."""
    shown = dict(seen.given).get("bursary") if seen is not None else None
    if shown is not None and shown != str(application.bursary):
        return Refusal(
            "bursary_changed",
            f"the bursary was changed meanwhile to {money_words(application.bursary, currency)} "
            "(another grant at the same moment); look at the application again before "
            "granting another amount",
        )
    return seen_refusal(seen, application, currency, GRANT_AGAIN, now=now)


def move_refusal(application: Application, source: Course, target: Course) -> Refusal:
    """The words of a move (or a wait) chosen on a page that no longer holds: where the booking
    is now and what ``target`` would now ask."""
    currency = target.definition.price.currency
    kept = application.amount_kept
    paid = f", {money_words(kept, currency)} paid" if kept else ", nothing paid"
    going = ", a bank payment going through" if application.payment_pending else ""
    more = difference_to_pay(application, target)
    asks = (
        f"{money_words(more, currency)} more to pay"
        if more > 0
        else (f"{money_words(-more, currency)} to give back" if more < 0 else "nothing more to pay")
    )
    return Refusal(
        CHANGED,
        f"the booking or the cohort changed since you last looked (the booking is now on "
        f"{cohort_name(source)}, {status_named(application.status)}{paid}{going}; moving it to "
        f"{cohort_name(target)}, at {money_words(target.definition.price.amount, currency)}, "
        f"means {asks}): nothing was changed; look at it again and choose from where it is now",
    )


def move_seen_refusal(
    application: Application,
    source: Course,
    target: Course,
    digests: tuple[str, ...],
    now: datetime,
) -> Refusal | None:
    """None while the move to ``target`` is as one of ``digests`` (a move page's choices)
    showed it at ``now`` (none given: nothing seen is known); else why not, in words."""
    facts = move_facts(application, target, now)
    if not digests or digest(facts) in digests:
        return None
    if Seen(digests).from_before_an_update(facts):
        again = "look at it again and choose from where it is now"
        return Refusal(CHANGED, f"{SHOWN_BEFORE_AN_UPDATE}{again}")
    return move_refusal(application, source, target)


def person_facts(
    applications: Sequence[Application],
    billed: Sequence[Application],
    groups: Sequence[tuple[str, str]],
    now: datetime,
) -> dict[str, str]:
    """What the erasure's confirmation draws on: each of the person's applications
    (withdrawn if still on its way, its open invoice voided: ``application_facts``), each
    application billed to them, each group booking that names them (its id, and as what), and
    the money still owed back by hand after a refund Stripe refused (``failed_and_held``).
    One applied again, billed, or refused a refund since: not the page's."""
    facts = {
        f"{whose} {application.application_id} {name}": value
        for whose, each in (("own", applications), ("billed", billed))
        for application in each
        for name, value in application_facts(application, now).items()
        if name != APPLICATION  # named by the key already: its digest as before
    }
    facts.update({f"group {group_id} {role}": "named" for group_id, role in groups})
    facts.update({f"owed {a.application_id}": str(failed_and_held(a)) for a in applications})
    return facts


def person_seen(
    applications: Sequence[Application],
    billed: Sequence[Application],
    groups: Sequence[Mapping[str, object]],
    now: datetime,
) -> str:
    """The ``seen`` the erasure's confirmation carries, of what it shows (``groups``: the group
    bookings naming them, each with its ``group_id`` and what it names them ``as``)."""
    named = [(str(g["group_id"]), str(g["as"])) for g in groups]
    return digest(person_facts(applications, billed, named, now))


def person_refusal(applications: int, billed: int, groups: int) -> Refusal:
    """The words of an erasure pressed on a page that no longer holds: what is held now."""

    def counted(count: int, what: str) -> str:
        return f"{count} {what}{'' if count == 1 else 's'}"

    return Refusal(
        CHANGED,
        "what is held about this person changed since you last looked (now "
        f"{counted(applications, 'application')}, {counted(billed, 'application')} billed to "
        f"them, {counted(groups, 'group booking')} naming them, as the page now shows): nothing "
        "was erased; look at it again before erasing",
    )


def group_facts(group: GroupBooking) -> dict[str, str]:
    """What the group bookings page's *Void the invoice* draws on (a group's card): its status,
    its invoice (which one, how much, being replaced for a place given up) and each place (who
    holds it, given up or not). Another invoice since (a place given up), or a payment: not
    the page's."""
    # The groups' rules load with a group's card, not with the webhook's or the api's init.
    from booking.domain.group_figures import invoice_being_replaced

    invoice = group.invoice
    return {
        "group": group.group_id,
        "status": group.status.value,
        "invoice": f"{invoice.invoice_id} {invoice.amount_due}" if invoice else "",
        "replacing": "yes" if invoice_being_replaced(group) else "",
        "places": " ".join(
            f"{p.number}:{p.substitutions}:{'given up' if p.released else 'kept'}"
            for p in group.places
        ),
        "paid": str(group.amount_paid),
        "given back by hand": str(sum(r.amount for r in group.returned_by_hand)),
    }


def group_seen(group: GroupBooking) -> str:
    """The ``seen`` a group's card carries (what its void then compares)."""
    return digest(group_facts(group))


def group_refusal(group: GroupBooking) -> Refusal:
    """The words of a group's void pressed on a card that no longer holds: how it is now."""
    kept = group.places_kept
    places = f"{kept} place{'' if kept == 1 else 's'} kept"
    invoice = group.invoice
    number = f", invoice {invoice.number or invoice.invoice_id}" if invoice else ""
    return Refusal(
        CHANGED,
        f"the group booking changed since you last looked at it (it is now "
        f"{group.status.value.replace('_', ' ')}, {places}{number}): nothing was voided; look at "
        "it again before voiding its invoice",
    )
