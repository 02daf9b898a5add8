from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from activity.selectors import event_list

from . import conf, forms, selectors, services, session_state, sign_in
from .models import User
from .permissions import permission_required
from .reauth import safe_next
from .roles import Role, can_manage_role
from .selectors import sign_in_history


def _show_errors(request, error: ValidationError | PermissionDenied) -> None:
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
        # Before the form: a refused attempt never reaches the password hasher.
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


# Team ----------------------------------------------------------------------------


@require_safe
@permission_required("team.view")
def team_view(request):
    can_manage = request.user.has_perm("team.manage")
    return _team_page(request, invite_form=forms.InviteForm(acting_user=request.user) if can_manage else None)


def _team_page(request, *, invite_form, status: int = 200):
    filter_form = forms.TeamFilterForm(request.GET)
    page = None
    if filter_form.is_valid():
        page = selectors.team_page(filter_form.filters(), page=filter_form.cleaned_data["page"])
    query = request.GET.copy()
    query.pop("page", None)
    members = page.object_list if page is not None else []
    return render(
        request,
        "accounts/team.html",
        {
            "title": "Team",
            "filter_form": filter_form,
            "page": page,
            "members": members,
            "query": query.urlencode(),
            "two_factor_ids": {member.pk for member in members if member.two_factor_on},
            "invite_form": invite_form,
        },
        status=status if page is not None else 400,
    )


@require_POST
@permission_required("team.manage")
def team_invite_view(request):
    form = forms.InviteForm(request.POST, acting_user=request.user)
    if form.is_valid():
        try:
            user, _link = services.member_invite(acting_user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _show_errors(request, error)
        else:
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("accounts:team")
    return _team_page(request, invite_form=form, status=400)


@require_safe
@permission_required("team.view")
def member_view(request, pk):
    member = get_object_or_404(User, pk=pk)
    can_manage = request.user.has_perm("team.manage") and can_manage_role(request.user.role, member.role)
    return render(
        request,
        "accounts/member.html",
        {
            "title": member.get_full_name(),
            "member": member,
            "two_factor_enabled": selectors.two_factor_enabled(member),
            "locked": selectors.lockout_active_for_email(member.email),
            "locked_until": selectors.lockouts_until([member.email]).get(member.email),
            "can_manage": can_manage,
            "role_form": forms.RoleForm(acting_user=request.user, initial={"role": member.role})
            if can_manage
            else None,
            "name_form": forms.MemberNameForm(initial={"full_name": member.full_name}) if can_manage else None,
            "sessions": selectors.user_sessions_active(user=member),
            "sign_in_failures": selectors.sign_in_failures(user=member),
            "events": event_list(actor=member, limit=10),
        },
    )


@dataclass(frozen=True)
class MemberAction:
    """One action on a team member, declared once: the service it calls, what it says, what it asks first.

    ``perform(request, member, form)`` calls one service; ``form`` (if any) parses the POST first.
    Every action needs ``team.manage``, which asks for a recent authentication.
    """

    path: str
    perform: Callable
    success: str
    form: type | None = None
    invalid: str = ""
    # What cannot be undone, said on a confirmation page before anything happens ("" = no page).
    consequences: str = ""
    confirm_label: str = ""
    # Where to go once done, for an action after which the member's page is gone ("" = that page).
    done: str = ""

    def message(self, member: User, form) -> str:
        data = form.cleaned_data if form is not None else {}
        role = Role(data["role"]).label if "role" in data else ""
        return self.success.format(email=member.email, role=role, full_name=data.get("full_name", "").strip())


MEMBER_ACTIONS: dict[str, MemberAction] = {
    "role": MemberAction(
        "role",
        lambda request, member, form: services.member_role_change(
            user=member, role=form.cleaned_data["role"], acting_user=request.user
        ),
        "The role of {email} is now {role}.",
        form=forms.RoleForm,
        invalid="Choose a role you are allowed to give.",
    ),
    "deactivate": MemberAction(
        "deactivate",
        lambda request, member, form: services.member_deactivate(user=member, acting_user=request.user),
        "{email} is deactivated and was signed out everywhere.",
        consequences="{email} is signed out everywhere at once, cannot sign in until reactivated, and every "
        "content-delivery token issued to them stops working for good.",
        confirm_label="Deactivate",
    ),
    "rename": MemberAction(
        "name",
        lambda request, member, form: services.member_name_update(
            user=member, full_name=form.cleaned_data["full_name"], acting_user=request.user
        ),
        "The name of {email} is now {full_name}.",
        form=forms.MemberNameForm,
        invalid="Enter a name (at most 150 characters).",
    ),
    "revoke_invitation": MemberAction(
        "invitation/revoke",
        lambda request, member, form: services.invitation_revoke(user=member, acting_user=request.user),
        "The invitation of {email} is revoked.",
        consequences="The invitation link sent to {email} stops working at once, and {email} leaves the team "
        "list. To let them join later, invite them again.",
        confirm_label="Revoke invitation",
        done="accounts:team",
    ),
    "reactivate": MemberAction(
        "reactivate",
        lambda request, member, form: services.member_reactivate(user=member, acting_user=request.user),
        "{email} is active again.",
    ),
    "reinvite": MemberAction(
        "reinvite",
        lambda request, member, form: services.member_invite(
            email=member.email, role=member.role, acting_user=request.user
        ),
        "A new invitation was sent to {email}; the earlier link no longer works.",
    ),
    "require_password_change": MemberAction(
        "require-password-change",
        lambda request, member, form: services.password_change_require(user=member, acting_user=request.user),
        "{email} must change their password at next sign-in.",
        consequences="{email} must choose a new password at their next sign-in before doing anything else.",
        confirm_label="Require a new password",
    ),
    "sign_out": MemberAction(
        "sign-out",
        lambda request, member, form: services.user_sessions_revoke_all(user=member, acting_user=request.user),
        "{email} is signed out everywhere.",
        consequences="{email} is signed out of every session at once, and every content-delivery token issued "
        "to them stops working.",
        confirm_label="Sign out everywhere",
    ),
    "two_factor_reset": MemberAction(
        "two-step/reset",
        lambda request, member, form: services.two_factor_reset(user=member, acting_user=request.user),
        "Two-step authentication of {email} is reset: they set it up again at next sign-in.",
        consequences="The authenticator and recovery codes of {email} stop working, they are signed out "
        "everywhere, and they must set up two-step authentication again at their next sign-in.",
        confirm_label="Reset two-step authentication",
    ),
    "unlock": MemberAction(
        "unlock",
        lambda request, member, form: services.lockout_clear(
            email=member.email, acting_user=request.user, target=member
        ),
        "Sign-in for {email} is unlocked.",
    ),
}


def _confirmation(request, *, consequences: str, label: str, back: str):
    """Ask before an action that cannot be undone: the same POST again, with ``confirmed=yes``."""
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        for value in values
        if name not in ("csrfmiddlewaretoken", "confirmed")
    ]
    return render(
        request,
        "accounts/confirm.html",
        {"title": "Are you sure?", "consequences": consequences, "label": label, "fields": fields, "back": back},
    )


