"""Reading the account's notifications: mentions, replies and quotes.

listNotifications runs newest first; its `cursor` pages back in time. Each poll reads from the
newest down to what the last poll saw (the newest `indexedAt` then, kept as the account's
cursor), page by page with the API's cursor, and stores each page through the same
store-first intake as a webhook (`inbound_store`): a notification read twice is stored once.
The account's cursor moves only once every page is stored. Then the direct messages: the
chat's log from its own cursor (`chat.poll_direct_messages`), and the recent posts deleted at
their source (`deletions.follow_deletions`), neither of which ever fails the mentions.
"""

import logging

from atproto_client import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..errors import RateLimited, TemporaryFailure, TokenInvalid
from ..inbox.store import inbound_store
from ..models import SocialAccount
from .chat import poll_direct_messages
from .client import client_for
from .deletions import follow_deletions
from .inbound import POSTS, events_from_page

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
MAX_PAGES = 10


def poll(*, account: SocialAccount) -> int:
    """Store what is new since the last poll; return how many events were new. The first poll
    reads one page: months of old mentions should not all become incidents."""
    now = timezone.now()
    if account.rate_limited_until and account.rate_limited_until > now:
        return 0
    if not account.password and not account.session:
        logger.warning("%s: not polled: %s", account, account.missing_credentials)
        return 0
    seen = parse_datetime(account.poll_cursor) if account.poll_cursor else None
    newest = ""
    stored = 0
    cursor = None
    try:
        client = client_for(account)
        for _ in range(MAX_PAGES if seen else 1):
            params = models.AppBskyNotificationListNotifications.Params(
                limit=PAGE_SIZE, cursor=cursor, reasons=sorted(POSTS)
            )
            page = client.call("app.bsky.notification.listNotifications", params=params)
            notifications = page.get("notifications") if isinstance(page, dict) else None
            if not notifications:
                break
            newest = newest or str(notifications[0].get("indexedAt") or "")
            stored += len(inbound_store(events=events_from_page(page, account_id=account.external_id), source="poll"))
            cursor = page.get("cursor")
            oldest = parse_datetime(str(notifications[-1].get("indexedAt") or ""))
            if not cursor or seen is None or (oldest is not None and oldest <= seen):
                break
    except RateLimited as error:
        account.rate_limited_until = error.retry_at
        account.save(update_fields=["rate_limited_until"])
        logger.warning("%s: notifications not polled: %s", account, error)
        return stored
    except TokenInvalid as error:
        account.token_error = str(error)[:500]
        account.token_error_at = now
        account.session = ""  # log in afresh next time
        account.save(update_fields=["token_error", "token_error_at", "session"])
        logger.warning("%s: notifications not polled: %s", account, error)
        return stored
    except TemporaryFailure as error:
        logger.warning("%s: notifications not polled: %s", account, error)
        return stored
    account.polled_at = now
    account.token_error, account.token_error_at = "", None
    fields = ["polled_at", "token_error", "token_error_at"]
    newest_at = parse_datetime(newest) if newest else None
    if newest_at is not None and (seen is None or newest_at > seen):
        account.poll_cursor = newest
        fields.append("poll_cursor")
    account.save(update_fields=fields)
    stored += poll_direct_messages(account=account, client=client)
    return stored + follow_deletions(account=account, client=client, now=now)
