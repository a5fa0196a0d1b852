"""A WordPress export (WXR) imported into Newsroom, safely and as often as needed.

Rules (README, "WordPress import"):

- Posts become articles. publish -> published; future -> scheduled (published, future time);
  draft -> draft; pending -> in review; private and password-protected -> unpublished,
  never public. trash, auto-draft and revisions are skipped.
- Pages are skipped and counted: Newsroom has no static pages.
- An article's section is its first category's top-level ancestor (nested categories are
  flattened into it); its other categories, nested ones included, become tags.
- WordPress users become authors (no accounts are created); comments keep their thread,
  status and date, replies deeper than the site's thread depth hang from the deepest
  allowed level; pingbacks and trackbacks are skipped and counted.
- Pictures come from --media-dir (a copy of wp-content/uploads, or what --fetch-media
  downloaded into it) through the same checks as editors' uploads and become library
  pictures; without the file a link to it takes its place, reported.
- Items without wp:post_id are known by their guid's or link's ?p=, else a digest; plain
  <category> names are categories by name; a body over WORDPRESS_MAX_BODY_BYTES is skipped.
- Each post's old permalink, `/?p=ID` and old slugs answer 301 to the article while it is
  visible (LegacyAddress); category (every one), tag and author archives to their Newsroom
  pages.
- Every object is recorded in ImportedItem with a checksum: a re-run changes nothing, a
  newer export updates what changed. Each post, with its comments, is one transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import astuple, dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, unquote, urlsplit

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import escape_uri_path

from articles.models import SLUG_MAX_LENGTH, Article, ArticleAuthor, Author, Section, Tag
from articles.text import make_slug
from comments.models import Comment as NewsroomComment
from pictures.images import ImageRejected, prepare_upload
from pictures.models import Picture

from . import content
from .fetch import fetch_media
from .models import ImportedItem, LegacyAddress
from .summary import Summary
from .wxr import Author as WPAuthor
from .wxr import Comment as WPComment
from .wxr import ExportReader, Item, Term, WXRError

try:
    # Suggestions are recomputed once after the import (the command runs rebuild_related),
    # not after each of thousands of saves.
    from related.tasks import paused as related_refresh_paused
except ImportError:  # pragma: no cover - a tree without the related-articles engine
    related_refresh_paused = nullcontext

# Bump when the mapping rules change: every post is then rebuilt once by the next import.
IMPORTER_VERSION = 2
DEFAULT_SECTION = "Archives"
# Old addresses must fit django.contrib.redirects' 200 characters: /yyyy/m/ + slug.
ARTICLE_SLUG_LENGTH = min(SLUG_MAX_LENGTH, 180)
SKIPPED_STATUSES = {
    "trash": "in WordPress's trash",
    "auto-draft": "auto-draft, never written",
    "inherit": "a revision of another post",
}
PING_TYPES = {"pingback", "trackback"}
COMMENT_STATUSES = {
    "1": NewsroomComment.Status.APPROVED,
    "approve": NewsroomComment.Status.APPROVED,
    "0": NewsroomComment.Status.PENDING,
    "hold": NewsroomComment.Status.PENDING,
    "spam": NewsroomComment.Status.SPAM,
    "trash": NewsroomComment.Status.REMOVED,
    "post-trashed": NewsroomComment.Status.REMOVED,
}
RELEVANT_META = ("_thumbnail_id", "_wp_old_slug", "_yoast_wpseo_primary_category")
PICTURE_EXTENSIONS = {".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp"}
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")
_DATED_UPLOAD = re.compile(r"/(\d{4}/\d{2}/[^/]+)$")
_http_url = URLValidator(schemes=["http", "https"])

Kind = ImportedItem.Kind


@dataclass
class Mapped:
    pk: int
    object_id: int | None
    checksum: str
    details: dict
    updated_at: datetime


@dataclass(slots=True, frozen=True)
class Attachment:
    """What posts need of an attachment item: kept small, an export can hold 100,000."""

    url: str
    attached_file: str
    alt: str
    title: str
    caption: str

    @classmethod
    def of(cls, item: Item) -> Attachment:
        return cls(
            url=item.attachment_url,
            attached_file=(item.first_meta("_wp_attached_file") or "").strip().lstrip("/"),
            alt=content.plain_text(item.first_meta("_wp_attachment_image_alt"))[:300],
            title=content.plain_text(item.title)[:300],
            caption=content.plain_text(item.excerpt)[:300],
        )


@dataclass
class Index:
    """What the first pass over the file learns: everything items refer to."""

    site: str = ""
    base_path: str = ""
    language: str = ""
    authors: dict[str, WPAuthor] = field(default_factory=dict)
    categories: dict[str, Term] = field(default_factory=dict)
    tags: dict[str, Term] = field(default_factory=dict)
    other_terms: list[Term] = field(default_factory=list)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    upload_bases: set[str] = field(default_factory=set)
    items: int = 0
    # Usage by the posts that will be imported, so unused objects get a stable reason.
    primary_categories: set[str] = field(default_factory=set)
    category_tags: set[str] = field(default_factory=set)
    used_tags: set[str] = field(default_factory=set)
    used_authors: set[str] = field(default_factory=set)
    # With --fetch-media only: the addresses of the pictures inside the posts.
    body_pictures: list[str] = field(default_factory=list)
    _names: dict[tuple[str, str], str] | None = None
    _names_size: tuple[int, int] = (0, 0)
    _section_tops: set[str] | None = None

    def top_category(self, slug: str) -> str:
        """The top-level ancestor of a category (itself when it has no parent)."""
        seen = {slug}
        while (term := self.categories.get(slug)) and term.parent and term.parent not in seen:
            if term.parent not in self.categories:
                break
            slug = term.parent
            seen.add(slug)
        return slug

    def category_path(self, slug: str) -> str:
        chain, seen = [slug], {slug}
        while (term := self.categories.get(chain[0])) and term.parent and term.parent not in seen:
            chain.insert(0, term.parent)
            seen.add(term.parent)
        return "/".join(chain)

    def upload_path(self, url: str) -> str | None:
        """`2024/05/photo.jpg` for a picture of the site's uploads folder, else None."""
        url = unquote((url or "").strip())
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https", ""}:
            return None
        bare = f"{parts.netloc.lower()}{parts.path}"
        for base in self.upload_bases:
            if bare.startswith(base):
                return _clean_relative(bare[len(base) :])
        if "/wp-content/uploads/" in parts.path:
            return _clean_relative(parts.path.split("/wp-content/uploads/", 1)[1])
        if parts.netloc.lower().endswith(".files.wordpress.com"):
            return _clean_relative(parts.path)
        return None

    def login(self, creator: str) -> str:
        """A post's dc:creator as a declared login; stray characters dropped as WordPress would."""
        if creator in self.authors:
            return creator
        return re.sub(r"[^A-Za-z0-9 _.@-]", "", creator).strip() or creator

    def becomes_section(self, slug: str) -> bool:
        """A post's first category, or the top-level ancestor of one: its archive leads to
        a section. Other categories of the posts become tags."""
        if self._section_tops is None:
            self._section_tops = {self.top_category(s) for s in self.primary_categories}
        return slug in self.primary_categories or slug in self._section_tops

    def resolve_terms(self, item: Item) -> list[str]:
        """Give each of the item's terms a slug; returns what is dropped, and why.

        A plain RSS `<category>Name</category>` has no `nicename`: it is the declared
        category (or tag) of that name, else a new one whose slug is made from the name. A
        `domain` that is an address (RSS allows it) means a category.
        """
        kept, dropped = [], []
        for domain, slug, name in item.terms:
            if domain.startswith(("http://", "https://")) or not domain:
                domain = "category"
            if domain not in {"category", "post_tag"}:
                label = content.plain_text(name) or slug
                dropped.append(
                    f"WordPress post format {label!r} not kept: Newsroom has none"
                    if domain == "post_format"
                    else f"{domain} term {label!r} not kept: only categories and tags are"
                )
                continue
            if not slug:
                text = content.plain_text(name)
                if not text:
                    dropped.append(f"an empty <category> ({domain}) was dropped")
                    continue
                slug = self.slug_named(domain, text)
            kept.append((domain, slug, name))
        item.terms = kept
        return dropped

    def slug_named(self, domain: str, name: str) -> str:
        terms = self.categories if domain == "category" else self.tags
        if self._names is None or self._names_size != (len(self.categories), len(self.tags)):
            self._names = {
                (kind, content.plain_text(term.name).casefold()): slug
                for kind, table in (("category", self.categories), ("post_tag", self.tags))
                for slug, term in table.items()
            }
            self._names_size = (len(self.categories), len(self.tags))
        found = self._names.get((domain, name.casefold()))
        if found is None:
            found = make_slug(name, max_length=100) or name.casefold()[:100]
            terms.setdefault(found, Term(domain, found, name=name))
            self._names[(domain, name.casefold())] = found
            self._names_size = (len(self.categories), len(self.tags))
        return found

    def primary_category(self, item: Item) -> str | None:
        slugs = [slug for domain, slug, name in item.terms if domain == "category" and slug]
        wanted = item.first_meta("_yoast_wpseo_primary_category").strip()
        if wanted:
            for slug in slugs:
                if (term := self.categories.get(slug)) and term.term_id == wanted:
                    return slug
        return slugs[0] if slugs else None


