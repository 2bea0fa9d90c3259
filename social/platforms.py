"""The platforms the desk speaks, in one typed registry (as healthchecks' `TRANSPORTS`).

Each platform is declared once, at the bottom of this module: its channel id, its names and
badge, the account fields its credentials live in and the environment variables of its
default account, how long a message may be and how the platform counts it, and what it can
do. Its subpackage (`social.<platform>`) implements `PlatformProtocol` in its `platform`
module. Everything shared — intake, processing, delivery, polling, accounts, the admin, the
pages, tickets' channel choices — reads the registry and names no platform.

Adding a platform is its subpackage, its `register(Platform(...))` below, its settings (the
environment variables it declares) and its tests; the conformance suite
(`tests/social/platforms/test_conformance.py`) then checks it like the others.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from importlib import import_module
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.conf import settings

from tickets.channels import register_channel, unregister_channel

from . import bluesky, email, facebook, mastodon, twitter
from .bluesky.text import graphemes
from .listening import ListenBudget
from .twitter.text import weighted_length

if TYPE_CHECKING:
    from datetime import datetime

    from django.http import HttpRequest, HttpResponse

    from .models import SocialAccount, SocialMessage


# --- what a platform declares ----------------------------------------------------------------


@dataclass(frozen=True)
class Credential:
    """A secret the platform needs, kept encrypted in a field of `SocialAccount`."""

    field: str  # the SocialAccount field: "consumer_secret"
    label: str  # how the admin names it: "X consumer secret (API key secret)"
    setting: str  # the environment variable (and setting) of the default account's value
    sends: bool = False  # needed to post answers


@dataclass(frozen=True)
class DefaultAccount:
    """The settings, each read from the environment variable of the same name, that describe
    the platform's default account (see `social.accounts`). No account id, no default account."""

    external_id: str  # "TWITTER_ACCOUNT_ID"
    handle: str  # "TWITTER_HANDLE"
    poll: str  # "TWITTER_POLL"
    # Other fields of the account, with their settings: (("self_serve_tier", "TWITTER_SELF_SERVE_TIER"),)
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MessageLength:
    """How long one message may be, counted the platform's way (characters, X's weighted
    characters, graphemes...). Acknowledgements are checked with it."""

    limit: int
    count: Callable[[str], int] = len
    # Said to whoever wrote a text that does not fit, when the count is not plain characters.
    rule: str = ""

    def of(self, text: str) -> int:
        return self.count(text)


@dataclass(frozen=True)
class Capabilities:
    webhook: bool = False  # deliveries arrive at /social/webhooks/<channel>/
    polling: bool = False  # `poll` reads what is new, for accounts with polling on
    direct_messages: bool = False  # private conversations, answered privately
    threads: bool = False  # a long answer goes out as a thread of numbered parts
    # `find_sent` can tell whether an interrupted send went out (for some kinds at least).
    find_sent: bool = False
    # A send retried after an interruption cannot post twice (the platform deduplicates by an
    # idempotency key, or by a record key the desk chose before posting): no need to ask.
    idempotent_send: bool = False
    # Its messages carry files (an e-mail's attachments), which the desk keeps as the incident's
    # attachments: the platform's module then has `message_files(*, message)`, the files of a
    # stored message as `MessageFile`s (`social.inbox.files`).
    files: bool = False
    # Listening (issue 12): the subpackage's `platform` module also provides `listen`
    # (`social.listening.ListeningProtocol`), which hears what is said without addressing the desk.
    listening: bool = False
    # `listen` searches by the listening queries' terms; without it the platform hears what is
    # addressed to the account's page whatever the terms (the Graph API has no public search).
    keyword_search: bool = False
    # People arrive with an id and no name (Messenger, some Facebook events): the platform's
    # module has `person_names(*, account, external_ids) -> {external_id: name}`, and a worker
    # fills the names in (`social.identities.identity_names_fill`).
    names_lookup: bool = False
    # The platform can say the moment something is new over a connection held open (IMAP
    # IDLE, a streaming API): the module has `watch(*, account_id, stop, check_seconds) -> str`, which holds it
    # for an account with polling on until `stop` is set and stores (or polls) whatever it hears of
    # (`social.inbox.watch`, run by `manage.py watch_accounts`); it returns why it ended.
    watch: bool = False


