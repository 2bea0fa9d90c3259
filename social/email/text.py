"""A mail's words as the plain text the desk shows: HTML made text, quoted text and
signatures trimmed.

HTML mail is read with the standard library's parser: paragraphs, line breaks and list items
keep their places, each link keeps its address, and nothing of the markup survives (scripts,
styles and the head are dropped), so the text is safe wherever it is shown.

The new words of a reply are found by `mail-parser-reply` (the "On ... wrote:" and Outlook
"From: ... Sent: ..." headers of many languages, "Sent from my iPhone", "-- " signatures,
disclaimers); the lines quoted with ">" that are left at the end go too. The comment gets the
new words; the message keeps the whole mail.
"""

import re
from html.parser import HTMLParser

from mailparser_reply import EmailReplyParser

_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\f\v\xa0\u200b]+")
_SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript"})
_BLOCKS = frozenset({"p", "div", "table", "tr", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"})
# Languages whose reply headers are recognised (besides English).
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl", "sv", "da", "ja", "cn"]
_reply_parser = EmailReplyParser(languages=REPLY_LANGUAGES)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.link: dict | None = None
        self.skipping = 0
        self.pre = 0

    def _out(self, text: str) -> None:
        (self.link["text"] if self.link is not None else self.parts).append(text)

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self._out("\n")
        elif tag == "li":
            self._out("\n- ")
        elif tag in ("td", "th"):
            self._out(" ")
        elif tag in _BLOCKS:
            self._out("\n\n" if tag in ("p", "blockquote", "table") else "\n")
            self.pre += tag == "pre"
        elif tag == "a" and self.link is None:
            self.link = {"href": dict(attrs).get("href") or "", "text": []}

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in _BLOCKS:
            self._out("\n")
            self.pre -= tag == "pre" and self.pre > 0
        elif tag == "a" and self.link is not None:
            link, self.link = self.link, None
            shown = "".join(link["text"]).strip()
            href = link["href"]
            if href.startswith(("http://", "https://")) and href.rstrip("/") != shown.rstrip("/"):
                self.parts.append(f"{shown} ({href})" if shown else href)
            elif href.startswith("mailto:") and not shown:
                self.parts.append(href.removeprefix("mailto:"))
            else:
                self.parts.append(shown)

    def handle_data(self, data):
        if self.skipping:
            return
        self._out(data if self.pre else _SPACES.sub(" ", data.replace("\r", "").replace("\n", " ")))


def html_to_text(html: str) -> str:
    """An HTML mail body as plain text (no markup left)."""
    reader = _Reader()
    reader.feed(html or "")
    reader.close()
    if reader.link is not None:  # an unclosed link: keep its words
        reader.parts.extend(reader.link["text"])
    return tidy("".join(reader.parts))


def tidy(text: str) -> str:
    """Lines without trailing spaces, at most one blank line in a row, no blank ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def new_words(body: str) -> str:
    """What the writer of a reply wrote: quoted text, reply headers, signatures and
    disclaimers cut off. The whole body when nothing but quotes would be left."""
    body = tidy(body)
    if not body:
        return ""
    try:
        replies = _reply_parser.read(body).replies
    except re.error:  # pragma: no cover - the library's own patterns
        replies = []
    latest = replies[0].body if replies else body
    lines = latest.split("\n")
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    trimmed = tidy("\n".join(lines))
    return trimmed or body