def _clean_relative(path: str) -> str | None:
    parts = [p for p in PurePosixPath(path.lstrip("/")).parts if p not in {"", "."}]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


def site_key(url: str) -> str:
    """`https://www.Example.com/blog/` -> `example.com/blog`: http/https and www. alike."""
    parts = urlsplit((url or "").strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"[:200]


def parse_wp_date(value: str, *, utc: bool) -> datetime | None:
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        naive = datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 - made aware below
    except ValueError:
        return None
    return timezone.make_aware(naive, UTC if utc else timezone.get_default_timezone())


def parse_rss_date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime((value or "").strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed.year < 1000:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def item_date(item: Item) -> datetime | None:
    """The post's time: GMT field first, then local time (site's zone), then pubDate."""
    return (
        parse_wp_date(item.post_date_gmt, utc=True)
        or parse_wp_date(item.post_date, utc=False)
        or parse_rss_date(item.pub_date)
    )


_P_QUERY = re.compile(r"[?&]p=(\d+)(?=&|#|$)")


def identify(item: Item) -> str:
    """Fill in what RSS-style exports leave out, the same way on both passes of the file.

    An item without `wp:post_id` takes the number of its guid's or link's `?p=` (what
    WordPress prints there), else a stable digest of guid and link, so a re-run finds it
    again; an item without `wp:post_type` is a post. Returns how the id was found, for the
    summary: "" when the export gave it.
    """
    if not item.post_type:
        item.post_type = "post"
    if item.wp_id.isascii() and item.wp_id.isdigit():
        return ""
    for url in (item.guid, item.link):
        if match := _P_QUERY.search(url or ""):
            item.wp_id = match.group(1)
            return "no wp:post_id: identified by the ?p= of its guid or link"
    if item.guid or item.link:
        key = f"{item.guid}\n{item.link}".encode()
        item.wp_id = "h" + hashlib.sha256(key).hexdigest()[:24]
        return "no wp:post_id: identified by its guid and link"
    item.wp_id = ""
    return ""


def _digest(payload: object) -> str:
    return hashlib.sha256(
        json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()
    ).hexdigest()


class ItemLog(Summary):
    """One post's outcomes and the mapping rows it wrote, kept only if its transaction commits."""

    def __init__(self) -> None:
        super().__init__()
        self.touched: set[tuple[str, str]] = set()
        self.mapped: dict[tuple[str, str], Mapped] = {}
        self.media: dict[str, tuple[str, str, str | None]] = {}


class ItemFailed(Exception):
    """An item that cannot be imported; its message is the reason in the summary."""


class WordPressImporter:
    def __init__(
        self,
        path: str | Path,
        *,
        media_dir: str | Path | None = None,
        fetch_media: bool = False,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
        fetch_progress: Callable[[int, int], None] | None = None,
        raise_errors: bool = False,
    ):
        self.reader = ExportReader(path)
        self.fetch_media = fetch_media
        if fetch_media and not media_dir:
            # Next to the export, so a second run finds what the first one fetched.
            media_dir = Path(path).with_name(f"{Path(path).stem}-media")
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.max_body = settings.NEWSROOM.get("WORDPRESS_MAX_BODY_BYTES", 2 * 2**20)
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total: None)
        self.fetch_progress = fetch_progress
        self.raise_errors = raise_errors
        self.summary = Summary()
        self.index = Index()

    # -- the two passes -------------------------------------------------------------------

    def run(self) -> Summary:
        self.index = self._scan()
        if self.fetch_media:
            self._fetch()
        with related_refresh_paused():
            if self.dry_run:
                with transaction.atomic():
                    self._import()
                    transaction.set_rollback(True)
            else:
                self._import()
        return self.summary

    @property
    def changed_articles(self) -> bool:
        return not self.dry_run and bool(
            self.summary.count("posts", "created") + self.summary.count("posts", "updated")
        )

    def _fetch(self) -> None:
        """Download the site's pictures into media_dir: attachments, then in-body ones."""
        assert self.media_dir is not None
        wanted: dict[str, str] = {}
        for url in [a.url for a in self.index.attachments.values()] + self.index.body_pictures:
            relative = self.index.upload_path(url)
            if relative and PurePosixPath(relative).suffix.lower() in PICTURE_EXTENSIONS:
                wanted.setdefault(relative, url)
        self.index.body_pictures = []
        if self.dry_run:
            self.summary.note("downloads", f"{len(wanted)} pictures to fetch (dry run: none was)")
            return
        report = fetch_media(wanted.items(), self.media_dir, progress=self.fetch_progress)
        for relative in report.fetched:
            self.summary.add("downloads", "created", label=relative)
        for relative in report.already:
            self.summary.add("downloads", "unchanged", label=relative)
        for failure in report.failed:
            self.summary.add("downloads", "skipped", failure.reason, label=failure.url)

    def _scan(self) -> Index:
        """First pass: reads the whole file (so a damaged one changes nothing) and indexes it."""
        index = Index()
        for entry in self.reader:
            if isinstance(entry, WPAuthor):
                if entry.login:
                    index.authors.setdefault(entry.login, entry)
            elif isinstance(entry, Term):
                if entry.taxonomy == "category" and entry.slug:
                    index.categories.setdefault(entry.slug, entry)
                elif entry.taxonomy == "post_tag" and entry.slug:
                    index.tags.setdefault(entry.slug, entry)
                else:
                    index.other_terms.append(entry)
            else:
                index.items += 1
                self._scan_item(index, entry)
        channel = self.reader.channel
        index.site = site_key(channel.base_blog_url or channel.link)
        if not index.site:
            raise WXRError(
                f"{self.reader.path.name} does not name its site (wp:base_blog_url or link): "
                "without it a later import could not recognise what this one imported."
            )
        index.base_path = urlsplit(channel.base_blog_url or channel.link).path.rstrip("/")
        index.language = (channel.language or "").split("-")[0].lower()
        for attachment in index.attachments.values():
            relative = attachment.attached_file
            url = unquote(attachment.url)
            if relative and url.endswith("/" + relative):
                parts = urlsplit(url[: -len(relative)])
                index.upload_bases.add(f"{parts.netloc.lower()}{parts.path}")
        return index

    def _scan_item(self, index: Index, item: Item) -> None:
        identify(item)
        if item.post_type == "attachment":
            if item.wp_id and item.wp_id not in index.attachments:
                index.attachments[item.wp_id] = Attachment.of(item)
            return
        if item.post_type != "post" or item.status in SKIPPED_STATUSES:
            return
        index.resolve_terms(item)
        if self.fetch_media:
            index.body_pictures.extend(content.image_sources(item.content))
        primary = index.primary_category(item)
        for domain, slug, name in item.terms:
            if domain == "category" and slug:
                index.categories.setdefault(slug, Term("category", slug, name=name or slug))
                if slug == primary:
                    index.primary_categories.add(slug)
                else:
                    index.category_tags.add(slug)
            elif domain == "post_tag" and slug:
                index.tags.setdefault(slug, Term("post_tag", slug, name=name or slug))
                index.used_tags.add(slug)
        if item.creator:
            login = index.login(item.creator)
            index.authors.setdefault(login, WPAuthor(login=login))
            index.used_authors.add(login)

    def _import(self) -> None:
        self.mapped: dict[tuple[str, str], Mapped] = {
            (kind, wp_id): Mapped(pk, object_id, checksum, details, updated_at)
            for kind, wp_id, pk, object_id, checksum, details, updated_at in (
                ImportedItem.objects.filter(site=self.index.site)
                .exclude(kind=Kind.COMMENT)
                .values_list(
                    "kind", "wp_id", "pk", "object_id", "checksum", "details", "updated_at"
                )
                .iterator(chunk_size=2000)
            )
        }
        self.touched: set[tuple[str, str]] = set()
        self.seen_posts: set[str] = set()
        self.media_results: dict[str, tuple[str, str, str | None]] = {}
        self._caches()
        self._existing_objects()
        done = 0
        total = self.index.items
        self.progress(done, total)
        for entry in self.reader:
            if not isinstance(entry, Item):
                continue
            identified = identify(entry)
            if entry.post_type == "post":
                self._post(entry, identified)
            elif entry.post_type == "page":
                self.summary.add(
                    "pages", "skipped", "Newsroom has no static pages", label=_label(entry)
                )
                self._skip_comments(entry, "on a page, which is not imported")
            elif entry.post_type != "attachment":
                self.summary.add(
                    "other", "skipped", f"{entry.post_type or 'untyped'} item: not imported"
                )
                self._skip_comments(entry, "on an item that is not imported")
            else:
                self._skip_comments(entry, "on an attachment, which is not imported")
            done += 1
            self.progress(done, total)
        self._leftovers()

    def _caches(self) -> None:
        self.section_cache: dict[str, Section] = {}
        self.tag_cache: dict[str, Tag] = {}
        self.author_cache: dict[str, Author] = {}
        self.tag_name_cache: dict[str, Tag] = {}
        self.default_section: Section | None = None
        # Archive addresses written by this run (forgotten with a rolled-back post).
        self.archives: set[str] = set()

    # -- categories, tags, authors ---------------------------------------------------------

    def _existing_objects(self) -> None:
        """Categories, tags and authors imported before: unchanged, or renamed in WordPress."""
        universe = [
            *(
                (Kind.CATEGORY, slug, term, "categories")
                for slug, term in self.index.categories.items()
            ),
            *((Kind.TAG, slug, term, "tags") for slug, term in self.index.tags.items()),
            *((Kind.AUTHOR, login, a, "authors") for login, a in self.index.authors.items()),
        ]
        for kind, key, source, label in universe:
            mapped = self.mapped.get((kind, key))
            if mapped is None:
                continue
            self.touched.add((kind, key))
            checksum = _digest(astuple(source))
            if mapped.checksum == checksum:
                self.summary.add(label, "unchanged")
                continue
            updated = False
            if mapped.details.get("created"):
                updated = self._refresh(kind, mapped.object_id, source)
            with transaction.atomic():
                ImportedItem.objects.filter(pk=mapped.pk).update(
                    checksum=checksum, updated_at=timezone.now()
                )
            self.summary.add(label, "updated" if updated else "unchanged")

    def _refresh(self, kind: str, object_id: int | None, source) -> bool:
        """Renamed in WordPress: rename what this import created (never what it only linked)."""
        if kind == Kind.CATEGORY:
            section = Section.objects.filter(pk=object_id).first()
            name = content.plain_text(source.name)[:100]
            taken = Section.objects.filter(name=name).exclude(pk=object_id).exists()
            if section and name and not taken:
                section.name = name
                section.description = content.plain_text(source.description)
                section.save()
                return True
        elif kind == Kind.AUTHOR:
            author = Author.objects.filter(pk=object_id).first()
            if author:
                author.name = _author_name(source)
                author.save()
                return True
        elif kind == Kind.TAG:
            tag = Tag.objects.filter(pk=object_id).first()
            name = content.plain_text(source.name)[:100]
            if tag and name and not Tag.objects.filter(name=name).exclude(pk=tag.pk).exists():
                tag.name = name
                tag.save()
                return True
        return False

    def _remember(
        self,
        kind: str,
        key: str,
        obj,
        *,
        checksum: str,
        log: ItemLog,
        created: bool,
        details: dict | None = None,
    ) -> None:
        now = timezone.now()
        row, _ = ImportedItem.objects.update_or_create(
            site=self.index.site,
            kind=kind,
            wp_id=key,
            defaults={
                "object_id": obj.pk if obj is not None else None,
                "checksum": checksum,
                "details": {"created": created, **(details or {})},
                "updated_at": now,
            },
            create_defaults={
                "object_id": obj.pk if obj is not None else None,
                "checksum": checksum,
                "details": {"created": created, **(details or {})},
                "imported_at": now,
                "updated_at": now,
            },
        )
        log.touched.add((kind, key))
        log.mapped[(kind, key)] = Mapped(
            row.pk, row.object_id, checksum, row.details, row.updated_at
        )

    def _section_for(self, item: Item, log: ItemLog) -> tuple[Section, list[tuple[str, str]]]:
        """The article's section and its other categories, (slug, name), kept as tags."""
        primary = self.index.primary_category(item)
        names = []
        for domain, slug, name in item.terms:
            if domain == "category" and slug:
                term = self.index.categories.get(slug)
                names.append((slug, content.plain_text(term.name if term else name) or slug))
        if primary is None:
            log.note("posts", f"no category: filed under the section {DEFAULT_SECTION!r}")
            return self._default_section(), names
        top = self.index.top_category(primary)
        section = self._category_section(top, log)
        if primary != top:
            self._category_mapping(primary, section, log, merged_into=top)
        return section, [(slug, name) for slug, name in names if slug != top]

    def _category_section(self, slug: str, log: ItemLog) -> Section:
        if slug in self.section_cache:
            return self.section_cache[slug]
        term = self.index.categories.get(slug) or Term("category", slug, name=slug)
        mapped = self._mapped(Kind.CATEGORY, slug, log)
        section = None
        if mapped is not None:
            section = Section.objects.filter(pk=mapped.object_id).first()
        if section is None:
            name = content.plain_text(term.name)[:100] or slug
            wanted = make_slug(unquote(slug), max_length=100)
            section = (
                Section.objects.filter(slug=wanted).first()
                or Section.objects.filter(name__iexact=name).first()
            )
            created = section is None
            if created:
                section = Section(
                    name=name, slug=wanted, description=content.plain_text(term.description)
                )
                section.save()
            log.add(
                "categories",
                "created" if created else "linked",
                "" if created else "a section with this name already existed",
                label=name,
            )
            self._remember(
                Kind.CATEGORY,
                slug,
                section,
                checksum=_digest(astuple(term)),
                log=log,
                created=created,
            )
            self._redirect_category(slug, section.get_absolute_url())
        self.section_cache[slug] = section
        return section

    def _category_mapping(
        self, slug: str, section: Section, log: ItemLog, *, merged_into: str
    ) -> None:
        if self._mapped(Kind.CATEGORY, slug, log) is not None:
            return
        term = self.index.categories.get(slug) or Term("category", slug, name=slug)
        top_name = section.name
        log.add(
            "categories",
            "linked",
            "nested category: merged into its top-level ancestor's section",
            label=f"{content.plain_text(term.name)} -> {top_name}",
        )
        self._remember(
            Kind.CATEGORY,
            slug,
            section,
            checksum=_digest(astuple(term)),
            log=log,
            created=False,
            details={"merged_into": merged_into},
        )
        self._redirect_category(slug, section.get_absolute_url())

    def _default_section(self) -> Section:
        if self.default_section is None:
            self.default_section, _ = Section.objects.get_or_create(
                slug=make_slug(DEFAULT_SECTION), defaults={"name": DEFAULT_SECTION}
            )
        return self.default_section

    def _tag_for(self, slug: str, log: ItemLog) -> Tag | None:
        """The Newsroom tag of a WordPress tag, created at its first use."""
        if slug in self.tag_cache:
            return self.tag_cache[slug]
        term = self.index.tags.get(slug) or Term("post_tag", slug, name=slug)
        mapped = self._mapped(Kind.TAG, slug, log)
        tag = Tag.objects.filter(pk=mapped.object_id).first() if mapped else None
        if tag is None:
            name = content.plain_text(term.name)[:100] or unquote(slug)[:100]
            tag, created = self._tag_named(name)
            log.add(
                "tags",
                "created" if created else "linked",
                "" if created else "same name as a tag Newsroom has (or made from a category)",
                label=name,
            )
            self._remember(
                Kind.TAG, slug, tag, checksum=_digest(astuple(term)), log=log, created=created
            )
            self._redirect_archive(f"tag/{slug}", tag.get_absolute_url(), log)
        self.tag_cache[slug] = tag
        return tag

    def _category_tag(self, name: str) -> Tag:
        if name not in self.tag_name_cache:
            self.tag_name_cache[name] = self._tag_named(name)[0]
        return self.tag_name_cache[name]

    def _tag_named(self, name: str) -> tuple[Tag, bool]:
        slug = make_slug(name, max_length=100)
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name__iexact=name).first()
        if tag is not None:
            return tag, False
        return Tag.objects.create(name=name, slug=slug), True

    def _author_for(self, login: str, log: ItemLog) -> Author:
        if login in self.author_cache:
            return self.author_cache[login]
        source = self.index.authors.get(login) or WPAuthor(login=login)
        mapped = self._mapped(Kind.AUTHOR, login, log)
        author = Author.objects.filter(pk=mapped.object_id).first() if mapped else None
        if author is None:
            name = _author_name(source)
            slug = make_slug(name, max_length=120)
            author = Author.objects.filter(slug=slug).first()
            created = author is None
            if created:
                author = Author(name=name, slug=slug)
                author.save()
            log.add(
                "authors",
                "created" if created else "linked",
                "" if created else "an author with this name already existed",
                label=name,
            )
            self._remember(
                Kind.AUTHOR,
                login,
                author,
                checksum=_digest(astuple(source)),
                log=log,
                created=created,
            )
            self._redirect_archive(f"author/{make_slug(login)}", author.get_absolute_url(), log)
        self.author_cache[login] = author
        return author

    def _mapped(self, kind: str, key: str, log: ItemLog | None = None) -> Mapped | None:
        if log is not None and (kind, key) in log.mapped:
            return log.mapped[(kind, key)]
        return self.mapped.get((kind, key))

    # -- posts -----------------------------------------------------------------------------

    def _post(self, item: Item, identified: str = "") -> None:
        label = _label(item)
        if not item.wp_id:
            self.summary.add(
                "posts", "skipped", "no WordPress id, guid or link to know it by", label=label
            )
            self._skip_comments(item, "its post was skipped")
            return
        if item.wp_id in self.seen_posts:
            self.summary.add(
                "posts", "skipped", "the same WordPress id twice in the export", label=label
            )
            self._skip_comments(item, "its post was skipped")
            return
        self.seen_posts.add(item.wp_id)
        size = len(item.content.encode())
        if size > self.max_body:
            self.summary.add(
                "posts",
                "skipped",
                f"body larger than the {_size(self.max_body)} limit "
                "(NEWSROOM['WORDPRESS_MAX_BODY_BYTES']): not imported",
                label=f"{label} ({_size(size)})",
            )
            self._skip_comments(item, "its post was skipped")
            return
        dropped_terms = self.index.resolve_terms(item)
        if item.status in SKIPPED_STATUSES:
            self.summary.add("posts", "skipped", SKIPPED_STATUSES[item.status], label=label)
            self._skip_comments(item, "its post was not imported")
            return
        checksum = self._checksum(item)
        mapped = self.mapped.get((Kind.POST, item.wp_id))
        if mapped is not None and mapped.checksum == checksum:
            self.summary.add("posts", "unchanged")
            self._tally_unchanged_comments(item)
            return
        log = ItemLog()
        for text in dropped_terms:
            log.note("posts", text, label=label)
        try:
            with transaction.atomic(), reversion.create_revision(manage_manually=False):
                reversion.set_comment("Imported from WordPress")
                self._write_post(item, mapped, checksum, log, identified)
        except Exception as exc:  # noqa: BLE001 - one bad item must not stop the others
            if self.raise_errors:
                raise
            reason = (
                str(exc)
                if isinstance(exc, ItemFailed)
                else (f"could not be saved ({type(exc).__name__}: {str(exc)[:200]})")
            )
            self.summary.add("posts", "skipped", reason, label=label)
            self._skip_comments(item, "its post was skipped")
            self._caches()  # what the rolled-back transaction created is gone
            return
        self.summary.merge(log)
        self.touched |= log.touched
        self.mapped.update(log.mapped)
        self.media_results.update(log.media)

    def _checksum(self, item: Item) -> str:
        return _digest(
            [
                IMPORTER_VERSION,
                [
                    item.title,
                    item.link,
                    item.guid,
                    item.pub_date,
                    item.creator,
                    item.content,
                    item.excerpt,
                    item.post_date,
                    item.post_date_gmt,
                    item.post_modified,
                    item.post_modified_gmt,
                    item.post_name,
                    item.status,
                    item.password,
                    item.comment_status,
                    item.is_sticky,
                ],
                item.terms,
                {key: item.meta.get(key) for key in RELEVANT_META},
                [astuple(comment) for comment in item.comments],
                self._media_state(item),
                self.index.language,
            ]
        )

    def _media_state(self, item: Item) -> list:
        """Which of the post's pictures --media-dir has: a new copy of uploads updates posts."""
        if self.media_dir is None:
            return []
        urls = content.image_sources(item.content)
        if attachment := self.index.attachments.get(item.first_meta("_thumbnail_id").strip()):
            urls.append(attachment.url)
        state = []
        for url in urls:
            relative = self.index.upload_path(url)
            if relative:
                path = self._media_file(relative)
                state.append([relative, path.stat().st_size if path else None])
        return state

    def _write_post(
        self, item: Item, mapped: Mapped | None, checksum: str, log: ItemLog, identified: str = ""
    ) -> None:
        article = None
        if mapped is not None:
            article = Article.objects.filter(pk=mapped.object_id).first()
            if article is None:
                raise ItemFailed("deleted in Newsroom after an earlier import: not re-created")
            if article.updated_at > mapped.updated_at + timedelta(seconds=1):
                log.add(
                    "posts",
                    "skipped",
                    "edited in Newsroom since the last import: kept as edited",
                    label=_label(item),
                )
                self._comments(item, article, log)
                return
        created = article is None
        article = article or Article()
        reasons: list[str] = [identified] if identified else []
        note = lambda text: log.note("posts", text)  # noqa: E731

        title = content.plain_text(item.title)
        if not title:
            title = _title_from(item)
            if not title:
                raise ItemFailed("no title, slug or text to name it by")
            reasons.append("no title: one was made from its slug or first words")
        if len(title) > 250:
            title = title[:249].rstrip() + "…"
            note("title longer than 250 characters: shortened")
        article.title = title

        status, published_at, why = self._status(item)
        if why:
            reasons.append(why)
        article.status, article.published_at = status, published_at
        shown = (
            "scheduled"
            if status == Article.Status.PUBLISHED
            and published_at
            and (published_at > timezone.now())
            else status
        )
        note(f"WordPress status {item.status or '(none)'}: {shown}")

        base = make_slug(unquote(item.post_name) or title, max_length=ARTICLE_SLUG_LENGTH)
        if created or not _is_variant(article.slug, base):
            slug = self._free_slug(base, article.pk)
            if slug != base:
                reasons.append("its slug was already used: a number was added")
            article.slug = slug

        standfirst = content.plain_text(item.excerpt)
        if len(standfirst) > 600:
            standfirst = standfirst[:599].rstrip() + "…"
            note("excerpt longer than 600 characters: shortened for the standfirst")
        article.standfirst = standfirst
        article.body = content.convert_body(
            item.content,
            note=lambda text: log.note("posts", text, label=_label(item)),
            image=lambda url, alt: self._body_picture(url, alt, log),
            footnotes=item.first_meta("footnotes"),
            attachment=self._attachment_url,
        )
        article.comments_open = item.comment_status != "closed"
        article.is_featured = item.is_sticky == "1"
        if self.index.language in dict(settings.ARTICLE_LANGUAGES):
            article.language = self.index.language
        section, category_names = self._section_for(item, log)
        article.section = section
        self._lead_image(item, article, log)
        article.save()

        if item.creator:
            author = self._author_for(self.index.login(item.creator), log)
            if list(article.bylines.values_list("author_id", flat=True)) != [author.pk]:
                article.bylines.all().delete()
                ArticleAuthor.objects.create(article=article, author=author, position=0)
        tags = [
            self._tag_for(slug, log)
            for domain, slug, _ in item.terms
            if domain == "post_tag" and slug
        ]
        for slug, name in category_names:
            tag = self._category_tag(name[:100])
            tags.append(tag)
            if not self.index.becomes_section(slug):
                # No post's first category: its archive shows what became this tag.
                self._redirect_category(slug, tag.get_absolute_url())
        if category_names:
            note("its other categories were kept as tags")
        wanted = {tag.pk: tag for tag in tags if tag is not None}
        if set(article.tags.values_list("pk", flat=True)) != set(wanted):
            article.tags.set(list(wanted.values()))

        self._keep_modified_date(item, article)
        self._redirects(self._legacy_paths(item), article, log)
        self._remember(Kind.POST, item.wp_id, article, checksum=checksum, log=log, created=True)
        outcome = "created" if created else "updated"
        log.add("posts", outcome, *reasons[:1], label=_label(item))
        for reason in reasons[1:]:
            log.explain("posts", outcome, reason, label=_label(item))
        self._comments(item, article, log)

    def _keep_modified_date(self, item: Item, article: Article) -> None:
        """The article was last changed when WordPress says, not at the import: it shows
        "updated" only if WordPress's modified date is later than its publication."""
        modified = parse_wp_date(item.post_modified_gmt, utc=True) or parse_wp_date(
            item.post_modified, utc=False
        )
        published = article.published_at
        when = modified if modified and (published is None or modified > published) else published
        if when is None:
            return
        when = min(when, timezone.now())
        Article.objects.filter(pk=article.pk).update(updated_at=when)
        article.updated_at = when

    def _status(self, item: Item) -> tuple[str, datetime | None, str]:
        when = item_date(item)
        S = Article.Status
        if item.status in {"publish", "future"}:
            if when is None:
                return S.DRAFT, None, "no valid date: imported as a draft"
            if item.password:
                return S.UNPUBLISHED, when, "password-protected: imported unpublished, never public"
            if item.status == "future" and when <= timezone.now():
                return S.PUBLISHED, when, "scheduled time already passed: published"
            return S.PUBLISHED, when, ""
        if item.status == "private":
            return S.UNPUBLISHED, when, "private: imported unpublished, never public"
        if item.status == "pending":
            return S.REVIEW, None, ""
        if item.status == "draft":
            return S.DRAFT, None, ""
        if not item.status and when is not None:
            # RSS-style exports carry no status: what a feed lists was published.
            return S.PUBLISHED, when, "no WordPress status: published, as its feed listed it"
        return S.DRAFT, None, f"unknown status {item.status!r}: imported as a draft"

    def _free_slug(self, base: str, pk: int | None) -> str:
        taken = set(
            Article.objects.filter(Q(slug=base) | Q(slug__startswith=f"{base}-"))
            .exclude(pk=pk)
            .values_list("slug", flat=True)
        )
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            suffix = f"-{n}"
            candidate = base[: ARTICLE_SLUG_LENGTH - len(suffix)] + suffix
        return candidate

    # -- pictures --------------------------------------------------------------------------

    def _media_file(self, relative: str) -> Path | None:
        """The file in --media-dir, or its full-size original; never outside the folder."""
        assert self.media_dir is not None
        for candidate in (relative, _SIZE_SUFFIX.sub("", relative)):
            path = (self.media_dir / candidate).resolve()
            if path.is_relative_to(self.media_dir) and path.is_file():
                return path
        return None

    def _picture(self, relative: str, log: ItemLog) -> tuple[str | None, str]:
        """The stored copy of an uploads file (name, "") or (None, why the link is kept)."""
        known = log.media.get(relative) or self.media_results.get(relative)
        if known is not None:
            return known[2], known[1]
        return self._copy_picture(relative, log)

    def _copy_picture(self, relative: str, log: ItemLog) -> tuple[str | None, str]:
        def done(outcome: str, reason: str, name: str | None):
            log.media[relative] = (outcome, reason, name)
            return name, reason

        if PurePosixPath(relative).suffix.lower() not in PICTURE_EXTENSIONS:
            return done("skipped", "not a picture: Newsroom keeps pictures only, link kept", None)
        if self.media_dir is None:
            reason = "no --media-dir given: link kept"
            self._remember(
                Kind.MEDIA,
                relative,
                None,
                checksum="no-media-dir",
                log=log,
                created=False,
                details={"reason": reason},
            )
            return done("skipped", reason, None)
        path = self._media_file(relative)
        mapped = self._mapped(Kind.MEDIA, relative, log)
        if path is None:
            self._remember(
                Kind.MEDIA,
                relative,
                None,
                checksum="missing",
                log=log,
                created=False,
                details={"reason": "not found in --media-dir: link kept"},
            )
            return done("skipped", "not found in --media-dir: link kept", None)
        checksum = _digest([relative, path.stat().st_size])
        stored = (mapped.details.get("name") if mapped else None) or None
        if mapped and mapped.checksum == checksum and stored and default_storage.exists(stored):
            return done("unchanged", "", stored)
        try:
            with path.open("rb") as handle:
                clean = prepare_upload(File(handle, name=path.name))
        except ImageRejected as exc:
            reason = f"refused by the picture checks ({exc}): link kept"
            self._remember(
                Kind.MEDIA,
                relative,
                None,
                checksum=checksum,
                log=log,
                created=False,
                details={"reason": reason},
            )
            return done("skipped", reason, None)
        folder = PurePosixPath("articles/wordpress") / make_slug(self.index.site, max_length=60)
        name = str(folder / PurePosixPath(relative).parent / clean.name)
        if self.dry_run:
            return done("created", "", None)
        if default_storage.exists(name):
            default_storage.delete(name)
        name = default_storage.save(name, clean)
        self._remember(
            Kind.MEDIA,
            relative,
            None,
            checksum=checksum,
            log=log,
            created=True,
            details={"name": name},
        )
        return done("updated" if stored else "created", "", name)

    def _body_picture(self, url: str, alt: str, log: ItemLog) -> tuple[str, int | None] | None:
        """A picture in the body: its library copy (address, id), or None to link to it."""
        relative = self.index.upload_path(url)
        if relative is None:
            return None
        name, _ = self._picture(relative, log)
        if name is None:
            return None
        if self.dry_run:
            return default_storage.url(name), None
        picture = self._library_picture(name, {})
        if alt and not picture.alt:
            picture.alt = alt[:300]
            picture.save()
        return default_storage.url(name), picture.pk

    def _attachment_url(self, wp_id: str) -> str | None:
        attachment = self.index.attachments.get(wp_id)
        return attachment.url if attachment else None

    def _library_picture(self, name: str, words: dict[str, str]) -> Picture:
        """One library picture per imported file: a re-run, or another post showing the
        same file, finds it again. `words` (alt, caption) replace what it says, if given."""
        picture = Picture.objects.filter(file=name).first() or Picture(file=name)
        if picture.pk is None or any(getattr(picture, f) != v for f, v in words.items()):
            for field, value in words.items():
                setattr(picture, field, value)
            picture.save()
        return picture

    def _lead_image(self, item: Item, article: Article, log: ItemLog) -> None:
        thumbnail = item.first_meta("_thumbnail_id").strip()
        if not thumbnail:
            return
        attachment = self.index.attachments.get(thumbnail)
        relative = self.index.upload_path(attachment.url) if attachment else None
        if attachment is None or relative is None:
            log.note("posts", "featured image: its attachment is not in the export")
            return
        name, why = self._picture(relative, log)
        if name is None:
            log.note("posts", f"featured image not imported ({why.removesuffix(': link kept')})")
            return
        article.lead_picture = self._library_picture(
            name, {"alt": attachment.alt or attachment.title, "caption": attachment.caption}
        )

    # -- old addresses ---------------------------------------------------------------------

    def _legacy_paths(self, item: Item) -> list[str]:
        paths = []
        link = urlsplit(item.link)
        query = parse_qs(link.query)
        if query.get("p"):
            paths.append(f"{link.path or '/'}?p={query['p'][0]}")
        elif link.path not in {"", "/"}:
            paths.append(link.path)
            last = link.path.rstrip("/").rsplit("/", 1)[-1]
            for old in item.meta.get("_wp_old_slug", []):
                old = old.strip()
                if old and last and unquote(last) == unquote(item.post_name) and old != last:
                    head = link.path.rstrip("/")[: -len(last)]
                    paths.append(head + old + ("/" if link.path.endswith("/") else ""))
        if item.wp_id.isdigit():
            paths.append(f"{self.index.base_path}/?p={item.wp_id}")
        normalized = []
        for path in paths:
            base, _, query_string = path.partition("?")
            path = escape_uri_path(unquote(base)) + (f"?{query_string}" if query_string else "")
            if path not in normalized:
                normalized.append(path)
        return normalized

    def _redirects(self, paths: list[str], article: Article, log: ItemLog) -> None:
        """Old addresses lead to the article; they only answer while readers can see it."""
        known = dict(
            LegacyAddress.objects.filter(path__in=list(paths)).values_list("path", "article_id")
        )
        for path in paths:
            if len(path) > 500:
                log.note("posts", "old address longer than 500 characters: no redirect")
            elif path not in known:
                LegacyAddress.objects.create(path=path, article=article)
            elif known[path] != article.pk:
                log.note("posts", "old address already leads elsewhere: left as it was")

    def _redirect_archive(self, path: str, target: str, log: ItemLog | None = None) -> None:
        """Category, tag and author archives of WordPress's default address scheme."""
        old_path = escape_uri_path(unquote(f"{self.index.base_path}/{path}/"))
        if len(old_path) <= 500 and old_path != target and old_path not in self.archives:
            LegacyAddress.objects.get_or_create(path=old_path, defaults={"target": target})
            self.archives.add(old_path)

    def _redirect_category(self, slug: str, target: str) -> None:
        """A category's archive, at its full address and (nested) at its own slug's, which
        WordPress answers too."""
        self._redirect_archive(f"category/{self.index.category_path(slug)}", target)
        if self.index.category_path(slug) != slug:
            self._redirect_archive(f"category/{slug}", target)

    # -- comments --------------------------------------------------------------------------

    def _comment_skip(self, comment: WPComment, seen: set[str]) -> tuple[str, str] | None:
        """(kind, reason) when a comment is not imported, from its data alone."""
        if comment.type in PING_TYPES:
            return "pingbacks", f"{comment.type}: not imported"
        if comment.type not in {"", "comment"}:
            return "comments", f"comment type {comment.type!r}: not imported"
        if not comment.wp_id.isdigit():
            return "comments", "no WordPress id"
        if comment.wp_id in seen:
            return "comments", "the same comment id twice"
        if not content.comment_text(comment.content):
            return "comments", "empty"
        return None

    def _skip_comments(self, item: Item, reason: str) -> None:
        for comment in item.comments:
            kind = "pingbacks" if comment.type in PING_TYPES else "comments"
            self.summary.add(
                kind, "skipped", reason if kind == "comments" else f"{comment.type}: not imported"
            )

    def _tally_unchanged_comments(self, item: Item) -> None:
        seen: set[str] = set()
        for comment in item.comments:
            skip = self._comment_skip(comment, seen)
            seen.add(comment.wp_id)
            if skip:
                self.summary.add(skip[0], "skipped", skip[1])
            else:
                self.summary.add("comments", "unchanged")

    def _comments(self, item: Item, article: Article, log: ItemLog) -> None:
        if not item.comments:
            return
        seen: set[str] = set()
        wanted: dict[str, WPComment] = {}
        for comment in item.comments:
            skip = self._comment_skip(comment, seen)
            seen.add(comment.wp_id)
            if skip:
                log.add(skip[0], "skipped", skip[1])
            else:
                wanted[comment.wp_id] = comment
        if not wanted:
            return
        rows = {
            row.wp_id: row
            for row in ImportedItem.objects.filter(
                site=self.index.site, kind=Kind.COMMENT, wp_id__in=list(wanted)
            )
        }
        existing = NewsroomComment.objects.in_bulk(
            [row.object_id for row in rows.values() if row.object_id]
        )
        made: dict[str, NewsroomComment | None] = {}
        visiting: set[str] = set()

        def ensure(wp_id: str) -> NewsroomComment | None:
            if wp_id in made:
                return made[wp_id]
            visiting.add(wp_id)
            comment = wanted[wp_id]
            parent = None
            if comment.parent not in {"", "0"}:
                if comment.parent in wanted and comment.parent not in visiting:
                    parent = ensure(comment.parent)
                if parent is None:
                    log.note("comments", "its parent is missing: imported as a top-level comment")
            made[wp_id] = self._comment(comment, parent, article, rows.get(wp_id), existing, log)
            visiting.discard(wp_id)
            return made[wp_id]

        for wp_id in wanted:
            ensure(wp_id)

    def _comment(
        self,
        source: WPComment,
        parent: NewsroomComment | None,
        article: Article,
        row: ImportedItem | None,
        existing: dict,
        log: ItemLog,
    ) -> NewsroomComment | None:
        checksum = _digest([IMPORTER_VERSION, astuple(source), parent.pk if parent else None])
        comment = existing.get(row.object_id) if row else None
        if row is not None and comment is None:
            log.add("comments", "skipped", "deleted in Newsroom after an earlier import")
            return None
        if comment is not None and comment.article_id != article.pk:
            log.add("comments", "skipped", "its id belongs to a comment of another post")
            return None
        if row is not None and row.checksum == checksum:
            log.add("comments", "unchanged")
            return comment
        max_depth = settings.NEWSROOM_COMMENTS["THREAD_DEPTH"]
        if parent is not None and parent.depth + 1 >= max_depth:
            while parent is not None and parent.depth + 1 >= max_depth:
                parent = parent.parent
            log.note(
                "comments",
                f"reply nested deeper than the site's {max_depth} levels: "
                "attached to the deepest level shown",
            )
        created = comment is None
        comment = comment or NewsroomComment(article=article)
        comment.parent = parent
        comment.depth = parent.depth + 1 if parent else 0
        comment.name = content.plain_text(source.author)[:80]
        comment.email = _valid_email(source.email)
        comment.website = _valid_url(source.url)
        comment.text = content.comment_text(source.content)
        moderated_here = (
            row is not None
            and comment.moderated_at is not None
            and comment.moderated_at > row.updated_at
        )
        if not moderated_here:
            status = COMMENT_STATUSES.get(source.approved)
            if status is None:
                status = NewsroomComment.Status.PENDING
                log.note("comments", f"unknown status {source.approved!r}: imported as pending")
            comment.status = status
        when = parse_wp_date(source.date_gmt, utc=True) or parse_wp_date(source.date, utc=False)
        if when is None:
            when = article.published_at or timezone.now()
            log.note("comments", "no valid date: dated like its article")
        comment.save()
        NewsroomComment.objects.filter(pk=comment.pk).update(created_at=when)
        comment.created_at = when
        now = timezone.now()
        ImportedItem.objects.update_or_create(
            site=self.index.site,
            kind=Kind.COMMENT,
            wp_id=source.wp_id,
            defaults={
                "object_id": comment.pk,
                "checksum": checksum,
                "updated_at": now,
                "details": {"post": article.pk},
            },
            create_defaults={
                "object_id": comment.pk,
                "checksum": checksum,
                "updated_at": now,
                "imported_at": now,
                "details": {"post": article.pk},
            },
        )
        log.add("comments", "created" if created else "updated")
        return comment

    # -- what no item used -----------------------------------------------------------------

    def _leftovers(self) -> None:
        index = self.index
        for slug in index.categories:
            if (Kind.CATEGORY, slug) not in self.touched:
                if slug in index.category_tags:
                    reason = "not any imported post's first category: kept as a tag on its posts"
                elif self._redirect_to_ancestor(slug):
                    reason = "no imported post is filed in it: its archive leads to its parent's"
                else:
                    reason = "no imported post is filed in it or above it: its archive is gone"
                self.summary.add("categories", "skipped", reason)
        for slug in index.tags:
            if (Kind.TAG, slug) not in self.touched:
                self.summary.add("tags", "skipped", "no imported post uses it")
        for login in index.authors:
            if (Kind.AUTHOR, login) not in self.touched:
                self.summary.add("authors", "skipped", "wrote no imported post")
        for term in index.other_terms:
            self.summary.add("other", "skipped", f"{term.taxonomy or 'unknown'} term: not imported")

        counted: set[str] = set()
        for attachment in index.attachments.values():
            relative = index.upload_path(attachment.url)
            if relative is None:
                self.summary.add("attachments", "skipped", "no file address in the export")
                continue
            counted.add(relative)
            self.summary.add("attachments", *self._media_outcome(relative), label=relative)
        extra = {relative for (kind, relative) in self.mapped if kind == Kind.MEDIA} | set(
            self.media_results
        )
        for relative in sorted(extra - counted):
            self.summary.add("pictures", *self._media_outcome(relative), label=relative)

    def _redirect_to_ancestor(self, slug: str) -> bool:
        """An empty category's archive leads to its nearest ancestor's page, if one has one."""
        chain = self.index.category_path(slug).split("/")[:-1]
        for ancestor in reversed(chain):
            target = None
            if mapped := self.mapped.get((Kind.CATEGORY, ancestor)):
                section = Section.objects.filter(pk=mapped.object_id).first()
                target = section.get_absolute_url() if section else None
            elif ancestor in self.index.category_tags:
                term = self.index.categories[ancestor]
                name = content.plain_text(term.name) or ancestor
                tag = Tag.objects.filter(name__iexact=name[:100]).first()
                target = tag.get_absolute_url() if tag else None
            if target:
                with transaction.atomic():
                    self._redirect_category(slug, target)
                return True
        return False

    def _media_outcome(self, relative: str) -> tuple[str, str]:
        if relative in self.media_results:
            outcome, reason, _ = self.media_results[relative]
            return outcome, reason
        mapped = self.mapped.get((Kind.MEDIA, relative))
        if mapped is not None:
            if mapped.details.get("name"):
                return "unchanged", ""
            return "skipped", mapped.details.get("reason", "not imported")
        if PurePosixPath(relative).suffix.lower() not in PICTURE_EXTENSIONS:
            return "skipped", "not a picture: Newsroom keeps pictures only"
        return "skipped", "no imported post shows it"


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 2**10:.0f} KB"


def _label(item: Item) -> str:
    title = content.plain_text(item.title)[:60] or "(no title)"
    return f"#{item.wp_id or '?'} {title}"


def _title_from(item: Item) -> str:
    slug = unquote(item.post_name or "").replace("-", " ").replace("_", " ").strip()
    if slug and not slug.isdigit():
        return slug[:1].upper() + slug[1:]
    words = content.plain_text(item.content or item.excerpt).split()
    if words:
        return " ".join(words[:10]) + ("…" if len(words) > 10 else "")
    return ""


def _is_variant(slug: str, base: str) -> bool:
    """`base` itself or `base-N`, the numbered form a duplicate slug was given."""
    return slug == base or bool(re.fullmatch(re.escape(base) + r"-\d+", slug or ""))


def _author_name(source: WPAuthor) -> str:
    name = source.display_name or f"{source.first_name} {source.last_name}".strip() or source.login
    return content.plain_text(name)[:120] or source.login[:120]


def _valid_email(value: str) -> str:
    value = (value or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def _valid_url(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > 200:
        return ""
    try:
        _http_url(value)
    except ValidationError:
        return ""
    return value
