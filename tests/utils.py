"""Helpers shared by the test suite: scenarios, commands, temporary migration packages."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap
import uuid
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = Path(__file__).resolve().parent / "scenarios"

#: The apps whose migrations come from a scenario package.
TEST_APPS = ("shop", "payments", "inventory")

# Directories that write_migration_package() put on sys.path; a subprocess needs them too.
_package_roots: list[str] = []


def scenario_settings(name: str) -> override_settings:
    """Return an ``override_settings`` that loads the test apps' migrations from scenario *name*.

    An app without a package in the scenario gets ``None``: it has no migrations.
    """
    if not (SCENARIOS_DIR / name / "__init__.py").is_file():
        raise ValueError(f"Unknown scenario {name!r}: no package tests/scenarios/{name}/.")
    modules = {
        app: (
            f"tests.scenarios.{name}.{app}"
            if (SCENARIOS_DIR / name / app / "__init__.py").is_file()
            else None
        )
        for app in TEST_APPS
    }
    return override_settings(MIGRATION_MODULES=modules)


def run_command(name: str, *args: str, **options: object) -> tuple[str, str, int]:
    """Call management command *name* and return ``(out, err, returncode)``.

    Capture a ``CommandError`` the way ``manage.py`` reports it, so that tests can assert the
    message and the exit code of failures as well as of successes.
    """
    out = StringIO()
    err = StringIO()
    options.setdefault("no_color", True)
    returncode = 0
    try:
        call_command(name, *args, stdout=out, stderr=err, **options)
    except CommandError as exc:
        err.write(f"CommandError: {exc}\n")
        returncode = exc.returncode
    except SystemExit as exc:
        if exc.code is None:
            returncode = 0
        elif isinstance(exc.code, int):
            returncode = exc.code
        else:
            err.write(f"{exc.code}\n")
            returncode = 1
    return out.getvalue(), err.getvalue(), returncode


def database_env(*aliases: str) -> dict[str, str]:
    """Return the environment that points a subprocess at the current test databases.

    Pass it as ``env`` to ``subprocess_command()``. An in-memory SQLite database cannot be
    shared with another process: such tests need ``BRANCHMIG_SQLITE_TEST_NAME`` (a file).
    """
    env = {}
    for alias in aliases or ("default",):
        name = str(connections[alias].settings_dict["NAME"])
        if connections[alias].vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name):
            raise ValueError(
                f"Database {alias!r} is an in-memory SQLite database, which a subprocess "
                "cannot see. Set BRANCHMIG_SQLITE_TEST_NAME to a file path."
            )
        env[f"BRANCHMIG_DB_NAME_{alias.upper()}"] = name
    return env


def subprocess_command(
    *argv: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m django ARGV`` in a new process with the test settings.

    Use it when a test needs a real exit code or a second process. The child loads the test
    apps' migrations from the same modules as the test (a scenario, a temporary package), and
    uses the databases named in ``tests.settings`` unless *env* says otherwise (see
    ``database_env()``).
    """
    modules = {app: settings.MIGRATION_MODULES.get(app) for app in TEST_APPS}
    roots = [root for root in _package_roots if root in sys.path]
    child_env = dict(os.environ)
    child_env["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    child_env["BRANCHMIG_TEST_DB"] = os.environ.get("BRANCHMIG_TEST_DB", "sqlite")
    child_env["BRANCHMIG_MIGRATION_MODULES"] = json.dumps(modules)
    child_env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT), *roots, *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    child_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "django", *argv],
        cwd=REPO_ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        check=False,
    )


def write_migration_package(tmp_path: Path, files: dict[str, str]) -> str:
    """Write an importable package with a unique name under *tmp_path*; return its dotted name.

    *files* maps paths relative to the package (``"0001_initial.py"``, ``"shop/0001_x.py"``)
    to their source, which is dedented. Every directory gets an ``__init__.py``. *tmp_path* is
    put on ``sys.path``; the ``migration_package`` fixture undoes that.
    """
    package = f"branchmig_tmp_{uuid.uuid4().hex[:12]}"
    root = Path(tmp_path) / package
    root.mkdir(parents=True)
    (root / "__init__.py").touch()
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        directory = path.parent
        while directory != root:
            (directory / "__init__.py").touch()
            directory = directory.parent
        path.write_text(textwrap.dedent(source))
    if str(tmp_path) not in sys.path:
        sys.path.insert(0, str(tmp_path))
    if str(tmp_path) not in _package_roots:
        _package_roots.append(str(tmp_path))
    importlib.invalidate_caches()
    return package


def forget_packages(tmp_path: Path, packages: list[str]) -> None:
    """Undo ``write_migration_package()``: forget *packages* and take *tmp_path* off sys.path."""
    for package in packages:
        for module in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
            del sys.modules[module]
    while str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))
    if str(tmp_path) in _package_roots:
        _package_roots.remove(str(tmp_path))
    importlib.invalidate_caches()


def unapply_scenario_apps(alias: str = "default") -> None:
    """Leave database *alias* without any trace of the test apps' migrations.

    Unapply them through the executor with the scenario currently selected, then drop the
    tables and ``django_migrations`` rows that remain (a failed migration, another scenario).
    """
    connection = connections[alias]
    executor = MigrationExecutor(connection)
    targets = [(app, None) for app in TEST_APPS if app in executor.loader.migrated_apps]
    try:
        if targets:
            executor.migrate(targets)
    finally:
        drop_scenario_tables(connection)
        recorder = MigrationRecorder(connection)
        if recorder.has_table():
            recorder.migration_qs.filter(app__in=TEST_APPS).delete()


def scenario_tables(alias: str = "default") -> list[str]:
    """Return the tables of the test apps that exist on database *alias*."""
    with connections[alias].cursor() as cursor:
        names = connections[alias].introspection.table_names(cursor)
    return sorted(name for name in names if name.startswith(tuple(f"{a}_" for a in TEST_APPS)))


def drop_scenario_tables(connection) -> None:
    prefixes = tuple(f"{a}_" for a in TEST_APPS)
    with connection.cursor() as cursor:
        tables = [
            t for t in connection.introspection.table_names(cursor) if t.startswith(prefixes)
        ]
    if not tables:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(map(quote, tables))} CASCADE")
        elif connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
            try:
                cursor.execute(f"DROP TABLE IF EXISTS {', '.join(map(quote, tables))}")
            finally:
                cursor.execute("SET FOREIGN_KEY_CHECKS = 1")
        else:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}")
