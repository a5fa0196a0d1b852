"""Uploaded pictures: checked with Pillow, cleaned of metadata, and cut into renditions once."""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = settings.NEWSROOM.get("MAX_IMAGE_PIXELS", 40_000_000)
MAX_BYTES = settings.NEWSROOM.get("MAX_IMAGE_BYTES", 25 * 1024 * 1024)
RENDITION_WIDTHS = (480, 800, 1200, 1600)


class ImageRejected(ValueError):
    """The upload is not a picture we can publish; the message says why, for the editor."""


def prepare_upload(upload) -> ContentFile:
    """Check an uploaded picture and return a clean copy: upright, no EXIF/GPS, re-encoded."""
    if upload.size > MAX_BYTES:
        raise ImageRejected(
            _("The file is %(size)d MB; the limit is %(limit)d MB.")
            % {"size": upload.size // 2**20, "limit": MAX_BYTES // 2**20}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind, (width, height) = probe.format, probe.size
            if kind not in ACCEPTED_FORMATS:
                raise ImageRejected(
                    _("This is a %(kind)s file: upload a JPEG, PNG, WebP or GIF picture.")
                    % {"kind": kind or _("unknown")}
                )
            if width * height > MAX_PIXELS:
                raise ImageRejected(_too_large(width, height))
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # decodes every pixel: a truncated file fails here
            upright = ImageOps.exif_transpose(image)
            data, extension = _encode_clean(upright, kind)
    except Image.DecompressionBombError as exc:
        raise ImageRejected(
            _("The picture has far too many pixels to be processed safely.")
        ) from exc
    except UnidentifiedImageError as exc:
        raise ImageRejected(
            _("This file is not a picture: upload a JPEG, PNG, WebP or GIF image.")
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, ImageRejected):
            raise
        raise ImageRejected(
            _("The picture is damaged or incomplete (%(error)s); export it again and retry.")
            % {"error": exc}
        ) from exc
    stem = PurePosixPath(upload.name).stem[:80] or "image"
    return ContentFile(data, name=f"{stem}.{extension}")


def _too_large(width: int, height: int) -> str:
    return _(
        "The picture is %(width)d × %(height)d pixels; the limit is %(limit)d megapixels. "
        "Resize it before uploading."
    ) % {"width": width, "height": height, "limit": MAX_PIXELS // 1_000_000}


def _encode_clean(image: Image.Image, kind: str) -> tuple[bytes, str]:
    """Re-encode without any metadata block (EXIF, GPS, XMP, comments)."""
    buffer = BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=88, optimize=True, progressive=True)
        return buffer.getvalue(), "jpg"
    if kind == "WEBP":
        image.save(buffer, "WEBP", quality=88, method=4)
        return buffer.getvalue(), "webp"
    # PNG, and GIF's first frame: lossless, alpha kept.
    has_alpha = image.mode in {"RGBA", "LA"} or "transparency" in image.info
    image.convert("RGBA" if has_alpha else "RGB").save(buffer, "PNG", optimize=True)
    return buffer.getvalue(), "png"


def build_renditions(name: str) -> list[dict]:
    """Write the stored picture `name` at several widths, WebP plus a JPEG/PNG fallback.

    Returns [{"width", "height", "webp", "fallback"}], smallest first, for srcset.
    """
    with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
        image.load()
        has_alpha = image.mode in {"RGBA", "LA"} or "transparency" in image.info
        source = image.convert("RGBA" if has_alpha else "RGB")
    digest = hashlib.sha1(name.encode()).hexdigest()[:10]
    folder = PurePosixPath("renditions") / digest
    stem = PurePosixPath(name).stem[:60]
    widths = [w for w in RENDITION_WIDTHS if w < source.width] + [
        min(source.width, RENDITION_WIDTHS[-1])
    ]
    renditions = []
    for width in sorted(set(widths)):
        height = round(source.height * width / source.width)
        resized = source.resize((width, height), Image.Resampling.LANCZOS)
        webp, fallback = BytesIO(), BytesIO()
        resized.save(webp, "WEBP", quality=80, method=4)
        if has_alpha:
            resized.save(fallback, "PNG", optimize=True)
            fallback_ext = "png"
        else:
            resized.save(fallback, "JPEG", quality=82, optimize=True, progressive=True)
            fallback_ext = "jpg"
        renditions.append(
            {
                "width": width,
                "height": height,
                "webp": _store(folder / f"{stem}-{width}.webp", webp),
                "fallback": _store(folder / f"{stem}-{width}.{fallback_ext}", fallback),
            }
        )
    return renditions


def _store(path: PurePosixPath, buffer: BytesIO) -> str:
    if default_storage.exists(str(path)):
        default_storage.delete(str(path))
    return default_storage.save(str(path), ContentFile(buffer.getvalue()))
