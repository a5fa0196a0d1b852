import factory

from comments.models import Comment
from tests.factories import ArticleFactory


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved comment; pass `parent=` for a reply (same article, one level deeper)."""

    class Meta:
        model = Comment

    parent = None
    article = factory.Maybe(
        "parent",
        yes_declaration=factory.LazyAttribute(lambda o: o.parent.article),
        no_declaration=factory.SubFactory(ArticleFactory),
    )
    depth = factory.LazyAttribute(lambda o: o.parent.depth + 1 if o.parent else 0)
    name = factory.Sequence(lambda n: f"Lecteur {n}")
    email = factory.Sequence(lambda n: f"lecteur{n}@example.org")
    text = factory.Sequence(lambda n: f"Un avis argumenté, numéro {n}.")
    status = Comment.Status.APPROVED
