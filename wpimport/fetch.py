"""A WordPress site's pictures downloaded over http(s) into a local copy of its uploads folder.

`import_wordpress --fetch-media` calls fetch_media() before the import proper: each file the
export links to is fetched into the --media-dir folder, which the importer then reads as if
it had been copied from the old server, every file going through the editors' picture checks
there (pictures.images.prepare_upload). This module only downloads, and keeps pictures only.

- Resumable: a file already in the folder is not requested again. A download is written to a
  hidden temporary file next to its place and renamed into place only once complete and
  recognised as a picture, so an interrupted run leaves nothing a later run takes for done.
- Bounded: bodies are streamed in chunks and cut off at the size limit whatever
  Content-Length says (servers lie or leave it out), each connect and read has a time-out.
- Contained: only http and https addresses are requested, redirects included (urllib alone
  would follow one to ftp://), and a path from the export never leads out of the folder.
- One file's failure (HTTP 404, a time-out, an HTML page under a .jpg name) is reported
  with its reason in plain words and never stops the others.
"""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import ssl
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, cast
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urljoin, urlsplit, urlunsplit
from urllib.request import (
    HTTPDefaultErrorHandler,
    HTTPErrorProcessor,
    HTTPHandler,
    HTTPRedirectHandler,
    HTTPSHandler,
    OpenerDirector,
    ProxyHandler,
    Request,
)

from PIL import Image, UnidentifiedImageError

from pictures.images import ACCEPTED_FORMATS, MAX_BYTES

USER_AGENT = "Newsroom-WordPress-import/1"
SCHEMES = {"http", "https"}
CHUNK_BYTES = 64 * 1024
# Characters left as they are when an address from the export is made fit to send: RFC
# 3986's reserved ones and "%" (already-escaped addresses stay as they are); spaces and
# non-ASCII file names, which WordPress exports often carry raw, are percent-encoded.
_SAFE_IN_PATH = "/%!$&'()*+,;=:@"
_SAFE_IN_QUERY = _SAFE_IN_PATH + "?"
_REFUSED_PATH = "refused: the path is not inside the uploads folder"


@dataclass
class FetchFailure:
    relative: str
    url: str
    reason: str


@dataclass
class FetchReport:
    fetched: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: list[FetchFailure] = field(default_factory=list)


class _Failed(Exception):
    """One file cannot be fetched; the message is the reason, for the report."""


class _HttpOnlyRedirects(HTTPRedirectHandler):
    """urllib's redirects (with its loop detection), to http and https addresses only."""

    def http_error_302(self, req, fp, code, msg, headers):
        location = headers.get("Location") or headers.get("URI")
        if location and urlsplit(urljoin(req.full_url, location)).scheme.lower() not in SCHEMES:
            fp.close()
            raise _Failed("refused: redirected to an address that is not http or https")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def fetch_media(
    wanted: Iterable[tuple[str, str]],
    into: Path,
    *,
    timeout: float = 10.0,
    max_bytes: int | None = None,
    workers: int = 4,
    progress: Callable[[int, int], None] | None = None,
    opener: OpenerDirector | None = None,
) -> FetchReport:
    """Download each (path inside uploads, URL) of `wanted` to `into / path`, a few at once.

    A path given twice is fetched once, from its first URL. `progress(done, total)` is
    called once per distinct path, from the calling thread. The report lists paths in the
    order they were first wanted. `opener` replaces the default urllib opener (which has
    only http and https handlers and follows redirects to http and https only).
    """
    # MAX_BYTES comes from settings.NEWSROOM, which mypy sees as a dict of objects.
    limit = cast(int, MAX_BYTES) if max_bytes is None else max_bytes
    into.mkdir(parents=True, exist_ok=True)
    root = into.resolve()
    opener = opener or _default_opener()
    jobs: dict[str, str] = {}
    for relative, url in wanted:
        jobs.setdefault(relative, url)
    outcomes: dict[str, str | FetchFailure] = {}
    count = 0

    def finished(relative: str, outcome: str | FetchFailure) -> None:
        nonlocal count
        outcomes[relative] = outcome
        count += 1
        if progress is not None:
            progress(count, len(jobs))

    downloads: list[tuple[str, str, Path]] = []
    for relative, url in jobs.items():
        try:
            target = _target(root, relative)
            if _present(target):
                finished(relative, "already")
                continue
            address = _address(url)
        except _Failed as exc:
            finished(relative, FetchFailure(relative, url, str(exc)))
            continue
        downloads.append((relative, address, target))

    if downloads:
        executor = ThreadPoolExecutor(
            max_workers=max(1, min(workers, len(downloads))), thread_name_prefix="wp-media"
        )
        try:
            futures: dict[Future[str | None], str] = {
                executor.submit(_download, address, target, opener, timeout, limit): relative
                for relative, address, target in downloads
            }
            for future in as_completed(futures):
                relative = futures[future]
                reason = future.result()
                finished(
                    relative,
                    "fetched" if reason is None else FetchFailure(relative, jobs[relative], reason),
                )
        finally:
            # Interrupted (Ctrl-C): downloads not started are dropped; the running ones end
            # (each read has a time-out) and remove their temporary files.
            executor.shutdown(wait=True, cancel_futures=True)

    report = FetchReport()
    for relative in jobs:
        outcome = outcomes[relative]
        if isinstance(outcome, FetchFailure):
            report.failed.append(outcome)
        elif outcome == "already":
            report.already.append(relative)
        else:
            report.fetched.append(relative)
    return report


