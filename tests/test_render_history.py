"""The ``branchhistory`` drawing on in-memory graphs: lanes, markers, marks, order.

Each test draws its graph the way the other graph tests do: arrows point from a
dependency to the migration that depends on it, ``==>`` is a dependency on another app,
``[label]`` a declared branch label. The expected drawing is newest first, like
``git log --graph``: children above parents.
"""

import textwrap
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from django_branchmig.graph import BranchGraph
from django_branchmig.render.history import draw_history, history_order
from django_branchmig.render.lanes import LayoutError, draw_lanes
from django_branchmig.state import AppliedState
from django_branchmig.types import dotted


def graph(dependencies, labels=None, run_before=()):
    return BranchGraph.from_dependencies(dependencies, labels, run_before=run_before)


def draw(g, nodes=None, state=None, **kwargs):
    return "\n".join(draw_history(g, g.nodes if nodes is None else nodes, state, **kwargs))


def expected(text):
    return textwrap.dedent(text).strip("\n")


def keys(*names):
    return [tuple(name.split(".", 1)) for name in names]


# Shapes ------------------------------------------------------------------------------------


def test_linear():
    """shop: 0001_initial -> 0002_order -> 0003_invoice"""
    g = graph(
        {
            "shop.0001_initial": [],
            "shop.0002_order": ["shop.0001_initial"],
            "shop.0003_invoice": ["shop.0002_order"],
        }
    )
    assert draw(g) == expected(
        """
        shop
         * shop.0003_invoice (head)
         * shop.0002_order
         * shop.0001_initial (base)
        """
    )


FORK = {
    "shop.0001_initial": [],
    "shop.0002_order": ["shop.0001_initial"],
    "shop.0003_invoice": ["shop.0002_order"],
    "shop.0004_invoice_paid": ["shop.0003_invoice"],
    "shop.0003_order_note": ["shop.0002_order"],
    "shop.0004_order_status": ["shop.0003_order_note"],
}


def test_fork():
    r"""
                                  /-> 0003_invoice [billing] -> 0004_invoice_paid
    shop: 0001_initial -> 0002_order
                                  \-> 0003_order_note -> 0004_order_status

    The newest head comes first; its line is followed down to the branch point, then the
    other line is drawn in a second lane that joins it there.
    """
    g = graph(FORK, {"shop.0003_invoice": ["billing"]})
    assert draw(g) == expected(
        """
        shop
         * shop.0004_order_status (head)
         * shop.0003_order_note
         | * shop.0004_invoice_paid [billing] (head)
         | * shop.0003_invoice [billing]
         |/
         * shop.0002_order (branch point)
         * shop.0001_initial (base)
        """
    )


def test_merge():
    r"""
    shop: 0001_a -> 0002_a --\
                             0003_merge
    shop: 0001_b -> 0002_b --/

    The second parent opens a lane to the right; it ends at its own base.
    """
    g = graph(
        {
            "shop.0001_a": [],
            "shop.0002_a": ["shop.0001_a"],
            "shop.0001_b": [],
            "shop.0002_b": ["shop.0001_b"],
            "shop.0003_merge": ["shop.0002_a", "shop.0002_b"],
        }
    )
    assert draw(g) == expected(
        """
        shop
         *   shop.0003_merge (head) (merge point)
         |\\
         | * shop.0002_b
         | * shop.0001_b (base)
         * shop.0002_a
         * shop.0001_a (base)
        """
    )


def test_fork_and_merge():
    r"""
                                  /-> 0003_invoice [billing] -> 0004_invoice_paid --\
    shop: 0001_initial -> 0002_order                                          0005_merge -> 0006
                                  \-> 0003_order_note -> 0004_order_status -------/

    The diamond: the merged branch is drawn first, as git does, and both lanes meet again
    at the branch point. Labels propagate through the merge point.
    """
    g = graph(
        {
            **FORK,
            "shop.0005_merge": ["shop.0004_invoice_paid", "shop.0004_order_status"],
            "shop.0006_order_shipped": ["shop.0005_merge"],
        },
        {"shop.0003_invoice": ["billing"]},
    )
    assert draw(g) == expected(
        """
        shop
         * shop.0006_order_shipped [billing] (head)
         *   shop.0005_merge [billing] (merge point)
         |\\
         | * shop.0004_order_status
         | * shop.0003_order_note
         * | shop.0004_invoice_paid [billing]
         * | shop.0003_invoice [billing]
         |/
         * shop.0002_order (branch point)
         * shop.0001_initial (base)
        """
    )


def test_small_diamond():
    """shop: 0001 -> {0002_a, 0002_b} -> 0003_merge"""
    g = graph(
        {
            "shop.0001": [],
            "shop.0002_a": ["shop.0001"],
            "shop.0002_b": ["shop.0001"],
            "shop.0003_merge": ["shop.0002_a", "shop.0002_b"],
        }
    )
    assert draw(g) == expected(
        """
        shop
         *   shop.0003_merge (head) (merge point)
         |\\
         | * shop.0002_b
         * | shop.0002_a
         |/
         * shop.0001 (base) (branch point)
        """
    )


