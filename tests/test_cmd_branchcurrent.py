r"""``branchcurrent``: where a database stands against the heads.

The scenario is ``cross_app_label``::

    shop:      0001_initial -> 0002_order -> 0003_invoice [billing] -> 0004_invoice_due
                                       \-> 0003_order_note
    payments:  0001_initial -> 0002_payment_method
                        \-> 0002_refund [billing]      (0001 needs shop.0002, inventory.0001)
    inventory: 0001_initial -> 0002_stock_location

Django's own apps are migrated on the test database; their heads depend on the Django
version, so the expected output computes them.
"""

import json

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from tests.utils import TEST_APPS, run_command

HEADS = {
    "inventory": ["0002_stock_location"],
    "payments": ["0002_payment_method", "0002_refund"],
    "shop": ["0003_order_note", "0004_invoice_due"],
}


def contrib_blocks():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        app: "  %s: at its heads\n%s"
        % (app, "".join("    [X] %s (head)\n" % name for _, name in loader.graph.leaf_nodes(app)))
        for app in loader.migrated_apps - set(TEST_APPS)
    }


def report(blocks, tail, alias="default"):
    """The whole output: a heading, every app in label order, then ``tail``."""
    blocks = {**contrib_blocks(), **blocks}
    return (
        "Applied heads on database '%s':\n" % alias
        + "".join(blocks[app] for app in sorted(blocks))
        + tail
    )


@pytest.fixture
def fake_applied(scenario_db):
    """Record rows by hand (for inconsistent history); remove them before the cleanup runs."""
    rows = []

    def record(app_label, name):
        MigrationRecorder(connection).record_applied(app_label, name)
        rows.append((app_label, name))

    yield record
    for app_label, name in rows:
        MigrationRecorder(connection).record_unapplied(app_label, name)


def migrate(*targets, alias="default"):
    MigrationExecutor(connections[alias]).migrate([tuple(target.split(".")) for target in targets])


@pytest.mark.django_db(transaction=True)
def test_part_applied_with_a_ghost(scenario_db):
    scenario_db("cross_app_label")
    migrate("shop.0003_invoice", "inventory.0001_initial")
    MigrationRecorder(connection).record_applied("shop", "0099_gone")

    out, err, returncode = run_command("branchcurrent")

    assert (err, returncode) == ("", 0)
    assert out == report(
        {
            "inventory": "  inventory: not at its heads\n"
            "    [X] 0001_initial (applied head)\n"
            "    [ ] 0002_stock_location (head)\n",
            "payments": "  payments: not at its heads\n"
            "    [ ] 0002_payment_method (head)\n"
            "    [ ] 0002_refund [billing] (head)\n",
            "shop": "  shop: not at its heads\n"
            "    [X] 0003_invoice [billing] (applied head)\n"
            "    [ ] 0003_order_note (head)\n"
            "    [ ] 0004_invoice_due [billing] (head)\n",
        },
        "Ghosts on database 'default':\n"
        "  shop.0099_gone is recorded as applied, but no such migration exists.\n"
        "Database 'default' is not at every head.\n",
    )


@pytest.mark.django_db(transaction=True)
def test_check_heads_fails_behind_the_heads(scenario_db):
    scenario_db("cross_app_label")
    migrate("shop.0003_invoice", "inventory.0001_initial")

    out, err, returncode = run_command("branchcurrent", "--check-heads")

    assert returncode == 1
    assert err == (
        "CommandError: Database 'default' is not at every head: inventory is at 0001_initial "
        "(heads: 0002_stock_location); payments has nothing applied (heads: "
        "0002_payment_method, 0002_refund); shop is at 0003_invoice (heads: 0003_order_note, "
        "0004_invoice_due). Run 'python manage.py branchmigrate heads' to migrate it.\n"
    )
    assert out.endswith("    [ ] 0004_invoice_due [billing] (head)\n")


@pytest.mark.django_db(transaction=True)
def test_at_every_head(scenario_db):
    scenario_db("cross_app_label")
    migrate(*("%s.%s" % (app, name) for app, names in HEADS.items() for name in names))

    out, err, returncode = run_command("branchcurrent", "--check-heads")

    assert (err, returncode) == ("", 0)
    assert out == report(
        {
            "inventory": "  inventory: at its heads\n    [X] 0002_stock_location (head)\n",
            "payments": "  payments: at its heads\n"
            "    [X] 0002_payment_method (head)\n"
            "    [X] 0002_refund [billing] (head)\n",
            "shop": "  shop: at its heads\n"
            "    [X] 0003_order_note (head)\n"
            "    [X] 0004_invoice_due [billing] (head)\n",
        },
        "Database 'default' is at every head.\n",
    )


