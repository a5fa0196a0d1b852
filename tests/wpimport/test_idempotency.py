import pytest
from django.apps import apps

from articles.models import Article
from comments.models import Comment
from wpimport.importer import WordPressImporter

from .wxr import WPComment, WPPost, attachment, export

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def first_export():
    return export(
        WPPost(
            1,
            "Le tramway arrive",
            tags=[("tram", "Tram")],
            comments=[WPComment(10, "Enfin !"), WPComment(11, "Oui.", parent=10)],
        ),
        WPPost(2, "Élections en Europe", categories=[("europe", "Europe")], creator="paul"),
        WPPost(3, "Un brouillon", status="draft"),
        attachment(50, "2024/05/pont.jpg"),
    )


def test_second_run_creates_and_changes_nothing(run_import):
    run_import(first_export())
    before = row_counts()
    edited = dict(Article.objects.values_list("pk", "updated_at"))

    summary = run_import(first_export())

    assert row_counts() == before
    assert dict(Article.objects.values_list("pk", "updated_at")) == edited
    for kind in ("posts", "comments", "authors", "tags", "categories"):
        assert summary.count(kind, "created") == summary.count(kind, "updated") == 0, kind
    assert summary.counts["posts"] == {"unchanged": 3}
    assert summary.counts["comments"] == {"unchanged": 2}


def test_newer_export_updates_changed_posts_and_adds_new_ones(run_import):
    run_import(first_export())
    newer = export(
        WPPost(
            1,
            "Le tramway arrive enfin",
            slug="le-tramway-arrive",
            content="Texte corrigé.",
            tags=[("tram", "Tram")],
            comments=[
                WPComment(10, "Enfin !"),
                WPComment(11, "Oui.", parent=10),
                WPComment(12, "Nouveau commentaire."),
            ],
        ),
        WPPost(2, "Élections en Europe", categories=[("europe", "Europe")], creator="paul"),
        WPPost(3, "Un brouillon", status="draft"),
        WPPost(4, "Nouvel article"),
    )
    summary = run_import(newer)

    assert summary.counts["posts"] == {"updated": 1, "unchanged": 2, "created": 1}
    assert summary.counts["comments"] == {"unchanged": 2, "created": 1}
    article = Article.objects.get(slug="le-tramway-arrive")
    assert article.title == "Le tramway arrive enfin"
    assert article.body == "<p>Texte corrigé.</p>"
    assert article.comments.count() == 3
    assert Article.objects.count() == 4


def test_articles_edited_in_newsroom_are_not_overwritten(run_import, move_time):
    run_import(first_export())
    article = Article.objects.get(slug="le-tramway-arrive")
    move_time(minutes=5)
    article.title = "Titre retravaillé par la rédaction"
    article.save()
    summary = run_import(export(WPPost(1, "Le tramway arrive", content="Autre texte.")))
    assert (
        summary.reasons[
            ("posts", "skipped", "edited in Newsroom since the last import: kept as edited")
        ]
        == 1
    )
    assert Article.objects.get(pk=article.pk).title == "Titre retravaillé par la rédaction"


def test_interrupted_import_can_be_run_again(write_export):
    path = write_export(first_export())

    def interrupt(done, total):
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        WordPressImporter(path, progress=interrupt).run()
    assert Article.objects.count() == 2  # each item committed on its own

    summary = WordPressImporter(path).run()
    assert summary.counts["posts"] == {"unchanged": 2, "created": 1}
    assert Article.objects.count() == 3
    assert Comment.objects.count() == 2


def test_one_failing_item_does_not_stop_the_others(write_export, monkeypatch):
    path = write_export(first_export())
    original = Article.save

    def save(self, *args, **kwargs):
        if self.title == "Élections en Europe":
            raise ValueError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Article, "save", save)
    summary = WordPressImporter(path).run()
    assert summary.counts["posts"] == {"created": 2, "skipped": 1}
    assert summary.reasons[("posts", "skipped", "could not be saved (ValueError: disk full)")] == 1

    monkeypatch.setattr(Article, "save", original)
    summary = WordPressImporter(path).run()
    assert summary.counts["posts"] == {"created": 1, "unchanged": 2}
    assert Article.objects.filter(title="Élections en Europe").exists()
