"""The one Idempotency-Key rule (``domain.idempotency``): addresses compared in lower case,
fingerprints stored before that still matched, and a retry after an erasure told the truth."""

from __future__ import annotations

import hashlib
import json

import pytest

from booking.domain.application_form import ApplicationForm
from booking.domain.errors import Conflict
from booking.domain.group_form import GroupForm
from booking.domain.idempotency import fingerprint, matches, refuse_unless_retry
from tests.support.applications import application_body
from tests.support.group_bookings import GROUP_FORM


def _as_stored_before(form: ApplicationForm | GroupForm) -> str:
    """A fingerprint as it was made before addresses were compared in lower case."""
    canonical = json.dumps(form.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_an_address_in_other_case_is_the_same_request() -> None:
    group = GroupForm.model_validate(GROUP_FORM)
    shouted = GroupForm.model_validate(
        GROUP_FORM
        | {
            "manager_email": "Florence@Example.org",
            "colleagues": [{"name": "Mary Seacole", "email": "MARY@example.org"}],
        }
    )
    assert fingerprint(group) == fingerprint(shouted)
    one = ApplicationForm.model_validate(application_body())
    assert fingerprint(one) == fingerprint(
        ApplicationForm.model_validate(application_body(email="Ada@Example.org"))
    )
    # Other words are other answers still.
    other = GroupForm.model_validate(GROUP_FORM | {"organisation": "St Elsewhere Trust"})
    assert fingerprint(group) != fingerprint(other)


def test_a_fingerprint_stored_the_old_way_still_matches_its_own_retry() -> None:
    form = GroupForm.model_validate(GROUP_FORM | {"manager_email": "Florence@example.org"})
    stored = _as_stored_before(form)
    assert stored != fingerprint(form)
    assert matches(stored, form)
    refuse_unless_retry(stored, form, "a group booking")  # answered as the first was
    # The old digest kept the case as typed: only that spelling matches it.
    lower = GroupForm.model_validate(GROUP_FORM)
    assert not matches(stored, lower)


def test_other_answers_are_refused_as_other_answers() -> None:
    first = fingerprint(ApplicationForm.model_validate(application_body()))
    other = ApplicationForm.model_validate(application_body(name="Someone Else"))
    with pytest.raises(Conflict) as refused:
        refuse_unless_retry(first, other, "an application")
    assert refused.value.code == "idempotency_key_reused"
    assert "with other answers" in str(refused.value)


@pytest.mark.parametrize("made", ["an application", "a group booking"])
def test_a_retry_after_an_erasure_is_told_the_booking_exists_and_was_partly_erased(
    made: str,
) -> None:
    form = GroupForm.model_validate(GROUP_FORM)
    with pytest.raises(Conflict) as refused:
        refuse_unless_retry(None, form, made, erased=True)
    said = str(refused.value)
    assert refused.value.code == "idempotency_key_reused"
    assert "other answers" not in said
    assert f"already made {made}, which exists" in said
    assert "partly erased" in said
    assert "nothing was changed" in said


def test_a_first_request_whose_answers_were_not_kept_is_not_said_to_differ() -> None:
    with pytest.raises(Conflict) as refused:
        refuse_unless_retry(None, GroupForm.model_validate(GROUP_FORM), "a group booking")
    said = str(refused.value)
    assert "other answers" not in said
    assert "was not kept" in said
