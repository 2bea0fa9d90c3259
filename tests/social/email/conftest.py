"""Fixtures of the e-mail tests: the desk's address, realistic raw mails, the webhook, the
pipeline drained as the workers would, a real SMTP sink (aiosmtpd) behind Django's SMTP
backend, and a real IMAP server (a private Dovecot, started in a temporary folder on a free
port with a passwd-file user: no system configuration is touched)."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from django.urls import reverse

from social.events import SHARDS
from social.inbox import claim
from social.models import SocialMessage

from ...conftest import service_missing
from ..factories import SocialAccountFactory

DESK = "servicedesk@example.org"
TOKEN = "inbound-token-3f9a1c"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


@pytest.fixture
def desk(db):
    return SocialAccountFactory(channel="email", external_id=DESK, handle=DESK, bearer_token=TOKEN)


def mail(
    *,
    text: str = "My VPN drops every five minutes since this morning.",
    subject: str = "VPN keeps dropping",
    sender: str = "Jess Moreau <jess@example.com>",
    to: str = DESK,
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    html: str = "",
    charset: str = "utf-8",
    headers: dict | None = None,
    attachment: tuple[str, bytes] | None = None,
) -> bytes:
    """A raw message as a mail client writes it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id or make_msgid(domain="example.com")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text, charset=charset)
    if html:
        message.add_alternative(html, subtype="html")
    if attachment:
        name, data = attachment
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


def post(client, raw: bytes, *, token: str | None = TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(reverse("social:webhook", args=["email"]), raw, content_type="message/rfc822", **headers)


def drain() -> None:
    for shard in range(SHARDS):
        while claim.process_pending(shard=shard):
            pass


def message(external_id: str) -> SocialMessage:
    return SocialMessage.objects.select_related("incident", "comment").get(channel="email", external_id=external_id)


@pytest.fixture
def eml(shared_fixtures):
    """`eml("sisimai/rfc3834-01.eml")`: a real recorded message, as bytes."""

    def load(name: str) -> bytes:
        return (shared_fixtures / "email" / name).read_bytes()

    return load


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- a real SMTP server ----------------------------------------------------------------------


class Sink:
    """What the SMTP server received; `delay_data` / `delay_rcpt` seconds hold its answer to the
    end of DATA / to RCPT TO (a server that takes the mail, then is too slow to say so)."""

    def __init__(self):
        self.received: list[dict] = []
        self.delay_data = 0.0
        self.delay_rcpt = 0.0
        self.refuse_rcpt = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        import asyncio

        if self.delay_rcpt:
            await asyncio.sleep(self.delay_rcpt)
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        self.received.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "data": envelope.content})
        if self.delay_data:
            await asyncio.sleep(self.delay_data)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server (aiosmtpd) on a free port, and Django's SMTP backend pointed at it."""
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    try:
        yield sink
    finally:
        controller.stop()


# --- a real IMAP server ----------------------------------------------------------------------

IMAP_USER = "desk@example.org"
IMAP_PASSWORD = "imap-secret-7d2"


class Dovecot:
    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        root = self.root
        for folder in ("run", "state", "home"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        (root / "passwd").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}::::::\n")
        if os.geteuid() == 0:
            user = "dovecot"  # Debian's package makes it; mail is never accessed as root
            extra = ""
        else:
            user = pwd.getpwuid(os.getuid()).pw_name
            extra = f"default_internal_user = {user}\ndefault_login_user = {user}\ndefault_internal_group = {user}\n"
        shutil.chown(root / "home", user, user) if os.geteuid() == 0 else None
        (root / "dovecot.conf").write_text(
            f"""base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/home/%u/Maildir
# IDLE: look at the mailbox every second where the kernel's notifications do not reach (30 s
# by default), so the IDLE tests wait on the desk, not on the server.
mailbox_idle_check_interval = 1 secs
first_valid_uid = 1
{extra}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={user} gid={user} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as probe:
                    if probe.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
        raise RuntimeError(f"Dovecot did not start: {log[-500:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def url(self, folder: str) -> str:
        return f"imap://{IMAP_USER.replace('@', '%40')}:{IMAP_PASSWORD}@127.0.0.1:{self.port}/{folder}"

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(IMAP_USER, IMAP_PASSWORD)
        return client


@pytest.fixture(scope="session")
def dovecot():
    """A private Dovecot IMAP server for the session (Debian's dovecot-imapd)."""
    if not Path(DOVECOT).exists():
        service_missing("Dovecot (dovecot-imapd)", f"{DOVECOT} is not installed")
    # Not under pytest's own temporary folder: that is private to us, and the mail processes
    # run as the dovecot user.
    root = Path(tempfile.mkdtemp(prefix="servicedesk-dovecot-"))
    root.chmod(0o755)
    server = Dovecot(root)
    try:
        server.start()
    except (RuntimeError, OSError) as error:
        shutil.rmtree(root, ignore_errors=True)
        service_missing("Dovecot (dovecot-imapd)", str(error))
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot):
    """A fresh folder of the test user's mailbox: its IMAP URL, and a client to APPEND with."""
    folder = f"T{uuid.uuid4().hex[:12]}"
    client = dovecot.client()
    client.create_folder(folder)
    try:
        yield dovecot.url(folder), folder, client
    finally:
        try:
            client.delete_folder(folder)
            client.logout()
        except Exception:  # noqa: S110 (the server may be gone)
            pass
