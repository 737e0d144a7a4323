"""Write the API reference (docs/API.md) from the OpenAPI document the API serves.

    python -m infra.api_reference > docs/API.md     (or: make docs)

One source: the document built by ``booking.handlers.openapi``; a test fails when the committed
file differs from what this prints, so the reference cannot drift from the API.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from booking.handlers.openapi import openapi_document

_METHODS = ("get", "put", "post", "delete")


def _schema_name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return f"`{schema['$ref'].rsplit('/', 1)[-1]}`"
    if schema.get("type") == "array" and "items" in schema:
        return f"array of {_schema_name(schema['items'])}"
    return f"`{schema.get('type', 'any')}`"


def _cell(text: str) -> str:
    # A pipe ends a table cell even inside a code span (a pattern's alternatives) unless escaped.
    return text.replace("|", "\\|")


def _field_table(schema: dict[str, Any]) -> list[str]:
    """An object's fields, one a row; fields named by a pattern (numbered form rows) last."""
    required = set(schema.get("required", []))
    lines = ["| field | required | schema |", "| --- | --- | --- |"]
    for field, definition in schema["properties"].items():
        shown = _cell(
            json.dumps({k: v for k, v in definition.items() if k != "title"}, sort_keys=True)
        )
        lines.append(f"| `{field}` | {field in required} | `{shown}` |")
    for pattern, definition in schema.get("patternProperties", {}).items():
        shown = _cell(json.dumps(definition, sort_keys=True))
        lines.append(f"| any matching `{_cell(pattern)}` | False | `{shown}` |")
    return lines


def _body(content: dict[str, Any]) -> list[str]:
    """A request body: its schema's name, or for a form (an inline object) its fields."""
    if not any(body["schema"].get("properties") for body in content.values()):
        return [f"Body: {_content(content)}", ""]
    lines = []
    for media, body in content.items():
        schema = body["schema"]
        if schema.get("properties"):
            lines += [f"Body ({media}):", "", *_field_table(schema), ""]
        else:
            lines += [f"Body ({media}): {_schema_name(schema)}", ""]
    return lines


def _needs(operation: dict[str, Any], schemes: dict[str, Any]) -> list[str]:
    """What an operation's security asks for, in words (each option is enough alone)."""
    needed = [schemes[name] for option in operation.get("security", []) for name in option]
    if not needed:
        return []
    if all(scheme["type"] == "apiKey" for scheme in needed):
        cookies = ", ".join(f"`{scheme['name']}`" for scheme in needed)
        return [f"Needs a console session (the {cookies} cookie, see *Authentication*).", ""]
    return ["Needs an organiser bearer token (see *Authentication*).", ""]


def _scheme(name: str, scheme: dict[str, Any]) -> str:
    kind = (
        f"{scheme['type']} {scheme['scheme']}"
        if scheme["type"] == "http"
        else f"{scheme['type']} in {scheme['in']} `{scheme['name']}`"
    )
    return f"- `{name}` ({kind}): {scheme['description']}"


def _content(content: dict[str, Any]) -> str:
    return ", ".join(f"{media} {_schema_name(body['schema'])}" for media, body in content.items())


def _operation(
    method: str, path: str, operation: dict[str, Any], schemes: dict[str, Any]
) -> list[str]:
    lines = [f"### `{method.upper()} {path}`", ""]
    for text in (operation.get("summary"), operation.get("description")):
        if text:
            lines += [text, ""]
    lines += _needs(operation, schemes)
    parameters = operation.get("parameters", [])
    if parameters:
        lines += [
            "| parameter | in | required | schema | description |",
            "| --- | --- | --- | --- | --- |",
        ]
        for p in parameters:
            schema = _cell(json.dumps(p["schema"], sort_keys=True))
            described = _cell(p.get("description", ""))
            lines.append(
                f"| `{p['name']}` | {p['in']} | {p['required']} | `{schema}` | {described} |"
            )
        lines.append("")
    body = operation.get("requestBody")
    if body:
        lines += _body(body["content"])
    lines += ["| status | answer |", "| --- | --- |"]
    for status, answer in operation["responses"].items():
        content = _content(answer["content"]) if answer.get("content") else "no body"
        lines.append(f"| {status} | {answer['description']}: {content} |")
    return [*lines, ""]


def _schema(name: str, schema: dict[str, Any]) -> list[str]:
    lines = [f"### `{name}`", ""]
    if schema.get("description"):
        lines += [" ".join(str(schema["description"]).split()), ""]
    properties = schema.get("properties")
    if not properties:
        return [*lines, "```json", json.dumps(schema, indent=2, sort_keys=True), "```", ""]
    return [*lines, *_field_table(schema), ""]


def reference() -> str:
    document = openapi_document("")
    info = document["info"]
    lines = [
        f"# {info['title']} (OpenAPI {document['openapi']}, version {info['version']})",
        "",
        "Generated by `python -m infra.api_reference` from the document the API serves at",
        "`GET /openapi.json`; do not edit by hand (`make docs` rewrites it, a test compares).",
        "",
        info["description"],
        "",
        "## Authentication",
        "",
    ]
    schemes = document["components"]["securitySchemes"]
    lines += [_scheme(name, scheme) for name, scheme in schemes.items()]
    lines += ["", "## Operations", ""]
    for path, item in document["paths"].items():
        for method in _METHODS:
            if method in item:
                lines += _operation(method, path, item[method], schemes)
    lines += ["## Schemas", ""]
    for name, schema in sorted(document["components"]["schemas"].items()):
        lines += _schema(name, schema)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(reference())
