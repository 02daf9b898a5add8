from __future__ import annotations

from activity.registry import register

register("api_token.created", "API token created", "{actor} created the API token {target}", target="apitoken")
register("api_token.revoked", "API token revoked", "{actor} revoked the API token {target}", target="apitoken")
