from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import ListView, TemplateView
from django.views.generic.detail import DetailView

from pagecache import add_keys

from . import preview, purges, search
from .models import Article, ArticleRedirect, Author, HomepagePin, Section, ShareLink, Tag
from .reader import load_article_cards, load_article_page, load_front_page
from .related import related_articles

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
        # One query (articles/reader.py): editors' active pins, and from the (status,
        # published_at) index the newest featured story of the last two days, the newest
        # stories, and the section blocks drawn from a window of recent ones.
        page = load_front_page(
            newest=HOME_LATEST + 1,
            featured_for=FEATURED_FOR,
            window=HOME_WINDOW,
            per_section=HOME_PER_SECTION,
        )
        lead, latest = arrange_front_page(page.pins, page.top)
        shown = [lead, *latest, *(a for _section, block in page.section_blocks for a in block)]
        add_keys(self.request, purges.HOME, purges.article_keys(shown))
        context.update(lead=lead, latest=latest, section_blocks=page.section_blocks)
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
        # Only counted by the paginator: the page's cards are read in SQL (see below), where
        # `list_kind` stands for the same filter as `filter_articles()` (tests hold them equal).
        self.heading_object = self.get_heading_object()
        return self.filter_articles(Article.objects.published().latest_first())

    def paginate_queryset(self, queryset, page_size):
        # The paginator checks the page number and counts with the ORM; the page's cards,
        # with their sections, comment counts and bylines, are one query (articles/reader.py).
        paginator, page, _articles, is_paginated = super().paginate_queryset(queryset, page_size)
        bottom = (page.number - 1) * paginator.per_page
        top = bottom + paginator.per_page
        if top + paginator.orphans >= paginator.count:
            top = paginator.count
        page.object_list = load_article_cards(
            self.list_kind, self.heading_object.pk, offset=bottom, limit=top - bottom
        )
        add_keys(
            self.request,
            self.list_key(self.heading_object.pk),
            purges.article_keys(page.object_list),
        )
        return paginator, page, page.object_list, is_paginated

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
        page = load_article_page(slug)
        if page is not None:
            self.related = page.related
            return page.article
        old = (
            ArticleRedirect.objects.filter(old_slug=slug, article__in=Article.objects.published())
            .select_related("article")
            .first()
        )
        if old is None:
            raise Http404("No article at this address.")
        return old.article

    def get_context_data(self, **kwargs):
        # No reader's form unless one is being redisplayed: the blank form is then rendered
        # once per process (comments/templatetags/comment_tags.py).
        kwargs.setdefault("comment_form", None)
        context = super().get_context_data(**kwargs)
        # Read with the article (articles/reader.py), or for a preview now.
        related = getattr(self, "related", None)
        context["related"] = related_articles(self.object) if related is None else related
        add_keys(
            self.request,
            purges.article_key(self.object.pk),
            purges.article_keys(context["related"]),
        )
        context["current_section_slug"] = self.object.section.slug
        return context


class SearchView(ListView):
    """Results for `?q=…`, best first (articles/search.py): a calm page whatever is typed."""

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
    return preview.render_preview(request, article, shared=True)
