from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Author, Section, Tag
from comments.models import Comment
from comments.threads import load_thread
from pictures.models import Picture
from tests.factories import SectionFactory, image_file

from .wxr import WPComment, WPPost, attachment, export

pytestmark = pytest.mark.django_db


def future(days: int = 10) -> tuple[str, str]:
    when = timezone.now().astimezone(UTC) + timedelta(days=days)
    return when.strftime("%Y-%m-%d %H:%M:%S"), when.strftime("%Y-%m-%d %H:%M:%S")


def newsroom_export():
    local, gmt = future()
    return export(
        WPPost(
            1,
            "Le tramway arrive",
            tags=[("tram", "Tram")],
            comments=[
                WPComment(10, "Enfin !"),
                WPComment(11, "Une réponse.", parent=10, date_gmt="2024-05-15 08:00:00"),
                WPComment(12, "Réponse à la réponse.", parent=11, date_gmt="2024-05-15 09:00:00"),
                WPComment(13, "En attente.", approved="0"),
                WPComment(14, "Achetez !", approved="spam"),
                WPComment(15, "Supprimé.", approved="trash"),
                WPComment(16, "Ping", type="pingback"),
                WPComment(17, "Track", type="trackback"),
            ],
        ),
        WPPost(
            2,
            "Élections en Europe",
            categories=[("europe", "Europe"), ("ville", "Ville")],
            creator="paul",
        ),
        WPPost(3, "Un brouillon", status="draft", date_gmt="0000-00-00 00:00:00"),
        WPPost(4, "En relecture", status="pending"),
        WPPost(5, "Programmé", status="future", date=local, date_gmt=gmt),
        WPPost(6, "Réservé aux abonnés", password="secret"),
        WPPost(7, "Privé", status="private"),
        WPPost(8, "Corbeille", status="trash"),
        WPPost(9, "À propos", post_type="page", comments=[WPComment(30, "Sur une page")]),
        WPPost(20, "Menu", post_type="nav_menu_item", categories=[]),
    )


def test_counts_every_kind_in_the_summary(run_import):
    summary = run_import(newsroom_export())

    assert summary.counts["posts"] == {"created": 7, "skipped": 1}
    assert summary.reasons[("posts", "skipped", "in WordPress's trash")] == 1
    assert summary.counts["pages"] == {"skipped": 1}
    assert summary.counts["comments"] == {"created": 6, "skipped": 1}
    assert summary.reasons[("comments", "skipped", "on a page, which is not imported")] == 1
    assert summary.counts["pingbacks"] == {"skipped": 2}
    assert summary.counts["authors"] == {"created": 2}
    assert summary.counts["tags"] == {"created": 1}
    assert summary.counts["other"] == {"skipped": 1}
    # ville and monde become sections; europe is nested under monde.
    assert summary.counts["categories"] == {"created": 2, "linked": 1}
    assert Article.objects.count() == 7
    assert Comment.objects.count() == 6


def test_statuses_map_and_only_published_posts_are_public(run_import, client):
    run_import(newsroom_export())
    by_title = {a.title: a for a in Article.objects.all()}
    S = Article.Status

    assert by_title["Le tramway arrive"].status == S.PUBLISHED
    assert by_title["Le tramway arrive"].published_at == datetime(2024, 5, 14, 8, tzinfo=UTC)
    assert by_title["Un brouillon"].status == S.DRAFT
    assert by_title["En relecture"].status == S.REVIEW
    assert by_title["Programmé"].is_scheduled
    assert by_title["Réservé aux abonnés"].status == S.UNPUBLISHED
    assert by_title["Privé"].status == S.UNPUBLISHED
    public = set(Article.objects.published().values_list("title", flat=True))
    assert public == {"Le tramway arrive", "Élections en Europe"}
    for title in ("Programmé", "Un brouillon", "Réservé aux abonnés", "Privé"):
        assert client.get(by_title[title].get_absolute_url()).status_code == 404


def test_password_protected_and_private_posts_are_reported(run_import):
    summary = run_import(newsroom_export())
    assert (
        summary.reasons[
            ("posts", "created", "password-protected: imported unpublished, never public")
        ]
        == 1
    )
    assert summary.reasons[("posts", "created", "private: imported unpublished, never public")] == 1


