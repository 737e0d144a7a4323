"""Load on the local stack: many concurrent applicants for one small course, over HTTP.

Starts ``python -m infra.local.server`` on a free port (moto as a threaded server, the Stripe
stand-in, the real handlers), creates a course of 20 places through the organiser API when it
exists (else uses the sample course, which has 20), then fires the applicants from a bounded
thread pool and reads back how many seats the course says are taken.
"""

from __future__ import annotations

import math
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from bench.harness import course_definition
from bench.memory import resident_mib
from infra.local.server import free_port

ROOT = Path(__file__).resolve().parents[1]
APPLICANTS = 200
WORKERS = 200
CAPACITY = 20
# The local server runs one invocation of a function at a time, as one Lambda container would:
# the last of 200 simultaneous applicants waits for the 199 before it.
ANSWER_SECONDS = 180
_ERROR_LINE = re.compile(r'"level":\s*"(ERROR|CRITICAL)"|^\w+(Error|Exception): ')
LOG_PATH = ROOT / "build" / "bench-server.log"
ADMIN_TOKEN = "bench-admin-token"  # noqa: S105 - the local stack's token for this run only


@dataclass
class LoadResult:
    applicants: int
    workers: int
    capacity: int
    course: str
    p50_ms: float
    p99_ms: float
    max_ms: float
    server_errors: int
    connection_errors: int
    statuses: dict[str, int]
    codes: dict[str, int]
    seats_taken: int
    places_left: int
    wall_s: float
    notes: list[str] = field(default_factory=list)
    # The local stack's peak resident set (MiB), read just before it is stopped.
    stack_peak_mib: float | None = None


class LocalServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[str] | None = None
        self._log: list[str] = []
        self.peak_mib: float | None = None
        self.errors: list[str] = []  # the server's error lines, for the notes

    def __enter__(self) -> LocalServer:
        env = {
            **os.environ,
            "PORT": str(self.port),
            "ADMIN_TOKEN": ADMIN_TOKEN,
            "PYTHONUNBUFFERED": "1",
            "OUTBOX_DIR": str(ROOT / "build" / "bench-outbox"),
        }
        for name in (
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
            "PUBLIC_BASE_URL",
            "AWS_ENDPOINT_URL",
            "AWS_PROFILE",
        ):
            env.pop(name, None)
        self._process = subprocess.Popen(  # noqa: S603 - our own server module
            [sys.executable, "-m", "infra.local.server", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self._process.stdout is not None
        deadline = time.monotonic() + 90
        for line in self._process.stdout:
            self._log.append(line)
            if "running at" in line or time.monotonic() > deadline:
                break
        if self._process.poll() is not None or not any("running at" in x for x in self._log):
            self._process.kill()
            raise RuntimeError("the local stack did not start:\n" + "".join(self._log[-30:]))
        # Keep reading so the server never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()
        return self

    def _drain(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
        with LOG_PATH.open("a", encoding="utf-8") as log:
            log.writelines(self._log)
            for line in self._process.stdout:
                log.write(line)
                self._record(line)

    def _record(self, line: str) -> None:
        self._log.append(line)
        del self._log[:-200]
        if _ERROR_LINE.search(line) and len(self.errors) < 5:
            self.errors.append(line.strip()[:600])

    def __exit__(self, *_: object) -> None:
        if self._process is not None:
            figures = resident_mib(self._process.pid)
            self.peak_mib = figures[0] if figures else None
            self._process.terminate()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()


def _course(server: LocalServer, notes: list[str]) -> str:
    course_id = f"bench-load-{uuid.uuid4().hex[:8]}"
    first = datetime.now(UTC).date() + timedelta(days=90)
    definition = course_definition(CAPACITY, first, sessions=6)
    answer = requests.put(
        f"{server.url}/admin/courses/{course_id}",
        json=definition,
        timeout=30,
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    if answer.status_code in (200, 201):
        return course_id
    notes.append(f"PUT /admin/courses answered {answer.status_code}: used the sample course")
    courses = requests.get(f"{server.url}/courses", timeout=30).json()
    return str(courses[0]["course_id"])


def _apply(url: str, n: int) -> tuple[float, int, str]:
    body = {
        "name": f"Applicant {n}",
        "email": f"load{n}-{uuid.uuid4().hex[:6]}@example.org",
        "job_title": "Ward Manager",
        "organisation": "St Elsewhere NHS Trust",
        "leadership_role": "A ward of 30 staff",
        "motivation": "To lead with more compassion.",
        "consent": True,
    }
    started = time.perf_counter()
    try:
        with requests.Session() as session:
            answer = session.post(url, json=body, timeout=ANSWER_SECONDS)
    except (requests.ConnectionError, requests.Timeout) as exc:  # counted, not hidden: status 0
        return (time.perf_counter() - started) * 1e3, 0, type(exc).__name__
    elapsed = (time.perf_counter() - started) * 1e3
    try:
        payload: Any = answer.json()
    except ValueError:
        payload = {}
    code = ""
    if isinstance(payload, dict):
        error = payload.get("error")
        code = error.get("code", "") if isinstance(error, dict) else payload.get("status", "")
    return elapsed, answer.status_code, str(code)


# The stack serves one invocation at a time and, after the rush, still relays and sends the
# rush's emails: on a loaded machine that took over 30 s (a bench run died of it), so the
# course is asked for again, patiently, until the queue has drained.
COURSE_READ_TIMEOUT_S = 60
COURSE_READ_ATTEMPTS = 5


def _course_after_load(url: str, notes: list[str]) -> dict[str, Any]:
    """The course as the stack holds it once the rush is served (its seats' figures)."""
    for attempt in range(1, COURSE_READ_ATTEMPTS + 1):
        try:
            course: dict[str, Any] = requests.get(url, timeout=COURSE_READ_TIMEOUT_S).json()
        except requests.Timeout:
            notes.append(f"the course's read after the rush timed out (attempt {attempt})")
            continue
        return course
    raise RuntimeError(
        f"the local stack did not answer the course's read in {COURSE_READ_ATTEMPTS} attempts"
        f" of {COURSE_READ_TIMEOUT_S} s after the rush"
    )


def run(applicants: int = APPLICANTS, workers: int = WORKERS) -> LoadResult:
    notes: list[str] = []
    with LocalServer() as server:
        course_id = _course(server, notes)
        url = f"{server.url}/courses/{course_id}/applications"
        _apply(f"{server.url}/courses/no-such-course/applications", 0)  # warm the server
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda n: _apply(url, n), range(1, applicants + 1)))
        wall = time.perf_counter() - started
        course = _course_after_load(f"{server.url}/courses/{course_id}", notes)
        time.sleep(0.2)  # let the log drain
        notes += [f"server: {line}" for line in server.errors]
    if server.peak_mib is None:
        notes.append("the local stack's peak memory could not be read (no /proc)")
    latencies = sorted(r[0] for r in results)
    statuses = Counter(str(r[1]) for r in results)
    codes = Counter(f"{r[1]} {r[2]}" for r in results)
    capacity = int(course["capacity"])
    places_left = int(course["places_left"])
    return LoadResult(
        applicants=applicants,
        workers=workers,
        capacity=capacity,
        course=course_id,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[max(math.ceil(0.99 * len(latencies)) - 1, 0)],
        max_ms=latencies[-1],
        server_errors=sum(n for s, n in statuses.items() if s.startswith("5")),
        connection_errors=statuses.get("0", 0),
        statuses=dict(sorted(statuses.items())),
        codes=dict(sorted(codes.items())),
        seats_taken=capacity - places_left,
        places_left=places_left,
        wall_s=wall,
        notes=notes,
        stack_peak_mib=server.peak_mib,
    )
