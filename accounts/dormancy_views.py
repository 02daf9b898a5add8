"""The owners' exemption of a service account from the dormancy rule (the member page's form)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from . import forms, services
from .models import User
from .permissions import permission_required


@require_POST
@permission_required("team.dormancy_exempt")
def member_dormancy_exempt_view(request, pk):
    user = get_object_or_404(User, pk=pk)
    form = forms.DormancyExemptForm(request.POST)
    form.is_valid()  # one optional checkbox: every input is valid
    exempt = form.cleaned_data["exempt"]
    services.member_dormancy_exempt_set(user=user, exempt=exempt, acting_user=request.user)
    if exempt:
        messages.success(request, f"{user.email} is exempt from deactivation for dormancy.")
    else:
        messages.success(request, f"{user.email} is deactivated like every account when it goes unused.")
    return redirect("accounts:member", pk=user.pk)
