from __future__ import annotations

import hashlib

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from singletons.models import SingletonModel

from .emails import email_canonical
from .roles import PERMISSIONS, Role, role_has_perm

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
MAX_PASSWORD_HISTORY = 24


def token_hash(token: str) -> str:
    """Return the SHA-256 of a link token: what is stored in its place."""
    return hashlib.sha256(token.encode()).hexdigest()


class UserManager(BaseUserManager):
    """A plain manager: accounts are created by ``accounts.services.member_create``, under the policy."""

    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email=email_canonical(username))


class User(AbstractBaseUser):
    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        DEACTIVATED = "deactivated", "Deactivated"

    email = models.EmailField(
        max_length=320, unique=True, help_text="Sign-in identifier (stored lowercase); unique regardless of case."
    )
    full_name = models.CharField(max_length=150, blank=True, help_text="Name shown to the team.")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER, help_text="What the user may do.")
    is_active = models.BooleanField(default=True, help_text="Deactivated users cannot sign in.")
    date_joined = models.DateTimeField(default=timezone.now, help_text="When the account was created.")
    joined_at = models.DateTimeField(
        null=True, blank=True, help_text="When the user first set a password; empty while only invited."
    )
    password_changed_at = models.DateTimeField(null=True, blank=True, help_text="When the password was last set.")
    password_policy_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Policy version the password was last checked against at sign-in; empty if never checked.",
    )
    password_compliant = models.BooleanField(
        null=True, blank=True, help_text="Whether the password met that policy version; empty if never checked."
    )
    password_checked_for = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="Digest of what that answer was worked out for (the password's hash, the member's name and "
        "email, the organisation's name): when one of them changes, the next sign-in checks again.",
    )
    must_change_password = models.BooleanField(
        default=False, help_text="An admin asked this user to change password at next sign-in."
    )
    token_generation = models.PositiveIntegerField(
        default=0,
        help_text="Raised whenever all of the member's sessions end (sign-out everywhere, deactivation, password "
        "change or reset, two-step reset): delivery tokens issued before carry an older number and stop working.",
    )
    must_enrol_two_factor = models.BooleanField(
        default=False, help_text="Two-step was reset (lost phone): the user must set it up again at next sign-in."
    )
    dormancy_exempt = models.BooleanField(
        default=False,
        help_text="A service account an owner named: never deactivated for going long without signing in.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    @property
    def activity_label(self) -> str:
        return self.email

    def clean(self):
        super().clean()
        self.email = email_canonical(self.email)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def status(self) -> str:
        if not self.is_active:
            return self.Status.DEACTIVATED
        if self.joined_at is None:
            return self.Status.INVITED
        return self.Status.ACTIVE

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    # Permissions come from the role table, not from per-user grants.
    def has_perm(self, perm: str, obj=None) -> bool:
        return self.is_active and role_has_perm(self.role, perm)

    def has_perms(self, perm_list, obj=None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and any(
            self.role in permission.roles
            for name, permission in PERMISSIONS.items()
            if name.startswith(f"{app_label}.")
        )


class Invitation(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations", help_text="Who is invited.")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the link token; never the token.")
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.PROTECT, related_name="+", help_text="Who sent the invitation."
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="When the invitation was sent.")
    expires_at = models.DateTimeField(help_text="After this the link no longer works.")
    accepted_at = models.DateTimeField(null=True, blank=True, help_text="When the link was used; it works once.")
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="When a newer invitation replaced this one.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation for {self.user}"

    def is_usable(self, *, now=None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class SetupToken(models.Model):
    """The one-time token of the first-run setup link (its hash only)."""

    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the setup token.")
    created_at = models.DateTimeField(default=timezone.now, help_text="When the link was printed.")

    def __str__(self) -> str:
        return "setup token"


class PasswordHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history", help_text="Owner.")
    password = models.CharField(max_length=256, help_text="A previous password's hash; never the password.")
    created_at = models.DateTimeField(default=timezone.now, help_text="When that password was set.")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "password history"

    def __str__(self) -> str:
        return f"password of {self.user} set {self.created_at:%Y-%m-%d}"


class PasswordPolicy(SingletonModel):
    """The organisation's password policy: a single row, versioned on each change."""

    min_length = models.PositiveSmallIntegerField(
        default=MIN_PASSWORD_LENGTH,
        validators=[
            MinValueValidator(
                MIN_PASSWORD_LENGTH, message=f"The platform requires at least {MIN_PASSWORD_LENGTH} characters."
            ),
            MaxValueValidator(MAX_PASSWORD_LENGTH),
        ],
        help_text=f"Minimum number of characters, {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH}.",
    )
    require_lowercase = models.BooleanField(default=False, help_text="Require a lowercase letter a-z.")
    require_uppercase = models.BooleanField(default=False, help_text="Require an uppercase letter A-Z.")
    require_special = models.BooleanField(
        default=False, help_text="Require one of ! @ # $ % ^ & * ( ) _ + - = [ ] { } |."
    )
    reject_common = models.BooleanField(default=True, help_text="Reject passwords found in a list of common ones.")
    reject_similar = models.BooleanField(default=True, help_text="Reject passwords too similar to the name or email.")
    reject_guessable = models.BooleanField(
        default=True,
        help_text="Reject passwords a cracker would guess early (zxcvbn's estimate), and any that contain the "
        "member's name, email or the organisation's name.",
    )
    min_strength = models.PositiveSmallIntegerField(
        default=3,
        validators=[MaxValueValidator(4)],
        help_text="Lowest zxcvbn score accepted while guessable passwords are rejected: 0 (any) to 4 (hardest).",
    )
    history_count = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(MAX_PASSWORD_HISTORY)],
        help_text=f"Refuse reuse of the last N passwords (0 = off, at most {MAX_PASSWORD_HISTORY}).",
    )
    force_change_if_noncompliant = models.BooleanField(
        default=False, help_text="Make a member whose password fails the policy change it right after signing in."
    )

    EDITABLE_FIELDS = (
        "min_length",
        "require_lowercase",
        "require_uppercase",
        "require_special",
        "reject_common",
        "reject_similar",
        "reject_guessable",
        "min_strength",
        "history_count",
        "force_change_if_noncompliant",
    )

    class Meta:
        verbose_name_plural = "password policy"

    def __str__(self) -> str:
        return f"password policy v{self.version}"

    @property
    def activity_label(self) -> str:
        return "Password policy"

    def as_dict(self) -> dict:
        return self.values()


