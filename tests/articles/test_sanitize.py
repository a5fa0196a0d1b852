import re

import pytest
from django_prose_editor.config import allowlist_from_extensions

from articles.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    EDITOR_EXTENSIONS,
    clean_html,
)

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=x></form>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="https://example.org" onclick="alert(1)" onmouseover="alert(1)">ok</a>',
    '<div onclick="alert(1)"><p>texte</p></div>',
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<h2 onmouseover="alert(1)">Titre</h2>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
]

DANGEROUS = re.compile(
    r"<script|<svg|<math|<iframe|<object|<embed|<form|<style|<meta|<base|<div|\son\w+=|"
    r"javascript:|vbscript:|data:|style=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_html_never_survives(html):
    cleaned = clean_html(html)
    assert not DANGEROUS.search(cleaned), cleaned
    assert clean_html(cleaned) == cleaned  # stable: cleaning twice changes nothing


def test_links_to_other_sites_get_noopener_and_keep_their_text():
    cleaned = clean_html(
        '<p>Voir <a href="https://example.org/rapport" title="Rapport">ici</a></p>'
    )
    assert cleaned == (
        '<p>Voir <a href="https://example.org/rapport" title="Rapport" rel="noopener">ici</a></p>'
    )


def test_bare_urls_in_text_are_not_turned_into_links():
    assert clean_html("<p>https://example.org</p>") == "<p>https://example.org</p>"


def test_word_paste_is_cleaned_not_rejected():
    pasted = (
        '<p class="MsoNormal" style="margin:0cm"><span lang="FR" style="font-size:12pt">'
        "Le texte <b>important</b><o:p></o:p></span></p>"
        '<h2 class="MsoHeading2"><span style="color:#2F5496">Intertitre</span></h2>'
    )
    assert clean_html(pasted) == "<p>Le texte <b>important</b></p><h2>Intertitre</h2>"


def test_allowed_structure_survives():
    html = (
        "<h2>Titre</h2><h3>Sous-titre</h3><p><strong>gras</strong> <em>italique</em></p>"
        "<blockquote><p>Citation</p></blockquote><ul><li>un</li></ul><ol><li>deux</li></ol>"
    )
    assert clean_html(html) == html


def test_editor_toolbar_and_sanitizer_allow_list_agree():
    editor = allowlist_from_extensions(EDITOR_EXTENSIONS)
    # Everything the editor can produce is kept by the sanitizer…
    assert editor["tags"] <= ALLOWED_TAGS
    for tag, attributes in editor["attributes"].items():
        # The figure's class is the editor's own default ("figure"), given back on load.
        dropped = {"target", "class"} if tag == "figure" else {"target"}
        kept = {a for a in attributes if not a.startswith("data-") and a not in dropped}
        assert kept <= set(ALLOWED_ATTRIBUTES.get(tag, [])), tag
    assert set(editor.get("url_schemes", ALLOWED_PROTOCOLS)) <= ALLOWED_PROTOCOLS
    # …and the sanitizer keeps little the editor cannot make (quotations and line breaks
    # come from the toolbar’s marks, table footers from imports).
    assert ALLOWED_TAGS - editor["tags"] <= {"cite", "q", "i", "b", "tfoot"}


def test_preformatted_text_keeps_its_first_blank_line_on_every_save():
    # An HTML parser drops the line break right after <pre>; the text must not shrink.
    once = clean_html("<pre>\n\n  total = 3\n</pre>")
    assert clean_html(once) == once == "<pre>\n\n  total = 3\n</pre>"
