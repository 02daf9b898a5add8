"""Unicode passwords verified whole; Argon2id hashing; older hashes upgraded at sign-in."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, identify_hasher, make_password

from accounts.models import User
from tests.conftest import force_sign_in
from tests.factories import DEFAULT_PASSWORD, make_user, make_user_via_service

pytestmark = pytest.mark.django_db


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at its lowest cost: these tests are about which algorithm and what is hashed, not the cost."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000


# The order of the production setting, the two hashers these tests run at their lowest cost.
PRODUCTION_HASHERS = [
    f"{__name__}.QuickArgon2PasswordHasher",
    f"{__name__}.QuickPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# 128 characters mixing accents, CJK, an emoji and a combining mark; 200 bytes in UTF-8.
UNICODE_128 = ("Pässwörd-密码-🔐-e\u0301-" * 10)[:128]


def sign_in_status(client, email: str, password: str) -> int:
    client.logout()
    return client.post("/login/", {"username": email, "password": password}).status_code


def test_a_128_character_unicode_password_is_accepted_and_verified_whole(client, settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = make_user_via_service(email="uni@example.com", password=UNICODE_128)
    assert identify_hasher(user.password).algorithm == "argon2"

    assert sign_in_status(client, user.email, UNICODE_128) == 302
    # Any change anywhere, including the very last character, is refused: nothing is truncated.
    assert sign_in_status(client, user.email, UNICODE_128[:-1]) == 200
    assert sign_in_status(client, user.email, UNICODE_128[:-1] + "X") == 200
    assert sign_in_status(client, user.email, "X" + UNICODE_128[1:]) == 200


def test_a_unicode_password_is_never_case_folded_or_normalised(client):
    # Few enough wrong attempts per test to stay under the lockout threshold.
    user = make_user_via_service(email="uni@example.com", password=UNICODE_128)
    assert sign_in_status(client, user.email, UNICODE_128) == 302
    assert sign_in_status(client, user.email, UNICODE_128.upper()) == 200
    assert sign_in_status(client, user.email, UNICODE_128.casefold()) == 200
    assert sign_in_status(client, user.email, UNICODE_128.replace("e\u0301", "\u00e9")) == 200


def test_a_password_longer_than_128_characters_is_accepted_too(client):
    long_password = "Ab-Quiet-Harbour-Lantern-7-" + "z" * 1000
    user = make_user_via_service(email="long@example.com", password=long_password)
    assert sign_in_status(client, user.email, long_password) == 302
    assert sign_in_status(client, user.email, long_password[:-1]) == 200


def test_leading_and_trailing_spaces_are_part_of_the_password(client):
    user = make_user_via_service(email="spaces@example.com", password="  Spaced-Out-Pass  ")
    assert sign_in_status(client, user.email, "Spaced-Out-Pass") == 200
    assert sign_in_status(client, user.email, "  Spaced-Out-Pass  ") == 302


def test_new_passwords_are_hashed_with_argon2id(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = make_user_via_service(email="argon@example.com")
    assert user.password.startswith("argon2$argon2id$")


def test_a_pbkdf2_hash_is_upgraded_to_argon2id_at_the_next_sign_in(client, settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    password = "Legacy-Hashed-Pass-1"
    user = make_user(email="legacy@example.com", password=password)
    User.objects.filter(pk=user.pk).update(
        password=make_password(password, hasher="pbkdf2_sha256"),
    )
    history_before = user.password_history.count()

    assert sign_in_status(client, user.email, password) == 302

    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(password)
    # Rehashing the same password is not a password change.
    assert user.password_history.count() == history_before


def test_a_failed_sign_in_leaves_a_pbkdf2_hash_alone(client, settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = make_user(email="legacy@example.com", password="Legacy-Hashed-Pass-1")
    legacy = make_password("Legacy-Hashed-Pass-1", hasher="pbkdf2_sha256")
    User.objects.filter(pk=user.pk).update(password=legacy)
    assert sign_in_status(client, user.email, "Wrong-Legacy-Pass-1") == 200
    user.refresh_from_db()
    assert user.password == legacy


def test_a_128_character_unicode_password_can_be_chosen_on_the_change_form(client):
    user = make_user(email="uni@example.com")
    force_sign_in(client, user)
    response = client.post(
        "/profile/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": UNICODE_128, "new_password2": UNICODE_128},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(UNICODE_128)
    assert not user.check_password(UNICODE_128[:-1])
