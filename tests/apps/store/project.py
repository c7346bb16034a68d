"""Install the store (and ledger) apps with a scenario's migrations in a temporary package.

``makemigrations`` and ``squashmigrations`` write into the migrations package of the app, so
the scenario's files are copied into a package with a unique name (``migration_package``) and
the apps are installed pointing at it. The apps are not in INSTALLED_APPS otherwise: as models
of an app without migrations, their tables would be in every test database.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings

SCENARIOS_DIR = Path(__file__).resolve().parent.parent.parent / "scenarios"
STORE_APPS = ("store", "ledger")


class StoreProject:
    """The installed apps and their migrations directories."""

    def __init__(
        self,
        migration_package: Callable[[dict[str, str]], str],
        scenario: str,
        apps: tuple[str, ...] = ("store",),
        extra: dict[str, str] | None = None,
    ) -> None:
        files = {
            "store/%s" % path.name: path.read_text()
            for path in sorted((SCENARIOS_DIR / scenario / "store").glob("*.py"))
        }
        files.update(extra or {})
        self.package = migration_package(files)
        self.root = Path(importlib.import_module(self.package).__file__ or "").parent
        self.override = override_settings(
            INSTALLED_APPS=[*settings.INSTALLED_APPS, *("tests.apps.%s" % a for a in apps)],
            MIGRATION_MODULES={
                **settings.MIGRATION_MODULES,
                **{app: "%s.%s" % (self.package, app) for app in STORE_APPS},
            },
        )

    def names(self, app: str = "store") -> list[str]:
        """The migration files of ``app`` on disk, without ``.py``."""
        directory = self.root / app
        return sorted(p.stem for p in directory.glob("0*.py")) if directory.is_dir() else []

    def read(self, name: str, app: str = "store") -> str:
        return (self.root / app / ("%s.py" % name)).read_text()

    def loader(self) -> MigrationLoader:
        return MigrationLoader(None, ignore_no_migrations=True)

    def enable(self) -> None:
        self.override.enable()

    def disable(self, aliases: tuple[str, ...] = ()) -> None:
        try:
            for alias in aliases:
                unapply(alias)
        finally:
            self.override.disable()


def installer(
    migration_package: Callable[[dict[str, str]], str], request: Any
) -> tuple[Callable[..., StoreProject], Callable[[], None]]:
    """Return ``(install, finish)`` for a fixture: install projects, then remove them all.

    A test marked ``django_db(transaction=True)`` may apply migrations; ``finish`` unapplies
    them on the default database first.
    """
    projects: list[StoreProject] = []
    marker = request.node.get_closest_marker("django_db")
    aliases = ("default",) if marker and marker.kwargs.get("transaction") else ()

    def install(
        scenario: str, apps: tuple[str, ...] = ("store",), extra: dict[str, str] | None = None
    ) -> StoreProject:
        project = StoreProject(migration_package, scenario, apps, extra)
        project.enable()
        projects.append(project)
        return project

    def finish() -> None:
        for project in reversed(projects):
            project.disable(aliases)

    return install, finish


def copy_scenario(
    migration_package: Callable[[dict[str, str]], str], name: str
) -> tuple[override_settings, Path]:
    """Copy scenario ``name`` of the test apps (shop, payments, inventory) into a package.

    Return the settings override that selects it (not yet enabled) and the package directory,
    for commands that write into the apps' migrations.
    """
    from tests.utils import TEST_APPS

    files = {
        "%s/%s" % (path.parent.name, path.name): path.read_text()
        for path in sorted((SCENARIOS_DIR / name).glob("*/*.py"))
    }
    package = migration_package(files)
    override = override_settings(
        MIGRATION_MODULES={
            app: "%s.%s" % (package, app) if (SCENARIOS_DIR / name / app).is_dir() else None
            for app in TEST_APPS
        }
    )
    return override, Path(importlib.import_module(package).__file__ or "").parent


def unapply(alias: str) -> None:
    """Leave database ``alias`` without the store apps' tables and recorder rows."""
    connection = connections[alias]
    executor = MigrationExecutor(connection)
    targets = [(app, None) for app in STORE_APPS if app in executor.loader.migrated_apps]
    try:
        if targets:
            executor.migrate(targets)
    finally:
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
        quote = connection.ops.quote_name
        leftovers = [t for t in tables if t.startswith(tuple("%s_" % a for a in STORE_APPS))]
        with connection.cursor() as cursor:
            if connection.vendor == "mysql" and leftovers:
                cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
            for table in leftovers:
                cascade = " CASCADE" if connection.vendor == "postgresql" else ""
                cursor.execute("DROP TABLE IF EXISTS %s%s" % (quote(table), cascade))
            if connection.vendor == "mysql" and leftovers:
                cursor.execute("SET FOREIGN_KEY_CHECKS = 1")
        recorder = MigrationRecorder(connection)
        if recorder.has_table():
            recorder.migration_qs.filter(app__in=STORE_APPS).delete()
