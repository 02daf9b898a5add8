from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api import services
from api.models import ApiToken
from tests.factories import make_user


def make_token(user, *, scope: str = ApiToken.Scope.READ_WRITE, name: str = "script", days: int = 90) -> str:
    """Create a token for ``user`` through the service; return the token itself."""
    return services.api_token_create(acting_user=user, name=name, scope=scope, expires_in_days=days)[1]


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def owner_token(owner) -> str:
    return make_token(owner)


@pytest.fixture
def api(owner_token) -> APIClient:
    """A client carrying a read-write token of the owner."""
    return token_client(owner_token)


@pytest.fixture
def another(db):
    return make_user(email="another@example.com")
