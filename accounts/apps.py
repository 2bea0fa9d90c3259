from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People's accounts: password reset by e-mail, and the lockout after repeated failed
    logins (django-axes, configured in the settings)."""

    name = "accounts"
    verbose_name = "Accounts"
