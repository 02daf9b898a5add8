from __future__ import annotations

from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "Security settings"

    def ready(self) -> None:
        from corsheaders.signals import check_request_enabled

        from accounts.signals import member_access_changed

        from . import checks, events  # noqa: F401
        from .cors import cors_check_request_enabled
        from .token_holders import token_holder_forget

        check_request_enabled.connect(cors_check_request_enabled, dispatch_uid="security.cors_check_request_enabled")
        member_access_changed.connect(token_holder_forget, dispatch_uid="security.token_holder_forget")
