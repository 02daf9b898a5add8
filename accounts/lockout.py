"""django-axes hooks: limits from the sign-in policy, the lockout page, unlocking."""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.utils import reset as axes_reset
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from activity.services import event_record

from . import conf
from .emails import typed_email_label
from .roles import can_manage_role
from .selectors import sign_in_policy_get


def failure_limit(request, credentials) -> int:
    """Return the number of failures before a lockout (``AXES_FAILURE_LIMIT``)."""
    return sign_in_policy_get().lockout_failure_limit or conf.lockout_failure_limit()


def cooloff_time(request=None) -> timedelta:
    """Return how long a lockout lasts (``AXES_COOLOFF_TIME``)."""
    minutes = sign_in_policy_get().lockout_cooloff_minutes
    return timedelta(minutes=minutes) if minutes else conf.lockout_cooloff()


def username(request, credentials) -> str:
    """Return the email attempts are counted under, so case and spaces give no way around the limit."""
    if credentials:
        value = credentials.get("username") or credentials.get("email") or ""
    else:
        value = getattr(request, "POST", {}).get("username", "")
    return value.strip().lower()


def lockout_response(request, original_response=None, credentials=None):
    """Render the same locked-out page for known and unknown emails."""
    until = timezone.now() + (get_cool_off(request) or cooloff_time(request))
    return render(
        request,
        "accounts/locked_out.html",
        {"title": "Sign-in temporarily locked", "until": until},
        status=429,
    )


@transaction.atomic
def lockout_clear(*, email: str | None = None, ip: str | None = None, acting_user=None, target=None) -> int:
    """Clear recorded failed sign-ins; return how many.

    For ``email`` from every IP, for ``ip`` for every account, for both together,
    or (neither) for everyone. ``target`` is the member unlocked from the team
    page: ``acting_user`` must be allowed to manage them.
    """
    if target is not None and not can_manage_role(acting_user.role, target.role):
        raise PermissionDenied("You cannot unlock a member whose role you cannot manage.")
    email = email.strip().lower() if email is not None else None
    removed = axes_reset(username=email, ip=ip) if (email or ip) else axes_reset()
    label = " from ".join(part for part in (email, ip) if part) or "All accounts"
    event_record(
        action="auth.unlocked",
        actor=acting_user,
        target=target,
        target_type="" if target else "user",
        target_label="" if target else label,
        changes={"attempts_cleared": removed, "ip_address": ip},
    )
    return removed


def locked_out_record(*, request, email: str) -> None:
    """Record that ``email`` was locked out (called from axes' signal).

    Axes signals again on every attempt during the lockout; only the attempt
    that reached the limit is recorded as a lockout.
    """
    from .models import User

    if getattr(request, "axes_failures_since_start", None) != failure_limit(request, None):
        return
    user = User.objects.filter(email__iexact=email).first()
    event_record(
        action="auth.locked_out",
        target_type="user",
        target_id=str(user.pk) if user else "",
        target_label=typed_email_label(email),
        changes={"cooloff_minutes": int(cooloff_time().total_seconds() // 60)},
    )


def is_locked(email: str) -> bool:
    """Return whether failures recorded for ``email`` (from any IP) have reached the limit."""
    from axes.models import AccessAttempt

    limit = failure_limit(None, None)
    since = timezone.now() - cooloff_time()
    return AccessAttempt.objects.filter(
        username=email.strip().lower(), failures_since_start__gte=limit, attempt_time__gte=since
    ).exists()


def failure_count(*, request, user) -> None:
    """Count a wrong password or code typed by ``user`` towards the sign-in lockout."""
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)


def is_locked_for(request, user) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": user.email})


@sensitive_variables("password")
def password_confirm(*, request, user, password: str) -> bool:
    """Check the password of a signed-in member confirming an action.

    Wrong passwords count towards the lockout like failed sign-ins, so a stolen
    session is no way to guess the password; while locked, nothing is accepted.
    """
    if request is not None and is_locked_for(request, user):
        return False
    if user.check_password(password):
        return True
    if request is not None:
        failure_count(request=request, user=user)
    return False
