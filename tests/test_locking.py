"""The migration lock: one holder per database at a time, released however the block ends.

Each connection a test opens is a session of its own, as a second ``branchmigrate`` process
would have. On SQLite the test database lives in memory, where there is nothing to lock, so the
connections go to a database file in the test's temporary directory instead.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader

from django_branchmig.locking import LockTimeout, migration_lock
from tests.utils import TEST_APPS, database_env, run_command, subprocess_command

pytestmark = pytest.mark.django_db(transaction=True)

Connect = Callable[[], BaseDatabaseWrapper]

NEW_DATABASE = (
    "table django_branchmig_migrationrun does not exist yet on database 'default': this run "
    "creates it (django_branchmig.0001_initial), so the runs after this one are logged"
)


@pytest.fixture
def connect(tmp_path: Path) -> Iterator[Connect]:
    """Return a function that opens a new, not yet connected, session to the test database."""
    default = connections["default"]
    settings_dict = copy.deepcopy(default.settings_dict)
    if default.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "db.sqlite3")
    opened: list[BaseDatabaseWrapper] = []

    def connect() -> BaseDatabaseWrapper:
        connection = type(default)(copy.deepcopy(settings_dict), "default")
        opened.append(connection)
        return connection

    yield connect
    for connection in opened:
        connection.close()


def test_second_holder_times_out(connect: Connect) -> None:
    first, second = connect(), connect()
    assert first.connection is None
    with migration_lock(first, None):
        started = time.monotonic()
        with pytest.raises(LockTimeout) as excinfo, migration_lock(second, 0.5):
            pytest.fail("The second session got a lock the first one holds.")
        assert time.monotonic() - started >= 0.45
    assert str(excinfo.value) == (
        "Could not acquire the migration lock on database 'default' within 0.5 seconds; "
        "another branchmigrate is running. Try again, or raise --lock-timeout."
    )


def test_lock_is_free_after_the_block(connect: Connect) -> None:
    first, second = connect(), connect()
    with migration_lock(first, 0):
        pass
    with migration_lock(second, 0):
        pass
    with migration_lock(first, 0):
        pass


def test_lock_is_released_when_the_block_raises(connect: Connect) -> None:
    first, second = connect(), connect()
    with pytest.raises(ZeroDivisionError), migration_lock(first, None):
        1 / 0  # noqa: B018
    with migration_lock(second, 0):
        pass


def test_waiter_gets_the_lock_when_the_holder_releases_it(connect: Connect) -> None:
    """A session waiting with a timeout takes the lock soon after another process lets go."""
    holding = threading.Event()
    holder = connect()

    def hold() -> None:
        with migration_lock(holder, None):
            holding.set()
            time.sleep(0.5)

    thread = threading.Thread(target=hold)
    holder.inc_thread_sharing()  # Django connections belong to the thread that made them.
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        with migration_lock(connect(), 10):
            waited = time.monotonic() - started
    finally:
        thread.join()
        holder.dec_thread_sharing()
    assert 0.2 < waited < 2


def test_sqlite_lock_file_sits_beside_the_database(connect: Connect, tmp_path: Path) -> None:
    connection = connect()
    if connection.vendor != "sqlite":
        pytest.skip("Only SQLite locks a file.")
    lock_file = tmp_path / "db.sqlite3.branchmig.lock"
    with migration_lock(connection, 0):
        assert lock_file.exists()
    assert lock_file.exists()


def test_in_memory_sqlite_has_nothing_to_lock() -> None:
    connection = connections["default"]
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        pytest.skip("Needs an in-memory SQLite test database.")
    with migration_lock(connection, 0), migration_lock(connection, 0):
        pass


def test_unsupported_backend_warns_and_runs_the_block() -> None:
    connection = SimpleNamespace(vendor="oracle", display_name="Oracle", alias="default")
    ran = []
    with pytest.warns(UserWarning) as record, migration_lock(connection, 5):  # type: ignore[arg-type]
        ran.append(True)
    assert ran == [True]
    assert [str(warning.message) for warning in record] == [
        "django-branchmig cannot lock Oracle databases; database 'default' is migrated without "
        "the migration lock, so concurrent runs may apply a migration twice."
    ]


def run_at_once(count: int, *argv: str, env: dict[str, str]) -> list[tuple[int, str, str]]:
    """Start ``count`` processes running ``python -m django ARGV`` together; wait for them all."""
    with ThreadPoolExecutor(count) as pool:
        results = list(pool.map(lambda _: subprocess_command(*argv, env=env), range(count)))
    return [(result.returncode, result.stdout, result.stderr) for result in results]


def recorded_counts(connection: BaseDatabaseWrapper) -> dict[tuple[str, str], int]:
    """Return how many ``django_migrations`` rows each ``(app_label, name)`` has."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name, COUNT(*) FROM django_migrations GROUP BY app, name")
        return {(app, name): count for app, name, count in cursor.fetchall()}


def shared_database(connect: Connect) -> tuple[dict[str, str], BaseDatabaseWrapper]:
    """Return the environment that points child processes at a database, and a session on it."""
    connection = connect()
    if connection.vendor == "sqlite":
        return {"BRANCHMIG_DB_NAME_DEFAULT": str(connection.settings_dict["NAME"])}, connection
    return database_env(), connection


@pytest.mark.slow
def test_concurrent_runs_apply_each_migration_once(
    scenario_db: Callable[[str], None], connect: Connect
) -> None:
    """Six ``branchmigrate`` processes race on one database; the lock lets one of them apply.

    Without it each process reads the applied state, finds the scenario unapplied, and applies
    and records it again: ``django_migrations`` has no unique constraint.
    """
    scenario_db("merged")
    env, connection = shared_database(connect)
    expected = sorted(key for key in MigrationLoader(None).disk_migrations if key[0] in TEST_APPS)

    results = run_at_once(6, "branchmigrate", "--noinput", env=env)

    # The one process that applies the plan creates the audit log's table on the way.
    first_run = [out for _, out, _ in results if "Applying shop." in out]
    assert len(first_run) == 1
    # On SQLite the processes share a new database file; elsewhere the migrated test database.
    warned = connection.vendor == "sqlite"
    assert (
        sorted((code, err) for code, _, err in results)
        == [(0, "")] * (6 - warned) + [(0, "Audit log not written: %s.\n" % NEW_DATABASE)] * warned
    )
    counts = recorded_counts(connection)
    assert {key: count for key, count in counts.items() if count != 1} == {}
    assert sorted(key for key in counts if key[0] in TEST_APPS) == expected
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        order_columns = [
            column.name
            for column in connection.introspection.get_table_description(cursor, "shop_order")
        ]
    assert {"shop_product", "shop_order", "shop_invoice"} <= set(tables)
    assert {"note", "status", "shipped"} <= set(order_columns)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("option", [{"lock": False}, {"plan": True}, {"check_unapplied": True}])
def test_no_lock_and_read_only_runs_do_not_wait(scenario_db, option):
    """While another session holds the lock, --no-lock and reading modes still run at once."""
    scenario_db("linear")
    other = connections.create_connection("default")
    try:
        with migration_lock(other, timeout=1):
            out, err, code = run_command(
                "branchmigrate", "shop.0001", interactive=False, lock_timeout=0.2, **option
            )
    finally:
        other.close()
    assert err == ""
    assert code == (1 if option.get("check_unapplied") else 0)
