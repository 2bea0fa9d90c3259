"""Which accounts the desk answers for, on every platform.

The default account of each platform comes from the environment: the settings its declaration
names (`social.platforms`: TWITTER_ACCOUNT_ID and the rest for X...). It is kept as a row like
those added in the admin, so messages, polling cursors and token errors have one place to
live. `sync_environment_accounts()` writes the environment's values over the row on start-up
(migrate, worker and web start) and whenever it is asked for.
"""

import time

from django.conf import settings
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import platforms
from .crypto import EncryptedTextField
from .models import SocialAccount

# Every encrypted field of an account: the platforms' credentials live in them.
TOKEN_FIELDS = tuple(f.name for f in SocialAccount._meta.get_fields() if isinstance(f, EncryptedTextField))


def _environment_accounts() -> list[dict]:
    """The values of each platform's default account, for the platforms whose settings name one."""
    accounts = []
    for platform in platforms.registered():
        declared = platform.default_account
        external_id = getattr(settings, declared.external_id, "")
        if not external_id:
            continue
        accounts.append(
            {
                "channel": platform.channel,
                "external_id": external_id,
                "handle": getattr(settings, declared.handle, ""),
                **{credential.field: getattr(settings, credential.setting, "") for credential in platform.credentials},
                **{name: getattr(settings, setting) for name, setting in declared.options},
                "poll_enabled": getattr(settings, declared.poll, False),
            }
        )
    return accounts


def sync_environment_accounts() -> list[SocialAccount]:
    """Create or update the accounts the environment describes. Idempotent."""
    synced = []
    with transaction.atomic():
        for values in _environment_accounts():
            key = {"channel": values.pop("channel"), "external_id": values.pop("external_id")}
            account = SocialAccount.objects.select_for_update().filter(**key).first() or SocialAccount(**key)
            changed = account.pk is None
            for name, value in values.items():
                if getattr(account, name) != value:
                    setattr(account, name, value)
                    changed = True
                    if name in TOKEN_FIELDS:
                        account.token_error = ""  # a new token deserves a new chance
            if changed:
                account.save()
            synced.append(account)
    return synced


_synced = False


def _ensure_synced() -> None:
    global _synced
    if not _synced:
        sync_environment_accounts()
        _synced = True


@receiver(setting_changed)
def _resync_on_setting_change(**kwargs):
    global _synced
    _synced = False
    _secrets.clear()


def account_for(*, channel: str, external_id: str) -> SocialAccount | None:
    """The active account an event was delivered for, or None if it is not one of ours."""
    _ensure_synced()
    return SocialAccount.objects.filter(channel=channel, external_id=external_id, active=True).first()


def configured_accounts(channels) -> set[tuple[str, str]]:
    """(channel, external id) of the active accounts of `channels`, without decrypting tokens."""
    _ensure_synced()
    return set(SocialAccount.objects.filter(channel__in=channels, active=True).values_list("channel", "external_id"))


def accounts_of(channel: str) -> list[SocialAccount]:
    _ensure_synced()
    return list(SocialAccount.objects.filter(channel=channel, active=True))


# The webhooks check every delivery's signature against the accounts' secrets: reading and
# decrypting them for each request would cost more than storing the event. Each process
# keeps them a few seconds; a change saved here clears the copy at once, other processes
# see it within WEBHOOK_SECRETS_TTL.
WEBHOOK_SECRETS_TTL = 5.0
_secrets: dict[tuple[str, str], tuple[float, list[str]]] = {}


def webhook_secrets(channel: str, field: str) -> list[str]:
    """The distinct non-empty `field` values (consumer_secret, app_secret, verify_token) of the
    active accounts of `channel`."""
    now = time.monotonic()
    cached = _secrets.get((channel, field))
    if cached is None or cached[0] < now:
        values = list(dict.fromkeys(getattr(a, field) for a in accounts_of(channel) if getattr(a, field)))
        cached = _secrets[(channel, field)] = (now + WEBHOOK_SECRETS_TTL, values)
    return cached[1]


@receiver(post_save, sender=SocialAccount, dispatch_uid="social.accounts.saved")
@receiver(post_delete, sender=SocialAccount, dispatch_uid="social.accounts.deleted")
def clear_webhook_secrets(**kwargs) -> None:
    _secrets.clear()


def account_save(
    *, account: SocialAccount, tokens: dict[str, str] | None = None, forget: list[str] | tuple[str, ...] = ()
) -> SocialAccount:
    """Save an account edited in the admin: each non-empty token of `tokens` replaces the
    stored one (an empty one keeps it), each of `forget` is erased. A token that changed
    clears the token error: the banner goes until the platform refuses the new one."""
    tokens = tokens or {}
    unknown = (set(tokens) | set(forget)) - set(TOKEN_FIELDS)
    if unknown:
        raise ValueError(f"Not a token of a social account: {', '.join(sorted(unknown))}")
    changed = False
    for name, value in tokens.items():
        if value and value != getattr(account, name):
            setattr(account, name, value)
            changed = True
    for name in forget:
        if getattr(account, name):
            setattr(account, name, "")
            changed = True
    if changed:
        account.token_error = ""
        account.token_error_at = None
    account.full_clean()
    account.save()
    return account
