"""Each password rule at its boundaries, through the validators that every password-setting path uses."""

from __future__ import annotations

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from accounts.models import PasswordPolicy, User
from accounts.selectors import password_policy_get
from accounts.validators import SPECIAL_CHARACTERS, help_texts, policy_errors

pytestmark = pytest.mark.django_db

ALLOWED_SPECIALS = list("!@#$%^&*()_+-=[]{}|")


@pytest.fixture(autouse=True)
def _composition_rules_off(set_policy):
    """Start each test with the character-class and guessability rules off, to test one rule at a time."""
    set_policy(require_lowercase=False, require_uppercase=False, require_special=False, reject_guessable=False)


@pytest.fixture
def guessable_on(set_policy):
    set_policy(reject_guessable=True)


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


# Guessable passwords (zxcvbn) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Password123!", "a common password with a few characters added"),
        ("Qwerty123456!", "a common password with a few characters added"),
    ],
)
def test_pattern_passwords_that_pass_the_common_list_are_refused_as_guessable(guessable_on, password, reason):
    errors = policy_errors(password, person())
    assert [error.code for error in errors] == ["password_guessable"]
    assert reason in errors[0].messages[0]


def test_a_password_that_contains_the_members_name_is_refused_whatever_its_score(guessable_on):
    mia = User(email="mia@example.com", full_name="Mia Member")
    [error] = policy_errors("Mia-Member-2026!", mia)
    assert error.code == "password_guessable"
    assert "contains your name" in error.messages[0]


def test_the_organisation_name_counts_as_a_personal_word(guessable_on, settings):
    settings.ORGANISATION_NAME = "Acme Bank"
    assert "password_guessable" in codes("Acmebank-Winter-Harbour-9", person())


def test_a_long_unpredictable_password_passes(guessable_on):
    assert codes("Correct-Horse-9-Battery", person()) == []


def test_guessability_is_on_by_default_with_score_3_and_can_be_switched_off(guessable_on, set_policy):
    fresh = PasswordPolicy()
    assert (fresh.reject_guessable, fresh.min_strength) == (True, 3)
    assert any("Hard to guess" in text for text in help_texts())
    set_policy(reject_guessable=False)
    assert codes("Password123!", person()) == []
    assert not any("Hard to guess" in text for text in help_texts())


def test_the_minimum_score_is_configurable(guessable_on, set_policy):
    set_policy(min_strength=4)
    assert "password_guessable" in codes("Tiger-Sun-7x", person())
    set_policy(min_strength=1)
    assert codes("Tiger-Sun-7x", person()) == []


@pytest.mark.parametrize("score", [-1, 5])
def test_the_minimum_score_stays_within_zxcvbns_range(set_policy, score):
    with pytest.raises(ValidationError):
        set_policy(min_strength=score)
