"""Content-Security-Policy helpers."""

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE
)


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions ('sha256-…') allowing exactly the inline scripts in `html`.

    Used for the admin editor's import map: its content is fixed by the static files, so
    allowing its hash is tighter than 'unsafe-inline' and needs no template changes.
    """
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(html)
    ]
