"""The sign-in lockout (django-axes): counting failures, refusing while locked, recording, unlocking."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from activity.services import event_record

from ..emails import email_canonical, email_or_label
from ..models import User
from ..roles import can_manage_role
from ..selectors import lockout_active_for_request, lockout_cooloff, lockout_failure_limit


class LockedOut(Exception):
    """Sign-in for this account from this IP is locked; the middleware answers with the lockout page."""


def lockout_failure_register(*, request, user: User) -> None:
    """Count a wrong password or code typed by ``user`` towards the lockout; raise LockedOut if it locks.

    django-axes counts it on the ``user_login_failed`` signal, as for a failed sign-in.
    """
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)
    if getattr(request, "axes_locked_out", False):
        raise LockedOut


def lockout_refuse_if_active(*, request, user: User) -> None:
    """Raise LockedOut while ``user`` is locked out from the request's IP: nothing typed is checked then."""
    if lockout_active_for_request(request, user):
        raise LockedOut


@sensitive_variables("password")
def password_confirm(*, request, user: User, password: str) -> bool:
    """Check the password of a signed-in member confirming an action.

    Wrong passwords count towards the lockout like failed sign-ins, so a stolen
    session is no way to guess the password; while locked, nothing is accepted
    (LockedOut). Without a request (commands), only the password is checked.
    """
    if request is not None:
        lockout_refuse_if_active(request=request, user=user)
    if user.check_password(password):
        return True
    if request is not None:
        lockout_failure_register(request=request, user=user)
    return False


@transaction.atomic
def lockout_clear(*, email: str | None = None, ip: str | None = None, acting_user=None, target=None) -> int:
    """Clear recorded failed sign-ins; return how many.

    For ``email`` from every IP, for ``ip`` for every account, for both together,
    or (neither) for everyone. ``target`` is the member unlocked from the team
    page: ``acting_user`` must be allowed to manage them.
    """
    if target is not None and not can_manage_role(acting_user.role, target.role):
        raise PermissionDenied("You cannot unlock a member whose role you cannot manage.")
    email = email_canonical(email) if email is not None else None
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
    if getattr(request, "axes_failures_since_start", None) != lockout_failure_limit():
        return
    user = User.objects.filter(email=email_canonical(email)).first()
    event_record(
        action="auth.locked_out",
        target_type="user",
        target_id=str(user.pk) if user else "",
        target_label=email_or_label(email),
        changes={"cooloff_minutes": int(lockout_cooloff().total_seconds() // 60)},
    )
