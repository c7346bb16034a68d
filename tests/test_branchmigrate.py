"""branchmigrate end to end, on the backend BRANCHMIG_TEST_DB selects."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate, pre_migrate

from tests.utils import run_command, subprocess_command

pytestmark = pytest.mark.django_db(transaction=True)


def applied(app: str = "shop") -> list[str]:
    return sorted(
        name for a, name in MigrationRecorder(connection).applied_migrations() if a == app
    )


def columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(
            c.name for c in connection.introspection.get_table_description(cursor, table)
        )


def tables() -> set[str]:
    return {t for t in connection.introspection.table_names() if t.startswith("shop_")}


def migrate(*targets: str, **options) -> tuple[str, str, int]:
    return run_command("branchmigrate", *targets, interactive=False, **options)


FORKED_TRUNK = ["0001_initial", "0002_order"]
BILLING = ["0003_invoice", "0004_invoice_paid"]
TRUNK_TIP = ["0003_order_note", "0004_order_status"]


def test_label_head_applies_that_branch_only(scenario_db):
    """
    0001 -- 0002 -- 0003_invoice [billing] -- 0004_invoice_paid
                \\
                 -- 0003_order_note -- 0004_order_status
    """
    scenario_db("forked_labelled")
    out, err, code = migrate("billing@head")
    assert (code, err) == (0, "")
    assert applied() == sorted(FORKED_TRUNK + BILLING)
    assert tables() == {"shop_product", "shop_order", "shop_invoice"}
    assert "note" not in columns("shop_order")


def test_label_base_keeps_the_trunk(scenario_db):
    scenario_db("forked_labelled")
    migrate("heads")
    assert applied() == sorted(FORKED_TRUNK + BILLING + TRUNK_TIP)
    out, err, code = migrate("billing@base")
    assert (code, err) == (0, "")
    assert applied() == sorted(FORKED_TRUNK + TRUNK_TIP)
    assert "shop_invoice" not in tables()
    assert "  Unapplying shop.0004_invoice_paid... OK\n" in out


def test_node_target_rolls_back_every_branch_after_it(scenario_db):
    scenario_db("forked_labelled")
    migrate("heads")
    migrate("shop.0002")
    assert applied() == FORKED_TRUNK


def test_label_scoped_node_rolls_back_that_branch_alone(scenario_db):
    scenario_db("forked_labelled")
    migrate("heads")
    migrate("billing@shop.0002")
    assert applied() == sorted(FORKED_TRUNK + TRUNK_TIP)


def test_relative_to_applied_state(scenario_db):
    scenario_db("forked_labelled")
    migrate("billing@head")
    migrate("billing@-1")
    assert applied() == sorted(FORKED_TRUNK + ["0003_invoice"])
    migrate("billing@+1")
    assert applied() == sorted(FORKED_TRUNK + BILLING)


def test_backwards_then_forwards_in_one_call(scenario_db):
    """Roll billing back and bring the trunk to its head in one plan."""
    scenario_db("forked_labelled")
    migrate("billing@head")
    out, err, code = migrate("billing@base", "shop.0004_order_status")
    assert (code, err) == (0, "")
    assert applied() == sorted(FORKED_TRUNK + TRUNK_TIP)
    assert out.index("Unapplying shop.0003_invoice") < out.index("Applying shop.0003_order_note")


def test_cross_app_label_head(scenario_db):
    scenario_db("cross_app_label")
    migrate("billing@head")
    assert applied("shop") == ["0001_initial", "0002_order", "0003_invoice", "0004_invoice_due"]
    assert applied("payments") == ["0001_initial", "0002_refund"]
    # payments.0001 runs after inventory.0001 (run_before), so that is applied too.
    assert applied("inventory") == ["0001_initial"]


def test_merged_label_base_takes_dependants(scenario_db):
    """
    0002 -- 0003_invoice [billing] -- 0004_invoice_paid --.
        \\                                                 0005_merge -- 0006_order_shipped
         -- 0003_order_note -- 0004_order_status --------'
    """
    scenario_db("merged")
    migrate()
    migrate("billing@base")
    assert applied() == sorted(FORKED_TRUNK + TRUNK_TIP)


def test_plan_shows_labels_and_direction(scenario_db):
    scenario_db("forked_labelled")
    migrate("heads")
    out, err, code = migrate("billing@-1", plan=True)
    assert code == 0
    assert out == (
        "Planned operations:\n"
        "Unapply shop.0004_invoice_paid [billing]\n"
        "    Undo Add field paid to invoice\n"
    )
    assert applied() == sorted(FORKED_TRUNK + BILLING + TRUNK_TIP)


def test_check_exits_1_when_plan_not_empty(scenario_db):
    scenario_db("forked_labelled")
    assert migrate("billing@head", check_unapplied=True)[2] == 1
    assert applied() == []
    migrate("billing@head")
    assert migrate("billing@head", check_unapplied=True)[2] == 0


def test_fake_records_without_running(scenario_db):
    scenario_db("linear")
    migrate("shop.0002", fake=True)
    assert applied() == ["0001_initial", "0002_product_price"]
    assert tables() == set()
    migrate("shop@base", fake=True)
    assert applied() == []


@pytest.mark.parametrize(
    "target, message",
    [
        (
            "shop.0003",
            "Ambiguous migration 'shop.0003': it is a prefix of shop.0003_invoice, "
            "shop.0003_order_note. Use a longer prefix.",
        ),
        (
            "shop@head",
            "'shop@head' is ambiguous: app 'shop' has 2 heads: shop.0004_invoice_paid [billing], "
            "shop.0004_order_status. Use LABEL@head for one branch or shop@heads for all of them.",
        ),
        (
            "shop.0002+1",
            "'shop.0002+1' is an ambiguous walk: shop.0002_order is a branch point, so the walk "
            "could take shop.0003_invoice [billing] or shop.0003_order_note. Name the migration "
            "instead.",
        ),
        (
            "shop.0002-3",
            "'shop.0002-3' walks past a base: only 1 migration below shop.0002_order.",
        ),
        (
            "nope@head",
            "Unknown app or branch label 'nope' in target 'nope@head'. Apps: admin, auth, "
            "contenttypes, django_branchmig, sessions, shop. "
            "Branch labels: billing.",
        ),
        ("heads billing@base", None),
    ],
)
def test_invalid_targets_exit_2_and_change_nothing(scenario_db, target, message):
    scenario_db("forked_labelled")
    migrate("shop.0001")
    before = MigrationRecorder(connection).applied_migrations()
    out, err, code = migrate(*target.split())
    assert code == 2
    if message:
        assert err == "CommandError: %s\n" % message
    else:
        assert err.startswith("CommandError: The targets contradict each other:")
    assert out == ""
    assert MigrationRecorder(connection).applied_migrations().keys() == before.keys()


def test_scope_with_several_applied_heads_refuses_minus_one(scenario_db):
    scenario_db("forked_labelled")
    migrate("heads")
    out, err, code = migrate("shop@-1")
    assert code == 2
    assert err == (
        "CommandError: 'shop@-1' is ambiguous: shop is applied at several heads on database "
        "'default': shop.0004_invoice_paid, shop.0004_order_status. Name the migration to "
        "move from, e.g. shop.0004_invoice_paid-1.\n"
    )


def test_signals_are_sent_like_migrate(scenario_db):
    scenario_db("linear")
    received = []

    def receiver(signal, sender, plan, **kwargs):
        received.append(
            (signal, [(m.app_label, m.name, back) for m, back in plan if m.app_label == "shop"])
        )

    for signal in (pre_migrate, post_migrate):
        signal.connect(receiver, dispatch_uid="test-branchmig-%s" % id(signal))
    try:
        migrate("shop.0002")
    finally:
        for signal in (pre_migrate, post_migrate):
            signal.disconnect(dispatch_uid="test-branchmig-%s" % id(signal))
    expected = [("shop", "0001_initial", False), ("shop", "0002_product_price", False)]
    assert [(s is pre_migrate, plan) for s, plan in received if plan][:1] == [(True, expected)]
    assert any(s is post_migrate and plan == expected for s, plan in received)


def test_conflict_is_refused_with_the_hint(scenario_db):
    scenario_db("forked_unlabelled")
    out, err, code = migrate()
    assert code == 1
    assert err.startswith(
        "CommandError: Conflicting migrations detected; multiple leaf nodes in the migration "
        "graph: (0004_invoice_paid, 0004_order_status in shop).\n"
    )
    assert applied() == []


@pytest.mark.slow
def test_invalid_target_exits_2_without_connecting(scenario):
    """The child's database settings name a database that is never created.

    On PostgreSQL and MariaDB, connecting would fail with another error; on
    SQLite the file would appear. Either way exit 2 shows nothing was opened.
    """
    scenario("forked_labelled")
    result = subprocess_command(
        "branchmigrate",
        "shop.0003",
        env={"BRANCHMIG_DB_NAME_DEFAULT": "branchmig_never_created"},
    )
    assert result.returncode == 2
    assert result.stderr == (
        "CommandError: Ambiguous migration 'shop.0003': it is a prefix of shop.0003_invoice, "
        "shop.0003_order_note. Use a longer prefix.\n"
    )
