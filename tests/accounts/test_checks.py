"""Each system check of the accounts app, by id: it fails when the setting is wrong and passes when right."""

from __future__ import annotations

import pytest
from django.core.checks import Tags, run_checks

import modyo_admin.settings as configured
from accounts import checks

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"
# The middleware the sign-in steps, session limits and lockout page read, and their own (accounts.E002).
SIGN_IN_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.RequiredStepMiddleware",
    "accounts.middleware.LockedOutMiddleware",
]
POLICY_VALIDATORS = [v["NAME"] for v in configured.AUTH_PASSWORD_VALIDATORS if v["NAME"].startswith("accounts.")]


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_the_project_settings_pass_every_accounts_check(settings):
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS  # the suite runs with a fast hasher
    assert checks.check_password_hashers(None) == []
    assert checks.check_password_validators(None) == []
    assert checks.check_sign_in_middleware(None) == []


# accounts.W001: Argon2 first in PASSWORD_HASHERS ----------------------------------------


@pytest.mark.parametrize("hashers", [[MD5], [PBKDF2, ARGON2], []], ids=["md5", "argon2-not-first", "none"])
def test_w001_passwords_not_hashed_with_argon2_first(settings, hashers):
    settings.PASSWORD_HASHERS = hashers
    assert ids(checks.check_password_hashers(None)) == ["accounts.W001"]


def test_w001_accepts_argon2_first_with_older_hashers_after_it(settings):
    settings.PASSWORD_HASHERS = [ARGON2, PBKDF2]
    assert checks.check_password_hashers(None) == []


def test_w001_is_reported_by_the_security_checks(settings):
    settings.PASSWORD_HASHERS = [MD5]
    assert "accounts.W001" in ids(run_checks(tags=[Tags.security]))


# accounts.E001: every rule of the policy in AUTH_PASSWORD_VALIDATORS ---------------------


@pytest.mark.parametrize("missing", POLICY_VALIDATORS)
def test_e001_a_validator_of_the_policy_is_missing(settings, missing):
    settings.AUTH_PASSWORD_VALIDATORS = [v for v in configured.AUTH_PASSWORD_VALIDATORS if v["NAME"] != missing]
    [error] = checks.check_password_validators(None)
    assert error.id == "accounts.E001"
    assert missing in error.hint


def test_e001_no_validators_at_all(settings):
    settings.AUTH_PASSWORD_VALIDATORS = []
    assert ids(checks.check_password_validators(None)) == ["accounts.E001"]


# accounts.E002: the sign-in middleware present and in order ------------------------------


@pytest.mark.parametrize("missing", SIGN_IN_MIDDLEWARE)
def test_e002_sign_in_middleware_missing(settings, missing):
    settings.MIDDLEWARE = [name for name in configured.MIDDLEWARE if name != missing]
    assert ids(checks.check_sign_in_middleware(None)) == ["accounts.E002"]


@pytest.mark.parametrize(
    ("moved", "before"),
    [
        ("accounts.middleware.SessionLimitsMiddleware", "django.contrib.auth.middleware.AuthenticationMiddleware"),
        ("accounts.middleware.RequiredStepMiddleware", "django_otp.middleware.OTPMiddleware"),
        ("accounts.middleware.RequiredStepMiddleware", "accounts.middleware.SessionLimitsMiddleware"),
    ],
)
def test_e002_sign_in_middleware_out_of_order(settings, moved, before):
    middleware = [name for name in configured.MIDDLEWARE if name != moved]
    middleware.insert(middleware.index(before), moved)
    settings.MIDDLEWARE = middleware
    assert ids(checks.check_sign_in_middleware(None)) == ["accounts.E002"]
