"""The admin's home: what the desk is doing today, for each role, in fixed queries."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from articles.roles import CONTRIBUTOR, EDITOR
from comments.models import Comment
from desk.charts import bar_chart, nice_ceiling, row_chart
from tests.comments.factories import CommentFactory
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db
HOME = "/admin/"


def staff(username: str, role: str) -> User:
    user = User.objects.create_user(username, password="secret-42", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def desk_of(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def figures(html: str, chart_id: str) -> dict[str, int]:
    """The text equivalent of a chart: its table, label -> value."""
    svg_at = html.index(f'id="{chart_id}-title"')
    table = html[svg_at : html.index("</table>", svg_at)]
    return {
        label: int(value)
        for label, value in re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', table)
    }


def test_an_editor_sees_the_whole_desk_today(client):
    editor = staff("sara", EDITOR)
    now = timezone.now()
    monde = SectionFactory(name="Monde")
    ArticleFactory(title="Mon brouillon", status=Article.Status.DRAFT, created_by=editor)
    ArticleFactory(title="À relire", status=Article.Status.REVIEW)
    ArticleFactory(title="Prévu demain", published_at=now + timedelta(days=1))
    ArticleFactory(title="Paru ce matin", section=monde, published_at=now - timedelta(minutes=5))
    corrected = ArticleFactory(title="Article corrigé", published_at=now - timedelta(days=2))
    Correction.objects.create(article=corrected, text="Le chiffre était faux.")
    old = CommentFactory(article=corrected, status="pending")
    Comment.objects.filter(pk=old.pk).update(created_at=now - timedelta(hours=30))
    CommentFactory(article=corrected, status="pending")

    html = desk_of(client, editor)
    for shown in ["Mon brouillon", "À relire", "Prévu demain", "Paru ce matin", "Article corrigé"]:
        assert shown in html
    assert "Le chiffre était faux." in html
    assert "Commentaires en attente" in html and "Le plus ancien attend depuis 1" in html
    assert 'href="/admin/comments/comment/?status__exact=pending"' in html
    ages = figures(html, "queue-age")
    assert list(ages.values()) == [1, 0, 0, 1, 0]
    assert figures(html, "per-section")["Monde"] == 1
    assert sum(figures(html, "per-day").values()) == 2  # this morning's and the corrected one


def test_a_contributor_sees_only_their_own_work_and_no_moderation(client):
    camille = staff("camille", CONTRIBUTOR)
    AuthorFactory(name="Camille", user=camille)
    ArticleFactory(title="Brouillon de Camille", status=Article.Status.DRAFT, created_by=camille)
    ArticleFactory(
        title="En relecture de Camille", status=Article.Status.REVIEW, created_by=camille
    )
    ArticleFactory(title="Brouillon d’un autre", status=Article.Status.DRAFT)
    ArticleFactory(title="Relecture d’un autre", status=Article.Status.REVIEW)
    CommentFactory(status="pending")
    html = desk_of(client, camille)
    assert "Brouillon de Camille" in html and "En relecture de Camille" in html
    assert "d’un autre" not in html
    assert "Commentaires en attente" not in html


def test_the_week_is_a_calendar_of_seven_days_from_today(client):
    editor = staff("sara", EDITOR)
    now = timezone.localtime()
    in_three_days = now + timedelta(days=3)
    ArticleFactory(title="Dans trois jours", published_at=in_three_days)
    ArticleFactory(title="Dans dix jours", published_at=now + timedelta(days=10))
    html = desk_of(client, editor)
    week = html[
        html.index('class="desk-week"') : html.index("</ol>", html.index('class="desk-week"'))
    ]
    days = re.findall(r'<li class="desk-day[^"]*">', week)
    assert len(days) == 7 and "desk-day--today" in days[0]
    fourth_day = week.split('<li class="desk-day')[4]
    assert "Dans trois jours" in fourth_day and in_three_days.strftime("%H:%M") in fourth_day
    assert "Dans dix jours" not in html


def test_the_charts_are_svg_with_numbers_a_browser_reads(client):
    """French formats 12.5 as "12,5": the drawing's coordinates must stay numbers."""
    editor = staff("sara", EDITOR)
    for days_ago in (0, 1, 1, 7):
        ArticleFactory(published_at=timezone.now() - timedelta(days=days_ago, minutes=1))
    html = desk_of(client, editor)
    start = html.index("<svg viewBox")
    drawing = html[start : html.index("</svg>", start)]
    coordinates = re.findall(r' (?:x|y|width|height)="([^"]*)"', drawing)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates)


def test_the_desk_runs_a_fixed_number_of_queries_whatever_the_data(client):
    editor = staff("sara", EDITOR)
    client.force_login(editor)
    client.get(HOME)  # the session's first admin page also reads the admin language
    counts = []
    for batch in (1, 12):
        now = timezone.now()
        section = SectionFactory()
        for n in range(batch):
            ArticleFactory(status=Article.Status.DRAFT, created_by=editor)
            ArticleFactory(status=Article.Status.REVIEW)
            ArticleFactory(published_at=now + timedelta(days=n % 7, hours=1))
            published = ArticleFactory(section=section, published_at=now - timedelta(days=n % 30))
            Correction.objects.create(article=published, text="Précision.")
            CommentFactory(article=published, status="pending")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_desk_is_the_admin_home_with_the_site_map_beside_it(admin_client):
    html = admin_client.get(HOME).content.decode()
    assert "Aujourd’hui à la rédaction" in html
    assert reverse("admin:articles_article_changelist") in html


# The charts' geometry ------------------------------------------------------------------


@pytest.mark.parametrize(("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (48, 50)])
def test_the_axis_top_is_a_round_number(value, top):
    assert nice_ceiling(value) == top


def test_bars_are_proportional_on_a_shared_scale():
    chart = bar_chart([("a", 1), ("b", 4), ("c", 0)], width=332, height=128)
    heights = [bar.height for bar in chart.bars]
    assert heights[2] == 0 and heights[1] == 4 * heights[0]
    assert [tick.value for tick in chart.ticks] == [0, 1, 2, 3, 4, 5] and chart.total == 5
    assert [tick.value for tick in bar_chart([("a", 1)]).ticks] == [0, 1]
    assert [tick.value for tick in bar_chart([("a", 17)]).ticks] == [0, 10, 20]
    assert all(bar.y + bar.height == pytest.approx(chart.plot_bottom) for bar in chart.bars)
    assert bar_chart([]).is_empty


def test_rows_scale_to_the_largest_value():
    chart = row_chart([("Monde", 10), ("Sport", 5)])
    assert chart.rows[0].width == 2 * chart.rows[1].width
    assert chart.rows[1].y == chart.row_height
