r"""Merge analysis on migrations built in memory: no database, no files.

Every test starts from the same trunk, ``shop.0001_initial``::

    Product(name)    Order(product -> Product, note)

and draws two branches on top of it::

    0001_initial --> 0002_a ...   (left)
                \--> 0002_b ...   (right)
"""

from __future__ import annotations

import pytest
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation

from django_branchmig.analysis import (
    COMMUTING,
    CONFLICTING,
    INDEPENDENT,
    OPAQUE,
    Analysis,
    ModelOverlaps,
    OperationRef,
    Overlap,
    analyse,
    analyse_heads,
    base_state,
    branches,
    format_table,
    overlaps,
)
from django_branchmig.graph import BranchGraph


def migration(name, *operations, app_label="shop"):
    """A ``Migration`` instance named ``name`` with these operations."""
    cls = type("Migration", (migrations.Migration,), {"operations": list(operations)})
    return cls(name, app_label)


def pk():
    return models.BigAutoField(auto_created=True, primary_key=True, serialize=False)


INITIAL = migration(
    "0001_initial",
    migrations.CreateModel("Product", [("id", pk()), ("name", models.CharField(max_length=100))]),
    migrations.CreateModel(
        "Order",
        [
            ("id", pk()),
            ("product", models.ForeignKey("shop.product", models.CASCADE)),
            ("note", models.CharField(max_length=200, default="")),
        ],
    ),
)


def trunk():
    return INITIAL.mutate_state(migrations.state.ProjectState(), preserve=True)


def run(left, right):
    """Analyse branch ``0002_a`` (left operations) against ``0002_b`` (right operations)."""
    return analyse(trunk(), [migration("0002_a", *left)], [migration("0002_b", *right)])


def ref(side, index, description):
    return OperationRef(("shop", "0002_%s" % side), index, description)


def rows(analysis):
    """The overlap table as ``(model, name, kind, left, right)`` with plain strings."""
    return [
        (row.model, row.name, row.kind, [str(r) for r in row.left], [str(r) for r in row.right])
        for row in analysis.overlaps
    ]


def test_rename_one_field_and_add_another_commutes():
    """Both touch Order, in either order the state is the same: commuting."""
    result = run(
        [migrations.RenameField("order", "note", "remark")],
        [migrations.AddField("order", "status", models.CharField(max_length=20, default=""))],
    )
    assert result == Analysis(
        COMMUTING,
        (("shop", "0002_a"),),
        (("shop", "0002_b"),),
        (
            Overlap(
                ("shop", "order"),
                "shop.Order",
                None,
                "model",
                (ref("a", 0, "Rename field note on order to remark"),),
                (ref("b", 0, "Add field status to order"),),
            ),
        ),
    )


def test_both_alter_the_same_field_conflict():
    result = run(
        [migrations.AlterField("order", "note", models.TextField(default=""))],
        [migrations.AlterField("order", "note", models.CharField(max_length=500, default=""))],
    )
    assert result.verdict == CONFLICTING
    assert rows(result) == [
        (
            "shop.Order",
            "note",
            "field",
            ["shop.0002_a: Alter field note on order"],
            ["shop.0002_b: Alter field note on order"],
        )
    ]
    assert result.error == (
        "Branch shop.0002_a then branch shop.0002_b differs from the reverse order: field note "
        "of shop.Order differs."
    )


def test_the_same_change_on_both_sides_commutes():
    same = migrations.AlterField("order", "note", models.TextField(default=""))
    result = run([same], [same])
    assert result.verdict == COMMUTING
    assert [row[:3] for row in rows(result)] == [("shop.Order", "note", "field")]


def test_deleting_a_model_the_other_side_adds_a_field_to_conflicts():
    """In one order the field is added to a model that no longer exists: that order raises."""
    result = run(
        [migrations.DeleteModel("Order")],
        [migrations.AddField("order", "paid", models.BooleanField(default=False))],
    )
    assert result.verdict == CONFLICTING
    assert result.error == (
        "Applying branch shop.0002_b after branch shop.0002_a fails at shop.0002_b (Add field "
        "paid to order): KeyError: ('shop', 'order')"
    )
    assert rows(result) == [
        (
            "shop.Order",
            None,
            "model",
            ["shop.0002_a: Delete model Order"],
            ["shop.0002_b: Add field paid to order"],
        )
    ]


