"""The picture library: one picture described once, used as a lead or in bodies, cut
around its focal point, chosen from a searchable chooser, never lost on a form error."""

import re
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import ProtectedError
from django.urls import reverse
from PIL import Image

from articles.models import Article
from pictures.images import crop_box
from pictures.models import Picture
from tests.factories import ArticleFactory, AuthorFactory, PictureFactory, image_file
from tests.formdata import form_data

pytestmark = pytest.mark.django_db
CHOOSE = "admin:pictures_picture_choose"


def two_tone(size, first, second, *, vertical):
    """A JPEG split in two colours, across (vertical=True: top and bottom) or side by side."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = Image.new("RGB", size, first)
    w, h = size
    image.paste(second, (0, h // 2, w, h) if vertical else (w // 2, 0, w, h))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile("deux.jpg", buffer.getvalue(), content_type="image/jpeg")


def colour_at_centre(name):
    with default_storage.open(name) as handle, Image.open(handle) as image:
        return image.convert("RGB").getpixel((image.width // 2, image.height // 2))


# Crops --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "focal", "box"),
    [
        ((1600, 900), (50, 50), (0, 0, 1600, 900)),  # already 16:9: all of it
        ((900, 1600), (50, 0), (0, 0, 900, 506)),  # tall, subject at the top
        ((900, 1600), (50, 100), (0, 1094, 900, 1600)),  # tall, subject at the bottom
        ((2000, 500), (0, 50), (0, 0, 889, 500)),  # wide, subject on the left
        ((2000, 500), (97, 50), (1111, 0, 2000, 500)),  # near the edge: stops at it
    ],
)
def test_the_crop_box_keeps_the_focal_point_inside_the_picture(size, focal, box):
    assert crop_box(*size, (16, 9), *focal) == box


def test_cards_are_cut_around_the_focal_point_and_recut_when_it_moves():
    red, blue = (200, 30, 30), (30, 30, 200)
    picture = PictureFactory(
        file=two_tone((900, 1600), red, blue, vertical=True), alt="Deux tons", focal_y=90
    )
    card = picture.crops["card"][-1]
    assert (card["width"], card["height"]) == (900, 506)
    assert colour_at_centre(card["fallback"])[2] > 150  # the bottom half: blue
    social = picture.crops["social"]
    assert (social["width"], social["height"]) == (900, 472)
    picture.focal_y = 5
    picture.save()
    picture.refresh_from_db()
    assert colour_at_centre(picture.crops["card"][-1]["fallback"])[0] > 150  # now red
    assert picture.renditions[-1]["width"] == 900  # the whole picture's are not recut


def test_cards_show_the_crop_and_the_article_page_the_whole_picture(client):
    picture = PictureFactory(file=image_file(size=(1600, 1200)), alt="Une place")
    article = ArticleFactory(lead_picture=picture)
    home = client.get("/").text
    card = picture.crops["card"][0]["fallback"]
    assert default_storage.url(card) in home and 'alt="Une place"' in home
    page = client.get(article.get_absolute_url()).text
    assert 'width="1600" height="1200"' in page and default_storage.url(card) not in page


def test_a_picture_out_of_its_bounds_is_refused_by_the_form(admin_client):
    picture = PictureFactory()
    url = reverse("admin:pictures_picture_change", args=[picture.pk])
    data = form_data(admin_client.get(url).text, "picture_form")
    answer = admin_client.post(url, {**data, "focal_x": "140"})
    assert answer.status_code == 200 and "100" in answer.text
    picture.refresh_from_db()
    assert picture.focal_x == 50


# Reuse --------------------------------------------------------------------------------


def test_one_picture_leads_two_articles_and_cannot_be_deleted_while_used():
    picture = PictureFactory(alt="Le pont")
    first, second = ArticleFactory(lead_picture=picture), ArticleFactory(lead_picture=picture)
    assert set(picture.lead_of.all()) == {first, second}
    with pytest.raises(ProtectedError):
        picture.delete()


@pytest.mark.django_db(transaction=True)  # purges follow the commit
def test_changing_a_picture_s_words_shows_on_its_articles_pages(client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE_SECONDS": 300}
    cache.clear()
    picture = PictureFactory(alt="Ancienne description", caption="Ancienne légende")
    article = ArticleFactory(lead_picture=picture, authors=[AuthorFactory()])
    assert "Ancienne légende" in client.get(article.get_absolute_url()).text
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    picture.caption = "Nouvelle légende"
    picture.save()
    page = client.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "miss" and "Nouvelle légende" in page.text
    cache.clear()


# Pictures in the body -----------------------------------------------------------------


def test_a_body_picture_from_the_library_takes_its_renditions_and_alt_text():
    picture = PictureFactory(file=image_file(size=(1600, 900)), alt="Des manifestants")
    article = ArticleFactory(
        body=(
            f'<p>Avant.</p><figure><img src="/ailleurs.jpg" alt="" data-file="{picture.pk}" '
            'srcset="https://evil.example/x.jpg 1w"><figcaption>La place</figcaption></figure>'
        )
    )
    img = re.search(r"<img [^>]+>", article.body_html).group(0)
    assert 'alt="Des manifestants"' in img and 'loading="lazy"' in img
    assert 'width="1600" height="900"' in img and "evil.example" not in img
    assert all(default_storage.url(r["webp"]) in img for r in picture.renditions)
    assert list(article.body_pictures.all()) == [picture]
    with pytest.raises(ProtectedError):
        picture.delete()
    article.body = "<p>Plus d’image.</p>"
    article.save()
    assert not article.body_pictures.exists()
    picture.delete()


def test_a_picture_that_is_not_in_the_library_keeps_no_srcset_nor_false_id():
    article = ArticleFactory(
        body='<figure><img src="/media/a.jpg" alt="A" data-file="987654" srcset="/b 1w"></figure>'
    )
    assert article.body == '<figure><img src="/media/a.jpg" alt="A"></figure>'


def test_the_article_form_refuses_off_site_and_undescribed_body_pictures(admin_client):
    article = ArticleFactory(authors=[AuthorFactory()])
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(admin_client.get(url).text, "article_form")
    off_site = admin_client.post(
        url, {**data, "body": '<p>x</p><img src="https://ailleurs.example/p.jpg" alt="P">'}
    )
    assert off_site.status_code == 200
    assert "ailleurs.example/p.jpg est sur un autre site" in off_site.text
    undescribed = admin_client.post(url, {**data, "body": '<img src="/media/p.jpg" alt="">'})
    assert "n’a pas de texte alternatif" in undescribed.text
    article.refresh_from_db()
    assert "<img" not in article.body


def test_the_editor_s_picture_button_opens_the_chooser(admin_client):
    page = admin_client.get(reverse("admin:articles_article_add")).text
    assert reverse(CHOOSE).replace("/", "\\/") in page or reverse(CHOOSE) in page


# The chooser --------------------------------------------------------------------------


def test_the_chooser_finds_pictures_by_their_words_and_pages_them(admin_client):
    PictureFactory(alt="Un pont sous la neige", credit="AFP")
    PictureFactory(alt="Une place", caption="Le marché du dimanche")
    for n in range(30):
        PictureFactory(alt=f"Photo {n}")
    found = admin_client.get(reverse(CHOOSE), {"q": "marché", "field": "id_lead_picture"})
    assert found.status_code == 200
    assert "Une place" in found.text and "Un pont" not in found.text
    assert found.text.count('class="picture-choice"') == 1
    by_credit = admin_client.get(reverse(CHOOSE), {"q": "afp"}).text
    assert "Un pont sous la neige" in by_credit
    first = admin_client.get(reverse(CHOOSE)).text
    assert first.count('class="picture-choice"') == 24 and "page=2" in first
    second = admin_client.get(reverse(CHOOSE), {"page": "2"}).text
    assert second.count('class="picture-choice"') == 8
    assert admin_client.get(reverse(CHOOSE), {"page": "x%00"}).status_code == 200


def test_uploading_in_the_chooser_chooses_the_new_picture(admin_client):
    answer = admin_client.post(
        reverse(CHOOSE) + "?field=id_lead_picture",
        {"file": image_file("quai.jpg"), "alt": "Le quai", "credit": "Photo Rédaction"},
    )
    picture = Picture.objects.get(alt="Le quai")
    assert answer.status_code == 200 and f'data-id="{picture.pk}"' in answer.text
    assert "data-chosen" in answer.text and picture.renditions and picture.crops


def test_a_chooser_upload_with_an_error_keeps_the_file_for_the_next_try(admin_client):
    first = admin_client.post(reverse(CHOOSE), {"file": image_file("quai.jpg"), "alt": ""})
    assert first.status_code == 400 and "quai.jpg est conservée" in first.text
    token = form_data(first.text, "picture-upload")["held_file"]
    again = admin_client.post(reverse(CHOOSE), {"held_file": token, "alt": "Le quai"})
    assert again.status_code == 200
    assert Picture.objects.get().file.name.endswith(".jpg")


def test_a_bad_file_in_the_chooser_is_refused_with_its_reason(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"not a picture", content_type="image/jpeg")
    answer = admin_client.post(reverse(CHOOSE), {"file": fake, "alt": "X"})
    assert answer.status_code == 400 and not Picture.objects.exists()
    assert "errorlist" in answer.text


def test_a_new_lead_picture_uploaded_with_the_article_joins_the_library(admin_client):
    article = ArticleFactory(authors=[AuthorFactory()], status=Article.Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(admin_client.get(url).text, "article_form")
    missing_alt = admin_client.post(url, {**data, "lead_image": image_file()})
    assert missing_alt.status_code == 200 and not Picture.objects.exists()
    data = form_data(missing_alt.text, "article_form")
    saved = admin_client.post(
        url, {**data, "lead_image_alt": "Un quai", "lead_image_credit": "AFP"}
    )
    assert saved.status_code == 302
    article.refresh_from_db()
    assert (article.lead_picture.alt, article.lead_picture.credit) == ("Un quai", "AFP")
    # Chosen again in another article from the library, by its id.
    other = ArticleFactory(authors=[AuthorFactory()], status=Article.Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[other.pk])
    data = form_data(admin_client.get(url).text, "article_form")
    assert (
        admin_client.post(url, {**data, "lead_picture": article.lead_picture.pk}).status_code == 302
    )
    other.refresh_from_db()
    assert other.lead_picture == article.lead_picture and Picture.objects.count() == 1
    page = admin_client.get(url).text
    assert "Un quai" in page and "picture-thumb" in page


def test_the_chooser_and_the_library_list_run_the_same_queries_with_more_pictures(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        return len(queries.captured_queries)

    urls = [reverse(CHOOSE), reverse("admin:pictures_picture_changelist")]
    article = ArticleFactory(lead_picture=PictureFactory())
    [count(url) for url in urls]  # the session's first request also stores its language
    few = [count(url) for url in urls]
    for n in range(12):
        picture = PictureFactory(alt=f"Photo {n}")
        ArticleFactory(lead_picture=picture, body=f'<img src="/x.jpg" data-file="{picture.pk}">')
    assert article.lead_picture.lead_of.count() == 1
    assert [count(url) for url in urls] == few
