"""The related-article engine's own data: what it knows about each article and each word.

Readers never query the engine's tables: the article page reads `RelatedSuggestion` (its
output) and `articles.PinnedRelated` (editors' choices) only. The tables were made by the
`articles` app and keep their names (migration 0001 of this app only takes them over).
"""

from django.db import models


class RelatedTerm(models.Model):
    """A word (stemmed) or `#tag` of the indexed articles, with its document count."""

    term = models.CharField(max_length=100, unique=True)
    df = models.PositiveIntegerField(default=0)
    # float32 row of the latent (LSA) projection, empty for words seen after the last rebuild.
    vector = models.BinaryField(blank=True, default=b"")

    class Meta:
        db_table = "articles_relatedterm"
        verbose_name = "related-articles term"

    def __str__(self) -> str:
        return self.term


class RelatedProfile(models.Model):
    """One indexed article: its latent and spectral vectors, hubness and wording signature."""

    article = models.OneToOneField(
        "articles.Article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="related_profile",
    )
    latent = models.BinaryField(blank=True, default=b"")
    spectral = models.BinaryField(blank=True, default=b"")
    signature = models.BinaryField(blank=True, default=b"")
    hub = models.FloatField(default=0.0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "articles_relatedprofile"
        verbose_name = "related-articles profile"

    def __str__(self) -> str:
        return f"profile of {self.article_id}"


class RelatedPosting(models.Model):
    """Inverted index: one of an article's heaviest terms and its weight."""

    pk = models.CompositePrimaryKey("term", "article")
    term = models.PositiveIntegerField()  # a RelatedTerm pk; no constraint: rebuilds swap terms
    # No database constraint: a rebuild copies ten million rows in, and checking each one
    # against the article table doubles that time. Deleting an article still deletes its
    # postings (Django's CASCADE), and a rebuild clears anything left over.
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    weight = models.FloatField()

    class Meta:
        db_table = "articles_relatedposting"
        verbose_name = "related-articles posting"
        indexes = [models.Index(fields=["article"], name="related_posting_article_idx")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.term} ({self.weight:.3f})"


class RelatedBuild(models.Model):
    """State of the last full rebuild (a single row): corpus size and resumable progress."""

    class Status(models.TextChoices):
        WRITING = "writing"
        READY = "ready"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WRITING)
    documents = models.PositiveIntegerField(default=0)
    signature = models.CharField(max_length=64, blank=True)
    written = models.PositiveIntegerField(default=0)  # articles whose data is written
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "articles_relatedbuild"
        verbose_name = "related-articles build"

    def __str__(self) -> str:
        return f"{self.status} ({self.written}/{self.documents})"


class RelatedSuggestion(models.Model):
    """A computed "you might also like" link, precomputed by `related`."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="suggestions"
    )
    related = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="suggested_as"
    )
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField(default=0.0)

    class Meta:
        db_table = "articles_relatedsuggestion"  # made by the articles app, kept
        ordering = ["article", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["article", "rank"], name="unique_suggestion_rank"),
            models.UniqueConstraint(fields=["article", "related"], name="unique_suggestion_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.related_id} (#{self.rank})"
