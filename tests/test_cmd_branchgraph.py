r"""``branchgraph``: DOT, Mermaid and JSON exports, and the renderers behind them.

The renderer tests use this graph::

    shop:     0001 -> 0002_a [billing] -> 0003 (merge point)
                 \-> 0002_b ----------/
    payments:           ==> 0001 (needs shop.0002_a)
"""

import json
from datetime import datetime, timezone

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from django_branchmig.graph import BranchGraph
from django_branchmig.render.data import graph_data
from django_branchmig.render.dot import to_dot
from django_branchmig.render.mermaid import to_mermaid
from django_branchmig.state import AppliedState
from tests.utils import TEST_APPS, run_command, subprocess_command


@pytest.fixture
def g():
    return BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002_a": ["shop.0001"],
            "shop.0002_b": ["shop.0001"],
            "shop.0003": ["shop.0002_a", "shop.0002_b"],
            "payments.0001": ["shop.0002_a"],
        },
        {"shop.0002_a": ["billing"]},
    )


@pytest.fixture
def state():
    return AppliedState(
        "default",
        {
            ("shop", "0001"): datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
            ("shop", "0002_a"): None,
        },
    )


# JSON --------------------------------------------------------------------------------------


def node(id, labels=(), declared=(), applied=None, applied_at=None, **flags):
    app, name = id.split(".")
    return {
        "id": id,
        "app": app,
        "name": name,
        "labels": list(labels),
        "declared_labels": list(declared),
        "head": flags.get("head", False),
        "base": flags.get("base", False),
        "branch_point": flags.get("branch_point", False),
        "merge_point": flags.get("merge_point", False),
        "applied": applied,
        "applied_at": applied_at,
    }


def test_graph_data(g):
    assert graph_data(g) == {
        "nodes": [
            node("shop.0001", base=True, branch_point=True),
            node("shop.0002_a", ["billing"], ["billing"]),
            node("payments.0001", head=True, base=True),
            node("shop.0002_b"),
            node("shop.0003", ["billing"], head=True, merge_point=True),
        ],
        "edges": [
            {"source": "shop.0001", "target": "shop.0002_a", "kind": "parent"},
            {"source": "shop.0001", "target": "shop.0002_b", "kind": "parent"},
            {"source": "shop.0002_a", "target": "payments.0001", "kind": "dependency"},
            {"source": "shop.0002_a", "target": "shop.0003", "kind": "parent"},
            {"source": "shop.0002_b", "target": "shop.0003", "kind": "parent"},
        ],
    }


def test_graph_data_with_state(g, state):
    nodes = {n["id"]: (n["applied"], n["applied_at"]) for n in graph_data(g, state)["nodes"]}
    assert nodes == {
        "shop.0001": (True, "2025-01-02T03:04:05+00:00"),
        "shop.0002_a": (True, None),
        "payments.0001": (False, None),
        "shop.0002_b": (False, None),
        "shop.0003": (False, None),
    }


# DOT ---------------------------------------------------------------------------------------


def test_dot(g, state):
    assert to_dot(g, state) == (
        "digraph migrations {\n"
        "  rankdir=TB;\n"
        '  node [fontname="Helvetica", fontsize=10];\n'
        "  edge [arrowsize=0.7];\n"
        "  subgraph cluster_0 {\n"
        '    label="payments";\n'
        '    "payments.0001" [label="0001", shape=box, peripheries=2, style="rounded,bold"];\n'
        "  }\n"
        "  subgraph cluster_1 {\n"
        '    label="shop";\n'
        '    "shop.0001" [label="0001", shape=diamond, fillcolor="#c8e6c9", '
        'style="bold,filled"];\n'
        '    "shop.0002_a" [label="0002_a\\n[billing]", shape=box, fillcolor="#c8e6c9", '
        'style="rounded,filled"];\n'
        '    "shop.0002_b" [label="0002_b", shape=box, style="rounded"];\n'
        '    "shop.0003" [label="0003\\n[billing]", shape=hexagon, peripheries=2];\n'
        "  }\n"
        '  "shop.0001" -> "shop.0002_a";\n'
        '  "shop.0001" -> "shop.0002_b";\n'
        '  "shop.0002_a" -> "payments.0001" [style=dashed];\n'
        '  "shop.0002_a" -> "shop.0003";\n'
        '  "shop.0002_b" -> "shop.0003";\n'
        "}\n"
    )


def test_dot_escapes_quotes_and_backslashes():
    g = BranchGraph.from_dependencies({'sh"op.0001_a\\b"c': []})
    assert (
        '    "sh\\"op.0001_a\\\\b\\"c" [label="0001_a\\\\b\\"c", shape=box, peripheries=2, '
        'style="rounded,bold"];\n'
    ) in to_dot(g)
    assert '    label="sh\\"op";\n' in to_dot(g)


# Mermaid -----------------------------------------------------------------------------------


