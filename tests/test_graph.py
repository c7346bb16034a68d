"""The branch graph on in-memory graphs: structure, label propagation, conflicts, errors.

Each test draws its graph. Arrows point from a dependency to the migration that depends on
it, the direction in which migrations are applied; ``==>`` is a dependency on another app
(or a ``run_before``), ``[label]`` a declared branch label. The shapes follow Alembic's
revision traversal tests (``tests/test_revision.py``), translated to Django's apps.
"""

import pytest
from django.db.migrations.graph import MigrationGraph

from django_branchmig.graph import DEPENDENCY, PARENT, BranchGraph, GraphError
from django_branchmig.labels import LabelProblem
from django_branchmig.types import dotted


def graph(dependencies, labels=None, run_before=()):
    return BranchGraph.from_dependencies(dependencies, labels, run_before=run_before)


def names(keys):
    """Dotted names, to compare with sets written the way the docstrings draw them."""
    return {dotted(key) for key in keys}


def ordered(keys):
    return [dotted(key) for key in keys]


def sorted_names(keys):
    """Heads and bases come in apply order; most tests only care which they are."""
    return sorted(ordered(keys))


def django_apply_order(dependencies, run_before=()):
    """The order in which plain ``migrate`` applies everything, from Django's own graph."""
    django_graph = MigrationGraph()
    for node in dependencies:
        django_graph.add_node(_key(node), None)
    for node, parents in dependencies.items():
        for parent in parents:
            django_graph.add_dependency(None, _key(node), _key(parent))
    for first, then in run_before:
        django_graph.add_dependency(None, _key(then), _key(first))
    plan = []
    for leaf in django_graph.leaf_nodes():
        plan += [key for key in django_graph.forwards_plan(leaf) if key not in plan]
    return [dotted(key) for key in plan]


def _key(node):
    return tuple(node.split(".", 1))


def labels_of(g):
    """Every node's propagated labels, unlabelled nodes left out."""
    return {dotted(key): set(g.labels(key)) for key in g.nodes if g.labels(key)}


# Structure -----------------------------------------------------------------------------


def test_linear_chain():
    """
    shop.0001 --> shop.0002 --> shop.0003
    """
    g = graph({"shop.0003": ["shop.0002"], "shop.0002": ["shop.0001"], "shop.0001": []})
    assert ordered(g.nodes) == ["shop.0001", "shop.0002", "shop.0003"]
    assert g.apps == ("shop",)
    assert len(g) == 3
    assert ("shop", "0002") in g
    assert ("shop", "0004") not in g
    assert g.parents(("shop", "0002")) == (("shop", "0001"),)
    assert g.children(("shop", "0002")) == (("shop", "0003"),)
    assert g.parents(("shop", "0001")) == ()
    assert g.children(("shop", "0003")) == ()
    assert sorted_names(g.heads()) == ["shop.0003"]
    assert sorted_names(g.bases()) == ["shop.0001"]
    assert sorted_names(g.heads("shop")) == ["shop.0003"]
    assert g.heads("payments") == []
    assert not any(g.is_branch_point(k) or g.is_merge_point(k) for k in g.nodes)
    assert g.edges() == [
        (("shop", "0001"), ("shop", "0002"), PARENT),
        (("shop", "0002"), ("shop", "0003"), PARENT),
    ]
    assert names(g.ancestors([("shop", "0002")])) == {"shop.0001", "shop.0002"}
    assert names(g.descendants([("shop", "0002")])) == {"shop.0002", "shop.0003"}
    assert names(g.app_descendants(("shop", "0001"))) == {"shop.0001", "shop.0002", "shop.0003"}
    assert names(g.app_ancestors(("shop", "0003"))) == {"shop.0001", "shop.0002", "shop.0003"}
    assert g.position(("shop", "0001")) == 0
    assert ordered(g.sorted([("shop", "0003"), ("shop", "0001")])) == ["shop.0001", "shop.0003"]
    assert g.migration(("shop", "0001")) is None
    assert g.source(("shop", "0001")) == "shop.0001"
    assert g.label_problems == []
    assert g.conflicts() == {}


def test_keys_and_dotted_names_are_interchangeable():
    """
    shop.0001 --> shop.0002
    """
    from_keys = graph({("shop", "0002"): [("shop", "0001")], ("shop", "0001"): []})
    from_names = graph({"shop.0002": ["shop.0001"], "shop.0001": []})
    assert from_keys.nodes == from_names.nodes
    assert from_keys.edges() == from_names.edges()