def _default_opener() -> OpenerDirector:
    """An opener that can fetch http and https only (no file:, ftp: or data: handler)."""
    opener = OpenerDirector()
    for handler in (
        ProxyHandler(),
        HTTPHandler(),
        HTTPSHandler(),
        HTTPDefaultErrorHandler(),
        _HttpOnlyRedirects(),
        HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    opener.addheaders = [("User-Agent", USER_AGENT)]
    return opener


def _target(root: Path, relative: str) -> Path:
    """Where `relative` goes inside `root` (resolved), or _Failed if it would lead out."""
    pure = PurePosixPath(relative)
    if (
        not relative.strip()
        or "\x00" in relative
        or "\\" in relative
        or pure.is_absolute()
        or ".." in pure.parts
    ):
        raise _Failed(_REFUSED_PATH)
    try:
        target = (root / pure).resolve()
    except (OSError, RuntimeError) as exc:  # a symbolic link loop
        raise _Failed(_REFUSED_PATH) from exc
    # A symbolic link inside the folder must not lead out of it either.
    if target == root or not target.is_relative_to(root):
        raise _Failed(_REFUSED_PATH)
    return target


def _present(target: Path) -> bool:
    # An empty file is what a crash between creating and writing a file can leave.
    try:
        return target.is_file() and target.stat().st_size > 0
    except OSError:
        return False


def _address(url: str) -> str:
    """The URL ready to send (spaces and non-ASCII escaped), or _Failed if not http(s)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        _ = parts.port  # raises ValueError when the port is not a number
    except ValueError as exc:
        raise _Failed(f"refused: not a valid address ({exc})") from exc
    if parts.scheme.lower() not in SCHEMES:
        raise _Failed("refused: only http and https addresses are fetched")
    if not host:
        raise _Failed("refused: the address has no host name")
    path = quote(parts.path, safe=_SAFE_IN_PATH) or "/"
    return urlunsplit(
        (parts.scheme, parts.netloc, path, quote(parts.query, safe=_SAFE_IN_QUERY), "")
    )


def _download(
    address: str, target: Path, opener: OpenerDirector, timeout: float, limit: int
) -> str | None:
    """Fetch one file into place: None when done, else the reason it was not."""
    try:
        _fetch(address, target, opener, timeout, limit)
    except _Failed as exc:
        return str(exc)
    except HTTPError as exc:
        exc.close()
        if 300 <= exc.code < 400 and exc.headers.get("Location"):
            return "too many redirects"
        return f"HTTP {exc.code}"
    except URLError as exc:
        return _network_reason(exc.reason, timeout)
    except (OSError, http.client.HTTPException) as exc:
        return _network_reason(exc, timeout)
    except ValueError as exc:  # http.client.InvalidURL, a redirect to a malformed address
        return f"refused: not a valid address ({exc})"
    except Exception as exc:  # one file's surprise must not stop the others; it is reported
        return f"unexpected error ({type(exc).__name__}: {exc})"
    return None


def _fetch(address: str, target: Path, opener: OpenerDirector, timeout: float, limit: int) -> None:
    request = Request(address, headers={"User-Agent": USER_AGENT})
    temporary = target.with_name(f".newsroom-fetch-{secrets.token_hex(6)}.part")
    try:
        with opener.open(request, timeout=timeout) as response:
            declared = _declared_length(response.headers)
            if declared is not None and declared > limit:
                raise _Failed(_too_large(limit))
            kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            size = _save(response, temporary, target.parent, limit)
        if declared is not None and size < declared:
            raise _Failed(
                f"the server closed the connection early ({size:,} of {declared:,} bytes)"
            )
        if size == 0:
            raise _Failed("empty response")
        _check_picture(temporary, kind or "no type given")
        try:
            temporary.replace(target)
        except OSError as exc:
            raise _Failed(f"could not save the file ({exc.strerror or exc})") from exc
    finally:
        temporary.unlink(missing_ok=True)


def _declared_length(headers) -> int | None:
    """Content-Length, unless absent, invalid or overridden by chunked encoding."""
    if headers.get("Transfer-Encoding"):
        return None
    value = (headers.get("Content-Length") or "").strip()
    return int(value) if value.isdigit() else None


def _save(response: BinaryIO, temporary: Path, folder: Path, limit: int) -> int:
    """Stream the body into `temporary`, chunk by chunk; the number of bytes written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        out = temporary.open("xb")
    except OSError as exc:
        raise _Failed(f"could not save the file ({exc.strerror or exc})") from exc
    size = 0
    with out:
        while chunk := response.read(CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                raise _Failed(_too_large(limit))
            try:
                out.write(chunk)
            except OSError as exc:
                raise _Failed(f"could not save the file ({exc.strerror or exc})") from exc
        try:
            out.flush()
            # On disk before the rename: after a power cut, a file in place is a whole file.
            os.fsync(out.fileno())
        except OSError as exc:
            raise _Failed(f"could not save the file ({exc.strerror or exc})") from exc
    return size


def _check_picture(path: Path, kind: str) -> None:
    """_Failed unless Pillow recognises a JPEG, PNG, GIF or WebP picture in the file."""
    try:
        with Image.open(path) as image:
            found = image.format
            image.verify()
    except UnidentifiedImageError as exc:
        raise _Failed(f"not a picture ({kind})") from exc
    except Image.DecompressionBombError as exc:
        raise _Failed("not a picture that can be opened safely (far too many pixels)") from exc
    except Exception as exc:  # Pillow's plugins raise many kinds on damaged files
        raise _Failed(f"not a picture ({kind}, damaged or incomplete: {exc})") from exc
    if found not in ACCEPTED_FORMATS:
        raise _Failed(f"not a picture ({found or 'unknown'}, not JPEG, PNG, GIF or WebP)")


def _too_large(limit: int) -> str:
    if limit >= 2**20 and limit % 2**20 == 0:
        return f"larger than the {limit // 2**20} MB limit"
    return f"larger than the {limit:,}-byte limit"


def _network_reason(error: object, timeout: float) -> str:
    """A network error in plain words (urllib wraps most of them in URLError.reason)."""
    if isinstance(error, TimeoutError):  # socket.timeout too
        return f"timed out after {timeout:g} s"
    if isinstance(error, socket.gaierror):
        return "the server's name was not found (DNS)"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"the server's certificate was refused ({error.verify_message})"
    if isinstance(error, ssl.SSLError):
        return f"the secure connection failed ({error.reason or error})"
    if isinstance(error, http.client.IncompleteRead):
        return "the server closed the connection early"
    if isinstance(error, ConnectionError):  # RemoteDisconnected too
        return "the server closed the connection"
    if isinstance(error, http.client.HTTPException):
        return f"not a valid HTTP response ({type(error).__name__})"
    if isinstance(error, OSError):
        return f"network error ({error.strerror or error})"
    return f"network error ({error})"
