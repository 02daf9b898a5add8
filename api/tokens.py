"""The shape of an API token: a fixed start, 256 random bits, and the SHA-256 kept in its place."""

from __future__ import annotations

import hashlib
import secrets

from . import conf


def token_generate() -> str:
    """Return a new token: ``mdy_`` followed by 32 random bytes, base64url-encoded (43 characters)."""
    return conf.TOKEN_PREFIX + secrets.token_urlsafe(conf.TOKEN_BYTES)


def token_digest(token: str) -> str:
    """Return the SHA-256 (hex) of ``token``: what is stored and looked up.

    A plain hash suffices (no salt or slow hash): the token is 256 random bits, so
    nothing can be guessed from its digest, and the look-up must be one index probe.
    """
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_visible_part(token: str) -> str:
    return token[: conf.VISIBLE_LENGTH]


def looks_like_token(value: str) -> bool:
    """Return whether ``value`` has the shape of an API token (not whether it is one)."""
    return value.startswith(conf.TOKEN_PREFIX) and len(value) <= 200
