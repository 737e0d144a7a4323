"""What no reader may say once an email is erased, for the lifecycle machine's erasure steps
(``erasure_steps``): the people export (nothing held), the organisers' record, the person's page
and the console's page with its timeline of each booking the erasure touched, every course's
roster and group overview, each email queued and not yet sent (sent through the mailer then),
and anything stored that a step changed."""

from __future__ import annotations

from typing import Any

from hypothesis.stateful import invariant

from booking.services.mailer import send_email_job
from tests.support.console import ConsoleBrowser
from tests.support.system import System


class NoReaderNamesTheErased:
    """The readers' checks and the invariant above, for :class:`BookingLifecycle`."""

    system: System
    submitted: dict[str, dict[str, Any]]
    # Each email erased, with the names it carried: no reader may say either again.
    erased_named: dict[str, tuple[str, ...]]
    # The email jobs the erasure steps sent through the mailer (by id).
    jobs_sent: set[str]
    # The bookings and groups (by id) that named an email erased.
    erasure_touched: set[str]
    _stored: Any
    _groups: Any
    _jobs_now: Any
    _last_seen: Any

    def no_reader_names_the_erased(self) -> None:
        """No reader says an erased email or name: the people export (nothing held), the
        organisers' record, the person's page and the console's page with its timeline of each
        booking that named one, every course's roster and group overview, and each email about
        such a booking or group queued and not yet sent, sent now."""
        said = {f"export of {e}": self._read(f"/people/{e}", 404) for e in self.erased_named}
        for course_id in sorted({a.course_id for a in self._stored().values()}):
            for reader in ("applications", "group-bookings"):
                said[f"{course_id} {reader}"] = self._read(f"/courses/{course_id}/{reader}")
        browser = ConsoleBrowser(self.system)
        browser.sign_in()
        for application_id in sorted(self.erasure_touched & set(self.submitted)):
            token = self.submitted[application_id]["token"]
            said[f"record {application_id}"] = self._read(f"/applications/{application_id}")
            page = self.system.api("GET", f"/applications/{application_id}?token={token}")
            said[f"page {application_id}"] = page.body
            timeline = browser.get(f"/console/applications/{application_id}")
            said[f"timeline {application_id}"] = timeline.body
        for number, message in enumerate(self._queued_emails_sent_now()):
            said[f"queued email {number}"] = message
        self._none_says_the_erased(said)

    def _none_says_the_erased(self, said: dict[str, str]) -> None:
        """None of ``said`` (what each reader said, by where) holds an erased email or name."""
        erased = [name.lower() for e, names in self.erased_named.items() for name in (e, *names)]
        for where, text in said.items():
            found = [name for name in erased if name in text.lower()]
            assert not found, f"{found} read after their erasure: {where}"

    def _read(self, path: str, status: int = 200) -> str:
        reply = self.system.admin("GET", path)
        assert reply.status == status, (path, reply.status, reply.body[:300])
        return reply.body

    def _queued_emails_sent_now(self) -> list[str]:
        """Every email job about a booking or group that named an erased email, queued and not
        yet sent, sent through the mailer now: each message it sent, with whom it went to."""
        sent_before = len(self.system.sent)
        for job in self._jobs_now():
            if job.application_id in self.erasure_touched and job.job_id not in self.jobs_sent:
                self.jobs_sent.add(job.job_id)
                send_email_job(self.system.ports, job)
        return [
            f"{message.to} {message.subject} {message.text} {message.html}"
            for message in self.system.sent[sent_before:]
        ]

    @invariant()
    def nothing_stored_names_an_erased_person(self) -> None:
        """No booking or group a step changed holds an erased email or name."""
        if not self.erased_named:
            return
        seen: tuple[dict[str, Any], dict[str, Any]] = self._last_seen or ({}, {})
        changed = [a for i, a in self._stored().items() if seen[0].get(i) != a]
        changed += [g for g in self._groups() if seen[1].get(g.group_id) != g]
        self._none_says_the_erased(
            {f"stored {n}": i.model_dump_json() for n, i in enumerate(changed)}
        )
