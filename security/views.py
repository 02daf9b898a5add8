from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.forms import LockoutPolicyForm, PasswordPolicyForm, SessionPolicyForm, TwoFactorPolicyForm
from accounts.lockout import cooloff_time, failure_limit
from accounts.reauth import reauthentication_required
from accounts.selectors import session_limit_warnings
from accounts.validators import help_texts
from activity import selectors as activity_selectors
from activity import services as activity_services
from activity.forms import RetentionForm

from . import selectors, services
from .forms import CorsSettingsForm, DeliveryKeyRotateForm, DeliveryTokenTTLForm
from .models import SHORT_TOKEN_TTL


def _cors_delivery_context(request, *, cors_form=None, ttl_form=None, rotate_form=None, revealed_key=None) -> dict:
    """Return the context of the CORS and content-delivery sections."""
    cors_settings = selectors.cors_settings_get()
    delivery_settings = selectors.delivery_settings_get()
    key = selectors.delivery_key_current()
    if request.user.has_perm("security.edit"):
        cors_form = cors_form or CorsSettingsForm(
            initial={"enabled": cors_settings.enabled, "allowed_origins": ", ".join(cors_settings.allowed_origins)}
        )
        ttl_form = ttl_form or DeliveryTokenTTLForm(initial={"token_ttl": delivery_settings.token_ttl})
        rotate_form = rotate_form or DeliveryKeyRotateForm(first_key=key is None)
    return {
        "cors": cors_settings,
        "cors_form": cors_form,
        "delivery": delivery_settings,
        "delivery_key": key,
        "delivery_keys_in_grace": selectors.delivery_keys_in_grace(),
        "delivery_short_ttl": SHORT_TOKEN_TTL,
        "ttl_form": ttl_form,
        "rotate_form": rotate_form,
        "revealed_key": revealed_key,
        "can_reveal_secret": request.user.has_perm("security.reveal_secret"),
    }


def _sign_in_context(request, *, two_factor_form=None, lockout_form=None, sessions_form=None) -> dict:
    """Return the context of the two-step, lockout and session sections."""
    policy = account_selectors.sign_in_policy_get()
    if request.user.has_perm("security.edit"):
        two_factor_form = two_factor_form or TwoFactorPolicyForm(instance=policy)
        lockout_form = lockout_form or LockoutPolicyForm(
            initial={"lockout_failure_limit": failure_limit(None, None), "lockout_cooloff_minutes": _cooloff_minutes()}
        )
        sessions_form = sessions_form or SessionPolicyForm(instance=policy)
    return {
        "sign_in_policy": policy,
        "lockout_failure_limit": failure_limit(None, None),
        "lockout_cooloff_minutes": _cooloff_minutes(),
        "session_warnings": session_limit_warnings(policy),
        "two_factor_form": two_factor_form,
        "lockout_form": lockout_form,
        "sessions_form": sessions_form,
    }


