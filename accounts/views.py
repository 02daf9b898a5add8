from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from activity.selectors import event_list

from . import conf, forms, selectors, services, session_state, sign_in
from .permissions import permission_required
from .reauth import safe_next
from .selectors import sign_in_history


def show_errors(request, error: ValidationError | PermissionDenied) -> None:
    """Show a refused action's reasons as error messages on the next page."""
    texts = error.messages if isinstance(error, ValidationError) else [str(error) or "You cannot do that."]
    for text in texts:
        messages.error(request, text)


# Sign-in and sign-out ---------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = forms.SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": "Sign in"}

    def post(self, request, *args, **kwargs):
        # Before the form: a refused attempt never reaches the password hasher, nor renders this page.
        # A locked account first: a refused attempt is counted against the address either way.
        services.sign_in_refuse_if_locked(request=request)
        services.sign_in_rate_limit_check(request=request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if sign_in.password_step_passed(self.request, form.get_user(), form.cleaned_data["password"]):
            return redirect(self.get_success_url())
        return redirect(reverse("accounts:login_verify") + "?" + urlencode({"next": self.get_success_url()}))

    def get_redirect_url(self):
        # The one rule for every "next" (accounts.reauth.safe_next); the sign-in page itself is
        # no page to go on to (Django's LoginView raises on that loop for a signed-in member).
        url = safe_next(self.request, super().get_redirect_url())
        return "" if urlsplit(url).path == self.request.path else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The page the member wanted survives an expired session.
        context["next"] = self.get_redirect_url()
        return context


@login_not_required
@require_POST
def logout_view(request):
    # Also open to someone half-way through signing in ("Cancel and sign out" at the code step).
    if request.user.is_authenticated:
        services.sign_out_record(user=request.user, session_key=request.session.session_key)
    sign_in.pending_cancel(request)
    auth_logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:login")


# First run and invitations ------------------------------------------------------


@login_not_required
@sensitive_post_parameters()
def setup_view(request, token):
    if not selectors.setup_token_valid(token):
        # The panel's own page, in debug too: this is a person following a stale link, not a bug.
        return render(request, "accounts/setup_invalid.html", {"title": "Setup link not valid"}, status=404)
    form = forms.SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.apply(services.setup_complete, token=token)
        if user is not None:
            messages.success(request, "Your owner account is ready. Sign in to continue.")
            return redirect("accounts:login")
    return render(request, "accounts/setup.html", {"form": form, "title": "Set up the panel"})


@login_not_required
@sensitive_post_parameters()
def invitation_accept_view(request, token):
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", {"title": "Invitation not valid"}, status=404)
    form = forms.InvitationAcceptForm(request.POST or None, initial={"full_name": invitation.user.full_name})
    if request.method == "POST" and form.is_valid():
        user = form.apply(services.invitation_accept, token=token)
        if user is not None:
            messages.success(request, "Welcome! Your password is set. Sign in to continue.")
            return redirect("accounts:login")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation, "title": "Join the team"},
    )


# Password reset by email ----------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.ResetRequestForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict:
        # The link's address comes from the configuration, never from the request's Host header.
        return {"panel_base_url": conf.panel_base_url()}

    def form_valid(self, form):
        services.password_reset_rate_limit_check(request=self.request, email=form.cleaned_data["email"])
        services.password_reset_request_record(email=form.cleaned_data["email"])
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.ResetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        if form.apply(services.password_reset_complete, user=form.user) is None:
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# Profile -------------------------------------------------------------------------


@require_safe
@permission_required("profile.view")
def profile_view(request):
    return _profile_page(request, name_form=forms.MemberNameForm(initial={"full_name": request.user.full_name}))


def _profile_page(request, *, name_form, status: int = 200):
    return render(
        request,
        "accounts/profile.html",
        {
            "title": "Profile",
            "name_form": name_form,
            "form": forms.PasswordChangeForm(request.user),
            "sign_ins": event_list(actor=request.user, limit=10),
            "sign_in_history": sign_in_history(user=request.user, limit=20),
        },
        status=status,
    )


@require_POST
@permission_required("profile.view")
def profile_name_view(request):
    form = forms.MemberNameForm(request.POST)
    if form.is_valid():
        try:
            user = services.member_name_update(
                user=request.user, full_name=form.cleaned_data["full_name"], acting_user=request.user
            )
        except ValidationError as error:
            form.add_error("full_name", error.messages)
        else:
            messages.success(request, f"Your name is now {user.full_name}.")
            return redirect("accounts:profile")
    return _profile_page(request, name_form=form, status=400)


@sensitive_post_parameters()
def _password_change(request, *, template: str, title: str):
    form = forms.PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.apply(
            services.password_change,
            user=request.user,
            keep_session_key=request.session.session_key,
            request=request,
        )
        if user is not None:
            old_key = request.session.session_key
            update_session_auth_hash(request, user)  # rotates the session key
            services.user_session_rekey(old_key=old_key, new_key=request.session.session_key)
            request.session.pop(session_state.PASSWORD_CHANGE_REQUIRED, None)
            messages.success(request, "Your password has been changed. Your other sessions were signed out.")
            return redirect("accounts:profile")
    return render(request, template, {"form": form, "title": title})


@permission_required("profile.authentication")
def password_change_view(request):
    return _password_change(request, template="accounts/password_change.html", title="Change password")


@permission_required("profile.authentication")
def password_change_required_view(request):
    if not request.session.get(session_state.PASSWORD_CHANGE_REQUIRED):
        return redirect("dashboard")
    return _password_change(request, template="accounts/password_change_required.html", title="Change your password")
