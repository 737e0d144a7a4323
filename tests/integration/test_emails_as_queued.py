"""The acknowledgement and the waiting-list notice describe the moment they were queued, not
the application as the mailer later finds it: a seat freed between someone
joining a waiting list and the mailer's run does not turn their acknowledgement into an
offer. Through the handlers on moto and the Stripe stand-in, as the facilitators' copy is
(``EmailJob.status_then``)."""

from __future__ import annotations

from tests.support.cohorts import BOB, CAROL, Cohorts, organiser_cancels
from tests.support.system import System


def test_a_seat_freed_before_the_mailer_runs_leaves_the_first_emails_as_they_were(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    bob = cohorts.book("move-full", BOB)
    carol = system.apply("move-full", email=CAROL).json()  # on the list: move-full holds one

    # The seat frees before Carol's emails are sent.
    organiser_cancels(system, bob["application_id"])
    assert system.status_of(carol)["status"] == "offered"

    sent = [m for m in cohorts.emails() if m.to == [CAROL]]
    by_subject = {m.subject.split(":")[0]: " ".join(m.text.split()) for m in sent}
    # One email says both: received, and on the waiting list.
    assert "We have received your application" not in by_subject
    waiting = by_subject["You are on the waiting list"]
    assert "We have received your application." in waiting
    assert "accept the place we are holding" not in waiting
    assert "Pay " not in waiting
    assert "we have put you on the waiting list" in waiting
    assert "number" not in waiting  # no place in a line it has left
    assert "A place is available for you" in by_subject  # the offer, in its own email
