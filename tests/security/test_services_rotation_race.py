"""Generating the first delivery key when someone else just did."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from security import selectors, services

pytestmark = pytest.mark.django_db


def test_first_key_request_keeps_a_key_generated_meanwhile(owner, admin):
    first = services.delivery_secret_rotate(acting_user=admin, replacing=False)
    with pytest.raises(ValidationError) as error:
        services.delivery_secret_rotate(acting_user=owner, replacing=False)
    assert "kept" in error.value.messages[0]
    assert selectors.delivery_key_current().kid == first.kid
