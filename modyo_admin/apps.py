from __future__ import annotations

from django.apps import AppConfig


class ModyoAdminConfig(AppConfig):
    """The project package as an app, only so that its system checks are registered at start-up."""

    name = "modyo_admin"
    verbose_name = "Panel wiring"

    def ready(self) -> None:
        from . import checks, hosts, security_txt  # noqa: F401