@runtime_checkable
class PlatformProtocol(Protocol):
    """What a platform's subpackage implements, as the functions of its `platform` module.

    Each is called outside any transaction and row lock: it may take the network's time.
    Failures are `social.errors`; what each means for a message is decided in `social.outbox`.
    """

    def webhook(self, request: "HttpRequest") -> "HttpResponse":
        """The view of /social/webhooks/<channel>/ (with `Capabilities.webhook`): the platform's
        handshake, if it has one, and its deliveries, handed to `social.inbox.receive.receive`
        with how to authenticate them (a signature, a bearer token...) and how to parse them."""

    def poll(self, *, account: "SocialAccount") -> int:
        """Read what is new for `account` and store it with `social.inbox.store.inbound_store`
        (with `Capabilities.polling`); the number of new events. Called for accounts with
        polling on, one after the other; it keeps its own cursor on the account."""

    def rule_violation(
        self,
        *,
        account: "SocialAccount",
        message: "SocialMessage",
        replying_to: "SocialMessage | None",
        last_inbound_at: "datetime | None",
    ) -> str:
        """Why the platform would refuse `message`, as a sentence for the agent; "" when it may
        go. `replying_to` is the message it answers if the desk has it; `last_inbound_at` when
        the person last wrote in its thread."""

    def send(self, *, account: "SocialAccount", message: "SocialMessage") -> list[str]:
        """Post `message`; the platform's ids of what is now there (one per part). Raises
        `OutcomeUnknown` when it may have gone out, so it is never simply sent again."""

    def find_sent(self, *, account: "SocialAccount", message: "SocialMessage") -> list[str] | None:
        """After an interrupted attempt: the ids of `message` if it is on the platform; [] if it
        is not (sending is safe); None if the platform cannot tell for this message."""


@dataclass(frozen=True)
class Platform:
    channel: str  # the id stored in every row: "twitter" (at most 16 characters)
    label: str  # in choices and the admin: "X (Twitter)"
    name: str  # in sentences and on the badge: "X" ("Message from Jess on X", "View on X")
    badge_class: str  # Bootstrap classes of its badge: "text-bg-dark"
    implementation: str  # the module implementing PlatformProtocol: "social.twitter.platform"
    default_account: DefaultAccount
    length: MessageLength
    capabilities: Capabilities
    credentials: tuple[Credential, ...] = ()
    message_noun: str = "message"  # what one message is called there: "post"
    posting_token: str = "access token"  # noqa: S105 (what the credentials it posts with are called)
    handle_hint: str = ""  # what an account's handle is there: "@handle on X"
    # How long one delivery attempt (asking whether an interrupted one went out, then sending
    # every part) can take at most, given its client's timeouts: the outbox's lease.
    send_lease: timedelta = timedelta(minutes=5)
    # The public address of one of the account's posts: "{handle}" and "{id}" are filled in.
    post_link: str = ""
    # How many listening requests an account may make per window (with `Capabilities.listening`);
    # None: no budget beyond the platform's own rate-limit answers.
    listen_budget: ListenBudget | None = None
    # What listening hears there, for the managers' page: "Recent posts matching each query".
    listens_to: str = ""
    # A person's public profile there: "{handle}" (without its "@") and "{id}" are filled in;
    # "" where a person's id is not a public address (Facebook's page-scoped ids).
    profile_link: str = ""

    def profile_url(self, *, handle: str, external_id: str) -> str:
        handle = handle.lstrip("@")
        if not self.profile_link or ("{handle}" in self.profile_link and not handle):
            return ""
        return self.profile_link.format(handle=handle, id=external_id)

    @cached_property
    def client(self) -> PlatformProtocol:
        """The subpackage's implementation, imported on first use (it needs the models)."""
        return import_module(self.implementation)

    def can_send(self, account: "SocialAccount") -> bool:
        return all(getattr(account, c.field) for c in self.credentials if c.sends)

    def missing_credentials(self, account: "SocialAccount") -> str:
        missing = [c.setting for c in self.credentials if c.sends and not getattr(account, c.field)]
        return f"No {self.name} {self.posting_token} is configured ({' and '.join(missing)})."


class UnknownPlatform(KeyError):
    pass


# --- the registry ------------------------------------------------------------------------------

_platforms: dict[str, Platform] = {}


def register(platform: Platform) -> Platform:
    """Add a platform, and its channel to tickets' (`tickets.channels`)."""
    if platform.channel in _platforms:
        raise ValueError(f"A platform {platform.channel!r} is registered already.")
    _platforms[platform.channel] = platform
    register_channel(platform.channel, platform.label)
    return platform


def unregister(channel: str) -> None:
    """Remove a platform (tests that register one of their own)."""
    _platforms.pop(channel, None)
    unregister_channel(channel)


def registered() -> list[Platform]:
    """Every platform, in the order registered."""
    return list(_platforms.values())


