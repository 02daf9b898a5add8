"""The per-token rate limit lives in the shared cache: with Redis down the API keeps answering from the database."""

from __future__ import annotations

import pytest

from tests.api.conftest import make_token, token_client
from tests.factories import make_user
from tests.resilience.conftest import panel_on_redis, redis_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_the_limit_is_counted_in_redis_and_not_applied_while_redis_is_down(panel_on_redis, settings):  # noqa: F811
    settings.API_TOKEN_RATE_LIMIT = "2/minute"
    client = token_client(make_token(make_user(email="olivia@example.com", role="owner")))
    assert [client.get("/api/v1/tokens/").status_code for _ in range(3)] == [200, 200, 429]
    panel_on_redis.stop()
    # Fail open: the token is still checked against the database; only the counting is out of reach.
    assert [client.get("/api/v1/tokens/").status_code for _ in range(3)] == [200, 200, 200]
