"""Settings for the test suite.

Choose the database with ``BRANCHMIG_TEST_DB`` (``sqlite``, the default, ``postgresql`` or
``mysql``). The test apps start without migrations: a test selects a scenario package from
``tests/scenarios`` with ``tests.utils.scenario_settings()`` or the ``scenario`` fixture.
``BRANCHMIG_SQLITE_TEST_NAME`` puts the SQLite test database in a file, which other processes
can open.
"""

import copy
import json
import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured

SECRET_KEY = "django-branchmig-tests-not-secret"
DEBUG = False
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "tests.urls"
STATIC_URL = "/static/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_branchmig",
    "tests.apps.shop",
    "tests.apps.payments",
    "tests.apps.inventory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _databases(backend: str) -> dict[str, dict]:
    """Return a ``default`` and an ``other`` alias on the same backend."""
    if backend == "sqlite":
        default: dict[str, Any] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        test_name = os.environ.get("BRANCHMIG_SQLITE_TEST_NAME")
        if test_name:
            default["TEST"] = {"NAME": test_name}
        other = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        return {"default": default, "other": other}
    if backend == "postgresql":
        base: dict[str, Any] = {
            "ENGINE": "django.db.backends.postgresql",
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": "5432",
        }
    elif backend == "mysql":
        base = {
            "ENGINE": "django.db.backends.mysql",
            "USER": "root",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": "3306",
            "OPTIONS": {"charset": "utf8mb4"},
            "TEST": {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
        }
    else:
        raise ImproperlyConfigured(
            f"BRANCHMIG_TEST_DB must be 'sqlite', 'postgresql' or 'mysql', not {backend!r}."
        )
    return {
        "default": {**copy.deepcopy(base), "NAME": "branchmig"},
        "other": {**copy.deepcopy(base), "NAME": "branchmig_other"},
    }


DATABASES = _databases(os.environ.get("BRANCHMIG_TEST_DB", "sqlite"))
# A subprocess started by a test reaches the test databases through these variables (see
# ``tests.utils.database_env()``).
for _alias, _database in DATABASES.items():
    _database["NAME"] = os.environ.get(f"BRANCHMIG_DB_NAME_{_alias.upper()}", _database["NAME"])

# The test apps have no migrations unless a test selects a scenario package.
MIGRATION_MODULES = {"shop": None, "payments": None, "inventory": None}
# A subprocess started by a test gets the scenario selected in that test (see
# ``tests.utils.subprocess_command()``).
if "BRANCHMIG_MIGRATION_MODULES" in os.environ:
    MIGRATION_MODULES = json.loads(os.environ["BRANCHMIG_MIGRATION_MODULES"])

BRANCHMIG: dict = {}