def test_comments_keep_threads_statuses_and_dates(run_import):
    run_import(newsroom_export())
    article = Article.objects.get(title="Le tramway arrive")
    comments = {c.text: c for c in article.comments.all()}

    first, reply, deeper = (
        comments["Enfin !"],
        comments["Une réponse."],
        comments["Réponse à la réponse."],
    )
    assert (first.parent, first.depth) == (None, 0)
    assert (reply.parent, reply.depth) == (first, 1)
    # The site shows two levels: a reply to a reply hangs from the deepest one shown.
    assert (deeper.parent, deeper.depth) == (first, 1)
    assert (first.thread_root, reply.thread_root, deeper.thread_root) == (None, first, first)
    assert reply.created_at == datetime(2024, 5, 15, 8, tzinfo=UTC)
    assert comments["En attente."].status == Comment.Status.PENDING
    assert comments["Achetez !"].status == Comment.Status.SPAM
    assert comments["Supprimé."].status == Comment.Status.REMOVED
    thread = load_thread(article)
    assert [c.text for c in thread.comments] == ["Enfin !"]
    assert [c.text for c in thread.comments[0].thread_replies] == [
        "Une réponse.",
        "Réponse à la réponse.",
    ]


def test_nested_categories_flatten_into_their_top_level_section(run_import):
    run_import(newsroom_export())
    article = Article.objects.get(title="Élections en Europe")
    assert article.section.name == "Monde"
    # Its own nested category and its other categories are kept as tags.
    assert set(article.tags.values_list("name", flat=True)) == {"Europe", "Ville"}
    assert set(Section.objects.values_list("name", flat=True)) == {"Ville", "Monde"}


def test_authors_tags_and_bylines(run_import):
    run_import(newsroom_export())
    article = Article.objects.get(title="Le tramway arrive")
    assert [a.name for a in article.authors.all()] == ["Marie Dupont"]
    assert list(article.tags.values_list("name", flat=True)) == ["Tram"]
    assert Author.objects.get(name="Paul Martin").articles.count() == 1


def test_existing_sections_tags_and_authors_are_reused(run_import):
    SectionFactory(name="Ville", slug="ville")
    Tag.objects.create(name="Tram", slug="tram")
    Author.objects.create(name="Marie Dupont", slug="marie-dupont")
    summary = run_import(export(WPPost(1, tags=[("tram", "Tram")])))
    assert summary.counts["categories"]["linked"] == 1
    assert summary.counts["tags"]["linked"] == 1
    assert summary.counts["authors"]["linked"] == 1
    assert Section.objects.count() == Tag.objects.count() == Author.objects.count() == 1


def test_bodies_are_converted_and_sanitized(run_import):
    body = (
        "Un paragraphe\navec un retour.\n\nDeuxième.\n\n"
        '[caption id="attachment_5" width="300"]<img src="https://ailleurs.example/a.jpg" '
        'alt="Le pont" width="300" height="200" /> Le pont au matin[/caption]\n\n'
        '[gallery ids="1,2"]\n\n'
        "https://www.youtube.com/watch?v=abc\n\n"
        "[embed]https://vimeo.com/123[/embed]\n\n"
        '<iframe src="https://maps.example/embed"></iframe>\n\n'
        "<h1>Titre</h1><h4>Petit</h4><script>alert(1)</script>"
        '[sic] et [poll id="3"]'
    )
    summary = run_import(export(WPPost(1, content=body)))
    html = Article.objects.get().body_html

    assert "<p>Un paragraphe<br>\navec un retour.</p>" in html
    assert "<p>Deuxième.</p>" in html
    # A picture from elsewhere is not loaded (the site's CSP would block it): a link to it.
    assert "<img" not in html
    assert '<figure><a href="https://ailleurs.example/a.jpg"' in html
    assert ">Le pont</a><figcaption>Le pont au matin</figcaption></figure>" in html
    assert "gallery" not in html
    assert '<a href="https://www.youtube.com/watch?v=abc"' in html
    assert '<a href="https://vimeo.com/123"' in html
    assert '<a href="https://maps.example/embed"' in html
    assert "<h2>Titre</h2>" in html and "<h3>Petit</h3>" in html
    assert "script" not in html and "alert" not in html and "iframe" not in html
    assert "[sic]" in html and "poll" not in html
    # Its attachments are not in the export.
    assert summary.notes[("posts", "[gallery] without the ids of its pictures: removed")] == 1
    assert summary.notes[("posts", "picture not imported: a link to it in its place")] == 1
    assert summary.notes[("posts", "unknown shortcode [poll] removed")] == 1


