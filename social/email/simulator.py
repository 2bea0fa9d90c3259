"""Realistic raw mails for `simulate_social` and the benchmarks, posted to the e-mail webhook
with the demo address's bearer token: new requests from people, in plain text or HTML, in
UTF-8 or Latin-1 quoted-printable, some with an attachment; replies to the desk's own answers
(their Message-IDs read from the desk's database, as a mail client threads them), quoting the
answer under an "On ... wrote:" line and signed; out-of-office replies and bounces, which the
desk must ignore; and now and then the same mail twice."""

import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.db import transaction

from ..models import Direction, MessageState, SocialAccount, SocialMessage
from ..simulator import FOLLOW_UPS, PEOPLE, PROBLEMS, Delivery
from . import CHANNEL

DESK = "servicedesk@desk.demo"
PATH = "/social/webhooks/email/"
DOMAINS = ["example.com", "mail.example.net", "staff.example.org"]
SUBJECTS = {
    "vpn": "VPN drops every few minutes",
    "expense": "Locked out of the expense portal",
    "printer": "Printer on floor 3 jammed again",
    "outlook": "Outlook keeps asking for my password",
    "wifi": "Wi-Fi in building B very slow",
    "laptop": "Laptop won't boot after the update",
    "teams": "Teams calls freezing",
    "portal": "HR portal shows a blank page",
    "finance": "Access to the finance share",
    "password": "Password reset mail never arrives",
    "thanks": "Thank you!",
    "intranet": "Intranet down again",
}


def ensure_demo_account() -> SocialAccount:
    """The demo desk address, with a token for the webhook (the simulator reads it back)."""
    with transaction.atomic():
        account, _ = SocialAccount.objects.get_or_create(
            channel=CHANNEL,
            external_id=DESK,
            defaults={"handle": DESK, "bearer_token": secrets.token_urlsafe(32)},
        )
    if not account.bearer_token:
        account.bearer_token = secrets.token_urlsafe(32)
        account.save(update_fields=["bearer_token"])
    return account


