"""branchmigrate: the remaining target forms, confirmation, ghosts, progress count, history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from django_branchmig.management.commands import branchmigrate
from tests.utils import TEST_APPS, run_command

pytestmark = pytest.mark.django_db(transaction=True)


def applied(app: str = "shop") -> list[str]:
    return sorted(
        name for a, name in MigrationRecorder(connection).applied_migrations() if a == app
    )


def migrate(*targets: str, **options) -> tuple[str, str, int]:
    options.setdefault("interactive", False)
    return run_command("branchmigrate", *targets, **options)


@pytest.fixture
def restore_django_apps():
    """``base`` unapplies Django's own apps too: bring them back for the next tests."""
    yield
    executor = MigrationExecutor(connection)
    leaves = [key for key in executor.loader.graph.leaf_nodes() if key[0] not in TEST_APPS]
    executor.migrate(leaves)


LINEAR = ["0001_initial", "0002_product_price", "0003_order", "0004_order_total"]


@pytest.mark.parametrize(
    "target, expected",
    [
        ("shop.0001+2", LINEAR[:3]),
        ("shop@head-1", LINEAR[:3]),
        ("shop.0004-3", LINEAR[:1]),
        ("shop@heads", LINEAR),
        ("shop", LINEAR),
        ("shop@zero", []),
        ("shop@base", []),
        ("base", []),
    ],
)
def test_linear_targets(scenario_db, restore_django_apps, target, expected):
    """
    0001_initial -- 0002_product_price -- 0003_order -- 0004_order_total
    """
    scenario_db("linear")
    migrate("shop.0002")
    out, err, code = migrate(target)
    # ``base`` unapplies the app's own migration too, and the audit log with it.
    warning = (
        "Audit log not written: the plan unapplied django_branchmig.0001_initial, which dropped "
        "table django_branchmig_migrationrun with this run's record.\n"
    )
    assert (code, err) == (0, warning if target == "base" else "")
    assert applied() == expected


def test_relative_moves_from_the_applied_state(scenario_db):
    scenario_db("linear")
    migrate("shop@+1")
    assert applied() == LINEAR[:1]
    migrate("shop@+2")
    assert applied() == LINEAR[:3]
    migrate("shop@-2")
    assert applied() == LINEAR[:1]
    migrate("shop@-1")
    assert applied() == []


def test_bare_label_is_the_declaring_migration(scenario_db):
    scenario_db("forked_labelled")
    migrate("billing")
    assert applied() == ["0001_initial", "0002_order", "0003_invoice"]
    migrate("billing@heads")
    assert applied() == ["0001_initial", "0002_order", "0003_invoice", "0004_invoice_paid"]


def test_base_asks_for_confirmation(scenario_db, restore_django_apps, monkeypatch):
    scenario_db("linear")
    migrate("shop.0002")
    monkeypatch.setattr("builtins.input", lambda question: "no")
    out, err, code = migrate("base", interactive=True)
    assert (code, err) == (1, "CommandError: Cancelled; nothing was changed.\n")
    assert applied() == LINEAR[:2]
    monkeypatch.setattr("builtins.input", lambda question: "yes")
    assert migrate("base", interactive=True)[2] == 0
    assert applied() == []


def test_ghosts_are_listed_and_pruned(scenario_db, monkeypatch):
    scenario_db("linear")
    MigrationRecorder(connection).record_applied("shop", "0099_gone")
    out, err, code = migrate("shop.0001")
    assert code == 0
    assert out.startswith(
        "Ghost migrations on database 'default' (recorded as applied, not on disk): "
        "shop.0099_gone.\n"
        "  Run 'python manage.py branchmigrate --prune' to delete them.\n"
    )
    monkeypatch.setattr("builtins.input", lambda question: "yes")
    out, err, code = migrate("shop.0001", prune=True, interactive=True)
    assert code == 0
    assert "Pruning migrations:\n  Pruning shop.0099_gone OK\n" in out
    assert applied() == ["0001_initial"]


def test_long_plans_show_a_running_count(scenario_db, monkeypatch):
    scenario_db("linear")
    monkeypatch.setattr(branchmigrate, "COUNT_FROM", 3)
    out, err, code = migrate()
    assert code == 0
    assert (
        "  [1/4] Applying shop.0001_initial... OK\n"
        "  [2/4] Applying shop.0002_product_price... OK\n"
        "  [3/4] Applying shop.0003_order... OK\n"
        "  [4/4] Applying shop.0004_order_total... OK\n"
    ) in out


def test_timings_at_verbosity_2(scenario_db):
    scenario_db("linear")
    out, err, code = migrate("shop.0001", verbosity=2)
    assert code == 0
    line = next(line for line in out.splitlines() if "Applying shop.0001_initial" in line)
    assert line.startswith("  Applying shop.0001_initial... OK (") and line.endswith("s)")


def test_inconsistent_history_is_refused_before_anything_runs(scenario_db):
    scenario_db("linear")
    MigrationRecorder(connection).record_applied("shop", "0002_product_price")
    out, err, code = migrate(fake=True)
    assert code == 1
    assert err == (
        "CommandError: Migration shop.0002_product_price is applied before its dependency "
        "shop.0001_initial on database 'default'. Run 'python manage.py branchcurrent "
        "--database default' to see the whole inconsistent history.\n"
    )
    assert applied() == ["0002_product_price"]
    MigrationRecorder(connection).record_unapplied("shop", "0002_product_price")


def _count_disk_loads(monkeypatch) -> list[object]:
    """Record every ``MigrationLoader.load_disk`` call: each one reads every migration file."""
    from django.db.migrations.loader import MigrationLoader

    calls: list[object] = []
    load_disk = MigrationLoader.load_disk

    def counted(self):
        calls.append(self)
        return load_disk(self)

    monkeypatch.setattr(MigrationLoader, "load_disk", counted)
    return calls


def test_the_system_checks_and_the_plan_share_one_load(scenario_db, monkeypatch):
    """With the checks on, the migration files are read once, by the checks, not twice."""
    scenario_db("forked_labelled")
    calls = _count_disk_loads(monkeypatch)
    out, err, returncode = migrate("--plan", skip_checks=False)
    assert (err, returncode) == ("", 0)
    assert "shop.0001_initial" in out
    assert len(calls) == 1
    calls.clear()
    out, err, returncode = migrate("--plan")  # call_command skips the checks by default
    assert (err, returncode) == ("", 0)
    assert len(calls) == 1


def test_a_missing_migrations_module_is_still_an_error(scenario_db, settings):
    """The checks ignore an explicit module that does not exist; branchmigrate does not."""
    scenario_db("linear")
    settings.MIGRATION_MODULES = {**settings.MIGRATION_MODULES, "payments": "tests.nowhere"}
    with pytest.raises(ModuleNotFoundError, match="tests.nowhere"):
        migrate("--plan", skip_checks=False)
