"""Views for the page cache's own tests: what they show is said by their keys."""

from django.http import HttpResponse
from django.urls import path

from pagecache import add_keys, public_page

CALLS = {"count": 0}


@public_page
def article(request, pk):
    CALLS["count"] += 1
    add_keys(request, f"article-{pk}", "frame")
    return HttpResponse(f"article {pk} #{CALLS['count']}")


@public_page
def listing(request):
    CALLS["count"] += 1
    add_keys(request, "home", ["article-1", "article-2"])
    return HttpResponse(f"home #{CALLS['count']}")


@public_page
def with_cookie(request):
    response = HttpResponse("sets a cookie")
    response.set_cookie("choice", "1")
    return response


def private(request):
    return HttpResponse("not marked public")


urlpatterns = [
    path("a/<int:pk>/", article),
    path("", listing),
    path("cookie/", with_cookie),
    path("private/", private),
]
