"""Refusals that are about an object's state, not about the request.

"A problem cannot go from Closed to New" is a well-formed request that the problem's current
state refuses: HTTP calls that 409 Conflict, not 400 (RFC 9110 §15.5.10), so a client can tell
"fix your request" from "look at the object again". Services raise `state_conflict(...)`
(a Django `ValidationError`, so pages and forms show it like any other); the API's exception
handler answers 409 when every error of it carries this code.
"""

from django.core.exceptions import ValidationError

STATE_CONFLICT = "state_conflict"


def state_conflict(errors: dict[str, str | list[str]]) -> ValidationError:
    """A `ValidationError` of field → message(s), every message carrying the `STATE_CONFLICT` code.

    Django drops the `code` of a `ValidationError({...}, code=...)` built from a dict, so each
    message gets its own."""
    return ValidationError(
        {
            field: [
                ValidationError(message, code=STATE_CONFLICT)
                for message in ([messages] if isinstance(messages, str) else messages)
            ]
            for field, messages in errors.items()
        }
    )


def is_state_conflict(error: ValidationError) -> bool:
    """Whether every message of `error` is a refusal by an object's state."""
    if hasattr(error, "error_dict"):
        errors = [e for field_errors in error.error_dict.values() for e in field_errors]
    else:
        errors = error.error_list
    return bool(errors) and all(e.code == STATE_CONFLICT for e in errors)
