from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.shortcuts import redirect
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import Article

from . import services
from .models import Comment, ModerationPolicy


class PendingArticleFilter(admin.SimpleListFilter):
    """Articles with comments waiting, and how many: the per-article queue."""

    title = _("article with pending comments")
    parameter_name = "article"

    def lookups(self, request, model_admin):
        articles = (
            Article.objects.with_pending_comment_counts()
            .filter(pending_comment_count__gt=0)
            .order_by("-pending_comment_count", "-published_at")[:30]
        )
        return [(a.pk, f"{a.title} ({a.pending_comment_count})") for a in articles]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(article_id=value) if value and value.isdigit() else queryset


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "name", "article", "excerpt", "held_because"]
    list_display_links = ["created_at", "excerpt"]
    list_filter = ["status", "moderation_rule", PendingArticleFilter, "created_at"]
    list_select_related = ["article"]
    search_fields = ["name", "email", "text", "article__title"]
    readonly_fields = [
        "article",
        "parent",
        "email",
        "status",
        "held_because",
        "created_at",
        "moderated_by",
        "moderated_at",
        "ip_hash",
    ]
    fields = [
        "article",
        "parent",
        "status",
        "held_because",
        "name",
        "email",
        "website",
        "text",
        "created_at",
        "moderated_by",
        "moderated_at",
        "ip_hash",
    ]
    actions = ["approve", "mark_spam", "remove", "reject"]
    # Django 6 makes https the default scheme of typed-in addresses; say so now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        # The moderation queue: comments waiting first, newest first. (ModelAdmin would
        # order before the annotation exists.)
        return Comment.objects.with_queue_rank().order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        return ["queue_rank", "-created_at"]

    def has_add_permission(self, request):
        return False  # comments come from readers

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm(services.MODERATE_PERMISSION)

    @transaction.atomic
    def _moderate(self, request, queryset, service) -> int:
        comments = list(queryset)
        for comment in comments:
            service(comment, moderator=request.user)
        return len(comments)

    @admin.action(description=_("Approve the selected comments"), permissions=["moderate"])
    def approve(self, request, queryset):
        count = self._moderate(request, queryset, services.approve_comment)
        message = ngettext("%(count)d comment approved.", "%(count)d comments approved.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Mark the selected comments as spam"), permissions=["moderate"])
    def mark_spam(self, request, queryset):
        count = self._moderate(request, queryset, services.mark_spam)
        message = ngettext(
            "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Remove the selected comments"), permissions=["moderate"])
    def remove(self, request, queryset):
        count = self._moderate(request, queryset, services.remove_comment)
        message = ngettext("%(count)d comment removed.", "%(count)d comments removed.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Reject the selected comments"), permissions=["moderate"])
    def reject(self, request, queryset):
        count = self._moderate(request, queryset, services.reject_comment)
        message = ngettext("%(count)d comment rejected.", "%(count)d comments rejected.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.display(description=_("comment"))
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.text).chars(120)

    @admin.display(description=_("why"), ordering="moderation_rule")
    def held_because(self, comment: Comment) -> str:
        rule = comment.get_moderation_rule_display()
        return f"{rule}: {comment.moderation_detail}" if comment.moderation_detail else rule


@admin.register(ModerationPolicy)
class ModerationPolicyAdmin(admin.ModelAdmin):
    """One policy for the site: the list goes straight to it."""

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if ModerationPolicy.objects.exists():
            return redirect("admin:comments_moderationpolicy_change", 1)
        return redirect("admin:comments_moderationpolicy_add")

    def get_changeform_initial_data(self, request):
        return ModerationPolicy.defaults()

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ModerationPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
