"""Newsroom settings: every behaviour comes from an environment variable with a safe default.

The README lists each variable. `DJANGO_ENV=production` switches on the production checks:
the process refuses to start with DEBUG on or with a missing, short or development secret key.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_prose_editor.config import html_tags

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG")

# Known only to this file: a development key must never sign anything in production.
DEVELOPMENT_SECRET_KEY = "newsroom-development-only-insecure-key-0000000000000000"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip()

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")
    if (
        not SECRET_KEY
        or SECRET_KEY == DEVELOPMENT_SECRET_KEY
        or SECRET_KEY.startswith("django-insecure")
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
    ):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
            "when DJANGO_ENV=production (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
else:
    SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver"
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must list the site's host names in production."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "django_prose_editor",
    "csp",
    "pagecache",
    "pictures",
    "articles",
    "related",
    "comments",
    "website",
    "wpimport",
    "demo",
    "desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Old WordPress addresses (/?p=123, /2019/05/14/slug/) answer 301 to imported articles.
    "wpimport.middleware.LegacyRedirectMiddleware",
    # Anonymous readers' pages come from here, before sessions, auth and CSRF; every
    # public page leaves labelled with the scopes it shows (surrogate keys).
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The admin speaks each staff member's chosen language (French unless they choose).
    "articles.admin_language.AdminLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several editors at once on the embedded database: every transaction takes the write
    # lock when it begins (IMMEDIATE), so two saves queue instead of one failing with
    # "database is locked" half-way; a writer waits up to 20 s for the other; WAL lets
    # readers read while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Full-text search helpers (search/); the app has no models.
    INSTALLED_APPS.append("django.contrib.postgres")
    # No JIT compilation: reader pages run short queries, and on 100,000 articles the JIT
    # spent 72 ms compiling the homepage's 1 ms query (its cost estimate passed jit_above_cost).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Server-side parameters, so that PostgreSQL plans a statement run five times once per
    # connection instead of every time: planning the article page's statement took longer
    # than running it (0.8 ms against 0.3). DATABASE_PREPARE_THRESHOLD= (empty) turns it
    # off, for a pooler in transaction mode that cannot keep prepared statements.
    _threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5").strip()
    if _threshold:
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=int(_threshold)
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS_URL or CACHE_URL (redis://…) selects Django's Redis backend; otherwise local memory.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
        }
    }
elif CACHE_URL in {"", "locmem://"}:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL == "dummy://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    raise ImproperlyConfigured(
        "CACHE_URL/REDIS_URL must start with redis://, rediss://, unix://, locmem:// or dummy://."
    )

# The parts of the page frame that depend only on the language and the release (header,
# footer, head links: `{% cache None … using="frames" %}` in base.html), rendered once per
# process. Nothing readers' content changes lives there.
CACHES["frames"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "newsroom-frames",
    "TIMEOUT": None,
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# Languages an article's text may be written in (the UI speaks LANGUAGES).
ARTICLE_LANGUAGES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
    ("pt", _("Portuguese")),
    ("ar", _("Arabic")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production the app serves uploaded media itself; in production the proxy or
# object storage does.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", not PRODUCTION)

LOGIN_URL = "admin:login"

NEWSROOM = {
    "SITE_NAME": os.environ.get("NEWSROOM_SITE_NAME", "Newsroom"),
    "PAGE_SIZE": 20,
    "RELATED_COUNT": 4,
    # What draws an article's preview for the admin and share links: the reader site's
    # article page (a dotted path, so the content app never imports the site).
    "PREVIEW_VIEW": "website.views.render_preview",
    # Longest life of a cached reader page, here and in a shared cache in front. A write
    # purges the pages it touches at once; comment counts on cards may lag this long.
    "PAGE_CACHE_SECONDS": int(os.environ.get("NEWSROOM_PAGE_CACHE_SECONDS", "300")),
    # The page of an article published more than ARCHIVE_AFTER_DAYS ago changes only when
    # the article or its comments do, and each such write purges it: it is kept this long
    # (6 hours). Its suggestions' comment counts, and a newly published article joining
    # its suggestions, may lag as long.
    "ARCHIVE_PAGE_SECONDS": int(os.environ.get("NEWSROOM_ARCHIVE_PAGE_SECONDS", "21600")),
    "ARCHIVE_AFTER_DAYS": int(os.environ.get("NEWSROOM_ARCHIVE_AFTER_DAYS", "2")),
    # Where purges go besides the app's own page cache (pagecache/purge.py): nothing, "log",
    # or the addresses of the Varnish servers in front (http://varnish-1:6081,…).
    "PURGE": env_list("NEWSROOM_PURGE"),
    # The WordPress import refuses a post whose body is larger (and says which): an
    # article page that size would be unreadable, and converting it takes memory.
    "WORDPRESS_MAX_BODY_BYTES": int(os.environ.get("NEWSROOM_WORDPRESS_MAX_BODY_BYTES", 2**21)),
}

# A page cache kept in each process's own memory cannot be purged from the others: with
# several workers an unpublished article would still be served by some of them (issue #15
# measured 1 response in 9, twenty seconds after unpublishing, with three workers). Production
# needs a shared cache (REDIS_URL) unless the page cache is off or one process serves all.
if (
    PRODUCTION
    and NEWSROOM["PAGE_CACHE_SECONDS"] > 0
    and CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    and not env_bool("NEWSROOM_ALLOW_PROCESS_CACHE")
):
    raise ImproperlyConfigured(
        "The page cache needs a cache shared by every process in production: set REDIS_URL "
        "(redis://host:6379/0), or NEWSROOM_PAGE_CACHE_SECONDS=0 to turn the page cache off, "
        "or NEWSROOM_ALLOW_PROCESS_CACHE=1 if a single process serves the site."
    )

# Reader comments. The moderation policy is edited in the admin; these are its defaults
# until an editor saves it. The anti-spam limits stay here.
NEWSROOM_COMMENTS = {
    "MODERATION": "pre",  # "pre": shown once approved; "post": shown at once
    "AUTO_APPROVE_KNOWN_EMAILS": True,
    "MAX_LINKS": 2,
    "HOLD_WORDS": [],
    "SPAM_WORDS": [],
    "CLOSE_AFTER_DAYS": 30,  # 0: never
    "THREAD_DEPTH": 2,  # comments and replies
    "THREADS_PER_PAGE": 30,  # top-level comments (with their replies) per page of comments
    "REPLIES_SHOWN": 3,  # oldest replies per conversation on a page of comments; the rest: a link
    "MAX_LENGTH": 5000,
    "MIN_FORM_SECONDS": 2,  # faster than a person can type: a robot
    "MAX_FORM_SECONDS": 24 * 3600,
    "RATE_LIMITS": {"ip": (10, 600), "email": (5, 600)},  # posts per seconds
    "IP_RETENTION_DAYS": 30,
}

# The body editor's table carries a caption (static/admin_newsroom/table-caption.js, which
# replaces the package's Table under the same name); the allow-list below is what that
# table may hold, for the package's own checks (articles.sanitize is what cleans bodies).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [lazy(static, str)("admin_newsroom/table-caption.js")],
        "extensions": {
            "Table": html_tags(
                ["table", "caption", "tbody", "thead", "tr", "th", "td"],
                {"th": ["rowspan", "colspan"], "td": ["rowspan", "colspan"]},
            ),
        },
    }
]

# Pages load nothing from elsewhere: no inline script or style, no third-party request.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
