"""API tokens: hash-only storage, scope, expiry, revocation, demotion and deactivation, and where they work."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts import services as account_services
from accounts.roles import Role
from activity.chain import canonical
from activity.models import Event
from activity.verification import chain_verify
from api import services
from api.models import ApiToken
from tests.api.conftest import make_token, token_client
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db


def test_only_the_sha256_and_a_short_prefix_of_a_token_are_stored(owner):
    token, secret = services.api_token_create(acting_user=owner, name="SIEM", scope="read")
    assert secret.startswith("mdy_") and len(secret) == 4 + 43  # 32 random bytes, base64url
    token.refresh_from_db()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    with connection.cursor() as cursor:
        for table in ("api_apitoken", "activity_event"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            assert all(secret not in str(value) for row in cursor.fetchall() for value in row)


def test_two_tokens_never_share_a_secret_or_hash(owner):
    secrets = {make_token(owner) for _ in range(20)}
    assert len(secrets) == 20
    assert ApiToken.objects.values("token_hash").distinct().count() == 20


def test_a_token_expires_after_90_days_by_default_and_at_most_365(owner):
    token, _ = services.api_token_create(acting_user=owner, name="default", scope="read")
    assert token.expires_at - token.created_at == timedelta(days=90)
    with pytest.raises(ValidationError) as refused:
        services.api_token_create(acting_user=owner, name="too long", scope="read", expires_in_days=366)
    assert "expires_in_days" in refused.value.message_dict


def test_auditors_create_read_tokens_only_and_members_none(auditor, member):
    services.api_token_create(acting_user=auditor, name="SIEM", scope="read")
    with pytest.raises(ValidationError) as refused:
        services.api_token_create(acting_user=auditor, name="SIEM", scope="read-write")
    assert refused.value.message_dict["scope"] == ["Your role may create read tokens only."]
    with pytest.raises(PermissionDenied):
        services.api_token_create(acting_user=member, name="mine", scope="read")


def test_a_token_authenticates_the_api_as_its_creator_and_records_when_and_from_where(owner):
    secret = make_token(owner)
    response = token_client(secret).get("/api/v1/tokens/", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.last_used_ip == "198.51.100.7"
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)
    assert response.json()[0]["last_used_ip"] == "198.51.100.7"


def test_an_expired_token_gets_401(owner):
    secret = make_token(owner, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        response = token_client(secret).get("/api/v1/tokens/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_a_revoked_token_gets_401_at_once(owner):
    secret = make_token(owner)
    client = token_client(secret)
    assert client.get("/api/v1/tokens/").status_code == 200
    services.api_token_revoke(token=ApiToken.objects.get(), acting_user=owner)
    response = client.get("/api/v1/tokens/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


@pytest.mark.parametrize("secret", ["mdy_" + "A" * 43, "not-a-token", "mdy_", "x" * 5000])
def test_an_unknown_token_gets_401_with_a_bearer_challenge(db, secret):
    response = token_client(secret).get("/api/v1/tokens/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_demoting_the_creator_narrows_the_token_at_once(owner, admin):
    client = token_client(make_token(admin))
    change = {"lockout": {"lockout_failure_limit": 7}}
    assert client.patch("/api/v1/settings/security/", change, format="json").status_code == 200
    account_services.member_role_change(user=admin, role=Role.AUDITOR, acting_user=owner)
    assert client.patch("/api/v1/settings/security/", change, format="json").status_code == 403
    assert client.get("/api/v1/settings/security/").status_code == 200
    account_services.member_role_change(user=admin, role=Role.MEMBER, acting_user=owner)
    assert client.get("/api/v1/settings/security/").status_code == 403


def test_tokens_of_a_deactivated_member_stop_at_once_and_stay_dead_after_reactivation(owner, admin):
    client = token_client(make_token(admin))
    assert client.get("/api/v1/tokens/").status_code == 200
    account_services.member_deactivate(user=admin, acting_user=owner)
    assert client.get("/api/v1/tokens/").status_code == 401
    assert ApiToken.objects.get().revoked_by == owner
    account_services.member_reactivate(user=admin, acting_user=owner)
    assert client.get("/api/v1/tokens/").status_code == 401


def test_a_password_change_leaves_the_tokens_working(admin):
    client = token_client(make_token(admin))
    account_services.user_sessions_end(user=admin)  # what a password change or sign-out everywhere does
    assert client.get("/api/v1/tokens/").status_code == 200


def test_a_read_token_may_only_read(admin):
    client = token_client(make_token(admin, scope="read"))
    assert client.get("/api/v1/settings/security/").status_code == 200
    response = client.patch("/api/v1/settings/security/", {"lockout": {"lockout_failure_limit": 7}}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "This token's scope is read: it may only read."


@pytest.mark.parametrize("url", ["/team/", "/activity/", "/profile/", "/profile/api-tokens/", "/settings/security/"])
def test_the_web_ui_never_accepts_a_token(owner, client, url):
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {make_token(owner)}")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_api_never_accepts_a_session(owner, client):
    force_sign_in(client, owner)
    response = client.get("/api/v1/tokens/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_two_step_enforcement_does_not_stop_a_token(owner):
    client = token_client(make_token(owner))
    account_services.two_factor_policy_update(acting_user=owner, two_factor_required=True)
    assert client.get("/api/v1/team/members/").status_code == 200


def test_a_write_through_the_api_records_the_pages_event_marked_with_the_token(owner):
    secret = make_token(owner)
    response = token_client(secret).patch(
        "/api/v1/settings/security/", {"sessions": {"session_idle_minutes": 30}}, format="json"
    )
    assert response.status_code == 200
    event = Event.objects.get(action="settings.sessions.updated")
    assert (event.actor, event.credential) == (owner, secret[:12])
    assert event.changes == {"session_idle_minutes": [60, 30]}
    assert chain_verify().ok


def test_events_from_the_web_ui_name_no_token(owner, client):
    force_sign_in(client, owner)
    client.post("/settings/security/sessions/", {"session_absolute_minutes": 1440, "session_idle_minutes": 30})
    assert Event.objects.get(action="settings.sessions.updated").credential == ""


def test_the_command_prints_a_token_once_that_works(owner):
    out, err = StringIO(), StringIO()
    call_command(
        "api_token_create", "--email", owner.email, "--name", "CI", "--scope", "read-write", stdout=out, stderr=err
    )
    secret = out.getvalue().strip()
    assert token_client(secret).get("/api/v1/tokens/").status_code == 200
    assert secret not in err.getvalue()


def test_the_command_refuses_what_the_role_refuses(auditor):
    with pytest.raises(CommandError, match="read tokens only"):
        call_command("api_token_create", "--email", auditor.email, "--name", "x", "--scope", "read-write")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL's triggers refuse the UPDATE itself")
def test_the_token_named_by_an_event_is_covered_by_its_hash(owner):
    token_client(make_token(owner)).patch(
        "/api/v1/settings/security/", {"sessions": {"session_idle_minutes": 30}}, format="json"
    )
    event = Event.objects.get(action="settings.sessions.updated")
    assert b"credential" in canonical(event)
    assert b"credential" not in canonical(Event.objects.get(action="api_token.created"))  # as events before it
    with connection.cursor() as cursor:
        cursor.execute("UPDATE activity_event SET credential = '' WHERE sequence = %s", [event.sequence])
    result = chain_verify()
    assert (result.ok, result.broken_at) == (False, event.sequence)
