"""Test data built through the same services the product uses."""

from __future__ import annotations

from itertools import count

from accounts import services
from accounts.models import User
from accounts.roles import Role

DEFAULT_PASSWORD = "Correct-Horse-9-Battery"
_numbers = count(1)


def make_user(*, email: str | None = None, role: str = Role.MEMBER, password: str = DEFAULT_PASSWORD, **extra) -> User:
    email = email or f"person{next(_numbers)}@example.com"
    return services.member_create(email=email, password=password, role=role, **extra)
