"""Email addresses the mail service can deliver to, in the one form the system stores.

Amazon SES sends to ASCII local parts and ASCII (punycode) domains only: an address with an
accented letter before the @ cannot be delivered, and a Unicode domain must travel as its IDNA
form (``zoe@bücher.example`` is sent as ``zoe@xn--bcher-kva.example``). An address accepted here
is checked by ``email-validator`` (the library pydantic's ``EmailStr`` is built on) and stored
normalised, so every comparison, key and email afterwards uses the same deliverable spelling.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints, ValidationInfo, WithJsonSchema

MAX_ADDRESS_LENGTH = 254  # RFC 5321's limit on a forward path, and SES's


# Starts the reason given for an address that is well formed but cannot be delivered, so that
# pages can show that explanation instead of a generic "check the format".
CANNOT_DELIVER = "our email service cannot deliver to"
# Starts the reason given for text that is not an address at all (pages say the format instead).
NOT_AN_ADDRESS = "not a valid email address"


class UndeliverableAddress(ValueError):
    """The text is not an address the mail service can deliver to; ``str()`` says why."""


# Domains no mail is ever delivered to: ``.invalid`` is reserved for that (RFC 6761), and
# ``invalid.example`` is the domain of the address every erased person's record carries
# (``domain.statuses.ERASED_EMAIL``): nobody can be reached there, and an application under it
# would be taken for an erased person's. Said in words, before the validator's generic refusal.
RESERVED_DOMAINS = ("invalid", "invalid.example")


# Pass as the validation context when reading back what this system stored: every address in
# it was checked on the way in, so reading a course or an application never pays for the check
# (nor for importing email-validator, a noticeable share of a function's cold start).
STORED = {"stored": True}


def read_back(info: ValidationInfo) -> bool:
    """Whether this validation reads back what this system stored (``STORED`` its context):
    a rule of its day is then not applied again (one test, not five copies)."""
    return isinstance(info.context, dict) and bool(info.context.get(next(iter(STORED))))


def _checked(value: str, info: ValidationInfo) -> str:
    if read_back(info):
        return value
    return deliverable_address(value)


def deliverable_address(value: str) -> str:
    """``value`` as SES will accept it (IDNA domain in punycode), or :class:`UndeliverableAddress`.

    The local part is kept exactly as typed: only the receiving server may decide that
    ``Jo.Smith`` and ``jo.smith`` are the same mailbox. Domains are case-insensitive and
    lower-cased by the validator.
    """
    domain = value.rpartition("@")[2].strip().rstrip(".").lower()
    if any(domain == reserved or domain.endswith(f".{reserved}") for reserved in RESERVED_DOMAINS):
        raise UndeliverableAddress(
            f"{CANNOT_DELIVER} addresses at {domain}: that name is reserved for addresses "
            "nobody can be reached at. Please give another address"
        )
    if "=?" in value and "?=" in value:
        # A MIME encoded word (=?utf-8?b?YQ==?=): mail software decodes it in the To header,
        # so the mail would reach another address than the one on record.
        raise UndeliverableAddress(
            f"{CANNOT_DELIVER} an address holding an encoded word (=?...?=): mail software "
            "reads it as another address. Please give the address as it is spelt"
        )
    # Imported on first use: only requests that take an address in need the validator.
    from email_validator import EmailNotValidError, validate_email

    try:
        # SMTPUTF8 allowed here only so that a non-ASCII local part is recognised as such and
        # gets its own explanation below, instead of a generic syntax message.
        checked = validate_email(
            value,
            allow_smtputf8=True,
            allow_display_name=False,
            check_deliverability=False,  # no DNS lookups inside a request
            strict=True,  # enforce the 64-octet local part SMTP servers refuse beyond
        )
    except EmailNotValidError as exc:
        raise UndeliverableAddress(f"{NOT_AN_ADDRESS}: {_sentence(str(exc))}") from None
    if checked.smtputf8 or checked.ascii_email is None:
        accented = "".join(sorted({ch for ch in checked.local_part if not ch.isascii()}))
        raise UndeliverableAddress(
            f"{CANNOT_DELIVER} an address with {accented!r} before the @: "
            "only unaccented letters, digits and plain punctuation can be used there. "
            "Please give another address"
        )
    return checked.ascii_email


def _sentence(reason: str) -> str:
    reason = reason.strip().rstrip(".")
    return reason[:1].lower() + reason[1:]


DeliverableEmail = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ADDRESS_LENGTH),
    AfterValidator(_checked),
    # The published schema (OpenAPI) still says what this is: an email address.
    WithJsonSchema({"type": "string", "format": "email", "maxLength": MAX_ADDRESS_LENGTH}),
]
"""An address SES can deliver to, stored in its ASCII form: the one email type of the domain."""
