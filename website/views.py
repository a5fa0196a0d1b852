from datetime import timedelta

from django.conf import settings
from django.db.models import Q, Subquery
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.generic import ListView, TemplateView
from django.views.generic.detail import DetailView

import search
from articles import preview, purges
from articles.models import Article, ArticleRedirect, Author, HomepagePin, Section, ShareLink, Tag
from pagecache import add_keys, keep_until_purged
from related import related_articles

PAGE_SIZE = settings.NEWSROOM["PAGE_SIZE"]
HOME_LATEST = 8
HOME_PER_SECTION = 4
FEATURED_FOR = timedelta(days=2)
# Section blocks show the newest stories of each section among this many recent ones.
HOME_WINDOW = 400


class FrontPageView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = Article.objects.published()
        pins = dict(
            HomepagePin.objects.active()
            .filter(article__in=visible)
            .values_list("slot", "article_id")
        )
        featured = visible.filter(
            is_featured=True, published_at__gte=timezone.now() - FEATURED_FOR
        ).latest_first()
        # Ids only, from the (status, published_at) index: the newest make the top of the
        # page, and the section blocks are drawn from the same recent window, so no query
        # ever walks the whole archive.
        recent = list(visible.latest_first().values_list("pk", flat=True)[:HOME_WINDOW])
        top = list(
            visible.filter(
                Q(pk__in={*pins.values(), *recent[: HOME_LATEST + 1]})
                # One value, not a set: an InitPlan PostgreSQL runs once, so the whole
                # filter stays on the primary key (a set here made it scan the table).
                | Q(pk=Subquery(featured.values("pk")[:1]))
            )
            .without_body()
            .for_listing()
            .latest_first()
        )
        lead, latest = arrange_front_page(pins, top)
        blocks: dict[int, list[Article]] = {}
        for article in (
            visible.filter(pk__in=set(recent[:HOME_WINDOW]) - {a.pk for a in top})
            .latest_per_section(HOME_PER_SECTION)
            .without_body()
            .select_related("section", "lead_picture")
            .with_comment_counts()
            .order_by("section__position", "section__name", "-published_at", "-pk")
        ):
            blocks.setdefault(article.section_id, []).append(article)
        section_blocks = [(articles[0].section, articles) for articles in blocks.values()]
        shown = [lead, *latest, *(a for _section, block in section_blocks for a in block)]
        add_keys(self.request, purges.HOME, purges.article_keys(shown))
        context.update(lead=lead, latest=latest, section_blocks=section_blocks)
        return context


def arrange_front_page(pins: dict[int, int], top: list[Article]) -> tuple[Article | None, list]:
    """The lead story and the latest list from the pins (slot -> article id) and the top
    articles (newest first).

    Editors' pins first (lead, then top slots 2-4, until their time runs out); the lead is
    otherwise the newest featured story of the last two days, else the newest one.
    """
    by_pk = {article.pk: article for article in top}
    lead = (
        by_pk.get(pins.get(HomepagePin.Slot.LEAD))
        or next((a for a in top if a.is_featured and a.pk not in pins.values()), None)
        or next((a for a in top if a.pk not in pins.values()), top[0] if top else None)
    )
    pinned = [
        by_pk[pins[slot]]
        for slot in sorted(pins)
        if slot != HomepagePin.Slot.LEAD and by_pk[pins[slot]] is not lead
    ]
    unpinned = [a for a in top if a is not lead and a.pk not in pins.values()]
    return lead, (pinned + unpinned)[:HOME_LATEST]


class ArticleListView(ListView):
    """A paginated list of visible articles, newest first, under a heading object."""

    template_name = "articles/article_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "articles"
    list_kind = ""

    def get_heading_object(self):
        raise NotImplementedError

    def list_key(self, pk: int) -> str:
        raise NotImplementedError

    def filter_articles(self, articles):
        raise NotImplementedError

    def get_queryset(self):
        self.heading_object = self.get_heading_object()
        visible = Article.objects.published().without_body().for_listing().latest_first()
        return self.filter_articles(visible)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, articles, is_paginated = super().paginate_queryset(queryset, page_size)
        add_keys(self.request, self.list_key(self.heading_object.pk), purges.article_keys(articles))
        return paginator, page, articles, is_paginated

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading_object=self.heading_object, list_kind=self.list_kind, **kwargs
        )


