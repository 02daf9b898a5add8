from __future__ import annotations

from django.apps import AppConfig


class ModyoAdminConfig(AppConfig):
    """The project package as an app, only so that its deployment checks are registered at start-up."""

    name = "modyo_admin"
    verbose_name = "Panel wiring"

    def ready(self) -> None:
        from . import checks  # noqa: F401
