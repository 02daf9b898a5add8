"""The security checkup's checks of CORS and the content-delivery key (see checkup/registry.py)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings

from checkup import conf as checkup_conf
from checkup.registry import CheckContext, Fix, Result, Status, register

from .selectors import cors_settings_get, delivery_key_current, delivery_settings_get

# Below this, sites fetch tokens so often that a short outage of the panel breaks them.
MIN_RECOMMENDED_TTL = 300


def _local(origin: str) -> bool:
    """Return whether ``origin`` names an IP address or localhost: no production website is there."""
    host = (urlsplit(origin).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@register(
    "security.cors",
    title="CORS origins: HTTPS sites only",
    why="An allowed origin can read the content API from visitors' browsers; a plain-HTTP or local origin can "
    "be impersonated by anyone on the network path.",
)
def cors_check(context: CheckContext) -> Result:
    cors = cors_settings_get()
    if not cors.enabled:
        return Result(Status.NOT_APPLICABLE, "CORS is off: no other website may call the content API.")
    origins = list(cors.allowed_origins)
    problems = []
    plain = [origin for origin in origins if origin.lower().startswith("http://")]
    if plain and context.over_https:
        problems.append(f"{len(plain)} use plain http:// while the panel is served over HTTPS ({', '.join(plain)})")
    local = [origin for origin in origins if _local(origin)]
    if local and not settings.DEBUG:
        problems.append(f"{len(local)} name an IP address or localhost in production ({', '.join(local)})")
    measured = f"{len(origins)} allowed origin{'s' if len(origins) != 1 else ''}"
    if problems:
        return Result(Status.FAIL, f"{measured}: {'; '.join(problems)}.", Fix("CORS origins", "security:cors"))
    return Result(Status.PASS, f"{measured}, none over plain HTTP or local.")


@register(
    "security.delivery_key",
    title="Content-delivery key: present, rotated, sensible token lifetime",
    why="The key signs the tokens that unlock private content; an old key has had more chances to leak, and "
    "very short tokens make sites depend on the panel every few minutes.",
)
def delivery_key_check(context: CheckContext) -> Result:
    cors_on = cors_settings_get().enabled
    key = delivery_key_current()
    if key is None:
        if cors_on:
            return Result(
                Status.FAIL,
                "CORS is on but no delivery key exists: sites cannot get tokens.",
                Fix("Generate a delivery key", "security:delivery_rotate"),
            )
        return Result(Status.NOT_APPLICABLE, "No delivery key, and CORS is off.")
    max_age = checkup_conf.delivery_key_max_age_days()
    age = (context.now - key.created_at).days
    ttl = delivery_settings_get().token_ttl
    measured = f"Key {key.kid} is {age} day{'s' if age != 1 else ''} old; tokens live {ttl} s"
    if age > max_age:
        return Result(
            Status.WARNING,
            f"{measured}: rotate keys older than {max_age} days.",
            Fix("Rotate the delivery key", "security:delivery_rotate"),
        )
    if ttl < MIN_RECOMMENDED_TTL:
        return Result(
            Status.WARNING,
            f"{measured}, below {MIN_RECOMMENDED_TTL} s.",
            Fix("Delivery token lifetime", "security:delivery_ttl"),
        )
    return Result(Status.PASS, f"{measured}.")
