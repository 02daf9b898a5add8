"""System checks for deployment security (ids security.E00x / W00x)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_https(app_configs, **kwargs):
    errors = []
    if not settings.DEBUG and not settings.SESSION_COOKIE_SECURE:
        errors.append(
            Warning(
                "Session and CSRF cookies may be sent over plain HTTP.",
                hint="Serve the panel over TLS only and leave DJANGO_SECURE_COOKIES on (the default).",
                id="security.W001",
            )
        )
    if not settings.DEBUG and settings.SECURE_HSTS_SECONDS == 0:
        errors.append(
            Warning(
                "HTTP Strict Transport Security is off.",
                hint="Set DJANGO_SECURE_HSTS_SECONDS (for example 31536000) once the panel is served over TLS.",
                id="security.W002",
            )
        )
    return errors
