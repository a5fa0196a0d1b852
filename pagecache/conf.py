"""The page cache's settings, in `settings.NEWSROOM` (newsroom/settings.py documents them)."""

from typing import Any

from django.conf import settings


def setting(name: str, default: Any) -> Any:
    newsroom: dict[str, Any] = settings.NEWSROOM
    return newsroom.get(name, default)


def page_cache_seconds() -> int:
    """Longest life of a stored page, here and in shared caches (0: nothing is kept)."""
    return int(setting("PAGE_CACHE_SECONDS", 300))
