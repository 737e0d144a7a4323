"""The OpenAPI 3 document of the public API, generated from the response and request models."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from booking.domain.application import ApplicationForm
from booking.handlers.views import ApplicationOut, CheckoutOut, CourseOut, ErrorOut, InvoiceOut

_MODELS: tuple[type[BaseModel], ...] = (
    ApplicationForm,
    ApplicationOut,
    CheckoutOut,
    CourseOut,
    ErrorOut,
    InvoiceOut,
)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model: type[BaseModel] | dict[str, Any], description: str) -> dict[str, Any]:
    schema = _ref(model) if isinstance(model, type) else model
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    reasons = {
        400: "Malformed request",
        404: "Not found",
        409: "Conflict with current state",
        413: "Body too large",
        415: "Unsupported content type",
        422: "Invalid fields",
        503: "A dependency is unavailable; retry later",
    }
    return {str(code): _json(ErrorOut, reasons[code]) for code in codes}


def _path_param(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": 80},
    }


_TOKEN = {
    "name": "token",
    "in": "query",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 100},
}


@lru_cache(maxsize=4)
def openapi_document(server_url: str) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for model in _MODELS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    form_body = {
        "required": True,
        "content": {
            "application/json": {"schema": _ref(ApplicationForm)},
            "application/x-www-form-urlencoded": {"schema": _ref(ApplicationForm)},
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Course booking API",
            "version": "1.0.0",
            "description": "Applications, payments and bookings for cohort-based courses.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/courses": {
                "get": {
                    "operationId": "listCourses",
                    "responses": {
                        "200": _json(
                            {"type": "array", "items": _ref(CourseOut)}, "Courses, open first"
                        )
                    },
                }
            },
            "/courses/{course_id}": {
                "get": {
                    "operationId": "getCourse",
                    "parameters": [_path_param("course_id")],
                    "responses": {"200": _json(CourseOut, "The course"), **_errors(404)},
                }
            },
            "/courses/{course_id}/apply": {
                "get": {
                    "operationId": "applicationForm",
                    "parameters": [_path_param("course_id")],
                    "responses": {
                        "200": {
                            "description": "The application form",
                            "content": {"text/html": {"schema": {"type": "string"}}},
                        },
                        **_errors(404),
                    },
                }
            },
            "/courses/{course_id}/applications": {
                "post": {
                    "operationId": "submitApplication",
                    "parameters": [
                        _path_param("course_id"),
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                        },
                    ],
                    "requestBody": form_body,
                    "responses": {
                        "201": _json(ApplicationOut, "Application recorded"),
                        "303": {"description": "Browsers: to the checkout or status page"},
                        **_errors(400, 404, 409, 413, 415, 422, 503),
                    },
                }
            },
            "/applications/{application_id}": {
                "get": {
                    "operationId": "getApplication",
                    "parameters": [_path_param("application_id"), _TOKEN],
                    "responses": {"200": _json(ApplicationOut, "The application"), **_errors(404)},
                }
            },
            "/applications/{application_id}/checkout": {
                "post": {
                    "operationId": "startCheckout",
                    "parameters": [_path_param("application_id"), _TOKEN],
                    "responses": {
                        "201": _json(CheckoutOut, "A fresh Checkout Session"),
                        **_errors(404, 409, 413, 503),
                    },
                }
            },
            "/applications/{application_id}/invoice": {
                "post": {
                    "operationId": "requestInvoice",
                    "description": "Invoice the employer (the billing contact given with the "
                    "application) for an application that may pay now; the place is held until "
                    "the invoice falls due.",
                    "parameters": [_path_param("application_id"), _TOKEN],
                    "responses": {
                        "201": _json(InvoiceOut, "The invoice, sent"),
                        "303": {"description": "Browsers: back to the status page"},
                        **_errors(404, 409, 413, 503),
                    },
                }
            },
            "/webhooks/stripe": {
                "post": {
                    "operationId": "stripeWebhook",
                    "description": "Stripe's signed events. The signature (Stripe-Signature) is "
                    "checked on the raw body before anything is read.",
                    "parameters": [
                        {
                            "name": "Stripe-Signature",
                            "in": "header",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 1000},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "responses": {
                        "200": {"description": "Handled, or deliberately ignored"},
                        **_errors(400, 503),
                    },
                }
            },
        },
        "components": {"schemas": schemas},
    }


@lru_cache(maxsize=1)
def _path_patterns() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    """Each documented path as a pattern, with the methods it answers (one source: the doc)."""
    patterns = []
    for path, operations in openapi_document("").get("paths", {}).items():
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path))
        methods = tuple(sorted(method.upper() for method in operations))
        patterns.append((re.compile(f"^{pattern}$"), methods))
    return tuple(patterns)


def methods_for(path: str) -> list[str]:
    """The methods the public API answers on ``path`` (empty: no such path)."""
    for pattern, methods in _path_patterns():
        if pattern.match(path):
            return list(methods)
    return []
