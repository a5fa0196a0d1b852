"""Related-article suggestions: measured, fresh and cheap to show.

- `related_articles(article)`: the article page's list, in one query (pinned, then computed).
- `schedule_refresh(pk)`: run after every save of an article (post_save); updates the article's own list and the
  lists it now belongs in, after the commit (`tasks.refresh_related`).
- `rebuild()`: every list from scratch (`manage.py rebuild_related`).

`text` tokenises, `engine` does the arithmetic (numpy/scipy), `store` reads and writes the
database, `models` holds the engine's own tables (imported by `articles.models`).
"""

_EXPORTS = {
    "forget": "store",
    "rebuild": "store",
    "refresh": "store",
    "related_articles": "store",
    "paused": "tasks",
    "schedule_refresh": "tasks",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    # Lazy: the package is imported while the apps load, before models can be.
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(name)
