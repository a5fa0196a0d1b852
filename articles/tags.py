"""An article's tags typed in one field, "Climat, États-Unis, Ukraine", in reading order.

Names are matched to existing tags whatever their case and accents' composition, so
"climat" finds "Climat"; the order typed is the order readers see (Article.tags_in_order).
"""

from __future__ import annotations

import unicodedata

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Article, Tag, TaggedArticle
from .text import single_line

MOST_TAGS = 20
LONGEST_NAME = Tag._meta.get_field("name").max_length
LONGEST_FIELD = MOST_TAGS * (LONGEST_NAME + 2)


class TagsRefused(ValueError):
    """The typed tags cannot be given; the message says what to change."""


def as_text(tags: list[Tag]) -> str:
    return ", ".join(tag.name for tag in tags)


def names_in(text: str) -> list[str]:
    """The names typed, in order, blanks and repeats (whatever their case) left out."""
    names: list[str] = []
    seen: set[str] = set()
    for part in (text or "").split(","):
        name = single_line(unicodedata.normalize("NFC", part))
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def resolve(text: str, *, may_create: bool) -> list[Tag]:
    """The tags named in `text`, in order: existing ones found, new ones made (not saved)."""
    names = names_in(text)
    if len(names) > MOST_TAGS:
        raise TagsRefused(
            _("%(count)d tags is more than readers can use: keep %(most)d at most.")
            % {"count": len(names), "most": MOST_TAGS}
        )
    too_long = [name for name in names if len(name) > LONGEST_NAME]
    if too_long:
        raise TagsRefused(
            _("A tag is %(most)d characters at most: shorten “%(name)s”.")
            % {"most": LONGEST_NAME, "name": too_long[0][:40] + "…"}
        )
    existing = {tag.name.casefold(): tag for tag in _matching(names)}
    new = [name for name in names if name.casefold() not in existing]
    if new and not may_create:
        raise TagsRefused(
            ngettext(
                "The tag %(names)s does not exist, and you may not create tags: choose an "
                "existing one or ask an editor.",
                "The tags %(names)s do not exist, and you may not create tags: choose "
                "existing ones or ask an editor.",
                len(new),
            )
            % {"names": ", ".join(f"« {name} »" for name in new)}
        )
    return [existing.get(name.casefold()) or Tag(name=name) for name in names]


def give(article: Article, tags: list[Tag] | None) -> None:
    """Give `article` exactly `tags`, in this order; nothing is written if nothing changed."""
    if tags is None:
        return
    current = list(TaggedArticle.objects.filter(content_object=article).order_by("pk"))
    if [link.tag_id for link in current] == [tag.pk for tag in tags]:
        return
    with transaction.atomic():
        for tag in tags:
            if tag.pk is None:
                tag.save()  # the model makes its slug
        # Rows are deleted and made one by one: each sends the signals the purges follow.
        for link in current:
            link.delete()
        for tag in tags:
            TaggedArticle.objects.create(content_object=article, tag=tag)


def _matching(names: list[str]):
    """Existing tags with these names whatever the case, in one query. SQLite compares
    case-insensitively in ASCII only, so the usual spellings are also asked for exactly
    ("états-unis" finds "États-Unis")."""
    if not names:
        return Tag.objects.none()
    spellings = {v for name in names for v in (name, name.lower(), name.capitalize(), name.title())}
    condition = Q(name__in=spellings)
    for name in names:
        condition |= Q(name__iexact=name)
    return Tag.objects.filter(condition).only("pk", "name", "slug")
