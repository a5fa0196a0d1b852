import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.typography import apply_to_html, apply_to_text
from tests.factories import ArticleFactory

N = "\u202f"


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Pourquoi ?", f"Pourquoi{N}?"),
        ("Pourquoi?", f"Pourquoi{N}?"),
        ("Enfin !", f"Enfin{N}!"),
        ("Il a dit : non", f"Il a dit{N}: non"),
        ("un ; deux", f"un{N}; deux"),
        ("Vraiment ?!", f"Vraiment{N}?!"),
        ("Double espace  ?", f"Double espace{N}?"),
        ("Insécable\u00a0?", f"Insécable{N}?"),
        ("« Bonjour »", f"«{N}Bonjour{N}»"),
        ("«Bonjour»", f"«{N}Bonjour{N}»"),
        ("l'Élysée et aujourd'hui", "l’Élysée et aujourd’hui"),
        ("(entre parenthèses) ?", f"(entre parenthèses){N}?"),
        # Left as typed: times, scores, addresses, e-mails, code.
        ("À 10:30, score 2:1", "À 10:30, score 2:1"),
        (
            "Lire https://exemple.fr/?p=19&a=1 : voilà",
            f"Lire https://exemple.fr/?p=19&a=1{N}: voilà",
        ),
        ("www.exemple.fr/l'adresse?x=1", "www.exemple.fr/l'adresse?x=1"),
        ("Écrire à redaction@exemple.fr ?", f"Écrire à redaction@exemple.fr{N}?"),
        ("Tapez `a:b ? c'd`", "Tapez `a:b ? c'd`"),
        # Already right: unchanged.
        (f"Déjà{N}? «{N}oui{N}»", f"Déjà{N}? «{N}oui{N}»"),
        ("", ""),
        ("? seul", "? seul"),
    ],
)
def test_french_typography_on_text(typed, printed):
    assert apply_to_text(typed) == printed


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("<p>Pourquoi ?</p>", f"<p>Pourquoi{N}?</p>"),
        # Attributes are never touched, even with ">" or "?" inside them.
        (
            '<p><a href="https://x.fr/?a=1&amp;b=2" title="l\'a > b ?">l\'article</a> !</p>',
            f'<p><a href="https://x.fr/?a=1&amp;b=2" title="l\'a > b ?">l’article</a>{N}!</p>',
        ),
        # Entities stay whole, and a typed no-break space becomes the narrow one.
        ("<p>AT&amp;T ; oui&nbsp;?</p>", f"<p>AT&amp;T{N}; oui{N}?</p>"),
        # Code keeps what was typed.
        ("<p><code>a ? b : c'd</code> ?</p>", f"<p><code>a ? b : c'd</code>{N}?</p>"),
        ("<pre>x = a ? b : c;\nl'x</pre>", "<pre>x = a ? b : c;\nl'x</pre>"),
        # A mark at the start of an element follows the word before the tag.
        ("<p><strong>Quoi</strong> ?</p>", f"<p><strong>Quoi</strong>{N}?</p>"),
    ],
)
def test_french_typography_on_html(typed, printed):
    assert apply_to_html(typed) == printed


@given(st.text())
def test_applying_twice_changes_nothing(text):
    once = apply_to_text(text)
    assert apply_to_text(once) == once


@given(st.text(alphabet=st.sampled_from(list("ab '?!:;«»<>/&\"=p"))))
def test_html_twice_changes_nothing_and_keeps_the_tags(html):
    once = apply_to_html(html)
    assert apply_to_html(once) == once
    assert once.count("<") == html.count("<")


@pytest.mark.django_db
def test_saving_a_french_article_sets_its_typography():
    article = ArticleFactory(
        language="fr",
        french_typography=True,
        title="L'Élysée : pourquoi ?",
        standfirst="« Non », dit-il.",
        body="<p>Vraiment ?</p>",
    )
    article.refresh_from_db()
    assert article.title == f"L’Élysée{N}: pourquoi{N}?"
    assert article.standfirst == f"«{N}Non{N}», dit-il."
    assert article.body == f"<p>Vraiment{N}?</p>"


@pytest.mark.django_db
def test_typography_is_switchable_per_article_and_never_applied_to_english():
    kept = ArticleFactory(language="fr", french_typography=False, title="Quoi ?")
    english = ArticleFactory(language="en", french_typography=True, title="What's up?")
    kept.refresh_from_db()
    english.refresh_from_db()
    assert kept.title == "Quoi ?"
    assert english.title == "What's up?"


@pytest.mark.django_db
def test_a_reader_typing_straight_apostrophes_finds_typographic_ones(client):
    found = ArticleFactory(french_typography=True, title="Visite à l'Élysée : pourquoi ?")
    ArticleFactory(title="Rien à voir")
    page = client.get("/recherche/", {"q": "l'Élysée pourquoi?"})
    assert [a.pk for a in page.context["page_obj"]] == [found.pk]
