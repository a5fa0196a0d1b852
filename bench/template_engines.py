"""The homepage's cards rendered by Django's template engine and by Jinja2, from the same
objects: which engine the reader templates should use, by measurement.

    python bench/template_engines.py [--articles 100000] [--repeat 200]

Reads the homepage's stories from bench/pages.py's database (they must exist: run
bench/pages.py once), renders its cards (lead, latest, section blocks: the markup of
templates/articles/_card.html, _picture.html and _byline.html) with the project's Django
templates and with a Jinja2 translation of them kept here (bench/jinja2/, through
Django's own Jinja2 backend, autoescape on), checks that both give the same text, and
reports the CPU time per render and the ratio. Needs Jinja2 (`pip install -e ".[bench]"`).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import pages  # noqa: E402 - the bench database's settings


def environment(**options):
    """The Jinja2 environment: Django's filters and translations the card templates use."""
    from django.template.defaultfilters import date
    from django.utils.timezone import template_localtime
    from django.utils.translation import gettext, ngettext
    from jinja2 import Environment

    from pictures.templatetags import picture_tags
    from website.templatetags import articles_tags

    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.filters.update(
        # Django's engine shows datetimes in the current time zone before any filter.
        date=lambda value, arg=None: date(template_localtime(value), arg),
        srcset=picture_tags.srcset,
        largest=picture_tags.largest,
        comment_count=articles_tags.comment_count,
    )
    return env


def homepage_cards() -> list[dict]:
    """The cards of templates/articles/home.html, with the options each include passes."""
    from django.test import RequestFactory

    from website.views import FrontPageView

    view = FrontPageView()
    view.setup(RequestFactory().get("/"))
    context = view.get_context_data()
    options = ("size", "show_image", "show_section", "show_standfirst", "show_byline", "lazy")

    def card(article, *values) -> dict:
        return {"article": article, "level": 3, **dict(zip(options, values, strict=True))}

    cards = [card(context["lead"], "lead", True, True, True, True, False)]
    cards += [card(a, "compact", False, True, False, False, False) for a in context["latest"]]
    for _section, block in context["section_blocks"]:
        cards += [card(a, "", True, False, n == 0, False, True) for n, a in enumerate(block)]
    return cards


def cpu_ms(render, repeat: int) -> float:
    render()
    started = time.process_time()
    for _ in range(repeat):
        render()
    return (time.process_time() - started) * 1000 / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    pages.use_database(args.articles)
    os.environ.update(pages.ENV, DJANGO_SETTINGS_MODULE="newsroom.settings")
    import django

    django.setup()
    from django.template import engines
    from django.template.backends.jinja2 import Jinja2
    from django.utils import translation

    translation.activate("fr")
    cards = homepage_cards()
    django_cards = engines["django"].from_string((BENCH / "dtl_cards.html").read_text())
    jinja = Jinja2(
        {
            "NAME": "bench-jinja2",
            "DIRS": [BENCH / "jinja2"],
            "APP_DIRS": False,
            "OPTIONS": {"environment": "template_engines.environment"},
        }
    )
    jinja_cards = jinja.get_template("articles/cards.html")
    context = {"cards": cards}
    ours, theirs = django_cards.render(context), jinja_cards.render(context)

    def words(html: str) -> str:
        # The same text, the same markup: blanks collapsed, and ' escaped one way (Django
        # writes &#x27;, MarkupSafe &#39;).
        return re.sub(r"\s+", " ", html).strip().replace("&#39;", "&#x27;")

    if words(ours) != words(theirs):
        import difflib

        diff = difflib.unified_diff(
            words(ours).replace("> <", ">\n<").split("\n"),
            words(theirs).replace("> <", ">\n<").split("\n"),
            lineterm="",
            n=0,
        )
        raise SystemExit("the two engines do not render the same cards:\n" + "\n".join(diff))
    dtl = cpu_ms(lambda: django_cards.render(context), args.repeat)
    j2 = cpu_ms(lambda: jinja_cards.render(context), args.repeat)
    print(
        f"Homepage cards ({len(cards)} cards, {len(ours):,} characters, identical text), "
        f"{args.articles:,}-article database, CPU per render over {args.repeat} renders:\n\n"
        "| engine | ms per render | × Django templates |\n| --- | ---: | ---: |\n"
        f"| Django templates | {dtl:.2f} | 1.00 |\n| Jinja2 (Django's backend) | {j2:.2f} | "
        f"{j2 / dtl:.2f} |"
    )


if __name__ == "__main__":
    main()
