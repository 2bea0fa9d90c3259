"""Demo listening (`manage.py demo_data`): queries per service and a few dozen posts heard on
the demo accounts, so the Listening page means something at first sight. Idempotent."""

import random
from datetime import timedelta

from django.utils import timezone

from social import platforms
from social.events import Kind, ParsedEvent
from social.listening import Heard
from social.simulator import ensure_demo_accounts

from .models import HeardMessage, ListeningQuery

QUERIES = [
    # name, service, terms
    ("VPN", "VPN", "vpn\nremote access\n#vpndown"),
    ("Email", "Email", "outlook\nemail\nmailbox"),
    ("Wi-Fi", "Wi-Fi", "wifi\nwi-fi\nwireless"),
    ("The organisation", None, "Acme IT\n#AcmeIT\nAcme service desk"),
]

POSTS = [
    ("VPN", "is the acme vpn down again? third drop this morning"),
    ("VPN", "remote access has been rock solid this week, nice one Acme IT"),
    ("VPN", "anyone else's vpn super slow from home today?"),
    ("VPN", "#vpndown again. can't reach anything internal"),
    ("VPN", "new vpn client installed in 2 minutes, painless"),
    ("VPN", "is the vpn maintenance tonight or tomorrow?"),
    ("Email", "outlook keeps asking for my password every ten minutes"),
    ("Email", "email with attachments bouncing since lunch, anyone?"),
    ("Email", "mailbox finally migrated, search is so much faster"),
    ("Email", "does the new email retention policy start in January?"),
    ("Email", "outlook calendar not syncing to my phone since the update"),
    ("Wi-Fi", "wifi on the 3rd floor is unusable again"),
    ("Wi-Fi", "the new wireless in the canteen is great"),
    ("Wi-Fi", "wi-fi keeps dropping in meeting room B"),
    ("Wi-Fi", "which wifi network should guests use?"),
    ("The organisation", "Acme IT fixed my laptop in ten minutes, thank you!"),
    ("The organisation", "waiting 3 days for Acme IT to answer my ticket"),
    ("The organisation", "#AcmeIT great job on the email outage yesterday"),
    ("The organisation", "Acme service desk phone line just rings out"),
    ("The organisation", "shoutout to the Acme service desk for the quick password reset"),
]
AUTHORS = [
    ("jo_w", "Jo W."),
    ("priya_k", "Priya K."),
    ("mtorres", "Marco Torres"),
    ("lin_dev", "Lin"),
    ("sam_r", "Sam R."),
]


def load(sender=None, users=None, services=None, **kwargs) -> None:
    manager = users["manager"]
    services_by_name = services or {}
    queries = {}
    for name, service, terms in QUERIES:
        query = ListeningQuery.objects.filter(name=name).first()
        if query is None:
            query = _services().query_create(
                name=name, terms=terms, service=services_by_name.get(service), actor=manager
            )
        queries[name] = query
    if HeardMessage.objects.exists():
        return
    rng = random.Random(12)
    now = timezone.now()
    for account in ensure_demo_accounts():
        platform = platforms.get(account.channel)
        if not platform.capabilities.listening:
            continue
        heard = []
        for round_ in range(2 if platform.capabilities.keyword_search else 1):
            for index, (query_name, text) in enumerate(POSTS):
                handle, name = AUTHORS[(index + round_) % len(AUTHORS)]
                external_id = f"demo-heard-{account.pk}-{round_}-{index}"
                heard.append(
                    Heard(
                        search_key=queries[query_name].search_key if platform.capabilities.keyword_search else "",
                        event=ParsedEvent(
                            channel=account.channel,
                            account_id=account.external_id,
                            external_id=external_id,
                            kind=Kind.MENTION if platform.capabilities.keyword_search else Kind.POST,
                            author_id=f"demo-author-{handle}",
                            author_handle=f"@{handle}" if platform.capabilities.keyword_search else "",
                            author_name=name,
                            text=text,
                            created_at=now - timedelta(minutes=rng.randint(3, 60 * 48)),
                            thread_key=external_id,
                        ),
                    )
                )
        _services().heard_store(account=account, heard=heard, queries={q.search_key: q for q in queries.values()})


def _services():
    from . import services as listening_services  # `services` is also the demo signal's argument

    return listening_services