def test_run_python_is_opaque():
    def forwards(apps, schema_editor):
        pass

    result = run(
        [migrations.RunPython(forwards)],
        [migrations.AddField("order", "paid", models.BooleanField(default=False))],
    )
    assert result.verdict == OPAQUE
    assert result.opaque == (("left", ref("a", 0, "Raw Python operation")),)
    assert result.overlaps == ()


def test_an_overlap_that_commutes_is_still_opaque_with_run_sql():
    result = run(
        [
            migrations.RunSQL("UPDATE shop_order SET note = ''"),
            migrations.AddField("order", "paid", models.BooleanField(default=False)),
        ],
        [migrations.AddField("order", "status", models.BooleanField(default=False))],
    )
    assert result.verdict == OPAQUE
    assert [row[:3] for row in rows(result)] == [("shop.Order", None, "model")]


def test_a_proven_conflict_beats_opaque():
    result = run(
        [migrations.RunSQL("SELECT 1"), migrations.DeleteModel("Order")],
        [migrations.AddField("order", "paid", models.BooleanField(default=False))],
    )
    assert result.verdict == CONFLICTING


def test_rename_model_and_add_field_under_the_old_name_overlap():
    """The right side still calls the model ``order``; the left renamed it to Purchase."""
    result = run(
        [
            migrations.RenameModel("Order", "Purchase"),
            migrations.AddField("purchase", "total", models.IntegerField(default=0)),
        ],
        [migrations.AddField("order", "paid", models.BooleanField(default=False))],
    )
    assert rows(result) == [
        (
            "shop.Order",
            None,
            "model",
            [
                "shop.0002_a: Rename model Order to Purchase",
                "shop.0002_a: Add field total to purchase",
            ],
            ["shop.0002_b: Add field paid to order"],
        )
    ]
    assert result.verdict == CONFLICTING
    assert result.models == [("shop", "order")]


def test_rename_field_and_alter_it_under_the_old_name_is_the_same_field():
    result = run(
        [
            migrations.RenameField("order", "note", "remark"),
            migrations.AlterField("order", "remark", models.TextField(default="")),
        ],
        [migrations.AlterField("order", "note", models.CharField(max_length=300, default=""))],
    )
    assert rows(result) == [
        (
            "shop.Order",
            "note",
            "field",
            [
                "shop.0002_a: Rename field note on order to remark",
                "shop.0002_a: Alter field remark on order",
            ],
            ["shop.0002_b: Alter field note on order"],
        )
    ]
    assert result.verdict == CONFLICTING
    assert result.error == (
        "Branch shop.0002_a then branch shop.0002_b differs from the reverse order: shop.Order "
        "has fields id, note, product, remark in one order and id, product, remark in the other."
    )


def test_different_models_are_independent():
    result = run(
        [migrations.AddField("order", "paid", models.BooleanField(default=False))],
        [migrations.AlterField("product", "name", models.CharField(max_length=200))],
    )
    assert result == Analysis(INDEPENDENT, (("shop", "0002_a"),), (("shop", "0002_b"),))


def test_a_relation_to_a_model_the_other_side_changes_does_not_overlap():
    """Pointing to Order does not conflict with adding a field to Order."""
    result = run(
        [
            migrations.CreateModel(
                "Invoice",
                [("id", pk()), ("order", models.ForeignKey("shop.order", models.CASCADE))],
            )
        ],
        [migrations.AddField("order", "paid", models.BooleanField(default=False))],
    )
    assert result.verdict == INDEPENDENT


