"""``makemigrations --head`` and ``--branch-label`` (SPEC section 6): where a new migration goes.

The store app's models (tests/apps/store/models.py) hold every branch of the store scenarios
plus one change, so what ``makemigrations`` finds is known. ``store_forked`` lacks ``Receipt``,
which needs ``Invoice``, a model of branch billing only::

    0001_initial -- 0002_order -- 0003_invoice [billing] -- 0004_invoice_paid
                              \\
                               -- 0003_order_note

``store_receipts`` lacks ``Order.note``, which needs nothing from a branch::

    0001_initial -- 0002_order -- 0003_invoice [billing] -- 0004_receipt
                              \\
                               -- 0003_product_price

Every test copies the scenario into a temporary migrations package; files are written there.
"""

from __future__ import annotations

import pytest
from django.db import connection, migrations, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ModelState, ProjectState

from django_branchmig.autodetect import (
    PlacementError,
    _resolved,
    _restore_unexplained,
    check_graph,
    missing_refs,
    requirements,
    resolve_base,
    several_heads,
)
from django_branchmig.graph import BranchGraph
from django_branchmig.targets import TargetError
from tests.apps.store.project import StoreProject, installer
from tests.utils import run_command

FORKED = [
    "0001_initial",
    "0002_order",
    "0003_invoice",
    "0003_order_note",
    "0004_invoice_paid",
]

RECEIPT_ON_BILLING = """\
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("store", "0004_invoice_paid")]

    operations = [
        migrations.CreateModel(
            name="Receipt",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("invoice", models.ForeignKey(on_delete=models.CASCADE, to="store.invoice")),
            ],
        ),
    ]
"""

SEVERAL_HEADS = (
    "CommandError: App 'store' has 2 heads, so the new migration has no single place to go:\n"
    "  store.0003_order_note              --head store.0003_order_note\n"
    "  store.0004_invoice_paid [billing]  --head billing@head\n"
    "Choose one with --head, or merge the heads first with 'python manage.py branchmerge'.\n"
)


@pytest.fixture
def store(migration_package, request):
    """Return a function that installs the store apps with a scenario's migrations."""
    install, finish = installer(migration_package, request)
    yield install
    finish()


def dependencies(project: StoreProject, name: str, app: str = "store") -> list[tuple[str, str]]:
    return sorted(project.loader().disk_migrations[app, name].dependencies)


# Several heads ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_several_heads_without_head_are_refused(store):
    project = store("store_forked")
    out, err, returncode = run_command("makemigrations", "store")
    assert (out, err, returncode) == ("", SEVERAL_HEADS, 2)
    assert project.names() == FORKED


@pytest.mark.django_db
def test_dry_run_refuses_like_the_real_run(store):
    project = store("store_forked")
    out, err, returncode = run_command("makemigrations", "store", "--dry-run")
    assert (err, returncode) == (SEVERAL_HEADS, 2)
    assert project.names() == FORKED


@pytest.mark.django_db
def test_several_heads_without_changes_are_fine(store):
    store("store_forked", extra={"store/0005_receipt.py": RECEIPT_ON_BILLING})
    out, err, returncode = run_command("makemigrations", "store")
    assert (out, err, returncode) == ("No changes detected in app 'store'\n", "", 0)


@pytest.mark.django_db
def test_check_reports_the_changes_and_the_heads(store):
    """``--check`` keeps Django's meaning, changes are missing (exit 1), and names the heads."""
    project = store("store_forked")
    out, err, returncode = run_command("makemigrations", "store", "--check")
    assert (err, returncode) == ("", 1)
    assert "    + Create model Receipt\n" in out
    assert out.endswith(SEVERAL_HEADS.removeprefix("CommandError: "))
    assert project.names() == FORKED


# --head ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_head_builds_on_a_branch(store):
    project = store("store_forked")
    out, err, returncode = run_command("makemigrations", "store", "--head", "billing@head")
    assert (err, returncode) == ("", 0)
    assert out == (
        "Migrations for 'store':\n"
        "  %s/store/0005_receipt.py\n"
        "    + Create model Receipt\n" % project.root
    )
    assert dependencies(project, "0005_receipt") == [("store", "0004_invoice_paid")]
    assert "branch_labels" not in project.read("0005_receipt")


