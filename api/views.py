"""Profile > API tokens: list, create (shown once) and revoke; and the API's browsable docs."""

from __future__ import annotations

from csp.constants import SELF
from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from accounts.permissions import permission_required
from accounts.reauth import reauthentication_redirect

from .forms import ApiTokenForm
from .models import ApiToken
from .selectors import api_token_get, api_tokens_visible
from .services import api_token_create, api_token_revoke

# The session remembers the last forms that created a token (their one-time value, no secret).
_SENT_FORMS = "api_token_forms_sent"
_SENT_FORMS_KEPT = 20


def _page(request, *, form=None, created=None, secret: str = "", status: int = 200):
    response = render(
        request,
        "api/tokens.html",
        {
            "title": "API tokens",
            "tokens": api_tokens_visible(user=request.user),
            "form": form or ApiTokenForm(acting_user=request.user),
            "can_create": request.user.has_perm("api_tokens.create"),
            "sees_all": request.user.has_perm("api_tokens.manage_all"),
            "created": created,
            "secret": secret,
        },
        status=status,
    )
    if secret:
        response["Cache-Control"] = "no-store"  # the page holds the token: keep it out of every cache
    return response


@require_safe
@permission_required("api_tokens.view")
def api_tokens_view(request):
    return _page(request)


@require_POST
@permission_required("api_tokens.create")
def api_token_create_view(request):
    form = ApiTokenForm(request.POST, acting_user=request.user)
    if form.is_valid():
        fields = dict(form.cleaned_data)
        submission = fields.pop("submission")
        sent = request.session.get(_SENT_FORMS, [])
        if submission and submission in sent:
            # The browser sent the form again (a refresh of the page showing the token): no second token.
            messages.info(
                request,
                "That form was already sent: its token was created and shown once, on the page you left. "
                "If you did not copy it, revoke it below and create another.",
            )
            return redirect("api:tokens")
        try:
            token, secret = api_token_create(acting_user=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if submission:
                request.session[_SENT_FORMS] = [*sent[-(_SENT_FORMS_KEPT - 1) :], submission]
            # Shown on this answer only: it is not stored, so it cannot be shown again.
            return _page(request, created=token, secret=secret)
    return _page(request, form=form, status=400)


@require_POST
@permission_required("api_tokens.view")
def api_token_revoke_view(request, pk: int):
    try:
        token = api_token_get(user=request.user, pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404("No such API token.") from None
    # Revoking one's own token only removes access (like signing out); another member's asks for a recent proof.
    if token.user_id != request.user.pk and (ask := reauthentication_redirect(request)) is not None:
        return ask
    if request.POST.get("confirmed") != "yes":
        return render(
            request,
            "accounts/confirm.html",
            {
                "title": "Are you sure?",
                "consequences": f"The API token “{token.name}” ({token.prefix}…) stops working at once: every "
                "script that uses it gets 401.",
                "label": "Revoke token",
                "fields": [],
                "back": reverse("api:tokens"),
            },
        )
    api_token_revoke(token=token, acting_user=request.user)
    messages.success(request, f"The API token “{token.name}” is revoked.")
    return redirect("api:tokens")


_docs = SpectacularSwaggerSplitView.as_view(
    url_name="api_schema",
    template_name="api/swagger_ui.html",
    authentication_classes=[SessionAuthentication],
    permission_classes=[IsAuthenticated],
)


# Swagger UI draws its icons as data: images from its own stylesheet; images cannot run code, so the
# docs page (only) allows them. Scripts and styles stay 'self' only.
@csp_update({"img-src": [SELF, "data:"]})
@require_safe
@permission_required("profile.view")
def api_docs_view(request):
    """Show Swagger UI over the schema, from drf-spectacular-sidecar's static files; its start script is a file too.

    A page of the panel: a visitor who is not signed in is sent to the sign-in page.
    """
    return _docs(request)
