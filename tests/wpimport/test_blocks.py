"""Block-editor content keeps its meaning: tables, code, verse, footnotes, files, galleries."""

import json

import pytest

from articles.models import Article
from articles.sanitize import clean_html
from pictures.models import Picture
from tests.factories import image_file
from wpimport.content import convert_body

from .wxr import SITE, WPPost, attachment, export


def convert(html: str, **options) -> tuple[str, list[str]]:
    notes: list[str] = []
    return clean_html(convert_body(html, note=notes.append, **options)), notes


def test_a_table_block_stays_a_table_with_its_caption():
    html, notes = convert(
        '<!-- wp:table -->\n<figure class="wp-block-table"><table class="has-fixed-layout">'
        "<thead><tr><th>Commune</th><th>Votants</th></tr></thead><tbody><tr><td>Lyon</td>"
        '<td>51 %</td></tr></tbody></table><figcaption class="wp-element-caption">Premier tour'
        "</figcaption></figure>\n<!-- /wp:table -->"
    )
    assert html == (
        "<table><caption>Premier tour</caption><thead><tr><th>Commune</th><th>Votants</th>"
        "</tr></thead><tbody><tr><td>Lyon</td><td>51 %</td></tr></tbody></table>"
    )
    assert not notes


def test_code_and_preformatted_blocks_keep_every_line_break():
    code = "def total(votes):\n\n    return sum(votes)  # https://example.org/doc\n"
    html, _ = convert(
        f'<!-- wp:code -->\n<pre class="wp-block-code"><code>{code}</code></pre>\n<!-- /wp:code -->'
        '\n\n<!-- wp:preformatted -->\n<pre class="wp-block-preformatted">Farine   200 g\n'
        "Sucre    100 g</pre>\n<!-- /wp:preformatted -->"
    )
    assert f"<pre><code>{code}</code></pre>" in html
    assert "<pre>Farine   200 g\nSucre    100 g</pre>" in html


def test_a_verse_block_keeps_its_lines_and_stanzas():
    html, _ = convert(
        '<!-- wp:verse -->\n<pre class="wp-block-verse">Sous le pont Mirabeau\ncoule la Seine'
        "\n\nEt nos amours</pre>\n<!-- /wp:verse -->"
    )
    assert html == "<p>Sous le pont Mirabeau<br>coule la Seine</p><p>Et nos amours</p>"


def test_footnotes_become_a_notes_list_linked_both_ways():
    meta = json.dumps(
        [
            {"id": "a1b2", "content": "Selon la préfecture."},
            {"id": "c3d4", "content": "Chiffre <em>provisoire</em>."},
        ]
    )
    html, notes = convert(
        '<!-- wp:paragraph --><p>Ils étaient 3 000<sup data-fn="c3d4" class="fn">'
        '<a href="#c3d4" id="c3d4-link">2</a></sup>, dit-on<sup data-fn="a1b2" class="fn">'
        '<a href="#a1b2" id="a1b2-link">1</a></sup>.</p><!-- /wp:paragraph -->'
        "\n\n<!-- wp:footnotes /-->",
        footnotes=meta,
    )
    # Numbered in reading order, each call and its note pointing at each other.
    assert '3 000<sup><a href="#note-1" id="note-1-ref">1</a></sup>' in html
    assert 'dit-on<sup><a href="#note-2" id="note-2-ref">2</a></sup>' in html
    assert '<li id="note-1">Chiffre <em>provisoire</em>. <a href="#note-1-ref"' in html
    assert '<li id="note-2">Selon la préfecture. <a href="#note-2-ref"' in html
    assert "footnotes kept as a notes list" in notes


def test_ids_other_than_note_anchors_are_still_dropped():
    assert clean_html('<p><a id="main" href="#x">x</a></p><ul><li id="top">y</li></ul>') == (
        '<p><a href="#x">x</a></p><ul><li>y</li></ul>'
    )


def test_a_file_block_is_one_download_link_named_by_its_file():
    html, notes = convert(
        '<!-- wp:file {"id":9} -->\n<div class="wp-block-file"><object class="wp-block-file__'
        'embed" data="https://blog.example.org/wp-content/uploads/2024/05/eolien.pdf" '
        'type="application/pdf"></object><a href="https://blog.example.org/wp-content/uploads/'
        '2024/05/eolien.pdf">Wind Farm</a><a href="https://blog.example.org/wp-content/uploads/'
        '2024/05/eolien.pdf" class="wp-block-file__button" download>Download</a></div>\n'
        "<!-- /wp:file -->"
    )
    assert html == (
        '<p><a href="https://blog.example.org/wp-content/uploads/2024/05/eolien.pdf" '
        'rel="noopener">Wind Farm (eolien.pdf)</a></p>'
    )
    assert "Download" not in html and "file block kept as a download link" in notes


