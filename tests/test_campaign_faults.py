"""A fault at every position of a 20-migration plan: the record stays true, and a rerun completes.

Each campaign migration does its schema work, then reaches a fault point
(``tests/scenarios/campaign/faults.py``) that ``BRANCHMIG_FAULT=app.name:kind`` arms. The runs
form a chain: the run armed at position k applies what the previous run left and stops at k, so
20 runs put a fault on every migration and the last, unarmed, run completes the plan.

Exceptions, DDL errors and SIGINT run in this process (a real signal, delivered to the test
process); SIGKILL needs a process of its own. After every run the recorded state must match
the introspected schema; on MariaDB, which cannot roll back DDL, the test asserts exactly what
the failed migration left behind, follows the advice of the failure report, and goes on.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from tests.campaign.schema import CREATES, SCENARIO, mismatch, recorded
from tests.utils import run_command, subprocess_command

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

#: The campaign plan in the order branchmigrate runs it (asserted below).
PLAN = [
    "shop.0001_initial",
    "inventory.0001_initial",
    "inventory.0002_stock_quantity",
    "inventory.0003_warehouse",
    "inventory.0004_stock_warehouse",
    "inventory.0005_warehouse_city",
    "inventory.0006_stock_note",
    "shop.0002_product_sku",
    "shop.0003_order",
    "payments.0001_initial",
    "payments.0002_payment_method",
    "payments.0003_payment_reference",
    "shop.0004_invoice",
    "payments.0002_refund",
    "payments.0003_refund_reason",
    "shop.0004_order_note",
    "shop.0005_order_status",
    "shop.0005_invoice_due",
    "shop.0006_merge",
    "shop.0007_product_active",
]

FIRST_LINE = {
    "exception": "CommandError: Applying {m} failed: RuntimeError: injected fault in {m}",
    "ddl": "CommandError: Applying {m} failed: ",
    "sigint": "CommandError: Interrupted while applying {m}.",
}
ADVICE = re.compile(r"Drop (?:it|them) \((?P<sql>.+?)\) and run branchmigrate again")


def left_behind(migration: str) -> str:
    """How the report names what ``migration`` creates, when all of it is left behind."""
    table, columns = CREATES[migration]
    if "id" in columns:
        return "table %s" % table
    return ", ".join("column %s.%s" % (table, c) for c in sorted(columns))


def check_failed_run(conn: BaseDatabaseWrapper, migration: str, err: str) -> None:
    """The record matches the schema; without transactional DDL, the leftover is as reported.

    On MariaDB, drop the leftover as the report says, so that the next run can go on.
    """
    if conn.features.can_rollback_ddl:
        assert (
            "  Its changes were rolled back and it is recorded as not applied, as before." in err
        )
        assert mismatch(conn) == {}
        return
    table, columns = CREATES[migration]
    assert mismatch(conn) == {table: {"+" + c for c in columns}}
    assert (
        "  %s may be half-applied: MariaDB cannot roll back schema changes, so part of its "
        "operations may have run although Django did not record it." % migration
    ) in err
    assert (
        "  It left behind %s: all the tables and columns it creates." % left_behind(migration)
        in err
    )
    assert "'python manage.py branchmigrate --fake %s'" % migration in err
    statements = ADVICE.search(err)
    assert statements, err
    with conn.cursor() as cursor:
        for statement in statements["sql"].split(";"):
            if statement.strip():
                cursor.execute(statement)
    assert mismatch(conn) == {}


@pytest.fixture
def campaign(scenario_db) -> None:
    scenario_db(SCENARIO)
    out, err, code = run_command("branchmigrate", "shop", "payments", "inventory", plan=True)
    assert [line.split()[1] for line in out.splitlines() if line.startswith("Apply ")] == PLAN


@pytest.mark.parametrize("kind", ["exception", "ddl", "sigint"])
def test_fault_at_every_position_in_process(campaign, monkeypatch, kind):
    for position, migration in enumerate(PLAN):
        monkeypatch.setenv("BRANCHMIG_FAULT", "%s:%s" % (migration, kind))
        out, err, code = run_command("branchmigrate", interactive=False)
        assert code == (130 if kind == "sigint" else 1), err
        assert err.startswith(FIRST_LINE[kind].format(m=migration)), err
        assert "Traceback" not in err
        assert recorded(connection) == set(PLAN[:position])
        check_failed_run(connection, migration, err)
    monkeypatch.delenv("BRANCHMIG_FAULT")
    out, err, code = run_command("branchmigrate", interactive=False)
    assert (code, err) == (0, "")
    assert recorded(connection) == set(PLAN)
    assert mismatch(connection) == {}


def test_sigkill_at_every_position(campaign, campaign_database):
    """A killed process leaves the record true; the next run closes its audit run and goes on."""
    env, conn = campaign_database
    closed = "ended without finishing while applying %s; it is now marked interrupted."
    for position, migration in enumerate(PLAN):
        result = subprocess_command(
            "branchmigrate", "--noinput", env={**env, "BRANCHMIG_FAULT": migration + ":sigkill"}
        )
        assert result.returncode == -9, result.stderr
        assert recorded(conn) == set(PLAN[:position])
        if conn.features.can_rollback_ddl:
            assert mismatch(conn) == {}
            if position:  # This run found the run killed before it, and closed it.
                assert closed % PLAN[position - 1] in result.stderr
        else:
            table, columns = CREATES[migration]
            assert mismatch(conn) == {table: {"+" + c for c in columns}}
            # The next run closes the killed run, trips over the leftover and says what to drop.
            rerun = subprocess_command("branchmigrate", "--noinput", env=env)
            assert rerun.returncode == 1
            assert closed % migration in rerun.stderr
            check_failed_run(conn, migration, rerun.stderr)
    last = subprocess_command("branchmigrate", "--noinput", env=env)
    assert last.returncode == 0, last.stderr
    if conn.features.can_rollback_ddl:
        assert last.stderr.endswith(closed % PLAN[-1] + "\n")
    else:
        assert last.stderr == ""
    assert recorded(conn) == set(PLAN)
    assert mismatch(conn) == {}


def test_sigint_in_a_real_process_exits_130_with_a_report(campaign, campaign_database):
    env, conn = campaign_database
    migration = "payments.0002_refund"
    result = subprocess_command(
        "branchmigrate", "--noinput", env={**env, "BRANCHMIG_FAULT": migration + ":sigint"}
    )
    assert result.returncode == 130
    assert "  [14/20] Applying payments.0002_refund... INTERRUPTED\n" in result.stdout
    assert result.stderr.startswith(
        "CommandError: Interrupted while applying payments.0002_refund.\n"
    )
    assert "Traceback" not in result.stderr
    assert "\nNot run: payments.0003_refund_reason, shop.0004_order_note," in result.stderr
    assert recorded(conn) == set(PLAN[: PLAN.index(migration)])
    check_failed_run(conn, migration, result.stderr)
    again = subprocess_command("branchmigrate", "--noinput", env=env)
    assert (again.returncode, again.stderr) == (0, "")
    assert recorded(conn) == set(PLAN)
