"""What the desk is doing today, read in a fixed number of queries whatever the data.

Who sees which article is the admin's own rule (ArticleAdmin.get_queryset: contributors
their own, editors everything), so the dashboard never shows a line its reader could not
open. Every figure is one query: lists are cut to a few lines, counts and charts are
aggregates in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Min, Q, Window
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles.models import Article, Correction
from articles.roles import owned_by, shown_to
from comments.models import Comment

from .charts import BarChart, RowChart, bar_chart, row_chart

LIST_LENGTH = 8
CHART_DAYS = 30
# The moderation queue's age, in buckets a moderator reads at a glance.
QUEUE_BUCKETS = [
    (timedelta(hours=1), "under_1h"),
    (timedelta(hours=6), "under_6h"),
    (timedelta(hours=24), "under_24h"),
    (timedelta(days=3), "under_3d"),
]


@dataclass(frozen=True)
class Day:
    day: date
    is_today: bool
    articles: list[Article]


@dataclass(frozen=True)
class Queue:
    waiting: int
    oldest: datetime | None
    ages: BarChart


@dataclass(frozen=True)
class Desk:
    my_drafts: list[Article]
    in_review: list[Article]
    in_review_count: int
    week: list[Day]
    published_today: list[Article]
    published_today_count: int
    corrections: list[Correction]
    per_day: BarChart
    per_section: RowChart
    queue: Queue | None  # None: this person does not moderate comments


def for_request(request, *, now: datetime | None = None) -> Desk:
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    midnight = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    week_end = midnight + timedelta(days=7)
    shown = Article.objects.filter(shown_to(request.user)).order_by()
    light = shown.only(
        "id", "title", "status", "published_at", "updated_at", "section__name"
    ).select_related("section")

    my_drafts = list(
        light.filter(owned_by(request.user), status=Article.Status.DRAFT)
        .distinct()
        .order_by("-updated_at", "-pk")[:LIST_LENGTH]
    )
    in_review = list(
        light.filter(status=Article.Status.REVIEW)
        .annotate(total=_window_count())
        .order_by("updated_at", "pk")[:LIST_LENGTH]
    )
    scheduled = list(
        light.filter(
            status=Article.Status.PUBLISHED, published_at__gt=now, published_at__lt=week_end
        ).order_by("published_at", "pk")
    )
    published_today = list(
        light.filter(
            status=Article.Status.PUBLISHED, published_at__gte=midnight, published_at__lte=now
        )
        .annotate(total=_window_count())
        .order_by("-published_at", "-pk")[:LIST_LENGTH]
    )
    week = [
        Day(
            day=today + timedelta(days=offset),
            is_today=offset == 0,
            articles=[
                a
                for a in scheduled
                if timezone.localtime(a.published_at).date() == today + timedelta(days=offset)
            ],
        )
        for offset in range(7)
    ]
    corrections = list(
        Correction.objects.filter(
            article__in=shown.values("pk"), created_at__gte=now - timedelta(days=7)
        )
        .select_related("article")
        .only("id", "kind", "text", "created_at", "article__id", "article__title")
        .order_by("-created_at", "-pk")[:LIST_LENGTH]
    )
    return Desk(
        my_drafts=my_drafts,
        in_review=in_review,
        in_review_count=in_review[0].total if in_review else 0,
        week=week,
        published_today=published_today,
        published_today_count=published_today[0].total if published_today else 0,
        corrections=corrections,
        per_day=_published_per_day(midnight, now),
        per_section=_published_per_section(midnight, now),
        queue=_queue(now) if request.user.has_perm("comments.view_comment") else None,
    )


def _window_count() -> Window:
    """How many rows the query matches, on each row: a list and its total in one query."""
    return Window(Count("pk"))


def _published_per_day(midnight: datetime, now: datetime) -> BarChart:
    first = midnight - timedelta(days=CHART_DAYS - 1)
    counted = dict(
        Article.objects.filter(
            status=Article.Status.PUBLISHED, published_at__gte=first, published_at__lte=now
        )
        .annotate(day=TruncDate("published_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
        .order_by()
    )
    days = [first.date() + timedelta(days=offset) for offset in range(CHART_DAYS)]
    return bar_chart([(date_format(day, "j N"), counted.get(day, 0)) for day in days])


def _published_per_section(midnight: datetime, now: datetime) -> RowChart:
    rows = (
        Article.objects.filter(
            status=Article.Status.PUBLISHED,
            published_at__gte=midnight - timedelta(days=CHART_DAYS - 1),
            published_at__lte=now,
        )
        .values("section__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "section__name")
    )
    return row_chart([(row["section__name"], row["n"]) for row in rows])


def _queue(now: datetime) -> Queue:
    buckets = {}
    lower = None
    for age, name in QUEUE_BUCKETS:
        newer = Q(created_at__gt=now - age)
        buckets[name] = Count("pk", filter=newer & ~lower if lower is not None else newer)
        lower = newer if lower is None else lower | newer
    buckets["older"] = Count("pk", filter=~lower)
    figures = Comment.objects.pending().aggregate(
        waiting=Count("pk"), oldest=Min("created_at"), **buckets
    )
    labels = [_("under 1 h"), _("1–6 h"), _("6–24 h"), _("1–3 days"), _("over 3 days")]
    names = [name for _age, name in QUEUE_BUCKETS] + ["older"]
    return Queue(
        waiting=figures["waiting"],
        oldest=figures["oldest"],
        ages=bar_chart(
            list(zip(labels, (figures[name] for name in names), strict=True)), width=360
        ),
    )
