"""A request whose headers hold a NUL character gets a 400 before anything stores them (issue 9, point 3).

PostgreSQL cannot store NUL: the User-Agent went into activity events, the sessions
list and django-axes' failed attempts, the session cookie into a look-up, each a 500.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from activity.models import Event
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db

NUL = "Mozilla/5.0\x00"


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("HTTP_USER_AGENT", "User-Agent"),
        ("HTTP_ACCEPT", "Accept"),
        ("HTTP_REFERER", "Referer"),
        ("HTTP_COOKIE", "Cookie"),
    ],
)
def test_a_header_with_a_nul_character_gets_a_400_naming_it(client, header, name):
    response = client.get("/login/", **{header: NUL})
    assert response.status_code == 400
    assert response.content.decode() == f"The {name} header contains a NUL character (0x00), which HTTP does not allow."


def test_the_refusal_carries_the_panels_security_headers(client):
    response = client.get("/login/", HTTP_USER_AGENT=NUL)
    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response


def test_a_failed_sign_in_with_a_nul_in_the_user_agent_is_refused_and_stored_nowhere(client, owner):
    response = client.post("/login/", {"username": owner.email, "password": "Not-The-Password-1"}, HTTP_USER_AGENT=NUL)
    assert response.status_code == 400
    assert not AccessAttempt.objects.exists()


def test_a_session_cookie_with_a_nul_character_is_refused(client):
    response = client.get("/login/", HTTP_COOKIE=settings.SESSION_COOKIE_NAME + "=" + "\x00" * 32)
    assert response.status_code == 400


def test_a_settings_change_with_a_nul_in_the_user_agent_is_refused_and_records_nothing(client, owner):
    force_sign_in(client, owner)
    response = client.post(
        "/settings/security/lockout/",
        {"lockout_failure_limit": "7", "lockout_cooloff_minutes": "20"},
        HTTP_USER_AGENT=NUL,
    )
    assert response.status_code == 400
    assert not Event.objects.filter(action__startswith="settings.").exists()


def test_ordinary_headers_pass(client):
    assert client.get("/login/", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64)").status_code == 200
