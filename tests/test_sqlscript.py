"""The plan as an SQL script: what it contains, and that running it equals running the plan.

The round trips build two empty databases on the server under test, run the script on one and
``branchmigrate`` on the other, and compare their schemas and recorded migrations.
"""

from __future__ import annotations

import copy
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sqlparse
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from django_branchmig.graph import BranchGraph
from django_branchmig.planner import Plan, make_plan
from django_branchmig.runner import connect_loader
from django_branchmig.sqlscript import plan_sql
from django_branchmig.state import applied_state
from django_branchmig.targets import resolve
from tests.utils import run_command

pytestmark = pytest.mark.django_db(transaction=True)

LINEAR = ["0001_initial", "0002_product_price", "0003_order", "0004_order_total"]
REPLACED = ["0001_initial", "0002_product_price", "0003_order"]
RECORDER = "django_migrations"
RECORDER_HEADER = "-- Create the migration recorder's table"


def script_for(*targets: str, alias: str = "default") -> tuple[str, Plan]:
    """Build the loader, graph and plan as ``branchmigrate`` does; return the script and plan."""
    loader = MigrationLoader(None)
    graph = BranchGraph.from_loader(loader)
    resolve(targets, graph)
    database = connections[alias]
    connect_loader(loader, database)
    if loader.replacements:
        graph = BranchGraph.from_loader(loader)
    state = applied_state(loader, graph, alias)
    plan = make_plan(graph, state, resolve(targets, graph, state))
    return plan_sql(loader, database, graph, plan), plan


def migrate(*targets: str, alias: str = "default") -> None:
    call_command("branchmigrate", *targets, database=alias, interactive=False, verbosity=0)


def starting(script: str, *prefixes: str) -> list[str]:
    return [line for line in script.splitlines() if line.startswith(prefixes)]


def recorder_rows(script: str) -> list[str]:
    """The script's INSERT and DELETE statements on ``django_migrations``, in order."""
    table = connection.ops.quote_name(RECORDER)
    return starting(script, "INSERT INTO %s " % table, "DELETE FROM %s " % table)


def insert(app: str, name: str) -> str:
    quote = connection.ops.quote_name
    return "INSERT INTO %s (%s, %s, %s) VALUES ('%s', '%s', CURRENT_TIMESTAMP);" % (
        quote(RECORDER),
        quote("app"),
        quote("name"),
        quote("applied"),
        app,
        name,
    )


def delete(app: str, name: str) -> str:
    quote = connection.ops.quote_name
    return "DELETE FROM %s WHERE %s = '%s' AND %s = '%s';" % (
        quote(RECORDER),
        quote("app"),
        app,
        quote("name"),
        name,
    )


def transactional() -> bool:
    """Whether this backend's script wraps atomic migrations in BEGIN/COMMIT."""
    expected = connection.vendor in ("sqlite", "postgresql")
    assert connection.features.can_rollback_ddl is expected
    return expected


