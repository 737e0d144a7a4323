"""A deployed function's clients send each request as our code built it: botocore's check of
every request against the service's model was a warm request's own time (about a millisecond of
an application's submission), and the shapes are checked already, by mypy on the typed stubs
and by the tests' own clients. A request that breaks the model is the service's to refuse."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.config import Config
from botocore.exceptions import ParamValidationError
from botocore.stub import Stubber

from booking import aws
from infra.local.aws import client as client_of_the_tests


@pytest.fixture
def region(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    aws.forget()
    yield
    aws.forget()


# A key whose string is a number: off the service's model.
OFF_THE_MODEL = {"TableName": "bookings", "Key": {"pk": {"S": 5}}}


@pytest.mark.usefixtures("region")
@pytest.mark.parametrize(
    "config", [None, Config(read_timeout=3)], ids=["as made", "given its own settings"]
)
def test_a_deployed_client_sends_the_request_unchecked(config: Config | None) -> None:
    dynamodb = aws.client("dynamodb", config=config)
    if config is not None:
        assert dynamodb.meta.config.read_timeout == 3
    with Stubber(dynamodb) as service:
        service.add_response("get_item", {}, None)
        dynamodb.get_item(**OFF_THE_MODEL)
        service.assert_no_pending_responses()


@pytest.mark.usefixtures("region")
def test_the_tests_clients_still_check_each_request() -> None:
    with pytest.raises(ParamValidationError):
        client_of_the_tests("dynamodb").get_item(**OFF_THE_MODEL)
