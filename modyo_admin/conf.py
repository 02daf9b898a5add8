"""Options of the panel's own modules, read lazily with their defaults (settings.py sets them from the environment)."""

from __future__ import annotations

from django.conf import settings

# The platform's own reporting channels, as its security guide names them.
DEFAULT_SECURITY_CONTACTS = ["mailto:security@modyo.com", "https://support.modyo.com/hc/es"]


def security_txt_contacts() -> list[str]:
    """Return the Contact URIs of /.well-known/security.txt (SECURITY_TXT_CONTACT); none turns the file off."""
    return list(getattr(settings, "SECURITY_TXT_CONTACT", DEFAULT_SECURITY_CONTACTS))


def security_txt_policy() -> str:
    """Return the URL of the vulnerability-disclosure policy (SECURITY_TXT_POLICY), or an empty string."""
    return getattr(settings, "SECURITY_TXT_POLICY", "")


def security_txt_languages() -> list[str]:
    """Return the languages reports may be written in (SECURITY_TXT_PREFERRED_LANGUAGES)."""
    return list(getattr(settings, "SECURITY_TXT_PREFERRED_LANGUAGES", ["en", "es"]))


def security_txt_lifetime_days() -> int:
    """Return how far ahead the file's Expires lies; RFC 9116 asks for less than a year."""
    return int(getattr(settings, "SECURITY_TXT_EXPIRES_DAYS", 180))


def dashboard_cache_seconds() -> int:
    """How long the dashboard's content may be reused while the activity log records nothing new.

    Everything the dashboard shows (the team's counts, the policy, the latest events, the security checkup)
    changes through an action the log records, which ends the reuse at once; this bound is for what changes
    with time alone (an ageing key or backup, a member turning dormant).
    """
    return 60
