"""One suite, two repositories: the in-memory fake the use-case tests run on, and the DynamoDB
adapter on moto. Whatever the fake promises, the table keeps, so the fast tests cannot drift from
what runs in AWS."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from booking.adapters.dynamodb import DynamoRepository
from booking.adapters.dynamodb.schema import application_key
from booking.domain import errors
from booking.domain.application import Application, CheckoutRef
from booking.domain.application import ApplicationStatus as S
from booking.domain.billing import BillingDetails, DiscountCode, InvoiceRef
from booking.domain.emails import EmailKind
from booking.domain.invitations import Telling, Told
from booking.domain.limits import Limited
from booking.domain.people import address_digest
from booking.domain.timeline import EntryKind, email_sent
from booking.domain.transfer_record import WaitingMove
from booking.services.ports import (
    Anomaly,
    ClaimHeld,
    EmailClaim,
    EnrolmentRead,
    ReminderMarker,
    Repository,
)
from booking.services.stored import MAX_SESSION_ROWS
from tests.fakes import FakeRepository
from tests.support.discount_codes import a_discount_code
from tests.support.repository_records import FIRST_DAY, NOW, application, definition, job


def a_seat_held(repo: Repository, capacity: int = 2) -> Application:
    """Course c1 defined with ``capacity`` places, and a1 saved on it holding a seat."""
    repo.put_course("c1", definition(capacity))
    return repo.save(application("a1", seat_held=True), None)


# -- applications and their seats -------------------------------------------------------------


def test_a_write_expects_the_version_it_read(repo: Repository) -> None:
    repo.put_course("c1", definition())
    first = repo.save(application("a1"), None)
    assert first.version == 1
    assert repo.get_application("a1") == first
    second = repo.save(first.model_copy(update={"status_reason": "x"}), first)
    assert second.version == 2
    with pytest.raises(errors.StaleWrite):
        repo.save(first.model_copy(update={"status_reason": "y"}), first)  # first is stale
    with pytest.raises(errors.StaleWrite):
        repo.save(application("a1"), None)  # it exists already
    stored = repo.get_application("a1")
    assert stored is not None
    assert stored.status_reason == "x"


def test_seats_are_counted_with_the_applications_and_never_over_capacity(
    repo: Repository,
) -> None:
    a_seat_held(repo, capacity=1)
    with pytest.raises(errors.CourseFull):
        repo.save(application("a2", "bo@example.org", seat_held=True), None)
    assert repo.get_application("a2") is None  # nothing half-written
    assert repo.enrolled_application_id("c1", "bo@example.org") is None
    course = repo.get_course("c1")
    assert course is not None
    assert course.seats_taken == 1


def test_the_waiting_count_follows_the_waiting_list(repo: Repository) -> None:
    repo.put_course("c1", definition(capacity=1))
    waiting = repo.save(application("a1", status=S.WAITLISTED, waitlisted_at=NOW), None)
    course = repo.get_course("c1")
    assert course is not None
    assert (course.waiting, course.seats_taken) == (1, 0)
    offered = waiting.moved_to(S.OFFERED, NOW, seat_held=True)
    repo.save(offered, waiting)
    course = repo.get_course("c1")
    assert course is not None
    assert (course.waiting, course.seats_taken) == (0, 1)


def test_nobody_takes_a_seat_from_the_waiting_list(repo: Repository) -> None:
    holder = a_seat_held(repo, capacity=1)
    waiting = repo.save(
        application("a2", "bo@example.org", status=S.WAITLISTED, waitlisted_at=NOW), None
    )
    repo.save(holder.moved_to(S.EXPIRED, NOW, seat_held=False), holder)  # a seat comes free
    with pytest.raises(errors.CourseFull):  # a newcomer may not take it while someone waits
        repo.save(application("a3", "cy@example.org", seat_held=True), None)
    repo.save(waiting.moved_to(S.OFFERED, NOW, seat_held=True), waiting)  # the first in line may
    course = repo.get_course("c1")
    assert course is not None
    assert (course.seats_taken, course.waiting) == (1, 0)


# -- discount codes: a use is a limited thing, claimed like a seat -----------------------------


def code(max_uses: int | None = 1, **changes: object) -> DiscountCode:
    return a_discount_code(code="Half-Price", course_id="c1", max_uses=max_uses, **changes)


def coded(app_id: str, email: str, **changes: object) -> Application:
    return application(app_id, email, discount=code().applied()).model_copy(update=changes)


def a_code_used(repo: Repository, max_uses: int, capacity: int = 2) -> Application:
    """Course c1 (``capacity`` places) and its code (``max_uses``), and a1 saved on it using the
    code, holding a seat."""
    repo.put_course("c1", definition(capacity))
    repo.put_discount_code(code(max_uses=max_uses))
    return repo.save(coded("a1", "ada@example.org", seat_held=True), None)


def uses(repo: Repository) -> int:
    found = repo.get_discount_code("c1", "HALF-PRICE")
    assert found is not None
    return found.uses


def delete_as_retention_does(repo: Repository, application_id: str) -> None:
    """The table's time-to-live: the application's item goes, with no transaction at all."""
    if isinstance(repo, FakeRepository):
        repo.delete_by_retention(application_id)
    else:
        assert isinstance(repo, DynamoRepository)
        repo.table.client.delete_item(
            TableName=repo.table.name, Key=application_key(application_id)
        )


def test_a_code_is_kept_with_its_terms_and_read_with_the_course_in_any_case(
    repo: Repository,
) -> None:
    repo.put_course("c1", definition())
    repo.put_discount_code(code(max_uses=3, expires_at=NOW + timedelta(days=9)))
    with pytest.raises(errors.Conflict):
        repo.put_discount_code(code())
    read = repo.read_for_submission("c1", None, "half-PRICE")
    assert read.course is not None
    assert read.discount_code == code(max_uses=3, expires_at=NOW + timedelta(days=9))
    assert read.application is None
    assert repo.read_for_submission("c1", "a1", "NOPE").discount_code is None
    assert [c.code for c in repo.discount_codes("c1")] == ["Half-Price"]


def test_a_submission_reads_who_holds_the_address_place_with_the_course(
    repo: Repository,
) -> None:
    """The enrolment is read in the submission's one round trip, for the address as typed (any
    case, spaces around): the application holding the place, or None when none does."""
    repo.put_course("c1", definition())
    repo.save(application("a1", email="ada@example.org"), None)
    read = repo.read_for_submission("c1", None, None, " Ada@Example.org ")
    assert read.enrolment == EnrolmentRead(address_digest("ada@example.org"), "a1")
    assert read.course is not None
    other = repo.read_for_submission("c1", None, "NOPE", "grace@example.org").enrolment
    assert other == EnrolmentRead(address_digest("grace@example.org"), None)
    assert repo.read_for_submission("c2", None, None, "ada@example.org").enrolment == (
        EnrolmentRead(address_digest("ada@example.org"), None)
    )
    assert repo.read_for_submission("c1", None, None).enrolment is None


def test_expiring_a_code_keeps_its_uses_and_refuses_it_to_new_applications(
    repo: Repository,
) -> None:
    a_code_used(repo, max_uses=3, capacity=5)
    expired = repo.record_code_active("c1", "half-price", active=False, at=NOW)
    assert (expired.active, expired.uses, expired.expired_at) == (False, 1, NOW)
    read = repo.read_for_submission("c1", None, "HALF-PRICE").discount_code
    assert read == expired
    assert read.refusal(NOW, "gbp") == "spent"
    # Expired again later: when it was first expired is kept.
    again = repo.record_code_active("c1", "half-price", active=False, at=NOW + timedelta(days=1))
    assert again.expired_at == NOW
    with pytest.raises(errors.NotFound):
        repo.record_code_active("c1", "NOPE", active=False, at=NOW)


def test_a_code_use_is_claimed_with_the_application_and_never_beyond_its_limit(
    repo: Repository,
) -> None:
    a_code_used(repo, max_uses=1, capacity=5)
    assert uses(repo) == 1
    with pytest.raises(errors.CodeUsedUp):
        repo.save(coded("a2", "bo@example.org", seat_held=True), None)
    # Nothing of the refused application was written: no application, seat or enrolment.
    assert repo.get_application("a2") is None
    assert repo.enrolled_application_id("c1", "bo@example.org") is None
    course = repo.get_course("c1")
    assert course is not None
    assert course.seats_taken == 1
    assert uses(repo) == 1


@pytest.mark.parametrize(
    ("ending", "given_back"),
    [
        (lambda a: a.moved_to(S.CANCELLED, NOW, seat_held=False), True),
        (lambda a: a.moved_to(S.REFUNDED, NOW, seat_held=False), True),
        # A hold that ended unpaid: back at once, claimed again if restarted.
        (lambda a: a.moved_to(S.EXPIRED, NOW, seat_held=False), True),
        (lambda a: a.moved_to(S.CONFIRMED, NOW), False),  # a booking used its code
        (lambda a: a.erased(NOW), True),  # withdrawn on its way: cancelled
    ],
    ids=["cancelled", "refunded_unbooked", "expired", "confirmed", "erased"],
)
def test_a_use_goes_back_when_its_application_ends_without_a_booking(
    repo: Repository, ending: Any, given_back: bool
) -> None:
    holder = a_code_used(repo, max_uses=1)
    repo.save(ending(holder), holder)
    assert uses(repo) == (0 if given_back else 1)


def test_a_booking_keeps_its_use_when_cancelled_and_a_declined_review_gives_it_back(
    repo: Repository,
) -> None:
    booked = a_code_used(repo, max_uses=2)
    booked = repo.save(booked.moved_to(S.CONFIRMED, NOW), booked)
    repo.save(booked.moved_to(S.CANCELLED, NOW, seat_held=False), booked)
    review = repo.save(coded("a2", "bo@example.org", status=S.PENDING_REVIEW), None)
    assert uses(repo) == 2
    repo.save(review.moved_to(S.DECLINED, NOW), review)
    assert uses(repo) == 1


def test_a_hold_ended_unpaid_claims_its_code_use_again_only_while_one_is_left(
    repo: Repository,
) -> None:
    """Its use back when the hold ended: started again (a new checkout), it
    claims one again, refused when another application took the last meanwhile."""
    holder = a_code_used(repo, max_uses=1)
    lapsed = repo.save(holder.moved_to(S.EXPIRED, NOW, seat_held=False), holder)
    assert uses(repo) == 0
    again = repo.save(lapsed.moved_to(S.AWAITING_PAYMENT, NOW, seat_held=True), lapsed)
    assert uses(repo) == 1
    lapsed = repo.save(again.moved_to(S.EXPIRED, NOW, seat_held=False), again)
    repo.save(coded("a2", "bo@example.org", seat_held=True), None)
    with pytest.raises(errors.CodeUsedUp):
        repo.save(lapsed.moved_to(S.AWAITING_PAYMENT, NOW, seat_held=True), lapsed)
    assert uses(repo) == 1
    stored = repo.get_application("a1")
    assert stored is not None
    assert stored.status is S.EXPIRED


def test_what_an_application_deleted_by_retention_held_goes_back_once(repo: Repository) -> None:
    holder = a_code_used(repo, max_uses=1)
    booked = repo.save(holder.moved_to(S.CONFIRMED, NOW), holder)
    ended = repo.save(booked.moved_to(S.CANCELLED, NOW, seat_held=False), booked)
    assert repo.give_back_holdings("a1") == []  # still stored: a booking used its code
    assert uses(repo) == 1
    delete_as_retention_does(repo, ended.application_id)
    [holding] = repo.give_back_holdings("a1")
    assert holding.thing is Limited.CODE_USE
    assert repo.give_back_holdings("a1") == []  # the stream delivers at least once
    assert uses(repo) == 0
    course = repo.get_course("c1")
    assert course is not None
    assert course.seats_taken == 0


def test_one_live_application_per_person_per_course(repo: Repository) -> None:
    repo.put_course("c1", definition())
    repo.put_course("c2", definition())
    first = repo.save(application("a1"), None)
    with pytest.raises(errors.AlreadyApplied):
        repo.save(application("a2"), None)
    repo.save(application("a3", course_id="c2"), None)  # another course: fine
    assert repo.enrolled_application_id("c1", "ADA@example.org") == "a1"
    cancelled = repo.save(first.moved_to(S.CANCELLED, NOW), first)
    assert cancelled.enrolment_ended
    assert repo.enrolled_application_id("c1", "ada@example.org") is None
    again = repo.save(application("a4"), None, replaces="a1")
    assert repo.enrolled_application_id("c1", "ada@example.org") == again.application_id


def test_payments_and_people_lead_back_to_their_applications(repo: Repository) -> None:
    repo.put_course("c1", definition())
    repo.put_course("c2", definition())
    first = repo.save(application("a1"), None)
    repo.save(application("a2", course_id="c2"), None)
    paid = repo.save(first.model_copy(update={"payment_intent": "pi_1"}), first)
    found = repo.application_for_payment("pi_1")
    assert found is not None
    assert found.application_id == "a1"
    assert found.version == paid.version
    assert repo.application_for_payment("pi_other") is None
    mine = repo.applications_of_person("Ada@Example.org")
    assert sorted(a.application_id for a in mine) == ["a1", "a2"]
    repo.forget_person("ada@example.org", ["a1", "a2"])
    assert repo.applications_of_person("ada@example.org") == []
    assert repo.enrolled_application_id("c1", "ada@example.org") is None


def test_a_billing_contact_leads_to_the_applications_billed_to_them_while_named(
    repo: Repository,
) -> None:
    repo.put_course("c1", definition())
    repo.put_course("c2", definition())
    contact = BillingDetails(
        billing_name="Trust", billing_email="AP@Example.org", billing_address="1 Road"
    )
    billed = repo.save(application("a1", billing=contact), None)
    repo.save(application("a2", course_id="c2"), None)  # no billing contact
    assert [a.application_id for a in repo.applications_billed_to("ap@example.org")] == ["a1"]
    assert repo.applications_of_person("ap@example.org") == []  # not the applicant
    # Blanked (erased), it no longer leads there, even before its lookup is dropped.
    blanked = repo.save(billed.model_copy(update={"billing": contact.erased()}), billed)
    assert repo.applications_billed_to("ap@example.org") == []
    repo.forget_billing_contact("ap@example.org", ["a1"])
    assert repo.applications_billed_to("ap@example.org") == []
    # Another contact named later is found by their own address.
    other = contact.model_copy(update={"billing_email": "ledger@example.org"})
    repo.save(blanked.model_copy(update={"billing": other}), blanked)
    assert [a.application_id for a in repo.applications_billed_to("LEDGER@example.org")] == ["a1"]


def test_a_missing_billing_lookup_is_written_once_and_only_for_the_version_read(
    repo: Repository,
) -> None:
    """An application saved before the lookup was kept (its lookup dropped here) is found by
    its billing contact once indexed; indexing again writes nothing; a stale read is refused."""
    repo.put_course("c1", definition())
    contact = BillingDetails(
        billing_name="Trust", billing_email="AP@Example.org", billing_address="1 Road"
    )
    billed = repo.save(application("a1", billing=contact), None)
    repo.forget_billing_contact("ap@example.org", ["a1"])
    assert repo.applications_billed_to("ap@example.org") == []
    changed = repo.save(billed.model_copy(update={"status_reason": "x"}), billed)
    with pytest.raises(errors.StaleWrite):
        repo.index_billing_contact(billed)  # read before the change
    assert repo.applications_billed_to("ap@example.org") == []
    assert repo.index_billing_contact(changed) is True
    assert [a.application_id for a in repo.applications_billed_to("ap@example.org")] == ["a1"]
    assert repo.index_billing_contact(changed) is False
    assert repo.index_billing_contact(billed) is False  # there already, however stale the read


def test_a_providers_object_leads_only_to_the_application_that_recorded_it(
    repo: Repository,
) -> None:
    repo.put_course("c1", definition())
    session = CheckoutRef(
        session_id="cs_1", url="https://x", expires_at=NOW, attempt=1, amount=20000
    )
    first = repo.save(application("a1").with_checkout(session), None)
    assert repo.owner_of("cs_1") == "a1"
    invoice = InvoiceRef(invoice_id="in_1", url="https://x", due_at=NOW, amount_due=20000)
    repo.save(first.model_copy(update={"invoice": invoice, "checkout": None}), first)
    assert (repo.owner_of("in_1"), repo.owner_of("cs_1")) == ("a1", "a1")  # kept after
    repo.save(application("a2", "bo@example.org"), None)
    assert repo.owner_of("cs_other") is None


def test_lapsing_holds_are_due_for_the_sweep_in_order(repo: Repository) -> None:
    repo.put_course("c1", definition())
    later = NOW + timedelta(minutes=31)
    repo.save(application("a1", seat_held=True, hold_expires_at=later), None)
    repo.save(application("a2", "bo@example.org"), None)  # no hold: never due
    assert repo.applications_due(NOW) == []
    due = repo.applications_due(later)
    assert [a.application_id for a in due] == ["a1"]
    assert [a.application_id for a in repo.list_applications("c1")] == ["a1", "a2"]


def test_a_hold_lapsing_on_the_second_is_due_to_a_sweep_later_in_that_second(
    repo: Repository,
) -> None:
    """Times in keys sort as times: a hold ending at midnight exactly (an invoice's due day)
    is due to a sweep at a fraction of a second past it, and not to one a fraction before."""
    repo.put_course("c1", definition())
    midnight = datetime(2027, 6, 1, 23, 0, tzinfo=UTC)
    repo.save(application("a1", seat_held=True, hold_expires_at=midnight), None)
    assert [a.application_id for a in repo.applications_due(midnight)] == ["a1"]
    just_after = midnight + timedelta(microseconds=2419)
    assert [a.application_id for a in repo.applications_due(just_after)] == ["a1"]
    assert repo.applications_due(midnight - timedelta(microseconds=1)) == []


# -- references and history -----------------------------------------------------------------------


def test_a_reference_is_claimed_once_with_its_application(repo: Repository) -> None:
    repo.put_course("c1", definition())
    repo.save(application("a1", reference="CL-7K3Q9"), None)
    with pytest.raises(errors.ReferenceTaken):
        repo.save(
            application("a2", "bo@example.org", reference="CL-7K3Q9").with_emails(job("a2")), None
        )
    # The clash left nothing of the second application behind: it can be created again.
    assert repo.get_application("a2") is None
    assert repo.enrolled_application_id("c1", "bo@example.org") is None
    assert repo.pending_emails(NOW + timedelta(days=1)) == []
    assert repo.application_with_timeline("a2") == (None, [])
    repo.save(application("a2", "bo@example.org", reference="CL-8M4R2"), None)
    found = repo.application_by_reference("CL-7K3Q9")
    assert found is not None
    assert found.application_id == "a1"
    assert repo.application_by_reference("CL-8M4R2") == repo.get_application("a2")
    assert repo.application_by_reference("CL-22222") is None


def test_every_change_writes_its_history_and_reads_back_with_the_application(
    repo: Repository,
) -> None:
    created = a_seat_held(repo)
    later = NOW + timedelta(minutes=5)
    paid = repo.save(
        created.moved_to(S.CONFIRMED, later, amount_paid=20000, payment_intent="pi_1"), created
    )
    repo.add_to_timeline(
        "a1", email_sent(later + timedelta(seconds=2), EmailKind.BOOKING_CONFIRMED, 1, "j1")
    )
    latest = later + timedelta(minutes=1)
    unchanged = repo.save(paid.model_copy(update={"updated_at": latest}), paid)
    with pytest.raises(errors.StaleWrite):  # a refused change writes no history
        repo.save(paid.moved_to(S.CANCELLED, latest), paid)
    refunded = repo.save(
        unchanged.moved_to(
            S.REFUNDED, latest, seat_held=False, amount_refunded=20000, status_reason="refunded"
        ),
        unchanged,
    )
    stored, entries = repo.application_with_timeline("a1")
    assert stored == refunded
    assert [(e.kind, e.status, e.amount) for e in entries] == [
        (EntryKind.STATUS, S.AWAITING_PAYMENT, None),
        (EntryKind.STATUS, S.CONFIRMED, None),
        (EntryKind.PAYMENT, None, 20000),
        (EntryKind.EMAIL, None, None),
        (EntryKind.STATUS, S.REFUNDED, None),
        (EntryKind.REFUND, None, 20000),
    ]
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert entries[1].previous_status is S.AWAITING_PAYMENT
    assert entries[3].email is EmailKind.BOOKING_CONFIRMED
    assert (entries[3].recipients, entries[3].job_id) == (1, "j1")
    assert entries[4].reason == "refunded"
    assert repo.application_with_timeline("nobody") == (None, [])


def test_erasure_is_recorded_without_anything_personal(repo: Repository) -> None:
    repo.put_course("c1", definition())
    created = repo.save(application("a1"), None)
    repo.save(created.erased(NOW + timedelta(days=1)), created)
    _, entries = repo.application_with_timeline("a1")
    # Unpaid, so erasure withdraws it too (the seat or place in line moves on).
    assert [(e.kind, e.status) for e in entries] == [
        (EntryKind.STATUS, S.AWAITING_PAYMENT),
        (EntryKind.STATUS, S.CANCELLED),
        (EntryKind.ERASED, None),
    ]
    assert "ada" not in "".join(e.model_dump_json() for e in entries).lower()


# -- the outbox --------------------------------------------------------------------------------


def test_emails_are_written_with_the_change_and_wait_until_relayed(repo: Repository) -> None:
    repo.put_course("c1", definition())
    saved = repo.save(application("a1").with_emails(job("a1")), None)
    assert saved.outbox == ()  # on their way: the stored application keeps no copy
    assert repo.pending_emails(NOW) == []  # written at NOW: not before it
    [pending] = repo.pending_emails(NOW + timedelta(seconds=1))
    assert pending == job("a1").as_of(saved.status.value)  # as queued, with the status then
    repo.emails_relayed([pending.job_id])
    assert repo.pending_emails(NOW + timedelta(days=1)) == []


def test_a_refused_change_writes_none_of_its_emails(repo: Repository) -> None:
    a_seat_held(repo, capacity=1)
    with pytest.raises(errors.CourseFull):
        repo.save(application("a2", "bo@example.org", seat_held=True).with_emails(job("a2")), None)
    assert repo.pending_emails(NOW + timedelta(days=1)) == []


# -- courses -------------------------------------------------------------------------------------


def test_a_course_keeps_its_counters_and_refuses_capacity_below_them(repo: Repository) -> None:
    first = repo.put_course("c1", definition(capacity=2))
    assert first.version == 1
    repo.save(application("a1", seat_held=True), None)
    repo.save(application("a2", "bo@example.org", seat_held=True), None)
    with pytest.raises(errors.Conflict) as refused:
        repo.put_course("c1", definition(capacity=1))
    assert refused.value.code == "capacity_below_taken"
    grown = repo.put_course("c1", definition(capacity=3, title="Renamed"))
    assert (grown.version, grown.seats_taken, grown.definition.title) == (2, 2, "Renamed")
    assert [c.course_id for c in repo.list_courses()] == ["c1"]


def test_a_course_of_more_sessions_than_one_save_writes_is_refused_whole(
    repo: Repository,
) -> None:
    start = date.fromisoformat(FIRST_DAY)
    sessions = [
        {
            "date": (start + timedelta(days=n)).isoformat(),
            "start_time": "15:00",
            "end_time": "16:00",
        }
        for n in range(MAX_SESSION_ROWS + 1)
    ]
    with pytest.raises(errors.Conflict) as refused:
        repo.put_course("c1", definition(sessions=sessions))
    assert refused.value.code == "too_many_sessions"
    assert repo.get_course("c1") is None
    kept = repo.put_course("c1", definition(sessions=sessions[:MAX_SESSION_ROWS]))
    assert len(kept.schedule) == MAX_SESSION_ROWS


def test_a_course_keeps_when_each_follow_up_was_last_written(repo: Repository) -> None:
    follow_up = {"date": "2027-09-20", "start_time": "16:00", "end_time": "17:00"}
    listed = definition(sessions=[*definition().model_dump()["sessions"], follow_up])
    # To the microsecond: two files saved in one second are still told apart.
    written = {"fu-20270920t1500z": NOW + timedelta(microseconds=250)}
    assert repo.put_course("c1", listed, written).follow_up_edits == written
    stored = repo.get_course("c1")
    assert stored is not None
    assert stored.follow_up_edits == written
    assert [c.follow_up_edits for c in repo.list_courses()] == [written]
    assert repo.put_course("c1", listed).follow_up_edits == {}  # kept as given, each time


def test_a_course_keeps_when_a_save_last_moved_its_dates(repo: Repository) -> None:
    assert repo.put_course("c1", definition()).dates_moved_at is None
    moved_at = NOW + timedelta(microseconds=250)
    later = definition(group_apply_by_days=10)
    moved = repo.put_course("c1", later, dates_moved_at=moved_at)
    assert moved.dates_moved_at == moved_at
    # A save not asked to record a move keeps it, for the sweep to follow
    # (services.dates_followed): whether a save moved them is its service's to decide.
    renamed = later.model_copy(update={"title": "Renamed"})
    assert repo.put_course("c1", renamed, checked=moved).dates_moved_at == moved_at
    stored = repo.get_course("c1")
    assert stored is not None
    assert stored.dates_moved_at == moved_at
    assert [c.dates_moved_at for c in repo.list_courses()] == [moved_at]


def test_a_course_is_written_only_over_the_version_its_save_read(repo: Repository) -> None:
    read = repo.put_course("c1", definition())
    saved_since = repo.put_course("c1", definition(title="Saved meanwhile"), checked=read)
    with pytest.raises(errors.StaleWrite):  # decided on `read`: decide again
        repo.put_course("c1", definition(title="Renamed"), checked=read)
    assert repo.get_course("c1") == saved_since  # nothing written
    renamed = repo.put_course("c1", definition(title="Renamed"), checked=saved_since)
    assert (renamed.version, renamed.definition.title) == (saved_since.version + 1, "Renamed")


def test_sessions_are_found_by_start_in_a_half_open_window(repo: Repository) -> None:
    course = repo.put_course("c1", definition())
    first, second = course.schedule
    rows = repo.sessions_starting(first.start - timedelta(hours=1), first.start)
    assert [(r.course_id, r.index, r.start) for r in rows] == [("c1", 1, first.start)]
    assert repo.sessions_starting(first.start, second.start - timedelta(seconds=1)) == []
    shorter = definition(sessions=[{"date": FIRST_DAY, "start_time": "15:00", "end_time": "16:00"}])
    repo.put_course("c1", shorter)
    assert repo.sessions_starting(first.start, second.start + timedelta(days=1)) == []


# -- ledgers -------------------------------------------------------------------------------------


def test_an_email_is_claimed_once_and_a_dead_claim_is_taken_over(repo: Repository) -> None:
    assert repo.claim_email("j1", NOW, NOW - timedelta(minutes=3)) is EmailClaim.CLAIMED
    assert repo.claim_email("j1", NOW, NOW - timedelta(minutes=3)) is EmailClaim.IN_FLIGHT
    later = NOW + timedelta(minutes=4)
    assert repo.claim_email("j1", later, later - timedelta(minutes=3)) is EmailClaim.CLAIMED
    repo.finish_email("j1", "failed", later)
    assert repo.claim_email("j1", later, later - timedelta(minutes=3)) is EmailClaim.CLAIMED
    repo.finish_email("j1", "sent", later)
    assert repo.claim_email("j1", later, later + timedelta(days=1)) is EmailClaim.DONE


def test_a_claim_is_read_with_when_it_was_last_claimed(repo: Repository) -> None:
    assert repo.email_claim("j1") is None
    repo.claim_email("j1", NOW, NOW - timedelta(minutes=3))
    assert repo.email_claim("j1") == ClaimHeld("sending", NOW)
    later = NOW + timedelta(minutes=4)
    repo.claim_email("j1", later, later - timedelta(minutes=3))  # a dead one taken over
    repo.finish_email("j1", "sent_unconfirmed", later + timedelta(seconds=2))
    assert repo.email_claim("j1") == ClaimHeld("sent_unconfirmed", later)


def test_a_claim_is_read_to_the_second_as_the_table_keeps_it(repo: Repository) -> None:
    """Read back as stored, whole seconds (the fake kept the fraction, so a claim
    could be fresh on the fake and stale on the table at a second's edge)."""
    repo.claim_email("j1", NOW + timedelta(microseconds=500_000), NOW - timedelta(minutes=3))
    assert repo.email_claim("j1") == ClaimHeld("sending", NOW)


def test_suppressed_addresses_are_recognised_whatever_their_case(repo: Repository) -> None:
    assert not repo.is_suppressed("ada@example.org")
    repo.suppress_address("Ada@Example.org", "bounce", NOW)
    assert repo.is_suppressed("ada@example.org")


def test_a_reminder_is_claimed_once_and_leftover_claims_are_listed(repo: Repository) -> None:
    start = NOW + timedelta(days=1)
    about = "COURSE#c1#s1"
    marker = ReminderMarker(about, start, "h24", "a1", job("a1", EmailKind.SESSION_REMINDER))
    assert repo.claim_reminder(marker, NOW)
    assert not repo.claim_reminder(marker, NOW)
    assert repo.claimed_reminders() == [marker]
    repo.mark_reminder_queued(marker, NOW)
    assert repo.claimed_reminders() == []
    assert not repo.claim_reminder(marker, NOW)  # queued: never claimable again
    farther = ReminderMarker(about, start, "h48", "a1")
    assert repo.supersede_reminder(farther, NOW)
    assert not repo.claim_reminder(
        ReminderMarker(about, start, "h48", "a1", job("a1", EmailKind.SESSION_REMINDER)), NOW
    )
    assert repo.claimed_reminders() == []


def test_a_moved_session_and_another_recipient_are_new_claims(repo: Repository) -> None:
    start = NOW + timedelta(days=1)
    about = "COURSE#c1#s1"
    reminder = job("a1", EmailKind.SESSION_REMINDER)
    assert repo.claim_reminder(ReminderMarker(about, start, "h24", "a1", reminder), NOW)
    moved = start + timedelta(days=7)
    assert repo.claim_reminder(ReminderMarker(about, moved, "h24", "a1", reminder), NOW)
    assert repo.claim_reminder(ReminderMarker(about, start, "h24", "a2", reminder), NOW)
    assert repo.claim_reminder(ReminderMarker("COURSE#c2#s1", start, "h24", "a1", reminder), NOW)


def test_a_reminder_that_still_reminds_in_time_for_a_moved_start_is_that_offsets_one(
    repo: Repository,
) -> None:
    """The 24-hour reminder was claimed 24 hours before; the session moves 30 minutes (then
    up to 24 hours) later: no second one. Moved further, the new start gets its own."""
    about = "PROGRAMME#leading#autumn"
    start = NOW + timedelta(hours=24)
    reminder = job("a1", EmailKind.SESSION_REMINDER)

    def claim(moment: datetime, session_start: datetime, offset: str = "h24") -> bool:
        marker = ReminderMarker(about, session_start, offset, "Pada", reminder)
        return repo.claim_reminder(marker, moment)

    assert claim(NOW, start)
    later = NOW + timedelta(minutes=31)
    assert not claim(later, start + timedelta(minutes=30))
    assert not claim(later, start + timedelta(hours=24))
    assert claim(NOW + timedelta(hours=2), start + timedelta(hours=24, minutes=1))
    # Another offset, another person, another event: their own reminders.
    assert claim(later, start + timedelta(minutes=30), "h1")
    assert repo.claim_reminder(
        ReminderMarker(about, start + timedelta(minutes=30), "h24", "Pbob", reminder), later
    )
    assert repo.claim_reminder(
        ReminderMarker(about + "0", start + timedelta(minutes=30), "h24", "Pada", reminder),
        later,
    )


def test_a_programme_events_claim_reads_back_whatever_the_programme_is_called(
    repo: Repository,
) -> None:
    # A programme's name is free text: it may hold the separators the keys use.
    marker = ReminderMarker(
        "PROGRAMME#Leading #2: with care#fu-20250918t1500z",
        NOW + timedelta(days=3),
        "invite",
        "P0123456789abcdef",
        job("a1", EmailKind.FOLLOW_UP_INVITATION),
    )
    assert repo.claim_reminder(marker, NOW)
    assert repo.claimed_reminders() == [marker]


def test_an_invitation_is_one_per_person_and_event_wherever_the_event_moves(
    repo: Repository,
) -> None:
    about = "PROGRAMME#Leading #2: with care#fu-1"
    start = NOW + timedelta(days=3)
    invitation = job("a1", EmailKind.FOLLOW_UP_INVITATION)
    ada = ReminderMarker(about, start, "invite", "Pada", invitation)
    assert repo.claim_reminder(ada, NOW)
    moved = ReminderMarker(about, start + timedelta(days=2), "invite", "Pada", invitation)
    assert not repo.claim_reminder(moved, NOW)
    bob = ReminderMarker(about, start + timedelta(days=2), "invite", "Pbob", invitation)
    assert repo.claim_reminder(bob, NOW)
    repo.mark_reminder_queued(ada, NOW)
    # Reminders of the event and invitations to another are not invitations to this one.
    assert repo.claim_reminder(ReminderMarker(about, start, "h24", "Pcy", invitation), NOW)
    assert repo.claim_reminder(ReminderMarker(about + "0", start, "invite", "Pdi", invitation), NOW)
    found = sorted(repo.invitations_to(about), key=lambda m: m.recipient)
    assert found == [ada, bob]


def test_whom_an_event_was_told_to_is_kept_per_person_the_latest_word_standing(
    repo: Repository,
) -> None:
    about = "PROGRAMME#Leading #2: with care#fu-1"
    later = NOW + timedelta(days=400)
    assert repo.told_of(about) == {}
    repo.record_told(Telling(about, "Pada", holds=True), keep_until=later, now=NOW)
    repo.record_told(Telling(about, "Pbob", holds=True), keep_until=later, now=NOW)
    repo.record_told(Telling(about, "Pbob", holds=False), keep_until=later, now=NOW)  # taken out
    repo.record_told(Telling(about + "0", "Pcy", holds=True), keep_until=later, now=NOW)
    assert repo.told_of(about) == {"Pada": True, "Pbob": False}
    repo.record_told(Telling(about, "Pbob", holds=True), keep_until=later, now=NOW)  # back in
    assert repo.told_of(about) == {"Pada": True, "Pbob": True}


def test_when_an_event_was_told_to_start_and_end_is_the_latest_word_of_those_holding_it(
    repo: Repository,
) -> None:
    about = "PROGRAMME#Leading#fu-1"
    later = NOW + timedelta(days=400)
    first = Told(NOW + timedelta(days=30), NOW + timedelta(days=30, hours=1))
    # The title it was sent under is kept too (a rename is worded from it).
    moved = Told(NOW + timedelta(days=37), NOW + timedelta(days=37, hours=1), "Reunion")
    repo.record_told(Telling(about, "Pada", holds=True, when=first), keep_until=later, now=NOW)
    repo.record_told(Telling(about, "Pbob", holds=True, when=first), keep_until=later, now=NOW)
    repo.record_told(Telling(about, "Pcy", holds=True), keep_until=later, now=NOW)  # times not kept
    assert repo.told_when(about) == {"Pada": first, "Pbob": first}
    repo.record_told(Telling(about, "Pada", holds=True, when=moved), keep_until=later, now=NOW)
    repo.record_told(Telling(about, "Pbob", holds=False), keep_until=later, now=NOW)  # taken out
    assert repo.told_when(about) == {"Pada": moved}
    assert repo.told_when(about)["Pada"].title == "Reunion"
    assert repo.told_when(about + "0") == {}


def test_what_one_person_was_told_of_an_event_is_one_read_of_both(repo: Repository) -> None:
    """``told_to``: ``told_of`` and ``told_when`` for one person, from their own record."""
    about = "SESSION#c1#s1"
    later = NOW + timedelta(days=400)
    first = Told(NOW + timedelta(days=30), NOW + timedelta(days=30, hours=1), "Session 1")
    assert repo.told_to(about, "Pada") is None  # never sent
    repo.record_told(Telling(about, "Pada", holds=True, when=first), keep_until=later, now=NOW)
    repo.record_told(
        Telling(about, "Pbob", holds=True), keep_until=later, now=NOW
    )  # times not kept
    repo.record_told(Telling(about, "Pcy", holds=True, when=first), keep_until=later, now=NOW)
    repo.record_told(Telling(about, "Pcy", holds=False), keep_until=later, now=NOW)  # taken out
    for person in ("Pada", "Pbob", "Pcy", "Pdee"):
        sent = repo.told_of(about)
        expected = (sent[person], repo.told_when(about).get(person)) if person in sent else None
        assert repo.told_to(about, person) == expected
    assert repo.told_to(about, "Pada") == (True, first)
    assert repo.told_to(about, "Pbob") == (True, None)
    assert repo.told_to(about, "Pcy") == (False, None)
    assert repo.told_to(about + "0", "Pada") is None
    # The joining link it carried is kept too (a link put back is no news), ""
    # for none; a record without one reads as not recorded.
    linked = first._replace(link="https://example.org/join/a")
    repo.record_told(Telling(about, "Pada", holds=True, when=linked), keep_until=later, now=NOW)
    repo.record_told(
        Telling(about, "Pbob", holds=True, when=first._replace(link="")), keep_until=later, now=NOW
    )
    assert repo.told_to(about, "Pada") == (True, linked)
    assert repo.told_when(about)["Pbob"].link == ""


def test_calendar_sequences_only_grow_and_are_per_person(repo: Repository) -> None:
    assert repo.calendar_sequence("Pada") == 0
    assert repo.next_calendar_sequence("Pada") == 1
    assert repo.calendar_sequence("Pada") == 1  # read, not moved on
    assert repo.calendar_sequence("Pada") == 1
    assert repo.next_calendar_sequence("Pada") == 2
    assert repo.next_calendar_sequence("Pbob") == 1
    assert repo.next_calendar_sequence("Pada") == 3


def test_anomalies_are_kept_once_per_event_newest_first(repo: Repository) -> None:
    first = Anomaly("evt_1", "amount_or_currency_mismatch", NOW, {"application_id": "a1"})
    second = Anomaly("evt_2", "refund_of_unrecorded_payment", NOW + timedelta(minutes=1))
    repo.record_anomaly(first)
    repo.record_anomaly(second)
    repo.record_anomaly(Anomaly("evt_1", "something else", NOW + timedelta(hours=1)))  # again
    assert repo.anomalies() == [second, first]


# -- the register -------------------------------------------------------------------------------


def test_a_register_closes_once_and_the_first_close_stands(repo: Repository) -> None:
    repo.put_course("c1", definition())
    assert repo.register_closed_at("c1") is None
    assert repo.close_register("c1", NOW) == NOW
    assert repo.close_register("c1", NOW + timedelta(hours=1)) == NOW  # a second closer reads it
    assert repo.register_closed_at("c1") == NOW
    assert repo.register_closed_at("c2") is None


def test_a_certificate_code_names_one_application_until_forgotten(repo: Repository) -> None:
    repo.record_certificate("code-1", "a1")
    with pytest.raises(errors.Conflict):
        repo.record_certificate("code-1", "a2")
    assert repo.certificate_owner("code-1") == "a1"
    assert repo.certificate_owner("code-2") is None
    repo.forget_certificate("code-1")
    repo.forget_certificate("code-1")  # forgetting again is harmless
    assert repo.certificate_owner("code-1") is None


def test_marks_and_completion_are_kept_with_the_application_and_in_its_history(
    repo: Repository,
) -> None:
    from booking.domain.attendance import Completion, Mark

    created = a_seat_held(repo)
    confirmed = repo.save(created.moved_to(S.CONFIRMED, NOW), created)
    marked = repo.save(
        confirmed.model_copy(
            update={"attendance": {"s1": Mark.ATTENDED, "s2": Mark.APOLOGIES}, "updated_at": NOW}
        ),
        confirmed,
    )
    done = Completion(completed=True, attended=1, required=1, closed_at=NOW, certificate="c")
    closed = repo.save(marked.model_copy(update={"completion": done}), marked)
    stored, entries = repo.application_with_timeline("a1")
    assert stored == closed
    assert stored.attendance == {"s1": Mark.ATTENDED, "s2": Mark.APOLOGIES}
    assert stored.completion == done
    assert [(e.kind, e.session, e.mark) for e in entries if e.kind is EntryKind.ATTENDANCE] == [
        (EntryKind.ATTENDANCE, "s1", Mark.ATTENDED),
        (EntryKind.ATTENDANCE, "s2", Mark.APOLOGIES),
    ]
    [completion] = [e for e in entries if e.kind is EntryKind.COMPLETION]
    assert (completion.completed, completion.attended, completion.required) == (True, 1, 1)


def test_a_move_that_waits_claims_the_persons_place_where_it_waits(repo: Repository) -> None:
    """``domain.enrolments``: the save that puts a booking on another cohort's list claims the
    person's one place there, the save that ends the move gives it back, and the one that
    makes it keeps it (and gives back the cohort left)."""
    for course_id in ("c1", "c2", "c3"):
        repo.put_course(course_id, definition())
    booked = repo.save(application("a1", status=S.CONFIRMED, seat_held=True), None)
    move = WaitingMove(to_course_id="c2", asked_at=NOW, ends_at=NOW + timedelta(days=30))
    waiting = repo.save(booked.model_copy(update={"waiting_move": move}), booked)
    assert repo.enrolled_application_id("c2", "ada@example.org") == "a1"
    with pytest.raises(errors.AlreadyApplied):
        repo.save(application("a2", course_id="c2"), None)
    ended = repo.save(waiting.model_copy(update={"waiting_move": None}), waiting)
    assert repo.enrolled_application_id("c2", "ada@example.org") is None
    repo.save(application("a2", course_id="c2"), None)
    with pytest.raises(errors.AlreadyApplied):  # nor may a move wait where they applied
        repo.save(ended.model_copy(update={"waiting_move": move}), ended)
    assert repo.get_application("a1") == ended
    to_c3 = move.model_copy(update={"to_course_id": "c3"})
    waiting = repo.save(ended.model_copy(update={"waiting_move": to_c3}), ended)
    moved = repo.save(waiting.model_copy(update={"course_id": "c3", "waiting_move": None}), waiting)
    assert repo.enrolled_application_id("c3", "ada@example.org") == moved.application_id
    assert repo.enrolled_application_id("c1", "ada@example.org") is None
