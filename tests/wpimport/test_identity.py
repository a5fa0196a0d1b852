"""Exports that leave things out: no post ids, plain categories, modification dates."""

from datetime import UTC, datetime

import pytest

from articles.models import Article, Section
from wpimport.models import ImportedItem

from .wxr import SITE, RSSItem, WPPost, export

pytestmark = pytest.mark.django_db


def feed_export(*extra):
    return export(
        *(
            RSSItem(f"Dépêche {n}", guid=f"{SITE}/?p={n}", categories=["Politique"])
            for n in (11, 12)
        ),
        RSSItem("Par son lien", guid="tag:blog.example.org,2024:abc", link=f"{SITE}/?p=19"),
        RSSItem("Sans numéro", guid="tag:blog.example.org,2024:xyz", link=f"{SITE}/sans-numero/"),
        RSSItem("Deux rubriques", guid=f"{SITE}/?p=21", categories=["Économie", "Politique"]),
        *extra,
        categories=(),
        tags=(),
    )


def test_items_without_post_ids_import_and_a_rerun_changes_nothing(run_import, client):
    summary = run_import(feed_export())

    assert summary.counts["posts"] == {"created": 5}
    assert Article.objects.published().count() == 5
    ids = set(ImportedItem.objects.filter(kind="post").values_list("wp_id", flat=True))
    assert {"11", "12", "19", "21"} < ids and len(ids) == 5
    reasons = {reason for (_, _, reason) in summary.reasons}
    assert "no wp:post_id: identified by the ?p= of its guid or link" in reasons
    assert "no wp:post_id: identified by its guid and link" in reasons
    # The number found is the old address too.
    assert (
        client.get("/?p=19")["Location"]
        == Article.objects.get(title="Par son lien").get_absolute_url()
    )

    again = run_import(feed_export())
    assert again.counts["posts"] == {"unchanged": 5}
    assert Article.objects.count() == 5


def test_plain_categories_become_sections_and_tags_by_name(run_import, client):
    summary = run_import(feed_export())

    politique = Section.objects.get(name="Politique")
    assert set(Article.objects.filter(section=politique).values_list("title", flat=True)) == {
        "Dépêche 11",
        "Dépêche 12",
    }
    both = Article.objects.get(title="Deux rubriques")
    assert both.section.name == "Économie"
    assert list(both.tags.values_list("name", flat=True)) == ["Politique"]
    assert summary.counts["categories"]["created"] == 2
    assert client.get("/category/politique/")["Location"] == politique.get_absolute_url()
    # Items with no category at all are filed as the rules say, and it is said.
    assert Article.objects.get(title="Sans numéro").section.name == "Archives"


def test_a_plain_category_matches_the_declared_one_of_that_name(run_import):
    run_import(
        export(
            RSSItem("Au conseil", guid=f"{SITE}/?p=5", categories=["ville"]),
            WPPost(6, "Déclaré", categories=[("ville", "Ville")]),
        )
    )
    assert Section.objects.count() == 1
    assert Article.objects.filter(section__name="Ville").count() == 2


def test_terms_that_are_not_kept_are_reported_with_the_post(run_import):
    post = WPPost(7, "Un aparté")
    xml = export(post).replace(
        "</wp:is_sticky>",
        '</wp:is_sticky>\n    <category domain="post_format" nicename="post-format-aside">'
        "<![CDATA[Aside]]></category>\n    <category><![CDATA[ ]]></category>",
    )
    summary = run_import(xml)

    assert summary.counts["posts"] == {"created": 1}
    notes = dict(summary.notes)
    assert notes[("posts", "WordPress post format 'Aside' not kept: Newsroom has none")] == 1
    assert notes[("posts", "an empty <category> (category) was dropped")] == 1
    lines = "\n".join(summary.lines())
    assert "in #7 Un aparté" in lines


def with_modified(post: WPPost, modified_gmt: str) -> str:
    return export(post).replace(
        "<wp:comment_status>",
        f"<wp:post_modified_gmt>{modified_gmt}</wp:post_modified_gmt>\n    <wp:comment_status>",
    )


def test_wordpress_modified_date_is_the_update_time(run_import, client):
    run_import(with_modified(WPPost(1, "Corrigé"), "2024-06-01 12:00:00"))
    article = Article.objects.get()
    assert article.updated_at == datetime(2024, 6, 1, 12, tzinfo=UTC)
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'datetime="2024-06-01T' in page  # shown as updated, on WordPress's date

    # Not modified after publication: no "updated" line, and not the import's date.
    run_import(with_modified(WPPost(2, "Jamais retouché"), "2024-05-14 08:00:00"))
    untouched = Article.objects.get(title="Jamais retouché")
    assert untouched.updated_at == untouched.published_at
    assert not untouched.was_updated
    run_import(export(WPPost(3, "Sans date de modification")))
    plain = Article.objects.get(title="Sans date de modification")
    assert plain.updated_at == plain.published_at


def test_a_rerun_after_the_modified_date_still_sees_newsroom_edits(run_import, move_time):
    xml = with_modified(WPPost(1, "Corrigé"), "2024-06-01 12:00:00")
    run_import(xml)
    article = Article.objects.get()
    move_time(minutes=5)
    article.title = "Retouché dans Newsroom"
    article.save()
    summary = run_import(xml.replace("Premier paragraphe.", "Premier paragraphe modifié."))
    assert (
        summary.reasons[
            ("posts", "skipped", "edited in Newsroom since the last import: kept as edited")
        ]
        == 1
    )
    assert Article.objects.get().title == "Retouché dans Newsroom"
