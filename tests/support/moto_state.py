"""moto's whole state, kept as a copy and put back: the `system` fixture's fresh start, made once.

Every integration test starts from the same AWS: the table, the email queue with its DLQ, the SES
sender, and the sample course saved in the table. Making that anew cost each test about 40 ms of
moto calls (``provision``, then ``put_course``'s transaction), most of a test's set-up, on some
1,300 tests; putting a copy back costs under 2 ms. moto keeps its state in plain objects (a
backend per service, account and region), so the state once made is copied, and each test
starts on a copy of that copy: nothing a test writes reaches the kept copy, or the next test.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from threading import Condition
from typing import Any, TypeVar

from infra.local.aws import LocalResources, as_made, bind_local_resources, provision

Harness = TypeVar("Harness")

# Backends left out of the copy: moto makes IAM's for every partition on first use, holding only
# AWS's own managed policies (nothing here writes to IAM); one made again when a test first asks
# holds the same, and copying about a thousand policies six times would cost more than it saves.
_NOT_KEPT = frozenset({"iam"})


@dataclass(frozen=True)
class MotoState:
    """Every moto backend that held something when the copy was taken, by where it lives."""

    backends: tuple[tuple[Any, str, str, Any], ...]  # (BackendDict, account, region, backend)


@dataclass(frozen=True)
class _Start:
    """What the `system` fixture starts from, for one day's sample course."""

    day: date
    resources: LocalResources
    provisioned: MotoState  # as ``provision`` left it
    loaded: MotoState  # then the sample course saved


# This process's start, once made (the sample course moves with the day: made again then).
_kept: list[_Start] = []


def started(
    day: date,
    build: Callable[[LocalResources], Harness],
    load_sample: Callable[[Harness], None],
) -> Harness:
    """The harness ``build`` makes on newly provisioned resources, then the sample course
    ``load_sample`` saves through it (``day``: the date it is moved to the future from).

    The first time (and on a new day), exactly that; after it, the same from the copies kept:
    the provisioned state put back, the harness built on it (its stream relay finds the stream
    empty, as it did), then the state after the course was saved put back (the relay's first
    pump delivers the course's records, as it did)."""
    kept = next((start for start in _kept if start.day == day), None)
    if kept is None:
        resources = provision()
        provisioned = taken()
        harness = build(resources)
        load_sample(harness)
        _kept[:] = [_Start(day, resources, provisioned, taken())]
        return harness
    # What ``provision`` does besides making the resources: the clients as they were made,
    # and the recorder told which resource of the stack each local one stands for.
    as_made()
    resources = kept.resources
    bind_local_resources(resources.table_name, resources.email_queue_url, resources.email_dlq_url)
    put_back(kept.provisioned)
    harness = build(resources)
    put_back(kept.loaded)
    return harness


def taken() -> MotoState:
    """A copy of moto's state as it is now (of the mock that is running)."""
    from moto.core.base_backend import BackendDict

    places = [
        (service, account, region, backend)
        # moto keeps its registry of backends as a generic class attribute, which mypy will not
        # read through the class (moto's own code ignores the same error).
        for service in BackendDict._instances  # type: ignore[misc]
        if service.service_name not in _NOT_KEPT
        for account, region, backend in service.iter_backends()
    ]
    copies = _copied([backend for *_, backend in places])
    return MotoState(tuple((*place[:3], made) for place, made in zip(places, copies, strict=True)))


def put_back(state: MotoState) -> None:
    """moto's state as it was when ``state`` was taken: each backend in it replaced by a new copy
    (of the mock that is running; a backend ``state`` does not hold is left as it is)."""
    copies = _copied([backend for *_, backend in state.backends])
    for (service, account, region, _), made in zip(state.backends, copies, strict=True):
        # The account's dict (made, and its service registered to be reset when the mock
        # stops, by asking for it), then the region's backend set in it as moto sets one.
        dict.__setitem__(service[account], region, made)


def _copied(backends: list[Any]) -> list[Any]:
    """A deep copy of ``backends``, in one pass (a backend that refers to another, as SES v2's
    does to SES's, refers to the other's copy). An SQS queue's lock is not copied: each copy of
    a queue gets a new one, unheld, as a new queue has."""
    memo: dict[int, Any] = {}
    for backend in backends:
        for queue in getattr(backend, "queues", {}).values():
            lock = getattr(queue, "_messages_lock", None)
            if lock is not None:
                memo[id(lock)] = Condition()
    copied: list[Any] = copy.deepcopy(backends, memo)
    return copied
