"""django-axes hooks, named in settings: the limits from the sign-in policy, the key, the lockout page."""

from __future__ import annotations

from datetime import timedelta

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
