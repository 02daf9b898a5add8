from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture
def cache_reads(monkeypatch) -> list[str]:
    """Record the key of every read of the shared cache."""
    reads = []
    original = cache.get

    def counting(key, *args, **kwargs):
        reads.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting)
    return reads
