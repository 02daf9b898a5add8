"""The rate limit of each API token (``API_TOKEN_RATE_LIMIT``, 600 requests a minute by default).

Counted by django-ratelimit in the shared cache, as the sign-in limits are:
a fixed window per token, one counter that every app process shares.
"""

from __future__ import annotations

import logging

from django_ratelimit.core import get_usage
from rest_framework.throttling import BaseThrottle

from . import conf
from .models import ApiToken

logger = logging.getLogger(__name__)


class TokenRateThrottle(BaseThrottle):
    """Refuse (429, ``Retry-After``) a token's requests past its rate until the window ends."""

    def __init__(self):
        self.retry_after: int | None = None

    def allow_request(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        usage = get_usage(
            request._request,
            group="api.token",
            key=lambda group, request: str(token.pk),
            rate=conf.rate_limit(),
            increment=True,
        )
        if usage is None or usage["time_left"] < 0:
            # The cache is out of reach: the token still authenticates against the database, so fail open.
            logger.warning("API token rate limit unavailable (cache unreachable): not applied.")
            return True
        if usage["should_limit"]:
            self.retry_after = max(1, usage["time_left"])
            return False
        return True

    def wait(self) -> int | None:
        return self.retry_after
