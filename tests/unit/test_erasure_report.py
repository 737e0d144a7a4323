"""Who an erasure finds and what it says it did (``domain.erasure``, ``domain.billing``'s
billing contact, ``domain.groups``' erased manager): pure rules, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime

from booking.domain.application import ApplicationStatus as S
from booking.domain.application import GroupPlaceRef
from booking.domain.billing import BillingDetails, billing_contact_of, newly_billed_to
from booking.domain.erasure import (
    ApplicationErased,
    ErasureReport,
    GroupErased,
    billing_contact_erased,
    roles_in,
)
from booking.domain.groups import Colleague, GroupStatus, organisers_give_it_up
from tests.support.applications import an_application
from tests.support.group_bookings import group

NOW = datetime(2027, 5, 1, 9, tzinfo=UTC)
CONTACT = BillingDetails(
    billing_name="St Elsewhere NHS Trust",
    billing_email="Accounts@Example.org",
    billing_address="1 Hospital Road",
    po_number="PO-1",
)


def test_a_billing_contact_is_keyed_in_lower_case_and_not_once_erased() -> None:
    assert billing_contact_of(CONTACT) == "accounts@example.org"
    assert billing_contact_of(None) is None
    assert billing_contact_of(CONTACT.erased()) is None
    # Only a contact a change newly names is indexed (never the erased placeholder).
    assert newly_billed_to(None, CONTACT) == "accounts@example.org"
    assert newly_billed_to(CONTACT, CONTACT) is None
    assert newly_billed_to(CONTACT, CONTACT.erased()) is None
    other = CONTACT.model_copy(update={"billing_email": "ap@example.org"})
    assert newly_billed_to(CONTACT, other) == "ap@example.org"


def test_erasing_a_billing_contact_blanks_only_the_billing_details() -> None:
    application = an_application(S.AWAITING_INVOICE_PAYMENT, at=NOW, billing=CONTACT)
    blanked = billing_contact_erased(application, NOW)
    assert blanked.billing is not None
    assert blanked.billing.billing_email == "erased@invalid.example"
    assert (blanked.billing.billing_name, blanked.billing.po_number) == ("[erased]", "")
    assert blanked.answers == application.answers  # the applicant's own data stays
    assert not blanked.is_erased
    assert blanked.status is S.AWAITING_INVOICE_PAYMENT  # its invoice is voided apart


def test_a_group_names_one_address_as_manager_billing_contact_and_colleague() -> None:
    booked = group(manager=Colleague(name="Pat", email="pat@example.org"), billing=CONTACT)
    assert roles_in(booked, "PAT@example.org") == ("manager",)
    assert roles_in(booked, "accounts@example.org") == ("billing contact",)
    assert roles_in(booked, "p2@example.org") == ("colleague (place 2)",)
    assert roles_in(booked, "nobody@example.org") == ()
    both = group(manager=Colleague(name="P", email="p1@example.org"))
    assert roles_in(both, "p1@example.org") == ("manager", "colleague (place 1)")


def test_once_the_manager_is_erased_the_organisers_give_a_colleagues_place_up() -> None:
    paid = group(status=GroupStatus.PAID)
    colleague = an_application(
        S.CONFIRMED, at=NOW, group_place=GroupPlaceRef(group_id="g1", place=1, group_version=1)
    )
    assert not organisers_give_it_up(colleague, paid)
    blank = Colleague.model_construct(name="[erased]", email="erased@invalid.example")
    erased = paid.model_copy(update={"manager": blank})
    assert erased.manager_erased
    assert organisers_give_it_up(colleague, erased)
    ended = colleague.model_copy(update={"status": S.CANCELLED})
    assert not organisers_give_it_up(ended, erased)  # nothing left to give up
    alone = an_application(S.CONFIRMED, at=NOW)
    assert not organisers_give_it_up(alone, erased)


def test_the_report_says_what_was_erased_and_what_it_did() -> None:
    report = ErasureReport(
        (
            ApplicationErased("a1", "CL-AAAA1", "c1", "applicant"),
            ApplicationErased(
                "a2", "CL-BBBB2", "c1", "billing contact", invoice_voided=True, seat_released=True
            ),
        ),
        (
            GroupErased(
                "g1",
                "c1",
                ("billing contact",),
                invoice_voided=True,
                seats_released=2,
                manager_told=True,
            ),
            GroupErased("g2", "c1", ("manager",)),
        ),
    )
    answer = report.answer()
    assert answer["erased_applications"] == ["a1"]  # as ever: the applicant's
    assert [a["as"] for a in answer["applications"]] == ["applicant", "billing contact"]
    assert answer["group_bookings"][0]["seats_released"] == 2
    assert answer["group_bookings"][1]["manager_link_ended"] is True
    assert answer["said"] == [
        "1 application erased; billing details blanked on 1 other booking; erased from 2 group "
        "bookings.",
        "Application CL-AAAA1 on c1, as the applicant: their name, address and answers erased.",
        "Application CL-BBBB2 on c1, as the billing contact: the billing name, address, email "
        "and PO erased; its open invoice was voided and its place went back to the course "
        "(the applicant was told).",
        "A group booking on c1, as billing contact: their name and address erased; its open "
        "invoice was voided; its 2 places went back to the course; the manager was told.",
        "A group booking on c1, as manager: their name and address erased; the manager's "
        "link no longer works: the organisers now cancel its colleagues' bookings themselves.",
    ]
    assert ErasureReport().said() == ["0 applications erased."]


def test_the_report_names_a_cohort_by_its_title_and_a_group_by_its_organisation() -> None:
    """Organisers read a course by its title and first day and a group booking by whose it
    is; the ids stay in the answer's fields, for machines."""
    cohort = "Compassionate Leadership Training, from Monday 7 June 2027"
    report = ErasureReport(
        (ApplicationErased("a1", "CL-AAAA1", "c1", "applicant", course_name=cohort),),
        (
            GroupErased("g1", "c1", ("manager",), course_name=cohort, organisation="Hove Council"),
            GroupErased("g2", "c1", ("billing contact",), course_name=cohort),
        ),
    )
    said = report.said()
    assert said[1].startswith(f"Application CL-AAAA1 on {cohort}, as the applicant")
    assert said[2].startswith(f"Hove Council's group booking on {cohort}, as manager")
    assert said[3].startswith(f"A group booking on {cohort}, as billing contact")
    assert not any("c1" in line or "g1" in line for line in said)
    answer = report.answer()
    assert answer["group_bookings"][0]["group_id"] == "g1"
    assert answer["applications"][0]["course_id"] == "c1"


def test_the_lists_asked_to_delete_are_counted_in_words_never_named() -> None:
    report = ErasureReport(
        (
            ApplicationErased(
                "a1",
                "CL-1",
                "c1",
                "applicant",
                course_name="Spring",
                lists_asked=2,
                addresses_asked=3,
            ),
            ApplicationErased("a2", "CL-2", "c1", "applicant", lists_asked=1, addresses_asked=1),
        ),
        (GroupErased("g1", "c1", ("manager",), course_name="Spring", lists_asked=1),),
    )
    answer = report.answer()
    assert answer["applications"][0]["facilitator_lists_asked"] == 2
    assert answer["group_bookings"][0]["facilitator_lists_asked"] == 1
    said = report.said()
    # By address, as the timeline counts the emails asking them.
    assert said[1].endswith(
        "the facilitators it was sent to were asked to delete their copies (3 addresses, the "
        "facilitators of 2 cohorts)."
    )
    assert said[2].endswith("were asked to delete their copies (1 address).")
    assert (
        "the facilitators sent its colleagues' bookings, which named the manager, were asked "
        "to delete those emails (the facilitators of 1 cohort)" in said[3]
    )
