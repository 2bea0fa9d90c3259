"""Configuration comes from the environment, and production settings pass Django's
deployment checklist."""

import os
import re
import subprocess
import sys

from django.conf import settings

from ..conftest import REPO_ROOT

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3P#x9!vQ2@mZ7$wL4^nR8&bT1*yH6(cJ5)dF0-gS3+eA2=uV9~iO4xQ7rW1pZ8t",
    "ALLOWED_HOSTS": "desk.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://desk.example.org",
    "DATABASE_URL": "sqlite:////tmp/servicedesk-deploy-check.sqlite3",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    inherited = ("USE_HTTPS", "STATIC_FROM_COLLECTSTATIC", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_without_debug_a_secret_key_is_required():
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_the_embedded_default_is_sqlite_with_in_process_tasks():
    code = (
        "import django, os; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "servicedesk.settings", "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True"], result.stderr


def test_the_suite_runs_on_the_configured_database():
    expected = "postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite3"
    assert settings.DATABASES["default"]["ENGINE"].endswith(expected)


def settings_values(*names: str, env: dict[str, str], unset: tuple[str, ...] = ()) -> list[str]:
    """The named settings as a fresh process reads them from this environment."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        f"print('|'.join(str(getattr(s, name)) for name in {list(names)!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in unset},
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


def test_mail_is_printed_on_the_console_unless_a_mail_server_is_given():
    backend = settings_values("EMAIL_BACKEND", env={}, unset=("EMAIL_URL",))
    assert backend == ["django.core.mail.backends.console.EmailBackend"]


def test_a_mail_server_comes_from_email_url():
    values = settings_values(
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_USE_TLS",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "DEFAULT_FROM_EMAIL",
        env={"EMAIL_URL": "smtp+tls://desk:s3cret@mail.example.org:587", "DEFAULT_FROM_EMAIL": "IT <it@example.org>"},
    )
    assert values == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "587",
        "True",
        "desk",
        "s3cret",
        "IT <it@example.org>",
    ]


def test_the_readme_lists_every_variable_the_settings_and_gunicorn_read():
    settings_source = (REPO_ROOT / "servicedesk" / "settings.py").read_text()
    gunicorn_source = (REPO_ROOT / "gunicorn.conf.py").read_text()
    names = set(re.findall(r'env\.\w+\("([A-Z_]+)"', settings_source))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', gunicorn_source))
    readme = (REPO_ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == [], f"not in the README's configuration tables: {missing}"
