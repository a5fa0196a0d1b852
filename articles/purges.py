"""Which cached pages each editorial write touches, as surrogate keys (see pagecache).

Pages name what they show with the same keys (`article_keys()`, `list_key()`…): an
article's own page and every card of it carry `article-<id>`; a list page (the homepage,
a section, a tag, an author, the feeds, the sitemaps, search) carries its own key; every
page carries `frame` (the section navigation).

Purges follow writes readers can see, after the commit: receivers rather than calls in
services, because admin saves, bulk actions, imports, revision restores and the shell
all go through them, and one missed path would mean a stale page. A write no reader can
see (a draft's or an in-review article's edit, editors' bookkeeping) purges nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from pagecache import expiry, purge_on_commit
from pagecache.expiry import SCHEDULE_KEY
from pictures.models import Picture

from .models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    HomepagePin,
    PinnedRelated,
    Section,
    Tag,
    TaggedArticle,
)

FRAME = "frame"
HOME = "home"
FEEDS = "feeds"
SITEMAPS = "sitemaps"
SEARCH = "search"
# The lists every visible article belongs to, whatever its section, tags and bylines.
SITE_LISTS = (HOME, FEEDS, SITEMAPS, SEARCH, SCHEDULE_KEY)


def article_key(pk: int) -> str:
    return f"article-{pk}"


def article_keys(articles: Iterable[Article]) -> list[str]:
    return [article_key(article.pk) for article in articles if article is not None]


def section_key(pk: int) -> str:
    return f"section-{pk}"


def tag_key(pk: int) -> str:
    return f"tag-{pk}"


def author_key(pk: int) -> str:
    return f"author-{pk}"


# Articles ----------------------------------------------------------------------------

_BEFORE = "_purge_before"
_MEMBERSHIP_FIELDS = ("status", "published_at", "section_id", "is_featured", "slug")


def _remember_article(sender, instance: Article, raw=False, **kwargs) -> None:
    """The row as it was, to tell which lists the article leaves and joins."""
    before = None
    if instance.pk is not None and not raw:
        before = Article.objects.filter(pk=instance.pk).values(*_MEMBERSHIP_FIELDS).first()
    setattr(instance, _BEFORE, before)


def _article_saved(sender, instance: Article, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, _BEFORE, None)
    purge_on_commit(article_write_keys(instance, before))


def article_write_keys(article: Article, before: dict | None) -> set[str]:
    """The keys a save of `article` touches, given its row before (None: a new one)."""
    published = Article.Status.PUBLISHED
    was_public = before is not None and before["status"] == published
    if article.status != published and not was_public:
        return set()  # a draft or in-review edit: no reader sees it
    keys = {article_key(article.pk), SITEMAPS, SEARCH}
    now = {field: getattr(article, field) for field in _MEMBERSHIP_FIELDS}
    if before != now:
        # It joins, leaves or moves in lists (visibility, time, section, lead story).
        keys |= {*SITE_LISTS, section_key(article.section_id)}
        if before is not None:
            keys.add(section_key(before["section_id"]))
        keys |= _list_keys_of(article.pk)
        keys |= _frame_if_sections_change(article, before)
    return keys


def _list_keys_of(article_pk: int) -> set[str]:
    tags = TaggedArticle.objects.filter(content_object_id=article_pk).values_list(
        "tag_id", flat=True
    )
    authors = ArticleAuthor.objects.filter(article_id=article_pk).values_list(
        "author_id", flat=True
    )
    return {*(tag_key(pk) for pk in tags), *(author_key(pk) for pk in authors)}


def _frame_if_sections_change(article: Article, before: dict | None) -> set[str]:
    """The navigation lists the sections with a visible article: one may appear or go."""
    now = timezone.now()
    visible_before = (
        before is not None
        and before["status"] == Article.Status.PUBLISHED
        and before["published_at"] is not None
        and before["published_at"] <= now
    )
    sections = {article.section_id, before["section_id"] if before else None} - {None}
    for section_id in sections:
        was = visible_before and (before or {}).get("section_id") == section_id
        is_ = article.is_published and article.section_id == section_id
        if was != is_ and not (
            Article.objects.published()
            .filter(section_id=section_id)
            .exclude(pk=article.pk)
            .exists()
        ):
            return {FRAME}  # the article was or becomes the section's only visible one
    return set()


def _article_deleted(sender, instance: Article, **kwargs) -> None:
    if instance.status == Article.Status.PUBLISHED:
        purge_on_commit(
            {article_key(instance.pk), *SITE_LISTS, FRAME, section_key(instance.section_id)}
        )


# What hangs from an article ----------------------------------------------------------


def _is_public(article_id: int) -> bool:
    return Article.objects.filter(pk=article_id, status=Article.Status.PUBLISHED).exists()


def _byline_changed(sender, instance: ArticleAuthor, raw=False, **kwargs) -> None:
    if not raw and _is_public(instance.article_id):
        purge_on_commit(
            {article_key(instance.article_id), author_key(instance.author_id), FEEDS, SITEMAPS}
        )


def _tagging_changed(sender, instance: TaggedArticle, raw=False, **kwargs) -> None:
    if not raw and _is_public(instance.content_object_id):
        purge_on_commit(
            {article_key(instance.content_object_id), tag_key(instance.tag_id), FEEDS, SITEMAPS}
        )


def _tags_m2m_changed(sender, instance, action, pk_set=None, model=None, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Article):
        if instance.status == Article.Status.PUBLISHED:
            tags = pk_set or set()
            purge_on_commit(
                {article_key(instance.pk), FEEDS, SITEMAPS, *(tag_key(pk) for pk in tags)}
            )
    else:  # tag.article_set.add(...)
        purge_on_commit({tag_key(instance.pk), *(article_key(pk) for pk in pk_set or ())})


def _shown_with_article(sender, instance, raw=False, **kwargs) -> None:
    """Corrections and pinned related articles: the article's own page.

    Suggestions written by the related engine are purged by its task (bulk writes send
    no signals)."""
    if not raw and _is_public(instance.article_id):
        purge_on_commit({article_key(instance.article_id)})


def _picture_changed(sender, instance: Picture, raw=False, **kwargs) -> None:
    """A library picture's words or focal point: the pages and cards of the visible
    articles it leads. (The body keeps the words it was given when the picture went in,
    and a picture's file never changes.)"""
    if raw or instance.pk is None:
        return
    leads = Article.objects.published().filter(lead_picture=instance).values_list("pk", flat=True)
    keys = {article_key(pk) for pk in leads}
    if keys:
        purge_on_commit({*keys, FEEDS})


def _pin_changed(sender, instance: HomepagePin, raw=False, **kwargs) -> None:
    if not raw:
        purge_on_commit({HOME, SCHEDULE_KEY})


# Names shown on many pages -------------------------------------------------------------


def _section_changed(sender, instance: Section, raw=False, **kwargs) -> None:
    """Its name is on every page (navigation, breadcrumbs, cards) once it has a visible
    article; before that only on its own page."""
    if raw:
        return
    keys = {section_key(instance.pk)}
    if Article.objects.published().filter(section_id=instance.pk).exists():
        keys |= {FRAME, FEEDS, SITEMAPS}
    purge_on_commit(keys)


def _author_changed(sender, instance: Author, raw=False, **kwargs) -> None:
    if not raw:
        shown = (
            Article.objects.published()
            .filter(bylines__author=instance)
            .values_list("pk", flat=True)
        )
        purge_on_commit({author_key(instance.pk), SITEMAPS, *(article_key(pk) for pk in shown)})


def _tag_changed(sender, instance: Tag, raw=False, **kwargs) -> None:
    if not raw:
        shown = Article.objects.published().filter(tags=instance).values_list("pk", flat=True)
        purge_on_commit({tag_key(instance.pk), SITEMAPS, *(article_key(pk) for pk in shown)})


def next_scheduled_change():
    """The next moment a page changes by itself: a scheduled article or a pin's end."""
    times = [
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first(),
        HomepagePin.objects.active()
        .order_by("pinned_until")
        .values_list("pinned_until", flat=True)
        .first(),
    ]
    return min((at for at in times if at is not None), default=None)


def connect() -> None:
    """Connect every receiver above (ArticlesConfig.ready)."""
    uid = "articles.purges"
    pre_save.connect(_remember_article, sender=Article, dispatch_uid=f"{uid}.article-before")
    post_save.connect(_article_saved, sender=Article, dispatch_uid=f"{uid}.article")
    post_delete.connect(_article_deleted, sender=Article, dispatch_uid=f"{uid}.article-del")
    receivers: list[tuple[type[models.Model], Callable[..., None]]] = [
        (ArticleAuthor, _byline_changed),
        (TaggedArticle, _tagging_changed),
        (Correction, _shown_with_article),
        (PinnedRelated, _shown_with_article),
        (HomepagePin, _pin_changed),
        (Section, _section_changed),
        (Author, _author_changed),
        (Tag, _tag_changed),
        (Picture, _picture_changed),
    ]
    for model, receiver in receivers:
        label = model._meta.label_lower
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.{label}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.{label}-del")
    m2m_changed.connect(
        _tags_m2m_changed, sender=Article.tags.through, dispatch_uid=f"{uid}.tags-m2m"
    )
    expiry.register(next_scheduled_change)
