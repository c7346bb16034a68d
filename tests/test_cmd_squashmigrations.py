"""``squashmigrations`` keeps branch labels and never moves a branch silently (SPEC section 7).

Once a squash replaces a migration, Django makes whatever depended on it depend on the squash.
For the last migration of the range that is harmless; for one in the middle it would put the
branch that forks there after the whole range, so such a range is refused (exit 1, as Django
refuses to squash a squash). Every test copies a scenario into a temporary migrations package.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from django_branchmig.graph import BranchGraph
from django_branchmig.management.mixins import squash_problems
from tests.apps.store.project import copy_scenario
from tests.utils import run_command

FORKED = [
    "0001_initial.py",
    "0002_order.py",
    "0003_invoice.py",
    "0003_order_note.py",
    "0004_invoice_paid.py",
    "0004_order_status.py",
]


@pytest.fixture
def copied(migration_package):
    """Return a function that copies a scenario into a temporary package and selects it."""
    overrides = []

    def copy(name: str) -> Path:
        override, root = copy_scenario(migration_package, name)
        override.enable()
        overrides.append(override)
        return root

    yield copy
    for override in reversed(overrides):
        override.disable()


def graph() -> BranchGraph:
    return BranchGraph.from_loader(MigrationLoader(None, ignore_no_migrations=True))


def files(root: Path, app: str = "shop") -> list[str]:
    return sorted(path.name for path in (root / app).glob("0*.py"))


# Labels -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_squash_keeps_the_labels_of_what_it_replaces(copied):
    """
    0002_order -- [0003_invoice [billing] -- 0004_invoice_paid]  squashed
              \\
               -- 0003_order_note -- 0004_order_status
    """
    root = copied("forked_labelled")
    out, err, returncode = run_command(
        "squashmigrations", "shop", "0003_invoice", "0004_invoice_paid", "--noinput"
    )
    assert (err, returncode) == ("", 0)
    assert out.endswith(
        "  you can delete them.\n"
        "  It keeps the branch labels of the migrations it replaces: billing.\n"
    )
    squash = (root / "shop" / "0003_invoice_squashed_0004_invoice_paid.py").read_text()
    assert (
        "class Migration(migrations.Migration):\n"
        "    branch_labels = ('billing',)\n"
        "\n"
        "    replaces = [('shop', '0003_invoice'), ('shop', '0004_invoice_paid')]\n"
    ) in squash
    # Once the replaced migrations are deleted, the label lives in the squash alone.
    (root / "shop" / "0003_invoice.py").unlink()
    (root / "shop" / "0004_invoice_paid.py").unlink()
    importlib.invalidate_caches()
    after = graph()
    key = ("shop", "0003_invoice_squashed_0004_invoice_paid")
    assert after.declared_labels(key) == ("billing",)
    assert sorted(after.heads("shop")) == [key, ("shop", "0004_order_status")]
    assert after.conflicts() == {}


@pytest.mark.django_db
def test_squash_of_a_merge_keeps_the_union(copied):
    """
    [0001 -- 0002 -- 0003_invoice [billing] -- 0004_invoice_paid -- 0005_merge]  -- 0006
                 \\-- 0003_order_note -- 0004_order_status --------/
    """
    root = copied("merged")
    out, err, returncode = run_command("squashmigrations", "shop", "0005", "--noinput")
    assert (err, returncode) == ("", 0)
    squash = (root / "shop" / "0001_squashed_0005_merge.py").read_text()
    assert "    branch_labels = ('billing',)\n" in squash
    assert graph().labels(("shop", "0006_order_shipped")) == {"billing"}


@pytest.mark.django_db
def test_squash_without_labels_writes_none(copied):
    root = copied("linear")
    out, err, returncode = run_command("squashmigrations", "shop", "0003", "--noinput")
    assert (err, returncode) == ("", 0)
    assert "branch_labels" not in (root / "shop" / "0001_squashed_0003_order.py").read_text()
    assert "It keeps the branch labels" not in out


# Branches ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_branches_forking_at_the_end_are_fine(copied):
    """
    [0001 -- 0002_order] -- 0003_invoice [billing] -- 0004_invoice_paid
                       \\
                        -- 0003_order_note -- 0004_order_status
    """
    root = copied("forked_labelled")
    out, err, returncode = run_command("squashmigrations", "shop", "0002", "--noinput")
    assert (err, returncode) == ("", 0)
    assert files(root) == sorted([*FORKED, "0001_squashed_0002_order.py"])
    after = graph()
    squash = ("shop", "0001_squashed_0002_order")
    assert after.children(squash) == (("shop", "0003_invoice"), ("shop", "0003_order_note"))
    assert after.labels(("shop", "0004_invoice_paid")) == {"billing"}
    assert after.labels(("shop", "0004_order_status")) == frozenset()


@pytest.mark.django_db
def test_a_branch_forking_inside_the_range_is_refused(copied):
    """
    [0001 -- 0002_order -- 0003_invoice [billing] -- 0004_invoice_paid]
                       \\
                        -- 0003_order_note -- 0004_order_status
    """
    root = copied("forked_labelled")
    out, err, returncode = run_command(
        "squashmigrations", "shop", "0004_invoice_paid", "--noinput"
    )
    assert (out, returncode) == ("", 1)
    assert err == (
        "CommandError: Cannot squash shop.0001_initial to shop.0004_invoice_paid: "
        "shop.0003_order_note branches off shop.0002_order, inside the range. Once the squash "
        "replaces shop.0002_order, Django makes shop.0003_order_note depend on the whole "
        "squash, which also applies shop.0003_invoice [billing], shop.0004_invoice_paid "
        "[billing], so that branch would silently start after this one. Squash up to "
        "shop.0002_order (where the branches fork), or merge the branches and squash up to "
        "the merge.\n"
    )
    assert files(root) == FORKED


@pytest.mark.django_db
def test_a_range_that_would_drop_a_dependency_is_refused(copied):
    """Django's apply order puts 0003_invoice after 0004_order_status, so it is in the range.

    0002 -- 0003_invoice [billing] -- 0004_invoice_paid ----\\
        \\                                                  [0005_merge -- 0006]
         -- 0003_order_note -- [0004_order_status] --------/
    """
    copied("merged")
    out, err, returncode = run_command(
        "squashmigrations", "shop", "0004_order_status", "0006", "--noinput"
    )
    assert (out, returncode) == ("", 1)
    assert err == (
        "CommandError: Cannot squash shop.0004_order_status to shop.0006_order_shipped: "
        "shop.0003_invoice also depends on shop.0002_order, which is outside the range, and "
        "the squash would drop that dependency. Start the range at or before shop.0002_order, "
        "or end it before shop.0003_invoice.\n"
    )


@pytest.mark.django_db
def test_djangos_own_errors_are_unchanged(copied):
    copied("forked_labelled")
    out, err, returncode = run_command("squashmigrations", "shop", "0009", "--noinput")
    assert (err, returncode) == (
        "CommandError: Cannot find a migration matching '0009' from app 'shop'.\n",
        1,
    )


# Applying ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_labelled_squash_applies_as_django_resolves_it(copied, scenario_db):
    copied("forked_labelled")
    run_command("squashmigrations", "shop", "0003_invoice", "0004_invoice_paid", "--noinput")
    squash = ("shop", "0003_invoice_squashed_0004_invoice_paid")
    MigrationExecutor(connection).migrate([squash])
    recorded = set(
        MigrationRecorder(connection).migration_qs.filter(app="shop").values_list("app", "name")
    )
    assert recorded == {
        ("shop", "0001_initial"),
        ("shop", "0002_order"),
        ("shop", "0003_invoice"),
        ("shop", "0004_invoice_paid"),
        ("shop", "0003_invoice_squashed_0004_invoice_paid"),
    }
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "shop_invoice")
    assert "paid" in [column.name for column in columns]


# The rule, on plain graphs ----------------------------------------------------------------------


def test_problems_of_a_range_on_a_plain_graph():
    """
    0001 -- 0002 -- 0003 -- 0004
                \\
                 -- 0003_b
    """
    plain = BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003": ["shop.0002"],
            "shop.0004": ["shop.0003"],
            "shop.0003_b": ["shop.0002"],
        }
    )
    assert squash_problems(plain, [("shop", "0001"), ("shop", "0002")]) == []
    assert squash_problems(plain, [("shop", "0003"), ("shop", "0004")]) == []
    (problem,) = squash_problems(plain, [("shop", "0002"), ("shop", "0003")])
    assert problem.startswith("Cannot squash shop.0002 to shop.0003: shop.0003_b branches off")


def test_cross_app_dependants_follow_djangos_rule():
    """Another app's migration may depend on the middle of the range: Django points it at the
    squash, as it does without branches.

    shop:     0001 -- 0002 -- 0003
                        \\
    payments:            0001
    """
    plain = BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003": ["shop.0002"],
            "payments.0001": ["shop.0002"],
        }
    )
    assert squash_problems(plain, [("shop", "0001"), ("shop", "0002"), ("shop", "0003")]) == []
