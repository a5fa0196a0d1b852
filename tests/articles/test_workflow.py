"""Roles × actions in the editors' admin, publication checks, lost updates, previews."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from articles import preview, services
from articles.models import Article, Correction, HomepagePin, ShareLink
from articles.roles import ADMINISTRATOR, CONTRIBUTOR, EDITOR
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PictureFactory,
    SectionFactory,
)
from tests.formdata import form_data

CHANGELIST = reverse("admin:articles_article_changelist")


def make_user(username: str, role: str | None) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "pw", is_staff=True)
    user.first_name = username.capitalize()
    user.save()
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def people(db):
    contributor = make_user("camille", CONTRIBUTOR)
    AuthorFactory(name="Camille", user=contributor)
    return {
        "contributor": contributor,
        "other": make_user("leo", CONTRIBUTOR),
        "editor": make_user("sara", EDITOR),
        "admin": make_user("nadia", ADMINISTRATOR),
    }


def client_for(client, user):
    client.force_login(user)
    return client


def draft_by(user, **kwargs):
    article = ArticleFactory(status=Article.Status.DRAFT, authors=[AuthorFactory()], **kwargs)
    Article.objects.filter(pk=article.pk).update(created_by=user)
    article.refresh_from_db()
    return article


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def post_action(client, action, articles, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in articles], "index": 0, **extra}
    return client.post(CHANGELIST, data)


def test_roles_exist_with_their_permissions(people):
    assert people["editor"].has_perm("articles.publish_article")
    assert people["editor"].has_perm("articles.edit_any_article")
    assert people["admin"].has_perm("articles.publish_article")
    assert people["contributor"].has_perm("articles.add_article")
    assert not people["contributor"].has_perm("articles.publish_article")
    assert not people["contributor"].has_perm("articles.edit_any_article")


def test_contributor_sees_and_edits_only_their_own_drafts(client, people):
    own = draft_by(people["contributor"], title="Mon brouillon")
    other = draft_by(people["other"], title="Brouillon d’un autre")
    client_for(client, people["contributor"])
    listing = client.get(CHANGELIST).text
    assert "Mon brouillon" in listing and "Brouillon d’un autre" not in listing
    assert client.get(change_url(own)).status_code == 200
    assert client.get(change_url(other)).status_code == 302  # "does not exist" for them
    assert client.post(change_url(other), {"title": "volé"}).status_code in {302, 403}
    other.refresh_from_db()
    assert other.title == "Brouillon d’un autre"


def test_contributor_cannot_choose_published_in_the_form(client, people):
    own = draft_by(people["contributor"])
    client_for(client, people["contributor"])
    page = client.get(change_url(own))
    assert 'value="published"' not in page.text
    data = form_data(page.text, "article_form")
    data["status"] = "published"
    response = client.post(change_url(own), data)
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.status == Article.Status.DRAFT


def test_contributor_can_submit_own_draft_for_review(client, people):
    own = draft_by(people["contributor"])
    client_for(client, people["contributor"])
    data = form_data(client.get(change_url(own)).text, "article_form")
    data["status"] = "review"
    assert client.post(change_url(own), data).status_code == 302
    own.refresh_from_db()
    assert own.status == Article.Status.REVIEW


def test_contributor_posting_the_publish_action_directly_is_refused(client, people):
    own = draft_by(people["contributor"])
    client_for(client, people["contributor"])
    post_action(client, "publish_selected", [own], confirm="yes")
    own.refresh_from_db()
    assert own.status == Article.Status.DRAFT


def test_contributor_cannot_edit_own_article_once_published(client, people):
    own = draft_by(people["contributor"])
    Article.objects.filter(pk=own.pk).update(status=Article.Status.PUBLISHED)
    client_for(client, people["contributor"])
    page = client.get(change_url(own))
    assert page.status_code == 200 and 'name="_save"' not in page.text  # view only
    assert client.post(change_url(own), {"title": "x"}).status_code == 403


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editor_and_admin_publish_after_confirming(client, people, role):
    draft = draft_by(people["contributor"], title="À publier")
    client_for(client, people[role])
    confirm = post_action(client, "publish_selected", [draft])
    assert confirm.status_code == 200
    assert "À publier" in confirm.text and "Publié" in confirm.text
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT  # nothing until confirmed
    post_action(client, "publish_selected", [draft], confirm="yes")
    draft.refresh_from_db()
    assert draft.is_published


def test_editor_schedules_and_the_list_says_when(client, people, move_time):
    draft = draft_by(people["contributor"], published_at=timezone.now() + timedelta(minutes=1))
    client_for(client, people["editor"])
    post_action(client, "publish_selected", [draft], confirm="yes")
    draft.refresh_from_db()
    assert draft.is_scheduled
    assert "Programmé pour" in client.get(CHANGELIST).text
    assert client.get(draft.get_absolute_url()).status_code == 404
    move_time(minutes=2)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_editor_unpublishes_and_moves_after_confirming(client, people):
    article = ArticleFactory(title="En ligne", authors=[AuthorFactory()])
    target = SectionFactory(name="Culture")
    client_for(client, people["editor"])
    confirm = post_action(client, "move_to_section", [article])
    assert "Culture" in confirm.text and article.section.name in confirm.text
    post_action(client, "move_to_section", [article], confirm="yes", section=target.pk)
    post_action(client, "unpublish_selected", [article], confirm="yes")
    article.refresh_from_db()
    assert article.section == target
    assert article.status == Article.Status.UNPUBLISHED
    assert client.get(article.get_absolute_url()).status_code == 404


def test_contributor_has_no_bulk_publish_or_move(client, people):
    client_for(client, people["contributor"])
    draft_by(people["contributor"])
    page = client.get(CHANGELIST).text
    assert "publish_selected" not in page and "move_to_section" not in page
    assert "submit_for_review" in page


# Publication checks ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"body": "<h3>Trop profond</h3>"}, "sautent un niveau"),
        ({"alt": ""}, "texte alternatif"),
        ({"credit": ""}, "pas de crédit"),
        ({"source_kind": "rewrite", "source_name": "", "source_url": ""}, "source"),
        ({"source_kind": "translation", "source_name": "X", "source_url": ""}, "source"),
    ],
)
def test_publication_checks_name_each_problem(changes, problem):
    article = ArticleFactory(
        status=Article.Status.DRAFT,
        authors=[AuthorFactory()],
        lead_picture=PictureFactory(alt="Une image", credit="Photo Newsroom"),
    )
    for field, value in changes.items():
        # The lead picture's words are the picture's own, in the library.
        setattr(article.lead_picture if field in {"alt", "credit"} else article, field, value)
    article.lead_picture.save()
    article.save()
    problems = services.publication_problems(article)
    assert len(problems) == 1 and problem in problems[0]
    with pytest.raises(services.PublicationRefused):
        services.publish_article(article, user=None)


@pytest.mark.django_db
def test_publication_without_byline_is_refused_unless_overridden():
    article = ArticleFactory(status=Article.Status.DRAFT)
    with pytest.raises(services.PublicationRefused, match="signature"):
        services.publish_article(article, user=None)
    services.publish_article(article, user=None, override_reason="Dépêche non signée")
    article.refresh_from_db()
    assert article.is_published
    assert article.publish_override_reason == "Dépêche non signée"


def test_admin_form_refuses_publishing_with_problems_and_accepts_a_reason(client, people):
    article = draft_by(people["contributor"], body="<h3>Sous-titre sans titre</h3>")
    client_for(client, people["editor"])
    data = form_data(client.get(change_url(article)).text, "article_form")
    data["status"] = "published"
    refused = client.post(change_url(article), data)
    assert refused.status_code == 200
    assert "sautent un niveau" in refused.text
    data["publish_override_reason"] = "Format imposé par le partenaire"
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_published


def test_admin_form_refuses_publishing_without_byline(client, people):
    article = draft_by(people["contributor"])
    article.bylines.all().delete()
    client_for(client, people["editor"])
    data = form_data(client.get(change_url(article)).text, "article_form")
    data["status"] = "published"
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


# Lost updates -----------------------------------------------------------------------------


def test_second_editor_saving_a_stale_form_is_refused_and_keeps_their_text(client, people):
    from django.test import Client

    article = draft_by(people["contributor"], title="Version de départ")
    first, second = Client(), Client()
    first.force_login(people["editor"])
    second.force_login(people["admin"])
    first_data = form_data(first.get(change_url(article)).text, "article_form")
    second_data = form_data(second.get(change_url(article)).text, "article_form")

    first_data["title"] = "Version de Sara"
    assert first.post(change_url(article), first_data).status_code == 302

    second_data["title"] = "Version de Nadia"
    refused = second.post(change_url(article), second_data)
    assert refused.status_code == 200
    assert "Sara" in refused.text and "pendant que vous" in refused.text
    assert "Version de Nadia" in refused.text  # their text is kept in the form
    article.refresh_from_db()
    assert article.title == "Version de Sara"

    # Having seen the warning and merged, a second save goes through.
    merged = form_data(refused.text, "article_form")
    merged["title"] = "Version fusionnée"
    assert second.post(change_url(article), merged).status_code == 302
    article.refresh_from_db()
    assert article.title == "Version fusionnée"


# Revisions ----------------------------------------------------------------------------------


def test_every_save_keeps_a_revision_with_a_readable_diff_and_restore(client, people):
    article = draft_by(people["contributor"], body="<p>Première version du texte.</p>")
    client_for(client, people["editor"])
    for body in ["<p>Première version du texte.</p>", "<p>Seconde version du texte.</p>"]:
        data = form_data(client.get(change_url(article)).text, "article_form")
        data["body"] = body
        assert client.post(change_url(article), data).status_code == 302
    from reversion.models import Version

    versions = list(Version.objects.get_for_object(article))
    assert len(versions) == 2
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert history.status_code == 200 and "Sara" in history.text
    diff = client.get(
        reverse("admin:articles_article_diff", args=[article.pk, versions[0].revision_id])
    )
    assert "<del>Première</del>" in diff.text and "<ins>Seconde</ins>" in diff.text

    restore_url = reverse("admin:articles_article_revision", args=[article.pk, versions[1].pk])
    data = form_data(client.get(restore_url).text, "article_form")
    assert "Première version" in data["body"]
    assert client.post(restore_url, data).status_code == 302
    article.refresh_from_db()
    assert "Première version" in article.body


def test_the_diff_reads_as_the_editor_wrote_not_as_it_is_stored(client, people):
    """Labels for codes, words for dates, text for HTML, nothing for an empty value: no
    'draft', no 'None', no '<p>' in the history of an article."""
    article = draft_by(people["contributor"], body="<p>Premier jet.</p>")
    client_for(client, people["editor"])
    data = form_data(client.get(change_url(article)).text, "article_form")
    assert client.post(change_url(article), data).status_code == 302
    data = form_data(client.get(change_url(article)).text, "article_form")
    data.update(
        {
            "body": "<p>Premier jet.</p><h2>La suite</h2><p>Texte relu.</p>",
            "status": "published",
            "published_at_0": "2026-03-04",
            "published_at_1": "08:30:00",
        }
    )
    assert client.post(change_url(article), data).status_code == 302
    from reversion.models import Version

    latest = Version.objects.get_for_object(article).first()
    html = client.get(
        reverse("admin:articles_article_diff", args=[article.pk, latest.revision_id])
    ).text
    diff = html.split('<div id="content-main">')[1].split('class="button"')[0]
    assert "Brouillon" in diff and "Publié" in diff
    assert "<ins>4 mars</ins>" in diff and "08:30" in diff
    assert "<ins>La suite Texte relu.</ins>" in diff
    for raw in ["draft", "published", "None", "&lt;p&gt;", "&lt;h2&gt;"]:
        assert raw not in diff, raw


# Previews -----------------------------------------------------------------------------------


def test_staff_preview_renders_the_reader_page_uncached_and_noindex(client, people):
    article = draft_by(people["contributor"], title="Brouillon à relire")
    client_for(client, people["editor"])
    response = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert response.status_code == 200
    assert "Brouillon à relire" in response.text and "Aperçu" in response.text
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_contributor_cannot_preview_someone_elses_draft(client, people):
    other = draft_by(people["other"])
    client_for(client, people["contributor"])
    response = client.get(reverse("admin:articles_article_preview", args=[other.pk]))
    assert response.status_code == 404


def test_share_link_works_without_account_then_expires(client, people):
    article = draft_by(people["contributor"], title="Pour le relecteur")
    client_for(client, people["editor"])
    response = client.post(reverse("admin:articles_article_share", args=[article.pk]), follow=True)
    link = re.search(r"https?://[^/]+(/apercu/[^/\s<]+/)", response.text).group(1)
    assert "48" in response.text
    client.logout()
    shared = client.get(link)
    assert shared.status_code == 200 and "Pour le relecteur" in shared.text
    assert "no-store" in shared["Cache-Control"] or "no-cache" in shared["Cache-Control"]
    # A link made 49 hours ago.
    old = preview.create_share_link(article, people["editor"])
    ShareLink.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    expired = client.get(old.get_absolute_url())
    assert expired.status_code == 410 and "expiré" in expired.text


def test_forged_share_link_is_404(client, people):
    article = draft_by(people["contributor"])
    link = preview.create_share_link(article, people["editor"]).get_absolute_url()
    assert client.get(link[:-4] + "xyz/").status_code == 404
    assert client.get(reverse("articles:shared_preview", args=["nimportequoi"])).status_code == 404


# Corrections and homepage curation -----------------------------------------------------------


@pytest.mark.django_db
def test_correction_shows_on_the_page(client):
    article = ArticleFactory()
    Correction.objects.create(article=article, text="Le chiffre exact est 12 %, non 21 %.")
    html = client.get(article.get_absolute_url()).text
    assert "Le chiffre exact est 12 %, non 21 %." in html and "Correction" in html


def test_adding_a_correction_in_the_admin_marks_the_article_updated(client, people):
    article = ArticleFactory(authors=[AuthorFactory()])
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(days=1))
    client_for(client, people["editor"])
    data = form_data(client.get(change_url(article)).text, "article_form")
    data.update(
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "update",
            "corrections-0-text": "Ajout de la réaction du ministère.",
            "corrections-0-created_at_0": "2026-11-25",
            "corrections-0-created_at_1": "10:00",
        }
    )
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.corrections.count() == 1
    assert timezone.now() - article.updated_at < timedelta(minutes=1)


@pytest.mark.django_db
def test_pinned_story_leads_the_homepage_until_its_time(client, move_time):
    old = ArticleFactory(title="Enquête de fond", published_at=timezone.now() - timedelta(days=5))
    ArticleFactory.create_batch(10)
    HomepagePin.objects.create(
        slot=1, article=old, pinned_until=timezone.now() + timedelta(hours=1)
    )
    second = ArticleFactory(
        title="Analyse épinglée", published_at=timezone.now() - timedelta(days=6)
    )
    HomepagePin.objects.create(
        slot=2, article=second, pinned_until=timezone.now() + timedelta(hours=1)
    )
    response = client.get(reverse("articles:index"))
    assert response.context["lead"] == old
    assert response.context["latest"][0] == second
    assert response.text.count(old.get_absolute_url()) == 1
    move_time(hours=2)
    response = client.get(reverse("articles:index"))
    assert response.context["lead"] != old
