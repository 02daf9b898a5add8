"""accounts.E003: with debug off, mail must reach people, not the log."""

from __future__ import annotations

import pytest

from accounts.checks import check_email_backend

UNDELIVERING = [
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
]


@pytest.mark.parametrize("backend", UNDELIVERING)
def test_a_backend_that_delivers_nothing_is_an_error_with_debug_off(settings, backend):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = backend
    settings.EMAIL_UNDELIVERED_OK = False
    [error] = check_email_backend(None)
    assert error.id == "accounts.E003"
    assert "EMAIL_BACKEND" in error.hint


@pytest.mark.parametrize("backend", UNDELIVERING)
def test_the_same_backend_passes_in_debug_or_when_declared_intended(settings, backend):
    settings.EMAIL_BACKEND = backend
    settings.DEBUG, settings.EMAIL_UNDELIVERED_OK = True, False
    assert check_email_backend(None) == []
    settings.DEBUG, settings.EMAIL_UNDELIVERED_OK = False, True
    assert check_email_backend(None) == []


def test_smtp_passes_with_debug_off(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert check_email_backend(None) == []
