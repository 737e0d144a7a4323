"""The cohorts of one programme that the move, waiting-list and refund tests book onto.

``move-test``: spring and summer at £200, autumn at £150 (cheaper), winter at £250 (dearer), a
full one of one place and a closed one; and a cohort of another programme. People book and pay
through the API; every message sent is parsed back as SES is given it and its calendars held to
RFC 5546 across the test (``tests/support/mail_checks``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar

from booking.adapters.ses_sender import build_mime
from booking.domain.emails import OutgoingEmail
from tests.support.courses import monday_after, weekly_sessions
from tests.support.mail_checks import Seen, check_message
from tests.support.system import System

LONDON = ZoneInfo("Europe/London")
PROGRAMME = "move-test"
ADA, BOB = "ada@example.org", "bob@example.org"
CAROL, DAN = "carol@example.org", "dan@example.org"


def cohort_definition(first: date, name: str, price: int, **extra: Any) -> dict[str, Any]:
    return {
        "programme": PROGRAMME,
        "title": "Moving Leadership",
        "price": {"amount": price},
        "capacity": 5,
        "enquiries_email": f"{name}@example.org",
        "facilitators": [f"facilitator-{name}@example.org"],
        "joining_url": f"https://example.org/join/{name}",
        "reminder_offsets_hours": [24, 1],
        "sessions": weekly_sessions(first, 2),
        **extra,
    }


def delivered_and_checked(system: System, seen: Seen) -> list[OutgoingEmail]:
    """Every email sent since, parsed back as SES is given it and its calendars checked across
    the test (``seen``)."""
    sent = system.deliver_emails()
    for message in sent:
        check_message(build_mime(message, "courses@example.org", system.now()), seen)
    return sent


class Cohorts:
    def __init__(self, system: System, spring_capacity: int = 5) -> None:
        self.system = system
        self.spring_start = monday_after(system.now().date() + timedelta(days=21))
        first = self.spring_start
        self.files = {
            "move-spring": cohort_definition(first, "spring", 20000, capacity=spring_capacity),
            "move-summer": cohort_definition(first + timedelta(weeks=4), "summer", 20000),
            "move-autumn": cohort_definition(first + timedelta(weeks=8), "autumn", 15000),
            "move-winter": cohort_definition(first + timedelta(weeks=12), "winter", 25000),
            "move-full": cohort_definition(first + timedelta(weeks=16), "full", 20000, capacity=1),
            "move-closed": cohort_definition(
                first + timedelta(weeks=20), "closed", 20000, closed=True
            ),
            "other-programme": {
                **cohort_definition(first + timedelta(weeks=4), "other", 20000),
                "programme": "another",
            },
        }
        for course_id, definition in self.files.items():
            system.put_course(course_id, definition)
        self.seen = Seen()

    def book(self, course_id: str, email: str, **extra: Any) -> dict[str, Any]:
        application: dict[str, Any] = self.system.apply(course_id, email=email, **extra).json()
        if application.get("checkout_url"):
            assert self.system.pay(application["checkout_url"]).status == 200
        self.emails()
        return application

    def book_with_bursary(self, course_id: str, email: str, bursary: int) -> dict[str, Any]:
        """Booked as :meth:`book`, a ``bursary`` granted before the rest is paid by card."""
        application: dict[str, Any] = self.system.apply(course_id, email=email).json()
        app_id, token = application["application_id"], application["token"]
        granted = self.system.admin(
            "POST", f"/applications/{app_id}/bursary", json_body={"amount": bursary}
        )
        assert granted.status == 200, granted.body
        checkout = self.system.api("POST", f"/applications/{app_id}/checkout?token={token}")
        assert checkout.status == 201, checkout.body
        assert self.system.pay(checkout.json()["checkout_url"]).status == 200
        self.emails()
        return application

    def emails(self) -> list[OutgoingEmail]:
        return delivered_and_checked(self.system, self.seen)

    def emails_to(self, person: str) -> list[OutgoingEmail]:
        """The emails sent since (:meth:`emails`) to ``person`` alone."""
        return [m for m in self.emails() if m.to == [person]]

    def refunded_at_stripe(self) -> list[int]:
        """What each refund at Stripe gave back (its charge.refunded events, in order)."""
        events = self.system.stripe_local("GET", "/events").json()
        return [
            e["data"]["object"]["amount_refunded"] for e in events if e["type"] == "charge.refunded"
        ]

    def move(self, application_id: str, to: str, **asked: Any) -> Any:
        """The organiser's move of the booking to ``to``; ``asked``: the rest of the body
        (``wait``, ``refund``, ...)."""
        return self.system.admin(
            "POST",
            f"/applications/{application_id}/transfer",
            json_body={"to_course_id": to, **asked},
        )

    def waits(self, application_id: str, to: str = "move-full") -> dict[str, Any]:
        """The organiser's choice of ``to``'s waiting list for the booking (it moves there
        when a place comes free), which must be taken: the answer."""
        asked = self.move(application_id, to, wait=True)
        assert asked.status == 200, asked.body
        return dict(asked.json())

    def places_left(self, course_id: str) -> int:
        return int(self.system.course(course_id)["places_left"])

    def record(self, application_id: str) -> dict[str, Any]:
        reply = self.system.admin("GET", f"/applications/{application_id}")
        assert reply.status == 200, reply.body
        return dict(reply.json())


def calendars_of(message: OutgoingEmail) -> dict[str, Calendar]:
    return {
        a.filename: Calendar.from_ical(a.content)
        for a in message.attachments
        if a.content_type == "text/calendar"
    }


def uids_of(calendar: Calendar) -> set[str]:
    return {str(event["uid"]) for event in calendar.walk("VEVENT")}


def bob_on_full_ada_on_spring(system: System) -> tuple[Cohorts, str, str]:
    """Bob holds move-full's one place; Ada is booked on spring: the two ids."""
    cohorts, ada = ada_booked_beside_a_full_cohort(system)
    return cohorts, _bob_of(system), ada["application_id"]


