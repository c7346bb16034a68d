"""Lay the branch graph out for the admin page: layered, in app lanes, linear runs collapsed.

This is Sugiyama's layered drawing cut down to what a migration graph needs,
and done in Python so that the browser only draws:

1. *Units.* A run of plain migrations (one parent, one child, same app, no
   dependency edge, no declared label, not a head, base, branch point or merge
   point) becomes one unit, which the page draws as one node and expands on
   click. Everything that carries a mark stays a unit of its own, so no mark
   is ever hidden inside a run, and a run is only ever entered at its first
   migration and left at its last.
2. *Layers* come from the topological order: a unit sits one layer below the
   lowest unit it depends on (longest path), so every edge points downwards.
3. *Lanes.* Each app gets a band of columns, as wide as its widest layer;
   lanes are ordered by app label.
4. *Crossing reduction.* Barycenter sweeps (down, up, down) order the units
   of each app within each layer by the mean column of their same-app
   neighbours, and place each unit as close to that mean as the order allows,
   so that a branch stays in its column.

The layout does not depend on the applied state, so it is the same for every
database; ``page_data`` lays the state over it. Long edges get no dummy nodes:
the page draws them as curves, which is enough in app lanes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..graph import PARENT, BranchGraph, collector_paused
from ..state import AppliedState
from ..types import Key, dotted

#: Barycenter sweeps: True sweeps downwards (neighbours are parents), False upwards.
SWEEPS = (True, False, True)


@dataclass(frozen=True)
class Layout:
    """Where each unit goes: ``units[i]`` holds node indexes into ``graph.nodes``."""

    units: list[list[int]]
    layer: list[int]
    column: list[int]
    #: ``(first column, width)`` of each app's lane, in ``graph.apps`` order.
    lanes: dict[str, tuple[int, int]]
    #: ``(source unit, target unit, kind)``; ``parent`` wins when both kinds join two units.
    edges: list[tuple[int, int, str]]


def _plain(graph: BranchGraph, key: Key) -> bool:
    """Whether ``key`` may sit inside a collapsed run: it carries no mark of its own."""
    return (
        len(graph.parents(key)) == 1
        and len(graph.children(key)) == 1
        and not graph.dependencies(key)
        and not graph.dependants(key)
        and not graph.declared_labels(key)
    )


def collapse_runs(graph: BranchGraph) -> list[list[int]]:
    """Group the nodes into units: runs of two or more plain nodes, and single nodes.

    Units come in the order of their first node, which is a topological order.
    """
    index = graph.position
    plain = [_plain(graph, key) for key in graph.nodes]
    unit_of: dict[int, list[int]] = {}
    units: list[list[int]] = []
    for position, key in enumerate(graph.nodes):
        if position in unit_of:
            continue
        unit = [position]
        if plain[position]:
            # Follow the chain down while the next node is plain too.
            child = index(graph.children(key)[0])
            while plain[child]:
                unit.append(child)
                child = index(graph.children(graph.nodes[child])[0])
        for member in unit:
            unit_of[member] = unit
        units.append(unit)
    return units


def _unit_edges(graph: BranchGraph, units: list[list[int]]) -> list[tuple[int, int, str]]:
    unit_index: dict[Key, int] = {}
    for number, unit in enumerate(units):
        for member in unit:
            unit_index[graph.nodes[member]] = number
    kinds: dict[tuple[int, int], str] = {}
    for source, target, kind in graph.edges():
        pair = (unit_index[source], unit_index[target])
        if pair[0] != pair[1] and kinds.get(pair) != PARENT:
            kinds[pair] = kind
    return sorted((s, t, k) for (s, t), k in kinds.items())


def layout(graph: BranchGraph) -> Layout:
    """Compute the layout of ``graph``; a pure function of the graph."""
    units = collapse_runs(graph)
    edges = _unit_edges(graph, units)
    count = len(units)
    app = [graph.nodes[unit[0]][0] for unit in units]
    preds: list[list[int]] = [[] for _ in range(count)]
    succs: list[list[int]] = [[] for _ in range(count)]
    for source, target, _ in edges:
        preds[target].append(source)
        succs[source].append(target)
    layer = [0] * count
    for number in range(count):  # Units are in topological order.
        if preds[number]:
            layer[number] = 1 + max(layer[p] for p in preds[number])
    # Group each layer's units by app: the rows that the sweeps order.
    rows: dict[tuple[int, str], list[int]] = {}
    for number in range(count):
        rows.setdefault((layer[number], app[number]), []).append(number)
    width = {label: 1 for label in graph.apps}
    for (_, label), members in rows.items():
        width[label] = max(width[label], len(members))
    column = [0] * count
    for members in rows.values():
        for rank, number in enumerate(members):
            column[number] = rank
    same_app_preds = [[p for p in preds[n] if app[p] == app[n]] for n in range(count)]
    same_app_succs = [[s for s in succs[n] if app[s] == app[n]] for n in range(count)]
    ordered = sorted(rows.items())
    for downwards in SWEEPS:
        neighbours = same_app_preds if downwards else same_app_succs
        for (_, label), members in ordered if downwards else reversed(ordered):
            wanted = {
                n: (
                    sum(column[m] for m in neighbours[n]) / len(neighbours[n])
                    if neighbours[n]
                    else float(column[n])
                )
                for n in members
            }
            members.sort(key=lambda n: (wanted[n], column[n]))
            for number, placed in zip(members, _place([wanted[n] for n in members], width[label])):
                column[number] = placed
    lanes: dict[str, tuple[int, int]] = {}
    start = 0
    for label in graph.apps:
        lanes[label] = (start, width[label])
        start += width[label]
    return Layout(units, layer, [lanes[app[n]][0] + column[n] for n in range(count)], lanes, edges)


def _place(wanted: Sequence[float], width: int) -> list[int]:
    """Give sorted wishes distinct columns in ``range(width)``, each as near its wish as fits."""
    count = len(wanted)
    columns: list[int] = []
    for rank, wish in enumerate(wanted):
        lowest = columns[-1] + 1 if columns else 0
        columns.append(max(lowest, min(round(wish), width - count + rank)))
    return columns


def page_data(graph: BranchGraph, state: AppliedState | None = None) -> dict[str, Any]:
    """Return everything the graph page draws, as JSON-ready data.

    ``nodes`` are in topological order and refer to apps and labels by index;
    ``units`` are what the page draws (a run expands into its ``nodes``);
    ``state`` is ``"applied"``, ``"unapplied"`` or ``"ghost"``, or None
    without an applied state. Ghosts (rows with no migration on disk) are
    appended as units of their own below the graph, in their app's lane.
    """
    # Like the graph build: many small allocations, no cycles, a large heap to scan.
    with collector_paused():
        return _page_data(graph, state)


def _page_data(graph: BranchGraph, state: AppliedState | None) -> dict[str, Any]:
    plan = layout(graph)
    ghosts = list(state.ghosts) if state is not None else []
    apps = sorted(set(graph.apps) | {app for app, _ in ghosts})
    labels = graph.all_labels()
    label_index = {label: number for number, label in enumerate(labels)}
    app_index = {label: number for number, label in enumerate(apps)}
    unit_of = [0] * len(graph.nodes)
    for number, unit in enumerate(plan.units):
        for member in unit:
            unit_of[member] = number
    nodes = [
        _node(graph, key, state, app_index, label_index, unit_of[position])
        for position, key in enumerate(graph.nodes)
    ]
    units: list[dict[str, Any]] = [
        {"nodes": unit, "layer": plan.layer[number], "column": plan.column[number]}
        for number, unit in enumerate(plan.units)
    ]
    lanes = dict(plan.lanes)
    start = sum(width for _, width in lanes.values())
    for label in apps:
        if label not in lanes:  # An app that only has ghosts left.
            lanes[label] = (start, 1)
            start += 1
    bottom = max(plan.layer, default=-1) + 1
    below: dict[str, int] = {}
    for app_label, name in ghosts:
        nodes.append(
            {
                "id": dotted((app_label, name)),
                "app": app_index[app_label],
                "name": name,
                "labels": [],
                "marks": [],
                "state": "ghost",
                "applied_at": None,
                "unit": len(units),
            }
        )
        depth = below.get(app_label, 0)
        below[app_label] = depth + 1
        units.append(
            {"nodes": [len(nodes) - 1], "layer": bottom + depth, "column": lanes[app_label][0]}
        )
    return {
        "database": state.alias if state is not None else None,
        "apps": apps,
        "labels": labels,
        "lanes": [
            {"app": label, "column": lanes[label][0], "width": lanes[label][1]} for label in apps
        ],
        "columns": start,
        "layers": max((unit["layer"] for unit in units), default=-1) + 1,
        "nodes": nodes,
        "units": units,
        "edges": [[source, target, kind] for source, target, kind in plan.edges],
        "counts": _counts(nodes),
    }


def _node(
    graph: BranchGraph,
    key: Key,
    state: AppliedState | None,
    app_index: dict[str, int],
    label_index: dict[str, int],
    unit: int,
) -> dict[str, Any]:
    marks = [
        mark
        for mark, present in (
            ("head", graph.is_head(key)),
            ("base", graph.is_base(key)),
            ("branch_point", graph.is_branch_point(key)),
            ("merge_point", graph.is_merge_point(key)),
        )
        if present
    ]
    status: str | None = None
    applied_at: str | None = None
    if state is not None:
        status = "applied" if key in state.applied else "unapplied"
        when = state.applied.get(key)
        applied_at = when.isoformat() if when is not None else None
    return {
        "id": dotted(key),
        "app": app_index[key[0]],
        "name": key[1],
        "labels": sorted(label_index[label] for label in graph.labels(key)),
        "marks": marks,
        "state": status,
        "applied_at": applied_at,
        "unit": unit,
    }


def _counts(nodes: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"applied": 0, "unapplied": 0, "ghost": 0}
    for node in nodes:
        if node["state"] is not None:
            counts[node["state"]] += 1
    return counts
