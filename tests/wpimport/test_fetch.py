"""Media fetched from a test server on 127.0.0.1: pictures kept, everything else reported."""

import io
import random
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import URLError

import pytest
from PIL import Image

from wpimport.fetch import FetchFailure, FetchReport, fetch_media

Route = Callable[[BaseHTTPRequestHandler], None]
UPLOADS = "/wp-content/uploads/"
LIMIT = 2_000  # bytes, for the size tests: the pictures below are smaller, BIG is larger
REFUSED_PATH = "refused: the path is not inside the uploads folder"
REFUSED_SCHEME = "refused: only http and https addresses are fetched"


def picture(kind: str, size: tuple[int, int] = (40, 30), *, noise: bool = False) -> bytes:
    if noise:  # noise does not compress: a file of a predictable, larger size
        pixels = random.Random(1).randbytes(size[0] * size[1] * 3)
        image = Image.frombytes("RGB", size, pixels)
    else:
        image = Image.new("RGB", size, (200, 40, 90))
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


JPEG = picture("JPEG")
PNG = picture("PNG")
GIF = picture("GIF")
WEBP = picture("WEBP")
BMP = picture("BMP", (10, 10))
BIG = picture("PNG", (64, 64), noise=True)
assert max(map(len, (JPEG, PNG, GIF, WEBP, BMP))) < LIMIT < len(BIG)


class Site:
    """The test server's routes, and what it was asked."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.user_agents: list[str] = []
        self.release = threading.Event()  # ends the slow responses when the test is over
        self.base = ""

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)


class _Server(ThreadingHTTPServer):
    site: Site


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        site = self.server.site
        site.requests.append(self.path)
        site.user_agents.append(self.headers.get("User-Agent", ""))
        route = site.routes.get(self.path)
        try:
            if route is None:
                self.send_error(404)
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up, as the size limit and the time-out tests want

    def log_message(self, format, *args) -> None:
        pass


def body(data: bytes, content_type: str = "image/jpeg", *, length: bool = True) -> Route:
    def route(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        if length:  # without it, HTTP/1.0: the body ends when the connection closes
            request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    return route


def status(code: int) -> Route:
    def route(request: BaseHTTPRequestHandler) -> None:
        request.send_error(code)

    return route


def redirect(location: str, code: int = 302) -> Route:
    def route(request: BaseHTTPRequestHandler) -> None:
        request.send_response(code)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return route


def truncated(data: bytes, declared: int) -> Route:
    """Announces `declared` bytes, sends `data` (fewer) and closes: a dropped connection."""

    def route(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "image/png")
        request.send_header("Content-Length", str(declared))
        request.end_headers()
        request.wfile.write(data)

    return route


def slow(site: Site, seconds: float = 2.0) -> Route:
    def route(request: BaseHTTPRequestHandler) -> None:
        site.release.wait(seconds)
        body(JPEG)(request)

    return route


@pytest.fixture
def site(monkeypatch) -> Iterator[Site]:
    # The server is on this machine: no proxy from the environment may stand in between.
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
    site = Site()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.site = site
    site.base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield site
    site.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def uploads(tmp_path) -> Path:
    return tmp_path / "uploads"


def files_in(folder: Path) -> list[str]:
    """Every file under `folder`, hidden ones (temporary files) included."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


GOOD = {
    "2024/05/photo.jpg": JPEG,
    "2024/05/chart.png": PNG,
    "2023/12/animation.gif": GIF,
    "2023/12/modern.webp": WEBP,
}


def serve_good(site: Site) -> list[tuple[str, str]]:
    kinds = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
    return [
        (relative, site.serve(UPLOADS + relative, body(data, kinds[relative.rsplit(".")[-1]])))
        for relative, data in GOOD.items()
    ]


def test_every_picture_is_fetched_with_identical_bytes(site, uploads):
    report = fetch_media(serve_good(site), uploads)

    assert report == FetchReport(fetched=list(GOOD), already=[], failed=[])
    assert files_in(uploads) == sorted(GOOD)
    for relative, data in GOOD.items():
        assert (uploads / relative).read_bytes() == data


def test_a_second_run_fetches_nothing_and_counts_the_files_already_there(site, uploads):
    wanted = serve_good(site)
    fetch_media(wanted, uploads)
    asked = len(site.requests)

    again = fetch_media(wanted, uploads)

    assert again == FetchReport(fetched=[], already=list(GOOD), failed=[])
    assert len(site.requests) == asked


def test_an_empty_file_left_by_a_crash_is_fetched_again(site, uploads):
    (uploads / "2024/05").mkdir(parents=True)
    (uploads / "2024/05/photo.jpg").write_bytes(b"")

    report = fetch_media([("2024/05/photo.jpg", site.serve("/photo.jpg", body(JPEG)))], uploads)

    assert report.fetched == ["2024/05/photo.jpg"]
    assert (uploads / "2024/05/photo.jpg").read_bytes() == JPEG