def test_diamond():
    """
                   +--> shop.0002_a --+
    shop.0001 -----+                  +--> shop.0003_merge --> shop.0004
                   +--> shop.0002_b --+
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002_a": ["shop.0001"],
            "shop.0002_b": ["shop.0001"],
            "shop.0003_merge": ["shop.0002_b", "shop.0002_a"],
            "shop.0004": ["shop.0003_merge"],
        }
    )
    assert [dotted(k) for k in g.nodes if g.is_branch_point(k)] == ["shop.0001"]
    assert [dotted(k) for k in g.nodes if g.is_merge_point(k)] == ["shop.0003_merge"]
    # Parents and children come sorted, whatever order the dependencies were listed in.
    assert ordered(g.parents(("shop", "0003_merge"))) == ["shop.0002_a", "shop.0002_b"]
    assert ordered(g.children(("shop", "0001"))) == ["shop.0002_a", "shop.0002_b"]
    assert sorted_names(g.heads()) == ["shop.0004"]
    assert sorted_names(g.bases()) == ["shop.0001"]
    assert names(g.ancestors([("shop", "0002_a")])) == {"shop.0001", "shop.0002_a"}
    assert names(g.descendants([("shop", "0002_a")])) == {
        "shop.0002_a",
        "shop.0003_merge",
        "shop.0004",
    }
    assert g.conflicts() == {}


def test_dependency_edges_are_not_parent_edges():
    """
    shop.0001 --> shop.0002 --> shop.0003
                     ||
                     +=====> payments.0001 --> payments.0002
                                  ^^
    inventory.0001 ==(run_before)==+
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003": ["shop.0002"],
            "payments.0001": ["shop.0002"],
            "payments.0002": ["payments.0001"],
            "inventory.0001": [],
        },
        run_before=[("inventory.0001", "payments.0001")],
    )
    assert g.apps == ("inventory", "payments", "shop")
    payments_0001 = ("payments", "0001")
    assert g.parents(payments_0001) == ()
    assert g.dependencies(payments_0001) == (("inventory", "0001"), ("shop", "0002"))
    assert g.dependants(("shop", "0002")) == (payments_0001,)
    assert g.dependants(("inventory", "0001")) == (payments_0001,)
    assert g.children(("shop", "0002")) == (("shop", "0003"),)
    # Another app's dependant makes neither a branch point nor a second head.
    assert not g.is_branch_point(("shop", "0002"))
    assert sorted_names(g.heads()) == ["inventory.0001", "payments.0002", "shop.0003"]
    assert sorted_names(g.bases()) == ["inventory.0001", "payments.0001", "shop.0001"]
    assert sorted_names(g.heads("payments")) == ["payments.0002"]
    assert g.edges() == [
        (("inventory", "0001"), payments_0001, DEPENDENCY),
        (payments_0001, ("payments", "0002"), PARENT),
        (("shop", "0001"), ("shop", "0002"), PARENT),
        (("shop", "0002"), payments_0001, DEPENDENCY),
        (("shop", "0002"), ("shop", "0003"), PARENT),
    ]
    # Closures follow both kinds of edge; app closures only parent edges.
    assert names(g.ancestors([("payments", "0002")])) == {
        "inventory.0001",
        "payments.0001",
        "payments.0002",
        "shop.0001",
        "shop.0002",
    }
    assert names(g.descendants([("shop", "0002")])) == {
        "payments.0001",
        "payments.0002",
        "shop.0002",
        "shop.0003",
    }
    assert names(g.app_descendants(("shop", "0002"))) == {"shop.0002", "shop.0003"}
    assert names(g.app_ancestors(("payments", "0002"))) == {"payments.0001", "payments.0002"}


