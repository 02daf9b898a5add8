"""With Redis misbehaving, the security state enforced stays the state shown, and the panel keeps working.

Each test runs against a Redis server of its own (tests/resilience/conftest.py),
which it stops or pauses in the middle, as an operator's outage would.
"""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client

from accounts import selectors as account_selectors
from accounts import services as account_services
from security import cors
from security import services as security_services
from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD, make_user

# No test transaction around these: the cache is used only outside transactions, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

BOUND = 1  # seconds a cached security setting may outlive a failed update (shortened for the tests)


@pytest.fixture
def short_bound(settings):
    settings.SETTINGS_CACHE_SECONDS = BOUND
    settings.SECURITY_CORS_PROCESS_CACHE_SECONDS = 0.2
    cors.allowed_origins.forget()
    yield
    cors.allowed_origins.forget()


def test_with_redis_down_sign_in_pages_lockout_and_sign_out_keep_working(panel_on_redis):
    member = make_user(email="mia@example.com")
    owner = make_user(email="olivia@example.com")
    panel_on_redis.stop()
    client = Client()
    sign_in(client, member)
    assert client.get("/profile/").status_code == 200
    attacker = Client()
    for _ in range(5):
        attacker.post("/login/", {"username": owner.email, "password": "wrong"}, REMOTE_ADDR="198.51.100.7")
    locked = attacker.post(
        "/login/", {"username": owner.email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert locked.status_code == 429
    assert client.post("/logout/").status_code == 302
    panel_on_redis.start()
    assert client.get("/profile/")["Location"].startswith("/login/")


def test_a_sign_out_while_redis_is_paused_is_never_undone_when_it_resumes(panel_on_redis):
    member = make_user(email="mia@example.com")
    client = Client()
    sign_in(client, member)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    panel_on_redis.pause()
    try:
        assert client.post("/logout/").status_code == 302
    finally:
        panel_on_redis.resume()
    returning = Client()
    returning.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert returning.get("/profile/")["Location"].startswith("/login/")


def test_a_policy_change_whose_cache_update_is_lost_is_enforced_within_the_bound(panel_on_redis, short_bound):
    owner = make_user(email="olivia@example.com")
    assert account_selectors.lockout_failure_limit() == 5  # cached now
    # The worker dies between its commit and the cache update.
    with mock.patch("singletons.services.singleton_cache_refresh"):
        account_services.lockout_policy_update(acting_user=owner, lockout_failure_limit=3)
    time.sleep(BOUND + 0.3)
    assert account_selectors.lockout_failure_limit() == 3


def test_a_removed_origin_whose_publication_is_lost_is_refused_within_the_bound(panel_on_redis, short_bound):
    owner = make_user(email="olivia@example.com")
    security_services.cors_settings_update(acting_user=owner, enabled=True, allowed_origins="https://shop.example")
    client = Client()
    preflight = {"HTTP_ORIGIN": "https://shop.example", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET"}
    assert client.options("/api/content/entries/", **preflight).has_header("Access-Control-Allow-Origin")
    with mock.patch("security.services._cors_publish"):
        security_services.cors_settings_update(acting_user=owner, enabled=True, allowed_origins="https://other.example")
    time.sleep(BOUND + 0.5)
    assert not client.options("/api/content/entries/", **preflight).has_header("Access-Control-Allow-Origin")


def test_with_redis_down_cors_decisions_come_from_the_database(panel_on_redis, short_bound):
    owner = make_user(email="olivia@example.com")
    security_services.cors_settings_update(acting_user=owner, enabled=True, allowed_origins="https://shop.example")
    panel_on_redis.stop()
    time.sleep(0.3)
    client = Client()
    allowed = client.get("/api/content/entries/", HTTP_ORIGIN="https://shop.example")
    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == "https://shop.example"
    refused = client.get("/api/content/entries/", HTTP_ORIGIN="https://evil.example")
    assert refused.status_code == 200
    assert not refused.has_header("Access-Control-Allow-Origin")


def test_with_redis_down_reset_requests_are_refused_rather_than_unlimited(panel_on_redis):
    member = make_user(email="mia@example.com")
    panel_on_redis.stop()
    response = Client().post("/password-reset/", {"email": member.email})
    assert response.status_code == 429
    assert response.has_header("Retry-After")


def test_when_redis_returns_the_panel_uses_it_again_without_a_restart(panel_on_redis):
    from django.core.cache import cache

    panel_on_redis.stop()
    cache.set("probe", 1)
    assert cache.get("probe") is None
    panel_on_redis.start()
    cache.set("probe", 2)
    assert cache.get("probe") == 2


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/settings/security/lockout/", {"lockout_failure_limit": "4", "lockout_cooloff_minutes": "15"}),
        ("/settings/security/cors/", {"enabled": "on", "allowed_origins": "https://shop.example"}),
    ],
)
def test_a_saved_change_is_reported_saved_even_when_the_cache_update_fails(client, url, data):
    from django.core.cache import caches

    from accounts.roles import Role
    from tests.conftest import force_sign_in

    force_sign_in(client, make_user(email="olivia@example.com", role=Role.OWNER))
    with mock.patch.object(caches["default"], "set", side_effect=ConnectionError("cache gone")):
        response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "saved" in response.content.decode()
