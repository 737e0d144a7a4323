"""The applicant's pages: what each state and each return from Stripe says, and escaping."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from booking.domain.course import Course, CourseDefinition
from booking.handlers import pages
from booking.handlers.pages import groups as group_pages
from booking.services.applications import ApplicationView
from tests.support.page_text import says_all

NOW = datetime(2027, 5, 1, tzinfo=UTC)


def course(**overrides: object) -> Course:
    data: dict[str, object] = {
        "title": "Compassionate <Leadership>",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 2,
        "facilitators": ["facilitator@example.org"],
        "enquiries_email": "enquiries@example.org",
        "sessions": [{"date": "2027-06-07", "start_time": "15:00", "end_time": "17:00"}],
    }
    data.update(overrides)
    return Course(course_id="c", definition=CourseDefinition.model_validate(data))


def view(status: str, checkout_url: str | None = None, *, can_pay: bool = False) -> ApplicationView:
    return ApplicationView(
        application_id="app1",
        course_id="c",
        status=status,
        token="tok",
        checkout_url=checkout_url,
        status_url="http://x/applications/app1?token=tok",
        created_at="2027-05-01T00:00:00Z",
        can_pay=can_pay,
    )


def test_form_shows_the_course_and_escapes_what_was_typed() -> None:
    page = pages.apply_form(
        course(),
        NOW,
        "/courses/c/applications",
        {"name": '"><script>alert(1)</script>', "email": ""},
        {"email": "value is not a valid email address", "consent": "x", "website": "no"},
    )
    assert "Compassionate &lt;Leadership&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert "Monday 7 June 2027, 15:00-17:00 BST" in page
    assert "£200.00" in page
    assert "2 of 2 places left" in page
    # A facilitator given as a bare address has no name to show, and the address stays private.
    assert "facilitator@example.org" not in page
    assert "Facilitator" not in page
    assert 'href="mailto:enquiries@example.org"' in page
    # An empty email asks for one; errors are listed in page order, each linking to its field.
    assert "Enter your email address" in page
    assert page.index('href="#email"') < page.index('href="#consent"')
    assert 'href="#website"' not in page
    assert "autofocus" in page


def test_facilitators_are_shown_by_name_and_bio_never_by_address() -> None:
    page = pages.apply_form(
        course(
            facilitators=[
                {
                    "name": "Amara <b>Okafor</b>",
                    "email": "amara@example.org",
                    "bio": "Line one\n<i>x</i>",
                },
                {"name": "Tom Hughes", "email": "tom@example.org"},
                "shared-inbox@example.org",
            ]
        ),
        NOW,
        "/a",
    )
    assert "Amara &lt;b&gt;Okafor&lt;/b&gt;, Tom Hughes</dd>" in page
    assert '<p class="bio">Line one\n&lt;i&gt;x&lt;/i&gt;</p>' in page
    assert "@example.org" not in page.replace("enquiries@example.org", "")


def test_an_address_that_cannot_be_delivered_to_says_why_on_the_form() -> None:
    reason = (
        "our email service cannot deliver to an address with 'ë' before the @: only unaccented"
        " letters, digits and plain punctuation can be used there. Please give another address"
    )
    assert (
        pages.friendly_error("email", reason, "zoë@example.org") == reason[0].upper() + reason[1:]
    )
    # Anything else wrong with an address still asks for the usual format.
    assert (
        pages.friendly_error(
            "email", "not a valid email address: an email address must have an @-sign", "zoe"
        )
        == "Enter an email address in the correct format, like name@example.nhs.uk"
    )


def test_a_full_course_offers_its_waiting_list_with_the_form() -> None:
    """A full course puts an application on its waiting list (the API, and
    docs/features/courses-and-applying.md): its page says so and keeps the form, rather than
    leaving no way in."""
    page = pages.apply_form(course(capacity=1).model_copy(update={"seats_taken": 1}), NOW, "/a")
    assert "<h2>Join the waiting list</h2>" in page
    assert "If you apply, you will join the waiting list and nothing is paid now" in page
    assert page.count("<form") == 1
    assert "Join the waiting list</button>" in page
    assert "Continue to payment" not in page
    assert "Book several places at once" not in page  # a group needs free places


@pytest.mark.parametrize(
    ("status", "flag", "checkout_url", "headline", "pay_button"),
    [
        ("confirmed", "success", None, "Your place is confirmed", False),
        ("awaiting_payment", "success", "http://pay", "we are confirming your payment", False),
        ("awaiting_payment", "cancelled", "http://pay", "You have not paid yet", True),
        ("expired", "cancelled", None, "Your payment was not completed", False),
        ("awaiting_payment", "", "http://pay", "Your place is held for you", True),
        ("pending_review", "", None, "Application received", False),
    ],
)
def test_status_page_says_what_happened(
    status: str, flag: str, checkout_url: str | None, headline: str, pay_button: bool
) -> None:
    page = pages.status_page(view(status, checkout_url), course(), "/restart", flag)
    assert headline in page
    assert ('href="http://pay"' in page) is pay_button
    assert "app1" in page  # the reference to quote in an enquiry


def test_an_offer_shows_its_deadline_in_uk_time_and_a_clear_button() -> None:
    offered = view("offered", can_pay=True)
    offered = ApplicationView(**{**offered.__dict__, "offer_expires_at": "2027-05-10T14:00:00Z"})
    page = pages.status_page(offered, course(), "http://x/restart")
    assert "until Monday 10 May 2027 at 15:00 BST" in page
    assert "Pay £200.00 and book your place" in page
    assert "Start payment again" not in page


def test_the_waiting_list_page_gives_the_position() -> None:
    waiting = ApplicationView(**{**view("waitlisted").__dict__, "waitlist_position": 3})
    assert "You are number 3 on the waiting list." in pages.status_page(waiting, course(), "x")


def test_the_page_offers_payment_only_when_the_view_says_it_may_be_paid() -> None:
    # The decision is the domain's (ApplicationView.can_pay); the page only shows it.
    refused = pages.status_page(view("expired", can_pay=False), course(), "http://x/restart")
    allowed = pages.status_page(view("expired", can_pay=True), course(), "http://x/restart")
    assert "Start payment again" not in refused
    assert "Start payment again" in allowed


@pytest.mark.parametrize("can_pay", [False, True])
def test_an_invoice_released_late_asks_for_money_only_when_paying_can_start_again(
    can_pay: bool,
) -> None:
    # Part funded, invoiced for the rest, the invoice not paid by its due date.
    released = ApplicationView(
        **{
            **view("expired", can_pay=can_pay).__dict__,
            "status_reason": "invoice_overdue",
            "bursary": 5000,
            "amount_due": 15000,
            "left_to_pay": 15000,
        }
    )
    page = " ".join(re.sub(r"<[^>]+>", " ", pages.status_page(released, course(), "x")).split())
    assert "Nothing is owed on it." in page
    assert "Bursary" in page
    if can_pay:
        assert "If places are still free you can start again below, for £150.00." in page
        assert "Left to pay £150.00" in page
    else:
        assert "start again" not in page
        assert "Left to pay" not in page


def test_a_delayed_payment_says_it_is_on_its_way_and_offers_nothing_to_press() -> None:
    pending = ApplicationView(**{**view("awaiting_payment").__dict__, "payment_pending": True})
    page = pages.status_page(pending, course(), "http://x/restart")
    assert "Your payment is on its way" in page
    assert "Payment has not started yet" not in page
    assert "http://x/restart" not in page


def test_the_course_page_shows_what_the_definition_says_as_plain_text() -> None:
    page = pages.apply_form(
        course(
            organisation="Centre <b>for</b> Care",
            overview="First paragraph with <i>tags</i>.\n\nSecond paragraph.",
            audience="Leaders & managers",
            location="Online",
            sessions=[
                {"date": "2027-06-07", "start_time": "15:00", "end_time": "17:00"},
                {
                    "date": "2027-11-23",
                    "start_time": "13:00",
                    "end_time": "14:00",
                    "kind": "follow_up",
                },
            ],
        ),
        NOW,
        "/a",
    )
    says_all(
        page,
        "Centre &lt;b&gt;for&lt;/b&gt; Care",
        '<p class="prose">First paragraph with &lt;i&gt;tags&lt;/i&gt;.</p>',
        '<p class="prose">Second paragraph.</p>',
        "Who the course is for",
        "Leaders &amp; managers",
        "Every session is online",
        "Follow-up sessions",
        "Tuesday 23 November 2027, 13:00-14:00 GMT",
    )


def test_the_courses_page_lists_the_courses_taking_applications() -> None:
    open_course = course(title="Open one")
    full = course(title="Full one", capacity=1).model_copy(
        update={"course_id": "full", "seats_taken": 1}
    )
    closed = course(title="Closed one", closed=True).model_copy(update={"course_id": "shut"})
    page = pages.courses_page([open_course, full, closed], NOW, "https://book.example")
    says_all(
        page,
        'href="https://book.example/courses/c/apply"',
        "Open one",
        "2 left",
        "Full one",
        "All places are taken",
    )
    assert "Closed one" not in page
    assert pages.courses_page([closed], NOW, "x").count("No courses are taking applications") == 1


@pytest.mark.parametrize(
    ("status", "reason", "paid", "headline", "not_said"),
    [
        ("expired", "offer_lapsed", 0, "The place we offered you has been released", "payment"),
        ("expired", "failed", 0, "Your payment did not go through", "ran out"),
        ("cancelled", None, 0, "Application cancelled", "Booking"),
        ("cancelled", None, 20000, "Booking cancelled", "no money was taken"),
        ("refunded", "course_full", 20000, "The course filled up", "Booking cancelled"),
    ],
)
def test_each_status_is_worded_for_how_it_came_about(
    status: str, reason: str | None, paid: int, headline: str, not_said: str
) -> None:
    worded = ApplicationView(
        **{**view(status).__dict__, "status_reason": reason, "amount_paid": paid}
    )
    page = pages.status_page(worded, course(), "http://x/restart")
    assert headline in page
    assert not_said not in page.split("<main", 1)[1].split("Need help?")[0]


def _header(page: str) -> str:
    return page.split('<header class="header">', 1)[1].split("</header>", 1)[0]


def test_every_page_about_a_course_is_headed_with_the_centre_that_runs_it() -> None:
    centre = course(organisation="Sussex Mindfulness Centre")
    assert "Sussex Mindfulness Centre" in _header(pages.apply_form(centre, NOW, "/a"))
    assert "Sussex Mindfulness Centre" in _header(
        pages.status_page(view("confirmed"), centre, "http://x/restart")
    )
    assert "Sussex Mindfulness Centre" in _header(pages.courses_page([centre], NOW, "x"))
    # Courses run by different centres, or a course that names none: no one centre's name.
    other = course(organisation="Another Centre").model_copy(update={"course_id": "other"})
    assert "Course booking" in _header(pages.courses_page([centre, other], NOW, "x"))
    assert "Course booking" in _header(pages.apply_form(course(), NOW, "/a"))


def test_an_error_page_says_what_happened_and_what_to_do_without_a_code() -> None:
    page = pages.error_page(404, "not_found", "no course 'nope'")
    assert "We could not find that page" in page
    assert "Check the address you typed" in page
    assert "not_found" not in page
    assert "Error code" not in page
    closed = pages.error_page(409, "course_closed", "applications are closed")
    assert "courses page lists the courses taking applications" in closed


def test_the_confirmed_page_lists_follow_ups_as_follow_ups() -> None:
    with_follow_up = course(
        sessions=[
            {"date": "2027-06-07", "start_time": "15:00", "end_time": "17:00"},
            {"date": "2027-11-23", "start_time": "13:00", "end_time": "14:00", "kind": "follow_up"},
        ]
    )
    page = pages.status_page(view("confirmed"), with_follow_up, "http://x/restart")
    core, follow_ups = page.split("Follow-up sessions, after the course")
    assert "Monday 7 June 2027, 15:00-17:00 BST" in core
    assert "Tuesday 23 November 2027, 13:00-14:00 GMT" in follow_ups
    assert "Tuesday 23 November" not in core


def test_two_cohorts_of_one_title_never_look_the_same_on_the_courses_page() -> None:
    june = course(title="Compassionate Leadership")
    september = course(
        title="Compassionate Leadership",
        sessions=[{"date": "2027-09-06", "start_time": "15:00", "end_time": "17:00"}],
    ).model_copy(update={"course_id": "autumn"})
    page = pages.courses_page([june, september], NOW, "x")
    assert "Compassionate Leadership, from Monday 7 June 2027" in page
    assert "Compassionate Leadership, from Monday 6 September 2027" in page
    assert "Course id" not in page
    # One definition loaded twice under two ids: the ids tell the two cards apart.
    twin = june.model_copy(update={"course_id": "my-cohort"})
    twins = pages.courses_page([june, twin], NOW, "x")
    assert "Course id c</p>" in twins
    assert "Course id my-cohort</p>" in twins


def test_the_status_page_names_the_cohort_and_an_invoice_due_as_a_day() -> None:
    invoiced = ApplicationView(
        **{
            **view("awaiting_invoice_payment").__dict__,
            "invoice_due_at": "2027-05-31T22:59:00Z",
            "invoice_url": "https://invoice.example/1",
        }
    )
    page = pages.status_page(invoiced, course(), "http://x/restart")
    assert "Compassionate &lt;Leadership&gt;, from Monday 7 June 2027" in page
    assert "The invoice is due on Monday 31 May 2027." in page
    assert "23:59" not in page


@pytest.mark.parametrize(("capacity", "said"), [(1, "1 place left"), (2, "2 places left")])
def test_the_managers_form_says_the_places_left_as_a_number_of_places(
    capacity: int, said: str
) -> None:
    page = group_pages.group_form(course(capacity=capacity), NOW, "/courses/c/group-bookings")
    assert f"<dd>{said}</dd>" in page


def test_a_course_in_another_time_zone_names_its_clock_on_its_pages() -> None:
    """Its times are New York's: the pages say so, never "(UK time)"."""
    there = course(timezone="America/New_York")
    form = pages.apply_form(there, NOW, "/a")
    status = pages.status_page(view("confirmed"), there, "/restart")
    for page in (form, status):
        assert "(New York time)" in page
        assert "UK time" not in page
    assert "(UK time)" in pages.apply_form(course(), NOW, "/a")


