"""The sign-in lockout (django-axes): counting failures, refusing while locked, recording, unlocking."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from activity.context import client_ip
from activity.services import event_record

from ..emails import email_canonical, email_or_label
from ..models import User
from ..roles import can_manage_role
from ..selectors import lockout_active_for_request, lockout_cooloff, lockout_failure_limit
from ._base import typed_email_event_record
from .rate_limits import sign_in_failure_count

# How long after a lockout's end the count of its refused attempts waits for the next attempt to record it.
REFUSED_COUNT_KEPT = timedelta(days=1)
logger = logging.getLogger(__name__)


class LockedOut(Exception):
    """Sign-in for this account from this IP is locked; the middleware answers with the lockout page."""


def lockout_failure_register(*, request, user: User) -> None:
    """Count a wrong password or code typed by ``user`` towards the lockout; raise LockedOut if it locks.

    django-axes counts it on the ``user_login_failed`` signal, as for a failed sign-in.
    """
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)
    if getattr(request, "axes_locked_out", False):
        raise LockedOut


def sign_in_refuse_if_locked(*, request) -> None:
    """Refuse a sign-in attempt for an account locked out from this address before its form is even checked.

    Nothing typed is looked at beyond the email: no password is hashed and no sign-in page is rendered, so an
    attacker hammering a locked account costs a cache and an index look-up. The attempt is counted against
    the address and the lockout, as django-axes' own refusal would have been, never recorded one by one.

    Only an email with a lockout in its recent past is looked up (the hint ``locked_out_record`` leaves in the
    cache): every other sign-in pays one cache read, not a query. Without the hint (the cache lost it, or is
    down) django-axes still refuses the attempt when the form is checked.
    """
    typed = request.POST.get("username", "")
    if not _lockout_hinted(typed) or not AxesProxyHandler.is_locked(request, {"username": typed}):
        return
    sign_in_failure_count(request=request)
    locked_attempt_count(request=request, email=typed)
    raise LockedOut


def _key(kind: str, email: str, ip_address: str | None = None) -> str:
    # What django-axes locks: the canonical email (or its fixed label), from one address for a count;
    # hashed, never stored as typed.
    digest = hashlib.sha256(f"{email_or_label(email)}\n{ip_address or ''}".encode()).hexdigest()
    return f"accounts.lockout.{kind}:{digest}"


def _hint_key(email: str) -> str:
    return _key("hint", email)


def _lockout_hinted(email: str) -> bool:
    try:
        return bool(cache.get(_hint_key(email)))
    except Exception:
        return True  # no hint to go by: look the lockout up


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
    that reached the limit is recorded as a lockout. Each leaves the hint that
    lets the next attempts be refused before the sign-in form is checked.
    """
    try:
        cache.set(_hint_key(email), 1, timeout=int(lockout_cooloff().total_seconds()) + 60)
    except Exception:
        logger.warning("Cache unavailable; attempts during this lockout are refused by the form.", exc_info=True)
    if getattr(request, "axes_failures_since_start", None) != lockout_failure_limit():
        return
    typed_email_event_record(
        action="auth.locked_out", email=email, changes={"cooloff_minutes": int(lockout_cooloff().total_seconds() // 60)}
    )


# Attempts during a lockout: counted, and recorded as one summary once it is over ------------


def _refused_key(email: str, ip_address: str | None) -> str:
    return _key("refused", email, ip_address)


def locked_attempt_count(*, request, email: str) -> None:
    """Count a sign-in attempt refused during an active lockout, instead of recording an event for each.

    A lockout is recorded once when it starts (``auth.locked_out``) and once
    when it is over (``auth.lockout_ended``, with how many attempts it refused):
    an attacker hammering a locked account adds nothing to the log but a count.
    """
    key = _refused_key(email, client_ip(request))
    timeout = int((lockout_cooloff() + REFUSED_COUNT_KEPT).total_seconds())
    try:
        try:
            cache.incr(key)  # one round trip while the lockout goes on
        except ValueError:  # the first refused attempt
            if not cache.add(key, 1, timeout):
                cache.incr(key)  # another process added it meanwhile
    except Exception:
        logger.warning("Cache unavailable; an attempt refused during a lockout was not counted.", exc_info=True)


def lockout_summary_record(*, email: str, ip_address: str | None) -> None:
    """Record how many attempts a lockout refused, if one of ``email`` from ``ip_address`` is over and unrecorded.

    Called by the next attempt from that address (refused or not, signed in or
    not), which can only come once the lockout has ended. The count is taken
    from the cache and removed in one step, so that two attempts record it once.
    """
    key = _refused_key(email, ip_address)
    try:
        refused = cache.get(key)
        if not refused or not cache.delete(key):
            return
    except Exception:
        logger.warning("Cache unavailable; the count of attempts refused during a lockout is not recorded.")
        return
    typed_email_event_record(action="auth.lockout_ended", email=email, changes={"attempts_refused": int(refused)})
