"""E-mail goes out from a worker, so a slow or unreachable mail server holds no web process."""

from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMessage


@shared_task(autoretry_for=(OSError, SMTPException), retry_backoff=30, retry_jitter=True, max_retries=5)
def send_email(*, subject: str, body: str, to: list[str], from_email: str | None = None) -> None:
    """At least once: a retry after a mail server's timeout may send a second copy."""
    EmailMessage(subject=subject, body=body, from_email=from_email, to=to).send()