FAILURES = {
    "missing": (status(404), "HTTP 404"),
    "server-error": (status(500), "HTTP 500"),
    "too-large-declared": (body(BIG, "image/png"), "larger than the 2,000-byte limit"),
    "too-large-undeclared": (
        body(BIG, "image/png", length=False),
        "larger than the 2,000-byte limit",
    ),
    "html-page": (
        body(b"<!doctype html><p>Not found</p>", "text/html"),
        "not a picture (text/html)",
    ),
    "text-said-to-be-a-jpeg": (body(b"hello " * 20), "not a picture (image/jpeg)"),
    "bitmap": (body(BMP, "image/bmp"), "not a picture (BMP, not JPEG, PNG, GIF or WebP)"),
    "damaged-png": (
        body(PNG[:60], "image/png"),
        "not a picture (image/png, damaged or incomplete",
    ),
    "empty": (body(b""), "empty response"),
    "cut-off": (
        truncated(BIG[:1_000], 1_500),
        "the server closed the connection early (1,000 of 1,500 bytes)",
    ),
    "redirect-loop": (redirect("/wp-content/uploads/bad.jpg"), "too many redirects"),
    "redirect-to-a-file": (
        redirect("file:///etc/passwd"),
        "refused: redirected to an address that is not http or https",
    ),
    "redirect-to-ftp": (
        redirect("ftp://127.0.0.1/photo.jpg"),
        "refused: redirected to an address that is not http or https",
    ),
}


@pytest.mark.parametrize("case", FAILURES)
def test_a_bad_response_is_reported_and_leaves_no_file(site, uploads, case):
    route, reason = FAILURES[case]
    url = site.serve(UPLOADS + "bad.jpg", route)

    report = fetch_media([("2024/05/bad.jpg", url)], uploads, max_bytes=LIMIT, timeout=2)

    assert report.fetched == report.already == []
    [failure] = report.failed
    assert (failure.relative, failure.url) == ("2024/05/bad.jpg", url)
    assert failure.reason.startswith(reason)
    assert files_in(uploads) == []  # temporary files included


def test_a_response_slower_than_the_time_out_is_reported(site, uploads):
    url = site.serve("/slow.jpg", slow(site, seconds=2))

    report = fetch_media([("2024/05/slow.jpg", url)], uploads, timeout=0.5)

    assert report.failed == [FetchFailure("2024/05/slow.jpg", url, "timed out after 0.5 s")]
    assert files_in(uploads) == []


def test_an_endless_body_is_cut_off_at_the_limit(site, uploads):
    sent = []
    done = threading.Event()

    def endless(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "image/jpeg")
        request.end_headers()
        try:
            for _ in range(1_600):  # 100 MB, unless the client hangs up first
                request.wfile.write(b"\xff" * 65_536)
                sent.append(65_536)
        finally:
            done.set()

    url = site.serve("/endless.jpg", endless)

    report = fetch_media([("2024/05/endless.jpg", url)], uploads, max_bytes=LIMIT)

    assert [f.reason for f in report.failed] == ["larger than the 2,000-byte limit"]
    assert done.wait(10)
    assert sum(sent) < 20 * 2**20
    assert files_in(uploads) == []


def test_one_failure_does_not_stop_the_others(site, uploads):
    wanted = serve_good(site)
    wanted.insert(1, ("2024/05/gone.jpg", site.url("/gone.jpg")))
    wanted.insert(3, ("2024/05/page.jpg", site.serve("/page.jpg", body(b"<html>", "text/html"))))
    wanted.append(("2024/05/big.png", site.serve("/big.png", body(BIG, "image/png"))))

    report = fetch_media(wanted, uploads, max_bytes=LIMIT)

    assert report.fetched == list(GOOD)
    assert {f.relative: f.reason for f in report.failed} == {
        "2024/05/gone.jpg": "HTTP 404",
        "2024/05/page.jpg": "not a picture (text/html)",
        "2024/05/big.png": "larger than the 2,000-byte limit",
    }
    assert files_in(uploads) == sorted(GOOD)


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_a_redirect_to_a_picture_is_followed(site, uploads, code):
    site.serve("/new/photo.jpg", body(JPEG))
    url = site.serve("/old/photo.jpg", redirect("/new/photo.jpg", code))

    report = fetch_media([("2024/05/photo.jpg", url)], uploads)

    assert report.fetched == ["2024/05/photo.jpg"]
    assert (uploads / "2024/05/photo.jpg").read_bytes() == JPEG


@pytest.mark.parametrize(
    "relative",
    ["../outside.jpg", "2024/../../outside.jpg", "/tmp/outside.jpg", "", "2024\\..\\x.jpg"],
)
def test_a_path_out_of_the_folder_is_refused(site, uploads, tmp_path, relative):
    url = site.serve("/photo.jpg", body(JPEG))

    report = fetch_media([(relative, url)], uploads)

    assert report.failed == [FetchFailure(relative, url, REFUSED_PATH)]
    assert site.requests == []
    assert files_in(tmp_path) == []


