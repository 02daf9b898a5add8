"""Two-step authentication: enrolment, recovery codes, the second step, turning off and resetting.

Devices are django-otp's: a TOTP device for the authenticator app and a
static device whose tokens are the recovery codes. Every code is checked
through ``django_otp.verify_token``, which locks the device row (a code works
once, even when two requests race), throttles repeated failures, follows the
phone's clock drift and refuses a code older than the last one accepted.
Enrolment works the same way, on a device that stays unconfirmed until the
first code from the app is accepted.
"""

from __future__ import annotations

import django_otp
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from activity.services import event_record

from ..models import User
from ..roles import can_manage_role
from ..selectors import (
    RECOVERY_DEVICE_NAME,
    recovery_codes_left,
    recovery_device_get,
    sign_in_policy_get,
    totp_device_get,
    totp_device_pending,
    two_factor_enabled,
)
from ._base import user_sessions_end
from .lockout import lockout_failure_register, lockout_refuse_if_active, password_confirm

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
# How a second step was passed, as recorded with the sign-in.
AUTHENTICATOR_APP = "authenticator app"
RECOVERY_CODE = "recovery code"


def _code_clean(code: str) -> str:
    return (code or "").strip().replace(" ", "")


def _authenticator_code_verify(user: User, device: TOTPDevice | None, code: str) -> TOTPDevice | None:
    code = _code_clean(code)
    # Anything but six digits is no authenticator code (perhaps a recovery code):
    # it must not count against the device's throttle.
    if device is None or not (len(code) == 6 and code.isdigit()):
        return None
    return django_otp.verify_token(user, device.persistent_id, code)


def _recovery_code_verify(user: User, code: str) -> StaticDevice | None:
    code = _code_clean(code).lower()
    device = recovery_device_get(user)
    if device is None or not code:
        return None
    return django_otp.verify_token(user, device.persistent_id, code)


def _any_code_verify(user: User, code: str) -> tuple[object, str] | None:
    device = _authenticator_code_verify(user, totp_device_get(user), code)
    if device is not None:
        return device, AUTHENTICATOR_APP
    device = _recovery_code_verify(user, code)
    if device is not None:
        return device, RECOVERY_CODE
    return None


# Enrolment -------------------------------------------------------------------------


def two_factor_enrolment_start(*, user: User) -> TOTPDevice:
    """Return the device being set up, creating it (with a new random key) if there is none.

    It stays unconfirmed, and verifies nothing at sign-in, until ``two_factor_enable``.
    """
    device = totp_device_pending(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@sensitive_variables("code")
def two_factor_enable(*, user: User, code: str) -> list[str]:
    """Confirm the device being set up with a current code from the app; return new recovery codes."""
    pending = totp_device_pending(user)
    # Verified outside the transaction below, so that a wrong code's throttle count is kept.
    if _authenticator_code_verify(user, pending, code) is None:
        raise ValidationError(
            "That code is not valid. Type the 6-digit code your app shows now (check your phone's clock).",
            code="invalid_code",
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=pending.pk).delete()
        TOTPDevice.objects.filter(pk=pending.pk).update(confirmed=True)
        codes = _recovery_codes_replace(user)
        if user.must_enrol_two_factor:
            User.objects.filter(pk=user.pk).update(must_enrol_two_factor=False)
            user.must_enrol_two_factor = False
        event_record(action="two_factor.enabled", actor=user, target=user)
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the member's recovery codes; the old set stops working at once."""
    if not two_factor_enabled(user):
        raise ValidationError("Turn on two-step authentication first.", code="not_enabled")
    codes = _recovery_codes_replace(user)
    event_record(action="two_factor.recovery_codes_regenerated", actor=user, target=user)
    return codes


# Turning off and resetting -----------------------------------------------------------


@sensitive_variables("password", "code")
def two_factor_disable(*, user: User, password: str, code: str, request=None) -> None:
    """Turn two-step off for oneself: needs the password and a valid code, and no enforcement.

    ``request`` lets wrong passwords and codes count towards the sign-in lockout
    (outside the transaction, so the count survives the refusal).
    """
    if sign_in_policy_get().two_factor_required:
        raise ValidationError(
            "Two-step authentication is required for every team member, so it cannot be turned off.",
            code="enforced",
        )
    if not password_confirm(request=request, user=user, password=password):
        raise ValidationError({"password": "Your password was entered incorrectly."})
    if _authenticator_code_verify(user, totp_device_get(user), code) is None:
        if request is not None:
            lockout_failure_register(request=request, user=user)
        raise ValidationError({"code": "That code is not valid."})
    with transaction.atomic():
        _devices_delete(user)
        event_record(action="two_factor.disabled", actor=user, target=user)


@transaction.atomic
def two_factor_reset(*, user: User, acting_user: User) -> None:
    """Delete a member's devices and recovery codes (lost phone) and sign them out everywhere.

    They must set up two-step authentication again at their next sign-in,
    whether or not the organisation requires it.
    """
    if not acting_user.has_perm("team.manage") or not can_manage_role(acting_user.role, user.role):
        raise PermissionDenied("You cannot reset two-step authentication of this member.")
    removed = _devices_delete(user)
    User.objects.filter(pk=user.pk).update(must_enrol_two_factor=True)
    ended = user_sessions_end(user=user)
    event_record(
        action="two_factor.reset",
        actor=acting_user,
        target=user,
        changes={"devices_removed": removed, "sessions_ended": ended},
    )


def _devices_delete(user: User) -> int:
    removed, _ = TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return removed


# The second step, at sign-in and when confirming an action --------------------------------


@sensitive_variables("code")
def second_step_verify(*, request, user: User, code: str) -> tuple[object, str] | None:
    """Check a code (or a recovery code) typed at sign-in; return (device, kind) or None.

    ``kind`` is AUTHENTICATOR_APP or RECOVERY_CODE; the caller records the
    success with the sign-in. A wrong code is recorded here and counts as a
    failed sign-in for the lockout; while locked out, raise LockedOut.
    """
    lockout_refuse_if_active(request=request, user=user)
    passed = _any_code_verify(user, code)
    if passed is not None:
        return passed
    event_record(action="auth.second_step_failed", actor=user, target=user)
    lockout_failure_register(request=request, user=user)
    return None


@sensitive_variables("code")
def second_step_confirm(*, request, user: User, code: str) -> bool:
    """Check a current code (or recovery code) confirming a sensitive action; a wrong one counts for the lockout."""
    if _any_code_verify(user, code) is not None:
        return True
    lockout_failure_register(request=request, user=user)
    return False


def second_step_passed_record(*, user: User, kind: str | None, sign_in: dict | None = None) -> None:
    """Record a passed second step: alone, or (with ``sign_in``, its details) as the sign-in it completes.

    A recovery code is always recorded as such, with the codes left.
    """
    changes = dict(sign_in or {})
    if kind == RECOVERY_CODE:
        changes["recovery_codes_left"] = recovery_codes_left(user)
        action = "auth.recovery_code_used"
    elif sign_in is not None:
        action = "auth.signed_in"
    else:
        action = "auth.second_step_passed"
    event_record(action=action, actor=user, target=user, changes=changes)
