"""The article form in Chromium: tags typed in one field with suggestions, French
typography applied on save, and the form passing axe."""

import pytest
from django.urls import reverse

from articles.models import Article, Tag
from articles.roles import EDITOR
from tests.browser.test_newsroom_workflow import jpeg_bytes, log_in, staff
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EVERY_IMPACT = {"minor", "moderate", "serious", "critical"}


def test_tags_typed_in_one_field_with_the_sites_tags_suggested(live_server, browser, axe):
    staff("redaction", EDITOR)
    Tag.objects.create(name="Climat")
    Tag.objects.create(name="Climatologie")
    article = ArticleFactory(
        title="Sommet de Paris", french_typography=True, authors=[AuthorFactory(name="Sara")]
    )
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server.url, "redaction")
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    field = page.get_by_label("Mots-clés")
    field.fill("États-Unis, clim")
    suggestions = page.locator(f"datalist#{field.get_attribute('id')}_suggestions option")
    suggestions.first.wait_for(state="attached")
    assert sorted(suggestions.evaluate_all("options => options.map(o => o.value)")) == [
        "États-Unis, Climat",
        "États-Unis, Climatologie",
    ]
    field.fill("États-Unis, Climat, Ukraine")
    page.locator("#id_title").fill("Pourquoi l'Élysée dit : « non » ?")
    assert axe(page, impacts=EVERY_IMPACT) == []
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.wait_for_load_state()
    # French typography, applied on save and shown back in the form.
    assert page.locator("#id_title").input_value() == (
        "Pourquoi l’Élysée dit\u202f: «\u202fnon\u202f»\u202f?"
    )
    assert page.get_by_label("Mots-clés").input_value() == "États-Unis, Climat, Ukraine"
    reader = page.context.new_page()
    reader.goto(live_server.url + Article.objects.get(pk=article.pk).get_absolute_url())
    assert reader.locator(".tags a").all_inner_texts() == ["États-Unis", "Climat", "Ukraine"]
    page.context.close()


