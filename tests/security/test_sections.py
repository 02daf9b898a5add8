"""The Security page's sections: one table drives the URLs, the permissions and re-authentication."""

from __future__ import annotations

import pytest
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import resolve, reverse

from accounts import session_state
from accounts.roles import PERMISSIONS
from activity.models import Event
from security.views import SECTIONS
from tests.conftest import force_sign_in

URLS = {
    "password_policy": "/settings/security/password-policy/",
    "two_factor": "/settings/security/two-step/",
    "lockout": "/settings/security/lockout/",
    "sessions": "/settings/security/sessions/",
    "dormancy": "/settings/security/dormant-accounts/",
    "cors": "/settings/security/cors/",
    "delivery_ttl": "/settings/security/delivery/ttl/",
    "delivery_rotate": "/settings/security/delivery/rotate/",
    "delivery_reveal": "/settings/security/delivery/reveal/",
    "activity_retention": "/settings/security/activity-retention/",
}
BY_NAME = {section.name: section for section in SECTIONS}


def test_every_section_keeps_its_url_name_and_path():
    assert {name: reverse(f"security:{name}") for name in BY_NAME} == URLS


@pytest.mark.parametrize("name", URLS)
def test_a_section_has_its_own_page_that_auditors_may_read(client, auditor, name):
    force_sign_in(client, auditor)
    response = client.get(URLS[name])
    assert response.status_code == 200
    assert response.context["section"].name == name
    assert client.put(URLS[name]).status_code == 405


@pytest.mark.parametrize("name", URLS)
def test_a_section_refuses_a_role_without_its_permission(client, auditor, name):
    force_sign_in(client, auditor)
    response = client.post(URLS[name])
    assert response.status_code == 403
    assert resolve(URLS[name]).url_name == name


@pytest.mark.parametrize("name", URLS)
def test_a_section_that_asks_for_recent_authentication_changes_nothing_without_it(client, owner, name):
    force_sign_in(client, owner)
    session = client.session
    session[session_state.AUTHENTICATED_AT] = 0  # proved who they are long ago
    session.save()
    events_before = Event.objects.count()
    response = client.post(URLS[name], {"confirm": "on", "token_ttl": "600", "mode": "forever"})
    assert response.status_code == 302
    assert response["Location"].startswith("/reauthenticate/")
    assert Event.objects.count() == events_before


def test_the_page_holds_every_sections_form_for_an_editor(client, admin):
    force_sign_in(client, admin)
    context = client.get("/settings/security/").context
    missing = [section.name for section in SECTIONS if section.form is not None and context[section.form_name] is None]
    assert missing == []


def test_the_page_holds_no_form_for_an_auditor(client, auditor):
    force_sign_in(client, auditor)
    context = client.get("/settings/security/").context
    assert all(context[section.form_name] is None for section in SECTIONS if section.form is not None)
    assert context["can_reveal_secret"] is False


def test_a_saved_section_returns_to_its_own_page_with_its_message_above_its_form(client, admin):
    force_sign_in(client, admin)
    response = client.post(URLS["activity_retention"], {"mode": "days", "keep_days": "400"}, follow=True)
    assert response.redirect_chain[-1][0] == URLS["activity_retention"]
    text = response.content.decode()
    assert text.index("Activity log retention saved") < text.index('id="activity-retention"')


def test_an_invalid_section_shows_an_error_summary_right_above_its_form(client, admin):
    force_sign_in(client, admin)
    response = client.post(URLS["cors"], {"enabled": "on", "allowed_origins": "ftp://nope.example"})
    assert response.status_code == 400
    text = response.content.decode()
    summary = text.index('class="error-summary" role="alert"')
    assert summary < text.index('id="cors"')
    assert "ftp://nope.example" in text[summary : text.index('id="cors"')]
    # Only this section is on the page: the error is where the eye is, not 2,500 px further down.
    assert 'id="password-policy"' not in text


def test_an_invalid_section_shows_the_page_again_with_the_errors(client, admin):
    force_sign_in(client, admin)
    response = client.post(URLS["activity_retention"], {"mode": "days", "keep_days": ""})
    assert response.status_code == 400
    assert response.context["retention_form"].errors["keep_days"]
    assert "Enter how many days to keep events" in response.content.decode()


@pytest.mark.parametrize("name", URLS)
def test_every_section_needs_a_permission_that_asks_for_recent_authentication(name):
    assert PERMISSIONS[BY_NAME[name].permission].recent_authentication


def _model_bounds(form, name) -> tuple[str | None, str | None]:
    field = form._meta.model._meta.get_field(name)
    low = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
    high = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
    return (str(max(low)) if low else None, str(min(high)) if high else None)


def test_number_inputs_carry_the_servers_bounds(client, owner):
    force_sign_in(client, owner)
    context = client.get("/settings/security/").context
    checked = 0
    for section in SECTIONS:
        form = context[section.form_name] if section.form is not None else None
        if form is None or not hasattr(form, "_meta"):
            continue
        for name, field in form.fields.items():
            if field.widget.input_type != "number":
                continue
            attrs = field.widget.get_context(name, None, {})["widget"]["attrs"]
            rendered = tuple(None if attrs.get(bound) is None else str(attrs[bound]) for bound in ("min", "max"))
            assert rendered == _model_bounds(form, name), (section.name, name)
            checked += 1
    assert checked >= 8
