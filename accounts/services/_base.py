"""Helpers shared by the accounts services: locking, authorization, password setting, ending sessions."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone

from activity.services import event_record

from ..emails import email_canonical, email_or_label, is_email
from ..models import MAX_PASSWORD_HISTORY, PasswordHistory, User
from ..roles import Role, can_manage_role
from ..selectors import password_policy_get
from ..signals import member_access_changed
from ..validators import checked_for, policy_validators


def _normalise_email(email: str) -> str:
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": "Enter an email address."})
    email = email_canonical(email)
    # Here and not only in the forms: the API and commands create members through this service too.
    if not is_email(email):
        raise ValidationError({"email": "Enter a valid email address."}, code="invalid_email")
    return email


def _check_email_free(email: str) -> None:
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": f"{email} is already on the team."}, code="email_taken")


def _password_set_and_save(user: User, password: str) -> None:
    """Validate ``password`` against the policy in force, set it, save ``user`` and remember the hash."""
    policy = password_policy_get()
    password_validation.validate_password(password, user, password_validators=policy_validators(policy))
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.password_policy_version = policy.version
    user.password_compliant = True
    user.password_checked_for = checked_for(user)
    user.must_change_password = False
    user.save()
    password_history_append(user=user)


def password_history_append(*, user: User) -> None:
    """Remember the hash of the password just set, keeping the newest few."""
    if user.pk is None or not user.has_usable_password():
        return
    PasswordHistory.objects.create(user=user, password=user.password)
    stale = user.password_history.order_by("-created_at", "-id").values_list("pk", flat=True)[MAX_PASSWORD_HISTORY:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


def _authorize_member_change(*, acting_user: User, user: User) -> None:
    if not can_manage_role(acting_user.role, user.role):
        raise PermissionDenied(f"You cannot manage a member whose role is {Role(user.role).label}.")


def _lock(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _lock_with_owners(user: User) -> User:
    """Lock the active owners, then ``user``, always in that order.

    Changes that may meet the last-owner rule take their row locks in one
    order, so two of them running at once wait for each other instead of
    deadlocking.
    """
    list(User.objects.select_for_update().filter(role=Role.OWNER, is_active=True).order_by("pk").values("pk"))
    return _lock(user)


def _ensure_not_last_owner(user: User, message: str) -> None:
    # Lock every active owner so two concurrent demotions cannot both pass. An owner
    # still invited (never joined) cannot sign in, so does not count.
    owners = list(
        User.objects.select_for_update()
        .filter(role=Role.OWNER, is_active=True, joined_at__isnull=False)
        .values_list("pk", flat=True)
    )
    if user.role == Role.OWNER and user.is_active and owners == [user.pk]:
        raise ValidationError(message, code="last_owner")


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def user_sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """End the user's sessions at once (all but ``keep_session_key``) and every token issued so far; return how many.

    Delivery tokens carry the member's token generation: raising it ends every token issued before.
    """
    User.objects.filter(pk=user.pk).update(token_generation=F("token_generation") + 1)
    member_access_changed.send(sender=User, user=user)
    store = _session_store()
    sessions = user.sessions.exclude(session_key=keep_session_key or "")
    keys = list(sessions.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    sessions.delete()
    return len(keys)


def typed_email_event_record(*, action: str, email: str, changes: dict | None = None) -> None:
    """Record an event about an email someone typed, a member's or not (failed sign-ins, lockouts, reset requests).

    The member is the target when there is one; the label is the canonical email, or the fixed label of text
    that is no email, never the text as typed. The page answers the same either way.
    """
    user = User.objects.filter(email=email_canonical(email)).first()
    event_record(
        action=action,
        target_type="user",
        target_id=str(user.pk) if user else "",
        target_label=email_or_label(email),
        changes=changes,
    )