@pytest.mark.django_db
def test_head_on_the_other_branch_is_numbered_from_it(store):
    project = store("store_receipts")
    out, err, returncode = run_command("makemigrations", "store", "--head", "store.0003_product")
    assert (err, returncode) == ("", 0)
    assert "  %s/store/0004_order_note.py\n    + Add field note to order\n" % project.root in out
    assert dependencies(project, "0004_order_note") == [("store", "0003_product_price")]


@pytest.mark.django_db
def test_dry_run_shows_the_file_and_writes_nothing(store):
    project = store("store_forked")
    out, err, returncode = run_command(
        "makemigrations", "store", "--head", "billing@head", "--dry-run", "--verbosity", "3"
    )
    assert (err, returncode) == ("", 0)
    assert "Full migrations file '0005_receipt.py':" in out
    assert "        ('store', '0004_invoice_paid'),\n" in out
    assert project.names() == FORKED


@pytest.mark.django_db
def test_needing_a_model_of_another_branch_would_conflict(store):
    """The trunk head needs Invoice: depending on 0003_invoice would label it billing too.

    The result would be two heads labelled billing, a conflict, so it is refused.
    """
    project = store("store_forked")
    out, err, returncode = run_command(
        "makemigrations", "store", "--head", "store.0003_order_note"
    )
    assert (out, returncode) == ("", 1)
    assert err == (
        "CommandError: The new migration store.0004_receipt would carry the same branch labels "
        "(billing) as store.0004_invoice_paid: two heads Django could not tell apart. It needs "
        "model store.Invoice, and depending on store.0003_invoice puts it on branch billing. "
        "Build it on that branch instead (--head billing@head), merge the heads first with "
        "'python manage.py branchmerge', or start a new branch with --branch-label LABEL.\n"
    )
    assert project.names() == FORKED


# --branch-label -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_branch_label_starts_a_branch_and_adds_what_it_needs(store):
    """
    0002_order -- 0003_invoice [billing] -- 0004_invoice_paid
          |   \\          \\
          |    \\          -- 0004_receipt [receipts]   (new: Receipt needs Invoice)
          |     -- 0003_order_note -----/
    """
    project = store("store_forked")
    out, err, returncode = run_command(
        "makemigrations",
        "store",
        "--head",
        "store.0003_order_note",
        "--branch-label",
        "receipts",
    )
    assert (err, returncode) == ("", 0)
    assert out == (
        "Migrations for 'store':\n"
        "  %s/store/0004_receipt.py\n"
        "    + Create model Receipt\n"
        "Added dependency on store.0003_invoice (branch billing): the new operations need model "
        "store.Invoice.\n" % project.root
    )
    source = project.read("0004_receipt")
    assert "class Migration(migrations.Migration):\n    branch_labels = ('receipts',)\n" in source
    assert dependencies(project, "0004_receipt") == [
        ("store", "0003_invoice"),
        ("store", "0003_order_note"),
    ]
    graph = BranchGraph.from_loader(project.loader())
    assert graph.labels(("store", "0004_receipt")) == {"receipts", "billing"}
    assert graph.conflicts() == {}


@pytest.mark.django_db
def test_branch_label_from_a_branch_point(store):
    project = store("store_forked")
    out, err, returncode = run_command(
        "makemigrations", "store", "--head", "store.0002", "--branch-label", "receipts"
    )
    assert (err, returncode) == ("", 0)
    assert "  %s/store/0003_receipt.py\n" % project.root in out
    assert dependencies(project, "0003_receipt") == [
        ("store", "0002_order"),
        ("store", "0003_invoice"),
    ]