def test_nodes_come_in_djangos_apply_order():
    """
    payments.0001 ==> shop.0001 --> shop.0002 --+
                         |                       +--> shop.0003_merge
                         +--------> shop.0002_b -+
    inventory.0001 --> inventory.0002
          ^^
    shop.0002 ==(run_before)==/

    ``nodes`` is the order in which plain ``migrate`` applies everything (the sorted leaf
    nodes' forwards plans, one after the other), so printed plans match what runs.
    """
    dependencies = {
        "shop.0003_merge": ["shop.0002", "shop.0002_b"],
        "shop.0002_b": ["shop.0001"],
        "shop.0002": ["shop.0001"],
        "shop.0001": ["payments.0001"],
        "payments.0001": [],
        "inventory.0002": ["inventory.0001"],
        "inventory.0001": [],
    }
    run_before = [("shop.0002", "inventory.0002")]
    g = graph(dependencies, run_before=run_before)
    assert ordered(g.nodes) == django_apply_order(dependencies, run_before)
    assert ordered(g.nodes) == [
        "payments.0001",
        "shop.0001",
        "shop.0002",
        "inventory.0001",
        "inventory.0002",
        "shop.0002_b",
        "shop.0003_merge",
    ]
    for source, target, _ in g.edges():
        assert g.position(source) < g.position(target)
    # Heads and bases come in the same order.
    assert ordered(g.heads()) == ["payments.0001", "inventory.0002", "shop.0003_merge"]
    assert ordered(g.bases()) == ["payments.0001", "shop.0001", "inventory.0001"]


def test_same_app_run_before_is_a_dependency_edge():
    """
    shop.0001_a ==(run_before)==> shop.0001_b

    A ``run_before`` inside one app orders two migrations without making one the other's
    parent (``from_loader`` classifies it the same way): both stay bases and heads.
    """
    g = graph({"shop.0001_a": [], "shop.0001_b": []}, run_before=[("shop.0001_a", "shop.0001_b")])
    assert g.edges() == [(("shop", "0001_a"), ("shop", "0001_b"), DEPENDENCY)]
    assert g.parents(("shop", "0001_b")) == ()
    assert g.children(("shop", "0001_a")) == ()
    assert sorted_names(g.bases()) == ["shop.0001_a", "shop.0001_b"]
    assert g.dependencies(("shop", "0001_b")) == (("shop", "0001_a"),)
    assert g.dependants(("shop", "0001_a")) == (("shop", "0001_b"),)


def test_same_app_run_before_keeps_djangos_apply_order():
    """
    inventory.0001 ==(run_before)==> inventory.0003
    inventory.0002

    Django counts the run_before as making inventory.0003 a child of inventory.0001, so
    0001 is not one of its leaf nodes and ``migrate`` applies 0002 first. ``nodes`` claims
    to be that order.
    """
    dependencies = {"inventory.0001": [], "inventory.0002": [], "inventory.0003": []}
    run_before = [("inventory.0001", "inventory.0003")]
    g = graph(dependencies, run_before=run_before)
    assert django_apply_order(dependencies, run_before) == [
        "inventory.0002",
        "inventory.0001",
        "inventory.0003",
    ]
    assert ordered(g.nodes) == django_apply_order(dependencies, run_before)


