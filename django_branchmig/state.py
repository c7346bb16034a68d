"""What one database has applied, laid over the branch graph.

The overlay is plain data (a mapping of applied keys to their time, ghosts and
inconsistencies) so that targets and plans can be computed and tested without
a database. ``load`` is the one place that reads it from Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from .graph import BranchGraph
from .types import Key


@dataclass(frozen=True)
class AppliedState:
    """The applied overlay of one database alias."""

    alias: str
    #: Applied nodes of the graph, with the time Django recorded (None when unknown).
    applied: Mapping[Key, datetime | None] = field(default_factory=dict)
    #: Recorded rows whose migration is not on disk and not replaced by a squash.
    ghosts: tuple[Key, ...] = ()
    #: ``(migration, dependency)``: applied before its dependency, as Django checks.
    inconsistent: tuple[tuple[Key, Key], ...] = ()

    def __contains__(self, key: object) -> bool:
        return key in self.applied

    def applied_heads(self, graph: BranchGraph, nodes: Iterable[Key] | None = None) -> list[Key]:
        """Applied nodes (among ``nodes``) none of whose same-app children are applied."""
        applied = self.applied
        scope = set(graph.nodes if nodes is None else nodes)
        return [
            key
            for key in graph.sorted(key for key in scope if key in applied)
            if not any(child in applied and child in scope for child in graph.children(key))
        ]

    def missing_heads(self, graph: BranchGraph, app_label: str | None = None) -> list[Key]:
        """Heads of the graph (or of one app) that this database has not applied."""
        return [head for head in graph.heads(app_label) if head not in self.applied]


def load_graph(
    alias: str | None = None, *, loader: MigrationLoader | None = None
) -> tuple[BranchGraph, AppliedState | None]:
    """Build the graph from disk, and the applied overlay when ``alias`` is given.

    With an alias the loader is Django's connected loader, so squashed
    migrations resolve exactly as ``migrate`` resolves them on that database.
    """
    if loader is None:
        connection = connections[alias] if alias else None
        loader = MigrationLoader(connection, ignore_no_migrations=True)
    graph = BranchGraph.from_loader(loader)
    if alias is None:
        return graph, None
    return graph, applied_state(loader, graph, alias)


def applied_state(
    loader: MigrationLoader, graph: BranchGraph, alias: str = DEFAULT_DB_ALIAS
) -> AppliedState:
    """Read the overlay from a connected ``MigrationLoader``."""
    recorded: dict[Key, Any] = {
        key: row for key, row in loader.applied_migrations.items() if hasattr(row, "applied")
    }
    replaced: set[Key] = set()
    for migration in loader.disk_migrations.values():
        replaced.update(tuple(r) for r in getattr(migration, "replaces", ()))
    applied: dict[Key, datetime | None] = {}
    for key in loader.applied_migrations:
        if key not in graph:
            continue
        if key in recorded:
            applied[key] = recorded[key].applied
        else:  # A squash Django counts as applied because all it replaces is.
            times = [
                recorded[r].applied
                for r in map(tuple, graph.migration(key).replaces)
                if r in recorded
            ]
            applied[key] = max(times) if times else None
    ghosts = tuple(
        sorted(
            key for key in recorded if key not in loader.disk_migrations and key not in replaced
        )
    )
    return AppliedState(alias, applied, ghosts, _inconsistent(loader, recorded))


def _inconsistent(
    loader: MigrationLoader, recorded: Mapping[Key, Any]
) -> tuple[tuple[Key, Key], ...]:
    """Every pair Django's ``check_consistent_history`` would raise for, not just the first."""
    found = []
    nodes, node_map, replacements = loader.graph.nodes, loader.graph.node_map, loader.replacements
    for key in recorded:
        if key not in nodes:
            continue
        for parent_node in node_map[key].parents:
            parent = parent_node.key
            if parent in recorded:
                continue
            squash = replacements.get(parent)
            if squash is not None and all(tuple(r) in recorded for r in squash.replaces):
                continue
            found.append((key, parent))
    found.sort()
    return tuple(found)
