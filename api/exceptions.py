"""Errors of the admin API as Problem Details (RFC 9457, ``application/problem+json``)."""

from __future__ import annotations

from http import HTTPStatus

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
FIELD_ERRORS_DETAIL = "Some fields are not valid; see errors."


def _messages(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _messages(value)]
    return [str(detail)]


def _field_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Return ``{field: [messages]}``, nested fields named with dots (``lockout.lockout_failure_limit``)."""
    if not isinstance(detail, dict):
        return {prefix or "non_field_errors": _messages(detail)}
    errors: dict[str, list[str]] = {}
    for name, value in detail.items():
        if name == "non_field_errors" and prefix:
            name = ""
        key = f"{prefix}.{name}".strip(".") if prefix else str(name)
        if isinstance(value, dict):
            errors.update(_field_errors(value, key))
        elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                errors.update(_field_errors(item, f"{key}.{index}"))
        else:
            errors.setdefault(key, []).extend(_messages(value))
    return {key: messages for key, messages in errors.items() if messages}


def validation_detail(error: DjangoValidationError) -> dict[str, list[str]]:
    """Return a service's ValidationError as DRF detail, with its field names (``__all__``: non_field_errors)."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def problem_exception_handler(exc, context):
    """Answer every error DRF handles as a problem document: type, title, status, detail, and errors for 400.

    ``errors`` maps each field to its messages (``non_field_errors`` for the
    request as a whole); ``code`` is the machine-readable reason.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    response = exception_handler(exc, context)
    if response is None:
        return None
    status = response.status_code
    problem = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        general = errors.get("non_field_errors", [])
        problem.update(detail=" ".join(general) if general else FIELD_ERRORS_DETAIL, code="invalid", errors=errors)
    elif isinstance(exc, exceptions.APIException):
        problem.update(detail=" ".join(_messages(exc.detail)), code=_code(exc))
    else:
        # Django's PermissionDenied and Http404, which DRF's handler translated into its data.
        data = response.data if isinstance(response.data, dict) else {}
        detail = data.get("detail")
        problem.update(detail=str(detail or problem["title"]), code=getattr(detail, "code", None) or "error")
    response.data = problem
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code
