"""Every column and field the admin shows is named in the site's words, translated: no
label made by Django from a field's name ("OLD SLUG", "CREATED AT")."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import FieldDoesNotExist
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from articles.models import StaffPreference
from articles.roles import ADMINISTRATOR, CONTRIBUTOR, EDITOR
from tests.comments.factories import CommentFactory
from tests.factories import ArticleFactory, AuthorFactory

OURS = {"articles", "comments", "related", "wpimport", "demo"}


def shown_fields(model_admin, request):
    """(model, field name) of every model field in the list and the forms, inlines too."""
    model = model_admin.model
    names = [n for n in model_admin.get_list_display(request) if isinstance(n, str)]
    names += [n for n in model_admin.get_list_filter(request) if isinstance(n, str)]
    names += list(model_admin.get_fields(request))
    for name in names:
        yield model, name
    for inline in model_admin.get_inline_instances(request):
        for name in inline.get_fields(request):
            yield inline.model, name


def test_every_model_field_the_admin_shows_has_a_translated_name(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    untranslated = set()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OURS:
            continue
        if not isinstance(model._meta.verbose_name, Promise):
            untranslated.add(f"{model.__name__} (its name)")
        for shown_model, name in shown_fields(model_admin, request):
            try:
                field = shown_model._meta.get_field(name.split("__")[0])
            except FieldDoesNotExist:
                continue  # a method or a form-only field: its label is checked where it is made
            if field.auto_created and not field.concrete:
                continue  # a reverse relation: the related model names it
            if not isinstance(field.verbose_name, Promise):
                untranslated.add(f"{shown_model.__name__}.{field.name}")
    assert sorted(untranslated) == []


pytestmark = pytest.mark.django_db


# Every page the roles use, read as the browser gets it in French ---------------------------

# English words of the admin's vocabulary that French never uses (words both languages
# share, such as "page", "section" or "action", are left out).
ENGLISH = re.compile(
    r"\b(add|added|another|all|and|by|cancel|changed|choose|clear|created|currently|"
    r"delete|deleted|documentation|draft|edit|filter|for|heading|hide|history|home|insert|"
    r"italic|log|none|now|object|objects|of|old|paragraph|password|previous|published|"
    r"remove|review|run|save|search|select|selected|show|submit|the|to|today|unknown|"
    r"update|updated|upload|view|welcome|with|yes)\b",
    re.IGNORECASE,
)
SPOKEN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class ShownText(HTMLParser):
    """The words a page shows or says: text outside scripts and styles, tooltips, labels;
    words marked as another language (lang="en" on "English") are not French to check."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0
        self._open: list[bool] = []  # one per open element: is it marked foreign?

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        if tag not in VOID:
            lang = dict(attrs).get("lang")
            self._open.append(bool(lang) and not lang.startswith("fr") and tag != "html")
        if any(self._open):
            return
        for name, value in attrs:
            if value and (
                name in SPOKEN_ATTRIBUTES
                or (name == "value" and dict(attrs).get("type") in {"submit", "button"})
            ):
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self._hidden = max(self._hidden - 1, 0)
        if tag not in VOID and self._open:
            self._open.pop()

    def handle_data(self, data):
        if not self._hidden and not any(self._open) and data.strip():
            self.texts.append(" ".join(data.split()))


def translated_msgids() -> set[str]:
    """Every English phrase the French catalogues translate into something else."""
    catalogue = translation.trans_real.translation("fr")._catalog
    return {
        msgid
        for msgid, french in catalogue.items()
        if isinstance(msgid, str) and len(msgid) > 3 and french != msgid
    }


def untranslated(html: str, msgids: set[str]) -> set[str]:
    parser = ShownText()
    parser.feed(html)
    return {
        text for text in parser.texts if text in msgids or ENGLISH.search(text.replace("’", "'"))
    }


def pages_of(user) -> list[str]:
    """Addresses of the admin pages this person can open: home, every list with one
    object's form and history, every add form, their language and password pages."""
    urls = [
        reverse("admin:index"),
        reverse("admin:language"),
        reverse("admin:password_change"),
        reverse("admin:comments_comment_changelist") + "?status__exact=pending",
    ]
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        shown = model_admin.get_queryset(_request(user)).first()
        if shown is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[shown.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[shown.pk]))
    return urls


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("role", [CONTRIBUTOR, EDITOR, ADMINISTRATOR])
def test_every_admin_page_a_role_opens_is_french(client, role):
    user = User.objects.create_user("sara", password="secret-42", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    author = AuthorFactory(name="Sara Benali", user=user)
    article = ArticleFactory(title="Sommet à Paris", authors=[author], tags=["Climat"])
    CommentFactory(article=article, status="pending")
    client.force_login(user)
    msgids = translated_msgids()
    found: dict[str, set[str]] = {}
    opened = 0
    for url in pages_of(user):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")  # the browser asks English
        if response.status_code != 200:
            continue  # a page this role may not open (checked in test_access_matrix)
        opened += 1
        english = untranslated(response.content.decode(), msgids)
        if english:
            found[url] = english
    assert opened >= 8
    assert found == {}, found


def test_a_staff_member_who_chose_english_gets_it_everywhere(client):
    user = User.objects.create_user("sam", password="secret-42", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR))
    client.force_login(user)
    assert "Déconnexion" in client.get(reverse("admin:index")).content.decode()
    response = client.post(
        reverse("admin:language"), {"admin_language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert StaffPreference.objects.get(user=user).admin_language == "en"
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Log out" in page and '<html lang="en"' in page
    # Their choice follows them to a new session, and never reaches the reader site.
    client.logout()
    client.force_login(user)
    assert "Log out" in client.get(reverse("admin:index")).content.decode()
    assert '<html lang="fr"' in client.get("/").content.decode()


def test_a_language_the_admin_does_not_speak_is_refused_with_a_reason(client):
    user = User.objects.create_user("sam", password="secret-42", is_staff=True)
    client.force_login(user)
    response = client.post(reverse("admin:language"), {"admin_language": "xx"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not StaffPreference.objects.exists()


def test_the_login_page_is_french_whatever_the_browser_asks(client):
    page = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert '<html lang="fr"' in page and "Connexion" in page


@pytest.mark.urls("tests.pagecache.urls")
def test_a_site_without_the_admin_is_served_as_before(client):
    """The language middleware looks for the admin's address: without an admin in the URL
    configuration it stands aside (it answered 500 to every page)."""
    assert client.get("/a/1/").status_code == 200
