from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Team accounts"

    def ready(self) -> None:
        from . import checks, events, receivers  # noqa: F401
