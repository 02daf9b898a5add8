"""Forms of the security settings page. They carry input; the services hold the rules."""

from __future__ import annotations

from django import forms

from .conf import MAX_GRACE_PERIOD, MAX_TOKEN_TTL, MIN_TOKEN_TTL, SHORT_TOKEN_TTL


class CorsSettingsForm(forms.Form):
    enabled = forms.BooleanField(
        required=False,
        label="Enable CORS",
        help_text="Let the listed websites call the content API (/api/) from the browser.",
    )
    allowed_origins = forms.CharField(
        required=False,
        label="Allowed origins",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text=(
            "Comma-separated, for example: http://api.mydomain.com, http://mysubdomain.mydomain.com, "
            "http://mydomain.com. Each is http or https, a host and an optional port: no path, no trailing "
            "slash, no wildcard."
        ),
    )


class DeliveryTokenTTLForm(forms.Form):
    token_ttl = forms.IntegerField(
        label="Content delivery token TTL",
        min_value=MIN_TOKEN_TTL,
        max_value=MAX_TOKEN_TTL,
        help_text=(
            f"Seconds a delivery token stays valid, {MIN_TOKEN_TTL} to {MAX_TOKEN_TTL} (one week). "
            f"Below {SHORT_TOKEN_TTL} seconds, sites must fetch tokens so often that performance suffers."
        ),
    )


class DeliveryKeyRotateForm(forms.Form):
    grace_period = forms.IntegerField(
        label="Keep the previous key valid for (seconds)",
        min_value=0,
        max_value=MAX_GRACE_PERIOD,
        initial=0,
        help_text=(
            "0 refuses tokens signed with the previous key at once. A grace period lets them verify (never sign) "
            "until it ends, so that sites can switch to the new secret."
        ),
    )
    confirm = forms.BooleanField(
        label="I understand that tokens signed with the current key stop working (after the grace period).",
        error_messages={"required": "Tick the box to confirm generating a new key."},
    )

    def __init__(self, *args, first_key: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_key = first_key
        if first_key:
            # Nothing is replaced by the first key: no grace period, nothing to confirm.
            del self.fields["grace_period"]
            del self.fields["confirm"]
