"""Authentication of the admin API by API token (``Authorization: Bearer mdy_…``), for /api/v1/ only.

The web UI never sees this class: Django's session middleware authenticates
pages, and a bearer token means nothing to it.
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from activity import context
from activity.context import client_ip

from .selectors import api_token_for_secret
from .services import api_token_used
from .tokens import looks_like_token


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticate a request by an API token; refuse (401) a token that is unknown, revoked or expired.

    The request then acts as the token's creator, whose role is read afresh
    from the database on every request: a demotion applies to the next one.
    """

    def authenticate(self, request):
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if not scheme:
            return None
        if scheme.lower() != "bearer":
            raise AuthenticationFailed("Send the API token as “Authorization: Bearer <token>”.", code="invalid_token")
        value = value.strip()
        token = api_token_for_secret(value) if looks_like_token(value) else None
        if token is None:
            raise AuthenticationFailed("This API token is not valid.", code="invalid_token")
        if token.revoked_at is not None:
            raise AuthenticationFailed("This API token was revoked.", code="token_revoked")
        if token.expires_at <= timezone.now():
            raise AuthenticationFailed("This API token has expired.", code="token_expired")
        if not token.user.is_active:
            raise AuthenticationFailed("The member who created this API token is deactivated.", code="token_revoked")
        api_token_used(token=token, ip_address=client_ip(request._request))
        # Events recorded by this request name the token that caused them.
        context.credential_mark(token.prefix)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to a request without a usable token.
        return 'Bearer realm="api"'
