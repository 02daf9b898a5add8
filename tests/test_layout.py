"""The frame of every page: product name and logo, a skip link, the menu for narrow screens, the version."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.conftest import force_sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_shows_the_product_name_and_logo(client):
    text = client.get("/login/").content.decode()
    assert "Modyo security admin" in text
    assert "/static/logo.svg" in text


def test_signed_in_pages_have_a_skip_link_to_the_main_content_and_a_menu_for_narrow_screens(client):
    force_sign_in(client, make_user(email="olivia@example.com", role=Role.OWNER))
    text = client.get("/team/").content.decode()
    assert '<a class="skip-link" href="#main">Skip to content</a>' in text
    assert '<main id="main"' in text
    assert '<label for="menu-toggle" class="menu-label">Menu</label>' in text
    assert "/static/logo.svg" in text


def test_every_page_shows_the_panels_version(client):
    from importlib import metadata

    assert metadata.version("modyo-admin") in client.get("/login/").content.decode()
