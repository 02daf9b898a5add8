from __future__ import annotations

from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "Security settings"

    def ready(self) -> None:
        from corsheaders.signals import check_request_enabled

        from . import checks, events  # noqa: F401
        from .cors import cors_check_request_enabled

        check_request_enabled.connect(cors_check_request_enabled, dispatch_uid="security.cors_check_request_enabled")