def test_block_editor_bodies_lose_their_comments_and_keep_embeds_as_links(run_import):
    body = (
        "<!-- wp:paragraph -->\n<p>Un bloc.</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:embed {"url":"https://youtu.be/x"} -->\n<figure class="wp-block-embed">'
        '<div class="wp-block-embed__wrapper">\nhttps://youtu.be/x\n</div></figure>\n'
        "<!-- /wp:embed -->"
    )
    run_import(export(WPPost(1, content=body)))
    html = Article.objects.get().body_html
    assert "wp:" not in html and "<!--" not in html
    assert "<p>Un bloc.</p>" in html
    assert '<a href="https://youtu.be/x" rel="noopener">https://youtu.be/x</a>' in html


def test_pictures_come_from_the_media_dir_and_missing_ones_keep_their_link(run_import, tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "2024/05").mkdir(parents=True)
    (uploads / "2024/05/pont.jpg").write_bytes(image_file(size=(900, 600)).read())
    (uploads / "2024/05/quai.jpg").write_bytes(image_file(size=(300, 200)).read())
    body = (
        '<img src="https://blog.example.org/wp-content/uploads/2024/05/quai.jpg" alt="Quai">\n\n'
        '<img src="https://blog.example.org/wp-content/uploads/2024/05/absent.jpg" alt="Absent">'
    )
    summary = run_import(
        export(
            attachment(50, "2024/05/pont.jpg", alt="Le pont", caption="Au matin"),
            WPPost(1, content=body, meta={"_thumbnail_id": "50"}),
        ),
        media_dir=uploads,
    )
    article = Article.objects.get()
    picture = article.lead_picture
    assert picture.file.name.endswith("2024/05/pont.jpg")
    assert (picture.width, picture.alt, picture.caption) == (900, "Le pont", "Au matin")
    assert picture.renditions and picture.crops["card"]
    # The body's picture is in the library, with its renditions; the missing one is a link.
    quai = Picture.objects.get(file__endswith="2024/05/quai.jpg")
    assert f'<img data-file="{quai.pk}"' in article.body_html and "srcset=" in article.body_html
    assert quai.alt == "Quai"  # the body's alt text, where the library had none
    assert (
        '<a href="https://blog.example.org/wp-content/uploads/2024/05/absent.jpg" '
        'rel="noopener">Absent</a>'
    ) in article.body_html
    assert summary.counts["attachments"] == {"created": 1}
    assert summary.counts["pictures"] == {"created": 1, "skipped": 1}
    assert summary.reasons[("pictures", "skipped", "not found in --media-dir: link kept")] == 1


def test_without_media_dir_links_are_kept_and_reported(run_import):
    summary = run_import(
        export(attachment(50, "2024/05/pont.jpg"), WPPost(1, meta={"_thumbnail_id": "50"}))
    )
    assert Article.objects.get().lead_picture is None
    assert summary.reasons[("attachments", "skipped", "no --media-dir given: link kept")] == 1
    assert summary.notes[("posts", "featured image not imported (no --media-dir given)")] == 1


def test_media_dir_cannot_be_escaped(run_import, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (tmp_path / "secret.jpg").write_bytes(image_file().read())
    body = '<img src="https://blog.example.org/wp-content/uploads/../secret.jpg">'
    run_import(export(WPPost(1, content=body)), media_dir=uploads)
    assert "/media/" not in Article.objects.get().body_html


def test_dry_run_changes_nothing_and_reports_the_same(command):
    out, _ = command(newsroom_export(), "--dry-run")
    assert "Dry run: nothing was saved." in out
    assert Article.objects.count() == Comment.objects.count() == Section.objects.count() == 0


def test_command_prints_progress_and_summary(command):
    out, err = command(newsroom_export())
    assert "Importing: 10/10 items (100%)" in err
    assert "WordPress import: Le Journal du Quartier (blog.example.org, WXR 1.2)" in out
    assert "pingbacks/trackbacks" in out and "skipped 1: in WordPress's trash" in out


def test_sticky_posts_are_featured_and_closed_comments_stay_closed(run_import):
    run_import(export(WPPost(1, sticky=True, comment_status="closed")))
    article = Article.objects.get()
    assert article.is_featured and not article.comments_open
