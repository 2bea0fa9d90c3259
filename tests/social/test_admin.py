"""The social admin: secrets typed in and never shown back, the record read-only, Replay and
Retry as actions, acknowledgement texts checked."""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from social import platforms
from social.models import AcknowledgementTemplate, InboundState, MessageState, SocialAccount

from ..factories import UserFactory
from .factories import (
    InboundEventFactory,
    InboundMessageFactory,
    SocialAccountFactory,
    SocialIdentityFactory,
    SocialMessageFactory,
)

pytestmark = pytest.mark.django_db

SECRETS = {
    "consumer_key": "ck-secret-1",
    "consumer_secret": "cs-secret-2",
    "bearer_token": "bt-secret-3",
    "access_token": "at-secret-4",
    "access_token_secret": "ats-secret-5",
    "password": "pw-secret-6",
    "session": "session-secret-7",  # kept by the platform, never a field of the form
}


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_every_model_has_a_working_admin(admin_client):
    InboundMessageFactory(raw={"id": "1"})
    SocialMessageFactory(direction="outbound", state="failed")
    InboundEventFactory(state=InboundState.FAILED, last_error="boom")
    SocialAccountFactory()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "social":
            continue
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        if model_admin.search_fields:
            assert admin_client.get(changelist + "?q=x").status_code == 200, changelist
        for row in model.objects.all()[:2]:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
            assert admin_client.get(change).status_code == 200, change


# --- accounts ---------------------------------------------------------------------------------


