r"""``branchcheck``, the CI gate, and the system check ``branchmig.W001`` it shares.

The scenarios (tests/scenarios/)::

    parallel_commuting:   0001_initial --> 0002_rename_note
                                      \--> 0002_order_status [fulfilment]
    parallel_conflicting: 0001_initial --> 0002_note_text
                                      \--> 0002_note_longer [longer]
    parallel_opaque:      0001_initial --> 0002_fill_note              (RunPython)
                                      \--> 0002_order_status [fulfilment]

Django's own apps are migrated on the test databases, so they are at their heads.
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.core.checks import Warning
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings

from django_branchmig.checks import HINTS, check_parallel_branches
from tests.utils import run_command

W001_COMMUTING = (
    "?: (branchmig.W001) Parallel branches of app 'shop' touch the same model: "
    "shop.0002_order_status [fulfilment] and shop.0002_rename_note both touch shop.Order. They "
    "commute: either order gives the same project state.\n"
    "\tHINT: Nothing needs to change; merge the branches with 'python manage.py branchmerge "
    "shop.0002_order_status shop.0002_rename_note' when they are done."
)
E005 = (
    "Parallel branches of app 'shop' conflict: shop.0002_note_longer [longer] and "
    "shop.0002_note_text both touch shop.Order. Branch shop.0002_note_longer then branch "
    "shop.0002_note_text differs from the reverse order: field note of shop.Order differs."
)
E005_HINT = (
    "Run 'python manage.py branchmerge shop.0002_note_longer shop.0002_note_text --dry-run' to "
    "see both branches and what they both touch, then change one branch so that either order "
    "gives the same result."
)


def report(errors=(), warnings=(), silenced=0):
    """The text ``branchcheck`` prints, built the way ``manage.py check`` builds it."""
    body = ""
    for group, messages in (("ERRORS", errors), ("WARNINGS", warnings)):
        if messages:
            body += "\n%s:\n%s\n" % (group, "\n".join(messages))
    count = len(errors) + len(warnings)
    if not count:
        return "Branch check identified no issues (%d silenced).\n" % silenced
    return (
        "Branch check identified some issues:\n%s\nBranch check identified %s (%d silenced).\n"
        % (
            body,
            "1 issue" if count == 1 else "%d issues" % count,
            silenced,
        )
    )


# Without a database (pytest-django refuses any query in these tests) ---------------


def test_no_issues(scenario):
    scenario("linear")
    assert run_command("branchcheck") == (report(), "", 0)


def test_commuting_branches_warn_and_pass(scenario):
    scenario("parallel_commuting")
    assert run_command("branchcheck") == (report(warnings=[W001_COMMUTING]), "", 0)


def test_conflicting_branches_fail(scenario):
    scenario("parallel_conflicting")
    out, err, returncode = run_command("branchcheck")
    assert returncode == 1
    assert err == "CommandError: Branch check failed: 1 error.\n"
    assert out == report(errors=["?: (branchmig.E005) %s\n\tHINT: %s" % (E005, E005_HINT)])


def test_conflicting_branches_json(scenario):
    scenario("parallel_conflicting")
    out, err, returncode = run_command("branchcheck", "--json")
    assert (err, returncode) == ("CommandError: Branch check failed: 1 error.\n", 1)
    assert json.loads(out) == {
        "database": None,
        "errors": [{"id": "branchmig.E005", "message": E005, "hint": E005_HINT}],
        "warnings": [],
    }
    assert list(json.loads(out)) == ["database", "errors", "warnings"]


def test_opaque_branches_warn(scenario):
    scenario("parallel_opaque")
    out, err, returncode = run_command("branchcheck", "--json")
    assert (err, returncode) == ("", 0)
    assert json.loads(out)["warnings"] == [
        {
            "id": "branchmig.W002",
            "message": "Parallel branches of app 'shop' hold operations that cannot be analysed, "
            "so whether shop.0002_fill_note and shop.0002_order_status [fulfilment] commute is "
            "unknown: shop.0002_fill_note: Raw Python operation.",
            "hint": "Check by hand that these operations give the same result whichever branch "
            "runs first; 'python manage.py branchmerge shop.0002_fill_note shop.0002_order_status "
            "--dry-run' shows both branches.",
        }
    ]


def test_unresolved_conflict_and_label_errors(scenario):
    """duplicate_label: the label is declared twice (E002), so both heads carry it (E001)."""
    scenario("duplicate_label")
    out, err, returncode = run_command("branchcheck", "--json")
    assert (err, returncode) == ("CommandError: Branch check failed: 2 errors.\n", 1)
    found = json.loads(out)
    assert [(e["id"], e["hint"]) for e in found["errors"]] == [
        ("branchmig.E002", HINTS["E002"]),
        ("branchmig.E001", HINTS["E001"]),
    ]
    assert found["errors"][1]["message"] == (
        "Conflicting migrations in app 'shop': heads shop.0002_a, shop.0002_b carry the same "
        "branch labels (billing)."
    )
    assert [w["id"] for w in found["warnings"]] == ["branchmig.W001"]


def test_unlabelled_heads(scenario):
    scenario("forked_unlabelled")
    out, err, returncode = run_command("branchcheck")
    assert returncode == 1
    assert out == report(
        errors=[
            "?: (branchmig.E001) Conflicting migrations in app 'shop': heads "
            "shop.0004_invoice_paid, shop.0004_order_status carry the same branch labels (none)."
            "\n\tHINT: %s" % HINTS["E001"]
        ]
    )


def test_a_graph_that_cannot_be_loaded_is_reported_alone(scenario):
    scenario("missing_parent")
    out, err, returncode = run_command("branchcheck", "--json")
    assert returncode == 1
    assert [e["id"] for e in json.loads(out)["errors"]] == ["branchmig.E004"]


def test_silenced_checks_are_counted(scenario):
    scenario("parallel_commuting")
    with override_settings(SILENCED_SYSTEM_CHECKS=["branchmig.W001"]):
        assert run_command("branchcheck") == (report(silenced=1), "", 0)


def test_verbosity_0_prints_nothing(scenario):
    scenario("parallel_conflicting")
    assert run_command("branchcheck", verbosity=0) == (
        "",
        "CommandError: Branch check failed: 1 error.\n",
        1,
    )


# With --database -------------------------------------------------------------------


def migrate(*targets, alias="default"):
    MigrationExecutor(connections[alias]).migrate([tuple(t.split(".")) for t in targets])


@pytest.fixture
def recorded(scenario_db):
    """Record rows by hand (ghosts, inconsistent history); remove them before the cleanup."""
    rows = []

    def record(app_label, name, alias="default"):
        MigrationRecorder(connections[alias]).record_applied(app_label, name)
        rows.append((alias, app_label, name))

    yield record
    for alias, app_label, name in rows:
        MigrationRecorder(connections[alias]).record_unapplied(app_label, name)


@pytest.mark.django_db(transaction=True)
def test_database_at_its_heads(scenario_db):
    scenario_db("parallel_commuting")
    migrate("shop.0002_order_status", "shop.0002_rename_note")
    out, err, returncode = run_command("branchcheck", "--database", "default", "--json")
    assert (err, returncode) == ("", 0)
    assert json.loads(out) == {
        "database": "default",
        "errors": [],
        "warnings": [
            {
                "id": "branchmig.W001",
                "message": W001_COMMUTING.split("\n")[0][len("?: (branchmig.W001) ") :],
                "hint": W001_COMMUTING.split("\tHINT: ")[1],
            }
        ],
    }


@pytest.mark.django_db(transaction=True)
def test_database_not_at_its_heads(scenario_db):
    scenario_db("parallel_commuting")
    migrate("shop.0001_initial")
    out, err, returncode = run_command("branchcheck", "--database", "default")
    assert (err, returncode) == ("CommandError: Branch check failed: 1 error.\n", 1)
    assert out == report(
        errors=[
            "?: (branchmig.E008) Database 'default' is not at the heads of app 'shop': it is at "
            "0001_initial; the heads are 0002_order_status, 0002_rename_note.\n"
            "\tHINT: Run 'python manage.py branchmigrate shop@heads'."
        ],
        warnings=[W001_COMMUTING],
    )


@pytest.mark.django_db(transaction=True)
def test_ghosts_and_inconsistent_history(scenario_db, recorded):
    scenario_db("parallel_commuting")
    recorded("shop", "0099_gone")
    recorded("shop", "0002_rename_note")  # without its parent 0001_initial
    out, err, returncode = run_command("branchcheck", "--database", "default", "--json")
    assert (err, returncode) == ("CommandError: Branch check failed: 3 errors.\n", 1)
    assert json.loads(out)["errors"] == [
        {
            "id": "branchmig.E006",
            "message": "Database 'default' records shop.0099_gone as applied, but no such "
            "migration exists.",
            "hint": "Restore the migration file, or delete the record with "
            "'python manage.py branchmigrate --prune'.",
        },
        {
            "id": "branchmig.E007",
            "message": "Database 'default' has shop.0002_rename_note applied before its "
            "dependency shop.0001_initial.",
            "hint": "If the dependency's changes are in the database, record it as applied; "
            "otherwise unapply the migration. 'python manage.py branchcurrent' shows the whole "
            "history.",
        },
        {
            "id": "branchmig.E008",
            "message": "Database 'default' is not at the heads of app 'shop': it is at "
            "0002_rename_note; the heads are 0002_order_status, 0002_rename_note.",
            "hint": "Run 'python manage.py branchmigrate shop@heads'.",
        },
    ]


@pytest.mark.django_db(transaction=True, databases=["default", "other"])
def test_other_database(scenario_db):
    scenario_db("parallel_commuting")
    migrate("shop.0002_order_status", "shop.0002_rename_note")
    out, err, returncode = run_command("branchcheck", "--database", "other", "--json")
    assert (err, returncode) == ("CommandError: Branch check failed: 1 error.\n", 1)
    assert json.loads(out)["errors"] == [
        {
            "id": "branchmig.E008",
            "message": "Database 'other' is not at the heads of app 'shop': nothing is applied; "
            "the heads are 0002_order_status, 0002_rename_note.",
            "hint": "Run 'python manage.py branchmigrate shop@heads --database other'.",
        }
    ]
    assert json.loads(out)["database"] == "other"


# The system check W001 --------------------------------------------------------------


def test_w001_parallel_branches_touch_the_same_model(scenario):
    scenario("parallel_conflicting")
    assert check_parallel_branches() == [
        Warning(
            "Parallel branches of app 'shop' touch the same model: shop.0002_note_longer "
            "[longer] and shop.0002_note_text both touch shop.Order.",
            hint="Run 'python manage.py branchcheck' to test whether their operations commute, "
            "and 'python manage.py branchmerge shop.0002_note_longer shop.0002_note_text' to "
            "see them and merge the branches.",
            id="branchmig.W001",
        )
    ]


@pytest.mark.parametrize("name", ["linear", "forked_labelled", "merged", "cross_app_label"])
def test_w001_not_for_branches_on_different_models(scenario, name):
    """forked_labelled: one branch points to Order, the other adds fields to it; no overlap."""
    scenario(name)
    assert check_parallel_branches() == []


def test_w001_only_for_the_apps_checked(scenario):
    scenario("parallel_commuting")
    assert check_parallel_branches([apps.get_app_config("payments")]) == []
    assert len(check_parallel_branches([apps.get_app_config("shop")])) == 1


def test_w001_leaves_a_broken_graph_to_e004(scenario):
    scenario("missing_parent")
    assert check_parallel_branches() == []


def test_w001_in_manage_py_check(scenario):
    scenario("parallel_opaque")  # RunPython touches nothing that can be named.
    out, err, returncode = run_command("check")
    assert returncode == 0
    assert "branchmig.W001" not in err
    scenario("parallel_commuting")
    out, err, returncode = run_command("check")
    assert returncode == 0
    assert (
        "?: (branchmig.W001) Parallel branches of app 'shop' touch the same model: "
        "shop.0002_order_status [fulfilment] and shop.0002_rename_note both touch shop.Order."
    ) in err
