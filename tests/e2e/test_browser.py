"""A newcomer's path in a real browser: Playwright driving Debian's Chromium against `make run`.

Open the form, make a mistake, see the error beside the field, put it right, pay on the local
checkout page, land on the confirmed status page. Then the same by keyboard alone, and on a
375px-wide phone screen. Screenshots of every step go to ``test-artifacts/screenshots/``.

This test is never skipped: without Chromium it fails and says how to install it (`.ci/run`
installs Debian's ``chromium`` package; browsers cannot be downloaded on these machines).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from booking.domain.wording import ANSWER_FIELDS
from tests.e2e.conftest import SCREENSHOTS, RunningStack, page_in

ANSWERS = {
    "name": "Mary Seacole",
    "job_title": "Matron",
    "organisation": "Crimea Community Health",
    "leadership_role": "A nursing team of 12 on a busy surgical ward.",
    "motivation": "To bring more compassion to how we lead change together.",
}
PAYMENT_FIELDS = [
    "payment_method-card",
    "billing_name",
    "billing_email",
    "billing_address",
    "po_number",
    "discount_code",
]
BILLING = {
    "billing_name": "Crimea Community Health NHS Trust",
    "billing_email": "accounts@example.nhs.uk",
    "billing_address": "1 Hospital Road\nLeeds LS1 1AA",
    "po_number": "PO-77-BROWSER",
}


@pytest.fixture
def phone(chromium: Browser) -> Iterator[Page]:
    with page_in(
        chromium,
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    ) as page:
        yield page


def _shot(page: Page, name: str, full_page: bool = True) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def _active_id(page: Page) -> str:
    value: str = page.evaluate("() => document.activeElement ? document.activeElement.id : ''")
    return value


def _tab_until(page: Page, element_id: str, limit: int = 40) -> int:
    """Press Tab until the element with this id has focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if _active_id(page) == element_id:
            return presses
    raise AssertionError(f"#{element_id} never received focus after {limit} Tab presses")


def _no_horizontal_scroll(page: Page) -> None:
    widths: dict[str, int] = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " viewport: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["viewport"], f"page scrolls sideways: {widths}"


