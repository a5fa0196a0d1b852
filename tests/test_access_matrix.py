"""Who may do what in the editors' admin: one table, tried by direct requests.

Every admin address and every bulk action has at least one row. Each row is tried by every
role as an attacker would try it: a client that enforces CSRF, a valid token taken from a
page that role can open, and a request built from the real form as a superuser sees it
(not from the buttons the role is shown). A row's expectation reads, in the order of
`ROLES`, `+` (the request does what it asks) or `-` (it is refused and changes nothing).

A new admin address or action without a row fails `test_every_admin_address_and_action_has_a_row`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
import reversion
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from reversion.models import Version

from articles import preview
from articles.models import (
    Article,
    Author,
    AutosavedCopy,
    HomepagePin,
    ShareLink,
    StaffPreference,
    Tag,
)
from articles.roles import ADMINISTRATOR, CONTRIBUTOR, EDITOR
from comments.models import Comment, ModerationPolicy
from pictures.models import Picture
from tests.comments.factories import CommentFactory
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PictureFactory,
    SectionFactory,
    image_file,
)
from tests.formdata import form_data

ROLES = ["anonymous", "reader", "contributor", "editor", "administrator", "superuser"]
PASSWORD = "mot-de-passe-1"

World = SimpleNamespace
Builder = Callable[[World, Client], dict]
Check = Callable[[World, "User | None", Client], bool]


@dataclass(frozen=True)
class Row:
    """One admin address (or bulk action) and what each role may do with it."""

    label: str
    url_name: str  # in the admin's namespace
    expected: str  # one "+" or "-" per role, in the order of ROLES
    args: Callable[[World], list] = lambda w: []
    query: str = ""
    # GET: what an answer that lets the role in looks like (default: the page, 200).
    allowed: Callable | None = None
    # POST: the body, built with a superuser's client that can read the real form, and
    # what the request does, checked on the database (it must be false before).
    data: Builder | None = None
    done: Check | None = None
    action: tuple[str, str] | None = None  # (model label, action) for a bulk action

    @property
    def method(self) -> str:
        return "POST" if self.data else "GET"


def redirects_to(prefix: str):
    return lambda r: r.status_code == 302 and r["Location"].startswith(prefix)


def shows_page(response) -> bool:
    return response.status_code == 200


# The world every row is tried in ----------------------------------------------------------


def staff(username: str, role: str | None) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def save_revision(article: Article, user: User, **changes) -> None:
    with reversion.create_revision():
        for name, value in changes.items():
            setattr(article, name, value)
        article.save()
        reversion.set_user(user)


def oldest(article: Article) -> Version:
    return Version.objects.get_for_object(article).order_by("pk").first()


def build_world() -> World:
    w = World()
    contributor, editor = staff("camille", CONTRIBUTOR), staff("sara", EDITOR)
    w.users = {
        "anonymous": None,
        "reader": User.objects.create_user("lecteur", "lecteur@example.org", PASSWORD),
        "contributor": contributor,
        "editor": editor,
        "administrator": staff("nadia", ADMINISTRATOR),
        "superuser": User.objects.create_superuser("patronne", "p@example.org", PASSWORD),
    }
    w.superuser = w.users["superuser"]
    w.colleague = staff("leo", CONTRIBUTOR)  # the account the users' rows act on
    w.camille = AuthorFactory(name="Camille", slug="camille", user=contributor)
    w.sara = AuthorFactory(name="Sara", slug="sara", user=editor)
    w.unsigned = AuthorFactory(name="Pigiste", slug="pigiste")  # no byline: deletable
    w.section = SectionFactory(name="Monde", slug="monde")
    w.other_section = SectionFactory(name="Sport", slug="sport")
    w.tag = Tag.objects.create(name="Climat", slug="climat")

    def article(owner: User, byline: Author, **kwargs) -> Article:
        made = ArticleFactory(section=w.section, authors=[byline], **kwargs)
        Article.objects.filter(pk=made.pk).update(created_by=owner)
        made.refresh_from_db()
        return made

    draft = Article.Status.DRAFT
    w.own_draft = article(contributor, w.camille, status=draft, title="Ancien brouillon")
    save_revision(w.own_draft, contributor)
    save_revision(w.own_draft, contributor, title="Brouillon de Camille")
    w.published = article(editor, w.sara, title="Ancien titre publié")
    save_revision(w.published, editor)
    save_revision(w.published, editor, title="Article publié")
    w.ready = article(editor, w.sara, status=draft, title="Prêt à publier")
    w.share = preview.create_share_link(w.ready, editor)
    gone = article(editor, w.sara, status=draft, title="Article supprimé")
    save_revision(gone, editor)
    w.deleted_pk, w.deleted_version = gone.pk, oldest(gone)
    gone.delete()
    w.comment = CommentFactory(article=w.published, status=Comment.Status.PENDING)
    w.pin = HomepagePin.objects.create(
        slot=HomepagePin.Slot.values[0],
        article=w.published,
        pinned_until=timezone.now() + timedelta(days=1),
    )
    w.own_picture = PictureFactory(alt="Photo de Camille", uploaded_by=contributor)
    w.others_picture = PictureFactory(alt="Photo de Sara", uploaded_by=editor)
    w.spare_picture = PictureFactory(alt="Photo en trop", uploaded_by=contributor)
    Article.objects.filter(pk=w.published.pk).update(lead_picture=w.others_picture)
    w.policy = ModerationPolicy.objects.create(**ModerationPolicy.defaults())
    w.group = Group.objects.get(name=CONTRIBUTOR)
    w.mighty = Group.objects.create(name="Tout-puissant")
    w.mighty.permissions.add(Permission.objects.get(codename="change_permission"))
    for user in filter(None, w.users.values()):  # work in progress that discarding removes
        for key in (str(w.own_draft.pk), AutosavedCopy.NEW):
            AutosavedCopy.objects.create(user=user, key=key, fields={"title": "Graine"})
    return w


def fresh(obj):
    return type(obj).objects.filter(pk=obj.pk).first()


def value(w: World, spec):
    return spec(w) if callable(spec) else spec


def form(url_name: str, form_id: str, obj: Callable[[World], object] | None = None, **changes):
    """The admin form as a superuser sees it, with `changes` applied."""

    def build(w: World, admin_client: Client) -> dict:
        url = reverse(f"admin:{url_name}", args=[obj(w).pk] if obj else [])
        data = form_data(admin_client.get(url).text, form_id)
        data.update({name: value(w, spec) for name, spec in changes.items()})
        return data

    return build


def restore_form(article: Callable[[World], Article]) -> Builder:
    def build(w: World, admin_client: Client) -> dict:
        url = reverse(
            "admin:articles_article_revision", args=[article(w).pk, oldest(article(w)).pk]
        )
        return form_data(admin_client.get(url).text, "article_form")

    return build


def bulk(action: str, *objects: Callable[[World], object], **extra) -> Builder:
    def build(w: World, admin_client: Client) -> dict:
        return {
            "action": action,
            ACTION_CHECKBOX_NAME: [str(obj(w).pk) for obj in objects],
            "index": "0",
            "confirm": "yes",
            "post": "yes",
            **{name: value(w, spec) for name, spec in extra.items()},
        }

    return build


def confirmed(w: World, admin_client: Client) -> dict:
    return {"post": "yes"}


def nothing(w: World, admin_client: Client) -> dict:
    return {}


def state(getter: Callable[[World], object], **expected) -> Check:
    """The object (read again from the database) has these field values."""

    def check(w: World, user, client) -> bool:
        obj = fresh(getter(w))
        return obj is not None and all(getattr(obj, k) == value(w, v) for k, v in expected.items())

    return check


def gone(getter: Callable[[World], object]) -> Check:
    return lambda w, user, client: fresh(getter(w)) is None


def holds(getter: Callable[[World], User], permission: str) -> Check:
    return lambda w, user, client: User.objects.get(pk=getter(w).pk).has_perm(permission)


def perm_pk(codename: str) -> Callable[[World], str]:
    return lambda w: str(Permission.objects.get(codename=codename).pk)


own_draft = lambda w: w.own_draft  # noqa: E731
published = lambda w: w.published  # noqa: E731
ready = lambda w: w.ready  # noqa: E731
comment = lambda w: w.comment  # noqa: E731
colleague = lambda w: w.colleague  # noqa: E731
boss = lambda w: w.superuser  # noqa: E731
FUTURE = timezone.localtime() + timedelta(days=3)


def pages(model: str, expected: dict[str, str], obj: Callable[[World], object]) -> list[Row]:
    """The list, add, change, history and delete pages of a model, by GET."""
    pk = lambda w: [obj(w).pk]  # noqa: E731
    return [
        Row(f"{model} list", f"{model}_changelist", expected["changelist"]),
        Row(f"{model} add page", f"{model}_add", expected["add"]),
        Row(f"{model} change page", f"{model}_change", expected["change"], args=pk),
        Row(f"{model} history", f"{model}_history", expected["change"], args=pk),
        Row(f"{model} delete page", f"{model}_delete", expected["delete"], args=pk),
    ]


def delete(model: str, expected: str, obj: Callable[[World], object]) -> list[Row]:
    return [
        Row(
            f"{model} delete",
            f"{model}_delete",
            expected,
            args=lambda w: [obj(w).pk],
            data=confirmed,
            done=gone(obj),
        ),
        Row(
            f"{model} bulk delete",
            f"{model}_changelist",
            expected,
            data=bulk("delete_selected", obj),
            done=gone(obj),
            action=(model.replace("_", ".", 1), "delete_selected"),
        ),
    ]


def password_reset(whose: str, account: Callable[[World], User], expected: str) -> Row:
    new = "Repris-en-main-9"
    return Row(
        f"reset {whose} password",
        "auth_user_password_change",
        expected,
        args=lambda w: [account(w).pk],
        data=lambda w, c: {"password1": new, "password2": new, "usable_password": "true"},
        done=lambda w, user, c: fresh(account(w)).check_password(new),
    )


def catalogue(model: str, expected: dict[str, str], *, shown, added, renamed, deleted):
    """A named list editors keep (sections, authors, tags): its pages, add, rename, delete."""
    form_id = model.split("_", 1)[1] + "_form"
    manager = admin_model(model)._default_manager
    return [
        *pages(model, expected, shown),
        Row(
            f"{model} add",
            f"{model}_add",
            expected["add"],
            data=form(f"{model}_add", form_id, **added),
            done=lambda w, user, c: manager.filter(slug=added["slug"]).exists(),
        ),
        change(
            f"{model}_change",
            form_id,
            shown,
            expected["delete"],  # whoever may delete may rename
            f"{model} rename",
            state(shown, name=renamed),
            name=renamed,
        ),
        *delete(model, expected["delete"], deleted),
    ]


def admin_model(model: str):
    from django.apps import apps

    return apps.get_model(*model.split("_", 1))


def change(url_name: str, form_id: str, obj, expected: str, label: str, done: Check, **changes):
    return Row(
        label,
        url_name,
        expected,
        args=lambda w: [obj(w).pk],
        data=form(url_name, form_id, obj, **changes),
        done=done,
    )


def article_change(obj, expected: str, label: str, done: Check, **changes) -> Row:
    return change("articles_article_change", "article_form", obj, expected, label, done, **changes)


def user_change(obj, expected: str, label: str, done: Check, **changes) -> Row:
    return change("auth_user_change", "user_form", obj, expected, label, done, **changes)


def group_change(expected: str, label: str, done: Check, **changes) -> Row:
    return change(
        "auth_group_change", "group_form", lambda w: w.group, expected, label, done, **changes
    )


def article_action(action: str, expected: str, label: str, done: Check, *objs, **extra) -> Row:
    return Row(
        label,
        "articles_article_changelist",
        expected,
        data=bulk(action, *objs, **extra),
        done=done,
        action=("articles.article", action),
    )


def comment_action(action: str, status: str) -> Row:
    return Row(
        f"comments: {action}",
        "comments_comment_changelist",
        "---+++",
        data=bulk(action, comment),
        done=state(comment, status=status),
        action=("comments.comment", action),
    )


ROWS: list[Row] = [
    # The admin site.
    Row("dashboard", "index", "--++++"),
    Row(
        "login page",
        "login",
        "++++++",
        allowed=lambda r: r.status_code == 200 or redirects_to("/admin/")(r),
    ),
    Row(
        "log out",
        "logout",
        "--++++",
        data=nothing,
        done=lambda w, user, c: user is not None and "_auth_user_id" not in c.session,
    ),
    Row("password change page", "password_change", "--++++"),
    Row(
        "change one's own password",
        "password_change",
        "--++++",
        data=lambda w, c: {
            "old_password": PASSWORD,
            "new_password1": "Nouveau-secret-42",
            "new_password2": "Nouveau-secret-42",
        },
        done=lambda w, user, c: bool(user) and fresh(user).check_password("Nouveau-secret-42"),
    ),
    Row("password changed page", "password_change_done", "--++++"),
    Row(
        "autocomplete (related articles)",
        "autocomplete",
        "--++++",
        query="?app_label=articles&model_name=pinnedrelated&field_name=related&term=Article",
    ),
    Row("admin translations", "jsi18n", "--++++"),
    Row("language of one's admin (page)", "language", "--++++"),
    Row(
        "choose the language of one's admin",
        "language",
        "--++++",
        data=lambda w, c: {"admin_language": "en"},
        done=lambda w, user, c: (
            StaffPreference.objects.filter(user=user, admin_language="en").exists()
            if user
            else False
        ),
    ),
    Row(
        "view on site: own draft",
        "view_on_site",
        "--++++",
        args=lambda w: [ContentType.objects.get_for_model(Article).pk, w.own_draft.pk],
        allowed=redirects_to("http://testserver/20"),
    ),
    Row(
        "view on site: a colleague's draft",
        "view_on_site",
        "---+++",
        args=lambda w: [ContentType.objects.get_for_model(Article).pk, w.ready.pk],
        allowed=redirects_to("http://testserver/20"),
    ),
    Row(
        "view on site: a share link's secret address",
        "view_on_site",
        "------",
        args=lambda w: [ContentType.objects.get_for_model(ShareLink).pk, w.share.pk],
        allowed=redirects_to("http://testserver/apercu/"),
    ),
    Row("articles section of the admin", "app_list", "--++++", args=lambda w: ["articles"]),
    Row("accounts section of the admin", "app_list", "----++", args=lambda w: ["auth"]),
    Row("comments section of the admin", "app_list", "---+++", args=lambda w: ["comments"]),
    # Articles: pages.
    Row("article list", "articles_article_changelist", "--++++"),
    Row("new article form", "articles_article_add", "--++++"),
    Row("own draft", "articles_article_change", "--++++", args=lambda w: [w.own_draft.pk]),
    Row("published article", "articles_article_change", "---+++", args=lambda w: [w.published.pk]),
    Row(
        "own draft's history", "articles_article_history", "--++++", args=lambda w: [w.own_draft.pk]
    ),
    Row(
        "published article's history",
        "articles_article_history",
        "---+++",
        args=lambda w: [w.published.pk],
    ),
    Row(
        "own draft's preview", "articles_article_preview", "--++++", args=lambda w: [w.own_draft.pk]
    ),
    Row(
        "a colleague's draft's preview",
        "articles_article_preview",
        "---+++",
        args=lambda w: [w.ready.pk],
    ),
    Row(
        "changes in a revision of own draft",
        "articles_article_diff",
        "--++++",
        args=lambda w: [w.own_draft.pk, oldest(w.own_draft).revision_id],
    ),
    Row(
        "changes in a revision of a colleague's article",
        "articles_article_diff",
        "---+++",
        args=lambda w: [w.published.pk, oldest(w.published).revision_id],
    ),
    Row("deleted articles", "articles_article_recoverlist", "---+++"),
    Row(
        "a deleted article's restore page",
        "articles_article_recover",
        "---+++",
        args=lambda w: [w.deleted_version.pk],
    ),
    Row(
        "an old revision of own draft",
        "articles_article_revision",
        "--++++",
        args=lambda w: [w.own_draft.pk, oldest(w.own_draft).pk],
    ),
    Row(
        "an old revision of a published article",
        "articles_article_revision",
        "---+++",
        args=lambda w: [w.published.pk, oldest(w.published).pk],
    ),
    Row(
        "own draft's delete page",
        "articles_article_delete",
        "--++++",
        args=lambda w: [w.own_draft.pk],
    ),
    Row(
        "a published article's delete page",
        "articles_article_delete",
        "---+++",
        args=lambda w: [w.published.pk],
    ),
    # Articles: every status and time through the forms.
    Row(
        "write a new draft",
        "articles_article_add",
        "--++++",
        data=form(
            "articles_article_add",
            "article_form",
            title="Nouveau sujet",
            slug="nouveau-sujet",
            body="<h2>Un</h2><p>Texte.</p>",
            section=lambda w: str(w.section.pk),
            status="draft",
        ),
        done=lambda w, user, c: Article.objects.filter(title="Nouveau sujet").exists(),
    ),
    Row(
        "publish a new article",
        "articles_article_add",
        "---+++",
        data=form(
            "articles_article_add",
            "article_form",
            title="Publié sans attendre",
            slug="publie-demblee",
            body="<h2>Un</h2><p>Texte.</p>",
            section=lambda w: str(w.section.pk),
            status="published",
            **{"bylines-TOTAL_FORMS": "1", "bylines-0-author": lambda w: str(w.sara.pk)},
        ),
        done=lambda w, user, c: Article.objects.filter(
            title="Publié sans attendre", status="published"
        ).exists(),
    ),
    article_change(
        own_draft, "--++++", "edit own draft", state(own_draft, title="Revu"), title="Revu"
    ),
    article_change(
        own_draft,
        "--++++",
        "submit own draft for review",
        state(own_draft, status="review"),
        status="review",
    ),
    article_change(
        own_draft,
        "---+++",
        "publish own draft",
        state(own_draft, status="published"),
        status="published",
    ),
    article_change(
        own_draft,
        "---+++",
        "schedule own draft",
        lambda w, user, c: (
            fresh(w.own_draft).status == "published"
            and fresh(w.own_draft).published_at > timezone.now()
        ),
        status="published",
        published_at_0=FUTURE.strftime("%Y-%m-%d"),
        published_at_1=FUTURE.strftime("%H:%M:%S"),
    ),
    article_change(
        own_draft,
        "---+++",
        "feature own draft on the homepage",
        state(own_draft, is_featured=True),
        is_featured="on",
    ),
    article_change(
        published,
        "---+++",
        "edit a published article",
        state(published, title="Retouché"),
        title="Retouché",
    ),
    article_change(
        published,
        "---+++",
        "move a published article back to draft",
        state(published, status="draft"),
        status="draft",
    ),
    article_change(
        published,
        "---+++",
        "unpublish through the form",
        state(published, status="unpublished"),
        status="unpublished",
    ),
    article_change(
        ready,
        "---+++",
        "revoke a share link",
        lambda w, user, c: fresh(w.share).revoked_at is not None,
        **{"share_links-0-revoke": "on"},
    ),
    Row(
        "share own draft",
        "articles_article_share",
        "--++++",
        args=lambda w: [w.own_draft.pk],
        data=nothing,
        done=lambda w, user, c: ShareLink.objects.filter(article=w.own_draft).exists(),
    ),
    Row(
        "share a colleague's draft",
        "articles_article_share",
        "---+++",
        args=lambda w: [w.ready.pk],
        data=nothing,
        done=lambda w, user, c: ShareLink.objects.filter(article=w.ready).count() > 1,
    ),
    Row(
        "autosave own draft",
        "articles_article_autosave",
        "--++++",
        args=lambda w: [w.own_draft.pk],
        data=lambda w, c: {"title": "Suite du brouillon"},
        done=lambda w, user, c: AutosavedCopy.objects.filter(
            key=str(w.own_draft.pk), fields__title="Suite du brouillon"
        ).exists(),
    ),
    Row(
        "autosave a colleague's draft",
        "articles_article_autosave",
        "---+++",
        args=lambda w: [w.ready.pk],
        data=lambda w, c: {"title": "Réécrit"},
        done=lambda w, user, c: AutosavedCopy.objects.filter(key=str(w.ready.pk)).exists(),
    ),
    Row(
        "autosave a new article",
        "articles_article_autosave_new",
        "--++++",
        data=lambda w, c: {"title": "Un début"},
        done=lambda w, user, c: AutosavedCopy.objects.filter(fields__title="Un début").exists(),
    ),
    Row(
        "set aside the autosaved copy of own draft",
        "articles_article_autosave_discard",
        "--++++",
        args=lambda w: [w.own_draft.pk],
        data=nothing,
        done=lambda w, user, c: (
            user is not None
            and not AutosavedCopy.objects.filter(user=user, key=str(w.own_draft.pk)).exists()
        ),
    ),
    Row(
        "set aside the autosaved copy of a new article",
        "articles_article_autosave_new_discard",
        "--++++",
        data=nothing,
        done=lambda w, user, c: (
            user is not None and not AutosavedCopy.objects.filter(user=user, key="new").exists()
        ),
    ),
    Row(
        "restore an old revision of own draft",
        "articles_article_revision",
        "--++++",
        args=lambda w: [w.own_draft.pk, oldest(w.own_draft).pk],
        data=restore_form(own_draft),
        done=state(own_draft, title="Ancien brouillon"),
    ),
    Row(
        "restore an old revision of a published article",
        "articles_article_revision",
        "---+++",
        args=lambda w: [w.published.pk, oldest(w.published).pk],
        data=restore_form(published),
        done=state(published, title="Ancien titre publié"),
    ),
    Row(
        "bring back a deleted article",
        "articles_article_recover",
        "---+++",
        args=lambda w: [w.deleted_version.pk],
        data=lambda w, c: form_data(
            c.get(reverse("admin:articles_article_recover", args=[w.deleted_version.pk])).text,
            "article_form",
        ),
        done=lambda w, user, c: Article.objects.filter(pk=w.deleted_pk).exists(),
    ),
    # The picture library: contributors add pictures and change their own; editors change
    # and delete any (a picture in use cannot be deleted at all: PROTECT).
    *pages(
        "pictures_picture",
        {"changelist": "--++++", "add": "--++++", "change": "--++++", "delete": "---+++"},
        lambda w: w.own_picture,
    ),
    Row(
        "add a picture",
        "pictures_picture_add",
        "--++++",
        data=lambda w, c: {"file": image_file("neuve.jpg"), "alt": "Une photo neuve"},
        done=lambda w, user, c: Picture.objects.filter(alt="Une photo neuve").exists(),
    ),
    change(
        "pictures_picture_change",
        "picture_form",
        lambda w: w.own_picture,
        "--++++",
        "describe own picture",
        state(lambda w: w.own_picture, alt="Mieux décrite"),
        alt="Mieux décrite",
    ),
    change(
        "pictures_picture_change",
        "picture_form",
        lambda w: w.others_picture,
        "---+++",
        "describe a colleague's picture",
        state(lambda w: w.others_picture, alt="Réécrite"),
        alt="Réécrite",
    ),
    Row("picture chooser", "pictures_picture_choose", "--++++"),
    Row(
        "upload and choose a picture",
        "pictures_picture_choose",
        "--++++",
        query="?field=id_lead_picture",
        data=lambda w, c: {"file": image_file("choisie.jpg"), "alt": "Choisie à l’instant"},
        done=lambda w, user, c: Picture.objects.filter(alt="Choisie à l’instant").exists(),
    ),
    *delete("pictures_picture", "---+++", lambda w: w.spare_picture),
    *delete("articles_article", "--++++", own_draft),
    Row(
        "delete a published article",
        "articles_article_delete",
        "---+++",
        args=lambda w: [w.published.pk],
        data=confirmed,
        done=gone(published),
    ),
    # Articles: bulk actions.
    article_action(
        "submit_for_review",
        "--++++",
        "submit own draft for review (bulk)",
        state(own_draft, status="review"),
        own_draft,
    ),
    article_action(
        "submit_for_review",
        "---+++",
        "submit a colleague's draft for review (bulk)",
        state(ready, status="review"),
        ready,
    ),
    article_action(
        "publish_selected", "---+++", "publish (bulk)", state(ready, status="published"), ready
    ),
    article_action(
        "unpublish_selected",
        "---+++",
        "unpublish (bulk)",
        state(published, status="unpublished"),
        published,
    ),
    article_action(
        "move_to_section",
        "---+++",
        "move to a section (bulk)",
        state(published, section=lambda w: w.other_section),
        published,
        section=lambda w: str(w.other_section.pk),
    ),
    # Homepage pins, sections, authors, tags.
    *pages(
        "articles_homepagepin",
        {"changelist": "---+++", "add": "---+++", "change": "---+++", "delete": "---+++"},
        lambda w: w.pin,
    ),
    Row(
        "pin an article on the homepage",
        "articles_homepagepin_add",
        "---+++",
        data=form(
            "articles_homepagepin_add",
            "homepagepin_form",
            slot=lambda w: str(HomepagePin.Slot.values[1]),
            article=lambda w: str(w.ready.pk),
            pinned_until_0=FUTURE.strftime("%Y-%m-%d"),
            pinned_until_1="12:00:00",
        ),
        done=lambda w, user, c: HomepagePin.objects.filter(article=w.ready).exists(),
    ),
    change(
        "articles_homepagepin_change",
        "homepagepin_form",
        lambda w: w.pin,
        "---+++",
        "change a homepage pin",
        state(lambda w: w.pin, article=lambda w: w.ready),
        article=lambda w: str(w.ready.pk),
    ),
    *delete("articles_homepagepin", "---+++", lambda w: w.pin),
    *catalogue(
        "articles_section",
        {"changelist": "--++++", "add": "---+++", "change": "--++++", "delete": "---+++"},
        shown=lambda w: w.section,
        added={"name": "Culture", "slug": "culture", "position": "9"},
        renamed="International",
        deleted=lambda w: w.other_section,
    ),
    *catalogue(
        "articles_author",
        {"changelist": "--++++", "add": "---+++", "change": "--++++", "delete": "---+++"},
        shown=lambda w: w.sara,
        added={"name": "Inès", "slug": "ines"},
        renamed="Sara Martin",
        deleted=lambda w: w.unsigned,
    ),
    *catalogue(
        "articles_tag",
        {"changelist": "--++++", "add": "--++++", "change": "--++++", "delete": "---+++"},
        shown=lambda w: w.tag,
        added={"name": "Énergie", "slug": "energie"},
        renamed="Climat et énergie",
        deleted=lambda w: w.tag,
    ),
    # Staff accounts, roles, permissions, passwords.
    *pages(
        "auth_user",
        {"changelist": "----++", "add": "----++", "change": "----++", "delete": "----++"},
        colleague,
    ),
    Row("a superuser's page", "auth_user_change", "-----+", args=lambda w: [w.superuser.pk]),
    Row(
        "add a staff account",
        "auth_user_add",
        "----++",
        data=form(
            "auth_user_add",
            "user_form",
            username="ines",
            password1="Un-secret-solide-7",
            password2="Un-secret-solide-7",
        ),
        done=lambda w, user, c: User.objects.filter(username="ines").exists(),
    ),
    user_change(
        colleague,
        "----++",
        "change a colleague's name",
        state(colleague, first_name="Léo"),
        first_name="Léo",
    ),
    user_change(
        colleague,
        "-----+",
        "make a colleague superuser",
        state(colleague, is_superuser=True),
        is_superuser="on",
    ),
    user_change(
        boss, "-----+", "change a superuser", state(boss, first_name="Zoé"), first_name="Zoé"
    ),
    user_change(
        colleague,
        "----++",
        "give a permission one holds",
        holds(colleague, "articles.publish_article"),
        user_permissions=lambda w: [perm_pk("publish_article")(w)],
    ),
    user_change(
        colleague,
        "-----+",
        "give a permission one does not hold",
        holds(colleague, "auth.change_permission"),
        user_permissions=lambda w: [perm_pk("change_permission")(w)],
    ),
    user_change(
        colleague,
        "----++",
        "put a colleague in a role one holds",
        holds(colleague, "articles.publish_article"),
        groups=lambda w: [str(Group.objects.get(name=EDITOR).pk)],
    ),
    user_change(
        colleague,
        "-----+",
        "put a colleague in a group holding more than oneself",
        holds(colleague, "auth.change_permission"),
        groups=lambda w: [str(w.mighty.pk)],
    ),
    password_reset("a colleague's", colleague, "----++"),
    password_reset("a superuser's", boss, "-----+"),
    *delete("auth_user", "----++", colleague),
    Row(
        "delete a superuser",
        "auth_user_delete",
        "-----+",
        args=lambda w: [w.superuser.pk],
        data=confirmed,
        done=gone(boss),
    ),
    *pages(
        "auth_group",
        {"changelist": "----++", "add": "-----+", "change": "----++", "delete": "-----+"},
        lambda w: w.group,
    ),
    Row(
        "add a group",
        "auth_group_add",
        "-----+",
        data=form("auth_group_add", "group_form", name="Stagiaires"),
        done=lambda w, user, c: Group.objects.filter(name="Stagiaires").exists(),
    ),
    group_change(
        "----++",
        "give a role a permission one holds",
        lambda w, user, c: w.group.permissions.filter(codename="publish_article").exists(),
        permissions=lambda w: [
            *map(str, w.group.permissions.values_list("pk", flat=True)),
            perm_pk("publish_article")(w),
        ],
    ),
    group_change(
        "-----+",
        "give a role a permission one does not hold",
        lambda w, user, c: w.group.permissions.filter(codename="change_permission").exists(),
        permissions=lambda w: [
            *map(str, w.group.permissions.values_list("pk", flat=True)),
            perm_pk("change_permission")(w),
        ],
    ),
    *delete("auth_group", "-----+", lambda w: w.group),
    # Comments and their moderation.
    *pages(
        "comments_comment",
        {"changelist": "---+++", "add": "------", "change": "---+++", "delete": "---+++"},
        comment,
    ),
    change(
        "comments_comment_change",
        "comment_form",
        comment,
        "---+++",
        "edit a reader's comment",
        state(comment, text="Texte modéré."),
        text="Texte modéré.",
    ),
    comment_action("approve", Comment.Status.APPROVED),
    comment_action("mark_spam", Comment.Status.SPAM),
    comment_action("remove", Comment.Status.REMOVED),
    comment_action("reject", Comment.Status.REJECTED),
    *delete("comments_comment", "---+++", comment),
    Row(
        "moderation policy (the list leads to it)",
        "comments_moderationpolicy_changelist",
        "---+++",
        allowed=redirects_to("/admin/comments/moderationpolicy/1/change/"),
    ),
    Row("a second moderation policy", "comments_moderationpolicy_add", "------"),
    Row(
        "moderation policy page",
        "comments_moderationpolicy_change",
        "---+++",
        args=lambda w: [w.policy.pk],
    ),
    Row(
        "moderation policy history",
        "comments_moderationpolicy_history",
        "---+++",
        args=lambda w: [w.policy.pk],
    ),
    Row(
        "moderation policy delete page",
        "comments_moderationpolicy_delete",
        "------",
        args=lambda w: [w.policy.pk],
    ),
    change(
        "comments_moderationpolicy_change",
        "moderationpolicy_form",
        lambda w: w.policy,
        "---+++",
        "change the moderation policy",
        state(lambda w: w.policy, spam_words="casino"),
        spam_words="casino",
    ),
]


# Trying a row ------------------------------------------------------------------------------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def attacker(user: User | None) -> tuple[Client, str]:
    """A client that enforces CSRF, logged in as `user`, and a valid token of its own."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    page = client.get(reverse("admin:login"), follow=True)
    return client, TOKEN.search(page.text).group(1)


