"""The Settings > Security page: one table of sections, the page over it, and one POST view per row.

Each section of the page is declared once in ``SECTIONS``: its URL, its form
and how to build it from the current row, the one service that saves it and
how the form's cleaned data becomes that service's keyword arguments, what it
says on success, which permission it needs and whether it asks for a recent
authentication. The page shows every section; each section's POST view is
built from its row by ``section_update_view``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.forms import (
    DormancyPolicyForm,
    LockoutPolicyForm,
    PasswordPolicyForm,
    SessionPolicyForm,
    TwoFactorPolicyForm,
)
from accounts.lockout import cooloff_time, failure_limit
from accounts.permissions import permission_required
from accounts.validators import help_texts
from activity import selectors as activity_selectors
from activity import services as activity_services
from activity.forms import RetentionForm

from . import selectors, services
from .conf import SHORT_TOKEN_TTL
from .forms import CorsSettingsForm, DeliveryKeyRotateForm, DeliveryTokenTTLForm


@dataclass(frozen=True, kw_only=True)
class Section:
    """One form of the Security page and the POST view that saves it.

    ``form(data)`` builds the form: bound to ``data``, or unbound from the
    current row when ``data`` is None; ``form_name`` is its name in the
    template. ``service`` is called with ``acting_user`` and
    ``arguments(form)``. ``success`` is formatted with the service's ``result``;
    ``warning(result)`` may add a caution. ``respond(request, result)``, when
    given, replaces the usual redirect to ``anchor``. ``context(request)`` is
    what the section shows besides its form.
    """

    name: str
    path: str
    anchor: str
    partial: str = ""
    permission: str
    service: Callable[..., Any]
    success: str = ""
    context: Callable[[HttpRequest], dict] = lambda request: {}
    form: Callable[[Any], forms.Form] | None = None
    form_name: str = ""
    arguments: Callable[[forms.Form | None], dict] = lambda form: {}
    warning: Callable[[Any], str] = lambda result: ""
    respond: Callable[[HttpRequest, Any], HttpResponse] | None = None

    @property
    def page_url(self) -> str:
        """The section's own page: its message and its errors show right above its form."""
        return reverse(f"security:{self.name}")

    @property
    def template(self) -> str:
        """The partial that shows the section, on its page and on the summary page."""
        return self.partial or f"security/_{self.name}.html"


# What each section shows ----------------------------------------------------------------


def _password_policy_context(request) -> dict:
    policy = account_selectors.password_policy_get()
    return {
        "policy": policy,
        "policy_rules": help_texts(),
        "compliance": account_selectors.password_compliance_counts(policy=policy),
    }


def _lockout_context(request) -> dict:
    return {"lockout_failure_limit": failure_limit(None, None), "lockout_cooloff_minutes": _cooloff_minutes()}


