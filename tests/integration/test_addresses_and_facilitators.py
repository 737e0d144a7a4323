"""Addresses people give are ones the mail service can deliver to, stored in that form; the
facilitators are public by name, never by the address that receives every application."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from tests.support.system import COURSE_ID, System

IDNA = "zoe@bücher.example"
PUNYCODE = "zoe@xn--bcher-kva.example"


def _definition(system: System, **overrides: Any) -> dict[str, Any]:
    return system.one_session_file(title="Addresses", capacity=5, **overrides)


def test_an_international_domain_is_accepted_and_stored_in_punycode(system: System) -> None:
    applied = system.apply(email=IDNA)
    assert applied.status == 201, applied.body
    [row] = system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    assert row["email"] == PUNYCODE
    # The organiser may type the address as the person wrote it, or as stored.
    for spelling in (IDNA, PUNYCODE, "ZOE@BÜCHER.EXAMPLE"):
        exported = system.admin("GET", f"/people/{quote(spelling)}")
        assert exported.status == 200, (spelling, exported.body)
        assert [a["answers"]["email"] for a in exported.json()["applications"]] == [PUNYCODE]
    # One live application per person per course, whichever spelling they use the second time.
    again = system.apply(email=PUNYCODE)
    again.refused(409, "already_applied")


def test_an_address_with_a_percent_sign_is_found_as_typed(system: System) -> None:
    """The path reaches the function decoded once, as API Gateway decodes it: decoding the
    address again turned ``jo%41n`` into ``joAn``, somebody else (or nobody)."""
    percent, lookalike = "jo%41n@example.org", "joAn@example.org"
    assert system.apply(email=percent).status == 201
    assert system.apply(email=lookalike).status == 201
    exported = system.admin("GET", f"/people/{quote(percent)}")
    assert exported.status == 200, exported.body
    assert [a["answers"]["email"] for a in exported.json()["applications"]] == [percent]
    erased = system.admin("DELETE", f"/people/{quote(percent)}")
    assert erased.status == 200, erased.body
    still = system.admin("GET", f"/people/{quote(lookalike)}").json()["applications"]
    assert [a["answers"]["email"] for a in still] == [lookalike]


def test_an_accented_letter_before_the_at_is_refused_on_the_field(system: System) -> None:
    places = system.course()["places_left"]
    refused = system.apply(email="zoë@example.org")
    assert refused.status == 422, refused.body
    reason = refused.json()["error"]["fields"]["email"]
    assert "cannot deliver to an address with 'ë' before the @" in reason
    assert "Please give another address" in reason
    # Nothing written: no application, no seat taken.
    assert system.applications() == []
    assert system.course()["places_left"] == places


def test_the_form_says_why_an_accented_address_cannot_be_used(system: System) -> None:
    form = {
        "name": "Zoë Example",
        "email": "zoë@example.org",
        "job_title": "Ward manager",
        "organisation": "NHS Trust",
        "leadership_role": "A ward",
        "motivation": "To lead with compassion",
        "consent": "on",
    }
    page = system.api(
        "POST",
        f"/courses/{COURSE_ID}/applications",
        form=form,
        headers={"accept": "text/html"},
    )
    assert page.status == 422
    assert "Our email service cannot deliver to an address with &#39;ë&#39; before the @" in (
        page.body
    )
    assert 'value="zoë@example.org"' in page.body  # what they typed is kept to correct
    assert system.applications() == []


def test_addresses_in_a_course_definition_are_checked_and_normalised(system: System) -> None:
    refused = system.admin(
        "PUT",
        "/courses/addresses",
        json_body=_definition(
            system, facilitators=["ok@example.org", "zoë@example.org"], enquiries_email="x@y"
        ),
    )
    assert refused.status == 422, refused.body
    fields = refused.json()["error"]["fields"]
    assert "before the @" in fields["facilitators.1.email"]
    assert "not a valid email address" in fields["enquiries_email"]
    assert system.api("GET", "/courses/addresses").status == 404  # nothing half-written

    saved = system.admin(
        "PUT",
        "/courses/addresses",
        json_body=_definition(
            system,
            facilitators=[{"name": "Zoe", "email": IDNA}],
            enquiries_email="hello@bücher.example",
        ),
    )
    assert saved.status == 201, saved.body
    assert system.course("addresses")["enquiries_email"] == "hello@xn--bcher-kva.example"


def test_facilitators_are_public_by_name_and_bio_never_by_address(system: System) -> None:
    facilitators = [
        {"name": "Amara Okafor", "email": "amara@example.org", "bio": "Nurse <b>leader</b>."},
        {"name": "Tom Hughes", "email": "tom@example.org"},
        "shared-inbox@example.org",  # the original format: an address alone, never shown
    ]
    saved = system.admin(
        "PUT", "/courses/named", json_body=_definition(system, facilitators=facilitators)
    )
    assert saved.status == 201, saved.body

    course = system.course("named")
    assert course["facilitators"] == [
        {"name": "Amara Okafor", "bio": "Nurse <b>leader</b>."},
        {"name": "Tom Hughes", "bio": None},
    ]
    listed = json.dumps(system.api("GET", "/courses").json())
    page = system.api("GET", "/courses/named/apply").body
    for text in (json.dumps(course), listed, saved.body, page):
        for address in ("amara@example.org", "tom@example.org", "shared-inbox@example.org"):
            assert address not in text
    assert "Amara Okafor, Tom Hughes" in page
    assert "Nurse &lt;b&gt;leader&lt;/b&gt;." in page


def test_the_sample_course_names_its_facilitators(system: System) -> None:
    names = [f["name"] for f in system.course()["facilitators"]]
    assert names == ["Ruth Sequeira", "Catherine Cameron"]
    page = system.api("GET", f"/courses/{COURSE_ID}/apply").body
    assert "Ruth Sequeira, Catherine Cameron" in page
    assert "@example.org" not in page
    # Their copy goes to the centre's enquiries inbox, which is public anyway.
    assert "spft.smc@nhs.net" in page


@pytest.mark.parametrize(
    "address", ["slash/h13@example.org", "hash#h13@example.org", "q?h13@example.org"]
)
def test_an_address_with_a_slash_hash_or_question_mark_is_exported_and_erased(
    system: System, address: str, run: Any
) -> None:
    """The form takes them; API Gateway decodes the path, so such an address split the route
    and answered 404 "no such resource" to the export, the erasure and the CLI."""
    assert system.apply(email=address).status == 201
    exported = system.admin("GET", f"/people/{quote(address, safe='@')}")
    assert exported.status == 200, exported.body
    assert [a["answers"]["email"] for a in exported.json()["applications"]] == [address]
    code, out = run("export", address)
    assert code == 0, out
    assert address in out
    erased = system.admin("DELETE", f"/people/{quote(address, safe='@')}")
    assert erased.status == 200, erased.body
    gone = system.admin("GET", f"/people/{quote(address, safe='@')}")
    assert gone.status == 404, gone.body
