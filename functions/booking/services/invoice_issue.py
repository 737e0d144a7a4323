"""A new invoice for one application, asked of the provider before the save that records it
(``domain.commands.IssueInvoice``, carried out by ``services.settle``): with the change, or
its id saved first while it is a draft, before the provider sends it."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.commands import IssueInvoice
from booking.domain.course import Course
from booking.domain.payment_settlement import invoiced
from booking.services.concurrency import course_of
from booking.services.invoice_requests import invoice_request
from booking.services.ports import Ports
from booking.services.provider_erasure import sent_invoice


def issued(
    ports: Ports, course: Course | None, new: Application, command: IssueInvoice
) -> Application:
    """A replacement invoice for what is owed now, in the change that made it owed."""
    course = course or course_of(ports, new)
    request = invoice_request(course, new, command.due_at, command.attempt)
    invoice = sent_invoice(ports, request)
    return invoiced(new, invoice, ports.clock(), course.definition.timezone)


def issued_recorded_first(
    ports: Ports,
    course: Course | None,
    application: Application,
    new: Application,
    command: IssueInvoice,
) -> tuple[Application, Application]:
    """The invoice for ``new``, its id saved on ``application`` (``invoices_issued``) while it
    is a draft, before the provider sends it: the application as then saved (what the
    change's save expects), and ``new`` with the invoice. A save of the draft's id that loses
    a race has the draft deleted (``create_invoice``) and the act decided again."""
    recorded = [application]

    def drafted(invoice_id: str) -> None:
        current = recorded[-1]
        issued = (*current.invoices_issued, invoice_id)
        recorded.append(
            ports.repository.save(current.model_copy(update={"invoices_issued": issued}), current)
        )

    course = course or course_of(ports, new)
    request = invoice_request(course, new, command.due_at, command.attempt)
    invoice = sent_invoice(ports, request, drafted)
    return recorded[-1], invoiced(new, invoice, ports.clock(), course.definition.timezone)