# Scratch databases ----------------------------------------------------------------------------


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Return a function that creates an empty database on the server under test.

    Its connection is added under the alias ``branchmig_sql_<random>`` but not to
    ``connections.settings``: Django's test case only lets a test open connections it declares,
    or ones created on the fly like this. It is dropped after the test.
    """
    created: list[str] = []

    def create() -> str:
        alias = "branchmig_sql_%s" % uuid.uuid4().hex[:10]
        settings_dict = copy.deepcopy(connection.settings_dict)
        if connection.vendor == "sqlite":
            settings_dict["NAME"] = str(tmp_path / ("%s.sqlite3" % alias))
        else:
            charset = " CHARACTER SET utf8mb4" if connection.vendor == "mysql" else ""
            _server_execute("CREATE DATABASE %s%s" % (connection.ops.quote_name(alias), charset))
            settings_dict["NAME"] = alias
        connections[alias] = type(connections["default"])(settings_dict, alias)
        created.append(alias)
        return alias

    yield create
    for alias in created:
        connections[alias].close()
        del connections[alias]
        if connection.vendor == "postgresql":
            _server_execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % alias)
        elif connection.vendor == "mysql":
            _server_execute("DROP DATABASE IF EXISTS %s" % alias)


def _server_execute(sql: str) -> None:
    """Run a statement outside any database, as Django does to create the test databases."""
    with connection._nodb_cursor() as cursor:
        cursor.execute(sql)


class ScriptFailed(Exception):
    """The database client stopped at an error in the script."""


def run_script(alias: str, script: str, tmp_path: Path) -> None:
    """Run the script as a DBA would: ``psql`` or ``mysql`` when installed, else the driver."""
    database = connections[alias]
    settings_dict = database.settings_dict
    database.close()
    path = tmp_path / ("%s.sql" % alias)
    path.write_text(script)
    host, port, user = settings_dict["HOST"], str(settings_dict["PORT"]), settings_dict["USER"]
    password, name = settings_dict["PASSWORD"] or "", settings_dict["NAME"]
    if database.vendor == "postgresql" and shutil.which("psql"):
        command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(path), "-h", host]
        command += ["-p", port, "-U", user, "-d", name]
        _run_client(command, path, {"PGPASSWORD": password})
    elif database.vendor == "mysql" and shutil.which("mysql"):
        command = ["mysql", "--default-character-set=utf8mb4", "-h", host, "-P", port]
        command += ["-u", user, name]
        _run_client(command, path, {"MYSQL_PWD": password})
    else:
        try:
            _run_with_driver(database.vendor, settings_dict, script)
        except Exception as exc:
            raise ScriptFailed(str(exc)) from exc


def _run_client(command: list[str], path: Path, env: dict[str, str]) -> None:
    with path.open() as stdin:
        result = subprocess.run(
            command, stdin=stdin, capture_output=True, text=True, env={**os.environ, **env}
        )
    if result.returncode:
        raise ScriptFailed(result.stderr)


def _run_with_driver(vendor: str, settings_dict: dict, script: str) -> None:
    """Run the statements one by one in autocommit mode, as ``psql`` and ``mysql`` do."""
    if vendor == "sqlite":
        with closing(sqlite3.connect(settings_dict["NAME"])) as sqlite:
            sqlite.executescript(script)
        return
    params = {
        "host": settings_dict["HOST"],
        "port": int(settings_dict["PORT"]),
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"] or "",
    }
    if vendor == "postgresql":
        import psycopg

        database: Any = psycopg.connect(dbname=settings_dict["NAME"], autocommit=True, **params)
    else:
        import MySQLdb

        database = MySQLdb.connect(database=settings_dict["NAME"], **params)
        database.autocommit(True)
    with closing(database), closing(database.cursor()) as cursor:
        for statement in sqlparse.split(script):
            if sqlparse.format(statement, strip_comments=True).strip():
                cursor.execute(statement)


def schema(alias: str) -> dict[str, object]:
    """Everything a migration changes on database ``alias``: tables, columns, constraints, rows."""
    database = connections[alias]
    with database.cursor() as cursor:
        tables = sorted(database.introspection.table_names(cursor))
        found: dict[str, object] = {
            "tables": tables,
            # The display size comes from the rows (MySQL): post_migrate adds some on one side.
            "columns": {
                table: [
                    column._replace(display_size=None)
                    for column in database.introspection.get_table_description(cursor, table)
                ]
                for table in tables
            },
            "constraints": {
                table: database.introspection.get_constraints(cursor, table) for table in tables
            },
        }
        if database.vendor == "postgresql":
            cursor.execute(
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = 'public' ORDER BY 1, 2"
            )
            found["indexes"] = cursor.fetchall()
        elif database.vendor == "sqlite":
            cursor.execute("SELECT type, name, sql FROM sqlite_master ORDER BY 1, 2")
            found["sqlite_master"] = cursor.fetchall()
    found["recorded"] = sorted(MigrationRecorder(database).applied_migrations())
    return found


def assert_same_schema(alias: str, other: str) -> None:
    """Compare two databases item by item, so that a failure names the table that differs."""
    found: Any = schema(alias)
    expected = schema(other)
    assert found.keys() == expected.keys()
    for key, value in expected.items():
        if isinstance(value, dict):
            assert found[key].keys() == value.keys(), key
            for table in value:
                assert found[key][table] == value[table], (key, table)
        else:
            assert found[key] == value, key


# What the script says -------------------------------------------------------------------------


def test_linear_from_an_empty_database(scenario, empty_database):
    """
    0001_initial -- 0002_product_price -- 0003_order -- 0004_order_total
    """
    scenario("linear")
    alias = empty_database()
    script, plan = script_for("shop@head", alias=alias)
    lines = script.splitlines()

    assert lines[0] == RECORDER_HEADER
    assert lines[1].startswith("CREATE TABLE %s (" % connection.ops.quote_name(RECORDER))
    assert starting(script, "-- Apply", "-- Unapply") == [
        "-- Apply shop.%s" % name for name in LINEAR
    ]
    assert recorder_rows(script) == [insert("shop", name) for name in LINEAR]
    if transactional():
        assert starting(script, "BEGIN", "COMMIT") == ["BEGIN;", "COMMIT;"] * 4
        for name in LINEAR:
            header = lines.index("-- Apply shop.%s" % name)
            commit = lines.index("COMMIT;", header)
            assert lines[header + 1] == "BEGIN;"
            assert lines[commit - 1] == insert("shop", name)
    else:
        assert starting(script, "BEGIN", "COMMIT") == []
    assert "-- Create model Product" in lines
    assert "-- Add field total to order" in lines
    # Only collected: the database is still empty.
    assert connections[alias].introspection.table_names() == []


def test_no_recorder_table_when_the_database_has_one(scenario_db):
    scenario_db("linear")
    script, plan = script_for("shop.0002")
    assert RECORDER_HEADER not in script
    assert script.splitlines()[0] == "-- Apply shop.0001_initial"
    assert recorder_rows(script) == [insert("shop", name) for name in LINEAR[:2]]


def test_backwards_plan_deletes_in_run_order(scenario_db):
    scenario_db("linear")
    migrate("shop.0004")
    script, plan = script_for("shop@base")
    assert plan.backwards == tuple(("shop", name) for name in reversed(LINEAR))
    assert starting(script, "-- Apply", "-- Unapply") == [
        "-- Unapply shop.%s" % name for name in reversed(LINEAR)
    ]
    assert recorder_rows(script) == [delete("shop", name) for name in reversed(LINEAR)]
    # Like sqlmigrate --backwards: the operation's description, then the SQL that undoes it.
    assert "-- Create model Product" in script
    assert "DROP TABLE %s" % connection.ops.quote_name("shop_product") in script
    assert starting(script, "BEGIN") == (["BEGIN;"] * 4 if transactional() else [])


def test_labels_in_headers_and_mixed_plan(scenario_db):
    scenario_db("forked_labelled")
    migrate("billing@head")
    script, plan = script_for("billing@base", "shop.0004_order_status")
    assert starting(script, "-- Apply", "-- Unapply") == [
        "-- Unapply shop.0004_invoice_paid [billing]",
        "-- Unapply shop.0003_invoice [billing]",
        "-- Apply shop.0003_order_note",
        "-- Apply shop.0004_order_status",
    ]
    assert recorder_rows(script) == [
        delete("shop", "0004_invoice_paid"),
        delete("shop", "0003_invoice"),
        insert("shop", "0003_order_note"),
        insert("shop", "0004_order_status"),
    ]


def test_applying_a_squash_records_what_it_replaces(scenario_db):
    """
    0001_squashed_0003_order (replaces 0001_initial, 0002_product_price, 0003_order)
        -- 0004_order_total
    """
    scenario_db("squashed")
    script, plan = script_for("shop@head")
    assert plan.forwards == (("shop", "0001_squashed_0003_order"), ("shop", "0004_order_total"))
    assert starting(script, "-- Apply", "-- Record") == [
        "-- Apply shop.0001_squashed_0003_order",
        "-- Apply shop.0004_order_total",
        "-- Record shop.0001_squashed_0003_order: all it replaces is applied",
    ]
    # record_migration() inserts the replaced migrations; check_replacements(), at the end of
    # the run, the squash itself.
    assert recorder_rows(script) == [
        *(insert("shop", name) for name in REPLACED),
        insert("shop", "0004_order_total"),
        insert("shop", "0001_squashed_0003_order"),
    ]


def test_applying_the_last_replaced_migration_records_the_squash(scenario):
    """Only 0001 and 0002 recorded: Django's graph has the replaced migrations, not the squash."""
    scenario("squashed")
    recorder = MigrationRecorder(connection)
    try:
        for name in REPLACED[:2]:
            recorder.record_applied("shop", name)
        script, plan = script_for("shop@head")
    finally:
        recorder.migration_qs.filter(app="shop").delete()
    assert plan.forwards == (("shop", "0003_order"), ("shop", "0004_order_total"))
    assert recorder_rows(script) == [
        insert("shop", "0003_order"),
        insert("shop", "0004_order_total"),
        insert("shop", "0001_squashed_0003_order"),
    ]


