"""Powertools' HTTP API resolver, without the other resolvers its package's ``__init__`` loads.

``aws_lambda_powertools.event_handler`` imports every resolver it has when it is first imported
(AppSync's two, Bedrock's, VPC Lattice's, Lambda URLs', a local HTTP server's), and AppSync's
import ``asyncio``, ``ssl``, ``subprocess`` and ``concurrent.futures`` with them: 65 modules
and about a tenth of the floor's CPU time in the init of each function with routes (api, admin,
console), none of which serves one. Importing ``event_handler.api_gateway`` alone still runs
the package's ``__init__`` first, as Python imports a package before its submodules; so, when
nothing has imported the package yet, this module registers it without running that
``__init__``: a module with the package's own spec and path, from which its submodules import
as usual. Anything else asked of the package itself (``from
aws_lambda_powertools.event_handler import AppSyncResolver``, in a test or a later version of
ours) runs the real ``__init__`` then, in the same module, and gets its answer: the package
behaves as Powertools wrote it, only later. Every function imports the resolver from here.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

_PACKAGE = "aws_lambda_powertools.event_handler"
# What the package's __init__ takes from its HTTP resolvers' module (Powertools' own modules
# import some of them from the package: ``event_handler.types``, under the middlewares).
FROM_API_GATEWAY = frozenset(
    {
        "ALBResolver",
        "APIGatewayHttpResolver",
        "ApiGatewayResolver",
        "APIGatewayRestResolver",
        "CORSConfig",
        "Response",
    }
)


def _register_the_package_unloaded() -> None:
    if _PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.loader is None:  # pragma: no cover - Powertools is a dependency
        return
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def attribute(name: str) -> Any:
        # A submodule (``from ...event_handler import content_types``, as Powertools' own
        # modules write it) is imported as such, and so is a name the __init__ takes from the
        # HTTP resolvers' module. Any other name is one the __init__ defines: run it (once,
        # without this hook, so what it imports from itself cannot come back here).
        if name in FROM_API_GATEWAY:
            return getattr(importlib.import_module(f"{_PACKAGE}.api_gateway"), name)
        if importlib.util.find_spec(f"{_PACKAGE}.{name}") is not None:
            return importlib.import_module(f"{_PACKAGE}.{name}")
        vars(package).pop("__getattr__")
        loader.exec_module(package)
        return getattr(package, name)

    vars(package)["__getattr__"] = attribute
    sys.modules[_PACKAGE] = package
    # As an import would: the parent (which find_spec imported) names its submodule.
    vars(sys.modules["aws_lambda_powertools"])["event_handler"] = package


_register_the_package_unloaded()

from aws_lambda_powertools.event_handler.api_gateway import (  # noqa: E402
    APIGatewayHttpResolver as APIGatewayHttpResolver,
)
from aws_lambda_powertools.event_handler.api_gateway import Response as Response  # noqa: E402
from aws_lambda_powertools.event_handler.middlewares import (  # noqa: E402
    NextMiddleware as NextMiddleware,
)
