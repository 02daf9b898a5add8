"""What people type as an email address, made fit to store, look up and log.

One canonical form serves storage, look-up and the lockout key alike, and is
computed here in Python, so that SQLite and PostgreSQL agree: every variant a
person may type for an address (case, surrounding spaces, fullwidth letters,
the dotless ı or the long ſ that databases fold into ASCII letters) is the same
account and the same lockout bucket. Look-ups compare canonical forms exactly;
none relies on the database's case folding.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

# The longest address that can be delivered (RFC 5321 path limit).
EMAIL_MAX_LENGTH = 254
NOT_AN_EMAIL = "(not an email address)"


def email_canonical(text: str) -> str:
    """Return the one form of ``text`` that is stored and compared.

    NFKC folds compatibility characters (fullwidth letters) into their plain
    forms; upper- then case-folding maps the letters whose upper case is an
    ASCII letter (ı → I → i, ſ → S → s), as a database's case-insensitive
    comparison would, so that no variant is a second account or bucket.
    """
    text = unicodedata.normalize("NFKC", (text or "").strip())
    return unicodedata.normalize("NFKC", text.upper().casefold())


def is_email(text: str) -> bool:
    try:
        EmailValidator()(text)
    except ValidationError:
        return False
    return len(text) <= EMAIL_MAX_LENGTH


def email_or_label(text: str) -> str:
    """Return the canonical email typed, or a fixed label when the text is no email address.

    What is kept in logs, lockout records and the append-only activity log:
    people sometimes type their password into the email field, and none of
    those may ever keep it.
    """
    canonical = email_canonical(text)
    return canonical if is_email(canonical) else NOT_AN_EMAIL
