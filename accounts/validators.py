"""Password rules, as Django password validators.

Each rule is its own validator so that a rejected password gets one message
per failed rule. Every validator reads the organisation's policy when it runs,
because Django builds the validator list once per process.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from .selectors import password_policy_get

SPECIAL_CHARACTERS = "!@#$%^&*()_+-=[]{}|"
SPECIAL_CHARACTERS_DISPLAY = " ".join(SPECIAL_CHARACTERS)


class MinimumLengthValidator:
    code = "password_too_short"

    def validate(self, password, user=None):
        min_length = password_policy_get().min_length
        if len(password) < min_length:
            raise ValidationError(
                "Minimum length: the password must contain at least %(min_length)d characters.",
                code=self.code,
                params={"min_length": min_length},
            )

    def get_help_text(self):
        return f"At least {password_policy_get().min_length} characters."


class _CharacterClassValidator:
    flag = ""
    code = ""
    message = ""
    help_text = ""

    def contains(self, password: str) -> bool:
        raise NotImplementedError

    def enabled(self) -> bool:
        return getattr(password_policy_get(), self.flag)

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


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def validate(self, password, user=None):
        if not password_policy_get().reject_common:
            return
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                "Common password: this password is in a list of commonly used passwords.",
                code="password_too_common",
            ) from None

    def get_help_text(self):
        return "Not a commonly used password." if password_policy_get().reject_common else ""


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def __init__(self):
        super().__init__(user_attributes=("email", "full_name"))

    def validate(self, password, user=None):
        if not password_policy_get().reject_similar:
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
        return "Not too similar to your name or email." if password_policy_get().reject_similar else ""


class PasswordHistoryValidator:
    """Refuse the last N passwords (their hashes are kept by ``password_changed``)."""

    checks_history = True
    code = "password_reused"

    def validate(self, password, user=None):
        count = password_policy_get().history_count
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
        count = password_policy_get().history_count
        return f"Different from your last {count} passwords." if count else ""

    def password_changed(self, password, user=None):
        from .services import password_history_append

        password_history_append(user=user)


def help_texts() -> list[str]:
    """Return the rules in force, one sentence each (rules switched off omitted)."""
    return [text for text in password_validation.password_validators_help_texts() if text]


def policy_errors(password: str, user=None, *, include_history: bool = True) -> list[ValidationError]:
    """Return one error per rule the password fails."""
    errors = []
    for validator in password_validation.get_default_password_validators():
        if not include_history and getattr(validator, "checks_history", False):
            continue
        try:
            validator.validate(password, user)
        except ValidationError as error:
            errors.append(error)
    return errors