def test_a_relation_to_a_model_the_other_side_deletes_conflicts():
    """The states agree in both orders, but the merged state points to a deleted model."""
    result = run(
        [migrations.DeleteModel("Product"), migrations.RemoveField("order", "product")],
        [migrations.AddField("order", "extra", models.ForeignKey("shop.product", models.CASCADE))],
    )
    assert result.verdict == CONFLICTING
    assert [row[:3] for row in rows(result)] == [
        ("shop.Order", None, "model"),
        ("shop.Product", None, "model"),
    ]
    assert result.error.startswith("The merged project state is invalid: ValueError: ")
    assert "lazy reference to 'shop.product'" in result.error


def test_indexes_added_on_both_sides_commute_whatever_their_order():
    result = run(
        [migrations.AddIndex("order", models.Index(fields=["note"], name="order_note_idx"))],
        [migrations.AddIndex("order", models.Index(fields=["-id"], name="order_id_idx"))],
    )
    assert result.verdict == COMMUTING
    assert [row[:3] for row in rows(result)] == [("shop.Order", None, "model")]


def test_the_same_index_name_on_both_sides_conflicts():
    result = run(
        [migrations.AddIndex("order", models.Index(fields=["note"], name="order_idx"))],
        [migrations.AddIndex("order", models.Index(fields=["id"], name="order_idx"))],
    )
    assert result.verdict == CONFLICTING
    assert [row[:3] for row in rows(result)] == [("shop.Order", "order_idx", "index")]


def test_unique_together_and_a_rename_of_one_of_its_fields():
    """Django repoints unique_together on a rename, but only if the rename comes second."""
    result = run(
        [migrations.AlterUniqueTogether("order", {("product", "note")})],
        [migrations.RenameField("order", "note", "remark")],
    )
    assert [row[:3] for row in rows(result)] == [("shop.Order", "note", "field")]
    assert result.verdict == CONFLICTING


def test_separate_database_and_state_is_opaque_but_its_state_operations_count():
    result = run(
        [
            migrations.SeparateDatabaseAndState(
                state_operations=[migrations.RemoveField("order", "note")]
            )
        ],
        [migrations.AlterField("order", "note", models.TextField(default=""))],
    )
    assert [row[:3] for row in rows(result)] == [("shop.Order", "note", "field")]
    assert result.opaque == (("left", ref("a", 0, "Custom state/database change combination")),)
    assert result.verdict == CONFLICTING


def test_a_custom_operation_is_opaque():
    class Noop(Operation):
        def state_forwards(self, app_label, state):
            pass

        def describe(self):
            return "Do nothing"

    result = run([Noop()], [migrations.AlterModelTable("order", "orders")])
    assert result.verdict == OPAQUE
    assert result.opaque == (("left", ref("a", 0, "Do nothing")),)


def index(name, *fields):
    return models.Index(fields=list(fields), name=name)


def constraint(name, *fields):
    return models.UniqueConstraint(fields=list(fields), name=name)


