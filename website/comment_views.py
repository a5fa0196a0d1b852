from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from articles.models import Article
from comments import services
from comments.antispam import hash_ip, hit_rate_limit, issue_stamp
from comments.forms import CommentForm
from comments.models import Comment
from comments.threads import (
    CONVERSATION_PARAM,
    PAGE_PARAM,
    comment_url,
    conversation_id,
    page_number,
    thread_url,
)

from .views import ArticleDetailView

STATUS_OF_REFUSAL = {"closed": 403}
NOT_SENT_YET = gettext_lazy(
    "Your comment has not been sent yet: this page needed a moment to prepare it. "
    "Your text is kept below; press Publish again."
)


@require_GET
@never_cache
def form_tokens(request: HttpRequest, article_id: int) -> JsonResponse:
    """What a comment form on a shared page needs before it is sent: this reader's CSRF
    token and a fresh single-use submission stamp. Asked for by the form's script when the
    reader starts writing; never stored by any cache."""
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    return JsonResponse(
        {"csrfmiddlewaretoken": get_token(request), "stamp": issue_stamp(article.pk)}
    )


def _has_tokens(request: HttpRequest) -> bool:
    """Whether the post carries a valid CSRF token and a stamp (Django's own CSRF check,
    run here because a post without them is sent back rather than refused)."""
    if not request.POST.get("stamp"):
        return False
    refusal = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
    return refusal is None


def render_article(request, article: Article, form: CommentForm, *, status: int):
    """The article page again, with the reader's form, its errors and their text."""
    view = ArticleDetailView()
    view.setup(request, **article.url_kwargs())
    view.object = view.get_object()
    context = view.get_context_data(object=view.object, comment_form=form)
    return view.render_to_response(context, status=status)


def too_many(request, article: Article, form: CommentForm, retry_after: int):
    minutes = max(1, round(retry_after / 60))
    form.add_error(
        None,
        ngettext(
            "You have sent many comments in a short time. Please try again in %(minutes)d minute.",
            "You have sent many comments in a short time. Please try again in %(minutes)d minutes.",
            minutes,
        )
        % {"minutes": minutes},
    )
    response = render_article(request, article, form, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def received(request, article: Article, comment: Comment | None):
    """Post/redirect/get: to the comment (on its page of comments, or in its conversation
    view) if it is shown, else to a note that it waits, on the page the form was sent from."""
    article_url = article.get_absolute_url()
    conversation = conversation_id(request.GET.get(CONVERSATION_PARAM))
    if comment is not None and comment.is_approved:
        messages.success(request, _("Thank you: your comment is published."))
        url = comment_url(comment, article_url, sent_from=conversation)
        return redirect(f"{url}#comment-{comment.pk}")
    # Held, spam and trapped comments get the same answer: robots learn nothing.
    messages.success(
        request, _("Thank you! Your comment will appear once a moderator has approved it.")
    )
    page = page_number(request.GET.get(PAGE_PARAM)) or 1
    return redirect(f"{thread_url(article_url, page, conversation)}#respond")


@method_decorator(csrf_exempt, name="dispatch")  # checked in post(): see _has_tokens()
class PostCommentView(View):
    http_method_names = ["post"]

    def post(self, request, article_id: int):
        article = get_object_or_404(Article.objects.published(), pk=article_id)
        form = CommentForm(request.POST, article=article)
        if not _has_tokens(request):
            # Sent from a shared page before its script brought the tokens (no JavaScript,
            # or the request failed): back once, with the reader's text and fresh tokens.
            form.full_clean()
            form.errors.pop("stamp", None)
            form.add_error(None, NOT_SENT_YET)
            return render_article(request, article, form, status=400)
        ip = request.META.get("REMOTE_ADDR", "")
        if retry_after := hit_rate_limit("ip", ip):
            return too_many(request, article, form, retry_after)
        if not form.is_valid():
            return render_article(request, article, form, status=400)
        if form.is_trap:
            return received(request, article, None)
        if retry_after := hit_rate_limit("email", form.cleaned_data["email"]):
            return too_many(request, article, form, retry_after)
        data = form.cleaned_data
        try:
            comment = services.submit_comment(
                article=article,
                name=data["name"],
                email=data["email"],
                website=data["website"],
                text=data["text"],
                parent_id=data["parent"],
                token=form.token,
                ip_hash=hash_ip(ip),
                user=request.user,
            )
        except ValidationError as refusal:
            form.add_error(None, refusal.messages)
            status = STATUS_OF_REFUSAL.get(getattr(refusal, "code", None), 400)
            return render_article(request, article, form, status=status)
        return received(request, article, comment)