def test_twin_merges():
    """
                  +--> shop.0002_a --+--+--> shop.0003_m1 --> shop.0004
    shop.0001 ----+                  |  |
                  +--> shop.0002_b --+--+--> shop.0003_m2

    Alembic's TwinMergeTest: two merge points over the same two parents.
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002_a": ["shop.0001"],
            "shop.0002_b": ["shop.0001"],
            "shop.0003_m1": ["shop.0002_a", "shop.0002_b"],
            "shop.0003_m2": ["shop.0002_a", "shop.0002_b"],
            "shop.0004": ["shop.0003_m1"],
        }
    )
    assert sorted_names(k for k in g.nodes if g.is_branch_point(k)) == [
        "shop.0001",
        "shop.0002_a",
        "shop.0002_b",
    ]
    assert sorted_names(k for k in g.nodes if g.is_merge_point(k)) == [
        "shop.0003_m1",
        "shop.0003_m2",
    ]
    assert ordered(g.children(("shop", "0002_b"))) == ["shop.0003_m1", "shop.0003_m2"]
    assert sorted_names(g.heads()) == ["shop.0003_m2", "shop.0004"]
    assert g.conflicts() == {"shop": [[("shop", "0003_m2"), ("shop", "0004")]]}


def test_merge_over_independent_bases_with_a_spliced_branch():
    """
    shop.0001_a --> shop.0002_a --+-----------------+--> shop.0003_merge --> shop.0004
                                  |                 |
    shop.0001_b [trunk] ----------|-----------------+
                                  |
                                  +--> shop.0003_side [side] --> shop.0004_side
    """
    g = graph(
        {
            "shop.0001_a": [],
            "shop.0001_b": [],
            "shop.0002_a": ["shop.0001_a"],
            "shop.0003_merge": ["shop.0002_a", "shop.0001_b"],
            "shop.0004": ["shop.0003_merge"],
            "shop.0003_side": ["shop.0002_a"],
            "shop.0004_side": ["shop.0003_side"],
        },
        labels={"shop.0001_b": ["trunk"], "shop.0003_side": ["side"]},
    )
    assert sorted_names(g.bases()) == ["shop.0001_a", "shop.0001_b"]
    assert sorted_names(g.heads()) == ["shop.0004", "shop.0004_side"]
    assert g.is_branch_point(("shop", "0002_a"))
    assert g.is_merge_point(("shop", "0003_merge"))
    assert ordered(g.parents(("shop", "0003_merge"))) == ["shop.0001_b", "shop.0002_a"]
    assert labels_of(g) == {
        "shop.0001_b": {"trunk"},
        "shop.0003_merge": {"trunk"},
        "shop.0004": {"trunk"},
        "shop.0003_side": {"side"},
        "shop.0004_side": {"side"},
    }
    assert g.conflicts() == {}


def test_forest():
    """
    shop.0001_a --> shop.0002_a [alpha]
    shop.0001_b --> shop.0002_b [beta]
    payments.0001 --> payments.0002

    Unrelated trees, two of them in one app, told apart by their labels.
    """
    g = graph(
        {
            "shop.0001_a": [],
            "shop.0002_a": ["shop.0001_a"],
            "shop.0001_b": [],
            "shop.0002_b": ["shop.0001_b"],
            "payments.0001": [],
            "payments.0002": ["payments.0001"],
        },
        labels={"shop.0002_a": ["alpha"], "shop.0002_b": ["beta"]},
    )
    assert sorted_names(g.bases()) == ["payments.0001", "shop.0001_a", "shop.0001_b"]
    assert sorted_names(g.heads()) == ["payments.0002", "shop.0002_a", "shop.0002_b"]
    assert names(g.ancestors(g.heads())) == names(g.nodes)
    # Without branch points the labels reach back to the bases.
    assert labels_of(g) == {
        "shop.0001_a": {"alpha"},
        "shop.0002_a": {"alpha"},
        "shop.0001_b": {"beta"},
        "shop.0002_b": {"beta"},
    }
    assert g.conflicts() == {}


def test_three_bases_with_cross_dependencies():
    """
    shop.0001_cart [cart] --> shop.0002_cart --> shop.0003_cart
                                   ||                  ||
                              (run_before)             +=====> inventory.0002
                                   vv                              ^
    shop.0001_stock [stock] --> shop.0002_stock                    |
                                                                   |
    inventory.0001 ------------------------------------------------+
          ||
          +=====> shop.0002_ledger
                        ^
    shop.0001_ledger [ledger]

    Alembic's MultipleBaseCrossDependencyTest: three lineages of one app, each with its label,
    depending on one another and on another app, one of them (``cart``) depended on.
    """
    g = graph(
        {
            "shop.0001_cart": [],
            "shop.0002_cart": ["shop.0001_cart"],
            "shop.0003_cart": ["shop.0002_cart"],
            "shop.0001_stock": [],
            "shop.0002_stock": ["shop.0001_stock"],
            "shop.0001_ledger": [],
            "shop.0002_ledger": ["shop.0001_ledger", "inventory.0001"],
            "inventory.0001": [],
            "inventory.0002": ["inventory.0001", "shop.0003_cart"],
        },
        labels={
            "shop.0001_cart": ["cart"],
            "shop.0001_stock": ["stock"],
            "shop.0001_ledger": ["ledger"],
        },
        run_before=[("shop.0002_cart", "shop.0002_stock")],
    )
    assert sorted_names(g.bases("shop")) == [
        "shop.0001_cart",
        "shop.0001_ledger",
        "shop.0001_stock",
    ]
    assert sorted_names(g.heads("shop")) == [
        "shop.0002_ledger",
        "shop.0002_stock",
        "shop.0003_cart",
    ]
    assert g.dependencies(("shop", "0002_stock")) == (("shop", "0002_cart"),)
    assert g.parents(("shop", "0002_stock")) == (("shop", "0001_stock"),)
    assert g.dependants(("shop", "0003_cart")) == (("inventory", "0002"),)
    assert names(g.labelled("cart")) == {"shop.0001_cart", "shop.0002_cart", "shop.0003_cart"}
    assert names(g.labelled("stock")) == {"shop.0001_stock", "shop.0002_stock"}
    assert names(g.labelled("ledger")) == {"shop.0001_ledger", "shop.0002_ledger"}
    # Nothing crosses a dependency edge: not the run_before, not into inventory.
    assert g.labels(("inventory", "0002")) == frozenset()
    assert g.labels(("inventory", "0001")) == frozenset()
    assert g.conflicts() == {}
    assert names(g.descendants([("shop", "0001_cart")])) == {
        "shop.0001_cart",
        "shop.0002_cart",
        "shop.0003_cart",
        "shop.0002_stock",
        "inventory.0002",
    }


# Label propagation -------------------------------------------------------------------


def test_label_stops_below_at_the_branch_point():
    """
                                  +--> shop.0003_a [billing] --> shop.0004_a
    shop.0001 --> shop.0002 ------+
                                  +--> shop.0003_b --> shop.0004_b

    The label reaches the declaring node and its descendants, not the shared trunk.
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003_a": ["shop.0002"],
            "shop.0004_a": ["shop.0003_a"],
            "shop.0003_b": ["shop.0002"],
            "shop.0004_b": ["shop.0003_b"],
        },
        labels={"shop.0003_a": ["billing"]},
    )
    assert labels_of(g) == {"shop.0003_a": {"billing"}, "shop.0004_a": {"billing"}}
    assert g.declared_labels(("shop", "0003_a")) == ("billing",)
    assert g.declared_labels(("shop", "0004_a")) == ()
    assert g.declarations("billing") == {"shop": [("shop", "0003_a")]}
    assert g.declarations("nope") == {}
    assert g.all_labels() == ["billing"]
    assert g.labelled("nope") == set()


