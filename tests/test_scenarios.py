"""The scenario packages load with Django's own loader and have the shapes the tests rely on.

Each graph is given as ``node: {parents}``, parents being both same-app parents and
dependencies on other apps (including those that come from ``run_before``).
"""

import pytest
from django.db import connection
from django.db.migrations.exceptions import CircularDependencyError, NodeNotFoundError
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from tests.utils import TEST_APPS, scenario_settings, scenario_tables, unapply_scenario_apps

FORKED = {
    "shop.0001_initial": set(),
    "shop.0002_order": {"shop.0001_initial"},
    "shop.0003_invoice": {"shop.0002_order"},
    "shop.0004_invoice_paid": {"shop.0003_invoice"},
    "shop.0003_order_note": {"shop.0002_order"},
    "shop.0004_order_status": {"shop.0003_order_note"},
}

SHAPES = {
    # shop: 0001_initial -- 0002_product_price -- 0003_order -- 0004_order_total
    "linear": {
        "shop.0001_initial": set(),
        "shop.0002_product_price": {"shop.0001_initial"},
        "shop.0003_order": {"shop.0002_product_price"},
        "shop.0004_order_total": {"shop.0003_order"},
    },
    #                            /-- 0003_invoice [billing] -- 0004_invoice_paid
    # shop: 0001_initial -- 0002_order
    #                            \-- 0003_order_note -- 0004_order_status
    "forked_labelled": FORKED,
    "forked_unlabelled": FORKED,
    #                     /-- 0003_invoice [billing] -- 0004_invoice_paid --\
    # shop: ... 0002_order                                                0005_merge -- 0006
    #                     \-- 0003_order_note -- 0004_order_status --------/
    "merged": {
        **FORKED,
        "shop.0005_merge": {"shop.0004_invoice_paid", "shop.0004_order_status"},
        "shop.0006_order_shipped": {"shop.0005_merge"},
    },
    # shop:     0001_initial -- 0002_order
    #                                 \
    # payments:                   0001_initial -- 0002_payment_method
    #                                        \
    # shop:                             0001_reports [reports] -- 0002_report_total
    # shop:     0001_audit [audit] -- 0002_audit_actor
    "three_bases": {
        "shop.0001_initial": set(),
        "shop.0002_order": {"shop.0001_initial"},
        "shop.0001_audit": set(),
        "shop.0002_audit_actor": {"shop.0001_audit"},
        "shop.0001_reports": {"payments.0001_initial"},
        "shop.0002_report_total": {"shop.0001_reports"},
        "payments.0001_initial": {"shop.0002_order"},
        "payments.0002_payment_method": {"payments.0001_initial"},
    },
    # shop: 0001_squashed_0003_order (replaces 0001-0003) -- 0004_order_total
    "squashed": {
        "shop.0001_squashed_0003_order": set(),
        "shop.0004_order_total": {"shop.0001_squashed_0003_order"},
    },
    # shop:      0001 -- 0002_order -- 0003_invoice [billing] -- 0004_invoice_due
    #              |           |  \-- 0003_order_note   \
    # payments:    |          0001_initial ------------- 0002_refund [billing]
    #              |           |     ^  \-- 0002_payment_method
    # inventory: 0001_initial -+-----/ (run_before) -- 0002_stock_location
    "cross_app_label": {
        "shop.0001_initial": set(),
        "shop.0002_order": {"shop.0001_initial"},
        "shop.0003_invoice": {"shop.0002_order"},
        "shop.0004_invoice_due": {"shop.0003_invoice"},
        "shop.0003_order_note": {"shop.0002_order"},
        "payments.0001_initial": {"shop.0002_order", "inventory.0001_initial"},
        "payments.0002_refund": {"payments.0001_initial", "shop.0003_invoice"},
        "payments.0002_payment_method": {"payments.0001_initial"},
        "inventory.0001_initial": {"shop.0001_initial"},
        "inventory.0002_stock_location": {"inventory.0001_initial"},
    },
    # The scenarios with invalid labels are valid graphs for Django.
    "bad_label_type": {
        "shop.0001_initial": set(),
        "shop.0002_order": {"shop.0001_initial"},
    },
    "label_is_app_label": {
        "shop.0001_initial": set(),
        "shop.0002_order": {"shop.0001_initial"},
        "shop.0002_note": {"shop.0001_initial"},
    },
    "duplicate_label": {
        "shop.0001_initial": set(),
        "shop.0002_a": {"shop.0001_initial"},
        "shop.0002_b": {"shop.0001_initial"},
    },
    "invalid_identifier": {
        "shop.0001_initial": set(),
    },
}

LEAVES = {
    "linear": ["shop.0004_order_total"],
    "forked_labelled": ["shop.0004_invoice_paid", "shop.0004_order_status"],
    "forked_unlabelled": ["shop.0004_invoice_paid", "shop.0004_order_status"],
    "merged": ["shop.0006_order_shipped"],
    "three_bases": [
        "payments.0002_payment_method",
        "shop.0002_audit_actor",
        "shop.0002_order",
        "shop.0002_report_total",
    ],
    "squashed": ["shop.0004_order_total"],
    "cross_app_label": [
        "inventory.0002_stock_location",
        "payments.0002_payment_method",
        "payments.0002_refund",
        "shop.0003_order_note",
        "shop.0004_invoice_due",
    ],
    "bad_label_type": ["shop.0002_order"],
    "label_is_app_label": ["shop.0002_note", "shop.0002_order"],
    "duplicate_label": ["shop.0002_a", "shop.0002_b"],
    "invalid_identifier": ["shop.0001_initial"],
}