def test_mermaid(g, state):
    assert to_mermaid(g, state) == (
        "flowchart TD\n"
        '  subgraph app_payments["payments"]\n'
        '    m_payments_0001["0001"]\n'
        "  end\n"
        '  subgraph app_shop["shop"]\n'
        '    m_shop_0001{"0001"}\n'
        '    m_shop_0002_a["0002_a<br/>[billing]"]\n'
        '    m_shop_0002_b["0002_b"]\n'
        '    m_shop_0003{{"0003<br/>[billing]"}}\n'
        "  end\n"
        "  m_shop_0001 --> m_shop_0002_a\n"
        "  m_shop_0001 --> m_shop_0002_b\n"
        "  m_shop_0002_a -.-> m_payments_0001\n"
        "  m_shop_0002_a --> m_shop_0003\n"
        "  m_shop_0002_b --> m_shop_0003\n"
        "  classDef head stroke-width:3px\n"
        "  class m_payments_0001,m_shop_0003 head\n"
        "  classDef base stroke-dasharray:4 2\n"
        "  class m_shop_0001,m_payments_0001 base\n"
        "  classDef applied fill:#c8e6c9,stroke:#2e7d32\n"
        "  class m_shop_0001,m_shop_0002_a applied\n"
    )


def test_mermaid_ids_are_safe_and_unique():
    """``a.b_c`` and ``a_b.c`` sanitize alike; quotes and ``<`` are entities in labels."""
    g = BranchGraph.from_dependencies({"a.b_c": [], "a_b.c": [], 'a.x"<y>#': []})
    lines = to_mermaid(g).splitlines()
    assert '    m_a_b_c["b_c"]' in lines
    assert '    m_a_b_c_2["c"]' in lines
    assert '    m_a_x__y__["x#quot;#lt;y#gt;#35;"]' in lines


# The command -------------------------------------------------------------------------------


def test_command_json(scenario):
    scenario("forked_labelled")
    out, err, returncode = run_command("branchgraph", "--format", "json")
    assert (err, returncode) == ("", 0)
    data = json.loads(out)
    nodes = [n for n in data["nodes"] if n["app"] in TEST_APPS]
    assert sorted(nodes, key=lambda n: n["id"]) == [
        node("shop.0001_initial", base=True),
        node("shop.0002_order", branch_point=True),
        node("shop.0003_invoice", ["billing"], ["billing"]),
        node("shop.0003_order_note"),
        node("shop.0004_invoice_paid", ["billing"], head=True),
        node("shop.0004_order_status", head=True),
    ]
    position = {n["id"]: index for index, n in enumerate(data["nodes"])}
    assert all(position[e["source"]] < position[e["target"]] for e in data["edges"])
    assert [e for e in data["edges"] if e["source"].startswith("shop.")] == [
        {"source": "shop.0001_initial", "target": "shop.0002_order", "kind": "parent"},
        {"source": "shop.0002_order", "target": "shop.0003_invoice", "kind": "parent"},
        {"source": "shop.0002_order", "target": "shop.0003_order_note", "kind": "parent"},
        {"source": "shop.0003_invoice", "target": "shop.0004_invoice_paid", "kind": "parent"},
        {
            "source": "shop.0003_order_note",
            "target": "shop.0004_order_status",
            "kind": "parent",
        },
    ]


def test_command_dot_is_the_default(scenario):
    scenario("cross_app_label")
    out, err, returncode = run_command("branchgraph")
    assert (err, returncode) == ("", 0)
    assert out.startswith("digraph migrations {\n")
    assert '  "shop.0003_invoice" -> "payments.0002_refund" [style=dashed];\n' in out
    assert '  "inventory.0001_initial" -> "payments.0001_initial" [style=dashed];\n' in out
    assert (
        '    "shop.0004_invoice_due" [label="0004_invoice_due\\n[billing]", shape=box, '
        'peripheries=2, style="rounded"];\n'
    ) in out


def test_command_mermaid(scenario):
    scenario("cross_app_label")
    out, _, _ = run_command("branchgraph", format="mermaid")
    assert out.startswith("flowchart TD\n")
    assert "  m_shop_0003_invoice -.-> m_payments_0002_refund\n" in out


def test_unknown_format():
    """A usage error: argparse's exit status 2 from the command line."""
    result = subprocess_command("branchgraph", "--format", "png")
    assert result.returncode == 2
    assert "argument --format: invalid choice: 'png'" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_command_with_database(scenario_db):
    scenario_db("linear")
    MigrationExecutor(connection).migrate([("shop", "0002_product_price")])

    out, _, _ = run_command("branchgraph", "--format", "json", "--database", "default")

    recorded = MigrationRecorder(connection).migration_qs.get(app="shop", name="0001_initial")
    nodes = {n["id"]: n for n in json.loads(out)["nodes"] if n["app"] == "shop"}
    assert nodes["shop.0001_initial"]["applied"] is True
    assert nodes["shop.0001_initial"]["applied_at"] == recorded.applied.isoformat()
    assert nodes["shop.0003_order"]["applied"] is False
    assert nodes["shop.0003_order"]["applied_at"] is None