def _cooloff_minutes() -> int:
    return int(cooloff_time().total_seconds() // 60)


def _render(
    request,
    *,
    policy_form=None,
    status=200,
    two_factor_form=None,
    lockout_form=None,
    sessions_form=None,
    retention_form=None,
    **sections,
):
    policy = account_selectors.password_policy_get()
    can_edit = request.user.has_perm("security.edit")
    if policy_form is None and can_edit:
        policy_form = PasswordPolicyForm(instance=policy)
    return render(
        request,
        "security/settings.html",
        {
            "title": "Security settings",
            "policy": policy,
            "policy_form": policy_form,
            "policy_rules": help_texts(),
            "compliance": account_selectors.password_compliance_counts(policy=policy),
            "can_edit": can_edit,
            **_cors_delivery_context(request, **sections),
            **_sign_in_context(
                request, two_factor_form=two_factor_form, lockout_form=lockout_form, sessions_form=sessions_form
            ),
            **_retention_context(request, retention_form=retention_form),
        },
        status=status,
    )


@permission_required("security.view", raise_exception=True)
def security_settings_view(request):
    return _render(request)


@require_POST
@permission_required("security.edit", raise_exception=True)
@reauthentication_required
def password_policy_update_view(request):
    return _policy_update(
        request,
        form_class=PasswordPolicyForm,
        instance=account_selectors.password_policy_get(),
        service=account_services.password_policy_update,
        form_name="policy_form",
        anchor="#password-policy",
        success="Password policy saved. Members must comply the next time they change their password.",
    )


@require_POST
@permission_required("security.edit", raise_exception=True)
@reauthentication_required
def cors_settings_update_view(request):
    form = CorsSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.cors_settings_update(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "CORS settings saved; every app process applies them within a second.")
            return redirect(reverse("security:settings") + "#cors")
    return _render(request, cors_form=form, status=400)


@require_POST
@permission_required("security.edit", raise_exception=True)
@reauthentication_required
def delivery_token_ttl_update_view(request):
    form = DeliveryTokenTTLForm(request.POST)
    if form.is_valid():
        try:
            delivery = services.delivery_token_ttl_update(acting_user=request.user, ttl=form.cleaned_data["token_ttl"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Content delivery token TTL set to {delivery.token_ttl} seconds.")
            if delivery.token_ttl < SHORT_TOKEN_TTL:
                messages.warning(request, "Very short token durations hurt performance: sites must fetch tokens often.")
            return redirect(reverse("security:settings") + "#delivery")
    return _render(request, ttl_form=form, status=400)


@require_POST
@permission_required("security.edit", raise_exception=True)
@reauthentication_required
def delivery_key_rotate_view(request):
    first_key = selectors.delivery_key_current() is None
    form = DeliveryKeyRotateForm(request.POST, first_key=first_key)
    if form.is_valid():
        try:
            key = services.delivery_secret_rotate(
                acting_user=request.user,
                grace_period=form.cleaned_data.get("grace_period") or 0,
                replacing=not first_key,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"New delivery key {key.kid} generated; new tokens are signed with it.")
            return redirect(reverse("security:settings") + "#delivery")
    return _render(request, rotate_form=form, status=400)


@require_POST
@permission_required("security.reveal_secret", raise_exception=True)
@reauthentication_required
def delivery_secret_reveal_view(request):
    try:
        key = services.delivery_secret_reveal(acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("security:settings") + "#delivery")
    response = _render(request, revealed_key=key)
    # The page holds the secret: keep it out of every cache.
    response["Cache-Control"] = "no-store"
    return response


def _policy_update(request, *, form_class, instance, service, form_name: str, anchor: str, success: str):
    """Apply one policy form through its service; on bad input, show the page again with the errors."""
    form = form_class(request.POST, instance=instance)
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form_class.Meta.fields}
        try:
            service(acting_user=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect(reverse("security:settings") + anchor)
    return _render(request, status=400, **{form_name: form})


def _sign_in_policy_update(request, **kwargs):
    return _policy_update(request, instance=account_selectors.sign_in_policy_get(), **kwargs)


@require_POST
@permission_required("security.edit", raise_exception=True)
@reauthentication_required
def two_factor_policy_update_view(request):
    return _sign_in_policy_update(
        request,
        form_class=TwoFactorPolicyForm,
        service=account_services.two_factor_policy_update,
        form_name="two_factor_form",
        anchor="#two-step",
        success="Two-step authentication settings saved.",
    )


@require_POST
@permission_required("security.edit", raise_exception=True)
@reauthentication_required
def lockout_policy_update_view(request):
    return _sign_in_policy_update(
        request,
        form_class=LockoutPolicyForm,
        service=account_services.lockout_policy_update,
        form_name="lockout_form",
        anchor="#lockout",
        success="Lockout settings saved.",
    )


@require_POST
@permission_required("security.edit", raise_exception=True)
@reauthentication_required
def session_policy_update_view(request):
    return _sign_in_policy_update(
        request,
        form_class=SessionPolicyForm,
        service=account_services.session_policy_update,
        form_name="sessions_form",
        anchor="#sessions",
        success="Session limits saved; they apply to every session from its next request.",
    )


def _retention_context(request, *, retention_form=None) -> dict:
    """Return the context of the activity log retention section."""
    retention = activity_selectors.retention_get()
    if request.user.has_perm("security.edit"):
        retention_form = retention_form or RetentionForm.for_setting(retention)
    return {"retention": retention, "retention_form": retention_form}


@require_POST
@permission_required("security.edit", raise_exception=True)
@reauthentication_required
def activity_retention_update_view(request):
    form = RetentionForm(request.POST)
    if form.is_valid():
        try:
            activity_services.retention_update(acting_user=request.user, keep_days=form.keep_days_value)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Activity log retention saved; it applies at the next `activity_prune` run.")
            return redirect(reverse("security:settings") + "#activity-retention")
    return _render(request, retention_form=form, status=400)