@require_POST
@permission_required("team.manage")
def member_action_view(request, pk, action: str):
    spec = MEMBER_ACTIONS[action]
    member = get_object_or_404(User, pk=pk)
    if spec.consequences and request.POST.get("confirmed") != "yes":
        return _confirmation(
            request,
            consequences=spec.consequences.format(email=member.email),
            label=spec.confirm_label,
            back=reverse("accounts:member", args=[member.pk]),
        )
    form = spec.form(request.POST, acting_user=request.user) if spec.form is not None else None
    if form is not None and not form.is_valid():
        messages.error(request, spec.invalid)
        return redirect("accounts:member", pk=member.pk)
    try:
        spec.perform(request, member, form)
    except (ValidationError, PermissionDenied) as error:
        _show_errors(request, error)
    else:
        messages.success(request, spec.message(member, form))
        if spec.done:
            return redirect(spec.done)
    return redirect("accounts:member", pk=member.pk)


@require_POST
@permission_required("team.manage")
def team_require_password_change_view(request):
    if request.POST.get("confirmed") != "yes":
        count = selectors.password_change_require_candidates(acting_user=request.user).count()
        return _confirmation(
            request,
            consequences=f"{count} member{'s' if count != 1 else ''} (not you) must choose a new password at "
            "their next sign-in before doing anything else.",
            label="Require every member to change password",
            back=reverse("security:settings") + "#password-policy",
        )
    count = services.password_change_require(acting_user=request.user)
    messages.success(request, f"{count} members must change their password at next sign-in.")
    return redirect(reverse("security:settings") + "#password-policy")