@pytest.mark.django_db
def test_empty_migration_starts_a_hotfix_branch(store):
    project = store("store_receipts")
    out, err, returncode = run_command(
        "makemigrations",
        "store",
        "--empty",
        "--head",
        "store.0002_order",
        "--branch-label",
        "hotfix",
        "--name",
        "hotfix",
    )
    assert (err, returncode) == ("", 0)
    assert "  %s/store/0003_hotfix.py\n" % project.root in out
    assert dependencies(project, "0003_hotfix") == [("store", "0002_order")]
    graph = BranchGraph.from_loader(project.loader())
    assert sorted(graph.heads("store")) == [
        ("store", "0003_hotfix"),
        ("store", "0003_product_price"),
        ("store", "0004_receipt"),
    ]
    assert graph.labels(("store", "0003_hotfix")) == {"hotfix"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "label, message",
    [
        (
            "9lives",
            "Invalid --branch-label: '9lives' is not a valid branch label: use an identifier "
            "([A-Za-z_][A-Za-z0-9_]*).",
        ),
        (
            "head",
            "Invalid --branch-label: 'head' is a reserved word of the target language "
            "(base, current, head, heads, zero).",
        ),
        (
            "shop",
            "Invalid --branch-label: 'shop' is the label of an installed app; a branch label "
            "must differ from app labels.",
        ),
        (
            "billing",
            "Branch label 'billing' is already declared in app 'store' by store.0003_invoice. "
            "Choose another label, or build on that branch with --head billing@head.",
        ),
    ],
)
def test_bad_branch_label(store, label, message):
    project = store("store_forked")
    out, err, returncode = run_command(
        "makemigrations", "store", "--head", "store.0002", "--branch-label", label
    )
    assert (out, err, returncode) == ("", "CommandError: %s\n" % message, 2)
    assert project.names() == FORKED


# Bad input ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["store", "--head", "store.0009"],
            "Unknown migration '0009' in app 'store'. Its migrations are: 0001_initial, "
            "0002_order, 0003_order_note, 0003_invoice, 0004_invoice_paid.",
        ),
        (
            ["store", "--head", "nowhere@head"],
            "Unknown app or branch label 'nowhere' in target 'nowhere@head'. Apps: admin, "
            "auth, contenttypes, django_branchmig, sessions, store. Branch labels: billing.",
        ),
        (
            ["ledger", "--head", "store.0003_order_note"],
            "--head store.0003_order_note is not in app 'ledger'. It has no migrations yet: its "
            "first one needs no --head.",
        ),
        (
            ["store", "--head", "store.0002"],
            "--head 'store.0002' (store.0002_order) is not a head of app 'store': "
            "store.0003_invoice [billing], store.0003_order_note build on it. Build on a head, "
            "or start a new branch there with --branch-label LABEL.",
        ),
        (
            ["store", "--head", "billing@head-1"],
            "--head 'billing@head-1' (store.0003_invoice) is not a head of app 'store': "
            "store.0004_invoice_paid [billing] builds on it. Build on a head, or start a new "
            "branch there with --branch-label LABEL.",
        ),
        (
            ["store", "--branch-label", "receipts"],
            "--branch-label needs --head: name the migration the new branch starts from, e.g. "
            "--head shop.0002.",
        ),
        (
            ["store", "--head", "billing@head", "--update"],
            "--update rewrites the latest migration of an app; it cannot be combined with "
            "--head. Leave out --update to write a new migration on that head.",
        ),
        (
            ["store", "--head", "billing@head", "--merge"],
            "--merge merges heads that conflict; it cannot be combined with --head. To merge "
            "chosen heads, run 'python manage.py branchmerge'.",
        ),
    ],
)
def test_bad_head(store, args, message):
    project = store("store_forked", apps=("store", "ledger"))
    out, err, returncode = run_command("makemigrations", *args)
    assert (out, err, returncode) == ("", "CommandError: %s\n" % message, 2)
    assert project.names() == FORKED
    assert project.names("ledger") == []


@pytest.mark.django_db
def test_update_with_several_heads_is_refused(store):
    project = store("store_forked")
    out, err, returncode = run_command("makemigrations", "store", "--update")
    assert (out, returncode) == ("", 2)
    assert err == (
        "CommandError: --update cannot tell which of the 2 heads of app 'store' to update "
        "(store.0003_order_note, store.0004_invoice_paid). Write a new migration with --head "
        "instead.\n"
    )
    assert project.names() == FORKED


