"""Cards, bylines and pictures built in Python (articles/cards.py)."""

import pytest
from django.core.files.storage import FileSystemStorage, InMemoryStorage, Storage

from articles import cards

NAMES = [
    "renditions/ab12/photo-480.webp",
    "renditions/ab12/Été à Kyiv #2 (version?).jpg",
    "renditions/ab12/київ-800.webp",
    "/leading/slash.jpg",
]


@pytest.mark.parametrize("storage_class", [FileSystemStorage, InMemoryStorage])
@pytest.mark.parametrize("name", NAMES)
def test_media_url_is_what_the_storage_would_answer(monkeypatch, storage_class, name):
    storage = storage_class(base_url="https://media.example.org/m/")
    monkeypatch.setattr(cards, "storages", {"default": storage})
    assert cards.media_url(name) == storage.url(name)


def test_other_storages_answer_through_their_own_url(monkeypatch):
    class SignedStorage(Storage):
        def url(self, name):
            return f"https://bucket.example.org/{name}?signature=abc"

    monkeypatch.setattr(cards, "storages", {"default": SignedStorage()})
    assert cards.media_url("a.jpg") == "https://bucket.example.org/a.jpg?signature=abc"


@pytest.mark.django_db
def test_card_escapes_everything_an_editor_typed():
    from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

    article = ArticleFactory(
        title='<script>alert("titre")</script>',
        standfirst='Un "chapô" & <b>gras</b>',
        section=SectionFactory(name="Monde <i>"),
        authors=[AuthorFactory(name="Sara <img src=x onerror=alert(1)>")],
    )
    article.comment_count = 2
    html = cards.article_card(
        article, size="row", level=2, show_section=True, show_standfirst=True, show_byline=True
    )
    assert "<script>" not in html and "<img src=x" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;titre&quot;)&lt;/script&gt;" in html
    assert "Un &quot;chapô&quot; &amp; &lt;b&gt;gras&lt;/b&gt;" in html
    assert "Monde &lt;i&gt;" in html
    assert '<span class="comment-count">2 commentaires</span>' in html
    assert html.startswith('<article class="card card--row">') and "<h2 " in html
