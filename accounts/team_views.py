"""Team pages: the member list, invitations, a member's page and the actions on a member."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from activity.selectors import event_list

from . import forms, selectors, services
from .models import User
from .permissions import permission_required
from .roles import Role, can_manage_role
from .views import show_errors


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
            show_errors(request, error)
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
        show_errors(request, error)
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
