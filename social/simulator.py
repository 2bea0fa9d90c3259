"""Realistic, correctly signed X and Facebook webhook deliveries, for `make run` and the
benchmarks: the desk shows incidents arriving with no external account.

Payloads have the platforms' own shapes (X Account Activity `tweet_create_events` and
`direct_message_events`; Facebook `feed` changes and Messenger `messaging`), signed the way
each platform signs them, with the secrets of the demo accounts.
"""

import json
import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import transaction

from .facebook.signature import sign as sign_facebook
from .models import SocialAccount
from .twitter.signature import sign as sign_twitter

DEMO_X_ID = "1500000000000000001"
DEMO_X_HANDLE = "servicedesk_demo"
DEMO_PAGE_ID = "100000000000001"
DEMO_PAGE_NAME = "Service Desk (demo)"

# The people who write to the desk in every simulation and demo (the stand-ins, the mail
# simulator, intelligence.demo's VPN episode): one crowd, so the pages show the same names.
PEOPLE = [
    ("Jess Moreau", "jess_m"),
    ("Kim Osei", "kimosei"),
    ("Ravi Shah", "ravi_s"),
    ("Ana Lima", "analima"),
    ("Tom Becker", "tbecker"),
    ("Mia Novak", "mianovak"),
    ("Sam Quinn", "samq"),
    ("Lea Costa", "leacosta"),
    ("Omar Haddad", "omarh"),
    ("Nina Berg", "ninaberg"),
    ("Ivo Petrov", "ivop"),
    ("Zoe Adams", "zoe_a"),
    ("Jo Walsh", "jo_w"),
    ("Priya Kumar", "priya_k"),
    ("Marco Torres", "mtorres"),
    ("Lin Chen", "lin_dev"),
    ("Dana Whitfield", "danaw"),
    ("Ivo Marin", "ivom"),
    ("Kai Berger", "kaib"),
    ("Elena Rossi", "erossi"),
    ("Finn Olsen", "finno"),
    ("Grace Park", "gpark"),
    ("Hugo Meyer", "hmeyer"),
    ("Iris Kovac", "ikovac"),
    ("Jonas Lund", "jlund"),
]
PROBLEMS = [
    "my VPN drops every 5 minutes since this morning",
    "can't log in to the expense portal, it says my account is locked",
    "the printer on floor 3 is jammed again and nobody answers the phone",
    "Outlook keeps asking for my password, tried everything",
    "wifi in building B is painfully slow today",
    "my laptop won't boot after last night's update 😡",
    "Teams calls keep freezing, is something down?",
    "the new HR portal shows a blank page in Firefox",
    "I need access to the finance share, who approves it?",
    "password reset email never arrives",
    "great job fixing the email outage so fast, thank you!",
    "third time this week the intranet is down. seriously??",
]
FOLLOW_UPS = [
    "still broken, any news?",
    "here is the error: 0x80070005",
    "restarting did not help",
    "it works now, thanks!",
    "same for my colleague next desk",
    "this is getting urgent, I have a client call at 3",
    "tried another browser, same thing",
    "thanks for the quick answer 👍",
]


def ensure_demo_accounts() -> tuple[SocialAccount, SocialAccount]:
    """The demo X account and Facebook page the simulator writes to (no tokens to post with:
    answers stay queued, with the reason shown). Idempotent."""
    with transaction.atomic():
        x, _ = SocialAccount.objects.get_or_create(
            channel="twitter",
            external_id=DEMO_X_ID,
            defaults={"handle": f"@{DEMO_X_HANDLE}", "consumer_secret": secrets.token_urlsafe(32)},
        )
        page, _ = SocialAccount.objects.get_or_create(
            channel="facebook",
            external_id=DEMO_PAGE_ID,
            defaults={
                "handle": DEMO_PAGE_NAME,
                "app_secret": secrets.token_urlsafe(32),
                "verify_token": secrets.token_urlsafe(16),
            },
        )
    return x, page


@dataclass
class Delivery:
    path: str
    body: bytes
    headers: dict[str, str]
    kind: str


