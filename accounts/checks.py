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
