"""Who may see or act on an application: whoever holds its id and its token."""

from __future__ import annotations

import hmac

from booking.domain.application import Application
from booking.domain.errors import NotFound
from booking.services.ports import Ports


def authorised(ports: Ports, application_id: str, token: str) -> Application:
    application = ports.repository.get_application(application_id) if application_id else None
    # Same answer for a wrong id and a wrong token, compared in constant time.
    # Bytes, not str: compare_digest raises TypeError for str with non-ASCII characters.
    presented = (token or "").encode("utf-8", "surrogatepass")
    if application is None or not hmac.compare_digest(application.token.encode(), presented):
        raise NotFound("no application with this id and token")
    return application
