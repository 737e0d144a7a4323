"""A move's email reached after a later move: written for the cohort held
(``domain.emails_as_queued.WHEN_COHORT_LEFT``), it names the step it made and says its money
of the cohort whose price it was; and it is not sent when the later move brought the booking
back to the cohort it left. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from datetime import timedelta

from booking.domain.emails import OutgoingEmail
from tests.support.cohorts import ADA, Cohorts, calendars_of, uids_of
from tests.support.system import System


def _name(cohorts: Cohorts, weeks: int) -> str:
    first = cohorts.spring_start + timedelta(weeks=weeks)
    return f"Moving Leadership, from {first:%A} {first.day} {first:%B %Y}"


FACILITATORS = {f"facilitator-{name}@example.org" for name in ("spring", "summer", "autumn")}


def _copies(sent: list[OutgoingEmail]) -> list[tuple[str, str]]:
    """(whom, subject) of each facilitators' copy among ``sent``."""
    return sorted((m.to[0], m.subject.split(":")[0]) for m in sent if set(m.to) <= FACILITATORS)


def test_a_move_back_to_the_cohort_left_before_the_mailer_is_news_to_nobody(
    system: System,
) -> None:
    """Spring to summer, then back to spring, before the mailer ran: Ada was
    only ever told of spring and holds it as before, so no move email ("from summer to spring"
    with a cancel.ics of summer's sessions, never in her calendar); nor a copy to spring's
    facilitators, whose list has her, or to summer's, whose list never had her."""
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    assert cohorts.move(app_id, "move-summer").status == 200
    system.clock_offset += timedelta(minutes=1)
    assert cohorts.move(app_id, "move-spring").status == 200

    sent = cohorts.emails()

    assert [m.subject for m in sent if m.to == [ADA]] == []
    assert _copies(sent) == []


def test_a_move_on_and_on_before_the_mailer_is_told_from_the_first_cohort_to_the_last(
    system: System,
) -> None:
    """Spring to summer to autumn before the mailer ran: spring's facilitators hear that she
    left, autumn's that she joined; summer's, whose list never had her, hear nothing."""
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    assert cohorts.move(app_id, "move-summer").status == 200
    system.clock_offset += timedelta(minutes=1)
    assert cohorts.move(app_id, "move-autumn").status == 200

    assert _copies(cohorts.emails()) == [
        ("facilitator-autumn@example.org", "Booking moved to your cohort"),
        ("facilitator-spring@example.org", "Booking moved away from your cohort"),
    ]


def test_a_move_settled_then_moved_back_is_told_both_ways(system: System) -> None:
    """Spring to summer, told, then back: the way back is news to Ada and both lists."""
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    assert cohorts.move(app_id, "move-summer").status == 200
    cohorts.emails()
    system.clock_offset += timedelta(minutes=1)
    assert cohorts.move(app_id, "move-spring").status == 200

    sent = cohorts.emails()
    moved = [m for m in sent if m.to == [ADA]]
    assert len(moved) == 1, [m.subject for m in moved]
    text = " ".join(moved[0].text.split())
    assert f"from {_name(cohorts, 4)} to {_name(cohorts, 0)}" in text
    files = calendars_of(moved[0])
    assert not uids_of(files["invite.ics"]) & uids_of(files["cancel.ics"])
    assert _copies(sent) == [
        ("facilitator-spring@example.org", "Booking moved to your cohort"),
        ("facilitator-summer@example.org", "Booking moved away from your cohort"),
    ]


def test_a_move_email_written_for_a_later_cohort_says_its_own_price_of_its_own_cohort(
    system: System,
) -> None:
    """Spring (£200, a bursary of £200) to autumn (£150), then to winter (£250, the £50 beyond
    the bursary paid) before the mailer ran: the first move's email, written for winter, names
    the step to autumn and says the bursary paid autumn's price, not winter's."""
    cohorts = Cohorts(system)
    app_id = system.apply("move-spring", email=ADA).json()["application_id"]
    granted = system.admin("POST", f"/applications/{app_id}/bursary", json_body={"amount": 20000})
    assert granted.status == 200, granted.body
    cohorts.emails()
    assert cohorts.move(app_id, "move-autumn").status == 200
    system.clock_offset += timedelta(minutes=1)
    pending = cohorts.move(app_id, "move-winter").json()["pending_move"]
    assert system.pay(pending["pay_url"]).status == 200

    moved = [m for m in cohorts.emails_to(ADA) if "Your booking has moved" in m.subject]

    assert len(moved) == 2, [m.subject for m in moved]
    first = " ".join(moved[0].text.split())
    autumn, winter = _name(cohorts, 8), _name(cohorts, 12)
    assert f"from {_name(cohorts, 0)} to {autumn}, and since then to {winter}." in first
    assert f"pays the whole price of {autumn} (£150.00)" in first
    assert "its whole price" not in first


def test_a_move_back_with_money_moved_says_the_money_of_the_place_held(system: System) -> None:
    """Spring (£200) to autumn (£150: £50 refunded), then back to spring (£50 difference paid)
    before the mailer ran: the money must be told, but Ada was only ever told
    of spring, so the email names no other cohort: her place on spring stands, £50 refunded and
    £50 received, and nothing changes in her calendar (no cancel.ics of autumn's sessions)."""
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    cohorts.emails()
    assert cohorts.move(app_id, "move-autumn").status == 200
    system.clock_offset += timedelta(minutes=1)
    pending = cohorts.move(app_id, "move-spring").json()["pending_move"]
    assert system.pay(pending["pay_url"]).status == 200

    sent = cohorts.emails()

    [told] = [m for m in sent if m.to == [ADA]]
    spring, autumn = _name(cohorts, 0), _name(cohorts, 8)
    assert told.subject.startswith(f"Your booking and its payments: {spring}"), told.subject
    for words in (" ".join(told.text.split()), " ".join(told.html.split())):
        assert autumn not in words
        assert "autumn" not in words.lower()
        assert f"Your place on {spring} stands" in words
        assert "We are refunding £50.00 to the card you paid with" in words
        assert "We have received the £50.00 you paid." in words
        assert "moved your place" not in words
    assert not told.attachments
    assert _copies(sent) == []
