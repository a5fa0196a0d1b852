"""Issue #14: editorial safeguards hold against direct requests (regression tests)."""

from django.test import Client

from articles.models import Article
from tests.articles.test_workflow import change_url, client_for, draft_by, people  # noqa: F401
from tests.factories import image_file
from tests.formdata import form_data


def test_checks_judge_the_submitted_state_not_the_stored_row(client, people):  # noqa: F811
    """Finding 1: a picture without alt text or credit and a skipped heading, submitted
    with status Published in one save, used to go live."""
    article = draft_by(people["contributor"], body="<h2>Titre</h2><p>Texte.</p>")
    client_for(client, people["editor"])
    data = form_data(client.get(change_url(article)).text, "article_form")
    data.update(
        status="published",
        body="<h3>saut</h3><p>Texte.</p>",
        lead_image_alt="",
        lead_image_credit="",
        lead_image=image_file(),
    )
    refused = client.post(change_url(article), data)
    assert refused.status_code == 200
    assert "sautent un niveau" in refused.text
    assert "texte alternatif" in refused.text and "crédit" in refused.text
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and not article.lead_image


def test_fixing_the_problem_and_publishing_in_the_same_save_goes_through(client, people):  # noqa: F811
    """Finding 1, the reverse: the stored row's problem is fixed by the submitted form."""
    article = draft_by(people["contributor"], body="<h3>saut</h3><p>Texte.</p>")
    client_for(client, people["editor"])
    data = form_data(client.get(change_url(article)).text, "article_form")
    data.update(status="published", body="<h2>Titre</h2><p>Texte.</p>")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_published


def test_a_stale_form_without_its_token_is_refused_and_keeps_the_text(people):  # noqa: F811
    """Finding 5: dropping `loaded_token` from the POST used to overwrite a newer save."""
    article = draft_by(people["contributor"], title="Version de départ")
    first, second = Client(), Client()
    first.force_login(people["editor"])
    second.force_login(people["admin"])
    first_data = form_data(first.get(change_url(article)).text, "article_form")
    second_data = form_data(second.get(change_url(article)).text, "article_form")
    first_data["title"] = "Version de Sara"
    assert first.post(change_url(article), first_data).status_code == 302

    second_data["title"] = "Version de Nadia"
    del second_data["loaded_token"]
    refused = second.post(change_url(article), second_data)
    assert refused.status_code == 200
    assert "Version de Nadia" in refused.text
    article.refresh_from_db()
    assert article.title == "Version de Sara"
    # The form sent back now names the current version: a deliberate save goes through.
    merged = form_data(refused.text, "article_form")
    assert merged["loaded_token"] == str(article.edit_token)
    assert second.post(change_url(article), merged).status_code == 302
