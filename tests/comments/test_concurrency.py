"""Many readers posting at once, each form sent twice: nothing lost, nothing doubled."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.conftest import form_data
from tests.factories import ArticleFactory

READERS = 12


@pytest.mark.django_db(transaction=True)
def test_simultaneous_posts_lose_nothing_and_duplicate_nothing():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    article = ArticleFactory()
    url = reverse("comments:post", args=[article.pk])
    forms = [
        form_data(article, name=f"Lecteur {n}", email=f"l{n}@example.org", text=f"Avis {n}")
        for n in range(READERS)
    ]
    # Every form twice (a double click), all released at the same moment.
    jobs = [(n, form) for n, form in enumerate(forms) for _ in range(2)]
    start = threading.Barrier(len(jobs))
    statuses, errors = [], []

    def send(n, form):
        try:
            client = Client(REMOTE_ADDR=f"192.0.2.{n}")
            start.wait()
            statuses.append(client.post(url, form).status_code)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert statuses == [302] * len(jobs)
    texts = sorted(Comment.objects.values_list("text", flat=True))
    assert texts == sorted(f"Avis {n}" for n in range(READERS))
