from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator

from .emails import EMAIL_MAX_LENGTH, email_canonical
from .models import PasswordPolicy, SignInPolicy, User
from .roles import MANAGEABLE_ROLES, Role
from .selectors import TeamFilters, TeamStatus
from .validators import help_texts


def password_field(label: str) -> forms.CharField:
    # Never strip or case-fold a password: every character counts.
    return forms.CharField(
        label=label,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class PasswordRulesMixin:
    """A form that sets a password: shows the rules in force next to it."""

    @property
    def password_rules(self) -> list[str]:
        return help_texts()


class NewPasswordForm(PasswordRulesMixin, forms.Form):
    """Two password fields that must match; the policy itself is applied by the service."""

    new_password1 = password_field("New password")
    new_password2 = password_field("Confirm new password")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password1") != cleaned.get("new_password2"):
            self.add_error("new_password2", "The two passwords do not match.")
        return cleaned

    def apply(self, service, **kwargs):
        """Call ``service`` with the new password; map policy errors onto the field."""
        try:
            return service(**kwargs, **self._password_kwarg())
        except ValidationError as error:
            self._add_service_error(error)
            return None

    def _password_kwarg(self) -> dict:
        return {"new_password": self.cleaned_data["new_password1"]}

    def _add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error("new_password1", error)


class SignInForm(auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": "That email and password do not match an active account.",
        "inactive": "That email and password do not match an active account.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No address is longer (RFC 5321); the bound also keeps oversized input from ever
        # reaching authentication or the lockout records.
        self.fields["username"].max_length = EMAIL_MAX_LENGTH
        self.fields["username"].validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
        self.fields["username"].widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)


class SetupForm(NewPasswordForm):
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    email = forms.EmailField(label="Email", max_length=EMAIL_MAX_LENGTH)
    field_order = ["full_name", "email", "new_password1", "new_password2"]

    def _password_kwarg(self):
        return {
            "password": self.cleaned_data["new_password1"],
            "email": self.cleaned_data["email"],
            "full_name": self.cleaned_data["full_name"],
        }

    def _add_service_error(self, error):
        if hasattr(error, "error_dict") and "password" in error.error_dict:
            error.error_dict["new_password1"] = error.error_dict.pop("password")
        super()._add_service_error(error)


class InvitationAcceptForm(NewPasswordForm):
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    field_order = ["full_name", "new_password1", "new_password2"]

    def _password_kwarg(self):
        return {"password": self.cleaned_data["new_password1"], "full_name": self.cleaned_data["full_name"]}


class PasswordChangeForm(NewPasswordForm):
    old_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def _password_kwarg(self):
        # The service checks the current password (and counts wrong ones towards the lockout).
        return {"old_password": self.cleaned_data["old_password"], "new_password": self.cleaned_data["new_password1"]}


class ResetPasswordForm(NewPasswordForm):
    """The form behind an emailed reset link; the view applies it through the service."""

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class ResetRequestForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Email", max_length=EMAIL_MAX_LENGTH, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email):
        # The canonical form, compared exactly: the database's case folding is not the account's.
        users = User.objects.filter(email=email_canonical(email), is_active=True)
        return (user for user in users if user.has_usable_password())


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=EMAIL_MAX_LENGTH)
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    role = forms.ChoiceField(label="Role", choices=Role.choices)

    def __init__(self, *args, acting_user: User, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = MANAGEABLE_ROLES.get(acting_user.role, frozenset())
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in allowed]
        self.fields["role"].initial = Role.MEMBER


def _not_a_choice() -> dict:
    return {"invalid_choice": "“%(value)s” is not one of the choices; pick one from the list."}


class TeamFilterForm(forms.Form):
    """The team list's search, filters, sort and page, read from the query string."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        error_messages={"max_length": "Search for at most %(limit_value)d characters."},
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or email"}),
    )
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "Any role"), *Role.choices], error_messages=_not_a_choice()
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *TeamStatus.choices],
        error_messages=_not_a_choice(),
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("email", "Email (A–Z)"),
            ("-email", "Email (Z–A)"),
            ("name", "Name (A–Z)"),
            ("-name", "Name (Z–A)"),
            ("role", "Role (owners first)"),
            ("-role", "Role (members first)"),
            ("-last_sign_in", "Last sign-in (newest first)"),
            ("last_sign_in", "Last sign-in (oldest first)"),
            ("-joined", "Joined (newest first)"),
            ("joined", "Joined (oldest first)"),
        ],
        error_messages=_not_a_choice(),
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10**6, widget=forms.HiddenInput)

    def filters(self) -> TeamFilters:
        data = self.cleaned_data
        return TeamFilters(q=data["q"], role=data["role"], status=data["status"], sort=data["sort"] or "email")


class MemberNameForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150, error_messages={"required": "Enter a name."})

    def __init__(self, *args, acting_user: User | None = None, **kwargs):
        # Member actions build every form with the acting user; whether they may rename is the service's rule.
        super().__init__(*args, **kwargs)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)

    def __init__(self, *args, acting_user: User, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = MANAGEABLE_ROLES.get(acting_user.role, frozenset())
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in allowed]


class ModelBoundsMixin:
    """A settings form whose number inputs carry the model's own bounds (``min``/``max``), not 0 and nothing.

    The browser then refuses what the server would, before sending it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not isinstance(field, forms.IntegerField):
                continue
            validators = self._meta.model._meta.get_field(name).validators
            low = [v.limit_value for v in validators if isinstance(v, MinValueValidator)]
            high = [v.limit_value for v in validators if isinstance(v, MaxValueValidator)]
            if low:
                field.widget.attrs["min"] = max(low)
            if high:
                field.widget.attrs["max"] = min(high)


