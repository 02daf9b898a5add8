"""One host for the admin, another for content delivery (``ADMIN_HOST``, ``DELIVERY_HOST``).

Sites built on the platform run their own HTML and scripts. Served from the
same host as the admin, that code could read the admin's pages and act with an
administrator's session (the platform guide's "differentiate subdomains").
With both variables set, the admin UI and everything that needs the admin
session (delivery-token issuing, the admin API, the schema) answer only on the
admin host, and the token-authenticated content API only on the delivery host;
every other request to the delivery host is 404, like a content-API path on the
admin host. Probes (answered earlier, by ``health.ProbeMiddleware``) and
``/.well-known/security.txt`` answer on both. Unset, one host serves everything.

The session and CSRF cookies are host-only: no ``Domain`` attribute, and, when
secure, a ``__Host-`` name that browsers refuse to accept with one, so they are
never sent to the delivery host. ``modyo_admin.E003`` and ``E004`` report a
configuration that would break either promise.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.http import HttpResponseNotFound
from django.http.request import split_domain_port, validate_host

DELIVERY_PREFIXES = ("/api/content/",)
BOTH_HOSTS = ("/.well-known/security.txt",)
MIDDLEWARE = "modyo_admin.hosts.HostSeparationMiddleware"


def separated() -> bool:
    return bool(settings.ADMIN_HOST and settings.DELIVERY_HOST)


def serves(host: str, path: str) -> bool:
    """Return whether ``host`` (no port) answers ``path`` while the hosts are separated."""
    if path in BOTH_HOSTS:
        return True
    delivery_path = path.startswith(DELIVERY_PREFIXES)
    if host == settings.DELIVERY_HOST:
        return delivery_path
    if host == settings.ADMIN_HOST:
        return not delivery_path
    return False


class HostSeparationMiddleware:
    """Answer 404 to a path asked of a host that does not serve it (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if separated():
            # get_host() refuses a host outside ALLOWED_HOSTS (400), as CommonMiddleware would later.
            host, _ = split_domain_port(request.get_host())
            if not serves(host.lower(), request.path_info):
                # Plain text: the admin's error page, its links and its styles never reach the delivery host.
                return HttpResponseNotFound("Not found", content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _error(message: str, hint: str, id: str) -> Error:
    return Error(message, hint=hint, id=id)


@register(Tags.security)
def check_host_separation(app_configs, **kwargs):
    """modyo_admin.E003: the two hosts set together, different, allowed, with host-only cookies and the middleware."""
    admin, delivery = settings.ADMIN_HOST, settings.DELIVERY_HOST
    if not (admin or delivery):
        return []
    hint = "Set ADMIN_HOST and DELIVERY_HOST to two different host names, both listed in DJANGO_ALLOWED_HOSTS."
    problems = []
    if not (admin and delivery):
        problems.append("only one of ADMIN_HOST and DELIVERY_HOST is set")
    elif admin == delivery:
        problems.append("ADMIN_HOST and DELIVERY_HOST name the same host")
    for name, host in (("ADMIN_HOST", admin), ("DELIVERY_HOST", delivery)):
        if host and not validate_host(host, settings.ALLOWED_HOSTS):
            problems.append(f"{name} ({host}) is not in DJANGO_ALLOWED_HOSTS")
    for name in ("SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN"):
        if getattr(settings, name, None):
            problems.append(f"{name} is set, so the admin's cookies would reach the delivery host")
    if MIDDLEWARE not in settings.MIDDLEWARE:
        problems.append(f"{MIDDLEWARE} is not in MIDDLEWARE")
    return [_error(f"Host separation is misconfigured: {problem}.", hint, "modyo_admin.E003") for problem in problems]


@register(Tags.security)
def check_host_prefixed_cookies(app_configs, **kwargs):
    """modyo_admin.E004: a ``__Host-`` cookie must be Secure, with no Domain and Path=/, or browsers drop it."""
    problems = []
    for kind in ("SESSION", "CSRF"):
        name = getattr(settings, f"{kind}_COOKIE_NAME")
        if not name.startswith("__Host-"):
            continue
        if not getattr(settings, f"{kind}_COOKIE_SECURE") or getattr(settings, f"{kind}_COOKIE_DOMAIN", None):
            problems.append(f"{kind}_COOKIE_NAME is {name!r} but the cookie is not Secure or has a Domain")
        elif getattr(settings, f"{kind}_COOKIE_PATH", "/") != "/":
            problems.append(f"{kind}_COOKIE_NAME is {name!r} but its path is not /")
    return [
        _error(
            f"{problem}: browsers refuse to store it, so nobody can sign in.",
            "Keep DJANGO_SECURE_COOKIES on (the default with debug off) and set no cookie domain.",
            "modyo_admin.E004",
        )
        for problem in problems
    ]
