"""Every write of the accounts app. Views, the API and commands call these."""

from __future__ import annotations

import hashlib
import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from activity.services import event_record

from . import conf, lockout
from .models import (
    MAX_PASSWORD_HISTORY,
    Invitation,
    PasswordHistory,
    PasswordPolicy,
    SetupToken,
    SignInPolicy,
    User,
    UserSession,
)
from .roles import MANAGEABLE_ROLES, Role, can_manage_role
from .selectors import (
    POLICY_CACHE_KEY,
    SIGN_IN_POLICY_CACHE_KEY,
    password_policy_get,
    recovery_codes_left,
    sign_in_policy_get,
    singleton_cache_refresh,
)
from .validators import policy_errors, typed_email_label


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _normalise_email(email: str) -> str:
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": "Enter an email address."})
    return User.objects.normalize_email(email).lower()


def _check_email_free(email: str) -> None:
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already on the team."}, code="email_taken")


def _set_password(user: User, password: str) -> None:
    """Validate ``password`` against the policy in force and set it."""
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.password_policy_version = password_policy_get().version
    user.password_compliant = True
    user.must_change_password = False


# Members -------------------------------------------------------------------


@transaction.atomic
def member_create(
    *,
    email: str,
    password: str | None,
    full_name: str = "",
    role: str = Role.MEMBER,
    acting_user: User | None = None,
) -> User:
    """Create a member who can sign in at once (automation and first-run setup)."""
    email = _normalise_email(email)
    _check_email_free(email)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if not password:
        raise ValidationError({"password": "A password is required."})
    user = User(email=email, full_name=full_name.strip(), role=role, joined_at=timezone.now())
    _set_password(user, password)
    user.save()
    event_record(
        action="member.created",
        actor=acting_user,
        target=user,
        changes={"role": [None, role], "email": [None, email]},
    )
    return user


@transaction.atomic
def member_invite(*, email: str, role: str, full_name: str = "", acting_user: User) -> tuple[User, str]:
    """Invite ``email`` with ``role``; return the user and the single-use link.

    Inviting someone still invited replaces their earlier link.
    """
    email = _normalise_email(email)
    if not can_manage_role(acting_user.role, role):
        raise PermissionDenied(f"You cannot invite someone as {Role(role).label}.")
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is not None and user.status != User.Status.INVITED:
        raise ValidationError({"email": f"{email} is already on the team."}, code="email_taken")
    if user is not None:
        # Re-inviting changes the pending role: the actor must be allowed to manage the current one too.
        _authorize_member_change(acting_user=acting_user, user=user)
    role_before = user.role if user is not None else None
    if user is None:
        user = User(email=email, full_name=full_name.strip(), role=role, joined_at=None)
        user.set_unusable_password()
        user.save()
    else:
        user.role = role
        user.full_name = full_name.strip() or user.full_name
        user.save(update_fields=["role", "full_name"])
        user.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        user=user,
        token_hash=_token_hash(token),
        invited_by=acting_user,
        created_at=now,
        expires_at=now + conf.invitation_ttl(),
    )
    link = conf.panel_base_url() + reverse("accounts:invitation_accept", args=[token])
    event_record(
        action="member.invited",
        actor=acting_user,
        target=user,
        changes={"role": [role_before, role], "expires_at": [None, invitation.expires_at.isoformat()]},
    )
    transaction.on_commit(lambda: _send_invitation(user=user, link=link, inviter=acting_user, invitation=invitation))
    return user, link


