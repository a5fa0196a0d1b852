from datetime import timedelta

import factory
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Section
from pictures.models import Picture


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Rubrique {n}")
    slug = factory.Sequence(lambda n: f"rubrique-{n}")
    position = factory.Sequence(lambda n: n)


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Auteur {n}")
    slug = factory.Sequence(lambda n: f"auteur-{n}")
    bio = "Journaliste."


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Titre numéro {n}")
    slug = factory.Sequence(lambda n: f"titre-numero-{n}")
    standfirst = "Un chapô qui résume l’article."
    body = "<p>Premier paragraphe.</p><h2>Intertitre</h2><p>Second paragraphe.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    # Stored as typed, so that tests compare the text they wrote; the typography tests
    # (tests/articles/test_typography.py) switch it on.
    french_typography = False

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            for position, author in enumerate(extracted):
                ArticleAuthor.objects.create(article=self, author=author, position=position)


def image_file(name: str = "photo.jpg", size: tuple[int, int] = (1200, 675), color="#4a6fa5"):
    """A real JPEG made with Pillow, ready for an ImageField."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


class PictureFactory(factory.django.DjangoModelFactory):
    """A picture of the library, with a real JPEG (renditions and crops are cut on save)."""

    class Meta:
        model = Picture

    file = factory.LazyFunction(lambda: image_file())
    alt = "Une photo"
    credit = "Photo : Rédaction"
