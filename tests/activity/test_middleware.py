from __future__ import annotations

import pytest

from activity.models import Event

pytestmark = pytest.mark.django_db


def _sign_in_failure(client, **headers) -> tuple[str, Event]:
    response = client.post("/login/", {"username": "nobody@example.com", "password": "wrong"}, headers=headers)
    return response["X-Request-ID"], Event.objects.get(action="auth.sign_in_failed")


def test_client_cannot_choose_the_request_id_without_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    header, event = _sign_in_failure(client, x_request_id="forged-id")
    assert header != "forged-id"
    assert event.request_id == header
    assert len(header) == 32


def test_request_id_set_by_a_trusted_proxy_is_kept(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    header, event = _sign_in_failure(client, x_request_id="proxy-abc.123")
    assert header == event.request_id == "proxy-abc.123"


def test_malformed_request_id_from_a_trusted_proxy_is_replaced(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    header, event = _sign_in_failure(client, x_request_id="bad id; drop table")
    assert header == event.request_id != "bad id; drop table"
