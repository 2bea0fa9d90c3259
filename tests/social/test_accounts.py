"""Saving an account edited in the admin (social.accounts.account_save)."""

import pytest
from django.db import connection

from social.accounts import account_save
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
