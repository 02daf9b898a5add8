from __future__ import annotations

from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Content"

    def ready(self) -> None:
        from . import events  # noqa: F401  registers this app's event types
