"""What each campaign migration creates, written out by hand: the oracle of the fault tests.

Deriving it from the migrations with the code under test would let a bug hide in both places.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

from tests.utils import TEST_APPS

SCENARIO = "campaign"

#: migration -> (table, columns it adds); a CreateModel adds the table with these columns.
CREATES: dict[str, tuple[str, set[str]]] = {
    "shop.0001_initial": ("shop_product", {"id"}),
    "shop.0002_product_sku": ("shop_product", {"sku"}),
    "shop.0003_order": ("shop_order", {"id", "product_id"}),
    "shop.0004_order_note": ("shop_order", {"note"}),
    "shop.0005_order_status": ("shop_order", {"status"}),
    "shop.0004_invoice": ("shop_invoice", {"id", "number"}),
    "shop.0005_invoice_due": ("shop_invoice", {"due"}),
    "shop.0006_merge": ("shop_order", {"shipped"}),
    "shop.0007_product_active": ("shop_product", {"active"}),
    "payments.0001_initial": ("payments_payment", {"id", "order_id"}),
    "payments.0002_payment_method": ("payments_payment", {"method"}),
    "payments.0003_payment_reference": ("payments_payment", {"reference"}),
    "payments.0002_refund": ("payments_refund", {"id", "invoice_id"}),
    "payments.0003_refund_reason": ("payments_refund", {"reason"}),
    "inventory.0001_initial": ("inventory_stock", {"id", "product_id"}),
    "inventory.0002_stock_quantity": ("inventory_stock", {"quantity"}),
    "inventory.0003_warehouse": ("inventory_warehouse", {"id", "name"}),
    "inventory.0004_stock_warehouse": ("inventory_stock", {"warehouse_id"}),
    "inventory.0005_warehouse_city": ("inventory_warehouse", {"city"}),
    "inventory.0006_stock_note": ("inventory_stock", {"note"}),
}


def expected_schema(applied: set[str]) -> dict[str, set[str]]:
    """The tables and columns the migrations in ``applied`` create together."""
    schema: dict[str, set[str]] = {}
    for migration in applied:
        table, columns = CREATES[migration]
        schema.setdefault(table, set()).update(columns)
    return schema


def live_schema(connection: BaseDatabaseWrapper) -> dict[str, set[str]]:
    """The test apps' tables and their columns, introspected."""
    prefixes = tuple("%s_" % app for app in TEST_APPS)
    with connection.cursor() as cursor:
        tables = [
            t for t in connection.introspection.table_names(cursor) if t.startswith(prefixes)
        ]
        return {
            table: {c.name for c in connection.introspection.get_table_description(cursor, table)}
            for table in tables
        }


def recorded(connection: BaseDatabaseWrapper) -> set[str]:
    """The campaign migrations ``django_migrations`` records as applied.

    Plain SQL: the recorder's queryset would go to the alias, not to this connection.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        return {"%s.%s" % row for row in cursor.fetchall() if row[0] in TEST_APPS}


def mismatch(connection: BaseDatabaseWrapper) -> dict[str, set[str]]:
    """What the schema has beyond, or lacks against, the recorded state: ``{}`` when they agree."""
    expected = expected_schema(recorded(connection))
    live = live_schema(connection)
    diff = {}
    for table in sorted(set(expected) | set(live)):
        extra = {"+" + c for c in live.get(table, set()) - expected.get(table, set())}
        lacking = {"-" + c for c in expected.get(table, set()) - live.get(table, set())}
        if extra or lacking:
            diff[table] = extra | lacking
    return diff
