from __future__ import annotations

import pytest
from django.core.cache import cache

from accounts.models import User
from accounts.roles import Role
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.fixture(autouse=True)
def _fast_hasher_and_clean_cache(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def owner(db) -> User:
    return make_user(email="owner@example.com", role=Role.OWNER, full_name="Olivia Owner")


@pytest.fixture
def admin(db) -> User:
    return make_user(email="admin@example.com", role=Role.ADMIN, full_name="Adam Admin")


@pytest.fixture
def auditor(db) -> User:
    return make_user(email="auditor@example.com", role=Role.AUDITOR, full_name="Audrey Auditor")


@pytest.fixture
def member(db) -> User:
    return make_user(email="member@example.com", role=Role.MEMBER, full_name="Mel Member")


@pytest.fixture
def users_by_role(owner, admin, auditor, member) -> dict[str, User]:
    return {Role.OWNER: owner, Role.ADMIN: admin, Role.AUDITOR: auditor, Role.MEMBER: member}


def sign_in(client, user: User, password: str = DEFAULT_PASSWORD):
    """Sign in through the real sign-in page, as a person would."""
    response = client.post("/login/", {"username": user.email, "password": password}, REMOTE_ADDR="203.0.113.10")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not response["Location"].startswith("/login/?"), response["Location"]
    return response


@pytest.fixture
def signed_in(client):
    def _sign_in(user: User, password: str = DEFAULT_PASSWORD):
        sign_in(client, user, password)
        return client

    return _sign_in