class UserSession(models.Model):
    """A signed-in session of a user, so that sessions can be listed and ended."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions", help_text="Whose session.")
    session_key = models.CharField(max_length=40, unique=True, help_text="Django session key.")
    ip_address = models.GenericIPAddressField(null=True, blank=True, help_text="IP at sign-in.")
    user_agent = models.TextField(blank=True, help_text="Browser at sign-in.")
    created_at = models.DateTimeField(default=timezone.now, help_text="When the user signed in.")
    last_seen_at = models.DateTimeField(default=timezone.now, help_text="Last request in this session.")

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"session of {self.user}"


MINUTES_PER_WEEK = 60 * 24 * 7
# The platform offers the same range for disabling accounts that go unused.
MIN_DORMANCY_DAYS = 30
MAX_DORMANCY_DAYS = 365


class SignInPolicy(SingletonModel):
    """Two-step enforcement, lockout and session limits: a single row.

    An empty lockout field means "the default from the environment".
    """

    two_factor_required = models.BooleanField(
        default=False, help_text="Require two-step authentication of every team member."
    )
    two_factor_grace_days = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(90)],
        help_text="Days members without a device may still work (with a reminder) after enforcement starts.",
    )
    two_factor_enforced_at = models.DateTimeField(
        null=True, blank=True, help_text="When enforcement was last switched on; the grace period counts from here."
    )
    lockout_failure_limit = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(20)],
        help_text="Failed sign-ins (per account and IP) before a lockout, 3 to 20; empty = environment default.",
    )
    lockout_cooloff_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text="Minutes a lockout lasts, 1 to 1440; empty = environment default.",
    )
    failed_sign_ins_per_ip = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(1000)],
        help_text="Failed sign-ins from one IP address, whatever the accounts, allowed in 15 minutes (5 to 1000); "
        "beyond, that address is refused until the window ends.",
    )
    reset_requests_per_address = models.PositiveIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Password-reset emails one address may ask for in an hour (1 to 100).",
    )
    reset_requests_per_ip = models.PositiveIntegerField(
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Password-reset requests one IP address may send in an hour, whatever the addresses (1 to 1000).",
    )
    session_absolute_minutes = models.PositiveIntegerField(
        default=24 * 60,
        validators=[MinValueValidator(5), MaxValueValidator(2 * MINUTES_PER_WEEK)],
        help_text="A session ends this many minutes after sign-in, whatever the activity (5 min to 2 weeks).",
    )
    session_idle_minutes = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(2 * MINUTES_PER_WEEK)],
        help_text="A session ends after this many minutes without a request (5 min to 2 weeks).",
    )

    TWO_FACTOR_FIELDS = ("two_factor_required", "two_factor_grace_days")
    LOCKOUT_FIELDS = (
        "lockout_failure_limit",
        "lockout_cooloff_minutes",
        "failed_sign_ins_per_ip",
        "reset_requests_per_address",
        "reset_requests_per_ip",
    )
    dormancy_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_DORMANCY_DAYS), MaxValueValidator(MAX_DORMANCY_DAYS)],
        help_text=f"Deactivate members who have not signed in for this many days ({MIN_DORMANCY_DAYS} to "
        f"{MAX_DORMANCY_DAYS}, by `accounts_deactivate_dormant`); empty = never.",
    )

    SESSION_FIELDS = ("session_absolute_minutes", "session_idle_minutes")
    DORMANCY_FIELDS = ("dormancy_days",)
    EDITABLE_FIELDS = TWO_FACTOR_FIELDS + LOCKOUT_FIELDS + SESSION_FIELDS + DORMANCY_FIELDS

    class Meta:
        verbose_name_plural = "sign-in policy"

    def clean(self):
        super().clean()
        if (
            self.session_absolute_minutes is not None
            and self.session_idle_minutes is not None
            and self.session_absolute_minutes < self.session_idle_minutes
        ):
            raise ValidationError(
                {
                    "session_absolute_minutes": (
                        f"The absolute lifetime ({self.session_absolute_minutes} minutes) is shorter than the "
                        f"inactivity timeout ({self.session_idle_minutes} minutes), which could then never apply: "
                        "make the lifetime at least as long."
                    )
                },
                code="session_lifetime_below_idle",
            )

    def __str__(self) -> str:
        return "sign-in policy"

    @property
    def activity_label(self) -> str:
        return "Sign-in policy"
