from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("accounts/", views.account, name="accounts-home"),
    path("teams/<slug:slug>/", views.team, name="accounts-team"),
    path("d/<slug:diagnosis_id>/rename", views.rename, name="accounts-rename"),
    path(
        "d/<slug:diagnosis_id>/visibility",
        views.change_visibility,
        name="accounts-visibility",
    ),
    path("d/<slug:diagnosis_id>/delete", views.delete, name="accounts-delete"),
    path("d/<slug:diagnosis_id>/notes", views.add_note, name="accounts-note"),
    path("d/<slug:diagnosis_id>/marks", views.mark_finding, name="accounts-mark"),
    path("d/<slug:diagnosis_id>/shares", views.share, name="accounts-share"),
    path(
        "d/<slug:diagnosis_id>/shares/<int:link_id>/revoke",
        views.revoke_share,
        name="accounts-revoke-share",
    ),
    path("s/<str:token>/", views.shared, name="accounts-shared"),
    path("teams/", views.create_team, name="accounts-create-team"),
    path("teams/join/<str:token>/", views.join, name="accounts-join"),
    path("teams/<slug:slug>/invites", views.invite, name="accounts-invite"),
    path("teams/<slug:slug>/leave", views.leave, name="accounts-leave"),
    path(
        "teams/<slug:slug>/members/<int:user_id>/remove",
        views.remove_member,
        name="accounts-remove-member",
    ),
    path(
        "teams/<slug:slug>/members/<int:user_id>/admin",
        views.make_admin,
        name="accounts-make-admin",
    ),
    path("accounts/tokens/", views.create_token, name="accounts-create-token"),
    path(
        "accounts/tokens/<int:token_id>/revoke",
        views.revoke_token,
        name="accounts-revoke-token",
    ),
    # Django's own views, with the site's templates (templates/registration/).
    path(
        "accounts/login/",
        views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
