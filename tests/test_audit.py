"""The audit log: the rows each kind of run writes, and runs that cannot write them."""

from __future__ import annotations

import getpass
import os
import socket
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from django_branchmig.models import MigrationRun, MigrationRunStep
from tests.utils import run_command, unapply_scenario_apps

pytestmark = pytest.mark.django_db(transaction=True)

FLAKY = """
    from django.db import migrations, models


    def boom(apps, schema_editor):
        raise {error}


    class Migration(migrations.Migration):
        dependencies = [("shop", "0001_initial")]
        operations = [
            migrations.CreateModel("Flag", [("id", models.BigAutoField(primary_key=True))]),
            migrations.RunPython(boom),
        ]
"""
INITIAL = """
    from django.db import migrations, models


    class Migration(migrations.Migration):
        initial = True
        operations = [
            migrations.CreateModel("Product", [("id", models.BigAutoField(primary_key=True))]),
        ]
"""
AFTER = """
    from django.db import migrations, models


    class Migration(migrations.Migration):
        dependencies = [("shop", "0002_flaky")]
        operations = [
            migrations.AddField("product", "name", models.CharField(max_length=10, default="")),
        ]
"""


def migrate(*targets: str, **options) -> tuple[str, str, int]:
    options.setdefault("interactive", False)
    return run_command("branchmigrate", *targets, **options)


def steps(run: MigrationRun) -> list[tuple[int, str, bool, str]]:
    return [
        (s.position, "%s.%s" % (s.app_label, s.name), s.backwards, s.outcome)
        for s in run.steps.order_by("position")
    ]


def only_run() -> MigrationRun:
    (run,) = MigrationRun.objects.all()
    return run


@pytest.fixture
def flaky(migration_package, settings):
    """Select a shop package whose 0002 raises ``error`` (a Python expression)."""

    def select(error: str) -> str:
        package = migration_package(
            {
                "0001_initial.py": INITIAL,
                "0002_flaky.py": FLAKY.replace("{error}", error),
                "0003_after.py": AFTER,
            }
        )
        settings.MIGRATION_MODULES = {**settings.MIGRATION_MODULES, "shop": package}
        return package

    yield select
    unapply_scenario_apps("default")


def test_successful_run_records_who_when_where_and_every_step(scenario_db):
    scenario_db("linear")
    out, err, code = migrate("shop.0003")
    assert (code, err) == (0, "")
    run = only_run()
    assert (run.database, run.targets, run.fake, run.locked, run.outcome, run.error) == (
        "default",
        "shop.0003",
        False,
        True,
        "succeeded",
        "",
    )
    assert (run.os_user, run.host, run.pid) == (
        getpass.getuser(),
        socket.gethostname(),
        os.getpid(),
    )
    assert run.started <= run.finished
    assert steps(run) == [
        (1, "shop.0001_initial", False, "applied"),
        (2, "shop.0002_product_price", False, "applied"),
        (3, "shop.0003_order", False, "applied"),
    ]
    assert all(timedelta(0) <= s.duration < timedelta(minutes=1) for s in run.steps.all())


def test_nothing_to_do_and_read_only_runs_write_nothing(scenario_db):
    scenario_db("linear")
    for options in ({"plan": True}, {"check_unapplied": True}, {"sql": True}):
        migrate(**options)
    assert MigrationRun.objects.count() == 0
    migrate()
    migrate()  # Nothing left to apply.
    assert MigrationRun.objects.count() == 1


def test_failed_run_records_the_failure_and_what_did_not_run(flaky):
    flaky('RuntimeError("boom")')
    out, err, code = migrate()
    assert code == 1
    run = only_run()
    assert run.outcome == "failed"
    assert run.error == err.removeprefix("CommandError: ").rstrip("\n")
    assert steps(run) == [
        (1, "shop.0001_initial", False, "applied"),
        (2, "shop.0002_flaky", False, "failed"),
        (3, "shop.0003_after", False, "not run"),
    ]
    failed = run.steps.get(position=2)
    assert failed.error == "RuntimeError: boom"
    assert failed.duration is not None


def test_ctrl_c_gives_a_report_exit_130_and_an_interrupted_run(flaky):
    flaky("KeyboardInterrupt")
    out, err, code = migrate()
    assert code == 130
    assert "  Applying shop.0002_flaky... INTERRUPTED\n" in out
    assert err.splitlines()[0] == "CommandError: Interrupted while applying shop.0002_flaky."
    assert err.splitlines()[-3:] == [
        "Done before the interruption: shop.0001_initial",
        "Not run: shop.0003_after",
        "Run branchmigrate again to complete the plan.",
    ]
    assert "Traceback" not in err
    run = only_run()
    assert run.outcome == "interrupted"
    assert steps(run)[1:] == [
        (2, "shop.0002_flaky", False, "interrupted"),
        (3, "shop.0003_after", False, "not run"),
    ]
    assert run.steps.get(position=2).error == "KeyboardInterrupt"


def test_fake_run_records_faked_steps(scenario_db):
    scenario_db("linear")
    out, err, code = migrate("shop.0002", fake=True)
    assert (code, err) == (0, "")
    run = only_run()
    assert (run.fake, run.outcome) == (True, "succeeded")
    assert steps(run) == [
        (1, "shop.0001_initial", False, "faked"),
        (2, "shop.0002_product_price", False, "faked"),
    ]
    # Nothing was created: forget the rows so that cleaning up does not try to drop anything.
    MigrationRecorder(connection).migration_qs.filter(app="shop").delete()


