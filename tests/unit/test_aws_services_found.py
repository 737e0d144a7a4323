"""The session's loader checks a client's service from that service's directory alone
(booking.aws.ServicesFound): botocore's walk of every service's directory (about 450) is left out
of making a client, and the loader's answers are botocore's own."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import botocore.loaders
import pytest
from botocore.exceptions import UnknownServiceError

from booking import aws


@pytest.fixture
def fresh_session(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    aws.forget()
    yield
    aws.forget()


def _counting_listdir(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    listed: list[str] = []
    listdir: Callable[..., list[str]] = os.listdir

    def counted(path: str) -> list[str]:
        listed.append(path)
        return listdir(path)

    monkeypatch.setattr("botocore.loaders.os.listdir", counted)
    return listed


def test_loading_a_service_model_lists_its_own_service_not_every_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loader = botocore.loaders.Loader()  # not the tests' shared one, which has read it already
    aws.look_services_up_one_at_a_time(loader)
    listed = _counting_listdir(monkeypatch)
    model = loader.load_service_model("dynamodb", "service-2")
    assert model["metadata"]["endpointPrefix"] == "dynamodb"
    # botocore's walk listed every service's directory (over 400 of them) for each model type.
    assert 0 < len(listed) < 10, listed


@pytest.mark.usefixtures("fresh_session")
def test_the_sessions_loader_answers_as_botocores_own() -> None:
    loader = aws.session().get_component("data_loader")
    aws.forget()
    aws.session()  # a loader serving a second session is looked up through once
    assert isinstance(vars(loader)["list_available_services"], aws.ServicesLookup)
    standard = botocore.loaders.Loader()
    for type_name in ("service-2", "endpoint-rule-set-1", "paginators-1"):
        every = standard.list_available_services(type_name)
        found = loader.list_available_services(type_name)
        assert isinstance(found, aws.ServicesFound)
        assert len(every) > 100
        assert all(service in found for service in every)
        assert "no-such-service" not in found
        assert list(found) == every
        assert found[:2] == every[:2]


@pytest.mark.usefixtures("fresh_session")
def test_an_unknown_service_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(UnknownServiceError) as refused:
        aws.client("no-such-service")
    assert "no-such-service" in str(refused.value)
    assert "dynamodb" in str(refused.value)
