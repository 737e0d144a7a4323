"""Shard 2 of the lifecycle machine (test_lifecycle_machine.py says why it is sharded)."""

import pytest

from tests.property.test_lifecycle_machine import shard_case

pytestmark = pytest.mark.timeout(3600)  # as the machine's first shard


@pytest.mark.usefixtures("_no_real_aws")
class TestBookingLifecycleShard2(shard_case(2)):  # type: ignore[misc]
    pass
