"""The CORS and content-delivery sections of the Security settings page."""

from __future__ import annotations

import re

import pytest

from activity.models import Event
from security.models import CorsSettings, DeliveryKey, DeliverySettings
from security.selectors import delivery_settings_get
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db

PAGE = "/settings/security/"


def secret_shown(response, key: DeliveryKey) -> bool:
    # A boolean, so that a failing assert never prints the secret.
    return key.secret in response.content.decode()


@pytest.fixture
def cors_enabled(set_cors):
    return set_cors("http://mydomain.com")


def test_an_admin_saves_the_example_origins(client, admin, django_capture_on_commit_callbacks):
    force_sign_in(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/settings/security/cors/",
            {
                "enabled": "on",
                "allowed_origins": "http://api.mydomain.com, http://mysubdomain.mydomain.com, http://mydomain.com",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/settings/security/cors/"
    stored = CorsSettings.objects.get()
    assert stored.enabled is True
    assert stored.updated_by == admin
    assert stored.allowed_origins == [
        "http://api.mydomain.com",
        "http://mysubdomain.mydomain.com",
        "http://mydomain.com",
    ]
    api = client.get("/api/content/entries/", HTTP_ORIGIN="http://api.mydomain.com")
    assert api["Access-Control-Allow-Origin"] == "http://api.mydomain.com"


def test_an_invalid_origin_is_named_and_nothing_is_saved(client, admin, cors_enabled):
    force_sign_in(client, admin)
    response = client.post(
        "/settings/security/cors/", {"enabled": "", "allowed_origins": "http://ok.com, http://evil.com/path"}
    )
    assert response.status_code == 400
    errors = response.context["cors_form"].errors["allowed_origins"]
    assert len(errors) == 1
    assert "http://evil.com/path" in errors[0]
    assert "http://ok.com, http://evil.com/path" in response.content.decode()  # the input is kept
    stored = CorsSettings.objects.get()
    assert (stored.enabled, stored.allowed_origins) == (True, ["http://mydomain.com"])


@pytest.mark.parametrize(
    "url",
    [
        "/settings/security/cors/",
        "/settings/security/delivery/ttl/",
        "/settings/security/delivery/rotate/",
        "/settings/security/delivery/reveal/",
    ],
)
def test_auditors_and_members_cannot_change_or_reveal(client, auditor, member, delivery_key, url):
    for user in (auditor, member):
        client.logout()
        force_sign_in(client, user)
        assert client.post(url, {"enabled": "on", "token_ttl": "600", "confirm": "on"}).status_code == 403
    assert DeliveryKey.objects.count() == 1
    assert (
        not Event.objects.filter(action__startswith="settings.")
        .exclude(action="settings.delivery_token.rotated")
        .exists()
    )


def test_the_delivery_section_appears_once_cors_is_enabled(client, owner, delivery_key, set_cors):
    force_sign_in(client, owner)
    assert 'id="delivery"' not in client.get(PAGE).content.decode()
    set_cors("http://mydomain.com")
    page = client.get(PAGE).content.decode()
    assert 'id="delivery"' in page
    assert delivery_key.kid in page
    assert "Content delivery token TTL" in page
    assert "3600 seconds" in page


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_owners_and_admins_reveal_the_secret_and_it_is_recorded(
    client, users_by_role, delivery_key, cors_enabled, role
):
    user = users_by_role[role]
    force_sign_in(client, user)
    page = client.get(PAGE)
    assert not secret_shown(page, delivery_key)
    assert "Reveal secret" in page.content.decode()
    response = client.post("/settings/security/delivery/reveal/")
    assert response.status_code == 200
    assert secret_shown(response, delivery_key)
    assert response["Cache-Control"] == "no-store"
    assert 'data-copy-target="delivery-secret"' in response.content.decode()
    event = Event.objects.get(action="settings.delivery_token.revealed")
    assert (event.actor, event.changes) == (user, {"key_id": delivery_key.kid})
    assert not secret_shown(client.get(PAGE), delivery_key)


def test_an_auditor_sees_the_key_id_but_never_the_secret(client, auditor, delivery_key, cors_enabled):
    force_sign_in(client, auditor)
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert delivery_key.kid in page
    assert "Reveal secret" not in page
    assert not secret_shown(response, delivery_key)
    assert "Generate new key" not in page


def test_no_event_or_page_ever_holds_the_secret(client, owner, delivery_key, cors_enabled):
    force_sign_in(client, owner)
    client.post("/settings/security/delivery/reveal/")
    client.post("/settings/security/delivery/rotate/", {"grace_period": "0", "confirm": "on"})
    secrets_ = list(DeliveryKey.objects.values_list("secret", flat=True))
    events = [str(values) for values in Event.objects.values_list("changes", "target_label", "target_id")]
    activity_page = client.get("/activity/").content.decode()
    leaked = any(secret in text for secret in secrets_ for text in [*events, activity_page])
    assert not leaked


def test_generating_a_new_key_asks_for_confirmation(client, owner, delivery_key, cors_enabled):
    force_sign_in(client, owner)
    response = client.post("/settings/security/delivery/rotate/", {"grace_period": "0"})
    assert response.status_code == 400
    assert "Tick the box to confirm generating a new key." in response.content.decode()
    assert DeliveryKey.objects.get(retired_at__isnull=True) == delivery_key
    response = client.post("/settings/security/delivery/rotate/", {"grace_period": "120", "confirm": "on"})
    assert response.status_code == 302
    new_key = DeliveryKey.objects.get(retired_at__isnull=True)
    assert new_key != delivery_key
    assert new_key.created_by == owner
    page = client.get(PAGE).content.decode()
    assert new_key.kid in page
    assert f"The previous key <code>{delivery_key.kid}</code> still verifies tokens" in page


def test_the_first_key_needs_no_confirmation(client, owner, cors_enabled):
    force_sign_in(client, owner)
    assert "No key has been generated yet" in client.get(PAGE).content.decode()
    assert client.post("/settings/security/delivery/rotate/").status_code == 302
    assert DeliveryKey.objects.filter(retired_at__isnull=True).count() == 1


def test_a_short_ttl_is_saved_with_a_warning(client, admin, cors_enabled):
    force_sign_in(client, admin)
    response = client.post("/settings/security/delivery/ttl/", {"token_ttl": "120"}, follow=True)
    assert DeliverySettings.objects.get().token_ttl == 120
    page = response.content.decode()
    assert "Very short token durations hurt performance" in page
    event = Event.objects.get(action="settings.delivery_token.ttl_updated")
    assert event.changes == {"token_ttl": [3600, 120]}


@pytest.mark.parametrize("ttl", ["59", "604801", "abc", ""])
def test_a_ttl_out_of_range_is_refused_on_the_page(client, admin, cors_enabled, ttl):
    force_sign_in(client, admin)
    response = client.post("/settings/security/delivery/ttl/", {"token_ttl": ttl})
    assert response.status_code == 400
    assert response.context["ttl_form"].errors["token_ttl"]
    assert delivery_settings_get().token_ttl == 3600
    assert not Event.objects.filter(action="settings.delivery_token.ttl_updated").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/settings/security/cors/",
        "/settings/security/delivery/ttl/",
        "/settings/security/delivery/rotate/",
        "/settings/security/delivery/reveal/",
    ],
)
def test_the_sensitive_actions_ask_for_recent_authentication(client, owner, delivery_key, cors_enabled, url):
    from accounts import session_state

    force_sign_in(client, owner)
    session = client.session
    session[session_state.AUTHENTICATED_AT] = 0  # proved who they are long ago
    session.save()
    events_before = Event.objects.count()
    response = client.post(url, {"enabled": "on", "allowed_origins": "", "token_ttl": "600", "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/reauthenticate/")
    assert Event.objects.count() == events_before
    assert DeliveryKey.objects.get(retired_at__isnull=True) == delivery_key


def test_reveal_without_a_key_explains(client, owner, cors_enabled):
    force_sign_in(client, owner)
    response = client.post("/settings/security/delivery/reveal/", follow=True)
    assert "No delivery key has been generated yet." in response.content.decode()
    assert not Event.objects.filter(action="settings.delivery_token.revealed").exists()


def test_the_revealed_secret_matches_the_page_exactly(client, owner, delivery_key, cors_enabled):
    force_sign_in(client, owner)
    response = client.post("/settings/security/delivery/reveal/")
    match = re.search(r'id="delivery-secret" value="([^"]+)"', response.content.decode())
    same = match is not None and match.group(1) == delivery_key.secret
    assert same


def test_the_activity_log_names_the_key_and_never_its_secret(client, owner, delivery_key, cors_enabled):
    force_sign_in(client, owner)
    client.post("/settings/security/delivery/reveal/")
    page = client.get("/activity/").content.decode()
    assert f"revealed the secret of delivery key {delivery_key.kid}" in page
    assert f"generated the delivery key {delivery_key.kid}" in page
    leaked = delivery_key.secret in page
    assert not leaked


def test_a_reveal_shows_the_secret_even_while_cors_is_off(client, owner, delivery_key):
    force_sign_in(client, owner)
    response = client.post("/settings/security/delivery/reveal/")
    assert secret_shown(response, delivery_key)
