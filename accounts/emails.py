"""What people type as an email address, made fit to store, look up and log."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

# The longest address that can be delivered (RFC 5321 path limit).
EMAIL_MAX_LENGTH = 254
NOT_AN_EMAIL = "(not an email address)"


def typed_email_label(text: str) -> str:
    """Return what someone typed as an email, fit to be kept in the append-only log.

    Anything that is not an email address is replaced: people sometimes type
    their password into the email field, and the log can never forget it.
    """
    text = (text or "").strip()
    try:
        EmailValidator()(text)
    except ValidationError:
        return NOT_AN_EMAIL
    return text[:300]