def test_unapplying_a_squash_deletes_it_and_what_it_replaces(scenario_db):
    scenario_db("squashed")
    migrate("shop@head")
    script, plan = script_for("shop@base")
    assert starting(script, "-- Unapply") == [
        "-- Unapply shop.0004_order_total",
        "-- Unapply shop.0001_squashed_0003_order",
    ]
    assert recorder_rows(script) == [
        delete("shop", "0004_order_total"),
        *(delete("shop", name) for name in REPLACED),
        delete("shop", "0001_squashed_0003_order"),
    ]


def test_empty_plan_is_an_empty_script(scenario_db):
    scenario_db("linear")
    migrate("shop.0002")
    assert script_for("shop.0002") == ("", Plan())


def test_branchmigrate_sql_prints_the_script_and_changes_nothing(scenario_db):
    scenario_db("forked_labelled")
    migrate("billing@head")
    before = MigrationRecorder(connection).applied_migrations().keys()
    expected, plan = script_for("billing@base", "shop.0004_order_status")
    out, err, code = run_command(
        "branchmigrate", "billing@base", "shop.0004_order_status", sql=True, interactive=False
    )
    assert (code, err) == (0, "")
    assert out == expected
    assert MigrationRecorder(connection).applied_migrations().keys() == before
    assert "shop_invoice" in connection.introspection.table_names()