def test_label_declared_at_a_head_reaches_back_to_the_branch_point():
    """
                                  +--> shop.0003_a --> shop.0004_a [billing]
    shop.0001 --> shop.0002 ------+
                                  +--> shop.0003_b --> shop.0004_b

    Alembic labels a whole branch from its tip: the ancestors get it too, down to but
    excluding the branch point.
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003_a": ["shop.0002"],
            "shop.0004_a": ["shop.0003_a"],
            "shop.0003_b": ["shop.0002"],
            "shop.0004_b": ["shop.0003_b"],
        },
        labels={"shop.0004_a": ["billing"]},
    )
    assert labels_of(g) == {"shop.0003_a": {"billing"}, "shop.0004_a": {"billing"}}


def test_label_on_a_linear_chain_reaches_the_base():
    """
    shop.0001 --> shop.0002 --> shop.0003 [billing] --> shop.0004
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003": ["shop.0002"],
            "shop.0004": ["shop.0003"],
        },
        labels={"shop.0003": ["billing"]},
    )
    assert names(g.labelled("billing")) == {"shop.0001", "shop.0002", "shop.0003", "shop.0004"}


def test_label_declared_at_a_branch_point():
    """
                                         +--> shop.0003_a
    shop.0001 --> shop.0002 [billing] ---+
                                         +--> shop.0003_b

    Both branches inherit it, so their heads cannot be told apart: a conflict.
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003_a": ["shop.0002"],
            "shop.0003_b": ["shop.0002"],
        },
        labels={"shop.0002": ["billing"]},
    )
    assert names(g.labelled("billing")) == {
        "shop.0001",
        "shop.0002",
        "shop.0003_a",
        "shop.0003_b",
    }
    assert g.conflicts() == {"shop": [[("shop", "0003_a"), ("shop", "0003_b")]]}


def test_label_declared_at_a_merge_point():
    """
                  +--> shop.0002_a --+
    shop.0001 ----+                  +--> shop.0003_merge [release] --> shop.0004
                  +--> shop.0002_b --+

    Only the merge point and what follows it: a merge point is its own nearest merge point.
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002_a": ["shop.0001"],
            "shop.0002_b": ["shop.0001"],
            "shop.0003_merge": ["shop.0002_a", "shop.0002_b"],
            "shop.0004": ["shop.0003_merge"],
        },
        labels={"shop.0003_merge": ["release"]},
    )
    assert labels_of(g) == {"shop.0003_merge": {"release"}, "shop.0004": {"release"}}


