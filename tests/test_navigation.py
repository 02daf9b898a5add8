"""The sidebar and the dashboard: project-level pages, wired in ``modyo_admin``."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from modyo_admin.context_processors import navigation
from tests.conftest import force_sign_in, sign_in

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_get_no_sidebar():
    request = RequestFactory().get("/login/")
    request.user = AnonymousUser()
    assert navigation(request) == {"navigation": []}


def test_the_sidebar_marks_the_open_page_and_its_subpages(owner):
    request = RequestFactory().get("/settings/security/")
    request.user = owner
    active = [item["label"] for item in navigation(request)["navigation"] if item["active"]]
    assert active == ["Settings"]


def test_the_dashboard_is_not_active_on_other_pages(owner):
    request = RequestFactory().get("/team/")
    request.user = owner
    entries = {item["label"]: item["active"] for item in navigation(request)["navigation"]}
    assert entries["Dashboard"] is False
    assert entries["Team"] is True


def test_the_dashboard_shows_the_team_the_policy_and_the_latest_events(client, owner):
    sign_in(client, owner)
    response = client.get("/")
    assert response.status_code == 200
    assert {"by_role", "policy", "policy_rules", "events"} <= set(response.context.keys())
    assert [item["label"] for item in response.context["navigation"] if item["active"]] == ["Dashboard"]
    assert response.context["events"]()[0].action == "auth.signed_in"


def test_a_member_is_sent_from_the_dashboard_to_their_profile(client, member):
    force_sign_in(client, member)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/profile/"