class SectionView(ArticleListView):
    list_kind = "section"
    list_key = staticmethod(purges.section_key)

    def get_heading_object(self):
        return get_object_or_404(Section, slug=self.kwargs["slug"])

    def filter_articles(self, articles):
        return articles.in_section(self.heading_object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(current_section_slug=self.heading_object.slug, **kwargs)


class TagView(ArticleListView):
    list_kind = "tag"
    list_key = staticmethod(purges.tag_key)

    def get_heading_object(self):
        # A tag only hidden articles use is not public yet: no page shows its name.
        return get_object_or_404(Tag.objects.with_visible_articles(), slug=self.kwargs["slug"])

    def filter_articles(self, articles):
        return articles.tagged(self.heading_object)


class AuthorView(ArticleListView):
    list_kind = "author"
    list_key = staticmethod(purges.author_key)

    def get_heading_object(self):
        return get_object_or_404(Author.objects.with_visible_articles(), slug=self.kwargs["slug"])

    def filter_articles(self, articles):
        return articles.by_author(self.heading_object)


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        requested = {key: self.kwargs[key] for key in ("year", "month", "slug")}
        if requested != self.object.url_kwargs():
            # A renamed article, or a year/month that does not match its date: one address only.
            return HttpResponsePermanentRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_object(self, queryset=None):
        slug = self.kwargs["slug"]
        visible = Article.objects.published()
        article = visible.for_article_page().filter(slug=slug).first()
        if article is not None:
            return article
        old = (
            ArticleRedirect.objects.filter(old_slug=slug, article__in=visible)
            .select_related("article")
            .first()
        )
        if old is None:
            raise Http404("No article at this address.")
        return old.article

    def get_context_data(self, **kwargs):
        kwargs.setdefault("comment_form", None)  # a reader's form, when one is redisplayed
        context = super().get_context_data(**kwargs)
        context["related"] = related_articles(self.object)
        add_keys(
            self.request,
            purges.article_key(self.object.pk),
            purges.article_keys(context["related"]),
        )
        context["current_section_slug"] = self.object.section.slug
        archive_after = timedelta(days=settings.NEWSROOM["ARCHIVE_AFTER_DAYS"])
        published = self.object.published_at  # None on a draft's preview
        if published is not None and published < timezone.now() - archive_after:
            keep_until_purged(self.request, settings.NEWSROOM["ARCHIVE_PAGE_SECONDS"])
        return context


class SearchView(ListView):
    """Results for `?q=…`, best first (search/): a calm page whatever is typed."""

    template_name = "articles/search.html"
    paginate_by = PAGE_SIZE
    context_object_name = "articles"

    def get_queryset(self):
        self.query, self.query_shortened = search.clean_query(self.request.GET.get("q"))
        self.results = search.search_articles(self.query)
        return self.results.articles

    def paginate_queryset(self, queryset, page_size):
        # Any page number shows a page (the nearest one) rather than a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            query=self.query,
            query_shortened=self.query_shortened,
            searched=search.has_words(self.query),
            results_capped=self.results.capped,
            max_results=search.MAX_RESULTS,
            **kwargs,
        )
        search.add_highlights(context["articles"], self.query)
        return context


def render_preview(request, article: Article, *, shared: bool):
    """The article through the real reader template, marked as a preview, never cached."""
    article = Article.objects.for_article_page().get(pk=article.pk)
    view = ArticleDetailView(request=request, kwargs={}, object=article)
    context = view.get_context_data(object=article, is_preview=True, shared_preview=shared)
    response = TemplateResponse(request, view.template_name, context)
    return preview.no_store(response)


def shared_preview(request, token: str):
    """A reviewer's preview link: the public page once the article is out; 410 once expired,
    revoked or unpublished; 404 for a link that never existed or an article deleted."""
    link = ShareLink.objects.select_related("article").filter(token=token).first()
    if link is None:
        raise Http404("This preview link is not valid.")
    article = link.article
    if article.is_published:
        return preview.no_store(redirect(article))
    if not link.is_working or article.status == Article.Status.UNPUBLISHED:
        return preview.no_store(
            render(request, "articles/preview_expired.html", {"expired": True}, status=410)
        )
    return render_preview(request, article, shared=True)
