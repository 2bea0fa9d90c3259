"""A stand-in Mastodon instance for the simulator and the benchmarks (`social.standins`):
the notifications API the desk polls (with `types[]`, `since_id`, `max_id`, `limit`), posting
a status (an `Idempotency-Key` repeated gets the first status back), and the account calls
`find_sent` makes. People write from other instances; the desk is `servicedesk@mastodon.demo`.
"""

import copy
import html
from datetime import UTC, datetime

from django.db import transaction

from ..models import SocialAccount
from ..simulator import FOLLOW_UPS, PEOPLE, PROBLEMS
from ..standins import StandIn as BaseStandIn
from ..standins import form_or_json
from . import CHANNEL

DESK = "servicedesk@mastodon.demo"
TOKEN = "demo-mastodon-token"  # noqa: S105 (the stand-in's own, for the demo account)
DESK_ID = "100000"


class StandIn(BaseStandIn):
    channel = CHANNEL

    def __init__(self, *, seed=None):
        super().__init__(seed=seed)
        self.sequence = int(datetime.now(UTC).timestamp() * 1000) << 16
        self.notification_id = 0
        self.notifications: list[dict] = []  # oldest first
        self.statuses: dict[str, dict] = {}
        self.desk_statuses: list[str] = []
        self.by_key: dict[str, str] = {}
        self.read_up_to = 0

    def _id(self) -> str:
        self.sequence += self.random.randrange(1, 1 << 12)
        return str(self.sequence)

    @staticmethod
    def _account(acct: str, name: str, account_id: str) -> dict:
        user, _, domain = acct.partition("@")
        return {
            "id": account_id,
            "username": user,
            "acct": acct,
            "display_name": name,
            "url": f"https://{domain or 'mastodon.demo'}/@{user}",
        }

    def _status(self, *, account: dict, text: str, mention: dict | None, in_reply_to: str | None, visibility: str):
        status_id = self._id()
        mentions, prefix = [], ""
        if mention is not None:
            mentions = [
                {"id": mention["id"], "username": mention["username"], "acct": mention["acct"], "url": mention["url"]}
            ]
            prefix = (
                f'<span class="h-card" translate="no"><a href="{mention["url"]}" class="u-url mention">'
                f"@<span>{html.escape(mention['username'])}</span></a></span> "
            )
        status = {
            "id": status_id,
            "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "in_reply_to_id": in_reply_to,
            "in_reply_to_account_id": self.statuses[in_reply_to]["account"]["id"] if in_reply_to else None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": visibility,
            "language": "en",
            "uri": f"{account['url']}/statuses/{status_id}",
            "url": f"{account['url']}/{status_id}",
            "edited_at": None,
            "content": f"<p>{prefix}{html.escape(text)}</p>",
            "account": account,
            "mentions": mentions,
            "tags": [],
            "emojis": [],
        }
        self.statuses[status_id] = status
        return status

    def _desk(self) -> dict:
        return self._account("servicedesk", "Service Desk (demo)", DESK_ID)

    def _person(self, index: int) -> dict:
        name, handle = PEOPLE[index]
        return self._account(f"{handle}@social.example", name, str(200 + index))

    def _notify(self, status: dict, kind: str = "mention") -> None:
        self.notification_id += 1
        self.notifications.append(
            {
                "id": str(self.notification_id),
                "type": kind,
                "created_at": status["created_at"],
                "account": status["account"],
                "status": copy.deepcopy(status),  # the status as it was then
            }
        )

    # --- made-up messages ----------------------------------------------------------------------------

    def next(self) -> str:
        roll = self.random.random()
        people_statuses = [s for s in self.statuses.values() if s["account"]["id"] != DESK_ID]
        if roll < 0.3 and self.desk_statuses:
            answered = self.statuses[self.random.choice(self.desk_statuses[-50:])]
            person = next((m for m in answered["mentions"]), None)
            if person is not None:
                index = int(person["id"]) - 200
                status = self._status(
                    account=self._person(index),
                    text=self.random.choice(FOLLOW_UPS),
                    mention={**self._desk(), "acct": DESK},
                    in_reply_to=answered["id"],
                    visibility=answered["visibility"],
                )
                self._notify(status)
                return "reply"
        if roll < 0.4 and people_statuses:
            earlier = self.random.choice(people_statuses[-50:])
            earlier["content"] = earlier["content"].replace("</p>", " (edited: it got worse)</p>")
            earlier["edited_at"] = datetime.now(UTC).isoformat().replace("+00:00", "Z")
            self._notify(earlier, "update")
            return "edit"
        index = self.random.randrange(len(PEOPLE))
        visibility = "direct" if roll > 0.8 else self.random.choice(["public", "public", "unlisted"])
        status = self._status(
            account=self._person(index),
            text=self.random.choice(PROBLEMS),
            mention={**self._desk(), "acct": DESK},
            in_reply_to=None,
            visibility=visibility,
        )
        self._notify(status)
        return "dm" if visibility == "direct" else "mention"

    def mention(self, text: str) -> str:
        with self.lock:
            status = self._status(
                account=self._person(self.random.randrange(len(PEOPLE))),
                text=text,
                mention={**self._desk(), "acct": DESK},
                in_reply_to=None,
                visibility="public",
            )
            self._notify(status)
        return status["id"]

    def pending(self) -> int:
        with self.lock:
            return sum(1 for n in self.notifications if int(n["id"]) > self.read_up_to)

    # --- the API ---------------------------------------------------------------------------------------

    def handle(self, method, path, query, headers, body):
        if headers.get("Authorization") != f"Bearer {TOKEN}":
            return 401, {"error": "The access token is invalid"}
        if method == "GET" and path == "/api/v1/notifications":
            return 200, self._notifications(query)
        if method == "POST" and path == "/api/v1/statuses":
            return self._post(form_or_json(body, headers), headers.get("Idempotency-Key") or "")
        if method == "GET" and path == "/api/v1/accounts/verify_credentials":
            return 200, self._desk()
        if method == "GET" and path == f"/api/v1/accounts/{DESK_ID}/statuses":
            limit = int((query.get("limit") or ["20"])[0])
            return 200, [self.statuses[i] for i in reversed(self.desk_statuses)][:limit]
        return 404, {"error": "Record not found"}

    def _notifications(self, query) -> list[dict]:
        types = set(query.get("types[]") or [])
        since = int((query.get("since_id") or ["0"])[0] or 0)
        below = int((query.get("max_id") or ["0"])[0] or 0)
        limit = min(int((query.get("limit") or ["40"])[0]), 80)
        found = [
            n
            for n in reversed(self.notifications)
            if int(n["id"]) > since and (not below or int(n["id"]) < below) and (not types or n["type"] in types)
        ][:limit]
        if found:
            self.read_up_to = max(self.read_up_to, int(found[0]["id"]))
        return found

    def _post(self, data: dict, key: str) -> tuple[int, dict]:
        if key and key in self.by_key:
            return 200, self.statuses[self.by_key[key]]
        text = str(data.get("status") or "").strip()
        if not text:
            return 422, {"error": "Validation failed: Text can't be blank"}
        in_reply_to = data.get("in_reply_to_id") or None
        if in_reply_to and in_reply_to not in self.statuses:
            return 404, {"error": "Record not found"}
        answered = self.statuses.get(in_reply_to) if in_reply_to else None
        mention = answered["account"] if answered else None
        words = text.split(" ", 1)[1] if mention and text.startswith("@") and " " in text else text
        status = self._status(
            account=self._desk(),
            text=words,
            mention=mention,
            in_reply_to=in_reply_to,
            visibility=str(data.get("visibility") or "public"),
        )
        self.desk_statuses.append(status["id"])
        if key:
            self.by_key[key] = status["id"]
        return 200, status

    def ensure_demo_account(self) -> SocialAccount:
        with transaction.atomic():
            account, _ = SocialAccount.objects.update_or_create(
                channel=CHANNEL,
                external_id=DESK,
                defaults={
                    "handle": f"@{DESK}",
                    "base_url": self.base_url,
                    "access_token": TOKEN,
                    "poll_enabled": True,
                    "poll_cursor": "",  # this server's notification ids start again at 1
                    "active": True,
                    "token_error": "",
                    "rate_limited_until": None,
                },
            )
        return account
