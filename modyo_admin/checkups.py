"""The security checkup's checks of how the panel is served (see checkup/registry.py)."""

from __future__ import annotations

from django.conf import settings

from checkup.registry import CheckContext, Fix, Result, Status, register


@register(
    "modyo_admin.transport",
    title="TLS only: HTTPS, HSTS and secure cookies",
    why="Over plain HTTP, anyone on the network path can read passwords and take over sessions.",
)
def transport_check(context: CheckContext) -> Result:
    problems, hints = [], []
    if not context.over_https:
        where = "this request reached" if context.request is not None else "PANEL_BASE_URL names"
        problems.append(f"{where} the panel over plain HTTP")
        hints.append("Serve the panel over HTTPS (behind a TLS proxy, set DJANGO_BEHIND_TLS_PROXY=1).")
    if not settings.SECURE_HSTS_SECONDS:
        problems.append("HSTS is off")
        hints.append("Set DJANGO_SECURE_HSTS_SECONDS=31536000.")
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        problems.append("cookies are also sent over plain HTTP")
        hints.append("Set DJANGO_SECURE_COOKIES=1.")
    if problems:
        fix = Fix("Environment", hint=" ".join(hints))
        measured = "; ".join(problems)
        return Result(Status.FAIL, measured[0].upper() + measured[1:] + ".", fix)
    return Result(
        Status.PASS, f"HTTPS, HSTS for {settings.SECURE_HSTS_SECONDS} s, session and CSRF cookies over HTTPS only."
    )


@register(
    "modyo_admin.hosts",
    title="Admin and content delivery on separate hosts",
    why="On its own subdomain the admin panel shares no cookies or origin with the API that websites call.",
)
def hosts_check(context: CheckContext) -> Result:
    admin_host = getattr(settings, "ADMIN_HOST", None)
    delivery_host = getattr(settings, "DELIVERY_HOST", None)
    if admin_host is None or delivery_host is None:
        return Result(Status.NOT_APPLICABLE, "This version serves the admin and the API from one host.")
    if admin_host and delivery_host and admin_host != delivery_host:
        return Result(Status.PASS, f"The admin answers on {admin_host}, content delivery on {delivery_host}.")
    return Result(
        Status.WARNING,
        "One host serves both the admin panel and the content-delivery API.",
        Fix("Environment", hint="Set ADMIN_HOST and DELIVERY_HOST to two different host names."),
    )
