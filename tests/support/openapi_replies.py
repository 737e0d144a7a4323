"""Every answer the integration tests see, checked against the published OpenAPI document.

The operation is found by method and path template (a concrete path before a templated one it
also fits, as OpenAPI matches them), the response by status code, the media type by the
answer's Content-Type; a JSON body is validated with jsonschema (Draft 2020-12, the dialect of
OpenAPI 3.1) against the response's schema, with the document's components. An answer whose
status or media type the document does not list fails as well. Requests to no documented
operation (a wrong method or path: 404/405) have nothing to be checked against and pass through.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator

from booking.handlers.openapi import openapi_document
from booking.handlers.routes import concrete_first


@lru_cache(maxsize=1)
def _operations() -> tuple[tuple[str, re.Pattern[str], str, dict[str, Any]], ...]:
    found = []
    paths = openapi_document("").get("paths", {})
    for path in concrete_first(list(paths)):
        item = paths[path]
        pattern = re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$")
        for method, operation in item.items():
            found.append((method.upper(), pattern, path, operation))
    return tuple(found)


def operation_for(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    for wanted, pattern, template, operation in _operations():
        if wanted == method.upper() and pattern.match(path):
            return template, operation
    return None


def check_reply(
    method: str, path: str, status: int, content_type: str, body: str
) -> tuple[str, int] | None:
    """Raise AssertionError when the answer breaks the document; the (operation, status) checked."""
    found = operation_for(method, path.split("?", 1)[0])
    if found is None:
        return None
    template, operation = found
    label = f"{method} {template}"
    response = operation["responses"].get(str(status))
    assert response is not None, f"{label} answered {status}, which the document does not list"
    media_type = content_type.split(";", 1)[0].strip().lower()
    content = response.get("content")
    if not content:
        return label, status
    assert media_type in content, f"{label} {status}: {media_type!r} is not in {list(content)}"
    if media_type == "application/json":
        schema = {**content[media_type]["schema"], **_components()}
        errors = sorted(Draft202012Validator(schema).iter_errors(json.loads(body)), key=str)
        assert not errors, f"{label} {status} breaks its schema: " + "; ".join(
            f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]
        )
    return label, status


@lru_cache(maxsize=1)
def _components() -> dict[str, Any]:
    return {"components": openapi_document("")["components"]}
