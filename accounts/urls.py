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
    path("accounts/tokens/", views.create_token, name="accounts-create-token"),
    path(
        "accounts/tokens/<int:token_id>/revoke",
        views.revoke_token,
        name="accounts-revoke-token",
    ),
    # Django's own views, with the site's templates (templates/registration/).
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
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