def _cooloff_minutes() -> int:
    return int(cooloff_time().total_seconds() // 60)


def _two_factor_context(request) -> dict:
    return {
        "sign_in_policy": account_selectors.sign_in_policy_get(),
        "two_factor_off_count": account_selectors.two_factor_off_count(),
    }


def _sessions_context(request) -> dict:
    policy = account_selectors.sign_in_policy_get()
    return {"sign_in_policy": policy, "session_warnings": account_selectors.session_limit_warnings(policy)}


def _delivery_key_context(request) -> dict:
    return {
        "delivery_key": selectors.delivery_key_current(),
        "delivery_keys_in_grace": selectors.delivery_keys_in_grace(),
    }


def _reveal_context(request) -> dict:
    return {"can_reveal_secret": request.user.has_perm("security.reveal_secret"), "revealed_key": None}


# How each form is built and read ----------------------------------------------------------


def _lockout_form(data) -> LockoutPolicyForm:
    # The unbound form shows the limits in force, which may come from the environment.
    return LockoutPolicyForm(
        data,
        instance=account_selectors.sign_in_policy_get(),
        initial={"lockout_failure_limit": failure_limit(None, None), "lockout_cooloff_minutes": _cooloff_minutes()},
    )


def _cors_form(data) -> CorsSettingsForm:
    cors = selectors.cors_settings_get()
    return CorsSettingsForm(data, initial={"enabled": cors.enabled, "allowed_origins": ", ".join(cors.allowed_origins)})


def _retention_form(data) -> RetentionForm:
    return RetentionForm(data) if data is not None else RetentionForm.for_setting(activity_selectors.retention_get())


def _model_fields(form: forms.ModelForm) -> dict:
    """Return the cleaned values of the fields the model form edits."""
    return {name: form.cleaned_data[name] for name in form._meta.fields}


def _short_ttl_warning(delivery) -> str:
    if delivery.token_ttl < SHORT_TOKEN_TTL:
        return "Very short token durations hurt performance: sites must fetch tokens often."
    return ""


def _show_revealed_secret(request, key) -> HttpResponse:
    response = _page(request, revealed_key=key)
    # The page holds the secret: keep it out of every cache.
    response["Cache-Control"] = "no-store"
    return response


SECTIONS: tuple[Section, ...] = (
    Section(
        name="password_policy",
        path="password-policy/",
        anchor="password-policy",
        permission="security.edit",
        context=_password_policy_context,
        form=lambda data: PasswordPolicyForm(data, instance=account_selectors.password_policy_get()),
        form_name="policy_form",
        service=account_services.password_policy_update,
        arguments=_model_fields,
        success="Password policy saved. Members must comply the next time they change their password.",
    ),
    Section(
        name="two_factor",
        path="two-step/",
        anchor="two-step",
        permission="security.edit",
        context=_two_factor_context,
        form=lambda data: TwoFactorPolicyForm(data, instance=account_selectors.sign_in_policy_get()),
        form_name="two_factor_form",
        service=account_services.two_factor_policy_update,
        arguments=_model_fields,
        success="Two-step authentication settings saved.",
    ),
    Section(
        name="lockout",
        path="lockout/",
        anchor="lockout",
        permission="security.edit",
        context=_lockout_context,
        form=_lockout_form,
        form_name="lockout_form",
        service=account_services.lockout_policy_update,
        arguments=_model_fields,
        success="Lockout settings saved.",
    ),
    Section(
        name="sessions",
        path="sessions/",
        anchor="sessions",
        permission="security.edit",
        context=_sessions_context,
        form=lambda data: SessionPolicyForm(data, instance=account_selectors.sign_in_policy_get()),
        form_name="sessions_form",
        service=account_services.session_policy_update,
        arguments=_model_fields,
        success="Session limits saved; they apply to every session from its next request.",
    ),
    Section(
        name="dormancy",
        path="dormant-accounts/",
        anchor="dormant-accounts",
        permission="security.edit",
        context=lambda request: {"sign_in_policy": account_selectors.sign_in_policy_get()},
        form=lambda data: DormancyPolicyForm(data, instance=account_selectors.sign_in_policy_get()),
        form_name="dormancy_form",
        service=account_services.dormancy_policy_update,
        arguments=_model_fields,
        success="Dormant accounts setting saved; it applies at the next `accounts_deactivate_dormant` run.",
    ),
    Section(
        name="cors",
        path="cors/",
        anchor="cors",
        permission="security.edit",
        context=lambda request: {"cors": selectors.cors_settings_get()},
        form=_cors_form,
        form_name="cors_form",
        service=services.cors_settings_update,
        arguments=lambda form: dict(form.cleaned_data),
        success="CORS settings saved; every app process applies them within a second.",
    ),
    Section(
        name="delivery_ttl",
        partial="security/_delivery.html",
        path="delivery/ttl/",
        anchor="delivery",
        permission="security.edit",
        context=lambda request: {"delivery": selectors.delivery_settings_get(), "delivery_short_ttl": SHORT_TOKEN_TTL},
        form=lambda data: DeliveryTokenTTLForm(
            data, initial={"token_ttl": selectors.delivery_settings_get().token_ttl}
        ),
        form_name="ttl_form",
        service=services.delivery_token_ttl_update,
        arguments=lambda form: {"ttl": form.cleaned_data["token_ttl"]},
        success="Content delivery token TTL set to {result.token_ttl} seconds.",
        warning=_short_ttl_warning,
    ),
    Section(
        name="delivery_rotate",
        partial="security/_delivery.html",
        path="delivery/rotate/",
        anchor="delivery",
        permission="security.edit",
        context=_delivery_key_context,
        # The first key replaces nothing, so its form asks neither a grace period nor a confirmation.
        form=lambda data: DeliveryKeyRotateForm(data, first_key=selectors.delivery_key_current() is None),
        form_name="rotate_form",
        service=services.delivery_secret_rotate,
        arguments=lambda form: {
            "grace_period": form.cleaned_data.get("grace_period") or 0,
            "replacing": not form.first_key,
        },
        success="New delivery key {result.kid} generated; new tokens are signed with it.",
    ),
    Section(
        name="delivery_reveal",
        partial="security/_delivery.html",
        path="delivery/reveal/",
        anchor="delivery",
        permission="security.reveal_secret",
        context=_reveal_context,
        service=services.delivery_secret_reveal,
        respond=_show_revealed_secret,
    ),
    Section(
        name="activity_retention",
        path="activity-retention/",
        anchor="activity-retention",
        permission="security.edit",
        context=lambda request: {"retention": activity_selectors.retention_get()},
        form=_retention_form,
        form_name="retention_form",
        service=activity_services.retention_update,
        arguments=lambda form: {"keep_days": form.keep_days_value},
        success="Activity log retention saved; it applies at the next `activity_prune` run.",
    ),
)


# The page and the views --------------------------------------------------------------------


def _page(request, *, status: int = 200, section: Section | None = None, **shown) -> HttpResponse:
    """Render the summary page, or one ``section``'s page; ``shown`` replaces entries, such as a bound form."""
    context = {"title": "Security settings", "can_edit": request.user.has_perm("security.edit")}
    for each in SECTIONS:
        context.update(each.context(request))
        if each.form is not None and each.form_name not in shown:
            may_change = request.user.has_perm(each.permission)
            context[each.form_name] = each.form(None) if may_change else None
    context.update(shown)
    if section is None:
        return render(request, "security/settings.html", context, status=status)
    bound = shown.get(section.form_name)
    context.update(
        section=section,
        error_summary=[error for errors in bound.errors.values() for error in errors] if bound is not None else [],
    )
    return render(request, "security/section.html", context, status=status)


@require_safe
@permission_required("security.view")
def security_settings_view(request):
    return _page(request)


def _section_update(request, section: Section) -> HttpResponse:
    """Save one section through its service; on bad input show the page again, with the errors, as 400.

    A section without a form has no input to show again: a refusal becomes a message on the page.
    """
    form = section.form(request.POST) if section.form is not None else None
    if form is None or form.is_valid():
        try:
            result = section.service(acting_user=request.user, **section.arguments(form))
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect(section.page_url)
            form.add_error(None, error)
        else:
            if section.respond is not None:
                return section.respond(request, result)
            messages.success(request, section.success.format(result=result))
            if warning := section.warning(result):
                messages.warning(request, warning)
            return redirect(section.page_url)
    return _page(request, status=400, section=section, **{section.form_name: form})


def section_view(section: Section) -> Callable[[HttpRequest], HttpResponse]:
    """Return the view of ``section``'s URL: its page on GET (``security.view``), its update on POST.

    The update is declared with the section's permission, which says whether it asks for a
    recent authentication; any other method is refused (405).
    """

    @require_safe
    @permission_required("security.view")
    def page(request):
        return _page(request, section=section)

    @require_POST
    @permission_required(section.permission)
    def update(request):
        return _section_update(request, section)

    def view(request):
        return update(request) if request.method == "POST" else page(request)

    view.__name__ = view.__qualname__ = f"{section.name}_view"
    return view
