from __future__ import annotations

import time

import pyotp
import pytest

from accounts import selectors
from accounts.models import User
from tests.conftest import force_sign_in


def code_at(secret_base32: str, moment: float | None = None) -> str:
    """Compute a TOTP code with pyotp, independently of django-otp (RFC 6238: SHA1, 6 digits, 30 s)."""
    return pyotp.TOTP(secret_base32).at(moment if moment is not None else time.time())


def enrol(client, user: User) -> tuple[str, list[str]]:
    """Enrol ``user`` through the pages, as a person would; return the base32 secret and recovery codes."""
    page = client.get("/profile/two-step/enrol/")
    assert page.status_code == 200
    secret = page.context["secret_grouped"].replace(" ", "")
    response = client.post("/profile/two-step/enrol/", {"code": code_at(secret)})
    assert response.status_code == 302, response.content.decode()[:1500]
    codes = client.get("/profile/two-step/recovery-codes/").context["codes"]
    client.post("/profile/two-step/recovery-codes/", {"done": "1"})
    assert selectors.two_factor_enabled(user)
    return secret, codes


@pytest.fixture
def enrolled(client):
    """Return a function that signs ``user`` in, enrols them and signs them out again."""

    def _enrolled(user: User) -> tuple[str, list[str]]:
        force_sign_in(client, user)
        secret, codes = enrol(client, user)
        client.post("/logout/")
        return secret, codes

    return _enrolled
