"""Reader pages that every anonymous reader shares, held by this app and by a shared HTTP
cache in front (Varnish, a CDN), and purged by scope.

- A reader view marks its response `@public_page` and names what it shows with
  `add_keys(request, "article-12", "home", …)`: the articles on it and the lists it is.
  Keys are plain strings chosen by the apps that own the content; this app imports no
  model.
- A page that changes only through its keys (an old article's) may say so with
  `keep_until_purged(request, seconds)`: it lives that long, past the next scheduled
  publication.
- The apps purge those keys when something readers can see changes: `purge_on_commit()`
  after the transaction commits, never before, and only for the keys the write touched.
- Responses carry the keys as `xkey` (Varnish's vmod xkey), `Surrogate-Key` (Fastly) and
  `Cache-Tag` (Cloudflare-style CDNs), `ETag` and `Last-Modified`, and
  `Cache-Control: public, max-age=0, s-maxage=N`: browsers ask again every time (a 304),
  shared caches keep the page until a purge or N seconds.
- The page cache of this app (`PageCacheMiddleware`, in Django's cache: Redis in
  production) checks each entry's keys against their purge versions on every hit, so a
  purge reaches every app server at once.
"""

from .keys import add_keys, keep_until_purged, public_page
from .purge import purge_on_commit

__all__ = ["add_keys", "keep_until_purged", "public_page", "purge_on_commit"]
