"""The organiser's actions on one application that need nothing but its id: one table, served
alike by the organiser API (``admin``) and the console, each through its own ``action`` helper
(JSON there, a redirect to the application's page here). The actions that read more than the id
(a message, an amount, a refund's choice) each read it their own surface's way, and stay there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from booking.bootstrap import ports
from booking.domain.application import Application
from booking.services import invoicing, lifecycle, organisers
from booking.services.acted import Acted
from booking.services.ports import Ports


@dataclass(frozen=True)
class IdOnlyAction:
    """An action on an application that needs only its id, on the API and the console."""

    api_operation: str
    console_operation: str
    use_case: Callable[[Ports, str], Application | Acted]

    def act(self, application_id: str) -> Application | Acted:
        return self.use_case(ports(), application_id)


ID_ONLY_ACTIONS = (
    IdOnlyAction("approve", "consoleApprove", lifecycle.approve),
    IdOnlyAction("resendConfirmation", "consoleResendConfirmation", organisers.resend_confirmation),
    IdOnlyAction("resendInvoice", "consoleResendInvoice", invoicing.resend_invoice),
)


def serve_each(
    action: Callable[[str], Callable[[Callable[[str], Application | Acted]], object]],
    *,
    console: bool,
) -> None:
    """Serve every id-only action through a surface's ``action`` helper (by its operation id
    there: the console's or the organiser API's)."""
    for each in ID_ONLY_ACTIONS:
        action(each.console_operation if console else each.api_operation)(each.act)
