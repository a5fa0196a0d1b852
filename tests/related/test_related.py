import importlib.util
import math
import random
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, PinnedRelated
from related import paused, rebuild, related_articles, store
from related.models import RelatedSuggestion
from tests.factories import ArticleFactory, SectionFactory

TOPICS = {
    "football": (
        "football club match équipe entraîneur but stade joueurs finale coupe championnat "
        "supporters gardien attaquant victoire saison ligue arbitre pelouse transfert"
    ),
    "santé": (
        "vaccin hôpital médecins patients épidémie virus santé soins infirmières maladie "
        "traitement dépistage vaccination ministère laboratoire essai clinique symptômes"
    ),
    "élections": (
        "élection scrutin candidats vote électeurs campagne président parlement sondage "
        "bulletins députés majorité opposition débat programme urnes coalition abstention"
    ),
}


def text_about(topic: str, n: int, words: int = 14) -> str:
    """A sentence of `words` words of the topic, different for every n (seeded)."""
    chosen = random.Random(f"{topic}-{n}").sample(TOPICS[topic].split(), words)
    return "Les " + " et les ".join(" ".join(chosen[i : i + 2]) for i in range(0, words, 2)) + "."


def make(topic: str, n: int, **kwargs) -> Article:
    kwargs.setdefault("section", SectionFactory(slug="actualite", name="Actualité"))
    kwargs.setdefault("title", f"{topic.capitalize()} : {text_about(topic, n, 4)}")
    kwargs.setdefault("standfirst", text_about(topic, 100 + n, 8))
    kwargs.setdefault(
        "body", f"<p>{text_about(topic, 200 + n)}</p><p>{text_about(topic, 300 + n)}</p>"
    )
    return ArticleFactory(**kwargs)


