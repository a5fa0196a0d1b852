"""Headless Chromium for end-to-end tests: Debian's chromium driven by Playwright.

Without Chromium the tests are skipped with a plain message, except where
NEWSROOM_REQUIRE_BROWSER=1 (CI), where a missing browser fails the run.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SERIOUS = {"serious", "critical"}
MISSING = "Chromium not found (apt-get install chromium): the browser tests were skipped."


def chromium_path() -> str | None:
    candidate = os.environ.get("NEWSROOM_CHROMIUM") or shutil.which("chromium")
    return candidate if candidate and Path(candidate).exists() else None


def pytest_collection_modifyitems(config, items):
    if chromium_path() or os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(reason=MISSING)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if not chromium_path():
        terminalreporter.write_line(f"NOTE: {MISSING}", yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser():
    # Playwright runs an event loop in this thread; the ORM calls made by the tests are
    # ordinary synchronous calls between page actions.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not chromium_path():
        pytest.fail(f"{MISSING} NEWSROOM_REQUIRE_BROWSER=1 makes that a failure.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="fr-FR", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


@pytest.fixture
def axe(axe_source):
    """Run axe-core in the page; returns its violations of serious or critical impact."""

    def run(page, impacts=SERIOUS):
        page.evaluate(axe_source)
        results = page.evaluate("async () => await axe.run(document)")
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in results["violations"]
            if v["impact"] in impacts
        ]

    return run
