import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from pictures.images import ImageRejected, prepare_upload
from tests.factories import ArticleFactory, PictureFactory, image_file


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size: the header is real, the pixels are never reached."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def jpeg_with_gps(orientation: int | None = None, size=(300, 200)) -> bytes:
    image = Image.new("RGB", size, "#c33")
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 7.0)
    buffer = BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_gps_and_all_exif_are_stripped():
    original = jpeg_with_gps()
    assert Image.open(BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    cleaned = prepare_upload(upload(original))
    with Image.open(cleaned) as image:
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
    assert b"PhoneMaker" not in cleaned.read()


def test_exif_orientation_is_applied():
    cleaned = prepare_upload(upload(jpeg_with_gps(orientation=6, size=(300, 200))))
    with Image.open(cleaned) as image:
        assert image.size == (200, 300)


def test_truncated_file_is_refused_clearly():
    data = image_file(size=(800, 600)).read()
    with pytest.raises(ImageRejected, match="endommagée ou incomplète"):
        prepare_upload(upload(data[: len(data) // 2]))


def test_text_renamed_jpg_is_refused_clearly():
    with pytest.raises(ImageRejected, match="n’est pas une image"):
        prepare_upload(upload(b"Bonjour, ceci n'est pas une image.\n" * 20))


def test_decompression_bomb_is_refused_clearly():
    with pytest.raises(ImageRejected, match="beaucoup trop de pixels"):
        prepare_upload(upload(png_header(20000, 20000), "bomb.png", "image/png"))


def test_picture_over_the_pixel_limit_is_refused_with_the_limit():
    with pytest.raises(ImageRejected, match="la limite est de 40 mégapixels"):
        prepare_upload(upload(png_header(8000, 6000), "big.png", "image/png"))


def test_other_formats_are_refused():
    buffer = BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "BMP")
    with pytest.raises(ImageRejected, match="BMP"):
        prepare_upload(upload(buffer.getvalue(), "x.bmp", "image/bmp"))


@pytest.mark.parametrize(("kind", "extension"), [("PNG", "png"), ("WEBP", "webp"), ("GIF", "png")])
def test_accepted_formats_are_re_encoded(kind, extension):
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "#246").save(buffer, kind)
    cleaned = prepare_upload(upload(buffer.getvalue(), f"x.{kind.lower()}", "image/x"))
    assert cleaned.name == f"x.{extension}"


@pytest.mark.django_db
def test_renditions_are_made_once_at_several_widths():
    picture = PictureFactory(file=image_file(size=(1600, 900)), alt="Une image")
    widths = [r["width"] for r in picture.renditions]
    assert widths == [480, 800, 1200, 1600]
    for rendition in picture.renditions:
        assert rendition["webp"].endswith(".webp") and default_storage.exists(rendition["webp"])
        assert rendition["fallback"].endswith(".jpg")
        with default_storage.open(rendition["webp"]) as handle, Image.open(handle) as image:
            assert image.format == "WEBP" and image.width == rendition["width"]
    before = list(picture.renditions)
    picture.alt = "Texte modifié"
    picture.save()
    picture.refresh_from_db()
    assert picture.renditions == before  # unchanged file: nothing recut


@pytest.mark.django_db
def test_small_picture_is_not_upscaled():
    picture = PictureFactory(file=image_file(size=(640, 360)), alt="x")
    assert [r["width"] for r in picture.renditions] == [480, 640]


@pytest.mark.django_db
def test_article_page_serves_srcset_with_webp(client):
    picture = PictureFactory(file=image_file(size=(1600, 900)), alt="Une image")
    article = ArticleFactory(lead_picture=picture)
    html = client.get(article.get_absolute_url()).text
    assert '<source type="image/webp" srcset="' in html
    assert " 480w, " in html and " 1600w" in html
    assert 'fetchpriority="high"' in html and 'alt="Une image"' in html
