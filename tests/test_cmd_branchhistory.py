"""``branchhistory``: the scenarios drawn newest first, ranges, applied marks."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.utils import run_command

CROSS_APP_LABEL = """\
shop
 * shop.0004_invoice_due [billing] (head)
 * shop.0003_invoice [billing]
 | * shop.0003_order_note (head)
 |/
 * shop.0002_order (branch point)
 * shop.0001_initial (base)
payments
 * payments.0002_refund [billing] (head) depends on shop.0003_invoice
 | * payments.0002_payment_method (head)
 |/
 * payments.0001_initial (base) (branch point) depends on inventory.0001_initial, shop.0002_order
inventory
 * inventory.0002_stock_location (head)
 * inventory.0001_initial (base) depends on shop.0001_initial
"""


def test_cross_app_label(scenario):
    r"""
    shop:      0001_initial -> 0002_order -> 0003_invoice [billing] -> 0004_invoice_due
                                        \-> 0003_order_note
    payments:  0001_initial -> 0002_payment_method
                        \-> 0002_refund [billing] (needs shop.0003_invoice)
    inventory: 0001_initial (run_before payments.0001_initial) -> 0002_stock_location
    """
    scenario("cross_app_label")
    assert run_command("branchhistory", "shop", "payments", "inventory") == (
        CROSS_APP_LABEL,
        "",
        0,
    )


def test_merged(scenario):
    scenario("merged")
    out, err, returncode = run_command("branchhistory", "shop")
    assert (err, returncode) == ("", 0)
    assert out == (
        "shop\n"
        " * shop.0006_order_shipped [billing] (head)\n"
        " *   shop.0005_merge [billing] (merge point)\n"
        " |\\\n"
        " | * shop.0004_order_status\n"
        " | * shop.0003_order_note\n"
        " * | shop.0004_invoice_paid [billing]\n"
        " * | shop.0003_invoice [billing]\n"
        " |/\n"
        " * shop.0002_order (branch point)\n"
        " * shop.0001_initial (base)\n"
    )


def test_three_bases(scenario):
    """The reports branch needs payments, which needs the trunk: it is drawn first."""
    scenario("three_bases")
    out, _, _ = run_command("branchhistory", "shop")
    assert out == (
        "shop\n"
        " * shop.0002_report_total [reports] (head)\n"
        " * shop.0001_reports [reports] (base) depends on payments.0001_initial\n"
        "   * shop.0002_order (head)\n"
        "   * shop.0001_initial (base)\n"
        " * shop.0002_audit_actor [audit] (head)\n"
        " * shop.0001_audit [audit] (base)\n"
    )


def test_squashed(scenario):
    scenario("squashed")
    out, _, _ = run_command("branchhistory", "shop")
    assert out == (
        "shop\n * shop.0004_order_total (head)\n * shop.0001_squashed_0003_order (base)\n"
    )


def test_every_app_by_default(scenario):
    scenario("linear")
    out, _, returncode = run_command("branchhistory")
    assert returncode == 0
    assert out.startswith("admin\n * admin.0003_logentry_add_action_flag_choices (head)\n")
    assert out.endswith(
        "shop\n"
        " * shop.0004_order_total (head)\n"
        " * shop.0003_order\n"
        " * shop.0002_product_price\n"
        " * shop.0001_initial (base)\n"
    )


# Ranges ------------------------------------------------------------------------------------


def test_range_between_two_migrations(scenario):
    """``A:B`` follows dependencies across apps; only the apps asked for are drawn."""
    scenario("cross_app_label")
    out, _, returncode = run_command(
        "branchhistory", "shop", "payments", "-r", "shop.0002:payments.0002_refund"
    )
    assert returncode == 0
    assert out == (
        "shop\n"
        " * shop.0003_invoice [billing]\n"
        " * shop.0002_order (branch point)\n"
        "payments\n"
        " * payments.0002_refund [billing] (head) depends on shop.0003_invoice\n"
        " * payments.0001_initial (base) (branch point) depends on inventory.0001_initial, "
        "shop.0002_order\n"
    )


def test_range_up_to(scenario):
    scenario("forked_labelled")
    out, _, _ = run_command("branchhistory", "shop", range=":billing@head")
    assert out == (
        "shop\n"
        " * shop.0004_invoice_paid [billing] (head)\n"
        " * shop.0003_invoice [billing]\n"
        " * shop.0002_order (branch point)\n"
        " * shop.0001_initial (base)\n"
    )


def test_range_from(scenario):
    scenario("forked_labelled")
    out, _, _ = run_command("branchhistory", "-r", "shop.0002:")
    assert out == (
        "shop\n"
        " * shop.0004_order_status (head)\n"
        " * shop.0003_order_note\n"
        " | * shop.0004_invoice_paid [billing] (head)\n"
        " | * shop.0003_invoice [billing]\n"
        " |/\n"
        " * shop.0002_order (branch point)\n"
    )


def test_range_of_a_label_declaration(scenario):
    """A bare label names the migration that declares it."""
    scenario("forked_labelled")
    out, _, _ = run_command("branchhistory", "-r", "billing:billing@head")
    assert out == (
        "shop\n * shop.0004_invoice_paid [billing] (head)\n * shop.0003_invoice [billing]\n"
    )


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "shop.0004",
            "Invalid range 'shop.0004'. Use A:B, :B or A:, where A and B name one migration "
            "each (shop.0002, billing@head).",
        ),
        (
            ":",
            "Invalid range ':'. Use A:B, :B or A:, where A and B name one migration each "
            "(shop.0002, billing@head).",
        ),
        (
            "shop.0001:shop.0002:shop.0003",
            "Invalid range 'shop.0001:shop.0002:shop.0003'. Use A:B, :B or A:, where A and B "
            "name one migration each (shop.0002, billing@head).",
        ),
        (
            "shop.0004:shop.0002",
            "The range 'shop.0004:shop.0002' is empty: shop.0002_order does not depend on "
            "shop.0004_invoice_due. Write it newest last: shop.0002:shop.0004.",
        ),
        (
            "shop.0004:inventory.0002",
            "The range 'shop.0004:inventory.0002' is empty: inventory.0002_stock_location does "
            "not depend on shop.0004_invoice_due.",
        ),
        (
            ":billing@head",
            "'billing@head' names 2 migrations (payments.0002_refund, shop.0004_invoice_due); "
            "name one migration.",
        ),
        (
            "shop.0003:",
            "Ambiguous migration 'shop.0003': it is a prefix of shop.0003_invoice, "
            "shop.0003_order_note. Use a longer prefix.",
        ),
    ],
)
def test_invalid_range(scenario, text, message):
    scenario("cross_app_label")
    assert run_command("branchhistory", "-r", text) == ("", "CommandError: %s\n" % message, 2)


def test_range_outside_the_apps(scenario):
    scenario("cross_app_label")
    out, err, returncode = run_command("branchhistory", "inventory", "-r", ":shop.0002")
    assert (out, err, returncode) == (
        "No migrations in the range ':shop.0002' for these apps.\n",
        "",
        0,
    )


def test_unknown_app(scenario):
    scenario("linear")
    assert run_command("branchhistory", "payments") == (
        "",
        "CommandError: App 'payments' has no migrations. Apps with migrations: admin, auth, "
        "contenttypes, django_branchmig, sessions, shop.\n",
        2,
    )


# Applied marks -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_applied_marks(scenario_db):
    scenario_db("cross_app_label")
    MigrationExecutor(connection).migrate(
        [("shop", "0003_invoice"), ("inventory", "0001_initial")]
    )

    out, err, returncode = run_command("branchhistory", "shop", "inventory", database="default")

    assert (err, returncode) == ("", 0)
    assert out == (
        "shop\n"
        " * [ ] shop.0004_invoice_due [billing] (head)\n"
        " * [X] shop.0003_invoice [billing]\n"
        " | * [ ] shop.0003_order_note (head)\n"
        " |/\n"
        " * [X] shop.0002_order (branch point)\n"
        " * [X] shop.0001_initial (base)\n"
        "inventory\n"
        " * [ ] inventory.0002_stock_location (head)\n"
        " * [X] inventory.0001_initial (base) depends on shop.0001_initial\n"
    )


@pytest.mark.django_db(transaction=True)
def test_range_with_applied_marks(scenario_db):
    scenario_db("linear")
    MigrationExecutor(connection).migrate([("shop", "0003_order")])

    out, _, returncode = run_command(
        "branchhistory", "shop", "--database", "default", "-r", "shop@head-2:"
    )

    assert returncode == 0
    assert out == (
        "shop\n"
        " * [ ] shop.0004_order_total (head)\n"
        " * [X] shop.0003_order\n"
        " * [X] shop.0002_product_price\n"
    )