@dataclass
class Simulator:
    x_secret: str
    app_secret: str
    seed: int | None = None
    duplicate_rate: float = 0.03
    # What was said so far, to reply to: (platform id, author index, thread info).
    tweets: list[tuple[str, int]] = field(default_factory=list)
    dms: list[int] = field(default_factory=list)
    posts: list[tuple[str, int]] = field(default_factory=list)
    sent: list[Delivery] = field(default_factory=list)

    def __post_init__(self):
        self.random = random.Random(self.seed)
        self.counter = int(time.time() * 1000) * 1000 + self.random.randrange(1000)

    def _id(self) -> str:
        self.counter += self.random.randrange(1, 50)
        return str(self.counter)

    def next(self) -> Delivery:
        if self.sent and self.random.random() < self.duplicate_rate:
            delivery = self.random.choice(self.sent[-200:])
            return Delivery(delivery.path, delivery.body, delivery.headers, "duplicate")
        roll = self.random.random()
        if roll < 0.35 or not self.tweets:
            delivery = self._mention()
        elif roll < 0.55:
            delivery = self._tweet_reply()
        elif roll < 0.65:
            delivery = self._dm()
        elif roll < 0.77 or not self.posts:
            delivery = self._page_post()
        elif roll < 0.92:
            delivery = self._comment()
        else:
            delivery = self._messenger()
        self.sent.append(delivery)
        del self.sent[:-1000]
        return delivery

    # --- X -----------------------------------------------------------------------------------

    def _person(self) -> int:
        return self.random.randrange(len(PEOPLE))

    @staticmethod
    def _user(index: int) -> dict:
        name, handle = PEOPLE[index]
        return {"id": 2000 + index, "id_str": str(2000 + index), "name": name, "screen_name": handle}

    def _tweet(self, index: int, text: str, in_reply_to: str | None = None) -> dict:
        tweet_id = self._id()
        now = datetime.now(UTC)
        return {
            "created_at": now.strftime("%a %b %d %H:%M:%S +0000 %Y"),
            "id": int(tweet_id),
            "id_str": tweet_id,
            "text": text,
            "truncated": False,
            "in_reply_to_status_id": int(in_reply_to) if in_reply_to else None,
            "in_reply_to_status_id_str": in_reply_to,
            "in_reply_to_user_id_str": DEMO_X_ID if in_reply_to else None,
            "in_reply_to_screen_name": DEMO_X_HANDLE if in_reply_to else None,
            "user": self._user(index),
            "entities": {
                "hashtags": [],
                "urls": [],
                "user_mentions": [{"id_str": DEMO_X_ID, "screen_name": DEMO_X_HANDLE, "indices": [0, 17]}],
            },
            "timestamp_ms": str(int(now.timestamp() * 1000)),
        }

    def _x_delivery(self, payload: dict, kind: str) -> Delivery:
        body = json.dumps(payload).encode()
        return Delivery(
            "/social/webhooks/twitter/",
            body,
            {"x-twitter-webhooks-signature": sign_twitter(body=body, consumer_secret=self.x_secret)},
            kind,
        )

    def _mention(self) -> Delivery:
        index = self._person()
        tweet = self._tweet(index, f"@{DEMO_X_HANDLE} {self.random.choice(PROBLEMS)}")
        self.tweets.append((tweet["id_str"], index))
        return self._x_delivery({"for_user_id": DEMO_X_ID, "tweet_create_events": [tweet]}, "mention")

    def _tweet_reply(self) -> Delivery:
        parent, index = self.random.choice(self.tweets[-100:])
        tweet = self._tweet(index, f"@{DEMO_X_HANDLE} {self.random.choice(FOLLOW_UPS)}", in_reply_to=parent)
        self.tweets.append((tweet["id_str"], index))
        return self._x_delivery({"for_user_id": DEMO_X_ID, "tweet_create_events": [tweet]}, "reply")

    def _dm(self) -> Delivery:
        index = self.random.choice(self.dms) if self.dms and self.random.random() < 0.5 else self._person()
        text = self.random.choice(FOLLOW_UPS if index in self.dms else PROBLEMS)
        self.dms.append(index)
        user = self._user(index)
        payload = {
            "for_user_id": DEMO_X_ID,
            "direct_message_events": [
                {
                    "type": "message_create",
                    "id": self._id(),
                    "created_timestamp": str(int(time.time() * 1000)),
                    "message_create": {
                        "target": {"recipient_id": DEMO_X_ID},
                        "sender_id": user["id_str"],
                        "message_data": {"text": text, "entities": {"user_mentions": [], "urls": []}},
                    },
                }
            ],
            "users": {
                user["id_str"]: {"id": user["id_str"], "name": user["name"], "screen_name": user["screen_name"]},
                DEMO_X_ID: {"id": DEMO_X_ID, "name": "Service Desk", "screen_name": DEMO_X_HANDLE},
            },
        }
        return self._x_delivery(payload, "dm")

    # --- Facebook ---------------------------------------------------------------------------------

    def _fb_delivery(self, entry: dict, kind: str) -> Delivery:
        body = json.dumps({"object": "page", "entry": [entry]}).encode()
        return Delivery(
            "/social/webhooks/facebook/",
            body,
            {"X-Hub-Signature-256": sign_facebook(body=body, app_secret=self.app_secret)},
            kind,
        )

    def _from(self, index: int) -> dict:
        return {"id": str(3000 + index), "name": PEOPLE[index][0]}

    def _page_post(self) -> Delivery:
        index = self._person()
        post_id = f"{DEMO_PAGE_ID}_{self._id()}"
        self.posts.append((post_id, index))
        value = {
            "item": "status",
            "verb": "add",
            "post_id": post_id,
            "from": self._from(index),
            "published": 1,
            "created_time": int(time.time()),
            "message": self.random.choice(PROBLEMS),
        }
        return self._fb_delivery(
            {"id": DEMO_PAGE_ID, "time": int(time.time()), "changes": [{"field": "feed", "value": value}]}, "post"
        )

    def _comment(self) -> Delivery:
        post_id, index = self.random.choice(self.posts[-100:])
        value = {
            "item": "comment",
            "verb": "add",
            "comment_id": f"{post_id.split('_')[1]}_{self._id()}",
            "post_id": post_id,
            "parent_id": post_id,
            "from": self._from(index),
            "created_time": int(time.time()),
            "message": self.random.choice(FOLLOW_UPS),
        }
        return self._fb_delivery(
            {"id": DEMO_PAGE_ID, "time": int(time.time()), "changes": [{"field": "feed", "value": value}]},
            "comment",
        )

    def _messenger(self) -> Delivery:
        index = self._person()
        now_ms = int(time.time() * 1000)
        event = {
            "sender": {"id": str(4000 + index)},
            "recipient": {"id": DEMO_PAGE_ID},
            "timestamp": now_ms,
            "message": {"mid": f"m_{self._id()}", "text": self.random.choice(PROBLEMS)},
        }
        return self._fb_delivery({"id": DEMO_PAGE_ID, "time": now_ms, "messaging": [event]}, "messenger")