def test_ancestors_walk_stops_at_a_merge_point():
    """
                  +--> shop.0002_a --+
    shop.0001 ----+                  +--> shop.0003_merge --> shop.0004 --> shop.0005 [release]
                  +--> shop.0002_b --+
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002_a": ["shop.0001"],
            "shop.0002_b": ["shop.0001"],
            "shop.0003_merge": ["shop.0002_a", "shop.0002_b"],
            "shop.0004": ["shop.0003_merge"],
            "shop.0005": ["shop.0004"],
        },
        labels={"shop.0005": ["release"]},
    )
    assert labels_of(g) == {"shop.0004": {"release"}, "shop.0005": {"release"}}


def test_labels_flow_through_a_merge_point():
    """
                             +--> shop.0003_a [billing] --+
    shop.0001 --> shop.0002 -+                            +--> shop.0004_merge --> shop.0005
                             +--> shop.0003_b [stock] ----+

    Descendants of a merge point carry the labels of every branch it merges.
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003_a": ["shop.0002"],
            "shop.0003_b": ["shop.0002"],
            "shop.0004_merge": ["shop.0003_a", "shop.0003_b"],
            "shop.0005": ["shop.0004_merge"],
        },
        labels={"shop.0003_a": ["billing"], "shop.0003_b": ["stock"]},
    )
    assert labels_of(g) == {
        "shop.0003_a": {"billing"},
        "shop.0003_b": {"stock"},
        "shop.0004_merge": {"billing", "stock"},
        "shop.0005": {"billing", "stock"},
    }
    assert names(g.labelled("billing")) == {
        "shop.0003_a",
        "shop.0004_merge",
        "shop.0005",
    }


def test_several_labels_on_one_migration():
    """
    shop.0001 --> shop.0002 [billing, invoicing]
    """
    g = graph(
        {"shop.0001": [], "shop.0002": ["shop.0001"]},
        labels={"shop.0002": ["billing", "invoicing"]},
    )
    assert g.declared_labels(("shop", "0002")) == ("billing", "invoicing")
    assert g.labels(("shop", "0001")) == frozenset({"billing", "invoicing"})
    assert g.all_labels() == ["billing", "invoicing"]


def test_labels_never_cross_apps():
    """
    shop.0001 --> shop.0002 [billing] --> shop.0003
                     ||                      ||
                     vv                      vv
    payments.0001 --> payments.0002 ------> payments.0003
         ^^
    inventory.0001 ==(run_before)==> shop.0001

    Neither a dependency nor a run_before carries a label to another app, in either
    direction.
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003": ["shop.0002"],
            "payments.0001": [],
            "payments.0002": ["payments.0001", "shop.0002"],
            "payments.0003": ["payments.0002", "shop.0003"],
            "inventory.0001": ["payments.0001"],
        },
        labels={"shop.0002": ["billing"]},
        run_before=[("inventory.0001", "shop.0001")],
    )
    assert names(g.labelled("billing")) == {"shop.0001", "shop.0002", "shop.0003"}


def test_one_label_in_two_apps():
    """
    shop.0001 --> shop.0002 [billing]
                     ||
                     vv
    payments.0001 --> payments.0002 [billing] --> payments.0003

    A branch may span apps: one declaration per app, no problem reported.
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "payments.0001": [],
            "payments.0002": ["payments.0001", "shop.0002"],
            "payments.0003": ["payments.0002"],
        },
        labels={"shop.0002": ["billing"], "payments.0002": ["billing"]},
    )
    assert g.declarations("billing") == {
        "payments": [("payments", "0002")],
        "shop": [("shop", "0002")],
    }
    assert names(g.labelled("billing")) == names(g.nodes)
    assert g.label_problems == []


