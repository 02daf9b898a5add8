from __future__ import annotations

from django.urls import path

from . import dormancy_views, session_views, team_views, two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("login/verify/", two_factor_views.login_verify_view, name="login_verify"),
    path("reauthenticate/", two_factor_views.reauthenticate_view, name="reauthenticate"),
    path("setup/<str:token>/", views.setup_view, name="setup"),
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/name/", views.profile_name_view, name="profile_name"),
    path("profile/password/", views.password_change_view, name="password_change"),
    path("profile/two-step/", two_factor_views.two_factor_view, name="two_factor"),
    path("profile/two-step/enrol/", two_factor_views.two_factor_enrol_view, name="two_factor_enrol"),
    path("profile/two-step/qr.svg", two_factor_views.two_factor_qr_view, name="two_factor_qr"),
    path(
        "profile/two-step/recovery-codes/",
        two_factor_views.two_factor_recovery_codes_view,
        name="two_factor_recovery_codes",
    ),
    path("profile/two-step/disable/", two_factor_views.two_factor_disable_view, name="two_factor_disable"),
    path("profile/sessions/", session_views.sessions_view, name="sessions"),
    path("profile/sessions/<int:pk>/sign-out/", session_views.session_revoke_view, name="session_revoke"),
    path("profile/sessions/sign-out-others/", session_views.sessions_revoke_others_view, name="sessions_revoke_others"),
    path("password/change-required/", views.password_change_required_view, name="password_change_required"),
    path("team/", team_views.team_view, name="team"),
    path("team/invite/", team_views.team_invite_view, name="team_invite"),
    path(
        "team/require-password-change/",
        team_views.team_require_password_change_view,
        name="team_require_password_change",
    ),
    path("team/<int:pk>/", team_views.member_view, name="member"),
    path("team/<int:pk>/dormancy-exempt/", dormancy_views.member_dormancy_exempt_view, name="member_dormancy_exempt"),
    path(
        "team/<int:pk>/sessions/<int:session_pk>/sign-out/",
        session_views.member_session_revoke_view,
        name="member_session_revoke",
    ),
    *(
        path(f"team/<int:pk>/{spec.path}/", team_views.member_action_view, {"action": name}, name=f"member_{name}")
        for name, spec in team_views.MEMBER_ACTIONS.items()
    ),
]
