"""The graph as plain data: the stable JSON of ``branchgraph --format json``."""

from __future__ import annotations

from typing import Any

from ..graph import BranchGraph
from ..state import AppliedState
from ..types import Key, dotted


def node_data(graph: BranchGraph, key: Key, state: AppliedState | None = None) -> dict[str, Any]:
    """Describe one node; ``applied`` and ``applied_at`` are None without a state."""
    applied: bool | None = None
    applied_at: str | None = None
    if state is not None:
        applied = key in state.applied
        when = state.applied.get(key)
        applied_at = when.isoformat() if when is not None else None
    return {
        "id": dotted(key),
        "app": key[0],
        "name": key[1],
        "labels": sorted(graph.labels(key)),
        "declared_labels": sorted(graph.declared_labels(key)),
        "head": graph.is_head(key),
        "base": graph.is_base(key),
        "branch_point": graph.is_branch_point(key),
        "merge_point": graph.is_merge_point(key),
        "applied": applied,
        "applied_at": applied_at,
    }


def graph_data(graph: BranchGraph, state: AppliedState | None = None) -> dict[str, Any]:
    """Return ``{"nodes": [...], "edges": [...]}``, nodes in topological order.

    An edge goes from a dependency to the migration that depends on it, the
    direction in which migrations are applied.
    """
    return {
        "nodes": [node_data(graph, key, state) for key in graph.nodes],
        "edges": [
            {"source": dotted(source), "target": dotted(target), "kind": kind}
            for source, target, kind in graph.edges()
        ],
    }
