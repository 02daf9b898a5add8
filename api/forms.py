"""The form of the API tokens page. It carries input; the service holds the rules."""

from __future__ import annotations

from django import forms

from . import conf
from .models import ApiToken


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. “SIEM export”.")
    scope = forms.ChoiceField(
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text="Read: GET requests only. Read and write: also changes, as far as your role allows.",
    )
    expires_in_days = forms.IntegerField(
        label="Expires after (days)",
        min_value=1,
        max_value=conf.MAX_EXPIRY_DAYS,
        initial=conf.DEFAULT_EXPIRY_DAYS,
        help_text=f"1 to {conf.MAX_EXPIRY_DAYS} days.",
    )

    def __init__(self, *args, acting_user, **kwargs):
        super().__init__(*args, **kwargs)
        if not acting_user.has_perm("api_tokens.read_write"):
            # The service refuses it anyway; the form only offers what the role may have.
            self.fields["scope"].choices = [(ApiToken.Scope.READ, ApiToken.Scope.READ.label)]
