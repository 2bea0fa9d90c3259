"""Reading raw messages: the real recorded mails of ../shared/fixtures/email (charsets,
transfer encodings, HTML, attachments, replies, forwards, auto-replies, bounces), and mails
written here for what the recordings lack."""

import base64

import pytest

from social.email.inbound import events_from_message, message_key
from social.events import Action, InvalidPayload, Kind

from .conftest import DESK, mail

ACCOUNT = DESK


def parsed(raw: bytes):
    [event] = events_from_message(raw, account_id=ACCOUNT)
    return event


# --- what people send --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "author", "title", "text"),
    [
        ("django-helpdesk/all-special-chars.eml", "timothy.hobbs@auto-mat.cz", "Testovácí email", "íářčšáíéřášč"),
        ("django-helpdesk/quoted_printable.eml", "tim.thelion@gmail.com", "Český test", "Tohle je test českých"),
        ("mail-gem/japanese_iso_2022.eml", "raasdnil@gmail.com", "まみむめも", "すみません。"),
        (
            "mail-gem/attachment_pdf.eml",
            "xxxx@xxxx.com",
            "Another PDF with 🎉 Unicode chars in it 🍿",
            "Just attaching",
        ),
        ("mail-gem/two_from_in_message.eml", "tester1@test.com", "Sending messages include last little bit", "When"),
    ],
)
def test_a_recorded_mail_reads_in_its_charset_and_encoding(eml, name, author, title, text):
    event = parsed(eml(name))

    assert (event.action, event.kind, event.channel) == (Action.CREATE, Kind.DM, "email")
    assert (event.author_id, event.title) == (author, title)
    assert event.text.startswith(text)
    assert "\ufffd" not in event.text + event.title


def test_a_mail_in_windows_1252_quoted_printable_reads_right():
    raw = (
        b"From: =?windows-1252?Q?Ren=E9e_M=FCller?= <renee@example.com>\r\nTo: servicedesk@example.org\r\n"
        b"Subject: =?windows-1252?Q?Caf=E9_Wi-Fi_=96_down?=\r\nMessage-ID: <cp1252@example.com>\r\n"
        b"Content-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"The caf=E9 Wi-Fi is down =96 =93again=94.\r\n"
    )

    event = parsed(raw)

    assert (event.author_name, event.title) == ("Renée Müller", "Café Wi-Fi – down")
    assert event.text == "The café Wi-Fi is down – “again”."


def test_a_base64_body_in_latin_1_reads_right():
    body = base64.b64encode("Überweisung hängt fest".encode("latin-1"))
    raw = (
        b"From: a@example.com\r\nSubject: x\r\nMessage-ID: <b64@example.com>\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body + b"\r\n"
    )

    assert parsed(raw).text == "Überweisung hängt fest"


def test_a_charset_that_does_not_exist_still_reads():
    raw = (
        b"From: a@example.com\r\nSubject: x\r\nContent-Type: text/plain; charset=x-unknown-42\r\n\r\nhello \xc3\xa9\r\n"
    )

    assert parsed(raw).text == "hello é"


def test_an_html_only_mail_becomes_safe_text():
    html = (
        "<html><head><style>p {color: red}</style><script>alert('x')</script></head><body>"
        "<p>Hello,</p><p>the <b>printer</b> on floor 3 shows <a href='https://intranet.example/kb/42'>this error</a>"
        "<br>and stops.</p><ul><li>restarted</li><li>new paper</li></ul>"
        "<img src='cid:x' onerror='alert(1)'></body></html>"
    )
    raw = (
        b"From: a@example.com\r\nSubject: Printer\r\nMessage-ID: <html@example.com>\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n" + html.encode()
    )

    text = parsed(raw).text

    assert text == (
        "Hello,\n\nthe printer on floor 3 shows this error (https://intranet.example/kb/42)\nand stops.\n\n"
        "- restarted\n- new paper"
    )
    assert "<" not in text and "alert" not in text


def test_a_multipart_alternative_mail_reads_its_plain_part():
    event = parsed(mail(text="plain words", html="<p>html words</p>"))

    assert event.text == "plain words"


def test_an_empty_plain_part_falls_back_to_the_html_one():
    event = parsed(mail(text="\n", html="<p>only in <i>html</i></p>"))

    assert event.text == "only in html"


def test_what_is_attached_is_listed_and_the_whole_message_is_kept(eml):
    raw = eml("django-helpdesk/blank-body-with-attachment.eml")

    event = parsed(raw)

    [attached] = event.raw["attachments"]
    assert attached["filename"] == "baf" and attached["size"] > 0
    assert event.text == "(no text: 1 attachment(s))"
    assert event.raw["source"].encode() == raw


