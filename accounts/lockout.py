"""django-axes hooks, named in settings: the limits from the sign-in policy, the key, the lockout page."""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.shortcuts import render
from django.utils import timezone

from .emails import email_or_label
from .selectors import lockout_cooloff, lockout_failure_limit


def failure_limit(request, credentials) -> int:
    """Return the number of failures before a lockout (``AXES_FAILURE_LIMIT``)."""
    return lockout_failure_limit()


def cooloff_time(request=None) -> timedelta:
    """Return how long a lockout lasts (``AXES_COOLOFF_TIME``)."""
    return lockout_cooloff()


def username(request, credentials) -> str:
    """Return what attempts are counted under: the canonical email, so no variant is a way around the limit.

    Text that is no email address is counted under one fixed label and never stored as typed.
    """
    if credentials:
        value = credentials.get("username") or credentials.get("email") or ""
    else:
        value = getattr(request, "POST", {}).get("username", "")
    return email_or_label(value)


def lockout_response(request, original_response=None, credentials=None):
    """Render the same locked-out page for known and unknown emails (``AXES_LOCKOUT_CALLABLE``)."""
    until = timezone.now() + (get_cool_off(request) or lockout_cooloff())
    return render(
        request,
        "accounts/locked_out.html",
        {"title": "Sign-in temporarily locked", "until": until},
        status=429,
    )


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler (``AXES_HANDLER``), minus the clean-up a sign-in does not need.

    On every successful sign-in django-axes deletes the expired attempts of
    everyone and this member's failures, each a read and an empty
    transaction when there is nothing to delete. A sign-in whose own check
    just found no failures has none to clear, and every failed attempt already
    deletes the expired ones before it is counted. A sign-in completed in a
    later request (the code step) clears as django-axes always does.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if request is not None:
            request.axes_failures_found = failures
        return failures

    def user_logged_in(self, sender, request, user, **kwargs):
        if getattr(request, "axes_failures_found", None) == 0:
            return
        super().user_logged_in(sender, request, user, **kwargs)