def test_two_independent_bases():
    """
    shop: 0001_initial -> 0002_order
    shop: 0001_audit [audit] -> 0002_audit_actor

    Two histories with nothing in common: the second starts in its own lane, so that it
    does not look like the parent of the first one's base.
    """
    g = graph(
        {
            "shop.0001_initial": [],
            "shop.0002_order": ["shop.0001_initial"],
            "shop.0001_audit": [],
            "shop.0002_audit_actor": ["shop.0001_audit"],
        },
        {"shop.0001_audit": ["audit"]},
    )
    assert draw(g) == expected(
        """
        shop
         * shop.0002_order (head)
         * shop.0001_initial (base)
           * shop.0002_audit_actor [audit] (head)
           * shop.0001_audit [audit] (base)
        """
    )


def test_three_bases_alternate_lanes():
    """
    shop:     0001_initial -> 0002_order
                                  ==> payments.0001_initial
    shop:                                ==> 0001_reports [reports] -> 0002_report_total
    shop:     0001_audit [audit] -> 0002_audit_actor

    The reports line depends, through payments, on the trunk: it is newer and comes first
    even though its own lane is unrelated. Each history starts in a lane other than the one
    that just ended.
    """
    g = graph(
        {
            "shop.0001_initial": [],
            "shop.0002_order": ["shop.0001_initial"],
            "shop.0001_audit": [],
            "shop.0002_audit_actor": ["shop.0001_audit"],
            "shop.0001_reports": ["payments.0001_initial"],
            "shop.0002_report_total": ["shop.0001_reports"],
            "payments.0001_initial": ["shop.0002_order"],
        },
        {"shop.0001_audit": ["audit"], "shop.0001_reports": ["reports"]},
    )
    assert draw(g, apps=["shop"]) == expected(
        """
        shop
         * shop.0002_report_total [reports] (head)
         * shop.0001_reports [reports] (base) depends on payments.0001_initial
           * shop.0002_order (head)
           * shop.0001_initial (base)
         * shop.0002_audit_actor [audit] (head)
         * shop.0001_audit [audit] (base)
        """
    )


def test_fork_inside_fork():
    r"""
    shop: 0001 -> 0002 -> 0003 -> 0004
                     \-> 0003_x -> 0004_x
                                \-> 0004_y

    The inner fork closes first, then the outer one.
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003": ["shop.0002"],
            "shop.0004": ["shop.0003"],
            "shop.0003_x": ["shop.0002"],
            "shop.0004_x": ["shop.0003_x"],
            "shop.0004_y": ["shop.0003_x"],
        }
    )
    assert draw(g) == expected(
        """
        shop
         * shop.0004_y (head)
         | * shop.0004_x (head)
         |/
         * shop.0003_x (branch point)
         | * shop.0004 (head)
         | * shop.0003
         |/
         * shop.0002 (branch point)
         * shop.0001 (base)
        """
    )


def test_three_way_merge():
    r"""
    shop: 0001 -> {0002, 0003, 0004} -> 0005_merge

    An octopus merge spreads its parents like git: ``*-.`` then ``|\ \``.
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003": ["shop.0001"],
            "shop.0004": ["shop.0001"],
            "shop.0005_merge": ["shop.0002", "shop.0003", "shop.0004"],
        }
    )
    assert draw(g) == expected(
        """
        shop
         *-.   shop.0005_merge (head) (merge point)
         |\\ \\
         | | * shop.0004
         | * | shop.0003
         | |/
         * | shop.0002
         |/
         * shop.0001 (base) (branch point)
        """
    )


def test_lanes_cross_to_collapse():
    r"""
    shop: 0001 -> 0002 -> {0004, 0005}
             \-> 0003 -> {0004, 0005}

    Two merges of the same two lines: the second one's lanes pass under the first one's to
    reach theirs (``|_|/``).
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003": ["shop.0001"],
            "shop.0004": ["shop.0002", "shop.0003"],
            "shop.0005": ["shop.0002", "shop.0003"],
        }
    )
    assert draw(g) == expected(
        """
        shop
         *   shop.0005 (head) (merge point)
         |\\
         | | *   shop.0004 (head) (merge point)
         | | |\\
         |_|/ /
         | |/
         | * shop.0003 (branch point)
         * | shop.0002 (branch point)
         |/
         * shop.0001 (base) (branch point)
        """
    )


def test_merge_joins_the_lane_next_to_it():
    r"""
    shop: 0001 -> 0002_a ----------> 0003_m -> {0004_a, 0004_c}
             \-> 0002_b -----------/
                      \-> 0004_b

    When 0003_m is drawn, the lane right of it already waits for its second parent 0002_b:
    the merge joins that lane (``|\|``) instead of opening another one.
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002_a": ["shop.0001"],
            "shop.0002_b": ["shop.0001"],
            "shop.0003_m": ["shop.0002_a", "shop.0002_b"],
            "shop.0004_a": ["shop.0003_m"],
            "shop.0004_b": ["shop.0002_b"],
            "shop.0004_c": ["shop.0003_m"],
        }
    )
    assert draw(g) == expected(
        """
        shop
         * shop.0004_c (head)
         | * shop.0004_b (head)
         | | * shop.0004_a (head)
         |_|/
         * | shop.0003_m (branch point) (merge point)
         |\\|
         | * shop.0002_b (branch point)
         * | shop.0002_a
         |/
         * shop.0001 (base) (branch point)
        """
    )