def test_duplicate_label_in_one_app():
    """
                  +--> shop.0002_a [billing]
    shop.0001 ----+
                  +--> shop.0002_b [billing] --> shop.0003_b [billing]

    Declaring a label twice in one app is E002, reported once per extra declaration.
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002_a": ["shop.0001"],
            "shop.0002_b": ["shop.0001"],
            "shop.0003_b": ["shop.0002_b"],
        },
        labels={
            "shop.0002_a": ["billing"],
            "shop.0002_b": ["billing"],
            "shop.0003_b": ["billing"],
        },
    )
    assert g.declarations("billing") == {
        "shop": [("shop", "0002_a"), ("shop", "0002_b"), ("shop", "0003_b")]
    }
    assert g.label_problems == [
        LabelProblem(
            ("shop", "0002_b"),
            "billing",
            "branch label 'billing' is declared twice in app 'shop': by shop.0002_a and "
            "shop.0002_b and shop.0003_b",
            "shop.0002_b",
            code="E002",
        )
    ]
    # Both heads carry the same label: still a conflict.
    assert g.conflicts() == {"shop": [[("shop", "0002_a"), ("shop", "0003_b")]]}


def test_invalid_labels_are_problems_and_are_dropped():
    """
    shop.0001 [billing, "bad-label", head, payments] --> shop.0002
    payments.0001 [3]
    """
    g = graph(
        {"shop.0001": [], "shop.0002": ["shop.0001"], "payments.0001": []},
        labels={
            "shop.0001": ["billing", "bad-label", "head", "payments"],
            "payments.0001": [3],
        },
    )
    assert g.declared_labels(("shop", "0001")) == ("billing",)
    assert g.declared_labels(("payments", "0001")) == ()
    assert g.all_labels() == ["billing"]
    assert [(p.key, p.label, p.message, p.source, p.code) for p in g.label_problems] == [
        (
            ("shop", "0001"),
            "bad-label",
            "'bad-label' is not a valid branch label: use an identifier ([A-Za-z_][A-Za-z0-9_]*)",
            "shop.0001",
            "E003",
        ),
        (
            ("shop", "0001"),
            "head",
            "'head' is a reserved word of the target language (base, current, head, heads, zero)",
            "shop.0001",
            "E003",
        ),
        (
            ("shop", "0001"),
            "payments",
            "'payments' is the label of an installed app; a branch label must differ from app "
            "labels",
            "shop.0001",
            "E003",
        ),
        (
            ("payments", "0001"),
            3,
            "3 is not a valid branch label: use an identifier ([A-Za-z_][A-Za-z0-9_]*)",
            "payments.0001",
            "E003",
        ),
    ]


def test_a_string_of_labels_is_a_problem_not_one_label_per_letter():
    """
    shop.0001 --> shop.0002 ("stock", a string where a tuple belongs)

    ``branch_labels = "stock"`` is the classic missing-comma mistake; the graph must report
    it (as a migration file would be reported), not split it into labels s, t, o, c, k.
    """
    g = graph({"shop.0001": [], "shop.0002": ["shop.0001"]}, labels={"shop.0002": "stock"})
    assert g.all_labels() == []
    assert g.label_problems == [
        LabelProblem(
            ("shop", "0002"),
            "stock",
            "branch_labels must be a tuple of identifiers, not str 'stock'",
            "shop.0002",
        )
    ]


# Conflicts -----------------------------------------------------------------------------


def test_conflicts_between_unlabelled_heads():
    """
                             +--> shop.0003_a
    shop.0001 --> shop.0002 -+
                             +--> shop.0003_b
    payments.0001
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003_a": ["shop.0002"],
            "shop.0003_b": ["shop.0002"],
            "payments.0001": [],
        }
    )
    assert g.conflicts() == {"shop": [[("shop", "0003_a"), ("shop", "0003_b")]]}


