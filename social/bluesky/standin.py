"""A stand-in PDS for the simulator and the benchmarks (`social.standins`): logging in and
refreshing the session, listNotifications (newest first, paged with a cursor, filtered by
reason), the desk's repository (`putRecord` at a chosen key: the same record again is one
record; `getRecord`), and the chat service behind the `atproto-proxy` header (getLog from a
cursor, sendMessage, getMessages), one conversation per person. The desk is
`servicedesk.bsky.demo`."""

import base64
import hashlib
import json
import time
from datetime import UTC, datetime

from django.db import transaction

from ..models import SocialAccount
from ..simulator import FOLLOW_UPS, PEOPLE, PROBLEMS
from ..standins import StandIn as BaseStandIn
from ..standins import form_or_json
from . import CHANNEL
from .text import mention_facet

DESK = "servicedesk.bsky.demo"
DESK_DID = "did:plc:servicedeskdemo0000000000"
PASSWORD = "demo-bluesky-app-password"  # noqa: S105 (the stand-in's own, for the demo account)
POST = "app.bsky.feed.post"
CHAT_PROXY = "did:web:api.bsky.chat#bsky_chat"


def _token(kind: str, seconds: int) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    now = int(time.time())
    claims = {"scope": kind, "sub": DESK_DID, "iat": now, "exp": now + seconds, "jti": str(time.time_ns())}
    return f"{part({'alg': 'ES256K'})}.{part(claims)}.c3RhbmQtaW4"