def _error_is_beside_its_field(page: Page, name: str, text: str) -> None:
    field = page.locator(f"#{name}")
    error = page.locator(f"#{name}-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(text)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(rf"\b{name}-error\b"))
    # In the field's own group, directly above the control, not somewhere else on the page.
    same_group: bool = page.evaluate(
        "([f, e]) => document.getElementById(f).closest('.form-group')"
        " === document.getElementById(e).closest('.form-group')",
        [name, f"{name}-error"],
    )
    assert same_group, f"the error for {name} is not in the field's group"
    field_box, error_box = field.bounding_box(), error.bounding_box()
    assert field_box is not None
    assert error_box is not None
    gap = field_box["y"] - (error_box["y"] + error_box["height"])
    assert 0 <= gap <= 48, f"the error for {name} is {gap}px from its field"


def _every_control_is_labelled(page: Page) -> None:
    unlabelled: list[str] = page.evaluate(
        "() => [...document.querySelectorAll('form input, form textarea')]"
        ".filter(el => el.id !== 'website' && el.type !== 'hidden')"
        '.filter(el => !document.querySelector(`label[for="${el.id}"]`))'
        ".map(el => el.name)"
    )
    assert unlabelled == []


def test_newcomer_applies_fixes_a_mistake_pays_and_is_confirmed(
    stack: RunningStack, desktop: Page
) -> None:
    course = stack.sample()
    page = desktop
    # The front door leads to the courses taking applications, and on to the course page.
    page.goto(f"{stack.url}/")
    expect(page).to_have_url(f"{stack.url}/courses")
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    _shot(page, "00-courses")
    page.locator(f'a.button[href$="/courses/{course["course_id"]}/apply"]').click()
    expect(page).to_have_url(f"{stack.url}/courses/{course['course_id']}/apply")
    expect(page).to_have_title(re.compile(re.escape(course["title"])))
    expect(page.get_by_role("heading", level=1)).to_contain_text(course["title"])
    body = page.locator("main")
    # Everything the course page gives: who runs it, what it is, who it is for, that it is
    # online, every session (weekday, date, UK time), the price, the facilitators with their
    # biographies, and where to ask.
    expect(body).to_contain_text("Sussex Mindfulness Centre")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(body).to_contain_text("Professor Michael West")
    expect(page.get_by_role("heading", name="Who the course is for")).to_be_visible()
    expect(body).to_contain_text("People who hold a leadership role in health or social care")
    expect(body).to_contain_text("Every session is online")
    expect(body).to_contain_text("£200.00")
    core = page.get_by_role("list", name="Course sessions").get_by_role("listitem")
    expect(core).to_have_count(6)
    expect(core.first).to_contain_text("Monday 7 June 2027, 15:00-17:00 BST")
    expect(core.last).to_contain_text("Monday 12 July 2027, 15:00-17:00 BST")
    follow_ups = page.get_by_role("list", name="Follow-up sessions").get_by_role("listitem")
    expect(follow_ups).to_have_text(
        [
            re.compile("Thursday 23 September 2027, 16:00-17:00 BST"),
            re.compile("Wednesday 20 October 2027, 16:00-17:00 BST"),
            re.compile("Tuesday 23 November 2027, 13:00-14:00 GMT"),
            re.compile("Monday 13 December 2027, 16:00-17:00 GMT"),
        ]
    )
    expect(body).to_contain_text(f"{course['places_left']} of {course['capacity']} places left")
    expect(body).to_contain_text("Ruth Sequeira, Catherine Cameron")
    expect(page.get_by_role("heading", name="Ruth Sequeira")).to_be_visible()
    expect(page.get_by_role("heading", name="Catherine Cameron")).to_be_visible()
    expect(body).to_contain_text("Dr Robert Marx and Professor Clara Strauss designed")
    expect(page.get_by_role("link", name="spft.smc@nhs.net").first).to_be_visible()
    _every_control_is_labelled(page)
    _shot(page, "01-form")

    # A first attempt with a mistyped email and the consent box left unticked.
    for name, value in ANSWERS.items():
        page.get_by_label(re.compile(_label_of(page, name))).fill(value)
    page.locator("#email").fill("mary.seacole.example.org")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert _active_id(page) == "error-summary", "focus moves to the error summary"
    _error_is_beside_its_field(page, "email", "Enter an email address in the correct format")
    _error_is_beside_its_field_checkbox(page)
    summary_links = page.locator("#error-summary a")
    expect(summary_links).to_have_count(2)
    expect(summary_links.nth(0)).to_have_attribute("href", "#email")
    expect(summary_links.nth(1)).to_have_attribute("href", "#consent")
    # Answers are kept, so nobody has to type them again.
    expect(page.locator("#name")).to_have_value(ANSWERS["name"])
    expect(page.locator("#motivation")).to_have_value(ANSWERS["motivation"])
    expect(page.locator("#email")).to_have_value("mary.seacole.example.org")
    _shot(page, "02-errors")

    # Put it right and carry on to payment.
    page.locator("#email").fill("mary.browser@example.org")
    page.get_by_label(re.compile("I agree")).check()
    _shot(page, "03-corrected")
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_url(re.compile(r"/_local/stripe/checkout/cs_"))
    expect(page.locator("body")).to_contain_text("£200.00")
    _shot(page, "04-checkout")

    page.get_by_role("button", name="Pay £200.00").click()
    page.wait_for_url(re.compile(r"/applications/.+checkout=success"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is confirmed")
    expect(page.locator("main")).to_contain_text("Monday 7 June 2027, 15:00-17:00 BST")
    expect(page.get_by_role("link", name=re.compile("^Pay"))).to_have_count(0)
    _shot(page, "05-confirmed")


def _label_of(page: Page, name: str) -> str:
    text: str = page.locator(f"label[for={name}]").inner_text()
    return "^" + re.escape(text.strip()) + "$"


def _error_is_beside_its_field_checkbox(page: Page) -> None:
    error = page.locator("#consent-error")
    expect(error).to_contain_text("Tick the box")
    box = page.locator("#consent")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_have_attribute("aria-describedby", re.compile(r"\bconsent-error\b"))
    box_box, error_box = box.bounding_box(), error.bounding_box()
    assert box_box is not None
    assert error_box is not None
    assert 0 <= box_box["y"] - (error_box["y"] + error_box["height"]) <= 48


def test_keyboard_only(stack: RunningStack, desktop: Page) -> None:
    page = desktop
    page.goto(f"{stack.url}/courses/{stack.sample()['course_id']}/apply")
    _tab_until(page, "name")
    # One Tab from each field to the next, in reading order; the honeypot is never reached.
    page.keyboard.type(ANSWERS["name"])
    typed = {**ANSWERS, "email": "keyboard@example.org", "accessibility_needs": ""}
    for name in ANSWER_FIELDS[1:]:  # the answers' fields, in the form's order
        page.keyboard.press("Tab")
        assert _active_id(page) == name
        if typed[name]:
            page.keyboard.type(typed[name])
    # The sample course may be paid by invoice: the payment choice (one stop for the radio
    # group, on the checked option), the invoice details and a discount code come next.
    for name in PAYMENT_FIELDS:
        page.keyboard.press("Tab")
        assert _active_id(page) == name
    page.keyboard.press("Tab")
    assert _active_id(page) == "consent"
    _shot(page, "06-keyboard-consent-focused")
    # Enter in a text field submits: consent is still unticked, so the form comes back.
    page.locator("#email").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_visible()
    assert _active_id(page) == "error-summary"
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("href", "#consent")
    page.keyboard.press("Enter")
    assert page.url.endswith("#consent")
    _tab_until(page, "consent")
    page.keyboard.press("Space")
    expect(page.locator("#consent")).to_be_checked()
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Continue")
    _shot(page, "07-keyboard-submit-focused")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/_local/stripe/checkout/cs_"))
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.locator(":focus").inner_text().startswith("Pay "):
            break
    expect(page.locator(":focus")).to_have_text("Pay £200.00")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"checkout=success"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is confirmed")


def test_phone_width_never_scrolls_sideways(stack: RunningStack, phone: Page) -> None:
    page = phone
    page.goto(f"{stack.url}/courses/{stack.sample()['course_id']}/apply")
    _no_horizontal_scroll(page)
    button = page.get_by_role("button", name="Continue", exact=True)
    box = button.bounding_box()
    assert box is not None
    assert box["height"] >= 44, "the button is big enough to tap"
    _shot(page, "08-phone-form")
    _shot(page, "08-phone-form-top", full_page=False)
    button.click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator(".error-message")).to_have_count(7)  # six required fields and consent
    expect(page.locator("#email-error")).to_contain_text("Enter your email address")
    _no_horizontal_scroll(page)
    _shot(page, "09-phone-errors")
    page.locator("#email").scroll_into_view_if_needed()
    _shot(page, "09-phone-errors-email", full_page=False)


def test_cancelled_payment_says_nothing_was_taken_and_offers_to_pay(
    stack: RunningStack, phone: Page
) -> None:
    page = phone
    page.goto(f"{stack.url}/courses/{stack.sample()['course_id']}/apply")
    for name, value in {**ANSWERS, "email": "cancels@example.org"}.items():
        page.locator(f"#{name}").fill(value)
    page.locator("#consent").check()
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_url(re.compile(r"/_local/stripe/checkout/cs_"))
    page.get_by_role("link", name="Cancel", exact=True).click()
    page.wait_for_url(re.compile(r"checkout=cancelled"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You have not paid yet")
    expect(page.locator("main")).to_contain_text("No money has been taken")
    pay = page.get_by_role("link", name="Pay £200.00 now")
    expect(pay).to_be_visible()
    _no_horizontal_scroll(page)
    _shot(page, "10-phone-cancelled")
    # The status link without the flag still works, and paying from it confirms the place.
    pay.click()
    page.wait_for_url(re.compile(r"/_local/stripe/checkout/cs_"))
    page.get_by_role("button", name="Pay £200.00").click()
    page.wait_for_url(re.compile(r"checkout=success"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is confirmed")
    _no_horizontal_scroll(page)
    _shot(page, "11-phone-confirmed")
    status = requests.get(page.url.split("&")[0], timeout=30).json()
    assert status["status"] == "confirmed"


def test_an_employer_pays_by_invoice_on_the_stand_ins_invoice_page(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    course = stack.sample()
    page.goto(f"{stack.url}/courses/{course['course_id']}/apply")
    for name, value in {**ANSWERS, "email": "invoice.browser@example.org"}.items():
        page.locator(f"#{name}").fill(value)
    page.get_by_label("My employer will pay by invoice").check()
    for name, value in BILLING.items():
        page.locator(f"#{name}").fill(value)
    page.locator("#consent").check()
    _every_control_is_labelled(page)
    _shot(page, "12-invoice-form")
    page.get_by_role("button", name="Continue", exact=True).click()

    # No card payment: the status page says the employer has been invoiced.
    page.wait_for_url(re.compile(r"/applications/[^/]+\?token="))
    expect(page.get_by_role("heading", level=1)).to_have_text("We have invoiced your organisation")
    expect(page.locator("main")).to_contain_text("The invoice is due on")
    status_url = page.url
    _shot(page, "13-invoice-sent")

    # The billing contact opens the invoice: addressed to the employer, with the PO.
    page.get_by_role("link", name="View the invoice").click()
    page.wait_for_url(re.compile(r"/_local/stripe/invoices/in_"))
    invoice = page.locator("main")
    expect(invoice).to_contain_text("PO-77-BROWSER")
    expect(invoice).to_contain_text("Crimea Community Health NHS Trust")
    expect(invoice).to_contain_text("£200.00")
    page.get_by_role("link", name="Leave unpaid for now").click()
    expect(page.get_by_role("status")).to_contain_text("Left unpaid")
    assert requests.get(status_url, timeout=30).json()["status"] == "awaiting_invoice_payment"
    _shot(page, "14-invoice-page")

    page.get_by_role("button", name="Pay £200.00").click()
    expect(page.get_by_role("status")).to_contain_text("has been paid")
    _shot(page, "15-invoice-paid")

    page.goto(status_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is confirmed")
    expect(page.locator("main")).to_contain_text("Monday 7 June 2027, 15:00-17:00 BST")
    _shot(page, "16-invoice-confirmed")
