from __future__ import annotations

from activity.registry import register
from activity.wording import describe

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

# What these events' targets and changed fields are called on the activity pages.
describe(
    "corssettings",
    name="CORS settings",
    fields={"enabled": "CORS enabled", "allowed_origins": "allowed origins"},
)
describe("deliverysettings", name="content delivery settings", fields={"token_ttl": "token lifetime (seconds)"})
describe(
    "deliverykey",
    name="delivery key",
    fields={"key_id": "key id", "grace_period_seconds": "previous key kept valid (seconds)"},
)
