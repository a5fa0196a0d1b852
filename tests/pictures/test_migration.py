"""Lead images move into the picture library with nothing lost, and back."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0013_body_tables_help")]
AFTER = [("articles", "0015_lead_image_fields_removed")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_lead_images_become_library_pictures_and_come_back():
    old = migrate(BEFORE)
    try:
        Section, Article = (
            old.get_model("articles", "Section"),
            old.get_model("articles", "Article"),
        )
        section = Section.objects.create(name="Monde", slug="monde")
        rows = [
            ("articles/2026/11/pont.jpg", "Le pont", "Au matin", "AFP"),
            ("articles/2026/11/pont.jpg", "Le pont", "Au matin", "AFP"),  # the same: shared
            ("articles/2026/11/pont.jpg", "Le pont, de nuit", "", "AFP"),  # described apart
            ("articles/2026/11/quai.jpg", "", "", ""),  # no words: kept as they are
            ("", "", "", ""),  # no picture
        ]
        for n, (name, alt, caption, credit) in enumerate(rows):
            Article.objects.create(
                title=f"Titre {n}",
                slug=f"titre-{n}",
                section=section,
                edit_token=uuid.uuid4(),
                lead_image=name,
                lead_image_width=1600 if name else None,
                lead_image_height=900 if name else None,
                lead_image_alt=alt,
                lead_image_caption=caption,
                lead_image_credit=credit,
                lead_image_renditions=[{"width": 480, "webp": f"r/{n}.webp"}] if name else [],
            )

        new = migrate(AFTER)
        Article = new.get_model("articles", "Article")
        moved = [
            (
                a.lead_picture.file.name,
                a.lead_picture.alt,
                a.lead_picture.caption,
                a.lead_picture.credit,
            )
            if a.lead_picture_id
            else ("", "", "", "")
            for a in Article.objects.order_by("pk").select_related("lead_picture")
        ]
        assert moved == rows
        assert new.get_model("pictures", "Picture").objects.count() == 3
        first = Article.objects.select_related("lead_picture").get(slug="titre-0").lead_picture
        assert (first.width, first.height, first.renditions) == (
            1600,
            900,
            [{"width": 480, "webp": "r/0.webp"}],
        )

        back = migrate(BEFORE)
        Article = back.get_model("articles", "Article")
        restored = [
            (a.lead_image.name or "", a.lead_image_alt, a.lead_image_caption, a.lead_image_credit)
            for a in Article.objects.order_by("pk")
        ]
        assert restored == rows
        assert Article.objects.get(slug="titre-0").lead_image_renditions == [
            {"width": 480, "webp": "r/0.webp"}
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
