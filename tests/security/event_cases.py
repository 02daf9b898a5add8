"""Activity events of the security app's URLs (see tests/activity/event_contract.py)."""

from __future__ import annotations

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
]

READ_ONLY = {
    "security:index": "A redirect to the settings page.",
    "security:settings": "The settings page; each section posts to its own URL.",
}

PENDING = {
    "security:two_factor": "settings.two_factor.updated: event test to write (issue 3).",
    "security:lockout": "settings.lockout.updated: event test to write (issue 3).",
    "security:sessions": "settings.sessions.updated: event test to write (issue 3).",
    "security:cors": "settings.cors.updated: event test to write (issue 4).",
    "security:delivery_ttl": "settings.delivery_token.ttl_updated: event test to write (issue 4).",
    "security:delivery_rotate": "settings.delivery_token.rotated: event test to write (issue 4).",
    "security:delivery_reveal": "settings.delivery_token.revealed: event test to write (issue 4).",
    "api_delivery_token": "GET only, changes nothing: declare read-only once its 405 on POST is checked (issue 4).",
}