LABELS = {
    "forked_labelled": {"shop.0003_invoice": ("billing",)},
    "forked_unlabelled": {},
    "merged": {"shop.0003_invoice": ("billing",)},
    "three_bases": {"shop.0001_audit": ("audit",), "shop.0001_reports": ("reports",)},
    "cross_app_label": {
        "shop.0003_invoice": ("billing",),
        "payments.0002_refund": ("billing",),
    },
    "bad_label_type": {"shop.0001_initial": "billing", "shop.0002_order": ("ok", 3)},
    "label_is_app_label": {"shop.0002_order": ("payments",), "shop.0002_note": ("head",)},
    "duplicate_label": {"shop.0002_a": ("billing",), "shop.0002_b": ("billing",)},
    "invalid_identifier": {"shop.0001_initial": ("bad-label",)},
}


def _key(node: tuple[str, str]) -> str:
    return f"{node[0]}.{node[1]}"


def _load(name: str) -> MigrationLoader:
    with scenario_settings(name):
        return MigrationLoader(None, ignore_no_migrations=True)


@pytest.mark.parametrize("name", SHAPES)
def test_shape(name):
    graph = _load(name).graph
    shape = {
        _key(node): {_key(parent.key) for parent in graph.node_map[node].parents}
        for node in graph.nodes
        if node[0] in TEST_APPS
    }
    assert shape == SHAPES[name]


@pytest.mark.parametrize("name", LEAVES)
def test_leaf_nodes(name):
    leaves = [_key(node) for node in _load(name).graph.leaf_nodes() if node[0] in TEST_APPS]
    assert leaves == LEAVES[name]


@pytest.mark.parametrize("name", LABELS)
def test_branch_labels(name):
    loader = _load(name)
    labels = {
        _key(key): migration.branch_labels
        for key, migration in loader.disk_migrations.items()
        if key[0] in TEST_APPS and hasattr(migration, "branch_labels")
    }
    assert labels == LABELS[name]


def test_squash_replaces_its_migrations():
    loader = _load("squashed")
    assert loader.replacements[("shop", "0001_squashed_0003_order")].replaces == [
        ("shop", "0001_initial"),
        ("shop", "0002_product_price"),
        ("shop", "0003_order"),
    ]


def test_unknown_scenario():
    with pytest.raises(ValueError, match=r"^Unknown scenario 'nope': no package "):
        scenario_settings("nope")


def test_no_scenario_means_no_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert not set(TEST_APPS) & loader.migrated_apps
    assert set(TEST_APPS) <= loader.unmigrated_apps


def test_cycle():
    with pytest.raises(CircularDependencyError) as excinfo:
        _load("cycle")
    # Django starts the cycle at whichever node it meets first in a set: compare as a set.
    assert sorted(str(excinfo.value).split(", ")) == ["shop.0001_initial", "shop.0002_b"]


def test_self_dependency():
    with pytest.raises(CircularDependencyError) as excinfo:
        _load("self_dependency")
    assert str(excinfo.value) == "shop.0001_initial"


def test_missing_parent():
    with pytest.raises(NodeNotFoundError) as excinfo:
        _load("missing_parent")
    assert str(excinfo.value) == (
        "Migration shop.0002_order dependencies reference nonexistent parent node "
        "('shop', '0001_missing')"
    )


def test_scenario_fixture(scenario, settings):
    scenario("three_bases")
    assert settings.MIGRATION_MODULES == {
        "shop": "tests.scenarios.three_bases.shop",
        "payments": "tests.scenarios.three_bases.payments",
        "inventory": None,
    }


def test_migration_package(migration_package, settings):
    package = migration_package(
        {
            "0001_initial.py": """
                from django.db import migrations


                class Migration(migrations.Migration):
                    branch_labels = ("billing",)
                """,
        }
    )
    settings.MIGRATION_MODULES = {**settings.MIGRATION_MODULES, "shop": package}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert loader.graph.leaf_nodes("shop") == [("shop", "0001_initial")]
    assert loader.disk_migrations["shop", "0001_initial"].branch_labels == ("billing",)


@pytest.mark.django_db(transaction=True)
def test_apply_and_unapply_linear(scenario_db):
    scenario_db("linear")
    MigrationExecutor(connection).migrate([("shop", "0004_order_total")])
    assert "shop_order" in connection.introspection.table_names()
    assert scenario_tables() == ["shop_order", "shop_product"]

    unapply_scenario_apps()

    assert scenario_tables() == []
    recorded = MigrationRecorder(connection).migration_qs.filter(app__in=TEST_APPS)
    assert not recorded.exists()


GOOD_SCENARIOS = [
    "linear",
    "forked_labelled",
    "forked_unlabelled",
    "merged",
    "three_bases",
    "squashed",
    "cross_app_label",
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", GOOD_SCENARIOS)
def test_apply_every_head(scenario_db, name):
    scenario_db(name)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    applied = {_key(key) for key in MigrationRecorder(connection).applied_migrations()}
    assert set(SHAPES[name]) <= applied
    assert scenario_tables()

    unapply_scenario_apps()

    assert scenario_tables() == []


@pytest.mark.django_db(transaction=True)
def test_scenario_db_cleans_up_at_teardown(scenario_db):
    """Run after the tests above: whatever they applied is gone."""
    assert scenario_tables() == []
    recorded = MigrationRecorder(connection).migration_qs.filter(app__in=TEST_APPS)
    assert not recorded.exists()
    scenario_db("cross_app_label")
    executor = MigrationExecutor(connection)
    executor.migrate([("payments", "0002_refund")])
    assert scenario_tables() == [
        "inventory_stock",
        "payments_payment",
        "payments_refund",
        "shop_invoice",
        "shop_order",
        "shop_product",
    ]
