"""The admin API, version 1, under /api/v1/. Every view authenticates by API token only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path

from . import activity, base, settings, team, tokens

app_name = "api_v1"


def _view(view_class):
    # Open to the sign-in middleware: the view's own token authentication decides, never the session.
    return login_not_required(view_class.as_view())


urlpatterns = [
    path("activity/", _view(activity.EventListView), name="activity"),
    path("activity/export", _view(activity.EventExportView), name="activity_export"),
    path("activity/verify", _view(activity.VerifyView), name="activity_verify"),
    path("settings/security/", _view(settings.SecuritySettingsView), name="settings_security"),
    path(
        "settings/security/delivery-token/rotate",
        _view(settings.DeliveryTokenRotateView),
        name="delivery_token_rotate",
    ),
    path("team/members/", _view(team.MemberListView), name="members"),
    path("team/members/<int:pk>/", _view(team.MemberDetailView), name="member"),
    path("team/members/<int:pk>/reset-two-factor", _view(team.TwoFactorResetView), name="member_reset_two_factor"),
    path("team/members/<int:pk>/unlock", _view(team.UnlockView), name="member_unlock"),
    path("tokens/", _view(tokens.TokenListView), name="tokens"),
    path("tokens/<int:pk>/", _view(tokens.TokenDetailView), name="token"),
    # Last: any other path under /api/v1/ is a problem+json 404, not the site's HTML page.
    # Any rest of the path, line breaks (%0A) included: "." alone does not match them.
    re_path(r"^[\s\S]*$", _view(base.NotFoundView), name="not_found"),
]
