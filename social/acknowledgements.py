"""The answer the desk posts when a message opens an incident: an admin-edited text per
channel (`AcknowledgementTemplate`) with `{number}` and `{name}` filled in.

`acknowledgement_text_check` refuses a text that could not be filled in — an unknown or
malformed placeholder would otherwise fail only later, in the worker, for every incident
opened — and a text that no longer fits in one message of its platform once filled in (the
platform's declared length, `social.platforms`)."""

from string import Formatter

from django.core.exceptions import ValidationError

from . import platforms

PLACEHOLDERS = ("number", "name")
# The longest values a filled-in text must leave room for: an incident number, and a name
# (X allows display names of up to 50 characters).
LONGEST_VALUES = {"number": "INC00000000", "name": "N" * 50}


def acknowledgement_text_check(*, channel: str, text: str) -> None:
    """Raise ValidationError({"text": ...}) unless `text` can be filled in on `channel`."""
    known = " and ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in Formatter().parse(text) if name is not None]
    except ValueError:
        raise ValidationError(
            {"text": f"A brace is not closed or not opened. Placeholders are {known}; write {{{{ or }}}} for a brace."}
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
    limit, noun = platform.length.limit, platform.message_noun
    longest = len(text.format(**LONGEST_VALUES))
    if longest > limit:
        raise ValidationError(
            {
                "text": f"Too long for one {noun} on {platform.name}: filled in with a long name it is {longest} "
                f"characters, and a {noun} holds {limit}. Shorten it by {longest - limit}."
            }
        )