# Other apps -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_other_app_depends_on_the_migration_that_creates_its_model(store):
    """Django would depend on store's first head by name, 0003_order_note, which lacks Invoice.

    0002_order -- 0003_invoice [billing] -- 0004_invoice_paid -- 0005_receipt
              \\           \\
               \\           ledger.0001_initial (new: Entry needs store.Invoice)
                -- 0003_order_note
    """
    project = store(
        "store_forked",
        apps=("store", "ledger"),
        extra={"store/0005_receipt.py": RECEIPT_ON_BILLING},
    )
    out, err, returncode = run_command("makemigrations", "ledger")
    assert (err, returncode) == ("", 0)
    assert out == (
        "Migrations for 'ledger':\n"
        "  %s/ledger/0001_initial.py\n"
        "    + Create model Entry\n"
        "Added dependency on store.0003_invoice (branch billing): the new operations need model "
        "store.Invoice.\n" % project.root
    )
    assert dependencies(project, "0001_initial", "ledger") == [("store", "0003_invoice")]


# Applying the new migration on top of the chosen head alone ------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "scenario, args, base, new, table, column",
    [
        pytest.param(
            "store_forked",
            ["--head", "billing@head"],
            "0004_invoice_paid",
            "0005_receipt",
            "store_receipt",
            "invoice_id",
            id="billing-head",
        ),
        pytest.param(
            "store_forked",
            ["--head", "store.0002", "--branch-label", "receipts"],
            "0002_order",
            "0003_receipt",
            "store_receipt",
            "invoice_id",
            id="branch-from-branch-point",
        ),
        pytest.param(
            "store_forked",
            ["--head", "store.0003_order_note", "--branch-label", "receipts"],
            "0003_order_note",
            "0004_receipt",
            "store_receipt",
            "invoice_id",
            id="branch-needing-billing",
        ),
        pytest.param(
            "store_receipts",
            ["--head", "store.0003_product_price"],
            "0003_product_price",
            "0004_order_note",
            "store_order",
            "note",
            id="trunk-head",
        ),
        pytest.param(
            "store_receipts",
            ["--head", "billing@head"],
            "0004_receipt",
            "0005_order_note",
            "store_order",
            "note",
            id="billing-head-receipts",
        ),
    ],
)
def test_new_migration_applies_on_the_chosen_head_alone(
    store, scenario, args, base, new, table, column
):
    store(scenario)
    out, err, returncode = run_command("makemigrations", "store", *args)
    assert (err, returncode) == ("", 0)
    MigrationExecutor(connection).migrate([("store", base)])
    MigrationExecutor(connection).migrate([("store", new)])
    loader = MigrationLoader(connection)
    expected = set(loader.graph.forwards_plan(("store", new)))
    assert {key for key in loader.applied_migrations if key[0] == "store"} == expected
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, table)
    assert column in [c.name for c in columns]


@pytest.mark.django_db(transaction=True)
def test_other_app_migration_applies_alone(store):
    store(
        "store_forked",
        apps=("store", "ledger"),
        extra={"store/0005_receipt.py": RECEIPT_ON_BILLING},
    )
    assert run_command("makemigrations", "ledger")[1:] == ("", 0)
    MigrationExecutor(connection).migrate([("ledger", "0001_initial")])
    applied = set(MigrationLoader(connection).applied_migrations)
    assert {key for key in applied if key[0] in ("store", "ledger")} == {
        ("store", "0001_initial"),
        ("store", "0002_order"),
        ("store", "0003_invoice"),
        ("ledger", "0001_initial"),
    }


# What operations need (no database) ---------------------------------------------------------


def _state(*models: ModelState) -> ProjectState:
    state = ProjectState()
    for model in models:
        state.add_model(model)
    return state


ORDER = ModelState("store", "Order", [("id", models.AutoField(primary_key=True))])


def test_missing_models_and_fields():
    operations = [
        migrations.AddField(
            "order", "invoice", models.ForeignKey("store.invoice", models.CASCADE)
        ),
        migrations.AlterField("order", "note", models.TextField()),
        migrations.CreateModel("Refund", [("id", models.AutoField(primary_key=True))]),
        migrations.AddField("refund", "order", models.ForeignKey("store.order", models.CASCADE)),
    ]
    assert missing_refs(operations, "store", _state(ORDER)) == [
        ("store", "invoice", None),
        ("store", "order", "note"),
    ]


def test_what_operations_create_is_not_missing():
    operations = [
        migrations.CreateModel("Invoice", [("id", models.AutoField(primary_key=True))]),
        migrations.AddField(
            "order", "invoice", models.ForeignKey("store.invoice", models.CASCADE)
        ),
        migrations.RenameField("order", "invoice", "bill"),
        migrations.AlterField("order", "bill", models.ForeignKey("store.invoice", models.PROTECT)),
    ]
    assert missing_refs(operations, "store", _state(ORDER)) == []