@pytest.mark.django_db(transaction=True)
def test_ghost_does_not_fail_check_heads(scenario_db):
    """``--check-heads`` is about heads; ghosts are reported, and ``branchcheck`` fails on them."""
    scenario_db("linear")
    migrate("shop.0004_order_total")
    MigrationRecorder(connection).record_applied("shop", "0099_gone")

    out, err, returncode = run_command("branchcurrent", "--check-heads", "--json")

    assert (err, returncode) == ("", 0)
    database = json.loads(out)["databases"][0]
    assert database["ghosts"] == [{"app": "shop", "name": "0099_gone"}]
    assert database["at_heads"] is True


@pytest.mark.django_db(transaction=True)
def test_inconsistent_history(scenario_db, fake_applied):
    scenario_db("linear")
    migrate("shop.0002_product_price")
    fake_applied("shop", "0004_order_total")

    out, err, returncode = run_command("branchcurrent")

    assert (err, returncode) == ("", 0)
    assert out == report(
        {
            "shop": "  shop: not at its heads\n"
            "    [X] 0002_product_price (applied head)\n"
            "    [X] 0004_order_total (head)\n",
        },
        "Inconsistent history on database 'default':\n"
        "  shop.0004_order_total is applied before its dependency shop.0003_order.\n"
        "Database 'default' is not at every head.\n",
    )


@pytest.mark.django_db(transaction=True)
def test_json(scenario_db, fake_applied):
    scenario_db("cross_app_label")
    migrate("shop.0003_invoice", "inventory.0001_initial")
    MigrationRecorder(connection).record_applied("shop", "0099_gone")
    fake_applied("payments", "0002_refund")

    out, err, returncode = run_command("branchcurrent", "--json")

    assert (err, returncode) == ("", 0)
    data = json.loads(out)
    (database,) = data["databases"]
    apps = [app for app in database.pop("apps") if app["app"] in TEST_APPS]
    assert database == {
        "alias": "default",
        "ghosts": [{"app": "shop", "name": "0099_gone"}],
        "inconsistent": [
            {"migration": "payments.0002_refund", "dependency": "payments.0001_initial"}
        ],
        "at_heads": False,
    }
    assert apps == [
        {
            "app": "inventory",
            "heads": ["0002_stock_location"],
            "applied_heads": ["0001_initial"],
            "at_heads": False,
        },
        {
            "app": "payments",
            "heads": ["0002_payment_method", "0002_refund"],
            "applied_heads": ["0002_refund"],
            "at_heads": False,
        },
        {
            "app": "shop",
            "heads": ["0003_order_note", "0004_invoice_due"],
            "applied_heads": ["0003_invoice"],
            "at_heads": False,
        },
    ]


@pytest.mark.django_db(transaction=True)
def test_verbosity(scenario_db):
    scenario_db("linear")
    migrate("shop.0004_order_total")

    assert run_command("branchcurrent", verbosity=0) == ("", "", 0)
    out, _, _ = run_command("branchcurrent", verbosity=2)
    lines = [line for line in out.splitlines() if "0004_order_total" in line]
    assert len(lines) == 1
    assert lines[0].startswith("    [X] 0004_order_total (head) (applied at 2")


@pytest.mark.django_db(transaction=True)
def test_quiet_check_heads_still_fails(scenario_db):
    scenario_db("linear")

    out, err, returncode = run_command("branchcurrent", "--check-heads", verbosity=0)

    assert (out, returncode) == ("", 1)
    assert err.startswith("CommandError: Database 'default' is not at every head: shop has ")


@pytest.mark.django_db(transaction=True, databases=["default", "other"])
def test_other_database(scenario_db):
    scenario_db("linear")
    migrate("shop.0004_order_total")

    out, err, returncode = run_command("branchcurrent", "--database", "other", "--check-heads")

    assert returncode == 1
    assert out.startswith("Applied heads on database 'other':\n")
    assert "  shop: not at its heads\n    [ ] 0004_order_total (head)\n" in out
    assert err == (
        "CommandError: Database 'other' is not at every head: shop has nothing applied "
        "(heads: 0004_order_total). Run 'python manage.py branchmigrate heads --database "
        "other' to migrate it.\n"
    )
