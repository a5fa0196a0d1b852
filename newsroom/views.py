import mimetypes

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.templatetags.static import static


def serve_media(request, path: str):
    """Uploaded files for development and tests, from whatever storage is configured.

    Production leaves media to the proxy or object storage (SERVE_MEDIA off).
    """
    try:
        handle = default_storage.open(path, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation, ValueError) as exc:
        raise Http404("No such file.") from exc
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return FileResponse(handle, content_type=content_type)


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
