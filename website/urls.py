from django.urls import path, register_converter

from pagecache import public_page

from . import feeds, views
from .converters import UnicodeSlugConverter

register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"
urlpatterns = [
    path("", public_page(views.FrontPageView.as_view()), name="index"),
    path("rubrique/<uslug:slug>/", public_page(views.SectionView.as_view()), name="section"),
    path("sujet/<uslug:slug>/", public_page(views.TagView.as_view()), name="tag"),
    path("auteur/<uslug:slug>/", public_page(views.AuthorView.as_view()), name="author"),
    # Tokens are secrets.token_urlsafe(): `slug` characters. Anything else is no token, and
    # never reaches the database (PostgreSQL refuses a NUL in a query: a 500).
    path("apercu/<slug:token>/", views.shared_preview, name="shared_preview"),
    path("recherche/", views.SearchView.as_view(), name="search"),
    path("flux/", public_page(feeds.ArticleFeed()), name="feed"),
    path("flux/atom/", public_page(feeds.SiteAtomFeed()), name="feed_atom"),
    path("rubrique/<uslug:slug>/flux/", public_page(feeds.SectionFeed()), name="section_feed"),
    path(
        "rubrique/<uslug:slug>/flux/atom/",
        public_page(feeds.SectionAtomFeed()),
        name="section_feed_atom",
    ),
    path("sujet/<uslug:slug>/flux/", public_page(feeds.TagFeed()), name="tag_feed"),
    path("sujet/<uslug:slug>/flux/atom/", public_page(feeds.TagAtomFeed()), name="tag_feed_atom"),
    path("auteur/<uslug:slug>/flux/", public_page(feeds.AuthorFeed()), name="author_feed"),
    path(
        "auteur/<uslug:slug>/flux/atom/",
        public_page(feeds.AuthorAtomFeed()),
        name="author_feed_atom",
    ),
    path(
        "<int:year>/<int:month>/<uslug:slug>/",
        public_page(views.ArticleDetailView.as_view()),
        name="detail",
    ),
]
