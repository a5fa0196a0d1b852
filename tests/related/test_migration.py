"""The related engine's tables moved from the articles app to the related app: a database
migrated on the layout before the move keeps every row, read through the new models."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_THE_MOVE = [("articles", "0006_share_links"), ("related", None)]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_keeps_its_related_rows_across_the_move():
    executor = migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state([BEFORE_THE_MOVE[0]]).apps
    assert not any(model._meta.app_label == "related" for model in old.get_models())
    section = old.get_model("articles", "Section").objects.create(name="Monde", slug="monde")
    article, other = (
        old.get_model("articles", "Article").objects.create(
            title=title, slug=title.lower(), section=section, published_at=timezone.now()
        )
        for title in ("Sommet", "Accord")
    )
    old.get_model("articles", "RelatedSuggestion").objects.create(
        article=article, related=other, rank=0, score=0.75
    )
    term = old.get_model("articles", "RelatedTerm").objects.create(term="sommet", df=2)
    old.get_model("articles", "RelatedProfile").objects.create(article=article, hub=0.5)
    old.get_model("articles", "RelatedPosting").objects.create(
        term=term.pk, article=article, weight=1.25
    )
    old.get_model("articles", "RelatedBuild").objects.create(status="ready", documents=2)

    migrate(None)

    from related.models import (
        RelatedBuild,
        RelatedPosting,
        RelatedProfile,
        RelatedSuggestion,
        RelatedTerm,
    )

    suggestion = RelatedSuggestion.objects.get()
    assert (suggestion.article_id, suggestion.related_id, suggestion.score) == (
        article.pk,
        other.pk,
        0.75,
    )
    assert RelatedTerm.objects.get().term == "sommet"
    assert RelatedProfile.objects.get().hub == 0.5
    assert RelatedPosting.objects.get().weight == 1.25
    assert RelatedBuild.objects.get().documents == 2
    assert suggestion.article.suggestions.get() == suggestion  # relations still work
