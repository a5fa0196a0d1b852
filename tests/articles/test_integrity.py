"""Issue #14: editorial safeguards hold against direct requests (regression tests)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section, Tag
from tests.articles.test_workflow import change_url, client_for, draft_by, people  # noqa: F401
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PictureFactory,
    SectionFactory,
    image_file,
)
from tests.formdata import form_data
from tests.website.test_feeds import HIDDEN, make_hidden


def test_checks_judge_the_submitted_state_not_the_stored_row(client, people):  # noqa: F811
    """Finding 1: a picture without alt text or credit and a skipped heading, submitted
    with status Published in one save, used to go live."""
    article = draft_by(people["contributor"], body="<h2>Titre</h2><p>Texte.</p>")
    client_for(client, people["editor"])
    data = form_data(client.get(change_url(article)).text, "article_form")
    data.update(
        status="published",
        body="<h3>saut</h3><p>Texte.</p>",
        lead_image_alt="",
        lead_image_credit="",
        lead_image=image_file(),
    )
    refused = client.post(change_url(article), data)
    assert refused.status_code == 200
    assert "sautent un niveau" in refused.text
    assert "texte alternatif" in refused.text and "crédit" in refused.text
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.lead_picture is None


def test_fixing_the_problem_and_publishing_in_the_same_save_goes_through(client, people):  # noqa: F811
    """Finding 1, the reverse: the stored row's problem is fixed by the submitted form."""
    article = draft_by(people["contributor"], body="<h3>saut</h3><p>Texte.</p>")
    client_for(client, people["editor"])
    data = form_data(client.get(change_url(article)).text, "article_form")
    data.update(status="published", body="<h2>Titre</h2><p>Texte.</p>")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_published


def test_a_stale_form_without_its_token_is_refused_and_keeps_the_text(people):  # noqa: F811
    """Finding 5: dropping `loaded_token` from the POST used to overwrite a newer save."""
    article = draft_by(people["contributor"], title="Version de départ")
    first, second = Client(), Client()
    first.force_login(people["editor"])
    second.force_login(people["admin"])
    first_data = form_data(first.get(change_url(article)).text, "article_form")
    second_data = form_data(second.get(change_url(article)).text, "article_form")
    first_data["title"] = "Version de Sara"
    assert first.post(change_url(article), first_data).status_code == 302

    second_data["title"] = "Version de Nadia"
    del second_data["loaded_token"]
    refused = second.post(change_url(article), second_data)
    assert refused.status_code == 200
    assert "Version de Nadia" in refused.text
    article.refresh_from_db()
    assert article.title == "Version de Sara"
    # The form sent back now names the current version: a deliberate save goes through.
    merged = form_data(refused.text, "article_form")
    assert merged["loaded_token"] == str(article.edit_token)
    assert second.post(change_url(article), merged).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(HIDDEN))
def test_a_tag_or_author_of_hidden_articles_only_is_not_public(client, kind):
    """Finding 8: their pages and feeds answered 200 with the name, in both languages."""
    author = AuthorFactory(name="Plume Secrète", slug="plume-secrete")
    make_hidden(kind, tags=["Dossier secret"], authors=[author])
    tag = Tag.objects.get(name="Dossier secret")
    for prefix in ("", "/en"):
        for url in (tag.get_absolute_url(), author.get_absolute_url()):
            for suffix in ("", "flux/", "flux/atom/"):
                response = client.get(prefix + url + suffix)
                assert response.status_code == 404, (prefix + url + suffix, response.status_code)
                assert (
                    "Dossier secret" not in response.text and "Plume Secrète" not in response.text
                )
    ArticleFactory(tags=["Dossier secret"], authors=[author])  # now one is visible
    assert client.get(tag.get_absolute_url()).status_code == 200
    assert client.get(author.get_absolute_url() + "flux/").status_code == 200


