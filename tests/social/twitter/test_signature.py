import json

import pytest

from social.twitter.signature import crc_response, sign, signature_valid


@pytest.fixture
def vectors(shared_fixtures):
    return json.loads((shared_fixtures / "x_webhooks" / "twitter_crc_signature_test_vectors.json").read_text())


def test_it_answers_the_crc_challenge_of_the_known_answer_vector(vectors):
    expected = vectors["crc"]["expected_response"]["response_token"]
    assert crc_response(crc_token=vectors["crc"]["crc_token"], consumer_secret=vectors["consumer_secret"]) == expected


def test_it_signs_a_body_as_x_does(vectors):
    post = vectors["post_signature"]
    assert (
        sign(body=post["raw_body"].encode(), consumer_secret=vectors["consumer_secret"])
        == (post["x-twitter-webhooks-signature"])
    )


def test_it_accepts_the_signature_x_sent(vectors):
    post = vectors["post_signature"]
    assert signature_valid(
        body=post["raw_body"].encode(),
        header=post["x-twitter-webhooks-signature"],
        consumer_secret=vectors["consumer_secret"],
    )


def test_it_checks_the_signed_crc_request_too(vectors):
    # X signs its CRC GET over the query string.
    signed = vectors["crc_get_request_signature"]
    assert signature_valid(
        body=signed["signed_message"].encode(),
        header=signed["x-twitter-webhooks-signature"],
        consumer_secret=vectors["consumer_secret"],
    )


def test_it_refuses_a_body_changed_after_signing(vectors):
    post = vectors["post_signature"]
    # Same JSON, re-serialised: the bytes differ, so the signature does not hold.
    reserialised = json.dumps(json.loads(post["raw_body"]), indent=1).encode()
    assert not signature_valid(
        body=reserialised, header=post["x-twitter-webhooks-signature"], consumer_secret=vectors["consumer_secret"]
    )


@pytest.mark.parametrize("header", [None, "", "sha256=", "sha256=AAAA", "garbage", "sha256=ü"])
def test_it_refuses_a_missing_or_wrong_header(header):
    assert not signature_valid(body=b"{}", header=header, consumer_secret="secret")


def test_it_refuses_the_signature_of_another_secret():
    body = b'{"for_user_id": "1"}'
    assert not signature_valid(body=body, header=sign(body=body, consumer_secret="other"), consumer_secret="secret")


def test_it_never_accepts_a_signature_made_with_an_empty_secret():
    body = b"{}"
    assert not signature_valid(body=body, header=sign(body=body, consumer_secret=""), consumer_secret="")


def test_it_tolerates_surrounding_whitespace_in_the_header():
    body = b"{}"
    assert signature_valid(body=body, header=f" {sign(body=body, consumer_secret='s')} ", consumer_secret="s")
