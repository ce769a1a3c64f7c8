"""Typed exceptions for the service's RFC 9457 problem documents.

Every 4xx answer of the detopt service is a problem document with ``type``, ``title``,
``status``, ``detail`` and ``errors: [{field, message}]``; :class:`ApiError` carries each of
them, so ``e.errors[0].field`` names the offending field in a notebook.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional


@dataclass(frozen=True)
class FieldError:
    """One offending field: a JSON path such as ``parameters[0].initial``, a query parameter, or ``status``."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class DetoptError(Exception):
    """Base class of everything this package raises on purpose."""


class TransportError(DetoptError):
    """The service could not be reached (connection refused, reset, timed out)."""


class MissingDependency(DetoptError, ImportError):
    """An optional package (pandas) is needed for this call and is not installed."""


class ApiError(DetoptError):
    """The service answered with an error status; the fields are the problem document's."""

    def __init__(self, status: int, title: str, detail: Optional[str] = None, type: str = "about:blank",
                 errors: Optional[List[FieldError]] = None, instance: Optional[str] = None,
                 problem: Optional[Dict[str, Any]] = None, method: str = "", url: str = ""):
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type
        self.errors: List[FieldError] = list(errors or [])
        self.instance = instance
        self.problem: Dict[str, Any] = dict(problem or {})
        self.method = method
        self.url = url
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"{self.status} {self.title}"
        if self.detail:
            text += f": {self.detail}"
        if self.errors:
            text += " [" + "; ".join(str(e) for e in self.errors) + "]"
        if self.method:
            text += f" ({self.method} {self.url})"
        return text


class BadRequest(ApiError):
    """400: malformed JSON, wrong types, unknown fields, bad query parameters."""


class Unauthorized(ApiError):
    """401: no token or an unknown token."""


class Forbidden(ApiError):
    """403: the token's role may not do this."""


class NotFound(ApiError):
    """404: unknown study, task or endpoint."""


class Conflict(ApiError):
    """409: an illegal lifecycle transition (``errors[0].field == "status"``) or a stale lease."""


class PayloadTooLarge(ApiError):
    """413: a spec over 1 MiB."""


class UnsupportedMediaType(ApiError):
    """415: a body that is not JSON."""


class ValidationError(ApiError):
    """422: a spec that parses but is invalid; ``errors`` lists every problem at once."""


class ServerError(ApiError):
    """5xx: the service failed (it should not; please report it)."""


_BY_STATUS = {400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict,
              413: PayloadTooLarge, 415: UnsupportedMediaType, 422: ValidationError}


def error_for(status: int, body: bytes, reason: str = "", method: str = "", url: str = "") -> ApiError:
    """The typed exception for an error answer; a body that is not a problem document keeps its text as detail."""
    problem: Dict[str, Any] = {}
    if body:
        try:
            parsed = json.loads(body.decode("utf-8"))
            if isinstance(parsed, dict):
                problem = parsed
        except (ValueError, UnicodeDecodeError):
            problem = {}
    detail = problem.get("detail")
    if not problem and body:
        detail = body.decode("utf-8", "replace").strip()[:500] or None
    errors = [FieldError(str(e.get("field", "")), str(e.get("message", "")))
              for e in problem.get("errors") or [] if isinstance(e, dict)]
    kind = _BY_STATUS.get(status, ServerError if status >= 500 else ApiError)
    return kind(status=int(problem.get("status", status)), title=str(problem.get("title") or reason or "error"),
                detail=detail, type=str(problem.get("type", "about:blank")), errors=errors,
                instance=problem.get("instance"), problem=problem, method=method, url=url)
