"""detopt: a Python client for the detopt optimization service (standard library only).

    >>> from detopt import Client
    >>> client = Client("http://localhost:8080", token)
    >>> study = client.create_study("docs/examples/c-branching-radius.json").start()
    >>> study.wait()
    >>> study.best()
"""
from .client import Best, Client, Group, Me, Study, STEP_COLUMNS, step_row
from .errors import (ApiError, BadRequest, Conflict, DetoptError, FieldError, Forbidden, MissingDependency, NotFound,
                     PayloadTooLarge, ServerError, TransportError, Unauthorized, UnsupportedMediaType, ValidationError)
from .sse import ServerSentEvent, read_events

__version__ = "0.1.0"

__all__ = ["Client", "Study", "Group", "Me", "Best", "STEP_COLUMNS", "step_row", "ApiError", "BadRequest", "Conflict",
           "DetoptError", "FieldError", "Forbidden", "MissingDependency", "NotFound", "PayloadTooLarge", "ServerError",
           "TransportError", "Unauthorized", "UnsupportedMediaType", "ValidationError", "ServerSentEvent",
           "read_events", "__version__"]
