"""Fixtures of the Bluesky tests: the desk's account (the one the recorded notifications were
read for), its PDS mocked at the HTTP boundary with respx (the `atproto` SDK underneath is the
real one, on httpx), the recorded payloads of ../shared/fixtures/bluesky, and a drain."""

import base64
import copy
import json
import time

import httpx
import pytest
import respx

from social.events import SHARDS
from social.inbox import claim
from social.models import SocialMessage

from ..factories import SocialAccountFactory

PDS = "https://pds.example"
XRPC = f"{PDS}/xrpc"
DESK = "shinyakato.dev"  # the account the recorded notifications were read for
DESK_DID = "did:plc:iijrtk7ocored6zuziwmqq3c"


def jwt(**claims) -> str:
    """An access or refresh token as a PDS issues them (the SDK reads its expiry; the PDS
    alone checks the signature)."""

    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'ES256K', 'typ': 'at+jwt'})}.{part(claims)}.c2lnbmF0dXJl"


def session_answer() -> dict:
    now = int(time.time())
    return {
        "did": DESK_DID,
        "handle": DESK,
        "accessJwt": jwt(scope="com.atproto.appPass", sub=DESK_DID, iat=now, exp=now + 7200),
        "refreshJwt": jwt(scope="com.atproto.refresh", sub=DESK_DID, iat=now, exp=now + 90 * 86400),
        "active": True,
    }


@pytest.fixture
def desk(db):
    return SocialAccountFactory(
        channel="bluesky", external_id=DESK, handle=f"@{DESK}", base_url=PDS, password="app-pass-word-1234"
    )


@pytest.fixture
def pds():
    """The PDS: a request to a route not registered fails the test. Logging in works, the
    chat's log has nothing new (tests/social/bluesky/test_chat.py gives it messages), and every
    post asked after is still there (tests/social/bluesky/test_deletions.py deletes some)."""
    with respx.mock(base_url=XRPC, assert_all_called=False, assert_all_mocked=True) as mock:
        mock.post("/com.atproto.server.createSession", name="login").mock(
            return_value=httpx.Response(200, json=session_answer())
        )
        mock.get("/chat.bsky.convo.getLog", name="chat_log").mock(return_value=httpx.Response(200, json={"logs": []}))
        mock.get("/app.bsky.feed.getPosts", name="posts").mock(side_effect=posts_still_there)
        yield mock


def posts_still_there(request: httpx.Request, *, gone: frozenset[str] = frozenset()) -> httpx.Response:
    """getPosts' answer: a postView of each post asked for, but those `gone`."""
    uris = [uri for uri in request.url.params.get_list("uris") if uri not in gone]
    return httpx.Response(
        200,
        json={
            "posts": [
                {
                    "uri": uri,
                    "cid": "bafy" + uri[-6:],
                    "author": {"did": uri.removeprefix("at://").split("/")[0], "handle": "someone.bsky.social"},
                    "record": {"$type": "app.bsky.feed.post", "text": "", "createdAt": "2026-12-07T09:00:00.000Z"},
                    "indexedAt": "2026-12-07T09:00:01.000Z",
                }
                for uri in uris
            ]
        },
    )


@pytest.fixture
def recorded(shared_fixtures):
    """`recorded("atproto.dart/app.bsky.notification.listNotifications")`: one recorded JSON file."""

    def load(name: str):
        return copy.deepcopy(json.loads((shared_fixtures / "bluesky" / f"{name}.json").read_text()))

    return load


@pytest.fixture
def page(recorded) -> dict:
    return recorded("atproto.dart/app.bsky.notification.listNotifications")


def drain() -> None:
    for shard in range(SHARDS):
        while claim.process_pending(shard=shard):
            pass


def message(external_id: str) -> SocialMessage:
    return SocialMessage.objects.select_related("incident", "comment").get(channel="bluesky", external_id=external_id)