class KeepWhenBlankMixin:
    """A settings form whose ``keep_when_blank`` fields, left empty, keep the value in force."""

    keep_when_blank: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.keep_when_blank:
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in self.keep_when_blank:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = getattr(self.instance, name)
        return cleaned


class PasswordPolicyForm(ModelBoundsMixin, KeepWhenBlankMixin, forms.ModelForm):
    # The score only matters while guessable passwords are rejected.
    keep_when_blank = ("min_strength",)

    class Meta:
        model = PasswordPolicy
        fields = list(PasswordPolicy.EDITABLE_FIELDS)
        labels = {
            "min_length": "Minimum password length",
            "require_lowercase": "Require at least one lowercase letter (a to z)",
            "require_uppercase": "Require at least one uppercase letter (A to Z)",
            "require_special": (
                "Require at least one non-alphanumeric character (! @ # $ % ^ & * ( ) _ + - = [ ] { } |)"
            ),
            "reject_common": "Reject common passwords",
            "reject_similar": "Reject passwords too similar to the member's name or email",
            "reject_guessable": (
                "Reject easily guessed passwords (common words with digits added, keyboard patterns, "
                "the member's name or email, the organisation's name)"
            ),
            "min_strength": "Minimum strength score, 0 to 4 (3 recommended)",
            "history_count": "Refuse reuse of the last N passwords (0 = off)",
            "force_change_if_noncompliant": (
                "Make members whose password does not comply change it right after signing in"
            ),
        }


class SecondStepForm(forms.Form):
    code = forms.CharField(
        label="Authentication code or recovery code",
        max_length=32,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class EnrolmentForm(forms.Form):
    code = forms.CharField(
        label="6-digit code from the app",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TwoFactorDisableForm(forms.Form):
    password = forms.CharField(
        label="Current password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = forms.CharField(
        label="Authentication code",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ReauthenticationForm(forms.Form):
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = forms.CharField(
        label="Authentication code or recovery code",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, with_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_code:
            del self.fields["code"]


class TwoFactorPolicyForm(ModelBoundsMixin, forms.ModelForm):
    class Meta:
        model = SignInPolicy
        fields = list(SignInPolicy.TWO_FACTOR_FIELDS)
        labels = {
            "two_factor_required": "Require two-step authentication for all team members",
            "two_factor_grace_days": "Grace period (days)",
        }


class LockoutPolicyForm(ModelBoundsMixin, KeepWhenBlankMixin, forms.ModelForm):
    keep_when_blank = ("failed_sign_ins_per_ip", "reset_requests_per_address", "reset_requests_per_ip")

    class Meta:
        model = SignInPolicy
        fields = list(SignInPolicy.LOCKOUT_FIELDS)
        labels = {
            "lockout_failure_limit": "Failed sign-ins before lockout",
            "lockout_cooloff_minutes": "Lockout duration (minutes)",
            "failed_sign_ins_per_ip": "Failed sign-ins allowed from one IP address in 15 minutes, across accounts",
            "reset_requests_per_address": "Password-reset emails per address per hour",
            "reset_requests_per_ip": "Password-reset requests per IP address per hour",
        }


class SessionPolicyForm(ModelBoundsMixin, forms.ModelForm):
    class Meta:
        model = SignInPolicy
        fields = list(SignInPolicy.SESSION_FIELDS)
        labels = {
            "session_absolute_minutes": "Absolute session lifetime (minutes)",
            "session_idle_minutes": "Inactivity timeout (minutes)",
        }


class DormancyPolicyForm(ModelBoundsMixin, forms.ModelForm):
    class Meta:
        model = SignInPolicy
        fields = list(SignInPolicy.DORMANCY_FIELDS)
        labels = {"dormancy_days": "Disable accounts after this many days without signing in"}
        help_texts = {
            "dormancy_days": "30 to 365 days; leave empty to keep unused accounts active. Members who never "
            "signed in count from the day they joined. Owners can exempt named service accounts on their page."
        }


class DormancyExemptForm(forms.Form):
    exempt = forms.BooleanField(required=False, label="Exempt from deactivation for dormancy (a service account)")
