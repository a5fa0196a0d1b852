"""Hostile and damaged exports: refused with a clear message, or bad items reported."""

import pytest
from django.core.management.base import CommandError

from articles.models import Article
from comments.models import Comment

from .wxr import WPComment, WPPost, export

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&lol9;</title></channel></rss>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<wp:base_blog_url>https://x.example</wp:base_blog_url>
<item><title>&xxe;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


def test_billion_laughs_is_refused(command):
    with pytest.raises(CommandError, match="declares the XML entity 'lol'"):
        command(BILLION_LAUGHS)


def test_external_entity_is_refused(command):
    with pytest.raises(CommandError, match="declares the XML entity 'xxe'"):
        command(EXTERNAL_ENTITY)
    assert not Article.objects.exists()


def test_truncated_file_is_refused_and_nothing_is_imported(command):
    text = export(WPPost(1), WPPost(2, "Deuxième"), WPPost(3, "Troisième"))
    with pytest.raises(CommandError, match=r"not readable XML at line \d+.*truncated"):
        command(text[: len(text) * 2 // 3])
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not readable XML"),
        (b"\xff\xfe garbage", "not readable XML"),
        (b"<html><body>Not found</body></html>", "root element is <html>"),
        (b"<rss><channel><title>A feed</title></channel></rss>", "not a WordPress export"),
    ],
)
def test_files_that_are_not_exports_are_refused(command, content, message):
    with pytest.raises(CommandError, match=message):
        command(content)


def test_missing_file_is_refused(tmp_path):
    from django.core.management import call_command

    with pytest.raises(CommandError, match="is not a file"):
        call_command("import_wordpress", str(tmp_path / "absent.xml"))


def test_item_without_title_gets_one_and_is_reported(run_import):
    summary = run_import(
        export(
            WPPost(1, title=None, slug="le-maire-demissionne"),
            WPPost(2, title="", slug="", content="Un texte sans titre ni adresse, mais des mots."),
        )
    )
    assert set(Article.objects.values_list("title", flat=True)) == {
        "Le maire demissionne",
        "Un texte sans titre ni adresse, mais des mots.",
    }
    assert (
        summary.reasons[("posts", "created", "no title: one was made from its slug or first words")]
        == 2
    )


def test_item_without_title_or_any_text_is_skipped(run_import):
    summary = run_import(export(WPPost(1, title=None, slug="", content=""), WPPost(2)))
    assert summary.reasons[("posts", "skipped", "no title, slug or text to name it by")] == 1
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("date", "date_gmt"), [(None, None), ("2024-13-45 99:00:00", "not a date")]
)
def test_published_item_without_a_valid_date_becomes_a_draft(run_import, date, date_gmt):
    item = WPPost(1, date=date, date_gmt=date_gmt, link="https://blog.example.org/?p=1")
    text = export(item).replace("<pubDate>Tue, 14 May 2024 08:00:00 +0000</pubDate>", "")
    summary = run_import(text)
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().exists()
    assert summary.reasons[("posts", "created", "no valid date: imported as a draft")] == 1


def test_duplicate_slugs_get_a_number_and_both_old_addresses_work(run_import, client):
    summary = run_import(
        export(
            WPPost(1, "Le même titre", slug="meme-titre"),
            WPPost(
                2,
                "Le même titre",
                slug="meme-titre",
                date="2024-05-15 10:00:00",
                date_gmt="2024-05-15 08:00:00",
            ),
        )
    )
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["meme-titre", "meme-titre-2"]
    assert (
        summary.reasons[("posts", "created", "its slug was already used: a number was added")] == 1
    )
    assert client.get("/2024/05/15/meme-titre/")["Location"] == "/2024/5/meme-titre-2/"
    assert client.get("/?p=2")["Location"] == "/2024/5/meme-titre-2/"


def test_duplicate_ids_in_one_export_import_once(run_import):
    summary = run_import(export(WPPost(1), WPPost(1, "Autre titre")))
    assert summary.reasons[("posts", "skipped", "the same WordPress id twice in the export")] == 1
    assert Article.objects.count() == 1


def test_comment_whose_parent_is_missing_becomes_top_level(run_import):
    summary = run_import(
        export(
            WPPost(
                1,
                comments=[
                    WPComment(10, "Réponse orpheline.", parent=999),
                    WPComment(11, "Boucle A", parent=12),
                    WPComment(12, "Boucle B", parent=11),
                ],
            )
        )
    )
    orphan = Comment.objects.get(text="Réponse orpheline.")
    assert (orphan.parent, orphan.depth) == (None, 0)
    assert Comment.objects.count() == 3
    assert (
        summary.notes[("comments", "its parent is missing: imported as a top-level comment")] >= 1
    )


def test_comment_with_bad_fields_is_repaired(run_import):
    run_import(
        export(
            WPPost(
                1,
                comments=[
                    WPComment(
                        10,
                        "<p>Voir <a href='https://exemple.org/x'>ce lien</a> &amp; merci</p>",
                        email="pas-une-adresse",
                        url="javascript:alert(1)",
                        date="n'importe",
                        date_gmt="quoi",
                        author="<b>Anne</b>",
                    ),
                ],
            )
        )
    )
    comment = Comment.objects.get()
    assert comment.text == "Voir ce lien (https://exemple.org/x) & merci"
    assert (comment.email, comment.website, comment.name) == ("", "", "Anne")
    assert comment.created_at == Article.objects.get().published_at


def test_hostile_markup_in_titles_and_bodies_is_neutralised(run_import):
    run_import(
        export(
            WPPost(
                1,
                title="<script>alert(1)</script>Titre &amp; sous-titre",
                content='<p onclick="x()">Texte</p><a href="javascript:alert(1)">lien</a>'
                '<img src=x onerror="alert(1)">',
            )
        )
    )
    article = Article.objects.get()
    assert article.title == "alert(1)Titre & sous-titre"
    assert "onclick" not in article.body_html and "javascript" not in article.body_html
    assert "onerror" not in article.body_html


def test_comment_id_reused_on_another_post_does_not_move_the_first(run_import):
    summary = run_import(
        export(
            WPPost(1, comments=[WPComment(10, "Sur le premier.")]),
            WPPost(2, "Autre", comments=[WPComment(10, "Même identifiant.")]),
        )
    )
    comment = Comment.objects.get()
    assert (comment.text, comment.article.title) == ("Sur le premier.", "Le tramway arrive")
    assert (
        summary.reasons[("comments", "skipped", "its id belongs to a comment of another post")] == 1
    )


def test_a_body_over_the_size_limit_is_reported_not_imported(run_import, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "WORDPRESS_MAX_BODY_BYTES": 10_000}
    summary = run_import(export(WPPost(1, "Énorme", content="mot " * 5_000), WPPost(2, "Normal")))
    assert [a.title for a in Article.objects.all()] == ["Normal"]
    reason = "body larger than the 10 KB limit (NEWSROOM['WORDPRESS_MAX_BODY_BYTES']): not imported"
    assert summary.reasons[("posts", "skipped", reason)] == 1
    assert summary.examples[("posts", "skipped", reason)] == ["#1 Énorme (20 KB)"]
