"""The organisers' console in a real browser (Playwright driving Debian's Chromium) against
`make run`: sign in, load an approval course from a file, approve an application, see the
applicant's payment arrive, cancel with refund and read it all in the timeline. axe-core (WCAG
2.2 AA rules) checks every console page on the way, and finds nothing.

Never skipped: without Chromium the browser fixture fails and says how to install it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    SCREENSHOTS,
    RunningStack,
    back_then_yes,
    confirmation_asked,
    followed_from,
    no_violations,
    page_in,
    sign_in,
)

COURSE_ID = "browser-approval-cohort"
TIMELINE_WAIT_SECONDS = 30  # the local stack's mail pump sends within a second or two


@pytest.fixture
def applicant(chromium: Browser) -> Iterator[Page]:
    with page_in(chromium, viewport={"width": 390, "height": 844}) as page:
        yield page


def wait_for_timeline(page: Page, *sentences: str) -> None:
    """Reload the application's page until its timeline says all of ``sentences`` (the
    emails are sent by the local stack's mail pump a moment after the change)."""
    deadline = time.monotonic() + TIMELINE_WAIT_SECONDS
    while True:
        text = page.locator(".timeline").inner_text()
        missing = [s for s in sentences if s not in text]
        if not missing:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the timeline never said {missing}:\n{text}")
        time.sleep(0.5)
        page.reload()


def _definition(stack: RunningStack) -> dict[str, object]:
    sample = stack.sample()
    # A year after the sample cohort (52 weeks: the same weekdays), so the sample stays the
    # first open course that the other end-to-end tests apply to.
    later = [
        (date.fromisoformat(s["start"][:10]) + timedelta(weeks=52)).isoformat()
        for s in sample["sessions"][:3]
    ]
    return {
        "programme": "browser-approval",
        "title": "Compassionate Leadership (approval cohort)",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 8,
        "approval_required": True,
        "enquiries_email": "enquiries@example.org",
        "facilitators": [{"name": "Amara Okafor", "email": "amara.okafor@example.org"}],
        "sessions": [{"date": day, "start_time": "15:00", "end_time": "17:00"} for day in later],
    }


