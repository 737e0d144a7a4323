"""An address holding a MIME encoded word (``=?utf-8?b?YQ==?=@example.org``) is refused in the
one address rule: mail software decodes it in the To header, so the mail would
reach ``a@example.org``, another inbox than the one on record."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from booking.domain.addresses import UndeliverableAddress, deliverable_address
from booking.domain.application import ApplicationForm
from booking.domain.group_form import GroupForm
from tests.support.register_steps import answers

ENCODED = [
    "=?utf-8?b?YQ==?=@example.org",
    "=?utf-8?q?x?=@example.org",
    "a=?UTF-8?B?YQ==?=b@example.org",
]


@pytest.mark.parametrize("address", ENCODED)
def test_an_encoded_word_address_is_refused_in_words(address: str) -> None:
    with pytest.raises(UndeliverableAddress) as refused:
        deliverable_address(address)
    assert "encoded word" in str(refused.value)


@pytest.mark.parametrize("address", ["a=b@example.org", "q?x@example.org", "x=?@example.org"])
def test_an_equals_sign_or_question_mark_alone_is_still_an_address(address: str) -> None:
    assert deliverable_address(address) == address


@pytest.mark.parametrize("address", ENCODED)
def test_every_address_field_refuses_it(address: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ApplicationForm.model_validate(answers(address))
    assert [e["loc"] for e in refused.value.errors()] == [("email",)]
    group = {
        "manager_name": "Mo Manager",
        "manager_email": address,
        "organisation": "Org",
        "colleagues": [{"name": "Col League", "email": address}],
        "consent": True,
    }
    with pytest.raises(ValidationError) as refused:
        GroupForm.model_validate(group)
    locations = {e["loc"] for e in refused.value.errors()}
    assert {("manager_email",), ("colleagues", 0, "email")} <= locations
