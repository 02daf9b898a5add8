from __future__ import annotations

import os
import time
from importlib import import_module

import hypothesis
import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache

from accounts import session_state
from accounts.models import User, UserSession
from accounts.roles import Role
from security.keyring import keyring
from security.token_holders import token_holders
from singletons.selectors import singleton_process_forget
from tests.factories import DEFAULT_PASSWORD, make_user

# Property-based tests run few examples in the suite; HYPOTHESIS_PROFILE=ci asks for more.
hypothesis.settings.register_profile("suite", max_examples=10)
hypothesis.settings.register_profile("ci", max_examples=100)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.fixture(autouse=True)
def _fast_hasher_and_clean_cache(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    keyring.forget()
    token_holders.forget_all()
    singleton_process_forget()
    yield
    cache.clear()
    keyring.forget()
    token_holders.forget_all()
    singleton_process_forget()


@pytest.fixture
def clock_held():
    """Hold the wall clock still for the test (it moves only when the test travels).

    Rate limits count in fixed windows that end at set times; a test that fills
    one must not have it roll over half-way (CI once reached 18:30:02 mid-test).
    """
    with time_machine.travel(time.time(), tick=False) as traveller:
        yield traveller


class ManualClock:
    """A monotonic clock the test moves by hand (``clock.now += 1.1``), for the process copies' ages."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


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


def force_sign_in(client, user: User):
    """Open a signed-in session without the sign-in page, where signing in is not the subject.

    The session holds what a completed sign-in leaves (accounts.sign_in.complete): the
    timestamps the session limits read, and the session row that the Sessions page lists and
    that signing a member out ends. No ``auth.signed_in`` event, no second step, no required
    password change: tests of those sign in through the page with ``sign_in``.

    The session is written directly rather than through ``client.force_login``, whose
    ``user_logged_in`` receivers (django-axes' access log, ``last_login``) are sign-in
    behaviour and cost more than the rest of the helper together.
    """
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "accounts.backends.MemberBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session_state.start(session)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    UserSession.objects.create(user=user, session_key=session.session_key, ip_address="203.0.113.10")
    return client