def test_backwards_then_forwards_records_both_phases_in_plan_order(scenario_db):
    scenario_db("forked_labelled")
    migrate("billing@head")
    MigrationRun.objects.all().delete()
    out, err, code = migrate("billing@base", "shop.0004_order_status")
    assert (code, err) == (0, "")
    run = only_run()
    assert run.targets == "billing@base shop.0004_order_status"
    assert steps(run) == [
        (1, "shop.0004_invoice_paid", True, "unapplied"),
        (2, "shop.0003_invoice", True, "unapplied"),
        (3, "shop.0003_order_note", False, "applied"),
        (4, "shop.0004_order_status", False, "applied"),
    ]


def test_a_killed_run_is_marked_interrupted_by_the_next_locked_run(scenario_db):
    scenario_db("linear")
    killed = MigrationRun.objects.create(
        started="2026-01-02T03:04:05Z", database="default", pid=4242, host="build-7"
    )
    killed.steps.create(position=1, app_label="shop", name="0001_initial", outcome="applied")
    killed.steps.create(position=2, app_label="shop", name="0002_product_price", outcome="running")
    out, err, code = migrate()
    assert code == 0
    assert err == (
        "The audit log shows that run #%d (pid 4242 on build-7, started "
        "2026-01-02T03:04:05+00:00) ended without finishing while applying "
        "shop.0002_product_price; it is now marked interrupted.\n" % killed.pk
    )
    killed.refresh_from_db()
    assert killed.outcome == "interrupted"
    assert killed.finished is None
    assert [s.outcome for s in killed.steps.order_by("position")] == ["applied", "interrupted"]
    assert MigrationRun.objects.exclude(pk=killed.pk).get().outcome == "succeeded"


def test_without_the_lock_a_running_run_is_left_alone(scenario_db):
    scenario_db("linear")
    other = MigrationRun.objects.create(started="2026-01-02T03:04:05Z", database="default")
    out, err, code = migrate(lock=False)
    assert (code, err) == (0, "")
    other.refresh_from_db()
    assert other.outcome == "running"
    assert MigrationRun.objects.get(locked=False).outcome == "succeeded"


@pytest.fixture
def without_audit_tables():
    """Unapply django_branchmig; bring it back after the test."""
    executor = MigrationExecutor(connection)
    executor.migrate([("django_branchmig", None)])
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("django_branchmig"))


def test_missing_table_warns_once_and_the_plan_still_runs(scenario_db, without_audit_tables):
    scenario_db("linear")
    out, err, code = migrate("shop")
    assert (code, err) == (
        0,
        "Audit log not written: table django_branchmig_migrationrun does not exist on database "
        "'default' (it is created by django_branchmig.0001_initial).\n",
    )
    assert ("shop", "0004_order_total") in MigrationRecorder(connection).applied_migrations()


def test_the_run_that_creates_the_table_says_so(scenario_db, without_audit_tables):
    scenario_db("linear")
    out, err, code = migrate("django_branchmig", "shop.0001")
    assert (code, err) == (
        0,
        "Audit log not written: table django_branchmig_migrationrun does not exist yet on "
        "database 'default': this run creates it (django_branchmig.0001_initial), so the runs "
        "after this one are logged.\n",
    )
    assert MigrationRun.objects.count() == 0
    migrate("shop.0002")
    assert steps(only_run()) == [(1, "shop.0002_product_price", False, "applied")]


DROP_LOG = """
    from django.db import migrations, models


    def drop_log(apps, schema_editor):
        from django_branchmig.models import MigrationRunStep

        schema_editor.delete_model(MigrationRunStep)


    class Migration(migrations.Migration):
        dependencies = [("shop", "0001_initial")]
        operations = [
            migrations.CreateModel("Flag", [("id", models.BigAutoField(primary_key=True))]),
            migrations.RunPython(drop_log, migrations.RunPython.noop, atomic=False),
        ]
"""


def test_a_failed_audit_write_warns_and_leaves_the_connection_usable(migration_package, settings):
    """The log's table vanishes mid-run: the next write fails, the plan goes on.

    On PostgreSQL a failed statement outside a savepoint would abort the transaction and make
    the next migration fail too.
    """
    package = migration_package(
        {"0001_initial.py": INITIAL, "0002_flaky.py": DROP_LOG, "0003_after.py": AFTER}
    )
    settings.MIGRATION_MODULES = {**settings.MIGRATION_MODULES, "shop": package}
    try:
        out, err, code = migrate()
        assert (code, err) == (
            0,
            "Audit log not written: table django_branchmig_migrationrunstep does not exist on "
            "database 'default' (it is created by django_branchmig.0001_initial).\n",
        )
        applied = MigrationRecorder(connection).applied_migrations()
        assert {("shop", "0002_flaky"), ("shop", "0003_after")} <= set(applied)
        run = only_run()
        assert (run.outcome, run.error) == (
            "succeeded",
            "Audit log incomplete: table django_branchmig_migrationrunstep does not exist on "
            "database 'default' (it is created by django_branchmig.0001_initial).",
        )
    finally:
        with connection.schema_editor() as editor:
            if MigrationRunStep._meta.db_table not in connection.introspection.table_names():
                editor.create_model(MigrationRunStep)
        unapply_scenario_apps("default")
