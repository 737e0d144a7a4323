"""The routes that take no fields (paying now, paying by invoice, giving up a place) refuse a
body of a type they do not read before anything runs: a ``{"dry_run":true}``
sent as text/plain, with no type, or as a form (``curl -d``) gave up a paid place and refunded
it, or opened a new checkout."""

from __future__ import annotations

import pytest

from tests.support.groups import manager_view, paid_group, place_path
from tests.support.system import System

DRY_RUN = b'{"dry_run":true}'
# (the headers sent, the status answered): a form whose one name is a JSON object is a JSON
# body sent with curl's default type, refused by that name.
SENT = [
    ({"content-type": "text/plain"}, 415),
    ({}, 415),
    ({"content-type": "application/x-www-form-urlencoded"}, 422),
    ({"content-type": "multipart/form-data; boundary=x"}, 415),
]
pytestmark = pytest.mark.usefixtures("invoiced")


@pytest.mark.parametrize(("headers", "status"), SENT)
def test_giving_up_a_place_refuses_a_body_it_does_not_read(
    system: System, headers: dict[str, str], status: int
) -> None:
    group = paid_group(system)
    refused = system.api("POST", place_path(group, 2, "cancel"), headers=headers, raw=DRY_RUN)
    assert refused.status == status, refused.body
    assert manager_view(system, group)["places"][1]["state"] != "released"
    assert system.api("POST", place_path(group, 2, "cancel")).status == 200


@pytest.mark.parametrize(("headers", "status"), SENT)
@pytest.mark.parametrize("action", ["checkout", "invoice"])
def test_paying_refuses_a_body_it_does_not_read(
    system: System, headers: dict[str, str], status: int, action: str
) -> None:
    application = system.apply().json()
    path = f"/applications/{application['application_id']}/{action}?token={application['token']}"
    before = system.api("GET", path.replace(f"/{action}", "")).json()
    refused = system.api("POST", path, headers=headers, raw=DRY_RUN)
    assert refused.status == status, refused.body
    assert system.api("GET", path.replace(f"/{action}", "")).json() == before
