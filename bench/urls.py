"""The site's addresses, plus the benchmarks' floor: the smallest view, through the same
middleware stack, which bench/pages.py measures every page against."""

from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as site


def floor(request):
    """What the framework costs with nothing to do."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("_bench/floor/", floor, name="bench_floor"), *site]
