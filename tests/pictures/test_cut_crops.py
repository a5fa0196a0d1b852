"""`manage.py cut_crops`: pictures moved into the library without crops get them, and
their cards change to the 16:9 cut; a missing file is named and stops nothing else."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from pictures.models import Picture
from tests.factories import ArticleFactory, AuthorFactory, PictureFactory, image_file

pytestmark = pytest.mark.django_db


def without_crops(**kwargs) -> Picture:
    """A picture as the migration leaves it: whole-picture renditions, no crops."""
    picture = PictureFactory(file=image_file(size=(1600, 1200)), **kwargs)
    Picture.objects.filter(pk=picture.pk).update(crops={})
    return Picture.objects.get(pk=picture.pk)


def run(*args) -> str:
    out = StringIO()
    call_command("cut_crops", *args, stdout=out)
    return out.getvalue()


def test_pictures_without_crops_get_them_and_their_cards_change(
    client, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE_SECONDS": 300}
    cache.clear()
    picture = without_crops()
    ArticleFactory(lead_picture=picture, authors=[AuthorFactory()])
    assert picture.card_renditions == picture.renditions  # 4:3, as uploaded
    home = client.get("/")
    assert picture.renditions[0]["webp"] in home.text
    assert client.get("/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        assert run() == "Crops cut for 1 picture(s).\n"

    picture.refresh_from_db()
    cards = picture.crops["card"]
    assert {round(c["width"] / c["height"], 2) for c in cards} == {1.78}
    assert (picture.crops["social"]["width"], picture.crops["social"]["height"]) == (1200, 630)
    home = client.get("/")
    assert home["X-Page-Cache"] == "miss"  # purged: the card shows the crop now
    assert cards[0]["webp"] in home.text
    assert picture.renditions[0]["webp"] not in home.text
    cache.clear()


def test_pictures_with_crops_are_left_alone_unless_all_is_asked():
    picture = PictureFactory()
    before = picture.crops
    assert run() == "Crops cut for 0 picture(s).\n"
    picture.refresh_from_db()
    assert picture.crops == before
    assert run("--all") == "Crops cut for 1 picture(s).\n"


def test_a_missing_file_is_named_and_the_others_are_still_cut():
    lost = without_crops(alt="Perdue")
    kept = without_crops(alt="Gardée")
    default_storage.delete(lost.file.name)
    with pytest.raises(CommandError) as refused:
        run()
    message = str(refused.value)
    assert "1 picture(s) could not be cut" in message
    assert f"picture {lost.pk} ({lost.file.name})" in message
    crops = dict(Picture.objects.values_list("pk", "crops"))
    assert crops[kept.pk]["card"]
    assert crops[lost.pk] == {}  # nothing half-written
