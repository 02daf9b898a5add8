from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts import services
from accounts.models import PasswordPolicy, User


@pytest.fixture
def set_policy(db, django_capture_on_commit_callbacks):
    """Change the password policy through its service, as committed (the policy cache is cleared on commit)."""

    def _set(*, acting_user: User | None = None, **fields) -> PasswordPolicy:
        with django_capture_on_commit_callbacks(execute=True):
            return services.password_policy_update(acting_user=acting_user, **fields)

    return _set


@pytest.fixture
def strict_composition(set_policy):
    """Turn on the three character-class rules."""
    return set_policy(require_lowercase=True, require_uppercase=True, require_special=True)


def field_errors(response, field: str) -> list[str]:
    """Return the error messages a bound form in the response shows for ``field``."""
    form = response.context["form"]
    return list(form.errors.get(field, []))


def invitation_token(link: str) -> str:
    match = re.search(r"/invite/([^/]+)/$", link)
    assert match, link
    return match.group(1)


@pytest.fixture
def client_factory():
    """Make further test clients: each is another browser with its own cookies."""
    return Client
