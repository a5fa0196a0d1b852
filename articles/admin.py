from django.contrib import admin
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from .models import Article, ArticleAuthor, ArticleRedirect, Author, Section, Tag, TaggedArticle


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    min_num = 0
    autocomplete_fields = ["author"]
    fields = ["author", "role", "agency", "position"]
    verbose_name = _("byline")
    verbose_name_plural = _("bylines (in the order they are shown)")


class TagInline(admin.TabularInline):
    model = TaggedArticle
    extra = 1
    autocomplete_fields = ["tag"]
    verbose_name = _("tag")
    verbose_name_plural = _("tags")


class RedirectInline(admin.TabularInline):
    model = ArticleRedirect
    extra = 0
    fields = ["old_slug", "created_at"]
    readonly_fields = ["old_slug", "created_at"]
    can_delete = True
    verbose_name_plural = _("old addresses that redirect here")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "section", "status", "published_at", "byline_names", "is_featured"]
    list_filter = ["status", "section", "bylines__author", "published_at", "is_featured", "language"]
    list_select_related = ["section"]
    search_fields = ["title", "standfirst", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    # Django 6 makes https the default scheme of typed-in addresses; say so now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [BylineInline, TagInline, RedirectInline]
    readonly_fields = ["created_at", "updated_at", "reading_time"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body"]}),
        (
            _("Lead image"),
            {"fields": ["lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit"]},
        ),
        (_("Classification"), {"fields": ["section", "language"]}),
        (_("Source"), {"fields": ["source_kind", "source_name", "source_url"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status", "published_at", "is_featured", "comments_open",
                    "created_at", "updated_at", "reading_time",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
        )

    @admin.display(description=_("authors"))
    def byline_names(self, article: Article) -> str:
        return ", ".join(byline.author.name for byline in article.bylines.all())


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
