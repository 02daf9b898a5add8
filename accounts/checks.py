"""System checks of the accounts app (ids accounts.E00x / W00x)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def check_password_hashers(app_configs, **kwargs):
    hashers = getattr(settings, "PASSWORD_HASHERS", [])
    if not hashers or hashers[0] != "django.contrib.auth.hashers.Argon2PasswordHasher":
        return [
            Warning(
                "Passwords are not hashed with Argon2id.",
                hint="Put django.contrib.auth.hashers.Argon2PasswordHasher first in PASSWORD_HASHERS.",
                id="accounts.W001",
            )
        ]
    return []


@register(Tags.security)
def check_password_validators(app_configs, **kwargs):
    names = {v["NAME"] for v in getattr(settings, "AUTH_PASSWORD_VALIDATORS", [])}
    required = {
        "accounts.validators.MinimumLengthValidator",
        "accounts.validators.LowercaseValidator",
        "accounts.validators.UppercaseValidator",
        "accounts.validators.SpecialCharacterValidator",
        "accounts.validators.CommonPasswordValidator",
        "accounts.validators.UserAttributeSimilarityValidator",
        "accounts.validators.GuessableValidator",
        "accounts.validators.PasswordHistoryValidator",
    }
    missing = sorted(required - names)
    if missing:
        return [
            Error(
                "The password policy is not fully enforced: validators missing from AUTH_PASSWORD_VALIDATORS.",
                hint="Add: " + ", ".join(missing),
                id="accounts.E001",
            )
        ]
    return []


@register(Tags.security)
def check_sign_in_middleware(app_configs, **kwargs):
    """The sign-in steps and session limits need their middleware, after the ones they read."""
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    order = [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "accounts.middleware.SignInRequiredMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "accounts.middleware.SessionLimitsMiddleware",
        "accounts.middleware.RequiredStepMiddleware",
        "accounts.middleware.LockedOutMiddleware",
    ]
    positions = [middleware.index(name) if name in middleware else -1 for name in order]
    if -1 in positions or positions != sorted(positions):
        return [
            Error(
                "The sign-in middleware is missing or out of order.",
                hint="MIDDLEWARE must contain, in this order: " + ", ".join(order) + ".",
                id="accounts.E002",
            )
        ]
    return []


# Backends that print, keep or drop mail instead of sending it.
_UNDELIVERING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register(Tags.security)
def check_email_backend(app_configs, **kwargs):
    """With debug off, invitation and reset links must be mailed, never printed into the log or dropped."""
    if settings.DEBUG or getattr(settings, "EMAIL_UNDELIVERED_OK", False):
        return []
    if settings.EMAIL_BACKEND in _UNDELIVERING_EMAIL_BACKENDS:
        return [
            Error(
                f"Mail goes to {settings.EMAIL_BACKEND}, which delivers nothing: invitation and password-reset "
                "links would be written to the log or lost.",
                hint="Set EMAIL_BACKEND to django.core.mail.backends.smtp.EmailBackend (with EMAIL_HOST and its "
                "credentials), or set EMAIL_UNDELIVERED_OK=1 if no mail should leave this installation.",
                id="accounts.E003",
            )
        ]
    return []
