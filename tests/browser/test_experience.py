"""The reader's experience in a real browser: keyboard only, both themes, phone and desktop.

With NEWSROOM_SCREENSHOTS=1 the screenshots go to docs/screenshots/ for the README;
otherwise to pytest's tmp_path, so a normal run changes nothing in the tree.
"""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from comments.models import Comment
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PictureFactory,
    SectionFactory,
    image_file,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_IMPACTS = {"minor", "moderate", "serious", "critical"}
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORTS = {"phone": (375, 740), "desktop": (1280, 900)}


@pytest.fixture
def newsroom(settings):
    """Two sections of illustrated articles, one of them with approved comments and a reply."""
    # A person needs more than two seconds to fill the form; this browser does not.
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "MIN_FORM_SECONDS": 0}
    cache.clear()
    world = SectionFactory(name="International", slug="international")
    culture = SectionFactory(name="Culture", slug="culture")
    sara = AuthorFactory(name="Sara Lemoine", slug="sara-lemoine")
    paul = AuthorFactory(name="Paul Girard", slug="paul-girard")
    colors = ["#4a6fa5", "#a5674a", "#4aa57a", "#7a4aa5", "#a54a6f", "#6fa54a"]
    for n, color in enumerate(colors):
        ArticleFactory(
            title=f"Festival d’été : la programmation numéro {n} dévoilée",
            section=culture if n % 2 else world,
            tags=["Festivals"],
            authors=[paul],
            lead_picture=PictureFactory(
                file=image_file(f"e{n}.jpg", color=color),
                alt=f"Une scène de concert, photo {n}",
            ),
        )
    story = ArticleFactory(
        title="Climat : les négociateurs s’accordent sur un calendrier",
        standfirst="Après deux semaines de discussions, les délégations ont trouvé un terrain "
        "d’entente sur les étapes des cinq prochaines années.",
        body="<p>Les délégués se sont quittés tard dans la nuit.</p><h2>Un calendrier serré"
        "</h2><p>Chaque pays devra présenter ses objectifs avant la fin de l’année.</p>"
        "<blockquote><p>Nous avons enfin une méthode.</p></blockquote>",
        section=world,
        tags=["Climat", "Diplomatie"],
        authors=[sara, paul],
        lead_picture=PictureFactory(
            file=image_file(),
            alt="Des délégués autour d’une grande table",
            caption="La salle des négociations, au petit matin.",
            credit="Illustration Newsroom",
        ),
        is_featured=True,
    )
    first = Comment.objects.create(
        article=story,
        name="Claire",
        email="claire@example.org",
        text="Merci pour cet article clair.",
        status=Comment.Status.APPROVED,
    )
    Comment.objects.create(
        article=story,
        parent=first,
        name="Louis",
        email="louis@example.org",
        text="D’accord, et la carte aide beaucoup.",
        status=Comment.Status.APPROVED,
    )
    return story


def tab_until(page, predicate: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies the JS predicate `el => …`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({predicate})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def focus_outline(page) -> str:
    return page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")


def horizontal_overflow(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_keyboard_only_from_the_homepage_to_a_comment(live_server, page, newsroom):
    page.goto(live_server.url + reverse("articles:index"))

    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.get_attribute("class") == "skip-link"
    assert skip.is_visible()
    assert focus_outline(page) != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "content"

    article_path = newsroom.get_absolute_url()
    tab_until(page, f"el => el.getAttribute('href') === {article_path!r}")
    assert focus_outline(page) != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{article_path}")
    assert page.locator("h1").inner_text() == newsroom.title

    tab_until(page, "el => el.tagName === 'A'")
    assert focus_outline(page) != "none"
    tab_until(page, "el => el.id === 'comment-name'")
    page.keyboard.type("Camille")
    page.keyboard.press("Tab")
    page.keyboard.type("camille@example.org")
    page.keyboard.press("Tab")  # the optional website
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "comment-text"
    page.keyboard.type("Un compromis bienvenu.")
    tab_until(page, "el => el.type === 'submit' && el.closest('#respond')")
    assert focus_outline(page) != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{article_path}#respond")
    assert page.locator("#respond [role=status]").is_visible()
    comment = Comment.objects.get(name="Camille")
    assert comment.text == "Un compromis bienvenu."


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_reader_pages_have_no_accessibility_violation_in_either_theme(
    live_server, page, axe, newsroom, scheme
):
    page.emulate_media(color_scheme=scheme)
    urls = [
        reverse("articles:index"),
        newsroom.get_absolute_url(),
        newsroom.section.get_absolute_url(),
    ]
    for url in urls:
        page.goto(live_server.url + url)
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(20, 20, 20)") == (scheme == "dark"), url
        assert axe(page, impacts=ALL_IMPACTS) == [], url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_comment_form_errors_are_accessible(live_server, page, axe, newsroom, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + newsroom.get_absolute_url())
    page.locator("#respond").get_by_role("button", name="Publier").click()
    page.wait_for_url("**#respond")
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    name = page.locator("#comment-name")
    assert name.get_attribute("aria-invalid") == "true"
    described = name.get_attribute("aria-describedby") or ""
    assert any(page.locator(f"#{ident}").inner_text().strip() for ident in described.split()), (
        "the error is not tied to its field"
    )
    summary.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == "comment-name"
    assert axe(page, impacts=ALL_IMPACTS) == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_horizontal_overflow_on_phone_and_desktop(live_server, browser, newsroom, viewport):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="fr-FR",
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
    )
    page = context.new_page()
    try:
        for url in [
            reverse("articles:index"),
            newsroom.get_absolute_url(),
            newsroom.section.get_absolute_url(),
        ]:
            page.goto(live_server.url + url)
            assert horizontal_overflow(page) <= 0, url
    finally:
        context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_screenshots(live_server, browser, admin_user, newsroom, viewport, tmp_path):
    folder = DOCS_SCREENSHOTS if os.environ.get("NEWSROOM_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="fr-FR",
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
        device_scale_factor=1,
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("articles:index"))
        page.screenshot(path=folder / f"home-{viewport}.png")
        page.goto(live_server.url + newsroom.get_absolute_url())
        page.screenshot(path=folder / f"article-{viewport}.png")
        page.goto(live_server.url + reverse("admin:login"))
        page.locator("#id_username").fill("admin")
        page.locator("#id_password").fill("password")
        page.locator("#id_password").press("Enter")
        page.wait_for_load_state()
        page.goto(live_server.url + reverse("admin:articles_article_changelist"))
        assert page.get_by_role("link", name=newsroom.title).count() >= 1
        page.screenshot(path=folder / f"admin-articles-{viewport}.png")
    finally:
        context.close()
    for name in ("home", "article", "admin-articles"):
        assert (folder / f"{name}-{viewport}.png").stat().st_size > 0
