"""Build a believable demo site from demo/*.json; safe to run again (updates by slug)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Section
from demo import DEMO_DIR
from demo.images import author_photo, lead_image
from pictures.models import Picture

BYLINE_ROLES = {"", *ArticleAuthor.Role.values}


class Tally:
    """Created and updated counts per kind of object, in the order first seen."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}

    def add(self, kind: str, created: bool) -> None:
        row = self.counts.setdefault(kind, [0, 0])
        row[0 if created else 1] += 1

    def lines(self) -> list[str]:
        return [f"{kind}: {c} created, {u} updated" for kind, (c, u) in self.counts.items()]


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"Cannot read {path.name}: {exc}") from exc


def read_articles(path: Path) -> list[dict]:
    items = read_json(path)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise CommandError(f"{path.name} must hold a JSON list of article objects.")
    return items


def load_sections(rows: list[dict], tally: Tally) -> dict[str, Section]:
    sections = {}
    for row in rows:
        section, created = Section.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "description": row.get("description", ""),
                "position": row.get("position", 0),
            },
        )
        sections[section.slug] = section
        tally.add("Sections", created)
    return sections


def load_authors(rows: list[dict], tally: Tally) -> dict[str, Author]:
    authors = {}
    for row in rows:
        author, created = Author.objects.update_or_create(
            slug=row["slug"], defaults={"name": row["name"], "bio": row.get("bio", "")}
        )
        if not author.photo:
            photo = author_photo(author.name, author.slug)
            author.photo.save(f"{author.slug}.jpg", ContentFile(photo), save=True)
        authors[author.slug] = author
        tally.add("Authors", created)
    return authors


def _demo_picture(article: Article, image: dict) -> Picture:
    """The article's lead picture in the library, drawn once and then described again."""
    picture = article.lead_picture or Picture()
    picture.alt = image.get("alt", "")
    picture.caption = image.get("caption", "")
    picture.credit = image.get("credit", "")
    if not picture.file:
        drawn = lead_image(article.slug, article.section.slug)
        # Storages shorten names past the field's max_length; a short name stays readable.
        picture.file.save(f"{article.slug[:80]}.jpg", ContentFile(drawn), save=False)
    picture.save()
    return picture


def load_article(
    item: dict, *, sections: dict[str, Section], authors: dict[str, Author], now: datetime
) -> bool:
    """Create or update one article from its JSON item; True if it was created."""
    slug = item["slug"]
    if item["section"] not in sections:
        raise CommandError(f"{slug}: unknown section {item['section']!r}.")
    article = Article.objects.filter(slug=slug).first()
    created = article is None
    if article is None:
        article = Article(slug=slug)
    source = item.get("source") or {}
    image = item.get("image") or {}
    article.title = item["title"]
    article.standfirst = item.get("standfirst", "")
    article.body = item["body"]
    article.section = sections[item["section"]]
    article.status = item.get("status", Article.Status.PUBLISHED)
    article.is_featured = item.get("featured", False)
    article.language = item.get("language", "fr")
    article.published_at = now - timedelta(hours=item["hours_ago"])
    article.source_name = source.get("name", "")
    article.source_url = source.get("url", "")
    article.source_kind = source.get("kind", "")
    try:
        article.full_clean()
    except ValidationError as exc:
        raise CommandError(f"{slug}: {exc.message_dict}") from exc
    if image:
        article.lead_picture = _demo_picture(article, image)
    article.save()
    if article.published_at <= now:
        # A back-dated article saved today would show as "updated" (see Article.was_updated).
        Article.objects.filter(pk=article.pk).update(
            created_at=article.published_at, updated_at=article.published_at
        )

    bylines = item.get("authors", [])
    for position, byline in enumerate(bylines):
        author = authors.get(byline["author"])
        if author is None:
            raise CommandError(f"{slug}: unknown author {byline['author']!r}.")
        role = byline.get("role", "")
        if role not in BYLINE_ROLES:
            raise CommandError(f"{slug}: unknown byline role {role!r}.")
        ArticleAuthor.objects.update_or_create(
            article=article,
            author=author,
            defaults={"position": position, "role": role, "agency": byline.get("agency", "")},
        )
    article.bylines.exclude(author__slug__in=[b["author"] for b in bylines]).delete()
    article.tags.set(item.get("tags", []))
    return created


class Command(BaseCommand):
    help = "Create or update the demo sections, authors and articles. Running it again is safe."

    def handle(self, *args: Any, **options: Any) -> None:
        site = read_json(DEMO_DIR / "site.json")
        files = sorted(DEMO_DIR.glob("articles_*.json"))
        if not files:
            raise CommandError(f"No articles_*.json file in {DEMO_DIR}.")
        items = [(path.name, item) for path in files for item in read_articles(path)]
        slugs = [str(item.get("slug")) for _, item in items]
        if duplicates := sorted({slug for slug in slugs if slugs.count(slug) > 1}):
            raise CommandError(f"Slugs used by more than one demo article: {', '.join(duplicates)}")

        tally = Tally()
        now = timezone.now()
        with transaction.atomic():
            sections = load_sections(site["sections"], tally)
            authors = load_authors(site["authors"], tally)
            for filename, item in items:
                try:
                    created = load_article(item, sections=sections, authors=authors, now=now)
                except KeyError as exc:
                    raise CommandError(f"{filename}: an article lacks the field {exc}.") from exc
                tally.add("Articles", created)

        self.stdout.write(f"Demo content loaded from {', '.join(p.name for p in files)}.")
        for line in tally.lines():
            self.stdout.write(line)
