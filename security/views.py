from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.forms import PasswordPolicyForm
from accounts.validators import help_texts


def _render(request, *, policy_form=None, status=200):
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
        },
        status=status,
    )


@permission_required("security.view", raise_exception=True)
def security_settings_view(request):
    return _render(request)


@require_POST
@permission_required("security.edit", raise_exception=True)
def password_policy_update_view(request):
    form = PasswordPolicyForm(request.POST, instance=account_selectors.password_policy_get())
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            account_services.password_policy_update(acting_user=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Password policy saved. Members must comply the next time they change their password."
            )
            return redirect(reverse("security:settings") + "#password-policy")
    return _render(request, policy_form=form, status=400)
