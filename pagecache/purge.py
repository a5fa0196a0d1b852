"""Purges: after the transaction commits, this app's stored pages and the shared caches.

`NEWSROOM["PURGE"]` (environment: `NEWSROOM_PURGE`, comma-separated) lists where purges go
besides this app's own page cache:

- nothing (the default): no shared cache in front;
- `log`: each purge is logged (development: see what a write would purge);
- `http://varnish-1:6081`, …: each Varnish server is sent `PURGE /` with the keys in an
  `xkey-purge` header (deploy/varnish/newsroom.vcl bans them with vmod xkey).

A shared cache that cannot be reached never fails the write that purged: the failure is
logged and the purge retried in the background (a few times, backing off), then given up
with an error in the log; pages then live at most `PAGE_CACHE_SECONDS` there.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.request
from collections.abc import Iterable

from django.db import transaction

from . import store
from .conf import setting

logger = logging.getLogger("newsroom.pagecache")

# Header lines stay well under Varnish's 8 KB default limit.
KEYS_PER_REQUEST = 200
TIMEOUT_SECONDS = 2.0
RETRY_DELAYS = (1, 2, 4, 8, 16)


def purge_on_commit(keys: Iterable[str], *, using: str | None = None) -> None:
    """Purge `keys` once the current transaction commits (at once outside one)."""
    keys = frozenset(keys)
    if keys:
        transaction.on_commit(lambda: purge_now(keys), using=using)


def purge_now(keys: Iterable[str]) -> None:
    keys = sorted(set(keys))
    if not keys:
        return
    store.bump(keys)
    for target in targets():
        if target == "log":
            logger.info("purge %s", " ".join(keys))
        else:
            _send_or_retry(target, keys)


def targets() -> list[str]:
    return list(setting("PURGE", []))


def send(target: str, keys: list[str]) -> None:
    """One purge request per batch of keys; raises OSError when the server fails it."""
    for start in range(0, len(keys), KEYS_PER_REQUEST):
        batch = keys[start : start + KEYS_PER_REQUEST]
        request = urllib.request.Request(
            target.rstrip("/") + "/", method="PURGE", headers={"xkey-purge": " ".join(batch)}
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            if response.status >= 300:
                raise OSError(f"{target} answered {response.status} to a purge")


def _send_or_retry(target: str, keys: list[str]) -> None:
    try:
        send(target, keys)
    except OSError as error:
        logger.warning("purge of %d key(s) at %s failed (%s); retrying", len(keys), target, error)
        _retry_in_background(target, keys)


def _retry_in_background(target: str, keys: list[str]) -> None:
    threading.Thread(
        target=_retry, args=(target, keys), name="pagecache-purge-retry", daemon=True
    ).start()


def _retry(target: str, keys: list[str], delays: Iterable[float] = RETRY_DELAYS) -> bool:
    for delay in delays:
        time.sleep(delay)
        try:
            send(target, keys)
        except OSError as error:
            logger.warning("purge retry at %s failed (%s)", target, error)
            continue
        logger.info("purge of %d key(s) at %s went through on a retry", len(keys), target)
        return True
    logger.error("purge of %s at %s given up: pages may be stale until they expire", keys, target)
    return False