@pytest.fixture
def corpus():
    """Four published articles on each of three topics, suggestions built."""
    with paused():
        articles = {topic: [make(topic, n) for n in range(4)] for topic in TOPICS}
    rebuild()
    return articles


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Create an article the way the site does: its refresh runs after the commit."""

    def create(topic: str, n: int, **kwargs) -> Article:
        with django_capture_on_commit_callbacks(execute=True):
            return make(topic, n, **kwargs)

    return create


@pytest.fixture
def incremental(monkeypatch):
    """Take the on-save path big sites take (small ones simply rebuild everything)."""
    monkeypatch.setattr(store, "SMALL_CORPUS", 0)


def topic_of(article: Article, corpus) -> str:
    return next(topic for topic, articles in corpus.items() if article in articles)


@pytest.mark.django_db
def test_suggestions_stay_on_topic(corpus):
    for topic, articles in corpus.items():
        for article in articles:
            shown = related_articles(article, limit=3)
            assert [topic_of(a, corpus) for a in shown] == [topic] * 3, article.title
            assert article not in shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"status": Article.Status.UNPUBLISHED},
        {"published_at_delta": timedelta(hours=2)},
    ],
    ids=["draft", "review", "unpublished", "scheduled"],
)
def test_hidden_articles_are_never_suggested(corpus, publish, hidden):
    hidden = dict(hidden)
    if delta := hidden.pop("published_at_delta", None):
        hidden["published_at"] = timezone.now() + delta
    secret = publish("football", 1, title="Football : un article caché", **hidden)
    for article in Article.objects.exclude(pk=secret.pk):
        assert secret not in related_articles(article, limit=10)


@pytest.mark.django_db
def test_scheduled_article_appears_in_suggestions_when_its_time_comes(corpus, publish, move_time):
    later = publish("football", 9, published_at=timezone.now() + timedelta(hours=2))
    first = corpus["football"][0]
    assert later not in related_articles(first, limit=10)
    move_time(hours=3)
    assert later in related_articles(first, limit=10)


@pytest.mark.django_db
def test_unpublishing_removes_an_article_from_every_list_at_once(corpus, publish):
    target = corpus["santé"][0]
    owners = set(RelatedSuggestion.objects.filter(related=target).values_list("article", flat=True))
    assert owners
    Article.objects.filter(pk=target.pk).update(status=Article.Status.UNPUBLISHED)
    for article in Article.objects.filter(pk__in=owners):
        assert target not in related_articles(article, limit=10)


@pytest.mark.django_db
@pytest.mark.usefixtures("incremental")
def test_unpublishing_with_a_save_also_forgets_its_stored_links(
    corpus, django_capture_on_commit_callbacks
):
    target = corpus["santé"][0]
    target.status = Article.Status.UNPUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        target.save()
    assert not RelatedSuggestion.objects.filter(related=target).exists()
    assert not RelatedSuggestion.objects.filter(article=target).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("incremental")
def test_a_new_article_gets_suggestions_and_joins_existing_lists(corpus, publish):
    new = publish("élections", 7, title="Élections : le scrutin et les candidats")
    assert [topic_of(a, corpus) for a in related_articles(new, limit=3)] == ["élections"] * 3
    joined = [a for a in corpus["élections"] if new in related_articles(a, limit=4)]
    assert joined, "the new article should appear under existing articles on its topic"
    assert not any(new in related_articles(a, limit=3) for a in corpus["football"])


@pytest.mark.django_db
@pytest.mark.usefixtures("incremental")
def test_editing_an_article_moves_it_to_its_new_topic(corpus, django_capture_on_commit_callbacks):
    article = corpus["football"][3]
    article.title = "Santé : le vaccin à l'hôpital"
    article.standfirst = text_about("santé", 5, 8)
    article.body = f"<p>{text_about('santé', 6)}</p><p>{text_about('santé', 7)}</p>"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert [topic_of(a, corpus) for a in related_articles(article, limit=3)] == ["santé"] * 3
    assert any(article in related_articles(a, limit=4) for a in corpus["santé"])
    assert not any(article in related_articles(a, limit=4) for a in corpus["football"][:3])


@pytest.mark.django_db
def test_a_small_site_needs_no_rebuild_command(publish):
    first = [publish("football", n) for n in range(3)]
    other = [publish("santé", n) for n in range(3)]
    assert set(related_articles(first[0], limit=2)) == set(first[1:])
    assert set(related_articles(other[2], limit=2)) == set(other[:2])


@pytest.mark.django_db
def test_the_refresh_waits_for_the_commit(django_capture_on_commit_callbacks):
    with paused():
        existing = make("football", 1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new = make("football", 2)
    assert callbacks
    assert related_articles(existing) == []
    for callback in callbacks:
        callback()
    assert related_articles(existing) == [new]


@pytest.mark.django_db
def test_pinned_articles_come_first_in_the_editors_order(corpus):
    article = corpus["football"][0]
    elsewhere, also = corpus["élections"][2], corpus["santé"][1]
    computed = related_articles(article, limit=3)
    PinnedRelated.objects.create(article=article, related=elsewhere, position=2)
    PinnedRelated.objects.create(article=article, related=also, position=1)
    PinnedRelated.objects.create(article=article, related=computed[1], position=3)
    shown = related_articles(article, limit=5)
    assert shown[:3] == [also, elsewhere, computed[1]]
    assert shown[3:] == [computed[0], computed[2]]
    hidden = corpus["santé"][2]
    Article.objects.filter(pk=hidden.pk).update(status=Article.Status.DRAFT)
    PinnedRelated.objects.create(article=article, related=hidden, position=0)
    assert hidden not in related_articles(article, limit=10)


@pytest.mark.django_db
def test_suggestions_take_one_query(corpus, django_assert_num_queries):
    article = corpus["santé"][1]
    PinnedRelated.objects.create(article=article, related=corpus["football"][0], position=0)
    with django_assert_num_queries(1):
        shown = related_articles(article)
        assert [a.section.name for a in shown]


@pytest.mark.django_db
def test_article_page_shows_pinned_then_computed_suggestions(client, corpus):
    article = corpus["élections"][0]
    pinned = corpus["santé"][3]
    PinnedRelated.objects.create(article=article, related=pinned, position=0)
    html = client.get(article.get_absolute_url()).text
    block = html[html.index('id="related-heading"') :]
    assert pinned.title in block
    computed = related_articles(article)[1]
    assert block.index(pinned.title) < block.index(computed.title)


@pytest.mark.django_db
def test_rebuilds_are_deterministic(corpus):
    def lists():
        return list(
            RelatedSuggestion.objects.order_by("article", "rank").values_list(
                "article", "related", "rank", "score"
            )
        )

    first = lists()
    assert first
    rebuild()
    assert lists() == first


@pytest.mark.django_db
def test_an_interrupted_rebuild_resumes_where_it_stopped(corpus):
    expected = list(
        RelatedSuggestion.objects.order_by("article", "rank").values_list(
            "article", "related", "rank"
        )
    )
    RelatedSuggestion.objects.all().delete()

    def stop_after_first_batch(stage, done, total):
        if stage == "writing" and done >= 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rebuild(batch_size=5, progress=stop_after_first_batch)
    report = rebuild(batch_size=5, resume=True)
    assert report.resumed_from == 5
    assert (
        list(
            RelatedSuggestion.objects.order_by("article", "rank").values_list(
                "article", "related", "rank"
            )
        )
        == expected
    )


@pytest.mark.django_db
def test_rebuild_command_shows_progress(corpus):
    out, err = StringIO(), StringIO()
    call_command("rebuild_related", "--batch-size", "4", stdout=out, stderr=err)
    assert "Related articles rebuilt for 12 articles" in out.getvalue()
    assert "writing" in err.getvalue() and "12/12" in err.getvalue()


@pytest.mark.django_db
def test_two_reports_of_one_story_are_not_suggested_together(publish):
    story = " ".join(text_about("santé", n) for n in range(4))
    with paused():
        base = make("santé", 0, body=f"<p>{story}</p>")
        make("santé", 1, title="Santé : la même dépêche", body=f"<p>{story}</p>")
        make(
            "santé", 2, title="Santé : encore la même dépêche", body=f"<p>{story} Mise à jour.</p>"
        )
        for n in range(3, 6):
            make("santé", n)
    rebuild()
    shown = related_articles(base, limit=4)
    copies = [a for a in shown if "même dépêche" in a.title]
    assert len(copies) == 1


@pytest.mark.django_db
def test_admin_pins_related_articles_with_autocomplete(admin_client, corpus):
    article = corpus["football"][0]
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    assert "pinned_related-TOTAL_FORMS" in page
    found = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Santé",
            "app_label": "articles",
            "model_name": "pinnedrelated",
            "field_name": "related",
        },
    ).json()
    assert {r["text"] for r in found["results"]} == {a.title for a in corpus["santé"]}


def load_harness():
    path = Path(__file__).resolve().parents[2] / "bench" / "related_quality.py"
    spec = importlib.util.spec_from_file_location("related_quality", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_harness_metrics_on_a_hand_made_example():
    harness = load_harness()
    labels = [["x"], ["x"], ["x", "y"], ["z"]]
    suggestions = [[2, 1], [0], [3, 0], [0, 1, 2]]
    result = harness.evaluate(labels, suggestions)
    assert result["P@5"] == pytest.approx((2 / 5 + 1 / 5 + 1 / 5 + 0) / 4)
    # Article 0: gains 1/2 then 1; ideal 1, 1/2. Article 1: gain 1; same ideal.
    # Article 2: gains 0 then 1/2; ideal 1/2, 1/2. Article 3 shares no label: left out.
    d = 1 / math.log2(3)
    expected = [(0.5 + d) / (1 + 0.5 * d), 1 / (1 + 0.5 * d), (0.5 * d) / (0.5 + 0.5 * d)]
    assert result["nDCG@5"] == pytest.approx(sum(expected) / 3)
    assert result["nDCG_undefined"] == 1
    assert result["five"] == 0
    assert result["suggested"] == 1.0
    assert harness.labels({"topics": [], "section": "sport"}) == ["sport"]
    assert harness.labels({"topics": ["a", "b"], "section": "a"}) == ["a", "b"]


@pytest.mark.django_db
def test_deleting_an_article_removes_its_index_and_links(corpus):
    from related.models import RelatedPosting, RelatedProfile

    target = corpus["football"][1]
    assert RelatedPosting.objects.filter(article=target).exists()
    target.delete()
    assert not RelatedPosting.objects.filter(article_id=target.pk).exists()
    assert not RelatedProfile.objects.filter(article_id=target.pk).exists()
    assert not RelatedSuggestion.objects.filter(related_id=target.pk).exists()


@pytest.mark.django_db
def test_rebuild_copes_with_an_empty_or_tiny_site():
    assert rebuild().articles == 0
    with paused():
        lonely = make("football", 0)
    assert rebuild().articles == 1
    assert related_articles(lonely) == []
