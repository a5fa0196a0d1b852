import io
import json
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, ArticleAuthor, Author, Section, Tag
from demo import DEMO_DIR
from pictures.models import Picture

FEATURED_SLUG = "ukraine-paris-et-washington-relancent-une-mediation-discrete-avec-moscou"


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def demo_items() -> list[dict]:
    return [
        item
        for path in sorted(DEMO_DIR.glob("articles_*.json"))
        for item in json.loads(path.read_text(encoding="utf-8"))
    ]


def row_counts() -> dict[str, int]:
    models = [Article, Author, Section, Tag, ArticleAuthor]
    return {model.__name__: model.objects.count() for model in models}


def password_in(output: str) -> str:
    match = re.search(r"^Password:\s+(\S+)$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


# Each full load draws and stores ~40 pictures, so the checks of what it creates share one load.
@pytest.mark.django_db
def test_load_demo_builds_the_site_from_every_data_file():
    output = run("load_demo")

    assert list(Section.objects.values_list("slug", flat=True)) == [
        "actualite",
        "international",
        "economie",
        "culture",
        "sport",
    ]
    assert Author.objects.count() == 6
    for author in Author.objects.all():
        assert (author.photo_width, author.photo_height) == (400, 400)
        assert author.bio
    both_files = (DEMO_DIR / "articles_2.json").exists()
    assert Article.objects.count() >= (40 if both_files else 20)
    assert Article.objects.count() == len(demo_items())
    assert "Articles:" in output

    featured = Article.objects.get(slug=FEATURED_SLUG)
    assert featured.is_featured and featured.is_published
    assert featured.section.slug == "actualite"
    assert [b.author.slug for b in featured.bylines.all()] == ["sara-benali"]
    assert {"Ukraine", "Russie", "France", "États-Unis"} <= set(featured.tags.names())
    assert Tag.objects.get(name="États-Unis").slug == "etats-unis"
    with_source = Article.objects.exclude(source_url="")
    assert with_source.exists()
    assert all(a.source_name and a.source_kind for a in with_source)
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert Article.objects.filter(status=Article.Status.REVIEW).exists()
    assert Article.objects.scheduled().exists()


@pytest.mark.django_db
def test_published_demo_articles_have_subheadings_and_described_images():
    run("load_demo")

    published = list(Article.objects.published())
    assert len(published) >= 15
    assert [a.slug for a in published if "<h2>" not in a.body_html] == []
    assert [a.slug for a in published if not (a.lead_picture and a.lead_picture.alt.strip())] == []
    sizes = {(a.lead_picture.width, a.lead_picture.height) for a in published}
    assert sizes == {(1600, 900)}


@pytest.mark.django_db
def test_load_demo_twice_adds_nothing_and_keeps_images():
    run("load_demo")
    counts = row_counts()
    images = dict(Article.objects.values_list("slug", "lead_picture__file"))

    output = run("load_demo")

    assert row_counts() == counts
    assert dict(Article.objects.values_list("slug", "lead_picture__file")) == images
    assert Picture.objects.count() == len([name for name in images.values() if name])
    assert "Articles: 0 created" in output


@pytest.mark.django_db
def test_demo_editor_prints_a_password_that_logs_in_as_a_staff_editor():
    output = run("demo_editor")

    assert "http://127.0.0.1:8000/admin/" in output
    assert re.search(r"^Username:\s+editor$", output, re.MULTILINE)
    user = authenticate(username="editor", password=password_in(output))
    assert user is not None
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("articles.change_article")
    assert user.has_perm("articles.add_article")
    assert not Author.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_demo_editor_rerun_changes_the_password_and_unlinks_authors():
    first = password_in(run("demo_editor", "--username", "marie"))
    user = get_user_model().objects.get(username="marie")
    Author.objects.create(name="Marie Démo", user=user)

    second = password_in(run("demo_editor", "--username", "marie"))

    assert first != second
    assert authenticate(username="marie", password=first) is None
    assert authenticate(username="marie", password=second) is not None
    assert get_user_model().objects.filter(username="marie").count() == 1
    assert not Author.objects.filter(user__username="marie").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["", "   "])
def test_demo_editor_rejects_an_empty_username(username):
    with pytest.raises(CommandError, match="username is empty"):
        run("demo_editor", "--username", username)
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_demo_editor_refuses_to_demote_a_superuser():
    get_user_model().objects.create_superuser("admin", "admin@example.org", "secret-pass-123")

    with pytest.raises(CommandError, match="superuser"):
        run("demo_editor", "--username", "admin")
    assert get_user_model().objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_demo_editor_prints_the_address_the_site_is_served_at():
    """make run passes its HOST and PORT: the login printed is where the site answers."""
    output = run("demo_editor", "--site-url", "http://127.0.0.1:8123/")
    assert "Login URL: http://127.0.0.1:8123/admin/" in output
    assert ":8000" not in output


@pytest.mark.django_db
def test_demo_editor_refuses_a_site_url_that_is_no_address_and_changes_nothing():
    with pytest.raises(CommandError, match="is not an address"):
        run("demo_editor", "--site-url", "8123")
    assert not get_user_model().objects.filter(username="editor").exists()
