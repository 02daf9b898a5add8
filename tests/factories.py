"""Test data: rows written directly where their making is not the subject, or through the services where it is."""

from __future__ import annotations

from itertools import count

from django.contrib.auth.hashers import get_hasher
from django.utils import timezone

from accounts import services
from accounts.models import User
from accounts.roles import Role
from accounts.selectors import password_policy_get

DEFAULT_PASSWORD = "Correct-Horse-9-Battery"
_numbers = count(1)
# Hashing is the slow part of making a member (Argon2 where a test configures it); one salt per
# password and hasher is enough for members whose passwords are not what the test is about.
_hashes: dict[tuple[str, str], str] = {}


def password_hash(password: str) -> str:
    """Return a hash of ``password`` by the first configured hasher, computed once per hasher."""
    hasher = get_hasher()
    key = (f"{type(hasher).__module__}.{type(hasher).__qualname__}", password)
    if key not in _hashes:
        _hashes[key] = hasher.encode(password, hasher.salt())
    return _hashes[key]


def make_user(
    *, email: str | None = None, role: str = Role.MEMBER, password: str = DEFAULT_PASSWORD, full_name: str = "", **extra
) -> User:
    """Make an active member who can sign in, as ``member_create`` leaves them, minus its event and history row.

    Use ``make_user_via_service`` where the creation itself is the subject (its event, its
    password validation, the password history it starts).
    """
    now = timezone.now()
    fields = {
        "joined_at": now,
        "password_changed_at": now,
        "password_policy_version": password_policy_get().version,
        "password_compliant": True,
        **extra,
    }
    email = email or f"person{next(_numbers)}@example.com"
    return User.objects.create(
        email=email.lower(), role=role, full_name=full_name, password=password_hash(password), **fields
    )


def make_user_via_service(
    *, email: str | None = None, role: str = Role.MEMBER, password: str = DEFAULT_PASSWORD, **extra
) -> User:
    """Make a member through ``member_create``: policy check, hashing, history row and ``member.created`` event."""
    email = email or f"person{next(_numbers)}@example.com"
    return services.member_create(email=email, password=password, role=role, **extra)
