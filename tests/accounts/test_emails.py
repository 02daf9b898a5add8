"""One canonical form of an email: storage, look-up and the lockout key agree, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt

from accounts.emails import NOT_AN_EMAIL, email_canonical, email_or_label
from tests.factories import make_user


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Admin@Example.COM", "admin@example.com"),
        ("  admin@example.com\t", "admin@example.com"),
        ("admın@example.com", "admin@example.com"),
        ("ſam@example.com", "sam@example.com"),  # long s (U+017F)
        ("ａｄｍｉｎ@ｅｘａｍｐｌｅ.ｃｏｍ", "admin@example.com"),
        ("STRASSE@example.com", "strasse@example.com"),
    ],
)
def test_every_variant_has_one_canonical_form(typed, canonical):
    assert email_canonical(typed) == canonical


def test_text_that_is_no_email_is_kept_only_as_a_label():
    assert email_or_label("Hunter2-my-password") == NOT_AN_EMAIL
    assert email_or_label(" ADMIN@example.com ") == "admin@example.com"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["ADMIN@example.com", " admin@example.com ", "admın@example.com", "ａｄｍｉｎ@example.com"]
)
def test_a_variant_signs_in_to_the_one_account(client, typed):
    make_user(email="admin@example.com")
    response = client.post("/login/", {"username": typed, "password": "Correct-Horse-9-Battery"})
    assert response.status_code == 302
    assert not response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_failures_under_every_variant_fill_one_lockout_bucket(client, settings):
    settings.LOCKOUT_FAILURE_LIMIT = 5
    make_user(email="admin@example.com")
    typed = [
        "ADMIN@example.com",
        " admin@example.com ",
        "admın@example.com",
        "ａｄｍｉｎ@example.com",
        "admin@EXAMPLE.com",
    ]
    for text in typed:
        client.post("/login/", {"username": text, "password": "wrong password"}, REMOTE_ADDR="198.51.100.7")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["admin@example.com"]
    locked = client.post(
        "/login/", {"username": "admin@example.com", "password": "Correct-Horse-9-Battery"}, REMOTE_ADDR="198.51.100.7"
    )
    assert locked.status_code == 429


@pytest.mark.django_db
def test_what_is_typed_in_the_email_field_is_never_stored_verbatim_by_the_lockout(client):
    client.post("/login/", {"username": "My-Secret-Passw0rd!", "password": "x"}, REMOTE_ADDR="198.51.100.7")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [NOT_AN_EMAIL]
