"""Reading a request's body whole, within a size limit, whatever the client does.

Three things go wrong when a view just calls `request.read()`:

- A chunked body (`Transfer-Encoding: chunked`, no `Content-Length`) reads as empty: Django
  bounds its stream by `Content-Length`, 0 when there is none. gunicorn de-chunks the body and
  says so (`wsgi.input_terminated`), so it is read from the server's stream, up to the limit
  plus one byte. A server that does not de-chunks gets 411 Length Required.
- A client that announces more than it sends holds a sync worker until gunicorn's timeout
  kills it (30 s). Under gunicorn the connection's socket gets a read timeout: a body that
  stops arriving for `timeout` seconds is abandoned (400). nginx in front (the production
  stack) reads every body whole before passing it on, so behind it this never fires; it
  protects a gunicorn published directly (development, a stack without the proxy).
- A body that ends before its `Content-Length` (the client closed) is incomplete: 400.
"""

from django.http import HttpRequest


class BodyRefused(Exception):
    """The body cannot be read as it should: `status` and a sentence for the answer."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def read_body(request: HttpRequest, *, limit: int, timeout: float) -> bytes:
    """The request's body, at most `limit` bytes; `BodyRefused` otherwise (413, 411 or 400).
    `timeout`: seconds a read may wait for the client under gunicorn (0: as the server does)."""
    meta = request.META
    declared = _content_length(meta)
    if declared is not None and declared > limit:
        raise BodyRefused(413, f"Body over {limit} bytes.")
    chunked = declared is None and "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower()
    if chunked and not meta.get("wsgi.input_terminated"):
        raise BodyRefused(411, "A chunked body needs a server that de-chunks it; send Content-Length.")
    client_socket = meta.get("gunicorn.socket")
    if client_socket is not None and timeout:
        client_socket.settimeout(timeout)
    try:
        stream = meta["wsgi.input"] if chunked else request
        body = stream.read(limit + 1)
    except OSError as error:  # the read timed out, or the client went away
        raise BodyRefused(400, f"The body did not arrive whole ({type(error).__name__}).") from None
    if len(body) > limit:
        raise BodyRefused(413, f"Body over {limit} bytes.")
    if declared is not None and len(body) < declared:
        raise BodyRefused(400, f"The body ended after {len(body)} of its {declared} bytes.")
    return body


def _content_length(meta: dict) -> int | None:
    value = meta.get("CONTENT_LENGTH")
    if value in (None, ""):
        return None
    try:
        return max(int(value), 0)
    except ValueError:
        return None
