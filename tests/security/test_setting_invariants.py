"""Settings that would contradict themselves are refused with a clear message, whichever door they come through."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.roles import Role
from security import selectors, services
from tests.conftest import force_sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return make_user(email="olivia@example.com", role=Role.OWNER)


def test_cors_cannot_be_enabled_with_no_origin(owner):
    with pytest.raises(ValidationError) as caught:
        services.cors_settings_update(acting_user=owner, enabled=True, allowed_origins=" , ")
    assert caught.value.message_dict["allowed_origins"] == [
        "List at least one origin to enable CORS, or leave CORS disabled."
    ]
    assert selectors.cors_settings_get().enabled is False


def test_the_cors_page_shows_the_refusal_and_keeps_the_input(client, owner):
    force_sign_in(client, owner)
    response = client.post("/settings/security/cors/", {"enabled": "on", "allowed_origins": ""})
    assert response.status_code == 400
    assert "List at least one origin to enable CORS" in response.content.decode()


def test_a_session_lifetime_shorter_than_the_inactivity_timeout_is_refused(owner):
    with pytest.raises(ValidationError) as caught:
        account_services.session_policy_update(acting_user=owner, session_absolute_minutes=30, session_idle_minutes=60)
    assert "shorter than the inactivity timeout" in " ".join(caught.value.messages)
    assert account_selectors.sign_in_policy_get().session_absolute_minutes == 24 * 60


def test_the_sessions_page_shows_the_refusal(client, owner):
    force_sign_in(client, owner)
    response = client.post(
        "/settings/security/sessions/", {"session_absolute_minutes": "30", "session_idle_minutes": "60"}
    )
    assert response.status_code == 400
    assert "shorter than the inactivity timeout" in response.content.decode()


def test_a_minimum_length_below_8_names_the_platforms_rule(client, owner):
    force_sign_in(client, owner)
    response = client.post("/settings/security/password-policy/", {"min_length": "6", "history_count": "0"})
    assert response.status_code == 400
    assert "The platform requires at least 8 characters." in response.content.decode()
    assert "greater than or equal to" not in response.content.decode()
