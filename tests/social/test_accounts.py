"""Saving an account edited in the admin (social.accounts.account_save)."""

import pytest
from django.db import connection

from social.accounts import account_save, sync_environment_accounts
from social.models import SocialAccount

from .factories import SocialAccountFactory

pytestmark = pytest.mark.django_db


def stored(account: SocialAccount, field: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {field} FROM social_socialaccount WHERE id = %s", [account.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_a_blank_token_keeps_the_stored_one_and_a_new_one_replaces_it():
    account = SocialAccountFactory(access_token="old-token", access_token_secret="old-secret")
    account_save(account=account, tokens={"access_token": "new-token", "access_token_secret": ""})
    account = SocialAccount.objects.get(pk=account.pk)
    assert (account.access_token, account.access_token_secret) == ("new-token", "old-secret")
    assert "new-token" not in stored(account, "access_token")  # encrypted at rest


def test_a_new_token_clears_the_token_error():
    account = SocialAccountFactory(access_token="access-token", token_error="Invalid or expired token")
    account_save(account=account, tokens={"access_token": "access-token"})  # the same one
    assert SocialAccount.objects.get(pk=account.pk).token_error == "Invalid or expired token"
    account_save(account=account, tokens={"access_token": "fresh"})
    account = SocialAccount.objects.get(pk=account.pk)
    assert (account.token_error, account.token_error_at) == ("", None)


def test_forgetting_erases():
    account = SocialAccountFactory(bearer_token="bearer")
    account_save(account=account, forget=["bearer_token"])
    assert SocialAccount.objects.get(pk=account.pk).bearer_token == ""


def test_only_token_fields():
    account = SocialAccountFactory()
    with pytest.raises(ValueError, match="handle"):
        account_save(account=account, tokens={"handle": "@other"})


# --- the default accounts, from the environment, as the platforms declare it ---------------------


@pytest.fixture
def environment(settings):
    """X's and Facebook's default accounts named in the settings (read from the environment)."""
    settings.TWITTER_ACCOUNT_ID = "783214"
    settings.TWITTER_HANDLE = "@desk"
    settings.TWITTER_CONSUMER_KEY = "ck"
    settings.TWITTER_CONSUMER_SECRET = "cs"
    settings.TWITTER_BEARER_TOKEN = "bt"
    settings.TWITTER_ACCESS_TOKEN = "at"
    settings.TWITTER_ACCESS_TOKEN_SECRET = "ats"
    settings.TWITTER_SELF_SERVE_TIER = False
    settings.TWITTER_POLL = True
    settings.FACEBOOK_PAGE_ID = "555"
    settings.FACEBOOK_PAGE_NAME = "Desk page"
    settings.FACEBOOK_APP_SECRET = "as"
    settings.FACEBOOK_VERIFY_TOKEN = "vt"
    settings.FACEBOOK_PAGE_ACCESS_TOKEN = "pat"
    settings.FACEBOOK_POLL = False
    return settings


def test_each_platforms_default_account_is_made_from_the_settings_it_declares(environment):
    synced = sync_environment_accounts()
    assert [(a.channel, a.external_id) for a in synced] == [("twitter", "783214"), ("facebook", "555")]
    x = SocialAccount.objects.get(channel="twitter")
    assert (x.handle, x.consumer_key, x.consumer_secret, x.bearer_token) == ("@desk", "ck", "cs", "bt")
    assert (x.access_token, x.access_token_secret, x.self_serve_tier, x.poll_enabled) == ("at", "ats", False, True)
    assert x.can_send
    page = SocialAccount.objects.get(channel="facebook")
    assert (page.handle, page.app_secret, page.verify_token, page.page_access_token) == ("Desk page", "as", "vt", "pat")
    assert not page.poll_enabled


def test_a_platform_whose_account_id_is_not_set_has_no_default_account(environment):
    environment.FACEBOOK_PAGE_ID = ""
    assert [a.channel for a in sync_environment_accounts()] == ["twitter"]
    assert not SocialAccount.objects.filter(channel="facebook").exists()


def test_syncing_again_changes_nothing_but_what_changed_and_a_new_token_clears_the_error(environment):
    sync_environment_accounts()
    SocialAccount.objects.filter(channel="twitter").update(token_error="Invalid or expired token")
    sync_environment_accounts()
    assert SocialAccount.objects.get(channel="twitter").token_error == "Invalid or expired token"
    environment.TWITTER_ACCESS_TOKEN = "at-2"
    sync_environment_accounts()
    x = SocialAccount.objects.get(channel="twitter")
    assert (x.access_token, x.token_error) == ("at-2", "")
    assert SocialAccount.objects.count() == 2
