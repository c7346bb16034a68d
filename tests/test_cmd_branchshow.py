"""``branchshow TARGET``: one migration, its neighbours, labels, operations, state and SQL."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from tests.utils import REPO_ROOT, run_command, scenario_tables


@pytest.fixture(autouse=True)
def in_repo_root(monkeypatch):
    """Files are shown relative to the current directory, as ``makemigrations`` shows them."""
    monkeypatch.chdir(REPO_ROOT)


def test_labelled_migration(scenario):
    r"""
    shop:     0002_order -> 0003_invoice [billing] -> 0004_invoice_due
    payments:                     ==> 0002_refund [billing]
    """
    scenario("cross_app_label")
    assert run_command("branchshow", "shop.0003_i") == (
        "shop.0003_invoice\n"
        "  File: tests/scenarios/cross_app_label/shop/0003_invoice.py\n"
        "  Labels: billing\n"
        "  Declared labels: billing\n"
        "  Parents: shop.0002_order\n"
        "  Dependencies: none\n"
        "  Children: shop.0004_invoice_due\n"
        "  Dependants: payments.0002_refund\n"
        "Operations:\n"
        "  - Create model Invoice\n",
        "",
        0,
    )


def test_branch_point_with_dependencies(scenario):
    """inventory.0001_initial runs before payments.0001_initial, which needs shop.0002_order."""
    scenario("cross_app_label")
    out, _, _ = run_command("branchshow", "payments.0001")
    assert out == (
        "payments.0001_initial (base) (branch point)\n"
        "  File: tests/scenarios/cross_app_label/payments/0001_initial.py\n"
        "  Labels: none\n"
        "  Declared labels: none\n"
        "  Parents: none\n"
        "  Dependencies: inventory.0001_initial, shop.0002_order\n"
        "  Children: payments.0002_payment_method, payments.0002_refund\n"
        "  Dependants: none\n"
        "Operations:\n"
        "  - Create model Payment\n"
    )


def test_merge_point_by_label_walk(scenario):
    """``billing@head-1`` walks down from the head of billing: the merge, whose labels came
    from its parents."""
    scenario("merged")
    out, _, _ = run_command("branchshow", "billing@head-1")
    assert out == (
        "shop.0005_merge (merge point)\n"
        "  File: tests/scenarios/merged/shop/0005_merge.py\n"
        "  Labels: billing\n"
        "  Declared labels: none\n"
        "  Parents: shop.0004_invoice_paid, shop.0004_order_status\n"
        "  Dependencies: none\n"
        "  Children: shop.0006_order_shipped\n"
        "  Dependants: none\n"
        "Operations:\n"
        "  (none)\n"
    )


def test_squash(scenario):
    scenario("squashed")
    out, _, _ = run_command("branchshow", "shop.0001")
    assert out == (
        "shop.0001_squashed_0003_order (base)\n"
        "  File: tests/scenarios/squashed/shop/0001_squashed_0003_order.py\n"
        "  Labels: none\n"
        "  Declared labels: none\n"
        "  Parents: none\n"
        "  Dependencies: none\n"
        "  Children: shop.0004_order_total\n"
        "  Dependants: none\n"
        "  Replaces: shop.0001_initial, shop.0002_product_price, shop.0003_order\n"
        "Operations:\n"
        "  - Create model Product\n"
        "  - Create model Order\n"
    )


@pytest.mark.parametrize(
    "target, message",
    [
        (
            "shop.0003",
            "Ambiguous migration 'shop.0003': it is a prefix of shop.0003_invoice, "
            "shop.0003_order_note. Use a longer prefix.",
        ),
        (
            "billing@head",
            "'billing@head' names 2 migrations (payments.0002_refund, shop.0004_invoice_due); "
            "name one migration.",
        ),
        ("heads", "'heads' does not name one migration; use APP.MIGRATION or SCOPE@head."),
        (
            "shop.0009",
            "Unknown migration '0009' in app 'shop'. Its migrations are: 0001_initial, "
            "0002_order, 0003_invoice, 0003_order_note, 0004_invoice_due.",
        ),
    ],
)
def test_target_must_name_one_migration(scenario, target, message):
    scenario("cross_app_label")
    assert run_command("branchshow", target) == ("", "CommandError: %s\n" % message, 2)


@pytest.mark.django_db(transaction=True)
def test_applied_time(scenario_db):
    scenario_db("linear")
    MigrationExecutor(connection).migrate([("shop", "0002_product_price")])

    applied, _, _ = run_command("branchshow", "shop.0002", "--database", "default")
    unapplied, _, _ = run_command("branchshow", "shop.0003", "--database", "default")

    row = MigrationRecorder(connection).migration_qs.get(app="shop", name="0002_product_price")
    assert "  Applied on 'default': %s\n" % row.applied.strftime("%Y-%m-%d %H:%M:%S") in applied
    assert "  Applied on 'default': no\nOperations:\n" in unapplied


def test_no_database_read_without_the_option(scenario):
    """Without a ``django_db`` mark, pytest-django refuses any query: none is made."""
    scenario("linear")
    out, _, returncode = run_command("branchshow", "shop.0002")
    assert returncode == 0
    assert "Applied" not in out


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "scenario_name, app_label, name",
    [
        ("cross_app_label", "payments", "0002_refund"),
        ("squashed", "shop", "0001_squashed_0003_order"),
        ("merged", "shop", "0005_merge"),
    ],
)
def test_sql_is_sqlmigrates(scenario_db, scenario_name, app_label, name):
    """The SQL is what ``sqlmigrate`` prints for the database, and nothing is run.

    SQLite's schema editor needs a transactional test even to collect SQL.
    """
    scenario_db(scenario_name)
    recorded = MigrationRecorder(connection).migration_qs.count()

    out, err, returncode = run_command("branchshow", "%s.%s" % (app_label, name), "--sql")

    sql, sql_err, _ = run_command("sqlmigrate", app_label, name)
    assert (err, returncode) == ("", 0)
    if sql:
        assert out.endswith("\nSQL:\n" + sql)
        assert re.search(r"CREATE TABLE [`\"]?%s_" % app_label, sql)
    else:
        assert sql_err == "No operations found.\n"
        assert out.endswith("\nSQL:\n-- No operations found.\n")
    assert scenario_tables() == []
    assert MigrationRecorder(connection).migration_qs.count() == recorded
