"""A status link that opens nothing says so in the applicant's words ("No
application with this id and token."): the link does not open an application, and what to do
(use the link in our most recent email); the same for a wrong token and a wrong id."""

from __future__ import annotations

from tests.support.page_text import text_of
from tests.support.system import System

HTML = {"accept": "text/html"}


def test_a_wrong_link_says_what_to_do_not_id_and_token(system: System) -> None:
    made = system.apply().json()
    for path in (
        f"/applications/{made['application_id']}?token=not-the-token",
        f"/applications/000000000000000000000000?token={made['token']}",
    ):
        page = system.api("GET", path, headers=HTML)
        assert page.status == 404
        said = text_of(page.body)
        assert "This link does not open an application" in said
        assert "link in our most recent email always leads to your application" in said
        for word in ("token", " id "):
            assert word not in said.lower(), (path, word)
        answer = system.api("GET", path).refused(404, "not_found")
        assert "token" not in answer["message"]