def test_an_organiser_approves_sees_the_payment_and_cancels_with_refund(
    stack: RunningStack, organiser: Page, applicant: Page, tmp_path: Path
) -> None:
    page = organiser
    # Without a session the console sends you to sign in, and back afterwards.
    page.goto(f"{stack.url}/console/courses/new")
    expect(page).to_have_url(re.compile(r"/console/sign-in\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the organisers' console")
    no_violations(page, "01-sign-in")
    page.get_by_label("Organiser token").fill("not the token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#token-error")).to_contain_text("That is not the organiser token")
    no_violations(page, "02-sign-in-refused")
    page.get_by_label("Organiser token").fill(stack.admin_token)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{stack.url}/console/courses/new")
    no_violations(page, "03-add-a-course")

    # A course definition with a mistake is refused beside the file input; then the right one.
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"title": "No price", "capacity": 3, "sessions": []}))
    page.get_by_label("Course id", exact=True).first.fill(COURSE_ID)
    page.get_by_label("Definition file (JSON)").set_input_files(str(wrong))
    page.get_by_role("button", name="Load the file").click()
    expect(page.locator("#definition-error")).to_contain_text("price")
    no_violations(page, "04-file-with-mistakes")
    right = tmp_path / f"{COURSE_ID}.json"
    right.write_text(json.dumps(_definition(stack)))
    page.get_by_label("Course id", exact=True).first.fill(COURSE_ID)
    page.get_by_label("Definition file (JSON)").set_input_files(str(right))
    page.get_by_role("button", name="Load the file").click()
    expect(page).to_have_url(f"{stack.url}/console/courses/{COURSE_ID}")
    expect(page.locator("main")).to_contain_text("applications need approval")

    # An applicant applies (from their phone) and is told to wait for the facilitators.
    applicant.goto(f"{stack.url}/courses/{COURSE_ID}/apply")
    for name, value in {
        "name": "Edith Cavell",
        "email": "edith.console@example.org",
        "job_title": "Matron",
        "organisation": "Royal London Hospital",
        "leadership_role": "A ward of nurses.",
        "motivation": "To lead with compassion.",
    }.items():
        applicant.locator(f"#{name}").fill(value)
    applicant.locator("#consent").check()
    applicant.get_by_role("button", name="Send my application").click()
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Application received")
    reference = applicant.locator("main strong").last.inner_text()
    assert re.fullmatch(r"BA-[2-9A-HJKMNP-Z]{5}", reference), reference

    # The organiser finds it by the reference the applicant would read out, and approves.
    page.goto(f"{stack.url}/console")
    no_violations(page, "05-courses")
    page.get_by_label("Find an application or a person").fill(reference.lower())
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edith Cavell")
    expect(page.locator(".tag")).to_have_text("Awaiting review")
    no_violations(page, "06-application-pending")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status").first).to_contain_text("Approved")
    expect(page.locator(".tag")).to_have_text("Place offered")
    application_page = page.url
    assert "?" not in application_page  # what was done is never in the address
    # Said once: a reload shows the page as it stands, not the approval again.
    page.reload()
    expect(page.locator(".tag")).to_have_text("Place offered")
    expect(page.get_by_text("Approved. The applicant has been emailed.")).to_have_count(0)

    # The applicant pays on the stand-in's page from their status page.
    applicant.reload()
    expect(applicant.get_by_role("heading", level=1)).to_have_text("A place is available for you")
    applicant.get_by_role("button", name=re.compile(r"^Pay £200\.00")).click()
    applicant.wait_for_url(re.compile(r"/_local/stripe/checkout/cs_"))
    applicant.get_by_role("button", name="Pay £200.00").click()
    applicant.wait_for_url(re.compile(r"checkout=success"))
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Your place is confirmed")

    # The console shows it confirmed, with the payment and the emails in the timeline.
    page.goto(application_page)
    expect(page.locator(".tag")).to_have_text("Confirmed")
    wait_for_timeline(
        page,
        "Status: Awaiting review → Place offered",
        "Email sent to the applicant: A place is offered, with a link to pay",
        "Payment received: £200.00",
        "Email sent to the applicant: Booking confirmed, with the calendar file",
    )
    no_violations(page, "07-application-confirmed")

    # Cancel with refund: the timeline shows the refund and the one email that says both.
    page.get_by_label("Also refund £200.00 through Stripe").check()
    page.get_by_role("button", name="Cancel booking").click()
    # Asked first: what will happen, in pounds, before anything is done.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cancel the booking")
    expect(page.locator("main")).to_contain_text("£200.00 is refunded through Stripe.")
    no_violations(page, "07b-cancel-confirmation")
    page.get_by_role("button", name="Yes, cancel the booking").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Cancelled. £200.00 is being refunded in full through Stripe."
    )
    # As with Stripe, the refund's own event arrives after the cancellation has answered.
    wait_for_timeline(
        page,
        "Refunded: £200.00",
        "Status: Confirmed → Cancelled (refund on its way)",
        "Status: Cancelled → Refunded",
        "Email sent to the applicant: Cancellation",
    )
    assert "Payment refunded" not in page.locator(".timeline").inner_text()
    expect(page.locator(".tag")).to_have_text("Refunded")
    no_violations(page, "08-application-refunded")
    page.screenshot(path=str(SCREENSHOTS / "console-application.png"), full_page=True)

    # The course's page lists it; its filter and search keep working.
    page.goto(f"{stack.url}/console/courses/{COURSE_ID}")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    page.get_by_label("Status").select_option("refunded")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    no_violations(page, "09-course-filtered")


