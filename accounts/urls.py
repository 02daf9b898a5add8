from __future__ import annotations

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("setup/<str:token>/", views.setup_view, name="setup"),
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/password/", views.password_change_view, name="password_change"),
    path("password/change-required/", views.password_change_required_view, name="password_change_required"),
    path("team/", views.team_view, name="team"),
    path("team/invite/", views.team_invite_view, name="team_invite"),
    path("team/require-password-change/", views.team_require_password_change_view, name="team_require_password_change"),
    path("team/<int:pk>/", views.member_view, name="member"),
    path("team/<int:pk>/role/", views.member_role_view, name="member_role"),
    path("team/<int:pk>/deactivate/", views.member_deactivate_view, name="member_deactivate"),
    path("team/<int:pk>/reactivate/", views.member_reactivate_view, name="member_reactivate"),
    path("team/<int:pk>/reinvite/", views.member_reinvite_view, name="member_reinvite"),
    path(
        "team/<int:pk>/require-password-change/",
        views.member_require_password_change_view,
        name="member_require_password_change",
    ),
]
