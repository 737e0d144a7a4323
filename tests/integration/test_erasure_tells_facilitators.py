"""An erasure asks the facilitators who were sent the person's application to delete it (UK
GDPR Article 19): one message to each list a copy went to, naming the application by its
reference and nothing about the person; once, however often the erasure is repeated; nothing
where no copy went. Through the real handlers (admin, relay, mailer), moto and the Stripe
stand-in."""

from __future__ import annotations

from typing import Any

from booking.domain.emails import OutgoingEmail
from tests.support.applications import application_body
from tests.support.cohorts import ADA, Cohorts
from tests.support.system import System

SPRING, SUMMER = "facilitator-spring@example.org", "facilitator-summer@example.org"
ASKED = "Please delete an application you were sent"
# Everything the person gave that a message must not carry once they are erased.
ABOUT_ADA = [
    str(v) for k, v in application_body().items() if isinstance(v, str) and v and k != "email"
]


def _erase(system: System, email: str = ADA) -> int:
    return system.admin("DELETE", f"/people/{email}").status


def _asked(sent: list[OutgoingEmail]) -> dict[str, list[OutgoingEmail]]:
    """The requests to delete among ``sent``, by the address each went to."""
    asked: dict[str, list[OutgoingEmail]] = {}
    for message in sent:
        if message.subject.startswith(ASKED):
            for address in message.to:
                asked.setdefault(address, []).append(message)
    return asked


def _says_nothing_of_the_person(message: OutgoingEmail) -> None:
    for part in (message.subject, message.text, message.html, *message.reply_to):
        assert ADA not in part
        for said in [*ABOUT_ADA, "Lovelace"]:
            assert said not in part, said


def test_every_list_sent_the_application_is_asked_once_to_delete_it(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    assert cohorts.move(booked["application_id"], "move-summer").status == 200
    # Spring was sent "New booking", then "moved away"; summer "moved to your cohort".
    told = cohorts.emails()
    reference = booked["reference"]
    # The facilitators' messages are their own cohort's: never "your booking" on another.
    [moved_away] = [m for m in told if m.to == [SPRING]]
    assert "(your booking)" not in moved_away.text
    assert "your booking on" not in moved_away.html

    assert _erase(system) == 200
    sent = cohorts.emails()

    asked = _asked(sent)
    assert sorted(asked) == [SPRING, SUMMER]
    assert all(len(messages) == 1 for messages in asked.values())
    assert len(sent) == 2  # and nothing else, to anyone
    for address, [message] in asked.items():
        assert message.to == [address]  # the facilitators alone, never the erased address
        assert message.subject.endswith(f"({reference})")  # as their copies' subjects ended
        assert reference in message.text
        assert reference in message.html
        assert message.reply_to == [address.replace("facilitator-", "")]  # the enquiries
        _says_nothing_of_the_person(message)
        assert "(your booking)" not in message.text
        assert "your booking on" not in message.html
    # Repeated, the erasure asks nobody again.
    assert _erase(system) == 404  # no data is held about the address now
    assert cohorts.emails() == []


def test_an_application_to_review_is_asked_of_its_cohort(system: System) -> None:
    course_id = system.approval_course()
    reviewers = ["reviewers@example.org"]
    system.put_course(course_id, {**system.course_file(course_id), "facilitators": reviewers})
    application: dict[str, Any] = system.apply(course_id).json()
    sent = system.deliver_emails()
    assert [m.subject.split(":")[0] for m in sent if m.to == reviewers] == [
        "New application to review"
    ]

    assert _erase(system) == 200
    [message] = system.deliver_emails()

    assert message.subject.startswith(ASKED)
    assert message.to == reviewers
    assert message.subject.endswith(f"({application['reference']})")
    _says_nothing_of_the_person(message)


def test_nobody_is_asked_when_no_copy_went(system: System) -> None:
    cohorts = Cohorts(system)
    # Applied and never paid: the facilitators never heard of them.
    system.apply("move-spring", email=ADA).json()
    cohorts.emails()
    # Booked, and erased before the mailer reached the facilitators' copy (it is not sent).
    paid = system.apply("move-summer", email="bob@example.org").json()
    system.hold_stream = True
    assert system.pay(paid["checkout_url"]).status == 200

    assert _erase(system) == 200
    assert _erase(system, "bob@example.org") == 200
    system.hold_stream = False

    assert _asked(cohorts.emails()) == {}
