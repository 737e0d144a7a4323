"""Whether a lapsed application's discount code could still be claimed if it started again:
one read, for the pages that offer starting again and the grants that would make it payable."""

from __future__ import annotations

from booking.domain.application import Application, ApplicationStatus
from booking.services.ports import Ports


def code_used_up_since(ports: Ports, application: Application) -> bool:
    """Whether the code a lapsed application was made with has its uses all taken since (its
    own went back at the lapse: ``limits.holds_code_use``), as the checkout's write finds it
    (409 ``CODE_TAKEN_SINCE``)."""
    if application.status is not ApplicationStatus.EXPIRED or application.discount is None:
        return False
    code = ports.repository.get_discount_code(application.course_id, application.discount.code)
    return code is not None and code.uses_left == 0
