"""AWS clients and secrets on botocore alone, one session per container.

The functions call DynamoDB, SQS, SES and Secrets Manager through low-level clients, which are
botocore's: boto3 adds resources and S3 transfers, and importing it loads s3transfer,
``multiprocessing`` and ``concurrent.futures`` besides (about 20 ms of every cold start on
Lambda's Python 3.13, bench/coldstart.py). Powertools' parameters utility would import boto3 for
the first secret read, so secrets are read here too, kept as long as it kept them (5 minutes).

Clients are made at init (``booking.bootstrap``); a secret is read on first use, never at
init (a SnapStart snapshot holds no secret: tests/unit/test_snapshot_safety.py).

Before it makes a client, botocore checks that the service is one its data holds, by listing
every service's directory (about 450 of them, each for its versions and their files: two such
walks of 5 to 7 ms CPU at each init, one for the service model and one for the endpoint rules).
The session's loader here answers that check for the one service asked about, from that
service's own directory (which botocore reads next anyway); listing all of them, for an unknown
service's error, is botocore's own walk (``ServicesFound``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property, lru_cache
from typing import Any, overload

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, DataNotFoundError
from botocore.loaders import Loader

# How long a secret read is kept before it is read again (Powertools' get_secret(max_age=300)).
SECRET_MAX_AGE_SECONDS = 300.0

_secrets: dict[str, tuple[str, float]] = {}


class SecretUnavailable(Exception):
    """Secrets Manager could not give the secret (busy, unreachable, refused or missing)."""


class ServicesFound(Sequence[str]):
    """The services botocore's data holds a model of one type for (``service-2``, ...), as
    ``Loader.list_available_services`` answers them; ``in`` looks at the one service's
    directory, and only a listing walks them all (botocore's own walk)."""

    def __init__(self, loader: Loader, type_name: str, walk: Callable[[str], list[str]]) -> None:
        self._loader = loader
        self._type_name = type_name
        self._walk = walk

    def __contains__(self, service: object) -> bool:
        if not isinstance(service, str):
            return False
        try:
            # botocore's test of each directory the walk lists (and its call next: cached).
            self._loader.list_api_versions(service, self._type_name)
        except DataNotFoundError:
            return False
        return True

    @cached_property
    def _every(self) -> list[str]:
        return self._walk(self._type_name)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._every[index]

    def __len__(self) -> int:
        return len(self._every)

    def __iter__(self) -> Iterator[str]:
        return iter(self._every)


class ServicesLookup:
    """``Loader.list_available_services`` answering ``ServicesFound`` (one for each model type),
    in place of botocore's walk, which it keeps for a listing."""

    def __init__(self, loader: Loader) -> None:
        self._loader = loader
        self._walk: Callable[[str], list[str]] = loader.list_available_services
        self._found: dict[str, ServicesFound] = {}

    def __call__(self, type_name: str) -> ServicesFound:
        found = self._found.get(type_name)
        if found is None:
            found = self._found[type_name] = ServicesFound(self._loader, type_name, self._walk)
        return found


def look_services_up_one_at_a_time(loader: Loader) -> None:
    """Give ``loader`` a ``ServicesLookup`` (once: a loader may serve several sessions)."""
    if not isinstance(vars(loader).get("list_available_services"), ServicesLookup):
        loader.list_available_services = ServicesLookup(loader)  # type: ignore[method-assign, assignment]


@lru_cache(maxsize=1)
def session() -> botocore.session.Session:
    """This container's botocore session: its region, credentials and endpoints from the
    environment, as boto3's default session reads them; its loader checks a client's service
    without listing every service (the module's docstring)."""
    made = botocore.session.get_session()
    look_services_up_one_at_a_time(made.get_component("data_loader"))
    return made


# A deployed function's clients send each request as our code built it, unchecked by botocore
# against the service's model (parameter validation): the shapes are the typed stubs' (mypy
# checks every call) and the tests' clients check them again at run time (infra.local.aws),
# while in a warm function the check was the request's own time, growing with its items: a
# transaction of four 30-attribute puts took about a millisecond of an application's
# submission. A request that breaks the model is refused by the service instead.
DEPLOYED_CONFIG = Config(parameter_validation=False)


def client(service: str, config: Config | None = None) -> Any:
    """A client of ``service`` on this container's session, with ``DEPLOYED_CONFIG`` and
    ``config`` over it."""
    merged = DEPLOYED_CONFIG if config is None else DEPLOYED_CONFIG.merge(config)
    return session().create_client(service, config=merged)


def secret(name: str) -> str | bytes:
    """The secret's current value, read at most once every five minutes."""
    now = time.monotonic()
    kept = _secrets.get(name)
    if kept is not None and kept[1] > now:
        return kept[0]
    try:
        answer = _secrets_manager().get_secret_value(SecretId=name)
    except (BotoCoreError, ClientError) as exc:
        raise SecretUnavailable(name) from exc
    value: str | bytes = answer.get("SecretString") or answer.get("SecretBinary") or ""
    if isinstance(value, str) and value:
        _secrets[name] = (value, now + SECRET_MAX_AGE_SECONDS)
    return value


@lru_cache(maxsize=1)
def _secrets_manager() -> Any:
    return client("secretsmanager")


def forget() -> None:
    """Forget the session, its clients and the secrets read (the environment changed)."""
    _secrets.clear()
    _secrets_manager.cache_clear()
    session.cache_clear()