def test_every_other_console_page_passes_axe(
    stack: RunningStack, organiser: Page, tmp_path: Path
) -> None:
    page = organiser
    sign_in(page, stack)
    sample = stack.sample()["course_id"]
    stack.apply(sample, name="Grace Hopper", email="grace.console@example.org")
    for path, name in (
        (f"/console/courses/{sample}", "10-course"),
        (f"/console/courses/{sample}?status=nonsense", "11-course-bad-filter"),
        (f"/console/courses/{sample}/edit", "12-change-a-course"),
        ("/console/people", "13-people"),
        ("/console/people?email=grace.console%40example.org", "14-person"),
        ("/console/people/erase?email=grace.console%40example.org", "15-erase-confirm"),
        ("/console/no-such-page", "16-not-found"),
    ):
        page.goto(f"{stack.url}{path}")
        no_violations(page, name)
    # A course form with mistakes beside its fields.
    page.goto(f"{stack.url}/console/courses/new")
    page.locator("#course_id").fill("Not An Id")
    page.get_by_role("button", name="Save the course").click()
    expect(page.locator("#error-summary")).to_be_visible()
    no_violations(page, "17-course-form-mistakes")
    # Erasing needs the box ticked; without it the page says so beside the box.
    page.goto(f"{stack.url}/console/people/erase?email=grace.console%40example.org")
    page.get_by_role("button", name="Erase their data").click()
    expect(page.locator("#confirm-error")).to_be_visible()
    no_violations(page, "18-erase-unconfirmed")
    page.get_by_label("I understand: erase this person's data now").check()
    page.get_by_role("button", name="Erase their data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Their data has been erased")
    no_violations(page, "19-erased")
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(f"{stack.url}/console/signed-out")
    no_violations(page, "20-signed-out")
    page.goto(f"{stack.url}/console")
    expect(page).to_have_url(re.compile(r"/console/sign-in"))


def test_the_pages_a_person_lands_on_beside_the_form_pass_axe(
    stack: RunningStack, organiser: Page
) -> None:
    """A browser landing on a course's address, on an error, or on the local outbox gets a
    page (not JSON), and each passes the same WCAG 2.2 AA rules."""
    page = organiser
    sample = stack.sample()["course_id"]
    stack.apply(sample, name="Mary Seacole", email="mary.outbox@example.org")
    page.goto(f"{stack.url}/courses/{sample}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compassionate Leadership")
    no_violations(page, "21-course-by-its-address")
    page.goto(f"{stack.url}/courses/no-such-course/apply")
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    no_violations(page, "22-public-not-found")
    page.goto(f"{stack.url}/_local/outbox")
    expect(page.get_by_role("heading", level=1)).to_have_text("Local outbox")
    expect(page.get_by_role("heading", level=2).first).to_be_visible()
    no_violations(page, "23-local-outbox")


def _signed_in(chromium: Browser, stack: RunningStack) -> Page:
    page = chromium.new_context().new_page()
    sign_in(page, stack)
    return page


def test_signing_out_everywhere_ends_the_other_browsers_session_too(
    stack: RunningStack, chromium: Browser
) -> None:
    laptop, phone = _signed_in(chromium, stack), _signed_in(chromium, stack)
    laptop.get_by_role("button", name="Sign out everywhere").click()
    expect(laptop).to_have_url(f"{stack.url}/console/signed-out")
    phone.reload()
    expect(phone).to_have_url(re.compile(r"/console/sign-in\?next="))
    for page in (laptop, phone):
        page.context.close()