# Text --------------------------------------------------------------------------------------


def test_dependencies_and_sections():
    """
    shop:     0001_initial -> 0002_order
    payments:                     ==> 0001_initial
    inventory: 0001_initial ==(run_before)==> payments.0001_initial

    Apps are sections in alphabetical order; each dependency edge is named.
    """
    g = graph(
        {
            "shop.0001_initial": [],
            "shop.0002_order": ["shop.0001_initial"],
            "payments.0001_initial": ["shop.0002_order"],
            "inventory.0001_initial": ["shop.0001_initial"],
        },
        run_before=[("inventory.0001_initial", "payments.0001_initial")],
    )
    assert draw(g) == expected(
        """
        inventory
         * inventory.0001_initial (head) (base) depends on shop.0001_initial
        payments
         * payments.0001_initial (head) (base) depends on inventory.0001_initial, shop.0002_order
        shop
         * shop.0002_order (head)
         * shop.0001_initial (base)
        """
    )


def test_applied_marks():
    """shop: 0001 -> 0002 -> 0003, with 0001 and 0002 applied."""
    g = graph({"shop.0001": [], "shop.0002": ["shop.0001"], "shop.0003": ["shop.0002"]})
    when = datetime(2025, 1, 2, tzinfo=timezone.utc)
    state = AppliedState("default", {("shop", "0001"): when, ("shop", "0002"): None})
    assert draw(g, state=state) == expected(
        """
        shop
         * [ ] shop.0003 (head)
         * [X] shop.0002
         * [X] shop.0001 (base)
        """
    )


def test_several_labels_are_sorted():
    """shop: 0001 [zeta, alpha] -> 0002"""
    g = graph({"shop.0001": [], "shop.0002": ["shop.0001"]}, {"shop.0001": ["zeta", "alpha"]})
    assert draw(g) == expected(
        """
        shop
         * shop.0002 [alpha, zeta] (head)
         * shop.0001 [alpha, zeta] (base)
        """
    )


def test_style_colours_headings():
    class Style:
        @staticmethod
        def MIGRATE_LABEL(text):
            return "<%s>" % text

    g = graph({"shop.0001": []})
    assert draw_history(g, g.nodes, style=Style()) == ["<shop>", " * shop.0001 (head) (base)"]


def test_apps_select_and_order_sections():
    g = graph({"shop.0001": [], "payments.0001": ["shop.0001"], "inventory.0001": []})
    assert draw(g, apps=["shop", "payments"]) == expected(
        """
        shop
         * shop.0001 (head) (base)
        payments
         * payments.0001 (head) (base) depends on shop.0001
        """
    )


def test_subset_ends_lanes_at_the_cut():
    r"""
    shop: 0001 -> 0002 -> 0003_a
                     \-> 0003_b

    Without 0001 the branch point's lane ends; its markers still describe the whole graph.
    """
    g = graph(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003_a": ["shop.0002"],
            "shop.0003_b": ["shop.0002"],
        }
    )
    assert draw(g, keys("shop.0002", "shop.0003_a", "shop.0003_b")) == expected(
        """
        shop
         * shop.0003_b (head)
         | * shop.0003_a (head)
         |/
         * shop.0002 (branch point)
        """
    )


def test_nothing_selected():
    g = graph({"shop.0001": []})
    assert draw_history(g, []) == []


# Order -------------------------------------------------------------------------------------


def test_order_follows_other_apps():
    """
    shop: 0001_a       0001_b (base)
              ==> payments.0001 ==> shop.0001_b

    shop.0001_b comes after shop.0001_a in apply order (through payments), so it is drawn
    above it although the two share no parent edge and 0001_a sorts first.
    """
    g = graph(
        {
            "shop.0001_a": [],
            "payments.0001": ["shop.0001_a"],
            "shop.0001_b": ["payments.0001"],
        }
    )
    assert [dotted(k) for k in history_order(g, g.app_nodes("shop"))] == [
        "shop.0001_b",
        "shop.0001_a",
    ]


