"""Activity events of the security app's URLs (see tests/activity/event_contract.py)."""

from __future__ import annotations

from security import services
from tests.activity.event_contract import EventCase


def _policy_form(**changes):
    data = {
        "min_length": 8,
        "reject_common": "on",
        "reject_similar": "on",
        "history_count": 0,
    }
    data.update(changes)
    return data


def _post(path: str, data: dict | None = None, *, status: int = 302):
    """Post to ``path`` and check the response, so a rejected form fails with its status, not a count."""

    def run(client, world):
        response = client.post(path, data or {})
        assert response.status_code == status, response.content.decode()[:2000]
        return response

    return run


def _delivery_key(world):
    return services.delivery_secret_rotate(acting_user=world["owner"])


EVENT_CASES = [
    EventCase(
        "security:password_policy",
        "settings.password_policy.updated",
        lambda client, world: client.post("/settings/security/password-policy/", _policy_form(min_length=12)),
    ),
    EventCase(
        "security:activity_retention",
        "settings.activity_retention.updated",
        lambda client, world: client.post("/settings/security/activity-retention/", {"mode": "days", "keep_days": 120}),
    ),
    EventCase(
        "security:two_factor",
        "settings.two_factor.updated",
        _post("/settings/security/two-step/", {"two_factor_required": "on", "two_factor_grace_days": 14}),
    ),
    EventCase(
        "security:lockout",
        "settings.lockout.updated",
        _post("/settings/security/lockout/", {"lockout_failure_limit": 7, "lockout_cooloff_minutes": 45}),
    ),
    EventCase(
        "security:sessions",
        "settings.sessions.updated",
        _post("/settings/security/sessions/", {"session_absolute_minutes": 600, "session_idle_minutes": 30}),
    ),
    EventCase(
        "security:cors",
        "settings.cors.updated",
        _post(
            "/settings/security/cors/",
            {"enabled": "on", "allowed_origins": "https://www.example.com, http://localhost:8080"},
        ),
    ),
    EventCase(
        "security:delivery_ttl",
        "settings.delivery_token.ttl_updated",
        _post("/settings/security/delivery/ttl/", {"token_ttl": 1800}),
    ),
    # The first key replaces nothing, so its form asks for no confirmation.
    EventCase(
        "security:delivery_rotate", "settings.delivery_token.rotated", _post("/settings/security/delivery/rotate/")
    ),
    EventCase(
        "security:delivery_rotate",
        "settings.delivery_token.rotated",
        _post("/settings/security/delivery/rotate/", {"grace_period": 300, "confirm": "on"}),
        setup=_delivery_key,
    ),
    EventCase(
        "security:delivery_reveal",
        "settings.delivery_token.revealed",
        _post("/settings/security/delivery/reveal/", status=200),
        setup=_delivery_key,
    ),
]

READ_ONLY = {
    "security:index": "A redirect to the settings page.",
    "security:settings": "The settings page; each section posts to its own URL.",
    "api_delivery_token": "Issues a signed token (GET) and stores nothing; other methods get 405.",
}
