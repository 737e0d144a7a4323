"""The booking system's functions (``booking.handlers``: one module per Lambda function).

In Lambda, the cyclic garbage collector is paused from the first import of this package until
:func:`booking.bootstrap.at_cold_start` freezes what the init made and resumes it. An init makes
only what lives as long as the environment (modules, classes, clients): the collector's passes
over it during the imports find nothing to free, and cost a Lambda function about a tenth of its
init (tests/unit/test_init_collector.py). In Lambda too, pydantic does not look for plugins:
none is deployed, and looking reads every installed package's metadata during the first
model's build (2 to 3 ms of each init). And in Lambda, dataclasses' generated methods, typing's
forward references, named tuples' ``__new__`` and the regular expressions an init compiles are
not compiled again as each is made: the asset carries their code (``booking.dataclass_code``);
and its modules are found from the index the asset carries, not looked for along ``sys.path``
(``booking.module_index``), first thing, so every module after this one is.
Outside Lambda (tests, the local stack, the CLI) nothing changes.
"""

import gc
import os

if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or os.environ.get("BOOKING_RECORD_DATACLASS_CODE"):
    from booking import module_index

    module_index.install()
if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    gc.disable()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or os.environ.get("BOOKING_RECORD_DATACLASS_CODE"):
    from booking import dataclass_code

    dataclass_code.use_recorded()
