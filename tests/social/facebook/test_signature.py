"""X-Hub-Signature-256: "sha256=" + lowercase hex HMAC-SHA256(app secret, raw body)."""

import base64
import hashlib
import hmac
import json

import pytest

from social.facebook.signature import sign, signature_valid


def expected_signature(secret: str, body: bytes) -> str:
    """What Facebook computes, written out independently of the code under test."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_it_signs_the_rfc_4231_known_answer():
    # RFC 4231, test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?").
    assert (
        sign(body=b"what do ya want for nothing?", app_secret="Jefe")
        == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_it_signs_a_delivery_as_computed_independently():
    body = json.dumps({"object": "page", "entry": [{"id": "1", "time": 1, "changes": []}]}).encode()
    assert sign(body=body, app_secret="s3cret") == expected_signature("s3cret", body)
    assert sign(body=body, app_secret="s3cret").removeprefix("sha256=").islower()


def test_it_matches_the_recorded_vector_in_shared_fixtures(shared_fixtures):
    # The X vector is the same HMAC-SHA256 over a raw body, base64 instead of hex.
    vectors = json.loads((shared_fixtures / "x_webhooks" / "twitter_crc_signature_test_vectors.json").read_text())
    vector = vectors["post_signature"]
    digest = base64.b64decode(vector["x-twitter-webhooks-signature"].removeprefix("sha256="))
    body = vector["raw_body"].encode()
    assert sign(body=body, app_secret=vectors["consumer_secret"]) == "sha256=" + digest.hex()
    assert signature_valid(body=body, header="sha256=" + digest.hex(), app_secret=vectors["consumer_secret"])


def test_it_accepts_the_right_signature():
    body = b'{"object":"page","entry":[]}'
    assert signature_valid(body=body, header=expected_signature("s3cret", body), app_secret="s3cret")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha256=",
        "sha256=" + "0" * 64,
        expected_signature("another secret", b'{"object":"page","entry":[]}'),
        expected_signature("s3cret", b'{"object":"page","entry":[]}').replace("sha256=", "sha1="),
        expected_signature("s3cret", b'{"object":"page","entry":[]}').removeprefix("sha256="),
        "sha256=ünïcödé",
    ],
    ids=["missing", "empty", "no-digest", "zeros", "other-secret", "sha1-prefix", "no-prefix", "non-ascii"],
)
def test_it_refuses_a_wrong_or_missing_signature(header):
    assert not signature_valid(body=b'{"object":"page","entry":[]}', header=header, app_secret="s3cret")


def test_it_checks_the_raw_bytes_not_the_json():
    body = b'{"object": "page", "entry": []}'
    header = expected_signature("s3cret", body)
    same_json_other_bytes = json.dumps(json.loads(body), separators=(",", ":")).encode()
    assert signature_valid(body=body, header=header, app_secret="s3cret")
    assert not signature_valid(body=same_json_other_bytes, header=header, app_secret="s3cret")
    assert not signature_valid(body=body + b" ", header=header, app_secret="s3cret")


def test_an_empty_app_secret_validates_nothing():
    body = b"{}"
    assert not signature_valid(body=body, header=expected_signature("", body), app_secret="")
