"""In-memory fakes of every port, and the ports of a unit test built from them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from booking.adapters.bank_holidays import EnglandAndWalesBankHolidays
from booking.adapters.calendar import IcsCalendarWriter
from booking.adapters.certificate_pdf import FpdfCertificateWriter
from booking.adapters.email_templates import JinjaEmailRenderer
from booking.domain.course import CourseDefinition
from booking.services import courses
from booking.services.ports import Ports
from tests.fakes.groups import FakeGroupStore
from tests.fakes.outside import FakeEmailQueue, FakeEmailSender, FakePaymentGateway
from tests.fakes.repository import FakeRepository
from tests.fakes.sessions import FakeConsoleSessions, FakeSignIn

BASE_URL = "https://booking.test"
CALENDAR_DOMAIN = "example.org"  # the sender's domain in the tests


class Clock:
    """A clock a test moves by hand."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2027, 5, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def fake_ports(
    clock: Callable[[], datetime] | None = None,
    repository: FakeRepository | None = None,
    *,
    course: CourseDefinition | None = None,
) -> Ports:
    """Ports on fakes; templates, calendars and bank holidays are the real (pure) adapters;
    ``course``, if given, loaded as ``c1`` (the unit tests' course)."""
    queue, payments, sender = FakeEmailQueue(), FakePaymentGateway(), FakeEmailSender()
    sessions, sign_in = FakeConsoleSessions(), FakeSignIn()
    repository = repository or FakeRepository()
    groups = FakeGroupStore(repository)
    ports = Ports(
        repository=repository,
        public_base_url=BASE_URL,
        email_queue_factory=lambda: queue,
        payment_gateway_factory=lambda: payments,
        sender_factory=lambda: sender,
        renderer_factory=JinjaEmailRenderer,
        calendar_factory=lambda: IcsCalendarWriter(CALENDAR_DOMAIN),
        bank_holidays_factory=EnglandAndWalesBankHolidays,
        clock=clock or Clock(),
        sign_in_factory=lambda: sign_in,
        console_sessions_factory=lambda: sessions,
        session_key_factory=lambda: b"unit-test-session-key",
        groups_factory=lambda: groups,
        certificate_factory=FpdfCertificateWriter,
    )
    if course is not None:
        courses.put_course(ports, "c1", course)
    return ports


__all__ = [
    "BASE_URL",
    "Clock",
    "FakeConsoleSessions",
    "FakeEmailQueue",
    "FakeEmailSender",
    "FakeGroupStore",
    "FakePaymentGateway",
    "FakeRepository",
    "FakeSignIn",
    "fake_ports",
]