def get(channel: str) -> Platform:
    try:
        return _platforms[channel]
    except KeyError:
        raise UnknownPlatform(f"No platform is registered for the channel {channel!r}.") from None


def find(channel: str) -> Platform | None:
    return _platforms.get(channel)


def channel_choices() -> list[tuple[str, str]]:
    """(channel, label) of every platform: the choices of every channel field of `social`,
    read when used, so a new platform changes no migration."""
    return [(platform.channel, platform.label) for platform in _platforms.values()]


# --- the platforms -----------------------------------------------------------------------------

register(
    Platform(
        channel=twitter.CHANNEL,
        label="X (Twitter)",
        name="X",
        badge_class="text-bg-dark",
        implementation="social.twitter.platform",
        credentials=(
            Credential("consumer_key", "X consumer key (API key)", "TWITTER_CONSUMER_KEY", sends=True),
            # Also signs X's webhook deliveries and answers its CRC challenge.
            Credential("consumer_secret", "X consumer secret (API key secret)", "TWITTER_CONSUMER_SECRET", sends=True),
            Credential("bearer_token", "X bearer token", "TWITTER_BEARER_TOKEN"),  # reads (polling)
            Credential("access_token", "X access token", "TWITTER_ACCESS_TOKEN", sends=True),
            Credential("access_token_secret", "X access token secret", "TWITTER_ACCESS_TOKEN_SECRET", sends=True),
        ),
        default_account=DefaultAccount(
            external_id="TWITTER_ACCOUNT_ID",
            handle="TWITTER_HANDLE",
            poll="TWITTER_POLL",
            options=(("self_serve_tier", "TWITTER_SELF_SERVE_TIER"),),
        ),
        length=MessageLength(
            limit=280,
            count=weighted_length,
            rule="X counts a link as 23 characters, and emoji and most characters outside Latin scripts as 2",
        ),
        capabilities=Capabilities(
            webhook=True,
            polling=True,
            direct_messages=True,
            threads=True,
            find_sent=True,
            idempotent_send=False,
            listening=True,
            keyword_search=True,
        ),
        message_noun="post",
        handle_hint="@handle on X",
        # A thread is up to 25 posts of 25 s each (the client's timeouts), after looking
        # through up to 5 pages of the account's posts for an interrupted one.
        send_lease=timedelta(minutes=15),
        post_link="https://x.com/{handle}/status/{id}",
        # Recent search on X's Basic tier: 60 requests per 15 minutes (TWITTER_SEARCH_REQUESTS
        # for another tier).
        listen_budget=ListenBudget(requests=settings.TWITTER_SEARCH_REQUESTS, window=timedelta(minutes=15)),
        listens_to="Recent posts matching any term of each query (recent search, the last 7 days)",
        profile_link="https://x.com/{handle}",
    )
)

register(
    Platform(
        channel=facebook.CHANNEL,
        label="Facebook",
        name="Facebook",
        badge_class="text-bg-primary",
        implementation="social.facebook.platform",
        credentials=(
            Credential("app_secret", "Facebook app secret", "FACEBOOK_APP_SECRET"),  # signs webhook deliveries
            Credential("verify_token", "Facebook webhook verify token", "FACEBOOK_VERIFY_TOKEN"),
            Credential("page_access_token", "Facebook page access token", "FACEBOOK_PAGE_ACCESS_TOKEN", sends=True),
        ),
        default_account=DefaultAccount(
            external_id="FACEBOOK_PAGE_ID", handle="FACEBOOK_PAGE_NAME", poll="FACEBOOK_POLL"
        ),
        # A Messenger message holds 2,000 characters, a comment 8,000: an acknowledgement may be either.
        length=MessageLength(limit=2000),
        capabilities=Capabilities(
            webhook=True,
            polling=True,
            direct_messages=True,
            threads=False,
            find_sent=True,
            idempotent_send=False,
            listening=True,
            keyword_search=False,
            names_lookup=True,
        ),
        posting_token="page access token",  # noqa: S106 (a name, not a secret)
        handle_hint="the page name on Facebook",
        # One Graph call of 10 s at most to send, after up to 10 pages of comments looked through.
        send_lease=timedelta(minutes=5),
        post_link="https://www.facebook.com/{id}",
        listens_to="Posts that tag the page, and visitors' posts on it (the Graph API has no keyword search)",
    )
)

