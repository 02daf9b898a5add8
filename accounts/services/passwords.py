"""Passwords: changes, resets, history, compliance with the policy, and the policy itself."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from activity.services import event_record
from singletons.services import singleton_update

from ..models import (
    PasswordPolicy,
    User,
)
from ..selectors import password_change_require_candidates, password_policy_get
from ..validators import checked_for
from ._base import _authorize_member_change, _lock, _password_set_and_save, typed_email_event_record, user_sessions_end
from .lockout import password_confirm


@sensitive_variables("old_password", "new_password")
def password_change(
    *, user: User, old_password: str, new_password: str, keep_session_key: str | None = None, request=None
) -> User:
    """Change the member's own password and sign out their other sessions.

    ``request`` lets a wrong current password count towards the sign-in lockout;
    that count is written outside the change's transaction, so it survives the refusal.
    """
    user = User.objects.get(pk=user.pk)  # the password as stored now, not as the caller last saw it
    if not password_confirm(request=request, user=user, password=old_password):
        raise ValidationError(
            {"old_password": "Your current password was entered incorrectly."}, code="password_incorrect"
        )
    with transaction.atomic():
        user = _lock(user)
        if user.check_password(new_password):
            raise ValidationError("The new password must differ from your current one.", code="password_unchanged")
        _password_set_and_save(user, new_password)
        user_sessions_end(user=user, keep_session_key=keep_session_key)
        event_record(action="password.changed", actor=user, target=user)
    return user


@transaction.atomic
def password_reset_complete(*, user: User, new_password: str, via: str = "email link") -> User:
    """Set a password without the old one (emailed link, or an operator's command); end every session."""
    user = _lock(user)
    _password_set_and_save(user, new_password)
    ended = user_sessions_end(user=user)
    event_record(action="password.reset", actor=None, target=user, changes={"via": via, "sessions_ended": ended})
    return user


def password_reset_request_record(*, email: str) -> None:
    """Record a request for a reset link, whether or not the email is a member's (the page says the same)."""
    typed_email_event_record(action="password.reset_requested", email=email)


@transaction.atomic
def password_change_require(*, acting_user: User, user: User | None = None) -> int:
    """Make one member (or, with no ``user``, every member the actor manages but themselves) change password."""
    if user is not None:
        user = _lock(user)
        _authorize_member_change(acting_user=acting_user, user=user)
        users = User.objects.filter(pk=user.pk)
        target = {"target": user}
    else:
        users = password_change_require_candidates(acting_user=acting_user)
        target = {"target_type": "team", "target_label": "All members"}
    count = users.exclude(must_change_password=True).update(must_change_password=True)
    event_record(
        action="password.change_required", actor=acting_user, changes={"must_change_password": [False, True]}, **target
    )
    return count


def _password_compliance_store(*, user: User, compliant: bool, policy: PasswordPolicy | None = None) -> None:
    policy = policy or password_policy_get()
    stored = {"password_policy_version": policy.version, "password_compliant": compliant}
    stored["password_checked_for"] = checked_for(user)
    if any(getattr(user, field) != value for field, value in stored.items()):
        User.objects.filter(pk=user.pk).update(**stored)
        for field, value in stored.items():
            setattr(user, field, value)


@transaction.atomic
def password_policy_update(*, acting_user: User, **fields) -> PasswordPolicy:
    """Change the password policy; existing passwords are checked at their next sign-in."""
    policy, changes = singleton_update(PasswordPolicy, acting_user=acting_user, fields=fields)
    if changes:
        event_record(
            action="settings.password_policy.updated",
            actor=acting_user,
            target=policy,
            changes={**changes, "version": [policy.version - 1, policy.version]},
        )
    return policy
