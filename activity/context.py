"""Request metadata for activity events, carried in a context variable.

The middleware sets it for the duration of one request so that services can
record who, from where and with which request id, without every service
taking the request as a parameter.
"""

from __future__ import annotations

import contextvars
import ipaddress
from dataclasses import dataclass, replace

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""
    # The credential the request acted with when it is not a session: an API token's visible prefix.
    credential: str = ""


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("activity_request", default=None)


def current() -> RequestContext:
    return _current.get() or RequestContext()


def bind(context: RequestContext) -> contextvars.Token:
    return _current.set(context)


def unbind(token: contextvars.Token) -> None:
    _current.reset(token)


def credential_mark(credential: str) -> None:
    """Name the credential (an API token's prefix) that the rest of the current request acts with.

    The middleware's ``unbind`` at the end of the request drops it with the rest.
    """
    _current.set(replace(current(), credential=credential))


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's IP address.

    The socket address, unless ``TRUSTED_PROXY_COUNT`` reverse proxies are in
    front of the panel: then the address the outermost trusted proxy saw,
    counted from the right of ``X-Forwarded-For``. Entries further left were
    written by the client and can be forged, so they are never used.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _valid_ip(forwarded[-proxies]) or remote
