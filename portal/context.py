"""The request being served, for code far from the view (audit log, log records)."""

from contextvars import ContextVar

current_request = ContextVar("current_request", default=None)


def request_id():
    request = current_request.get()
    return getattr(request, "request_id", "") if request is not None else ""
