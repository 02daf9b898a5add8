"""The security checkup's check of API tokens (see checkup/registry.py)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q

from checkup import conf as checkup_conf
from checkup.registry import CheckContext, Fix, Result, Status, register

from .conf import MAX_EXPIRY_DAYS
from .models import ApiToken


@register(
    "api.tokens",
    title="API tokens in safe hands",
    why="A token works without a password or a second factor: one that never expires, lies unused or stays with "
    "someone who left is access nobody watches.",
)
def tokens_check(context: CheckContext) -> Result:
    now = context.now
    unused_days = checkup_conf.token_unused_days()
    unused_since = now - timedelta(days=unused_days)
    counts = ApiToken.objects.filter(revoked_at__isnull=True, expires_at__gt=now).aggregate(
        live=Count("pk"),
        deactivated=Count("pk", filter=Q(user__is_active=False)),
        # The API caps a token's life at a year; one beyond was made around it and in practice never expires.
        endless=Count("pk", filter=Q(expires_at__gt=now + timedelta(days=MAX_EXPIRY_DAYS + 1))),
        unused=Count(
            "pk",
            filter=Q(last_used_at__lt=unused_since) | Q(last_used_at__isnull=True, created_at__lt=unused_since),
        ),
    )
    if not counts["live"]:
        return Result(Status.NOT_APPLICABLE, "No API token is in use.")
    problems = []
    if counts["deactivated"]:
        problems.append(f"{counts['deactivated']} held by a deactivated member")
    if counts["endless"]:
        problems.append(f"{counts['endless']} without an expiry within {MAX_EXPIRY_DAYS} days")
    if counts["unused"]:
        problems.append(f"{counts['unused']} unused for {unused_days} days")
    measured = f"{counts['live']} live token{'s' if counts['live'] != 1 else ''}"
    if not problems:
        return Result(Status.PASS, f"{measured}, each used recently, expiring and held by an active member.")
    fix = Fix("API tokens", "api:tokens")
    status = Status.FAIL if counts["deactivated"] or counts["endless"] else Status.WARNING
    return Result(status, f"{measured}: {'; '.join(problems)}.", fix)
