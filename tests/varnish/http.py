"""Plain HTTP requests to Varnish, as a reader's browser sends them."""

import urllib.error
import urllib.request


def get(url: str, **headers) -> tuple[int, dict, str]:
    """(status, headers, body text) of a GET that follows redirects; errors are answers too."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()
