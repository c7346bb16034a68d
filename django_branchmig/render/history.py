"""The terminal drawing of ``branchhistory``: each app's migrations, newest first.

Each app is a section headed by its label. Its migrations are ordered like
``git log --graph --topo-order``: a migration comes after everything that
depends on it, even through other apps, and a line of history is followed down
to its branch point before the next one starts. ``lanes`` lays the order out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..graph import BranchGraph
from ..state import AppliedState
from ..types import Key, dotted
from .lanes import draw_lanes

#: What a line says about a node's place in the graph, in this order.
MARKERS = (
    ("head", BranchGraph.is_head),
    ("base", BranchGraph.is_base),
    ("branch point", BranchGraph.is_branch_point),
    ("merge point", BranchGraph.is_merge_point),
)


def history_order(graph: BranchGraph, nodes: Iterable[Key]) -> list[Key]:
    """Return ``nodes`` newest first, each line of history kept together.

    A node is ready once every selected node that depends on it, directly or
    through unselected ones and other apps, has been placed. Ready nodes wait
    on a stack, so the parents of the node just placed come next (the last
    parent first, as git shows the merged branch first), and otherwise the
    newest ready node in Django's apply order.
    """
    selected = graph.sorted(set(nodes))
    bits = {key: 1 << index for index, key in enumerate(selected)}
    # The selected nodes each node reaches through unselected nodes only.
    reach: dict[Key, int] = {}
    for key in reversed(graph.nodes):
        mask = 0
        for successor in graph.children(key) + graph.dependants(key):
            mask |= bits.get(successor) or reach[successor]
        reach[key] = mask
    waiting = {key: reach[key].bit_count() for key in selected}
    blocks: dict[Key, list[Key]] = {key: [] for key in selected}
    for key in selected:
        mask = reach[key]
        while mask:
            low = mask & -mask
            blocks[selected[low.bit_length() - 1]].append(key)
            mask ^= low
    stack = [key for key in selected if not waiting[key]]
    order = []
    while stack:
        key = stack.pop()
        order.append(key)
        ready = []
        for other in blocks[key]:
            waiting[other] -= 1
            if not waiting[other]:
                ready.append(other)
        parents = [parent for parent in graph.parents(key) if parent in ready]
        stack.extend(graph.sorted(set(ready) - set(parents)))
        stack.extend(parents)
    return order


def describe(graph: BranchGraph, key: Key, state: AppliedState | None = None) -> str:
    """Return the text of a node's line: mark, name, labels, markers and dependencies."""
    parts = []
    if state is not None:
        parts.append("[X]" if key in state else "[ ]")
    parts.append(dotted(key))
    labels = graph.labels(key)
    if labels:
        parts.append("[%s]" % ", ".join(sorted(labels)))
    parts.extend("(%s)" % name for name, test in MARKERS if test(graph, key))
    dependencies = graph.dependencies(key)
    if dependencies:
        parts.append("depends on %s" % ", ".join(dotted(d) for d in dependencies))
    return " ".join(parts)


def draw_app(
    graph: BranchGraph, nodes: Iterable[Key], state: AppliedState | None = None
) -> list[str]:
    """Draw the given nodes of one app, without a heading."""
    order = history_order(graph, nodes)
    shown = set(order)
    rows = draw_lanes(order, lambda key: [p for p in graph.parents(key) if p in shown])
    return [
        graph_part if key is None else graph_part + describe(graph, key, state)
        for key, graph_part in rows
    ]


def draw_history(
    graph: BranchGraph,
    nodes: Iterable[Key],
    state: AppliedState | None = None,
    style: Any = None,
    *,
    apps: Sequence[str] | None = None,
) -> list[str]:
    """Return the lines drawing ``nodes``: per app (in ``apps`` order), a heading and its graph.

    ``style`` is a command's ``self.style``; headings use ``MIGRATE_LABEL``.
    Apps without a selected node are left out.
    """
    selected = set(nodes)
    heading = style.MIGRATE_LABEL if style is not None else str
    lines = []
    for app_label in graph.apps if apps is None else apps:
        app_nodes = [key for key in graph.app_nodes(app_label) if key in selected]
        if app_nodes:
            lines.append(heading(app_label))
            lines.extend(" " + line for line in draw_app(graph, app_nodes, state))
    return lines
