"""Reading the account's mentions timeline: the backstop for webhooks that never came (the
endpoint was down, the subscription lapsed) and the way in where no webhook is set up.

What it reads goes through the same intake as a webhook (`inbound_store`), so a mention both
polled and delivered is stored once.
"""

import logging

from django.utils import timezone

from ..errors import RateLimited, TokenInvalid
from ..inbox.store import inbound_store
from ..models import SocialAccount
from .client import client_for, reads_as_user, translated_errors
from .inbound import events_from_timeline

logger = logging.getLogger(__name__)

MENTION_FIELDS = {
    "expansions": "author_id,referenced_tweets.id,attachments.media_keys",
    "tweet_fields": "conversation_id,in_reply_to_user_id,created_at,referenced_tweets,author_id,entities,note_tweet",
    "user_fields": "username,name",
    "media_fields": "type,url,preview_image_url,variants",
    "max_results": 100,
}
# X serves the 800 most recent mentions at most, 100 a page.
MAX_PAGES = 8


def poll(*, account: SocialAccount) -> int:
    """Store the mentions posted since the last poll; return how many were new.

    The cursor moves only once every page is stored: a poll that stops halfway (a crash, a
    rate limit) reads the same mentions again next time, and the store drops the repeats.
    """
    now = timezone.now()
    if account.rate_limited_until and account.rate_limited_until > now:
        return 0
    if not account.bearer_token and not account.can_send:
        logger.warning("%s: not polled, no X bearer token or access token is configured", account)
        return 0
    client = client_for(account)
    cursor = account.poll_cursor if account.poll_cursor.isdigit() else None
    newest = ""
    stored = 0
    pagination_token = None
    # The first poll reads one page: months of old mentions should not all become incidents.
    for page_number in range(MAX_PAGES if cursor else 1):
        try:
            with translated_errors():
                page = client.get_users_mentions(
                    account.external_id,
                    since_id=cursor,
                    pagination_token=pagination_token,
                    user_auth=reads_as_user(account),
                    **MENTION_FIELDS,
                )
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
        meta = page.get("meta") or {}
        if page_number == 0:
            # Pages run newest first: the first one holds the highest id of the poll.
            newest = str(meta.get("newest_id") or "")
        events = events_from_timeline(page, account_id=account.external_id, addressed=True)
        stored += len(inbound_store(events=events, source="poll"))
        pagination_token = meta.get("next_token")
        if not pagination_token:
            break
    account.polled_at = now
    fields = ["polled_at"]
    if newest.isdigit() and (not cursor or int(newest) > int(cursor)):
        account.poll_cursor = newest
        fields.append("poll_cursor")
    account.save(update_fields=fields)
    return stored