register(
    Platform(
        channel=mastodon.CHANNEL,
        label="Mastodon",
        name="Mastodon",
        badge_class="text-bg-info",
        implementation="social.mastodon.platform",
        credentials=(Credential("access_token", "Mastodon access token", "MASTODON_ACCESS_TOKEN", sends=True),),
        # The desk's address (desk@instance) is its id and its handle; the instance is per account.
        default_account=DefaultAccount(
            external_id="MASTODON_ACCOUNT",
            handle="MASTODON_ACCOUNT",
            poll="MASTODON_POLL",
            options=(("base_url", "MASTODON_BASE_URL"),),
        ),
        # Mastodon's default limit (an instance may allow more); the reply adds the person's address.
        length=MessageLength(limit=500),
        capabilities=Capabilities(
            webhook=False,
            polling=True,
            direct_messages=True,
            threads=False,
            find_sent=True,
            idempotent_send=False,
            # The queries' #hashtags, from the instance's hashtag timelines.
            listening=True,
            keyword_search=True,
            # The user stream, where the instance offers it (`social.mastodon.stream`).
            watch=True,
        ),
        message_noun="status",
        handle_hint="user@instance on Mastodon",
        listens_to="Each query's #hashtags, from the instance's hashtag timelines",
        # One post of 25 s at most, after up to 4 calls looking for an interrupted one.
        send_lease=timedelta(minutes=3),
    )
)

register(
    Platform(
        channel=bluesky.CHANNEL,
        label="Bluesky",
        name="Bluesky",
        badge_class="text-bg-primary bg-opacity-75",
        implementation="social.bluesky.platform",
        credentials=(Credential("password", "Bluesky app password", "BLUESKY_APP_PASSWORD", sends=True),),
        # The handle is the account's id at the desk; the PDS is per account (default bsky.social).
        default_account=DefaultAccount(
            external_id="BLUESKY_HANDLE",
            handle="BLUESKY_HANDLE",
            poll="BLUESKY_POLL",
            options=(("base_url", "BLUESKY_PDS_URL"),),
        ),
        length=MessageLength(
            limit=300,
            count=graphemes,
            rule="Bluesky counts graphemes: an emoji with its modifiers, or a letter with its accents, is one",
        ),
        capabilities=Capabilities(
            webhook=False,
            polling=True,
            # Through the chat service, where the account's app password allows it.
            direct_messages=True,
            threads=True,
            find_sent=True,
            # A post is put at a record key chosen before posting and cannot go out twice, but a
            # chat message has no key of its own: an interrupted send is looked for first.
            idempotent_send=False,
            # Each query's terms, one post search each (the search matches all of its words).
            listening=True,
            keyword_search=True,
        ),
        message_noun="post",
        posting_token="app password",  # noqa: S106 (a name, not a secret)
        handle_hint="handle.bsky.social on Bluesky",
        profile_link="https://bsky.app/profile/{handle}",
        listen_budget=ListenBudget(requests=settings.BLUESKY_SEARCH_REQUESTS, window=timedelta(minutes=5)),
        listens_to="Recent posts matching each term of each query (post search)",
        # A thread of up to 10 posts of 25 s each (the client's timeouts), after logging in and
        # looking for an interrupted one (a getRecord per part).
        send_lease=timedelta(minutes=12),
    )
)

register(
    Platform(
        channel=email.CHANNEL,
        label="E-mail",
        name="E-mail",
        badge_class="text-bg-secondary",
        implementation="social.email.platform",
        # Answers go through the desk's mail server (Django's e-mail backend, EMAIL_URL): no
        # credential of the account's sends.
        credentials=(
            Credential("password", "E-mail IMAP mailbox (imaps://user:password@host/INBOX)", "EMAIL_IMAP_URL"),
            Credential("bearer_token", "E-mail inbound token (webhook bearer token)", "EMAIL_INBOUND_TOKEN"),
        ),
        # The desk's address is its id and its handle.
        default_account=DefaultAccount(
            external_id="EMAIL_DESK_ADDRESS", handle="EMAIL_DESK_ADDRESS", poll="EMAIL_POLL"
        ),
        # Nothing limits a mail's length; an acknowledgement is kept to a screenful.
        length=MessageLength(limit=5000),
        capabilities=Capabilities(
            webhook=True,
            polling=True,
            direct_messages=True,
            threads=False,
            find_sent=False,
            idempotent_send=False,
            files=True,
            watch=True,
        ),
        message_noun="mail",
        posting_token="mail server",  # noqa: S106 (a name, not a secret)
        handle_hint="the desk's address: servicedesk@example.org",
        # One SMTP conversation: connecting, then each command within EMAIL_TIMEOUT.
        send_lease=timedelta(minutes=3),
    )
)
