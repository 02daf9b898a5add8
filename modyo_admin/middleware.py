"""Response headers that apply to the whole panel, whichever app answers.

The Content-Security-Policy comes from django-csp (``csp.middleware.CSPMiddleware``);
the two middleware here add what Django and django-csp do not. The system checks
``security.E007`` and ``security.E008`` report either one missing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import OperationalError
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from security.api import credentials_presented

logger = logging.getLogger(__name__)


class PermissionsPolicyMiddleware:
    """Set ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` on every response.

    The setting maps a browser feature to the origins allowed to use it; an
    empty list switches the feature off for the panel and anything it embeds.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class NoStoreForCredentialsMiddleware:
    """Forbid every cache to keep an answer given to a signed-in user or a token holder.

    Such answers hold one person's data (team lists, activity, delivery tokens):
    a browser's back button, a shared computer's disk cache or a proxy must not
    keep them. ``no-store`` is added to what the view set, so ``private`` stays.
    Anonymous answers (the sign-in page, public content) are left as the view
    made them; static files never reach this middleware (WhiteNoise answers first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read after the view: signing in or out, and DRF's token authentication, replace request.user.
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or credentials_presented(request):
            patch_cache_control(response, no_store=True)
        return response


# SQLSTATEs of PostgreSQL's lock_timeout and statement_timeout; SQLite says "database is locked".
_BUSY_SQLSTATES = {"55P03", "57014"}
BUSY_RETRY_AFTER_SECONDS = 5


class DatabaseBusyMiddleware:
    """Answer a request that hit the database's lock or statement timeout with 503 and ``Retry-After``.

    The timeouts (DATABASE_LOCK_TIMEOUT_MS, DATABASE_STATEMENT_TIMEOUT_MS) keep one
    slow transaction from holding every worker; this turns the refusal into a clear
    "try again" instead of a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError) or not _is_busy(exception):
            return None
        logger.warning("Database busy (lock or statement timeout) on %s %s.", request.method, request.path)
        response = render(request, "503.html", {"title": "Busy", "seconds": BUSY_RETRY_AFTER_SECONDS}, status=503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response


def _is_busy(error: OperationalError) -> bool:
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return "database is locked" in str(error)