def test_a_symbolic_link_out_of_the_folder_is_refused(site, uploads, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    uploads.mkdir()
    (uploads / "2024").symlink_to(tmp_path / "elsewhere")

    report = fetch_media([("2024/photo.jpg", site.serve("/photo.jpg", body(JPEG)))], uploads)

    assert [f.reason for f in report.failed] == [REFUSED_PATH]
    assert site.requests == []
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://127.0.0.1/photo.jpg", REFUSED_SCHEME),
        ("file:///etc/passwd", REFUSED_SCHEME),
        ("javascript:alert(1)", REFUSED_SCHEME),
        ("data:image/png;base64,iVBORw0KGgo=", REFUSED_SCHEME),
        ("/wp-content/uploads/photo.jpg", REFUSED_SCHEME),
        ("http:///photo.jpg", "refused: the address has no host name"),
        ("http://127.0.0.1:port/photo.jpg", "refused: not a valid address"),
    ],
)
def test_only_http_and_https_addresses_are_fetched(site, uploads, url, reason):
    report = fetch_media([("2024/05/photo.jpg", url)], uploads)

    [failure] = report.failed
    assert failure.reason.startswith(reason)
    assert site.requests == []
    assert files_in(uploads) == []


def test_files_are_fetched_several_at_once(site, uploads):
    # Each response waits until four requests are in flight: one at a time would time out.
    together = threading.Barrier(4, timeout=5)

    def in_fours(request: BaseHTTPRequestHandler) -> None:
        try:
            together.wait()
        except threading.BrokenBarrierError:
            request.send_error(503)
            return
        body(PNG, "image/png")(request)

    wanted = [(f"2024/06/p{n}.png", site.serve(f"/p{n}.png", in_fours)) for n in range(12)]

    report = fetch_media(wanted, uploads, workers=4)

    assert report.fetched == [relative for relative, _ in wanted]
    assert report.failed == []
    assert all((uploads / relative).read_bytes() == PNG for relative, _ in wanted)
    assert files_in(uploads) == sorted(relative for relative, _ in wanted)


def test_a_path_wanted_twice_is_fetched_once_from_its_first_address(site, uploads):
    first = site.serve("/first.jpg", body(JPEG))
    second = site.serve("/second.png", body(PNG, "image/png"))

    report = fetch_media([("2024/05/photo.jpg", first), ("2024/05/photo.jpg", second)], uploads)

    assert report.fetched == ["2024/05/photo.jpg"]
    assert site.requests == ["/first.jpg"]
    assert (uploads / "2024/05/photo.jpg").read_bytes() == JPEG


def test_progress_counts_every_distinct_file(site, uploads):
    (uploads / "2024").mkdir(parents=True)
    (uploads / "2024/here.jpg").write_bytes(JPEG)
    calls = []
    wanted = [
        ("2024/here.jpg", site.url("/here.jpg")),
        ("../out.jpg", site.url("/out.jpg")),
        *serve_good(site),
        ("2024/05/photo.jpg", site.url("/duplicate.jpg")),
    ]

    fetch_media(wanted, uploads, progress=lambda done, total: calls.append((done, total)))

    assert calls == [(n, 6) for n in range(1, 7)]


def test_requests_name_the_importer(site, uploads):
    fetch_media([("photo.jpg", site.serve("/photo.jpg", body(JPEG)))], uploads)

    assert site.user_agents == ["Newsroom-WordPress-import/1"]


def test_spaces_and_accents_in_addresses_are_escaped(site, uploads):
    site.serve("/uploads/2024/05/caf%C3%A9%20au%20lait.jpg", body(JPEG))

    report = fetch_media(
        [("2024/05/café au lait.jpg", site.url("/uploads/2024/05/café au lait.jpg"))], uploads
    )

    assert report.fetched == ["2024/05/café au lait.jpg"]
    assert (uploads / "2024/05/café au lait.jpg").read_bytes() == JPEG


def test_a_refused_connection_is_reported(uploads):
    with socket.socket() as probe:  # a port nobody listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    report = fetch_media([("photo.jpg", f"http://127.0.0.1:{port}/photo.jpg")], uploads)

    assert [f.reason for f in report.failed] == ["connection refused"]


class FailingOpener:
    """Stands in for urllib's opener: each request fails with `error`, no network involved."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def open(self, request, timeout=None):
        raise self.error


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (URLError(socket.gaierror(-2, "Name or service not known")), "not found (DNS)"),
        (URLError(TimeoutError("timed out")), "timed out after 3 s"),
        (TimeoutError("timed out"), "timed out after 3 s"),
        (URLError(ConnectionResetError(104, "Connection reset by peer")), "closed the connection"),
        (
            URLError(OSError(101, "Network is unreachable")),
            "network error (Network is unreachable)",
        ),
        (URLError("no host given"), "network error (no host given)"),
    ],
)
def test_network_errors_are_reported_in_plain_words(uploads, error, reason):
    report = fetch_media(
        [("photo.jpg", "https://old.example/photo.jpg")],
        uploads,
        timeout=3,
        opener=FailingOpener(error),
    )

    [failure] = report.failed
    assert reason in failure.reason
    assert files_in(uploads) == []
