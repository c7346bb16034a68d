r"""``branchmerge``: merge migrations written into a temporary copy of a scenario.

The scenarios (tests/scenarios/)::

    parallel_commuting:   0001_initial --> 0002_rename_note
                                      \--> 0002_order_status [fulfilment]
    parallel_conflicting: 0001_initial --> 0002_note_text
                                      \--> 0002_note_longer [longer]
    parallel_opaque:      0001_initial --> 0002_fill_note              (RunPython)
                                      \--> 0002_order_status [fulfilment]
    forked_labelled:      0001 -> 0002_order --> 0003_invoice [billing] -> 0004_invoice_paid
                                            \--> 0003_order_note -> 0004_order_status

Nothing is ever written into the source tree: each test copies its scenario into a package
with a unique name (the ``migration_package`` fixture).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.db.migrations.loader import MigrationLoader
from django.test.utils import override_settings

from django_branchmig.graph import BranchGraph
from django_branchmig.management.commands.branchmerge import merge_migration
from tests.utils import SCENARIOS_DIR, TEST_APPS, run_command


@pytest.fixture
def copy_scenario(migration_package):
    """Copy a scenario into a temporary package, select it, and return the shop directory."""
    overrides = []

    def copy(name: str, extra: dict[str, str] | None = None) -> Path:
        files = {
            "%s/%s" % (path.parent.name, path.name): path.read_text()
            for path in (SCENARIOS_DIR / name).glob("*/*.py")
        }
        files.update(extra or {})
        package = migration_package(files)
        module = importlib.import_module(package)
        apps = {relative.split("/")[0] for relative in files}
        override = override_settings(
            MIGRATION_MODULES={
                app: "%s.%s" % (package, app) if app in apps else None for app in TEST_APPS
            }
        )
        override.enable()
        overrides.append(override)
        return Path(module.__file__).parent / "shop"

    yield copy
    for override in reversed(overrides):
        override.disable()


def listing(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.glob("*.py"))


def load_merge(directory: Path, name: str):
    """Import the written migration as Django would, and return the loader too."""
    importlib.invalidate_caches()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return loader, loader.graph.nodes[("shop", name)]


def test_merge_commuting_branches(copy_scenario):
    shop = copy_scenario("parallel_commuting")
    out, err, returncode = run_command("branchmerge", "shop.0002_rename_note", "fulfilment@head")
    path = shop / "0003_merge_0002_order_status_0002_rename_note.py"
    assert (err, returncode) == ("", 0)
    assert out == (
        "Merging shop\n"
        "  Branch shop.0002_order_status [fulfilment]\n"
        "    shop.0002_order_status\n"
        "      + Add field status to order\n"
        "  Branch shop.0002_rename_note\n"
        "    shop.0002_rename_note\n"
        "      ~ Rename field note on order to remark\n"
        "Analysis of shop.0002_order_status and shop.0002_rename_note: commuting\n"
        "  Model       Name  Kind   Left (shop.0002_order_status)                      "
        "Right (shop.0002_rename_note)\n"
        "  shop.Order  -     model  shop.0002_order_status: Add field status to order  "
        "shop.0002_rename_note: Rename field note on order to remark\n"
        "Created new merge migration %s\n"
        "It carries the branch labels of its parents: fulfilment.\n" % path
    )
    loader, merge = load_merge(shop, path.stem)
    assert merge.dependencies == [("shop", "0002_order_status"), ("shop", "0002_rename_note")]
    assert merge.operations == []
    assert not hasattr(merge, "branch_labels")
    assert loader.graph.leaf_nodes("shop") == [("shop", path.stem)]
    assert loader.detect_conflicts() == {}
    graph = BranchGraph.from_loader(loader)
    assert graph.labels(("shop", path.stem)) == {"fulfilment"}
    assert graph.label_problems == []


def test_merge_three_heads(copy_scenario):
    """Every head of the app at once: one merge depending on the three."""

    third = (
        "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n"
        "    branch_labels = ('third',)\n"
        "    dependencies = [('shop', '0001_initial')]\n"
        "    operations = []\n"
    )
    shop = copy_scenario(
        "parallel_commuting",
        {"shop/0002_third.py": third},
    )
    out, err, returncode = run_command(
        "branchmerge", "shop.0002_third", "shop.0002_rename_note", "shop.0002_order_status"
    )
    assert (err, returncode) == ("", 0)
    name = "0003_merge_0002_order_status_0002_rename_note_0002_third"
    assert len(name) - len("0003_merge_") <= 47
    assert "Analysis of shop.0002_order_status and shop.0002_third: independent\n" in out
    loader, merge = load_merge(shop, name)
    assert merge.dependencies == [
        ("shop", "0002_order_status"),
        ("shop", "0002_rename_note"),
        ("shop", "0002_third"),
    ]
    assert loader.graph.leaf_nodes("shop") == [("shop", name)]


def test_conflicting_branches_are_refused(copy_scenario):
    shop = copy_scenario("parallel_conflicting")
    before = listing(shop)
    out, err, returncode = run_command("branchmerge", "shop.0002_note_text", "longer@head")
    assert returncode == 1
    assert err == (
        "CommandError: Refusing to merge shop.0002_note_longer and shop.0002_note_text: their "
        "branches conflict. Branch shop.0002_note_longer then branch shop.0002_note_text "
        "differs from the reverse order: field note of shop.Order differs. Make the branches "
        "agree first (change one of them), or write the merge anyway with --force.\n"
    )
    assert out == (
        "Merging shop\n"
        "  Branch shop.0002_note_longer [longer]\n"
        "    shop.0002_note_longer\n"
        "      ~ Alter field note on order\n"
        "  Branch shop.0002_note_text\n"
        "    shop.0002_note_text\n"
        "      ~ Alter field note on order\n"
        "Analysis of shop.0002_note_longer and shop.0002_note_text: conflicting\n"
        "  Model       Name  Kind   Left (shop.0002_note_longer)                      "
        "Right (shop.0002_note_text)\n"
        "  shop.Order  note  field  shop.0002_note_longer: Alter field note on order  "
        "shop.0002_note_text: Alter field note on order\n"
        "  Branch shop.0002_note_longer then branch shop.0002_note_text differs from the "
        "reverse order: field note of shop.Order differs.\n"
    )
    assert listing(shop) == before


def test_force_writes_a_conflicting_merge(copy_scenario):
    shop = copy_scenario("parallel_conflicting")
    out, err, returncode = run_command(
        "branchmerge", "shop.0002_note_text", "shop.0002_note_longer", "--force"
    )
    assert (err, returncode) == ("", 0)
    assert "Writing the merge although the branches conflict (--force).\n" in out
    loader, merge = load_merge(shop, "0003_merge_0002_note_longer_0002_note_text")
    assert loader.graph.leaf_nodes("shop") == [("shop", merge.name)]


def test_opaque_branches_are_merged_with_a_warning(copy_scenario):
    shop = copy_scenario("parallel_opaque")
    out, err, returncode = run_command(
        "branchmerge", "shop.0002_fill_note", "shop.0002_order_status"
    )
    assert (err, returncode) == ("", 0)
    assert (
        "Analysis of shop.0002_fill_note and shop.0002_order_status: opaque\n"
        "  Cannot be analysed (left): shop.0002_fill_note: Raw Python operation\n"
        "Some operations cannot be analysed (RunSQL, RunPython, SeparateDatabaseAndState or "
        "custom operations): check by hand that the branches can run in either order.\n"
    ) in out
    assert "0003_merge_0002_fill_note_0002_order_status.py" in listing(shop)


def test_dry_run_prints_the_file_and_writes_nothing(copy_scenario):
    shop = copy_scenario("forked_labelled")
    before = listing(shop)
    out, err, returncode = run_command(
        "branchmerge", "billing@head", "shop.0004_order_status", "--dry-run", verbosity=0
    )
    assert (err, returncode) == ("", 0)
    assert listing(shop) == before
    namespace: dict = {}
    exec(compile(out, "merge.py", "exec"), namespace)
    assert namespace["Migration"].dependencies == [
        ("shop", "0004_invoice_paid"),
        ("shop", "0004_order_status"),
    ]
    assert out.startswith("# Generated by Django ")
    assert "branch_labels" not in out


def test_dry_run_names_the_file_at_verbosity_1(copy_scenario):
    shop = copy_scenario("forked_labelled")
    out, err, returncode = run_command(
        "branchmerge", "shop.0004_invoice_paid", "shop.0004_order_status", "--dry-run"
    )
    assert (err, returncode) == ("", 0)
    assert (
        "Analysis of shop.0004_invoice_paid and shop.0004_order_status: independent\n"
        "Merge migration %s (not written, --dry-run):\n# Generated by Django "
        % (shop / "0005_merge_0004_invoice_paid_0004_order_status.py")
    ) in out


def test_name(copy_scenario):
    shop = copy_scenario("forked_labelled")
    out, err, returncode = run_command(
        "branchmerge", "billing@head", "shop.0004_order_status", "--name", "join_billing"
    )
    assert (err, returncode) == ("", 0)
    assert "0005_join_billing.py" in listing(shop)


def test_an_invalid_name_is_refused(copy_scenario):
    shop = copy_scenario("forked_labelled")
    before = listing(shop)
    out, err, returncode = run_command(
        "branchmerge", "billing@head", "shop.0004_order_status", "--name", "join-billing"
    )
    assert (out, err, returncode) == (
        "",
        "CommandError: The migration name 'join-billing' is not a valid Python identifier.\n",
        2,
    )
    assert listing(shop) == before


def test_an_existing_migration_is_not_overwritten(copy_scenario):
    existing = (
        "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n"
        "    branch_labels = ('joined',)\n"
        "    dependencies = [('shop', '0002_order')]\n"
        "    operations = []\n"
    )
    shop = copy_scenario("forked_labelled", {"shop/0005_join.py": existing})
    out, err, returncode = run_command(
        "branchmerge", "billing@head", "shop.0004_order_status", "--name", "join"
    )
    assert (out, err, returncode) == (
        "",
        "CommandError: shop.0005_join already exists (%s). Choose another name with --name.\n"
        % (shop / "0005_join.py"),
        2,
    )
    assert (shop / "0005_join.py").read_text() == existing


REFUSALS = [
    (
        "forked_labelled",
        ["shop.0003_invoice", "shop.0004_order_status"],
        "shop.0003_invoice is not a head: shop.0004_invoice_paid builds on it. The heads of "
        "shop are 0004_invoice_paid [billing], 0004_order_status.",
    ),
    (
        "cross_app_label",
        ["shop.0004_invoice_due", "payments.0002_refund"],
        "The heads belong to different apps (shop.0004_invoice_due, payments.0002_refund); a "
        "merge migration joins heads of one app. Run branchmerge once per app.",
    ),
    (
        "forked_labelled",
        ["shop.0004_invoice_paid", "billing@head", "shop.0004_order_status"],
        "shop.0004_invoice_paid is given 2 times ('shop.0004_invoice_paid', 'billing@head'). "
        "Give each head once.",
    ),
    (
        "forked_labelled",
        ["billing@head"],
        "Merging needs two or more heads; 'billing@head' names one, shop.0004_invoice_paid. "
        "The heads of shop are 0004_invoice_paid [billing], 0004_order_status.",
    ),
    (
        "linear",
        ["shop"],
        "Merging needs two or more heads; 'shop' names one, shop.0004_order_total. App 'shop' "
        "has a single head, 0004_order_total: there is nothing to merge.",
    ),
    (
        "forked_labelled",
        [],
        "Name the heads to merge, e.g. 'python manage.py branchmerge shop.0004_a shop.0004_b'. "
        "Apps with several heads: shop (0004_invoice_paid [billing], 0004_order_status).",
    ),
    (
        "linear",
        [],
        "Name the heads to merge, e.g. 'python manage.py branchmerge shop.0004_a shop.0004_b'. "
        "No app has several heads.",
    ),
]


@pytest.mark.parametrize("scenario_name, targets, message", REFUSALS)
def test_refusals(copy_scenario, scenario_name, targets, message):
    shop = copy_scenario(scenario_name)
    before = listing(shop)
    out, err, returncode = run_command("branchmerge", *targets, "--force")
    assert (out, err, returncode) == ("", "CommandError: %s\n" % message, 2)
    assert listing(shop) == before


def test_an_unknown_target_exits_2(copy_scenario):
    shop = copy_scenario("forked_labelled")
    before = listing(shop)
    out, err, returncode = run_command("branchmerge", "shop.0009", "shop.0004_order_status")
    assert returncode == 2
    assert err.startswith("CommandError: ")
    assert "0009" in err
    assert listing(shop) == before


def test_long_names_get_a_timestamp_as_django_does():
    heads = [("shop", "0004_a_very_long_migration_name"), ("shop", "0012_another_long_name_x")]
    migration = merge_migration(heads, None)
    assert re.fullmatch(r"0013_merge_\d{8}_\d{4}", migration.name)
    assert migration.dependencies == heads


def test_a_graph_that_cannot_be_loaded_is_an_error_not_a_traceback(scenario):
    scenario("missing_parent")
    out, err, code = run_command("branchmerge", "shop.0002_order", "shop.0002_order")
    assert code == 1
    assert err == (
        "CommandError: The migration graph cannot be loaded: Migration shop.0002_order "
        "dependencies reference nonexistent parent node ('shop', '0001_missing')\n"
    )
