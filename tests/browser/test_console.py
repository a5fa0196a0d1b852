"""No page a reader or an editor opens logs an error: no CSP violation, no missing file."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, AuthorFactory, PictureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def collect_errors(page):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    return errors


def test_reader_pages_log_no_error(live_server, page):
    author = AuthorFactory(name="Sara", slug="sara")
    article = ArticleFactory(
        tags=["France"], authors=[author], lead_picture=PictureFactory(alt="Une image")
    )
    errors = collect_errors(page)
    for url in [
        reverse("articles:index"),
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        author.get_absolute_url(),
        "/sujet/france/",
    ]:
        page.goto(live_server.url + url)
    assert errors == [], "\n".join(errors)


def test_admin_article_pages_log_no_error(live_server, page, admin_user):
    article = ArticleFactory(tags=["France"], authors=[AuthorFactory()])
    errors = collect_errors(page)
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Nom d’utilisateur").fill("admin")
    page.get_by_label("Mot de passe").fill("password")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/")
    for url in [
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[article.pk]),
    ]:
        page.goto(live_server.url + url)
    assert errors == [], "\n".join(errors)
