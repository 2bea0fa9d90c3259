"""An e-mail conversation in a real Chromium: a mail (HTML, with a hostile script) opens an
incident, the person's reply to the desk's answer joins it with the quote trimmed, an
out-of-office reply is ignored; the timeline, the Social page and the console's filter show
them under the E-mail badge."""

import pytest

from social.email.inbound import events_from_message
from social.inbox.store import inbound_store
from social.models import Direction, MessageState, SocialMessage
from tickets.models import Incident

from ..social.email.conftest import DESK, drain, mail
from ..social.factories import SocialAccountFactory
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
HTML = (
    "<p>Hello,</p><p>Outlook keeps asking for my <b>password</b>, see "
    "<a href='https://intranet.example/kb/42'>the KB article</a>.</p>"
    "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"
)


def deliver(raw: bytes) -> None:
    inbound_store(events=events_from_message(raw, account_id=DESK))
    drain()


@pytest.fixture
def conversation(db):
    SocialAccountFactory(channel="email", external_id=DESK, handle=DESK)
    deliver(mail(message_id="<first@example.com>", subject="Outlook password prompt", text="", html=HTML))
    ack = SocialMessage.objects.get(direction=Direction.OUTBOUND)
    SocialMessage.objects.filter(pk=ack.pk).update(state=MessageState.SENT, external_id="desk.ab12@example.org")
    deliver(
        mail(
            message_id="<second@example.com>",
            subject="Re: Outlook password prompt [INC]",
            in_reply_to="<desk.ab12@example.org>",
            references="<first@example.com> <desk.ab12@example.org>",
            text="It happens on my phone too.\n\nOn Mon, Service desk wrote:\n> Thanks Jess, we're on it.\n",
        )
    )
    deliver(
        mail(
            message_id="<ooo@example.com>",
            subject="Automatic reply: Outlook password prompt",
            headers={"Auto-Submitted": "auto-replied"},
            text="I am out of the office.",
        )
    )
    return Incident.objects.get()


def test_an_email_conversation_reads_in_the_console(page, agent, conversation):
    log_in(page, agent.username)

    page.goto(f"/incidents/{conversation.number}/")
    timeline = page.get_by_role("list", name="Timeline")
    comment = timeline.locator(".comment-body", has_text="It happens on my phone too.")
    comment.wait_for()
    assert comment.inner_text().strip() == "It happens on my phone too."  # the quote trimmed
    description = timeline.locator("li.description").inner_text()
    assert "Outlook keeps asking for my password, see the KB article (https://intranet.example/kb/42)." in description
    assert "<script>" not in description and "pwned" not in description
    assert page.locator(".channel-badge", has_text="E-mail").first.is_visible()
    assert page.title() != "pwned" and page.locator(".timeline img").count() == 0
    page.screenshot(path="test-artifacts/email_incident_timeline.png", full_page=True)

    page.goto("/social/?channel=email")
    rows = page.locator("#inbox tbody tr")
    assert rows.count() == 3
    assert "Ignored" in rows.nth(0).inner_text() and "Auto-Submitted" in rows.nth(0).inner_text()
    page.screenshot(path="test-artifacts/email_social_page.png", full_page=True)

    page.goto("/incidents/?channel=email")
    assert "Outlook password prompt" in page.locator("table").first.inner_text()
    assert page.console_errors == []