def _cid(record: dict) -> str:
    return "bafyrei" + hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:52]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StandIn(BaseStandIn):
    channel = CHANNEL

    def __init__(self, *, seed=None):
        super().__init__(seed=seed)
        self.notifications: list[dict] = []  # oldest first
        self.posts: dict[str, dict] = {}  # uri → {uri, cid, author, record}
        self.repo: dict[str, dict] = {}  # the desk's posts by record key
        self.tokens: set[str] = set()
        self.read = 0  # notifications served at least once
        self.sequence = 0
        self.chat_log: list[dict] = []  # oldest first; a cursor is a position in it
        self.chat_read = 0  # log entries served at least once
        self.convos: dict[str, list[dict]] = {}  # conversation id → its messages, oldest first

    def _rkey(self) -> str:
        self.sequence += 1
        return f"3l{self.sequence:011d}".replace("0", "a").replace("1", "b").replace("8", "c").replace("9", "d")

    @staticmethod
    def _author(index: int) -> dict:
        name, handle = PEOPLE[index]
        return {
            "did": f"did:plc:demo{handle.replace('_', '')[:12]:0<12}{index:012d}",
            "handle": f"{handle}.bsky.social",
            "displayName": name,
        }

    def _post(self, index: int, text: str, *, reply_to: dict | None, reason: str) -> str:
        author = self._author(index)
        if reason == "mention":
            text = f"@{DESK} {text}"
        record = {"$type": POST, "text": text, "createdAt": _now(), "langs": ["en"]}
        facet = mention_facet(text, DESK, DESK_DID)
        if facet:
            record["facets"] = [facet]
        if reply_to is not None:
            root = (reply_to["record"].get("reply") or {}).get("root") or {
                "uri": reply_to["uri"],
                "cid": reply_to["cid"],
            }
            record["reply"] = {"root": root, "parent": {"uri": reply_to["uri"], "cid": reply_to["cid"]}}
        uri = f"at://{author['did']}/{POST}/{self._rkey()}"
        post = {"uri": uri, "cid": _cid(record), "author": author, "record": record}
        self.posts[uri] = post
        self.notifications.append(
            {
                **post,
                "reason": reason,
                "reasonSubject": reply_to["uri"] if reply_to else None,
                "isRead": False,
                "indexedAt": _now(),
                "labels": [],
            }
        )
        return uri

    def _chat(self, convo: str, sender: dict, text: str) -> dict:
        self.sequence += 1
        message = {
            "$type": "chat.bsky.convo.defs#messageView",
            "id": f"3m{self.sequence:011d}",
            "rev": f"{len(self.chat_log) + 1:013d}",
            "text": text,
            "sender": {"did": sender["did"]},
            "sentAt": _now(),
        }
        self.convos.setdefault(convo, []).append(message)
        self.chat_log.append(
            {
                "$type": "chat.bsky.convo.defs#logCreateMessage",
                "rev": message["rev"],
                "convoId": convo,
                "message": message,
                "relatedProfiles": [sender],
            }
        )
        return message

    def _direct_message(self, index: int) -> str:
        """A message from person `index` in their conversation with the desk: a follow-up once
        the desk has answered there, else a problem."""
        author = self._author(index)
        convo = f"convo{index:04d}"
        answered = any(m["sender"]["did"] == DESK_DID for m in self.convos.get(convo, []))
        self._chat(convo, author, self.random.choice(FOLLOW_UPS if answered else PROBLEMS))
        return "reply" if answered else "dm"

    def next(self) -> str:
        roll = self.random.random()
        if roll > 0.85:
            return self._direct_message(self.random.randrange(len(PEOPLE)))
        desk_posts = [p for p in self.posts.values() if p["author"]["did"] == DESK_DID]
        if roll < 0.35 and desk_posts:
            answered = self.random.choice(desk_posts[-50:])
            person = next((f["features"][0]["did"] for f in answered["record"].get("facets", [])), "")
            index = next((i for i in range(len(PEOPLE)) if self._author(i)["did"] == person), None)
            if index is not None:
                self._post(index, self.random.choice(FOLLOW_UPS), reply_to=answered, reason="reply")
                return "reply"
        self._post(self.random.randrange(len(PEOPLE)), self.random.choice(PROBLEMS), reply_to=None, reason="mention")
        return "mention"

    def mention(self, text: str) -> str:
        with self.lock:
            return self._post(self.random.randrange(len(PEOPLE)), text, reply_to=None, reason="mention")

    def pending(self) -> int:
        with self.lock:
            return len(self.notifications) - self.read + len(self.chat_log) - self.chat_read

    # --- the API ---------------------------------------------------------------------------------------

    def handle(self, method, path, query, headers, body):
        name = path.removeprefix("/xrpc/")
        if name == "com.atproto.server.createSession":
            data = form_or_json(body, headers)
            if data.get("identifier") not in (DESK, DESK_DID) or data.get("password") != PASSWORD:
                return 401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
            return 200, self._session()
        authorization = (headers.get("Authorization") or "").removeprefix("Bearer ")
        if authorization not in self.tokens:
            return 400, {"error": "ExpiredToken", "message": "Token has expired"}
        if name == "com.atproto.server.refreshSession":
            return 200, self._session()
        if name == "app.bsky.notification.listNotifications":
            return 200, self._list(query)
        if name.startswith("chat.bsky."):
            if headers.get("atproto-proxy") != CHAT_PROXY:
                return 400, {"error": "InvalidRequest", "message": "The chat is reached with the atproto-proxy header"}
            return self._chat_call(name, query, form_or_json(body, headers))
        if name == "app.bsky.feed.getPosts":  # the posts still there (the demo deletes none)
            uris = query.get("uris") or []
            return 200, {"posts": [self.posts[uri] for uri in uris if uri in self.posts]}
        if name == "com.atproto.repo.putRecord":
            return self._put(form_or_json(body, headers))
        if name == "com.atproto.repo.getRecord":
            key = (query.get("rkey") or [""])[0]
            if key not in self.repo:
                return 400, {"error": "RecordNotFound", "message": "Could not locate record"}
            post = self.repo[key]
            return 200, {"uri": post["uri"], "cid": post["cid"], "value": post["record"]}
        return 501, {"error": "MethodNotImplemented", "message": f"{name} is not served here"}

    def _session(self) -> dict:
        access, refresh = _token("com.atproto.appPass", 7200), _token("com.atproto.refresh", 86400)
        self.tokens.update((access, refresh))
        return {"did": DESK_DID, "handle": DESK, "accessJwt": access, "refreshJwt": refresh, "active": True}

    def _list(self, query) -> dict:
        reasons = set(query.get("reasons") or [])
        limit = min(int((query.get("limit") or ["50"])[0]), 100)
        start = int((query.get("cursor") or ["0"])[0] or 0)
        newest_first = [n for n in reversed(self.notifications) if not reasons or n["reason"] in reasons]
        page = newest_first[start : start + limit]
        if start == 0:
            self.read = len(self.notifications)
        answer = {"notifications": page, "seenAt": _now()}
        if start + limit < len(newest_first):
            answer["cursor"] = str(start + limit)
        return answer

    def _chat_call(self, name: str, query, data: dict) -> tuple[int, dict]:
        if name == "chat.bsky.convo.getLog":
            start = int((query.get("cursor") or ["0"])[0] or 0)
            logs = self.chat_log[start : start + 100]
            self.chat_read = max(self.chat_read, start + len(logs))
            return 200, {"logs": logs, "cursor": str(start + len(logs))}
        convo = str(data.get("convoId") or (query.get("convoId") or [""])[0])
        if convo not in self.convos:
            return 400, {"error": "InvalidConvo", "message": "Convo not found"}
        if name == "chat.bsky.convo.sendMessage":
            text = str((data.get("message") or {}).get("text") or "").strip()
            if not text:
                return 400, {"error": "InvalidRequest", "message": "Message text is required"}
            return 200, self._chat(convo, {"did": DESK_DID, "handle": DESK}, text)
        if name == "chat.bsky.convo.getMessages":
            limit = min(int((query.get("limit") or ["50"])[0]), 100)
            return 200, {"messages": list(reversed(self.convos[convo]))[:limit]}
        return 501, {"error": "MethodNotImplemented", "message": f"{name} is not served here"}

    def _put(self, data: dict) -> tuple[int, dict]:
        record, key = data.get("record"), str(data.get("rkey") or "")
        if data.get("repo") != DESK_DID or not isinstance(record, dict) or not key:
            return 400, {"error": "InvalidRequest", "message": "Input must have repo, rkey and record"}
        uri = f"at://{DESK_DID}/{data.get('collection')}/{key}"
        post = {"uri": uri, "cid": _cid(record), "author": {"did": DESK_DID, "handle": DESK}, "record": record}
        self.repo[key] = post  # the same record at the same key: still one post
        self.posts[uri] = post
        return 200, {"uri": uri, "cid": post["cid"], "validationStatus": "valid"}

    def ensure_demo_account(self) -> SocialAccount:
        with transaction.atomic():
            account, _ = SocialAccount.objects.update_or_create(
                channel=CHANNEL,
                external_id=DESK,
                defaults={
                    "handle": f"@{DESK}",
                    "base_url": self.base_url,
                    "password": PASSWORD,
                    "session": "",
                    "poll_enabled": True,
                    "poll_cursor": "",
                    "dm_poll_cursor": "",  # this server's chat log starts again too
                    "dm_unavailable": "",
                    "active": True,
                    "token_error": "",
                    "rate_limited_until": None,
                },
            )
        return account
