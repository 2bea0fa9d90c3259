"""The answer the desk posts when a message opens an incident: an admin-edited text per
channel (`AcknowledgementTemplate`) with `{number}` and `{name}` filled in.

The text follows Python's `str.format` rules, and nothing else: `{number}` and `{name}` are
replaced, `{{` and `}}` are a literal brace. `acknowledgement_fill` fills it in; the values
themselves are never read as placeholders (a name may hold braces).

`acknowledgement_with_note` adds public words another app offers (a known error's public
text and a link to it) when they fit one message of the platform, cut at a word if need be.

`acknowledgement_text_check` refuses a text that could not be filled in — an unknown or
malformed placeholder would otherwise fail only later, in the worker, for every incident
opened — and a text that no longer fits in one message of its platform once filled in, as
the platform counts it (its declared length, `social.platforms`: X counts a link as 23, a
wide character as 2).
"""

import logging
from string import Formatter

from django.core.exceptions import ValidationError

from . import platforms

logger = logging.getLogger(__name__)

PLACEHOLDERS = ("number", "name")
# The longest values a filled-in text must leave room for: an incident number, and a name
# (X allows display names of up to 50 characters).
LONGEST_VALUES = {"number": "INC00000000", "name": "N" * 50}
DEFAULT_ACKNOWLEDGEMENT = "Thanks {name}, we're on it: your incident is {number}. Reply here to add details."
BRACES_HELP = "write {{ or }} for a brace"


def acknowledgement_fill(template: str, *, number: str, name: str) -> str:
    """`template` filled in. A text the check would refuse (stored before it, or not through
    the admin) does not stop the incident's acknowledgement: the default text is used."""
    try:
        return template.format(number=number, name=name)
    except (ValueError, KeyError, IndexError, AttributeError) as error:
        logger.warning("Acknowledgement text %r cannot be filled in (%s); the default one is used", template, error)
        return DEFAULT_ACKNOWLEDGEMENT.format(number=number, name=name)


def acknowledgement_text_check(*, channel: str, text: str) -> None:
    """Raise ValidationError({"text": ...}) unless `text` can be filled in on `channel`."""
    known = " and ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in Formatter().parse(text) if name is not None]
    except ValueError:
        raise ValidationError(
            {"text": f"A brace is not closed or not opened. Placeholders are {known}; {BRACES_HELP}."}
        ) from None
    unknown = sorted({name or "{}" for name, _, _ in fields if name not in PLACEHOLDERS})
    if unknown:
        names = ", ".join("{}" if name == "{}" else f"{{{name}}}" for name in unknown)
        raise ValidationError(
            {"text": f"Unknown placeholder{'s' if len(unknown) > 1 else ''} {names}: only {known} are filled in."}
        )
    if any(spec or conversion for _, spec, conversion in fields):
        raise ValidationError({"text": f"Write the placeholders as plain {known}, without a format or conversion."})
    platform = platforms.get(channel)
    length, noun = platform.length, platform.message_noun
    longest = length.of(acknowledgement_fill(text, **LONGEST_VALUES))
    if longest > length.limit:
        counted = f" ({length.rule})" if length.rule else ""
        raise ValidationError(
            {
                "text": f"Too long for one {noun} on {platform.name}: filled in with a long name it is {longest} "
                f"characters{counted}, and a {noun} holds {length.limit}. Shorten it by {longest - length.limit}."
            }
        )


def acknowledgement_with_note(*, channel: str, text: str, note: str, link: str = "") -> str:
    """`text`, then `note` and `link` on a paragraph of their own, as much of the note as fits
    one message of the channel's platform (cut at a word, with an ellipsis); the link alone
    when no word fits; `text` unchanged when not even the link does."""
    length = platforms.get(channel).length
    tail = f" {link}" if link else ""

    def with_words(count: int) -> str:
        words = note.split()
        cut = " ".join(words[:count])
        return f"{text}\n\n{cut}{'…' if count < len(words) else ''}{tail}"

    words = note.split()
    if words and length.of(with_words(len(words))) <= length.limit:
        return with_words(len(words))
    low, high = 0, len(words)  # the most words that fit, by halving
    while low < high:
        middle = (low + high + 1) // 2
        if length.of(with_words(middle)) <= length.limit:
            low = middle
        else:
            high = middle - 1
    if low:
        return with_words(low)
    if link and length.of(f"{text}\n\n{link}") <= length.limit:
        return f"{text}\n\n{link}"
    return text