def test_one_labelled_branch_resolves_the_conflict():
    """
                             +--> shop.0003_a [billing]
    shop.0001 --> shop.0002 -+
                             +--> shop.0003_b
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003_a": ["shop.0002"],
            "shop.0003_b": ["shop.0002"],
        },
        labels={"shop.0003_a": ["billing"]},
    )
    assert g.conflicts() == {}


def test_conflicts_are_grouped_by_label_set_and_app():
    """
    shop.0001_a    shop.0001_b    shop.0001_c [x]    shop.0001_d [x]    shop.0001_e [y]
    payments.0001_a    payments.0001_b

    Unrelated bases are heads too: two groups in shop, one in payments.
    """
    g = graph(
        {
            "shop.0001_a": [],
            "shop.0001_b": [],
            "shop.0001_c": [],
            "shop.0001_d": [],
            "shop.0001_e": [],
            "payments.0001_a": [],
            "payments.0001_b": [],
        },
        labels={"shop.0001_c": ["x"], "shop.0001_d": ["x"], "shop.0001_e": ["y"]},
    )
    conflicts = g.conflicts()
    assert list(conflicts) == ["payments", "shop"]
    assert conflicts["payments"] == [[("payments", "0001_a"), ("payments", "0001_b")]]
    assert sorted(conflicts["shop"]) == [
        [("shop", "0001_a"), ("shop", "0001_b")],
        [("shop", "0001_c"), ("shop", "0001_d")],
    ]


# Errors --------------------------------------------------------------------------------


def test_missing_parent():
    """
    shop.0001 --> shop.0002     (shop.0003 depends on shop.0009, which does not exist)
    """
    with pytest.raises(GraphError) as excinfo:
        graph({"shop.0001": [], "shop.0002": ["shop.0001"], "shop.0003": ["shop.0009"]})
    assert str(excinfo.value) == (
        "Migration shop.0003 dependencies reference nonexistent parent node shop.0009."
    )


def test_missing_dependency_in_another_app():
    """
    shop.0001 ==> payments.0001     (payments.0001 does not exist)
    """
    with pytest.raises(GraphError) as excinfo:
        graph({"shop.0001": ["payments.0001"]})
    assert str(excinfo.value) == (
        "Migration shop.0001 dependencies reference nonexistent parent node payments.0001."
    )


def test_missing_run_before_migration():
    """
    inventory.0001 ==(run_before)==> payments.0001     (payments.0001 does not exist)

    Django refuses a run_before that names a migration it does not know
    ("... dependencies reference nonexistent child node ..."); the graph must not invent a
    node for it.
    """
    with pytest.raises(GraphError) as excinfo:
        graph({"inventory.0001": []}, run_before=[("inventory.0001", "payments.0001")])
    assert str(excinfo.value) == (
        "Migration inventory.0001 dependencies reference nonexistent child node payments.0001."
    )


def test_self_loop():
    """
    +--> shop.0001 --+
    |                |
    +----------------+
    """
    with pytest.raises(GraphError) as excinfo:
        graph({"shop.0001": ["shop.0001"]})
    assert str(excinfo.value) == "The migration graph has a cycle: shop.0001 -> shop.0001."


def test_two_node_cycle():
    """
    +--> shop.0001 --> shop.0002 --+
    |                              |
    +------------------------------+
    """
    with pytest.raises(GraphError) as excinfo:
        graph({"shop.0001": ["shop.0002"], "shop.0002": ["shop.0001"]})
    assert str(excinfo.value) == (
        "The migration graph has a cycle: shop.0001 -> shop.0002 -> shop.0001."
    )


def test_cycle_message_leaves_out_the_way_in():
    """
    shop.0001 --> shop.0002 --> shop.0003 --> shop.0004
                     ^                           |
                     +---------------------------+
    """
    with pytest.raises(GraphError) as excinfo:
        graph(
            {
                "shop.0001": [],
                "shop.0002": ["shop.0001", "shop.0004"],
                "shop.0003": ["shop.0002"],
                "shop.0004": ["shop.0003"],
            }
        )
    assert str(excinfo.value) == (
        "The migration graph has a cycle: shop.0002 -> shop.0003 -> shop.0004 -> shop.0002."
    )


def test_cycle_across_apps():
    """
    shop.0001 ==> payments.0001 --> payments.0002 ==> shop.0001
    """
    with pytest.raises(GraphError) as excinfo:
        graph(
            {
                "shop.0001": ["payments.0002"],
                "payments.0001": ["shop.0001"],
                "payments.0002": ["payments.0001"],
            }
        )
    assert str(excinfo.value) == (
        "The migration graph has a cycle: "
        "shop.0001 -> payments.0001 -> payments.0002 -> shop.0001."
    )


def test_cycle_through_run_before():
    """
    shop.0001 --> shop.0002 ==> payments.0001 ==(run_before)==> shop.0001
    """
    with pytest.raises(GraphError) as excinfo:
        graph(
            {"shop.0001": [], "shop.0002": ["shop.0001"], "payments.0001": ["shop.0002"]},
            run_before=[("payments.0001", "shop.0001")],
        )
    assert str(excinfo.value) == (
        "The migration graph has a cycle: shop.0001 -> shop.0002 -> payments.0001 -> shop.0001."
    )
