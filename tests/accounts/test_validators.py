"""Each password rule at its boundaries, through the validators that every password-setting path uses."""

from __future__ import annotations

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.selectors import password_policy_get
from accounts.validators import SPECIAL_CHARACTERS, help_texts, policy_errors

pytestmark = pytest.mark.django_db

ALLOWED_SPECIALS = list("!@#$%^&*()_+-=[]{}|")


@pytest.fixture(autouse=True)
def _composition_rules_off(set_policy):
    """Start each test with the character-class rules off, whatever the defaults, to test one rule at a time."""
    set_policy(require_lowercase=False, require_uppercase=False, require_special=False)


def codes(password: str, user: User | None = None) -> list[str]:
    return [error.code for error in policy_errors(password, user)]


def person() -> User:
    return User(email="olivia.owner@example.com", full_name="Olivia Owner")


def test_default_policy_is_length_8_with_common_and_similar_checks_and_no_history():
    policy = password_policy_get()
    assert policy.min_length == 8
    assert (policy.reject_common, policy.reject_similar) == (True, True)
    assert policy.history_count == 0
    assert policy.force_change_if_noncompliant is False
    assert "At least 8 characters." in help_texts()


def test_seven_characters_fail_the_default_minimum_length():
    assert codes("Zq7#mKp") == ["password_too_short"]


def test_eight_characters_pass_the_default_minimum_length():
    assert codes("Zq7#mKpw") == []


def test_a_raised_minimum_length_applies_at_its_boundary(set_policy):
    set_policy(min_length=15)
    assert codes("Zq7#mKpwLr3$vXa") == []  # 15
    assert codes("Zq7#mKpwLr3$vX") == ["password_too_short"]  # 14
    assert "at least 15 characters" in policy_errors("short")[0].messages[0]


def test_minimum_length_counts_characters_not_bytes():
    assert codes("ÄÖÜßéèçñ") == []  # 8 characters, 16 bytes in UTF-8
    assert codes("密码密码密码密") == ["password_too_short"]  # 7 characters, 21 bytes


@pytest.mark.parametrize(
    ("flag", "missing", "present", "code"),
    [
        ("require_lowercase", "ZQ7#MKPWX", "ZQ7#MKPWx", "password_no_lowercase"),
        ("require_uppercase", "zq7#mkpwx", "zq7#mkpwX", "password_no_uppercase"),
        ("require_special", "Zq7mKpwXr", "Zq7mKpwX!", "password_no_special"),
    ],
)
def test_each_character_class_rule_refuses_a_password_missing_only_that_class(set_policy, flag, missing, present, code):
    assert codes(missing) == []  # the class is not required yet
    set_policy(**{flag: True})
    assert codes(missing) == [code]
    assert codes(present) == []


def test_lowercase_and_uppercase_mean_ascii_letters(set_policy):
    set_policy(require_lowercase=True, require_uppercase=True)
    assert codes("ÉÀÜ#1234x") == ["password_no_uppercase"]
    assert codes("éàü#1234X") == ["password_no_lowercase"]


def test_the_special_set_is_exactly_the_listed_characters():
    assert sorted(SPECIAL_CHARACTERS) == sorted(ALLOWED_SPECIALS)


@pytest.mark.parametrize("special", ALLOWED_SPECIALS)
def test_each_listed_special_character_counts_on_its_own(set_policy, special):
    set_policy(require_special=True)
    assert codes("Kqzvmwtx" + special) == []
    assert codes(special + "Kqzvmwtx") == []


@pytest.mark.parametrize("special", ["~", "?", ".", ",", ";", ":", "/", "\\", "'", '"', "<", ">", "`", " ", "€", "§"])
def test_a_non_listed_special_character_does_not_count(set_policy, special):
    set_policy(require_special=True)
    assert codes("Kqzvmwtx" + special) == ["password_no_special"]


def test_a_common_password_is_refused_and_the_check_can_be_switched_off(set_policy):
    assert codes("password123") == ["password_too_common"]
    assert codes("PASSWORD123") == ["password_too_common"]
    set_policy(reject_common=False)
    assert codes("password123") == []


@pytest.mark.parametrize("password", ["olivia.owner", "OliviaOwner1", "olivia.owner@example"])
def test_a_password_similar_to_the_name_or_email_is_refused(password):
    assert codes(password, person()) == ["password_too_similar"]


def test_similarity_check_can_be_switched_off(set_policy):
    set_policy(reject_similar=False)
    assert codes("olivia.owner", person()) == []


def test_similarity_message_names_the_attribute():
    [error] = policy_errors("olivia.owner@example", User(email="olivia.owner@example.com", full_name=""))
    assert error.messages == ["Similar to personal information: the password is too similar to your email."]


def test_one_message_per_failed_rule_each_naming_its_rule(set_policy):
    set_policy(require_lowercase=True, require_uppercase=True, require_special=True, min_length=12)
    with pytest.raises(ValidationError) as caught:
        password_validation.validate_password("olivia", person())
    assert [error.code for error in caught.value.error_list] == [
        "password_too_short",
        "password_no_uppercase",
        "password_no_special",
        "password_too_common",
        "password_too_similar",
    ]
    assert [message.split(":")[0] for message in caught.value.messages] == [
        "Minimum length",
        "Uppercase letter",
        "Special character",
        "Common password",
        "Similar to personal information",
    ]


def test_help_texts_list_exactly_the_rules_in_force(set_policy):
    set_policy(
        min_length=10,
        require_lowercase=True,
        require_uppercase=True,
        require_special=True,
        reject_common=False,
        reject_similar=False,
        history_count=3,
    )
    assert help_texts() == [
        "At least 10 characters.",
        "At least one lowercase letter (a-z).",
        "At least one uppercase letter (A-Z).",
        "At least one of ! @ # $ % ^ & * ( ) _ + - = [ ] { } |.",
        "Different from your last 3 passwords.",
    ]