@pytest.mark.django_db
def test_a_section_without_a_visible_article_is_left_out_of_the_navigation(client):
    """Finding 9: every page listed it; its own page may stay, empty."""
    ArticleFactory(section=SectionFactory(name="Monde"))
    empty = SectionFactory(name="Rubrique vide")
    make_hidden("scheduled", section=empty)
    home = client.get("/").text
    assert "Monde" in home and "Rubrique vide" not in home
    assert client.get(empty.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_bidi_controls_are_stripped_from_every_single_line_field():
    """Finding 12: a right-to-left override survived in names and headlines (the section's
    in every page's navigation); the comment name already dropped it."""
    section = SectionFactory(name="Sports\u202e")
    author = AuthorFactory(name="Sara\u2066 Martin\u2069")
    article = ArticleFactory(
        title="Le sommet\u202d de Paris\n",
        section=section,
        authors=[author],
        tags=["Ukraine\u202e"],
    )
    article.lead_picture = PictureFactory(caption="Vue\x07 du\u200f fleuve")
    article.save()
    article.refresh_from_db()
    assert Section.objects.get(pk=section.pk).name == "Sports"
    assert author.__class__.objects.get(pk=author.pk).name == "Sara Martin"
    assert article.title == "Le sommet de Paris"
    assert (
        article.lead_picture.caption == "Vue du\u200f fleuve"
    )  # RLM marks stay: languages need them
    assert [tag.name for tag in article.tags.all()] == ["Ukraine"]


def test_sqlite_is_set_up_for_several_editors_at_once(settings):
    """Finding 7: two saves at the same instant answered one 500 "database is locked"."""
    from newsroom import settings as project

    options = project.DATABASES["default"].get("OPTIONS", {})
    if project.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("PostgreSQL: row locks, no database-wide lock")
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10
    assert "journal_mode=WAL" in options["init_command"]


# Revision restores -------------------------------------------------------------------------


def save_through_admin(client, article, **changes):
    data = form_data(client.get(change_url(article)).text, "article_form")
    data.update(changes)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content[:2000]
    article.refresh_from_db()


def versions_of(article):
    from reversion.models import Version

    return list(Version.objects.get_for_object(article))  # newest first


def restore_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def test_a_contributor_cannot_restore_his_draft_over_a_published_article(people):  # noqa: F811
    """Finding 2: the restore was judged on the old draft django-reversion had already put
    back on the row, so a contributor unpublished and rewrote an editor's published story."""
    contributor, editor = Client(), Client()
    client_for(contributor, people["contributor"])
    client_for(editor, people["editor"])
    article = draft_by(people["contributor"], body="<h2>Titre</h2><p>Version du pigiste.</p>")
    save_through_admin(contributor, article)
    save_through_admin(
        editor, article, status="published", body="<h2>Titre</h2><p>Version publiée.</p>"
    )
    old = versions_of(article)[-1]
    page = contributor.get(restore_url(article, old))
    assert page.status_code == 403
    data = form_data(editor.get(restore_url(article, old)).text, "article_form")
    assert contributor.post(restore_url(article, old), data).status_code == 403
    article.refresh_from_db()
    assert article.is_published and "Version publiée." in article.body


def test_an_old_byline_does_not_give_a_contributor_an_editors_article_back(people):  # noqa: F811
    """Finding 3: the first revision carried his byline; restoring it made him the owner."""
    editor = client_for(Client(), people["editor"])
    camille = people["contributor"].author_profile
    article = ArticleFactory(status=Article.Status.DRAFT, authors=[camille])
    Article.objects.filter(pk=article.pk).update(created_by=people["editor"])
    save_through_admin(editor, article)
    article.bylines.all().delete()
    article.bylines.create(author=AuthorFactory(name="Sara"))
    save_through_admin(editor, article, status="published")
    contributor = client_for(Client(), people["contributor"])
    first = versions_of(article)[-1]
    data = form_data(editor.get(restore_url(article, first)).text, "article_form")
    assert contributor.post(restore_url(article, first), data).status_code == 403
    article.refresh_from_db()
    assert article.is_published
    assert [b.author.name for b in article.bylines.all()] == ["Sara"]


def test_a_restore_opened_before_a_colleagues_save_is_refused(people):  # noqa: F811
    """Finding 6: the restore brought back the old edit token and overwrote the newer save."""
    sara, nadia = client_for(Client(), people["editor"]), client_for(Client(), people["admin"])
    article = draft_by(people["contributor"], body="<p>Premier état.</p>")
    save_through_admin(sara, article)
    save_through_admin(sara, article, body="<p>Deuxième état.</p>")
    old = versions_of(article)[-1]
    stale = form_data(sara.get(restore_url(article, old)).text, "article_form")
    save_through_admin(nadia, article, body="<p>Travail de Nadia.</p>")
    refused = sara.post(restore_url(article, old), stale)
    assert refused.status_code == 200
    assert "Rien n’a été enregistré" in refused.text
    article.refresh_from_db()
    assert "Travail de Nadia." in article.body
    # Opened after her save, the restore goes through.
    fresh = form_data(sara.get(restore_url(article, old)).text, "article_form")
    assert sara.post(restore_url(article, old), fresh).status_code == 302
    article.refresh_from_db()
    assert "Premier état." in article.body


# Staff accounts ----------------------------------------------------------------------------


def user_change(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def test_an_administrator_cannot_make_himself_superuser(people):  # noqa: F811
    """Finding 4: Django's UserAdmin let anyone with auth.change_user tick the flag."""
    nadia = people["admin"]
    client = client_for(Client(), nadia)
    data = form_data(client.get(user_change(nadia)).text, "user_form")
    data["is_superuser"] = "on"
    data["first_name"] = "Nadia"
    assert client.post(user_change(nadia), data).status_code == 302
    nadia.refresh_from_db()
    assert nadia.first_name == "Nadia"  # the rest of the form was saved
    assert not nadia.is_superuser


def test_an_administrator_cannot_touch_a_superuser(people, django_user_model):  # noqa: F811
    boss = django_user_model.objects.create_superuser("patronne", password="tres-secret-1")
    client = client_for(Client(), people["admin"])
    password_url = reverse("admin:auth_user_password_change", args=[boss.pk])
    # Superusers are not even listed to him: 404 (403 would do as well).
    assert client.get(password_url).status_code in {403, 404}
    answer = client.post(
        password_url, {"password1": "pris-en-main-9", "password2": "pris-en-main-9"}
    )
    assert answer.status_code in {403, 404}
    boss.refresh_from_db()
    assert boss.check_password("tres-secret-1")
    assert client.get(user_change(boss)).status_code in {302, 403, 404}
    delete = reverse("admin:auth_user_delete", args=[boss.pk])
    client.post(delete, {"post": "yes"})
    assert django_user_model.objects.filter(pk=boss.pk).exists()


def test_nobody_grants_a_permission_he_does_not_hold(people):  # noqa: F811
    from django.contrib.auth.models import Group, Permission

    nadia = people["admin"]
    client = client_for(Client(), nadia)
    group = Group.objects.get(name="Administrator")
    url = reverse("admin:auth_group_change", args=[group.pk])
    data = form_data(client.get(url).text, "group_form")
    change_permission = Permission.objects.get(codename="change_permission")
    data["permissions"] = [*group.permissions.values_list("pk", flat=True), change_permission.pk]
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "auth.change_permission" in refused.text
    assert not group.permissions.filter(pk=change_permission.pk).exists()
    # Nor to himself directly, nor through a group holding more than he does.
    powerful = Group.objects.create(name="Tout-puissant")
    powerful.permissions.add(change_permission)
    data = form_data(client.get(user_change(nadia)).text, "user_form")
    for field, value in (("user_permissions", [change_permission.pk]), ("groups", [powerful.pk])):
        client.post(user_change(nadia), {**data, field: value})
        nadia = type(nadia).objects.get(pk=nadia.pk)
        assert not nadia.has_perm("auth.change_permission"), field


# Share links -------------------------------------------------------------------------------


def share(client, article) -> str:
    response = client.post(reverse("admin:articles_article_share", args=[article.pk]), follow=True)
    return re.search(r"https?://[^/]+(/apercu/[^/\s<]+/)", response.text).group(1)


def test_a_share_link_stops_when_the_article_is_unpublished(people):  # noqa: F811
    """Finding 10: the full text stayed readable for 48 h after unpublishing."""
    editor = client_for(Client(), people["editor"])
    article = draft_by(people["contributor"], title="Enquête sous embargo")
    link = share(editor, article)
    reader = Client()
    assert "Enquête sous embargo" in reader.get(link).text
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )
    article.refresh_from_db()
    public = reader.get(link)
    assert public.status_code == 302 and public["Location"] == article.get_absolute_url()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)
    gone = reader.get(link)
    assert gone.status_code == 410 and "Enquête sous embargo" not in gone.text
    Article.objects.filter(pk=article.pk).delete()
    assert reader.get(link).status_code == 404


def test_editors_see_who_made_each_link_and_revoke_it(people):  # noqa: F811
    editor = client_for(Client(), people["editor"])
    article = draft_by(people["contributor"], title="Brouillon partagé")
    link = share(editor, article)
    page = editor.get(change_url(article)).text
    assert link in page and "sara" in page
    data = form_data(page, "article_form")
    prefix = "share_links"
    data[f"{prefix}-0-revoke"] = "on"
    assert editor.post(change_url(article), data).status_code == 302
    gone = Client().get(link)
    assert gone.status_code == 410 and "Brouillon partagé" not in gone.text
    assert "révoqué par sara" in editor.get(change_url(article)).text
