"""Export the graph as a Mermaid flowchart: one subgraph per app, dependencies in apply order.

Mermaid node ids may only hold letters, digits and underscores, and some words
(``end``) break its parser, so ids are derived from ``app.name`` and made
unique; the text shown is always a quoted, escaped label. A branch point is a
rhombus, a merge point a hexagon; heads, bases and applied migrations get a
class each.
"""

from __future__ import annotations

import re

from ..graph import DEPENDENCY, BranchGraph
from ..state import AppliedState
from ..types import Key

CLASSES = {
    "head": "stroke-width:3px",
    "base": "stroke-dasharray:4 2",
    "applied": "fill:#c8e6c9,stroke:#2e7d32",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;"}


def escape(text: str) -> str:
    """Escape ``text`` for a quoted Mermaid label with Mermaid's ``#name;`` entities."""
    return "".join(_ENTITIES.get(char, char) for char in text)


class _Ids:
    """Hand out sanitized, unique identifiers."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, prefix: str, text: str) -> str:
        base = "%s_%s" % (prefix, _UNSAFE.sub("_", text))
        ident, number = base, 1
        while ident in self.used:
            number += 1
            ident = "%s_%d" % (base, number)
        self.used.add(ident)
        return ident


def _node(graph: BranchGraph, key: Key, ident: str) -> str:
    text = escape(key[1])
    labels = graph.labels(key)
    if labels:
        text += "<br/>" + escape("[%s]" % ", ".join(sorted(labels)))
    if graph.is_merge_point(key):
        return '%s{{"%s"}}' % (ident, text)
    if graph.is_branch_point(key):
        return '%s{"%s"}' % (ident, text)
    return '%s["%s"]' % (ident, text)


def to_mermaid(graph: BranchGraph, state: AppliedState | None = None) -> str:
    """Return the graph as ``flowchart TD``; edges point from a dependency to its dependant."""
    ids = _Ids()
    node_ids = {key: ids.make("m", "%s_%s" % key) for key in graph.nodes}
    lines = ["flowchart TD"]
    for app_label in graph.apps:
        lines.append('  subgraph %s["%s"]' % (ids.make("app", app_label), escape(app_label)))
        for key in graph.app_nodes(app_label):
            lines.append("    %s" % _node(graph, key, node_ids[key]))
        lines.append("  end")
    for source, target, kind in graph.edges():
        arrow = "-.->" if kind == DEPENDENCY else "-->"
        lines.append("  %s %s %s" % (node_ids[source], arrow, node_ids[target]))
    members = {
        "head": [key for key in graph.nodes if graph.is_head(key)],
        "base": [key for key in graph.nodes if graph.is_base(key)],
        "applied": [key for key in graph.nodes if state is not None and key in state.applied],
    }
    for name, style in CLASSES.items():
        if members[name]:
            lines.append("  classDef %s %s" % (name, style))
            lines.append(
                "  class %s %s" % (",".join(node_ids[key] for key in members[name]), name)
            )
    return "\n".join(lines) + "\n"
