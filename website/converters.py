class UnicodeSlugConverter:
    """Like Django's `slug`, but letters of any script (slugs keep Cyrillic, Greek, CJK…)."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
