"""The sidebar: it names pages of every app, so it lives with the URL wiring."""

from __future__ import annotations

import functools
from importlib import metadata

from django.urls import reverse

# Sidebar entries: (label, url name, permission). Shown only to roles holding it.
_NAVIGATION = (
    ("Dashboard", "dashboard", "dashboard.view"),
    ("Team", "accounts:team", "team.view"),
    ("Activity", "activity:list", "activity.view"),
    ("Security checkup", "checkup:checkup", "checkup.view"),
    ("Content", "content:list", "content.manage"),
    ("Settings", "security:settings", "security.view"),
    ("Profile", "accounts:profile", "profile.view"),
)


def navigation(request) -> dict:
    """Return the sidebar entries the signed-in user may open, the current one marked active."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    return {
        "navigation": [
            {"label": label, "url": url, "active": request.path == url or (url != "/" and request.path.startswith(url))}
            for label, url, perm in ((label, reverse(name), perm) for label, name, perm in _NAVIGATION)
            if user.has_perm(perm)
        ]
    }


@functools.cache
def _version() -> str:
    try:
        return metadata.version("modyo-admin")
    except metadata.PackageNotFoundError:
        return "development"


def panel(request) -> dict:
    """Return what every page shows of the panel itself: its name and version."""
    return {"product_name": "Modyo security admin", "panel_version": _version()}
