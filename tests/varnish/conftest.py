"""Varnish in front of the live test server, configured by the repository's own VCL.

Debian's varnish and varnish-modules (vmod xkey); without them the tests are skipped,
except where NEWSROOM_REQUIRE_VARNISH=1 (CI), where a missing Varnish fails the run.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

VCL = Path(__file__).resolve().parents[2] / "deploy" / "varnish" / "newsroom.vcl"
MISSING = "varnishd not found (apt-get install varnish varnish-modules): Varnish tests skipped."


def varnishd() -> str | None:
    return shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None
    )


def pytest_collection_modifyitems(config, items):
    if varnishd() or os.environ.get("NEWSROOM_REQUIRE_VARNISH") == "1":
        return
    skip = pytest.mark.skip(reason=MISSING)
    for item in items:
        if "varnish" in item.keywords:
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"Varnish did not listen on port {port} within {seconds} s")


@pytest.fixture(scope="session")
def varnish(live_server):
    """The address of a Varnish whose backend is the live server (the repository's VCL)."""
    binary = varnishd()
    if binary is None:
        pytest.fail(f"{MISSING} NEWSROOM_REQUIRE_VARNISH=1 makes that a failure.")
    backend_port = live_server.url.rsplit(":", 1)[1]
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
    vcl = workdir / "newsroom.vcl"
    text = VCL.read_text()
    assert '.port = "8000";' in text, "the test replaces the VCL's backend port"
    vcl.write_text(text.replace('.port = "8000";', f'.port = "{backend_port}";'))
    port = _free_port()
    process = subprocess.Popen(
        [
            binary,
            "-F",
            # No privilege separation: the test's own temporary files stay readable.
            "-j",
            "none",
            "-a",
            f"127.0.0.1:{port}",
            "-T",
            "127.0.0.1:0",
            "-f",
            str(vcl),
            "-n",
            str(workdir / "instance"),
            "-s",
            "malloc,64m",
            "-p",
            "vsl_space=1m",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port)
    except RuntimeError:
        process.kill()
        raise RuntimeError(process.stderr.read().decode(errors="replace")) from None
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)
