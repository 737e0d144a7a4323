"""A booking the reminders run's sweep confirms or moves onto a cohort is reminded by that
same run, after the sweep: the run queues the reminders due first (so a Stripe that hangs in
the sweep holds none of them), and the next run may come after the session has begun.

Through the reminders handler on moto and the Stripe stand-in, on ``tests.support.cohorts``'s
cohorts (reminders 24 hours and 1 hour before each session) and one more of one place,
``move-soon``, beginning with spring at summer's price.
"""

from __future__ import annotations

from datetime import timedelta

from tests.support.cohorts import ADA, BOB, LONDON, Cohorts, cohort_definition, moved_onto
from tests.support.system import System


def test_a_waiting_move_the_sweep_makes_minutes_before_the_start_is_reminded_once(
    system: System,
) -> None:
    """Bob's unpaid hold on the one place of a cohort lapses eight minutes before it begins;
    the sweep releases it and Ada's waiting move (from summer) takes the seat. Her hour's
    reminder is due, and the next run (a quarter of an hour on) is after the start: this run
    must queue it."""
    cohorts = Cohorts(system)
    system.put_course(
        "move-soon", cohort_definition(cohorts.spring_start, "soon", 20000, capacity=1)
    )
    ada = cohorts.book("move-summer", ADA)["application_id"]
    start = system.first_start("move-soon")
    system.clock_offset += start - timedelta(minutes=38) - system.now()
    held = system.apply("move-soon", email=BOB)
    assert held.status == 201, held.body
    cohorts.waits(ada, to="move-soon")
    cohorts.emails()

    ran = system.scheduled_run(start - timedelta(minutes=5))

    moved_onto(cohorts, ada, "move-soon")
    assert ran["holds_released"] == 1
    assert ran["queued"] == 1
    # Retried, and the next run on schedule: nobody is reminded again.
    again = system.scheduled_run(start - timedelta(minutes=5))
    later = system.scheduled_run(start + timedelta(minutes=10))
    assert again.get("queued", 0) == later.get("queued", 0) == 0
    local = start.astimezone(LONDON)
    reminded = [m for m in cohorts.emails() if m.subject.startswith("Reminder")]
    # The subject ends with the booking's reference, in brackets.
    assert [(m.to, m.subject.split(" (")[0]) for m in reminded] == [
        ([ADA], f"Reminder: Session 1 of 2, in 5 minutes, at {local:%H:%M} {local.tzname()}"),
    ]