def _send_invitation(*, user: User, link: str, inviter: User, invitation: Invitation) -> None:
    hours = int((invitation.expires_at - invitation.created_at).total_seconds() // 3600)
    send_mail(
        subject=f"You are invited to the {conf.organisation_name()} admin panel",
        message=(
            f"{inviter.get_full_name()} invited you to the {conf.organisation_name()} admin panel.\n\n"
            f"Set your password here (the link works once and expires in {hours} hours):\n{link}\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


def invitation_for_token(token: str) -> Invitation | None:
    """Return the usable invitation for ``token``, or None."""
    invitation = Invitation.objects.select_related("user").filter(token_hash=_token_hash(token)).first()
    if invitation is None or not invitation.is_usable() or not invitation.user.is_active:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str, full_name: str = "") -> User:
    """Use an invitation once: set the invitee's password and make them active."""
    invitation = (
        Invitation.objects.select_for_update().select_related("user").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None or not invitation.is_usable() or not invitation.user.is_active:
        raise ValidationError("This invitation link is invalid, already used or expired.", code="invitation_invalid")
    user = invitation.user
    if full_name.strip():
        user.full_name = full_name.strip()
    _set_password(user, password)
    user.joined_at = timezone.now()
    user.save()
    invitation.accepted_at = user.joined_at
    invitation.save(update_fields=["accepted_at"])
    event_record(action="member.joined", actor=user, target=user)
    return user


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


@transaction.atomic
def member_role_change(*, user: User, role: str, acting_user: User) -> User:
    user = _lock_with_owners(user)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    _authorize_member_change(acting_user=acting_user, user=user)
    if not can_manage_role(acting_user.role, role):
        raise PermissionDenied(f"You cannot give the role {Role(role).label}.")
    if role == user.role:
        return user
    if role != Role.OWNER:
        _ensure_not_last_owner(user, "The last active owner cannot be demoted. Make someone else an owner first.")
    before = user.role
    user.role = role
    user.save(update_fields=["role"])
    event_record(action="member.role_changed", actor=acting_user, target=user, changes={"role": [before, role]})
    return user


@transaction.atomic
def member_deactivate(*, user: User, acting_user: User) -> User:
    user = _lock_with_owners(user)
    _authorize_member_change(acting_user=acting_user, user=user)
    if user.pk == acting_user.pk:
        raise ValidationError("You cannot deactivate yourself.", code="deactivate_self")
    if not user.is_active:
        return user
    _ensure_not_last_owner(user, "The last active owner cannot be deactivated.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    ended = user_sessions_end(user=user)
    event_record(
        action="member.deactivated",
        actor=acting_user,
        target=user,
        changes={"is_active": [True, False], "sessions_ended": ended},
    )
    return user


@transaction.atomic
def member_reactivate(*, user: User, acting_user: User) -> User:
    user = _lock(user)
    _authorize_member_change(acting_user=acting_user, user=user)
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    event_record(action="member.reactivated", actor=acting_user, target=user, changes={"is_active": [False, True]})
    return user


# Sessions ------------------------------------------------------------------


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def user_session_register(*, user: User, session_key: str, ip_address: str | None, user_agent: str) -> UserSession:
    session, _ = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "ip_address": ip_address, "user_agent": user_agent[:512], "created_at": timezone.now()},
    )
    return session


def user_sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """End the user's sessions at once (all but ``keep_session_key``); return how many."""
    store = _session_store()
    sessions = user.sessions.exclude(session_key=keep_session_key or "")
    keys = list(sessions.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    sessions.delete()
    return len(keys)


# Passwords -----------------------------------------------------------------


def password_history_append(*, user: User) -> None:
    """Remember the hash of the password just set, keeping the newest few."""
    if user is None or user.pk is None or not user.has_usable_password():
        return
    PasswordHistory.objects.create(user=user, password=user.password)
    stale = user.password_history.order_by("-created_at", "-id").values_list("pk", flat=True)[MAX_PASSWORD_HISTORY:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


@sensitive_variables("old_password", "new_password")
def password_change(
    *, user: User, old_password: str, new_password: str, keep_session_key: str | None = None, request=None
) -> User:
    """Change the member's own password and sign out their other sessions.

    ``request`` lets a wrong current password count towards the sign-in lockout;
    that count is written outside the change's transaction, so it survives the refusal.
    """
    user = User.objects.get(pk=user.pk)  # the password as stored now, not as the caller last saw it
    if not lockout.password_confirm(request=request, user=user, password=old_password):
        raise ValidationError(
            {"old_password": "Your current password was entered incorrectly."}, code="password_incorrect"
        )
    with transaction.atomic():
        user = _lock(user)
        if user.check_password(new_password):
            raise ValidationError("The new password must differ from your current one.", code="password_unchanged")
        _set_password(user, new_password)
        user.save()
        user_sessions_end(user=user, keep_session_key=keep_session_key)
        event_record(action="password.changed", actor=user, target=user)
    return user


@transaction.atomic
def password_reset_complete(*, user: User, new_password: str, via: str = "email link") -> User:
    """Set a password without the old one (emailed link, or an operator's command); end every session."""
    user = _lock(user)
    _set_password(user, new_password)
    user.save()
    ended = user_sessions_end(user=user)
    event_record(action="password.reset", actor=None, target=user, changes={"via": via, "sessions_ended": ended})
    return user


def password_reset_request_record(*, email: str) -> None:
    """Record a request for a reset link, whether or not the email is a member's (the page says the same)."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    event_record(
        action="password.reset_requested",
        target_type="user",
        target_id=str(user.pk) if user else "",
        target_label=typed_email_label(email),
    )


@transaction.atomic
def password_change_require(*, acting_user: User, user: User | None = None) -> int:
    """Make one member (or, with no ``user``, every active member) change password at next sign-in."""
    if user is not None:
        user = _lock(user)
        _authorize_member_change(acting_user=acting_user, user=user)
        users = User.objects.filter(pk=user.pk)
        target = {"target": user}
    else:
        # Everyone the actor may manage (an admin's request leaves owners and admins alone).
        users = User.objects.filter(
            is_active=True, joined_at__isnull=False, role__in=MANAGEABLE_ROLES.get(acting_user.role, ())
        )
        target = {"target_type": "team", "target_label": "All members"}
    count = users.exclude(must_change_password=True).update(must_change_password=True)
    event_record(
        action="password.change_required", actor=acting_user, changes={"must_change_password": [False, True]}, **target
    )
    return count


@sensitive_variables("password")
def password_compliance_evaluate(*, user: User, password: str) -> bool:
    """Return whether a just-typed password meets the policy in force (history aside)."""
    return not policy_errors(password, user, include_history=False)


def _password_compliance_store(*, user: User, compliant: bool) -> None:
    policy = password_policy_get()
    if user.password_policy_version != policy.version or user.password_compliant != compliant:
        User.objects.filter(pk=user.pk).update(password_policy_version=policy.version, password_compliant=compliant)
        user.password_policy_version, user.password_compliant = policy.version, compliant


@transaction.atomic
def password_policy_update(*, acting_user: User, **fields) -> PasswordPolicy:
    """Change the password policy; existing passwords are checked at their next sign-in."""
    unknown = set(fields) - set(PasswordPolicy.EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown password policy options: {', '.join(sorted(unknown))}.")
    policy = PasswordPolicy.objects.select_for_update().filter(pk=password_policy_get().pk).first()
    if policy is None:
        policy = PasswordPolicy.objects.create(pk=1)
    before = policy.as_dict()
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.full_clean(exclude=["updated_by"])
    after = policy.as_dict()
    if after == before:
        return policy
    policy.version += 1
    policy.updated_at = timezone.now()
    policy.updated_by = acting_user
    policy.save()
    changed = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    event_record(
        action="settings.password_policy.updated",
        actor=acting_user,
        target=policy,
        changes={**changed, "version": [policy.version - 1, policy.version]},
    )
    transaction.on_commit(lambda: singleton_cache_refresh(PasswordPolicy, POLICY_CACHE_KEY))
    return policy


# Sign-in ---------------------------------------------------------------------


def sign_in_record(
    *,
    user: User,
    password_compliant: bool,
    second_step: str | None,
    session_key: str,
    ip_address: str | None,
    user_agent: str,
) -> None:
    """Record a completed sign-in: password compliance, the session and one event.

    ``second_step`` is None (password only), "authenticator app" or "recovery code";
    a sign-in with a recovery code is recorded as such, with the codes left.
    """
    with transaction.atomic():
        _password_compliance_store(user=user, compliant=password_compliant)
        user_session_register(user=user, session_key=session_key, ip_address=ip_address, user_agent=user_agent)
        changes = {"password_compliant": password_compliant, "second_step": second_step or "none"}
        if second_step == "recovery code":
            changes["recovery_codes_left"] = recovery_codes_left(user)
            event_record(action="auth.recovery_code_used", actor=user, target=user, changes=changes)
        else:
            event_record(action="auth.signed_in", actor=user, target=user, changes=changes)


def sign_in_failure_record(*, email: str) -> None:
    """Record a failed sign-in for whatever email was typed (known or not)."""
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    event_record(
        action="auth.sign_in_failed",
        target_type="user",
        target_id=str(user.pk) if user else "",
        target_label=typed_email_label(email),
    )


def sign_out_record(*, user: User, session_key: str | None) -> None:
    with transaction.atomic():
        if session_key:
            UserSession.objects.filter(session_key=session_key).delete()
        event_record(action="auth.signed_out", actor=user, target=user)


def password_change_needed(user: User, *, password_compliant: bool) -> bool:
    """Return whether the member must change password right after signing in.

    Decided at sign-in, from the password just typed, so a requirement set while
    a member is signed in applies at their next sign-in.
    """
    if user.must_change_password:
        return True
    return password_policy_get().force_change_if_noncompliant and not password_compliant


# First-run setup -------------------------------------------------------------


@transaction.atomic
def setup_token_issue() -> str | None:
    """Return a new one-time setup token while no user exists, else None.

    Issuing a token replaces any earlier one.
    """
    if User.objects.exists():
        SetupToken.objects.all().delete()
        return None
    token = secrets.token_urlsafe(32)
    replaced, _ = SetupToken.objects.all().delete()
    SetupToken.objects.create(token_hash=_token_hash(token))
    event_record(
        action="setup.link_issued",
        target_type="setup",
        target_label="First-run setup link",
        changes={"earlier_links_voided": replaced},
    )
    return token


def setup_token_valid(token: str) -> bool:
    return (
        bool(token) and not User.objects.exists() and SetupToken.objects.filter(token_hash=_token_hash(token)).exists()
    )


@transaction.atomic
def setup_complete(*, token: str, email: str, password: str, full_name: str = "") -> User:
    """Create the first Owner with the one-time setup token, then void it."""
    tokens = SetupToken.objects.select_for_update().filter(token_hash=_token_hash(token))
    if not tokens.exists() or User.objects.exists():
        raise ValidationError("This setup link is invalid or has already been used.", code="setup_invalid")
    user = member_create(email=email, password=password, full_name=full_name, role=Role.OWNER)
    SetupToken.objects.all().delete()
    return user


# Sign-in policy: two-step enforcement, lockout, session limits -----------------


def _sign_in_policy_update(*, acting_user: User, fields: dict, allowed: tuple[str, ...], action: str) -> SignInPolicy:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(f"Unknown options: {', '.join(sorted(unknown))}.")
    policy = SignInPolicy.objects.select_for_update().filter(pk=sign_in_policy_get().pk).first()
    if policy is None:
        policy = SignInPolicy.objects.create(pk=1)
    before = policy.values(allowed)
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.full_clean(exclude=["updated_by"])
    after = policy.values(allowed)
    if after == before:
        return policy
    if action == "settings.two_factor.updated" and after["two_factor_required"] and not before["two_factor_required"]:
        policy.two_factor_enforced_at = timezone.now()
    policy.updated_at = timezone.now()
    policy.updated_by = acting_user
    policy.save()
    changes = {name: [before[name], after[name]] for name in allowed if before[name] != after[name]}
    event_record(action=action, actor=acting_user, target=policy, changes=changes)
    transaction.on_commit(lambda: singleton_cache_refresh(SignInPolicy, SIGN_IN_POLICY_CACHE_KEY))
    return policy


@transaction.atomic
def two_factor_policy_update(*, acting_user: User, **fields) -> SignInPolicy:
    """Require (or stop requiring) two-step authentication of everyone, with a grace period."""
    return _sign_in_policy_update(
        acting_user=acting_user,
        fields=fields,
        allowed=SignInPolicy.TWO_FACTOR_FIELDS,
        action="settings.two_factor.updated",
    )


@transaction.atomic
def lockout_policy_update(*, acting_user: User, **fields) -> SignInPolicy:
    """Change how many failed sign-ins lock an account and IP out, and for how long."""
    return _sign_in_policy_update(
        acting_user=acting_user, fields=fields, allowed=SignInPolicy.LOCKOUT_FIELDS, action="settings.lockout.updated"
    )


@transaction.atomic
def session_policy_update(*, acting_user: User, **fields) -> SignInPolicy:
    """Change the absolute session lifetime and the inactivity timeout."""
    return _sign_in_policy_update(
        acting_user=acting_user, fields=fields, allowed=SignInPolicy.SESSION_FIELDS, action="settings.sessions.updated"
    )


# Listing and ending sessions -------------------------------------------------------


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


def reauthentication_record(*, user: User) -> None:
    event_record(action="auth.reauthenticated", actor=user, target=user)


def session_expired_record(*, user: User, session_key: str | None, reason: str) -> None:
    with transaction.atomic():
        if session_key:
            UserSession.objects.filter(session_key=session_key).delete()
        event_record(action="auth.session_expired", actor=user, target=user, changes={"reason": reason})


def user_session_rekey(*, old_key: str | None, new_key: str) -> None:
    """Follow a session whose key was rotated (after the second step)."""
    if old_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key, last_seen_at=timezone.now())
