"""Activity events of the API tokens page and the admin API (see tests/activity/event_contract.py).

Each write through the API records the event its page records, through the same service.
"""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from api.models import ApiToken
from tests.activity.event_contract import EventCase
from tests.api.conftest import make_token, token_client


def _token(world):
    """A read-write token of the owner, made before counting starts (its own creation is an event)."""
    return make_token(world["owner"])


def _api(method: str, path, data=None, *, status: int = 200):
    """Send ``data`` as JSON with the owner's token; ``path`` may be a function of the world."""

    def run(client, world):
        url = path(world) if callable(path) else path
        response = getattr(token_client(world["prepared"]), method)(url, data, format="json")
        assert response.status_code == status, response.content.decode()[:2000]

    return run


def _revoke_page(client, world):
    token = ApiToken.objects.get(user=world["owner"])
    response = client.post(f"/profile/api-tokens/{token.pk}/revoke/", {"confirmed": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]


def _delete_another(world):
    token = _token(world)
    make_token(world["admin"], name="to revoke")
    return token


EVENT_CASES = [
    EventCase(
        "api_token_create",
        "api_token.created",
        lambda client, world: call_command(
            "api_token_create",
            "--email",
            "owner@example.com",
            "--name",
            "CI",
            "--scope",
            "read-write",
            stdout=StringIO(),
        ),
        command=True,
    ),
    EventCase(
        "api:token_create",
        "api_token.created",
        lambda client, world: client.post(
            "/profile/api-tokens/new/", {"name": "SIEM", "scope": "read", "expires_in_days": 30}
        ),
    ),
    EventCase("api:token_revoke", "api_token.revoked", _revoke_page, setup=_token),
    EventCase(
        "api_v1:token",
        "api_token.revoked",
        _api(
            "delete",
            lambda world: f"/api/v1/tokens/{ApiToken.objects.get(user=world['admin']).pk}/",
            status=204,
        ),
        method="DELETE",
        setup=_delete_another,
    ),
    EventCase(
        "api_v1:settings_security",
        "settings.lockout.updated",
        _api("patch", "/api/v1/settings/security/", {"lockout": {"lockout_failure_limit": 7}}),
        method="PATCH",
        setup=_token,
    ),
    EventCase(
        "api_v1:delivery_token_rotate",
        "settings.delivery_token.rotated",
        _api("post", "/api/v1/settings/security/delivery-token/rotate", {"grace_period": 60}),
        setup=_token,
    ),
    EventCase(
        "api_v1:members",
        "member.invited",
        _api("post", "/api/v1/team/members/", {"email": "new@example.com", "role": "member"}, status=201),
        setup=_token,
    ),
    EventCase(
        "api_v1:member",
        "member.role_changed",
        _api("patch", lambda world: f"/api/v1/team/members/{world['member'].pk}/", {"role": "auditor"}),
        method="PATCH",
        setup=_token,
    ),
    EventCase(
        "api_v1:member_reset_two_factor",
        "two_factor.reset",
        _api("post", lambda world: f"/api/v1/team/members/{world['member'].pk}/reset-two-factor"),
        setup=_token,
    ),
    EventCase(
        "api_v1:member_unlock",
        "auth.unlocked",
        _api("post", lambda world: f"/api/v1/team/members/{world['member'].pk}/unlock"),
        setup=_token,
    ),
]

READ_ONLY = {
    "api:tokens": "GET only (require_safe): the list of tokens and the creation form.",
    "api_docs": "The API's documentation page (Swagger UI), GET only.",
    "api_v1:activity": "GET only: reads the activity log.",
    "api_v1:activity_export": "GET only: an export changes nothing.",
    "api_v1:activity_verify": "GET only: checks the log and reports, recording nothing (the command records).",
    "api_v1:tokens": "GET only: lists tokens.",
    "api_v1:not_found": "Any other path under /api/v1/: a 404, whatever the method.",
}
