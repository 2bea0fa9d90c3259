"""A status's HTML as safe text: mentions and links kept, markup gone."""

from social.mastodon.text import html_to_text

MENTION = (
    '<p><span class="h-card" translate="no"><a href="http://localhost:3000/@mastodonpy_test" '
    'class="u-url mention">@<span>mastodonpy_test</span></a></span> hello!</p>'
)


def test_it_keeps_a_mention_as_the_full_address():
    mentions = {"http://localhost:3000/@mastodonpy_test": "mastodonpy_test@localhost:3000"}
    assert html_to_text(MENTION, mentions=mentions) == "@mastodonpy_test@localhost:3000 hello!"


def test_it_keeps_a_mention_as_shown_when_the_status_does_not_list_it():
    assert html_to_text(MENTION) == "@mastodonpy_test hello!"


def test_it_keeps_a_link_whole_though_its_text_is_cut_short():
    content = (
        '<p>see <a href="https://status.example.org/incidents/2026-12-07-vpn" rel="nofollow noopener" '
        'target="_blank"><span class="invisible">https://</span><span class="ellipsis">status.example.org/inci'
        '</span><span class="invisible">dents/2026-12-07-vpn</span></a></p>'
    )
    assert html_to_text(content) == "see https://status.example.org/incidents/2026-12-07-vpn"


def test_hashtags_read_as_shown():
    content = (
        '<p>down again <a href="https://m.example/tags/vpn" class="mention hashtag" rel="tag">#<span>vpn</span></a></p>'
    )
    assert html_to_text(content) == "down again #vpn"


def test_paragraphs_and_line_breaks_stay_apart():
    assert html_to_text("<p>line one<br>line two</p><p>second paragraph</p>") == (
        "line one\nline two\n\nsecond paragraph"
    )


def test_markup_and_scripts_are_gone_and_entities_read():
    text = html_to_text('<p>&lt;b&gt; is bold &amp; <script>alert("x")</script><img src=x onerror=alert(1)>fine</p>')
    assert text == "<b> is bold & fine"
    assert "alert" not in text


def test_a_link_to_anything_but_the_web_reads_as_its_text():
    assert html_to_text('<p><a href="javascript:alert(1)">click</a></p>') == "click"
