"""Password rules, as Django password validators.

Each rule is its own validator so that a rejected password gets one message
per failed rule. Django builds the validator list once per process, so the
rules read the organisation's policy when they run: ``policy_validators()``
binds one reading of it to every rule, so that one validation reads the policy
once; an unbound rule (Django's own ``validate_password()``) reads it itself.
"""

from __future__ import annotations

import copy
import hashlib
import re

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

from singletons.selectors import singleton_get

from . import conf
from .models import PasswordPolicy

SPECIAL_CHARACTERS = "!@#$%^&*()_+-=[]{}|"
SPECIAL_CHARACTERS_DISPLAY = " ".join(SPECIAL_CHARACTERS)


def _policy_in_force() -> PasswordPolicy:
    # The one read path of single-row settings (accounts.selectors.password_policy_get reads the same),
    # taken directly so that the selectors may use these rules without an import circle.
    return singleton_get(PasswordPolicy)


class PolicyRule:
    """A password rule that reads the policy bound to it, or the one in force."""

    policy: PasswordPolicy | None = None

    @property
    def rules(self) -> PasswordPolicy:
        return self.policy if self.policy is not None else _policy_in_force()


class MinimumLengthValidator(PolicyRule):
    code = "password_too_short"

    def validate(self, password, user=None):
        min_length = self.rules.min_length
        if len(password) < min_length:
            raise ValidationError(
                "Minimum length: the password must contain at least %(min_length)d characters.",
                code=self.code,
                params={"min_length": min_length},
            )

    def get_help_text(self):
        return f"At least {self.rules.min_length} characters."


class _CharacterClassValidator(PolicyRule):
    flag = ""
    code = ""
    message = ""
    help_text = ""

    def contains(self, password: str) -> bool:
        raise NotImplementedError

    def enabled(self) -> bool:
        return getattr(self.rules, self.flag)

    def validate(self, password, user=None):
        if self.enabled() and not self.contains(password):
            raise ValidationError(self.message, code=self.code)

    def get_help_text(self):
        return self.help_text if self.enabled() else ""


class LowercaseValidator(_CharacterClassValidator):
    flag = "require_lowercase"
    code = "password_no_lowercase"
    message = "Lowercase letter: the password must contain at least one lowercase letter (a-z)."
    help_text = "At least one lowercase letter (a-z)."

    def contains(self, password):
        return any("a" <= char <= "z" for char in password)


class UppercaseValidator(_CharacterClassValidator):
    flag = "require_uppercase"
    code = "password_no_uppercase"
    message = "Uppercase letter: the password must contain at least one uppercase letter (A-Z)."
    help_text = "At least one uppercase letter (A-Z)."

    def contains(self, password):
        return any("A" <= char <= "Z" for char in password)


class SpecialCharacterValidator(_CharacterClassValidator):
    flag = "require_special"
    code = "password_no_special"
    message = f"Special character: the password must contain at least one of {SPECIAL_CHARACTERS_DISPLAY}."
    help_text = f"At least one of {SPECIAL_CHARACTERS_DISPLAY}."

    def contains(self, password):
        return any(char in SPECIAL_CHARACTERS for char in password)


class CommonPasswordValidator(PolicyRule, password_validation.CommonPasswordValidator):
    def validate(self, password, user=None):
        if not self.rules.reject_common:
            return
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                "Common password: this password is in a list of commonly used passwords.",
                code="password_too_common",
            ) from None

    def get_help_text(self):
        return "Not a commonly used password." if self.rules.reject_common else ""


class UserAttributeSimilarityValidator(PolicyRule, password_validation.UserAttributeSimilarityValidator):
    def __init__(self):
        super().__init__(user_attributes=("email", "full_name"))

    def validate(self, password, user=None):
        if not self.rules.reject_similar:
            return
        try:
            super().validate(password, user)
        except ValidationError as error:
            raise ValidationError(
                "Similar to personal information: the password is too similar to your %(verbose_name)s.",
                code="password_too_similar",
                params=error.params,
            ) from None

    def get_help_text(self):
        return "Not too similar to your name or email." if self.rules.reject_similar else ""


