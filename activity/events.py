from __future__ import annotations

from .registry import register

register("activity.pruned", "Activity log pruned", "{actor} pruned the activity log up to {target}")
