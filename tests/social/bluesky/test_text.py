"""Bluesky's text rules: graphemes, facets in UTF-8 bytes, threads, record keys."""

from datetime import UTC, datetime

from social.bluesky.text import expand_links, graphemes, mention_facet, split_thread, tid


def test_graphemes_count_what_a_reader_counts():
    assert graphemes("café") == 4 and graphemes("cafe\u0301") == 4
    assert graphemes("👩‍👩‍👧‍👦") == 1 and graphemes("👍🏽") == 1
    assert graphemes("日本語") == 3


def test_a_short_answer_is_one_post_and_a_long_one_a_numbered_thread():
    assert split_thread("Thanks, we're on it.") == ["Thanks, we're on it."]
    parts = split_thread("the VPN gateway is back " * 40)
    assert len(parts) == 4 and all(graphemes(part) <= 300 for part in parts)
    assert [part.split(" ", 1)[0] for part in parts] == ["1/4", "2/4", "3/4", "4/4"]
    assert " ".join(part.split(" ", 1)[1] for part in parts).split() == ("the VPN gateway is back " * 40).split()


def test_a_thread_counts_emoji_as_one_grapheme_each():
    parts = split_thread("🔥👩‍👩‍👧‍👦 " * 120)
    assert all(graphemes(part) <= 300 for part in parts) and len(parts) == 2


def test_a_link_shortened_by_its_client_is_shown_whole(page):
    quote = next(n for n in page["notifications"] if "youtube" in n["record"].get("text", ""))
    record = quote["record"]
    assert expand_links(record["text"], record["facets"]) == (
        "The music to this one … 😘👌 https://www.youtube.com/watch?v=Zyyn5rvmJ9I"
    )


def test_the_mention_facet_counts_utf8_bytes(recorded):
    # The guide's post: 93 code points, 109 bytes; its facets index bytes.
    post = recorded("atproto-website/post_with_mention_and_link_facets")
    text = post["text"]
    expected = next(f for f in post["facets"] if "#mention" in f["features"][0]["$type"])
    handle = text.encode()[expected["index"]["byteStart"] + 1 : expected["index"]["byteEnd"]].decode()
    facet = mention_facet(text, handle, expected["features"][0]["did"])
    assert facet["index"] == {"byteStart": expected["index"]["byteStart"], "byteEnd": expected["index"]["byteEnd"]}
    assert mention_facet("✨ @jess.bsky.social hi", "jess.bsky.social", "did:plc:x")["index"] == {
        "byteStart": 4,
        "byteEnd": 21,
    }


def test_a_record_key_is_a_valid_tid_derived_from_time_and_clock():
    from atproto_client.models.string_formats import TID_RE

    moment = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    key = tid(moment, clock_id=7)
    assert TID_RE.fullmatch(key)
    assert key == tid(moment, clock_id=7) != tid(moment, clock_id=8)
    assert tid(moment, clock_id=7) < tid(datetime(2026, 12, 7, 10, 0, 1, tzinfo=UTC), clock_id=0)  # sorts by time
