"""The application form: its questions, and its errors said as what to do about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking.domain.addresses import CANNOT_DELIVER
from booking.domain.application import answer_limits
from booking.domain.course import Course, clock_words
from booking.domain.wording import FIELD_NAMES
from booking.handlers.pages.courses import closing_facts, course_facts
from booking.handlers.pages.templates import environment
from booking.handlers.sentences import capitalised

_LIMITS = answer_limits()


@dataclass(frozen=True)
class FormField:
    """A question on the form; its name is the glossary's (``domain.wording.FIELD_NAMES``), the
    one the emails, the console and the roster use, so a field is called the same everywhere."""

    name: str
    hint: str = ""
    multiline: bool = False
    required: bool = True
    input_type: str = "text"
    autocomplete: str = "off"
    missing: str = ""  # what to ask for when the field is left empty

    @property
    def name_said(self) -> str:
        return FIELD_NAMES[self.name]

    @property
    def label(self) -> str:
        return self.name_said if self.required else f"{self.name_said} (optional)"

    @property
    def max_length(self) -> int:
        return _LIMITS[self.name]


APPLICATION_FIELDS = (
    FormField("name", autocomplete="name", missing="Enter your full name"),
    FormField(
        "email",
        "We will send your confirmation and reminders here.",
        input_type="email",
        autocomplete="email",
        missing="Enter your email address",
    ),
    FormField("job_title", autocomplete="organization-title", missing="Enter your job title"),
    FormField(
        "organisation",
        "For example, the NHS trust, practice or service you work for.",
        autocomplete="organization",
        missing="Enter the organisation you work for",
    ),
    FormField(
        "leadership_role",
        "What do you lead? For example a team, a service or a programme of work. A few "
        "sentences is plenty.",
        multiline=True,
        missing="Tell us what you lead",
    ),
    FormField(
        "motivation",
        "Why would you like to join this course, and what do you hope to get from it? There "
        "are no right or wrong answers.",
        multiline=True,
        missing="Tell us why you would like to join this course",
    ),
    FormField(
        "accessibility_needs",
        "Anything that would help you take part fully, such as captions or breaks.",
        multiline=True,
        required=False,
    ),
)

# Shown when the course may be paid by invoice: what an accounts department needs. Their
# autocomplete tokens carry the ``billing`` section, so a browser fills them from a billing
# address, never with the applicant's own email or organisation.
BILLING_FIELDS = (
    FormField(
        "billing_name",
        "As the invoice should be addressed, for example St Elsewhere NHS Foundation Trust.",
        autocomplete="billing organization",
        missing="Enter the name the invoice should be addressed to",
    ),
    FormField(
        "billing_email",
        "Where the invoice is sent, usually your accounts payable team.",
        input_type="email",
        autocomplete="billing email",
        missing="Enter the email address the invoice should go to",
    ),
    FormField(
        "billing_address",
        "The postal address for the invoice.",
        multiline=True,
        autocomplete="billing street-address",
        missing="Enter the billing address",
    ),
    FormField(
        "po_number",
        "Printed on the invoice so your accounts team can match it.",
        required=False,
        missing="Enter your organisation's purchase order number",
    ),
)
DISCOUNT_FIELD = FormField("discount_code", "If you have been given one.", required=False)

CONSENT_LABEL = (
    "I agree that my answers are stored for this course and shared with its facilitators."
)
_FIELDS_BY_NAME = {
    field.name: field for field in (*APPLICATION_FIELDS, *BILLING_FIELDS, DISCOUNT_FIELD)
}


# Controls that are not questions, each with the one thing to say when it is wrong.
_FORM_WIDE_ERRORS = {
    "consent": "Tick the box to agree to how we use your answers",
    "website": "Something went wrong sending the form. Please try again",
}
_EMAIL_FIELDS = ("email", "billing_email")


def wrong_address(address: str = "an email address") -> str:
    """What every form says of text that is not an email address (the validator's words are
    not for people); ``address``: which one, when the form asks for several."""
    return f"Enter {address} in the correct format, like name@example.nhs.uk"


def friendly_error(name: str, reason: str, value: Any = None) -> str:
    """Turn a validation reason into a plain instruction saying how to put it right."""
    if name in _FORM_WIDE_ERRORS:
        return _FORM_WIDE_ERRORS[name]
    field = _FIELDS_BY_NAME.get(name)
    if field is None:
        return capitalised(reason)
    left_empty = value is not None and not str(value).strip()
    if ("required" in reason.lower() or left_empty) and field.missing:
        return field.missing
    if _says_what_to_do(name, reason):
        return capitalised(reason)
    return _instruction(field, reason)


def _says_what_to_do(name: str, reason: str) -> bool:
    """Reasons already written for the person: a code's or a card's refusal, and an address
    that is well formed but undeliverable (an accented letter before the @), where the reason
    says why and what to do, which "check the format" would not."""
    return (
        name == "discount_code"
        or (name == "payment_method" and "card" in reason.lower())
        or (name in _EMAIL_FIELDS and CANNOT_DELIVER in reason)
    )


def _instruction(field: FormField, reason: str) -> str:
    lowered = reason.lower()
    if "at most" in lowered or ("too long" in lowered and field.name != "email"):
        return f"{field.name_said} must be {field.max_length:,} characters or fewer"
    if field.name == "billing_email":
        # Beside the applicant's own address in one list of errors: say which is wrong.
        return wrong_address("the billing email address")
    if field.name in _EMAIL_FIELDS:
        return wrong_address()
    return f"{field.name_said}: {reason}"


def _ordered_errors(errors: dict[str, str], values: dict[str, Any]) -> list[dict[str, str]]:
    """Errors in the order their fields appear on the page, each with a link target."""
    order = [
        *(field.name for field in APPLICATION_FIELDS),
        "payment_method",
        *(field.name for field in BILLING_FIELDS),
        DISCOUNT_FIELD.name,
        "consent",
    ]
    ranked = sorted(errors, key=lambda n: order.index(n) if n in order else len(order))
    return [
        {
            "name": name,
            "message": friendly_error(name, errors[name], values.get(name, "")),
            "href": f"#{name}" if name in order else "",
        }
        for name in ranked
    ]


def apply_form(
    course: Course,
    now: datetime,
    action: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    *,
    invoice_offered: bool | None = None,
    group_invoice_offered: bool | None = None,
) -> str:
    """``invoice_offered``: paying by invoice may be chosen now (``invoicing.invoice_offered``;
    None: as the course allows, for a page drawn without the clock's due-date rule);
    ``group_invoice_offered``: likewise on a manager's form for several places, which the
    page's link to it says."""
    listed = _ordered_errors(errors or {}, values or {})
    return form_page(
        "pages/apply.html",
        listed,
        **course_form(course, now, action, values or {}, invoice_offered=invoice_offered),
        capacity=course.definition.capacity,
        # The manager's form for several named places (``handlers.pages.groups``).
        group_booking_url=action.removesuffix("/applications") + "/group-booking",
        group_invoice_offered=course.definition.invoice_allowed
        if group_invoice_offered is None
        else group_invoice_offered,
        fields=APPLICATION_FIELDS,
        discount_field=DISCOUNT_FIELD,
        consent_label=CONSENT_LABEL,
    )


def course_form(
    course: Course,
    now: datetime,
    action: str,
    values: dict[str, Any],
    *,
    invoice_offered: bool | None = None,
) -> dict[str, Any]:
    """What a form to book on ``course`` shows of it (the application form, a manager's form
    for several places): its facts and places, and how it may be paid (by invoice only when
    ``invoice_offered``: allowed, and not too close to the start)."""
    definition = course.definition
    return {
        "course": course_facts(course),
        "status": course.status(now).value,
        "places_left": course.places_for_newcomer(now),
        **closing_facts(course, now),
        "clock": clock_words(definition.timezone),  # whose clock its times are on
        "approval_required": definition.approval_required,
        # Core sessions a completer attends (None: no register kept, nothing to say).
        "completion_needed": definition.completion_min_sessions,
        "action": action,
        "invoice_allowed": definition.invoice_allowed
        if invoice_offered is None
        else invoice_offered,
        "po_required": definition.po_required,
        "billing_fields": BILLING_FIELDS,
        "paying_by_invoice": values.get("payment_method") == "invoice",
        "values": values,
    }


def form_page(template: str, listed: list[dict[str, str]], **context: Any) -> str:
    """A form page with its errors: ``listed`` in the summary at its top (``name``,
    ``message``, ``href``), and each beside its field."""
    return (
        environment()
        .get_template(template)
        .render(
            **context,
            error_list=listed,
            errors={item["name"]: item["message"] for item in listed},
        )
    )
