from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Admin API"

    def ready(self) -> None:
        from . import events, receivers, schema  # noqa: F401
