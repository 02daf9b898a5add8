"""Every /api/v1/ endpoint × every role × both scopes: one table drives one test.

A token acts with its creator's current role, so each token is made while its
creator may make one and the role is then set to the one under test (members
and read-write auditors cannot be given a token any other way: that is the
demotion case). Every URL under /api/v1/ must have a row here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from api import services
from api.models import ApiToken
from tests.api.conftest import make_token, token_client
from tests.factories import make_user
from tests.test_roles import url_names

READ, WRITE = ApiToken.Scope.READ, ApiToken.Scope.READ_WRITE
STAFF = {Role.OWNER, Role.ADMIN, Role.AUDITOR}
MANAGERS = {Role.OWNER, Role.ADMIN}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    allowed: set[str]  # roles whose tokens get ``ok`` (writes: with a read-write scope only)
    ok: int = 200
    target: str = ""  # "member": a team member's id; "token": another token of the caller's creator
    data: dict = field(default_factory=dict)

    @property
    def writes(self) -> bool:
        return self.method not in ("get", "head", "options")


TABLE = [
    Row("api_v1:activity", "get", STAFF),
    Row("api_v1:activity_export", "get", STAFF),
    Row("api_v1:activity_verify", "get", STAFF),
    Row("api_v1:settings_security", "get", STAFF),
    Row("api_v1:settings_security", "patch", MANAGERS, data={"lockout": {"lockout_failure_limit": 7}}),
    Row("api_v1:delivery_token_rotate", "post", MANAGERS),
    Row("api_v1:members", "get", STAFF),
    Row("api_v1:members", "post", MANAGERS, ok=201, data={"email": "new@example.com", "role": "member"}),
    Row("api_v1:member", "get", STAFF, target="member"),
    Row("api_v1:member", "patch", MANAGERS, target="member", data={"role": "auditor"}),
    Row("api_v1:member_reset_two_factor", "post", MANAGERS, target="member"),
    Row("api_v1:member_unlock", "post", MANAGERS, target="member"),
    Row("api_v1:tokens", "get", STAFF),
    Row("api_v1:token", "delete", STAFF, ok=204, target="token"),
    # Any path under /api/v1/ that names no endpoint: 404 for any token (401 without one).
    Row("api_v1:not_found", "get", set(Role.values), ok=404),
]


def test_every_api_url_is_in_the_table():
    assert {name for name in url_names() if name.startswith("api_v1:")} == {row.name for row in TABLE}


def _expected(row: Row, role: str, scope: str) -> int:
    if role not in row.allowed or (row.writes and scope == READ):
        return 403
    return row.ok


CASES = [
    pytest.param(row, role, scope, id=f"{row.method} {row.name}-{role}-{scope}")
    for row in TABLE
    for role in Role.values
    for scope in (READ, WRITE)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role", "scope"), CASES)
def test_role_and_scope_table(row, role, scope):
    make_user(email="owner@example.com", role=Role.OWNER)  # the last owner is never the one under test
    creator = make_user(email=f"creator-{role}@example.com", role=Role.OWNER)
    secret = make_token(creator, scope=scope)
    kwargs = {}
    if row.target == "member":
        kwargs = {"pk": make_user(email="target@example.com", role=Role.MEMBER).pk}
    elif row.target == "token":
        services.api_token_create(acting_user=creator, name="another", scope=READ)
        kwargs = {"pk": ApiToken.objects.get(name="another").pk}
    User.objects.filter(pk=creator.pk).update(role=role)
    response = getattr(token_client(secret), row.method)(
        reverse(row.name, kwargs=kwargs or None), row.data, format="json"
    )
    assert response.status_code == _expected(row, role, scope), response.content[:500]