def test_codes_money_and_the_programme_from_the_course_page_pass_axe(
    stack: RunningStack, organiser: Page
) -> None:
    """The pages for what used to need curl, reached by their links from the course page."""
    page = organiser
    sample = stack.sample()["course_id"]
    followed_from(page, stack, f"/console/courses/{sample}", "Discount codes")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Discount codes")
    no_violations(page, "24-codes")
    # A mistake is said beside its field, in pounds; then the code is made and listed.
    page.locator("#code").fill("AXE-TENNER")
    page.locator("#amount_off").fill("1e30")
    page.get_by_role("button", name="Make the code").click()
    expect(page.locator("#amount_off-error")).to_contain_text("in pounds")
    no_violations(page, "25-code-mistake")
    page.locator("#amount_off").fill("10.00")
    page.locator("#max_uses").fill("5")
    page.get_by_role("button", name="Make the code").click()
    expect(page.get_by_role("status").first).to_contain_text("AXE-TENNER made")
    row = page.get_by_role("row").filter(has_text="AXE-TENNER")
    expect(row).to_contain_text("£10.00 off")
    expect(row).to_contain_text("0 of 5 used, 5 left")
    page.get_by_role("button", name="Expire AXE-TENNER").click()
    expect(page.get_by_role("status").first).to_contain_text("AXE-TENNER expired")
    expect(row).to_contain_text("Deactivated")
    no_violations(page, "26-code-expired")
    page.get_by_role("link", name="Money").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Money")
    expect(page.locator("main")).to_contain_text("Paid in")
    no_violations(page, "27-money")
    page.get_by_role("link", name="Every cohort of the programme").click()
    # Headed with the programme's name as its cohorts' titles say it, never its slug.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compassionate Leadership")
    # Each money label stays inside its cell (one ran past the table's edge).
    overflowing = page.locator("table.data td dl.compact dt").evaluate_all(
        """labels => labels.filter(label => {
            const cell = label.closest("td").getBoundingClientRect();
            return label.getBoundingClientRect().right > cell.right + 0.5;
        }).map(label => label.textContent)"""
    )
    assert overflowing == []
    no_violations(page, "28-programme")
    # The course form: a session added without JavaScript, what was typed kept.
    page.goto(f"{stack.url}/console/courses/{sample}/edit")
    rows = page.locator("[id$='-heading'][id^='session-']").count()
    page.locator("#title").fill("Typed before adding a session")
    page.get_by_role("button", name="Add a session").click()
    expect(page.locator("[id$='-heading'][id^='session-']")).to_have_count(rows + 1)
    expect(page.locator("#title")).to_have_value("Typed before adding a session")
    # A facilitator's address is seen whole, not cut off ("course-team@exa").
    address = page.locator("[id^='facilitator-'][id$='-email']").first
    address.fill("course-team@example.org")
    assert address.evaluate("box => box.scrollWidth <= box.clientWidth")
    no_violations(page, "29-course-form-a-session-added")


def test_voiding_an_invoice_asks_first_and_says_what_goes(
    stack: RunningStack, organiser: Page
) -> None:
    """*Void invoice* acted at once; now a page says the place goes back, who
    is emailed, and that it cannot be undone, before *Yes, void the invoice* does it."""
    page = organiser
    sign_in(page, stack)
    sample = stack.sample()["course_id"]
    applied = stack.applied_by_invoice(
        sample,
        name="Ben Carter",
        email="ben.void@example.org",
        billing_email="accounts.void@example.nhs.uk",
        po_number="PO-4471",
    )
    main = confirmation_asked(
        page, stack, applied["application_id"], "Void invoice", "Void the invoice of"
    )
    expect(main).to_contain_text("is cancelled at Stripe (voided): it can no longer be paid.")
    expect(main).to_contain_text("Its place goes back to the course")
    expect(main).to_contain_text("Their billing contact (accounts.void@example.nhs.uk)")
    expect(main).to_contain_text("This cannot be undone.")
    no_violations(page, "21-void-confirmation")
    back_then_yes(
        page,
        back="No, keep the invoice and go back",
        as_it_was="Awaiting invoice payment",
        press="Void invoice",
        yes="Yes, void the invoice",
        done="Invoice voided.",
    )
    no_violations(page, "22-invoice-voided")


def test_declining_shows_the_message_before_it_goes(stack: RunningStack, organiser: Page) -> None:
    """*Decline* sent at once a message the organiser never saw; now a page
    shows the message the email carries before *Yes, decline and send* sends it."""
    page = organiser
    course_id = "browser-decline-cohort"
    stack.load_course(course_id, _definition(stack))
    applied = stack.applied(course_id, name="Dee Clarke", email="dee.decline@example.org")
    sign_in(page, stack)
    main = confirmation_asked(
        page, stack, applied["application_id"], "Decline", "Decline the application"
    )
    expect(main).to_contain_text("with the standard message")
    expect(main).to_contain_text("places are limited and each cohort is planned carefully")
    no_violations(page, "23-decline-confirmation")
    page.get_by_role("link", name="No, go back to the application").click()
    expect(page.locator(".tag")).to_have_text("Awaiting review")
    page.get_by_label("Message to the applicant (optional)").fill("Please apply in spring.")
    page.get_by_role("button", name="Decline").click()
    expect(main).to_contain_text("with your message")
    expect(main).to_contain_text("Please apply in spring.")
    page.get_by_role("button", name="Yes, decline and send").click()
    expect(page.get_by_role("status").first).to_contain_text("Declined.")
    expect(page.locator(".tag")).to_have_text("Declined")
    no_violations(page, "24-declined")
