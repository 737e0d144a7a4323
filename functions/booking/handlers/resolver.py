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

Powertools' event data classes' package is registered the same way: ``api_gateway`` imports
seven of its classes from the package, whose ``__init__`` imports every event source Powertools
knows (Kinesis, CloudWatch, Kafka, S3, SES, ...: 25 modules the HTTP resolver never uses, and
Powertools' middleware factory with them).
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

_EVENT_HANDLER = "aws_lambda_powertools.event_handler"
_DATA_CLASSES = "aws_lambda_powertools.utilities.data_classes"
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
# What ``api_gateway`` imports from the event data classes' package, by the submodule its
# __init__ takes each from.
DATA_CLASSES_SERVED = {
    "ALBEvent": "alb_event",
    "APIGatewayProxyEvent": "api_gateway_proxy_event",
    "APIGatewayProxyEventV2": "api_gateway_proxy_event",
    "BedrockAgentEvent": "bedrock_agent_event",
    "LambdaFunctionUrlEvent": "lambda_function_url_event",
    "VPCLatticeEvent": "vpc_lattice",
    "VPCLatticeEventV2": "vpc_lattice",
}


def _register_the_package_unloaded(name: str, served: dict[str, str]) -> None:
    """Put the package ``name`` in ``sys.modules`` without running its ``__init__``; a name
    in ``served`` is taken from the submodule it maps to, as the ``__init__`` takes it."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:  # pragma: no cover - Powertools is a dependency
        return
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def attribute(asked: str) -> Any:
        # A submodule (``from ...event_handler import content_types``, as Powertools' own
        # modules write it) is imported as such, and so is a name the __init__ takes from one
        # of its submodules that ``served`` names. Any other name is one the __init__ defines or
        # takes from elsewhere: run it (once, without this hook, so what it imports from itself
        # cannot come back here).
        if asked in served:
            return getattr(importlib.import_module(f"{name}.{served[asked]}"), asked)
        if importlib.util.find_spec(f"{name}.{asked}") is not None:
            return importlib.import_module(f"{name}.{asked}")
        vars(package).pop("__getattr__")
        loader.exec_module(package)
        return getattr(package, asked)

    vars(package)["__getattr__"] = attribute
    sys.modules[name] = package
    # As an import would: the parent (which find_spec imported) names its submodule.
    parent, _, child = name.rpartition(".")
    vars(sys.modules[parent])[child] = package


_register_the_package_unloaded(_EVENT_HANDLER, dict.fromkeys(FROM_API_GATEWAY, "api_gateway"))
_register_the_package_unloaded(_DATA_CLASSES, DATA_CLASSES_SERVED)

from aws_lambda_powertools.event_handler.api_gateway import (  # noqa: E402
    APIGatewayHttpResolver as APIGatewayHttpResolver,
)
from aws_lambda_powertools.event_handler.api_gateway import Response as Response  # noqa: E402
from aws_lambda_powertools.event_handler.middlewares import (  # noqa: E402
    NextMiddleware as NextMiddleware,
)
