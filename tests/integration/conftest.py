"""Fixtures the integration tests share beyond the suite's own (``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from moto import mock_aws

from infra.local.aws import provision
from tests.support import cli
from tests.support.cli import at_the_terminal
from tests.support.cohorts import Cohorts
from tests.support.console import ConsoleBrowser, signed_in
from tests.support.invoiced import invoiced_cohort
from tests.support.system import System


@pytest.fixture
def run(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str]]:
    """``course-booking ARGS`` over the in-process front, signed with the organiser token: its
    exit status and all it printed (``tests/support/cli.py``)."""
    return at_the_terminal(system, monkeypatch, capsys)


@pytest.fixture
def terminal(system: System, monkeypatch: pytest.MonkeyPatch) -> System:
    """``system`` whose front answers the CLI (``cli.run`` for what it prints, out and err
    apart)."""
    cli.connect(system, monkeypatch)
    return system


@pytest.fixture
def invoiced(system: System) -> System:
    """``system`` with the invoiced cohort loaded, purchase orders required and five places:
    the group and erasure tests' cohort (a module whose cohort differs defines its own)."""
    return invoiced_cohort(system, po_required=True, capacity=5)


@pytest.fixture
def cohorts(system: System) -> Cohorts:
    """``system`` with the move tests' cohorts loaded (:class:`Cohorts`: spring to winter, a
    full one, a closed one and another programme's)."""
    return Cohorts(system)


@pytest.fixture
def browser(system: System) -> ConsoleBrowser:
    """A console browser signed in with the organiser token (``tests/support/console.py``)."""
    return signed_in(system)


@pytest.fixture
def table() -> Iterator[str]:
    """The local stack's one table on moto, made as ``make run`` makes it (its stream on): its
    name; moto's state goes when the test ends."""
    with mock_aws():
        yield provision().table_name
