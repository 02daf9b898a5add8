"""The form of the API tokens page. It carries input; the service holds the rules."""

from __future__ import annotations

import secrets

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

    # One value per rendered form: a form sent twice (a refresh of the page that showed the new token)
    # is recognised and creates no second token. Optional, so that a page rendered before it existed still works.
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, acting_user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["submission"].initial = secrets.token_urlsafe(16)
        if not acting_user.has_perm("api_tokens.read_write"):
            # The service refuses it anyway; the form only offers what the role may have.
            self.fields["scope"].choices = [(ApiToken.Scope.READ, ApiToken.Scope.READ.label)]
