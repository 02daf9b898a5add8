from __future__ import annotations

from activity.registry import register

register(
    "settings.cors.updated", "CORS origins updated", "{actor} updated the CORS allowed origins", target="corssettings"
)
register(
    "settings.delivery_token.ttl_updated",
    "Delivery token TTL updated",
    "{actor} changed the content delivery token TTL",
    target="deliverysettings",
)
register(
    "settings.delivery_token.rotated",
    "Delivery key generated",
    "{actor} generated the delivery {target}",
    target="deliverykey",
)
register(
    "settings.delivery_token.revealed",
    "Delivery secret revealed",
    "{actor} revealed the secret of delivery {target}",
    target="deliverykey",
)