NOT_SQL = {
    "0001_initial.py": """
        from django.db import migrations, models


        class Migration(migrations.Migration):
            initial = True
            operations = [
                migrations.CreateModel("Product", [("id", models.BigAutoField(primary_key=True))]),
            ]
    """,
    "0002_fill.py": """
        from django.db import migrations


        class Migration(migrations.Migration):
            atomic = False
            dependencies = [("shop", "0001_initial")]
            operations = [migrations.RunPython(migrations.RunPython.noop)]
    """,
}


def test_non_atomic_migration_and_python_operations(migration_package, settings):
    package = migration_package(NOT_SQL)
    settings.MIGRATION_MODULES = {**settings.MIGRATION_MODULES, "shop": package}
    script, plan = script_for("shop@head")
    step = script[script.index("-- Apply shop.0002_fill") :].splitlines()
    # Django's own comment, whose wording has changed between versions.
    assert step[4].startswith("-- ") and step[4].endswith("CANNOT BE WRITTEN AS SQL")
    assert step[:4] + step[5:] == [
        "-- Apply shop.0002_fill",
        "--",
        "-- Raw Python operation",
        "--",
        insert("shop", "0002_fill"),
    ]
    assert starting(script, "BEGIN") == (["BEGIN;"] if transactional() else [])


