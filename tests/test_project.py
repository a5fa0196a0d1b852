import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import get_resolver, reverse

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k7Qv-3xZp9Lm2Ns8Rt4Wy6Bc1Df5Gh0Jk7Qv3xZp9Lm2Ns8Rt4Wy6Bc1Df5Gh0J"


def run_settings(**env) -> subprocess.CompletedProcess:
    """Import the real settings in a fresh interpreter with the given environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import newsroom.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": STRONG_KEY}, "DJANGO_DEBUG must be off"),
        ({}, "DJANGO_SECRET_KEY must be set"),
        (
            {"DJANGO_SECRET_KEY": "newsroom-development-only-insecure-key-0000000000000000"},
            "DJANGO_SECRET_KEY must be set",
        ),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "django-insecure-" + "x" * 60}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": STRONG_KEY}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_unsafe_settings(env, message):
    result = run_settings(DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="", **env)
    assert result.returncode != 0
    assert message in result.stderr


SAFE_PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": STRONG_KEY,
    "DJANGO_ALLOWED_HOSTS": "example.com",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_starts_with_safe_settings():
    result = run_settings(**SAFE_PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_production_refuses_a_page_cache_in_each_process_memory():
    """Workers cannot purge each other's memory: a shared cache, or the page cache off."""
    result = run_settings(**{**SAFE_PRODUCTION, "REDIS_URL": ""})
    assert result.returncode != 0
    assert "The page cache needs a cache shared by every process" in result.stderr
    for allowed in ({"NEWSROOM_PAGE_CACHE_SECONDS": "0"}, {"NEWSROOM_ALLOW_PROCESS_CACHE": "1"}):
        result = run_settings(**{**SAFE_PRODUCTION, "REDIS_URL": "", **allowed})
        assert result.returncode == 0, result.stderr


def test_unknown_environment_name_is_refused():
    result = run_settings(DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV must be" in result.stderr


def test_check_deploy_is_clean_in_production():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="news.example.com",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def database_options(**env) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import newsroom.settings as s; print(s.DATABASES['default'].get('OPTIONS', {}))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_prepares_repeated_statements_unless_told_not_to():
    url = "postgres://postgres@127.0.0.1:5432/newsroom"
    on = database_options(DATABASE_URL=url)
    assert "'server_side_binding': True" in on and "'prepare_threshold': 5" in on
    off = database_options(DATABASE_URL=url, DATABASE_PREPARE_THRESHOLD="")
    assert "server_side_binding" not in off and "prepare_threshold" not in off
    assert "prepare_threshold" not in database_options(DATABASE_URL="sqlite:///x.sqlite3")


def test_cache_url_selects_redis():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import newsroom.settings as s; print(s.CACHES['default']['BACKEND'])",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/1"},
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


def test_unsupported_cache_url_is_refused():
    result = run_settings(CACHE_URL="memcached://127.0.0.1")
    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr


@pytest.mark.django_db
def test_no_pending_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail("Models changed without a migration:\n" + out.getvalue())


@pytest.mark.django_db
def test_every_argument_less_url_name_reverses_and_answers(client):
    names = []
    for app in ("articles",):
        resolver = get_resolver()
        for name in resolver.namespace_dict[app][1].reverse_dict:
            if isinstance(name, str):
                names.append(f"{app}:{name}")
    answered = 0
    for name in names:
        try:
            url = reverse(name)
        except Exception:  # noqa: BLE001 - names with arguments are tested elsewhere
            continue
        assert client.get(url).status_code == 200, name
        answered += 1
    assert answered >= 1


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_french_translations_are_complete_and_compiled(domain):
    po_path = ROOT / "locale" / "fr" / "LC_MESSAGES" / f"{domain}.po"
    po = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), "run: python manage.py compilemessages"
    # A phrase is its context and its words: "Editor" the role and "Editor" the byline.
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
    assert all(
        compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr
        for entry in po
        if not entry.msgid_plural
    )


def test_every_template_string_is_in_the_catalogue():
    """makemessages would find nothing new: every UI string can be translated."""
    before = (ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text()
    msgids = {entry.msgid for entry in polib.pofile(before)}
    out = subprocess.run(
        [sys.executable, "-c", SCAN_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    missing = sorted(set(filter(None, out.stdout.split("\x00"))) - msgids)
    assert missing == [], "run makemessages -l fr and translate: " + repr(missing)


# Runs makemessages into a scratch copy and prints every msgid it found.
SCAN_SCRIPT = r"""
import os, shutil, subprocess, sys, tempfile, polib
from pathlib import Path
root = Path.cwd()
with tempfile.TemporaryDirectory() as tmp:
    for item in ("manage.py", "newsroom", "articles", "comments", "templates"):
        src = root / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, Path(tmp) / item)
    (Path(tmp) / "locale").mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings", "PYTHONPATH": str(root)}
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "fr", "-v", "0"],
                   cwd=tmp, env=env, check=True)
    po = polib.pofile(str(Path(tmp) / "locale/fr/LC_MESSAGES/django.po"))
    sys.stdout.write("\x00".join(e.msgid for e in po))
"""


def test_settings_used_by_tests_are_the_project_settings():
    assert settings.ROOT_URLCONF == "newsroom.urls"
    assert settings.LANGUAGE_CODE == "fr"


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("articles:index"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_site_speaks_french_by_default_and_english_on_request(client):
    french = client.get(reverse("articles:index"))
    assert '<html lang="fr">' in french.text and "Aller au contenu" in french.text
    # A browser asking for English still gets the French site at its French address…
    asked = client.get(reverse("articles:index"), headers={"accept-language": "en"})
    assert '<html lang="fr">' in asked.text
    # …and the English one under /en/.
    english = client.get("/en/")
    assert '<html lang="en">' in english.text and "Skip to content" in english.text


def test_the_benchmarks_floor_is_not_part_of_the_site(client, db):
    """bench/pages.py serves its floor view from bench/settings.py, never from the site."""
    assert client.get("/_bench/floor/").status_code == 404
