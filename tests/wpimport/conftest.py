from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from wpimport.importer import WordPressImporter


@pytest.fixture
def write_export(tmp_path):
    """Write a WXR string (or bytes) to a file and return its path."""
    count = 0

    def write(text: str | bytes) -> Path:
        nonlocal count
        count += 1
        path = tmp_path / f"export-{count}.xml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def run_import(write_export):
    """Import a WXR string and return the summary."""

    def run(text: str | bytes, **options):
        return WordPressImporter(write_export(text), **options).run()

    return run


@pytest.fixture
def command(write_export):
    """Run `manage.py import_wordpress` on a WXR string; returns (stdout, stderr)."""

    def run(text: str | bytes, *args: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command("import_wordpress", str(write_export(text)), *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    return run


# The local HTTP server of the fetching tests, for the import tests that fetch too.
from .test_fetch import site  # noqa: E402, F401
