"""Fixtures that select scenario packages, write temporary migrations and clean the databases.

A test that applies scenario migrations looks like this::

    @pytest.mark.django_db(transaction=True)
    def test_apply(scenario_db):
        scenario_db("linear")
        MigrationExecutor(connection).migrate([("shop", "0004_order_total")])

``scenario_db`` unapplies whatever the test applied, on every database the test may use, while
the scenario is still selected.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from tests.utils import (
    database_env,
    forget_packages,
    scenario_settings,
    subprocess_command,
    unapply_scenario_apps,
    write_migration_package,
)


@pytest.fixture
def scenario() -> Iterator[Callable[[str], None]]:
    """Return a function that selects a scenario package for the rest of the test."""
    overrides = []

    def use(name: str) -> None:
        override = scenario_settings(name)
        override.enable()
        overrides.append(override)

    yield use
    for override in reversed(overrides):
        override.disable()


@pytest.fixture
def migration_package(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], str]]:
    """Return a function that writes a temporary migrations package and returns its name."""
    packages = []

    def write(files: dict[str, str]) -> str:
        package = write_migration_package(tmp_path, files)
        packages.append(package)
        return package

    yield write
    forget_packages(tmp_path, packages)


def _marker_options(
    transaction: bool = False,
    reset_sequences: bool = False,
    databases: object = None,
    serialized_rollback: bool = False,
    available_apps: object = None,
) -> tuple[bool, object]:
    return transaction, databases


def _test_databases(request: pytest.FixtureRequest) -> list[str]:
    marker = request.node.get_closest_marker("django_db")
    transaction, databases = (
        _marker_options(*marker.args, **marker.kwargs) if marker else (False, None)
    )
    if not transaction:
        pytest.fail(
            "Applying scenario migrations needs @pytest.mark.django_db(transaction=True): "
            "schema changes cannot run inside the test's transaction on every backend."
        )
    if databases is None:
        return ["default"]
    if databases == "__all__":
        return list(connections)
    return list(databases)


@pytest.fixture
def clean_scenario_db(request: pytest.FixtureRequest, scenario: Callable[[str], None]):
    """After the test, remove the test apps' migrations from every database it could use.

    It depends on ``scenario`` so that its teardown runs first, with the scenario selected.
    """
    aliases = _test_databases(request)
    yield
    for alias in aliases:
        try:
            unapply_scenario_apps(alias)
        except Exception as exc:  # The tables and rows are gone anyway; say why, go on.
            warnings.warn(
                f"Unapplying the scenario on {alias!r} failed ({exc!r}); its tables were "
                "dropped instead.",
                stacklevel=1,
            )


@pytest.fixture
def scenario_db(scenario: Callable[[str], None], clean_scenario_db: None) -> Callable[[str], None]:
    """Like ``scenario``, for tests that apply migrations: the databases are cleaned up after."""
    return scenario


@pytest.fixture
def campaign_database(
    tmp_path: Path,
) -> Iterator[tuple[dict[str, str], BaseDatabaseWrapper]]:
    """A database that child processes share with the test: ``(env, connection)``.

    On PostgreSQL and MariaDB it is the test database. The SQLite test database is in memory,
    which no other process can see, so on SQLite it is a new file with Django's apps migrated.
    Pass *env* to ``subprocess_command()``; inspect the database through *connection*.
    """
    default = connections["default"]
    if default.vendor != "sqlite":
        yield database_env(), default
        return
    settings_dict = copy.deepcopy(default.settings_dict)
    settings_dict["NAME"] = str(tmp_path / "campaign.sqlite3")
    connection = type(default)(settings_dict, "default")
    env = {"BRANCHMIG_DB_NAME_DEFAULT": settings_dict["NAME"]}
    prepared = subprocess_command(
        "branchmigrate", "--noinput", "admin", "auth", "contenttypes", "sessions",
        "django_branchmig", env=env,
    )  # fmt: skip
    assert prepared.returncode == 0, prepared.stderr
    yield env, connection
    connection.close()