@pytest.mark.parametrize(
    "operation, needed, provided",
    [
        (
            migrations.RenameModel("Order", "Purchase"),
            [("store", "order", None)],
            [("store", "purchase", None)],
        ),
        (migrations.DeleteModel("Order"), [("store", "order", None)], []),
        (
            migrations.AlterUniqueTogether("order", {("product", "note")}),
            [("store", "order", None), ("store", "order", "product"), ("store", "order", "note")],
            [],
        ),
        (
            migrations.AddIndex("order", models.Index(fields=["-note"], name="order_note")),
            [("store", "order", None), ("store", "order", "note")],
            [],
        ),
        (
            migrations.AddField(
                "order",
                "product",
                models.ForeignKey("shop.product", models.CASCADE, to_field="sku"),
            ),
            [("store", "order", None), ("shop", "product", None), ("shop", "product", "sku")],
            [("store", "order", "product")],
        ),
        (migrations.RunSQL("SELECT 1"), [], []),
    ],
)
def test_requirements(operation, needed, provided):
    assert requirements(operation, "store") == (needed, provided)


def test_a_cycle_is_refused():
    """A dependency back onto a new migration would make a cycle; the graph says where."""
    graph = BranchGraph.from_dependencies({"shop.0001": [], "shop.0002": ["shop.0001"]})
    new = {("shop", "0003_a"): [("shop", "0002"), ("shop", "0003_b")]}
    new[("shop", "0003_b")] = [("shop", "0003_a")]
    with pytest.raises(
        PlacementError, match="would make a cycle. The migration graph has a cycle"
    ):
        check_graph(graph, new, {})


def test_several_heads_lists_a_target_for_each():
    """
    0001 -- 0002 [billing] -- 0003
         \\
          -- 0002_b -- 0003_b [reports]
         \\
          -- 0002_c
    """
    graph = BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003": ["shop.0002"],
            "shop.0002_b": ["shop.0001"],
            "shop.0003_b": ["shop.0002_b"],
            "shop.0002_c": ["shop.0001"],
        },
        {"shop.0002": ["billing"], "shop.0003_b": ["reports"]},
    )
    heads = [("shop", "0002_c"), ("shop", "0003"), ("shop", "0003_b")]
    assert several_heads(graph, "shop", heads).splitlines()[1:4] == [
        "  shop.0002_c            --head shop.0002_c",
        "  shop.0003 [billing]    --head billing@head",
        "  shop.0003_b [reports]  --head reports@head",
    ]


def test_a_label_spanning_apps_names_its_head_in_the_app_being_changed():
    """
    shop:     0001 -- 0002 [billing] -- 0003
                 \\
                  -- 0002_b
    payments: 0001 -- 0002 [billing]
    """
    graph = BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003": ["shop.0002"],
            "shop.0002_b": ["shop.0001"],
            "payments.0001": [],
            "payments.0002": ["payments.0001"],
        },
        {"shop.0002": ["billing"], "payments.0002": ["billing"]},
    )
    assert resolve_base("billing@head", graph, ["shop"], None) == ("shop", "0003")
    assert resolve_base("billing@head-1", graph, ["shop"], "fix") == ("shop", "0002")
    assert resolve_base("billing@head", graph, ["payments"], None) == ("payments", "0002")
    with pytest.raises(TargetError, match="'billing@head' names 2 migrations"):
        resolve_base("billing@head", graph, [], None)


@pytest.mark.django_db
def test_swappable_and_guessed_dependencies():
    """The autodetector writes ``("__setting__", "AUTH_USER_MODEL")``; it is auth's first node.

    A guessed leaf is put back when the operations name nothing of its app.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    migration = migrations.Migration("0002_x", "shop")
    migration.dependencies = [("__setting__", "AUTH_USER_MODEL"), ("contenttypes", "__first__")]
    assert _resolved(migration, loader) == [
        ("auth", "0001_initial"),
        ("contenttypes", "0001_initial"),
    ]
    migration.operations = [migrations.RunSQL("SELECT 1")]
    _restore_unexplained(migration, [("payments", "0002_refund")])
    assert migration.dependencies[-1] == ("payments", "0002_refund")
