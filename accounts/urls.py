"""Password reset by e-mail: Django's views and tokens, in the desk's templates
(templates/registration/)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from servicedesk.ratelimit import write_rate

from .forms import NewPasswordForm, QueuedPasswordResetForm

urlpatterns = [
    path(
        "password-reset/",
        # Each reset mails whoever is named: a few per address and hour.
        write_rate("PASSWORD_RESET_RATE")(auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm)),
        name="password_reset",
    ),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=NewPasswordForm),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
