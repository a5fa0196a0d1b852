import pytest

from wpimport.content import comment_text, convert_body, parse_attrs, plain_text, wpautop


def convert(html: str, image=lambda url, alt: (url, None)) -> tuple[str, list[str]]:
    """Pictures are kept where they are unless `image` says otherwise."""
    notes: list[str] = []
    return convert_body(html, note=notes.append, image=image), notes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Un.\n\nDeux.", "<p>Un.</p>\n<p>Deux.</p>\n"),
        ("Ligne\nsuivante", "<p>Ligne<br />\nsuivante</p>\n"),
        ("<ul>\n<li>a</li>\n</ul>\nFin", "<ul>\n<li>a</li>\n</ul>\n<p>Fin</p>\n"),
        ("<blockquote>Cité</blockquote>", "<blockquote><p>Cité</p></blockquote>\n"),
        ("<pre>a\n\nb</pre>", "<pre>a\n\nb</pre>\n"),
        ("   ", ""),
    ],
)
def test_wpautop_makes_paragraphs_like_wordpress(text, expected):
    assert wpautop(text) == expected


def test_caption_becomes_a_figure_with_its_caption():
    html, _ = convert(
        '[caption id="a" caption="Légende"]<a href="x"><img src="y.jpg" /></a>[/caption]'
    )
    assert html == (
        '<figure><a href="x"><img src="y.jpg" /></a><figcaption>Légende</figcaption></figure>'
    )


def test_escaped_shortcodes_stay_text():
    html, notes = convert("Écrire [[gallery]] pour une galerie.")
    assert "[gallery]" in html and notes == []


def test_audio_and_video_players_become_links():
    html, notes = convert(
        '[audio mp3="https://x.example/a.mp3"][/audio]\n\n[video src="https://x.example/v.mp4"]'
    )
    assert '<a href="https://x.example/a.mp3">' in html
    assert '<a href="https://x.example/v.mp4">' in html
    assert notes == ["[audio] player kept as a link", "[video] player kept as a link"]


def test_unknown_enclosing_shortcode_keeps_its_text():
    html, notes = convert("[encadre couleur=rouge]Important[/encadre] et [note]texte[/note]")
    assert html == "<p>Important et texte</p>"
    assert notes == ["unknown shortcode [encadre] removed", "unknown shortcode [note] removed"]


def test_headings_fit_the_editor_levels():
    html, _ = convert("<h1>A</h1><h3>B</h3><h5>C</h5><h6>D</h6>")
    assert html == "<h2>A</h2>\n<h3>B</h3>\n<h3>C</h3>\n<h3>D</h3>"


def test_shortcode_attributes():
    assert parse_attrs(' ids="1,2" columns=3 https://x.example/a.mp3') == (
        {"ids": "1,2", "columns": "3"},
        ["https://x.example/a.mp3"],
    )


def test_titles_and_comments_become_plain_text():
    assert plain_text("Markup: <em>Title</em> &amp; <b>more</b>") == "Markup: Title & more"
    assert comment_text("Un<br>deux<p>trois</p>") == "Un\ndeux\n\ntrois"