def _autocomplete_of(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*?autocomplete="([^"]*)"', page, re.S)
    assert found is not None, name
    return found.group(1)


@pytest.mark.parametrize("form", ["apply", "group"])
def test_the_invoice_fields_autofill_from_a_billing_address_never_the_applicants_own(
    form: str,
) -> None:
    """``autocomplete="email"`` let a browser fill the accounts team's address
    with the applicant's own. The billing section token says whose they are (valid HTML:
    ``billing`` before the field name), on the application and the group booking forms."""
    invoiced = course(invoice_allowed=True)
    page = (
        pages.apply_form(invoiced, NOW, "/a")
        if form == "apply"
        else group_pages.group_form(invoiced, NOW, "/g")
    )
    assert _autocomplete_of(page, "billing_name") == "billing organization"
    assert _autocomplete_of(page, "billing_email") == "billing email"
    assert _autocomplete_of(page, "billing_address") == "billing street-address"
    # The person's own fields keep their own tokens.
    own = "email" if form == "apply" else "manager_email"
    assert _autocomplete_of(page, own) == "email"


def test_the_submit_button_says_what_is_true_for_card_and_invoice_alike() -> None:
    """ "Continue to payment" was the button's word with "My employer will pay
    by invoice" chosen too; without JavaScript it cannot follow the choice, so a course that
    may be invoiced says only "Continue". A course paid by card alone keeps its words."""
    invoiced = pages.apply_form(course(invoice_allowed=True), NOW, "/a")
    assert '<button type="submit" class="button">Continue</button>' in invoiced
    assert "Continue to payment" not in invoiced
    by_card = pages.apply_form(course(), NOW, "/a")
    assert '<button type="submit" class="button">Continue to payment</button>' in by_card
