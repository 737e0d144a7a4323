"""Over many orders: a paid group's course saved (its apply-by 3 to 14 days
before the start) and its emails delivered one job at a time, in orders hypothesis chooses
(with a fixed seed), some saves landing while an email is being sent, between SES taking it
and the mailer's record. Whatever the order, once everything is delivered: nobody's last
email gives a date later than the one that holds (the manager's gives it), no colleague is
told "earlier" of a date no earlier than their last email gave, and each of the manager's
"it was" is the date their previous email gave (``test_apply_by_told_as_sent._told_as_it_holds``).
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from booking.domain.emails import EmailJob, OutgoingEmail
from booking.services.mailer import send_email_job
from tests.integration.test_apply_by_told_as_sent import _told_as_it_holds
from tests.support import system as system_module
from tests.support.groups import COLLEAGUES, book, manager_view, pay_link_id
from tests.support.system import COURSE_ID, System

_DAYS = st.sampled_from([3, 7, 10, 14])
# A step: save the course with this many days; send the n-th job still queued; or save the
# course with this many days as the next email is sent (after SES took it, before its record).
_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("save"), _DAYS),
        st.tuples(st.just("send"), st.integers(0, 9)),
        st.tuples(st.just("save_while_sending"), _DAYS),
    ),
    min_size=1,
    max_size=8,
)
_courses = itertools.count()


def _pending(system: System) -> list[EmailJob]:
    """The jobs written to the outbox and not yet claimed by the mailer, oldest first."""
    jobs = [EmailJob.model_validate_json(i["job"]["S"]) for i in system.items() if "job" in i]
    state = system.ports.repository.email_state
    return sorted((j for j in jobs if state(j.job_id) is None), key=lambda j: j.job_id)


@seed(20261206)
@settings(
    max_examples=12,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=_STEPS)
def test_whatever_the_order_of_saves_and_sends_everyone_is_left_told_what_holds(
    system: System, monkeypatch: pytest.MonkeyPatch, steps: list[tuple[str, int]]
) -> None:
    course_id = f"any-order-{next(_courses)}"
    start = system.first_start()
    definition = system.course_file(COURSE_ID)
    real_send = system_module._Recording.send
    armed: list[int] = []
    holds = [definition.get("group_apply_by_days", 7)]

    def save(days: int) -> None:
        system.put_course(course_id, definition | {"group_apply_by_days": days})
        holds.append(days)

    def send(self: Any, message: OutgoingEmail) -> str:
        message_id = real_send(self, message)
        while armed:
            save(armed.pop())
        return message_id

    with time_machine.travel(start - timedelta(days=30), tick=False):
        save(7)
        before = len(system.sent)
        system.hold_stream = True  # the jobs are sent here, one at a time
        group = book(system, course=course_id, colleagues=COLLEAGUES[:2]).json()
        session = pay_link_id(group)
        assert system.stripe_local("POST", f"/checkout/{session}/pay").status == 200
        assert manager_view(system, group)["status"] == "paid"
        monkeypatch.setattr(system_module._Recording, "send", send)
        for step, value in steps:
            if step == "save":
                save(value)
            elif step == "save_while_sending":
                armed.append(value)
            else:
                pending = [j for j in _pending(system) if j.application_id == group["group_id"]]
                if pending:
                    send_email_job(system.ports, pending[value % len(pending)])
        armed.clear()
        monkeypatch.setattr(system_module._Recording, "send", real_send)
        system.hold_stream = False
        system.deliver_emails()
    sent = [m for m in system.sent[before:] if "Your booking of" not in m.subject]
    _told_as_it_holds(system, sent, holds_days=holds[-1])