class GuessableValidator(PolicyRule):
    """Refuse passwords a cracker guesses early: zxcvbn's strength estimate, with the member's own words.

    Django's common-password list misses pattern passwords (a common word with
    digits and a symbol added, a keyboard walk); zxcvbn scores them as an
    attacker's guessing order would (0 to 4). The member's name, the parts of
    their email and the organisation's name are words an attacker tries
    first: a password that contains one is refused whatever its score.
    """

    code = "password_guessable"

    def validate(self, password, user=None):
        if not self.rules.reject_guessable:
            return
        words = _personal_words(user)
        result = zxcvbn(password[:MAX_ESTIMATED_LENGTH], user_inputs=sorted(words))
        personal = [
            match["token"]
            for match in result["sequence"]
            if match.get("dictionary_name") == "user_inputs" and len(match["token"]) >= MIN_PERSONAL_WORD
        ]
        if personal:
            # The matching word is not named: it is a piece of the password.
            raise ValidationError(
                "Easy to guess: the password contains your name, your email or the organisation's name.",
                code=self.code,
            )
        if result["score"] < self.rules.min_strength:
            raise ValidationError(
                "Easy to guess: %(reason)s. Add more words, or make it longer and less predictable.",
                code=self.code,
                params={"reason": _weakness(result)},
            )

    def get_help_text(self):
        if not self.rules.reject_guessable:
            return ""
        return "Hard to guess: no common word with digits added, no keyboard pattern, not your name or email."


# zxcvbn refuses longer input (its cost grows with the length); a longer password is judged by its start.
MAX_ESTIMATED_LENGTH = 72
# Shorter name parts ("Li", "Mia") match too many unrelated passwords to refuse them.
MIN_PERSONAL_WORD = 4


def _personal_words(user) -> set[str]:
    """Return the words an attacker tries first for ``user``: name, email (but its top-level domain), organisation."""
    email = getattr(user, "email", "") or ""
    local, _, domain = email.partition("@")
    text = " ".join([getattr(user, "full_name", "") or "", local, domain.rpartition(".")[0], conf.organisation_name()])
    return {word for word in re.split(r"[\W\d_]+", text.lower()) if len(word) >= MIN_PERSONAL_WORD}


def _weakness(result: dict) -> str:
    """Say in words why zxcvbn finds the password easy to guess."""
    patterns = [match.get("pattern") for match in result["sequence"]]
    dictionaries = {match.get("dictionary_name") for match in result["sequence"]}
    added = any(pattern in {"bruteforce", "sequence", "repeat", "date"} for pattern in patterns)
    if "passwords" in dictionaries:
        return "a common password" + (" with a few characters added" if added else "")
    if "spatial" in patterns:
        return "a keyboard pattern such as “qwerty”"
    if "sequence" in patterns:
        return "a sequence such as “abcd” or “1234”"
    if "repeat" in patterns:
        return "repeated characters"
    if "date" in patterns or "regex" in patterns:
        return "a date or year, which are few to try"
    if dictionaries & {"english_wikipedia", "us_tv_and_film", "english", "surnames", "male_names", "female_names"}:
        return "a common word or name" + (" with digits or symbols added" if added else "")
    return "it is short and predictable"


class PasswordHistoryValidator(PolicyRule):
    """Refuse the last N passwords (their hashes are kept by the services that set a password)."""

    checks_history = True
    code = "password_reused"

    def validate(self, password, user=None):
        count = self.rules.history_count
        if not count or user is None or user.pk is None:
            return
        previous = user.password_history.order_by("-created_at", "-id").values_list("password", flat=True)[:count]
        if any(check_password(password, encoded) for encoded in previous):
            raise ValidationError(
                "Password history: the password must differ from your last %(count)d passwords.",
                code=self.code,
                params={"count": count},
            )

    def get_help_text(self):
        count = self.rules.history_count
        return f"Different from your last {count} passwords." if count else ""


def policy_validators(policy: PasswordPolicy | None = None) -> list:
    """Return the configured rules, each bound to ``policy`` (by default one reading of the policy in force)."""
    policy = policy if policy is not None else _policy_in_force()
    bound = []
    for validator in password_validation.get_default_password_validators():
        validator = copy.copy(validator)
        validator.policy = policy
        bound.append(validator)
    return bound


def help_texts(policy: PasswordPolicy | None = None) -> list[str]:
    """Return the rules in force, one sentence each (rules switched off omitted)."""
    return [text for text in password_validation.password_validators_help_texts(policy_validators(policy)) if text]


def checked_for(user) -> str:
    """Return a digest of what a password's check depends on besides the password and the policy.

    The stored hash stands for the password (so a password set by any means,
    even outside the panel's services, changes it); the name, the email and
    the organisation's name feed the similarity and guessability rules.
    """
    basis = "\0".join([user.password or "", user.email or "", user.full_name or "", conf.organisation_name()])
    return hashlib.sha256(basis.encode()).hexdigest()


def policy_errors(password: str, user=None, *, include_history: bool = True) -> list[ValidationError]:
    """Return one error per rule the password fails."""
    errors = []
    for validator in policy_validators():
        if not include_history and getattr(validator, "checks_history", False):
            continue
        try:
            validator.validate(password, user)
        except ValidationError as error:
            errors.append(error)
    return errors
