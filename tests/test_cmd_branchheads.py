"""``branchheads``: the heads of each app, with their labels, from the migration files."""

import json
import os

import pytest
from django.db.migrations.loader import MigrationLoader

from tests.utils import REPO_ROOT, TEST_APPS, run_command, subprocess_command


def contrib_heads():
    """The heads of Django's own apps, which depend on the Django version."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        app: [name for _, name in loader.graph.leaf_nodes(app)]
        for app in sorted(loader.migrated_apps - set(TEST_APPS))
    }


def test_heads_grouped_by_app(scenario):
    r"""
    cross_app_label:
    shop: 0001 -> 0002_order -> 0003_invoice [billing] -> 0004_invoice_due
                          \-> 0003_order_note
    payments: 0001_initial -> 0002_payment_method
                      \-> 0002_refund [billing]
    inventory: 0001_initial -> 0002_stock_location
    """
    scenario("cross_app_label")
    out, err, returncode = run_command("branchheads", "shop", "payments", "inventory")
    assert (out, err, returncode) == (
        "shop\n"
        " 0003_order_note\n"
        " 0004_invoice_due [billing]\n"
        "payments\n"
        " 0002_payment_method\n"
        " 0002_refund [billing]\n"
        "inventory\n"
        " 0002_stock_location\n",
        "",
        0,
    )


def test_every_app_by_default(scenario):
    scenario("forked_labelled")
    out, _, returncode = run_command("branchheads")
    sections = {**contrib_heads(), "shop": ["0004_invoice_paid [billing]", "0004_order_status"]}
    assert out == "".join(
        "%s\n%s" % (app, "".join(" %s\n" % head for head in sections[app]))
        for app in sorted(sections)
    )
    assert returncode == 0


def test_json(scenario):
    scenario("cross_app_label")
    out, _, returncode = run_command("branchheads", "shop", "payments", "--json")
    assert returncode == 0
    assert json.loads(out) == {
        "heads": [
            {"app": "shop", "name": "0003_order_note", "labels": []},
            {"app": "shop", "name": "0004_invoice_due", "labels": ["billing"]},
            {"app": "payments", "name": "0002_payment_method", "labels": []},
            {"app": "payments", "name": "0002_refund", "labels": ["billing"]},
        ]
    }


def test_verbosity_2_names_the_files(scenario, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    scenario("linear")
    out, _, _ = run_command("branchheads", "shop", verbosity=2)
    assert out == "shop\n 0004_order_total (tests/scenarios/linear/shop/0004_order_total.py)\n"


def test_conflicting_heads_are_pointed_out(scenario):
    scenario("forked_unlabelled")
    out, _, returncode = run_command("branchheads", "shop")
    assert out == (
        "shop\n"
        " 0004_invoice_paid\n"
        " 0004_order_status\n"
        " Conflict: 0004_invoice_paid, 0004_order_status carry the same branch labels. Label "
        "one branch, or merge them with 'python manage.py branchmerge shop.0004_invoice_paid "
        "shop.0004_order_status'.\n"
    )
    assert returncode == 0


def test_unknown_app(scenario):
    scenario("linear")
    out, err, returncode = run_command("branchheads", "shop", "nope", "payments")
    assert (out, returncode) == ("", 2)
    assert err == (
        "CommandError: No installed app with label 'nope'. App 'payments' has no migrations. "
        "Apps with migrations: admin, auth, contenttypes, django_branchmig, sessions, shop.\n"
    )


def test_repeated_apps_are_shown_once(scenario):
    scenario("linear")
    out, _, _ = run_command("branchheads", "shop", "shop")
    assert out == "shop\n 0004_order_total\n"


@pytest.mark.slow
def test_conflicts_do_not_stop_the_command(tmp_path):
    """From ``manage.py`` too: the conflict system check must not hide the heads in conflict."""
    (tmp_path / "conflict_settings.py").write_text(
        "from tests.settings import *  # noqa: F403\n"
        "MIGRATION_MODULES = {'shop': 'tests.scenarios.forked_unlabelled.shop', "
        "'payments': None, 'inventory': None}\n"
    )
    result = subprocess_command(
        "branchheads",
        "shop",
        "--settings",
        "conflict_settings",
        env={"PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(tmp_path)])},
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("shop\n 0004_invoice_paid\n 0004_order_status\n Conflict: ")
