"""Two-step authentication: enrolment, recovery codes, verification, reset.

Devices are django-otp's: a TOTP device for the authenticator app and a
static device whose tokens are the recovery codes. Verification goes through
django-otp, which locks the device row (so a code works once, even when two
requests race) and throttles repeated failures.
"""

from __future__ import annotations

import base64
import io
from binascii import unhexlify
from datetime import timedelta
from urllib.parse import quote, urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from activity.services import event_record

from . import conf, lockout
from .models import User
from .roles import can_manage_role
from .selectors import RECOVERY_DEVICE_NAME, recovery_codes_left, sign_in_policy_get
from .services import user_sessions_end

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"


# Reads -------------------------------------------------------------------------


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enabled_user_ids(users) -> set[int]:
    """Return the ids among ``users`` that have two-step authentication on (one query)."""
    return set(TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True).distinct())


# Enrolment -------------------------------------------------------------------------


def new_secret() -> str:
    """Return a new random TOTP key (hex, 160 bits), kept in the session until confirmed."""
    return default_key()


def secret_base32(secret_hex: str) -> str:
    return base64.b32encode(unhexlify(secret_hex)).decode().rstrip("=")


def secret_grouped(secret_hex: str) -> str:
    """Return the secret as base32 in groups of four, for typing into an app."""
    text = secret_base32(secret_hex)
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(*, user: User, secret_hex: str) -> str:
    """Return the otpauth:// URI an authenticator app scans (RFC 6238 defaults)."""
    issuer = conf.organisation_name()
    label = quote(f"{issuer}:{user.email}", safe="@:")
    query = urlencode(
        {"secret": secret_base32(secret_hex), "issuer": issuer, "algorithm": "SHA1", "digits": 6, "period": 30},
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def qr_code_svg(uri: str) -> bytes:
    """Render ``uri`` as an SVG QR code, made here so the secret never leaves the server."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def enrolment_confirm(*, user: User, secret_hex: str, code: str) -> list[str]:
    """Activate a device for ``secret_hex`` if ``code`` is current; return new recovery codes."""
    if not _totp_matches(secret_hex, code):
        raise ValidationError(
            "That code is not valid. Type the 6-digit code your app shows now (check your phone's clock).",
            code="invalid_code",
        )
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, key=secret_hex, confirmed=True)
    device.last_t = TOTP(unhexlify(secret_hex)).t()  # the confirming code cannot be replayed at sign-in
    device.save()
    codes = _recovery_codes_replace(user)
    if user.must_enrol_two_factor:
        User.objects.filter(pk=user.pk).update(must_enrol_two_factor=False)
        user.must_enrol_two_factor = False
    event_record(action="two_factor.enabled", actor=user, target=user)
    return codes


def _totp_matches(secret_hex: str, code: str) -> bool:
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return False
    totp = TOTP(unhexlify(secret_hex))
    return totp.verify(int(code), tolerance=1)


def _recovery_codes_replace(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the member's recovery codes; the old set stops working at once."""
    if not is_enabled(user):
        raise ValidationError("Turn on two-step authentication first.", code="not_enabled")
    codes = _recovery_codes_replace(user)
    event_record(action="two_factor.recovery_codes_regenerated", actor=user, target=user)
    return codes


# Turning off and resetting -----------------------------------------------------------


@sensitive_variables("password", "code")
def disable(*, user: User, password: str, code: str, request=None) -> None:
    """Turn two-step off for oneself: needs the password and a valid code, and no enforcement.

    ``request`` lets wrong passwords and codes count towards the sign-in lockout
    (outside the transaction, so the count survives the refusal).
    """
    if sign_in_policy_get().two_factor_required:
        raise ValidationError(
            "Two-step authentication is required for every team member, so it cannot be turned off.",
            code="enforced",
        )
    if not lockout.password_confirm(request=request, user=user, password=password):
        raise ValidationError({"password": "Your password was entered incorrectly."})
    if _verify_device_code(user, code) is None:
        if request is not None:
            lockout.failure_count(request=request, user=user)
        raise ValidationError({"code": "That code is not valid."})
    with transaction.atomic():
        _devices_delete(user)
        event_record(action="two_factor.disabled", actor=user, target=user)


@transaction.atomic
def reset(*, user: User, acting_user: User) -> None:
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
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return removed


# The second step of sign-in ----------------------------------------------------------


def _verify_device_code(user: User, code: str):
    code = (code or "").strip().replace(" ", "")
    # Anything but six digits is no authenticator code (perhaps a recovery code):
    # it must not count against the device's throttle.
    if not (len(code) == 6 and code.isdigit()):
        return None
    device = totp_device(user)
    if device is None:
        return None
    return django_otp.verify_token(user, device.persistent_id, code)


def _verify_recovery_code(user: User, code: str):
    code = (code or "").strip().replace(" ", "").lower()
    device = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
    if device is None or not code:
        return None
    return django_otp.verify_token(user, device.persistent_id, code)


AUTHENTICATOR_APP = "authenticator app"
RECOVERY_CODE = "recovery code"


@sensitive_variables("code")
def second_step_verify(*, request, user: User, code: str):
    """Check a code (or a recovery code) typed at sign-in; return (device, kind) or None.

    ``kind`` is "authenticator app" or "recovery code"; the caller records the
    success with the sign-in. A wrong code is recorded here, and counts as a
    failed sign-in for the lockout.
    """
    device = _verify_device_code(user, code)
    if device is not None:
        return device, AUTHENTICATOR_APP
    device = _verify_recovery_code(user, code)
    if device is not None:
        return device, RECOVERY_CODE
    event_record(action="auth.second_step_failed", actor=user, target=user)
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)
    return None


def second_step_record(*, user: User, kind: str) -> None:
    """Record a code confirmed in a session that was already signed in (a device added meanwhile)."""
    if kind == RECOVERY_CODE:
        event_record(
            action="auth.recovery_code_used",
            actor=user,
            target=user,
            changes={"recovery_codes_left": recovery_codes_left(user)},
        )
    else:
        event_record(action="auth.second_step_passed", actor=user, target=user)


def verify_for_reauthentication(*, user: User, code: str) -> bool:
    """Check a current code (or recovery code) to confirm a sensitive action."""
    return _verify_device_code(user, code) is not None or _verify_recovery_code(user, code) is not None


# Enforcement ----------------------------------------------------------------------------


def enforcement_state(user: User, *, now=None) -> tuple[bool, int | None]:
    """Return (enrolment required now, days left in the grace period or None) for a member without a device."""
    if user.must_enrol_two_factor:
        return True, None
    policy = sign_in_policy_get()
    if not policy.two_factor_required:
        return False, None
    now = now or timezone.now()
    started = policy.two_factor_enforced_at or now
    deadline = started + timedelta(days=policy.two_factor_grace_days)
    if now >= deadline:
        return True, None
    seconds = (deadline - now).total_seconds()
    return False, max(1, int(-(-seconds // 86400)))