EVERY_OPERATION = [
    # (left operation, right operation, the fine row both make)
    (
        migrations.AlterModelTableComment("order", "Orders"),
        migrations.AlterModelTable("order", "o"),
        ("table", None),
    ),
    (
        migrations.AlterUniqueTogether("order", {("product", "note")}),
        migrations.AlterUniqueTogether("order", set()),
        ("constraint", "unique_together"),
    ),
    (
        migrations.AlterOrderWithRespectTo("order", "product"),
        migrations.AlterField(
            "order", "product", models.ForeignKey("shop.product", models.PROTECT)
        ),
        ("field", "product"),
    ),
    (
        migrations.AlterModelOptions("order", {"ordering": ["id"]}),
        migrations.AlterModelOptions("order", {"verbose_name": "purchase"}),
        ("options", None),
    ),
    (
        migrations.AlterModelManagers("order", [("objects", models.Manager())]),
        migrations.AlterModelManagers("order", []),
        ("managers", None),
    ),
    (
        migrations.AddField("order", "paid", models.BooleanField(default=False)),
        migrations.AddField("order", "paid", models.BooleanField(default=True)),
        ("field", "paid"),
    ),
    (
        migrations.RemoveField("order", "note"),
        migrations.AlterField("order", "note", models.TextField()),
        ("field", "note"),
    ),
    (
        migrations.AddIndex("order", index("order_note_idx", "note")),
        migrations.RemoveField("order", "note"),
        ("field", "note"),
    ),
    (
        migrations.RemoveIndex("order", "order_idx"),
        migrations.RenameIndex("order", new_name="order_new_idx", old_name="order_idx"),
        ("index", "order_idx"),
    ),
    (
        migrations.AddConstraint("order", constraint("order_uniq", "note")),
        migrations.RemoveConstraint("order", "order_uniq"),
        ("constraint", "order_uniq"),
    ),
    (
        migrations.AlterConstraint("order", "order_uniq", constraint("order_uniq", "note")),
        migrations.RemoveConstraint("order", "order_uniq"),
        ("constraint", "order_uniq"),
    ),
    (
        migrations.RenameModel("Order", "Purchase"),
        migrations.DeleteModel("Order"),
        None,
    ),
    (
        migrations.CreateModel("Order", [("id", pk())]),
        migrations.DeleteModel("Order"),
        None,
    ),
]


@pytest.mark.parametrize(
    "left, right, fine", EVERY_OPERATION, ids=[type(op).__name__ for op, _, _ in EVERY_OPERATION]
)
def test_every_operation_touches_the_model(left, right, fine):
    """Each built-in operation is seen on Order; the finer row names what both touch."""
    table = overlaps([migration("0002_a", left)], [migration("0002_b", right)])
    kinds = [(row.kind, row.name) for row in table]
    assert {row.model_key for row in table} == {("shop", "order")}
    if fine is None:
        assert kinds[0] == ("model", None)
    else:
        assert fine in kinds


def test_alter_model_table_on_both_sides_is_one_table_row():
    table = overlaps(
        [migration("0002_a", migrations.AlterModelTable("order", "orders"))],
        [migration("0002_b", migrations.AlterModelTable("order", "o"))],
    )
    assert [(row.kind, row.name) for row in table] == [("table", None)]


def test_the_model_row_lists_what_the_finer_rows_do_not():
    result = run(
        [
            migrations.AlterField("order", "note", models.TextField(default="")),
            migrations.AddField("order", "paid", models.BooleanField(default=False)),
        ],
        [migrations.AlterField("order", "note", models.TextField(default=""))],
    )
    assert rows(result) == [
        (
            "shop.Order",
            None,
            "model",
            ["shop.0002_a: Alter field note on order", "shop.0002_a: Add field paid to order"],
            ["shop.0002_b: Alter field note on order"],
        ),
        (
            "shop.Order",
            "note",
            "field",
            ["shop.0002_a: Alter field note on order"],
            ["shop.0002_b: Alter field note on order"],
        ),
    ]


def test_format_table():
    result = run(
        [
            migrations.RenameField("order", "note", "remark"),
            migrations.AlterField("order", "remark", models.TextField(default="")),
        ],
        [migrations.AlterField("order", "note", models.CharField(max_length=300, default=""))],
    )
    assert format_table(result) == (
        "Model       Name  Kind   Left (shop.0002_a)                                 "
        "Right (shop.0002_b)\n"
        "shop.Order  note  field  shop.0002_a: Rename field note on order to remark  "
        "shop.0002_b: Alter field note on order\n"
        "                         shop.0002_a: Alter field remark on order"
    )
    assert format_table(Analysis(INDEPENDENT, (), ())) == ""


def test_branches_of_two_heads():
    r"""Each side keeps what only its head needs, other apps included::

    shop:  0001 --> 0002 --> 0003_a
                      \----> 0003_b
    pay:   0001 ------------/        (0003_b depends on pay.0001)
    """
    graph = BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003_a": ["shop.0002"],
            "shop.0003_b": ["shop.0002", "pay.0001"],
            "pay.0001": [],
        }
    )
    assert branches(graph, ("shop", "0003_a"), ("shop", "0003_b")) == (
        [("shop", "0001"), ("shop", "0002")],
        [("shop", "0003_a")],
        [("pay", "0001"), ("shop", "0003_b")],
    )


