"""Pages of two-step authentication, the second step of sign-in, and re-authentication."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from . import forms, otp, selectors, services, session_state, sign_in
from .permissions import permission_required
from .reauth import PENDING_POST, safe_next


def _next_url(request, default: str = "/") -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next", "")) or default


# The second step of sign-in -------------------------------------------------------


@login_not_required
@never_cache
@sensitive_post_parameters("code")
def login_verify_view(request):
    if request.user.is_authenticated:
        # A session signed in before its member added a device: confirm it now.
        user = request.user
        if not selectors.two_factor_enabled(user) or user.is_verified():
            return redirect(_next_url(request))
    else:
        user = sign_in.pending_user(request)
        if user is None:
            messages.info(request, "Sign in again to continue.")
            return redirect(reverse("accounts:login") + "?" + urlencode({"next": _next_url(request)}))
    form = forms.SecondStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        passed = services.second_step_verify(request=request, user=user, code=form.cleaned_data["code"])
        if passed is not None:
            device, kind = passed
            if request.user.is_authenticated:
                _confirm_signed_in_session(request, user, device, kind)
            else:
                sign_in.second_step_passed(request, user, device, kind)
            return redirect(_next_url(request))
        form.add_error("code", "That code is not valid. Wait for a new code and try again.")
    return render(
        request,
        "accounts/login_verify.html",
        {"title": "Two-step verification", "form": form, "next": _next_url(request, "")},
    )


def _confirm_signed_in_session(request, user, device, kind: str) -> None:
    old_key = request.session.session_key
    django_otp.login(request, device)
    request.session.cycle_key()
    session_state.mark_authenticated(request.session)
    services.user_session_rekey(old_key=old_key, new_key=request.session.session_key)
    services.second_step_passed_record(user=user, kind=kind)


# Profile > Two-step authentication -------------------------------------------------


@never_cache
@require_safe
@permission_required("profile.view")
def two_factor_view(request):
    return _two_factor_page(request, disable_form=forms.TwoFactorDisableForm())


def _two_factor_page(request, *, disable_form, status: int = 200):
    return render(
        request,
        "accounts/two_factor.html",
        {
            "title": "Two-step authentication",
            "enabled": selectors.two_factor_enabled(request.user),
            "enforced": selectors.sign_in_policy_get().two_factor_required,
            "recovery_codes_left": selectors.recovery_codes_left(request.user),
            "disable_form": disable_form,
        },
        status=status,
    )


@never_cache
@permission_required("profile.authentication")
@sensitive_post_parameters("code")
def two_factor_enrol_view(request):
    user = request.user
    if selectors.two_factor_enabled(user):
        messages.info(request, "Two-step authentication is already on.")
        return redirect("accounts:two_factor")
    device = services.two_factor_enrolment_start(user=user)
    form = forms.EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_enable(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            django_otp.login(request, selectors.totp_device_get(user))
            request.session[session_state.NEW_RECOVERY_CODES] = codes
            messages.success(request, "Two-step authentication is on.")
            return redirect("accounts:two_factor_recovery_codes")
    reason, days_left = selectors.two_factor_enrolment_reason(user)
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "title": "Set up two-step authentication",
            "form": form,
            "secret_grouped": otp.secret_grouped(device.key),
            "reason": reason,
            "grace_days_left": days_left,
        },
    )


@never_cache
@require_safe
@permission_required("profile.authentication")
def two_factor_qr_view(request):
    device = selectors.totp_device_pending(request.user)
    if device is None:
        raise Http404("No enrolment is in progress.")
    svg = otp.qr_code_svg(otp.provisioning_uri(email=request.user.email, secret_hex=device.key))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@permission_required("profile.authentication")
def two_factor_recovery_codes_view(request):
    if request.method == "POST":
        if "done" in request.POST:
            return redirect("accounts:two_factor")
        return _recovery_codes_regenerate(request)
    # Shown once: the codes leave the session as this page renders them.
    codes = request.session.pop(session_state.NEW_RECOVERY_CODES, None)
    download = None
    if codes:
        download = (
            f"Recovery codes for {request.user.email}\n"
            "Each code works once, in place of an authenticator code.\n\n" + "\n".join(codes) + "\n"
        )
    return render(
        request,
        "accounts/two_factor_recovery_codes.html",
        {"title": "Recovery codes", "codes": codes, "download": download},
    )


def _recovery_codes_regenerate(request):
    try:
        request.session[session_state.NEW_RECOVERY_CODES] = services.recovery_codes_regenerate(user=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("accounts:two_factor")
    messages.success(request, "New recovery codes generated; the old ones no longer work.")
    return redirect("accounts:two_factor_recovery_codes")


@require_POST
@permission_required("profile.authentication")
@sensitive_post_parameters("password", "code")
def two_factor_disable_view(request):
    form = forms.TwoFactorDisableForm(request.POST)
    if form.is_valid():
        try:
            services.two_factor_disable(user=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Two-step authentication is off.")
            return redirect("accounts:two_factor")
    return _two_factor_page(request, disable_form=form, status=400)


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# Re-authentication for sensitive actions ---------------------------------------------


@never_cache
@sensitive_post_parameters("password", "code")
def reauthenticate_view(request):
    user = request.user
    enrolled = selectors.two_factor_enabled(user)
    form = forms.ReauthenticationForm(request.POST or None, with_code=enrolled)
    if request.method == "POST" and form.is_valid():
        if not services.password_confirm(request=request, user=user, password=form.cleaned_data["password"]):
            form.add_error("password", "Your password was entered incorrectly.")
        elif enrolled and not services.second_step_confirm(request=request, user=user, code=form.cleaned_data["code"]):
            form.add_error("code", "That code is not valid.")
        else:
            session_state.mark_authenticated(request.session)
            services.reauthentication_record(user=user)
            pending = request.session.pop(PENDING_POST, None)
            if pending:
                return render(
                    request,
                    "accounts/reauthenticate_continue.html",
                    {"title": "Identity confirmed", "pending": pending, "next": _next_url(request)},
                )
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/reauthenticate.html",
        {"title": "Confirm it is you", "form": form, "next": _next_url(request, "")},
    )