def test_the_ordinary_article_takes_at_most_25_actions_from_the_desk(live_server, browser):
    """The issue's ordinary article, counted as an editor works, from the desk to the
    first save: author (the writer's own byline), section, four tags, six sub-headings,
    a link, a quote, a lead picture with alt text and credit, and the source. One action
    is a click, a field filled, a choice made, or a stretch of typing in the body."""
    editor = staff("redaction", EDITOR)
    AuthorFactory(name="Sara", user=editor)
    SectionFactory(name="Actualité")
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server.url, "redaction")
    actions = 0

    def act(step):
        nonlocal actions
        actions += 1
        step()

    sections = "".join(
        f"## Intertitre numéro {n}\nUn paragraphe sous l’intertitre {n}.\n" for n in range(1, 7)
    )
    act(lambda: page.get_by_role("link", name="Nouvel article").click())
    act(lambda: page.locator("#id_title").fill("Paris et Washington relancent la médiation"))
    act(lambda: page.locator("#id_standfirst").fill("Les deux capitales reprennent le dialogue."))
    body = page.locator(".field-body .ProseMirror[contenteditable=true]")
    act(lambda: body.click())
    act(lambda: page.keyboard.type("Le texte commence ici.\n" + sections + "> Une citation.\n"))
    act(lambda: page.keyboard.type("Le rapport complet"))
    act(lambda: page.keyboard.press("Shift+Home"))  # select the words to link
    act(lambda: page.locator(".prose-menubar button[data-name=link]").click())
    dialog = page.locator("dialog[open]")
    act(lambda: dialog.locator("input").first.fill("https://example.org/rapport"))
    act(lambda: dialog.locator("button[type=submit]").first.click())
    act(lambda: page.get_by_label("Rubrique").select_option(label="Actualité"))
    act(lambda: page.get_by_label("Mots-clés").fill("Diplomatie, États-Unis, France, Ukraine"))
    act(
        lambda: page.locator("input[name=lead_image]").set_input_files(
            {"name": "sommet.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
        )
    )
    act(lambda: page.get_by_label("Texte alternatif").fill("Deux drapeaux côte à côte"))
    act(lambda: page.locator("#id_lead_image_credit").fill("Illustration Newsroom"))
    act(lambda: page.get_by_label("Type de source").select_option(value="rewrite"))
    act(lambda: page.get_by_label("Média source").fill("Le Courrier"))
    act(lambda: page.get_by_label("Adresse de la source").fill("https://example.org/courrier"))
    act(lambda: page.get_by_role("button", name="Enregistrer", exact=True).click())
    page.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get()
    assert article.body.count("<h2>") == 6 and "<blockquote>" in article.body
    assert 'href="https://example.org/rapport"' in article.body
    assert [t.name for t in article.tags_in_order] == [
        "Diplomatie",
        "États-Unis",
        "France",
        "Ukraine",
    ]
    assert article.bylines.get().author.name == "Sara"
    assert article.lead_picture.alt == "Deux drapeaux côte à côte"
    print(f"ACTIONS {actions}")
    assert actions <= 25
    page.context.close()


def test_a_picture_is_kept_when_the_form_comes_back_with_an_error(live_server, browser):
    staff("redaction", EDITOR)
    SectionFactory(name="Actualité")
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server.url, "redaction")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    page.locator("#id_title").fill("Un article avec sa photo")
    page.locator("input[name=lead_image]").set_input_files(
        {"name": "place.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    page.get_by_label("Texte alternatif").fill("Une place au petit matin")
    page.get_by_role("button", name="Enregistrer", exact=True).click()  # no section: an error
    page.locator(".errornote").wait_for()
    assert page.get_by_text("Votre image place.jpg est conservée").is_visible()
    page.get_by_label("Rubrique").select_option(label="Actualité")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get()
    assert article.lead_picture.width == 1200
    assert article.lead_picture.alt == "Une place au petit matin"
    page.context.close()


def test_a_table_written_with_the_toolbar_reads_on_a_phone(live_server, browser, phone_page, axe):
    staff("redaction", EDITOR)
    article = ArticleFactory(title="Les résultats", authors=[AuthorFactory(name="Sara")])
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server.url, "redaction")
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    body = page.locator(".field-body .ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.press("Control+End")
    page.locator(".prose-menubar button[title='Insérer un tableau']").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Lignes").fill("2")
    dialog.get_by_label("Colonnes").fill("4")
    dialog.get_by_label("Inclure une ligne d'en-tête").select_option(label="Oui")
    dialog.get_by_role("button", name="Insérer un tableau").click()
    cells = [
        "Ville",
        "Inscrits",
        "Votants",
        "Participation",
        "Montpellier",
        "205 312",
        "98 455",
        "47,95 %",
    ]
    page.locator(".ProseMirror table th").first.click()
    for n, text in enumerate(cells):
        if n:
            page.keyboard.press("Tab")  # (after the last cell, Tab would add a row)
        page.keyboard.type(text)
    # The caption, from the table's own toolbar.
    page.locator(".prose-menubar button[title='Légende du tableau']").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Ce que montre le tableau").fill("Participation au premier tour")
    dialog.get_by_role("button", name="Appliquer").click()
    assert (
        page.locator(".ProseMirror table caption").text_content() == "Participation au premier tour"
    )
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.wait_for_load_state()
    saved = Article.objects.get(pk=article.pk).body
    assert "<th" in saved and "Participation" in saved and "47,95 %" in saved
    assert "<table><caption>Participation au premier tour</caption><tbody>" in saved
    # Opened again, the caption is the table's, not a row of it, and a second save keeps
    # the body as it was.
    assert (
        page.locator(".ProseMirror table caption").text_content() == "Participation au premier tour"
    )
    assert page.locator(".ProseMirror table tr").count() == 2
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.wait_for_load_state()
    assert Article.objects.get(pk=article.pk).body == saved
    page.context.close()

    phone_page.goto(live_server.url + article.get_absolute_url())
    table = phone_page.locator(".article__body table")
    assert table.locator("th").all_inner_texts()[:4] == cells[:4]
    assert table.locator("caption").inner_text() == "Participation au premier tour"
    overflow = phone_page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert axe(phone_page) == []


def test_the_moderation_queue_passes_axe(live_server, browser, axe):
    from tests.comments.factories import CommentFactory

    staff("redaction", EDITOR)
    for n in range(3):
        CommentFactory(status="pending", text=f"Un commentaire à relire, numéro {n}.")
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server.url, "redaction")
    page.goto(
        live_server.url + reverse("admin:comments_comment_changelist") + "?status__exact=pending"
    )
    assert page.locator("#result_list tbody tr").count() == 3
    assert axe(page, impacts=EVERY_IMPACT) == []
    page.context.close()