def test_layout_refuses_a_parent_before_its_child():
    with pytest.raises(LayoutError, match="drawn before its child"):
        draw_lanes([("a", "1"), ("a", "2")], {("a", "1"): [], ("a", "2"): [("a", "1")]}.get)


def test_layout_refuses_a_missing_parent():
    with pytest.raises(LayoutError, match="it was not drawn"):
        draw_lanes([("a", "2")], lambda key: [("a", "1")])


# Every drawing can be read back -------------------------------------------------------------


def read_back(rows):
    """Follow each line of a drawing from its node down to the node it reaches.

    Return ``{child: [parents]}`` and fail on a broken line or a stray character: the
    drawing must say exactly which migration each line joins, and nothing else.
    """
    grid = [graph_part for _, graph_part in rows]
    node_rows = {index: key for index, (key, _) in enumerate(rows) if key is not None}
    used = set()

    def at(row, position):
        if position < 0 or row >= len(grid) or position >= len(grid[row]):
            return " "
        return grid[row][position]

    def follow(row, position):
        while True:
            assert row < len(grid), "a line runs off the bottom"
            char = at(row, position)
            if char == "*":
                return node_rows[row]
            if char == "|":
                used.add((row, position))
                row += 1
            elif at(row, position - 1) == "/":
                used.add((row, position - 1))
                left = position - 1
                while at(row, left - 2) == "_":
                    left -= 2
                    used.add((row, left))
                row, position = row + 1, left - 1
            elif at(row, position + 1) == "\\":
                used.add((row, position + 1))
                row, position = row + 1, position + 2
            else:
                raise AssertionError("a line breaks at row %d, position %d" % (row, position))

    edges = {}
    for row, key in node_rows.items():
        position = grid[row].index("*")
        used.add((row, position))
        parents = []
        below = row + 1
        if at(below, position) in "|*" or at(below, position - 1) == "/":
            parents.append(follow(below, position))
        if at(row, position + 1) == "-":
            dot = grid[row].index(".", position)
            for offset in range(position + 1, dot + 1):
                used.add((row, offset))
            for extra in range((dot - position) // 2 + 1):
                assert at(below, position + 1 + 2 * extra) == "\\"
                used.add((below, position + 1 + 2 * extra))
                parents.append(follow(below + 1, position + 2 + 2 * extra))
        elif at(below, position + 1) == "\\":
            used.add((below, position + 1))
            parents.append(follow(below + 1, position + 2))
        edges[key] = parents
    stray = [
        (row, position)
        for row, line in enumerate(grid)
        for position, char in enumerate(line)
        if char != " " and (row, position) not in used
    ]
    assert not stray, "characters that belong to no line: %s" % stray
    return edges


def assert_consistent(g, nodes):
    """The drawing of ``nodes`` (one app) shows exactly their parent edges, newest first."""
    order = history_order(g, nodes)
    assert sorted(order) == sorted(nodes)
    seen = set()
    for key in order:
        later = g.descendants([key]) - {key}
        assert not (later & set(nodes)) - seen, "%s is drawn above a newer node" % (key,)
        seen.add(key)
    shown = set(order)

    def parents(key):
        return [parent for parent in g.parents(key) if parent in shown]

    rows = draw_lanes(order, parents)
    assert [key for key, _ in rows if key is not None] == order
    drawn = read_back(rows)
    assert {k: sorted(v) for k, v in drawn.items()} == {k: sorted(parents(k)) for k in order}


@st.composite
def graphs(draw):
    """Random migration graphs over two apps, with merges, forks and several bases."""
    size = draw(st.integers(min_value=1, max_value=16))
    dependencies = {}
    for index in range(size):
        app = draw(st.sampled_from(["a", "a", "a", "b"]))
        node = "%s.%04d" % (app, index)
        earlier = list(dependencies)
        parents = (
            draw(st.lists(st.sampled_from(earlier), max_size=3, unique=True)) if earlier else []
        )
        dependencies[node] = parents
    g = graph(dependencies)
    nodes = [key for key in g.nodes if key[0] == "a"]
    subset = draw(st.lists(st.sampled_from(nodes), unique=True)) if nodes else []
    return g, nodes, subset


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_every_drawing_reads_back(case):
    g, nodes, subset = case
    assert_consistent(g, nodes)
    assert_consistent(g, subset)


@pytest.mark.parametrize(
    "shape",
    [
        FORK,
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003": ["shop.0001"],
            "shop.0004": ["shop.0001"],
            "shop.0005": ["shop.0002", "shop.0003", "shop.0004"],
            "shop.0006": ["shop.0002", "shop.0004"],
        },
    ],
)
def test_drawn_shapes_read_back(shape):
    g = graph(shape)
    assert_consistent(g, g.app_nodes("shop"))