def ada_on_the_console(system: System) -> tuple[Cohorts, str, str]:
    """Ada booked (and paid) on spring among the cohorts: the cohorts, her application's id
    and its console page's path."""
    cohorts = Cohorts(system)
    app_id = str(cohorts.book("move-spring", ADA)["application_id"])
    return cohorts, app_id, f"/console/applications/{app_id}"


def ada_moving_to_winter(system: System) -> tuple[Cohorts, str, dict[str, Any]]:
    """Ada booked (and paid) on spring, then her move to the dearer winter cohort asked, which
    must be taken (it waits for the difference): the cohorts, her application's id and the
    move pending."""
    cohorts = Cohorts(system)
    app_id = str(cohorts.book("move-spring", ADA)["application_id"])
    asked = cohorts.move(app_id, "move-winter")
    assert asked.status == 200, asked.body
    return cohorts, app_id, dict(asked.json()["pending_move"])


def ada_booked_beside_a_full_cohort(system: System) -> tuple[Cohorts, dict[str, Any]]:
    """Bob holds move-full's one place; Ada is booked (and paid) on spring."""
    cohorts = Cohorts(system)
    cohorts.book("move-full", BOB)
    return cohorts, cohorts.book("move-spring", ADA)


def _bob_of(system: System) -> str:
    [bob] = [
        a["application_id"] for a in system.admin("GET", "/courses/move-full/applications").json()
    ]
    return str(bob)


def moved_onto(cohorts: Cohorts, application_id: str, course_id: str) -> None:
    """The booking's waiting move took place: confirmed on ``course_id``, waiting no more."""
    record = cohorts.record(application_id)
    assert (record["course_id"], record["status"], record["waiting_move"]) == (
        course_id,
        "confirmed",
        None,
    )


def organiser_cancels(system: System, application_id: str) -> None:
    """The organiser cancels the booking with a refund, which must be taken."""
    cancelled = system.cancel(application_id)
    assert cancelled.status == 200, cancelled.body


def waiting_count(system: System, course_id: str) -> int:
    """The course's waiting counter, as the table holds it (what keeps newcomers out)."""
    course = system.stored_course(course_id)
    return course.waiting
