"""A status's HTML as the plain text the desk shows and stores.

Mastodon sends `content` as HTML: paragraphs, line breaks, mentions (`<a class="u-url
mention">@<span>jess</span></a>`), hashtags, and links whose visible text is cut short with
hidden spans. The text keeps what a reader sees: paragraphs apart, each mention as the full
address `@user@domain` (the link's own text is only `@user`), each link as its whole URL.
Nothing of the markup survives, so the text is safe wherever it is shown (templates escape it).
"""

import re
from html.parser import HTMLParser

_BLANK_LINES = re.compile(r"\n{3,}")
_SKIPPED = frozenset({"script", "style", "template"})


class _Reader(HTMLParser):
    def __init__(self, mentions: dict[str, str]):
        super().__init__(convert_charrefs=True)
        self.mentions = mentions
        self.parts: list[str] = []
        self.link: dict | None = None
        self.skipping = 0

    def _out(self, text: str) -> None:
        if self.link is not None:
            self.link["text"].append(text)
        else:
            self.parts.append(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self._out("\n")
        elif tag in ("p", "blockquote", "li", "pre") and self.parts:
            self._out("\n\n" if tag != "li" else "\n")
        elif tag == "a" and self.link is None:
            self.link = {"href": attributes.get("href") or "", "class": (attributes.get("class") or "").split()}
            self.link["text"] = []

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag == "a" and self.link is not None:
            link, self.link = self.link, None
            shown = "".join(link["text"]).strip()
            if "mention" in link["class"] and "hashtag" not in link["class"]:
                acct = self.mentions.get(link["href"])
                self.parts.append(f"@{acct}" if acct else shown)
            elif "hashtag" in link["class"] or not link["href"].startswith(("https://", "http://")):
                self.parts.append(shown)
            else:
                self.parts.append(link["href"])

    def handle_data(self, data):
        if not self.skipping:
            self._out(data)


def html_to_text(content: str, *, mentions: dict[str, str] | None = None) -> str:
    """`content` (a status's HTML) as text. `mentions`: profile URL → full address
    (`user@domain`), from the status's `mentions`, so a mention reads `@user@domain`."""
    reader = _Reader(mentions or {})
    reader.feed(content or "")
    reader.close()
    text = "".join(reader.parts).replace("\r", "").replace("\xa0", " ")
    return _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()
