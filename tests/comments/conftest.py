from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.utils import timezone

from comments.antispam import issue_stamp
from tests.factories import ArticleFactory


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def article(db):
    return ArticleFactory(title="Le tramway arrive en ville")


def form_data(article, *, age: float = 10, **fields) -> dict:
    """What a reader's browser posts: a form rendered `age` seconds ago, filled in."""
    stamp = issue_stamp(article.pk, at=timezone.now() - timedelta(seconds=age))
    return {
        "name": "Camille",
        "email": "camille@example.org",
        "website": "",
        "text": "Enfin une bonne nouvelle pour le quartier.",
        "stamp": stamp,
        "homepage": "",
        **fields,
    }


@pytest.fixture
def moderator(django_user_model):
    """A staff member allowed to moderate comments in the admin."""
    user = django_user_model.objects.create_user(
        "moderatrice", "mod@example.org", "password", is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_comment", "change_comment", "moderate_comment"],
        )
    )
    return django_user_model.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def post_moderation(settings):
    """Comments shown at once (post-moderation), as some newsrooms choose."""
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "MODERATION": "post"}
