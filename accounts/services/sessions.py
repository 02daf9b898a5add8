"""Sign-ins and sessions: recording them, listing and ending them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity.context import client_ip
from activity.services import event_record

from ..models import (
    PasswordPolicy,
    User,
    UserSession,
)
from ..selectors import password_policy_get
from ._base import _authorize_member_change, _session_store, typed_email_event_record, user_sessions_end
from .lockout import locked_attempt_count, lockout_summary_record
from .passwords import _password_compliance_store
from .rate_limits import sign_in_failure_count
from .two_factor import second_step_passed_record


def user_session_register(*, user: User, session_key: str, ip_address: str | None, user_agent: str) -> UserSession:
    """Record the session a sign-in just opened: its key is new (``login()`` rotates it), so one INSERT."""
    return UserSession.objects.create(
        user=user,
        session_key=session_key,
        ip_address=ip_address,
        user_agent=user_agent[:512],
        created_at=timezone.now(),
    )


def sign_in_record(
    *,
    user: User,
    password_compliant: bool,
    second_step: str | None,
    session_key: str,
    ip_address: str | None,
    user_agent: str,
    policy: PasswordPolicy | None = None,
) -> None:
    """Record a completed sign-in: password compliance, the session and one event.

    ``second_step`` is None (password only), AUTHENTICATOR_APP or RECOVERY_CODE.
    Inside the caller's transaction (the sign-in's, with its session), it joins
    it; pass ``policy`` read before, as inside one it would be read from the database.
    """
    lockout_summary_record(email=user.email, ip_address=ip_address)
    policy = policy or password_policy_get()
    with transaction.atomic(savepoint=False):
        _password_compliance_store(user=user, compliant=password_compliant, policy=policy)
        user_session_register(user=user, session_key=session_key, ip_address=ip_address, user_agent=user_agent)
        second_step_passed_record(
            user=user,
            kind=second_step,
            sign_in={"password_compliant": password_compliant, "second_step": second_step or "none"},
        )


def sign_in_failure_record(*, email: str, request=None) -> None:
    """Record a failed sign-in for whatever email was typed (known or not), and count it against the address.

    An attempt that django-axes refused because the lockout is active (it did
    not count it: no ``axes_failures_since_start``) is counted instead of
    recorded; the lockout's end records the count (``lockout_summary_record``).
    """
    sign_in_failure_count(request=request)
    if getattr(request, "axes_locked_out", False) and getattr(request, "axes_failures_since_start", None) is None:
        locked_attempt_count(request=request, email=email)
        return
    if request is not None:
        lockout_summary_record(email=email, ip_address=client_ip(request))
    typed_email_event_record(action="auth.sign_in_failed", email=email)


def sign_out_record(*, user: User, session_key: str | None) -> None:
    with transaction.atomic():
        if session_key:
            UserSession.objects.filter(session_key=session_key).delete()
        event_record(action="auth.signed_out", actor=user, target=user)


@transaction.atomic
def user_session_revoke(*, session: UserSession, acting_user: User, current_session_key: str | None = None) -> None:
    """End one session at once (one's own, or anyone's for those who manage the member).

    The session making the request is not ended this way: that is signing out.
    """
    if current_session_key and session.session_key == current_session_key:
        raise ValidationError("This is the session you are using: sign out instead.", code="current_session")
    if session.user_id != acting_user.pk:
        _authorize_member_change(acting_user=acting_user, user=session.user)
    _session_store()(session_key=session.session_key).delete()
    session.delete()
    event_record(
        action="session.revoked",
        actor=acting_user,
        target=session.user,
        changes={"sessions_ended": 1, "session": f"signed in {session.created_at.isoformat()}"},
    )


@transaction.atomic
def user_sessions_revoke_all(*, user: User, acting_user: User, keep_session_key: str | None = None) -> int:
    """End every session of ``user`` but ``keep_session_key``; return how many."""
    if user.pk != acting_user.pk:
        _authorize_member_change(acting_user=acting_user, user=user)
    ended = user_sessions_end(user=user, keep_session_key=keep_session_key)
    event_record(action="session.revoked", actor=acting_user, target=user, changes={"sessions_ended": ended})
    return ended


def user_session_touch(*, session_key: str) -> None:
    UserSession.objects.filter(session_key=session_key).update(last_seen_at=timezone.now())


def user_session_rekey(*, old_key: str | None, new_key: str) -> None:
    """Follow a session whose key was rotated (after the second step)."""
    if old_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key, last_seen_at=timezone.now())


def session_expired_record(*, user: User, session_key: str | None, reason: str) -> None:
    with transaction.atomic():
        if session_key:
            UserSession.objects.filter(session_key=session_key).delete()
        event_record(action="auth.session_expired", actor=user, target=user, changes={"reason": reason})


def reauthentication_record(*, user: User) -> None:
    event_record(action="auth.reauthenticated", actor=user, target=user)
