"""Checks that keep robots out without bothering readers: form stamps, rate limits, IP hashes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

STAMP_SALT = "comments.form-stamp"


@dataclass(frozen=True)
class Stamp:
    token: uuid.UUID
    article_id: int
    issued_at: datetime


def issue_stamp(article_id: int, *, at: datetime | None = None) -> str:
    """A signed, single-use value for one rendered form: its submission token and birth time."""
    issued = (at or timezone.now()).timestamp()
    return signing.dumps({"t": uuid.uuid4().hex, "a": article_id, "at": issued}, salt=STAMP_SALT)


def read_stamp(value: str) -> Stamp:
    """The stamp's content; raises `signing.BadSignature` if it was not made by `issue_stamp`."""
    data = signing.loads(value, salt=STAMP_SALT)
    try:
        return Stamp(
            token=uuid.UUID(data["t"]),
            article_id=int(data["a"]),
            issued_at=datetime.fromtimestamp(float(data["at"]), tz=UTC),
        )
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise signing.BadSignature("Malformed stamp.") from exc


def hash_ip(ip: str) -> str:
    """A keyed hash of an IP address: enough to spot abuse, useless without the secret key."""
    return salted_hmac("comments.ip", ip or "unknown", algorithm="sha256").hexdigest()


def hit_rate_limit(kind: str, key: str) -> int | None:
    """Count one post from `key` (an IP or an email): seconds to wait if over the limit, or None.

    Fixed windows in the cache: cheap, shared between processes with Redis, and at worst
    twice the limit across a window boundary.
    """
    limit, window = settings.NEWSROOM_COMMENTS["RATE_LIMITS"][kind]
    now = int(timezone.now().timestamp())
    start = now - now % window
    digest = salted_hmac("comments.rate", key, algorithm="sha256").hexdigest()
    cache_key = f"comments:rate:{kind}:{digest}:{start}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return start + window - now if count > limit else None