def outcome(row: Row, w: World, role: str) -> tuple[bool, str]:
    """Whether `role` got what the row asks for, and a line saying what happened."""
    user = w.users[role]
    client, token = attacker(user)
    url = reverse(f"admin:{row.url_name}", args=row.args(w)) + row.query
    if row.method == "GET":
        response = client.get(url)
        allowed = (row.allowed or shows_page)(response)
    else:
        admin_client = Client()
        admin_client.force_login(w.superuser)
        data = row.data(w, admin_client)
        assert not row.done(w, user, client), f"{row.label}: done before the request"
        response = client.post(url, {**data, "csrfmiddlewaretoken": token})
        allowed = row.done(w, user, client)
    where = response.get("Location", "")
    return allowed, f"{response.status_code} {where}".strip()


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.label)
def test_each_role_gets_what_the_table_says(db, row):
    assert len(row.expected) == len(ROLES)
    w = build_world()
    wrong = []
    for role, sign in zip(ROLES, row.expected, strict=True):
        with transaction.atomic():
            allowed, answer = outcome(row, w, role)
            transaction.set_rollback(True)
        if allowed != (sign == "+"):
            wrong.append(
                f"{role}: expected {'allowed' if sign == '+' else 'refused'}, got {answer}"
            )
    assert not wrong, f"{row.method} {row.label}\n" + "\n".join(wrong)


# Every admin address and every action is in the table -----------------------------------


def admin_url_names(patterns=None) -> set[str]:
    names = set()
    for pattern in admin.site.get_urls() if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            names |= admin_url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_admin_address_and_action_has_a_row(db):
    missing = admin_url_names() - {row.url_name for row in ROWS}
    assert not missing, f"admin addresses with no row in ROWS: {sorted(missing)}"

    request = RequestFactory().get("/admin/")
    request.user = User.objects.create_superuser("patron", "patron@example.org", PASSWORD)
    actions = {
        (model._meta.label_lower, name)
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.get_actions(request)
    }
    covered = {row.action for row in ROWS if row.action}
    assert not actions - covered, f"admin actions with no row: {sorted(actions - covered)}"
