"""Reading the account's mentions from the notifications API, `since_id` the last one read.

Mastodon has no webhooks for an ordinary account: polling is the way in, and where the
instance streams, the user stream (`stream`, held by `manage.py watch_accounts`) brings a
mention in at once and the poll reads what the stream missed. What is read goes through the
same store-first intake as a webhook (`inbound_store`), so a notification read twice (or
streamed and polled) is stored once.
"""

import logging

from django.utils import timezone

from ..errors import RateLimited, TemporaryFailure, TokenInvalid
from ..inbox.store import inbound_store
from ..models import SocialAccount
from .client import client_for, plain, translated_errors
from .inbound import events_from_notifications

logger = logging.getLogger(__name__)

# Mentions, and edits of statuses the desk has met; the API's largest page.
TYPES = ["mention", "update"]
PAGE_SIZE = 40
# 400 notifications a poll at most; the rest are read on the next one.
MAX_PAGES = 10


def poll(*, account: SocialAccount) -> int:
    """Store the mentions since the last poll; return how many events were new.

    Pages run newest first, down to the cursor; the cursor moves to the newest only once
    every page is stored, so a poll cut short (a crash, a rate limit) reads them again.
    The first poll reads one page: months of old mentions should not all become incidents.
    """
    now = timezone.now()
    if account.rate_limited_until and account.rate_limited_until > now:
        return 0
    if not account.access_token:
        logger.warning("%s: not polled: %s", account, account.missing_credentials)
        return 0
    cursor = account.poll_cursor or None
    newest = ""
    stored = 0
    max_id = None
    try:
        api = client_for(account)
        for _ in range(MAX_PAGES if cursor else 1):
            with translated_errors(api):
                page = plain(api.notifications(types=TYPES, since_id=cursor, max_id=max_id, limit=PAGE_SIZE))
            if not isinstance(page, list) or not page:
                break
            if not newest and isinstance(page[0], dict):
                newest = str(page[0].get("id") or "")
            events = events_from_notifications(page, account_id=account.external_id)
            stored += len(inbound_store(events=events, source="poll"))
            last = page[-1].get("id") if isinstance(page[-1], dict) else None
            if len(page) < PAGE_SIZE or not last:
                break
            max_id = last
    except RateLimited as error:
        account.rate_limited_until = error.retry_at
        account.save(update_fields=["rate_limited_until"])
        logger.warning("%s: mentions not polled: %s", account, error)
        return stored
    except TokenInvalid as error:
        account.token_error = str(error)[:500]
        account.token_error_at = now
        account.save(update_fields=["token_error", "token_error_at"])
        logger.warning("%s: mentions not polled: %s", account, error)
        return stored
    except TemporaryFailure as error:
        logger.warning("%s: mentions not polled: %s", account, error)
        return stored
    account.polled_at = now
    account.token_error, account.token_error_at = "", None
    fields = ["polled_at", "token_error", "token_error_at"]
    if newest and _newer(newest, cursor):
        account.poll_cursor = newest
        fields.append("poll_cursor")
    account.save(update_fields=fields)
    return stored


def _newer(candidate: str, cursor: str | None) -> bool:
    """Notification ids grow; compared as numbers where they are (Mastodon), else as text."""
    if not cursor:
        return True
    if candidate.isdigit() and cursor.isdigit():
        return int(candidate) > int(cursor)
    return (len(candidate), candidate) > (len(cursor), cursor)
