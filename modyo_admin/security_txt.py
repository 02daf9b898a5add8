"""``/.well-known/security.txt`` (RFC 9116): where to report a vulnerability.

The fields come from the environment (SECURITY_TXT_CONTACT, SECURITY_TXT_POLICY,
SECURITY_TXT_PREFERRED_LANGUAGES). Without a contact there is nothing to
publish, so the file is 404 and ``modyo_admin.W001`` reminds production to set
one. ``Expires`` is always less than a year ahead, as the RFC recommends, and
moves with the date, so the file never goes stale on a long-running server.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.checks import Tags, Warning, register
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import conf


def security_txt_expires(*, now: datetime | None = None) -> datetime:
    """Return the file's expiry: midnight UTC, ``security_txt_lifetime_days()`` after today."""
    today = (now or timezone.now()).astimezone(UTC).date()
    return datetime.combine(today + timedelta(days=conf.security_txt_lifetime_days()), time(), tzinfo=UTC)


def security_txt_render(*, now: datetime | None = None) -> str:
    """Return the file's text, one ``Field: value`` line each, CRLF-free (RFC 9116 accepts LF)."""
    lines = [f"Contact: {contact}" for contact in conf.security_txt_contacts()]
    lines.append(f"Expires: {security_txt_expires(now=now).strftime('%Y-%m-%dT%H:%M:%SZ')}")
    if conf.security_txt_policy():
        lines.append(f"Policy: {conf.security_txt_policy()}")
    if conf.security_txt_languages():
        lines.append(f"Preferred-Languages: {', '.join(conf.security_txt_languages())}")
    return "\n".join(lines) + "\n"


@login_not_required
@require_safe
def security_txt_view(request):
    """Serve the file as text/plain, or 404 while no contact is configured."""
    if not conf.security_txt_contacts():
        raise Http404("No security contact is configured.")
    response = HttpResponse(security_txt_render(), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "max-age=86400"
    return response


@register(Tags.security, deploy=True)
def check_security_txt_contact(app_configs, **kwargs):
    """modyo_admin.W001: production publishes where to report a vulnerability."""
    if settings.DEBUG or conf.security_txt_contacts():
        return []
    return [
        Warning(
            "No security contact is configured, so /.well-known/security.txt is not published.",
            hint="Set SECURITY_TXT_CONTACT (e.g. mailto:security@example.com) and SECURITY_TXT_POLICY.",
            id="modyo_admin.W001",
        )
    ]
