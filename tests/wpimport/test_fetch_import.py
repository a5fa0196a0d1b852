"""`import_wordpress --fetch-media`: the old site's pictures downloaded, then imported."""

import pytest

from articles.models import Article
from pictures.models import Picture

from .test_fetch import JPEG, PNG, Site, body, status
from .wxr import WPPost, attachment, export

pytestmark = pytest.mark.django_db


def claims_to_be_huge(request) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "image/jpeg")
    request.send_header("Content-Length", str(300 * 2**20))
    request.end_headers()


def old_site(site: Site) -> str:
    uploads = "/wp-content/uploads/2024/05/"
    site.serve(uploads + "une.jpg", body(JPEG))
    site.serve(uploads + "quai.png", body(PNG, "image/png"))
    site.serve(uploads + "absente.jpg", status(404))
    site.serve(uploads + "enorme.jpg", claims_to_be_huge)
    lead = attachment(50, "2024/05/une.jpg", alt="La une")
    lead.attachment_url = site.url(uploads + "une.jpg")
    text = "".join(
        f'<p><img src="{site.url(uploads + name)}" alt="{name}"></p>'
        for name in ("quai.png", "absente.jpg", "enorme.jpg")
    )
    return export(lead, WPPost(1, content=text, meta={"_thumbnail_id": "50"}), site=site.base)


def test_pictures_are_fetched_once_and_failures_reported(command, site, tmp_path):
    folder = tmp_path / "uploads"
    out, _ = command(old_site(site), "--fetch-media", "--media-dir", str(folder))

    article = Article.objects.get()
    assert article.lead_picture.alt == "La une"
    quai = Picture.objects.get(file__endswith="quai.png")
    assert f'data-file="{quai.pk}"' in article.body
    # What could not be fetched is a link, never an <img> loaded from elsewhere.
    assert article.body.count("<img") == 1 and "absente.jpg</a>" in article.body
    assert "pictures fetched" in out
    assert "skipped 1: HTTP 404" in out
    assert "skipped 1: larger than the 25 MB limit" in out
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == ["quai.png", "une.jpg"]

    asked = len(site.requests)
    out, _ = command(old_site(site), "--fetch-media", "--media-dir", str(folder))
    # A second run asks only for what failed, and changes nothing.
    assert sorted(site.requests[asked:]) == [
        "/wp-content/uploads/2024/05/absente.jpg",
        "/wp-content/uploads/2024/05/enorme.jpg",
    ]
    assert Picture.objects.count() == 2 and Article.objects.count() == 1


def test_without_a_folder_pictures_go_beside_the_export(command, site, tmp_path):
    command(old_site(site), "--fetch-media")
    # The conftest's export file is export-1.xml in tmp_path.
    assert (tmp_path / "export-1-media/2024/05/une.jpg").read_bytes() == JPEG


def test_a_dry_run_fetches_nothing(command, site, tmp_path):
    out, _ = command(old_site(site), "--fetch-media", "--dry-run")
    assert site.requests == []
    assert "4 pictures to fetch (dry run: none was)" in out
    assert not (tmp_path / "export-1-media").exists()
