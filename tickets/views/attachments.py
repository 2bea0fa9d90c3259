"""An attachment's file, to those who may see its incident (agents, and its reporter for the
public ones); never from a public media URL.

What the browser gets is safe whatever the file holds: the content type the desk found by
reading the file, `nosniff` so the browser does not guess another, a sandboxing
Content-Security-Policy, and anything but an image as a download (Content-Disposition:
attachment), so an HTML page uploaded as "log.txt" is never rendered on the desk's origin.
"""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponseRedirect
from django.views.decorators.http import require_GET

from servicedesk.shortcuts import get_or_404

from .. import selectors
from ..models import Attachment

# Images shown in the browser (a screenshot opens in a tab); everything else is downloaded.
INLINE_TYPES = frozenset({"image/png", "image/apng", "image/jpeg", "image/gif", "image/webp"})


def attachment_file_response(attachment: Attachment) -> FileResponse | HttpResponseRedirect:
    """The attachment's file as the browser may safely get it (or, for a platform's copy, a
    redirect there). The caller has checked that the person may see it."""
    if attachment.is_link:
        return HttpResponseRedirect(attachment.external_url)
    try:
        file = default_storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        raise Http404("The file is no longer in the storage.") from None
    inline = attachment.content_type in INLINE_TYPES
    response = FileResponse(
        file, as_attachment=not inline, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    if attachment.size is not None:
        response["Content-Length"] = str(attachment.size)
    return response


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse | HttpResponseRedirect:
    return attachment_file_response(get_or_404(selectors.attachment_get, user=request.user, pk=pk))
