"""The local stack as ``make run`` starts it (``python -m infra.local.server``), in a subprocess on
a free port with its own outbox: one way to start it for the end-to-end tests and for
``make screenshots``."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import requests

from infra.local.sample import sample_courses
from infra.local.server import MAIL_SETTLE_SECONDS, LocalStack, free_port
from tests.support.applications import application_body
from tests.support.invoiced import BILLING

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 90
STOP_SECONDS = 20
BANNER = "running at"
# Settings a developer's shell may hold that would point the stack away from its own stand-ins
# (a real Stripe key, another endpoint): the stack under test makes its own.
_OWN_SETTINGS = (
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "PUBLIC_BASE_URL",
    "AWS_ENDPOINT_URL",
)


class StackDidNotStart(RuntimeError):
    """The server exited, or printed no banner within STARTUP_SECONDS; the message carries its
    last lines."""


@dataclass
class RunningStack:
    url: str
    admin_token: str
    outbox_dir: Path
    process: subprocess.Popen[str]

    @property
    def admin_headers(self) -> dict[str, str]:
        """The organiser API's bearer token, as a request's headers."""
        return {"Authorization": f"Bearer {self.admin_token}"}

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return requests.get(f"{self.url}{path}", timeout=30, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, **kwargs: object) -> requests.Response:
        return requests.post(f"{self.url}{path}", timeout=30, **kwargs)  # type: ignore[arg-type]

    def delete(self, path: str, **kwargs: object) -> requests.Response:
        return requests.delete(f"{self.url}{path}", timeout=30, **kwargs)  # type: ignore[arg-type]

    def apply(self, course_id: str, **answers: Any) -> requests.Response:
        """The application form sent as a person sends it, every answer given (``answers``
        replaces or adds any)."""
        return self.post(f"/courses/{course_id}/applications", json=application_body(**answers))

    def applied(self, course_id: str, **answers: Any) -> dict[str, Any]:
        """:meth:`apply`, which must succeed: the application as answered."""
        reply = self.apply(course_id, **answers)
        assert reply.status_code == 201, reply.text
        return dict(reply.json())

    def applied_by_invoice(self, course_id: str, **answers: Any) -> dict[str, Any]:
        """:meth:`applied` paid by the employer's invoice (``tests.support.invoiced.BILLING``'s
        billing details, ``answers`` replacing or adding any)."""
        return self.applied(course_id, **{**BILLING, **answers})

    def load_course(self, course_id: str, definition: dict[str, Any]) -> None:
        """``definition`` put as the course ``course_id`` with the organiser API, which must
        take it (new or changed)."""
        reply = requests.put(
            f"{self.url}/admin/courses/{course_id}",
            json=definition,
            headers=self.admin_headers,
            timeout=60,
        )
        assert reply.status_code in (200, 201), reply.text

    def one_place_course(self, course_id: str, title: str) -> None:
        """``course_id`` put as a course of one place, its one session on the sample course's
        first day (the organiser API's PUT, which must succeed)."""
        sample = self.sample()
        first_day = sample["sessions"][0]["start"][:10]
        definition: dict[str, Any] = {
            "programme": "compassionate-leadership",
            "title": title,
            "price": sample["price"],
            "capacity": 1,
            "sessions": [{"date": first_day, "start_time": "15:00", "end_time": "17:00"}],
        }
        self.load_course(course_id, definition)

    def sample(self) -> dict[str, Any]:
        """The sample course as ``GET /courses`` lists it: ``courses/compassionate-leadership.json``
        under the id the stack gave it as it started (``infra.local.sample``, from the same day).
        Other files load copies and cohorts beside it on the worker's shared stack, so the
        first course listed need not be the sample."""
        [(course_id, _)] = sample_courses(datetime.now(UTC))
        listed: list[dict[str, Any]] = self.get("/courses").json()
        return next(course for course in listed if course["course_id"] == course_id)

    def course_of_its_own(self, word: str) -> str:
        """A copy of the sample course under a new id (``word`` and a random tail), for a test
        that books places: the stack is shared by every end-to-end file a worker runs, and the
        sample's 20 places are for the tests that need the sample itself (a test that took
        them would leave the next file's applicant on its waiting list). Its id."""
        course_id = f"{word}-{uuid.uuid4().hex[:8]}"
        definition = json.loads((ROOT / "courses" / "compassionate-leadership.json").read_text())
        # A programme of its own, its core sessions only: nobody of the sample's programme
        # (its follow-ups, its graduates) is touched.
        definition["programme"] = ""
        definition["title"] = f"{definition['title']} ({word})"
        definition["sessions"] = [s for s in definition["sessions"] if s["kind"] == "core"]
        self.load_course(course_id, definition)
        return course_id

    def outbox(self) -> list[dict[str, Any]]:
        """Every email the stack has sent, newest first (``GET /_local/outbox``)."""
        sent: list[dict[str, Any]] = self.get("/_local/outbox").json()
        return sent

    def settle(self) -> None:
        """Wait until every email queued by what was done so far has been sent
        (``POST /_local/mail/settle``), however slow the machine: the mailer runs behind a
        stream and a queue in the stack's own process, a moment after the change."""
        answer = requests.post(f"{self.url}/_local/mail/settle", timeout=MAIL_SETTLE_SECONDS + 30)
        assert answer.status_code == 200, answer.text

    def outbox_until(
        self, found: Callable[[list[dict[str, Any]]], bool], seconds: float = 30
    ) -> list[dict[str, Any]]:
        """The outbox once ``found`` holds of it, or as it is once the mail has settled and
        ``seconds`` more have passed. The caller asserts what it needs of the answer."""
        sent = self.outbox()
        if found(sent):
            return sent
        self.settle()
        deadline = time.monotonic() + seconds
        while True:
            sent = self.outbox()
            if found(sent) or time.monotonic() > deadline:
                return sent
            time.sleep(0.2)

    def pay(self, application: Mapping[str, Any]) -> None:
        """Pay the application's checkout, as on the Stripe stand-in's hosted page."""
        session_id = application["checkout_url"].rsplit("/", 1)[-1]
        assert self.post(f"/_local/stripe/checkout/{session_id}/pay").status_code == 200


@contextmanager
def running_stack(
    outbox_dir: Path, admin_token: str, *, log_path: str | None = None
) -> Iterator[RunningStack]:
    """The stack, serving until the block ends; then stopped with SIGTERM (its return code is on
    ``process`` after the block). ``log_path``: where its output goes once it has started
    (appended), else nowhere; it is always read, so the server never blocks on a full pipe."""
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "OUTBOX_DIR": str(outbox_dir),
        "ADMIN_TOKEN": admin_token,
        "PYTHONUNBUFFERED": "1",
    }
    for name in _OWN_SETTINGS:
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.server"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    try:
        banner = _read_banner(process.stdout)
    except StackDidNotStart:
        process.kill()
        process.wait(timeout=STOP_SECONDS)
        raise
    url = f"http://127.0.0.1:{port}"
    if url not in banner:
        process.kill()
        process.wait(timeout=STOP_SECONDS)
        raise StackDidNotStart(f"the stack's banner does not name {url}:\n{banner}")
    sink = open(log_path, "a", encoding="utf-8") if log_path else subprocess.DEVNULL  # noqa: SIM115
    drain = subprocess.Popen(["cat"], stdin=process.stdout, stdout=sink)
    try:
        yield RunningStack(url, admin_token, outbox_dir, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        finally:
            drain.kill()
            drain.wait()


def _read_banner(stream: IO[str]) -> str:
    """The server's lines up to its banner, read for at most STARTUP_SECONDS: a server that
    hangs before its banner fails the run, never blocks it."""
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_hand_over_until_banner, args=(stream, lines), daemon=True)
    reader.start()
    seen: list[str] = []
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and len(seen) < 400:
        try:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            break
        if not line:
            break  # the server exited
        seen.append(line)
        if BANNER in line:
            # The reader stops at the banner; from here the caller drains the pipe.
            reader.join(timeout=5)
            return "".join(seen)
    raise StackDidNotStart("the local stack did not start:\n" + "".join(seen[-40:]))


def _hand_over_until_banner(stream: IO[str], lines: queue.Queue[str]) -> None:
    """Hand the server's first lines over until its banner (or its end: an empty line)."""
    for line in stream:
        lines.put(line)
        if BANNER in line:
            return
    lines.put("")


def in_process_stack(outbox_dir: Path) -> LocalStack:
    """The local stack's server object, not serving: its routes called directly, no Stripe key
    (the stand-in answers), the local webhook secret."""
    return LocalStack(
        port=0,
        outbox_dir=outbox_dir,
        admin_token="t",
        stripe_secret_key=None,
        webhook_secret="whsec_local",
    )
