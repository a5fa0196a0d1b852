"""Uploaded pictures: checked with Pillow, cleaned of metadata, cut into renditions once,
and cropped around their focal point."""

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
    source = _open(name)
    digest = hashlib.sha1(name.encode()).hexdigest()[:10]
    widths = [w for w in RENDITION_WIDTHS if w < source.width] + [
        min(source.width, RENDITION_WIDTHS[-1])
    ]
    return _at_widths(source, widths, PurePosixPath("renditions") / digest, _stem(name))


def _open(name: str) -> Image.Image:
    with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
        image.load()
        return image.convert("RGBA" if _has_alpha(image) else "RGB")


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA"} or "transparency" in image.info


def _stem(name: str) -> str:
    return PurePosixPath(name).stem[:60]


def _at_widths(source: Image.Image, widths, folder: PurePosixPath, stem: str) -> list[dict]:
    """`source` resized to each width (never wider than it is), as WebP and as JPEG (PNG
    when it has transparency), stored under `folder`: smallest first, for srcset."""
    has_alpha = source.mode == "RGBA"
    renditions = []
    for width in sorted({min(w, source.width) for w in widths}):
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


def srcset(renditions: list[dict] | None, kind: str) -> str:
    """`url 480w, url 800w…` for the renditions of one kind ("webp" or "fallback")."""
    return ", ".join(f"{default_storage.url(r[kind])} {r['width']}w" for r in renditions or [])


def _store(path: PurePosixPath, buffer: BytesIO) -> str:
    if default_storage.exists(str(path)):
        default_storage.delete(str(path))
    return default_storage.save(str(path), ContentFile(buffer.getvalue()))


# Crops around the focal point -------------------------------------------------------------

# Cards are cut at 16:9 (as the site shows them), the social card (og:image) at 1.91:1, the size sharing sites ask for.
CARD_RATIO = (16, 9)
CARD_WIDTHS = (480, 800, 1200)
SOCIAL_SIZE = (1200, 630)


def crop_box(
    width: int, height: int, ratio: tuple[int, int], focal_x: int, focal_y: int
) -> tuple[int, int, int, int]:
    """The largest box of `ratio` inside a width × height picture, centred as near the
    focal point (percentages from the top left) as the picture's edges allow."""
    want = ratio[0] / ratio[1]
    if width / height > want:  # wider than wanted: cut the sides
        crop_w, crop_h = round(height * want), height
    else:  # taller: cut the top and bottom
        crop_w, crop_h = width, round(width / want)
    left = min(max(round(width * focal_x / 100 - crop_w / 2), 0), width - crop_w)
    top = min(max(round(height * focal_y / 100 - crop_h / 2), 0), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def build_crops(name: str, focal_x: int, focal_y: int) -> dict:
    """Card renditions (16:9, WebP plus fallback, smallest first) and the social card
    (1.91:1 JPEG), cut around the focal point. {"card": [...], "social": {...}}"""
    source = _open(name)
    digest = hashlib.sha1(f"{name}:{focal_x}:{focal_y}".encode()).hexdigest()[:10]
    folder = PurePosixPath("crops") / digest
    stem = _stem(name)
    card = source.crop(crop_box(*source.size, CARD_RATIO, focal_x, focal_y))
    cards = _at_widths(card, CARD_WIDTHS, folder, f"{stem}-card")
    social = source.crop(crop_box(*source.size, SOCIAL_SIZE, focal_x, focal_y)).convert("RGB")
    if social.width > SOCIAL_SIZE[0]:
        social = social.resize(SOCIAL_SIZE, Image.Resampling.LANCZOS)
    buffer = BytesIO()
    social.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return {
        "card": cards,
        "social": {
            "width": social.width,
            "height": social.height,
            "file": _store(folder / f"{stem}-social.jpg", buffer),
        },
    }
