"""Export the graph as Graphviz DOT: one cluster per app, dependencies in apply order.

Shapes tell the branch structure at a glance: a branch point is a diamond, a
merge point a hexagon, a head has a double border and a base a bold one.
Dependency edges (other apps, ``run_before``) are dashed; with an applied
state, applied migrations are filled.
"""

from __future__ import annotations

from ..graph import DEPENDENCY, BranchGraph
from ..state import AppliedState
from ..types import Key, dotted

APPLIED_FILL = "#c8e6c9"


def escape(text: str) -> str:
    """Escape ``text`` for a DOT quoted string: backslashes first, then quotes."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def quote(text: str) -> str:
    return '"%s"' % escape(text)


def _label(graph: BranchGraph, key: Key) -> str:
    """The name, and the node's labels on a second line (``\\n`` is DOT's line break)."""
    lines = [key[1]]
    labels = graph.labels(key)
    if labels:
        lines.append("[%s]" % ", ".join(sorted(labels)))
    return '"%s"' % "\\n".join(escape(line) for line in lines)


def _attributes(graph: BranchGraph, key: Key, state: AppliedState | None) -> str:
    if graph.is_branch_point(key) and graph.is_merge_point(key):
        shape = "octagon"
    elif graph.is_merge_point(key):
        shape = "hexagon"
    elif graph.is_branch_point(key):
        shape = "diamond"
    else:
        shape = "box"
    style = ["rounded"] if shape == "box" else []
    if graph.is_base(key):
        style.append("bold")
    attributes = ["label=%s" % _label(graph, key), "shape=%s" % shape]
    if graph.is_head(key):
        attributes.append("peripheries=2")
    if state is not None and key in state.applied:
        style.append("filled")
        attributes.append("fillcolor=%s" % quote(APPLIED_FILL))
    if style:
        attributes.append("style=%s" % quote(",".join(style)))
    return ", ".join(attributes)


def to_dot(graph: BranchGraph, state: AppliedState | None = None) -> str:
    """Return the graph as a DOT ``digraph``; edges point from a dependency to its dependant."""
    lines = [
        "digraph migrations {",
        "  rankdir=TB;",
        '  node [fontname="Helvetica", fontsize=10];',
        "  edge [arrowsize=0.7];",
    ]
    for index, app_label in enumerate(graph.apps):
        lines.append("  subgraph cluster_%d {" % index)
        lines.append("    label=%s;" % quote(app_label))
        for key in graph.app_nodes(app_label):
            lines.append("    %s [%s];" % (quote(dotted(key)), _attributes(graph, key, state)))
        lines.append("  }")
    for source, target, kind in graph.edges():
        style = " [style=dashed]" if kind == DEPENDENCY else ""
        lines.append("  %s -> %s%s;" % (quote(dotted(source)), quote(dotted(target)), style))
    lines.append("}")
    return "\n".join(lines) + "\n"
