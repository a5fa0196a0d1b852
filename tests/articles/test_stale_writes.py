"""Nobody silently overwrites a colleague, whatever path the other write took.

The change form knows which version it was opened on (`loaded_token`); a save from a form
opened before any other write to the article (another form, a bulk action, an inline row,
a revision restore) is refused with the loser's text kept on the page. The plain cases (an
old token, no token, a restore) are in test_workflow.py and test_integrity.py.
"""

import threading
from functools import partial

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connections
from django.test import Client

from articles.models import Article, Correction, Tag
from tests.articles.test_workflow import CHANGELIST, change_url, client_for, draft_by, people  # noqa: F401
from tests.factories import SectionFactory
from tests.formdata import form_data

REFUSED = "Nothing was saved", "Rien n’a été enregistré"


def opened_form(client, article) -> dict:
    return form_data(client.get(change_url(article)).text, "article_form")


def is_refusal(response, kept_text: str) -> bool:
    return (
        response.status_code == 200
        and any(words in response.text for words in REFUSED)
        and kept_text in response.text
    )


BULK = {
    "submit_for_review": ("draft", {}, lambda a: a.status == "review"),
    "publish_selected": ("draft", {}, lambda a: a.status == "published"),
    "unpublish_selected": ("published", {}, lambda a: a.status == "unpublished"),
    "move_to_section": ("published", {"section": "other"}, lambda a: a.section.slug == "autre"),
}


@pytest.mark.parametrize("action", sorted(BULK))
def test_a_form_opened_before_a_bulk_action_does_not_undo_it(people, action):  # noqa: F811
    status, extra, applied = BULK[action]
    article = draft_by(people["contributor"], title="Titre de départ")
    Article.objects.filter(pk=article.pk).update(status=status)
    other = SectionFactory(name="Autre", slug="autre")
    sara = client_for(Client(), people["editor"])
    nadia = client_for(Client(), people["admin"])
    stale = opened_form(sara, article)

    data = {"action": action, ACTION_CHECKBOX_NAME: [article.pk], "index": 0, "confirm": "yes"}
    if extra:
        data["section"] = other.pk
    nadia.post(CHANGELIST, data)
    article.refresh_from_db()
    assert applied(article), "the bulk action itself did not run"

    stale["title"] = "Titre de Sara"
    refused = sara.post(change_url(article), stale)
    assert is_refusal(refused, "Titre de Sara")
    article.refresh_from_db()
    assert applied(article) and article.title == "Titre de départ"


def test_a_stale_form_does_not_undo_a_colleagues_inline_rows(people):  # noqa: F811
    article = draft_by(people["contributor"], title="Titre de départ")
    tag = Tag.objects.create(name="Climat", slug="climat")
    sara = client_for(Client(), people["editor"])
    nadia = client_for(Client(), people["admin"])
    stale = opened_form(sara, article)

    fresh = opened_form(nadia, article)
    fresh.update(
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": Correction.Kind.CORRECTION,
            "corrections-0-text": "Le chiffre était faux.",
            "corrections-0-created_at_0": "2026-12-01",
            "corrections-0-created_at_1": "10:00:00",
            "tag_names": tag.name,
        }
    )
    assert nadia.post(change_url(article), fresh).status_code == 302
    assert article.corrections.count() == 1 and list(article.tags.all()) == [tag]

    stale["title"] = "Titre de Sara"
    refused = sara.post(change_url(article), stale)
    assert is_refusal(refused, "Titre de Sara")
    article.refresh_from_db()
    assert article.title == "Titre de départ"
    assert article.corrections.count() == 1 and list(article.tags.all()) == [tag]


def test_a_stale_form_that_only_adds_an_inline_row_is_refused(people):  # noqa: F811
    article = draft_by(people["contributor"], title="Titre de départ")
    sara = client_for(Client(), people["editor"])
    nadia = client_for(Client(), people["admin"])
    stale = opened_form(sara, article)
    fresh = opened_form(nadia, article)
    fresh["title"] = "Titre de Nadia"
    assert nadia.post(change_url(article), fresh).status_code == 302

    stale.update(
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": Correction.Kind.CORRECTION,
            "corrections-0-text": "Précision de Sara.",
            "corrections-0-created_at_0": "2026-12-01",
            "corrections-0-created_at_1": "10:00:00",
        }
    )
    refused = sara.post(change_url(article), stale)
    assert is_refusal(refused, "Précision de Sara.")
    article.refresh_from_db()
    assert article.title == "Titre de Nadia" and not article.corrections.exists()


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_instant_give_one_save_and_one_refusal():
    """On SQLite (the README's default: WAL, immediate transactions, a busy timeout) as on
    PostgreSQL (row lock): never a 500 "database is locked", never a silent overwrite."""
    from django.contrib.auth.models import Group

    from articles import roles
    from tests.articles.test_workflow import make_user

    roles.sync_roles()
    assert Group.objects.filter(name=roles.EDITOR).exists()
    editors = [make_user(name, roles.EDITOR) for name in ("sara", "nadia")]
    for round_ in range(3):
        article = draft_by(editors[0], title=f"Départ {round_}")
        clients = [client_for(Client(), editor) for editor in editors]
        forms = [opened_form(client, article) for client in clients]
        for n, form in enumerate(forms):
            form["title"] = f"Version {n} du tour {round_}"
        answers = at_the_same_instant(
            [
                partial(c.post, change_url(article), form)
                for c, form in zip(clients, forms, strict=True)
            ]
        )
        statuses = sorted(str(getattr(answer, "status_code", answer)) for answer in answers)
        assert statuses == ["200", "302"], answers
        winner = next(n for n in range(2) if answers[n].status_code == 302)
        loser = 1 - winner
        assert is_refusal(answers[loser], f"Version {loser} du tour {round_}")
        article.refresh_from_db()
        assert article.title == f"Version {winner} du tour {round_}"


def at_the_same_instant(requests) -> list:
    """Run each request in its own thread, all released together; their answers (or the
    exception one raised), in order."""
    start = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def run(n):
        try:
            start.wait()
            answers[n] = requests[n]()
        except Exception as exc:  # noqa: BLE001 - reported by the caller's assertion
            answers[n] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers
