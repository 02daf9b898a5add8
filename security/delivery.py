"""Content-delivery tokens: JWTs signed with HS256 and the current delivery key.

Keys rotate as Django's ``SECRET_KEY`` and its fallbacks do: a token is signed
with the current key, named in the ``kid`` header, and verified with that key
only if it is current or a retired key still in its grace period. PyJWT
compares signatures in constant time (``hmac.compare_digest``).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import jwt
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from . import conf
from .keyring import keyring
from .models import DeliveryKey
from .selectors import delivery_settings_get
from .token_holders import token_holder_get

ALGORITHM = "HS256"
AUDIENCE = "content-delivery"
ACCESS_TYPE = "delivery"
# The member's token generation when the token was issued (accounts' User.token_generation).
GENERATION_CLAIM = "gen"
REQUIRED_CLAIMS = ("exp", "iat", "nbf", "aud", "iss", "sub", "jti", GENERATION_CLAIM)


class InvalidDeliveryToken(Exception):
    """The token is not a valid delivery token; the message says why, without secrets."""


def secret_generate() -> str:
    """Return a new signing secret: 256 random bits, URL-safe base64."""
    return secrets.token_urlsafe(32)


def kid_generate() -> str:
    return secrets.token_hex(8)


# What a key id can be: printable ASCII, as long as the column holds.
KID_MAX_LENGTH = DeliveryKey._meta.get_field("kid").max_length


@sensitive_variables("key")
def token_encode(*, subject: str, generation: int, key: DeliveryKey, ttl: int, now: datetime) -> str:
    """Return a delivery token for ``subject`` (a user id), valid ``ttl`` seconds from ``now``.

    ``generation`` is the member's token generation: signing them out everywhere raises it.
    """
    issued_at = int(now.timestamp())
    claims = {
        "iss": conf.delivery_token_issuer(),
        "sub": str(subject),
        "aud": AUDIENCE,
        "access_type": ACCESS_TYPE,
        "iat": issued_at,
        "nbf": issued_at,
        "exp": issued_at + ttl,
        "jti": uuid.uuid4().hex,
        GENERATION_CLAIM: generation,
    }
    return jwt.encode(claims, key.secret, algorithm=ALGORITHM, headers={"kid": key.kid})


_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


def _unverified_header(token: str) -> dict:
    """Return the token's header, not verified yet: it names the key to verify the token with.

    Only the header is decoded (PyJWT's ``get_unverified_header`` decodes and
    checks every segment, which ``jwt.decode`` then does again).
    """
    segment = token.partition(".")[0] if isinstance(token, str) else ""
    try:
        if not _SEGMENT.fullmatch(segment):
            raise ValueError
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except ValueError:  # binascii.Error, UnicodeDecodeError and json's errors included
        raise InvalidDeliveryToken("The delivery token is malformed.") from None
    if not isinstance(header, dict):
        raise InvalidDeliveryToken("The delivery token is malformed.")
    return header


_ERRORS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.ExpiredSignatureError, "The delivery token has expired."),
    (jwt.ImmatureSignatureError, "The delivery token is not valid yet."),
    (jwt.InvalidAudienceError, "The delivery token is not meant for content delivery."),
    (jwt.InvalidIssuerError, "The delivery token was not issued by this panel."),
    (jwt.InvalidSignatureError, "The delivery token's signature does not match."),
    (jwt.InvalidAlgorithmError, "The delivery token must be signed with HS256."),
)


@sensitive_variables("key", "token")
def token_decode(token: str, *, key_for_kid: Callable[[str], DeliveryKey | None]) -> dict[str, Any]:
    """Return the claims of a valid delivery token, or raise InvalidDeliveryToken.

    ``key_for_kid`` returns the key that may verify tokens named with that key
    id now, or None (unknown, or retired and past its grace period).
    """
    header = _unverified_header(token)
    # Checked before any key lookup; jwt.decode below enforces it again.
    if header.get("alg") != ALGORITHM:
        raise InvalidDeliveryToken("The delivery token must be signed with HS256.")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidDeliveryToken("The delivery token names no key id (kid).")
    # Before the look-up: PostgreSQL refuses to compare text holding NUL (a 500, not a 401).
    if not (kid.isascii() and kid.isprintable() and len(kid) <= KID_MAX_LENGTH):
        raise InvalidDeliveryToken("The delivery token's key is unknown or no longer valid.")
    key = key_for_kid(kid)
    if key is None:
        raise InvalidDeliveryToken("The delivery token's key is unknown or no longer valid.")
    try:
        claims = jwt.decode(
            token,
            key.secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=conf.delivery_token_issuer(),
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.MissingRequiredClaimError as error:
        raise InvalidDeliveryToken(f"The delivery token lacks the “{error.claim}” claim.") from None
    except jwt.InvalidTokenError as error:
        message = next((text for kind, text in _ERRORS if isinstance(error, kind)), "The delivery token is invalid.")
        raise InvalidDeliveryToken(message) from None
    if claims.get("access_type") != ACCESS_TYPE:
        raise InvalidDeliveryToken("The token is not a delivery token.")
    return claims


# Issuing and verifying with the keys in force ----------------------------------


class DeliveryKeyMissing(Exception):
    """No delivery key has been generated yet, so no token can be issued."""


@sensitive_variables("key")
def delivery_token_issue(*, user) -> tuple[str, int]:
    """Return a delivery token for ``user`` and its lifetime in seconds. Records nothing."""
    key = keyring.get().current
    if key is None:
        raise DeliveryKeyMissing("No content delivery key has been generated yet; an administrator must generate one.")
    ttl = delivery_settings_get().token_ttl
    token = token_encode(subject=str(user.pk), generation=user.token_generation, key=key, ttl=ttl, now=timezone.now())
    return token, ttl


def delivery_token_authenticate(token: str) -> tuple[Any, dict]:
    """Return the member a valid delivery token speaks for, and its claims; or raise InvalidDeliveryToken.

    Besides the signature and claims, the member must be active and not signed out
    everywhere since the token was issued (the token's generation is still theirs).
    """
    now = timezone.now()
    keys = keyring.get()
    claims = token_decode(token, key_for_kid=lambda kid: keys.for_verification(kid, now=now))
    user = token_holder_get(_int_or_none(claims["sub"]))
    if user is None:
        raise InvalidDeliveryToken("The delivery token's user is unknown or deactivated.")
    if claims[GENERATION_CLAIM] != user.token_generation:
        raise InvalidDeliveryToken("The delivery token was issued before its user was signed out everywhere.")
    return user, claims


def delivery_token_verify(token: str) -> dict:
    """Return the claims of a valid delivery token, or raise InvalidDeliveryToken (``delivery_token_authenticate``)."""
    return delivery_token_authenticate(token)[1]


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
