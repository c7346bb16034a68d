r"""The admin page's layout: units, layers, lanes, crossing reduction and the page's data.

Pure: every graph is built in memory, nothing touches a database.
"""

from datetime import datetime, timezone

from django_branchmig.graph import BranchGraph
from django_branchmig.render.layout import collapse_runs, layout, page_data
from django_branchmig.state import AppliedState


def names(graph, units):
    return [[graph.nodes[i][1] for i in unit] for unit in units]


def test_linear_runs_collapse_between_marked_nodes():
    r"""
    shop: 0001 (base) -> 0002 -> 0003 -> 0004 -> 0005 (head)

    0002..0004 have one parent and one child and no other edge: one unit.
    """
    graph = BranchGraph.from_dependencies(
        {"shop.%04d" % n: ["shop.%04d" % (n - 1)] if n > 1 else [] for n in range(1, 6)}
    )
    assert names(graph, collapse_runs(graph)) == [
        ["0001"],
        ["0002", "0003", "0004"],
        ["0005"],
    ]


def test_runs_stop_at_labels_dependencies_and_branch_points():
    r"""
    shop:  0001 -> 0002 -> 0003 -> 0004 (branch point) -> 0005_a -> 0006_a -> 0007_a (head)
                                                      \-> 0005_b [billing] -> 0006_b (head)
    pay:           ==> 0001 (needs shop.0002)

    shop.0002 has a dependant and 0005_b declares a label: neither joins a run, and
    a run of one node is no run.
    """
    graph = BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003": ["shop.0002"],
            "shop.0004": ["shop.0003"],
            "shop.0005_a": ["shop.0004"],
            "shop.0006_a": ["shop.0005_a"],
            "shop.0007_a": ["shop.0006_a"],
            "shop.0005_b": ["shop.0004"],
            "shop.0006_b": ["shop.0005_b"],
            "pay.0001": ["shop.0002"],
        },
        {"shop.0005_b": ["billing"]},
    )
    assert names(graph, collapse_runs(graph)) == [
        ["0001"],
        ["0002"],
        ["0001"],
        ["0003"],
        ["0004"],
        ["0005_b"],
        ["0006_b"],
        ["0005_a", "0006_a"],
        ["0007_a"],
    ]


def test_layers_lanes_and_columns():
    r"""
    shop:  0001 -> 0002 (branch point) -> 0003_a ----------> 0004 (merge point)
                                     \-> 0003_b [billing] -/
    pay:                ==> 0001 (needs shop.0002)

    Layers follow the longest path; shop is two columns wide where it forks (the
    branches in apply order, 0003_b first), and pay's lane comes first (lanes are
    sorted by app label).
    """
    graph = BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003_a": ["shop.0002"],
            "shop.0003_b": ["shop.0002"],
            "shop.0004": ["shop.0003_a", "shop.0003_b"],
            "pay.0001": ["shop.0002"],
        },
        {"shop.0003_b": ["billing"]},
    )
    result = layout(graph)
    placed = {
        graph.nodes[unit[0]]: (result.layer[n], result.column[n])
        for n, unit in enumerate(result.units)
    }
    assert result.lanes == {"pay": (0, 1), "shop": (1, 2)}
    assert placed == {
        ("shop", "0001"): (0, 1),
        ("shop", "0002"): (1, 1),
        ("pay", "0001"): (2, 0),
        ("shop", "0003_b"): (2, 1),
        ("shop", "0003_a"): (2, 2),
        ("shop", "0004"): (3, 1),
    }


def test_barycenter_uncrosses_branches():
    r"""
    shop:  0001 (branch point) -> 0002_a -> 0003_b
                              \-> 0002_b -> 0003_a

    Apply order puts 0003_a before 0003_b in their layer, which would cross the two
    branches; the sweeps keep each child under its parent.
    """
    graph = BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002_a": ["shop.0001"],
            "shop.0002_b": ["shop.0001"],
            "shop.0003_a": ["shop.0002_b"],
            "shop.0003_b": ["shop.0002_a"],
        }
    )
    result = layout(graph)
    column = {graph.nodes[unit[0]][1]: result.column[n] for n, unit in enumerate(result.units)}
    assert column["0002_a"] == column["0003_b"]
    assert column["0002_b"] == column["0003_a"]
    assert column["0002_a"] != column["0002_b"]


def test_page_data():
    r"""
    shop:  0001 -> 0002 -> 0003 -> 0004 [billing] (head)

    With an applied state and a ghost row of app ``old`` (no migrations left on disk).
    """
    graph = BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003": ["shop.0002"],
            "shop.0004": ["shop.0003"],
        },
        {"shop.0004": ["billing"]},
    )
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    state = AppliedState(
        "default",
        {("shop", "0001"): when, ("shop", "0002"): None},
        ghosts=(("old", "0001_gone"),),
    )

    def node(id, unit, marks=(), state="unapplied", labels=(), applied_at=None, app=1):
        return {
            "id": id,
            "app": app,
            "name": id.split(".")[1],
            "labels": list(labels),
            "marks": list(marks),
            "state": state,
            "applied_at": applied_at,
            "unit": unit,
        }

    assert page_data(graph, state) == {
        "database": "default",
        "apps": ["old", "shop"],
        "labels": ["billing"],
        "lanes": [
            {"app": "old", "column": 1, "width": 1},
            {"app": "shop", "column": 0, "width": 1},
        ],
        "columns": 2,
        "layers": 4,
        "nodes": [
            node("shop.0001", 0, ["base"], "applied", [0], "2025-01-02T03:04:05+00:00"),
            node("shop.0002", 1, [], "applied", [0]),
            node("shop.0003", 1, [], "unapplied", [0]),
            node("shop.0004", 2, ["head"], "unapplied", [0]),
            node("old.0001_gone", 3, [], "ghost", app=0),
        ],
        "units": [
            {"nodes": [0], "layer": 0, "column": 0},
            {"nodes": [1, 2], "layer": 1, "column": 0},
            {"nodes": [3], "layer": 2, "column": 0},
            {"nodes": [4], "layer": 3, "column": 1},
        ],
        "edges": [[0, 1, "parent"], [1, 2, "parent"]],
        "counts": {"applied": 2, "unapplied": 2, "ghost": 1},
    }


def test_page_data_without_state_has_no_states():
    graph = BranchGraph.from_dependencies({"shop.0001": []})
    data = page_data(graph)
    assert data["database"] is None
    assert [n["state"] for n in data["nodes"]] == [None]
    assert data["counts"] == {"applied": 0, "unapplied": 0, "ghost": 0}
