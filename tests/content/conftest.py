from __future__ import annotations

import pytest

from content import services as content_services
from content.models import Entry
from security import cors
from security import services as security_services


@pytest.fixture(autouse=True)
def _fresh_process_copy():
    cors.allowed_origins.forget()
    yield
    cors.allowed_origins.forget()


@pytest.fixture
def public_entry(owner) -> Entry:
    return content_services.entry_create(
        acting_user=owner, title="Welcome", slug="welcome", body="Hello, world.", visibility="public"
    )


@pytest.fixture
def private_entry(owner) -> Entry:
    return content_services.entry_create(
        acting_user=owner, title="Price list", slug="price-list", body="Members only.", visibility="private"
    )


@pytest.fixture
def delivery_key(owner):
    return security_services.delivery_secret_rotate(acting_user=owner)
