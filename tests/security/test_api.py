"""Every API endpoint declares its permission from the one permission table."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import AllowAny

from accounts import roles
from accounts.permissions import RolePermission, requires
from accounts.roles import PERMISSIONS, Role
from tests.conftest import force_sign_in

TOKEN_URL = "/api/delivery/token"

# The only endpoints open to anyone; each says why next to its permission_classes.
ALLOW_ANY = {"EntryListView", "EntryDetailView", "SpectacularAPIView"}


def api_views(resolver=None, prefix: str = "") -> dict[str, type]:
    """Return route -> DRF view class for every URL pattern under /api/."""
    views = {}
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            views |= api_views(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith("api/") and hasattr(entry.callback, "cls"):
            views[route] = entry.callback.cls
    return views


def declared_permission_classes(view: type) -> list:
    """Return the view's permission classes if the view (not DRF's default setting) names them."""
    for klass in view.__mro__:
        if "permission_classes" in vars(klass) and not klass.__module__.startswith("rest_framework"):
            return list(klass.permission_classes)
    return []


def test_the_only_public_endpoints_are_those_listed_on_purpose():
    public = {view.__name__ for view in api_views().values() if AllowAny in declared_permission_classes(view)}
    assert public == ALLOW_ANY, "a new public endpoint? add it to ALLOW_ANY on purpose, saying why on the view"


def names_a_permission_of_the_table(permission) -> bool:
    return isinstance(permission, type) and issubclass(permission, RolePermission) and permission.perm in PERMISSIONS


@pytest.mark.parametrize(("route", "view"), sorted(api_views().items()))
def test_every_api_view_names_a_permission_of_the_table_or_is_explicitly_public(route, view):
    classes = declared_permission_classes(view)
    assert classes, f"{route}: declare permission_classes on the view"
    wrong = [p for p in classes if p is not AllowAny and not names_a_permission_of_the_table(p)]
    assert wrong == [], f"{route}: use accounts.permissions.requires('<perm>')"


@pytest.mark.parametrize("role", Role.values)
def test_every_signed_in_role_may_get_a_delivery_token(client, users_by_role, delivery_key, role):
    force_sign_in(client, users_by_role[role])
    response = client.get(TOKEN_URL)
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


def test_a_role_without_the_permission_is_refused_a_token(client, monkeypatch, member, owner, delivery_key):
    monkeypatch.setitem(roles.PERMISSIONS, "content.delivery_token", roles.Permission(frozenset({Role.OWNER})))
    force_sign_in(client, member)
    response = client.get(TOKEN_URL)
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not hold the “content.delivery_token” permission."}
    client.logout()
    force_sign_in(client, owner)
    assert client.get(TOKEN_URL).status_code == 200


def test_an_anonymous_caller_is_told_to_sign_in(client, delivery_key):
    response = client.get(TOKEN_URL)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "Sign in" in response.json()["detail"]


def test_requires_refuses_a_permission_missing_from_the_table():
    with pytest.raises(KeyError, match="content.no_such_thing"):
        requires("content.no_such_thing")