def test_a_message_that_is_not_utf_8_is_kept_byte_for_byte():
    raw = mail(text="Grüße", charset="latin-1").replace(
        b"Content-Transfer-Encoding: quoted-printable", b"Content-Transfer-Encoding: 8bit"
    )
    raw = raw.replace(b"Gr=FC=DFe", "Grüße".encode("latin-1"))

    event = parsed(raw)

    assert base64.b64decode(event.raw["source_base64"]) == raw


def test_the_message_id_is_the_external_id_without_brackets():
    assert parsed(mail(message_id="<abc.123@example.com>")).external_id == "abc.123@example.com"


def test_a_mail_without_a_message_id_gets_a_stable_one_from_its_bytes(eml):
    raw = eml("mail-gem/japanese_iso_2022.eml")  # no Message-ID, no Date

    first, again = parsed(raw), parsed(raw)

    assert first.external_id.startswith("nomid.") and first.external_id == again.external_id
    assert first.created_at is None  # the desk's time is used


def test_a_very_long_message_id_is_kept_as_a_digest_everywhere():
    long_id = "x" * 150 + "@example.com"

    event = parsed(mail(message_id=f"<{long_id}>", in_reply_to=f"<{long_id}>"))

    assert event.external_id == message_key(long_id) == event.in_reply_to and len(event.external_id) <= 100


def test_a_recorded_reply_names_what_it_answers_and_its_thread(eml):
    event = parsed(eml("mail-gem/raw_email_reply.eml"))

    assert event.external_id == "473FFE27.20003@xxx.org"
    assert event.in_reply_to == "348F04F142D69C21-291E56D292BC@xxxx.net"
    assert event.references == ["473FF3B8.9020707@xxx.org"]  # the others, nearest first
    assert event.thread_key == "473FF3B8.9020707@xxx.org"  # the conversation's root


def test_a_recorded_forward_keeps_what_it_forwards(eml):
    event = parsed(eml("django-helpdesk/utf-nondecodable.eml"))

    assert "Forwarded Message" in event.text and "Cyklozaměstnavatel" in event.text


def test_an_outlook_style_quote_is_trimmed_from_a_reply(eml):
    raw = eml("django-helpdesk/forwarded-message.eml").replace(b"Subject: ", b"In-Reply-To: <x@y>\r\nSubject: ", 1)

    event = parsed(raw)

    assert event.text == "This is email body"
    assert "-----Original Message-----" in event.raw["body"]


def test_the_incident_number_in_the_subject_is_read():
    assert parsed(mail(subject="Re: VPN keeps dropping [INC0000042]")).names_incident == "INC0000042"
    assert parsed(mail(subject="VPN keeps dropping")).names_incident == ""


# --- what is not a person writing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("sisimai/rfc3834-01.eml", "Auto-Submitted"),  # Exim vacation
        ("sisimai/rfc3834-03.eml", "vacation"),  # Apple iCloud: X-Apple-Action only
        ("sisimai/rfc3834-04.eml", "subject"),  # Exchange "Automatic reply:"
        ("sisimai/rfc3834-06.eml", "Auto-Submitted"),  # Mimecast
        ("sisimai/lhost-postfix-01.eml", "delivery status"),
        ("sisimai/lhost-office365-01.eml", "delivery status"),
        ("flanker/mailbox-full.eml", "delivery status"),
        ("flanker/gmail-invalid-address.eml", "X-Failed-Recipients"),
        ("flanker/no-mx.eml", "delivery status"),  # a "delayed" DSN, a warning
        ("flanker/disposition-notification.eml", "read receipt"),
    ],
)
def test_recorded_auto_replies_bounces_and_receipts_are_ignored_with_the_reason(eml, name, reason):
    event = parsed(eml(name))

    assert event.action == Action.IGNORE and event.kind == Kind.OTHER
    assert reason.lower() in event.ignore_reason.lower()


@pytest.mark.parametrize(
    "subject", ["Vacation request form broken", "Out of memory on build server", "Delivery of my laptop"]
)
def test_ordinary_subjects_are_not_taken_for_auto_replies(subject):
    assert parsed(mail(subject=subject)).action == Action.CREATE


def test_a_mail_from_mailer_daemon_is_a_bounce():
    event = parsed(mail(sender="Mail Delivery System <MAILER-DAEMON@mx.example.com>", subject="Hello"))

    assert event.action == Action.IGNORE and "bounce" in event.ignore_reason


@pytest.mark.parametrize("raw", [b"", b"\r\n\r\n", b"no headers here", b"Subject: x\r\n\r\nno sender"])
def test_what_is_not_a_mail_raises_with_the_reason(raw):
    with pytest.raises(InvalidPayload):
        events_from_message(raw, account_id=ACCOUNT)
