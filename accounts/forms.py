from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.template.loader import render_to_string

from .tasks import send_email


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset form, with the e-mail handed to a worker.

    The page then answers as quickly for an address nobody has as for a known one (the time
    of an SMTP conversation would tell them apart), and a slow mail server holds no web
    process."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        # No transaction to wait for: the token is made from the account as it is now.
        send_email.delay(subject=subject, body=body, to=[to_email], from_email=from_email)


class NewPasswordForm(SetPasswordForm):
    """Django's form for the new password, with Bootstrap's class on its inputs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
