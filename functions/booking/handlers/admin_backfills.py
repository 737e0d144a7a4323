"""The operator's jobs on the organiser API (``POST /admin/.../backfill``): bring what was
saved before a rule or a record existed up to date (``services.backfills``), served on the
admin function's resolver (``handlers/admin.py`` calls :func:`serve`). Their models are the
OpenAPI document's (``handlers.admin_views``), imported by these rare requests, not by the
init every roster waits for."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from booking.bootstrap import ports
from booking.domain.validation import parse_json_strictly
from booking.handlers import http
from booking.handlers.resolver import Response
from booking.handlers.routes import Served
from booking.services import backfills

if TYPE_CHECKING:
    from pydantic import BaseModel

    from booking.services.ports import Ports


def _views() -> Any:
    # The organiser API's models (22) are the OpenAPI document's; of them, only the operator's
    # backfills answer through one on this function (a course's save and list:
    # ``admin_courses``). Loaded by those rare requests, not by the init every roster,
    # approval or cancellation waits for.
    from booking.handlers import admin_views

    return admin_views


def load() -> None:
    """Import what the routes import when first called (a SnapStart snapshot holds it)."""
    _views()


def serve(served: Served, body: Callable[[], dict[str, Any]]) -> None:
    """Bind the backfills; ``body``: the request's fields (``admin._body``). The backfill of
    failed refunds takes no fields: documented with no body, a field sent to it is refused by
    its name before it runs (``admin._no_body_unless_taken``), never run as a dry run."""

    def one_course(
        step: Callable[[Ports, str | None], object], answer: type[BaseModel]
    ) -> Response[str]:
        """One course's part of a backfill (``step``): the course the body names (none: the
        first), answered as ``answer`` says it (naming the next course)."""
        given = parse_json_strictly(_views().BackfillIn, body(), "the backfill needs attention")
        page = step(ports(), given.course_id)
        return http.json_response(200, answer(**page.__dict__).model_dump(mode="json"))

    @served("backfillBillingIndex")
    def backfill_billing_index() -> Response[str]:
        return one_course(backfills.backfill_billing_index, _views().BackfillPageOut)

    @served("backfillCodeUses")
    def backfill_code_uses() -> Response[str]:
        return one_course(backfills.backfill_code_uses, _views().CodeUsesPageOut)

    @served("backfillFormerContacts")
    def backfill_former_contacts() -> Response[str]:
        return one_course(backfills.backfill_former_contacts, _views().FormerContactsPageOut)

    @served("backfillRefundsFailed")
    def backfill_refunds_failed() -> Response[str]:
        done = backfills.backfill_refunds_failed(ports())
        answer = _views().RefundsFailedBackfillOut(**done.__dict__)
        return http.json_response(200, answer.model_dump(mode="json"))