# Running the script equals running the plan ---------------------------------------------------

SIBLINGS = {
    "0001_initial.py": NOT_SQL["0001_initial.py"],
    "0002_price.py": """
        from django.db import migrations, models


        class Migration(migrations.Migration):
            branch_labels = ("pricing",)
            dependencies = [("shop", "0001_initial")]
            operations = [
                migrations.AddField("product", "price", models.IntegerField(default=0)),
            ]
    """,
    "0002_stock.py": """
        from django.db import migrations, models


        class Migration(migrations.Migration):
            dependencies = [("shop", "0001_initial")]
            operations = [
                migrations.AddField("product", "stock", models.IntegerField(default=0)),
            ]
    """,
}


@pytest.mark.slow
@pytest.mark.parametrize(
    "scenario_name, start, targets",
    [
        ("forked_labelled", (), ("heads",)),
        ("forked_labelled", ("billing@head",), ("billing@base", "shop.0004_order_status")),
        ("squashed", (), ("heads",)),
        ("squashed", ("heads",), ("shop@base",)),
        # Two branches change one table: on SQLite each step rebuilds it from the model
        # state, which must hold the other branch's column too.
        ("siblings", (), ("heads",)),
        ("siblings", ("heads",), ("pricing@base",)),
    ],
)
def test_script_equals_branchmigrate(
    scenario, empty_database, migration_package, settings, tmp_path, scenario_name, start, targets
):
    """Run the script on one empty database and ``branchmigrate`` on another; compare them."""
    if scenario_name == "siblings":
        package = migration_package(SIBLINGS)
        settings.MIGRATION_MODULES = {**settings.MIGRATION_MODULES, "shop": package}
    else:
        scenario(scenario_name)
    scripted, migrated = empty_database(), empty_database()
    for alias in (scripted, migrated):
        if start:
            migrate(*start, alias=alias)
    script, plan = script_for(*targets, alias=scripted)
    assert plan

    run_script(scripted, script, tmp_path)
    migrate(*targets, alias=migrated)

    assert_same_schema(scripted, migrated)


@pytest.mark.skipif(
    not connection.features.can_rollback_ddl,
    reason="MySQL and MariaDB cannot roll back DDL: the script has no transactions to test.",
)
def test_failed_step_leaves_no_trace(scenario, empty_database, tmp_path):
    """The failing migration's DDL and row are rolled back; the ones before it stay."""
    scenario("linear")
    alias = empty_database()
    script, plan = script_for("shop@head", alias=alias)
    broken = script.replace("-- Add field total to order\n--\n", "--\nNOPE;\n")
    assert broken != script
    with pytest.raises(ScriptFailed, match="NOPE"):
        run_script(alias, broken, tmp_path)
    found: Any = schema(alias)
    assert [key for key in found["recorded"] if key[0] == "shop"] == [
        ("shop", name) for name in LINEAR[:3]
    ]
    assert "total" not in [column.name for column in found["columns"]["shop_order"]]
    assert "shop_order" in found["tables"]


@pytest.mark.django_db(transaction=True)
def test_irreversible_backwards_plan_is_an_error_not_a_traceback(migration_package, settings):
    package = migration_package(
        {
            "0001_initial.py": """
                from django.db import migrations


                def forwards(apps, schema_editor):
                    pass


                class Migration(migrations.Migration):
                    operations = [migrations.RunPython(forwards)]
            """,
        }
    )
    settings.MIGRATION_MODULES = {**settings.MIGRATION_MODULES, "shop": package}
    run_command("branchmigrate", "shop.0001", interactive=False)
    try:
        out, err, code = run_command("branchmigrate", "shop@base", sql=True)
        assert (out, code) == ("", 1)
        assert err.startswith(
            "CommandError: The plan cannot be written as SQL: Operation <RunPython <function "
            "forwards at "
        )
        assert err.endswith(">> in shop.0001_initial is not reversible\n")
    finally:
        run_command("branchmigrate", "shop@base", fake=True, interactive=False)
