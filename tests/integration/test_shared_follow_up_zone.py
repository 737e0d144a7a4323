"""A cohort's time zone change and the follow-ups it shares, through the organiser API (moto):
refused while it would move them for the other cohorts, saved once it moves none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from booking.handlers.course_form import form_of
from tests.support.console import posted_fields, signed_in
from tests.support.system import System


def _cohort(first: datetime, timezone: str, follow_up_at: str) -> dict[str, Any]:
    return {
        "programme": "zone-programme",
        "title": "Compassionate Leadership Training",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 10,
        "timezone": timezone,
        "sessions": [
            {"date": first.date().isoformat(), "start_time": "10:00", "end_time": "12:00"},
            {
                "id": "reunion",
                # One day for every cohort: a cohort added joins the shared event as it is,
                # so only its zone's wall-clock time is the test's to vary.
                "date": first.replace(month=8, day=8).date().isoformat(),
                "start_time": follow_up_at,
                "end_time": f"{int(follow_up_at[:2]) + 1:02d}:00",
                "kind": "follow_up",
                "title": "Reunion",
            },
        ],
    }


def _reunion(system: System, course_id: str) -> str:
    reply = system.api("GET", f"/courses/{course_id}")
    return str(next(s["start"] for s in reply.json()["sessions"] if s["kind"] == "follow_up"))


def test_a_zone_change_that_would_move_a_shared_follow_up_is_refused_in_words(
    system: System,
) -> None:
    # May to August: London and New York five hours apart throughout.
    first = datetime(datetime.now(UTC).year + 1, 5, 10, tzinfo=UTC)
    for course_id, day in (("zone-a", first), ("zone-b", first + timedelta(days=7))):
        reply = system.admin(
            "PUT", f"/courses/{course_id}", json_body=_cohort(day, "Europe/London", "16:00")
        )
        assert reply.status in (200, 201), reply.body
    held = _reunion(system, "zone-a")
    later = first + timedelta(days=7)
    reply = system.admin(
        "PUT", "/courses/zone-b", json_body=_cohort(later, "America/New_York", "16:00")
    )
    assert reply.status == 422, reply.body
    error = reply.json()["error"]
    assert "keep Europe/London" in error["fields"]["timezone"]
    assert "11:00-12:00 in America/New_York" in error["message"]
    assert _reunion(system, "zone-a") == held
    # The console's course form says it beside its Timezone field, and saves nothing.
    browser = signed_in(system)
    saved = system.stored_course("zone-b")
    fields = posted_fields(form_of("zone-b", saved.definition))
    reply = browser.act("/console/courses", **{**fields, "timezone": "America/New_York"})
    assert reply.status == 422
    assert 'id="timezone-error"' in reply.body
    assert system.course("zone-b")["timezone"] == "Europe/London"
    # Given in New York's time at the same moment, the cohort changes zone; the event stays.
    reply = system.admin(
        "PUT", "/courses/zone-b", json_body=_cohort(later, "America/New_York", "11:00")
    )
    assert reply.status == 200, reply.body
    assert _reunion(system, "zone-a") == held
    assert datetime.fromisoformat(_reunion(system, "zone-b")) == datetime.fromisoformat(held)