def test_a_cover_keeps_its_picture_and_its_text():
    html, _ = convert(
        '<!-- wp:cover {"url":"u"} -->\n<div class="wp-block-cover"><img class="wp-block-cover__'
        'image-background" alt="La baie" src="/p/baie.jpg"/><div class="wp-block-cover__inner-'
        'container"><!-- wp:paragraph --><p>Le littoral recule.</p><!-- /wp:paragraph --></div>'
        "</div>\n<!-- /wp:cover -->\n\n"
        '<!-- wp:cover --><div class="wp-block-cover" style="background-image:url(/p/dune.jpg)">'
        "<p>Ancienne couverture.</p></div><!-- /wp:cover -->",
        image=lambda url, alt: (url, None),
    )
    html = html.replace("\n", "")
    assert (
        '<figure><img alt="La baie" src="/p/baie.jpg"></figure><p>Le littoral recule.</p>' in html
    )
    assert '<figure><img src="/p/dune.jpg" alt=""></figure><p>Ancienne couverture.</p>' in html


@pytest.mark.django_db
def test_galleries_and_media_text_pictures_come_into_the_library(run_import, tmp_path, client):
    uploads = tmp_path / "uploads"
    (uploads / "2024/05").mkdir(parents=True)
    for name in ("a", "b", "c", "d"):
        (uploads / f"2024/05/{name}.jpg").write_bytes(image_file(size=(400, 300)).read())
    url = f"{SITE}/wp-content/uploads/2024/05"
    body = (
        '<!-- wp:gallery {"linkTo":"none"} -->\n<figure class="wp-block-gallery has-nested-images">'
        f'<!-- wp:image {{"id":61}} -->\n<figure class="wp-block-image"><img src="{url}/a.jpg" '
        'alt="Le quai" class="wp-image-61"/><figcaption>Le quai</figcaption></figure>\n'
        f'<!-- /wp:image -->\n<!-- wp:image {{"id":62}} -->\n<figure class="wp-block-image"><img '
        f'src="{url}/b.jpg" alt="La gare"/></figure>\n<!-- /wp:image -->\n<figcaption class="'
        'blocks-gallery-caption">Le tramway en images</figcaption></figure>\n<!-- /wp:gallery -->'
        '\n\n<!-- wp:media-text --><div class="wp-block-media-text"><figure class="wp-block-media-'
        f'text__media"><img src="{url}/c.jpg" alt="Le dépôt"/></figure><div class="wp-block-media-'
        'text__content"><!-- wp:paragraph --><p>Au dépôt.</p><!-- /wp:paragraph --></div></div>'
        "<!-- /wp:media-text -->\n\n"
        '<!-- wp:shortcode -->[gallery ids="63"]<!-- /wp:shortcode -->'
    )
    summary = run_import(
        export(
            attachment(63, "2024/05/d.jpg", alt="Le terminus"),
            WPPost(1, content=body),
        ),
        media_dir=uploads,
    )
    html = Article.objects.get().body
    pictures = {p.file.name.rsplit("/", 1)[-1]: p for p in Picture.objects.all()}
    assert set(pictures) == {"a.jpg", "b.jpg", "c.jpg", "d.jpg"}
    # The gallery: a figure of figures, each a library picture with its renditions.
    assert (
        f'<figure><figure><img data-file="{pictures["a.jpg"].pk}"' in html
        and "<figcaption>Le quai</figcaption></figure><figure><img" in html
        and "<figcaption>Le tramway en images</figcaption></figure>" in html
    )
    assert f'<figure><img data-file="{pictures["c.jpg"].pk}"' in html
    assert "<p>Au dépôt.</p>" in html
    assert f'<figure><figure><img data-file="{pictures["d.jpg"].pk}"' in html
    assert html.count("srcset=") == 4 and "wp-block" not in html
    assert summary.counts["pictures"]["created"] == 3
    page = client.get(Article.objects.get().get_absolute_url())
    assert page.status_code == 200 and html in page.content.decode()