def test_analyse_heads_of_a_scenario(scenario):
    """forked_labelled: the billing branch points to Order, the other adds fields to it."""
    scenario("forked_labelled")
    loader = MigrationLoader(None, ignore_no_migrations=True)
    graph = BranchGraph.from_loader(loader)
    result = analyse_heads(
        graph, loader, ("shop", "0004_invoice_paid"), ("shop", "0004_order_status")
    )
    assert result == Analysis(
        INDEPENDENT,
        (("shop", "0003_invoice"), ("shop", "0004_invoice_paid")),
        (("shop", "0003_order_note"), ("shop", "0004_order_status")),
    )
    state = base_state(graph, graph.ancestors([("shop", "0002_order")]))
    assert sorted(state.models) == [("shop", "order"), ("shop", "product")]


def test_the_base_state_is_not_changed():
    base = trunk()
    before = base.clone()
    analyse(
        base,
        [migration("0002_a", migrations.DeleteModel("Order"))],
        [migration("0002_b", migrations.RenameField("order", "note", "remark"))],
    )
    assert base == before


# ModelOverlaps, the shortcut W001 takes --------------------------------------------


class _Migrations:
    """Just what ``ModelOverlaps`` reads of a graph: the nodes and their migrations."""

    def __init__(self, *found):
        self.by_key = {(m.app_label, m.name): m for m in found}
        self.nodes = list(self.by_key)

    def migration(self, key):
        return self.by_key[key]


SIDES = [
    *[([left], [right]) for left, right, _ in EVERY_OPERATION],
    # A reference meets only creating, deleting or renaming the model.
    (
        [migrations.AddField("order", "other", models.ForeignKey("shop.product", models.CASCADE))],
        [migrations.AddField("product", "sku", models.CharField(max_length=9, default=""))],
    ),
    (
        [migrations.AddField("order", "other", models.ForeignKey("shop.product", models.CASCADE))],
        [migrations.DeleteModel("product")],
    ),
    # Renames on one side: the ordered walk decides.
    (
        [
            migrations.RenameField("order", "note", "memo"),
            migrations.AlterField("order", "memo", models.TextField(default="")),
        ],
        [migrations.AddField("order", "paid", models.BooleanField(default=False))],
    ),
    (
        [migrations.RenameModel("Order", "Purchase")],
        [migrations.AddField("product", "sku", models.CharField(max_length=9, default=""))],
    ),
    # Nothing in common.
    (
        [migrations.AddField("order", "paid", models.BooleanField(default=False))],
        [migrations.AddField("product", "sku", models.CharField(max_length=9, default=""))],
    ),
]


@pytest.mark.parametrize("left, right", SIDES)
def test_model_overlaps_finds_the_models_of_the_overlap_table(left, right):
    """Per-migration sets give the models of ``overlaps()``, split over two migrations a side."""
    left_side = [migration("0002_a", *left[:1]), migration("0003_a", *left[1:])]
    right_side = [migration("0002_b", *right[:1]), migration("0003_b", *right[1:])]
    expected = {row.model_key for row in overlaps(left_side, right_side)}
    found = ModelOverlaps(_Migrations(INITIAL, *left_side, *right_side))(
        [("shop", m.name) for m in left_side], [("shop", m.name) for m in right_side]
    )
    assert {model for model, _ in found} == expected


def test_model_overlaps_names_models_as_created():
    """Models of the test apps are not in the project: their names come from CreateModel."""
    left = migration("0002_a", migrations.AddField("order", "paid", models.BooleanField()))
    right = migration("0002_b", migrations.AlterField("order", "note", models.TextField()))
    found = ModelOverlaps(_Migrations(INITIAL, left, right))(
        [("shop", "0002_a")], [("shop", "0002_b")]
    )
    assert found == [(("shop", "order"), "shop.Order")]