def account_form_data(account: SocialAccount, **changes) -> dict:
    data = {
        "channel": account.channel,
        "external_id": account.external_id,
        "handle": account.handle,
        "active": "on" if account.active else "",
        "self_serve_tier": "on" if account.self_serve_tier else "",
        "poll_enabled": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_stored_tokens_are_never_rendered(admin_client):
    account = SocialAccountFactory(**SECRETS)
    page = admin_client.get(reverse("admin:social_socialaccount_change", args=[account.pk])).text
    for secret in SECRETS.values():
        assert secret not in page
    # One password field per credential the platforms declare.
    credentials = {credential.field for platform in platforms.registered() for credential in platform.credentials}
    assert page.count('type="password"') == len(credentials)
    assert "A value is stored: leave blank to keep it." in page and "Not set." in page
    changelist = admin_client.get(reverse("admin:social_socialaccount_changelist")).text
    assert not any(secret in changelist for secret in SECRETS.values())


def test_saving_with_blank_tokens_keeps_them_and_a_typed_one_replaces_and_clears_the_error(admin_client):
    account = SocialAccountFactory(**SECRETS, token_error="Invalid or expired token")
    url = reverse("admin:social_socialaccount_change", args=[account.pk])
    response = admin_client.post(url, account_form_data(account, handle="@helpdesk"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    account = SocialAccount.objects.get(pk=account.pk)
    assert account.handle == "@helpdesk" and account.access_token == SECRETS["access_token"]
    assert account.token_error == "Invalid or expired token"

    response = admin_client.post(url, account_form_data(account, access_token="brand-new"))
    assert response.status_code == 302
    account = SocialAccount.objects.get(pk=account.pk)
    assert account.access_token == "brand-new" and account.token_error == ""
    assert account.consumer_secret == SECRETS["consumer_secret"]


def test_a_token_can_be_forgotten_but_not_replaced_and_forgotten_at_once(admin_client):
    account = SocialAccountFactory(**SECRETS)
    url = reverse("admin:social_socialaccount_change", args=[account.pk])
    response = admin_client.post(url, account_form_data(account, bearer_token="x", forget=["bearer_token"]))
    assert response.status_code == 200
    assert "Either type a new X bearer token or forget it, not both." in response.text
    response = admin_client.post(url, account_form_data(account, forget=["bearer_token"]))
    assert response.status_code == 302
    assert SocialAccount.objects.get(pk=account.pk).bearer_token == ""


def test_an_account_is_added_with_its_tokens(admin_client):
    response = admin_client.post(
        reverse("admin:social_socialaccount_add"),
        {
            "channel": "facebook",
            "external_id": "1234567890",
            "handle": "IT Help",
            "active": "on",
            "page_access_token": "EAAB-page-token",
            "app_secret": "fb-app-secret",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    account = SocialAccount.objects.get(external_id="1234567890")
    assert (account.page_access_token, account.app_secret) == ("EAAB-page-token", "fb-app-secret")
    assert account.can_send


def test_the_token_state_shows_in_the_list(admin_client):
    SocialAccountFactory(token_error="Invalid <b>token</b>")
    page = admin_client.get(reverse("admin:social_socialaccount_changelist")).text
    assert "Refused: Invalid &lt;b&gt;token&lt;/b&gt;" in page


def test_identities_are_searchable(admin_client):
    SocialIdentityFactory(handle="@findme", display_name="Find Me")
    SocialIdentityFactory(handle="@other")
    response = admin_client.get(reverse("admin:social_socialidentity_changelist") + "?q=findme")
    assert response.context["cl"].result_count == 1


# --- inbound events ---------------------------------------------------------------------------


def test_events_are_filtered_by_state_and_channel_and_their_payload_is_escaped(admin_client):
    failed = InboundEventFactory(
        state=InboundState.FAILED, last_error="boom", payload={"text": "<script>alert(1)</script>"}
    )
    InboundEventFactory(state=InboundState.DONE, channel="facebook")
    changelist = reverse("admin:social_inboundevent_changelist")
    assert admin_client.get(changelist + "?state__exact=failed").context["cl"].result_count == 1
    assert admin_client.get(changelist + "?channel__exact=facebook").context["cl"].result_count == 1
    page = admin_client.get(reverse("admin:social_inboundevent_change", args=[failed.pk])).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert '"text": ' in page.replace("&quot;", '"')  # pretty-printed


def test_events_are_read_only(admin_client):
    event = InboundEventFactory()
    assert admin_client.get(reverse("admin:social_inboundevent_add")).status_code == 403
    assert admin_client.get(reverse("admin:social_inboundevent_delete", args=[event.pk])).status_code == 403
    response = admin_client.post(reverse("admin:social_inboundevent_change", args=[event.pk]), {"state": "done"})
    assert response.status_code == 403


def action_names(response) -> list[str]:
    form = response.context["action_form"]
    return [name for name, _ in form.fields["action"].choices if name] if form else []


def test_the_replay_action_is_for_those_who_may_replay(client):
    changelist = reverse("admin:social_inboundevent_changelist")
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(*_permissions("view_inboundevent"))
    client.force_login(staff)
    assert "replay" not in action_names(client.get(changelist))
    staff.user_permissions.add(*_permissions("change_inboundevent"))
    assert "replay" in action_names(client.get(changelist))


def _permissions(codename):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="social", codename=codename)


def test_replay_action(admin_client):
    failed = InboundEventFactory(state=InboundState.FAILED, last_error="boom")
    done = InboundEventFactory(state=InboundState.DONE)
    response = admin_client.post(
        reverse("admin:social_inboundevent_changelist"),
        {"action": "replay", ACTION_CHECKBOX_NAME: [failed.pk, done.pk]},
    )
    assert response.status_code == 302
    assert texts(response) == [
        "1 event queued for processing again.",
        "1 selected event(s) had not failed and were left alone.",
    ]
    failed.refresh_from_db()
    assert failed.state == InboundState.PENDING


# --- messages ---------------------------------------------------------------------------------


def test_messages_are_read_only_and_filterable(admin_client):
    message = InboundMessageFactory(raw={"text": "<b>x</b>"})
    SocialMessageFactory(direction="outbound", state="failed")
    changelist = reverse("admin:social_socialmessage_changelist")
    assert admin_client.get(changelist + "?direction__exact=outbound").context["cl"].result_count == 1
    assert admin_client.get(changelist + "?state__exact=failed").context["cl"].result_count == 1
    page = admin_client.get(reverse("admin:social_socialmessage_change", args=[message.pk])).text
    assert "&lt;b&gt;x&lt;/b&gt;" in page and 'name="text"' not in page
    response = admin_client.post(reverse("admin:social_socialmessage_change", args=[message.pk]), {"text": "edited"})
    assert response.status_code == 403


def test_retry_action(admin_client):
    failed = SocialMessageFactory(direction="outbound", state="failed")
    sent = SocialMessageFactory(direction="outbound", state="sent")
    selected = {"action": "retry", ACTION_CHECKBOX_NAME: [failed.pk, sent.pk]}
    response = admin_client.post(reverse("admin:social_socialmessage_changelist"), selected)
    assert response.status_code == 302 and texts(response) == ["1 message queued to be sent again."]
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.state, sent.state) == (MessageState.QUEUED, MessageState.SENT)


# --- acknowledgements -------------------------------------------------------------------------


def test_acknowledgement_texts_are_edited_and_checked(admin_client):
    template = AcknowledgementTemplate.objects.get(channel="twitter")
    url = reverse("admin:social_acknowledgementtemplate_change", args=[template.pk])
    page = admin_client.get(url).text
    assert "{number} and {name} are replaced" in page
    assert "write {{ or }} for a brace (so {{number}} is posted as {number})" in page

    response = admin_client.post(url, {"channel": "twitter", "text": "Hi {nmae}, it is {number}."})
    assert response.status_code == 200
    assert "Unknown placeholder {nmae}: only {number} and {name} are filled in." in response.text
    template.refresh_from_db()
    assert "{nmae}" not in template.text

    response = admin_client.post(url, {"channel": "twitter", "text": "Hi {name}, it is {number}."})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.text == "Hi {name}, it is {number}."