def _fits_latin_1(text: str) -> bool:
    try:
        text.encode("iso-8859-1")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class MailSimulator:
    token: str
    seed: int | None = None
    duplicate_rate: float = 0.03
    sent: list[Delivery] = field(default_factory=list)

    def __post_init__(self):
        self.random = random.Random(self.seed)
        self.counter = int(time.time() * 1000)

    def _person(self) -> tuple[str, str]:
        name, handle = self.random.choice(PEOPLE)
        return name, f"{handle.replace('_', '.')}@{self.random.choice(DOMAINS)}"

    def _message_id(self, domain: str) -> str:
        self.counter += 1
        return f"<{self.counter}.{self.random.randrange(10**8):08d}@{domain}>"

    def _mail(self, *, sender: tuple[str, str], subject: str, text: str, html: bool = False, latin: bool = False):
        message = EmailMessage()
        message["Received"] = (
            f"from mx.{sender[1].split('@')[1]} (mx [192.0.2.{self.random.randrange(1, 250)}]) by mx.desk.demo "
            f"with ESMTPS; {format_datetime(datetime.now(UTC))}"
        )
        message["From"] = formataddr(sender)
        message["To"] = formataddr(("Service desk", DESK))
        message["Subject"] = subject
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = self._message_id(sender[1].split("@")[1])
        message["User-Agent"] = self.random.choice(["Thunderbird/128.5", "Microsoft Outlook 16.0", "Apple Mail"])
        message.set_content(text, charset="iso-8859-1" if latin else "utf-8", cte="quoted-printable")
        if html:
            paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n\n"))
            message.add_alternative(
                f"<html><head><style>p{{margin:0}}</style></head><body>{paragraphs}</body></html>", subtype="html"
            )
        return message

    def next(self) -> Delivery:
        if self.sent and self.random.random() < self.duplicate_rate:
            again = self.random.choice(self.sent[-200:])
            return Delivery(again.path, again.body, again.headers, "mail duplicate")
        roll = self.random.random()
        answers = self._desk_answers() if roll < 0.45 else []
        if answers:
            delivery = self._reply(self.random.choice(answers), auto=roll < 0.05)
        elif roll > 0.97:
            delivery = self._bounce()
        else:
            delivery = self._request()
        self.sent.append(delivery)
        del self.sent[:-1000]
        return delivery

    def _delivery(self, message: EmailMessage, kind: str) -> Delivery:
        return Delivery(
            PATH,
            message.as_bytes(),
            {"Authorization": f"Bearer {self.token}", "Content-Type": "message/rfc822"},
            kind,
        )

    def _request(self) -> Delivery:
        name, address = self._person()
        topic, subject = self.random.choice(list(SUBJECTS.items()))
        problem = next((p for p in PROBLEMS if topic in p.lower()), self.random.choice(PROBLEMS))
        first = name.split()[0]
        phone = f"+44 20 7946 0{self.random.randrange(100, 999)}"
        text = f"Hello,\n\n{problem[0].upper()}{problem[1:]}.\n\nThanks,\n{first}\n\n-- \n{name}\n{phone}"
        latin = self.random.random() < 0.2
        if latin:
            text = text.replace("Thanks", "Merci et à bientôt")
            latin = text.isascii() or _fits_latin_1(text)
        message = self._mail(
            sender=(name, address), subject=subject, text=text, html=self.random.random() < 0.4, latin=latin
        )
        if self.random.random() < 0.15:
            message.add_attachment(
                b"2026-12-07 09:14:02 ERROR vpn: tunnel reset by peer\n" * 20,
                maintype="text",
                subtype="plain",
                filename="vpn.log",
            )
        return self._delivery(message, "mail")

    def _desk_answers(self) -> list[tuple[str, str, str, str]]:
        """The desk's latest answers that went out: (Message-ID, to, subject, words)."""
        found = []
        for external_id, number, title, text, identity in (
            SocialMessage.objects.filter(
                channel=CHANNEL, direction=Direction.OUTBOUND, state=MessageState.SENT, account_external_id=DESK
            )
            .order_by("-id")
            .values_list("external_id", "incident__number", "incident__title", "text", "identity__handle")[:50]
        ):
            if external_id and identity:
                found.append((external_id, identity, f"Re: {title} [{number}]", text))
        return found

    def _reply(self, answer: tuple[str, str, str, str], *, auto: bool) -> Delivery:
        message_id, address, subject, words = answer
        name = next((n for n, h in PEOPLE if address.startswith(h.replace("_", "."))), address.split("@")[0])
        if auto:
            text = f"I am out of the office until Monday with no access to e-mail.\n\n{name}"
            message = self._mail(sender=(name, address), subject=f"Automatic reply: {subject}", text=text)
            message["Auto-Submitted"] = "auto-replied"
            message["X-Auto-Response-Suppress"] = "All"
            kind = "mail auto-reply"
        else:
            quoted = "\n".join(f"> {line}" for line in words.splitlines())
            text = (
                f"{self.random.choice(FOLLOW_UPS)}\n\n{name.split()[0]}\n\n"
                f"On {format_datetime(datetime.now(UTC))}, Service desk <{DESK}> wrote:\n{quoted}\n"
            )
            message = self._mail(sender=(name, address), subject=subject, text=text, html=False)
            kind = "mail reply"
        message["In-Reply-To"] = f"<{message_id}>"
        message["References"] = f"<{message_id}>"
        return self._delivery(message, kind)

    def _bounce(self) -> Delivery:
        _, address = self._person()
        message = self._mail(
            sender=("Mail Delivery System", "MAILER-DAEMON@mx.example.com"),
            subject="Undelivered Mail Returned to Sender",
            text=f"This is the mail system at host mx.example.com.\n\n<{address}>: mailbox full",
        )
        message["Auto-Submitted"] = "auto-replied"
        return self._delivery(message, "mail bounce")
