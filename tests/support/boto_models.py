"""One botocore loader for the whole test process.

botocore reads and parses its JSON models (each service's API, the endpoints, the partitions)
once per *session*, and every test makes new sessions: ``mock_aws`` replaces boto3's default
session each time it starts, and ``infra.local.aws.provision`` opens its own. Parsing those
files was about a third of a second per test that starts moto, on every integration test and
every example of the lifecycle machine. The models never change within a process, so every
session is handed the same loader, with what it has parsed already.
"""

from __future__ import annotations

import functools

import botocore.loaders
import botocore.session


def share_botocore_loader() -> None:
    """Make every botocore session in this process use one loader per data path."""
    if isinstance(botocore.session.create_loader, functools._lru_cache_wrapper):
        return
    botocore.session.create_loader = functools.lru_cache(maxsize=None)(
        botocore.loaders.create_loader
    )
