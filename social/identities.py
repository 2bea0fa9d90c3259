"""Names for the people a platform introduced by id alone (Messenger's "4004"): looked up by
a worker on the platforms that can (`Capabilities.names_lookup`), with an account that holds
the credentials to ask. The identity gets the name, and so does its contact while the
contact is still called by the bare id."""

import logging

from django.core.cache import cache
from django.db import transaction

from tickets.models import Contact

from . import platforms
from .errors import SendError
from .models import Direction, SocialAccount, SocialIdentity, SocialMessage

logger = logging.getLogger(__name__)

NAMES_PER_RUN = 50
# An id the platform would not name is asked again a day later, not on every run.
MISS_SECONDS = 24 * 3600


def _miss_key(channel: str, external_id: str) -> str:
    return f"social:nameless:{channel}:{external_id}"


def identity_names_fill(*, limit: int = NAMES_PER_RUN) -> int:
    """Look up the names of up to `limit` nameless people per platform; the number named.
    Safe to run twice: a named identity is no longer nameless. The platform is called
    outside any transaction."""
    named = 0
    for platform in platforms.registered():
        if not platform.capabilities.names_lookup:
            continue
        accounts = [
            a for a in SocialAccount.objects.filter(channel=platform.channel, active=True) if platform.can_send(a)
        ]
        if not accounts:
            continue  # no token to ask with: the names wait for one
        nameless = [
            identity
            for identity in SocialIdentity.objects.filter(channel=platform.channel, display_name="").order_by("id")[
                : limit * 2
            ]
            if cache.get(_miss_key(platform.channel, identity.external_id)) is None
        ][:limit]
        if not nameless:
            continue
        # Each person is asked about through the account they last wrote to (ids are per page).
        last_account = dict(
            SocialMessage.objects.filter(identity__in=nameless, direction=Direction.INBOUND)
            .order_by("identity_id", "created_at")
            .values_list("identity_id", "account_external_id")
        )
        by_account: dict[str, list[SocialIdentity]] = {}
        known = {a.external_id: a for a in accounts}
        for identity in nameless:
            account_id = last_account.get(identity.pk)
            by_account.setdefault(account_id if account_id in known else accounts[0].external_id, []).append(identity)
        for account_id, identities in by_account.items():
            try:
                names = platform.client.person_names(
                    account=known[account_id], external_ids=[i.external_id for i in identities]
                )
            except SendError as error:
                logger.info("Names on %s not looked up now: %s", platform.name, error)
                continue
            for identity in identities:
                name = names.get(identity.external_id)
                if name:
                    _name(identity, name)
                    named += 1
                else:
                    cache.set(_miss_key(platform.channel, identity.external_id), 1, MISS_SECONDS)
    return named


def _name(identity: SocialIdentity, name: str) -> None:
    with transaction.atomic():
        SocialIdentity.objects.filter(pk=identity.pk, display_name="").update(display_name=name)
        # The contact keeps a name somebody gave it; only the bare id (or handle) is replaced.
        Contact.objects.filter(
            pk=identity.contact_id, name__in=[identity.external_id, identity.handle or identity.external_id]
        ).update(name=name)
