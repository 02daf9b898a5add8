from __future__ import annotations

import pytest
from django.test import RequestFactory

from checkup.registry import CheckContext, check_get


@pytest.fixture
def run_check():
    """Run one registered check, by id, as a command would or for a request (``secure``: over HTTPS)."""

    def run(check_id: str, *, secure: bool | None = None, now=None):
        request = None
        if secure is not None:
            request = RequestFactory().get("/checkup/", secure=secure)
        return check_get(check_id).function(CheckContext.build(request=request, now=now))

    return run
