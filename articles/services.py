"""Editorial writes with more than one step: publication checks, workflow moves."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Article, Section

_HEADING_RE = re.compile(r"<h([1-6])\b", re.IGNORECASE)


class PublicationRefused(Exception):
    """Publishing was refused; `problems` says what to fix."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def heading_problems(html: str) -> list[str]:
    """Headings must start at h2 (the headline is the page's h1) and never skip a level."""
    problems = []
    previous = 1
    for match in _HEADING_RE.finditer(html or ""):
        level = int(match.group(1))
        if level > previous + 1:
            problems.append(
                _("The body's headings skip a level: an h%(level)s follows an h%(previous)s.")
                % {"level": level, "previous": previous}
            )
            break
        previous = level
    return problems


def publication_problems(article: Article, *, byline_count: int | None = None) -> list[str]:
    """Everything that should stop an article from going live, in plain words."""
    problems = []
    if byline_count is None:
        byline_count = article.bylines.count() if article.pk else 0
    if byline_count == 0:
        problems.append(_("The article has no byline: add at least one author."))
    if article.lead_picture is not None:
        if not article.lead_picture.alt.strip():
            problems.append(_("The lead image has no alt text."))
        if not article.lead_picture.credit.strip():
            problems.append(_("The lead image has no credit."))
    needs_source = article.source_kind in {
        Article.SourceKind.REWRITE,
        Article.SourceKind.TRANSLATION,
    }
    if needs_source and not (article.source_name.strip() and article.source_url.strip()):
        problems.append(
            _("A rewrite or translation must name its source outlet and give its address.")
        )
    problems += heading_problems(article.body)
    return problems


def _record(user: User | None, comment: str) -> None:
    import reversion

    if reversion.is_active():
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(comment)


@transaction.atomic
def publish_article(
    article: Article,
    *,
    user: User | None,
    at: datetime | None = None,
    override_reason: str = "",
) -> Article:
    """Publish now or at `at` (a future time schedules it). Refused while checks fail,
    unless an editor gives a reason, which is kept with the article."""
    problems = publication_problems(article)
    if problems and not override_reason.strip():
        raise PublicationRefused(problems)
    article.status = Article.Status.PUBLISHED
    if at is not None:
        article.published_at = at
    elif article.published_at is None or article.published_at > timezone.now():
        article.published_at = timezone.now()
    if problems:
        article.publish_override_reason = override_reason.strip()
    article.updated_by = user
    article.save()
    _record(user, _("Published") if not article.is_scheduled else _("Scheduled"))
    return article


@transaction.atomic
def unpublish_article(article: Article, *, user: User | None) -> Article:
    return _set_status(article, Article.Status.UNPUBLISHED, user, _("Unpublished"))


@transaction.atomic
def submit_for_review(article: Article, *, user: User | None) -> Article:
    return _set_status(article, Article.Status.REVIEW, user, _("Submitted for review"))


def _set_status(article: Article, status: str, user: User | None, comment: str) -> Article:
    article.status = status
    article.updated_by = user
    article.save()
    _record(user, comment)
    return article


@transaction.atomic
def move_to_section(articles: Iterable[Article], *, section: Section, user: User | None) -> int:
    moved = 0
    for article in articles:
        if article.section_id != section.pk:
            article.section = section
            article.updated_by = user
            article.save()
            moved += 1
    _record(user, _("Moved to section %(section)s") % {"section": section})
    return moved
