"""Authenticator-app helpers with no state: the key as typed or scanned (RFC 6238 defaults)."""

from __future__ import annotations

import base64
import io
from binascii import unhexlify
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg

from . import conf


def secret_base32(secret_hex: str) -> str:
    return base64.b32encode(unhexlify(secret_hex)).decode().rstrip("=")


def secret_grouped(secret_hex: str) -> str:
    """Return the secret as base32 in groups of four, for typing into an app."""
    text = secret_base32(secret_hex)
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(*, email: str, secret_hex: str) -> str:
    """Return the otpauth:// URI an authenticator app scans (RFC 6238 defaults)."""
    issuer = conf.organisation_name()
    label = quote(f"{issuer}:{email}", safe="@:")
    query = urlencode(
        {"secret": secret_base32(secret_hex), "issuer": issuer, "algorithm": "SHA1", "digits": 6, "period": 30},
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def qr_code_svg(uri: str) -> bytes:
    """Render ``uri`` as an SVG QR code, made here so the secret never leaves the server."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
