"""`reverse()` for the URLs that reader pages print dozens of times, at a fraction of its cost.

reverse() walks the namespaces and tries each pattern of a name on every call (20–40 µs);
a front page prints 30–70 links. `url_for()` looks up a name's pattern once per URLconf,
language and script prefix, then does only what reverse() does with the values: convert,
check against the pattern, percent-quote. Anything unusual (several patterns or default
arguments behind one name, positional patterns, a value the pattern rejects) goes to
reverse() itself, so the result is always reverse()'s.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.urls.resolvers import get_ns_resolver
from django.utils.http import RFC3986_SUBDELIMS, escape_leading_slashes
from django.utils.translation import get_language

_SAFE = RFC3986_SUBDELIMS + "/~:@"  # reverse()'s own: the `pchar` of RFC 3986

# (resolver, {(viewname, language, script prefix): shape or None}). Keyed on the resolver
# object itself: clear_url_caches() and override_settings(ROOT_URLCONF=...) replace it,
# which empties the shapes too.
_shapes: tuple[object, dict] = (None, {})


def url_for(viewname: str, /, **kwargs) -> str:
    """`reverse(viewname, kwargs=kwargs)`, the same string, several times faster."""
    global _shapes
    resolver = get_resolver(get_urlconf())
    cached_for, shapes = _shapes
    if cached_for is not resolver:
        shapes = {}
        _shapes = (resolver, shapes)
    key = (viewname, get_language(), get_script_prefix())
    try:
        shape = shapes[key]
    except KeyError:
        shape = shapes[key] = _shape(resolver, viewname, key[2])
    if shape is None or kwargs.keys() != shape[1]:
        return reverse(viewname, kwargs=kwargs)
    template, params, converters, check = shape
    subs = {}
    for name, value in kwargs.items():
        try:
            subs[name] = converters[name].to_url(value)
        except ValueError:
            return reverse(viewname, kwargs=kwargs)
    candidate = template % subs
    if not check.search(candidate):
        return reverse(viewname, kwargs=kwargs)
    return escape_leading_slashes(quote(candidate, safe=_SAFE))


def _shape(resolver, viewname, prefix: str) -> tuple | None:
    """The one pattern reverse() would use for `viewname`, or None if it could try several.

    Follows reverse()'s namespace lookup without a current app (django/urls/base.py) and
    keeps what _reverse_with_prefix() needs (django/urls/resolvers.py).
    """
    if not isinstance(viewname, str):
        return None
    *namespaces, view = viewname.split(":")
    ns_pattern = ""
    ns_converters: dict = {}
    for namespace in namespaces:
        app_list = resolver.app_dict.get(namespace)
        if app_list and namespace not in app_list:
            namespace = app_list[0]
        try:
            extra, resolver = resolver.namespace_dict[namespace]
        except KeyError:
            return None  # reverse() raises the right NoReverseMatch
        ns_pattern += extra
        ns_converters.update(resolver.pattern.converters)
    if ns_pattern:
        resolver = get_ns_resolver(ns_pattern, resolver, tuple(ns_converters.items()))
    possibilities = resolver.reverse_dict.getlist(view)
    if len(possibilities) != 1:
        return None
    [(possibility, pattern, defaults, converters)] = possibilities
    if len(possibility) != 1 or defaults:
        return None
    [(result, params)] = possibility
    if set(params) - converters.keys():
        return None  # re_path() groups, which reverse() formats without converters
    return (
        prefix.replace("%", "%%") + result,
        set(params),
        converters,
        re.compile(f"^{re.escape(prefix)}{pattern}"),
    )
