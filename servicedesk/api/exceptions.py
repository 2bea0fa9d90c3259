"""The API's own errors beyond REST framework's.

Apart from `errors` (which imports REST framework's views, whose settings import our parser)
so that the parser can raise them without an import cycle."""

from rest_framework import exceptions


class StateConflict(exceptions.APIException):
    """The request is well formed; the object's current state refuses it (servicedesk.errors)."""

    status_code = 409
    default_detail = "The object's current state refuses this: fetch it again."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "The resource changed since you read it: fetch it again and retry with its new ETag."
    default_code = "precondition_failed"


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "request_too_large"
