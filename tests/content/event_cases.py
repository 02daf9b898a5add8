"""Activity events of the content app's URLs (see tests/activity/event_contract.py)."""

from __future__ import annotations

from content import services
from tests.activity.event_contract import EventCase


def _entry(world):
    return services.entry_create(
        acting_user=world["owner"], title="Welcome", slug="welcome", body="Hello, world.", visibility="public"
    )


def _post(path, data: dict | None = None):
    """Post to ``path`` (a function of the prepared entry) and check it redirects, as a saved form does."""

    def run(client, world):
        url = path(world["prepared"]) if callable(path) else path
        response = client.post(url, data or {})
        assert response.status_code == 302, response.content.decode()[:2000]
        return response

    return run


EVENT_CASES = [
    EventCase(
        "content:list",
        "content.entry.created",
        _post("/content/", {"title": "Price list", "slug": "", "visibility": "private", "body": "Members only."}),
    ),
    EventCase(
        "content:edit",
        "content.entry.updated",
        _post(
            lambda entry: f"/content/{entry.pk}/",
            {"title": "Welcome back", "slug": "welcome", "visibility": "private", "body": "Hello again."},
        ),
        setup=_entry,
    ),
    EventCase(
        "content:delete",
        "content.entry.deleted",
        _post(lambda entry: f"/content/{entry.pk}/delete/", {"confirm": "on"}),
        setup=_entry,
    ),
]

READ_ONLY = {
    "content_api:entry_list": "The public read API: GET lists entries; other methods get 405.",
    "content_api:entry_detail": "The public read API: GET returns one entry; other methods get 405.",
}
